//! Correcting and pseudonymising documents: edits move every coding with its words (a property
//! test over random edit sequences, with undo restoring every row byte for byte), the CLI's
//! `edit-text`, `replace`, `versions`, `pseudonymise` and `release`, and bad input refused with
//! the file left byte-identical.

use std::path::{Path, PathBuf};

use fieldcode::Project;
use fieldcode::coding::{self, Command, SpanRef};
use fieldcode::import::{self, ImportOptions, run::store_parsed};
use proptest::prelude::*;

use crate::util::{Scratch, bytes, fieldcode, s};

const TRANSCRIPT: &str = "Interviewer: Where do you see clients?\nLW1: Wherever there is a room. Often the café.\n\
Interviewer: And the GP?\nLW1: The GP refers, mostly by phone. Sometimes a letter.\n";
const NOTE: &str = "Arrived at the surgery at eight. No room again.\n\nThe link worker saw two clients by phone.\n";

// ---------------------------------------------------------------------------------------------
// The model, through the library: random edits, codings kept on their words, undo exact.

type Dump = Vec<(String, Vec<Vec<rusqlite::types::Value>>)>;

/// Every row of every table an edit touches, in full: the codings and turns both as read
/// (positions) and as stored (relative to the edit gap).
fn dump(p: &Project) -> Dump {
    ["document", "coding", "coding_row", "turn", "turn_row", "memo", "document_version", "coding_cache"]
        .iter()
        .map(|table| {
            let mut stmt = p.conn().prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect())
                .unwrap()
                .collect::<rusqlite::Result<Vec<Vec<_>>>>()
                .unwrap();
            ((*table).to_owned(), rows)
        })
        .filter(|(t, _)| t != "coding_cache")
        .collect()
}

fn project(spans: &[(u8, u16, u8)]) -> Project {
    let mut p = Project::in_memory().unwrap();
    for (name, text) in [("interview.txt", TRANSCRIPT), ("note.txt", NOTE)] {
        let format = import::Format::of(Path::new(name)).unwrap();
        let parsed = import::parse_bytes(name, format, text.as_bytes()).unwrap();
        store_parsed(&mut p, &parsed, None, &ImportOptions::default()).unwrap();
    }
    for path in ["A", "B"] {
        let create = Command::CreateCode { parent: None, path: path.into(), color: None, description: None };
        coding::apply(&mut p, "rosa", create).unwrap();
    }
    let docs = doc_lengths(&p);
    for (i, &(doc, start, len)) in spans.iter().enumerate() {
        let (document, chars) = docs[doc as usize % docs.len()];
        let start = start as usize % chars;
        let end = (start + 1 + len as usize % 30).min(chars);
        let span = SpanRef { document, code: 1 + (i as i64 % 2), start, end };
        let memo = (i % 3 == 0).then(|| format!("memo {i}"));
        let _ = coding::apply(&mut p, "rosa", Command::AddCodings { coder: "rosa".into(), spans: vec![span], memo });
    }
    p
}

