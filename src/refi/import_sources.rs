//! Reading what a REFI-QDA archive holds besides its `.qde`: every source's text (found in
//! the archive or, when allowed, beside it; decoded; placed in the convention its positions use),
//! the notes' texts and Fieldcode's codebook snapshots. [`super::import`] reads each source's
//! text as the source is parsed and refuses bad input part-way; it builds the project under a
//! temporary name, so a refusal leaves nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::export::{SNAPSHOTS_ENTRY, SnapshotEntry};
use super::import::ImportQdpxOptions;
use super::model::*;
use super::qdpx::Archive;
use crate::error::{Error, Result};

/// A source's text as the tool wrote it (BOM removed) and as Fieldcode stores it.
pub(super) struct Loaded {
    pub(super) raw: String,
    pub(super) text: String,
}

/// The codebook snapshots a Fieldcode export carries beside its `.qde`; none for other tools'
/// files. An entry that cannot be read is reported and left out (the project itself is whole).
pub(super) fn load_snapshots(archive: &mut Archive, skipped: &mut Vec<String>) -> Result<Vec<SnapshotEntry>> {
    let Some(bytes) = archive.entry(SNAPSHOTS_ENTRY)? else { return Ok(Vec::new()) };
    match serde_json::from_slice::<Vec<SnapshotEntry>>(&bytes) {
        Ok(snapshots) => Ok(snapshots),
        Err(e) => {
            skipped.push(format!("codebook snapshots ({SNAPSHOTS_ENTRY}): not readable ({e}); none were imported"));
            Ok(Vec::new())
        }
    }
}

/// What loading the source texts found so far: the sources missing or not read, and the files
/// read from outside the archive.
#[derive(Debug, Default)]
pub(super) struct LoadLog {
    /// `"label" (why)` for each source whose text is missing or was not read.
    pub(super) missing: Vec<String>,
    /// `label: path` for each text read from outside the archive.
    pub(super) external: Vec<String>,
}

impl LoadLog {
    /// True when the import must be refused: sources are missing and the options do not say to
    /// skip them.
    pub(super) fn refuses(&self, options: &ImportQdpxOptions) -> bool {
        !self.missing.is_empty() && !options.skip_missing_sources
    }
}

/// One source's text, or `None` when it is skipped (blank, missing or not read: reported in
/// `skipped`, and the missing ones in `log`).
pub(super) fn load_source(
    archive: &mut Archive,
    source: &Source,
    options: &ImportQdpxOptions,
    skipped: &mut Vec<String>,
    log: &mut LoadLog,
) -> Result<Option<Loaded>> {
    let label = source_label(source);
    let found = load_text(archive, source, &label, options)?;
    log.external.extend(found.external.iter().map(|path| format!("{label}: {}", path.display())));
    let text = match found.text {
        Text::Found(raw) => {
            let loaded = loaded(raw);
            match crate::import::check_limits(&loaded.text) {
                Ok(()) => return Ok(Some(loaded)),
                Err(why) => Text::Unavailable(why),
            }
        }
        other => other,
    };
    let codings = || source.codings.len() + source.selections.iter().map(|s| s.codings.len()).sum::<usize>();
    match text {
        Text::Blank => skipped.push(format!("source \"{label}\" with {} coding(s): it has no text", codings())),
        Text::Unavailable(why) => {
            log.missing.push(format!("\"{label}\" ({why})"));
            skipped.push(format!("source \"{label}\" with {} coding(s): {why}", codings()));
        }
        Text::Found(_) => {}
    }
    Ok(None)
}

/// The refusal of an import whose source texts are missing or were not read.
pub(super) fn missing_sources(archive: &Path, log: &LoadLog) -> Error {
    Error::import(
        archive,
        format!(
            "{} source text file(s) are missing or were not read: {}. Nothing was created; the import can skip these sources and import the rest",
            log.missing.len(),
            log.missing.join(", ")
        ),
    )
}

/// A source text as read (BOM dropped) and newline-normalised.
fn loaded(mut raw: String) -> Loaded {
    if raw.starts_with('\u{feff}') {
        raw.drain(..'\u{feff}'.len_utf8());
    }
    let text = crate::text::normalise_newlines(&raw);
    Loaded { raw, text }
}

pub(super) fn source_label(source: &Source) -> String {
    if !source.name.is_empty() {
        return source.name.clone();
    }
    let path = source.plain_text_path.as_deref().unwrap_or(&source.guid);
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    file.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(file).to_owned()
}

/// What became of one source's text, and the files outside the archive that were read for it.
struct Found {
    text: Text,
    external: Vec<PathBuf>,
}

enum Text {
    Found(String),
    Blank,
    /// Missing, outside the archive and not allowed, or not decodable: why, naming the path.
    Unavailable(String),
}

