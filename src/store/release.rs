//! A release copy of a project, for sharing or archiving: the current state only.
//!
//! Why a copy with a scan: a pseudonymised project still holds the real names where undo needs
//! them (the history's edits and row images, the earlier text versions) and, until the file is
//! vacuumed, in freed pages. The copy drops the history, the earlier versions, the codebook
//! snapshots and merge records, the source paths of the imported files and the word index, then
//! is vacuumed so no deleted page survives. Given the name map, every byte of the copy is then
//! searched for every real name (UTF-8 and UTF-16, either byte order, case-insensitive, as a
//! whole word); if one is found the copy is deleted and the places are named. The map itself is
//! never written anywhere.
//!
//! Recordings stored in the project (`media_chunk`) cannot be pseudonymised — a voice is the
//! person — so a release copy leaves them out unless asked (`keep_recordings`): its links stay,
//! playing from the linked files, and the report counts what was left out. Kept or not, chunks
//! no embedded link uses (left for undo in the project) never go into a copy.

use std::path::{Path, PathBuf};

use regex::bytes::{Regex, RegexBuilder};
use rusqlite::Connection;
use serde::Serialize;

use crate::error::{Error, Result};

/// What a release wrote and what its scan found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseReport {
    pub out: PathBuf,
    pub bytes: u64,
    pub documents: usize,
    /// Names the copy was scanned for (0 without a map).
    pub names_checked: usize,
    /// Recordings stored in the project that the copy left out (its links play from the linked
    /// files); 0 when they were kept.
    pub recordings_left_out: usize,
    /// Recordings stored in the copy (only when asked to keep them).
    pub recordings_kept: usize,
}

/// A real name found in a release copy: which name and where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub name: String,
    pub place: String,
}

/// Writes the release copy of the project at `project` to `out` (which must not exist), and,
/// given real names, refuses (deleting the copy) if any of them is left in it.
pub fn release(project: &Path, out: &Path, real_names: &[String]) -> Result<ReleaseReport> {
    release_with(project, out, real_names, false)
}

/// [`release`], keeping the recordings stored in the project when `keep_recordings` (a voice
/// cannot be pseudonymised: ask for it only for a copy that may hold them).
pub fn release_with(project: &Path, out: &Path, real_names: &[String], keep_recordings: bool) -> Result<ReleaseReport> {
    if out.exists() {
        return Err(Error::AlreadyExists { path: out.to_path_buf() });
    }
    let source = super::Project::open(project)?;
    let written = write_copy(source.conn(), out, keep_recordings);
    let (recordings_left_out, recordings_kept) = match written {
        Ok(counts) => counts,
        Err(e) => {
            remove(out);
            return Err(e);
        }
    };
    let findings = match scan(out, real_names) {
        Ok(f) => f,
        Err(e) => {
            remove(out);
            return Err(e);
        }
    };
    if !findings.is_empty() {
        remove(out);
        let places: Vec<String> = findings.iter().take(10).map(|f| format!("{:?} in {}", f.name, f.place)).collect();
        return Err(Error::invalid(format!(
            "the release copy still names {} real name(s): {}{}; it was deleted. Pseudonymise the project first",
            findings.len(),
            places.join("; "),
            if findings.len() > 10 { "; …" } else { "" }
        )));
    }
    let documents = super::documents::count(source.conn())?;
    let bytes = std::fs::metadata(out).map_err(|e| Error::io(out, e))?.len();
    Ok(ReleaseReport {
        out: out.to_path_buf(),
        bytes,
        documents,
        names_checked: real_names.len(),
        recordings_left_out,
        recordings_kept,
    })
}

fn remove(out: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = out.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Writes the copy; returns how many stored recordings it left out and how many it kept.
fn write_copy(source: &Connection, out: &Path, keep_recordings: bool) -> Result<(usize, usize)> {
    let target =
        out.to_str().ok_or_else(|| Error::invalid(format!("{}: the path is not valid text", out.display())))?;
    source.execute("VACUUM INTO ?1", [target]).map_err(|e| super::write_error(out, e))?;
    let conn = Connection::open(out).map_err(|e| super::write_error(out, e))?;
    let embedded: i64 = conn
        .query_row("SELECT count(*) FROM media_link WHERE embedded = 1", [], |r| r.get(0))
        .map_err(|e| super::write_error(out, e))?;
    let embedded = usize::try_from(embedded).unwrap_or(0);
    let recordings = if keep_recordings { "" } else { "UPDATE media_link SET embedded = 0;" };
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = DELETE;
         BEGIN;
         DELETE FROM history;
         DELETE FROM document_version;
         DELETE FROM snapshot;
         DELETE FROM merge_source;
         UPDATE document SET source_path = NULL;
         INSERT INTO document_fts (document_fts) VALUES ('delete-all');
         DELETE FROM project WHERE key = 'fts_indexed';
         {recordings}
         DELETE FROM media_chunk WHERE sha256 NOT IN (SELECT sha256 FROM media_link WHERE embedded = 1);
         COMMIT;
         VACUUM;"
    ))
    .map_err(|e| super::write_error(out, e))?;
    Ok(if keep_recordings { (0, embedded) } else { (embedded, 0) })
}

