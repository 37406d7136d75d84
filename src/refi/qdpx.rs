//! The `.qdpx` container: a zip with one `.qde` and a flat `sources/` folder; or a bare `.qde`
//! whose source files, if any, sit in a `sources/` folder beside it (an unpacked `.qdpx`).
//!
//! Reading checks every entry before anything is read: its name must stay inside the archive
//! (no `..`, no absolute path), it may not inflate beyond [`MAX_ENTRY_BYTES`] nor beyond
//! [`MAX_RATIO`] times its compressed size, and reads are capped so a lying header cannot make
//! it read more. The `.qde` and each source file are read only up to the import limit for one
//! file ([`MAX_FILE_BYTES`]); larger entries (media the import skips) are never inflated. The
//! archive itself must be a regular file: a FIFO or device is refused before anything is read. Writing goes to a temporary file renamed into place, so a failed export leaves
//! nothing half-written.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use zip::ZipArchive;
use zip::write::SimpleFileOptions;

use crate::error::{Error, Result};
use crate::import::MAX_FILE_BYTES;
use crate::import::input::{Overflow, megabytes, read_bounded};

/// The deflate level of every entry written: the fastest (see [`QdpxWriter::entry`]).
pub const COMPRESSION_LEVEL: i64 = 1;

/// Largest size one entry may inflate to.
pub const MAX_ENTRY_BYTES: u64 = 1 << 30;
/// Largest ratio of inflated to compressed size (entries under [`RATIO_FLOOR`] are exempt).
pub const MAX_RATIO: u64 = 100;
/// Entries smaller than this are too small to be a decompression bomb.
pub const RATIO_FLOOR: u64 = 64 * 1024;

/// An opened, checked `.qdpx`, or a bare `.qde`.
pub struct Archive {
    path: PathBuf,
    container: Container,
}

enum Container {
    Zip {
        zip: Box<ZipArchive<File>>,
        /// Lower-cased entry name → index, files only.
        entries: BTreeMap<String, usize>,
        qde: String,
    },
    /// A `.qde` on its own. Its `internal://` files are looked up in the `sources/` folder beside
    /// it (an unpacked `.qdpx`): lower-cased file name → path, that folder's files only.
    Bare { sources: BTreeMap<String, PathBuf> },
}

/// True when the file is XML rather than a zip: its name ends in `.qde`, or it starts (after a
/// byte-order mark and blanks) with `<`.
fn is_bare_qde(path: &Path, head: &[u8]) -> bool {
    let qde_name = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("qde"));
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    qde_name || utf16 || head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

impl Archive {
    /// Opens a `.qdpx`, checks every entry and finds its `.qde`; or opens a bare `.qde` (an XML
    /// file rather than a zip) and indexes the `sources/` folder beside it.
    pub fn open(path: &Path) -> Result<Archive> {
        let (mut file, _) = crate::import::input::open_regular(path)?;
        let mut head = [0u8; 64];
        let n = read_head(&mut file, &mut head).map_err(|e| Error::io(path, e))?;
        if is_bare_qde(path, &head[..n]) {
            return Ok(Archive {
                path: path.to_path_buf(),
                container: Container::Bare { sources: sources_beside(path) },
            });
        }
        let mut zip = ZipArchive::new(file)
            .map_err(|e| Error::import(path, format!("not a .qdpx (zip) archive: {e}; nothing was created")))?;
        let mut entries = BTreeMap::new();
        for index in 0..zip.len() {
            let entry = zip
                .by_index_raw(index)
                .map_err(|e| Error::import(path, format!("damaged zip entry #{index}: {e}; nothing was created")))?;
            check_entry(path, &entry)?;
            if !entry.is_dir() {
                entries.insert(entry.name().replace('\\', "/").to_lowercase(), index);
            }
        }
        let qde = find_qde(path, &entries)?;
        Ok(Archive { path: path.to_path_buf(), container: Container::Zip { zip: Box::new(zip), entries, qde } })
    }

