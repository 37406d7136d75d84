//! Checks shared by the commands: existence of codes, documents and coders, code names and
//! colours, offsets and tree shape. Each refusal says what was wrong and what to do instead.

use rusqlite::{Connection, OptionalExtension, params};

use super::rows::{self, CodeRec};
use crate::error::{Error, Result};
use crate::model::{CodeId, CoderId, DocumentId};

/// The code with this id, or an error.
pub fn code(conn: &Connection, id: CodeId) -> Result<CodeRec> {
    rows::read_code(conn, id)?.ok_or_else(|| Error::NotFound {
        what: "code",
        name: format!("#{id}"),
        hint: String::new(),
    })
}

/// A document's name and length in code points, or an error.
pub fn document(conn: &Connection, id: DocumentId) -> Result<(String, usize)> {
    conn.prepare_cached("SELECT name, char_count FROM document WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize)))
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "document", name: format!("#{id}"), hint: String::new() })
}

/// The coder's name, or an error.
pub fn coder(conn: &Connection, id: CoderId) -> Result<String> {
    conn.prepare_cached("SELECT name FROM coder WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("coder", format!("#{id}")))
}

/// A code name, trimmed; refuses empty names, `/` and control characters.
pub fn name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Error::invalid("a code needs a name; give a non-empty name"));
    }
    if name.contains('/') {
        return Err(Error::invalid(format!(
            "{name:?} cannot be a code name: `/` separates the parts of a code path (Theme/Code/Sub-code)"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(format!("{name:?} cannot be a code name: it contains a control character")));
    }
    Ok(name.to_owned())
}

/// A colour written `#RRGGBB`, returned in upper case.
pub fn color(raw: &str) -> Result<String> {
    let c = raw.trim();
    let ok = c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
    if !ok {
        return Err(Error::invalid(format!("{raw:?} is not a colour; write it as #RRGGBB, e.g. #1F77B4")));
    }
    Ok(c.to_ascii_uppercase())
}

/// Refuses a span that is empty, reversed or beyond the document's end.
pub fn span(doc_name: &str, chars: usize, start: usize, end: usize) -> Result<()> {
    if end <= start {
        return Err(Error::invalid(format!(
            "{start}..{end} is not a span of {doc_name:?}: the end must be greater than the start"
        )));
    }
    if end > chars {
        return Err(Error::invalid(format!(
            "{start}..{end} is out of range: {doc_name:?} has {chars} characters, so offsets run from 0 to {chars}"
        )));
    }
    Ok(())
}

/// The child of `parent` (or top-level code) called `name`, if any.
pub fn child_named(conn: &Connection, parent: Option<CodeId>, name: &str) -> Result<Option<CodeId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM code WHERE coalesce(parent_id, 0) = ?1 AND name = ?2")?
        .query_row(params![parent.unwrap_or(0), name], |r| r.get(0))
        .optional()?)
}

/// Refuses `name` if a sibling under `parent` other than `except` already has it.
pub fn unique_sibling(conn: &Connection, parent: Option<CodeId>, name: &str, except: Option<CodeId>) -> Result<()> {
    match child_named(conn, parent, name)? {
        Some(id) if Some(id) != except => {
            let place = match parent {
                Some(p) => format!("under {:?}", path_of(conn, p)?),
                None => "at the top level".to_owned(),
            };
            Err(Error::invalid(format!(
                "there is already a code named {name:?} {place}; sibling codes need different names"
            )))
        }
        _ => Ok(()),
    }
}

/// The position after the last child of `parent`.
pub fn next_position(conn: &Connection, parent: Option<CodeId>) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(position), -1) + 1 FROM code WHERE coalesce(parent_id, 0) = ?1")?
        .query_row([parent.unwrap_or(0)], |r| r.get(0))?)
}

/// The `Theme/Code/Sub-code` path of a code.
pub fn path_of(conn: &Connection, id: CodeId) -> Result<String> {
    let mut parts = Vec::new();
    let mut next = Some(id);
    while let Some(id) = next {
        let rec = code(conn, id)?;
        parts.push(rec.name);
        next = rec.parent_id;
        if parts.len() > 10_000 {
            return Err(Error::invalid("the codebook has a cycle; restore the project from a backup"));
        }
    }
    parts.reverse();
    Ok(parts.join("/"))
}

/// The ids of a code and all its descendants, parents before children.
pub fn subtree(conn: &Connection, root: CodeId) -> Result<Vec<CodeId>> {
    let mut out = vec![root];
    let mut stmt = conn.prepare_cached("SELECT id FROM code WHERE parent_id = ?1 ORDER BY position, id")?;
    let mut i = 0;
    while i < out.len() {
        let kids: Vec<CodeId> = stmt.query_map([out[i]], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        out.extend(kids);
        i += 1;
    }
    Ok(out)
}
