//! The recorder every command executes through: it performs row inserts, updates and deletes
//! inside the command's transaction and keeps the before/after image of each, which is what the
//! history stores to undo and redo the command.

use rusqlite::Connection;

use super::rows::{Change, CodingRec, Row};
use crate::error::Result;

pub(crate) struct Recorder<'c> {
    pub conn: &'c Connection,
    pub changes: Vec<Change>,
    /// Ids of rows the command created (codes, codings, memos), in creation order.
    pub created: Vec<i64>,
    /// The timestamp of this command, used for every row it creates or edits.
    pub now: String,
}

impl<'c> Recorder<'c> {
    pub fn new(conn: &'c Connection) -> Recorder<'c> {
        Recorder { conn, changes: Vec::new(), created: Vec::new(), now: crate::store::now_utc() }
    }

    /// Inserts a row with its id and records it; new rows are also listed in `created`.
    pub fn insert(&mut self, row: Row) -> Result<()> {
        row.insert(self.conn)?;
        if !matches!(row, Row::Comment(_)) {
            self.created.push(row.id());
        }
        self.changes.push(Change { before: None, after: Some(row) });
        Ok(())
    }

    /// Inserts a coding unless an identical one exists; records it only if inserted.
    pub fn insert_coding_if_new(&mut self, coding: CodingRec) -> Result<bool> {
        if !coding.insert_if_new(self.conn)? {
            return Ok(false);
        }
        self.created.push(coding.id);
        self.changes.push(Change { before: None, after: Some(Row::Coding(coding)) });
        Ok(true)
    }

    /// Replaces `before` by `after` (same table and id); nothing is recorded if they are equal.
    pub fn update(&mut self, before: Row, after: Row) -> Result<()> {
        if before == after {
            return Ok(());
        }
        after.update(self.conn)?;
        self.changes.push(Change { before: Some(before), after: Some(after) });
        Ok(())
    }

    /// Deletes a row and records its image so undo can restore it with the same id.
    pub fn delete(&mut self, row: Row) -> Result<()> {
        row.delete(self.conn)?;
        self.changes.push(Change { before: Some(row), after: None });
        Ok(())
    }

    /// The id the next new row of `table` gets (one past the largest).
    pub fn next_id(&self, table: &str) -> Result<i64> {
        let sql = format!("SELECT coalesce(max(id), 0) + 1 FROM {table}");
        Ok(self.conn.prepare_cached(&sql)?.query_row([], |r| r.get(0))?)
    }
}
