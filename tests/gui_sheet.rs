//! The classification sheet on the demo study, driven as a user would: a cell is edited with a
//! click, typing and Enter, and Undo takes it back; Esc cancels; a column is renamed from its
//! header's menu and the rename undoes; a new column filled down is one undo step; the GUI's
//! CSV export is byte for byte the CLI's; a sheet file imports as one undoable step.

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use fieldcode::gui::workbench::Centre;

use crate::gui_support::*;
use crate::util::{fieldcode_in, s};

/// The demo open with the classification sheet shown (participants first).
fn demo_sheet(dir: &std::path::Path) -> H {
    let mut h = open_demo(dir);
    open_menu(&mut h, "View", "Classification sheet");
    assert_eq!(h.state().workbench.as_ref().unwrap().centre, Centre::Sheet);
    h
}

/// A participant's value of an attribute in the project file (`None`: no value).
fn participant_value(h: &H, label: &str, attribute: &str) -> Option<String> {
    conn(h)
        .query_row(
            "SELECT v.value FROM participant_attribute v JOIN participant p ON p.id = v.participant_id
             JOIN attribute a ON a.id = v.attribute_id WHERE p.label = ?1 AND a.name = ?2",
            [label, attribute],
            |r| r.get(0),
        )
        .ok()
}

fn history_len(h: &H) -> i64 {
    conn(h).query_row("SELECT count(*) FROM history", [], |r| r.get(0)).unwrap()
}

fn last_history_kind(h: &H) -> String {
    conn(h).query_row("SELECT kind FROM history ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).unwrap()
}

/// Clicks a cell, types `text` over its value and presses `key` (Enter saves, Esc cancels).
fn edit_cell(h: &mut H, column: &str, owner: &str, text: &str, key: Key) {
    h.get_by_label_contains(&format!("{column} of {owner}:")).click();
    h.run_steps(3);
    let editing = h.state().workbench.as_ref().unwrap().sheet.editing.clone();
    assert!(editing.is_some_and(|e| e.cell.owner == owner && e.cell.column == column), "the cell is being edited");
    h.get_by_label(&format!("Edit {column} of {owner}")).type_text(text);
    h.run_steps(2);
    h.key_press(key);
    settle(h);
}

#[test]
fn edit_a_classification_cell_and_undo_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_sheet(dir.path());
    assert_eq!(participant_value(&h, "LW01", "role").as_deref(), Some("link worker"));
    let entries = history_len(&h);

    edit_cell(&mut h, "role", "LW01", "service manager", Key::Enter);
    assert_eq!(participant_value(&h, "LW01", "role").as_deref(), Some("service manager"), "{}", message(&h));
    assert_eq!(history_len(&h), entries + 1, "one edit is one history entry");
    assert_eq!(last_history_kind(&h), "set-attributes");
    h.get_by_label_contains("role of LW01: service manager");

    open_menu(&mut h, "Edit", "Undo");
    assert_eq!(participant_value(&h, "LW01", "role").as_deref(), Some("link worker"), "{}", message(&h));
    h.get_by_label_contains("role of LW01: link worker");

    // Esc leaves the value as it was and records nothing.
    let entries = history_len(&h);
    edit_cell(&mut h, "role", "LW02", "nobody", Key::Escape);
    assert_eq!(participant_value(&h, "LW02", "role").as_deref(), Some("link worker"));
    assert_eq!(history_len(&h), entries);
    assert!(h.state().workbench.as_ref().unwrap().sheet.editing.is_none());
}