fn doc_lengths(p: &Project) -> Vec<(i64, usize)> {
    let mut stmt = p.conn().prepare("SELECT id, char_count FROM document ORDER BY id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize))).unwrap().map(|r| r.unwrap()).collect()
}

/// Each coding's (document, start, end, text).
fn coding_texts(p: &Project) -> std::collections::BTreeMap<i64, (i64, usize, usize, String)> {
    let mut out = std::collections::BTreeMap::new();
    for c in coding::rows::all_codings(p.conn()).unwrap() {
        let text = fieldcode::store::documents::text(p.conn(), c.document_id).unwrap();
        let piece = fieldcode::text::char_slice(&text, c.start as usize, c.end as usize).to_owned();
        out.insert(c.id, (c.document_id, c.start as usize, c.end as usize, piece));
    }
    out
}

fn edit() -> impl Strategy<Value = (u8, u16, u8, String)> {
    let new = prop_oneof![Just(String::new()), "[a-c ]{1,4}", Just("\n".to_owned()), Just("é".to_owned())];
    (any::<u8>(), any::<u16>(), 0u8..12, new)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn edits_keep_codings_on_their_words_and_undo_restores_every_row(
        spans in proptest::collection::vec((any::<u8>(), any::<u16>(), any::<u8>()), 1..12),
        edits in proptest::collection::vec(edit(), 1..8),
    ) {
        let mut p = project(&spans);
        let original = dump(&p);
        let mut applied = 0;
        for (doc, start, len, text) in edits {
            let docs = doc_lengths(&p);
            let (document, chars) = docs[doc as usize % docs.len()];
            let s = start as usize % (chars + 1);
            let e = (s + len as usize).min(chars);
            let before = coding_texts(&p);
            let command = Command::EditText { doc: document, start: s, end: e, text: text.clone(), expect_sha256: None };
            let done = coding::apply(&mut p, "rosa", command).unwrap();
            if done.history_id.is_some() {
                applied += 1;
            }
            let after = coding_texts(&p);
            for (id, (d, cs, ce, piece)) in &before {
                let overlaps = *d == document && if s < e { *cs < e && *ce > s } else { *cs < s && *ce > s };
                let kept = after.get(id);
                if *d != document || !overlaps {
                    prop_assert_eq!(kept.map(|k| &k.3), Some(piece), "coding #{} lost its words", id);
                } else if let Some(k) = kept {
                    prop_assert!(k.1 < k.2, "coding #{} is empty", id);
                }
            }
        }
        let edited = dump(&p);
        for _ in 0..applied {
            prop_assert!(coding::undo(&mut p).unwrap().is_some());
        }
        prop_assert_eq!(&dump(&p), &original, "undo of every edit restores every row");
        for _ in 0..applied {
            prop_assert!(coding::redo(&mut p).unwrap().is_some());
        }
        prop_assert_eq!(&dump(&p), &edited, "redo makes the same edits again");
    }
}

#[test]
fn one_character_edit_of_a_long_coded_text_records_little_history() {
    let mut p = Project::in_memory().unwrap();
    let line = "LW1: The GP refers, mostly by phone. Sometimes a letter comes.\n";
    let text = line.repeat(4000);
    let parsed = import::parse_bytes("long.txt", import::Format::Text, text.as_bytes()).unwrap();
    store_parsed(&mut p, &parsed, None, &ImportOptions::default()).unwrap();
    let create = Command::CreateCode { parent: None, path: "A".into(), color: None, description: None };
    coding::apply(&mut p, "rosa", create).unwrap();
    let n = line.chars().count();
    let spans: Vec<SpanRef> =
        (0..4000).map(|i| SpanRef { document: 1, code: 1, start: i * n + 5, end: i * n + 20 }).collect();
    coding::apply(&mut p, "rosa", Command::AddCodings { coder: "rosa".into(), spans, memo: None }).unwrap();
    let edit = Command::EditText { doc: 1, start: 10, end: 11, text: "x".into(), expect_sha256: None };
    let done = coding::apply(&mut p, "rosa", edit).unwrap();
    let size: i64 = p
        .conn()
        .query_row("SELECT length(payload) FROM history WHERE id = ?1", [done.history_id.unwrap()], |r| r.get(0))
        .unwrap();
    assert!(size < 1024, "one edit recorded {size} bytes of history");
    // Insert a character before every coding: all 4000 move, none is recorded.
    let insert = Command::EditText { doc: 1, start: 0, end: 0, text: "Q".into(), expect_sha256: None };
    let done = coding::apply(&mut p, "rosa", insert).unwrap();
    let size: i64 = p
        .conn()
        .query_row("SELECT length(payload) FROM history WHERE id = ?1", [done.history_id.unwrap()], |r| r.get(0))
        .unwrap();
    assert!(size < 1024, "an insertion recorded {size} bytes of history");
    let first = coding::rows::read_coding(p.conn(), 1).unwrap().unwrap();
    assert_eq!((first.start, first.end), (6, 21));
}

// ---------------------------------------------------------------------------------------------
// The command line.

fn study(scratch: &Scratch) -> PathBuf {
    let project = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let a = scratch.write("interview.txt", TRANSCRIPT);
    let b = scratch.write("note.txt", NOTE);
    fieldcode(&["import", s(&project), s(&a), s(&b)]).ok();
    fieldcode(&["add-code", s(&project), "Space/Rooms"]).ok();
    fieldcode(&["add-code", s(&project), "Contact"]).ok();
    project
}

fn codings(p: &Path) -> Vec<serde_json::Value> {
    fieldcode(&["codings", s(p), "--json"]).ok().json().as_array().unwrap().clone()
}

fn code(p: &Path, doc: &str, code: &str, start: usize, end: usize) {
    let (a, b) = (start.to_string(), end.to_string());
    fieldcode(&["code", s(p), "--doc", doc, "--code", code, "--start", &a, "--end", &b]).ok();
}

fn text_of(p: &Path, doc: &str) -> String {
    let versions = fieldcode(&["versions", s(p), "--doc", doc, "--json"]).ok().json();
    let current = versions.as_array().unwrap().last().unwrap()["number"].to_string();
    fieldcode(&["versions", s(p), "--doc", doc, "--text", &current]).ok().stdout
}

#[test]
fn edit_text_moves_codings_removes_emptied_ones_and_undo_brings_them_back() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let ps = s(&p);
    let room = NOTE.find("room").unwrap();
    code(&p, "note", "Space/Rooms", room, room + 4); // "room"
    code(&p, "note", "Contact", 0, 7); // "Arrived"
    let phone = NOTE.find("phone").unwrap();
    code(&p, "note", "Contact", phone, phone + 5); // "phone"
    fieldcode(&["memo", ps, "the room problem", "--coding", "1"]).ok();
    // Delete "No room again." (and its space): the "room" coding is left empty.
    let no = NOTE.find("No room").unwrap();
    let run = fieldcode(&[
        "edit-text",
        ps,
        "--doc",
        "note",
        "--start",
        &(no - 1).to_string(),
        "--end",
        &(no + 14).to_string(),
        "--text",
        "",
        "--json",
    ])
    .ok()
    .json();
    assert_eq!(run["removed"].as_array().unwrap().len(), 1, "{run}");
    assert_eq!(run["removed"][0]["text"], "room");
    assert_eq!(run["removed"][0]["memos"], 1);
    assert_eq!(run["moved"], 1, "the coding of \"phone\" moved: {run}");
    let after = codings(&p);
    let texts: Vec<&str> = after.iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Arrived", "phone"]);
    assert!(text_of(&p, "note").starts_with("Arrived at the surgery at eight.\n"));
    // Undo: the coding comes back with its id, guid and memo.
    let guid = run["removed"][0]["guid"].as_str().unwrap().to_owned();
    fieldcode(&["undo", ps]).ok();
    let back = codings(&p);
    assert!(back.iter().any(|c| c["id"] == 1 && c["guid"] == guid.as_str() && c["text"] == "room"), "{back:?}");
    assert!(fieldcode(&["memos", ps, "--json"]).ok().stdout.contains("the room problem"));
    assert_eq!(text_of(&p, "note"), NOTE);
    fieldcode(&["redo", ps]).ok();
    assert_eq!(codings(&p).len(), 2);
}

