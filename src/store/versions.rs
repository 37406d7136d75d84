//! Earlier texts of edited documents (`document_version`, see `schema.sql`).
//!
//! Why changes, not copies: a burst of typing in a 5 MB transcript is one edit; keeping a copy
//! of the text for each would grow the file by 5 MB a burst. Each row keeps the replacements that
//! turned its version into the next, so any earlier text is rebuilt from the current one by
//! undoing them, newest first, and checked against the hash the row recorded.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::DocumentId;

/// One replacement of a text: `[start, end)` (code points) held `old` and now holds `new`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    pub start: usize,
    pub end: usize,
    pub old: String,
    pub new: String,
}

/// One earlier version of a document's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRow {
    pub document_id: DocumentId,
    /// 1 is the text as imported.
    pub number: i64,
    /// When and by whom this text was replaced by the next version.
    pub replaced_at: String,
    pub replaced_by: String,
    pub sha256: String,
    pub char_count: usize,
    /// The replacements that turned this version into the next, ascending.
    pub edits: Vec<Replacement>,
}

/// One line of `versions`: an earlier text, or the current one (`replaced_at: None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    pub number: i64,
    /// When this text came about: the import, or the edit that made it.
    pub since: String,
    /// Who made it (`None` for the imported text).
    pub by: Option<String>,
    pub replaced_at: Option<String>,
    pub sha256: String,
    pub chars: usize,
    /// Replacements the edit that ended this version made.
    pub edits: usize,
    pub current: bool,
}

/// Stores a version row (an edit, or its redo).
pub fn insert(conn: &Connection, row: &VersionRow) -> Result<()> {
    let edits =
        serde_json::to_string(&row.edits).map_err(|e| Error::invalid(format!("cannot record the edit: {e}")))?;
    conn.prepare_cached(
        "INSERT INTO document_version (document_id, number, replaced_at, replaced_by, sha256, char_count, edits)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        row.document_id,
        row.number,
        row.replaced_at,
        row.replaced_by,
        row.sha256,
        row.char_count as i64,
        edits
    ])?;
    Ok(())
}

/// Removes a version row (the undo of the edit that made it).
pub fn delete(conn: &Connection, document: DocumentId, number: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM document_version WHERE document_id = ?1 AND number = ?2")?
        .execute(params![document, number])?;
    Ok(())
}

/// The number the next edit of a document gives the text it replaces.
pub fn next_number(conn: &Connection, document: DocumentId) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(number), 0) + 1 FROM document_version WHERE document_id = ?1")?
        .query_row([document], |r| r.get(0))?)
}

/// The version number of every edited document's current text (1 + its earlier versions);
/// a document missing here was never edited (version 1).
pub fn current_numbers(conn: &Connection) -> Result<std::collections::HashMap<DocumentId, i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT document_id, max(number) + 1 FROM document_version GROUP BY document_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A document's earlier versions, oldest first.
pub fn rows(conn: &Connection, document: DocumentId) -> Result<Vec<VersionRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number, replaced_at, replaced_by, sha256, char_count, edits FROM document_version
         WHERE document_id = ?1 ORDER BY number",
    )?;
    let raw = stmt
        .query_map([document], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter()
        .map(|(number, replaced_at, replaced_by, sha256, chars, edits)| {
            let edits = serde_json::from_str(&edits).map_err(|e| {
                Error::invalid(format!("version {number} of document #{document} cannot be read ({e})"))
            })?;
            Ok(VersionRow {
                document_id: document,
                number,
                replaced_at,
                replaced_by,
                sha256,
                char_count: chars.max(0) as usize,
                edits,
            })
        })
        .collect()
}

/// Every version of a document, oldest first, the current text last.
pub fn list(conn: &Connection, document: DocumentId) -> Result<Vec<VersionInfo>> {
    let (imported_at, sha, chars): (String, String, i64) = conn
        .query_row("SELECT imported_at, sha256, char_count FROM document WHERE id = ?1", [document], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("document", format!("#{document}")))?;
    let mut out = Vec::new();
    let mut since = imported_at;
    let mut by = None;
    for row in rows(conn, document)? {
        out.push(VersionInfo {
            number: row.number,
            since: std::mem::replace(&mut since, row.replaced_at.clone()),
            by: by.replace(row.replaced_by.clone()),
            replaced_at: Some(row.replaced_at),
            sha256: row.sha256,
            chars: row.char_count,
            edits: row.edits.len(),
            current: false,
        });
    }
    out.push(VersionInfo {
        number: out.last().map_or(1, |v| v.number + 1),
        since,
        by,
        replaced_at: None,
        sha256: sha,
        chars: chars.max(0) as usize,
        edits: 0,
        current: true,
    });
    Ok(out)
}

