//! Recordings in a REFI-QDA import: `AudioSource` / `VideoSource` elements and their
//! `Transcript`s, placed once every text source is stored (the recordings are small — times and
//! references — so the reader keeps them wherever they stood in the file).
//!
//! A transcript whose `plainTextPath` is that of an imported `TextSource` (as Fieldcode's own
//! exports write it) gives that document its time map; any other transcript has its own text
//! and becomes a document of its own, named after the transcript, with its
//! `TranscriptSelection`s' codings placed between their sync points' positions. Sync-point
//! positions go through the same position convention as the text's selections. The recording is
//! linked when its path names a readable file on this machine (`relative://` from the archive's
//! folder or the project's `basePath`, `file://` or an absolute path); one inside the archive
//! (`internal://`, as Fieldcode exports a recording stored in its project) is stored in the new
//! project, streamed chunk by chunk ([`crate::media::store`]), and the link plays from that copy;
//! a missing one is a report line — never a failure.

use std::path::{Path, PathBuf};

use super::Filler;
use crate::coding::media_rows::MediaLinkRec;
use crate::coding::rows::Row;
use crate::error::Result;
use crate::refi::export_media::{path_of_file_uri, percent_decode};
use crate::refi::import_sources::{load_source, source_label};
use crate::refi::model::{MediaSource, RefiProject, Selection, Source, Transcript};
use crate::store::{self, time_map};

/// How a `plainTextPath` is matched between a transcript and a text source.
pub(super) fn path_key(path: &str) -> String {
    path.trim().to_lowercase()
}

/// A recording found on disk (or inside the archive): where, its size and SHA-256.
struct Found {
    file: PathBuf,
    size: u64,
    sha256: String,
    /// Copied from the archive into the project: the link plays from the stored copy, and
    /// `file` is only the name it keeps (relative to the project's folder).
    stored: bool,
}

impl Filler<'_> {
    /// Every recording's transcripts: time maps, transcript documents and links.
    pub(super) fn insert_media(&mut self, refi: &RefiProject) -> Result<()> {
        for media in &refi.media {
            let label = media_label(media);
            if media.transcripts.is_empty() {
                self.skips.fill.push(format!(
                    "{} \"{label}\": it has no transcript; Fieldcode links a recording to a transcript's document",
                    media.kind.label()
                ));
                continue;
            }
            let recording = self.find_recording(media, refi);
            let stored = recording.as_ref().ok().filter(|f| f.stored).map(|f| f.sha256.clone());
            if let Err(why) = &recording {
                self.skips.fill.push(format!(
                    "{} \"{label}\": the recording is {why}; its transcripts were imported without it",
                    media.kind.label()
                ));
            }
            let before = self.report.media_links;
            for transcript in &media.transcripts {
                self.insert_transcript(&label, transcript, recording.as_ref().ok())?;
            }
            // A copy no transcript's document took is not kept.
            if let Some(sha256) = stored.filter(|_| self.report.media_links == before) {
                let used: i64 = self.tx.query_row(
                    "SELECT count(*) FROM media_link WHERE sha256 = ?1 AND embedded = 1",
                    [&sha256],
                    |r| r.get(0),
                )?;
                if used == 0 {
                    self.tx.execute("DELETE FROM media_chunk WHERE sha256 = ?1", [&sha256])?;
                }
            }
        }
        Ok(())
    }

    fn insert_transcript(&mut self, label: &str, transcript: &Transcript, recording: Option<&Found>) -> Result<()> {
        let key = transcript.plain_text_path.as_deref().map(path_key);
        let known = key.as_ref().and_then(|k| self.texts.get(k)).cloned();
        let (doc_id, table, name) = match known {
            Some((doc_id, table)) => (doc_id, table, transcript.name.clone()),
            // The text source it names was skipped (and reported): nothing to give times to.
            None if key.is_some_and(|k| self.text_paths.contains(&k)) => return Ok(()),
            None => {
                let source = transcript_source(transcript, label, &mut self.skips.fill);
                let name = source_label(&source);
                let loaded = load_source(self.archive, &source, self.options, &mut self.skips.load, &mut self.load)?;
                let Some(loaded) = loaded else { return Ok(()) };
                if self.load.refuses(self.options) {
                    return Ok(());
                }
                let (doc_id, table) = self.insert_source(&source, &loaded)?;
                (doc_id, table, name)
            }
        };
        self.report.transcripts += 1;
        let mut points = Vec::with_capacity(transcript.sync_points.len());
        let mut skipped = transcript.malformed_sync_points;
        for point in &transcript.sync_points {
            match usize::try_from(point.position).ok().and_then(|p| table.get(p)) {
                Some(offset) => points.push(time_map::TimePoint { offset, ms: point.time_ms.min(time_map::MAX_MS) }),
                None => skipped += 1,
            }
        }
        if skipped > 0 {
            self.report.sync_points_skipped += skipped;
            self.skips.fill.push(format!(
                "{skipped} sync point(s) of transcript \"{name}\": a position beyond the text or not whole numbers; skipped"
            ));
        }
        if !points.is_empty() {
            // Stable: points at one offset keep the file's order.
            points.sort_by_key(|p| p.offset);
            self.report.sync_points += points.len();
            time_map::store(self.tx, doc_id, &points)?;
        }
        if let Some(found) = recording {
            self.link(doc_id, &name, found)?;
        }
        Ok(())
    }

    fn link(&mut self, doc_id: i64, name: &str, found: &Found) -> Result<()> {
        if MediaLinkRec::read(self.tx, doc_id)?.is_some() {
            self.skips.fill.push(format!(
                "recording {}: \"{name}\" is already linked to another recording; not linked again",
                found.file.display()
            ));
            return Ok(());
        }
        let path = match found.stored {
            true => found.file.to_string_lossy().into_owned(),
            false => match crate::media::link::stored_path(&found.file, &self.project_path) {
                Ok(path) => path,
                Err(e) => {
                    self.skips.fill.push(format!("recording for \"{name}\": {e}; not linked"));
                    return Ok(());
                }
            },
        };
        self.rec.insert(Row::MediaLink(MediaLinkRec {
            document_id: doc_id,
            path,
            size: i64::try_from(found.size).unwrap_or(i64::MAX),
            sha256: found.sha256.clone(),
            offset_ms: 0,
            linked_at: store::now_utc(),
            linked_by: store::default_actor(),
            embedded: found.stored,
        }))?;
        self.report.media_links += 1;
        Ok(())
    }

    /// The recording on disk, or why it is not linked.
    fn find_recording(&mut self, media: &MediaSource, refi: &RefiProject) -> std::result::Result<Found, String> {
        let Some(reference) = media.path.as_deref().map(str::trim).filter(|p| !p.is_empty()) else {
            return Err("not named (no path)".into());
        };
        let folder = self.archive.path().parent().map(Path::to_path_buf).unwrap_or_default();
        let (scheme, rest) = match reference.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => (String::new(), reference),
        };
        let decoded = || percent_decode(rest).ok_or_else(|| format!("its path {reference} is not a valid URI"));
        let candidates: Vec<PathBuf> = match scheme.as_str() {
            "internal" => {
                let name = decoded()?;
                return self.store_internal(&name, media);
            }
            "relative" => {
                let rest = decoded()?;
                let rest = rest.trim_start_matches('/');
                let mut bases = vec![folder];
                bases.extend(refi.base_path.as_deref().map(base_folder));
                bases.into_iter().map(|base| base.join(rest)).collect()
            }
            "file" => {
                vec![path_of_file_uri(reference).ok_or_else(|| format!("its path {reference} is not a valid URI"))?]
            }
            "absolute" => vec![PathBuf::from(decoded()?)],
            _ => vec![folder.join(reference)],
        };
        let Some(file) = candidates.iter().find(|c| c.is_file()) else {
            let tried: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
            return Err(format!("not found at {}", tried.join(" or ")));
        };
        match crate::media::link::fingerprint(file) {
            Ok((size, sha256)) => Ok(Found { file: file.clone(), size, sha256, stored: false }),
            Err(e) => Err(format!("not readable ({e})")),
        }
    }
}

