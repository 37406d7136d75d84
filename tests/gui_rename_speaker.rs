//! Renaming a speaker in the workbench: the Participants list's context menu opens "Rename
//! speaker…", Rename relabels every turn of that speaker (one undoable change, codings kept on
//! their words), and Undo takes it back.

use egui_kittest::kittest::Queryable;

use crate::gui_support::*;
use fieldcode::store::{codings, documents};

/// Right-clicks the middle of the widget labelled `label`.
fn right_click(h: &mut H, label: &str) {
    let pos = h.get_by_label(label).rect().center();
    h.event(egui::Event::PointerMoved(pos));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: Default::default(),
        });
        h.step();
    }
    h.run_steps(2);
}

fn fg1(h: &H) -> (i64, String) {
    let id = documents::id_by_name(conn(h), "FG1-northfield").unwrap();
    (id, documents::text(conn(h), id).unwrap())
}

/// Every coding's (id, text) in FG1.
fn coded(h: &H, doc: i64, text: &str) -> Vec<(i64, String)> {
    codings::for_document(conn(h), doc)
        .unwrap()
        .iter()
        .map(|c| (c.id, fieldcode::text::char_slice(text, c.start, c.end).to_owned()))
        .collect()
}

#[test]
fn rename_speaker_from_the_participants_list_relabels_every_turn_and_undo_takes_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let (doc, before_text) = fg1(&h);
    let before = coded(&h, doc, &before_text);
    assert!(before_text.contains("LW01: "));
    h.get_by_label_contains("Participants (").click();
    h.run_steps(3);
    right_click(&mut h, "LW01");
    h.get_by_label("Rename speaker…").click();
    h.run_steps(3);
    let field = h.get_by_label("New name");
    field.focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("New name").type_text("Rosa");
    h.run_steps(2);
    h.get_by_label("Rename").click();
    settle(&mut h);
    let (_, after_text) = fg1(&h);
    assert!(!after_text.contains("LW01: ") && after_text.contains("Rosa: "), "{}", message(&h));
    assert_eq!(after_text, before_text.replace("LW01: ", "Rosa: "));
    let wb = h.state().workbench.as_ref().unwrap();
    assert!(wb.participants.iter().any(|p| p.label == "Rosa"));
    assert!(!wb.participants.iter().any(|p| p.label == "LW01"));
    let after = coded(&h, doc, &after_text);
    // The demo codes utterances, not labels: every coding keeps its words ("LW01, you said" in
    // an utterance is a mention, not a label, and stays).
    assert!(after == before, "codings stay on their words");
    assert!(message(&h).contains("renamed speaker"), "{}", message(&h));
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label("Undo").click();
    settle(&mut h);
    assert_eq!(fg1(&h).1, before_text);
    assert_eq!(coded(&h, doc, &before_text), before);
    assert!(h.state().workbench.as_ref().unwrap().participants.iter().any(|p| p.label == "LW01"));
}