/// Every whole-word, case-insensitive occurrence of a name in the file's bytes, as UTF-8 or as
/// UTF-16 in either byte order, placed by its encoding and byte offset.
pub fn scan(path: &Path, names: &[String]) -> Result<Vec<Finding>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut findings = Vec::new();
    for (encoding, re) in [
        ("UTF-8", utf8_pattern(names)?),
        ("UTF-16LE", utf16_pattern(names, false)?),
        ("UTF-16BE", utf16_pattern(names, true)?),
    ] {
        let unit = if encoding == "UTF-8" { 1 } else { 2 };
        let mut at = 0;
        while let Some(m) = re.find_at(&bytes, at) {
            at = m.start() + 1;
            if !standalone(&bytes, m.start(), m.end(), unit, encoding == "UTF-16BE") {
                continue;
            }
            let name = names
                .iter()
                .find(|n| matches_name(n, m.as_bytes(), encoding))
                .cloned()
                .unwrap_or_else(|| String::from_utf8_lossy(m.as_bytes()).into_owned());
            findings.push(Finding { name, place: format!("{encoding} bytes at offset {}", m.start()) });
        }
    }
    Ok(findings)
}

fn matches_name(name: &str, found: &[u8], encoding: &str) -> bool {
    let text = match encoding {
        "UTF-8" => String::from_utf8_lossy(found).into_owned(),
        "UTF-16LE" => String::from_utf16_lossy(
            &found.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect::<Vec<_>>(),
        ),
        _ => String::from_utf16_lossy(
            &found.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>(),
        ),
    };
    text.to_lowercase() == name.to_lowercase()
}

/// Whether the match is a whole word: no ASCII letter or digit right before or after it (in
/// the encoding's code units). Only ASCII neighbours are judged: a conservative scan.
fn standalone(bytes: &[u8], start: usize, end: usize, unit: usize, big_endian: bool) -> bool {
    let ascii_word = |at: usize| -> bool {
        let Some(chunk) = bytes.get(at..at + unit) else { return false };
        let c = match (unit, big_endian) {
            (1, _) => chunk[0],
            (_, false) if chunk[1] == 0 => chunk[0],
            (_, true) if chunk[0] == 0 => chunk[1],
            _ => return false,
        };
        c.is_ascii_alphanumeric()
    };
    let before = start >= unit && ascii_word(start - unit);
    let after = ascii_word(end);
    !before && !after
}

fn build(pattern: &str) -> Result<Regex> {
    RegexBuilder::new(pattern)
        .size_limit(512 << 20)
        .dfa_size_limit(128 << 20)
        .build()
        .map_err(|e| Error::invalid(format!("the names cannot be searched for in the release copy ({e})")))
}

fn utf8_pattern(names: &[String]) -> Result<Regex> {
    let alternatives: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    build(&format!("(?i)(?:{})", alternatives.join("|")))
}

/// A byte pattern for the names in UTF-16: each character as the alternatives of its upper and
/// lower case code units.
fn utf16_pattern(names: &[String], big_endian: bool) -> Result<Regex> {
    let unit = |u: u16| -> String {
        let b = if big_endian { u.to_be_bytes() } else { u.to_le_bytes() };
        format!(r"\x{:02X}\x{:02X}", b[0], b[1])
    };
    let char_class = |c: char| -> String {
        let mut forms: Vec<String> = Vec::new();
        for form in [c.to_string(), c.to_lowercase().collect(), c.to_uppercase().collect()] {
            let units: String = form.encode_utf16().map(unit).collect();
            if !forms.contains(&units) {
                forms.push(units);
            }
        }
        format!("(?:{})", forms.join("|"))
    };
    let alternatives: Vec<String> = names.iter().map(|n| n.chars().map(char_class).collect()).collect();
    build(&format!("(?-u)(?:{})", alternatives.join("|")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_in_every_encoding_and_case_but_only_as_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        let mut bytes = b"....rosa JENKINS....Annabel....".to_vec();
        bytes.extend("xx ROSA jenkins yy".encode_utf16().flat_map(|u| u.to_le_bytes()));
        bytes.extend("Rosa Jenkins".encode_utf16().flat_map(|u| u.to_be_bytes()));
        std::fs::write(&path, &bytes).unwrap();
        let found = scan(&path, &["Rosa Jenkins".to_owned(), "Anna".to_owned()]).unwrap();
        // UTF-16LE read one byte late looks like UTF-16BE, so a name may be found twice: the
        // scan errs on the side of finding.
        let places: Vec<&str> = found.iter().map(|f| f.place.split(' ').next().unwrap()).collect();
        for encoding in ["UTF-8", "UTF-16LE", "UTF-16BE"] {
            assert!(places.contains(&encoding), "{encoding} not found: {found:?}");
        }
        assert!(found.iter().any(|f| f.place == "UTF-8 bytes at offset 4"), "{found:?}");
        assert!(found.iter().all(|f| f.name == "Rosa Jenkins"));
    }
}
