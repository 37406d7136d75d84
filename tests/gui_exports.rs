//! The export and exchange dialogs of issue 14 driven headless through egui_kittest on the demo
//! study (coders rosa and sam): each GUI export must write the same file as the equivalent
//! command — byte for byte where the format is deterministic (codebook, .qdpx, agreement CSV),
//! and for XLSX every part of the workbook except `docProps/core.xml` (which carries the time
//! of writing). Imports: a codebook is one undo step; a `.qdpx` written from the window and
//! imported through the window as a new project holds what the original held.

use std::io::Read;
use std::path::Path;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use fieldcode::Project;
use fieldcode::export::excerpts::ExcerptFilter;
use fieldcode::gui::Action;
use fieldcode::gui::export_dialog::count;

use crate::gui_support::{H, conn, message, open_demo, open_menu, settle};
use crate::util::{bytes, fieldcode, s};

/// Clicks File (or another menu), then a submenu, then its item, and waits for what it started.
fn open_submenu(h: &mut H, menu: &str, submenu: &str, item: &str) {
    h.get_by_label(menu).click();
    h.run_steps(2);
    h.get_by_label(submenu).click();
    h.run_steps(2);
    h.get_by_label(item).click();
    settle(h);
}

/// Opens the combo box showing `value`.
fn combo(h: &mut H, value: &str) {
    h.get_all_by_role(Role::ComboBox).find(|n| n.value().as_deref() == Some(value)).unwrap().click();
    h.run_steps(2);
}

/// Every part of a zip archive by name, leaving out `skip`.
fn zip_parts(path: &Path, skip: &str) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        if file.name() == skip {
            continue;
        }
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        parts.push((file.name().to_owned(), content));
    }
    parts
}

fn count_of(h: &H, table: &str) -> i64 {
    conn(h).query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

const THEME: &str = "Working in liminal spaces";

#[test]
fn export_excerpts_as_xlsx_with_a_filter_writes_what_the_command_writes() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo.fieldcode");
    let mut h = open_demo(dir.path());
    open_submenu(&mut h, "File", "Export", "Excerpts…");
    assert!(h.state().exchange.excerpts.is_some(), "the dialog opened");

    // Format, a theme (its sub-codes come with it) and one attribute value.
    h.get_by_label("Excel (.xlsx)").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::CheckBox, THEME).click();
    h.run_steps(2);
    h.get_by_label("Add a filter").click();
    h.run_steps(2);
    combo(&mut h, "choose an attribute");
    h.get_by_label("site").click();
    h.run_steps(2);
    combo(&mut h, "choose a value");
    h.get_by_label("GP surgery").click();
    settle(&mut h);

    // The count, computed off the UI thread, is the library's count for the same filter.
    let filter = ExcerptFilter {
        codes: vec![THEME.into()],
        wheres: vec![("site".into(), "GP surgery".into())],
        coder: None,
        ..Default::default()
    };
    let expected = count(&Project::open_to_read(&project).unwrap(), &filter).unwrap();
    assert!(expected > 0, "the demo has excerpts of the theme at GP surgeries");
    let everything = count(&Project::open_to_read(&project).unwrap(), &ExcerptFilter::default()).unwrap();
    assert!(expected < everything, "the filter narrows the export");
    h.get_by_label(&format!("{expected} excerpts will be written.")).click();

    // Export… asks where (the in-window chooser here) and writes on a worker.
    h.get_by_label("Export…").click();
    settle(&mut h);
    assert!(h.state().chooser.is_some(), "the save question opened");
    h.get_by_label("Save").click();
    settle(&mut h);
    let gui = dir.path().join("demo-excerpts.xlsx");
    assert!(gui.is_file(), "the workbook was written: {}", message(&h));
    assert!(message(&h).contains(&format!("Wrote {expected} excerpts")), "{}", message(&h));

    // The "Exported" window opens the folder through the platform's opener (captured here).
    h.state_mut().capture = Some(Vec::new());
    h.get_by_label("Open folder").click();
    h.run_steps(1);
    let captured = h.state_mut().capture.take().unwrap();
    assert_eq!(captured, vec![Action::OpenPath(dir.path().to_path_buf())]);

    let cli = dir.path().join("cli.xlsx");
    let where_ = "site=GP surgery";
    let args = ["excerpts", s(&project), "--code", THEME, "--where", where_, "--format", "xlsx", "--out", s(&cli)];
    let run = fieldcode(&args).ok();
    assert!(run.stdout.contains(&format!("Wrote {expected} excerpts")), "{}", run.stdout);
    let (gui_parts, cli_parts) = (zip_parts(&gui, "docProps/core.xml"), zip_parts(&cli, "docProps/core.xml"));
    assert_eq!(gui_parts.len(), cli_parts.len());
    for ((name, a), (cli_name, b)) in gui_parts.iter().zip(&cli_parts) {
        assert_eq!(name, cli_name);
        assert!(a == b, "{name} differs between the window's export and the command's");
    }
    // The theme's sheet has a header and one row per excerpt.
    let sheet = gui_parts.iter().find(|(n, _)| n == "xl/worksheets/sheet2.xml").unwrap();
    let rows = String::from_utf8_lossy(&sheet.1).matches("<row ").count();
    assert_eq!(rows, expected + 1);
    let choice = &h.state().exchange.excerpts.as_ref().unwrap().choice;
    assert_eq!(choice.codes, vec![THEME.to_owned()], "ticking the theme takes its sub-codes with it");

    // CSV is deterministic: the window's file and the command's are the same bytes.
    let csv = dir.path().join("gui.csv");
    let mut choice = fieldcode::gui::export_dialog::ExcerptChoice {
        format: fieldcode::export::excerpts::ExcerptFormat::Csv,
        codes: vec![THEME.into()],
        wheres: vec![("site".into(), "GP surgery".into())],
        ..Default::default()
    };
    choice.coder = Some("sam".into());
    h.state_mut().queue(Action::ExportExcerpts { choice, path: csv.clone() });
    settle(&mut h);
    let cli_csv = dir.path().join("cli.csv");
    let args = [
        "excerpts",
        s(&project),
        "--code",
        THEME,
        "--where",
        where_,
        "--coder",
        "sam",
        "--format",
        "csv",
        "--out",
        s(&cli_csv),
    ];
    fieldcode(&args).ok();
    assert_eq!(bytes(&csv), bytes(&cli_csv));
}

