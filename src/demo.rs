//! The demo study: a synthetic ethnography of NHS social-prescribing link workers in two
//! provider organisations (24 field notes, 5 interviews, 3 focus groups, participant roles).
//!
//! The material is plain files under `assets/demo/`, embedded in the binary and imported through
//! the real importers, so the demo exercises exactly what a user's own files go through. One
//! interview gets a short synthetic recording, generated when the demo is built and written
//! beside it, so the player can be tried.

use std::path::{Path, PathBuf};

use include_dir::{Dir, File, include_dir};

use crate::error::{Error, Result};
use crate::import::{self, ImportOptions};
use crate::store::Project;

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets/demo");

/// Builds the demo study into a new project at `path`.
pub fn build(path: &Path) -> Result<Project> {
    crate::store::build_new(path, populate)?;
    Project::open(path)
}

/// Imports the demo material into an (empty) project.
pub fn populate(project: &mut Project) -> Result<()> {
    let mut files: Vec<&File<'static>> = Vec::new();
    collect(&DEMO, &mut files);
    files.sort_by_key(|f| f.path());
    for file in files.iter().filter(|f| import::Format::of(f.path()).is_some()) {
        let format = import::Format::of(file.path()).expect("filtered on format");
        let name = file.path().file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let shown = PathBuf::from("assets/demo").join(file.path());
        let parsed = import::parse_bytes(&name, format, file.contents()).map_err(|e| match e {
            import::ParseError::Whole(reason) => Error::import(&shown, reason),
            import::ParseError::Line(line, reason) => Error::Parse { path: shown.clone(), line, reason },
        })?;
        import::store_parsed(project, &parsed, Some(&shown.to_string_lossy()), &ImportOptions::default())?;
    }
    for sheet in files.iter().filter(|f| f.path().extension().is_some_and(|e| e == "csv")) {
        let shown = PathBuf::from("assets/demo").join(sheet.path());
        import::sheet::apply_sheet_bytes(project, &shown, sheet.contents(), "rosa")?;
    }
    link_recording(project)?;
    crate::demo_codebook::populate(project)?;
    Ok(())
}

/// The interview that gets a recording, so a new user can try the player.
pub const RECORDED_INTERVIEW: &str = "INT01-LW02";
/// The recording's file name, beside the demo project.
pub const RECORDING_FILE: &str = "fieldcode-demo-INT01-LW02.wav";
/// Turns that start before this time are voiced (about a minute and a half of the interview).
const RECORDED_UNTIL_MS: i64 = 90_000;

/// Writes a short synthetic recording of [`RECORDED_INTERVIEW`] beside the project (speech-like
/// tones for each turn that starts in its first 90 s, at the turn's time, a lower voice for the
/// link worker than for the interviewer; mono 16 kHz WAV, about 3 MB, made here, nothing
/// downloaded) and links it. The link is written without a history entry, like the imports: it
/// is part of the study as delivered, not a change to undo.
fn link_recording(project: &mut Project) -> Result<()> {
    const RATE: u32 = 16_000;
    if project.path().as_os_str() == ":memory:" {
        return Ok(()); // a project in memory (tests) has no folder to put the recording in
    }
    let document = crate::store::documents::id_by_name(project.conn(), RECORDED_INTERVIEW)?;
    let turns: Vec<(i64, Option<i64>)> = crate::store::documents::turns(project.conn(), document)?
        .into_iter()
        .filter_map(|t| t.time_ms.map(|ms| (ms, t.participant_id)))
        .collect();
    let interviewer = turns.first().and_then(|t| t.1);
    let voiced: Vec<_> = turns.iter().take_while(|t| t.0 < RECORDED_UNTIL_MS).collect();
    let Some(last) = voiced.last() else {
        return Err(Error::invalid(format!("the demo interview {RECORDED_INTERVIEW} has no turn times")));
    };
    let end_ms = turns.iter().map(|t| t.0).find(|&ms| ms > last.0).unwrap_or(last.0 + 20_000).min(last.0 + 30_000);
    let at = |ms: i64| (ms.max(0) as usize) * RATE as usize / 1000;
    let mut samples = vec![0.0f32; at(end_ms)];
    for (i, (start, who)) in voiced.iter().enumerate() {
        let next = voiced.get(i + 1).map_or(end_ms, |t| t.0);
        let seconds = ((next - start - 700).max(500)) as f32 / 1000.0;
        let pitch = if *who == interviewer { 205.0 } else { 125.0 };
        let voice = crate::media::tone::speech_like(RATE, seconds, pitch, i as u32 + 1);
        let from = at(*start).min(samples.len());
        for (slot, s) in samples[from..].iter_mut().zip(voice) {
            *slot = s;
        }
    }
    let folder = project.path().parent().map(Path::to_path_buf).unwrap_or_default();
    let file = folder.join(RECORDING_FILE);
    crate::media::tone::write_wav(&file, RATE, 1, &samples).map_err(|e| Error::io(&file, e))?;
    let (size, sha256) = crate::media::link::fingerprint(&file).map_err(|e| Error::invalid(e.to_string()))?;
    let path = crate::media::link::stored_path(&file, project.path()).map_err(|e| Error::invalid(e.to_string()))?;
    let tx = project.write_transaction()?;
    let mut rec = crate::coding::Recorder::unrecorded(&tx);
    let link = crate::coding::media_rows::MediaLinkRec {
        document_id: document,
        path,
        size: size as i64,
        sha256,
        offset_ms: 0,
        linked_at: crate::store::now_utc(),
        linked_by: "rosa".to_owned(),
        embedded: false,
    };
    rec.insert(crate::coding::rows::Row::MediaLink(link))?;
    tx.commit()?;
    Ok(())
}

fn collect(dir: &'static Dir<'static>, files: &mut Vec<&'static File<'static>>) {
    files.extend(dir.files());
    for sub in dir.dirs() {
        collect(sub, files);
    }
}
