//! Recordings stored in the project when asked (issue 19, `--embed`), through the real binary
//! and the library: the size is said first, the stored copy plays the same samples as the file
//! once the file is gone, undo and redo only flip the link (the bytes stay, never in the
//! history), a file that is not the linked one is refused with the project byte-identical, a
//! release copy leaves stored recordings out unless asked, and a version-6 project upgrades.

use std::path::{Path, PathBuf};

use crate::util::{Scratch, bytes, fieldcode, s};
use fieldcode::media::SampleSource;
use fieldcode::media::tone::{speech_like, wav_bytes};

const INTERVIEW: &str = "[00:00:01] Interviewer: Where do you see clients?\n\
[00:00:03] LW1: Wherever there is a room.\n";

/// Seconds of 44.1 kHz mono 16-bit audio: about 2.6 MB, so the copy spans three chunks.
const SECONDS: f32 = 30.0;
const RATE: u32 = 44_100;

/// A project with one interview and a recording beside it in `audio/`.
fn study(scratch: &Scratch) -> (PathBuf, PathBuf) {
    let project = scratch.path("study/study.fieldcode");
    std::fs::create_dir_all(scratch.path("study")).unwrap();
    fieldcode(&["new", s(&project)]).ok();
    let text = scratch.write("interview.txt", INTERVIEW);
    fieldcode(&["import", s(&project), s(&text)]).ok();
    let wav = scratch.write("study/audio/interview.wav", wav_bytes(RATE, 1, &speech_like(RATE, SECONDS, 140.0, 7)));
    assert!(bytes(&wav).len() > 2 * fieldcode::media::store::CHUNK_BYTES, "more than two chunks");
    (project, wav)
}

fn listed(project: &Path) -> Vec<serde_json::Value> {
    fieldcode(&["media", s(project), "--json"]).ok().json().as_array().unwrap().clone()
}

fn count(project: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(project).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn all_samples(source: &mut dyn SampleSource) -> Vec<f32> {
    let mut out = Vec::new();
    while source.read(&mut out, 4096).unwrap() > 0 {}
    out
}

/// The interview's recording as the player opens it.
fn opened(project: &Path) -> fieldcode::media::OpenedMedia {
    let p = fieldcode::Project::open(project).unwrap();
    let doc = fieldcode::store::documents::id_by_name(p.conn(), "interview").unwrap();
    let media = fieldcode::media::link::open_for_document(p.conn(), p.path(), doc);
    media.unwrap_or_else(|e| panic!("{e}")).expect("a link")
}

#[test]
fn a_stored_copy_plays_the_same_samples_when_the_file_is_gone() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    let p = s(&project);
    let size = bytes(&wav).len() as u64;
    let run = fieldcode(&["link-media", p, "--doc", "interview", s(&wav), "--embed"]).ok();
    let first = run.stdout.lines().next().unwrap_or_default();
    let shown = fieldcode::media::store::human_size(size);
    assert!(first.starts_with("Storing a copy of") && first.contains(&shown), "size said first: {}", run.stdout);
    assert_eq!(shown, "2.6 MB");
    assert!(run.stdout.contains("with a copy stored in the project"), "{}", run.stdout);
    let links = listed(&project);
    assert_eq!((links[0]["stored"].as_bool(), links[0]["state"].as_str()), (Some(true), Some("ok")));
    assert!(fieldcode(&["media", p]).ok().stdout.contains("in the project"));
    assert_eq!(count(&project, "SELECT count(*) FROM media_chunk"), 3);
    assert!(
        count(&project, "SELECT max(length(payload)) FROM history") < 4096,
        "the history holds the link, never the recording's bytes"
    );

    let expected = all_samples(fieldcode::media::decode::open_file(&wav).unwrap().as_mut());
    let moved = scratch.path("elsewhere.wav");
    std::fs::rename(&wav, &moved).unwrap();
    let links = listed(&project);
    assert_eq!((links[0]["stored"].as_bool(), links[0]["state"].as_str()), (Some(true), Some("missing")));
    assert!(links[0]["detail"].as_str().unwrap().contains("plays from the stored copy"), "{links:?}");

    let mut media = opened(&project);
    assert_eq!((media.source.sample_rate(), media.source.channels()), (RATE, 1));
    assert_eq!(all_samples(media.source.as_mut()), expected, "the stored copy decodes the same samples");
    // Seeking into the third chunk reads what the file has there.
    let at = (RATE as u64) * 25;
    assert_eq!(media.source.seek(at).unwrap(), at);
    let mut out = Vec::new();
    media.source.read(&mut out, 1000).unwrap();
    assert_eq!(out[..], expected[at as usize..at as usize + out.len()]);

    // The waveform is computed from the stored copy too.
    let link = fieldcode::media::link::links(fieldcode::Project::open(&project).unwrap().conn()).unwrap().remove(0);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let mut open = || fieldcode::media::link::open_source(&link, &project);
    let waveform =
        fieldcode::media::waveform::cached_with(None, &link.sha256, 64, &cancel, &mut |_| {}, &mut open).unwrap();
    assert_eq!(waveform.duration_ms, (SECONDS * 1000.0) as u64);

    // Back to the linked file is refused while it is gone, allowed once it is back.
    let run = fieldcode(&["unembed-media", p, "--doc", "interview"]).fails();
    assert!(run.stderr.contains("not there") && run.stderr.contains("nothing was changed"), "{}", run.stderr);
    std::fs::rename(&moved, &wav).unwrap();
    fieldcode(&["unembed-media", p, "--doc", "interview"]).ok();
    assert_eq!(listed(&project)[0]["stored"], false);
}

