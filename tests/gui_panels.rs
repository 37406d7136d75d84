//! The workbench's panels and dialogs (Describe…, Split…, memos, search and autocode, history
//! and snapshots, chart export), driven headless through egui_kittest on the demo study: each
//! test clicks and types like a user, then checks the project through the library, and that
//! Ctrl+Z reverts the change.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use fieldcode::coding::{self, MemoTarget};
use fieldcode::gui::Action;
use fieldcode::model::CodeNode;
use fieldcode::store::codes;

use crate::gui_support::{
    H, app, click_visible, conn, context_menu, message, open_demo_with, open_menu, settle, type_into,
};

fn harness(dir: &std::path::Path) -> H {
    open_demo_with(dir, app(), egui::vec2(1280.0, 900.0))
}

/// The code as the project stores it now.
fn stored(h: &H, name: &str) -> Option<CodeNode> {
    codes::list(conn(h)).unwrap().into_iter().find(|c| c.name == name)
}

fn create_code(path: &str) -> Action {
    Action::Edit(coding::Command::CreateCode { parent: None, path: path.into(), color: None, description: None })
}

fn undo(h: &mut H) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
}

/// Opens the combo box showing `value`.
fn combo(h: &mut H, value: &str) {
    h.get_all_by_role(Role::ComboBox).find(|n| n.value().as_deref() == Some(value)).unwrap().click();
    h.run_steps(2);
}

#[test]
fn describe_sets_the_definition_fields_and_undo_restores_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    let before = stored(&h, "Doors and badges").unwrap();
    context_menu(&mut h, "Doors and badges", "Describe…");
    assert!(h.state().panels.describe.is_some(), "the dialog opened");
    type_into(&mut h, "Inclusion criteria", " Include swipe cards.");
    type_into(&mut h, "Example", " 'I waited at the door for ten minutes'");
    h.get_by_label("Save description").click();
    h.run_steps(3);
    let after = stored(&h, "Doors and badges").unwrap();
    assert!(after.inclusion.contains("Include swipe cards."), "{:?}", after.inclusion);
    assert!(after.example.contains("waited at the door"), "{:?}", after.example);
    assert_eq!(after.description, before.description, "untouched fields stay");
    assert!(h.state().panels.describe.is_none(), "Save closes the dialog");
    let entry = coding::history(conn(&h)).unwrap().pop().unwrap();
    assert_eq!(entry.kind, "describe-code");
    assert!(entry.summary.contains("inclusion, example"), "{}", entry.summary);
    undo(&mut h);
    let undone = stored(&h, "Doors and badges").unwrap();
    assert_eq!((undone.inclusion, undone.example), (before.inclusion, before.example));
}

#[test]
fn split_moves_the_ticked_codings_to_a_new_sibling_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    let source = stored(&h, "Doors and badges").unwrap();
    assert!(source.codings >= 3, "the demo code has codings to split");
    context_menu(&mut h, "Doors and badges", "Split…");
    type_into(&mut h, "New code name", "Swipe cards");
    let boxes: Vec<_> = h.get_all_by_role(Role::CheckBox).take(2).collect();
    assert_eq!(boxes.len(), 2);
    for b in boxes {
        b.click();
    }
    h.run_steps(2);
    let chosen = h.state().panels.split.as_ref().unwrap().chosen.clone();
    assert_eq!(chosen.len(), 2);
    h.get_by_label("Split").click();
    h.run_steps(3);
    let new = stored(&h, "Swipe cards").expect("the new code exists");
    assert_eq!(new.parent_id, source.parent_id, "a sibling of the split code");
    assert_eq!(new.codings, 2);
    assert_eq!(stored(&h, "Doors and badges").unwrap().codings, source.codings - 2);
    let moved = fieldcode::store::codings::list(
        conn(&h),
        &fieldcode::store::codings::CodingFilter { codes: Some(vec![new.id]), ..Default::default() },
    )
    .unwrap();
    assert_eq!(moved.iter().map(|c| c.id).collect::<std::collections::BTreeSet<_>>(), chosen);
    let split = h.state().panels.split.as_ref().expect("the dialog stays open for another split");
    assert!(split.name.is_empty() && split.chosen.is_empty());
    undo(&mut h);
    assert!(stored(&h, "Swipe cards").is_none(), "undo removes the new code");
    assert_eq!(stored(&h, "Doors and badges").unwrap().codings, source.codings);
}

