//! The checkpoint after each committed change, on a helper thread.
//!
//! [`super::Project::settle`] copies what the write-ahead log holds into the project file after
//! every change, so that the file alone is complete (a copy taken while the workbench is open has
//! every committed change). Done on the committing thread, that copy was the largest single cost
//! of a one-character edit of a 5 MB transcript (the edited text's pages are written to the log on
//! commit, then again into the file, with an `fsync`): about a fifth of the edit's time, spent
//! while the typist waits for the repaint. A [`Settler`] runs the same PASSIVE checkpoint on its own
//! connection and thread, nudged after each change, so the change returns once committed and the
//! file is complete a few milliseconds later.
//!
//! Dropping the settler (when its [`super::Project`] is dropped, before the project's connection
//! closes) waits for the checkpoint under way and closes the helper's connection, so the project's
//! own connection is the last to close and SQLite folds the log back and removes it as before. A
//! checkpoint that fails (busy, say) only leaves pages in the log for the next one; durability does
//! not depend on it (committed pages are in the log).

use std::path::Path;
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

pub(crate) struct Settler {
    nudge: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Settler {
    /// A helper connection to the project file at `path` and its thread; `None` when the file
    /// cannot be opened a second time (the caller then checkpoints on its own connection).
    pub(crate) fn start(path: &Path) -> Option<Settler> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).ok()?;
        conn.busy_timeout(std::time::Duration::from_millis(200)).ok()?;
        let (nudge, wake) = channel::<()>();
        let thread = std::thread::Builder::new()
            .name("fieldcode-settle".into())
            .spawn(move || {
                while wake.recv().is_ok() {
                    while wake.try_recv().is_ok() {}
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .ok()?;
        Some(Settler { nudge: Some(nudge), thread: Some(thread) })
    }

    /// Asks for a checkpoint of everything committed so far.
    pub(crate) fn nudge(&self) {
        if let Some(nudge) = &self.nudge {
            let _ = nudge.send(());
        }
    }
}

impl Drop for Settler {
    fn drop(&mut self) {
        drop(self.nudge.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
