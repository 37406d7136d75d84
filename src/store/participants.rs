//! Participants (speakers), shared across documents by label.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::model::{ParticipantId, ParticipantSummary};

use super::attributes;

/// The participant with this label, created if new.
pub fn id_for_label(conn: &Connection, label: &str) -> Result<ParticipantId> {
    let existing: Option<i64> = conn
        .prepare_cached("SELECT id FROM participant WHERE label = ?1")?
        .query_row([label], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO participant (guid, label) VALUES (?1, ?2)")?
        .execute([super::new_guid(), label.to_owned()])?;
    Ok(conn.last_insert_rowid())
}

/// The participant with this label, if any.
pub fn find(conn: &Connection, label: &str) -> Result<Option<ParticipantId>> {
    Ok(conn.query_row("SELECT id FROM participant WHERE label = ?1", [label], |r| r.get(0)).optional()?)
}

/// Every participant with attributes, the documents they speak in and their turn count.
pub fn list(conn: &Connection) -> Result<Vec<ParticipantSummary>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.guid, p.label, coalesce(c.turns, 0)
         FROM participant p
         LEFT JOIN (SELECT participant_id, count(*) AS turns FROM turn GROUP BY participant_id) c ON c.participant_id = p.id
         ORDER BY p.label",
    )?;
    let mut people: Vec<ParticipantSummary> = stmt
        .query_map([], |r| {
            Ok(ParticipantSummary {
                id: r.get(0)?,
                guid: r.get(1)?,
                label: r.get(2)?,
                turns: r.get::<_, i64>(3)? as usize,
                attributes: BTreeMap::new(),
                documents: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut docs_stmt = conn.prepare(
        "SELECT DISTINCT t.participant_id, d.name FROM turn t JOIN document d ON d.id = t.document_id ORDER BY d.name",
    )?;
    let mut docs: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for row in docs_stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (pid, name) = row?;
        docs.entry(pid).or_default().push(name);
    }
    let mut attrs = attributes::participant_values(conn)?;
    for person in &mut people {
        person.documents = docs.remove(&person.id).unwrap_or_default();
        person.attributes = attrs.remove(&person.id).unwrap_or_default();
    }
    Ok(people)
}
