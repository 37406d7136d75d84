//! Coders: the people whose codings are kept apart for team review.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::model::CoderId;

/// The coder with this name, created if new.
pub fn id_for_name(conn: &Connection, name: &str) -> Result<CoderId> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a coder needs a name; pass --coder NAME or set FIELDCODE_CODER"));
    }
    if let Some(id) = find(conn, name)? {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO coder (guid, name) VALUES (?1, ?2)")?
        .execute([super::new_guid(), name.to_owned()])?;
    Ok(conn.last_insert_rowid())
}

/// The coder with this name, if any.
pub fn find(conn: &Connection, name: &str) -> Result<Option<CoderId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM coder WHERE name = ?1")?
        .query_row([name.trim()], |r| r.get(0))
        .optional()?)
}

/// All coders as (id, name), by name.
pub fn list(conn: &Connection) -> Result<Vec<(CoderId, String)>> {
    let mut stmt = conn.prepare("SELECT id, name FROM coder ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
