//! The coding engine through the real binary: codebook commands, coding, autocode, search,
//! memos, history with undo/redo across runs, snapshots and codebook diff, and every refused
//! operation (clear message, exit 1, project unchanged).

use crate::util::{Scratch, fieldcode, s};

const INTERVIEW: &str = "Interviewer: Where do you see clients?\n\
LW1: Wherever there is a room. Often the café. The room is never free.\n\
Interviewer: And the GP?\n\
LW2: The GP refers, mostly by phone. Sometimes a letter comes.\n";
const NOTE: &str = "Arrived at the surgery at eight. No room again.\n\nThe link worker saw two clients by phone.\n";

/// A project with one interview and one field note, and a participant attribute.
fn study(scratch: &Scratch) -> std::path::PathBuf {
    let project = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let a = scratch.write("interview.txt", INTERVIEW);
    let b = scratch.write("note.txt", NOTE);
    fieldcode(&["import", s(&project), s(&a), s(&b)]).ok();
    let sheet = scratch.write("people.csv", "participant,role\nLW1,link worker\nLW2,team leader\n");
    fieldcode(&["attributes", s(&project), s(&sheet)]).ok();
    project
}

/// Codes, codings and memos as JSON.
fn content(project: &std::path::Path) -> String {
    let p = s(project);
    [
        fieldcode(&["codes", p, "--json"]).ok().stdout,
        fieldcode(&["codings", p, "--json"]).ok().stdout,
        fieldcode(&["memos", p, "--json"]).ok().stdout,
    ]
    .join("\n")
}

/// Everything the command layer changes, history included, to check that refusals change nothing.
fn state(project: &std::path::Path) -> String {
    content(project) + &fieldcode(&["history", s(project), "--json"]).ok().stdout
}

fn codings(project: &std::path::Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["codings", s(project), "--json"];
    args.extend_from_slice(extra);
    fieldcode(&args).ok().json().as_array().expect("array").clone()
}

fn code_node<'a>(codes: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    codes.as_array().unwrap().iter().find(|c| c["path"] == path).unwrap_or_else(|| panic!("no code {path}"))
}

#[test]
fn add_code_creates_parents_and_codes_lists_the_tree_with_counts() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let run = fieldcode(&[
        "add-code",
        s(&p),
        "Space/Rooms/Borrowed",
        "--color",
        "#aa00cc",
        "--description",
        "Borrowed rooms",
    ])
    .ok();
    assert!(run.stdout.contains("Created code Space/Rooms/Borrowed"), "{}", run.stdout);
    fieldcode(&["code", s(&p), "--doc", "note", "--code", "Space/Rooms/Borrowed", "--start", "0", "--end", "7"]).ok();
    let codes = fieldcode(&["codes", s(&p), "--json"]).ok().json();
    let leaf = code_node(&codes, "Space/Rooms/Borrowed");
    assert_eq!(leaf["color"], "#AA00CC");
    assert_eq!(leaf["description"], "Borrowed rooms");
    assert_eq!(leaf["depth"], 2);
    assert_eq!(leaf["codings"], 1);
    assert_eq!(code_node(&codes, "Space")["codings"], 0);
    let tree = fieldcode(&["codes", s(&p)]).ok().stdout;
    assert!(tree.contains("    Borrowed") && tree.contains("0 (1 with sub-codes)"), "{tree}");
}

#[test]
fn coding_spans_turns_and_paragraphs_with_text_and_duplicate_is_a_no_op() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    fieldcode(&["add-code", s(&p), "Space"]).ok();
    fieldcode(&["code", s(&p), "--doc", "note", "--code", "Space", "--start", "33", "--end", "40"]).ok();
    let again = fieldcode(&["code", s(&p), "--doc", "note", "--code", "Space", "--start", "33", "--end", "40"]).ok();
    assert!(again.stdout.contains("Nothing to do"), "{}", again.stdout);
    fieldcode(&["code", s(&p), "--doc", "interview", "--code", "Space", "--turn", "2", "--coder", "sam"]).ok();
    fieldcode(&["code", s(&p), "--doc", "note", "--code", "Space", "--paragraph", "2", "--memo", "by phone"]).ok();
    let all = codings(&p, &[]);
    assert_eq!(all.len(), 3);
    let texts: Vec<(&str, &str)> =
        all.iter().map(|c| (c["text"].as_str().unwrap(), c["coder"].as_str().unwrap())).collect();
    assert!(texts.contains(&("No room", "tester")), "{texts:?}");
    assert!(texts.contains(&("Wherever there is a room. Often the café. The room is never free.", "sam")), "{texts:?}");
    assert!(texts.contains(&("The link worker saw two clients by phone.", "tester")), "{texts:?}");
    assert_eq!(codings(&p, &["--doc", "interview"]).len(), 1);
    let memos = fieldcode(&["memos", s(&p), "--json"]).ok().json();
    assert_eq!(memos[0]["target"]["kind"], "coding");
    assert_eq!(memos[0]["body"], "by phone");
}

