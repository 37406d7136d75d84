//! WAL checkpoints on a helper thread during a bulk write (an import of many files).
//!
//! In WAL mode every committed page is written twice: appended to the `-wal` file, then copied
//! into the database by a checkpoint. SQLite runs that checkpoint on the committing thread
//! whenever the log passes 1,000 pages, so the storing thread of an import spent part of its time
//! copying pages and waiting for `fsync`. While a [`Checkpointer`] lives, the project connection's
//! automatic checkpoints are off and a second connection runs PASSIVE checkpoints (which never
//! block the writer) after each file, on its own thread: about 10% more import throughput on two
//! cores. Checkpoint errors are not reported: a skipped checkpoint only leaves pages in the log
//! for the next one, and durability does not depend on it.

use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

use super::Project;

/// SQLite's default `wal_autocheckpoint`, restored when the bulk write ends.
const DEFAULT_AUTOCHECKPOINT: i64 = 1000;

pub struct Checkpointer {
    nudge: Sender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    /// Starts checkpointing beside `project`'s writes; `None` for an in-memory project or when a
    /// second connection cannot be opened (automatic checkpoints then stay as they are).
    pub fn start(project: &Project) -> Option<Checkpointer> {
        let path = project.path();
        if !path.is_file() {
            return None;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).ok()?;
        project.conn().pragma_update(None, "wal_autocheckpoint", 0).ok()?;
        let (nudge, wake) = channel::<()>();
        let thread = std::thread::spawn(move || {
            while wake.recv().is_ok() {
                while wake.try_recv().is_ok() {}
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        });
        Some(Checkpointer { nudge, thread })
    }

    /// Asks for a checkpoint of what has been committed so far.
    pub fn nudge(&self) {
        let _ = self.nudge.send(());
    }

    /// Waits for the last checkpoint and turns automatic checkpoints back on.
    pub fn finish(self, project: &Project) {
        drop(self.nudge);
        let _ = self.thread.join();
        let _ = project.conn().pragma_update(None, "wal_autocheckpoint", DEFAULT_AUTOCHECKPOINT);
    }
}
