//! REFI-QDA exchange as other tools read and write it: every coding keeps its coder in readers
//! that take the coder from the selection, CRLF files read like LF ones, nothing the other tool
//! never had is added, memos and variables in the forms peers read, UTF-16 positions on request,
//! bare `.qde` files, snapshots, Taguette's codebook CSV, and pyqdpx reading a real export.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::export_support::{assert_valid, dump, fixture, seed_demo};
use crate::util::{Scratch, fieldcode, s};
use fieldcode::Project;
use fieldcode::refi::model::RefiProject;

/// Every entry of a zip: name → bytes.
fn entries(qdpx: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(qdpx).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.insert(entry.name().to_owned(), bytes);
    }
    out
}

fn write_zip(path: &Path, entries: &BTreeMap<String, Vec<u8>>) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

fn refi_of(qdpx: &Path) -> (String, RefiProject) {
    let qde = entries(qdpx).remove("project.qde").unwrap();
    let xml = String::from_utf8(qde.clone()).unwrap();
    (xml, fieldcode::refi::qde_read::read_project(&qde, Path::new("project.qde")).unwrap())
}

/// The demo study, seeded with two coders on one span, memos and a snapshot, and its export.
fn seeded_demo(scratch: &Scratch) -> (PathBuf, PathBuf) {
    let project = scratch.path("demo.fieldcode");
    fieldcode(&["demo", s(&project), "--no-gui"]).ok();
    seed_demo(&project);
    let qdpx = scratch.path("demo.qdpx");
    fieldcode(&["export-qdpx", s(&project), "--out", s(&qdpx)]).ok();
    (project, qdpx)
}

fn import(qdpx: &Path, target: &Path) -> serde_json::Value {
    fieldcode(&["import-qdpx", s(qdpx), s(target), "--json"]).ok().json()
}

fn assert_same_project(a: &Path, b: &Path) {
    let (a, b) = (dump(a), dump(b));
    for key in a.as_object().unwrap().keys() {
        assert_eq!(a[key], b[key], "{key} differs");
    }
}

#[test]
fn every_coding_is_its_own_selection_carrying_its_coder() {
    let scratch = Scratch::new();
    let (project, qdpx) = seeded_demo(&scratch);
    let (_, refi) = refi_of(&qdpx);
    let codings =
        fieldcode::store::codings::list(Project::open(&project).unwrap().conn(), &Default::default()).unwrap();
    let selections: Vec<_> = refi.sources.iter().flat_map(|s| &s.selections).collect();
    assert_eq!(selections.len(), codings.len(), "one selection per coding");
    let user_name: BTreeMap<&str, &str> = refi.users.iter().map(|u| (u.guid.as_str(), u.name.as_str())).collect();
    let mut per_coder: BTreeMap<String, usize> = BTreeMap::new();
    for sel in &selections {
        assert_eq!(sel.codings.len(), 1);
        assert_eq!(sel.creating_user, sel.codings[0].creating_user, "the selection's user is its coding's coder");
        *per_coder.entry(user_name[sel.creating_user.as_deref().unwrap()].to_owned()).or_default() += 1;
    }
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for c in &codings {
        *expected.entry(c.coder.clone()).or_default() += 1;
    }
    assert_eq!(per_coder, expected, "read the way QualCoder reads it, every coder keeps every coding");
    // alice and bob coded the same span: two selections, one per coder.
    let quote = "Link worker, four years, give or take.";
    let coders: BTreeSet<&str> = selections
        .iter()
        .filter(|s| s.name.as_deref() == Some(quote))
        .map(|s| user_name[s.creating_user.as_deref().unwrap()])
        .collect();
    assert_eq!(coders, BTreeSet::from(["alice", "bob"]));
}

