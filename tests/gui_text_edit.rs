//! Correcting a transcript in the workbench: edit mode opens a paragraph as a text field, a
//! burst of typing becomes one undoable `EditText` change that moves the codings with the
//! words, and a change that would remove codings says which before it is applied.

use egui_kittest::kittest::Queryable;

use crate::gui_support::*;
use fieldcode::gui::Action;
use fieldcode::store::{codings, documents};

fn doc_text(h: &H, doc: i64) -> String {
    documents::text(conn(h), doc).unwrap()
}

/// FN01 open in edit mode with its first paragraph in the editor, the caret at its end.
fn editing_first_paragraph(dir: &std::path::Path) -> (H, i64) {
    let mut h = open_demo(dir);
    open_fn01(&mut h);
    open_menu(&mut h, "Edit", "Edit the document text");
    assert!(h.state().workbench.as_ref().unwrap().edit_mode);
    let (_, rect) = first_paragraph(&h);
    click_at(&mut h, rect.left_top() + egui::vec2(20.0, 6.0));
    let wb = h.state().workbench.as_ref().unwrap();
    assert_eq!(wb.editing.as_ref().map(|e| e.paragraph), Some(0), "a click opened the first paragraph");
    let doc = wb.view.as_ref().unwrap().id;
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::End);
    h.run_steps(2);
    (h, doc)
}

#[test]
fn a_burst_of_typing_is_one_change_that_moves_the_codings_and_undo_takes_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, doc) = editing_first_paragraph(dir.path());
    let before_text = doc_text(&h, doc);
    let before = codings::for_document(conn(&h), doc).unwrap();
    let para_end = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap().paragraphs[0].end;
    h.get_by_label("Paragraph text").type_text(" [sic]");
    h.run_steps(2);
    h.get_by_label("Done editing").click();
    h.run_steps(3);
    let after_text = doc_text(&h, doc);
    assert_eq!(after_text.chars().count(), before_text.chars().count() + 6, "{}", message(&h));
    assert!(
        after_text.chars().skip(para_end).collect::<String>().starts_with(" [sic]"),
        "typed at the paragraph's end"
    );
    let after = codings::for_document(conn(&h), doc).unwrap();
    for (old, new) in before.iter().zip(&after) {
        let shift = if old.start >= para_end { 6 } else { 0 };
        assert_eq!(new.start, old.start + shift, "codings after the edit move with the words");
    }
    let view = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap();
    assert!(
        view.paragraph_text(0).ends_with(" [sic]"),
        "the viewer shows the corrected text: {:?} {:?} {}",
        view.paragraphs[0],
        &view.paragraph_text(0)[view.paragraph_text(0).len().saturating_sub(30)..],
        view.text.contains("[sic]")
    );
    assert!(!h.state().workbench.as_ref().unwrap().edit_mode, "Done leaves edit mode");
    h.state_mut().queue(Action::Undo);
    h.run_steps(3);
    assert_eq!(doc_text(&h, doc), before_text, "one undo takes the whole burst back");
    assert_eq!(codings::for_document(conn(&h), doc).unwrap(), before);
}

#[test]
fn deleting_coded_words_says_which_codings_go_and_waits_for_the_users_word() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, doc) = editing_first_paragraph(dir.path());
    let para = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap().paragraphs[0];
    let before = codings::for_document(conn(&h), doc).unwrap();
    let inside = before.iter().filter(|c| c.start >= para.start && c.end <= para.end).count();
    assert!(inside > 0, "FN01's first paragraph has codings");
    let text = doc_text(&h, doc);
    // Select the whole paragraph in the field and delete it.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run_steps(2);
    h.get_by_label("Done editing").click();
    h.run_steps(3);
    assert!(h.query_by_label_contains("This change removes").is_some(), "the bar says which codings go");
    assert_eq!(doc_text(&h, doc), text, "nothing is written before the user agrees");
    h.get_by_label("Take my typing back").click();
    h.run_steps(3);
    assert_eq!(
        h.state().workbench.as_ref().unwrap().editing.as_ref().unwrap().buffer,
        h.state().workbench.as_ref().unwrap().view.as_ref().unwrap().paragraph_text(0)
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run_steps(2);
    h.get_by_label("Done editing").click();
    h.run_steps(3);
    h.get_by_label("Remove them and apply").click();
    h.run_steps(3);
    let after = codings::for_document(conn(&h), doc).unwrap();
    assert_eq!(after.len(), before.len() - inside, "{}", message(&h));
    h.state_mut().queue(Action::Undo);
    h.run_steps(3);
    assert_eq!(codings::for_document(conn(&h), doc).unwrap(), before, "undo brings the codings back");
    assert_eq!(doc_text(&h, doc), text);
}