    /// The bytes of the project's `.qde`, refused past [`MAX_FILE_BYTES`] inflated.
    pub fn qde(&mut self) -> Result<Vec<u8>> {
        match &self.container {
            Container::Bare { .. } => crate::import::read_input(&self.path, MAX_FILE_BYTES),
            Container::Zip { qde, .. } => {
                let name = qde.clone();
                self.read_entry(&name)?.ok_or_else(|| Error::import(&self.path, "the .qde entry vanished"))
            }
        }
    }

    /// The path errors about the `.qde` name: the entry inside the archive, or the bare file.
    pub fn qde_path(&self) -> PathBuf {
        match &self.container {
            Container::Bare { .. } => self.path.clone(),
            Container::Zip { qde, .. } => self.path.join(qde),
        }
    }

    /// True for a bare `.qde`.
    pub fn is_bare(&self) -> bool {
        matches!(self.container, Container::Bare { .. })
    }

    /// The path of the archive.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The bytes of an entry by its exact path in the archive (case-insensitive), or beside a
    /// bare `.qde` the file at that relative path; `None` when there is none. `name` is one of
    /// Fieldcode's own fixed names, never a path from the file.
    pub fn entry(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        match &self.container {
            Container::Bare { .. } => {
                let dir = self.path.parent().unwrap_or(Path::new("."));
                let beside = dir.join(name);
                if beside.is_file() { crate::import::read_input(&beside, MAX_FILE_BYTES).map(Some) } else { Ok(None) }
            }
            Container::Zip { .. } => self.read_entry(&name.to_lowercase()),
        }
    }

    /// The bytes of the file an `internal://` (or bare) path names, looked up in `sources/`
    /// case-insensitively, then anywhere in the archive by file name; refused past
    /// [`MAX_FILE_BYTES`] inflated. Beside a bare `.qde`, only files directly in its `sources/`
    /// folder are found.
    pub fn source_file(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let wanted = name.replace('\\', "/").trim_start_matches('/').to_lowercase();
        let key = match &self.container {
            Container::Bare { sources } => {
                let file = wanted.strip_prefix("sources/").unwrap_or(&wanted);
                return match sources.get(file) {
                    Some(path) if !file.contains('/') => crate::import::read_input(path, MAX_FILE_BYTES).map(Some),
                    _ => Ok(None),
                };
            }
            Container::Zip { entries, .. } => {
                let direct = format!("sources/{wanted}");
                if entries.contains_key(&direct) {
                    Some(direct)
                } else if entries.contains_key(&wanted) {
                    Some(wanted.clone())
                } else {
                    let suffix = format!("/{wanted}");
                    entries.keys().find(|k| k.ends_with(&suffix)).cloned()
                }
            }
        };
        match key {
            Some(key) => self.read_entry(&key),
            None => Ok(None),
        }
    }

    /// Streams the file an `internal://` path names (looked up as [`Archive::source_file`]
    /// does) to `sink`, however large: for a recording, which is stored chunk by chunk rather
    /// than held in memory. Returns false when there is no such file.
    pub fn stream_source_file(
        &mut self,
        name: &str,
        sink: &mut dyn FnMut(&mut dyn Read) -> Result<()>,
    ) -> Result<bool> {
        let wanted = name.replace('\\', "/").trim_start_matches('/').to_lowercase();
        match &mut self.container {
            Container::Bare { sources } => {
                let file = wanted.strip_prefix("sources/").unwrap_or(&wanted);
                let Some(path) = sources.get(file).filter(|_| !file.contains('/')).cloned() else { return Ok(false) };
                let mut reader = File::open(&path).map_err(|e| Error::io(&path, e))?;
                sink(&mut reader)?;
                Ok(true)
            }
            Container::Zip { zip, entries, .. } => {
                let direct = format!("sources/{wanted}");
                let suffix = format!("/{wanted}");
                let key = [direct, wanted.clone()]
                    .into_iter()
                    .find(|k| entries.contains_key(k))
                    .or_else(|| entries.keys().find(|k| k.ends_with(&suffix)).cloned());
                let Some(&index) = key.as_ref().and_then(|k| entries.get(k)) else { return Ok(false) };
                let mut entry = zip.by_index(index).map_err(|e| Error::import(&self.path, format!("{wanted}: {e}")))?;
                sink(&mut entry)?;
                Ok(true)
            }
        }
    }