#[test]
fn a_crlf_copy_of_an_export_imports_like_the_export() {
    let scratch = Scratch::new();
    let (project, qdpx) = seeded_demo(&scratch);
    let mut files = entries(&qdpx);
    let qde = String::from_utf8(files["project.qde"].clone()).unwrap();
    assert!(qde.contains("\n\nInclude when: "), "definitions span lines");
    files.insert("project.qde".into(), qde.replace('\n', "\r\n").into_bytes());
    let crlf = scratch.path("crlf.qdpx");
    write_zip(&crlf, &files);
    let copy = scratch.path("crlf.fieldcode");
    let report = import(&crlf, &copy);
    assert_eq!(report["skipped"], serde_json::json!([]), "{report}");
    assert_same_project(&project, &copy);
    let p = Project::open(&copy).unwrap();
    let codes = fieldcode::store::codes::list(p.conn()).unwrap();
    assert!(codes.iter().all(|c| !c.description.contains('\r') && !c.example.contains('\r')));
    assert!(codes.iter().any(|c| !c.inclusion.is_empty()));
}

#[test]
fn codes_get_no_colour_or_status_they_never_had() {
    let scratch = Scratch::new();
    let project = scratch.path("p.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    {
        let p = Project::open(&project).unwrap();
        crate::export_support::insert_code(&p, None, "Plain", "#808080", "no colour, proposed");
        let parent = crate::export_support::insert_code(&p, None, "Coloured", "#1f77b4", "");
        crate::export_support::insert_code(&p, Some(parent), "Agreed child", "#808080", "");
    }
    let qdpx = scratch.path("p.qdpx");
    fieldcode(&["export-qdpx", s(&project), "--out", s(&qdpx)]).ok();
    let (xml, refi) = refi_of(&qdpx);
    assert!(!xml.contains("Review status: proposed"), "{xml}");
    assert_eq!(xml.matches("Review status: agreed").count(), 1, "{xml}");
    assert_eq!(xml.matches("color=").count(), 1, "{xml}");
    let coloured = refi.codes.iter().find(|c| c.name == "Coloured").unwrap();
    assert_eq!(coloured.color.as_deref(), Some("#1f77b4"));
    // Re-exporting a tool's codes without colours or statuses adds neither.
    let imported = scratch.path("qc.fieldcode");
    import(Path::new(&fixture("nvivo_project.qdpx")), &imported);
    let again = scratch.path("again.qdpx");
    fieldcode(&["export-qdpx", s(&imported), "--out", s(&again)]).ok();
    let (xml, refi) = refi_of(&again);
    assert!(!refi.codes.is_empty());
    assert_eq!(xml.matches("color=").count(), 0);
    assert_eq!(xml.matches("Review status").count(), 0);
}

#[test]
fn a_tools_built_in_user_is_not_a_coder() {
    let scratch = Scratch::new();
    let report = import(Path::new(&fixture("blank-atlas-project.qdpx")), &scratch.path("a.fieldcode"));
    assert_eq!(report["coders"], 1, "{report}");
    assert!(report["skipped"].to_string().contains("\\\"ATLAS.ti\\\": the tool's built-in user"), "{report}");
    let p = Project::open(scratch.path("a.fieldcode")).unwrap();
    let coders: Vec<String> = p
        .conn()
        .prepare("SELECT name FROM coder")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(coders, ["Enric Llagostera"]);
}

#[test]
fn memos_are_written_inline_and_as_files_in_sources() {
    let scratch = Scratch::new();
    let (_, qdpx) = seeded_demo(&scratch);
    let files = entries(&qdpx);
    let (_, refi) = refi_of(&qdpx);
    assert!(refi.notes.len() >= 5);
    for note in &refi.notes {
        let path = note.plain_text_path.as_deref().unwrap();
        let name = path.strip_prefix("internal://").unwrap();
        assert_eq!(name, format!("{}.txt", note.guid));
        let file = String::from_utf8(files[&format!("sources/{name}")].clone()).unwrap();
        assert_eq!(Some(file.as_str()), note.inline_text.as_deref(), "{}", note.name);
    }
    // A reader of the file alone gets the memo: drop the inline text and import.
    let mut stripped = files.clone();
    let xml = String::from_utf8(files["project.qde"].clone()).unwrap();
    let without_inline = regex_lite_strip(&xml, "<PlainTextContent>", "</PlainTextContent>");
    stripped.insert("project.qde".into(), without_inline.into_bytes());
    let only_files = scratch.path("files.qdpx");
    write_zip(&only_files, &stripped);
    let copy = scratch.path("files.fieldcode");
    import(&only_files, &copy);
    assert_eq!(dump(&scratch.path("demo.fieldcode"))["memos"], dump(&copy)["memos"]);
}