#[test]
fn undo_flips_the_link_back_and_redo_needs_no_file() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    let p = s(&project);
    fieldcode(&["link-media", p, "--doc", "interview", s(&wav)]).ok();
    assert_eq!(listed(&project)[0]["stored"], false, "not copied unless asked");
    assert_eq!(count(&project, "SELECT count(*) FROM media_chunk"), 0);
    let run = fieldcode(&["embed-media", p, "--doc", "interview"]).ok();
    assert!(run.stdout.starts_with("Storing a copy of") && run.stdout.contains("2.6 MB"), "{}", run.stdout);
    assert_eq!(listed(&project)[0]["stored"], true);

    assert!(fieldcode(&["undo", p]).ok().stdout.contains("stored a copy"));
    assert_eq!(listed(&project)[0]["stored"], false, "undo: back to the file");
    assert_eq!(count(&project, "SELECT count(*) FROM media_chunk"), 3, "the chunks stay for redo");

    std::fs::remove_file(&wav).unwrap();
    fieldcode(&["redo", p]).ok();
    assert_eq!(listed(&project)[0]["stored"], true, "redo works with the file gone");
    let mut media = opened(&project);
    assert_eq!(all_samples(media.source.as_mut()).len(), (RATE as f32 * SECONDS) as usize);

    // Undone again, the link points at the missing file; embedding again needs no file either,
    // since the copy is there.
    fieldcode(&["undo", p]).ok();
    assert!(
        fieldcode::media::link::open_for_document(
            fieldcode::Project::open(&project).unwrap().conn(),
            &project,
            fieldcode::store::documents::id_by_name(fieldcode::Project::open(&project).unwrap().conn(), "interview")
                .unwrap()
        )
        .is_err()
    );
    fieldcode(&["embed-media", p, "--doc", "interview"]).ok();
    assert_eq!(listed(&project)[0]["stored"], true);
    let run = fieldcode(&["embed-media", p, "--doc", "interview"]).ok();
    assert!(run.stdout.contains("already stored"), "{}", run.stdout);
}

#[test]
fn a_file_with_other_bytes_is_refused_and_the_project_is_untouched() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    let p = s(&project);
    fieldcode(&["link-media", p, "--doc", "interview", s(&wav)]).ok();
    let mut other = bytes(&wav);
    let at = other.len() - 10;
    other[at] ^= 0x55;
    std::fs::write(&wav, &other).unwrap();
    let untouched = bytes(&project);
    let run = fieldcode(&["embed-media", p, "--doc", "interview"]).fails();
    assert!(run.stderr.contains("SHA-256") && run.stderr.contains("nothing was changed"), "{}", run.stderr);
    assert_eq!(bytes(&project), untouched, "a refused copy leaves the project byte-identical");
    // Shorter: refused before copying, saying the sizes.
    std::fs::write(&wav, &other[..other.len() - 100]).unwrap();
    let run = fieldcode(&["embed-media", p, "--doc", "interview"]).fails();
    assert!(run.stderr.contains("bytes"), "{}", run.stderr);
    assert_eq!(bytes(&project), untouched);
    assert_eq!(count(&project, "SELECT count(*) FROM media_chunk"), 0);
    // No link at all.
    fieldcode(&["unlink-media", p, "--doc", "interview"]).ok();
    let run = fieldcode(&["embed-media", p, "--doc", "interview"]).fails();
    assert!(run.stderr.contains("no recording linked"), "{}", run.stderr);
}

