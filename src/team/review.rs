//! The review workflow of the codebook: a comment thread per code for team discussion, the review
//! queue (codes not yet `agreed`, with definition, counts and example excerpts), and filtering
//! codes by review status for the codebook view and exports.
//!
//! A code's status and its comments are changes made through the command layer
//! (`fieldcode::coding`), so they can be undone; this module only reads them.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;
use crate::model::{CodeId, CodeNode, CodingRow, DocumentId, ReviewStatus};
use crate::store::{codes, codings, documents};
use crate::text::CharIndex;

/// Example excerpts shown per code in the review queue.
pub const QUEUE_EXAMPLES: usize = 3;

/// Longest excerpt, in code points.
pub const EXCERPT_CHARS: usize = 200;

/// One comment of a code's discussion thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: i64,
    pub code_id: CodeId,
    pub author: String,
    pub created_at: String,
    pub body: String,
}

/// A code's comment thread, oldest first.
pub fn comments(conn: &Connection, code: CodeId) -> Result<Vec<Comment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, code_id, author, created_at, body FROM code_comment WHERE code_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([code], |r| {
        Ok(Comment { id: r.get(0)?, code_id: r.get(1)?, author: r.get(2)?, created_at: r.get(3)?, body: r.get(4)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Codes whose status is one of `statuses`, keeping codebook order (for the codebook view and
/// exports filtered by status).
pub fn with_status(codes: Vec<CodeNode>, statuses: &[ReviewStatus]) -> Vec<CodeNode> {
    codes.into_iter().filter(|c| statuses.contains(&c.status)).collect()
}

/// A coded excerpt shown as an example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excerpt {
    pub document: String,
    pub start: usize,
    pub end: usize,
    pub coder: String,
    pub text: String,
}

/// One code waiting for agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueEntry {
    pub code_id: CodeId,
    pub code: String,
    pub status: ReviewStatus,
    pub description: String,
    pub inclusion: String,
    pub exclusion: String,
    pub example: String,
    /// Codings of this code (not of its sub-codes).
    pub codings: usize,
    pub documents: usize,
    pub coders: Vec<String>,
    pub comments: usize,
    /// Up to [`QUEUE_EXAMPLES`] excerpts, from different documents where possible.
    pub examples: Vec<Excerpt>,
}

/// Codes not yet `agreed`, in codebook order, proposed before reviewed.
pub fn queue(conn: &Connection) -> Result<Vec<QueueEntry>> {
    let pending = with_status(codes::list(conn)?, &[ReviewStatus::Proposed, ReviewStatus::Reviewed]);
    let filter = codings::CodingFilter { codes: Some(pending.iter().map(|c| c.id).collect()), ..Default::default() };
    let mut by_code: HashMap<CodeId, Vec<CodingRow>> = HashMap::new();
    for row in codings::list(conn, &filter)? {
        by_code.entry(row.code_id).or_default().push(row);
    }
    let names: HashMap<DocumentId, String> = documents::list(conn)?.into_iter().map(|d| (d.id, d.name)).collect();
    let comment_counts = comment_counts(conn)?;
    let mut texts = Texts::default();
    let mut entries = Vec::with_capacity(pending.len());
    for code in pending {
        let rows = by_code.remove(&code.id).unwrap_or_default();
        let mut examples = Vec::new();
        for row in pick_examples(&rows) {
            let text = texts.excerpt(conn, row)?;
            let document = names.get(&row.document_id).cloned().unwrap_or_default();
            examples.push(Excerpt { document, start: row.start, end: row.end, coder: row.coder.clone(), text });
        }
        entries.push(QueueEntry {
            code_id: code.id,
            status: code.status,
            codings: rows.len(),
            documents: rows.iter().map(|r| r.document_id).collect::<BTreeSet<_>>().len(),
            coders: rows.iter().map(|r| r.coder.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
            comments: comment_counts.get(&code.id).copied().unwrap_or(0),
            examples,
            code: code.path,
            description: code.description,
            inclusion: code.inclusion,
            exclusion: code.exclusion,
            example: code.example,
        });
    }
    entries.sort_by_key(|e| e.status);
    Ok(entries)
}

/// Up to [`QUEUE_EXAMPLES`] codings, the first of each document before a second from any.
fn pick_examples(rows: &[CodingRow]) -> Vec<&CodingRow> {
    let mut seen = BTreeSet::new();
    let (mut first, mut rest): (Vec<&CodingRow>, Vec<&CodingRow>) = (Vec::new(), Vec::new());
    for row in rows {
        if seen.insert(row.document_id) { first.push(row) } else { rest.push(row) }
    }
    first.into_iter().chain(rest).take(QUEUE_EXAMPLES).collect()
}

fn comment_counts(conn: &Connection) -> Result<HashMap<CodeId, usize>> {
    let mut stmt = conn.prepare("SELECT code_id, count(*) FROM code_comment GROUP BY code_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as usize)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Document texts loaded once each, for cutting excerpts.
#[derive(Default)]
struct Texts {
    loaded: BTreeMap<DocumentId, (String, CharIndex)>,
}

impl Texts {
    fn excerpt(&mut self, conn: &Connection, row: &CodingRow) -> Result<String> {
        let (text, index) = match self.loaded.entry(row.document_id) {
            Entry::Occupied(loaded) => loaded.into_mut(),
            Entry::Vacant(slot) => {
                let text = documents::text(conn, row.document_id)?;
                let index = CharIndex::new(&text);
                slot.insert((text, index))
            }
        };
        let end = row.end.min(row.start + EXCERPT_CHARS);
        let cut = index.slice(text, row.start, end);
        Ok(if end < row.end { format!("{cut}…") } else { cut.to_owned() })
    }
}
