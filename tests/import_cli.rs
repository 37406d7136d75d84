//! The foundation through the real binary: new, import, attributes, docs, speakers, demo, and
//! every kind of bad input (clear message naming the file, exit 1, project unchanged).

use std::io::Write;

use crate::util::{Scratch, bytes, docs_by_name, fieldcode, new_project, s};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn docx_bytes(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs.iter().map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>")).collect();
    let xml = format!(r#"<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body>{body}</w:body></w:document>"#);
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    zip.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

#[test]
fn imports_every_format_with_kinds_speakers_and_attributes() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let docx = scratch
        .write("in/interview.docx", docx_bytes(&["Interviewer: Where do you sit?", "LW6: Wherever there is a room."]));
    let run = fieldcode(&[
        "import",
        s(&project),
        &fixture("fg-bom-crlf.txt"),
        &fixture("note-cp1252.txt"),
        &fixture("interview-utf16.txt"),
        &fixture("session.vtt"),
        &fixture("session.srt"),
        s(&docx),
        "--attr",
        "wave=1",
    ])
    .ok();
    assert!(run.stdout.contains("6 imported, 0 skipped, 0 failed"), "{}", run.stdout);

    let docs = docs_by_name(&project);
    let fg = &docs["fg-bom-crlf"];
    assert_eq!(fg["kind"], "focus-group");
    assert_eq!(fg["speakers"], serde_json::json!(["Facilitator", "LW3", "TL1", "LW4"]));
    assert_eq!(fg["turns"], 4);
    assert_eq!(fg["attributes"]["site"], "GP surgery");
    assert_eq!(fg["attributes"]["wave"], "1");
    assert_eq!(docs["note-cp1252"]["kind"], "field-note");
    assert_eq!(docs["interview-utf16"]["kind"], "interview");
    assert_eq!(docs["session"]["kind"], "interview");
    assert_eq!(docs["session"]["turns"], 3, "consecutive LW5 cues merge into one turn");
    assert_eq!(docs["session (2)"]["speakers"], serde_json::json!(["TL2", "LW8"]));
    assert_eq!(docs["interview"]["speakers"], serde_json::json!(["Interviewer", "LW6"]));

    let opened = fieldcode::Project::open(&project).unwrap();
    let id = fieldcode::store::documents::id_by_name(opened.conn(), "fg-bom-crlf").unwrap();
    let text = fieldcode::store::documents::text(opened.conn(), id).unwrap();
    assert!(text.starts_with("[00:00:02] Facilitator"), "BOM and front matter removed: {text:?}");
    assert!(!text.contains('\r'));
    let turns = fieldcode::store::documents::turns(opened.conn(), id).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let second: String = chars[turns[1].start..turns[1].end].iter().collect();
    assert_eq!(second, "The receptionists are the gatekeepers, honestly.\n[laughter]");
    assert_eq!(turns[3].time_ms, Some(31_000));
    let note = fieldcode::store::documents::id_by_name(opened.conn(), "note-cp1252").unwrap();
    assert!(
        fieldcode::store::documents::text(opened.conn(), note)
            .unwrap()
            .contains("café with LW2. The £5 voucher – she called it “naff”")
    );
}

#[test]
fn speakers_are_shared_across_documents_and_sheets_set_attributes() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    scratch.write("a.txt", "LW3: first\nTL1: second\n");
    scratch.write("b.txt", "LW3: again\nLW4: hello\nTL1: yes\n");
    fieldcode(&["import", s(&project), s(&scratch.path("a.txt")), s(&scratch.path("b.txt"))]).ok();
    fieldcode(&["attributes", s(&project), &fixture("people.csv")]).ok();
    let run = fieldcode(&["speakers", s(&project), "--json"]).ok();
    let people = run.json();
    let lw3 = people.as_array().unwrap().iter().find(|p| p["label"] == "LW3").unwrap();
    assert_eq!(lw3["documents"], serde_json::json!(["a", "b"]));
    assert_eq!(lw3["turns"], 2);
    assert_eq!(lw3["attributes"]["role"], "link worker");
    assert!(people.as_array().unwrap().iter().any(|p| p["label"] == "NEW9"));
}

#[test]
fn document_sheet_with_an_unknown_document_changes_nothing() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    fieldcode(&["import", s(&project), &fixture("fg-bom-crlf.txt")]).ok();
    let before = bytes(&project);
    let run = fieldcode(&["attributes", s(&project), &fixture("docs.csv")]).fails();
    assert!(run.stderr.contains("docs.csv:3") && run.stderr.contains("note-cp1252"), "{}", run.stderr);
    assert_eq!(docs_by_name(&project)["fg-bom-crlf"]["attributes"]["provider"], "Riverside Community Partnership");
    assert_eq!(before, bytes(&project), "a refused sheet leaves the file as it was");
}

#[test]
fn folders_import_recursively_and_duplicates_are_skipped() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    scratch.write("study/site-a/one.md", "First note.\n");
    scratch.write("study/site-b/two.txt", "Second note.\n");
    scratch.write("study/ignore.png", [0x89, b'P', b'N', b'G']);
    scratch.write("study/.hidden.txt", "hidden\n");
    let run = fieldcode(&["import", s(&project), s(&scratch.path("study"))]).ok();
    assert!(run.stdout.contains("2 imported"), "{}", run.stdout);
    let again = fieldcode(&["import", s(&project), s(&scratch.path("study"))]).ok();
    assert!(again.stdout.contains("0 imported, 2 skipped"), "{}", again.stdout);
    assert!(again.stderr.contains("already in the project as \"one\""), "{}", again.stderr);
}