#[test]
fn a_release_copy_leaves_stored_recordings_out_unless_asked() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    let p = s(&project);
    fieldcode(&["link-media", p, "--doc", "interview", s(&wav), "--embed"]).ok();
    let plain = scratch.path("plain.fieldcode");
    let run = fieldcode(&["release", p, "--out", s(&plain)]).ok();
    assert!(run.stdout.contains("Left out 1 recording"), "{}", run.stdout);
    assert_eq!(count(&plain, "SELECT count(*) FROM media_chunk"), 0);
    assert_eq!(count(&plain, "SELECT count(*) FROM media_link WHERE embedded = 0"), 1, "the link stays");
    assert!(bytes(&plain).len() < 1_000_000, "no recording in the copy");

    let with = scratch.path("with.fieldcode");
    let run = fieldcode(&["release", p, "--out", s(&with), "--with-recordings", "--json"]).ok();
    assert_eq!(run.json()["recordings_kept"], 1);
    assert_eq!(count(&with, "SELECT count(*) FROM media_chunk"), 3);
    assert_eq!(count(&with, "SELECT count(*) FROM media_link WHERE embedded = 1"), 1);

    // A copy only undo could bring back is never released, even when asked to keep recordings.
    fieldcode(&["undo", p]).ok();
    let undone = scratch.path("undone.fieldcode");
    fieldcode(&["release", p, "--out", s(&undone), "--with-recordings"]).ok();
    assert_eq!(count(&undone, "SELECT count(*) FROM media_chunk"), 0);
    assert_eq!(count(&project, "SELECT count(*) FROM media_chunk"), 3, "the project keeps it for redo");
}

#[test]
fn a_version_six_project_upgrades_and_its_history_still_undoes() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    fieldcode(&["link-media", s(&project), "--doc", "interview", s(&wav)]).ok();
    {
        // Back to version 6: media_link as version 5 made it, no media_chunk, and a history
        // payload without the `embedded` field that version 6 did not write.
        let conn = rusqlite::Connection::open(&project).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = OFF;
             BEGIN;
             {}
             CREATE TEMP TABLE kept AS SELECT document_id, path, size, sha256, offset_ms, linked_at, linked_by FROM media_link;
             DROP TABLE media_link;
             DROP TABLE media_chunk;
             {}
             INSERT INTO media_link SELECT * FROM kept;
             UPDATE history SET payload = replace(payload, ',\"embedded\":false', '');
             COMMIT;
             PRAGMA user_version = 6;",
            crate::util::BEFORE_V8,
            include_str!("../src/store/migrations/v5_media_link.sql")
        ))
        .unwrap();
        let n: i64 =
            conn.query_row("SELECT count(*) FROM history WHERE payload LIKE '%embedded%'", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "the payload reads like version 6's");
    }
    let upgraded = fieldcode::Project::open(&project).unwrap();
    let version: i64 = upgraded.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, fieldcode::store::migrate::SCHEMA_VERSION);
    assert_eq!(version, 8);
    let links = fieldcode::media::link::links(upgraded.conn()).unwrap();
    assert_eq!((links.len(), links[0].embedded), (1, false));
    let schema = |conn: &rusqlite::Connection| -> Vec<String> {
        let mut stmt = conn.prepare("SELECT sql FROM sqlite_master WHERE name LIKE 'media_%' ORDER BY name").unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.map(|r| r.unwrap().split_whitespace().collect::<Vec<_>>().join(" ")).collect()
    };
    let new = fieldcode::Project::create(scratch.path("new.fieldcode")).unwrap();
    assert_eq!(schema(upgraded.conn()), schema(new.conn()));
    drop(upgraded);
    // The version-6 history entry undoes and redoes, and the link can now be stored.
    fieldcode(&["undo", s(&project)]).ok();
    assert!(listed(&project).is_empty());
    fieldcode(&["redo", s(&project)]).ok();
    fieldcode(&["embed-media", s(&project), "--doc", "interview"]).ok();
    assert_eq!(listed(&project)[0]["stored"], true);
}

