//! The one write path, through the real binary: a refused command leaves the project file
//! byte-identical (no coder, participant or attribute created on the way), classification sheets
//! and comments undo like any command, concurrent writers wait for each other instead of failing,
//! and only the library's row module writes the `coding` table.

use std::path::{Path, PathBuf};

use crate::util::{Scratch, bytes, fieldcode, s};

const INTERVIEW: &str = "Interviewer: Where do you see clients?\n\
LW1: Wherever there is a room. Often the café. The room is never free.\n\
Interviewer: And the GP?\n\
LW2: The GP refers, mostly by phone. Sometimes a letter comes.\n";

fn study(scratch: &Scratch) -> PathBuf {
    let project = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let a = scratch.write("interview.txt", INTERVIEW);
    fieldcode(&["import", s(&project), s(&a)]).ok();
    fieldcode(&["add-code", s(&project), "Space/Rooms"]).ok();
    project
}

fn json(args: &[&str]) -> serde_json::Value {
    fieldcode(args).ok().json()
}

/// Runs a command that must be refused and checks the file did not change by one byte.
fn refused_without_a_trace(project: &Path, args: &[&str], says: &str) {
    let before = bytes(project);
    let run = fieldcode(args).fails();
    assert!(run.stderr.contains(says), "expected {says:?} in: {}", run.stderr);
    assert_eq!(bytes(project), before, "{args:?} was refused but changed the file");
}

#[test]
fn refused_code_autocode_memo_and_sheet_leave_the_file_byte_identical() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let ps = s(&p);
    let code = ["code", ps, "--doc", "interview", "--code", "Space/Rooms", "--start", "5", "--end", "2"];
    refused_without_a_trace(&p, &[&code[..], &["--coder", "newperson"]].concat(), "interview");
    let autocode = ["autocode", ps, "--code", "Space/Nope", "--words", "room", "--coder", "newperson"];
    refused_without_a_trace(&p, &autocode, "Space/Nope");
    let memo = ["memo", ps, "about a coding", "--coding", "999", "--author", "newperson"];
    refused_without_a_trace(&p, &memo, "coding");
    let sheet = scratch.write("sheet.csv", "document,site\ninterview,GP surgery\nno-such-doc,home\n");
    refused_without_a_trace(&p, &["attributes", ps, s(&sheet)], "sheet.csv:3");
    let people = scratch.write("people.csv", "participant,role,role\nLW1,link worker,lead\n");
    refused_without_a_trace(&p, &["attributes", ps, s(&people)], "appears twice");
    let open_quote = scratch.write("quote.csv", "participant,role\nLW1,\"link worker\nLW2,lead\n");
    refused_without_a_trace(&p, &["attributes", ps, s(&open_quote)], "quote.csv:2");
    let coders = json(&["frequencies", ps, "--by", "coder", "--format", "json"]);
    assert!(!coders.to_string().contains("newperson"), "no coder was left behind: {coders}");
}

#[test]
fn a_new_coder_comes_and_goes_with_the_coding_that_named_it() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let ps = s(&p);
    fieldcode(&[
        "code",
        ps,
        "--doc",
        "interview",
        "--code",
        "Space/Rooms",
        "--start",
        "0",
        "--end",
        "11",
        "--coder",
        "newperson",
    ])
    .ok();
    let codings = json(&["codings", ps, "--json"]);
    assert_eq!(codings[0]["coder"], "newperson");
    fieldcode(&["undo", ps]).ok();
    let run = fieldcode(&[
        "code",
        ps,
        "--doc",
        "interview",
        "--code",
        "Space/Rooms",
        "--start",
        "0",
        "--end",
        "1",
        "--coder",
        "x",
    ]);
    run.ok();
    let conn = rusqlite::Connection::open(&p).unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM coder ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(names, ["x"], "undo took newperson away with the coding");
}

#[test]
fn undo_takes_back_a_classification_sheet_and_a_comment() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let ps = s(&p);
    let sheet = scratch.write("people.csv", "participant,role\nLW1,link worker\nLW9,volunteer\n");
    fieldcode(&["attributes", ps, s(&sheet)]).ok();
    let people = fieldcode(&["speakers", ps, "--json"]).ok().stdout;
    assert!(people.contains("link worker") && people.contains("LW9"), "{people}");
    fieldcode(&["comment", ps, "Space/Rooms", "Too broad?", "--author", "ana"]).ok();
    assert!(fieldcode(&["comments", ps, "Space/Rooms"]).ok().stdout.contains("Too broad?"));

    fieldcode(&["undo", ps]).ok();
    assert!(!fieldcode(&["comments", ps, "Space/Rooms"]).ok().stdout.contains("Too broad?"));
    fieldcode(&["undo", ps]).ok();
    let people = fieldcode(&["speakers", ps, "--json"]).ok().stdout;
    assert!(!people.contains("link worker"), "the role is gone: {people}");
    assert!(!people.contains("LW9"), "the participant the sheet created is gone: {people}");
    fieldcode(&["redo", ps]).ok();
    assert!(fieldcode(&["speakers", ps, "--json"]).ok().stdout.contains("volunteer"));
}

#[test]
fn two_writers_each_add_a_hundred_codings_and_none_fails() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let writer = |coder: &'static str, p: PathBuf| {
        std::thread::spawn(move || {
            for i in 0..100 {
                let (start, end) = (i.to_string(), (i + 5).to_string());
                let args =
                    ["code", s(&p), "--doc", "interview", "--code", "Space/Rooms", "--start", &start, "--end", &end];
                let run = fieldcode(&[&args[..], &["--coder", coder]].concat());
                assert_eq!(run.status, 0, "{coder} run {i} failed: {}", run.stderr);
            }
        })
    };
    let (a, b) = (writer("ana", p.clone()), writer("ben", p.clone()));
    a.join().expect("writer ana");
    b.join().expect("writer ben");
    let codings = json(&["codings", s(&p), "--json"]);
    assert_eq!(codings.as_array().unwrap().len(), 200);
}

#[test]
fn only_the_row_module_writes_the_coding_table() {
    let writes =
        regex::Regex::new(r"(?i)\b(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+coding(_row)?\b").unwrap();
    let mut found = Vec::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "sql") {
                let text = std::fs::read_to_string(&path).unwrap();
                if writes.is_match(&text) {
                    found.push(path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string());
                }
            }
        }
    }
    found.sort();
    let expected = ["src/coding/rows.rs", "src/store/migrations/v8_edit_gap.sql"];
    assert_eq!(found, expected, "code outside the row module (and the migration that made the table) writes codings");
}
