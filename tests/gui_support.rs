//! What the workbench's kittest flows share: a harness around the real `WorkbenchApp::ui` on a
//! simulated 1280-pixel-wide screen, opening the demo study from the welcome screen, waiting for
//! background jobs, and reading the open project and the message line.

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldcode::gui::{Settings, WorkbenchApp};

pub type H = Harness<'static, WorkbenchApp>;

/// The usual screen; some flows need a taller one.
pub const SCREEN: egui::Vec2 = egui::vec2(1280.0, 800.0);

/// A workbench whose settings name `coder` as the current coder.
pub fn app_as(coder: &str) -> WorkbenchApp {
    WorkbenchApp::new(Settings { coder: coder.into(), ..Settings::default() })
}

/// The workbench of coder "tester".
pub fn app() -> WorkbenchApp {
    app_as("tester")
}

pub fn harness_sized(app: WorkbenchApp, size: egui::Vec2) -> H {
    Harness::builder().with_size(size).build_ui_state(|ui, app: &mut WorkbenchApp| app.ui(ui), app)
}

/// The demo open in a harness whose frames are 1/60 s apart (the default quarter second is too
/// slow for a double-click).
pub fn open_demo_at_60_fps(dir: &Path) -> H {
    let mut app = app();
    app.demo_path = dir.join("demo.fieldcode");
    let mut h = Harness::builder()
        .with_size(SCREEN)
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(|ui, app: &mut WorkbenchApp| app.ui(ui), app);
    h.run_steps(2);
    h.get_by_label("Open the demo study").click();
    settle(&mut h);
    h
}

pub fn harness(app: WorkbenchApp) -> H {
    harness_sized(app, SCREEN)
}

/// Steps frames until no background job is running (at most 60 s).
pub fn settle(h: &mut H) {
    let start = Instant::now();
    h.run_steps(2);
    while h.state().is_busy() {
        assert!(start.elapsed() < Duration::from_secs(60), "background job did not finish");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    h.run_steps(3);
}

/// Builds the demo study in `dir` through the welcome screen's button and waits until it is open.
pub fn open_demo_with(dir: &Path, mut app: WorkbenchApp, size: egui::Vec2) -> H {
    app.demo_path = dir.join("demo.fieldcode");
    let mut h = harness_sized(app, size);
    h.run_steps(2);
    h.get_by_label("Open the demo study").click();
    settle(&mut h);
    assert!(h.state().workbench.is_some(), "the demo opened");
    h
}

/// [`open_demo_with`] for coder "tester" on the usual screen.
pub fn open_demo(dir: &Path) -> H {
    open_demo_with(dir, app(), SCREEN)
}

/// Clicks `item` in the menu `menu` and waits for what it started.
pub fn open_menu(h: &mut H, menu: &str, item: &str) {
    h.get_by_label(menu).click();
    h.run_steps(2);
    h.get_by_label(item).click();
    settle(h);
}

/// The message line's text, if any.
pub fn message(h: &H) -> String {
    h.state().message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

/// The open project's connection.
pub fn conn(h: &H) -> &rusqlite::Connection {
    h.state().workbench.as_ref().expect("a project is open").project.conn()
}

/// Opens field note FN01 (the first document listed) by clicking it.
pub fn open_fn01(h: &mut H) {
    h.get_by_label("FN01-provider-office").click();
    h.run_steps(3);
}

/// The open document's first paragraph and where it is drawn.
pub fn first_paragraph(h: &H) -> (String, egui::Rect) {
    let first = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap().paragraph_text(0).to_owned();
    let probe: String = first.chars().take(25).collect();
    let rect = h.get_by_label_contains(&probe).rect();
    (first, rect)
}

/// Opens FN01 in the demo and drags over the start of its first paragraph.
pub fn demo_with_selection(dir: &Path) -> H {
    let mut h = open_demo(dir);
    open_fn01(&mut h);
    let (_, rect) = first_paragraph(&h);
    drag(&mut h, rect.left_top() + egui::vec2(1.0, 4.0), rect.left_top() + egui::vec2(rect.width().min(250.0), 4.0));
    assert!(h.state().workbench.as_ref().unwrap().selection.is_some());
    h
}

/// Drags the pointer from `from` to `to` in a few steps, as a mouse would.
pub fn drag(h: &mut H, from: egui::Pos2, to: egui::Pos2) {
    h.event(egui::Event::PointerMoved(from));
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Default::default(),
    });
    h.step();
    let steps = 5;
    for i in 1..=steps {
        h.event(egui::Event::PointerMoved(from + (to - from) * (i as f32 / steps as f32)));
        h.step();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Default::default(),
    });
    h.run_steps(2);
}

/// Right-clicks the code labelled `code` and clicks `item` in its menu.
pub fn context_menu(h: &mut H, code: &str, item: &str) {
    h.get_by_label(code).click_secondary();
    h.run_steps(2);
    h.get_by_label(item).click();
    h.run_steps(3);
}

/// Focuses the field labelled `label` and types `text` into it.
pub fn type_into(h: &mut H, label: &str, text: &str) {
    let field = h.get_by_label(label);
    field.focus();
    field.type_text(text);
    h.run_steps(2);
}

/// Scrolls a widget into view (panels scroll), moves the pointer onto it, then clicks it.
pub fn click_visible(h: &mut H, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run_steps(2);
    h.get_by_label(label).hover();
    h.run_steps(1);
    h.get_by_label(label).click();
    h.run_steps(3);
}

/// One click of the primary button at `pos` (press and release a frame apart).
pub fn click_at(h: &mut H, pos: egui::Pos2) {
    clicks_at(h, pos, 1, egui::Modifiers::NONE);
}

/// Clicks `times` times at `pos` with `modifiers` held (2 for a double click, Shift to extend).
pub fn clicks_at(h: &mut H, pos: egui::Pos2, times: usize, modifiers: egui::Modifiers) {
    h.event(egui::Event::PointerMoved(pos));
    h.event(egui::Event::ModifiersChanged(modifiers));
    for _ in 0..times {
        for pressed in [true, false] {
            h.event(egui::Event::PointerButton { pos, button: egui::PointerButton::Primary, pressed, modifiers });
            h.step();
        }
    }
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.run_steps(2);
}

/// Clicks Import in the import dialog (opened by File > Import files… or a drop, once its
/// preview is read) and waits for the import.
pub fn confirm_import(h: &mut H) {
    assert!(
        h.state().panels.import.as_ref().is_some_and(|d| d.preview.is_some()),
        "the import dialog shows its preview"
    );
    h.get_by_label("Import").click();
    settle(h);
}

/// The open transcript's player bar.
pub fn panel(h: &H) -> &fieldcode::gui::player_state::PlayerPanel {
    h.state().workbench.as_ref().unwrap().player.as_ref().expect("the player bar is open")
}

/// Steps frames until `done` holds (the player's thread and the waveform and copy workers
/// answer within milliseconds; ten seconds is a generous bound that only a hang reaches).
pub fn step_until(h: &mut H, what: &str, done: impl Fn(&H) -> bool) {
    let start = std::time::Instant::now();
    while !done(h) {
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "waited too long for: {what}");
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
}
