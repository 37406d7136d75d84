//! The REFI-QDA import stores each source as it is parsed: files out of the schema's order
//! import as in order, and an error found after sources were stored still creates nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::util::Scratch;
use fieldcode::Project;
use fieldcode::refi::{ImportQdpxOptions, QdpxReport, import_qdpx};

const USERS: &str = r#"<Users><User guid="11111111-0000-0000-0000-000000000001" name="Nadia"/><User guid="11111111-0000-0000-0000-000000000002" name="Omar"/></Users>"#;
const CODEBOOK: &str = r#"<CodeBook><Codes><Code guid="AAAAAAAA-0000-0000-0000-000000000001" name="Buses" isCodable="true"><Code guid="AAAAAAAA-0000-0000-0000-000000000002" name="Late" isCodable="true"/></Code></Codes></CodeBook>"#;
const CASES: &str = r#"<Cases><Case guid="CCCCCCCC-0000-0000-0000-000000000001" name="P1"><Description>Retired driver</Description></Case></Cases>"#;

/// A text source with inline text and one selection per (code, user) given.
fn source(n: u32, text: &str, codings: &[(u32, u32)]) -> String {
    let selections: String = codings
        .iter()
        .enumerate()
        .map(|(i, (code, user))| {
            format!(
                r#"<PlainTextSelection guid="DDDDDDDD-0000-0000-{n:04}-{i:012}" startPosition="{i}" endPosition="{}" creatingUser="11111111-0000-0000-0000-00000000000{user}"><Coding guid="EEEEEEEE-0000-0000-{n:04}-{i:012}" creatingUser="11111111-0000-0000-0000-00000000000{user}"><CodeRef targetGUID="AAAAAAAA-0000-0000-0000-00000000000{code}"/></Coding></PlainTextSelection>"#,
                i + 4
            )
        })
        .collect();
    format!(
        r#"<TextSource guid="BBBBBBBB-0000-0000-0000-{n:012}" name="doc {n}"><PlainTextContent>{text}</PlainTextContent>{selections}</TextSource>"#
    )
}

fn sources() -> String {
    [source(1, "The bus was late again today.", &[(1, 1), (2, 2), (2, 1)]), source(2, "Trains run on time.", &[(1, 2)])]
        .concat()
}

fn project(parts: &[&str]) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Stream" origin="test">{}</Project>"#,
        parts.concat()
    )
}

fn qdpx(scratch: &Scratch, name: &str, qde: &str) -> PathBuf {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    zip.start_file("project.qde", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(qde.as_bytes()).unwrap();
    zip.finish().unwrap();
    scratch.write(name, out.into_inner())
}

/// A coding as (document, code, coder, start, end).
type CodingRow = (String, String, String, i64, i64);

/// Codings, and participants with their memos.
fn contents(project: &Path) -> (Vec<CodingRow>, Vec<(String, String)>) {
    let p = Project::open(project).unwrap();
    let mut stmt = p
        .conn()
        .prepare(
            "SELECT d.name, c.name, k.name, g.start, g.\"end\" FROM coding g JOIN document d ON d.id = g.document_id
             JOIN code c ON c.id = g.code_id JOIN coder k ON k.id = g.coder_id ORDER BY g.id",
        )
        .unwrap();
    let codings = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).unwrap();
    let codings = codings.collect::<rusqlite::Result<Vec<_>>>().unwrap();
    let mut stmt = p
        .conn()
        .prepare("SELECT p.label, m.body FROM memo m JOIN participant p ON p.id = m.target_id WHERE m.target_kind = 'participant'")
        .unwrap();
    let memos = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    (codings, memos.collect::<rusqlite::Result<Vec<_>>>().unwrap())
}

fn import(qdpx: &Path, target: &Path) -> QdpxReport {
    import_qdpx(qdpx, target, &ImportQdpxOptions::default()).unwrap()
}

