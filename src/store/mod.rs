//! The project file: one SQLite database per project (`.fieldcode`).
//!
//! This module owns opening, creating and checking project files; the submodules hold the
//! queries for each part of the model. Nothing here knows about the GUI or the CLI.
//! `schema.sql` is the only schema source; [`migrate`] upgrades older files.

pub mod attributes;
pub mod backup;
pub mod build_new;
pub mod bulk_write;
pub mod checkpointer;
pub mod coders;
pub mod codes;
pub mod coding_cache;
pub mod codings;
pub mod documents;
pub mod gap;
pub mod migrate;
pub mod participants;
pub mod release;
mod settler;
pub mod time_map;
pub mod versions;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

pub use build_new::build_new;

/// `PRAGMA application_id` of every Fieldcode project: "FCOD" in ASCII.
pub const APPLICATION_ID: i32 = 0x4643_4F44;

/// The schema of a new project, embedded from the top-level `schema.sql`.
pub const SCHEMA_SQL: &str = include_str!("../../schema.sql");

const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

/// Projects up to this size are checked whole (`PRAGMA quick_check`) every time they are
/// opened — a few milliseconds for a study of ordinary size. Larger ones are checked by the
/// workbench when it opens them, by `fieldcode check`, and when merged from.
pub const QUICK_CHECK_MAX_BYTES: u64 = 16 << 20;

/// How long a write waits for another program's write to finish before giving up.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// An open project file.
pub struct Project {
    /// The helper that checkpoints after each change (see [`settler`]), started at the first
    /// change. Declared before `conn` so it is dropped, and its connection closed, first.
    settler: std::cell::OnceCell<Option<settler::Settler>>,
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project").field("path", &self.path).finish()
    }
}

impl Project {
    /// Creates a new, empty project file at `path`; refuses to overwrite anything.
    pub fn create(path: impl AsRef<Path>) -> Result<Project> {
        let path = path.as_ref().to_path_buf();
        if path.exists() {
            return Err(Error::AlreadyExists { path });
        }
        let mut conn =
            Connection::open(&path).map_err(|e| Error::Corrupt { path: path.clone(), reason: e.to_string() })?;
        let created = initialise(&mut conn, &path);
        if let Err(err) = created {
            drop(conn);
            let _ = std::fs::remove_file(&path);
            return Err(err);
        }
        configure(&conn, &path)?;
        Ok(Project { settler: Default::default(), conn, path })
    }

    /// Opens an existing project, upgrading an older schema in one transaction.
    ///
    /// A file that is not a project, comes from a newer Fieldcode, or is damaged is refused with
    /// an error naming it, and is not modified.
    pub fn open(path: impl AsRef<Path>) -> Result<Project> {
        let path = path.as_ref().to_path_buf();
        let (mut conn, version) = open_checked(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        check_not_locked(&conn, &path)?;
        migrate::upgrade(&mut conn, &path, version)?;
        configure(&conn, &path)?;
        let project = Project { settler: Default::default(), conn, path };
        if std::fs::metadata(&project.path).is_ok_and(|m| m.len() <= QUICK_CHECK_MAX_BYTES) {
            check_integrity(&project)?;
        }
        Ok(project)
    }

    /// Opens another project only to read it (a team member's copy being merged): nothing is
    /// written to it, not even a schema upgrade, so an older version is read as it is. The
    /// same checks as [`Project::open`] refuse what is not a project or comes from a newer
    /// Fieldcode. Only tables every version has may be read through it.
    pub fn open_to_read(path: impl AsRef<Path>) -> Result<Project> {
        let path = path.as_ref().to_path_buf();
        let (conn, _version) = open_checked(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        Ok(Project { settler: Default::default(), conn, path })
    }

    /// An in-memory project, for tests and previews.
    pub fn in_memory() -> Result<Project> {
        let mut conn = Connection::open_in_memory()?;
        let path = PathBuf::from(":memory:");
        initialise(&mut conn, &path)?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        Ok(Project { settler: Default::default(), conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Starts a write transaction that takes the project's write lock at once
    /// (`BEGIN IMMEDIATE`). While another program writes, it waits up to [`BUSY_TIMEOUT`]; a
    /// deferred transaction would instead fail at its first write whenever another writer
    /// committed in between. Every writer of project data starts its transaction here.
    pub fn write_transaction(&mut self) -> Result<rusqlite::Transaction<'_>> {
        let path = self.path.clone();
        self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(|e| busy(&path, e))
    }

    /// The error with this project's file named where SQLite's words alone would not tell the
    /// user what happened (a full disk, a damaged file).
    pub fn name_error(&self, err: Error) -> Error {
        name_error(&self.path, err)
    }

    /// Copies what the write-ahead log holds into the project file itself, so that the file
    /// alone is complete: a researcher who copies `study.fieldcode` while the workbench is open
    /// (to a colleague, to a USB stick) gets every committed change. Called after each committed
    /// change. A passive checkpoint never waits for readers; whatever a reader still needs is
    /// copied by the next one. It runs on a helper thread (see [`settler`]): the change returns
    /// once committed, and the file is complete a few milliseconds later.
    pub fn settle(&self) -> Result<()> {
        if self.path.as_os_str() == ":memory:" {
            return Ok(());
        }
        if let Some(settler) = self.settler.get_or_init(|| settler::Settler::start(&self.path)) {
            settler.nudge();
            return Ok(());
        }
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// A fact from the `project` table (`name`, `guid`, `created_at`).
    pub fn info(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT value FROM project WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }
}

/// Opens a project file with `flags` after checking, without writing, that it is a Fieldcode
/// project this build can read; returns the connection and the file's schema version.
fn open_checked(path: &Path, flags: OpenFlags) -> Result<(Connection, i64)> {
    check_header(path)?;
    let conn =
        Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(|e| classify(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let app_id: i32 = pragma(&conn, path, "application_id")?;
    if app_id != APPLICATION_ID {
        let reason = "it is an SQLite database made by another program".into();
        return Err(Error::NotAProject { path: path.to_path_buf(), reason });
    }
    let version: i64 = pragma(&conn, path, "user_version")?;
    if version > migrate::SCHEMA_VERSION {
        return Err(Error::NewerVersion {
            path: path.to_path_buf(),
            found: version,
            supported: migrate::SCHEMA_VERSION,
        });
    }
    Ok((conn, version))
}

/// A new project's name: its file's stem, also when it is built under the temporary name
/// `.NAME.fieldcode.partial` of `build_new`.
fn project_name_for(path: &Path) -> String {
    let file = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let real = file.strip_prefix('.').and_then(|f| f.strip_suffix(".partial")).unwrap_or(&file);
    Path::new(real).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn initialise(conn: &mut Connection, path: &Path) -> Result<()> {
    // Larger pages suit long document texts (fewer overflow pages); set before any table exists.
    conn.pragma_update(None, "page_size", 16384)?;
    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA_SQL)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", migrate::SCHEMA_VERSION)?;
    let name = project_name_for(path);
    let now = now_utc();
    let guid = new_guid();
    for (key, value) in [("name", name.as_str()), ("guid", guid.as_str()), ("created_at", now.as_str())] {
        tx.execute("INSERT INTO project (key, value) VALUES (?1, ?2)", [key, value])?;
    }
    tx.commit()?;
    Ok(())
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    // Statement journals (SQLite keeps one for a statement that may fail part-way, such as a
    // multi-row insert under constraints) stay in memory: as temporary files they turned a
    // 100,000-coding command into thousands of small writes. A page cache of up to 64 MiB
    // (SQLite's default is 2 MiB) keeps a long transcript and its codings in memory between
    // edits, so correcting a word does not read them back from the file each time.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;",
    )
        .map_err(|e| classify(path, e))?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(|e| classify(path, e))?;
    Ok(())
}

fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Missing { path: path.to_path_buf() });
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::NotAProject { path: path.to_path_buf(), reason: "it is a folder".into() });
    }
    let mut header = [0u8; 16];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    if read == 0 {
        return Err(Error::NotAProject { path: path.to_path_buf(), reason: "the file is empty".into() });
    }
    if read < header.len() || header != SQLITE_HEADER {
        return Err(Error::NotAProject { path: path.to_path_buf(), reason: "it is not an SQLite database".into() });
    }
    Ok(())
}

fn pragma<T: rusqlite::types::FromSql>(conn: &Connection, path: &Path, name: &str) -> Result<T> {
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).map_err(|e| classify(path, e))
}

/// Tries to take the write lock for a moment, so a project held by another program is reported
/// as locked instead of failing at the first edit.
fn check_not_locked(conn: &Connection, path: &Path) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;").map_err(|e| classify(path, e))
}

