//! Links between documents and their recordings: where the file is, and whether it is still the
//! file that was linked.
//!
//! A link stores the recording's path relative to the folder of the project file, with '/'
//! separators, so a study folder (project and recordings together) can be moved or shared and
//! still play; a recording on another drive or under another root is stored absolute. The link
//! also keeps the file's size and SHA-256: a moved file shows as [`LinkState::Missing`], an
//! edited or replaced one as [`LinkState::Changed`], both with the path — a reason the player
//! shows, never a failure of the project. The size is checked every time (cheap, fine on the GUI
//! thread); the hash only when asked (`fieldcode media` does).
//!
//! A link may also play from a copy stored in the project (`embedded`, see [`super::store`]):
//! then the external file may be missing or changed and the recording still plays; [`check`]
//! still reports on the external file, and [`open_link`] reads the stored copy.
//!
//! Links are written only by the `LinkMedia` / `UnlinkMedia` / `EmbedMedia` / `UnembedMedia`
//! commands; [`prepare`] builds the first from a file a user chose.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{MediaError, OpenedMedia};
use crate::coding::Command;
use crate::coding::media_rows::{self, MediaLinkRec};
use crate::error::{Error, Result};
use crate::model::DocumentId;

/// A document's link to its recording, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaLink {
    pub document_id: DocumentId,
    /// The document's name.
    pub document: String,
    /// As stored: relative to the project file's folder, '/' separators (or absolute).
    pub path: String,
    pub size: u64,
    pub sha256: String,
    /// Milliseconds added to the document's time map to get the recording's time.
    pub offset_ms: i64,
    /// Plays from the copy stored in the project rather than from the file at `path`.
    pub embedded: bool,
}

/// Whether a linked recording is still the file that was linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum LinkState {
    Ok,
    /// Not where the link says (moved, renamed, on an unplugged drive).
    Missing,
    /// There, but not the same file any more.
    Changed {
        detail: String,
    },
}

impl LinkState {
    /// `ok`, `missing` or `changed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            LinkState::Ok => "ok",
            LinkState::Missing => "missing",
            LinkState::Changed { .. } => "changed",
        }
    }
}

fn from_rec(rec: MediaLinkRec, document: String) -> MediaLink {
    MediaLink {
        document_id: rec.document_id,
        document,
        path: rec.path,
        size: u64::try_from(rec.size).unwrap_or(0),
        sha256: rec.sha256,
        offset_ms: rec.offset_ms,
        embedded: rec.embedded,
    }
}

/// Every link, by document name.
pub fn links(conn: &Connection) -> Result<Vec<MediaLink>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.document_id, m.path, m.size, m.sha256, m.offset_ms, m.linked_at, m.linked_by, m.embedded, d.name
         FROM media_link m JOIN document d ON d.id = m.document_id ORDER BY d.name",
    )?;
    let rows = stmt.query_map([], |r| Ok(from_rec(media_rows::from_row(r)?, r.get(8)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The link of one document, if it has one.
pub fn link_for_document(conn: &Connection, document: DocumentId) -> Result<Option<MediaLink>> {
    let Some(rec) = MediaLinkRec::read(conn, document)? else { return Ok(None) };
    let name: String = conn.query_row("SELECT name FROM document WHERE id = ?1", [document], |r| r.get(0))?;
    Ok(Some(from_rec(rec, name)))
}

/// The absolute path of a linked recording.
pub fn resolve(link: &MediaLink, project_path: &Path) -> PathBuf {
    resolve_stored(&link.path, project_path)
}

/// The absolute path of a stored path: absolute ones as they are, relative ones from the folder
/// of the project file.
pub fn resolve_stored(stored: &str, project_path: &Path) -> PathBuf {
    let path = Path::new(stored);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    let folder = project_folder(project_path);
    stored.split('/').filter(|part| !part.is_empty() && *part != ".").fold(folder, |acc, part| acc.join(part))
}

/// The folder a project's relative links start from, absolute.
fn project_folder(project_path: &Path) -> PathBuf {
    let folder = match project_path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::canonicalize(&folder).or_else(|_| std::path::absolute(&folder)).unwrap_or(folder)
}

/// How `file` is stored in a link of the project at `project_path`: relative to the project's
/// folder with '/' separators when both lie under a common folder below the root, else absolute.
pub fn stored_path(file: &Path, project_path: &Path) -> Result<String, MediaError> {
    let not_text = || MediaError::Other(format!("{}: the file's path cannot be stored (not Unicode)", file.display()));
    let file_abs = std::fs::canonicalize(file)
        .or_else(|_| std::path::absolute(file))
        .map_err(|e| MediaError::Other(format!("{}: {e}", file.display())))?;
    let folder = project_folder(project_path);
    let (a, b): (Vec<Component<'_>>, Vec<Component<'_>>) =
        (folder.components().collect(), file_abs.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let shares_a_folder = a.iter().take(common).any(|c| matches!(c, Component::Normal(_)));
    if !shares_a_folder {
        return file_abs.to_str().map(str::to_owned).ok_or_else(not_text);
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); a.len() - common];
    for part in &b[common..] {
        parts.push(part.as_os_str().to_str().ok_or_else(not_text)?.to_owned());
    }
    Ok(parts.join("/"))
}

/// The size and SHA-256 (lowercase hex) of a file, read in 1 MB pieces.
pub fn fingerprint(file: &Path) -> Result<(u64, String), MediaError> {
    let unreadable =
        |e: std::io::Error| MediaError::Unreadable { path: file.display().to_string(), reason: e.to_string() };
    let mut reader = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(MediaError::Missing { path: file.display().to_string() });
        }
        Err(e) => return Err(unreadable(e)),
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(unreadable(e)),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, crate::store::documents::hex_digest(hasher)))
}

