//! Excerpt and codebook exports through the real binary: provenance columns, filters, every
//! format, and codebook import from CSV and .qdc.

use std::io::Read;

use crate::export_support::{assert_valid, fixture, seed_demo};
use crate::util::{Scratch, fieldcode, s};

fn seeded(scratch: &Scratch) -> std::path::PathBuf {
    let project = scratch.path("demo.fieldcode");
    fieldcode(&["demo", s(&project), "--no-gui"]).ok();
    seed_demo(&project);
    project
}

fn csv_rows(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader.records().map(|r| headers.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect()).collect()
}

fn zip_entry(path: &std::path::Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn an_excerpt_names_the_text_version_its_offsets_are_from() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let export = |name: &str, format: &str| {
        let out = scratch.path(name);
        fieldcode(&["excerpts", s(&project), "--code", "Relationships/Trust", "--format", format, "--out", s(&out)])
            .ok();
        out
    };
    let before = csv_rows(&export("before.csv", "csv"));
    assert!(before.iter().all(|r| r["text_version"] == "1"), "never edited: version 1");
    fieldcode(&[
        "edit-text",
        s(&project),
        "--doc",
        "FG1-northfield",
        "--start",
        "0",
        "--end",
        "0",
        "--text",
        "[Corrected] ",
    ])
    .ok();
    let after = csv_rows(&export("after.csv", "csv"));
    let fg1: Vec<_> = after.iter().filter(|r| r["document"] == "FG1-northfield").collect();
    assert!(
        !fg1.is_empty() && fg1.iter().all(|r| r["text_version"] == "2"),
        "the edited document's excerpts: version 2"
    );
    assert!(after.iter().filter(|r| r["document"] != "FG1-northfield").all(|r| r["text_version"] == "1"));
    let md = std::fs::read_to_string(export("after.md", "md")).unwrap();
    assert!(md.contains("· text version 2"), "the attribution names the version:\n{md}");
}

#[test]
fn csv_carries_full_provenance_per_coding() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let out = scratch.path("x.csv");
    let run = fieldcode(&[
        "excerpts",
        s(&project),
        "--code",
        "Relationships/Trust",
        "--format",
        "csv",
        "--out",
        s(&out),
        "--bom",
    ])
    .ok();
    assert!(run.stdout.starts_with("Wrote "));
    assert_eq!(&std::fs::read(&out).unwrap()[..3], b"\xEF\xBB\xBF");
    let rows = csv_rows(&out);
    let lw01 = rows.iter().find(|r| r["text"] == "Link worker, four years, give or take.").expect("the FG1 coding");
    assert_eq!(lw01["code"], "Relationships/Trust");
    assert_eq!(lw01["theme"], "Relationships");
    assert_eq!(lw01["document"], "FG1-northfield");
    assert_eq!(lw01["kind"], "focus-group");
    assert_eq!(lw01["speaker"], "LW01");
    assert_eq!(lw01["role"], "link worker");
    assert_eq!(lw01["site"], "staff meeting");
    assert_eq!(lw01["speaker years_in_post"], "4");
    assert_eq!(lw01["coder"], "alice");
    assert_eq!(lw01["timestamp"], "00:00:31");
    assert_eq!(lw01["memo"], "Why trust?: She *frames* experience as credibility.");
    assert_eq!(lw01["snapshot"], "", "coded before the first snapshot");
    assert!(rows.iter().all(|r| r["code"] == "Relationships/Trust"));
    let later = rows.iter().find(|r| r["coded_at"].starts_with("2024-05-03")).unwrap();
    assert_eq!(later["snapshot"], "after meeting 1");
    let start: usize = lw01["start"].parse().unwrap();
    let end: usize = lw01["end"].parse().unwrap();
    assert_eq!(end - start, "Link worker, four years, give or take.".chars().count());
}

#[test]
fn filters_combine_codes_attributes_and_coder() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let all = scratch.path("all.csv");
    fieldcode(&["excerpts", s(&project), "--format", "csv", "--out", s(&all)]).ok();
    let all = csv_rows(&all);
    let out = scratch.path("f.csv");
    fieldcode(&[
        "excerpts",
        s(&project),
        "--code",
        "Access",
        "--coder",
        "alice",
        "--where",
        "role=link worker",
        "--format",
        "csv",
        "--out",
        s(&out),
    ])
    .ok();
    let rows = csv_rows(&out);
    let expected =
        all.iter().filter(|r| r["theme"] == "Access" && r["coder"] == "alice" && r["role"] == "link worker").count();
    assert_eq!(rows.len(), expected);
    assert!(!rows.is_empty());
    let run =
        fieldcode(&["excerpts", s(&project), "--where", "colour=red", "--format", "csv", "--out", s(&out)]).fails();
    assert!(run.stderr.contains("no attribute named \"colour\""), "{}", run.stderr);
    let run = fieldcode(&["excerpts", s(&project), "--code", "Nope", "--format", "csv", "--out", s(&out)]).fails();
    assert!(run.stderr.contains("no code named \"Nope\""), "{}", run.stderr);
}