/// `xml` without any `open…close` element (notes are the only elements with inline text here).
fn regex_lite_strip(xml: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find(open) {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(close).unwrap() + at + close.len();
        rest = &rest[end..];
    }
    out + rest
}

#[test]
fn one_variable_per_name_carries_document_and_participant_values() {
    let scratch = Scratch::new();
    let (project, qdpx) = seeded_demo(&scratch);
    let (_, refi) = refi_of(&qdpx);
    let names: Vec<&str> = refi.variables.iter().map(|v| v.name.as_str()).collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(names.len(), unique.len(), "one <Variable> per name: {names:?}");
    let provider = refi.variables.iter().find(|v| v.name == "provider").expect("the demo's provider attribute");
    let on_sources = refi.sources.iter().flat_map(|s| &s.values).any(|v| v.variable == provider.guid);
    let on_cases = refi.cases.iter().flat_map(|c| &c.values).any(|v| v.variable == provider.guid);
    assert!(on_sources && on_cases, "provider has values on documents and participants alike");
    let copy = scratch.path("copy.fieldcode");
    import(&qdpx, &copy);
    let (a, b) = (dump(&project), dump(&copy));
    assert_eq!(a["document_attributes"], b["document_attributes"]);
    assert_eq!(a["participant_attributes"], b["participant_attributes"]);
}

