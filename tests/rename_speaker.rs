//! Renaming a speaker (`rename-speaker`, `Command::RenameParticipant`): the participant's label
//! and the label at the start of every one of their turns change, in every document, as one
//! undoable change; codings stay on their words (one covering a label covers the new label);
//! bad names are refused with the file left byte-identical.

use std::path::{Path, PathBuf};

use crate::util::{Scratch, bytes, fieldcode, s};

const FG1: &str = "Facilitator: Where do you see clients?\nLW1: Wherever there is a room. Often the café.\n\
Facilitator: And the GP?\nLW1: The GP refers, mostly by phone.\nLW2: Same for me.\n";
const FG2: &str = "Facilitator: Tell me about Mondays.\nLW1:\nMondays are the worst.\nLW2: Agreed, all of them.\n";

fn study(scratch: &Scratch) -> PathBuf {
    let project = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let a = scratch.write("fg1.txt", FG1);
    let b = scratch.write("fg2.txt", FG2);
    fieldcode(&["import", s(&project), s(&a), s(&b)]).ok();
    fieldcode(&["add-code", s(&project), "Space"]).ok();
    fieldcode(&["add-code", s(&project), "Who"]).ok();
    project
}

fn code(p: &Path, doc: &str, code: &str, start: usize, end: usize) {
    let (a, b) = (start.to_string(), end.to_string());
    fieldcode(&["code", s(p), "--doc", doc, "--code", code, "--start", &a, "--end", &b]).ok();
}

/// (code, text) of every coding, by id.
fn coding_texts(p: &Path) -> Vec<(i64, String, String)> {
    let run = fieldcode(&["codings", s(p), "--json"]).ok().json();
    let mut out: Vec<(i64, String, String)> = run
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["id"].as_i64().unwrap(), c["code"].as_str().unwrap().to_owned(), c["text"].as_str().unwrap().to_owned())
        })
        .collect();
    out.sort();
    out
}

fn text_of(p: &Path, doc: &str) -> String {
    let versions = fieldcode(&["versions", s(p), "--doc", doc, "--json"]).ok().json();
    let current = versions.as_array().unwrap().last().unwrap()["number"].to_string();
    fieldcode(&["versions", s(p), "--doc", doc, "--text", &current]).ok().stdout
}

/// label → turns, from `speakers --json`.
fn speakers(p: &Path) -> Vec<(String, i64)> {
    let run = fieldcode(&["speakers", s(p), "--json"]).ok().json();
    run.as_array()
        .unwrap()
        .iter()
        .map(|x| (x["label"].as_str().unwrap().to_owned(), x["turns"].as_i64().unwrap()))
        .collect()
}

#[test]
fn renaming_a_speaker_relabels_every_turn_keeps_codings_and_undoes_in_one_step() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let ps = s(&p);
    let room = FG1.find("room").unwrap();
    code(&p, "fg1", "Space", room, room + 4);
    let label = FG1.find("LW1").unwrap();
    code(&p, "fg1", "Who", label, label + 18); // "LW1: Wherever ther"
    let mondays = FG2.find("Mondays are").unwrap();
    code(&p, "fg2", "Space", mondays, mondays + 7);
    let before = coding_texts(&p);
    let turns_before = speakers(&p);

    let run = fieldcode(&["rename-speaker", ps, "--from", "LW1", "--to", "Rosa J", "--json"]).ok().json();
    assert_eq!(run["from"], "LW1");
    assert_eq!(run["to"], "Rosa J");
    assert_eq!(run["relabelled"], 3, "two turns in fg1, one (label on a line of its own) in fg2: {run}");
    assert_eq!(run["unlabelled"], 0);
    assert_eq!(run["documents"].as_array().unwrap().len(), 2, "{run}");
    assert_eq!(run["removed"].as_array().unwrap().len(), 0);
    assert_eq!(text_of(&p, "fg1"), FG1.replace("LW1:", "Rosa J:"));
    assert_eq!(text_of(&p, "fg2"), FG2.replace("LW1:", "Rosa J:"));
    // Codings clear of a label keep their words; the one over a label covers the new label.
    let after = coding_texts(&p);
    let expected: Vec<(i64, String, String)> =
        before.iter().map(|(id, code, text)| (*id, code.clone(), text.replace("LW1", "Rosa J"))).collect();
    assert_eq!(after, expected);
    assert!(after.iter().any(|(_, _, t)| t == "Rosa J: Wherever ther"), "{after:?}");
    // The participant is renamed with its turns; the other speakers are untouched.
    let turns_after = speakers(&p);
    let renamed: Vec<(String, i64)> =
        turns_before.iter().map(|(l, n)| (if l == "LW1" { "Rosa J".to_owned() } else { l.clone() }, *n)).collect();
    let mut sorted = renamed.clone();
    sorted.sort();
    let mut got = turns_after.clone();
    got.sort();
    assert_eq!(got, sorted);
    // One history entry; undo restores texts, codings and the label.
    let history = fieldcode(&["history", ps, "--json"]).ok().json();
    assert!(history.to_string().contains("renamed speaker"), "{history}");
    fieldcode(&["undo", ps]).ok();
    assert_eq!(text_of(&p, "fg1"), FG1);
    assert_eq!(text_of(&p, "fg2"), FG2);
    assert_eq!(coding_texts(&p), before);
    assert_eq!(speakers(&p), turns_before);
    fieldcode(&["redo", ps]).ok();
    assert_eq!(coding_texts(&p), after);
}

#[test]
fn a_dry_run_changes_nothing_and_bad_names_are_refused() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let ps = s(&p);
    let untouched = bytes(&p);
    let run = fieldcode(&["rename-speaker", ps, "--from", "LW2", "--to", "Ben", "--dry-run"]).ok();
    assert!(run.stdout.contains("Dry run, nothing changed"), "{}", run.stdout);
    assert!(run.stdout.contains("2 turns relabelled in 2 documents"), "{}", run.stdout);
    for (args, message) in [
        (["--from", "LW9", "--to", "Ben"], "no speaker called \"LW9\""),
        (["--from", "LW1", "--to", "LW2"], "already a speaker called \"LW2\""),
        (["--from", "LW1", "--to", " "], "a speaker needs a name"),
        (["--from", "LW1", "--to", "Ben: Jones"], "cannot be a speaker label"),
    ] {
        let mut all = vec!["rename-speaker", ps];
        all.extend(args);
        let run = fieldcode(&all).fails();
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    assert_eq!(bytes(&p), untouched, "nothing was written");
}
