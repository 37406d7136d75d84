//! The `.qdpx` container: a zip with one `.qde` and a flat `sources/` folder.
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

/// Largest size one entry may inflate to.
pub const MAX_ENTRY_BYTES: u64 = 1 << 30;
/// Largest ratio of inflated to compressed size (entries under [`RATIO_FLOOR`] are exempt).
pub const MAX_RATIO: u64 = 100;
/// Entries smaller than this are too small to be a decompression bomb.
pub const RATIO_FLOOR: u64 = 64 * 1024;

/// An opened, checked `.qdpx`.
pub struct Archive {
    path: PathBuf,
    zip: ZipArchive<File>,
    /// Lower-cased entry name → index, files only.
    entries: BTreeMap<String, usize>,
    qde: String,
}

impl Archive {
    /// Opens a `.qdpx`, checks every entry and finds its `.qde`.
    pub fn open(path: &Path) -> Result<Archive> {
        let (file, _) = crate::import::input::open_regular(path)?;
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
        Ok(Archive { path: path.to_path_buf(), zip, entries, qde })
    }

    /// The bytes of the project's `.qde`, refused past [`MAX_FILE_BYTES`] inflated.
    pub fn qde(&mut self) -> Result<Vec<u8>> {
        let name = self.qde.clone();
        self.read_entry(&name)?.ok_or_else(|| Error::import(&self.path, "the .qde entry vanished"))
    }

    /// The name of the `.qde` entry.
    pub fn qde_name(&self) -> &str {
        &self.qde
    }

    /// The path of the archive.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The bytes of the file an `internal://` (or bare) path names, looked up in `sources/`
    /// case-insensitively, then anywhere in the archive by file name; refused past
    /// [`MAX_FILE_BYTES`] inflated.
    pub fn source_file(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let wanted = name.replace('\\', "/").trim_start_matches('/').to_lowercase();
        let direct = format!("sources/{wanted}");
        let key = if self.entries.contains_key(&direct) {
            Some(direct)
        } else if self.entries.contains_key(&wanted) {
            Some(wanted.clone())
        } else {
            let suffix = format!("/{wanted}");
            self.entries.keys().find(|k| k.ends_with(&suffix)).cloned()
        };
        match key {
            Some(key) => self.read_entry(&key),
            None => Ok(None),
        }
    }

    /// One entry's bytes, read no further than its declared size and [`MAX_FILE_BYTES`], so a
    /// lying header cannot make it inflate more.
    fn read_entry(&mut self, key: &str) -> Result<Option<Vec<u8>>> {
        let Some(&index) = self.entries.get(key) else { return Ok(None) };
        let entry = self.zip.by_index(index).map_err(|e| Error::import(&self.path, format!("{key}: {e}")))?;
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

/// Writes a `.qdpx`: `project.qde` and `sources/NAME` for each file.
pub fn write(path: &Path, qde: &[u8], files: &[(String, Vec<u8>)]) -> Result<()> {
    let tmp = path.with_extension("qdpx.partial");
    let written = write_to(&tmp, qde, files);
    match written.and_then(|_| std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))) {
        Ok(()) => Ok(()),
        Err(err) => {
            let _ = std::fs::remove_file(&tmp);
            Err(err)
        }
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

fn write_to(path: &Path, qde: &[u8], files: &[(String, Vec<u8>)]) -> Result<()> {
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut zip = zip::ZipWriter::new(StopAfterError { file, failed: false });
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let io = |e: std::io::Error| Error::io(path, e);
    let zerr = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(e) => Error::io(path, e),
        other => Error::import(path, format!("cannot write the archive: {other}")),
    };
    zip.start_file("project.qde", options).map_err(zerr)?;
    zip.write_all(qde).map_err(io)?;
    for (name, bytes) in files {
        zip.start_file(format!("sources/{name}"), options).map_err(zerr)?;
        zip.write_all(bytes).map_err(io)?;
    }
    zip.finish().map_err(zerr)?;
    Ok(())
}
