//! Reading memos and codebook snapshots for exports. (Writing them belongs to the command layer.)

use rusqlite::Connection;

use crate::error::Result;

/// A memo as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoRow {
    pub id: i64,
    pub guid: String,
    /// `project`, `document`, `participant`, `code` or `coding`.
    pub target_kind: String,
    pub target_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Every memo, oldest first.
pub fn all(conn: &Connection) -> Result<Vec<MemoRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, guid, target_kind, target_id, title, body, author, created_at, updated_at FROM memo ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(MemoRow {
            id: r.get(0)?,
            guid: r.get(1)?,
            target_kind: r.get(2)?,
            target_id: r.get(3)?,
            title: r.get(4)?,
            body: r.get(5)?,
            author: r.get(6)?,
            created_at: r.get(7)?,
            updated_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
