//! Recordings stored inside the project file, for a researcher who asks for it (`link-media
//! --embed`, `embed-media`, Media > Store a copy in the project): the project then plays without
//! the external file, at the cost of growing by the recording's size.
//!
//! Layout (schema version 7): `media_chunk(sha256, seq, bytes)`, the file cut into 1 MiB pieces
//! ([`CHUNK_BYTES`]) keyed by its SHA-256, and `media_link.embedded` saying a link plays from
//! them. Why chunks: SQLite refuses values over 1 GB, and neither storing nor playing should
//! hold a whole recording in memory — storing streams the file one chunk at a time, playing
//! reads one chunk at a time ([`StoredReader`]). Why content-addressed: the history never holds
//! the bytes (an embedding command records only the link's flag flipping), so undo leaves the
//! chunks in place and redo finds them again even when the original file is gone; two documents
//! linked to the same recording share one copy.
//!
//! Chunks are written only inside an embedding command's transaction, while the file's SHA-256
//! is computed: a file whose bytes are not the linked ones rolls the transaction back, so
//! nothing is written. They are never deleted from the project (undo may need them again); a
//! release copy drops those no embedded link uses ([`drop_unused`]).

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{MediaError, SampleSource};
use crate::error::{Error, Result};

/// The size of every stored chunk but a file's last.
pub const CHUNK_BYTES: usize = 1 << 20;

/// A byte count as people read it: `12.3 MB` (decimal units, as file managers show sizes).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Whether a complete copy of the recording with this SHA-256 and size is stored.
pub fn is_stored(conn: &Connection, sha256: &str, size: u64) -> Result<bool> {
    let (count, bytes): (i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(length(bytes)), 0) FROM media_chunk WHERE sha256 = ?1",
        [sha256.to_ascii_lowercase()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let expected = size.div_ceil(CHUNK_BYTES as u64);
    Ok(u64::try_from(count).ok() == Some(expected) && u64::try_from(bytes).ok() == Some(size))
}

/// Bytes of stored recordings in the project (each copy counted once).
pub fn stored_bytes(conn: &Connection) -> Result<u64> {
    let bytes: i64 = conn.query_row("SELECT coalesce(sum(length(bytes)), 0) FROM media_chunk", [], |r| r.get(0))?;
    Ok(u64::try_from(bytes).unwrap_or(0))
}

/// Stores a copy of `file` (which must have `size` bytes and SHA-256 `sha256`) through `conn`,
/// a write transaction the caller rolls back on an error. Streams the file in chunks, hashing
/// while copying; a file that is longer, shorter or has other bytes than the link says is
/// refused. Returns false when a complete copy was already stored (nothing read). `watch` is
/// told the fraction copied after each chunk; when it returns false the copy stops with an
/// error (the caller's transaction rolls back, so nothing is stored).
pub fn store_file(
    conn: &Connection,
    file: &Path,
    size: u64,
    sha256: &str,
    watch: Option<&crate::coding::Watch<'_>>,
) -> Result<bool> {
    let sha256 = sha256.to_ascii_lowercase();
    if is_stored(conn, &sha256, size)? {
        return Ok(false);
    }
    let shown = file.display();
    let mut reader = std::fs::File::open(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::invalid(format!("{shown}: no such file, so no copy can be stored; nothing was changed"))
        }
        _ => Error::io(file, e),
    })?;
    // A partial copy cannot exist (chunks commit together), but a stale one must not mix in.
    conn.execute("DELETE FROM media_chunk WHERE sha256 = ?1", [&sha256])?;
    let (total, got) = copy_chunks(conn, &mut reader, &sha256, file, Some(size), watch)?;
    if total != size {
        return Err(changed(file, &format!("it has {total} bytes, not the {size} it had when linked")));
    }
    if got != sha256 {
        return Err(changed(file, "same size, different contents (SHA-256 differs)"));
    }
    Ok(true)
}

/// Copies what `reader` yields into chunks stored under `key`, hashing as it goes; returns the
/// size and SHA-256. With the `expected` size, a reader that yields more is refused as not the
/// linked recording, and `watch` is told the fraction copied after each chunk (false stops the
/// copy with an error, and the caller's transaction rolls back).
fn copy_chunks(
    conn: &Connection,
    reader: &mut dyn Read,
    key: &str,
    shown: &Path,
    expected: Option<u64>,
    watch: Option<&crate::coding::Watch<'_>>,
) -> Result<(u64, String)> {
    let mut insert = conn.prepare_cached("INSERT INTO media_chunk (sha256, seq, bytes) VALUES (?1, ?2, ?3)")?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK_BYTES];
    let (mut total, mut seq) = (0u64, 0i64);
    loop {
        let n = fill(reader, &mut buf).map_err(|e| Error::io(shown, e))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if let Some(size) = expected.filter(|&size| total > size) {
            return Err(changed(shown, &format!("it has more than the {size} bytes it had when linked")));
        }
        hasher.update(&buf[..n]);
        insert.execute(params![key, seq, &buf[..n]])?;
        seq += 1;
        let done = total as f32 / expected.unwrap_or(total).max(1) as f32;
        if watch.is_some_and(|w| !w(done)) {
            return Err(Error::invalid(format!(
                "storing a copy of {} was cancelled; nothing was stored or changed",
                shown.display()
            )));
        }
    }
    Ok((total, crate::store::documents::hex_digest(hasher)))
}

