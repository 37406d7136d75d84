//! Committing files into a project: folder expansion, duplicate skipping, one transaction per
//! file, progress reports and cancellation between files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};
use crate::model::DocumentKind;
use crate::store::Project;
use crate::store::bulk_write::BulkWrite;
use crate::store::documents::{self, NewDocument};

use super::decode::Invalid;
use super::{Format, ParsedDocument, parse_file_with};

/// Choices that apply to every file of one import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Overrides the inferred kind.
    pub kind: Option<DocumentKind>,
    /// Attributes set on every imported document (after front matter, so they win).
    pub attributes: Vec<(String, String)>,
    /// Import a text file that is UTF-8 except for some bytes with U+FFFD in their place,
    /// instead of refusing it.
    pub lossy: bool,
}

/// What happened to one file.
#[derive(Debug)]
pub enum ImportOutcome {
    Imported { path: PathBuf, name: String, kind: DocumentKind, chars: usize, turns: usize, speakers: usize },
    Skipped { path: PathBuf, reason: String },
    Failed { path: PathBuf, error: Error },
}

impl ImportOutcome {
    pub fn is_failure(&self) -> bool {
        matches!(self, ImportOutcome::Failed { .. })
    }
}

/// Progress of a running import, reported before each file.
#[derive(Debug, Clone)]
pub struct ImportProgress {
    pub done: usize,
    pub total: usize,
    pub current: PathBuf,
}

/// Imports files and folders (recursively, supported extensions only), each file in its own
/// transaction. A failing file is reported and the others still import. Cancelling stops
/// before the next file; files already imported stay.
pub fn import_paths(
    project: &mut Project,
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &mut dyn FnMut(&ImportProgress),
    cancel: &AtomicBool,
) -> Vec<ImportOutcome> {
    let (files, mut outcomes) = expand(paths);
    if !files.is_empty()
        && let Err(error) = crate::store::backup::take(project, "before-import")
    {
        outcomes.push(ImportOutcome::Failed { path: project.path().to_path_buf(), error });
        return outcomes;
    }
    let disk_full = AtomicBool::new(false);
    // Parsing the next file overlaps with storing the current one: two cores, twice the speed.
    // The parse thread also hashes the text, which the storing thread would otherwise wait for.
    // After a large document the parse thread waits until it is stored, so that two large
    // documents are never in memory at once.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<(PathBuf, Result<Hashed>)>(1);
    let (stored, stored_signal) = std::sync::mpsc::channel::<()>();
    let bulk = BulkWrite::start(project);
    let invalid = if options.lossy { Invalid::Replace } else { Invalid::Refuse };
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut in_flight = 0usize;
            for path in &files {
                if cancel.load(Ordering::Relaxed) || disk_full.load(Ordering::Relaxed) {
                    break;
                }
                let parsed = parse_and_hash(path, invalid);
                let large = parsed.as_ref().is_ok_and(|h| h.parsed.text.len() >= OVERLAP_BYTES);
                if sender.send((path.clone(), parsed)).is_err() {
                    break;
                }
                in_flight += 1;
                while in_flight > 0 && (large || stored_signal.try_recv().is_ok()) {
                    if large && stored_signal.recv().is_err() {
                        break;
                    }
                    in_flight -= 1;
                }
            }
            drop(sender);
            drop(stored_signal);
        });
        for (done, (path, parsed)) in receiver.iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            progress(&ImportProgress { done, total: files.len(), current: path.clone() });
            let outcome = store_one(project, &path, parsed, options);
            if let ImportOutcome::Failed { error: Error::DiskFull { .. }, .. } = outcome {
                // One message for the whole import, naming the project and the space still needed.
                disk_full.store(true, Ordering::Relaxed);
                let needed = Some(
                    2 * files[done..].iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum::<u64>(),
                );
                let error = Error::DiskFull { path: project.path().to_path_buf(), needed };
                outcomes.push(ImportOutcome::Failed { path: project.path().to_path_buf(), error });
                break;
            }
            outcomes.push(outcome);
            bulk.committed();
            let _ = stored.send(());
        }
        drop(receiver);
        drop(stored);
    });
    bulk.finish(project);
    outcomes
}

