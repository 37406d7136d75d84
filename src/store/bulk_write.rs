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

/// The connection settings while a brand-new project file is filled in one transaction (REFI-QDA
/// import), undone by [`NewFileWrite::finish`].
///
/// Such a file is built under a temporary name and deleted if anything fails
/// ([`super::build_new`]), so the write-ahead log buys nothing while it is filled: every page
/// would be written to the log, read back and written again into the file when the log is
/// checkpointed. With the rollback journal kept in memory each page is written once (a page
/// beyond the file's old end needs no journal entry, and this file starts empty), and a rollback
/// still works. A larger page cache keeps the coding indexes (GUIDs land at random places) in
/// memory instead of spilling and re-reading them (32 MB holds them for 200,000 codings; the
/// cache only grows as pages are used). Foreign keys are off as for [`BulkWrite`]: the importer
/// only points rows at rows it inserted or found. On the 200,000-coding `synth` project this cut
/// the import's system time from 1.4 s to 0.2 s: SQLite no longer wrote pages to the log, read
/// them back and wrote them again.
pub struct NewFileWrite {
    foreign_keys_were_on: bool,
    cache_size: i64,
}

/// The page cache while a new file is filled, in KiB (SQLite's negative `cache_size`).
const NEW_FILE_CACHE_KIB: i64 = 32 * 1024;

impl NewFileWrite {
    /// Changes `project`'s connection for filling it; run it outside a transaction, on a project
    /// that no other connection has open.
    pub fn start(project: &Project) -> crate::error::Result<NewFileWrite> {
        let conn = project.conn();
        let foreign_keys_were_on = conn.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, bool>(0))?;
        let cache_size = conn.query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0))?;
        let _mode: String = conn.query_row("PRAGMA journal_mode = MEMORY", [], |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", -NEW_FILE_CACHE_KIB)?;
        conn.pragma_update(None, "foreign_keys", false)?;
        Ok(NewFileWrite { foreign_keys_were_on, cache_size })
    }

    /// Puts the connection back as [`super::Project::create`] left it: write-ahead log, cache and
    /// foreign keys.
    pub fn finish(self, project: &Project) -> crate::error::Result<()> {
        let conn = project.conn();
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", self.cache_size)?;
        conn.pragma_update(None, "foreign_keys", self.foreign_keys_were_on)?;
        Ok(())
    }
}
