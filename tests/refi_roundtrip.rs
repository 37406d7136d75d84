//! REFI-QDA export of the demo study: schema-valid, stable GUIDs, and an import that reproduces
//! documents, text, turns, codes, codings at the same offsets, coders, attributes and memos.

use std::io::Read;

use crate::export_support::{assert_valid, dump, seed_demo};
use crate::util::{Scratch, fieldcode, s};

fn qde_of(qdpx: &std::path::Path) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(qdpx).unwrap()).unwrap();
    let mut bytes = Vec::new();
    zip.by_name("project.qde").unwrap().read_to_end(&mut bytes).unwrap();
    bytes
}

#[test]
fn demo_study_round_trips_through_qdpx() {
    let scratch = Scratch::new();
    let original = scratch.path("demo.fieldcode");
    fieldcode(&["demo", s(&original), "--no-gui"]).ok();
    seed_demo(&original);

    let qdpx = scratch.path("demo.qdpx");
    let run = fieldcode(&["export-qdpx", s(&original), "--out", s(&qdpx), "--json"]).ok();
    assert_eq!(run.json()["documents"], 32);
    let codes = fieldcode::store::codes::list(fieldcode::Project::open(&original).unwrap().conn()).unwrap().len();
    assert_eq!(run.json()["codes"], codes);

    let qde = scratch.write("project.qde", qde_of(&qdpx));
    assert_valid(&qde, "Project.xsd");
    let xml = String::from_utf8(std::fs::read(&qde).unwrap()).unwrap();
    assert!(xml.starts_with("<?xml"), "no BOM before the declaration");
    assert!(xml.contains("I’m the baby."), "literal UTF-8, not character references");
    assert!(xml.contains("Review status: agreed"));

    let copy = scratch.path("copy.fieldcode");
    let run = fieldcode(&["import-qdpx", s(&qdpx), s(&copy), "--json"]).ok();
    let report = run.json();
    assert_eq!(report["skipped"], serde_json::json!([]), "{report}");
    assert_eq!(report["positions"], serde_json::json!([]));

    let (a, b) = (dump(&original), dump(&copy));
    for key in a.as_object().unwrap().keys() {
        assert_eq!(a[key], b[key], "{key} differs after the round trip");
    }
    assert!(a["codings"].as_array().unwrap().len() >= 15);
    assert!(a["memos"].as_array().unwrap().len() >= 5, "the five seeded memos and the demo's own");
}

#[test]
fn guids_are_stable_across_exports() {
    let scratch = Scratch::new();
    let project = scratch.path("demo.fieldcode");
    fieldcode(&["demo", s(&project), "--no-gui"]).ok();
    seed_demo(&project);
    let (one, two) = (scratch.path("1.qdpx"), scratch.path("2.qdpx"));
    fieldcode(&["export-qdpx", s(&project), "--out", s(&one)]).ok();
    fieldcode(&["export-qdpx", s(&project), "--out", s(&two)]).ok();
    assert_eq!(qde_of(&one), qde_of(&two), "two exports of the same project are identical");
}

#[test]
fn exported_selections_count_code_points_in_lf_text() {
    let scratch = Scratch::new();
    let project = scratch.path("p.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let note = scratch.write("note.txt", "Ünïcödé 😀 line one\r\nthe bus 🚌 never comes\r\n");
    fieldcode(&["import", s(&project), s(&note)]).ok();
    {
        let p = fieldcode::Project::open(&project).unwrap();
        let code = crate::export_support::insert_code(&p, None, "Transport", "#123456", "");
        let me = crate::export_support::coder(&p, "me");
        crate::export_support::code_text(&p, "note", "bus 🚌 never", code, me, "2024-01-01T00:00:00Z");
    }
    let qdpx = scratch.path("p.qdpx");
    fieldcode(&["export-qdpx", s(&project), "--out", s(&qdpx)]).ok();
    let xml = String::from_utf8(qde_of(&qdpx)).unwrap();
    // "Ünïcödé 😀 line one\n" is 19 code points, "the " 4 more; "bus 🚌 never" is 11.
    assert!(xml.contains("startPosition=\"23\" endPosition=\"34\""), "{xml}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&qdpx).unwrap()).unwrap();
    let name =
        (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().to_owned()).find(|n| n.ends_with(".txt")).unwrap();
    assert!(name.starts_with("sources/"));
    let mut text = String::new();
    zip.by_name(&name).unwrap().read_to_string(&mut text).unwrap();
    assert_eq!(text, "Ünïcödé 😀 line one\nthe bus 🚌 never comes\n", "document text exactly, LF");
}
