//! What a team comparison looks at: the chosen coders, the codes in scope, which documents each
//! coder took part in, and their codings grouped by code and document. Shared by agreement and
//! disagreement listing so both apply the same rules. The codings are read in one scan of the
//! `coding` table's covering index, which is what keeps a 200,000-coding comparison fast.
//!
//! A coder "coded a document" when they have at least one coding (of any code) in it. A coder
//! who did not code a document is *missing* for all of that document's units, rather than
//! counted as saying "not coded" everywhere: a document one person never opened says nothing
//! about agreement.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::Connection;

use super::agreement::Unit;
use super::units::MAX_CODERS;
use crate::error::{Error, Result};
use crate::model::{CodeId, CodeNode, CoderId, DocumentId, Span};
use crate::store::{coders, codes, documents};

/// The coders being compared, in the order given.
#[derive(Debug, Clone)]
pub struct Coders {
    pub ids: Vec<CoderId>,
    pub names: Vec<String>,
}

/// Resolves coder names (at least two, distinct); an unknown name is an error listing the coders.
pub fn resolve_coders(conn: &Connection, names: &[String]) -> Result<Coders> {
    let mut out = Coders { ids: Vec::new(), names: Vec::new() };
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let Some(id) = coders::find(conn, name)? else {
            let known: Vec<String> = coders::list(conn)?.into_iter().map(|(_, n)| format!("{n:?}")).collect();
            let hint = if known.is_empty() {
                "; this project has no coders yet".to_owned()
            } else {
                format!("; the coders are {}", known.join(", "))
            };
            return Err(Error::NotFound { what: "coder", name: name.to_owned(), hint });
        };
        if !out.ids.contains(&id) {
            out.ids.push(id);
            out.names.push(name.to_owned());
        }
    }
    if out.ids.len() < 2 {
        return Err(Error::invalid("compare at least two different coders"));
    }
    Ok(out)
}

/// The codes in scope: the subtree at `path` (the code and its descendants), else the codebook.
pub fn codes_in_scope(conn: &Connection, path: Option<&str>) -> Result<Vec<CodeNode>> {
    let all = codes::list(conn)?;
    let Some(path) = path else { return Ok(all) };
    let root = codes::id_by_path(conn, path)?;
    let keep: HashSet<CodeId> = codes::subtree(&all, root).into_iter().collect();
    Ok(all.into_iter().filter(|c| keep.contains(&c.id)).collect())
}

/// One coding of a code in scope by a chosen coder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ScopedCoding {
    /// Index of the code in the scope (the `scope` slice given to [`scan`]).
    pub code: usize,
    pub document: DocumentId,
    /// Index of the coder in [`Coders`].
    pub coder: usize,
    pub span: Span,
}

/// What one read of the `coding` table gives a comparison.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// The chosen coders' codings of the codes in scope, in no particular order.
    pub codings: Vec<ScopedCoding>,
    /// Per document, the chosen coders (bit i = coder i) with at least one coding of any code
    /// there: the coders who took part in the document.
    pub present: HashMap<DocumentId, u64>,
}

/// Reads the codings once, straight from the covering index (no strings, no ordering).
pub fn scan(conn: &Connection, coders: &Coders, scope: &[CodeNode]) -> Result<Scan> {
    if coders.ids.len() > MAX_CODERS {
        return Err(Error::invalid(format!("compare at most {MAX_CODERS} coders at a time")));
    }
    let index: HashMap<CoderId, usize> = coders.ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let codes: HashMap<CodeId, usize> = scope.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut out = Scan::default();
    let mut stmt = conn.prepare("SELECT document_id, code_id, coder_id, start, \"end\" FROM coding")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let Some(&coder) = index.get(&r.get::<_, CoderId>(2)?) else { continue };
        let document: DocumentId = r.get(0)?;
        *out.present.entry(document).or_insert(0) |= 1 << coder;
        let Some(&code) = codes.get(&r.get::<_, CodeId>(1)?) else { continue };
        let span = Span { start: offset(r.get(3)?), end: offset(r.get(4)?) };
        out.codings.push(ScopedCoding { code, document, coder, span });
    }
    Ok(out)
}

fn offset(value: i64) -> usize {
    usize::try_from(value).unwrap_or(0)
}

/// The chosen coders' codings of the codes in scope: code → document → coder index → spans.
pub type Grouped = BTreeMap<CodeId, BTreeMap<DocumentId, Vec<Vec<Span>>>>;

/// Groups a scan's codings by code and document.
pub fn grouped(scan: &Scan, coders: &Coders, scope: &[CodeNode]) -> Grouped {
    let mut grouped = Grouped::new();
    for c in &scan.codings {
        let per_coder = grouped
            .entry(scope[c.code].id)
            .or_default()
            .entry(c.document)
            .or_insert_with(|| vec![Vec::new(); coders.ids.len()]);
        per_coder[c.coder].push(c.span);
    }
    grouped
}

/// Every document's id and length in code points, by name.
pub fn document_lengths(conn: &Connection) -> Result<Vec<(DocumentId, usize)>> {
    let mut stmt = conn.prepare("SELECT id, char_count FROM document ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, offset(r.get(1)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The segments of `unit` (turns or paragraphs, sorted by start) of each wanted document; an
/// empty map for character and document units.
pub fn segments(conn: &Connection, unit: Unit, wanted: &HashSet<DocumentId>) -> Result<HashMap<DocumentId, Vec<Span>>> {
    let mut out: HashMap<DocumentId, Vec<Span>> = HashMap::new();
    let sql = match unit {
        Unit::Char | Unit::Document => return Ok(out),
        Unit::Turn => "SELECT document_id, start, \"end\" FROM turn",
        Unit::Paragraph => "SELECT id, paragraphs FROM document",
    };
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let doc: DocumentId = r.get(0)?;
        if !wanted.contains(&doc) {
            continue;
        }
        let spans = out.entry(doc).or_default();
        match unit {
            Unit::Turn => spans.push(Span { start: offset(r.get(1)?), end: offset(r.get(2)?) }),
            _ => spans.extend(documents::decode_spans(r.get_ref(1)?.as_blob().unwrap_or(&[]))),
        }
    }
    out.values_mut().for_each(|s| s.sort_unstable());
    Ok(out)
}

/// For one document: each chosen coder's spans, or `None` when they did not code the document
/// (`present` is the document's mask from [`Scan::present`]).
pub fn layers(coders: &Coders, present: u64, spans: Option<&Vec<Vec<Span>>>) -> Vec<Option<Vec<Span>>> {
    (0..coders.ids.len())
        .map(|i| (present >> i & 1 == 1).then(|| spans.and_then(|s| s.get(i)).cloned().unwrap_or_default()))
        .collect()
}