#[test]
fn refused_operations_say_why_exit_1_and_change_nothing() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    fieldcode(&["add-code", s(&p), "Theme/Code/Sub"]).ok();
    fieldcode(&["add-code", s(&p), "Other"]).ok();
    fieldcode(&["code", s(&p), "--doc", "note", "--code", "Theme/Code", "--start", "0", "--end", "7"]).ok();
    let before = state(&p);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["move-code", s(&p), "Theme", "Theme/Code/Sub"], "one of its own sub-codes"),
        (vec!["move-code", s(&p), "Theme", "Theme"], "the code itself"),
        (vec!["add-code", s(&p), "Theme/Code"], "already a code named \"Code\""),
        (vec!["rename-code", s(&p), "Other", "Theme"], "already a code named \"Theme\""),
        (vec!["code", s(&p), "--doc", "note", "--code", "Other", "--start", "5", "--end", "5"], "end must be greater"),
        (vec!["code", s(&p), "--doc", "note", "--code", "Other", "--start", "8", "--end", "3"], "end must be greater"),
        (vec!["code", s(&p), "--doc", "note", "--code", "Other", "--start", "0", "--end", "9999"], "out of range"),
        (
            vec!["code", s(&p), "--doc", "nope", "--code", "Other", "--start", "0", "--end", "3"],
            "no document named \"nope\"",
        ),
        (
            vec!["code", s(&p), "--doc", "note", "--code", "Theme/Nope", "--start", "0", "--end", "3"],
            "no code named \"Theme/Nope\"",
        ),
        (vec!["code", s(&p), "--doc", "note", "--code", "Other", "--turn", "1"], "no turn 1"),
        (vec!["merge-codes", s(&p), "Theme", "Theme/Code"], "one of its own sub-codes"),
        (vec!["delete-code", s(&p), "Theme", "--reassign-to", "Theme/Code"], "one of its own sub-codes"),
        (vec!["recolor-code", s(&p), "Other", "blue"], "#RRGGBB"),
        (vec!["rename-code", s(&p), "Other", "a/b"], "separates the parts"),
        (vec!["autocode", s(&p), "--code", "Missing", "--regex", "room"], "no code named \"Missing\""),
        (vec!["autocode", s(&p), "--code", "Other", "--regex", "ro(om"], "unclosed group"),
        (vec!["search", s(&p), "ro[om", "--regex"], "unclosed character class"),
        (vec!["split-code", s(&p), "Other", "New", "--codings", "1"], "not a coding of \"Other\""),
        (vec!["uncode", s(&p), "42"], "no coding named \"#42\""),
        (vec!["codebook-diff", s(&p), "never"], "no snapshot named \"never\""),
    ];
    for (args, message) in cases {
        let run = fieldcode(&args).fails();
        assert!(run.stderr.contains(message), "{args:?}: expected {message:?} in\n{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), run.stderr.lines().filter(|l| !l.is_empty()).count());
        assert_eq!(state(&p), before, "{args:?} changed the project");
    }
}

