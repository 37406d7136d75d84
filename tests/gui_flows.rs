//! The workbench's main flows, driven headless through egui_kittest: the real `WorkbenchApp::ui`
//! on a simulated screen, clicked and typed at like a user would, with assertions on its state
//! and on the project file.

use std::path::Path;

use egui_kittest::kittest::{NodeT, Queryable};
use fieldcode::coding::Command;
use fieldcode::gui::Action;

use crate::gui_support::{
    H, app, demo_with_selection, drag, first_paragraph, harness, message, open_demo, open_fn01, open_menu, settle,
};

#[test]
fn the_demo_study_opens_from_the_welcome_screen_and_lists_documents_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    let h = open_demo(dir.path());
    let wb = h.state().workbench.as_ref().expect("the demo is open");
    assert_eq!(wb.documents.len(), 32);
    assert!(h.query_by_label_contains("Field notes (24)").is_some());
    assert!(h.query_by_label_contains("Focus groups (3)").is_some());
    assert!(dir.path().join("demo.fieldcode").exists());
}

#[test]
fn clicking_a_document_opens_it_with_speakers_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    h.get_by_label_contains("Field notes (24)").click();
    h.run_steps(3);
    h.get_by_label("INT01-LW02").click();
    h.run_steps(3);
    let wb = h.state().workbench.as_ref().unwrap();
    let view = wb.view.as_ref().expect("a document is open");
    assert_eq!(view.name, "INT01-LW02");
    assert!(view.headings.iter().flatten().any(|hd| hd.speaker == "Interviewer"));
    let first = view.paragraph_text(0).to_owned();
    let shown: String = first.chars().take(30).collect();
    assert!(h.query_by_label_contains(&shown).is_some(), "the first paragraph is drawn as a label");
}

#[test]
fn dragging_over_text_selects_document_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_fn01(&mut h);
    let (first, rect) = first_paragraph(&h);
    let from = rect.left_top() + egui::vec2(1.0, 4.0);
    let to = rect.left_top() + egui::vec2(rect.width().min(300.0), 4.0);
    drag(&mut h, from, to);
    let wb = h.state().workbench.as_ref().unwrap();
    let span = wb.selection.expect("dragging selects text");
    let para = wb.view.as_ref().unwrap().paragraphs[0];
    assert_eq!(span.start, para.start);
    assert!(span.end > span.start + 5, "{span:?}");
    assert!(first.starts_with(wb.selected_text().unwrap()));
}

fn expect_refused(path: &Path, expected: &str) {
    let before = std::fs::read(path).unwrap();
    let mut h = harness(app());
    h.state_mut().queue(Action::OpenProject(path.to_path_buf()));
    settle(&mut h);
    assert!(h.state().workbench.is_none(), "nothing opens");
    let text = message(&h);
    assert!(text.contains(expected), "message {text:?} should say {expected:?}");
    assert!(h.query_by_label_contains(expected).is_some(), "the message is shown in the window");
    assert_eq!(std::fs::read(path).unwrap(), before, "the file is unchanged");
}

#[test]
fn opening_a_file_that_is_not_a_project_shows_why_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.fieldcode");
    std::fs::write(&path, "just some notes\n").unwrap();
    expect_refused(&path, "not a Fieldcode project");
}

#[test]
fn opening_a_project_from_a_newer_fieldcode_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.fieldcode");
    drop(fieldcode::Project::create(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", fieldcode::store::migrate::SCHEMA_VERSION + 5).unwrap();
    drop(conn);
    expect_refused(&path, "made by a newer Fieldcode");
}

#[test]
fn opening_a_locked_project_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.fieldcode");
    drop(fieldcode::Project::create(&path).unwrap());
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let mut h = harness(app());
    h.state_mut().queue(Action::OpenProject(path.clone()));
    settle(&mut h);
    assert!(h.state().workbench.is_none());
    assert!(message(&h).contains("in use by another program"), "{}", message(&h));
    holder.execute_batch("ROLLBACK;").unwrap();
}

#[test]
fn the_document_filter_narrows_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    h.state_mut().workbench.as_mut().unwrap().filter.text = "gp-surgery".into();
    h.run_steps(2);
    assert!(h.query_by_label("FN02-gp-surgery").is_some());
    assert!(h.query_by_label("FN01-provider-office").is_none());
}

