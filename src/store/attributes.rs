//! Attributes of documents (site, provider, date, …) and participants (role, …): reads, and the
//! bulk writes of document import. Every other change to attributes is a command
//! ([`crate::coding::Command::SetAttributes`]); classification sheets are read by
//! [`crate::import::sheet`].

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::model::{AttributeScope, DocumentId, ParticipantId};

/// The attribute with this name and scope, if any.
pub fn find(conn: &Connection, name: &str, scope: AttributeScope) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM attribute WHERE name = ?1 AND scope = ?2")?
        .query_row([name, scope.as_str()], |r| r.get(0))
        .optional()?)
}

/// The attribute id for a name and scope, created if new (document import).
pub fn id_for(conn: &Connection, name: &str, scope: AttributeScope) -> Result<i64> {
    if let Some(id) = find(conn, name, scope)? {
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
