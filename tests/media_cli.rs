//! Recordings linked to documents through the real binary (issue 19): link, list, a moved file
//! shows as missing and a changed one as changed, unlink, undo/redo restore the link exactly, a
//! moved study folder still finds its recordings, and a bad file is refused with the project
//! byte-identical.

use crate::util::{Scratch, bytes, fieldcode, s};
use fieldcode::media::tone::{speech_like, wav_bytes};

const INTERVIEW: &str = "[00:00:01] Interviewer: Where do you see clients?\n\
[00:00:03] LW1: Wherever there is a room.\n";

/// A project with one interview and a recording beside it in `audio/`.
fn study(scratch: &Scratch) -> (std::path::PathBuf, std::path::PathBuf) {
    let project = scratch.path("study/study.fieldcode");
    std::fs::create_dir_all(scratch.path("study")).unwrap();
    fieldcode(&["new", s(&project)]).ok();
    let text = scratch.write("interview.txt", INTERVIEW);
    fieldcode(&["import", s(&project), s(&text)]).ok();
    let wav = scratch.write("study/audio/interview.wav", wav_bytes(16_000, 1, &speech_like(16_000, 2.0, 140.0, 1)));
    (project, wav)
}

fn listed(project: &std::path::Path) -> Vec<serde_json::Value> {
    fieldcode(&["media", s(project), "--json"]).ok().json().as_array().unwrap().clone()
}

#[test]
fn link_list_move_change_unlink_and_undo() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    let p = s(&project);
    assert!(fieldcode(&["media", p]).ok().stdout.contains("No recordings are linked"));

    let run = fieldcode(&["link-media", p, "--doc", "interview", s(&wav), "--offset", "-1.5"]).ok();
    assert!(run.stdout.contains("audio/interview.wav"), "{}", run.stdout);
    let links = listed(&project);
    assert_eq!(links.len(), 1);
    let link = &links[0];
    assert_eq!(link["document"], "interview");
    assert_eq!(link["path"], "audio/interview.wav", "stored relative to the project's folder");
    assert_eq!(link["size"], bytes(&wav).len());
    assert_eq!(link["offset_ms"], -1500);
    assert_eq!(link["state"], "ok");
    assert!(fieldcode(&["media", p]).ok().stdout.contains("ok"));

    // Moved away: missing, with what to do.
    let moved = scratch.path("elsewhere.wav");
    std::fs::rename(&wav, &moved).unwrap();
    let links = listed(&project);
    assert_eq!(links[0]["state"], "missing");
    assert!(links[0]["detail"].as_str().unwrap().contains("link the document again"));
    let table = fieldcode(&["media", p]).ok().stdout;
    assert!(table.contains("missing"), "{table}");

    // Back, but with other contents of the same size: changed (the hash is checked).
    let mut changed = bytes(&moved);
    let last = changed.len() - 1;
    changed[last] ^= 0x55;
    std::fs::write(&wav, &changed).unwrap();
    assert_eq!(listed(&project)[0]["state"], "changed");
    assert!(listed(&project)[0]["detail"].as_str().unwrap().contains("SHA-256"));
    // A different size: changed, saying the sizes.
    std::fs::write(&wav, &changed[..changed.len() - 2]).unwrap();
    assert!(listed(&project)[0]["detail"].as_str().unwrap().contains("bytes"));
    std::fs::rename(&moved, &wav).unwrap();
    assert_eq!(listed(&project)[0]["state"], "ok");

    // Re-linking with another offset, then undo: the earlier link comes back exactly.
    let before = listed(&project);
    fieldcode(&["link-media", p, "--doc", "interview", s(&wav), "--offset", "2"]).ok();
    assert_eq!(listed(&project)[0]["offset_ms"], 2000);
    assert!(fieldcode(&["undo", p]).ok().stdout.contains("linked interview"));
    assert_eq!(listed(&project), before);
    fieldcode(&["redo", p]).ok();
    assert_eq!(listed(&project)[0]["offset_ms"], 2000);

    // Unlink, undo brings it back, redo removes it again.
    let run = fieldcode(&["unlink-media", p, "--doc", "interview"]).ok();
    assert!(run.stdout.contains("Unlinked"), "{}", run.stdout);
    assert!(listed(&project).is_empty());
    assert!(wav.exists(), "the recording itself is not touched");
    fieldcode(&["undo", p]).ok();
    assert_eq!(listed(&project)[0]["offset_ms"], 2000);
    fieldcode(&["redo", p]).ok();
    assert!(listed(&project).is_empty());
    let run = fieldcode(&["unlink-media", p, "--doc", "interview"]).fails();
    assert!(run.stderr.contains("has no recording linked"), "{}", run.stderr);
}