#[test]
fn codebook_exports_are_byte_equal_to_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo.fieldcode");
    let mut h = open_demo(dir.path());
    open_submenu(&mut h, "File", "Export", "Codebook…");
    h.get_by_label("Markdown (.md)").click();
    h.run_steps(1);
    h.get_by_label("Export…").click();
    settle(&mut h);
    h.get_by_label("Save").click();
    settle(&mut h);
    let md = dir.path().join("demo-codebook.md");
    assert!(md.is_file(), "{}", message(&h));
    let cli = dir.path().join("cli.md");
    fieldcode(&["export-codebook", s(&project), "--format", "md", "--out", s(&cli)]).ok();
    assert_eq!(bytes(&md), bytes(&cli));
    for format in fieldcode::export::codebook::CodebookFormat::ALL {
        let gui = dir.path().join(format!("gui.{}", format.name()));
        h.state_mut().queue(Action::ExportCodebook { format, path: gui.clone() });
        settle(&mut h);
        let cli = dir.path().join(format!("cli.{}", format.name()));
        fieldcode(&["export-codebook", s(&project), "--format", format.name(), "--out", s(&cli)]).ok();
        assert!(bytes(&gui) == bytes(&cli), "{} differs from the command's", format.name());
    }
}

#[test]
fn agreement_table_is_byte_equal_to_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo.fieldcode");
    let mut h = open_demo(dir.path());
    open_menu(&mut h, "Team", "Export agreement table…");
    h.get_by_label("Save").click();
    settle(&mut h);
    let gui = dir.path().join("demo-agreement.csv");
    assert!(gui.is_file(), "{}", message(&h));
    let run = fieldcode(&["agreement", s(&project), "--coders", "rosa,sam", "--format", "csv"]).ok();
    assert_eq!(String::from_utf8(bytes(&gui)).unwrap(), run.stdout);
}

