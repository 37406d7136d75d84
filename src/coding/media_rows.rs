//! The row image of a document's media link (`media_link`, keyed by its document), so linking
//! and unlinking a recording are undone and redone like any other change: undo writes the
//! earlier link back exactly (path, size, hash, offset, who linked it and when, and whether it
//! plays from a copy stored in the project). `embedded` came with schema version 7: history
//! payloads written before read it as `false`, which is what those links were.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaLinkRec {
    pub document_id: i64,
    pub path: String,
    pub size: i64,
    pub sha256: String,
    pub offset_ms: i64,
    pub linked_at: String,
    pub linked_by: String,
    /// Plays from the copy stored in the project (`media_chunk`, by `sha256`).
    #[serde(default)]
    pub embedded: bool,
}

const COLUMNS: &str = "document_id, path, size, sha256, offset_ms, linked_at, linked_by, embedded";

/// A link from a row whose first eight columns are those of [`COLUMNS`], in that order.
pub(crate) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MediaLinkRec> {
    Ok(MediaLinkRec {
        document_id: r.get(0)?,
        path: r.get(1)?,
        size: r.get(2)?,
        sha256: r.get(3)?,
        offset_ms: r.get(4)?,
        linked_at: r.get(5)?,
        linked_by: r.get(6)?,
        embedded: r.get(7)?,
    })
}

impl MediaLinkRec {
    /// The link of `document`, if it has one.
    pub fn read(conn: &Connection, document: i64) -> Result<Option<MediaLinkRec>> {
        let sql = format!("SELECT {COLUMNS} FROM media_link WHERE document_id = ?1");
        Ok(conn.prepare_cached(&sql)?.query_row([document], from_row).optional()?)
    }

    pub fn insert(&self, conn: &Connection) -> Result<()> {
        self.write(
            conn,
            "INSERT INTO media_link (document_id, path, size, sha256, offset_ms, linked_at, linked_by, embedded)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
    }

    pub fn update(&self, conn: &Connection) -> Result<()> {
        self.write(
            conn,
            "UPDATE media_link SET path = ?2, size = ?3, sha256 = ?4, offset_ms = ?5, linked_at = ?6, linked_by = ?7,
             embedded = ?8 WHERE document_id = ?1",
        )
    }

    /// Runs `sql` with this link's fields bound as ?1–?8 in [`COLUMNS`] order.
    fn write(&self, conn: &Connection, sql: &str) -> Result<()> {
        conn.prepare_cached(sql)?.execute(params![
            self.document_id,
            self.path,
            self.size,
            self.sha256,
            self.offset_ms,
            self.linked_at,
            self.linked_by,
            self.embedded
        ])?;
        Ok(())
    }

    pub fn delete(&self, conn: &Connection) -> Result<()> {
        conn.prepare_cached("DELETE FROM media_link WHERE document_id = ?1")?.execute([self.document_id])?;
        Ok(())
    }
}
