//! File questions without a system dialog: on a desktop with no portal and no `zenity` (and in
//! these headless tests, which have no display) Fieldcode's own chooser opens in the window, so
//! a click on Open…, Import… or Save a copy… always answers.

use egui_kittest::kittest::Queryable;

use crate::gui_support::*;

#[test]
fn save_a_copy_without_a_system_dialog_uses_the_in_window_chooser() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_menu(&mut h, "File", "Save a copy…");
    assert!(h.state().chooser.is_some(), "the in-window chooser opened");
    // It proposes the copy's name beside the project; saving writes it there.
    h.get_by_label("Save").click();
    settle(&mut h);
    assert!(h.state().chooser.is_none(), "the chooser closed after saving");
    let copy = dir.path().join("demo-copy.fieldcode");
    assert!(copy.is_file(), "the copy was written: {}", message(&h));
    assert!(message(&h).contains("demo-copy.fieldcode"), "{}", message(&h));
}

#[test]
fn cancelling_the_in_window_chooser_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_menu(&mut h, "File", "Save a copy…");
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert!(h.state().chooser.is_none());
    assert!(!dir.path().join("demo-copy.fieldcode").exists());
}

#[test]
fn import_through_the_in_window_chooser_imports_the_picked_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    std::fs::write(dir.path().join("extra-note.txt"), "Visited the practice on Tuesday. The waiting room was full.\n")
        .unwrap();
    open_menu(&mut h, "File", "Import files…");
    assert!(h.state().chooser.is_some());
    h.get_by_label_contains("extra-note.txt").click();
    h.run_steps(2);
    h.get_by_label("Open").click();
    settle(&mut h);
    confirm_import(&mut h);
    let n: i64 =
        conn(&h).query_row("SELECT count(*) FROM document WHERE name = 'extra-note'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1, "{}", message(&h));
}