fn code_count(h: &H, code: i64) -> usize {
    let wb = h.state().workbench.as_ref().unwrap();
    let in_list = wb.code(code).map(|c| c.codings).unwrap_or(0);
    let stored =
        fieldcode::store::codes::list(wb.project.conn()).unwrap().into_iter().find(|c| c.id == code).map(|c| c.codings);
    assert_eq!(Some(in_list), stored, "the codebook panel shows what the project holds");
    in_list
}

#[test]
fn a_number_key_applies_a_quick_code_and_undo_redo_go_through_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_with_selection(dir.path());
    let code = h.state().workbench.as_ref().unwrap().quick.code(0).unwrap();
    let span = h.state().workbench.as_ref().unwrap().selection.unwrap();
    let before = code_count(&h, code);
    h.key_press(egui::Key::Num1);
    h.run_steps(2);
    assert_eq!(code_count(&h, code), before + 1);
    let view = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap();
    assert!(
        view.codings
            .iter()
            .any(|c| c.code_id == code && c.start == span.start && c.end == span.end && c.coder == "tester")
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    assert_eq!(code_count(&h, code), before, "undone");
    h.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::Z);
    h.run_steps(2);
    assert_eq!(code_count(&h, code), before + 1, "redone");
}

#[test]
fn clicking_a_code_applies_it_and_clicking_the_highlight_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_with_selection(dir.path());
    let code = h.state().workbench.as_ref().unwrap().codes.iter().find(|c| c.name == "Doors and badges").unwrap().id;
    let before = code_count(&h, code);
    h.get_by_label("Doors and badges").click();
    h.run_steps(2);
    assert_eq!(code_count(&h, code), before + 1);
    let span = h.state().workbench.as_ref().unwrap().selection.unwrap();
    h.state_mut().queue(Action::InspectAt(span.start + 1));
    h.run_steps(2);
    let inspection = h.state().workbench.as_ref().unwrap().inspection.clone().expect("codings under the click");
    assert!(inspection.codings.iter().any(|c| c.code_id == code));
    let inspector = h
        .query_all_by_label_contains("Working in liminal spaces/Doors and badges")
        .any(|n| !n.accesskit_node().label().is_some_and(|l| l.starts_with("Stripe: ")));
    assert!(inspector, "the inspector names the code");
    let coding = inspection.codings.iter().find(|c| c.code_id == code).unwrap().id;
    h.state_mut().queue(Action::Edit(Command::RemoveCodings { codings: vec![coding] }));
    h.run_steps(2);
    assert_eq!(code_count(&h, code), before, "removed from the highlight's window");
}

#[test]
fn a_new_code_is_created_from_the_codebook_box_and_in_vivo_from_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_with_selection(dir.path());
    let codes_before = h.state().workbench.as_ref().unwrap().codes.len();
    let field = h.get_by_label("New code");
    field.focus();
    field.type_text("Fieldwork ethics/Consent");
    h.run_steps(1);
    h.get_by_label("Add").click();
    h.run_steps(2);
    let wb = h.state().workbench.as_ref().unwrap();
    assert_eq!(wb.codes.len(), codes_before + 2, "theme and code created");
    assert!(wb.codes.iter().any(|c| c.path == "Fieldwork ethics/Consent"));
    let selected = wb.selected_text().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    h.run_steps(2);
    let wb = h.state().workbench.as_ref().unwrap();
    let in_vivo =
        wb.codes.iter().find(|c| selected.starts_with(c.name.as_str()) && c.parent_id.is_none()).expect("in-vivo code");
    assert_eq!(in_vivo.codings, 1);
}

#[test]
fn merging_two_codes_moves_the_codings() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let find = |h: &H, name: &str| {
        h.state().workbench.as_ref().unwrap().codes.iter().find(|c| c.name == name).map(|c| (c.id, c.codings))
    };
    let (from, from_n) = find(&h, "Doors and badges").unwrap();
    let (into, into_n) = find(&h, "No room of one's own").unwrap();
    h.get_by_label("Doors and badges").click_secondary();
    h.run_steps(2);
    h.get_by_label("Merge into…").hover();
    h.run_steps(2);
    h.get_by_label("Working in liminal spaces/No room of one's own").click();
    h.run_steps(2);
    assert!(find(&h, "Doors and badges").is_none(), "merged code is gone");
    let (_, merged) = find(&h, "No room of one's own").unwrap();
    assert!(merged > into_n && merged <= into_n + from_n, "{merged} codings after merging {from_n} into {into_n}");
    assert_eq!(code_count(&h, into), merged);
    let _ = from;
}

