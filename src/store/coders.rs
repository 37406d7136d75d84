//! Coders: the people whose codings are kept apart for team review.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::model::CoderId;

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
