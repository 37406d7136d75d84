//! Reading an input file safely: only a regular file (a FIFO would hang the read, a device such
//! as `/dev/zero` never ends), and never more than a limit, whatever size the file claims — a
//! file can grow while it is read, and `metadata().len()` of a special file means nothing.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The bytes of the regular file at `path`, refused if it is larger than `limit` bytes.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
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
    if meta.len() > limit {
        return Err(too_large(path, meta.len(), limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, bytes.len() as u64, limit));
    }
    Ok(bytes)
}

fn too_large(path: &Path, size: u64, limit: u64) -> Error {
    let mb = |n: u64| n.div_ceil(1 << 20);
    Error::import(path, format!("the file is over {} MB; the limit is {} MB", mb(size).max(1), mb(limit)))
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
}