/// Opens the demo's analysis view from the View menu and waits for the corpus to load.
fn demo_analysis(dir: &Path) -> H {
    let mut h = open_demo(dir);
    open_menu(&mut h, "View", "Analysis");
    assert!(h.state().workbench.as_ref().unwrap().analysis.computed.is_some(), "the analysis is computed");
    h
}

fn set_grouping(h: &mut H, grouping: Option<&str>) {
    h.state_mut().workbench.as_mut().unwrap().analysis.options.grouping = grouping.map(str::to_owned);
    settle(h);
}

fn matrices_shown(h: &H) -> usize {
    h.state().workbench.as_ref().unwrap().analysis.computed.as_ref().unwrap().cooccurrence.groups.len()
}

#[test]
fn a_cooccurrence_cell_grouped_by_site_leads_to_its_excerpts_in_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_analysis(dir.path());
    set_grouping(&mut h, Some("site"));
    // The first non-zero cell of the first site's matrix, found by the label a screen reader reads.
    let label = {
        let analysis = &h.state().workbench.as_ref().unwrap().analysis;
        let (corpus, computed) = (analysis.corpus().unwrap(), analysis.computed.as_ref().unwrap());
        let group = &computed.cooccurrence.groups[0];
        let (a, b) = computed
            .shown
            .iter()
            .flat_map(|&a| computed.shown.iter().map(move |&b| (a, b)))
            .find(|&(a, b)| group.count.get(a, b) > 0)
            .expect("the first site has co-occurring themes");
        let path = |c: u32| corpus.codes[c as usize].path.clone();
        format!("{}: {} × {} = {}", group.label, path(a), path(b), group.count.get(a, b))
    };
    h.get_by_label(&label).click();
    h.run_steps(3);
    let first = {
        let picked = h.state().workbench.as_ref().unwrap().analysis.picked.clone().expect("the cell was drilled");
        assert!(!picked.rows.is_empty() && picked.total >= picked.rows.len());
        picked.rows[0].clone()
    };
    let quote: String = first.a[0].text.chars().take(140).collect();
    let button = format!("{}: “{quote}”", first.a[0].code);
    h.get_all_by_label(&button).next().expect("the excerpt is listed").click();
    h.run_steps(3);
    let wb = h.state().workbench.as_ref().unwrap();
    assert_eq!(wb.centre, fieldcode::gui::workbench::Centre::Document);
    let view = wb.view.as_ref().expect("the document opened");
    assert_eq!(view.id, first.document);
    assert_eq!(view.name, first.document_name);
    let span = wb.selection.expect("the coding's span is selected");
    assert_eq!((span.start, span.end), (first.a[0].start, first.a[0].end));
    assert_eq!(wb.selected_text(), Some(first.a[0].text.as_str()));
}

#[test]
fn switching_the_grouping_changes_the_number_of_matrices() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_analysis(dir.path());
    assert_eq!(matrices_shown(&h), 1);
    set_grouping(&mut h, Some("provider"));
    let providers = matrices_shown(&h);
    set_grouping(&mut h, Some("site"));
    let sites = matrices_shown(&h);
    assert!(providers >= 2, "{providers}");
    assert!(sites > providers, "{sites} sites vs {providers} providers");
    let titles = h.query_all_by_label_contains(" codings)").count();
    assert_eq!(titles, sites, "one matrix title per site is drawn");
    set_grouping(&mut h, None);
    assert_eq!(matrices_shown(&h), 1);
}

#[test]
fn the_shown_matrix_is_exported_as_csv_next_to_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_analysis(dir.path());
    set_grouping(&mut h, Some("provider"));
    h.state_mut().queue(Action::ExportMatrix(dir.path().join("m.csv")));
    h.run_steps(2);
    let csv = std::fs::read_to_string(dir.path().join("m.csv")).expect("the CSV is written");
    let shown = h.state().workbench.as_ref().unwrap().analysis.computed.as_ref().unwrap().shown.len();
    let mut lines = csv.lines();
    let rules = lines.next().unwrap();
    assert!(
        rules.starts_with("# unit: overlap; measure: count; coders: all (identical spans once); by: provider"),
        "{rules}"
    );
    assert!(lines.next().unwrap().starts_with("provider,code,"));
    // Each provider's matrix, then the pairs across providers.
    assert_eq!(lines.count(), shown * (matrices_shown(&h) + 1));
    assert!(message(&h).contains("m.csv"), "{}", message(&h));
}
