//! Memos everywhere: on a coding (from the inspector that opens when a highlight is clicked), on
//! a speaker of the open transcript, read as rendered Markdown, and marked in the margin where a
//! coding has one.

use egui_kittest::kittest::Queryable;

use crate::gui_support::*;
use fieldcode::coding::{MemoTarget, memos};
use fieldcode::gui::Action;

#[test]
fn a_memo_on_a_coding_is_written_from_the_inspector_rendered_and_marked_in_the_margin() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_fn01(&mut h);
    let coding = {
        let view = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap();
        let has_memo = |id| memos::list(conn(&h), Some(MemoTarget::Coding(id))).unwrap().is_empty();
        view.codings.iter().find(|c| has_memo(c.id)).cloned().expect("FN01 has a coding without a memo")
    };
    h.state_mut().queue(Action::InspectAt(coding.start));
    h.run_steps(3);
    let inspected = h.state().workbench.as_ref().unwrap().inspection.as_ref().expect("the inspector opened");
    let index = inspected.codings.iter().position(|c| c.id == coding.id).expect("the coding is inspected");
    h.get_all_by_label("Write a memo…").nth(index).unwrap().click();
    h.run_steps(3);
    assert!(h.state().panels.memos.is_some(), "the memos panel opened");
    let code = h.state().workbench.as_ref().unwrap().code_path(coding.code_id);
    let name = format!("coding of {code} by {} ({}–{})", coding.coder, coding.start, coding.end);
    type_into(&mut h, &format!("New memo on {name}"), "Ask about **hot-desking** at the next visit.");
    click_visible(&mut h, &format!("Add memo on {name}"));
    let written = memos::list(conn(&h), Some(MemoTarget::Coding(coding.id))).unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].body, "Ask about **hot-desking** at the next visit.");
    // Read back as Markdown: the emphasis is drawn, not the asterisks.
    assert!(h.query_all_by_label("hot-desking").next().is_some(), "the bold words are drawn on their own");
    assert!(h.query_all_by_label_contains("**hot-desking**").next().is_none(), "the memo is rendered, not shown raw");
    let marker = format!("Memo on {code} ({})", coding.coder);
    assert!(h.query_by_label(&marker).is_some(), "the margin marks the coding with a memo");
}

#[test]
fn a_memo_on_a_speaker_of_the_open_transcript_is_written_from_the_memos_panel() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let doc = h.state().workbench.as_ref().unwrap().documents.iter().find(|d| d.name == "INT01-LW02").unwrap().id;
    h.state_mut().queue(Action::OpenDocument(doc));
    h.run_steps(3);
    open_menu(&mut h, "View", "Memos");
    let speaker = h
        .state()
        .workbench
        .as_ref()
        .unwrap()
        .view
        .as_ref()
        .unwrap()
        .headings
        .iter()
        .flatten()
        .next()
        .unwrap()
        .speaker
        .clone();
    let participant =
        h.state().workbench.as_ref().unwrap().participants.iter().find(|p| p.label == speaker).unwrap().id;
    h.get_by_label_contains(&format!("Speaker {speaker} (")).click();
    h.run_steps(3);
    type_into(&mut h, &format!("New memo on {speaker}"), "Joined the service in 2021.");
    click_visible(&mut h, &format!("Add memo on {speaker}"));
    let written = memos::list(conn(&h), Some(MemoTarget::Participant(participant))).unwrap();
    assert_eq!(written.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["Joined the service in 2021."]);
}
