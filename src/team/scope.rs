//! What a team comparison looks at: the chosen coders, the codes in scope, which documents each
//! coder took part in, and their codings grouped by code and document. Shared by agreement and
//! disagreement listing so both apply the same rules.
//!
//! A coder "coded a document" when they have at least one coding (of any code) in it. A coder
//! who did not code a document is *missing* for all of that document's units, rather than
//! counted as saying "not coded" everywhere: a document one person never opened says nothing
//! about agreement.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::model::{CodeId, CodeNode, CoderId, DocumentId, Span};
use crate::store::{coders, codes, codings};

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

/// Pairs (document, coder) where the coder has at least one coding in the document.
pub fn coded_documents(conn: &Connection) -> Result<HashSet<(DocumentId, CoderId)>> {
    let mut stmt = conn.prepare("SELECT DISTINCT document_id, coder_id FROM coding")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The chosen coders' codings of the codes in scope: code → document → coder index → spans.
pub type Grouped = BTreeMap<CodeId, BTreeMap<DocumentId, Vec<Vec<Span>>>>;

/// Reads and groups the chosen coders' codings of `scope`.
pub fn grouped_codings(conn: &Connection, coders: &Coders, scope: &[CodeNode]) -> Result<Grouped> {
    let filter =
        codings::CodingFilter { codes: Some(scope.iter().map(|c| c.id).collect()), ..codings::CodingFilter::default() };
    let index: HashMap<CoderId, usize> = coders.ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let mut grouped = Grouped::new();
    for row in codings::list(conn, &filter)? {
        let Some(&i) = index.get(&row.coder_id) else { continue };
        let per_coder = grouped
            .entry(row.code_id)
            .or_default()
            .entry(row.document_id)
            .or_insert_with(|| vec![Vec::new(); coders.ids.len()]);
        per_coder[i].push(Span { start: row.start, end: row.end });
    }
    Ok(grouped)
}

/// For one document: each chosen coder's spans, or `None` when they did not code the document.
pub fn layers(
    document: DocumentId,
    coders: &Coders,
    coded: &HashSet<(DocumentId, CoderId)>,
    spans: Option<&Vec<Vec<Span>>>,
) -> Vec<Option<Vec<Span>>> {
    coders
        .ids
        .iter()
        .enumerate()
        .map(|(i, &coder)| coded.contains(&(document, coder)).then(|| spans.map(|s| s[i].clone()).unwrap_or_default()))
        .collect()
}