#[test]
fn rename_an_attribute_from_its_header_and_undo_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_sheet(dir.path());
    h.get_by_label("provider").click_secondary();
    h.run_steps(2);
    h.get_by_label("Rename…").click();
    h.run_steps(3);
    type_into(&mut h, "Rename the column \"provider\" to", "organisation");
    h.get_by_label("Rename").click();
    settle(&mut h);
    assert_eq!(participant_value(&h, "LW06", "organisation").as_deref(), Some("Riverside Community Partnership"));
    assert_eq!(participant_value(&h, "LW06", "provider"), None);
    assert_eq!(last_history_kind(&h), "rename-attribute");
    h.get_by_label_contains("organisation of LW06:");

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(participant_value(&h, "LW06", "provider").as_deref(), Some("Riverside Community Partnership"));
    h.get_by_label_contains("provider of LW06:");

    // A name another column has is refused in the view, and nothing is written.
    let entries = history_len(&h);
    h.get_by_label("provider").click_secondary();
    h.run_steps(2);
    h.get_by_label("Rename…").click();
    h.run_steps(3);
    type_into(&mut h, "Rename the column \"provider\" to", "Role");
    h.get_by_label("Rename").click();
    settle(&mut h);
    assert_eq!(history_len(&h), entries);
    let note = h.state().workbench.as_ref().unwrap().sheet.note.clone().unwrap_or_default();
    assert!(note.contains("already"), "{note}");
}

#[test]
fn a_new_column_filled_down_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_sheet(dir.path());
    type_into(&mut h, "New attribute", "cohort");
    h.get_by_label("Add column").click();
    h.run_steps(3);
    // Only the link workers, sorted by name.
    type_into(&mut h, "Filter rows", "link worker");
    let (first, shown) = {
        let sheet = &h.state().workbench.as_ref().unwrap().sheet;
        let rows = sheet.visible();
        (sheet.grid().rows[rows[0]].owner.clone(), rows.len())
    };
    assert_eq!((first.as_str(), shown), ("LW01", 15));
    edit_cell(&mut h, "cohort", "LW01", "2024", Key::Enter);
    assert_eq!(participant_value(&h, "LW01", "cohort").as_deref(), Some("2024"), "{}", message(&h));

    h.get_by_label_contains("cohort of LW01:").click();
    h.run_steps(2);
    h.get_by_label("Fill down").click();
    settle(&mut h);
    let count = |h: &H| -> i64 {
        conn(h)
            .query_row(
                "SELECT count(*) FROM participant_attribute v JOIN attribute a ON a.id = v.attribute_id
                 WHERE a.name = 'cohort' AND v.value = '2024'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(count(&h), 15, "every link worker shown, and no one the filter hides: {}", message(&h));
    assert_eq!(participant_value(&h, "TL1", "cohort"), None);

    open_menu(&mut h, "Edit", "Undo");
    assert_eq!(count(&h), 1, "one undo takes the whole fill back");
    open_menu(&mut h, "Edit", "Undo");
    assert_eq!(count(&h), 0);
}

#[test]
fn the_sheet_exported_from_the_window_is_the_clis_file_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_sheet(dir.path());
    edit_cell(&mut h, "years_in_post", "LW03", "2, then \"more\"", Key::Enter);
    let project = dir.path().join("demo.fieldcode");
    let tabs = {
        let wb = h.state().workbench.as_ref().unwrap();
        [format!("{} participants", wb.participants.len()), format!("{} documents", wb.documents.len())]
    };
    for (tab, scope, file) in [(&tabs[0], "participant", "participants"), (&tabs[1], "document", "documents")] {
        h.get_by_label(tab).click();
        h.run_steps(2);
        open_menu(&mut h, "View", "Export the classification sheet…");
        assert!(h.state().chooser.is_some(), "the in-window chooser opened");
        h.get_by_label("Save").click();
        settle(&mut h);
        let gui = dir.path().join(format!("demo-{file}.csv"));
        assert!(gui.is_file(), "{}", message(&h));
        let cli = dir.path().join(format!("cli-{file}.csv"));
        fieldcode_in(dir.path(), &["attributes", s(&project), s(&cli), "--export", scope]).ok();
        assert_eq!(std::fs::read(&gui).unwrap(), std::fs::read(&cli).unwrap(), "the {scope} sheets differ");
    }
    let people = std::fs::read_to_string(dir.path().join("demo-participants.csv")).unwrap();
    assert!(people.starts_with("participant,provider,role,years_in_post\n"), "{people}");
    assert!(people.contains("LW03,Northfield Wellbeing,link worker,\"2, then \"\"more\"\"\"\n"), "{people}");
    let docs = std::fs::read_to_string(dir.path().join("demo-documents.csv")).unwrap();
    assert!(docs.starts_with("document,"), "{docs}");
    assert!(docs.lines().count() > 24, "every document: {docs}");
}