/// Only the file and nothing else (no project, no temporary file) is in the scratch folder.
fn assert_nothing_created(scratch: &Scratch, qdpx: &Path) {
    let left: Vec<_> = std::fs::read_dir(scratch.dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(left, [qdpx.to_path_buf()], "the import left files behind");
}

#[test]
fn a_file_out_of_schema_order_imports_like_one_in_order() {
    let scratch = Scratch::new();
    let ordered = qdpx(
        &scratch,
        "ordered.qdpx",
        &project(&[USERS, CODEBOOK, CASES, &format!("<Sources>{}</Sources>", sources())]),
    );
    let shuffled = qdpx(
        &scratch,
        "shuffled.qdpx",
        &project(&[&format!("<Sources>{}</Sources>", sources()), CASES, CODEBOOK, USERS]),
    );
    let report = import(&ordered, &scratch.path("ordered.fieldcode"));
    assert_eq!((report.documents, report.codings, report.coders, report.participants), (2, 4, 2, 1));
    assert_eq!(import(&shuffled, &scratch.path("shuffled.fieldcode")), report);
    let (codings, memos) = contents(&scratch.path("ordered.fieldcode"));
    assert_eq!(codings[1], ("doc 1".into(), "Late".into(), "Omar".into(), 1, 5));
    assert_eq!(memos, [("P1".to_owned(), "Retired driver".to_owned())]);
    assert_eq!(contents(&scratch.path("shuffled.fieldcode")), (codings, memos));
}

#[test]
fn malformed_xml_after_stored_sources_creates_nothing() {
    let scratch = Scratch::new();
    let qde = project(&[USERS, CODEBOOK, &format!("<Sources>{}</Sources>", sources()), "<Notes><Note guid=\"x\">"]);
    let file = qdpx(&scratch, "broken.qdpx", &qde);
    let err = import_qdpx(&file, &scratch.path("broken.fieldcode"), &ImportQdpxOptions::default()).unwrap_err();
    assert!(err.to_string().contains("malformed XML"), "{err}");
    assert_nothing_created(&scratch, &file);
}

#[test]
fn a_missing_source_text_between_stored_sources_refuses_all_or_skips_only_it() {
    let scratch = Scratch::new();
    let missing =
        r#"<TextSource guid="BBBBBBBB-0000-0000-0000-000000000009" name="gone" plainTextPath="internal://gone.txt"/>"#;
    let body = [
        source(1, "The bus was late again today.", &[(1, 1)]),
        missing.to_owned(),
        source(2, "Trains run on time.", &[(2, 2)]),
    ];
    let file =
        qdpx(&scratch, "missing.qdpx", &project(&[USERS, CODEBOOK, &format!("<Sources>{}</Sources>", body.concat())]));
    let err = import_qdpx(&file, &scratch.path("missing.fieldcode"), &ImportQdpxOptions::default()).unwrap_err();
    assert!(err.to_string().contains("1 source text file(s) are missing"), "{err}");
    assert_nothing_created(&scratch, &file);
    let options = ImportQdpxOptions { skip_missing_sources: true, ..ImportQdpxOptions::default() };
    let report = import_qdpx(&file, &scratch.path("missing.fieldcode"), &options).unwrap();
    assert_eq!((report.documents, report.codings), (2, 2));
    assert_eq!(report.skipped, ["source \"gone\" with 0 coding(s): its text file internal://gone.txt is missing"]);
}

#[test]
fn an_imported_project_is_a_normal_project_file() {
    let scratch = Scratch::new();
    let file =
        qdpx(&scratch, "p.qdpx", &project(&[USERS, CODEBOOK, CASES, &format!("<Sources>{}</Sources>", sources())]));
    let target = scratch.path("p.fieldcode");
    import(&file, &target);
    let conn = rusqlite::Connection::open(&target).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "projects use the write-ahead log");
    let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(broken, 0, "every row points at rows that exist");
}
