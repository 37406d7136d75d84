//! The one error type of the library. Every variant carries enough context (a file path, a name,
//! a line) for the message to tell the user what went wrong and what to do about it.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A project file that is not there.
    #[error("{path}: no such file. Check the path, or create the project first.")]
    Missing { path: PathBuf },

    /// An input file (to import, or a map, sheet or codebook to read) that is not there.
    #[error("{path}: no such file. Check the path.")]
    MissingInput { path: PathBuf },

    /// Another program holds the project's write lock for longer than Fieldcode waits.
    #[error("{path}: another program is writing to this project; nothing was changed. Try again when it has finished.")]
    Busy { path: PathBuf },

    #[error("{path}: already exists. Choose another name, or open it instead.")]
    AlreadyExists { path: PathBuf },

    #[error("{path}: not a Fieldcode project ({reason}). It was left unchanged.")]
    NotAProject { path: PathBuf, reason: String },

    #[error(
        "{path}: made by a newer Fieldcode (project version {found}, this build reads up to {supported}). \
         Update Fieldcode to open it; the file was left unchanged."
    )]
    NewerVersion { path: PathBuf, found: i64, supported: i64 },

    #[error("{path}: the project file is damaged ({reason}). It was left unchanged; restore it from a backup.")]
    Corrupt { path: PathBuf, reason: String },

    #[error("{path}: the project is in use by another program (it is locked). Close it there and try again.")]
    Locked { path: PathBuf },

    /// The disk holding `path` ran out of space; `needed` estimates the bytes still to write.
    #[error("{path}: the disk is full{}; free some space and try again", needed_text(.needed))]
    DiskFull { path: PathBuf, needed: Option<u64> },

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("{path}: {reason}")]
    Import { path: PathBuf, reason: String },

    #[error("{path}:{line}: {reason}")]
    Parse { path: PathBuf, line: usize, reason: String },

    /// A text file that is UTF-8 except for some bytes; `offset` (0-based) and `line` (1-based)
    /// place the first bad one. Front ends can offer to import it with the bytes replaced.
    #[error("{path}: {reason}")]
    InvalidUtf8 { path: PathBuf, offset: usize, line: usize, reason: String },

    #[error("no {what} named {name:?}{hint}")]
    NotFound { what: &'static str, name: String, hint: String },

    #[error("{0}")]
    Invalid(String),

    #[error("the operation was cancelled; nothing was changed")]
    Cancelled,

    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

fn needed_text(needed: &Option<u64>) -> String {
    match needed {
        Some(bytes) => format!(" (about {} MB more is needed)", bytes.div_ceil(1 << 20).max(1)),
        None => String::new(),
    }
}

impl Error {
    /// An I/O error on `path`; a full disk is reported as such.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        match source.kind() {
            std::io::ErrorKind::StorageFull => Error::DiskFull { path: path.into(), needed: None },
            _ => Error::Io { path: path.into(), source },
        }
    }

    pub fn import(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Import { path: path.into(), reason: reason.into() }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(message.into())
    }

    pub fn not_found(what: &'static str, name: impl Into<String>) -> Self {
        Error::NotFound { what, name: name.into(), hint: String::new() }
    }
}