fn changed(file: &Path, detail: &str) -> Error {
    Error::invalid(format!(
        "{}: not the recording that was linked ({detail}); no copy was stored and nothing was changed. \
         Link the document to the file again if it is the right recording",
        file.display()
    ))
}

/// Reads until `buf` is full or the file ends; returns how many bytes.
fn fill(reader: &mut (impl Read + ?Sized), buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Stores a copy of whatever `reader` yields (a recording inside an imported archive, whose
/// hash is not known before), streamed in chunks; returns its size and SHA-256. The chunks are
/// written under a temporary key and renamed to the hash at the end (or dropped, when that
/// copy is stored already), inside the caller's transaction.
pub fn store_stream(conn: &Connection, reader: &mut dyn Read, shown: &Path) -> Result<(u64, String)> {
    let stored = store_pending(conn, reader, shown);
    if stored.is_err() {
        // The caller may go on with its transaction: leave no half copy behind.
        conn.execute("DELETE FROM media_chunk WHERE sha256 = ?1", [PENDING])?;
    }
    stored
}

/// The key chunks are stored under until their file's hash is known.
const PENDING: &str = "pending";

fn store_pending(conn: &Connection, reader: &mut dyn Read, shown: &Path) -> Result<(u64, String)> {
    conn.execute("DELETE FROM media_chunk WHERE sha256 = ?1", [PENDING])?;
    let (total, sha256) = copy_chunks(conn, reader, PENDING, shown, None, None)?;
    if is_stored(conn, &sha256, total)? {
        conn.execute("DELETE FROM media_chunk WHERE sha256 = ?1", [PENDING])?;
    } else {
        conn.execute("DELETE FROM media_chunk WHERE sha256 = ?1", [&sha256])?;
        conn.execute("UPDATE media_chunk SET sha256 = ?1 WHERE sha256 = ?2", [&sha256, PENDING])?;
    }
    Ok((total, sha256))
}

/// Deletes the chunks of recordings no embedded link plays from; returns the bytes freed. Only
/// for a release copy: in the project itself, undo or redo may need them again.
pub fn drop_unused(conn: &Connection) -> Result<u64> {
    let freed: i64 = conn.query_row(
        "SELECT coalesce(sum(length(bytes)), 0) FROM media_chunk
         WHERE sha256 NOT IN (SELECT sha256 FROM media_link WHERE embedded = 1)",
        [],
        |r| r.get(0),
    )?;
    conn.execute("DELETE FROM media_chunk WHERE sha256 NOT IN (SELECT sha256 FROM media_link WHERE embedded = 1)", [])?;
    Ok(u64::try_from(freed).unwrap_or(0))
}

/// The stored copy of a recording as a seekable byte stream, read one chunk at a time through
/// its own read-only connection to the project file (so a player or waveform worker never
/// shares the app's connection). The connection sits in a mutex because symphonia asks its
/// byte streams to be `Sync`.
pub struct StoredReader {
    conn: Mutex<Connection>,
    sha256: String,
    size: u64,
    pos: u64,
    /// The chunk last read and its number.
    chunk: Vec<u8>,
    chunk_seq: Option<u64>,
}

impl StoredReader {
    /// Opens the stored copy of the recording `sha256` (`size` bytes) in the project at
    /// `project_path`; refused when the copy is missing or incomplete.
    pub fn open(project_path: &Path, sha256: &str, size: u64) -> Result<StoredReader, MediaError> {
        let shown = project_path.display().to_string();
        let other =
            |e: rusqlite::Error| MediaError::Other(format!("{shown}: the stored recording cannot be read ({e})"));
        let conn = Connection::open_with_flags(
            project_path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(other)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(other)?;
        let complete = is_stored(&conn, sha256, size).map_err(|e| MediaError::Other(e.to_string()))?;
        if !complete {
            return Err(MediaError::Other(format!(
                "{shown}: the copy of the recording stored in the project is missing or incomplete; \
                 keep only the linked file (Media menu or `fieldcode unembed-media`) or link the recording again"
            )));
        }
        Ok(StoredReader {
            conn: Mutex::new(conn),
            sha256: sha256.to_ascii_lowercase(),
            size,
            pos: 0,
            chunk: Vec::new(),
            chunk_seq: None,
        })
    }

    fn load(&mut self, seq: u64) -> std::io::Result<()> {
        if self.chunk_seq == Some(seq) {
            return Ok(());
        }
        let conn = self.conn.lock().map_err(|_| std::io::Error::other("the stored recording's reader failed"))?;
        let bytes: Option<Vec<u8>> = conn
            .prepare_cached("SELECT bytes FROM media_chunk WHERE sha256 = ?1 AND seq = ?2")
            .and_then(|mut s| s.query_row(params![self.sha256, seq as i64], |r| r.get(0)).optional())
            .map_err(std::io::Error::other)?;
        drop(conn);
        self.chunk = bytes.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "a piece of the stored recording is missing")
        })?;
        self.chunk_seq = Some(seq);
        Ok(())
    }
}