#[test]
fn html_markdown_docx_and_xlsx_reports_group_by_theme() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let html = scratch.path("r.html");
    fieldcode(&["excerpts", s(&project), "--format", "html", "--out", s(&html)]).ok();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<style>") && !page.contains("<script") && !page.contains("<link"));
    assert!(page.contains("Delays &amp; &lt;queues&gt;"), "definitions are escaped");
    assert!(page.contains("<h2>Access</h2>") && page.contains("<h2>Relationships</h2>"));
    assert!(page.contains("LW01 (link worker)"));

    let md = scratch.path("r.md");
    fieldcode(&["excerpts", s(&project), "--format", "md", "--out", s(&md)]).ok();
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains("## Access") && md.contains("### Access/Waiting"));
    assert!(md.contains("> Link worker, four years, give or take."));

    let docx = scratch.path("r.docx");
    fieldcode(&["excerpts", s(&project), "--format", "docx", "--out", s(&docx)]).ok();
    let body = zip_entry(&docx, "word/document.xml");
    assert!(body.contains("Heading1") && body.contains("Link worker, four years, give or take."));
    assert!(zip_entry(&docx, "word/styles.xml").contains("w:styleId=\"Heading2\""));
    // The report is readable by Fieldcode's own .docx importer.
    let check = scratch.path("check.fieldcode");
    fieldcode(&["new", s(&check)]).ok();
    fieldcode(&["import", s(&check), s(&docx)]).ok();

    let xlsx = scratch.path("r.xlsx");
    fieldcode(&["excerpts", s(&project), "--format", "xlsx", "--out", s(&xlsx)]).ok();
    let workbook = zip_entry(&xlsx, "xl/workbook.xml");
    for sheet in ["Summary", "Access", "Relationships"] {
        assert!(workbook.contains(&format!("name=\"{sheet}\"")), "{workbook}");
    }
}

#[test]
fn codebook_exports_and_imports() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let qdc = scratch.path("cb.qdc");
    let run = fieldcode(&["export-codebook", s(&project), "--format", "qdc", "--out", s(&qdc)]).ok();
    let codes = fieldcode::store::codes::list(fieldcode::Project::open(&project).unwrap().conn()).unwrap().len();
    assert!(run.stdout.contains(&format!("Wrote {codes} codes")), "{}", run.stdout);
    assert_valid(&qdc, "Codebook.xsd");
    let csv = scratch.path("cb.csv");
    fieldcode(&["export-codebook", s(&project), "--format", "csv", "--out", s(&csv)]).ok();
    let rows = csv_rows(&csv);
    let waiting = rows.iter().find(|r| r["path"] == "Access/Waiting").unwrap();
    assert_eq!(waiting["color"], "#aec7e8");
    assert_eq!(waiting["status"], "agreed");
    assert!(waiting["codings"].parse::<usize>().unwrap() >= 1);
    for format in ["md", "docx"] {
        let out = scratch.path(&format!("cb.{format}"));
        fieldcode(&["export-codebook", s(&project), "--format", format, "--out", s(&out)]).ok();
        assert!(std::fs::metadata(&out).unwrap().len() > 100);
    }

    // Into a fresh project: the .qdc recreates the tree with GUIDs, criteria and status.
    let fresh = scratch.path("fresh.fieldcode");
    fieldcode(&["new", s(&fresh)]).ok();
    let run = fieldcode(&["import-codebook", s(&fresh), s(&qdc), "--json"]).ok();
    let a = fieldcode::store::codes::list(fieldcode::Project::open(&project).unwrap().conn()).unwrap();
    assert_eq!(run.json()["added"], a.len());
    let b = fieldcode::store::codes::list(fieldcode::Project::open(&fresh).unwrap().conn()).unwrap();
    let key = |c: &fieldcode::model::CodeNode| {
        (
            c.path.clone(),
            c.guid.clone(),
            c.color.clone(),
            c.description.clone(),
            c.inclusion.clone(),
            c.example.clone(),
            c.status,
        )
    };
    assert_eq!(a.iter().map(key).collect::<Vec<_>>(), b.iter().map(key).collect::<Vec<_>>());

    // CSV edits update existing codes and add new ones, creating parents.
    let edit = scratch
        .write("edit.csv", "path,color,description\nAccess/Waiting,#000000,Long waits\nNew theme/New code,,Fresh\n");
    let run = fieldcode(&["import-codebook", s(&project), s(&edit), "--json"]).ok();
    assert_eq!(run.json(), serde_json::json!({"added": 2, "updated": 1}));

    // A bad row changes nothing.
    let before = fieldcode::store::codes::list(fieldcode::Project::open(&project).unwrap().conn()).unwrap();
    let bad = scratch.write("bad.csv", "path,status\nZ/One,agreed\nZ/Two,finished\n");
    let run = fieldcode(&["import-codebook", s(&project), s(&bad)]).fails();
    assert!(run.stderr.contains("bad.csv:3"), "{}", run.stderr);
    let after = fieldcode::store::codes::list(fieldcode::Project::open(&project).unwrap().conn()).unwrap();
    assert_eq!(before, after);

    // Taguette's codebook (empty <Sets/>, upper-case GUIDs) imports.
    let run = fieldcode(&["import-codebook", s(&fresh), &fixture("codebook.qdc"), "--json"]).ok();
    assert_eq!(run.json()["added"], 3);
}

