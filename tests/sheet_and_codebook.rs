//! Classification sheets and codebook files as a careless or hostile user might write them: deep
//! code paths import in linear time or are refused by name, repeated GUIDs and paths are
//! reported, and random bytes never panic either parser (a short proptest run here; set
//! `FIELDCODE_FUZZ_CASES` for a long one).

use std::path::Path;

use fieldcode::Project;
use fieldcode::import::{codebook, sheet};
use proptest::prelude::*;

use crate::util::{Scratch, fieldcode, s};

fn project(scratch: &Scratch) -> std::path::PathBuf {
    let p = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&p)]).ok();
    p
}

#[test]
fn a_codebook_path_a_thousand_codes_deep_imports_and_deeper_is_refused() {
    let scratch = Scratch::new();
    let p = project(&scratch);
    let deep: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
    let file = scratch.write("deep.csv", format!("path,description\n{},the deepest\n", deep.join("/")));
    let run = fieldcode(&["import-codebook", s(&p), s(&file), "--json"]).ok();
    assert_eq!(run.json()["added"], 1000);
    let codes = fieldcode(&["codes", s(&p), "--json"]).ok().json();
    assert_eq!(codes.as_array().unwrap().len(), 1000);

    let deeper: Vec<String> = (0..10_000).map(|i| format!("d{i}")).collect();
    let file = scratch.write("deeper.csv", format!("path\n{}\n", deeper.join("/")));
    let run = fieldcode(&["import-codebook", s(&p), s(&file)]).fails();
    assert!(run.stderr.contains("deeper.csv:2") && run.stderr.contains("deeper than 1000"), "{}", run.stderr);
}

#[test]
fn repeated_guids_and_paths_in_a_codebook_are_reported_not_dropped() {
    let scratch = Scratch::new();
    let p = project(&scratch);
    let guid = "0d8a2c1e-5b1f-4c59-9e3b-6a4f3e2d1c0b";
    let file = scratch
        .write("book.csv", format!("path,guid,description\nA/One,{guid},first\nA/Two,{guid},second\nA/One,,again\n"));
    let run = fieldcode(&["import-codebook", s(&p), s(&file)]).ok();
    assert!(run.stdout.contains("book.csv:3") && run.stdout.contains("repeats the GUID of line 2"), "{}", run.stdout);
    assert!(run.stdout.contains("book.csv:4") && run.stdout.contains("listed again"), "{}", run.stdout);
    let codes = fieldcode(&["codes", s(&p), "--json"]).ok().json();
    let paths: Vec<&str> = codes.as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["A", "A/One", "A/Two"], "both rows became codes");
}

fn cases() -> u32 {
    std::env::var("FIELDCODE_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
}

/// CSV-ish bytes: quotes, commas, newlines, high bytes and header words, so the parsers' edges
/// are reached often.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"participant".to_vec()),
        Just(b"document".to_vec()),
        Just(b"path".to_vec()),
        Just(b"guid".to_vec()),
        Just(b"/".to_vec()),
        prop::collection::vec(any::<u8>(), 0..6),
        "[a-zA-Z ]{0,8}".prop_map(|s| s.into_bytes()),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_sheets_are_parsed_or_refused_by_name(bytes in csvish()) {
        let project = Project::in_memory().unwrap();
        let path = Path::new("fuzz-sheet.csv");
        if let Err(err) = sheet::parse(&project, path, &bytes) {
            prop_assert!(err.to_string().contains("fuzz-sheet.csv"), "{err}");
        }
    }

    #[test]
    fn random_codebooks_are_read_or_refused_by_name(bytes in csvish()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fuzz-book.csv");
        std::fs::write(&path, &bytes).unwrap();
        match codebook::read(&path) {
            Ok(book) => {
                for (i, code) in book.codes.iter().enumerate() {
                    prop_assert!(code.parent.is_none_or(|p| p < i), "a parent comes before its child");
                }
            }
            Err(err) => prop_assert!(err.to_string().contains("fuzz-book.csv"), "{err}"),
        }
    }
}