#[test]
fn a_moved_study_folder_still_finds_its_recording() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    fieldcode(&["link-media", s(&project), "--doc", "interview", s(&wav)]).ok();
    let moved = scratch.path("moved-study");
    std::fs::rename(scratch.path("study"), &moved).unwrap();
    let links = listed(&moved.join("study.fieldcode"));
    assert_eq!(links[0]["state"], "ok", "{links:?}");
    assert!(links[0]["resolved"].as_str().unwrap().contains("moved-study"));
}

#[test]
fn bad_files_are_refused_and_the_project_is_unchanged() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    let p = s(&project);
    let not_audio = scratch.write("study/notes.mp3", "these are notes, not a recording");
    let truncated = scratch.write("study/cut.wav", &bytes(&wav)[..30]);
    let untouched = bytes(&project);
    let run = fieldcode(&["link-media", p, "--doc", "interview", s(&not_audio)]).fails();
    assert!(run.stderr.contains("notes.mp3") && run.stderr.contains("cannot be read as audio"), "{}", run.stderr);
    assert!(run.stderr.contains("Link a WAV"), "says what to do: {}", run.stderr);
    let run = fieldcode(&["link-media", p, "--doc", "interview", s(&truncated)]).fails();
    assert!(run.stderr.contains("cut.wav"), "{}", run.stderr);
    let run = fieldcode(&["link-media", p, "--doc", "interview", s(&scratch.path("nope.wav"))]).fails();
    assert!(run.stderr.contains("nope.wav") && run.stderr.contains("no such file"), "{}", run.stderr);
    let run = fieldcode(&["link-media", p, "--doc", "nobody", s(&wav)]).fails();
    assert!(run.stderr.contains("nobody"), "{}", run.stderr);
    let run = fieldcode(&["link-media", p, "--doc", "interview", s(&scratch.path("study"))]).fails();
    assert!(run.stderr.contains("folder"), "{}", run.stderr);
    assert_eq!(bytes(&project), untouched, "refused links leave the project byte-identical");
    assert!(
        fieldcode(&["history", p, "--json"]).ok().json().as_array().unwrap().iter().all(|e| e["kind"] != "link-media")
    );
}

#[test]
fn a_linked_document_opens_its_recording_and_a_missing_one_says_where() {
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    fieldcode(&["link-media", s(&project), "--doc", "interview", s(&wav), "--offset", "0.25"]).ok();
    let opened = fieldcode::Project::open(&project).unwrap();
    let id = fieldcode::store::documents::id_by_name(opened.conn(), "interview").unwrap();
    let media = fieldcode::media::link::open_for_document(opened.conn(), opened.path(), id).unwrap().unwrap();
    assert_eq!((media.offset_ms, media.label.as_str()), (250, "interview.wav"));
    assert_eq!((media.source.sample_rate(), media.source.total_frames()), (16_000, Some(32_000)));
    std::fs::remove_file(&wav).unwrap();
    let err = fieldcode::media::link::open_for_document(opened.conn(), opened.path(), id).err().unwrap();
    assert!(
        matches!(&err, fieldcode::media::MediaError::Missing { path } if path.ends_with("interview.wav")),
        "{err:?}"
    );
}

