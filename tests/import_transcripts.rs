//! Transcripts from the tools researchers use, through the real binary: Otter.ai, Microsoft Teams
//! (`.vtt` and `.docx`), Zoom, Whisper, WhisperX and noScribe-style text, each with speakers,
//! turns and a time map; the format taken from the content, not only the extension; JSON that is
//! not a transcript refused without a trace; and texts whose `Word:` lines are not speakers.

use fieldcode::store::{documents, time_map};

use crate::util::{Scratch, bytes, docs_by_name, fieldcode, new_project, s};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/transcripts/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A document's text and time map, each point as (the five characters spoken from it, ms).
fn timed_text(project: &std::path::Path, name: &str) -> (String, Vec<(String, i64)>) {
    let opened = fieldcode::Project::open(project).unwrap();
    let id = documents::id_by_name(opened.conn(), name).unwrap();
    let text = documents::text(opened.conn(), id).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let points = time_map::load(opened.conn(), id).unwrap();
    assert!(points.windows(2).all(|w| w[0].offset <= w[1].offset), "{name}: the map is sorted");
    let pairs = points.iter().map(|p| (chars[p.offset.min(chars.len())..].iter().take(5).collect(), p.ms)).collect();
    (text, pairs)
}

fn speakers(doc: &serde_json::Value) -> Vec<String> {
    doc["speakers"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

#[test]
fn each_tool_export_imports_with_speakers_turns_and_every_time() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let files = [
        "otter.txt",
        "teams.vtt",
        "teams-transcript.docx",
        "zoom.vtt",
        "whisper.json",
        "whisperx.json",
        "noscribe.txt",
    ];
    let paths: Vec<String> = files.iter().map(|f| fixture(f)).collect();
    let mut args = vec!["import", s(&project)];
    args.extend(paths.iter().map(String::as_str));
    let run = fieldcode(&args).ok();
    assert!(run.stdout.contains("7 imported, 0 skipped, 0 failed"), "{}", run.stdout);
    let docs = docs_by_name(&project);
    let summary = |name: &str| {
        let d = &docs[name];
        (d["kind"].as_str().unwrap().to_owned(), d["turns"].as_u64().unwrap(), speakers(d))
    };
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    // Otter.ai: `Name  0:02` headings; the closing credit line is no one's turn.
    assert_eq!(summary("otter"), ("interview".into(), 6, owned(&["Speaker 1", "Dana Reyes"])));
    let (text, times) = timed_text(&project, "otter");
    assert!(text.starts_with("[00:00:02] Speaker 1: Thanks for making time today."), "{text}");
    assert!(text.contains("on the door. It's not that."), "a turn's lines join: {text}");
    assert!(text.ends_with("Transcribed by https://otter.ai\n"));
    assert_eq!(times.iter().map(|t| t.1).collect::<Vec<_>>(), [2000, 9000, 31_000, 36_000, 62_000, 65_000]);
    assert_eq!(times[1].0, "Sure.");

    // Teams captions: `<v Name>` voices; consecutive cues of one speaker are one turn, but
    // every cue keeps its start and end.
    assert_eq!(summary("teams"), ("focus-group".into(), 5, owned(&["Jane Okafor", "Tom Price", "Amira Haddad"])));
    let (text, times) = timed_text(&project, "teams");
    assert!(text.starts_with("[00:00:03] Jane Okafor: Good morning, everyone. Can you all hear me? Great."), "{text}");
    assert_eq!(times.len(), 12);
    assert!(times.contains(&("Great".to_owned(), 6480)), "the second cue of a merged turn: {times:?}");

    // The Teams .docx: speaker and time in one paragraph, the words in the next; the title,
    // date and length before the first turn stay as text without a speaker.
    assert_eq!(
        summary("teams-transcript"),
        ("focus-group".into(), 6, owned(&["Jane Okafor", "Tom Price", "Amira Haddad"]))
    );
    let (text, times) = timed_text(&project, "teams-transcript");
    assert!(text.starts_with("Link worker team meeting-20240320_100212-Meeting Recording\n"), "{text}");
    assert!(text.contains("[00:00:03] Jane Okafor: Good morning, everyone."), "{text}");
    assert_eq!(times.last(), Some(&("Thank".to_owned(), 3_849_000)));

    // Zoom captions: `Name: words` cues.
    assert_eq!(summary("zoom"), ("focus-group".into(), 4, owned(&["Priya Shah", "Leon Brooks", "Mia Novak"])));
    assert_eq!(timed_text(&project, "zoom").1.len(), 10);

    // Whisper without speakers: prose broken at the pause, every segment timed, kind `other`.
    assert_eq!(summary("whisper"), ("other".into(), 0, vec![]));
    let (text, times) = timed_text(&project, "whisper");
    assert_eq!(
        text,
        "I arrived at the surgery just after nine. The waiting room was already full.\n\n\
         Later, the receptionist said the phones had not stopped.\n"
    );
    assert_eq!(times.iter().map(|t| t.1).collect::<Vec<_>>(), [0, 3200, 3400, 5900, 12_000, 16_500]);

    // WhisperX: SPEAKER_00/01 become participants, a speaker's segments merge, words are timed.
    assert_eq!(summary("whisperx"), ("interview".into(), 3, owned(&["SPEAKER_00", "SPEAKER_01"])));
    let (text, times) = timed_text(&project, "whisperx");
    assert_eq!(
        text,
        "[00:00:00] SPEAKER_00: How did you come to this job?\n\
         [00:00:03] SPEAKER_01: Through housing, about 20 years ago. It was never the plan.\n\
         [00:00:09] SPEAKER_00: And now?\n"
    );
    assert!(times.contains(&("housi".to_owned(), 3742)), "{times:?}");
    assert!(times.contains(&("years".to_owned(), 5002)), "a word after an untimed one: {times:?}");
    assert!(times.contains(&("It wa".to_owned(), 6305)));

    // noScribe-style text: timestamps before the label and inside a turn.
    assert_eq!(summary("noscribe"), ("interview".into(), 4, owned(&["S00", "S01"])));
    let times = timed_text(&project, "noscribe").1;
    assert_eq!(
        times,
        [
            ("So th".to_owned(), 0),
            ("Where".to_owned(), 6000),
            ("Mostl".to_owned(), 11_000),
            ("A few".to_owned(), 17_000),
            ("And h".to_owned(), 24_000),
            ("Withi".to_owned(), 28_000),
            ("Soone".to_owned(), 33_000),
        ]
    );
}

#[test]
fn the_content_decides_the_format_not_the_extension() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let read = |name: &str| std::fs::read(fixture(name)).unwrap();
    let otter_md = scratch.write("otter-notes.md", read("otter.txt"));
    let whisper_txt = scratch.write("whisper-out.txt", read("whisperx.json"));
    let vtt_txt = scratch.write("captions.txt", read("zoom.vtt"));
    let srt_as_vtt = scratch.write(
        "session.vtt",
        "1\n00:00:01,000 --> 00:00:02,000\nTL2: Hello.\n\n2\n00:00:03,000 --> 00:00:04,000\nLW8: Hi.\n",
    );
    fieldcode(&["import", s(&project), s(&otter_md), s(&whisper_txt), s(&vtt_txt), s(&srt_as_vtt)]).ok();
    let docs = docs_by_name(&project);
    assert_eq!(speakers(&docs["otter-notes"]), ["Speaker 1", "Dana Reyes"]);
    assert_eq!(speakers(&docs["whisper-out"]), ["SPEAKER_00", "SPEAKER_01"]);
    assert_eq!(speakers(&docs["captions"]), ["Priya Shah", "Leon Brooks", "Mia Novak"]);
    assert_eq!(speakers(&docs["session"]), ["TL2", "LW8"]);
    assert_eq!(timed_text(&project, "captions").1.len(), 10, "captions in a .txt keep their times");
}