#[test]
fn undo_and_redo_work_across_runs_and_history_records_them() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    fieldcode(&["add-code", s(&p), "Space"]).ok();
    fieldcode(&["code", s(&p), "--doc", "note", "--code", "Space", "--start", "0", "--end", "7"]).ok();
    fieldcode(&["rename-code", s(&p), "Space", "Place"]).ok();
    let done = state(&p);
    assert!(fieldcode(&["undo", s(&p)]).ok().stdout.contains("Undid: renamed code Space to \"Place\""));
    assert!(fieldcode(&["undo", s(&p)]).ok().stdout.contains("Undid: coded note 0..7"));
    assert!(codings(&p, &[]).is_empty());
    assert_eq!(fieldcode(&["codes", s(&p), "--json"]).ok().json()[0]["name"], "Space");
    fieldcode(&["redo", s(&p)]).ok();
    fieldcode(&["redo", s(&p)]).ok();
    assert!(fieldcode(&["redo", s(&p)]).ok().stdout.contains("Nothing to redo"));
    assert_eq!(state(&p), done);
    let history = fieldcode(&["history", s(&p), "--json"]).ok().json();
    let kinds: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    // The participant sheet of `study` is the first entry: sheets undo like any change.
    assert_eq!(kinds, ["set-attributes", "create-code", "add-codings", "rename-code"]);
    assert!(history.as_array().unwrap().iter().all(|e| e["state"] == "done" && e["actor"] == "tester"));
}

#[test]
fn merge_split_and_delete_move_codings_and_undo_restores_them() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    for path in ["A", "B", "C"] {
        fieldcode(&["add-code", s(&p), path]).ok();
    }
    for (code, start, end) in [("A", 0, 7), ("A", 8, 15), ("B", 0, 7), ("C", 20, 30)] {
        fieldcode(&[
            "code",
            s(&p),
            "--doc",
            "note",
            "--code",
            code,
            "--start",
            &start.to_string(),
            "--end",
            &end.to_string(),
        ])
        .ok();
    }
    let before = content(&p);
    let merged = fieldcode(&["merge-codes", s(&p), "A", "B"]).ok();
    assert!(merged.stdout.contains("1 codings moved, 1 duplicates dropped"), "{}", merged.stdout);
    assert_eq!(codings(&p, &["--code", "B"]).len(), 2);
    let id = codings(&p, &["--code", "B"])[0]["id"].to_string();
    fieldcode(&["split-code", s(&p), "B", "B2", "--codings", &id]).ok();
    assert_eq!(codings(&p, &["--code", "B2"]).len(), 1);
    assert_eq!(codings(&p, &["--code", "B"]).len(), 1);
    fieldcode(&["delete-code", s(&p), "C", "--reassign-to", "B"]).ok();
    assert_eq!(codings(&p, &["--code", "B"]).len(), 2);
    fieldcode(&["delete-code", s(&p), "B2"]).ok();
    assert_eq!(codings(&p, &[]).len(), 2);
    for _ in 0..4 {
        fieldcode(&["undo", s(&p)]).ok();
    }
    assert_eq!(content(&p), before, "ids, guids and codings come back exactly");
}

#[test]
fn autocode_dry_run_changes_nothing_and_a_run_codes_sentences_in_one_undoable_step() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    fieldcode(&["add-code", s(&p), "Rooms"]).ok();
    let before = state(&p);
    let dry = fieldcode(&[
        "autocode",
        s(&p),
        "--code",
        "Rooms",
        "--words",
        "ROOM",
        "-i",
        "-w",
        "--unit",
        "sentence",
        "--dry-run",
    ])
    .ok();
    assert!(dry.stdout.contains("3 hits, 3 spans would be coded"), "{}", dry.stdout);
    assert!(dry.stdout.contains("[room]"), "{}", dry.stdout);
    assert_eq!(state(&p), before);
    fieldcode(&["autocode", s(&p), "--code", "Rooms", "--words", "ROOM", "-i", "-w", "--unit", "sentence"]).ok();
    let texts: Vec<String> = codings(&p, &[]).iter().map(|c| c["text"].as_str().unwrap().to_owned()).collect();
    assert_eq!(texts, ["Wherever there is a room.", "The room is never free.", "No room again."]);
    fieldcode(&["undo", s(&p)]).ok();
    assert!(codings(&p, &[]).is_empty());
    fieldcode(&["autocode", s(&p), "--code", "Rooms", "--regex", "room", "--unit", "turn", "--speaker", "LW1"]).ok();
    let turns = codings(&p, &[]);
    assert_eq!(turns.len(), 1);
    assert!(turns[0]["text"].as_str().unwrap().starts_with("Wherever"));
    fieldcode(&[
        "autocode",
        s(&p),
        "--code",
        "Rooms",
        "--regex",
        "phone",
        "--kind",
        "field-note",
        "--unit",
        "paragraph",
    ])
    .ok();
    assert_eq!(codings(&p, &["--doc", "note"])[0]["text"], "The link worker saw two clients by phone.");
}

