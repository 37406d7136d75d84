//! Listening while coding, in the workbench: the demo's interview INT01-LW02 has a recording
//! linked, so opening it shows the player bar; a turn's time plays from there, F5 plays exactly
//! the selection, F8 types the playing time while correcting, a recording can be linked and
//! unlinked (undoably), and a missing recording or a machine without sound is a message in the
//! bar, never a failure. Sound goes to a silent sink (`NullSink`), which takes frames as fast as
//! they come, so a span is played through within a few frames of the test.

use egui_kittest::kittest::{NodeT, Queryable};

use crate::gui_support::*;
use fieldcode::gui::{Action, WorkbenchApp};
use fieldcode::media::{AudioSink, MediaError, NullSink};
use fieldcode::store::documents;

const INTERVIEW: &str = "INT01-LW02";

fn silent(rate: u32, channels: u16) -> Result<Box<dyn AudioSink>, MediaError> {
    Ok(Box::new(NullSink::new(rate, channels)))
}

fn no_device(_: u32, _: u16) -> Result<Box<dyn AudioSink>, MediaError> {
    Err(MediaError::NoDevice { reason: "no sound server in this test".into() })
}

fn app_with(sound: fieldcode::gui::player_state::SoundOutput) -> WorkbenchApp {
    let mut app = app();
    app.sound = sound;
    app
}

fn doc_id(h: &H, name: &str) -> i64 {
    documents::list(conn(h)).unwrap().into_iter().find(|d| d.name == name).unwrap().id
}

/// Opens the interview and waits until its recording and the sound output are open.
fn open_interview(h: &mut H) {
    click_visible(h, INTERVIEW);
    settle(h);
}

fn playing(h: &H) -> bool {
    panel(h).status.as_ref().is_some_and(|s| s.playing)
}

#[test]
fn the_interview_with_a_recording_shows_the_player_and_its_waveform() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo_with(dir.path(), app_with(silent), SCREEN);
    open_fn01(&mut h);
    assert!(h.state().workbench.as_ref().unwrap().player.is_none(), "a field note has no recording: no bar");
    open_interview(&mut h);
    assert!(panel(&h).label().ends_with(".wav"), "the bar names the recording: {}", panel(&h).label());
    h.get_by_label("▶ Play");
    step_until(&mut h, "the waveform", |h| {
        matches!(panel(h).waveform, fieldcode::gui::player_state::WaveformJob::Ready(_))
    });
    assert!(panel(&h).duration_ms().is_some_and(|d| d > 10_000), "the recording's length is known");
    assert!(!h.get_all_by_label("Play from this turn").collect::<Vec<_>>().is_empty(), "turn times are clickable");
}

#[test]
fn clicking_a_turns_time_plays_from_that_turn() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo_with(dir.path(), app_with(silent), SCREEN);
    open_interview(&mut h);
    let times: Vec<_> = h.get_all_by_label("Play from this turn").map(|n| n.rect()).collect();
    assert!(times.len() >= 2, "several turns are on screen");
    let second = {
        let wb = h.state().workbench.as_ref().unwrap();
        let view = wb.view.as_ref().unwrap();
        let para = view
            .paragraphs
            .iter()
            .enumerate()
            .filter(|(i, _)| view.headings[*i].as_ref().is_some_and(|t| t.time.is_some()))
            .nth(1)
            .unwrap()
            .1;
        panel(&h).time_of(para.start).unwrap()
    };
    click_at(&mut h, times[1].center());
    step_until(&mut h, "the player to start", |h| panel(h).position_ms() >= second);
    assert!(panel(&h).position_ms() >= second, "playing from the clicked turn's time, not from the start");
}

#[test]
fn f5_plays_exactly_the_selection_and_stops_at_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo_with(dir.path(), app_with(silent), SCREEN);
    open_interview(&mut h);
    let (start, end) = {
        let view = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap();
        let second = view.paragraphs[2];
        (second.start + 5, second.end - 1)
    };
    h.state_mut().queue(Action::Select { start, end });
    h.run_steps(2);
    let (from, to) = panel(&h).times_of(fieldcode::model::Span { start, end }).expect("the selection has times");
    h.key_press(egui::Key::F5);
    step_until(&mut h, "the span to be played through", |h| {
        !playing(h) && panel(h).status.as_ref().is_some_and(|s| s.position_ms >= to.saturating_sub(50))
    });
    let at = panel(&h).position_ms();
    assert!(at >= from && at <= to + 50, "stopped at the selection's end time {to} ms, is at {at} ms");
}

#[test]
fn no_sound_device_is_a_message_in_the_bar_and_the_rest_works() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo_with(dir.path(), app_with(no_device), SCREEN);
    open_interview(&mut h);
    let problem = panel(&h).problem.clone().unwrap_or_default();
    assert!(problem.starts_with("No sound device"), "{problem}");
    h.get_by_label_contains("No sound device");
    assert!(h.get_by_label("▶ Play").accesskit_node().is_disabled(), "nothing to press while nothing can play");
    h.key_press(egui::Key::F4);
    h.run_steps(2);
    assert!(message(&h).starts_with("No sound device"), "F4 says why: {}", message(&h));
    step_until(&mut h, "the waveform", |h| {
        matches!(panel(h).waveform, fieldcode::gui::player_state::WaveformJob::Ready(_))
    });
}

