//! The media commands: linking a recording to a document and removing the link, recorded as row
//! images of `media_link` ([`super::media_rows`]) so undo restores the earlier link exactly and
//! redo puts the new one back.
//!
//! Validation comes before any write: the document must exist and the stored fields make sense
//! (here, inside the transaction), and the file must be where the path says, with the size the
//! front end measured, and readable as audio ([`check_file`], run by `apply` before the
//! transaction opens, since only the project knows the folder a relative path starts from).
//!
//! Storing a copy in the project (`embed`, [`crate::media::store`]) writes the chunks inside the
//! command's transaction while hashing the file, and the link row last: a file whose bytes
//! differ from the link's size and SHA-256 returns an error before the row changes, and the
//! transaction is rolled back with the chunks. The history records only the link row (its
//! `embedded` flag), never the bytes.

use std::path::Path;

use super::media_rows::MediaLinkRec;
use super::recorder::Recorder;
use super::rows::Row;
use super::validate;
use crate::error::{Error, Result};
use crate::model::DocumentId;

/// The fields of a new link, as the `LinkMedia` command gives them.
pub(crate) struct NewLink<'a> {
    pub path: &'a str,
    pub size: u64,
    pub sha256: &'a str,
    pub offset_ms: i64,
}

/// Links (or re-links) `document` to the recording at `path` (as stored); with `stored` (the
/// project's path), also stores a copy of it in the project.
pub(crate) fn link(
    rec: &mut Recorder<'_>,
    actor: &str,
    document: DocumentId,
    new: NewLink<'_>,
    stored: Option<&Path>,
) -> Result<String> {
    let NewLink { path, size, sha256, offset_ms } = new;
    let new_size = size;
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
        embedded: stored.is_some(),
    };
    let copy = match stored {
        Some(project_path) => {
            let file = crate::media::link::resolve_stored(path, project_path);
            crate::media::store::store_file(rec.conn, &file, new_size, &after.sha256, rec.watch)?;
            format!(", with a copy stored in the project ({})", crate::media::store::human_size(new_size))
        }
        None => String::new(),
    };
    let offset = match offset_ms {
        0 => String::new(),
        ms => format!(" (offset {:.3} s)", ms as f64 / 1000.0),
    };
    match MediaLinkRec::read(rec.conn, document)? {
        Some(before)
            if before.path == after.path
                && before.sha256 == after.sha256
                && before.offset_ms == offset_ms
                && before.embedded == after.embedded =>
        {
            Ok(format!("{name} is already linked to {path}{offset}{copy}; nothing changed"))
        }
        Some(before) => {
            let was = before.path.clone();
            rec.update(Row::MediaLink(before), Row::MediaLink(after))?;
            Ok(format!("linked {name} to the recording {path}{offset}{copy} (was {was})"))
        }
        None => {
            rec.insert(Row::MediaLink(after))?;
            Ok(format!("linked {name} to the recording {path}{offset}{copy}"))
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

/// Stores a copy of `document`'s linked recording in the project and plays from it. When a
/// complete copy with the link's SHA-256 is stored already (an undone embedding, another
/// document linked to the same file), only the flag changes and the file is not needed.
pub(crate) fn embed(rec: &mut Recorder<'_>, document: DocumentId, project_path: &Path) -> Result<String> {
    let (name, _) = validate::document(rec.conn, document)?;
    let before = MediaLinkRec::read(rec.conn, document)?.ok_or_else(|| {
        Error::invalid(format!(
            "{name} has no recording linked; link one first (`fieldcode link-media`); nothing was changed"
        ))
    })?;
    let size = u64::try_from(before.size).unwrap_or(0);
    if before.embedded {
        return Ok(format!("{name}'s recording {} is already stored in the project; nothing changed", before.path));
    }
    if !crate::media::store::is_stored(rec.conn, &before.sha256, size)? {
        check_file(project_path, &before.path, size)?;
        let file = crate::media::link::resolve_stored(&before.path, project_path);
        crate::media::store::store_file(rec.conn, &file, size, &before.sha256, rec.watch)?;
    }
    let path = before.path.clone();
    let after = MediaLinkRec { embedded: true, ..before.clone() };
    rec.update(Row::MediaLink(before), Row::MediaLink(after))?;
    Ok(format!(
        "stored a copy of the recording {path} ({}) in the project; {name} plays from it",
        crate::media::store::human_size(size)
    ))
}

/// Plays `document`'s recording from its linked file again; refused when that file is missing
/// or is not the recording that was linked (the document would have no playable recording).
pub(crate) fn unembed(rec: &mut Recorder<'_>, document: DocumentId, project_path: &Path) -> Result<String> {
    let (name, _) = validate::document(rec.conn, document)?;
    let before = MediaLinkRec::read(rec.conn, document)?
        .ok_or_else(|| Error::invalid(format!("{name} has no recording linked; nothing was changed")))?;
    if !before.embedded {
        return Ok(format!("{name}'s recording {} is not stored in the project; nothing changed", before.path));
    }
    let link = crate::media::link::MediaLink {
        document_id: document,
        document: name.clone(),
        path: before.path.clone(),
        size: u64::try_from(before.size).unwrap_or(0),
        sha256: before.sha256.clone(),
        offset_ms: before.offset_ms,
        embedded: false,
    };
    let file = crate::media::link::resolve(&link, project_path);
    let refuse = |why: String| {
        Error::invalid(format!(
            "{}: {why}, so {name} would have no recording to play; it still plays from the copy stored in the \
             project and nothing was changed. Put the recording back there first",
            file.display()
        ))
    };
    match crate::media::link::check(&link, project_path, true) {
        crate::media::link::LinkState::Ok => {}
        crate::media::link::LinkState::Missing => return Err(refuse("the linked file is not there".to_owned())),
        crate::media::link::LinkState::Changed { detail } => {
            return Err(refuse(format!("the linked file is not the recording that was linked ({detail})")));
        }
    }
    let path = before.path.clone();
    let after = MediaLinkRec { embedded: false, ..before.clone() };
    rec.update(Row::MediaLink(before), Row::MediaLink(after))?;
    Ok(format!(
        "{name} plays from the linked file {path} again; the stored copy stays in the project file for undo \
         (a release copy leaves it out)"
    ))
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
