//! The import dialog and the merge dialog, driven through the real workbench: an import shows
//! what was detected in each file before anything is written (and that is what gets stored),
//! an unticked file stays out, and the report after names a skipped duplicate; a colleague's
//! copy is merged after a dry run whose report is the library's, as one change that Edit > Undo
//! takes back.

use std::path::Path;

use egui_kittest::kittest::Queryable;
use fieldcode::Project;
use fieldcode::coding::Recorder;
use fieldcode::gui::Action;
use fieldcode::import::preview::Verdict;
use fieldcode::model::{AttributeScope, DocumentKind};
use fieldcode::store::documents;
use fieldcode::team::merge::{MergeOptions, merge};

use crate::gui_support::*;
use crate::team_support::{code, coding, project_with};

const INTERVIEW: &str = "Interviewer: How is the new referral form?\nLW07: Slower. The phones never stop.\n\
                         Interviewer: And the surgery?\nLW07: They call back now.\n";
const ALREADY_IN: &str = "The waiting room was full again on Tuesday morning.";

/// A workbench showing the project file at `path`.
fn workbench_on(path: &Path) -> H {
    let mut h = harness(app());
    h.run_steps(1);
    h.state_mut().show_project(Project::open(path).unwrap());
    h.run_steps(2);
    h
}

fn documents_of(h: &H) -> Vec<fieldcode::model::DocumentSummary> {
    documents::list(conn(h)).unwrap()
}

#[test]
fn import_with_preview_shows_what_is_detected_leaves_out_unticked_files_and_reports_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("study.fieldcode");
    drop(project_with(Some(&project), &[("FN01", ALREADY_IN)]));
    let folder = dir.path().join("incoming");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("INT01.txt"), INTERVIEW).unwrap();
    std::fs::write(folder.join("FN02.md"), "Walked to the community centre with M.\n").unwrap();
    std::fs::write(folder.join("copy-of-FN01.txt"), ALREADY_IN).unwrap();

    let mut h = workbench_on(&project);
    h.state_mut().queue(Action::PreviewImport(vec![folder.clone()]));
    settle(&mut h);
    assert_eq!(documents_of(&h).len(), 1, "the preview writes nothing");
    let preview = h.state().panels.import.as_ref().expect("the dialog is open").preview.clone().expect("previewed");
    let files: Vec<_> = preview.files.iter().map(|f| f.path.file_name().unwrap().to_str().unwrap()).collect();
    assert_eq!(files, ["FN02.md", "INT01.txt", "copy-of-FN01.txt"]);
    let interview = preview.files[1].detected.clone().unwrap();
    assert_eq!(interview.speakers, ["Interviewer", "LW07"]);
    assert_eq!((interview.turns, interview.kind, interview.encoding.as_str()), (4, DocumentKind::Interview, "UTF-8"));
    assert!(matches!(&preview.files[2].verdict, Verdict::Skipped(why) if why.contains("FN01")), "{preview:?}");
    // The window shows it too.
    assert!(h.query_by_label("Interviewer, LW07").is_some(), "the speakers are listed");
    assert!(h.query_by_label_contains("1 skipped (already in the project)").is_some());

    // Leave the field note out and give every imported document an attribute.
    h.get_by_label("FN02.md").click();
    h.get_by_label("Add an attribute").click();
    h.run_steps(2);
    type_into(&mut h, "Attribute 1 name", "site");
    type_into(&mut h, "Attribute 1 value", "GP surgery");
    assert_eq!(h.state().panels.import.as_ref().unwrap().attributes, [("site".to_owned(), "GP surgery".to_owned())]);
    h.get_by_label("Import").click();
    settle(&mut h);

    let docs = documents_of(&h);
    let names: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}: only the ticked new file came in");
    let stored = docs.iter().find(|d| d.name == "INT01").expect("the interview was imported");
    assert_eq!(stored.speakers, interview.speakers, "the preview's speakers are the stored ones");
    assert_eq!((stored.turns, stored.kind), (interview.turns, interview.kind));
    assert_eq!(stored.attributes.get("site").map(String::as_str), Some("GP surgery"));

    let (report, cancelled) = h.state().panels.import.as_ref().unwrap().report.clone().expect("the report is shown");
    assert!(!cancelled);
    let results: Vec<(&str, &str)> =
        report.iter().map(|r| (r.path.file_name().unwrap().to_str().unwrap(), r.result)).collect();
    assert_eq!(results, [("INT01.txt", "imported"), ("copy-of-FN01.txt", "skipped")]);
    assert!(report[1].detail.contains("already in the project"), "{}", report[1].detail);
    assert_eq!(h.query_all_by_label("1 imported, 1 skipped, 0 failed.").count(), 2, "in the window and the message");
    assert!(h.query_by_label("copy-of-FN01.txt").is_some() && h.query_by_label("skipped").is_some());
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert!(h.state().panels.import.is_none());
}

