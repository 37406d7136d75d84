//! Export files appear whole or not at all: each export writes a hidden temporary file beside
//! its target (`.NAME.partial`, same folder so the rename is atomic) and renames it over the
//! target only when everything was written. A failed or interrupted export leaves any earlier
//! file at that path untouched.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::store::build_new::partial_path;

/// Lets `write` fill a temporary path beside `out`, then moves it to `out`.
pub fn write_atomically<T>(out: &Path, write: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let partial = partial_path(out);
    let outcome = write(&partial).and_then(|value| {
        std::fs::rename(&partial, out).map_err(|e| Error::io(out, e))?;
        Ok(value)
    });
    if outcome.is_err() && partial.exists() {
        // Best effort: the hidden file is replaced by the next attempt.
        let _ = std::fs::remove_file(&partial);
    }
    outcome
}

/// [`write_atomically`] through a buffered writer, flushed and synced before the rename.
pub fn stream_atomically<T>(out: &Path, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    write_atomically(out, |partial| {
        let file = File::create(partial).map_err(|e| Error::io(out, e))?;
        let mut buffered = BufWriter::with_capacity(1 << 16, file);
        let value = write(&mut buffered)?;
        let file = buffered.into_inner().map_err(|e| Error::io(out, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(out, e))?;
        Ok(value)
    })
}
