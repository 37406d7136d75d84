//! Find and replace, Pseudonymise and the release copy in the window: each previews every hit
//! before anything changes, applies as one undoable change, and the release copy is scanned for
//! the real names of the Pseudonymise table.

use egui_kittest::kittest::Queryable;

use crate::gui_support::*;
use fieldcode::coding::{self, Command, Mode};
use fieldcode::gui::Action;

/// Documents whose text contains `needle`, and memos whose body does.
fn mentions(h: &H, needle: &str) -> (i64, i64) {
    let like = format!("%{needle}%");
    let docs = conn(h).query_row("SELECT count(*) FROM document WHERE text LIKE ?1", [&like], |r| r.get(0)).unwrap();
    let memos = conn(h).query_row("SELECT count(*) FROM memo WHERE body LIKE ?1", [&like], |r| r.get(0)).unwrap();
    (docs, memos)
}

#[test]
fn find_and_replace_previews_every_hit_then_replaces_them_in_one_undoable_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_menu(&mut h, "Edit", "Find and replace…");
    type_into(&mut h, "Find", "waiting list");
    type_into(&mut h, "Replace with", "waitlist");
    h.get_by_label("Whole words").click();
    h.run_steps(2);
    h.get_by_label("Preview").click();
    settle(&mut h);
    let expected = {
        let mut project = fieldcode::Project::open(dir.path().join("demo.fieldcode")).unwrap();
        let command = Command::ReplaceText {
            find: "waiting list".into(),
            regex: false,
            ignore_case: false,
            whole_word: true,
            with: "waitlist".into(),
            documents: vec![],
            kinds: vec![],
        };
        coding::text_ops::run(&mut project, "x", &command, Mode::DryRun).unwrap().value
    };
    let (_, report) = h.state().panels.replace.as_ref().unwrap().preview.clone().expect("the preview ran");
    assert_eq!(report, expected, "the window previews what the command would do");
    assert!(report.replacements > 0);
    let before = mentions(&h, "waiting list").0;
    click_visible(&mut h, "Replace all");
    assert!(mentions(&h, "waitlist").0 > 0, "{}", message(&h));
    assert!(mentions(&h, "waiting list").0 < before);
    h.state_mut().queue(Action::Undo);
    h.run_steps(3);
    assert_eq!(mentions(&h, "waiting list").0, before, "one undo restores every replacement");
    assert_eq!(mentions(&h, "waitlist").0, 0);
}

#[test]
fn pseudonymise_previews_applies_everywhere_and_undo_restores_the_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let before = mentions(&h, "Hollins Lane");
    assert!(before.0 > 0 && before.1 > 0, "the demo names Hollins Lane in texts and a memo");
    open_menu(&mut h, "Edit", "Pseudonymise…");
    type_into(&mut h, "Real name 1", "Hollins Lane");
    type_into(&mut h, "Pseudonym 1", "Practice A");
    h.get_by_label("Preview").click();
    settle(&mut h);
    let (rows, report) = h.state().panels.pseudonyms.as_ref().unwrap().preview.clone().expect("previewed");
    assert_eq!(rows, [("Hollins Lane".to_owned(), "Practice A".to_owned())]);
    assert!(report.names[0].hits > 0 && report.unmatched.is_empty());
    assert_eq!(mentions(&h, "Hollins Lane"), before, "a preview changes nothing");
    h.get_by_label("Pseudonymise the project").click();
    settle(&mut h);
    assert_eq!(mentions(&h, "Hollins Lane"), (0, 0), "{}", message(&h));
    assert!(mentions(&h, "Practice A").0 > 0);
    h.state_mut().queue(Action::Undo);
    h.run_steps(3);
    assert_eq!(mentions(&h, "Hollins Lane"), before);

    // The table is saved outside the project through the chooser, in the CLI's format.
    h.get_by_label("Save map CSV…").click();
    h.run_steps(5); // a new window is measured in its first frame and shown in the next
    h.get_by_label("Save").click();
    h.run_steps(3);
    let saved = std::fs::read_to_string(dir.path().join("names.csv")).unwrap();
    assert_eq!(saved, "real,pseudonym\nHollins Lane,Practice A\n");
}

#[test]
fn a_release_copy_is_refused_while_a_real_name_is_left_and_written_once_none_is() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_menu(&mut h, "Edit", "Pseudonymise…");
    type_into(&mut h, "Real name 1", "Hollins Lane");
    type_into(&mut h, "Pseudonym 1", "Practice A");
    let out = dir.path().join("demo-release.fieldcode");
    h.state_mut().queue(Action::SaveRelease(out.clone()));
    settle(&mut h);
    assert!(message(&h).contains("Hollins Lane"), "the scan names what it found: {}", message(&h));
    assert!(!out.exists(), "a copy with a real name left is deleted");
    h.get_by_label("Preview").click();
    settle(&mut h);
    h.get_by_label("Pseudonymise the project").click();
    settle(&mut h);
    open_menu(&mut h, "File", "Save a release copy…");
    h.run_steps(3);
    h.get_by_label("Save").click();
    settle(&mut h);
    assert!(out.is_file(), "{}", message(&h));
    assert!(message(&h).contains("scanned for 1 real names: none left"), "{}", message(&h));
}
