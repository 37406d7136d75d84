//! Reading everything a merge needs from the other project into memory, so the other file is
//! only read (never written) and the merge itself is one transaction on this project.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::coding::rows::{self, CommentRec, MemoRec};
use crate::error::Result;
use crate::model::{AttributeScope, CodeNode, CodingRow, DocumentId};
use crate::store::{codes, codings};

/// A document of the other project, as far as matching needs it.
#[derive(Debug, Clone)]
pub struct SourceDocument {
    pub name: String,
    pub sha256: String,
    pub guid: String,
    /// The text, needed to realign codings when this project's copy was edited differently.
    pub text: String,
}

/// A memo of the other project (its id is not used).
pub type SourceMemo = MemoRec;

/// A code comment of the other project (its id is not used).
pub type SourceComment = CommentRec;

/// An attribute value of the other project: of a document (`owner_id` is its document id) or
/// of a participant (its participant id).
#[derive(Debug, Clone)]
pub struct SourceValue {
    pub scope: AttributeScope,
    pub owner_id: i64,
    pub name: String,
    pub value: String,
}

/// The other project's content.
#[derive(Debug, Clone)]
pub struct Source {
    pub guid: String,
    pub documents: HashMap<DocumentId, SourceDocument>,
    /// In tree order, so parents come before their children.
    pub codes: Vec<CodeNode>,
    pub codings: Vec<CodingRow>,
    pub participants: HashMap<i64, String>,
    pub memos: Vec<SourceMemo>,
    pub comments: Vec<SourceComment>,
    pub values: Vec<SourceValue>,
}

/// Reads the other project.
pub fn read(conn: &Connection, guid: String) -> Result<Source> {
    Ok(Source {
        guid,
        documents: documents(conn)?,
        codes: codes::list(conn)?,
        codings: codings::list(conn, &codings::CodingFilter::default())?,
        participants: participants(conn)?,
        memos: rows::all_memos(conn)?,
        comments: rows::all_comments(conn)?,
        values: values(conn)?,
    })
}

fn documents(conn: &Connection) -> Result<HashMap<DocumentId, SourceDocument>> {
    let mut stmt = conn.prepare("SELECT id, name, sha256, guid, text FROM document")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get(0)?, SourceDocument { name: r.get(1)?, sha256: r.get(2)?, guid: r.get(3)?, text: r.get(4)? }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn participants(conn: &Connection) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare("SELECT id, label FROM participant")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every attribute value, documents' then participants', in a stable order.
fn values(conn: &Connection) -> Result<Vec<SourceValue>> {
    let mut out = Vec::new();
    for (scope, table, owner) in [
        (AttributeScope::Document, "document_attribute", "document_id"),
        (AttributeScope::Participant, "participant_attribute", "participant_id"),
    ] {
        let sql = format!(
            "SELECT v.{owner}, a.name, v.value FROM {table} v JOIN attribute a ON a.id = v.attribute_id
             ORDER BY v.{owner}, a.name"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows =
            stmt.query_map([], |r| Ok(SourceValue { scope, owner_id: r.get(0)?, name: r.get(1)?, value: r.get(2)? }))?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    Ok(out)
}