#[test]
fn an_overlapping_coding_grows_over_an_insertion_and_versions_keep_the_old_text() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let ps = s(&p);
    let start = NOTE.find("the surgery").unwrap();
    code(&p, "note", "Space/Rooms", start, start + 11);
    let at = (start + 4).to_string();
    let run = fieldcode(&["edit-text", ps, "--doc", "note", "--start", &at, "--end", &at, "--text", "old ", "--json"])
        .ok()
        .json();
    assert_eq!(run["grown"], 1);
    assert_eq!(codings(&p)[0]["text"], "the old surgery");
    let versions = fieldcode(&["versions", ps, "--doc", "note", "--json"]).ok().json();
    let list = versions.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["by"], serde_json::Value::Null);
    assert_eq!(list[1]["by"], "tester");
    assert_eq!(list[1]["current"], true);
    assert_eq!(fieldcode(&["versions", ps, "--doc", "note", "--text", "1"]).ok().stdout, NOTE);
    let docs = fieldcode(&["docs", ps, "--json"]).ok().stdout;
    assert!(!docs.contains(&fieldcode::store::documents::text_sha256(NOTE)), "the hash follows the text");
}

#[test]
fn replace_dry_run_lists_hits_with_codings_then_replaces_as_one_change() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let ps = s(&p);
    let phone = TRANSCRIPT.find("phone").unwrap();
    let at = TRANSCRIPT[..phone].chars().count();
    code(&p, "interview", "Contact", at - 3, at + 5); // "by phone"
    let before = bytes(&p);
    let dry = fieldcode(&["replace", ps, "--find", "PHONE", "-i", "-w", "--with", "telephone", "--dry-run", "--json"])
        .ok()
        .json();
    assert_eq!(bytes(&p), before, "a dry run changes nothing");
    let hits = dry["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "{dry}");
    let interview = hits.iter().find(|h| h["document"] == "interview").unwrap();
    assert_eq!(interview["codings"][0]["code"], "Contact");
    assert!(interview["left"].as_str().unwrap().ends_with("mostly by "));
    fieldcode(&["replace", ps, "--find", "phone", "-w", "--with", "telephone"]).ok();
    assert_eq!(codings(&p)[0]["text"], "by telephone");
    assert!(text_of(&p, "note").contains("clients by telephone."));
    let history = fieldcode(&["history", ps, "--json"]).ok().json();
    assert_eq!(history.as_array().unwrap().last().unwrap()["kind"], "replace-text");
    fieldcode(&["undo", ps]).ok();
    assert_eq!(text_of(&p, "note"), NOTE);
    assert_eq!(text_of(&p, "interview"), TRANSCRIPT);
    // A regular expression with a group.
    fieldcode(&["replace", ps, "--find", r"(\w+) refers", "--regex", "--with", "$1 sends", "--doc", "interview"]).ok();
    assert!(text_of(&p, "interview").contains("The GP sends, mostly"));
}