    /// One entry's bytes, read no further than its declared size and [`MAX_FILE_BYTES`], so a
    /// lying header cannot make it inflate more.
    fn read_entry(&mut self, key: &str) -> Result<Option<Vec<u8>>> {
        let Container::Zip { zip, entries, .. } = &mut self.container else { return Ok(None) };
        let Some(&index) = entries.get(key) else { return Ok(None) };
        let entry = zip.by_index(index).map_err(|e| Error::import(&self.path, format!("{key}: {e}")))?;
        let declared = entry.size();
        let too_big = |size: u64| {
            Error::import(
                &self.path,
                format!(
                    "{key}: the entry inflates to over {} MB, beyond the {} MB Fieldcode reads for one file; nothing was created",
                    megabytes(size),
                    megabytes(MAX_FILE_BYTES)
                ),
            )
        };
        if declared > MAX_FILE_BYTES {
            return Err(too_big(declared));
        }
        let read = read_bounded(entry, declared, declared)
            .map_err(|e| Error::import(&self.path, format!("{key}: cannot be read ({e}); nothing was created")))?;
        match read {
            Ok(bytes) => Ok(Some(bytes)),
            Err(Overflow) => Err(Error::import(
                &self.path,
                format!("{key}: the entry inflates beyond the size its header declares; nothing was created"),
            )),
        }
    }
}

/// Reads up to `head.len()` bytes from the start of `file` and rewinds it.
fn read_head(file: &mut File, head: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Seek;
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..])? {
            0 => break,
            read => n += read,
        }
    }
    file.rewind()?;
    Ok(n)
}

/// The files directly in the `sources/` folder (any case) beside a bare `.qde`, by lower-cased
/// name. Nothing is read yet; a folder that cannot be listed is as good as none.
fn sources_beside(qde: &Path) -> BTreeMap<String, PathBuf> {
    let dir = qde.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut out = BTreeMap::new();
    let Ok(listing) = std::fs::read_dir(dir) else { return out };
    for folder in listing.flatten() {
        let is_sources = folder.file_name().to_string_lossy().eq_ignore_ascii_case("sources");
        if !is_sources || !folder.path().is_dir() {
            continue;
        }
        let Ok(files) = std::fs::read_dir(folder.path()) else { continue };
        for file in files.flatten() {
            if file.path().is_file() {
                out.entry(file.file_name().to_string_lossy().to_lowercase()).or_insert(file.path());
            }
        }
    }
    out
}

fn check_entry<R: Read>(path: &Path, entry: &zip::read::ZipFile<'_, R>) -> Result<()> {
    let name = entry.name();
    let unsafe_name = entry.enclosed_name().is_none()
        || name.starts_with('/')
        || name.starts_with('\\')
        || name.split(['/', '\\']).any(|part| part == "..")
        || name.get(1..2) == Some(":");
    if unsafe_name {
        return Err(Error::import(
            path,
            format!(
                "the archive entry {name:?} points outside the archive (absolute path or `..`); it is unsafe and nothing was created"
            ),
        ));
    }
    let size = entry.size();
    if size > MAX_ENTRY_BYTES {
        return Err(Error::import(
            path,
            format!(
                "the archive entry {name:?} inflates to {} MB, beyond the 1 GB limit; nothing was created",
                size >> 20
            ),
        ));
    }
    if size > RATIO_FLOOR && size > entry.compressed_size().max(1).saturating_mul(MAX_RATIO) {
        return Err(Error::import(
            path,
            format!(
                "the archive entry {name:?} inflates {}× its compressed size (limit {MAX_RATIO}×), like a zip bomb; nothing was created",
                size / entry.compressed_size().max(1)
            ),
        ));
    }
    Ok(())
}