/// [`Project::name_error`] for code that holds a transaction of the project.
pub(crate) fn name_error(path: &Path, err: Error) -> Error {
    match err {
        Error::Sqlite(e) => write_error(path, e),
        other => other,
    }
}

/// An SQLite error met while writing `path`: a full disk or a damaged file named as such.
pub(crate) fn write_error(path: &Path, err: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    match err.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => Error::DiskFull { path: path.to_path_buf(), needed: None },
        Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => {
            Error::Corrupt { path: path.to_path_buf(), reason: err.to_string() }
        }
        _ => Error::Sqlite(err),
    }
}

/// Checks the whole file (`PRAGMA quick_check`): a damaged project is refused by name instead
/// of failing later, half-way through a command, with SQLite's own words.
pub fn check_integrity(project: &Project) -> Result<()> {
    let path = project.path();
    let mut stmt = project.conn().prepare("PRAGMA quick_check(5)").map_err(|e| classify(path, e))?;
    let problems: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(|e| classify(path, e))?
        .collect::<rusqlite::Result<_>>()
        .map_err(|e| classify(path, e))?;
    match problems.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        _ => Err(Error::Corrupt { path: path.to_path_buf(), reason: problems.join("; ") }),
    }
}

/// An error starting a write: another writer kept the lock past the busy timeout, or else the
/// error itself.
pub(crate) fn busy(path: &Path, err: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    match err.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => Error::Busy { path: path.to_path_buf() },
        _ => Error::Sqlite(err),
    }
}

/// Turns an SQLite error met while opening into the error a user can act on.
pub(crate) fn classify(path: &Path, err: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    let path = path.to_path_buf();
    match err.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => Error::Locked { path },
        Some(ErrorCode::NotADatabase) => Error::NotAProject { path, reason: "it is not an SQLite database".into() },
        Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt { path, reason: err.to_string() },
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::PermissionDenied) | Some(ErrorCode::CannotOpen) => {
            Error::Corrupt { path, reason: format!("it cannot be opened for writing: {err}") }
        }
        _ => Error::Corrupt { path, reason: err.to_string() },
    }
}

/// The current time as an RFC 3339 UTC string, the one timestamp format in project files.
pub fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A new random GUID, hyphenated lower case.
pub fn new_guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The name recorded as coder and author: `FIELDCODE_CODER`, else the OS user name.
pub fn default_actor() -> String {
    ["FIELDCODE_CODER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| v.trim().to_owned())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}
