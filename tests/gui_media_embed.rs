//! Storing a recording in the project from the workbench (issue 19, `--embed`): the Media menu
//! says the size, the question repeats it and says the project grows by it, the stored copy
//! plays once the file is gone, "Keep only the linked file" is refused while the file is gone
//! and works once it is back, and undo goes back. Sound goes to a silent sink.

use egui_kittest::kittest::Queryable;

use crate::gui_support::*;
use fieldcode::media::{AudioSink, MediaError, NullSink};

fn silent(rate: u32, channels: u16) -> Result<Box<dyn AudioSink>, MediaError> {
    Ok(Box::new(NullSink::new(rate, channels)))
}

#[test]
fn a_copy_stored_from_the_media_menu_plays_when_the_file_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app();
    app.sound = silent;
    let mut h = open_demo_with(dir.path(), app, SCREEN);
    click_visible(&mut h, "INT01-LW02");
    settle(&mut h);
    let (size, file) = {
        let project = h.state().workbench.as_ref().unwrap().project.path().to_path_buf();
        let link = &panel(&h).link;
        (fieldcode::media::store::human_size(link.size), fieldcode::media::link::resolve(link, &project))
    };
    assert!(!panel(&h).link.embedded, "not copied unless asked");

    open_menu(&mut h, "Media", &format!("Store a copy in the project ({size})…"));
    h.get_by_label_contains(&format!("The project file grows by {size}"));
    h.get_by_label(&format!("Store {size}")).click();
    settle(&mut h);
    step_until(&mut h, "the player from the stored copy", |h| {
        h.state().workbench.as_ref().unwrap().player.as_ref().is_some_and(|p| p.link.embedded && p.player.is_some())
    });
    assert!(h.state().confirm_embed.is_none(), "the question is closed");
    assert!(panel(&h).label().ends_with(".wav (stored in the project)"), "{}", panel(&h).label());

    // The file gone, the transcript still plays (from the copy).
    let moved = file.with_extension("moved");
    std::fs::rename(&file, &moved).unwrap();
    let interview = panel(&h).document;
    let fn01 = fieldcode::store::documents::id_by_name(conn(&h), "FN01-provider-office").unwrap();
    h.state_mut().queue(fieldcode::gui::Action::OpenDocument(fn01));
    settle(&mut h);
    assert!(h.state().workbench.as_ref().unwrap().player.is_none());
    h.state_mut().queue(fieldcode::gui::Action::OpenDocument(interview));
    settle(&mut h);
    step_until(&mut h, "the player", |h| panel(h).player.is_some() || panel(h).problem.is_some());
    assert_eq!(panel(&h).problem, None);

    // Back to the file: refused while it is gone, done once it is back.
    open_menu(&mut h, "Media", "Keep only the linked file");
    assert!(message(&h).contains("not there"), "{}", message(&h));
    assert!(panel(&h).link.embedded);
    std::fs::rename(&moved, &file).unwrap();
    open_menu(&mut h, "Media", "Keep only the linked file");
    step_until(&mut h, "the link back on the file", |h| !panel(h).link.embedded);
    open_menu(&mut h, "Edit", "Undo");
    step_until(&mut h, "undo", |h| panel(h).link.embedded);
}