#[test]
fn agreement_table_follows_the_compare_view() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo.fieldcode");
    let mut h = open_demo(dir.path());
    open_menu(&mut h, "Team", "Compare coders…");
    h.state_mut().compare.as_mut().unwrap().unit = fieldcode::team::Unit::Paragraph;
    settle(&mut h);
    open_menu(&mut h, "Team", "Export agreement table…");
    h.get_by_label("Save").click();
    settle(&mut h);
    let gui = dir.path().join("demo-agreement.csv");
    assert!(gui.is_file(), "{}", message(&h));
    let args = ["agreement", s(&project), "--coders", "rosa,sam", "--unit", "paragraph", "--format", "csv"];
    let by_paragraph = fieldcode(&args).ok().stdout;
    let by_char = fieldcode(&["agreement", s(&project), "--coders", "rosa,sam", "--format", "csv"]).ok().stdout;
    assert_ne!(by_paragraph, by_char, "the unit changes the table");
    assert_eq!(String::from_utf8(bytes(&gui)).unwrap(), by_paragraph);
}

#[test]
fn qdpx_exported_from_the_window_imports_through_the_window_as_a_new_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo.fieldcode");
    let mut h = open_demo(dir.path());
    let before = (count_of(&h, "document"), count_of(&h, "code"), count_of(&h, "coding"));

    open_submenu(&mut h, "File", "Export", "Project as REFI-QDA (.qdpx)…");
    h.get_by_label("Export…").click();
    settle(&mut h);
    h.get_by_label("Save").click();
    settle(&mut h);
    let qdpx = dir.path().join("demo-refi.qdpx");
    assert!(qdpx.is_file(), "{}", message(&h));
    let cli = dir.path().join("cli.qdpx");
    fieldcode(&["export-qdpx", s(&project), "--out", s(&cli)]).ok();
    assert_eq!(bytes(&qdpx), bytes(&cli), "the window writes the command's .qdpx");
    // The "Exported" window and the message line name the file too: close them first.
    h.get_by_label("Close").click();
    h.get_by_label("Dismiss").click();
    h.run_steps(2);
    assert!(h.state().exchange.finished.is_none());

    open_submenu(&mut h, "File", "Import", "REFI-QDA project as a new project…");
    h.get_by_label_contains("demo-refi.qdpx").click();
    h.run_steps(2);
    h.get_by_label("Open").click();
    settle(&mut h);
    // Then where to save the new project: beside the .qdpx, by its name.
    h.get_by_label("Save").click();
    settle(&mut h);
    settle(&mut h);
    let imported = dir.path().join("demo-refi.fieldcode");
    assert!(imported.is_file(), "{}", message(&h));
    assert_eq!(h.state().workbench.as_ref().unwrap().project.path(), imported, "the new project is open");
    let report = h.state().exchange.import_report.as_ref().expect("the report is shown");
    assert!(report.1[0].starts_with("Created"), "{:?}", report.1);
    assert!(h.query_by_label_contains("REFI-QDA import report").is_some());
    let after = (count_of(&h, "document"), count_of(&h, "code"), count_of(&h, "coding"));
    assert_eq!(after, before);
}

#[test]
fn importing_a_codebook_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let book = dir.path().join("extra.csv");
    std::fs::write(
        &book,
        "path,color,description\nFollow-up/Phone back,#112233,Calling a client back\nFollow-up/Letters,,\n",
    )
    .unwrap();
    let codes = count_of(&h, "code");
    open_submenu(&mut h, "File", "Import", "Codebook (.qdc, .csv)…");
    h.get_by_label_contains("extra.csv").click();
    h.run_steps(2);
    h.get_by_label("Open").click();
    settle(&mut h);
    assert_eq!(count_of(&h, "code"), codes + 3, "{}", message(&h));
    assert!(message(&h).contains("3 codes added"), "{}", message(&h));
    assert!(h.state().workbench.as_ref().unwrap().codes.iter().any(|c| c.path == "Follow-up/Phone back"));
    h.state_mut().queue(Action::Undo);
    settle(&mut h);
    assert_eq!(count_of(&h, "code"), codes, "one undo takes the whole import back");
    assert!(!h.state().workbench.as_ref().unwrap().codes.iter().any(|c| c.path.starts_with("Follow-up")));
}