#[test]
fn a_recording_that_moved_is_reported_in_the_bar() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo_with(dir.path(), app_with(silent), SCREEN);
    let link = fieldcode::media::link::links(conn(&h)).unwrap().remove(0);
    let project = h.state().workbench.as_ref().unwrap().project.path().to_path_buf();
    let file = fieldcode::media::link::resolve(&link, &project);
    std::fs::rename(&file, file.with_extension("moved")).unwrap();
    open_interview(&mut h);
    let problem = panel(&h).problem.clone().unwrap_or_default();
    assert!(problem.contains("is not at"), "{problem}");
    assert!(panel(&h).player.is_none());
    h.get_by_label_contains("is not at");
}

#[test]
fn linking_a_recording_to_a_field_note_and_unlinking_it_are_undoable_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo_with(dir.path(), app_with(silent), SCREEN);
    let link = fieldcode::media::link::links(conn(&h)).unwrap().remove(0);
    let project = h.state().workbench.as_ref().unwrap().project.path().to_path_buf();
    let copy = dir.path().join("field-recording.wav");
    std::fs::copy(fieldcode::media::link::resolve(&link, &project), &copy).unwrap();
    open_fn01(&mut h);
    let fn01 = doc_id(&h, "FN01-provider-office");
    h.state_mut().queue(Action::LinkMedia { document: fn01, path: copy });
    settle(&mut h);
    assert_eq!(panel(&h).label(), "field-recording.wav", "{}", message(&h));
    assert_eq!(panel(&h).link.path, "field-recording.wav", "stored relative to the project's folder");
    open_menu(&mut h, "Media", "Unlink the recording");
    h.run_steps(2);
    assert!(h.state().workbench.as_ref().unwrap().player.is_none(), "unlinked: the bar is gone");
    open_menu(&mut h, "Edit", "Undo");
    h.run_steps(2);
    assert_eq!(panel(&h).label(), "field-recording.wav", "undo brings the link back");
}

#[test]
fn f8_types_the_playing_time_at_the_caret_while_correcting() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo_with(dir.path(), app_with(silent), SCREEN);
    open_interview(&mut h);
    h.state_mut().queue(Action::PlayerSeek(83_400));
    step_until(&mut h, "the seek", |h| panel(h).position_ms() == 83_400);
    open_menu(&mut h, "Edit", "Edit the document text");
    let (_, rect) = first_paragraph(&h);
    click_at(&mut h, rect.left_top() + egui::vec2(20.0, 6.0));
    h.run_steps(2);
    let original =
        h.state().workbench.as_ref().unwrap().editing.as_ref().expect("a paragraph is being edited").buffer.clone();
    h.key_press(egui::Key::F8);
    h.run_steps(3);
    let edit = h.state().workbench.as_ref().unwrap().editing.as_ref().expect("still editing");
    assert_eq!(
        edit.buffer.matches("[0:01:23] ").count(),
        1,
        "the time typed once: {:?} ({})",
        edit.buffer,
        message(&h)
    );
    assert_eq!(edit.buffer.replacen("[0:01:23] ", "", 1), original, "at the caret, and nothing else changed");
}

#[test]
fn a_quotes_play_button_opens_its_document_and_plays_just_that_quote() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo_with(dir.path(), app_with(silent), SCREEN);
    open_fn01(&mut h);
    let int01 = doc_id(&h, INTERVIEW);
    let points = fieldcode::store::time_map::load(conn(&h), int01).unwrap();
    let first_time = points.first().expect("the interview has times").offset;
    let coding = fieldcode::store::codings::for_document(conn(&h), int01)
        .unwrap()
        .into_iter()
        .find(|c| c.start > first_time)
        .expect("a coding after the first time");
    h.state_mut().queue(Action::ShowExcerpts(coding.code_id));
    settle(&mut h);
    h.state_mut().workbench.as_mut().unwrap().retrieval.choice.document = Some(INTERVIEW.into());
    settle(&mut h);
    assert!(h.state().workbench.as_ref().unwrap().player.is_none(), "FN01 is open: no bar yet");
    h.get_all_by_label("▶ Play").next().expect("the interview's quotes have a play button").click();
    settle(&mut h);
    assert_eq!(h.state().workbench.as_ref().unwrap().view.as_ref().unwrap().id, int01, "the quote's document opened");
    step_until(&mut h, "the quote to be played", |h| !playing(h) && panel(h).position_ms() > 0);
    let segment = {
        let wb = h.state().workbench.as_ref().unwrap();
        wb.selection.expect("the quote is selected")
    };
    let (from, to) = panel(&h).times_of(segment).unwrap();
    let at = panel(&h).position_ms();
    assert!(at >= from && at <= to + 50, "played the quote's span {from}–{to} ms, stopped at {at} ms");
}