#[test]
fn pseudonymise_replaces_names_everywhere_and_release_scans_the_copy() {
    let scratch = Scratch::new();
    let project = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let text =
        "Interviewer: How is Rosa Jenkins?\nLW1: Rosa is fine. ROSA said Annabel called. Hollins Lane is busy.\n";
    let a = scratch.write("Rosa Jenkins.txt", text);
    fieldcode(&["import", s(&project), s(&a)]).ok();
    let ps = s(&project);
    fieldcode(&["add-code", ps, "People"]).ok();
    code(&project, "Rosa Jenkins", "People", 20, 32); // "Rosa Jenkins"
    code(&project, "Rosa Jenkins", "People", 39, 53); // "Rosa is fine. "
    fieldcode(&["memo", ps, "Ask rosa jenkins about Hollins Lane", "--code", "People"]).ok();
    let map =
        scratch.write("map.csv", "real,pseudonym\nRosa,P1\nRosa Jenkins,LW-A\nHollins Lane,Practice A\nAnna,P2\n");
    // A name that matches nothing is reported by a dry run, refused by a real run.
    let dry = fieldcode(&["pseudonymise", ps, "--map", s(&map), "--dry-run", "--json"]).ok().json();
    assert_eq!(dry["unmatched"], serde_json::json!(["Anna"]));
    let before = bytes(&project);
    let run = fieldcode(&["pseudonymise", ps, "--map", s(&map)]).fails();
    assert!(run.stderr.contains("\"Anna\""), "{}", run.stderr);
    assert_eq!(bytes(&project), before);
    let map = scratch.write("map.csv", "Rosa,P1\nRosa Jenkins,LW-A\nHollins Lane,Practice A\n");
    // Before pseudonymising, a release with the map is refused and leaves no copy.
    let copy = scratch.path("release.fieldcode");
    let refused = fieldcode(&["release", ps, "--out", s(&copy), "--map", s(&map)]).fails();
    assert!(refused.stderr.contains("Rosa"), "{}", refused.stderr);
    assert!(!copy.exists());
    fieldcode(&["pseudonymise", ps, "--map", s(&map)]).ok();
    let now = text_of(&project, "LW-A");
    assert_eq!(now, "Interviewer: How is LW-A?\nLW1: P1 is fine. P1 said Annabel called. Practice A is busy.\n");
    let texts: Vec<String> = codings(&project).iter().map(|c| c["text"].as_str().unwrap().to_owned()).collect();
    assert_eq!(texts, ["LW-A", "P1 is fine. "]);
    let memos = fieldcode(&["memos", ps, "--json"]).ok().stdout;
    assert!(memos.contains("Ask lw-a about Practice A"), "{memos}");
    // The project still holds the names for undo; the release copy does not.
    fieldcode(&["release", ps, "--out", s(&copy), "--map", s(&map)]).ok();
    let released = bytes(&copy);
    assert!(!String::from_utf8_lossy(&released).to_lowercase().contains("rosa"));
    let history = fieldcode(&["history", s(&copy), "--json"]).ok().json();
    assert_eq!(history.as_array().unwrap().len(), 0);
    fieldcode(&["undo", ps]).ok();
    assert_eq!(text_of(&project, "Rosa Jenkins"), text);
}