#[test]
fn memos_on_the_document_and_the_project_are_written_and_edited() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.get_by_label("FN01-provider-office").click();
    h.run_steps(3);
    open_menu(&mut h, "View", "Memos");
    let doc = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap().id;
    let on_doc = |h: &H| coding::memos::list(conn(h), Some(MemoTarget::Document(doc))).unwrap();
    let before = on_doc(&h).len();
    type_into(&mut h, "New memo on FN01-provider-office", "Hot-desking shapes who gets referred.");
    h.get_by_label("Add memo on FN01-provider-office").click();
    h.run_steps(3);
    let memos = on_doc(&h);
    assert_eq!(memos.len(), before + 1);
    let memo = memos.last().unwrap().clone();
    assert_eq!(memo.body, "Hot-desking shapes who gets referred.");
    assert_eq!(memo.author, "tester");
    type_into(&mut h, "New memo on the project", "Project-wide: revisit the codebook in March.");
    h.get_by_label("Add memo on the project").click();
    h.run_steps(3);
    let project = coding::memos::list(conn(&h), Some(MemoTarget::Project)).unwrap();
    assert!(project.iter().any(|m| m.body == "Project-wide: revisit the codebook in March."));
    // A saved memo reads as rendered Markdown until Edit turns it into fields.
    assert!(h.query_by_label(&format!("Memo #{}", memo.id)).is_none());
    click_visible(&mut h, &format!("Edit memo #{}", memo.id));
    type_into(&mut h, &format!("Memo #{}", memo.id), " Check with LW02.");
    click_visible(&mut h, &format!("Save memo #{}", memo.id));
    h.run_steps(3);
    let edited = on_doc(&h).into_iter().find(|m| m.id == memo.id).unwrap();
    assert!(edited.body.contains("Check with LW02.") && edited.body.contains("Hot-desking"), "{}", edited.body);
    undo(&mut h);
    let reverted = on_doc(&h).into_iter().find(|m| m.id == memo.id).unwrap();
    assert_eq!(reverted.body, memo.body, "undo restores the memo text");
    assert!(
        h.query_by_label_contains("Check with LW02.").is_none(),
        "the panel shows the restored text after the undo"
    );
}

#[test]
fn search_hits_are_listed_in_context_and_open_their_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    open_menu(&mut h, "View", "Search and autocode");
    type_into(&mut h, "Search for", "waiting list");
    h.get_by_label("Search").click();
    settle(&mut h);
    let expected = coding::search::words(conn(&h), "waiting list").unwrap();
    let (_, hits) = h.state().panels.search.as_ref().unwrap().hits.clone().expect("the search ran");
    assert_eq!(hits, expected);
    assert!(!hits.is_empty());
    let first = &hits[0];
    let label = format!("{}  …{}", first.document, first.left);
    h.get_all_by_label_contains(&label).next().unwrap().click();
    h.run_steps(3);
    let wb = h.state().workbench.as_ref().unwrap();
    assert_eq!(wb.view.as_ref().unwrap().id, first.document_id);
    let span = wb.selection.expect("the hit is selected");
    assert_eq!((span.start, span.end), (first.start, first.end));
    assert!(wb.selected_text().unwrap().eq_ignore_ascii_case(&first.matched));
}

#[test]
fn a_regular_expression_search_honours_the_case_option() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    open_menu(&mut h, "View", "Search and autocode");
    h.get_by_label("Regular expression").click();
    h.get_by_label("Ignore case").click();
    h.run_steps(2);
    type_into(&mut h, "Search for", "Surgery");
    h.get_by_label("Search").click();
    settle(&mut h);
    let sensitive = coding::search::regex(conn(&h), "Surgery", false).unwrap();
    let insensitive = coding::search::regex(conn(&h), "Surgery", true).unwrap();
    assert!(insensitive.len() > sensitive.len(), "the demo has 'surgery' in lower case too");
    let (_, hits) = h.state().panels.search.as_ref().unwrap().hits.clone().unwrap();
    assert_eq!(hits, sensitive);
    assert!(!hits.is_empty() && hits.iter().all(|h| h.matched == "Surgery"));
}

#[test]
fn cancelling_a_search_frees_the_workbench_and_drops_its_result() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    open_menu(&mut h, "View", "Search and autocode");
    h.state_mut().queue(Action::Search { query: "surgery".into(), regex: false, ignore_case: true });
    h.state_mut().queue(Action::CancelJob);
    h.run_steps(2);
    assert!(!h.state().is_busy(), "Cancel lets go of the search at once");
    assert_eq!(message(&h), "Search cancelled.");
    std::thread::sleep(std::time::Duration::from_millis(300));
    h.run_steps(3);
    assert!(h.state().panels.search.as_ref().unwrap().hits.is_none(), "the dropped search shows nothing");
    type_into(&mut h, "Search for", "surgery");
    h.get_by_label("Search").click();
    settle(&mut h);
    assert!(h.state().panels.search.as_ref().unwrap().hits.is_some(), "a new search runs");
}