impl Filler<'_> {
    /// Stores the recording `name` inside the archive in the new project, streamed; the link
    /// keeps the recording's own name (its file name, relative to the project's folder).
    fn store_internal(&mut self, name: &str, media: &MediaSource) -> std::result::Result<Found, String> {
        let tx = self.tx;
        let shown = self.archive.path().join(name);
        let mut got = None;
        let mut sink = |reader: &mut dyn std::io::Read| {
            got = Some(crate::media::store::store_stream(tx, reader, &shown)?);
            Ok(())
        };
        match self.archive.stream_source_file(name, &mut sink) {
            Ok(true) => {}
            Ok(false) => return Err(format!("inside the archive ({name}) but not there")),
            Err(e) => return Err(format!("inside the archive ({name}) but not readable ({e})")),
        }
        let Some((size, sha256)) = got else { return Err(format!("inside the archive ({name}) but not read")) };
        let own = media.name.trim();
        let keep = match own.contains(['/', '\\']) || own.is_empty() || own.starts_with('.') {
            true => name.rsplit('/').next().unwrap_or(name).to_owned(),
            false => own.to_owned(),
        };
        Ok(Found { file: PathBuf::from(keep), size, sha256, stored: true })
    }
}

/// A `basePath` as a folder: a `file://` URI or a path.
fn base_folder(base: &str) -> PathBuf {
    path_of_file_uri(base).unwrap_or_else(|| PathBuf::from(base))
}

fn media_label(media: &MediaSource) -> String {
    if media.name.trim().is_empty() {
        media.path.clone().unwrap_or_else(|| media.guid.clone())
    } else {
        media.name.clone()
    }
}

/// A transcript with its own text as a text source: its `TranscriptSelection`s become selections
/// from their first sync point's position to their second's (in the writer's convention, placed
/// like any selection). A selection whose sync points are not both known is reported.
fn transcript_source(t: &Transcript, recording: &str, skipped: &mut Vec<String>) -> Source {
    let position =
        |guid: Option<&String>| guid.and_then(|g| t.sync_points.iter().find(|p| &p.guid == g)).map(|p| p.position);
    let mut selections = Vec::new();
    for sel in &t.selections {
        match (position(sel.from_sync_point.as_ref()), position(sel.to_sync_point.as_ref())) {
            (Some(start), Some(end)) => selections.push(Selection {
                guid: sel.guid.clone(),
                name: sel.name.clone(),
                start,
                end,
                description: sel.description.clone(),
                creating_user: sel.creating_user.clone(),
                created: sel.created.clone(),
                codings: sel.codings.clone(),
                note_refs: sel.note_refs.clone(),
            }),
            _ => skipped.push(format!(
                "transcript selection {:?} in \"{}\" ({} coding(s)): its sync points are missing",
                sel.name.as_deref().unwrap_or(&sel.guid),
                t.name,
                sel.codings.len()
            )),
        }
    }
    let name = if t.name.trim().is_empty() { recording.to_owned() } else { t.name.clone() };
    Source {
        guid: t.guid.clone(),
        name,
        inline_text: t.inline_text.clone(),
        plain_text_path: t.plain_text_path.clone(),
        rich_text_path: t.rich_text_path.clone(),
        created: t.created.clone(),
        creating_user: t.creating_user.clone(),
        selections,
        note_refs: t.note_refs.clone(),
        ..Source::default()
    }
}
