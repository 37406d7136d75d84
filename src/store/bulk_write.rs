//! The connection settings of a bulk write: an import of many files into a project.
//!
//! Two things make such a write slower than it needs to be, and both are undone when it ends:
//! - WAL checkpoints run on the writing thread; a [`Checkpointer`] moves them to a helper thread.
//! - SQLite checks each inserted turn's foreign keys (its document and its speaker) with two
//!   B-tree lookups per row, about 12% of a transcript import. The importer inserts a document
//!   and then rows that point at it or at participants it found or created in the same
//!   transaction, so those checks cannot fail; they are off while the import runs, and
//!   `tests/store_open.rs` checks that an imported project passes `foreign_key_check`.
//!
//! `PRAGMA foreign_keys` is ignored inside a transaction, so a bulk write started inside one
//! keeps its checks (correct, only slower).

use super::Project;
use super::checkpointer::Checkpointer;

/// A bulk write in progress; [`BulkWrite::finish`] ends it.
pub struct BulkWrite {
    checkpointer: Option<Checkpointer>,
    foreign_keys_were_on: bool,
}

impl BulkWrite {
    /// Changes `project`'s connection for a bulk write. Run it outside a transaction.
    pub fn start(project: &Project) -> BulkWrite {
        let conn = project.conn();
        let foreign_keys_were_on = conn.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, bool>(0)).unwrap_or(false);
        if foreign_keys_were_on {
            let _ = conn.pragma_update(None, "foreign_keys", false);
        }
        BulkWrite { checkpointer: Checkpointer::start(project), foreign_keys_were_on }
    }

    /// Call after each committed file: asks for a checkpoint of what has been written so far.
    pub fn committed(&self) {
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.nudge();
        }
    }

    /// Waits for the last checkpoint and puts the connection's settings back.
    pub fn finish(self, project: &Project) {
        if let Some(checkpointer) = self.checkpointer {
            checkpointer.finish(project);
        }
        if self.foreign_keys_were_on {
            let _ = project.conn().pragma_update(None, "foreign_keys", true);
        }
    }
}