#[test]
fn speaker_autocode_codes_every_turn_of_matching_participants() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    fieldcode(&["add-code", s(&p), "Leaders"]).ok();
    fieldcode(&["autocode-speaker", s(&p), "--code", "Leaders", "--where", "role=\"team leader\""]).ok();
    let all = codings(&p, &[]);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["text"], "The GP refers, mostly by phone. Sometimes a letter comes.");
    let run = fieldcode(&["autocode-speaker", s(&p), "--code", "Leaders", "--where", "role=nobody"]).fails();
    assert!(run.stderr.contains("role = nobody"), "{}", run.stderr);
}

#[test]
fn search_finds_words_through_the_index_and_regexes_with_context() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let words = fieldcode(&["search", s(&p), "phone", "--json"]).ok().json();
    let hits = words.as_array().unwrap();
    assert_eq!(hits.len(), 2);
    assert!(hits.iter().all(|h| h["matched"] == "phone"));
    let note = hits.iter().find(|h| h["document"] == "note").unwrap();
    assert_eq!((note["start"].as_u64().unwrap(), note["end"].as_u64().unwrap()), (84, 89));
    assert!(note["left"].as_str().unwrap().ends_with("two clients by "));
    // Documents imported after the first search are indexed by the next one.
    let more = scratch.write("more.txt", "The phone rang twice.\n");
    fieldcode(&["import", s(&p), s(&more)]).ok();
    assert_eq!(fieldcode(&["search", s(&p), "phone", "--json"]).ok().json().as_array().unwrap().len(), 3);
    let re = fieldcode(&["search", s(&p), "caf.", "--regex", "--json"]).ok().json();
    assert_eq!(re[0]["matched"], "café");
    // Quoted words are a phrase: "rang twice" in order, not each word anywhere.
    let loose = fieldcode(&["search", s(&p), "phone twice", "--json"]).ok().json();
    assert_eq!(loose.as_array().unwrap().len(), 4, "three phones and one twice");
    let phrase = fieldcode(&["search", s(&p), "\"phone rang\"", "--json"]).ok().json();
    let hits = phrase.as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0]["document"].as_str(), hits[0]["matched"].as_str()), (Some("more"), Some("phone rang")));
    let none = fieldcode(&["search", s(&p), "\"rang phone\"", "--json"]).ok().json();
    assert!(none.as_array().unwrap().is_empty());
}

#[test]
fn snapshots_and_codebook_diff_report_added_removed_renamed_moved_merged_and_split() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    for path in ["Space/Rooms", "Space/Doors", "Care/GPs", "Gone"] {
        fieldcode(&["add-code", s(&p), path]).ok();
    }
    fieldcode(&["code", s(&p), "--doc", "note", "--code", "Space/Doors", "--start", "0", "--end", "7"]).ok();
    fieldcode(&["code", s(&p), "--doc", "note", "--code", "Care/GPs", "--start", "0", "--end", "7"]).ok();
    fieldcode(&["code", s(&p), "--doc", "note", "--code", "Care/GPs", "--start", "8", "--end", "15"]).ok();
    fieldcode(&["snapshot", s(&p), "initial codebook"]).ok();
    assert!(fieldcode(&["snapshot", s(&p), "initial codebook"]).fails().stderr.contains("already a snapshot"));
    fieldcode(&["rename-code", s(&p), "Space/Rooms", "Rooms and desks"]).ok();
    fieldcode(&["move-code", s(&p), "Care/GPs", "Space"]).ok();
    fieldcode(&["merge-codes", s(&p), "Space/Doors", "Space/GPs"]).ok();
    let id = codings(&p, &["--code", "Space/GPs"])[0]["id"].to_string();
    fieldcode(&["split-code", s(&p), "Space/GPs", "Reception", "--codings", &id]).ok();
    fieldcode(&["delete-code", s(&p), "Gone"]).ok();
    fieldcode(&["add-code", s(&p), "New theme"]).ok();
    fieldcode(&["snapshot", s(&p), "after meeting 3"]).ok();
    let diff = fieldcode(&["codebook-diff", s(&p), "initial codebook", "after meeting 3", "--json"]).ok().json();
    assert_eq!(diff["added"][0]["path"], "New theme");
    assert_eq!(diff["removed"][0]["path"], "Gone");
    assert_eq!(diff["renamed"][0]["from_path"], "Space/Rooms");
    assert_eq!(diff["renamed"][0]["to_path"], "Space/Rooms and desks");
    assert_eq!(diff["moved"][0]["from_path"], "Care/GPs");
    assert_eq!(diff["moved"][0]["to_path"], "Space/GPs");
    assert_eq!(diff["merged"][0]["from_path"], "Space/Doors");
    assert_eq!(diff["merged"][0]["codings"], 1);
    assert_eq!(diff["split"][0]["new_path"], "Space/Reception");
    assert_eq!(diff["split"][0]["codings"], 1);
    let text = fieldcode(&["codebook-diff", s(&p), "initial codebook"]).ok().stdout;
    assert!(text.contains("merged   Space/Doors into Space/GPs (1 codings)"), "{text}");
    let none = fieldcode(&["codebook-diff", s(&p), "after meeting 3"]).ok().stdout;
    assert!(none.contains("no changes"), "{none}");
}

