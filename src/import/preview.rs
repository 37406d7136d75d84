//! A dry run of an import: for each file (folders expanded as the import expands them) what the
//! importer detects — kind, encoding, speakers, turns, time points — and whether it would be
//! imported, skipped as a duplicate or fail, with the reason. Nothing is written.
//!
//! The preview runs the importer's own code ([`super::run::expand`], [`super::importable_format`],
//! [`super::read_input`], [`super::parse_read`], the same sha256 check against the project), so
//! what it shows is what the import then does. Each file is read once, within the import's size
//! limit, and only a summary is kept: the preview of many files takes little memory, and at most
//! [`MAX_PREVIEW_FILES`] files are previewed (the rest are named, to be imported unseen).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::Connection;

use super::decode::{Invalid, encoding_name};
use super::run::{ImportOutcome, ImportProgress, expand};
use super::{Format, MAX_FILE_BYTES, importable_format, parse_read, read_input};
use crate::error::Result;
use crate::model::DocumentKind;
use crate::store::documents;

/// Most files one preview parses and lists; further files are only named.
pub const MAX_PREVIEW_FILES: usize = 1000;

/// Most speaker names kept per file (the count says how many there are).
pub const MAX_SPEAKERS_LISTED: usize = 12;

/// What the importer finds in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// The kind the import infers (an import's chosen kind overrides it).
    pub kind: DocumentKind,
    /// How the text was decoded (for .docx and .odt: the document's XML).
    pub encoding: String,
    /// Distinct speakers in order of first appearance, at most [`MAX_SPEAKERS_LISTED`].
    pub speakers: Vec<String>,
    pub speaker_count: usize,
    pub turns: usize,
    /// Points of the time map (timestamps found in the text or captions).
    pub time_points: usize,
    pub paragraphs: usize,
    /// The text's length in characters.
    pub chars: usize,
    /// Attributes from the file's front matter.
    pub attributes: Vec<(String, String)>,
}

/// What the import would do with one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Imported,
    /// Not imported: the same text is already in the project, or earlier in this import.
    Skipped(String),
    /// Not imported, for this reason (the importer's own message).
    Failed(String),
}

/// One file of a preview.
#[derive(Debug, Clone, PartialEq)]
pub struct FilePreview {
    pub path: PathBuf,
    /// The size of the file in bytes, when it could be read.
    pub bytes: Option<u64>,
    /// What was found in it; `None` when it could not be read or parsed.
    pub detected: Option<Detected>,
    pub verdict: Verdict,
}

/// The preview of a whole import.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPreview {
    /// The files previewed, in the order the import takes them (missing paths first).
    pub files: Vec<FilePreview>,
    /// Files past [`MAX_PREVIEW_FILES`]: not read, but imported with the others.
    pub unlisted: Vec<PathBuf>,
    /// Stopped on cancel before every file was read.
    pub cancelled: bool,
}

impl ImportPreview {
    /// How many files would be imported, skipped and fail, of those previewed.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |f: fn(&Verdict) -> bool| self.files.iter().filter(|p| f(&p.verdict)).count();
        (
            count(|v| matches!(v, Verdict::Imported)),
            count(|v| matches!(v, Verdict::Skipped(_))),
            count(|v| matches!(v, Verdict::Failed(_))),
        )
    }
}

/// Previews importing `paths` into the project read through `conn`, without writing anything.
/// `invalid` is the import's choice about invalid bytes (its `lossy` option). Progress is
/// reported before each file; a cancel stops before the next one.
pub fn preview_paths(
    conn: &Connection,
    paths: &[PathBuf],
    invalid: Invalid,
    progress: &mut dyn FnMut(&ImportProgress),
    cancel: &AtomicBool,
) -> Result<ImportPreview> {
    let (mut files, missing) = expand(paths);
    let mut preview = ImportPreview::default();
    for outcome in missing {
        if let ImportOutcome::Failed { path, error } = outcome {
            preview.files.push(FilePreview {
                path,
                bytes: None,
                detected: None,
                verdict: Verdict::Failed(error.to_string()),
            });
        }
    }
    if files.len() > MAX_PREVIEW_FILES {
        preview.unlisted = files.split_off(MAX_PREVIEW_FILES);
    }
    // Texts seen earlier in this import: the import stores the first and skips the others.
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for (done, path) in files.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            preview.cancelled = true;
            break;
        }
        progress(&ImportProgress { done, total: files.len(), current: path.clone() });
        preview.files.push(preview_file(conn, path, invalid, &mut seen)?);
    }
    Ok(preview)
}

