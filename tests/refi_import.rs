//! Importing REFI-QDA projects as real tools write them (every sample in tests/fixtures/refi),
//! NVivo's UTF-16/CRLF positions, and bad archives that must create nothing.

use std::io::Write;

use crate::export_support::fixture;
use crate::util::{Scratch, fieldcode, s};
use fieldcode::Project;

fn import(scratch: &Scratch, sample: &str, extra: &[&str]) -> (std::path::PathBuf, serde_json::Value) {
    let project = scratch.path(&format!("{sample}.fieldcode"));
    let qdpx = fixture(sample);
    let mut args = vec!["import-qdpx", &qdpx, s(&project), "--json"];
    args.extend(extra);
    let run = fieldcode(&args).ok();
    (project.clone(), run.json())
}

fn zip_of(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default().compression_method(method)).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

fn qde(sources: &str, origin: &str) -> String {
    format!(
        r##"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Synthetic" origin="{origin}">
<Users><User guid="{{11111111-2222-3333-4444-555555555555}}" name="Nadia"/></Users>
<CodeBook><Codes><Code guid="AAAAAAAA-0000-0000-0000-000000000001" name="Transport/Buses" isCodable="true" color="#FF000080"/></Codes></CodeBook>
<Sources>{sources}</Sources></Project>"##
    )
}

#[test]
fn qc_sample_imports_with_every_selection() {
    let scratch = Scratch::new();
    let (project, report) = import(&scratch, "demo.qdpx", &[]);
    assert_eq!(report["origin"], "qc 1.3.2");
    assert_eq!(report["documents"], 2);
    assert_eq!(report["codes"], 262);
    assert_eq!(report["codings"], 205);
    assert_eq!(report["coders"], 1);
    let p = Project::open(&project).unwrap();
    let names: Vec<String> = fieldcode::store::documents::list(p.conn()).unwrap().into_iter().map(|d| d.name).collect();
    assert_eq!(names, ["admin-1", "board_2017"], "names from the plainTextPath when the source has none");
    let id = fieldcode::store::codes::id_by_path(p.conn(), "rq1_definition/competencies/programming").unwrap();
    assert!(id > 0, "hierarchy kept");
}

#[test]
fn maxqda_sample_keeps_text_descriptions_and_colours_and_reports_sets() {
    let scratch = Scratch::new();
    let (project, report) = import(&scratch, "maxqda24_icls_themes.qdpx", &[]);
    assert_eq!(report["documents"], 10);
    assert_eq!(report["codes"], 307);
    assert!(report["skipped"].to_string().contains("2 sets"), "{report}");
    let p = Project::open(&project).unwrap();
    let codes = fieldcode::store::codes::list(p.conn()).unwrap();
    let theme = codes.iter().find(|c| c.name == "Additional Themes and Ideas").unwrap();
    assert_eq!(theme.color, "#ef8256");
    assert!(theme.description.starts_with("This category encompasses"));
    let doc =
        fieldcode::store::documents::list(p.conn()).unwrap().into_iter().find(|d| d.name == "ICLS 2024 3-10").unwrap();
    assert_eq!(doc.guid, "c5e4c960-5296-4fde-8c63-deaba4e17f92", "GUIDs kept, lower-cased");
    let text = fieldcode::store::documents::text(p.conn(), doc.id).unwrap();
    assert!(text.chars().count() > 30_000 && !text.contains('\r'));
}

#[test]
fn atlas_nvivo_and_blank_samples_import() {
    let scratch = Scratch::new();
    let (project, report) = import(&scratch, "target-atlas-project.qdpx", &[]);
    assert_eq!(report["codes"], 3);
    let p = Project::open(&project).unwrap();
    fieldcode::store::codes::id_by_path(p.conn(), "Commits/2022-05-10T02:05:59Z 19e4dce").unwrap();
    let (_, report) = import(&scratch, "blank-atlas-project.qdpx", &[]);
    assert_eq!(report["coders"], 1, "ATLAS.ti's built-in user is not a coder");
    let (_, report) = import(&scratch, "nvivo_project.qdpx", &[]);
    assert_eq!(report["codes"], 262);
    assert_eq!(report["coders"], 2);
    let skipped = report["skipped"].to_string();
    assert!(skipped.contains("it has no text"), "NVivo's empty sources are reported: {skipped}");
}

#[test]
fn spec_example_reports_what_it_skips() {
    let scratch = Scratch::new();
    let project = scratch.path("tp.fieldcode");
    let run = fieldcode(&["import-qdpx", &fixture("TestProject.qdpx"), s(&project)]).fails();
    assert!(run.stderr.contains("source text file(s) are missing") && run.stderr.contains("--skip-missing-sources"));
    assert!(!project.exists(), "nothing created");
    let (_, report) = import(&scratch, "TestProject.qdpx", &["--skip-missing-sources"]);
    assert_eq!(report["codes"], 14);
    let skipped = report["skipped"].to_string();
    for what in ["Picture source", "PDF source", "Audio source", "Video source", "16 sets", "1 graphs", "Mabel.txt"] {
        assert!(skipped.contains(what), "{what} not reported: {skipped}");
    }
    assert_eq!(report["memos"], 2, "notes kept as memos");
}