#[test]
fn the_kind_chosen_in_the_import_dialog_is_the_kind_stored() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("study.fieldcode");
    drop(Project::create(&project).unwrap());
    let file = dir.path().join("INT02.txt");
    std::fs::write(&file, INTERVIEW).unwrap();

    let mut h = workbench_on(&project);
    h.state_mut().queue(Action::PreviewImport(vec![file]));
    settle(&mut h);
    assert!(h.query_by_label("interview").is_some(), "the inferred kind is shown");
    h.get_by_label("Kind of every document:").click();
    h.run_steps(2);
    h.get_by_label("Focus group").click();
    h.run_steps(2);
    assert!(h.query_by_label("focus-group").is_some(), "the row shows the chosen kind");
    h.get_by_label("Import").click();
    settle(&mut h);
    let docs = documents_of(&h);
    assert_eq!(
        docs.iter().map(|d| (d.name.as_str(), d.kind)).collect::<Vec<_>>(),
        [("INT02", DocumentKind::FocusGroup)]
    );
}

#[test]
fn a_file_with_a_bad_byte_fails_in_the_preview_and_imports_when_bad_bytes_may_be_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("study.fieldcode");
    drop(Project::create(&project).unwrap());
    let file = dir.path().join("FN09.txt");
    let mut bytes = "The children\u{2019}s room was locked; the key was \u{2018}lost\u{2019}. ".as_bytes().to_vec();
    bytes.push(0xFF);
    bytes.extend_from_slice(b" End.\n");
    std::fs::write(&file, bytes).unwrap();

    let mut h = workbench_on(&project);
    h.state_mut().queue(Action::PreviewImport(vec![file]));
    settle(&mut h);
    let verdict = |h: &H| h.state().panels.import.as_ref().unwrap().preview.as_ref().unwrap().files[0].verdict.clone();
    assert!(matches!(verdict(&h), Verdict::Failed(why) if why.contains("U+FFFD")), "{:?}", verdict(&h));
    h.get_by_label_contains("with U+FFFD in their place").click();
    settle(&mut h);
    assert_eq!(verdict(&h), Verdict::Imported, "read again, the bad byte replaced");
    h.get_by_label("Import").click();
    settle(&mut h);
    let text: String = conn(&h).query_row("SELECT text FROM document", [], |r| r.get(0)).unwrap();
    assert!(text.contains("\u{2019}s room") && text.contains('\u{FFFD}'), "{text}");
}

const NOTE: &str = "The link worker phoned the surgery twice before anyone picked up the referral.";
const VISIT: &str = "Home visit: Mrs K showed me the leaflet from the walking group and said she was nervous.";

fn set_site(project: &Project, doc: &str, site: &str) {
    let id = documents::id_by_name(project.conn(), doc).unwrap();
    Recorder::unrecorded(project.conn()).set_value(AttributeScope::Document, id, "site", Some(site)).unwrap();
}

/// The site of document `doc` as the workbench shows it.
fn site_shown(h: &H, doc: &str) -> Option<String> {
    let wb = h.state().workbench.as_ref().unwrap();
    wb.documents.iter().find(|d| d.name == doc).and_then(|d| d.attributes.get("site").cloned())
}

