//! Reading memos and codebook snapshots for exports. (Writing them belongs to the command layer.)

use rusqlite::Connection;

use crate::error::Result;

/// A memo as stored: the command layer's row image.
pub type MemoRow = crate::coding::rows::MemoRec;

/// Every memo, oldest first.
pub fn all(conn: &Connection) -> Result<Vec<MemoRow>> {
    crate::coding::rows::all_memos(conn)
}

/// A named codebook snapshot: (name, created_at), oldest first.
pub fn snapshots(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT name, created_at FROM snapshot ORDER BY created_at, id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The snapshot in force when something was made at `at`: the latest taken at or before it.
pub fn snapshot_at<'a>(snapshots: &'a [(String, String)], at: &str) -> Option<&'a str> {
    snapshots.iter().rev().find(|(_, created)| created.as_str() <= at).map(|(name, _)| name.as_str())
}