#[test]
fn nvivo_utf16_positions_with_bom_and_crlf_land_on_the_same_characters() {
    let scratch = Scratch::new();
    let text = "Interviewer: How do you get there? 😀\r\nLW1: The bus 🚌 never comes on time.\r\n";
    let quote = "The bus 🚌 never comes";
    let byte = text.find(quote).unwrap();
    let start = text[..byte].encode_utf16().count();
    let end = start + quote.encode_utf16().count();
    let sources = format!(
        r#"<TextSource guid="{{BBBBBBBB-0000-0000-0000-000000000001}}" name="Interview 1" plainTextPath="internal://bbbbbbbb-0000-0000-0000-000000000001.txt">
<PlainTextSelection guid="CCCCCCCC-0000-0000-0000-000000000001" name="{quote}" startPosition="{start}" endPosition="{end}">
<Coding guid="DDDDDDDD-0000-0000-0000-000000000001" creatingUser="11111111-2222-3333-4444-555555555555"><CodeRef targetGUID="{{aaaaaaaa-0000-0000-0000-000000000001}}"/></Coding>
</PlainTextSelection></TextSource>"#
    );
    let mut source_bytes = vec![0xEF, 0xBB, 0xBF];
    source_bytes.extend_from_slice(text.as_bytes());
    let archive = zip_of(
        &[
            ("Project.qde", qde(&sources, "NVivo 12 (Windows)").as_bytes()),
            ("Sources/BBBBBBBB-0000-0000-0000-000000000001.txt", &source_bytes),
        ],
        zip::CompressionMethod::Deflated,
    );
    let qdpx = scratch.write("nvivo.qdpx", archive);
    let project = scratch.path("n.fieldcode");
    let run = fieldcode(&["import-qdpx", s(&qdpx), s(&project), "--json"]).ok();
    assert!(run.json()["positions"].to_string().contains("NVivo"), "{}", run.stdout);
    let p = Project::open(&project).unwrap();
    let rows = fieldcode::store::codings::list(p.conn(), &Default::default()).unwrap();
    assert_eq!(rows.len(), 1);
    let doc = fieldcode::store::documents::text(p.conn(), rows[0].document_id).unwrap();
    assert_eq!(fieldcode::text::char_slice(&doc, rows[0].start, rows[0].end), quote);
    assert_eq!(rows[0].coder, "Nadia");
    let code = fieldcode::store::codes::list(p.conn()).unwrap().remove(0);
    assert_eq!((code.name.as_str(), code.color.as_str()), ("Transport∕Buses", "#FF0000"));
}

#[test]
fn bad_archives_give_clear_errors_and_create_nothing() {
    let scratch = Scratch::new();
    let good_source =
        r#"<TextSource guid="BBBBBBBB-0000-0000-0000-000000000001" name="a" plainTextPath="internal://x.txt"/>"#;
    let zeros = vec![0u8; 5 << 20];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "malformed",
            zip_of(&[("project.qde", b"<Project name=\"x\"><Users></Project>")], zip::CompressionMethod::Deflated),
            "malformed XML",
        ),
        (
            "missing",
            zip_of(&[("project.qde", qde(good_source, "t").as_bytes())], zip::CompressionMethod::Deflated),
            "missing",
        ),
        (
            "dotdot",
            zip_of(
                &[("project.qde", qde("", "t").as_bytes()), ("sources/../../evil.txt", b"x")],
                zip::CompressionMethod::Stored,
            ),
            "outside the archive",
        ),
        (
            "absolute",
            zip_of(
                &[("project.qde", qde("", "t").as_bytes()), ("/etc/evil.txt", b"x")],
                zip::CompressionMethod::Stored,
            ),
            "outside the archive",
        ),
        (
            "bomb",
            zip_of(
                &[("project.qde", qde("", "t").as_bytes()), ("sources/x.txt", &zeros)],
                zip::CompressionMethod::Deflated,
            ),
            "compressed size",
        ),
        ("no-qde", zip_of(&[("sources/x.txt", b"hello")], zip::CompressionMethod::Deflated), "no .qde"),
        ("not-zip", b"just text".to_vec(), "not a .qdpx"),
    ];
    for (name, bytes, message) in cases {
        let qdpx = scratch.write(&format!("{name}.qdpx"), bytes);
        let project = scratch.path(&format!("{name}.fieldcode"));
        let run = fieldcode(&["import-qdpx", s(&qdpx), s(&project)]).fails();
        assert!(run.stderr.contains(message), "{name}: {}", run.stderr);
        assert!(!project.exists(), "{name}: a project was created");
    }
}

#[test]
fn an_existing_project_is_never_overwritten() {
    let scratch = Scratch::new();
    let project = scratch.path("p.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let before = crate::util::bytes(&project);
    let run = fieldcode(&["import-qdpx", &fixture("demo.qdpx"), s(&project)]).fails();
    assert!(run.stderr.contains("already exists"));
    assert_eq!(crate::util::bytes(&project), before);
}
