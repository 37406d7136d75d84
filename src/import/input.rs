//! Reading an input file safely: only a regular file (a FIFO would hang the read, a device such
//! as `/dev/zero` never ends), and never more than a limit, whatever size the file claims — a
//! file can grow while it is read, and `metadata().len()` of a special file means nothing.
//!
//! The file is opened first and checked through the open handle (not checked by name and then
//! opened, which a swapped file could slip past). On Unix the open is non-blocking, because
//! opening a FIFO for reading otherwise waits for a writer that may never come.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The bytes of the regular file at `path`, refused if it is larger than `limit` bytes.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(too_large(path, size, limit));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// Opens `path` for reading if it is a regular file (following symbolic links), with the size
/// it claims; a folder, device, FIFO or socket is refused without reading anything.
pub fn open_regular(path: &Path) -> Result<(File, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Reads from a regular file ignore O_NONBLOCK; it only keeps a FIFO's open from waiting.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::MissingInput { path: path.to_path_buf() },
        _ => Error::io(path, e),
    })?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::import(path, "it is a folder, not a file"));
    }
    if !meta.is_file() {
        return Err(Error::import(path, "it is not a regular file (a device, pipe or socket); nothing was read"));
    }
    Ok((file, meta.len()))
}

/// Reads at most `limit` bytes from `reader` (an inflating zip entry, say), or says in `Err` that
/// there was more. `Ok` holds everything the reader had.
pub fn read_bounded(reader: impl Read, limit: u64, capacity: u64) -> std::io::Result<Result<Vec<u8>, Overflow>> {
    let mut bytes = Vec::with_capacity(capacity.min(limit).min(1 << 24) as usize);
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    Ok(if bytes.len() as u64 > limit { Err(Overflow) } else { Ok(bytes) })
}

/// A bounded read found more than its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// Megabytes for messages, rounded up so a file just over a limit never reads as "200 MB".
pub fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20).max(1)
}

fn too_large(path: &Path, size: u64, limit: u64) -> Error {
    Error::import(path, format!("the file is over {} MB; the limit is {} MB", megabytes(size), megabytes(limit)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_refused_not_read() {
        let err = read_input(Path::new("/dev/zero"), 1 << 20).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        std::fs::write(&path, vec![b'a'; 2048]).unwrap();
        assert!(read_input(&path, 1024).unwrap_err().to_string().contains("limit"));
        assert_eq!(read_input(&path, 4096).unwrap().len(), 2048);
    }

    #[test]
    fn bounded_reads_stop_past_the_limit() {
        assert_eq!(read_bounded(&b"abcd"[..], 4, 0).unwrap(), Ok(b"abcd".to_vec()));
        assert_eq!(read_bounded(&b"abcde"[..], 4, 0).unwrap(), Err(Overflow));
        assert_eq!(read_bounded(std::io::repeat(0), 1 << 10, u64::MAX).unwrap(), Err(Overflow));
    }
}