#[test]
fn utf16_positions_on_request_and_code_points_by_default() {
    let scratch = Scratch::new();
    let project = scratch.path("p.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let note = scratch.write("note.txt", "Emoji 😀😀 first\nthe bus 🚌 never comes\n");
    fieldcode(&["import", s(&project), s(&note)]).ok();
    {
        let p = Project::open(&project).unwrap();
        let code = crate::export_support::insert_code(&p, None, "Transport", "#123456", "");
        let me = crate::export_support::coder(&p, "me");
        crate::export_support::code_text(&p, "note", "never comes", code, me, "2024-01-01T00:00:00Z");
    }
    let plain = scratch.path("plain.qdpx");
    fieldcode(&["export-qdpx", s(&project), "--out", s(&plain)]).ok();
    // "Emoji 😀😀 first\n" is 15 code points, "the bus 🚌 " 10 more; in UTF-16 three more.
    assert!(refi_of(&plain).0.contains("startPosition=\"25\" endPosition=\"36\""));
    let utf16 = scratch.path("utf16.qdpx");
    let run = fieldcode(&["export-qdpx", s(&project), "--out", s(&utf16), "--positions", "utf16", "--json"]).ok();
    assert_eq!(run.json()["positions"], "utf16");
    let (xml, _) = refi_of(&utf16);
    assert!(xml.contains("startPosition=\"28\" endPosition=\"39\""), "{xml}");
    assert_valid(&scratch.write("utf16.qde", xml), "Project.xsd");
    // Fieldcode reads its own UTF-16 export back onto the same characters.
    let copy = scratch.path("copy.fieldcode");
    let report = import(&utf16, &copy);
    assert!(report["positions"].to_string().contains("UTF-16"), "{report}");
    assert_eq!(dump(&project)["codings"], dump(&copy)["codings"]);
}

#[test]
fn a_bare_qde_imports_with_the_sources_folder_beside_it() {
    let scratch = Scratch::new();
    let (project, qdpx) = seeded_demo(&scratch);
    for (name, bytes) in entries(&qdpx) {
        scratch.write(&format!("unpacked/{name}"), bytes);
    }
    let copy = scratch.path("bare.fieldcode");
    let report = import(&scratch.path("unpacked/project.qde"), &copy);
    assert_eq!(report["skipped"], serde_json::json!([]), "{report}");
    assert_eq!(report["snapshots"], snapshot_count(&project), "snapshots beside the .qde are read too: {report}");
    assert_same_project(&project, &copy);
    // A .qde without its sources folder: the texts are missing, and nothing is created.
    let alone = scratch.write("alone/p.qde", entries(&qdpx).remove("project.qde").unwrap());
    let target = scratch.path("alone.fieldcode");
    let run = fieldcode(&["import-qdpx", s(&alone), s(&target)]).fails();
    assert!(run.stderr.contains("missing"), "{}", run.stderr);
    assert!(!target.exists());
    // A .qde with its texts inline needs nothing beside it.
    let inline = r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Inline"><Sources><TextSource guid="bbbbbbbb-0000-0000-0000-000000000001" name="Talk"><PlainTextContent>Hello there.</PlainTextContent></TextSource></Sources></Project>"#;
    let qde = scratch.write("inline.qde", inline);
    let report = import(&qde, &scratch.path("inline.fieldcode"));
    assert_eq!(report["documents"], 1, "{report}");
}

#[test]
fn codebook_snapshots_survive_export_and_import() {
    let scratch = Scratch::new();
    let (project, _) = seeded_demo(&scratch);
    let before = snapshot_count(&project);
    assert!(before >= 1, "the demo and the seed take snapshots");
    fieldcode(&["snapshot", s(&project), "before the export"]).ok();
    let qdpx = scratch.path("snap.qdpx");
    let summary = fieldcode(&["export-qdpx", s(&project), "--out", s(&qdpx), "--json"]).ok().json();
    assert_eq!(summary["snapshots"], before + 1);
    assert_valid(&scratch.write("snap.qde", entries(&qdpx).remove("project.qde").unwrap()), "Project.xsd");
    let copy = scratch.path("snap.fieldcode");
    let report = import(&qdpx, &copy);
    assert_eq!(report["snapshots"], before + 1, "{report}");
    let rows = |path: &Path| -> Vec<(String, String, String)> {
        let p = Project::open(path).unwrap();
        let mut stmt = p.conn().prepare("SELECT name, created_at, codebook FROM snapshot ORDER BY name").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect()
    };
    let (original, copied) = (rows(&project), rows(&copy));
    assert_eq!(original.len(), copied.len());
    for ((name_a, at_a, json_a), (name_b, at_b, json_b)) in original.iter().zip(&copied) {
        assert_eq!((name_a, at_a), (name_b, at_b));
        let (a, b): (serde_json::Value, serde_json::Value) =
            (serde_json::from_str(json_a).unwrap(), serde_json::from_str(json_b).unwrap());
        assert_eq!(a, b, "{name_a}");
    }
    // The snapshot reads back: a diff against the current codebook works in the copy.
    fieldcode(&["codebook-diff", s(&copy), "before the export"]).ok();
}

fn snapshot_count(project: &Path) -> usize {
    let p = Project::open(project).unwrap();
    p.conn().query_row("SELECT count(*) FROM snapshot", [], |r| r.get::<_, i64>(0)).unwrap() as usize
}

#[test]
fn taguette_codebook_csv_keeps_tags_whole_and_parents() {
    let scratch = Scratch::new();
    let project = scratch.path("p.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    // Taguette 1.5: a child listed before its parent, a tag with a slash in its name.
    let csv = "tag,parent,description,number of highlights\r\n\
               waiting,access,Delays of any kind,4\r\n\
               access,,Getting to the service,0\r\n\
               GP/surgery,,\"Said \"\"GP\"\" or surgery\",2\r\n";
    let file = scratch.write("taguette.csv", csv);
    let run = fieldcode(&["import-codebook", s(&project), s(&file), "--json"]).ok();
    assert_eq!(run.json()["added"], 3, "{}", run.stdout);
    let p = Project::open(&project).unwrap();
    let codes = fieldcode::store::codes::list(p.conn()).unwrap();
    let paths: BTreeSet<String> = codes.iter().map(|c| c.path.clone()).collect();
    assert_eq!(paths, BTreeSet::from(["access".to_owned(), "access/waiting".to_owned(), "GP∕surgery".to_owned()]));
    let waiting = codes.iter().find(|c| c.name == "waiting").unwrap();
    assert_eq!(waiting.description, "Delays of any kind");
    // Taguette 1.4 (no parent column) and a parent cycle.
    let old = scratch.write("old.csv", "tag,description,number of highlights\nreferral,Being sent on,1\n");
    fieldcode(&["import-codebook", s(&project), s(&old)]).ok();
    let cycle = scratch.write("cycle.csv", "tag,parent,description\na,b,\nb,a,\n");
    let before = crate::util::bytes(&project);
    let run = fieldcode(&["import-codebook", s(&project), s(&cycle)]).fails();
    assert!(run.stderr.contains("its own ancestor") && run.stderr.contains("cycle.csv"), "{}", run.stderr);
    assert_eq!(crate::util::bytes(&project), before, "a refused codebook changes nothing");
}

/// Python interpreters that may have pyqdpx: `FIELDCODE_PYTHON`, then the usual names, then
/// pyenv's versions (pyqdpx needs Python 3.12 or later).
fn pythons() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::env::var_os("FIELDCODE_PYTHON").map(PathBuf::from).into_iter().collect();
    out.extend(["python3", "python3.13", "python3.12"].map(PathBuf::from));
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    if let Some(Ok(versions)) = pyenv.map(|p| std::fs::read_dir(p.join("versions"))) {
        let mut found: Vec<PathBuf> = versions.flatten().map(|v| v.path().join("bin/python3")).collect();
        found.sort();
        out.extend(found.into_iter().rev());
    }
    out
}

const PYQDPX_READER: &str = r#"
import collections, json, sys, contextlib, io
from pyqdpx import QDPX
with contextlib.redirect_stdout(io.StringIO()):
    qde = QDPX(sys.argv[1]).get_project()
coders = collections.Counter()
for source in qde.sources.values():
    for sel in source.coded_selections.values():
        coders[sel.user.name] += 1
print(json.dumps({"codings": sum(coders.values()), "coders": coders, "users": len(qde.users), "codes": len(qde.codes)}))
"#;

/// pyqdpx, a Python REFI-QDA library, reads the demo export: every coding arrives with its coder.
/// Skipped, saying so, where no Python with pyqdpx is installed (`pip install pyqdpx`).
#[test]
fn pyqdpx_reads_every_coding_and_coder_of_the_demo_export() {
    let Some(python) = pythons().into_iter().find(|p| {
        std::process::Command::new(p).args(["-c", "import pyqdpx"]).output().is_ok_and(|o| o.status.success())
    }) else {
        eprintln!(
            "skipped: no python3 with pyqdpx (pip install pyqdpx; Python 3.12+); set FIELDCODE_PYTHON to choose one"
        );
        return;
    };
    let scratch = Scratch::new();
    let project = scratch.path("demo.fieldcode");
    fieldcode(&["demo", s(&project), "--no-gui"]).ok();
    let qdpx = scratch.path("demo.qdpx");
    fieldcode(&["export-qdpx", s(&project), "--out", s(&qdpx), "--positions", "utf16"]).ok();
    let out = std::process::Command::new(&python).args(["-c", PYQDPX_READER]).arg(&qdpx).output().unwrap();
    assert!(out.status.success(), "pyqdpx failed: {}", String::from_utf8_lossy(&out.stderr));
    let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codings =
        fieldcode::store::codings::list(Project::open(&project).unwrap().conn(), &Default::default()).unwrap();
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for c in &codings {
        *expected.entry(c.coder.clone()).or_default() += 1;
    }
    eprintln!("pyqdpx read {read} of {} codings by {expected:?}", codings.len());
    assert_eq!(read["codings"], codings.len());
    assert_eq!(read["coders"], serde_json::to_value(&expected).unwrap());
}