/// Texts at least this long (bytes) are stored before the next file is parsed.
const OVERLAP_BYTES: usize = (super::MAX_FILE_BYTES / 8) as usize;

/// A parsed file with the sha256 of its text.
struct Hashed {
    parsed: ParsedDocument,
    sha256: String,
}

fn parse_and_hash(path: &Path, invalid: Invalid) -> Result<Hashed> {
    let parsed = parse_file_with(path, invalid)?;
    let sha256 = documents::text_sha256(&parsed.text);
    Ok(Hashed { parsed, sha256 })
}

fn store_one(project: &mut Project, path: &Path, hashed: Result<Hashed>, options: &ImportOptions) -> ImportOutcome {
    let Hashed { parsed, sha256 } = match hashed {
        Ok(hashed) => hashed,
        Err(error) => return ImportOutcome::Failed { path: path.to_path_buf(), error },
    };
    let source = path.to_string_lossy();
    match store_hashed(project, &parsed, &sha256, Some(&source), options) {
        Ok(Stored::New { name, kind }) => ImportOutcome::Imported {
            path: path.to_path_buf(),
            name,
            kind,
            chars: parsed.char_len,
            turns: parsed.turns.len(),
            speakers: parsed.speakers().len(),
        },
        Ok(Stored::Duplicate { existing }) => ImportOutcome::Skipped {
            path: path.to_path_buf(),
            reason: format!("the same text is already in the project as {existing:?}"),
        },
        Err(error) => ImportOutcome::Failed { path: path.to_path_buf(), error },
    }
}

/// What [`store_parsed`] did with a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    New {
        name: String,
        kind: DocumentKind,
    },
    /// A document with the same text is already in the project, under this name.
    Duplicate {
        existing: String,
    },
}

/// Stores one parsed document in its own transaction, unless a document with the same text is
/// already in the project.
pub fn store_parsed(
    project: &mut Project,
    parsed: &ParsedDocument,
    source_path: Option<&str>,
    options: &ImportOptions,
) -> Result<Stored> {
    store_hashed(project, parsed, &documents::text_sha256(&parsed.text), source_path, options)
}

/// [`store_parsed`] with the text's sha256 already computed.
fn store_hashed(
    project: &mut Project,
    parsed: &ParsedDocument,
    sha: &str,
    source_path: Option<&str>,
    options: &ImportOptions,
) -> Result<Stored> {
    let path = project.path().to_path_buf();
    store_in_transaction(project, parsed, sha, source_path, options).map_err(|e| crate::store::name_error(&path, e))
}

fn store_in_transaction(
    project: &mut Project,
    parsed: &ParsedDocument,
    sha: &str,
    source_path: Option<&str>,
    options: &ImportOptions,
) -> Result<Stored> {
    let tx = project.write_transaction()?;
    if let Some(existing) = documents::name_with_sha(&tx, sha)? {
        return Ok(Stored::Duplicate { existing });
    }
    let kind = options.kind.unwrap_or_else(|| parsed.inferred_kind());
    let new =
        NewDocument { parsed, kind, guid: None, sha256: Some(sha), source_path, extra_attributes: &options.attributes };
    let id = documents::insert(&tx, &new)?;
    let name: String = tx.query_row("SELECT name FROM document WHERE id = ?1", [id], |r| r.get(0))?;
    tx.commit()?;
    Ok(Stored::New { name, kind })
}

/// Expands folders into their supported files (sorted, hidden entries skipped). Paths that do not
/// exist become failures straight away.
pub(super) fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<ImportOutcome>) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for path in paths {
        if path.is_dir() {
            if let Err(error) = walk(path, &mut files) {
                failures.push(ImportOutcome::Failed { path: path.clone(), error });
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            failures
                .push(ImportOutcome::Failed { path: path.clone(), error: Error::MissingInput { path: path.clone() } });
        }
    }
    (files, failures)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            walk(&entry, files)?;
        } else if Format::of(&entry).is_some() {
            files.push(entry);
        }
    }
    Ok(())
}