#[test]
fn json_that_is_malformed_or_not_a_transcript_is_refused_and_nothing_changes() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    fieldcode(&["import", s(&project), &fixture("otter.txt")]).ok();
    let before = bytes(&project);
    let malformed = scratch.write("cut.json", r#"{"segments": [{"start": 0.0, "end": 1.5, "text": " Hello"#);
    let foreign = scratch.write("package.json", r#"{"name": "fieldcode-notes", "version": "1.0.0"}"#);
    let bad_time = scratch.write("negative.json", r#"{"segments": [{"start": -3, "end": 1, "text": " Hi"}]}"#);
    let run = fieldcode(&["import", s(&project), s(&malformed), s(&foreign), s(&bad_time)]).fails();
    for (name, reason) in [
        ("cut.json", "its JSON is malformed"),
        ("package.json", "not a Whisper or WhisperX transcript"),
        ("negative.json", "segment 1 has a start time of -3 s"),
    ] {
        assert!(
            run.stderr.lines().any(|l| l.contains(name) && l.contains(reason)),
            "expected {name} / {reason} in:\n{}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("0 imported, 0 skipped, 3 failed"), "{}", run.stdout);
    assert_eq!(before, bytes(&project), "the project file is byte-identical");
}

#[test]
fn word_colon_lines_that_are_not_speakers_make_no_participants() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let prose = "We spent the morning at the surgery, where the waiting room filled up quickly and the \
                 receptionists were short of staff again.\n\n";
    let note = scratch.write("FN40.md", format!("{prose}TL1 said: the contract review is next month.\n{prose}{prose}"));
    let paper = scratch.write(
        "paper.txt",
        format!(
            "Abstract: We studied social prescribing.\n\n{prose}{prose}H1: Link workers broker trust.\n\n{prose}{prose}\
             H2: Space shapes the work.\n\n{prose}{prose}Assertion 1: Rooms matter.\n\n{prose}"
        ),
    );
    let interview = scratch.write("INT09.txt", "Interviewer: How is it going?\nLW07: Busy. The phones never stop.\n");
    fieldcode(&["import", s(&project), s(&note), s(&paper), s(&interview)]).ok();
    let docs = docs_by_name(&project);
    for name in ["FN40", "paper"] {
        assert_eq!(docs[name]["kind"], "field-note", "{name}");
        assert_eq!(docs[name]["turns"], 0, "{name}");
    }
    assert_eq!(docs["INT09"]["kind"], "interview", "a short exchange typed as dialogue is still one");
    let people = fieldcode(&["speakers", s(&project), "--json"]).ok().json();
    let labels: Vec<&str> = people.as_array().unwrap().iter().map(|p| p["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Interviewer", "LW07"]);
}

#[test]
fn conference_papers_in_a_refi_project_have_no_speakers() {
    // Ten MAXQDA conference papers: "Abstract:", "RQ1:", quoted classroom talk. Before, 48
    // "participants" and nine focus groups; none of them is a transcript.
    let scratch = Scratch::new();
    let target = scratch.path("papers.fieldcode");
    let qdpx = format!("{}/tests/fixtures/refi/maxqda24_icls_themes.qdpx", env!("CARGO_MANIFEST_DIR"));
    fieldcode(&["import-qdpx", &qdpx, s(&target)]).ok();
    let docs = docs_by_name(&target);
    assert_eq!(docs.len(), 10);
    assert!(docs.values().all(|d| d["turns"] == 0 && d["kind"] != "focus-group"), "{docs:?}");
    let people = fieldcode(&["speakers", s(&target), "--json"]).ok().json();
    assert_eq!(people.as_array().unwrap().len(), 0, "{people}");
}

#[test]
fn excerpts_carry_start_and_end_times_from_the_time_map() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    fieldcode(&["import", s(&project), &fixture("teams.vtt")]).ok();
    let (text, _) = timed_text(&project, "teams");
    let start = text[..text.find("Let's start").unwrap()].chars().count();
    let (start, end) = (start.to_string(), (start + "Let's start".len()).to_string());
    fieldcode(&["add-code", s(&project), "Referrals"]).ok();
    fieldcode(&["code", s(&project), "--doc", "teams", "--code", "Referrals", "--start", &start, "--end", &end]).ok();
    let out = scratch.path("ex.csv");
    fieldcode(&["excerpts", s(&project), "--format", "csv", "--out", s(&out)]).ok();
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let row: Vec<String> = reader.records().next().unwrap().unwrap().iter().map(String::from).collect();
    let cell = |name: &str| row[headers.iter().position(|h| h == name).unwrap()].clone();
    assert_eq!(cell("timestamp"), "00:00:03", "the turn's time, as before");
    assert_eq!(cell("start_time"), "00:00:06.480", "the time of the cue the excerpt starts in");
    assert_eq!(cell("end_time"), "00:00:09.010", "the end of the cue it ends in");
    assert_eq!(cell("text"), "Let's start");
}

#[test]
fn the_demo_study_keeps_every_turn_it_had() {
    // The demo's transcripts keep exactly the turns the old reader found (every `Name:` line) and
    // its field notes still have none.
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { walk(&path, out) } else { out.push(path) }
        }
    }
    let mut files = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"), &mut files);
    let (mut transcripts, mut notes, mut turns) = (0, 0, 0);
    for path in files {
        let Some(format) = fieldcode::import::Format::of(&path) else { continue };
        let parsed = fieldcode::import::parse_bytes("d", format, &std::fs::read(&path).unwrap()).unwrap();
        let every_label = fieldcode::import::speakers::find_turns(&parsed.text);
        assert_eq!(parsed.turns, every_label, "{}", path.display());
        if parsed.turns.is_empty() {
            notes += 1
        } else {
            transcripts += 1
        }
        turns += parsed.turns.len();
    }
    assert_eq!((notes, transcripts), (24, 8));
    assert!(turns > 500, "{turns}");
}