#[test]
fn a_stored_recording_travels_inside_a_qdpx_and_is_stored_again_on_import() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    fieldcode(&["link-media", s(&project), "--doc", "interview", s(&wav), "--embed"]).ok();
    let expected = all_samples(fieldcode::media::decode::open_file(&wav).unwrap().as_mut());
    let qdpx = scratch.path("study.qdpx");
    fieldcode(&["export-qdpx", s(&project), "--out", s(&qdpx)]).ok();
    let names: Vec<String> = {
        let zip = zip::ZipArchive::new(std::fs::File::open(&qdpx).unwrap()).unwrap();
        zip.file_names().map(str::to_owned).collect()
    };
    let inside: Vec<&String> = names.iter().filter(|n| n.starts_with("sources/") && n.ends_with(".wav")).collect();
    assert_eq!(inside.len(), 1, "{names:?}");
    let qde = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&qdpx).unwrap()).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("project.qde").unwrap(), &mut text).unwrap();
        text
    };
    let internal = format!("internal://{}", inside[0].trim_start_matches("sources/"));
    assert!(qde.contains(&internal), "the AudioSource names the copy inside the archive");

    std::fs::remove_file(&wav).unwrap();
    let imported = scratch.path("elsewhere/imported.fieldcode");
    std::fs::create_dir_all(scratch.path("elsewhere")).unwrap();
    fieldcode(&["import-qdpx", s(&qdpx), s(&imported)]).ok();
    let links = listed(&imported);
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!((links[0]["stored"].as_bool(), links[0]["document"].as_str()), (Some(true), Some("interview")));
    assert_eq!(links[0]["path"], "interview.wav", "the recording keeps its own name");
    assert_eq!(count(&imported, "SELECT count(*) FROM media_chunk WHERE sha256 = 'pending'"), 0);
    let mut media = opened(&imported);
    assert_eq!(all_samples(media.source.as_mut()), expected, "the same recording, from the imported copy");
}

#[test]
fn storing_a_copy_reports_its_progress_and_a_cancel_stores_nothing() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    fieldcode(&["link-media", s(&project), "--doc", "interview", s(&wav)]).ok();
    let mut p = fieldcode::Project::open(&project).unwrap();
    let doc = fieldcode::store::documents::id_by_name(p.conn(), "interview").unwrap();
    let embed = || fieldcode::coding::Command::EmbedMedia { document: doc };

    // Cancelled after the first chunk: refused, no chunk, no history entry, still linked only.
    let history = count(&project, "SELECT count(*) FROM history");
    let seen = std::cell::RefCell::new(Vec::new());
    let cancel = |done: f32| {
        seen.borrow_mut().push(done);
        false
    };
    let err = fieldcode::coding::apply_watched(&mut p, "tester", embed(), Some(&cancel)).unwrap_err();
    assert!(err.to_string().contains("cancelled; nothing was stored"), "{err}");
    assert_eq!(seen.borrow().len(), 1, "stopped at the first chunk");
    assert_eq!(count(&project, "SELECT count(*) FROM media_chunk"), 0);
    assert_eq!(count(&project, "SELECT count(*) FROM history"), history);
    assert_eq!(count(&project, "SELECT embedded FROM media_link"), 0);

    // Watched to the end: a rising fraction per chunk, ending at 1, and the copy stored.
    seen.borrow_mut().clear();
    let watch = |done: f32| {
        seen.borrow_mut().push(done);
        true
    };
    fieldcode::coding::apply_watched(&mut p, "tester", embed(), Some(&watch)).unwrap();
    let seen = seen.into_inner();
    assert_eq!(seen.len() as u64, (bytes(&wav).len() as u64).div_ceil(fieldcode::media::store::CHUNK_BYTES as u64));
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert_eq!(seen.last().copied(), Some(1.0));
    assert_eq!(count(&project, "SELECT embedded FROM media_link"), 1);
}