/// The text version `number` of a document had: the current text with the edits of that
/// version and every later one undone, newest first, checked against the stored hash.
pub fn text_of(conn: &Connection, document: DocumentId, number: i64) -> Result<String> {
    let mut text = super::documents::text(conn, document)?;
    let rows = rows(conn, document)?;
    let newest = rows.last().map_or(1, |r| r.number + 1);
    if number < 1 || number > newest {
        return Err(Error::invalid(format!(
            "document #{document} has versions 1 to {newest}; there is no version {number}"
        )));
    }
    for row in rows.iter().rev().filter(|r| r.number >= number) {
        text = undo_replacements(&text, &row.edits).ok_or_else(|| {
            Error::invalid(format!(
                "version {} of document #{document} does not fit its later text; the versions cannot be rebuilt",
                row.number
            ))
        })?;
        if super::documents::text_sha256(&text) != row.sha256 {
            return Err(Error::invalid(format!(
                "version {} of document #{document} does not match its recorded hash; the versions cannot be rebuilt",
                row.number
            )));
        }
    }
    Ok(text)
}

/// `text` (the result of `edits`) with `edits` undone, or `None` if it does not hold their new
/// texts where they should be.
pub fn undo_replacements(text: &str, edits: &[Replacement]) -> Option<String> {
    let mut shift: i64 = 0; // how far the edited text's positions lie after the old text's
    let swapped: Vec<(usize, usize, &str, &str)> = edits
        .iter()
        .map(|r| {
            let at = (r.start as i64 + shift).max(0) as usize;
            let new_len = r.new.chars().count();
            shift += new_len as i64 - (r.end - r.start) as i64;
            (at, at + new_len, r.new.as_str(), r.old.as_str())
        })
        .collect();
    splice(text, &swapped)
}

/// `text` with `edits` made (all at once, in `text`'s coordinates), or `None` if it does not
/// hold their old texts where they should be.
pub fn apply_replacements(text: &str, edits: &[Replacement]) -> Option<String> {
    let plain: Vec<(usize, usize, &str, &str)> =
        edits.iter().map(|r| (r.start, r.end, r.old.as_str(), r.new.as_str())).collect();
    splice(text, &plain)
}

/// Replaces each `[start, end)` (code points, ascending, apart) holding `expected` by
/// `replacement`, in one pass over the text.
fn splice(text: &str, edits: &[(usize, usize, &str, &str)]) -> Option<String> {
    let positions: Vec<usize> = edits.iter().flat_map(|&(start, end, ..)| [start, end]).collect();
    let bytes = crate::text::byte_offsets(text, &positions)?;
    let mut out = String::with_capacity(text.len());
    let mut copied = 0usize;
    for (&(_, _, expected, replacement), at) in edits.iter().zip(bytes.chunks_exact(2)) {
        let (from, to) = (at[0], at[1]);
        if from < copied || text.get(from..to)? != expected {
            return None;
        }
        out.push_str(text.get(copied..from)?);
        out.push_str(replacement);
        copied = to;
    }
    out.push_str(text.get(copied..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_undo_back_to_the_old_text() {
        let edits = vec![
            Replacement { start: 0, end: 4, old: "Rosa".into(), new: "LW-A".into() },
            Replacement { start: 9, end: 13, old: "café".into(), new: "bar".into() },
        ];
        assert_eq!(undo_replacements("LW-A met bar.", &edits).as_deref(), Some("Rosa met café."));
        assert_eq!(undo_replacements("LW-B met bar.", &edits), None);
        assert_eq!(undo_replacements("LW-A", &edits), None);
        assert_eq!(apply_replacements("Rosa met café.", &edits).as_deref(), Some("LW-A met bar."));
        assert_eq!(apply_replacements("Rosa met cafe.", &edits), None);
    }
}