fn codings_by(h: &H, coder: &str) -> i64 {
    conn(h)
        .query_row(
            "SELECT count(*) FROM coding JOIN coder ON coder.id = coding.coder_id WHERE coder.name = ?1",
            [coder],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn merge_with_dry_run_shows_the_librarys_report_applies_as_one_change_and_undoes() {
    let dir = tempfile::tempdir().unwrap();
    let lead = dir.path().join("lead.fieldcode");
    let project = project_with(Some(&lead), &[("note", NOTE), ("visit", VISIT)]);
    code(&project, "Access/Phone");
    set_site(&project, "note", "GP surgery");
    drop(project);
    let ana = dir.path().join("ana.fieldcode");
    std::fs::copy(&lead, &ana).unwrap();
    {
        let p = Project::open(&ana).unwrap();
        coding(&p, "note", "Access/Phone", "Ana", 4, 30);
        coding(&p, "visit", "Support/Walking group", "Ana", 37, 50);
        set_site(&p, "note", "Library");
        set_site(&p, "visit", "Home");
    }
    let expected =
        merge(&mut Project::open(&lead).unwrap(), &ana, &MergeOptions { dry_run: true, actor: "tester".into() })
            .unwrap();
    assert_eq!(
        (expected.codings_added, expected.attribute_conflicts.len(), expected.attribute_values_added),
        (2, 1, 1)
    );

    let mut h = workbench_on(&lead);
    open_menu(&mut h, "Team", "Merge a colleague's copy…");
    assert!(h.state().chooser.is_some(), "the file question opened");
    h.get_by_label_contains("ana.fieldcode").click();
    h.run_steps(2);
    h.get_by_label("Open").click();
    settle(&mut h);
    let shown = h.state().panels.merge.as_ref().expect("the dialog is open").report.clone().expect("the dry run ran");
    assert_eq!(shown, expected, "the dialog shows the library's dry run");
    assert_eq!(codings_by(&h, "Ana"), 0, "a dry run adds nothing");
    assert!(h.query_by_label("2 new (0 already here)").is_some(), "codings that come in are shown");
    assert!(h.query_by_label("Attribute conflicts: 1").is_some());
    assert!(h.query_by_label("Library").is_some(), "their value of the conflicting attribute is shown");

    h.get_by_label("Apply the merge").click();
    settle(&mut h);
    assert!(h.state().panels.merge.is_none(), "the dialog closed: {}", message(&h));
    assert_eq!(codings_by(&h, "Ana"), 2, "{}", message(&h));
    assert!(h.state().workbench.as_ref().unwrap().codes.iter().any(|c| c.path == "Support/Walking group"));
    assert_eq!(site_shown(&h, "visit"), Some("Home".into()), "the documents panel shows the value that came in");

    open_menu(&mut h, "Edit", "Undo");
    assert_eq!(codings_by(&h, "Ana"), 0, "undo takes the whole merge back: {}", message(&h));
    let codes: i64 = conn(&h).query_row("SELECT count(*) FROM code WHERE name = 'Support'", [], |r| r.get(0)).unwrap();
    assert_eq!(codes, 0, "codes the merge created are gone too");
    assert_eq!(site_shown(&h, "visit"), None, "and the attribute value, in the documents panel too");
    open_menu(&mut h, "Edit", "Redo");
    assert_eq!(codings_by(&h, "Ana"), 2, "redo brings it back: {}", message(&h));
}

#[test]
fn cancelling_the_merge_dialog_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let lead = dir.path().join("lead.fieldcode");
    drop(project_with(Some(&lead), &[("note", NOTE)]));
    let ana = dir.path().join("ana.fieldcode");
    std::fs::copy(&lead, &ana).unwrap();
    coding(&Project::open(&ana).unwrap(), "note", "Access", "Ana", 0, 8);

    let mut h = workbench_on(&lead);
    h.state_mut().queue(Action::PreviewMerge(ana.clone()));
    settle(&mut h);
    assert!(h.query_by_label("1 new (0 already here)").is_some());
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert!(h.state().panels.merge.is_none());
    assert_eq!(codings_by(&h, "Ana"), 0);
}

#[test]
fn the_merge_dialog_lists_codings_whose_text_changed_or_was_deleted_in_an_edited_document() {
    let dir = tempfile::tempdir().unwrap();
    let lead = dir.path().join("lead.fieldcode");
    let project = project_with(Some(&lead), &[("note", NOTE), ("visit", VISIT)]);
    code(&project, "Access/Phone");
    drop(project);
    let ana = dir.path().join("ana.fieldcode");
    std::fs::copy(&lead, &ana).unwrap();
    {
        let p = Project::open(&ana).unwrap();
        let at = |w: &str| NOTE.find(w).unwrap();
        coding(&p, "note", "Access/Phone", "Ana", at("surgery twice"), at("surgery twice") + 13);
        coding(&p, "note", "Access/Phone", "Ana", at("anyone"), at("anyone") + 6);
    }
    {
        // Here the note was corrected: "surgery" became "practice", "anyone " was deleted.
        let mut p = Project::open(&lead).unwrap();
        let doc = documents::id_by_name(p.conn(), "note").unwrap();
        let edit = |start: usize, end: usize, text: &str| fieldcode::coding::Command::EditText {
            doc,
            start,
            end,
            text: text.into(),
            expect_sha256: None,
        };
        let anyone = NOTE.find("anyone ").unwrap();
        fieldcode::coding::apply(&mut p, "lead", edit(anyone, anyone + 7, "")).unwrap();
        let surgery = NOTE.find("surgery").unwrap();
        fieldcode::coding::apply(&mut p, "lead", edit(surgery, surgery + 7, "practice")).unwrap();
    }
    let mut h = workbench_on(&lead);
    open_menu(&mut h, "Team", "Merge a colleague's copy…");
    h.get_by_label_contains("ana.fieldcode").click();
    h.run_steps(2);
    h.get_by_label("Open").click();
    settle(&mut h);
    let report = h.state().panels.merge.as_ref().expect("the dialog is open").report.clone().expect("dry run");
    assert_eq!((report.changed_codings.len(), report.dropped_codings.len()), (1, 1), "{report:?}");
    assert!(h.query_by_label_contains("edited differently here").is_some(), "the edited document is counted");
    h.get_by_label("1 coding(s) whose text changed").click();
    h.run_steps(3);
    h.get_by_label("1 coding(s) not brought in: their text was deleted here").click();
    h.run_steps(3);
    assert!(h.query_by_label("“surgery twice”").is_some(), "their words are listed");
    assert!(h.query_by_label("“practice twice”").is_some(), "and ours");
    assert_eq!(report.dropped_codings[0].old_text, "anyone");
    assert!(h.query_by_label("“anyone”").is_some(), "the dropped coding's words are listed");
}
