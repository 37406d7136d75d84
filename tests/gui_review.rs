//! The team's review queue in the window: walk the codes not yet agreed, reply to a code's
//! discussion and change its status, each an undoable change.

use egui_kittest::kittest::Queryable;

use crate::gui_support::*;
use fieldcode::gui::Action;

fn queued(h: &H) -> i64 {
    conn(h).query_row("SELECT count(*) FROM code WHERE status != 'agreed'", [], |r| r.get(0)).unwrap()
}

fn open_review(dir: &std::path::Path) -> H {
    let mut h = open_demo(dir);
    open_menu(&mut h, "Team", "Review queue…");
    let review = h.state().panels.review.as_ref().expect("the review queue opened");
    assert_eq!(review.entries.len() as i64, queued(&h), "every code not yet agreed is queued");
    h
}

#[test]
fn the_review_queue_lists_codes_not_agreed_and_marks_one_agreed_undoably() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_review(dir.path());
    let before = queued(&h);
    let first = h.state().panels.review.as_ref().unwrap().selected.expect("the first code is selected");
    h.get_by_label("Mark agreed").click();
    settle(&mut h);
    let status: String = conn(&h).query_row("SELECT status FROM code WHERE id = ?1", [first], |r| r.get(0)).unwrap();
    assert_eq!(status, "agreed");
    let review = h.state().panels.review.as_ref().unwrap();
    assert_eq!(review.entries.len() as i64, before - 1, "the agreed code left the queue");
    assert_ne!(review.selected, Some(first), "the next code is shown");
    h.state_mut().queue(Action::Undo);
    settle(&mut h);
    assert_eq!(queued(&h), before);
    assert_eq!(h.state().panels.review.as_ref().unwrap().entries.len() as i64, before);
}

#[test]
fn a_reply_is_posted_to_the_selected_codes_thread_and_arrow_keys_walk_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_review(dir.path());
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(3);
    let second = h.state().panels.review.as_ref().unwrap().entries[1].code_id;
    assert_eq!(h.state().panels.review.as_ref().unwrap().selected, Some(second), "Down moved to the second code");
    type_into(&mut h, "Reply", "Too broad: split waiting times out?");
    assert_eq!(h.state().panels.review.as_ref().unwrap().reply, "Too broad: split waiting times out?");
    h.get_by_label("Post comment").click();
    settle(&mut h);
    let (author, body): (String, String) = conn(&h)
        .query_row("SELECT author, body FROM code_comment WHERE code_id = ?1 ORDER BY id DESC", [second], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((author.as_str(), body.as_str()), ("tester", "Too broad: split waiting times out?"));
    let review = h.state().panels.review.as_ref().unwrap();
    assert!(review.reply.is_empty(), "the reply box is cleared");
    assert_eq!(review.thread.last().map(|c| c.body.as_str()), Some("Too broad: split waiting times out?"));
    assert!(h.query_by_label_contains("Too broad: split waiting times out?").is_some(), "the thread shows it");
}
