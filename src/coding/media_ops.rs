//! The media commands: linking a recording to a document and removing the link, recorded as row
//! images of `media_link` ([`super::media_rows`]) so undo restores the earlier link exactly and
//! redo puts the new one back.
//!
//! Validation comes before any write: the document must exist and the stored fields make sense
//! (here, inside the transaction), and the file must be where the path says, with the size the
//! front end measured, and readable as audio ([`check_file`], run by `apply` before the
//! transaction opens, since only the project knows the folder a relative path starts from).

use std::path::Path;

use super::media_rows::MediaLinkRec;
use super::recorder::Recorder;
use super::rows::Row;
use super::validate;
use crate::error::{Error, Result};
use crate::model::DocumentId;

/// Links (or re-links) `document` to the recording at `path` (as stored).
pub(crate) fn link(
    rec: &mut Recorder<'_>,
    actor: &str,
    document: DocumentId,
    path: &str,
    size: u64,
    sha256: &str,
    offset_ms: i64,
) -> Result<String> {
    let (name, _) = validate::document(rec.conn, document)?;
    let path = path.trim();
    if path.is_empty() {
        return Err(Error::invalid(format!("no recording given to link to {name}; name an audio file")));
    }
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid(format!(
            "{path}: the recording's SHA-256 must be 64 hexadecimal digits (got {sha256:?}); nothing was changed"
        )));
    }
    let size = i64::try_from(size).map_err(|_| Error::invalid(format!("{path}: the recording is too large")))?;
    let after = MediaLinkRec {
        document_id: document,
        path: path.to_owned(),
        size,
        sha256: sha256.to_ascii_lowercase(),
        offset_ms,
        linked_at: rec.now.clone(),
        linked_by: actor.trim().to_owned(),
    };
    let offset = match offset_ms {
        0 => String::new(),
        ms => format!(" (offset {:.3} s)", ms as f64 / 1000.0),
    };
    match MediaLinkRec::read(rec.conn, document)? {
        Some(before) if before.path == after.path && before.sha256 == after.sha256 && before.offset_ms == offset_ms => {
            Ok(format!("{name} is already linked to {path}{offset}; nothing changed"))
        }
        Some(before) => {
            let was = before.path.clone();
            rec.update(Row::MediaLink(before), Row::MediaLink(after))?;
            Ok(format!("linked {name} to the recording {path}{offset} (was {was})"))
        }
        None => {
            rec.insert(Row::MediaLink(after))?;
            Ok(format!("linked {name} to the recording {path}{offset}"))
        }
    }
}

/// Removes `document`'s link; refused when it has none.
pub(crate) fn unlink(rec: &mut Recorder<'_>, document: DocumentId) -> Result<String> {
    let (name, _) = validate::document(rec.conn, document)?;
    let before = MediaLinkRec::read(rec.conn, document)?
        .ok_or_else(|| Error::invalid(format!("{name} has no recording linked; nothing was changed")))?;
    let path = before.path.clone();
    rec.delete(Row::MediaLink(before))?;
    Ok(format!("unlinked the recording {path} from {name} (the file itself was not touched)"))
}

/// Checks, before anything is written, that the recording at `stored` (relative to the folder
/// of `project_path`, or absolute) is there, has `size` bytes and can be read as audio.
pub(crate) fn check_file(project_path: &Path, stored: &str, size: u64) -> Result<()> {
    let file = crate::media::link::resolve_stored(stored, project_path);
    let shown = file.display();
    let meta = match std::fs::metadata(&file) {
        Ok(meta) if meta.is_file() => meta,
        Ok(_) => return Err(Error::invalid(format!("{shown}: not a file; name an audio file to link"))),
        Err(_) => {
            return Err(Error::invalid(format!("{shown}: no such file; check the path of the recording")));
        }
    };
    if meta.len() != size {
        return Err(Error::invalid(format!(
            "{shown}: the file has {} bytes, not the {size} measured when it was chosen; choose it again",
            meta.len()
        )));
    }
    crate::media::decode::open_file(&file).map_err(|e| Error::invalid(format!("{e}; nothing was linked")))?;
    Ok(())
}