/// One file: read and parsed as the import does, then checked against the project.
fn preview_file(
    conn: &Connection,
    path: &Path,
    invalid: Invalid,
    seen: &mut HashMap<String, PathBuf>,
) -> Result<FilePreview> {
    let failed = |bytes, reason: String| FilePreview {
        path: path.to_path_buf(),
        bytes,
        detected: None,
        verdict: Verdict::Failed(reason),
    };
    let format = match importable_format(path) {
        Ok(format) => format,
        Err(err) => return Ok(failed(None, err.to_string())),
    };
    let bytes = match read_input(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => return Ok(failed(None, err.to_string())),
    };
    let size = Some(bytes.len() as u64);
    let encoding = match format {
        Format::Docx | Format::Odt => "UTF-8 (document XML)".to_owned(),
        _ => encoding_name(&bytes),
    };
    let parsed = match parse_read(path, format, bytes, invalid) {
        Ok(parsed) => parsed,
        Err(err) => return Ok(failed(size, err.to_string())),
    };
    let sha = documents::text_sha256(&parsed.text);
    let speakers = parsed.speakers();
    let detected = Detected {
        kind: parsed.inferred_kind(),
        encoding,
        speakers: speakers.iter().take(MAX_SPEAKERS_LISTED).map(|s| (*s).to_owned()).collect(),
        speaker_count: speakers.len(),
        turns: parsed.turns.len(),
        time_points: parsed.times.len(),
        paragraphs: parsed.paragraphs.len(),
        chars: parsed.char_len,
        attributes: parsed.attributes.clone(),
    };
    let verdict = if let Some(existing) = documents::name_with_sha(conn, &sha)? {
        Verdict::Skipped(format!("the same text is already in the project as {existing:?}"))
    } else if let Some(first) = seen.get(&sha) {
        Verdict::Skipped(format!("the same text as {}, earlier in this import", first.display()))
    } else {
        seen.insert(sha, path.to_path_buf());
        Verdict::Imported
    };
    Ok(FilePreview { path: path.to_path_buf(), bytes: size, detected: Some(detected), verdict })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportOptions, import_paths};
    use crate::store::Project;

    fn preview(project: &Project, paths: &[PathBuf]) -> ImportPreview {
        preview_paths(project.conn(), paths, Invalid::Refuse, &mut |_| {}, &AtomicBool::new(false)).unwrap()
    }

    #[test]
    fn the_preview_says_what_the_import_then_does() {
        let dir = tempfile::tempdir().unwrap();
        let project_path = dir.path().join("p.fieldcode");
        let mut project = Project::create(&project_path).unwrap();
        let folder = dir.path().join("in");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("a.txt"), "Interviewer: How was it?\nLW1: Busy.\nInterviewer: And?\n").unwrap();
        std::fs::write(folder.join("b.md"), b"The caf\xe9 was shut, \x93again\x94.\n").unwrap();
        std::fs::write(folder.join("c.txt"), "Interviewer: How was it?\nLW1: Busy.\nInterviewer: And?\n").unwrap();
        std::fs::write(folder.join("d.txt"), "").unwrap();
        std::fs::write(folder.join("e.vtt"), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hello\n").unwrap();
        let paths = vec![folder.clone(), dir.path().join("gone.txt")];

        let seen = preview(&project, &paths);
        assert_eq!(seen.counts(), (3, 1, 2), "{seen:#?}");
        let a = seen.files.iter().find(|f| f.path.ends_with("a.txt")).unwrap().detected.clone().unwrap();
        assert_eq!(
            (a.kind, a.turns, a.speakers.clone(), a.encoding.as_str()),
            (DocumentKind::Interview, 3, vec!["Interviewer".to_owned(), "LW1".to_owned()], "UTF-8")
        );
        let b = seen.files.iter().find(|f| f.path.ends_with("b.md")).unwrap().detected.clone().unwrap();
        assert_eq!(b.encoding, "windows-1252");
        let e = seen.files.iter().find(|f| f.path.ends_with("e.vtt")).unwrap().detected.clone().unwrap();
        assert_eq!((e.speakers.clone(), e.time_points > 0), (vec!["Ana".to_owned()], true));

        let outcomes =
            import_paths(&mut project, &paths, &ImportOptions::default(), &mut |_| {}, &AtomicBool::new(false));
        for file in &seen.files {
            let outcome = outcomes
                .iter()
                .find(|o| match o {
                    ImportOutcome::Imported { path, .. }
                    | ImportOutcome::Skipped { path, .. }
                    | ImportOutcome::Failed { path, .. } => path == &file.path,
                })
                .unwrap();
            match (&file.verdict, outcome) {
                (Verdict::Imported, ImportOutcome::Imported { kind, turns, speakers, chars, .. }) => {
                    let d = file.detected.as_ref().unwrap();
                    assert_eq!((d.kind, d.turns, d.speaker_count, d.chars), (*kind, *turns, *speakers, *chars));
                }
                (Verdict::Skipped(_), ImportOutcome::Skipped { .. }) => {}
                (Verdict::Failed(reason), ImportOutcome::Failed { error, .. }) => {
                    assert_eq!(reason, &error.to_string())
                }
                (verdict, outcome) => panic!("{}: preview {verdict:?}, import {outcome:?}", file.path.display()),
            }
        }
        // Everything is in the project now: a second preview skips every file it can read.
        let again = preview(&project, &paths);
        assert_eq!(again.counts(), (0, 4, 2));
    }

    #[test]
    fn files_past_the_cap_are_named_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::create(dir.path().join("p.fieldcode")).unwrap();
        let folder = dir.path().join("many");
        std::fs::create_dir_all(&folder).unwrap();
        for n in 0..MAX_PREVIEW_FILES + 3 {
            std::fs::write(folder.join(format!("note-{n:05}.txt")), format!("Note number {n}.\n")).unwrap();
        }
        let seen = preview(&project, &[folder]);
        assert_eq!((seen.files.len(), seen.unlisted.len()), (MAX_PREVIEW_FILES, 3));
        assert!(seen.unlisted[2].ends_with(format!("note-{:05}.txt", MAX_PREVIEW_FILES + 2)));
    }

    #[test]
    fn a_cancelled_preview_stops_before_the_next_file() {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::create(dir.path().join("p.fieldcode")).unwrap();
        std::fs::write(dir.path().join("a.txt"), "One.\n").unwrap();
        let cancel = AtomicBool::new(true);
        let seen =
            preview_paths(project.conn(), &[dir.path().join("a.txt")], Invalid::Refuse, &mut |_| {}, &cancel).unwrap();
        assert!(seen.cancelled && seen.files.is_empty());
    }
}