#[test]
fn a_text_edit_moves_the_time_map_with_the_words_and_undo_restores_it() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    fieldcode(&["import", s(&project), &fixture("otter.txt")]).ok();
    let stored = |p: &std::path::Path| {
        let opened = fieldcode::Project::open(p).unwrap();
        time_map::load(opened.conn(), documents::id_by_name(opened.conn(), "otter").unwrap()).unwrap()
    };
    let (text, before) = timed_text(&project, "otter");
    let original = stored(&project);
    // Insert a word in the first turn, then replace "Sure." (a point sits on its first letter).
    let making = text.find("making").unwrap();
    let at = text[..making].chars().count().to_string();
    fieldcode(&["edit-text", s(&project), "--doc", "otter", "--start", &at, "--end", &at, "--text", "really "]).ok();
    let (_, after_insert) = timed_text(&project, "otter");
    assert_eq!(after_insert, before, "every point still starts at the same words");
    let sure = original[1].offset + 7;
    let (from, to) = (sure.to_string(), (sure + 5).to_string());
    fieldcode(&["edit-text", s(&project), "--doc", "otter", "--start", &from, "--end", &to, "--text", "Yes, sure."])
        .ok();
    let (_, after_replace) = timed_text(&project, "otter");
    assert_eq!(after_replace[1], ("Yes, ".to_owned(), 9000), "the new words take the replaced ones' time");
    assert_eq!(after_replace[2..], before[2..], "later points moved with their words");
    fieldcode(&["undo", s(&project)]).ok();
    fieldcode(&["undo", s(&project)]).ok();
    assert_eq!(stored(&project), original, "undo restores every point exactly");
}