#[test]
fn autocode_previews_then_applies_one_undoable_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    // The first code of the codebook's first theme: at the top of the code list, so on screen.
    let code = codes::list(conn(&h)).unwrap().into_iter().find(|c| c.parent_id.is_some()).unwrap();
    open_menu(&mut h, "View", "Search and autocode");
    type_into(&mut h, "Search for", "badge*");
    combo(&mut h, "choose a code");
    h.get_by_label(&code.path).click();
    h.run_steps(2);
    combo(&mut h, "match");
    h.get_by_label("sentence").click();
    h.run_steps(2);
    let before = coding::history(conn(&h)).unwrap().len();
    h.get_by_label("Preview").click();
    settle(&mut h);
    assert_eq!(coding::history(conn(&h)).unwrap().len(), before, "a preview changes nothing");
    let rule = h.state().panels.search.as_ref().unwrap().rule().unwrap();
    let expected = coding::autocode::find_hits(
        conn(&h),
        &rule,
        &coding::autocode::Scope::default(),
        coding::units::Unit::Sentence,
    )
    .unwrap();
    let preview = h.state().panels.search.as_ref().unwrap().preview.clone().expect("previewed");
    assert_eq!(preview.hits, expected);
    assert!(!expected.is_empty());
    assert!(h.query_by_label_contains(&format!("Preview: {} hits", expected.len())).is_some());
    let spans = coding::autocode::spans_of(&expected, code.id);
    let existing = stored(&h, &code.name).unwrap().codings;
    h.get_by_label(&format!("Apply: code {} spans", spans.len())).click();
    h.run_steps(3);
    let after = stored(&h, &code.name).unwrap().codings;
    assert!(after > existing && after <= existing + spans.len(), "{existing} -> {after}");
    let entries = coding::history(conn(&h)).unwrap();
    assert_eq!(entries.len(), before + 1, "one history entry");
    assert_eq!(entries.last().unwrap().kind, "autocode");
    undo(&mut h);
    assert_eq!(stored(&h, &code.name).unwrap().codings, existing, "one undo reverts the run");
}

#[test]
fn the_history_lists_changes_newest_first_and_undoes_and_takes_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.state_mut().queue(create_code("Ethics/Consent"));
    h.run_steps(3);
    open_menu(&mut h, "View", "History and snapshots");
    let panel = h.state().panels.history.as_ref().expect("the panel opened");
    let stored_history = coding::history(conn(&h)).unwrap();
    assert_eq!(panel.entries.len(), stored_history.len());
    assert_eq!(panel.entries[0], *stored_history.last().unwrap(), "newest first");
    h.state_mut().queue(Action::DismissMessage);
    h.run_steps(2);
    assert!(h.query_by_label_contains(&stored_history.last().unwrap().summary).is_some());
    type_into(&mut h, "Snapshot name", "before consent");
    h.get_by_label("Take snapshot").click();
    h.run_steps(3);
    let snaps = coding::snapshot::list(conn(&h)).unwrap();
    assert_eq!(snaps.last().unwrap().name, "before consent");
    h.state_mut().queue(create_code("Ethics/Anonymity"));
    h.run_steps(3);
    h.get_by_label("Compare before consent with now").click();
    h.run_steps(3);
    let diff = h.state().panels.history.as_ref().unwrap().diff.clone().expect("the diff is shown");
    assert_eq!(diff, coding::snapshot::diff(conn(&h), "before consent", None).unwrap());
    assert!(diff.added.iter().any(|c| c.path == "Ethics/Anonymity"));
    assert!(h.query_by_label("added Ethics/Anonymity (0 codings)").is_some());
    h.get_by_label("Undo last change").click();
    h.run_steps(3);
    assert!(stored(&h, "Anonymity").is_none(), "undone from the panel");
    let panel = h.state().panels.history.as_ref().unwrap();
    assert_eq!(panel.entries[0].state, coding::EntryState::Undone);
    assert!(panel.diff.as_ref().unwrap().added.is_empty(), "the diff follows the undo");
    h.get_by_label("Redo").click();
    h.run_steps(3);
    assert!(stored(&h, "Anonymity").is_some(), "redone from the panel");
}

#[test]
fn exporting_a_chart_outside_the_analysis_view_says_what_to_do_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    let path = dir.path().join("heatmap.png");
    h.state_mut().queue(Action::ExportChart { chart: fieldcode::gui::chart_png::Chart::Heatmap, path: path.clone() });
    h.run_steps(3);
    assert!(message(&h).contains("Open the analysis view"), "{}", message(&h));
    assert!(!path.exists());
}