#[test]
fn importing_a_sheet_sets_its_values_as_one_undoable_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_sheet(dir.path());
    std::fs::write(dir.path().join("people-sheet.csv"), "participant,role,cohort\nLW01,manager,A\nNEW01,volunteer,B\n")
        .unwrap();
    let entries = history_len(&h);
    open_menu(&mut h, "View", "Import a classification sheet…");
    h.get_by_label_contains("people-sheet.csv").click();
    h.run_steps(2);
    h.get_by_label("Open").click();
    settle(&mut h);
    assert_eq!(participant_value(&h, "LW01", "role").as_deref(), Some("manager"), "{}", message(&h));
    assert_eq!(participant_value(&h, "NEW01", "cohort").as_deref(), Some("B"));
    assert_eq!(history_len(&h), entries + 1, "the whole file is one entry");
    h.get_by_label_contains("cohort of NEW01: B");

    open_menu(&mut h, "Edit", "Undo");
    assert_eq!(participant_value(&h, "LW01", "role").as_deref(), Some("link worker"));
    let new: i64 =
        conn(&h).query_row("SELECT count(*) FROM participant WHERE label = 'NEW01'", [], |r| r.get(0)).unwrap();
    assert_eq!(new, 0, "the participant the sheet created is gone");
    assert!(h.query_by_label_contains("cohort of").is_none(), "the column went with its values");
}

#[test]
fn attributes_in_a_documents_menu_opens_the_sheet_on_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    h.get_by_label("FN01-provider-office").click_secondary();
    h.run_steps(2);
    h.get_by_label("Attributes…").click();
    h.run_steps(3);
    let wb = h.state().workbench.as_ref().unwrap();
    assert_eq!(wb.centre, Centre::Sheet);
    assert_eq!(wb.sheet.tab, fieldcode::gui::sheet_state::Tab::Documents);
    assert_eq!(wb.sheet.selected.as_ref().map(|c| c.owner.as_str()), Some("FN01-provider-office"));
}

#[test]
fn a_header_sorts_its_menu_filters_and_shift_click_fills_a_range() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_sheet(dir.path());
    let shown = |h: &H| -> Vec<String> {
        let sheet = &h.state().workbench.as_ref().unwrap().sheet;
        sheet.visible().into_iter().map(|i| sheet.grid().rows[i].owner.clone()).collect()
    };
    h.get_by_label("years_in_post").click();
    h.run_steps(2);
    assert_eq!(shown(&h)[..3], ["LW08", "LW13", "LW05"], "by years, as numbers");
    h.get_by_label("provider").click_secondary();
    h.run_steps(2);
    h.get_by_label("Show only…").click();
    h.run_steps(2);
    h.get_by_label("Riverside Community Partnership").click();
    h.run_steps(3);
    assert_eq!(shown(&h), ["LW08", "LW10", "LW09", "LW06", "TL2", "LW12", "LW07", "LW14"]);
    h.get_by_label("provider = Riverside Community Partnership  ×");

    type_into(&mut h, "New attribute", "cohort");
    h.get_by_label("Add column").click();
    h.run_steps(3);
    edit_cell(&mut h, "cohort", "LW10", "spring", Key::Enter);
    h.get_by_label_contains("cohort of LW10:").click();
    h.run_steps(2);
    h.get_by_label_contains("cohort of LW06:").click_modifiers(Modifiers::SHIFT);
    h.run_steps(2);
    let entries = history_len(&h);
    h.get_by_label("Fill down").click();
    settle(&mut h);
    let cohort: Vec<String> = ["LW08", "LW10", "LW09", "LW06", "TL2"]
        .iter()
        .map(|p| participant_value(&h, p, "cohort").unwrap_or_default())
        .collect();
    assert_eq!(cohort, ["", "spring", "spring", "spring", ""], "only the range LW10 to LW06: {}", message(&h));
    assert_eq!(history_len(&h), entries + 1);

    // The chip shows every row again.
    h.get_by_label("provider = Riverside Community Partnership  ×").click();
    h.run_steps(2);
    assert_eq!(shown(&h).len(), 19);
}
