//! Attributes of documents (site, provider, date, …) and participants (role, …), including the
//! classification-sheet CSV import (`fieldcode attributes`).

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::model::{AttributeScope, DocumentId, ParticipantId};

use super::{Project, documents, participants};

/// The attribute id for a name and scope, created if new.
pub fn id_for(conn: &Connection, name: &str, scope: AttributeScope) -> Result<i64> {
    let existing: Option<i64> = conn
        .prepare_cached("SELECT id FROM attribute WHERE name = ?1 AND scope = ?2")?
        .query_row([name, scope.as_str()], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO attribute (name, scope) VALUES (?1, ?2)")?.execute([name, scope.as_str()])?;
    Ok(conn.last_insert_rowid())
}

/// Sets (or replaces) a document's attribute value.
pub fn set_document_value(conn: &Connection, document: DocumentId, name: &str, value: &str) -> Result<()> {
    let attr = id_for(conn, name, AttributeScope::Document)?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO document_attribute (document_id, attribute_id, value) VALUES (?1, ?2, ?3)",
    )?
    .execute(rusqlite::params![document, attr, value])?;
    Ok(())
}

/// Sets (or replaces) a participant's attribute value.
pub fn set_participant_value(conn: &Connection, participant: ParticipantId, name: &str, value: &str) -> Result<()> {
    let attr = id_for(conn, name, AttributeScope::Participant)?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO participant_attribute (participant_id, attribute_id, value) VALUES (?1, ?2, ?3)",
    )?
    .execute(rusqlite::params![participant, attr, value])?;
    Ok(())
}

/// All document attribute values, by document.
pub fn document_values(conn: &Connection) -> Result<BTreeMap<DocumentId, BTreeMap<String, String>>> {
    values(
        conn,
        "SELECT v.document_id, a.name, v.value FROM document_attribute v JOIN attribute a ON a.id = v.attribute_id",
    )
}

/// All participant attribute values, by participant.
pub fn participant_values(conn: &Connection) -> Result<BTreeMap<ParticipantId, BTreeMap<String, String>>> {
    values(
        conn,
        "SELECT v.participant_id, a.name, v.value FROM participant_attribute v JOIN attribute a ON a.id = v.attribute_id",
    )
}

fn values(conn: &Connection, sql: &str) -> Result<BTreeMap<i64, BTreeMap<String, String>>> {
    let mut stmt = conn.prepare(sql)?;
    let mut map: BTreeMap<i64, BTreeMap<String, String>> = BTreeMap::new();
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))? {
        let (id, name, value) = row?;
        map.entry(id).or_default().insert(name, value);
    }
    Ok(map)
}

/// Attribute names in use, with their scope, sorted by name.
pub fn names(conn: &Connection) -> Result<Vec<(String, AttributeScope)>> {
    let mut stmt = conn.prepare("SELECT name, scope FROM attribute ORDER BY name, scope")?;
    let rows = stmt.query_map([], |r| {
        let scope: String = r.get(1)?;
        let scope = if scope == "participant" { AttributeScope::Participant } else { AttributeScope::Document };
        Ok((r.get::<_, String>(0)?, scope))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a classification sheet changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetReport {
    pub scope: AttributeScope,
    pub rows: usize,
    pub values: usize,
}

/// Applies a classification sheet: a CSV whose first header is `document` or `participant`
/// and whose other headers are attribute names. Empty cells are left alone. Unknown documents
/// are an error; unknown participants are created (a sheet may list people who never speak).
/// All-or-nothing: one transaction.
pub fn apply_sheet(project: &mut Project, path: &Path) -> Result<SheetReport> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    apply_sheet_bytes(project, path, &bytes)
}

/// [`apply_sheet`] on bytes already read; `path` names them in errors.
pub fn apply_sheet_bytes(project: &mut Project, path: &Path, bytes: &[u8]) -> Result<SheetReport> {
    let text = crate::import::decode::decode_text(bytes).map_err(|reason| Error::import(path, reason))?;
    let text = crate::text::normalise_newlines(&text);
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::Parse { path: path.to_path_buf(), line: 1, reason: e.to_string() })?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let scope = match headers.first().map(|h| h.to_lowercase()).as_deref() {
        Some("document") => AttributeScope::Document,
        Some("participant") => AttributeScope::Participant,
        _ => {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                line: 1,
                reason: "the first column header must be `document` or `participant`".into(),
            });
        }
    };
    if let Some(blank) = headers.iter().skip(1).position(|h| h.is_empty()) {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: 1,
            reason: format!("column {} has no header", blank + 2),
        });
    }
    let tx = project.conn_mut().transaction()?;
    let mut report = SheetReport { scope, rows: 0, values: 0 };
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| Error::Parse { path: path.to_path_buf(), line, reason: e.to_string() })?;
        let key = record.get(0).unwrap_or("").trim();
        if key.is_empty() {
            continue;
        }
        let target = match scope {
            AttributeScope::Document => documents::id_by_name(&tx, key).map_err(|e| Error::Parse {
                path: path.to_path_buf(),
                line,
                reason: e.to_string(),
            })?,
            AttributeScope::Participant => participants::id_for_label(&tx, key)?,
        };
        for (name, value) in headers.iter().zip(record.iter()).skip(1) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match scope {
                AttributeScope::Document => set_document_value(&tx, target, name, value)?,
                AttributeScope::Participant => set_participant_value(&tx, target, name, value)?,
            }
            report.values += 1;
        }
        report.rows += 1;
    }
    tx.commit()?;
    Ok(report)
}