/// The text of a source: inline, else its plain text file, else its rich text (`.docx`) file.
fn load_text(archive: &mut Archive, source: &Source, label: &str, options: &ImportQdpxOptions) -> Result<Found> {
    if let Some(inline) = &source.inline_text {
        let text = if inline.trim().is_empty() { Text::Blank } else { Text::Found(inline.clone()) };
        return Ok(Found { text, external: Vec::new() });
    }
    let mut external = Vec::new();
    let mut refused = None;
    let mut undecodable = None;
    let plain = match &source.plain_text_path {
        Some(path) => fetch(archive, path, label, options, &mut external, &mut refused)?,
        None => None,
    };
    if let Some(bytes) = &plain {
        match decode(bytes) {
            Ok(text) => return Ok(Found { text: Text::Found(text), external }),
            Err(why) => {
                let path = source.plain_text_path.as_deref().unwrap_or("");
                undecodable = why.map(|why| format!("its text file {path} {why}"));
            }
        }
    }
    let rich = source.rich_text_path.as_deref().filter(|p| p.to_lowercase().ends_with(".docx"));
    let rich_bytes = match rich {
        Some(rich) => fetch(archive, rich, label, options, &mut external, &mut refused)?,
        None => None,
    };
    if let Some(text) = rich_bytes.and_then(|b| crate::import::office::docx_text(&b).ok()) {
        return Ok(Found { text: Text::Found(text), external });
    }
    let text = if let Some(why) = undecodable {
        Text::Unavailable(why)
    } else if plain.is_some() {
        Text::Blank
    } else if let Some(why) = refused {
        Text::Unavailable(why)
    } else if let Some(path) = &source.plain_text_path {
        Text::Unavailable(format!("its text file {path} is missing"))
    } else {
        Text::Unavailable("it has no plainTextPath and no text file".into())
    };
    Ok(Found { text, external })
}

/// A source file's text; `Err(None)` when it is blank or not text (the rich text may still do),
/// `Err(Some(why))` when it is text with invalid bytes.
fn decode(bytes: &[u8]) -> std::result::Result<String, Option<String>> {
    use crate::import::decode::{DecodeError, Invalid};
    crate::import::decode::decode(bytes, Invalid::Refuse).map_err(|err| match err {
        DecodeError::BadUtf8 { .. } => Some(format!("is not valid UTF-8: {err}")),
        DecodeError::Other(_) => None,
    })
}

/// The bytes a `plainTextPath` / `path` names: looked up in the archive (`internal://`, bare
/// names, and any other path by its file name); outside it only when the options allow,
/// `relative://` next to the `.qdpx` and `absolute://` (or `file://`) on disk, never through a
/// `..` component. A path outside the archive that is not read sets `refused` to why; one that
/// is read is added to `external`.
fn fetch(
    archive: &mut Archive,
    reference: &str,
    label: &str,
    options: &ImportQdpxOptions,
    external: &mut Vec<PathBuf>,
    refused: &mut Option<String>,
) -> Result<Option<Vec<u8>>> {
    let (scheme, rest) = match reference.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => (String::new(), reference),
    };
    let file_name = rest.rsplit(['/', '\\']).next().unwrap_or(rest);
    if let Some(bytes) = archive.source_file(rest)? {
        return Ok(Some(bytes));
    }
    if scheme == "internal" {
        return Ok(None);
    }
    if let Some(bytes) = archive.source_file(file_name)? {
        return Ok(Some(bytes));
    }
    if rest.split(['/', '\\']).any(|part| part == "..") {
        *refused =
            Some(format!("its text file {reference} is outside the archive, through `..`; such a path is never read"));
        return Ok(None);
    }
    if !options.allow_external_sources {
        *refused = Some(format!(
            "its text file {reference} is outside the archive and was not read; pass --allow-external-sources to read it"
        ));
        return Ok(None);
    }
    let on_disk = match scheme.as_str() {
        "absolute" | "file" => PathBuf::from(rest),
        _ => archive.path().parent().unwrap_or(Path::new(".")).join(rest),
    };
    match crate::import::read_input(&on_disk, crate::import::MAX_FILE_BYTES) {
        Ok(bytes) => {
            external.push(on_disk);
            Ok(Some(bytes))
        }
        Err(Error::MissingInput { .. }) => Ok(None),
        Err(err) => Err(Error::import(
            archive.path(),
            format!("source \"{label}\" names {reference}, which cannot be read: {err}; nothing was created"),
        )),
    }
}

pub(super) fn load_notes(
    archive: &mut Archive,
    refi: &RefiProject,
    skipped: &mut Vec<String>,
) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    for note in &refi.notes {
        let text = match (&note.inline_text, &note.plain_text_path) {
            (Some(text), _) => text.clone(),
            (None, Some(path)) => {
                let rest = path.split_once("://").map(|(_, r)| r).unwrap_or(path);
                match archive.source_file(rest)?.and_then(|b| crate::import::decode::decode_text(&b).ok()) {
                    Some(text) => crate::text::normalise_newlines(&text),
                    None => {
                        skipped
                            .push(format!("note \"{}\": its text file {path} is missing; imported empty", note.name));
                        String::new()
                    }
                }
            }
            (None, None) => String::new(),
        };
        out.insert(note.guid.clone(), text);
    }
    Ok(out)
}