impl Read for StoredReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.size || out.is_empty() {
            return Ok(0);
        }
        let chunk = CHUNK_BYTES as u64;
        self.load(self.pos / chunk)?;
        let at = (self.pos % chunk) as usize;
        let available = self.chunk.len().saturating_sub(at);
        if available == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the stored recording is short"));
        }
        let n = available.min(out.len());
        out[..n].copy_from_slice(&self.chunk[at..at + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for StoredReader {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.size.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.pos.checked_add_signed(delta),
        };
        let target = target.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start of the stored recording")
        })?;
        self.pos = target;
        Ok(target)
    }
}

impl symphonia::core::io::MediaSource for StoredReader {
    fn is_seekable(&self) -> bool {
        true
    }
    fn byte_len(&self) -> Option<u64> {
        Some(self.size)
    }
}

/// The stored copy of a linked recording, decoded: `path` is the link's stored path (for the
/// format's extension and the messages).
pub fn open_stored(
    project_path: &Path,
    path: &str,
    size: u64,
    sha256: &str,
) -> Result<Box<dyn SampleSource>, MediaError> {
    let reader = StoredReader::open(project_path, sha256, size)?;
    let extension = path.rsplit(['/', '\\']).next().and_then(|name| name.rsplit_once('.')).map(|(_, ext)| ext);
    super::decode::open_stream(Box::new(reader), extension, format!("{path} (stored in the project)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(999), "999 bytes");
        assert_eq!(human_size(12_345_678), "12.3 MB");
        assert_eq!(human_size(999_960), "1.0 MB");
        assert_eq!(human_size(2_500_000_000), "2.5 GB");
    }

    #[test]
    fn a_stored_copy_reads_back_byte_for_byte_across_chunks_and_seeks() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.fieldcode");
        let mut p = crate::store::Project::create(&project).unwrap();
        let bytes: Vec<u8> = (0..CHUNK_BYTES * 5 / 2).map(|i| (i * 7 % 251) as u8).collect();
        let file = dir.path().join("a.bin");
        std::fs::write(&file, &bytes).unwrap();
        let (size, sha) = crate::media::link::fingerprint(&file).unwrap();
        let tx = p.write_transaction().unwrap();
        assert!(store_file(&tx, &file, size, &sha, None).unwrap(), "copied");
        assert!(!store_file(&tx, &file, size, &sha, None).unwrap(), "stored once");
        tx.commit().unwrap();
        assert!(is_stored(p.conn(), &sha, size).unwrap());
        assert_eq!(stored_bytes(p.conn()).unwrap(), size);

        let mut reader = StoredReader::open(&project, &sha, size).unwrap();
        let mut back = Vec::new();
        let mut buf = [0u8; 65_537];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            back.extend_from_slice(&buf[..n]);
        }
        assert!(back == bytes, "read back whole");
        let at = CHUNK_BYTES as u64 * 2 - 3;
        assert_eq!(reader.seek(SeekFrom::Start(at)).unwrap(), at);
        let mut six = [0u8; 6];
        reader.read_exact(&mut six).unwrap();
        assert_eq!(six[..], bytes[at as usize..at as usize + 6], "across a chunk boundary");
        assert_eq!(reader.seek(SeekFrom::End(-1)).unwrap(), size - 1);
        assert!(reader.seek(SeekFrom::Current(-(size as i64) - 5)).is_err());

        let other = StoredReader::open(&project, &"0".repeat(64), 10);
        assert!(other.is_err(), "no copy of another recording");
    }

    #[test]
    fn a_file_with_other_bytes_is_refused_and_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = crate::store::Project::create(dir.path().join("p.fieldcode")).unwrap();
        let file = dir.path().join("a.bin");
        std::fs::write(&file, vec![1u8; CHUNK_BYTES + 10]).unwrap();
        let (size, sha) = crate::media::link::fingerprint(&file).unwrap();
        std::fs::write(&file, vec![2u8; CHUNK_BYTES + 10]).unwrap();
        let tx = p.write_transaction().unwrap();
        let err = store_file(&tx, &file, size, &sha, None).unwrap_err().to_string();
        assert!(err.contains("SHA-256 differs") && err.contains("nothing was changed"), "{err}");
        drop(tx);
        assert_eq!(stored_bytes(p.conn()).unwrap(), 0, "the transaction rolled back");
        std::fs::write(&file, vec![1u8; CHUNK_BYTES + 11]).unwrap();
        let tx = p.write_transaction().unwrap();
        assert!(store_file(&tx, &file, size, &sha, None).unwrap_err().to_string().contains("more than"));
    }
}