#[test]
fn the_demo_study_has_one_recorded_interview_whose_turns_fall_inside_it() {
    let scratch = Scratch::new();
    let project = scratch.path("demo.fieldcode");
    fieldcode(&["demo", s(&project), "--no-gui"]).ok();
    let links = listed(&project);
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(links[0]["document"], fieldcode::demo::RECORDED_INTERVIEW);
    assert_eq!(links[0]["path"], fieldcode::demo::RECORDING_FILE, "written beside the project");
    assert_eq!(links[0]["state"], "ok");
    assert!(links[0]["size"].as_u64().unwrap() < 5_000_000, "a short recording");
    assert!(
        fieldcode(&["history", s(&project), "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] != "link-media"),
        "the demo's link is not a change to undo"
    );

    let opened = fieldcode::Project::open(&project).unwrap();
    let id = fieldcode::store::documents::id_by_name(opened.conn(), fieldcode::demo::RECORDED_INTERVIEW).unwrap();
    let mut media = fieldcode::media::link::open_for_document(opened.conn(), opened.path(), id).unwrap().unwrap();
    assert_eq!((media.source.sample_rate(), media.source.channels()), (16_000, 1));
    let frames = media.source.total_frames().unwrap();
    let turn_times: Vec<i64> = fieldcode::store::documents::turns(opened.conn(), id)
        .unwrap()
        .iter()
        .filter_map(|t| t.time_ms)
        .filter(|&ms| ms * 16 < frames as i64)
        .collect();
    assert!(turn_times.len() >= 3, "several turns are voiced: {turn_times:?}");
    // Each voiced turn is heard half a second after its time, and the header before the first
    // turn is silent.
    let loudness = |source: &mut Box<dyn fieldcode::media::SampleSource>, ms: i64| {
        source.seek(ms as u64 * 16).unwrap();
        let mut out = Vec::new();
        source.read(&mut out, 8000).unwrap();
        out.iter().fold(0.0f32, |m, s| m.max(s.abs()))
    };
    for ms in &turn_times {
        assert!(loudness(&mut media.source, ms + 50) > 0.05, "turn at {ms} ms is voiced");
    }
    assert_eq!(loudness(&mut media.source, 1000), 0.0, "silence before the first turn");
}

#[test]
fn the_link_command_is_validated_before_anything_is_written() {
    use fieldcode::coding::{Command, apply};
    let scratch = Scratch::new();
    let (project, wav) = study(&scratch);
    let untouched = bytes(&project);
    let mut p = fieldcode::Project::open(&project).unwrap();
    let doc = fieldcode::store::documents::id_by_name(p.conn(), "interview").unwrap();
    let good = fieldcode::media::link::prepare(p.path(), doc, &wav, 0).unwrap();
    let Command::LinkMedia { path, size, sha256, .. } = good.clone() else { panic!("{good:?}") };
    assert_eq!(path, "audio/interview.wav");
    let refused = [
        (
            Command::LinkMedia {
                document: doc,
                path: path.clone(),
                size: size + 1,
                sha256: sha256.clone(),
                offset_ms: 0,
                embed: false,
            },
            "bytes",
        ),
        (
            Command::LinkMedia {
                document: doc,
                path: "audio/gone.wav".into(),
                size,
                sha256: sha256.clone(),
                offset_ms: 0,
                embed: false,
            },
            "gone.wav",
        ),
        (
            Command::LinkMedia {
                document: doc,
                path: path.clone(),
                size,
                sha256: "abc".into(),
                offset_ms: 0,
                embed: false,
            },
            "SHA-256",
        ),
        (
            Command::LinkMedia { document: doc + 99, path: path.clone(), size, sha256, offset_ms: 0, embed: false },
            "document",
        ),
        (Command::UnlinkMedia { document: doc }, "no recording linked"),
    ];
    for (command, says) in refused {
        let err = apply(&mut p, "tester", command.clone()).unwrap_err().to_string();
        assert!(err.contains(says), "{command:?}: {err}");
    }
    drop(p);
    assert_eq!(bytes(&project), untouched);
    let mut p = fieldcode::Project::open(&project).unwrap();
    let applied = apply(&mut p, "tester", good).unwrap();
    assert!(applied.history_id.is_some());
    let link = fieldcode::media::link::link_for_document(p.conn(), doc).unwrap().unwrap();
    assert_eq!(fieldcode::media::link::check(&link, p.path(), true), fieldcode::media::link::LinkState::Ok);
}