#[test]
fn memos_can_be_written_edited_and_deleted_with_undo() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    fieldcode(&["add-code", s(&p), "Space"]).ok();
    fieldcode(&["memo", s(&p), "Rooms *matter*", "--title", "Idea"]).ok();
    fieldcode(&["memo", s(&p), "Definition drafted", "--code", "Space", "--author", "sam"]).ok();
    fieldcode(&["memo", s(&p), "Observed at Hollins Lane", "--doc", "note"]).ok();
    fieldcode(&["memo", s(&p), "Rooms matter a lot", "--edit", "1"]).ok();
    let memos = fieldcode(&["memos", s(&p), "--json"]).ok().json();
    assert_eq!(memos[0]["body"], "Rooms matter a lot");
    assert_eq!(memos[0]["title"], "Idea");
    assert_eq!(memos[0]["target"]["kind"], "project");
    assert_eq!(memos[1]["author"], "sam");
    assert_eq!(memos[2]["target"]["kind"], "document");
    fieldcode(&["delete-memo", s(&p), "2"]).ok();
    assert_eq!(fieldcode(&["memos", s(&p), "--json"]).ok().json().as_array().unwrap().len(), 2);
    fieldcode(&["undo", s(&p)]).ok();
    fieldcode(&["undo", s(&p)]).ok();
    let memos = fieldcode(&["memos", s(&p), "--json"]).ok().json();
    assert_eq!(memos.as_array().unwrap().len(), 3);
    assert_eq!(memos[0]["body"], "Rooms *matter*");
}

#[test]
fn the_demo_has_a_codebook_two_coders_memos_a_snapshot_and_later_changes() {
    let scratch = Scratch::new();
    let demo = scratch.path("demo.fieldcode");
    fieldcode(&["demo", s(&demo), "--no-gui"]).ok();
    let codes = fieldcode(&["codes", s(&demo), "--json"]).ok().json();
    let themes = codes.as_array().unwrap().iter().filter(|c| c["depth"] == 0).count();
    assert_eq!(themes, 8);
    assert!(codes.as_array().unwrap().iter().all(|c| c["description"] != ""));
    let all = codings(&demo, &[]);
    let by = |who: &str| all.iter().filter(|c| c["coder"] == who).count();
    assert!(by("rosa") > 200 && by("sam") > 200, "rosa {} sam {}", by("rosa"), by("sam"));
    assert!(all.iter().all(|c| !c["text"].as_str().unwrap().trim().is_empty()));
    let diff = fieldcode(&["codebook-diff", s(&demo), "initial codebook", "--json"]).ok().json();
    assert_eq!(diff["renamed"].as_array().unwrap().len(), 1);
    assert_eq!(diff["merged"].as_array().unwrap().len(), 1);
    assert!(fieldcode(&["memos", s(&demo), "--json"]).ok().json().as_array().unwrap().len() >= 3);
}
