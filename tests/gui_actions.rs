//! The workbench's actions, driven headless through egui_kittest on the demo study: the command
//! palette lists every argument-free action that has palette text and each entry runs it, each
//! shortcut the help window shows triggers its action, and a refused change leaves the project
//! as it was and says why (with the GUI's hint where the fix is in the GUI).

use egui_kittest::kittest::{NodeT, Queryable};
use fieldcode::coding::{self, Command};
use fieldcode::gui::Action;
use fieldcode::gui::windows::keys_text;
use fieldcode::store::{coders, codes};

use crate::gui_support::{H, SCREEN, app_as, conn, message, open_demo, open_demo_with};

/// Runs `act` with the workbench collecting actions instead of applying them; returns them.
fn captured(h: &mut H, act: impl FnOnce(&mut H)) -> Vec<Action> {
    h.state_mut().capture = Some(Vec::new());
    act(h);
    h.state_mut().capture.take().expect("still capturing")
}

#[test]
fn the_palette_lists_every_simple_action_with_palette_text_and_each_entry_runs_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let listed: Vec<(&str, &Action)> = Action::palette().collect();
    let with_text: Vec<&Action> = Action::ALL_SIMPLE.iter().filter(|a| a.palette_text().is_some()).collect();
    assert_eq!(listed.iter().map(|(_, a)| *a).collect::<Vec<_>>(), with_text);
    assert!(listed.len() >= 25, "{} palette entries", listed.len());
    for (text, action) in listed {
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
        h.run_steps(2);
        assert!(h.state().windows.palette.is_some(), "Ctrl+K opens the palette");
        h.event(egui::Event::Text(text.to_owned()));
        h.run_steps(2);
        assert_eq!(h.state().windows.palette.as_deref(), Some(text), "typed into the palette");
        let ran = captured(&mut h, |h| {
            h.get_by_label(text).click();
            h.run_steps(2);
        });
        assert_eq!(ran, vec![action.clone()], "the palette entry {text:?}");
        assert!(h.state().windows.palette.is_none(), "choosing an entry closes the palette");
    }
}

#[test]
fn each_shortcut_in_the_help_window_triggers_its_action() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    h.key_press(egui::Key::F1);
    h.run_steps(2);
    assert!(h.state().windows.shortcuts, "F1 opens the help window");
    let mut shortcuts = 0;
    for action in Action::ALL_SIMPLE.iter().filter(|a| !a.shortcuts().is_empty()) {
        let offer = action.offer().unwrap();
        let (keys, what) = (keys_text(&h.ctx, offer.keys), offer.palette.unwrap_or(offer.menu));
        let row = h.get_by_label(&keys).rect().center().y;
        assert!(
            h.query_all_by_label(what).any(|n| (n.rect().center().y - row).abs() < 1.0),
            "the help window lists {keys} as {what:?}"
        );
        for shortcut in offer.keys {
            let ran = captured(&mut h, |h| {
                h.key_press_modifiers(shortcut.modifiers, shortcut.logical_key);
                h.run_steps(1);
            });
            assert_eq!(ran, vec![action.clone()], "{}", h.ctx.format_shortcut(shortcut));
            shortcuts += 1;
        }
    }
    assert!(shortcuts >= 16, "{shortcuts} shortcuts checked");
}

#[test]
fn menu_items_show_their_shortcut() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    h.get_by_label("Edit").click();
    h.run_steps(2);
    for action in [Action::Undo, Action::Redo, Action::InVivo, Action::OpenPalette] {
        let keys = h.ctx.format_shortcut(&action.shortcut().unwrap());
        let item = h.get_by_label(action.menu_text().unwrap());
        assert_eq!(item.accesskit_node().data().keyboard_shortcut(), Some(keys.as_str()), "{action:?}");
    }
}

#[test]
fn a_refused_edit_leaves_the_project_unchanged_and_shows_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let code = codes::list(conn(&h)).unwrap().into_iter().find(|c| c.name == "Doors and badges").unwrap();
    let (codes_before, history_before) = (codes::list(conn(&h)).unwrap(), coding::history(conn(&h)).unwrap());
    h.state_mut().queue(Action::Edit(Command::RenameCode { code: code.id, name: "  ".into() }));
    h.run_steps(3);
    let shown = h.state().message.clone().expect("a message is shown");
    assert!(shown.error && shown.text.contains("a code needs a name"), "{shown:?}");
    assert!(h.query_by_label_contains("a code needs a name").is_some(), "the error is shown in the window");
    assert_eq!(codes::list(conn(&h)).unwrap(), codes_before, "the codebook is unchanged");
    assert_eq!(coding::history(conn(&h)).unwrap(), history_before, "nothing was recorded");
    assert_eq!(h.state().workbench.as_ref().unwrap().codes, codes_before, "the codebook panel is unchanged");
}

#[test]
fn coding_without_a_coder_name_points_to_the_settings_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo_with(dir.path(), app_as(""), SCREEN);
    let doc = h.state().workbench.as_ref().unwrap().documents[0].id;
    h.state_mut().queue(Action::OpenDocument(doc));
    h.state_mut().queue(Action::Select { start: 0, end: 20 });
    h.run_steps(2);
    let code = h.state().workbench.as_ref().unwrap().quick.code(0).unwrap();
    let (codes_before, coders_before) = (codes::list(conn(&h)).unwrap(), coders::list(conn(&h)).unwrap());
    let history_before = coding::history(conn(&h)).unwrap().len();
    h.key_press(egui::Key::Num1);
    h.run_steps(2);
    let text = message(&h);
    assert!(text.contains("View > Settings"), "{text}");
    assert!(h.state().message.as_ref().unwrap().error);
    assert_eq!(codes::list(conn(&h)).unwrap(), codes_before, "no coding was added to code {code}");
    assert_eq!(coders::list(conn(&h)).unwrap(), coders_before, "no coder was created");
    assert_eq!(coding::history(conn(&h)).unwrap().len(), history_before);
}