#[test]
fn bad_input_is_refused_and_leaves_the_file_byte_identical() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let ps = s(&p);
    let refused = |args: &[&str], says: &str| {
        let before = bytes(&p);
        let run = fieldcode(args).fails();
        assert!(run.stderr.contains(says), "expected {says:?} in: {}", run.stderr);
        assert_eq!(bytes(&p), before, "{args:?} was refused but changed the file");
    };
    refused(&["edit-text", ps, "--doc", "note", "--start", "10", "--end", "5", "--text", "x"], "is after its end");
    refused(
        &["edit-text", ps, "--doc", "note", "--start", "0", "--end", "100000", "--text", "x"],
        "is outside document \"note\"",
    );
    refused(&["edit-text", ps, "--doc", "nope", "--start", "0", "--end", "1", "--text", "x"], "no document named");
    refused(&["replace", ps, "--find", "", "--with", "x"], "nothing to find");
    refused(&["replace", ps, "--find", "(unclosed", "--regex", "--with", "x"], "not a valid regular expression");
    let bad = scratch.write("bad.csv", "real,pseudonym\nRosa,P1\nBen\n");
    refused(&["pseudonymise", ps, "--map", s(&bad)], "bad.csv:3:");
    let twice = scratch.write("twice.csv", "Rosa,P1\nrosa,P2\n");
    refused(&["pseudonymise", ps, "--map", s(&twice)], "twice.csv:2:");
    let empty = scratch.write("empty.csv", "Rosa,\n");
    refused(&["pseudonymise", ps, "--map", s(&empty)], "no pseudonym");
    let circular = scratch.write("circular.csv", "Rosa,Ben\nBen,P2\n");
    refused(&["pseudonymise", ps, "--map", s(&circular)], "itself a real name");
    let copy = scratch.path("copy.fieldcode");
    let existing = scratch.write("exists.fieldcode", "x");
    refused(&["release", ps, "--out", s(&existing)], "already exists");
    assert!(!copy.exists());
}

/// (id, stored start, stored end) of every coding, as `coding_row` holds them.
fn stored_codings(p: &Project) -> Vec<(i64, i64, i64)> {
    let mut stmt = p.conn().prepare("SELECT id, start, \"end\" FROM coding_row ORDER BY id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect()
}

#[test]
fn typing_on_changes_no_stored_offset_and_a_far_edit_moves_the_gap_exactly() {
    // Interview codings at 0..5, 40..50, 100..110 and 150..160 (document 1 has 168 characters).
    let mut p = project(&[(0, 0, 4), (0, 40, 9), (0, 100, 9), (0, 150, 9)]);
    let original = dump(&p);
    let words = coding_texts(&p);
    let type_at = |p: &mut Project, at: usize, text: &str| {
        let command = Command::EditText { doc: 1, start: at, end: at, text: text.into(), expect_sha256: None };
        coding::apply(p, "rosa", command).unwrap()
    };
    type_at(&mut p, 45, "x");
    let first = stored_codings(&p);
    let done = type_at(&mut p, 46, "y");
    let second = stored_codings(&p);
    // Typing on changes no stored offset: the end of the coding the caret is in (id 2) and the
    // two codings after it are stored from the end of the text, and move with its length.
    assert_eq!(first, second);
    assert!(second[1].2 < 0 && second[2].1 < 0 && second[3].1 < 0, "stored from the end: {second:?}");
    let spans: Vec<(usize, usize)> = coding_texts(&p).values().map(|c| (c.1, c.2)).collect();
    assert_eq!(spans, [(0, 5), (40, 52), (102, 112), (152, 162)]);
    assert!(done.summary.contains("(2 codings moved, 1 grown, 0 shrunk, 0 removed)"), "{}", done.summary);
    // An edit before everything moves the gap back over the codings; each keeps its words.
    type_at(&mut p, 2, "zz");
    let after: Vec<String> = coding_texts(&p).values().map(|c| c.3.clone()).collect();
    let before: Vec<String> = words.values().map(|c| c.3.clone()).collect();
    assert_eq!(before[..2], ["Inter", "W1: Wherev"]);
    assert_eq!(after[..2], ["Inzzter", "W1: Wxyherev"]);
    assert_eq!(after[2..], before[2..]);
    for _ in 0..3 {
        assert!(coding::undo(&mut p).unwrap().is_some());
    }
    assert_eq!(dump(&p), original, "undo puts back every row and the gap, byte for byte");
}
