//! What the player bar costs a frame: the demo's interview INT01-LW02 (with its recording)
//! open in the workbench, driven headless through egui_kittest at 1280×800 (AccessKit on), its
//! waveform strip drawn from the cached peaks. Prints the median whole frame with the waveform
//! and with the same bar over an empty strip, and their difference: the cost of drawing the
//! waveform (target < 1 ms a frame). Sound goes to a silent sink.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use fieldcode::gui::player_state::WaveformJob;
use fieldcode::gui::{Action, Settings, WorkbenchApp};
use fieldcode::media::{AudioSink, MediaError, NullSink};

const FRAMES: usize = 300;

fn silent(rate: u32, channels: u16) -> Result<Box<dyn AudioSink>, MediaError> {
    Ok(Box::new(NullSink::new(rate, channels)))
}

fn median_frame(h: &mut Harness<'static, WorkbenchApp>) -> f64 {
    let mut frames: Vec<Duration> = (0..FRAMES)
        .map(|i| {
            // The pointer moves over the strip, so each frame is really drawn.
            h.event(egui::Event::PointerMoved(egui::pos2(300.0 + (i % 300) as f32, 750.0)));
            let start = Instant::now();
            h.step();
            start.elapsed()
        })
        .collect();
    frames.sort();
    frames[frames.len() / 2].as_secs_f64() * 1000.0
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("player_bar: bench");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = fieldcode::demo::build(&dir.path().join("demo.fieldcode")).unwrap();
    let doc = fieldcode::store::documents::id_by_name(project.conn(), "INT01-LW02").unwrap();
    let mut app = WorkbenchApp::new(Settings { coder: "bench".into(), ..Settings::default() });
    app.sound = silent;
    app.show_project(project);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut WorkbenchApp| app.ui(ui), app);
    h.state_mut().queue(Action::OpenDocument(doc));
    let start = Instant::now();
    loop {
        h.step();
        let ready = h
            .state()
            .workbench
            .as_ref()
            .and_then(|wb| wb.player.as_ref())
            .is_some_and(|p| matches!(p.waveform, WaveformJob::Ready(_)) && p.player.is_some());
        if ready {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the player bar did not open");
        std::thread::sleep(Duration::from_millis(5));
    }
    let with_waveform = median_frame(&mut h);
    // The same bar and layout with an empty strip: the difference is drawing the waveform.
    let panel = h.state_mut().workbench.as_mut().unwrap().player.as_mut().unwrap();
    panel.waveform = WaveformJob::Failed(String::new());
    let empty_strip = median_frame(&mut h);
    println!(
        "player_bar: median frame {with_waveform:.3} ms with the waveform, {empty_strip:.3} ms with an empty strip: drawing the waveform costs {:.3} ms a frame (target < 1 ms)",
        with_waveform - empty_strip
    );
}