fn find_qde(path: &Path, entries: &BTreeMap<String, usize>) -> Result<String> {
    let qdes: Vec<&String> = entries.keys().filter(|k| k.ends_with(".qde")).collect();
    match qdes.as_slice() {
        [] => Err(Error::import(path, "the archive has no .qde project file; is it a REFI-QDA project (.qdpx)?")),
        [one] => Ok((*one).clone()),
        many => many
            .iter()
            .find(|k| k.as_str() == "project.qde")
            .map(|k| (*k).clone())
            .ok_or_else(|| Error::import(path, format!("the archive has {} .qde files; expected one", many.len()))),
    }
}

/// Writes a `.qdpx` entry by entry through `fill`, into a temporary file renamed into place when
/// everything is written; on any error the temporary file is removed and nothing is left.
pub fn write_with<T>(path: &Path, fill: impl FnOnce(&mut QdpxWriter) -> Result<T>) -> Result<T> {
    let tmp = path.with_extension("qdpx.partial");
    let written = QdpxWriter::create(&tmp).and_then(|mut zip| {
        let value = fill(&mut zip)?;
        zip.finish()?;
        Ok(value)
    });
    match written.and_then(|v| std::fs::rename(&tmp, path).map(|_| v).map_err(|e| Error::io(path, e))) {
        Ok(value) => Ok(value),
        Err(err) => {
            let _ = std::fs::remove_file(&tmp);
            Err(err)
        }
    }
}

/// A `.qdpx` being written, one entry after another (deflated).
pub struct QdpxWriter {
    zip: zip::ZipWriter<StopAfterError>,
    path: PathBuf,
}

impl QdpxWriter {
    fn create(path: &Path) -> Result<QdpxWriter> {
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        Ok(QdpxWriter { zip: zip::ZipWriter::new(StopAfterError { file, failed: false }), path: path.to_path_buf() })
    }

    /// Starts the entry `name` (a path inside the archive) and returns where its bytes go.
    pub fn entry(&mut self, name: &str) -> Result<&mut dyn Write> {
        // Level 1: on a 200,000-coding project this takes 1.8 s instead of 2.8 s for the whole
        // export, for an archive of 37 MB instead of 24 MB (the inflated bytes are the same).
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(COMPRESSION_LEVEL));
        self.zip.start_file(name, options).map_err(|e| zip_error(&self.path, e))?;
        Ok(&mut self.zip)
    }

    /// A write error as an error about the archive being written.
    pub fn io(&self, e: std::io::Error) -> Error {
        Error::io(&self.path, e)
    }

    /// The file being written (the temporary name until it is complete).
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn finish(self) -> Result<()> {
        self.zip.finish().map_err(|e| zip_error(&self.path, e))?;
        Ok(())
    }
}

fn zip_error(path: &Path, e: zip::result::ZipError) -> Error {
    match e {
        zip::result::ZipError::Io(e) => Error::io(path, e),
        other => Error::import(path, format!("cannot write the archive: {other}")),
    }
}

/// A file that, after its first write error, swallows further writes: the zip writer tries to
/// finish the archive when it is dropped after an error (a full disk, say) and would print a
/// debug line; the error itself has been returned already and the partial file is removed.
struct StopAfterError {
    file: File,
    failed: bool,
}

impl Write for StopAfterError {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed {
            return Ok(buf.len());
        }
        self.file.write(buf).inspect_err(|_| self.failed = true)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed { Ok(()) } else { self.file.flush().inspect_err(|_| self.failed = true) }
    }
}

impl std::io::Seek for StopAfterError {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        if self.failed { Ok(0) } else { self.file.seek(pos).inspect_err(|_| self.failed = true) }
    }
}