#[test]
fn bad_files_are_reported_by_name_and_the_rest_still_import() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let empty = scratch.write("empty.txt", "");
    let binary = scratch.write("binary.txt", [0u8, 159, 146, 150, 0, 1, 2, 3]);
    let corrupt = scratch.write("broken.docx", b"PK\x03\x04 this is not a zip");
    let unsupported = scratch.write("slides.pptx", b"whatever");
    let unclosed = scratch.write("unclosed.md", "---\nsite: GP surgery\n");
    let good = scratch.write("good.txt", "A fine field note.\n");
    let run = fieldcode(&[
        "import",
        s(&project),
        s(&empty),
        s(&binary),
        s(&corrupt),
        s(&unsupported),
        s(&unclosed),
        s(&good),
        s(&scratch.path("missing.txt")),
    ])
    .fails();
    for (name, reason) in [
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("broken.docx", "zip"),
        ("slides.pptx", "unsupported"),
        ("unclosed.md:1", "closing"),
        ("missing.txt", "no such file"),
    ] {
        assert!(
            run.stderr.lines().any(|l| l.contains(name) && l.contains(reason)),
            "expected {name} / {reason} in:\n{}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("1 imported, 0 skipped, 6 failed"), "{}", run.stdout);
    assert_eq!(docs_by_name(&project).len(), 1);
}

#[test]
fn files_over_the_size_limit_are_refused_without_reading_them() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let big = scratch.path("huge.txt");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(fieldcode::import::MAX_FILE_BYTES + 1).unwrap(); // sparse: costs no disk
    let before = bytes(&project);
    let run = fieldcode(&["import", s(&project), s(&big)]).fails();
    assert!(run.stderr.contains("huge.txt") && run.stderr.contains("limit is 200 MB"), "{}", run.stderr);
    assert_eq!(before, bytes(&project));
}

#[test]
fn files_that_are_not_projects_are_refused_and_left_unchanged() {
    let scratch = Scratch::new();
    let text = scratch.write("notes.fieldcode", "just some text");
    let run = fieldcode(&["docs", s(&text)]).fails();
    assert!(run.stderr.contains("notes.fieldcode") && run.stderr.contains("not a Fieldcode project"), "{}", run.stderr);
    assert_eq!(bytes(&text), b"just some text");

    let other = scratch.path("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    let before = bytes(&other);
    let run = fieldcode(&["docs", s(&other)]).fails();
    assert!(run.stderr.contains("another program"), "{}", run.stderr);
    assert_eq!(before, bytes(&other));

    let newer = new_project(&scratch);
    rusqlite::Connection::open(&newer).unwrap().execute_batch("PRAGMA user_version = 99;").unwrap();
    let before = bytes(&newer);
    let run = fieldcode(&["docs", s(&newer)]).fails();
    assert!(run.stderr.contains("newer Fieldcode") && run.stderr.contains("99"), "{}", run.stderr);
    assert_eq!(before, bytes(&newer));

    let corrupt = scratch.path("corrupt.fieldcode");
    let mut damaged = bytes(&newer);
    damaged.truncate(100);
    damaged.extend(std::iter::repeat_n(0xAB, 4000));
    std::fs::write(&corrupt, &damaged).unwrap();
    let run = fieldcode(&["docs", s(&corrupt)]).fails();
    assert!(run.stderr.contains("corrupt.fieldcode"), "{}", run.stderr);
    assert_eq!(damaged, bytes(&corrupt));

    let run = fieldcode(&["docs", s(&scratch.path("nope.fieldcode"))]).fails();
    assert!(run.stderr.contains("nope.fieldcode: no such file"), "{}", run.stderr);
}

#[test]
fn new_refuses_to_overwrite() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let run = fieldcode(&["new", s(&project)]).fails();
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
}

#[test]
fn demo_builds_the_whole_study() {
    let scratch = Scratch::new();
    let project = scratch.path("demo.fieldcode");
    fieldcode(&["demo", s(&project), "--no-gui"]).ok();
    let docs = docs_by_name(&project);
    assert_eq!(docs.len(), 32);
    let count = |kind: &str| docs.values().filter(|d| d["kind"] == kind).count();
    assert_eq!((count("field-note"), count("interview"), count("focus-group")), (24, 5, 3));
    assert!(docs.values().all(|d| d["attributes"]["site"].is_string() && d["attributes"]["provider"].is_string()));
    let people = fieldcode(&["speakers", s(&project), "--json"]).ok().json();
    let roles: Vec<&str> = people.as_array().unwrap().iter().filter_map(|p| p["attributes"]["role"].as_str()).collect();
    assert_eq!(roles.iter().filter(|r| **r == "link worker").count(), 15);
    assert_eq!(roles.iter().filter(|r| **r == "team leader").count(), 2);
    let again = fieldcode(&["demo", s(&project), "--no-gui"]).ok();
    assert!(again.stdout.contains("existing demo"), "{}", again.stdout);
}