#[test]
fn matrix_tables_write_csv_and_xlsx() {
    use fieldcode::export::matrix::{Cell, Table, write_csv, write_xlsx};
    let scratch = Scratch::new();
    let table = Table {
        header: vec!["code".into(), "GP surgery".into()],
        rows: vec![vec![Cell::from("Access/Waiting"), Cell::from(3usize)], vec![Cell::from("Trust"), Cell::from(0.5)]],
    };
    let csv = scratch.path("m.csv");
    write_csv(&table, &csv, false).unwrap();
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "code,GP surgery\nAccess/Waiting,3\nTrust,0.5\n");
    let xlsx = scratch.path("m.xlsx");
    write_xlsx(&table, &xlsx).unwrap();
    let sheet = zip_entry(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<v>3</v>") && sheet.contains("<v>0.5</v>"), "numbers stay numbers: {sheet}");
}

#[test]
fn a_codebook_import_is_one_undoable_step() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let qdc = scratch.path("cb.qdc");
    fieldcode(&["export-codebook", s(&project), "--format", "qdc", "--out", s(&qdc)]).ok();
    let fresh = scratch.path("fresh.fieldcode");
    fieldcode(&["new", s(&fresh)]).ok();
    fieldcode(&["add-code", s(&fresh), "Mine/Kept"]).ok();
    let count =
        |p: &std::path::Path| fieldcode::store::codes::list(fieldcode::Project::open(p).unwrap().conn()).unwrap().len();
    let imported = fieldcode(&["import-codebook", s(&fresh), s(&qdc), "--json"]).ok().json();
    let added = imported["added"].as_u64().unwrap() as usize;
    assert_eq!(count(&fresh), 2 + added);
    let undo = fieldcode(&["undo", s(&fresh)]).ok();
    assert!(undo.stdout.contains("imported codebook cb.qdc"), "{}", undo.stdout);
    assert_eq!(count(&fresh), 2, "undo removes every imported code and keeps the user's own");
    fieldcode(&["redo", s(&fresh)]).ok();
    assert_eq!(count(&fresh), 2 + added);
}

/// The streamed reports state counts before their quotes; with a `--where` filter the counts
/// come from a first pass over the same rows, and each heading must announce exactly the quotes
/// under it. The rows come in codebook order, then document, then position.
#[test]
fn streamed_reports_count_what_they_list_in_export_order() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let md = scratch.path("r.md");
    let csv = scratch.path("r.csv");
    for (format, out) in [("md", &md), ("csv", &csv)] {
        fieldcode(&["excerpts", s(&project), "--where", "role=link worker", "--format", format, "--out", s(out)]).ok();
    }
    let rows = csv_rows(&csv);
    assert!(rows.len() > 3 && rows.iter().all(|r| r["role"] == "link worker"), "{rows:?}");
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains(&format!("\n\n{} excerpts.\n", rows.len())), "{md}");
    let mut announced = Vec::new();
    for section in md.split("\n### ").skip(1) {
        let heading = section.lines().next().unwrap();
        let (path, count) = heading.rsplit_once(" (").unwrap();
        let count: usize = count.trim_end_matches(" excerpts)").parse().unwrap();
        let quotes = section.matches("\n> — ").count();
        assert_eq!(count, quotes, "{heading}");
        announced.push((path.to_owned(), count));
    }
    let mut in_csv: Vec<(String, usize)> = Vec::new();
    for r in &rows {
        match in_csv.last_mut() {
            Some((code, n)) if *code == r["code"] => *n += 1,
            _ => in_csv.push((r["code"].clone(), 1)),
        }
    }
    assert_eq!(announced, in_csv, "the report and the CSV list the same codes in the same order");
    for pair in rows.windows(2) {
        if pair[0]["code"] == pair[1]["code"] {
            let key = |r: &std::collections::HashMap<String, String>| {
                (r["document"].clone(), r["start"].parse::<usize>().unwrap())
            };
            assert!(key(&pair[0]) <= key(&pair[1]), "{:?} before {:?}", pair[0], pair[1]);
        }
    }
}

/// An export that fails leaves the file already at its path as it was, and no temporary file.
#[test]
fn a_failed_export_keeps_the_previous_file() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let out = scratch.path("keep.csv");
    std::fs::write(&out, "earlier export\n").unwrap();
    for format in ["csv", "md", "html", "xlsx"] {
        fieldcode(&["excerpts", s(&project), "--coder", "nobody", "--format", format, "--out", s(&out)]).fails();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "earlier export\n");
    }
    fieldcode(&["excerpts", s(&project), "--format", "csv", "--out", s(&out)]).ok();
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("code,theme,"));
    let left: Vec<_> = std::fs::read_dir(scratch.path("")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().ends_with(".partial")), "{left:?}");
}
