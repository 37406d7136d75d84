//! Frame times of the workbench, driven headless through egui_kittest (AccessKit on, as with a
//! screen reader): a 5 MB focus-group transcript with 20,000 codings in an in-memory project.
//! Prints the time to open the document and paint its first frame, the median and worst frame
//! while scrolling through it with the mouse wheel, the time to apply a code to a selection, and
//! the median time of a one-character edit of the open transcript with the next frame.
//! Targets: first paint < 50 ms, median < 4 ms, worst < 16 ms, applying a code < 16 ms, an edit
//! committed and repainted < 16 ms.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use fieldcode::Project;
use fieldcode::coding::{self, CoderRef, Command, SpanRef};
use fieldcode::gui::{Action, Settings, WorkbenchApp};
use fieldcode::import::{self, ImportOptions};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const TEXT_BYTES: usize = 5 << 20;
const CODINGS: usize = 20_000;
const CODES: usize = 40;
const SCROLL_FRAMES: usize = 400;
const EDITS: usize = 21;

/// A 5 MB transcript from the shared generator (`fieldcode::synth::turns`).
fn transcript(rng: &mut StdRng) -> String {
    let speakers = ["LW1", "LW2", "LW3", "LW4", "LW5", "LW6", "LW7", "LW8"];
    fieldcode::synth::turns(rng, "TL1", &speakers, TEXT_BYTES)
}

fn project() -> (Project, i64) {
    let mut rng = StdRng::seed_from_u64(7);
    let text = transcript(&mut rng);
    let parsed = import::parse_bytes("big-focus-group", import::Format::Text, text.as_bytes()).expect("parse");
    let chars = parsed.text.chars().count();
    let mut project = Project::in_memory().expect("project");
    import::run::store_parsed(&mut project, &parsed, None, &ImportOptions::default()).expect("store");
    let doc = fieldcode::store::documents::id_by_name(project.conn(), "big-focus-group").expect("doc");
    let mut codes = Vec::new();
    for i in 0..CODES {
        let path = format!("Theme {}/Code {i}", i / 8);
        let applied = coding::apply(
            &mut project,
            "bench",
            Command::CreateCode { parent: None, path, color: None, description: None },
        )
        .expect("code");
        codes.push(*applied.created.last().expect("created"));
    }
    let coder = CoderRef::from("bench");
    let spans: Vec<SpanRef> = (0..CODINGS)
        .map(|_| {
            let start = rng.random_range(0..chars - 3000);
            let end = start + rng.random_range(20..2500);
            SpanRef { document: doc, code: codes[rng.random_range(0..codes.len())], start, end }
        })
        .collect();
    coding::apply(&mut project, "bench", Command::AddCodings { coder, spans, memo: None }).expect("codings");
    (project, doc)
}

/// The command layer's own share of applying a code (applied, then undone).
fn library_apply_time(project: &mut Project, doc: i64) {
    let code = fieldcode::store::codes::list(project.conn()).expect("codes")[1].id;
    let coder = CoderRef::from("bench");
    let span = SpanRef { document: doc, code, start: 10, end: 40 };
    let start = Instant::now();
    coding::apply(project, "bench", Command::AddCodings { coder, spans: vec![span], memo: None }).expect("apply");
    let applied = start.elapsed();
    let start = Instant::now();
    let listed = fieldcode::store::codes::list(project.conn()).expect("codes").len();
    let codebook = start.elapsed();
    coding::undo(project).expect("undo");
    println!(
        "gui_frames: of which the command layer {:.2} ms, re-reading the codebook ({listed} codes) {:.2} ms",
        ms(applied),
        ms(codebook)
    );
}

fn timed(h: &mut Harness<'static, WorkbenchApp>) -> Duration {
    let start = Instant::now();
    h.step();
    start.elapsed()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("gui_frames: bench");
        return;
    }
    let (mut project, doc) = project();
    library_apply_time(&mut project, doc);
    let mut app = WorkbenchApp::new(Settings { coder: "bench".into(), ..Settings::default() });
    app.show_project(project);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut WorkbenchApp| app.ui(ui), app);
    h.run_steps(3);

    h.state_mut().queue(Action::OpenDocument(doc));
    let open = timed(&mut h) + timed(&mut h);
    let view = h.state().workbench.as_ref().and_then(|w| w.view.as_ref()).expect("open");
    println!(
        "gui_frames: document of {:.1} MB, {} paragraphs, {} codings",
        view.text.len() as f64 / 1e6,
        view.paragraphs.len(),
        view.codings.len()
    );
    println!("gui_frames: open + first paint {:.2} ms (target < 50 ms)", ms(open));

    let centre = egui::pos2(620.0, 450.0);
    h.event(egui::Event::PointerMoved(centre));
    let mut frames = Vec::with_capacity(SCROLL_FRAMES);
    for i in 0..SCROLL_FRAMES {
        let delta = if i % 100 == 99 { 40_000.0 } else { 120.0 };
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -delta),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        frames.push(timed(&mut h));
    }
    frames.sort();
    println!(
        "gui_frames: scrolling {} frames: median {:.3} ms, p95 {:.3} ms, worst {:.3} ms (targets < 4 ms, < 16 ms)",
        frames.len(),
        ms(frames[frames.len() / 2]),
        ms(frames[frames.len() * 95 / 100]),
        ms(frames[frames.len() - 1])
    );

    let code = h.state().workbench.as_ref().map(|w| w.codes[1].id).expect("codes");
    let para = h.state().workbench.as_ref().and_then(|w| w.view.as_ref()).map(|v| v.paragraphs[10]).expect("para");
    h.state_mut().queue(Action::Select { start: para.start, end: para.start + 30 });
    h.step();
    let ctx = h.ctx.clone();
    let start = Instant::now();
    h.state_mut().apply(&ctx, Action::ApplyCode(code));
    let applied = start.elapsed();
    let repaint = timed(&mut h);
    let apply = applied + repaint;
    println!("gui_frames: applying {:.2} ms, then the next frame {:.2} ms", ms(applied), ms(repaint));
    let codings = h.state().workbench.as_ref().and_then(|w| w.view.as_ref()).map(|v| v.codings.len()).unwrap_or(0);
    assert_eq!(codings, CODINGS + 1, "the code was applied");
    println!("gui_frames: apply a code + repaint {:.2} ms (target < 16 ms)", ms(apply));

    // One-character edits in the middle of the open transcript (typed, then taken out again),
    // each an `EditText` command through the workbench, then the next frame.
    let chars = |h: &Harness<'static, WorkbenchApp>| {
        h.state().workbench.as_ref().and_then(|w| w.view.as_ref()).map(|v| v.chars.char_len()).unwrap()
    };
    let before = chars(&h);
    let middle = before / 2;
    let mut edits = Vec::with_capacity(EDITS);
    for i in 0..EDITS {
        let (end, text) = if i % 2 == 0 { (middle, "x") } else { (middle + 1, "") };
        let edit = Command::EditText { doc, start: middle, end, text: text.into(), expect_sha256: None };
        let start = Instant::now();
        h.state_mut().apply(&ctx, Action::Edit(edit));
        edits.push(start.elapsed() + timed(&mut h));
    }
    edits.sort();
    assert_eq!(chars(&h), before + EDITS % 2, "the viewer shows the edited text");
    println!(
        "gui_frames: one-character edit (committed, view patched) + repaint, {EDITS} edits: median {:.2} ms, worst {:.2} ms (target < 16 ms)",
        ms(edits[EDITS / 2]),
        ms(edits[EDITS - 1])
    );
}