/// The `LinkMedia` command for linking `file` to `document` of the project at `project_path`:
/// the stored path, size and hash worked out, and the file checked to be readable as audio first.
pub fn prepare(project_path: &Path, document: DocumentId, file: &Path, offset_ms: i64) -> Result<Command> {
    let to_error = |e: MediaError| match e {
        MediaError::Missing { .. } => Error::MissingInput { path: file.to_path_buf() },
        MediaError::Unreadable { .. } => Error::invalid(format!(
            "{e}; nothing was linked. Link a WAV, MP3, M4A/AAC, FLAC or OGG/Vorbis recording (or an MP4/MOV with audio)"
        )),
        other => Error::invalid(format!("{other}; nothing was linked")),
    };
    if file.is_dir() {
        return Err(Error::invalid(format!("{}: a folder, not a recording; name an audio file", file.display())));
    }
    let (size, sha256) = fingerprint(file).map_err(to_error)?;
    super::decode::open_file(file).map_err(to_error)?;
    let path = stored_path(file, project_path).map_err(to_error)?;
    Ok(Command::LinkMedia { document, path, size, sha256, offset_ms, embed: false })
}

/// Whether the linked file is still there and the same: its size always, its SHA-256 when `hash`.
pub fn check(link: &MediaLink, project_path: &Path, hash: bool) -> LinkState {
    let file = resolve(link, project_path);
    let meta = match std::fs::metadata(&file) {
        Ok(meta) if meta.is_file() => meta,
        _ => return LinkState::Missing,
    };
    if meta.len() != link.size {
        return LinkState::Changed {
            detail: format!("it had {} bytes when linked and has {} now", link.size, meta.len()),
        };
    }
    if !hash {
        return LinkState::Ok;
    }
    match fingerprint(&file) {
        Ok((_, sha)) if sha.eq_ignore_ascii_case(&link.sha256) => LinkState::Ok,
        Ok(_) => LinkState::Changed { detail: "same size, different contents (SHA-256 differs)".to_owned() },
        Err(MediaError::Missing { .. }) => LinkState::Missing,
        Err(e) => LinkState::Changed { detail: format!("it cannot be read ({e})") },
    }
}

/// The recording of `document`, opened for playing, or `None` when it has no link. A link
/// stored in the project plays from the stored copy (the external file may then be missing);
/// otherwise a missing or changed file (size check only: fast enough for the GUI thread) is an
/// error naming it.
pub fn open_for_document(
    conn: &Connection,
    project_path: &Path,
    document: DocumentId,
) -> Result<Option<OpenedMedia>, MediaError> {
    let link = link_for_document(conn, document).map_err(|e| MediaError::Other(e.to_string()))?;
    link.map(|link| open_link(&link, project_path)).transpose()
}

/// Opens the recording of `link` for playing (the app's connection is not needed, so a worker
/// can do it): the copy stored in the project for an embedded link, else the file, where a
/// missing or changed one (size check only) is an error naming it.
pub fn open_link(link: &MediaLink, project_path: &Path) -> Result<OpenedMedia, MediaError> {
    let file = resolve(link, project_path);
    let label = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| link.path.clone());
    let source = open_source(link, project_path)?;
    Ok(OpenedMedia { source, offset_ms: link.offset_ms, label })
}

/// The decoded recording of `link`: from the copy stored in the project when it is embedded,
/// else from the file (checked to be there with its size).
pub fn open_source(link: &MediaLink, project_path: &Path) -> Result<Box<dyn super::SampleSource>, MediaError> {
    if link.embedded {
        return super::store::open_stored(project_path, &link.path, link.size, &link.sha256);
    }
    let file = resolve(link, project_path);
    let shown = file.display().to_string();
    match check(link, project_path, false) {
        LinkState::Ok => {}
        LinkState::Missing => return Err(MediaError::Missing { path: shown }),
        LinkState::Changed { detail } => return Err(MediaError::Changed { path: shown, detail }),
    }
    super::decode::open_file(&file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_paths_are_relative_to_the_project_folder_and_resolve_back() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("study").join("p.fieldcode");
        std::fs::create_dir_all(dir.path().join("study/audio")).unwrap();
        std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        let inside = dir.path().join("study/audio/a b.wav");
        let beside = dir.path().join("elsewhere/c.wav");
        std::fs::write(&inside, b"x").unwrap();
        std::fs::write(&beside, b"x").unwrap();
        assert_eq!(stored_path(&inside, &project).unwrap(), "audio/a b.wav");
        assert_eq!(stored_path(&beside, &project).unwrap(), "../elsewhere/c.wav");
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap();
        assert_eq!(canon(&resolve_stored("audio/a b.wav", &project)), canon(&inside));
        assert_eq!(canon(&resolve_stored("../elsewhere/c.wav", &project)), canon(&beside));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_sharing_only_the_root_is_stored_absolute() {
        let stored = stored_path(Path::new("/"), Path::new("/tmp/x/p.fieldcode")).unwrap();
        assert_eq!(stored, "/");
        assert_eq!(resolve_stored("/dev/null", Path::new("/tmp/p.fieldcode")), PathBuf::from("/dev/null"));
    }
}
