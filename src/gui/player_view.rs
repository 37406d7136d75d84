//! The player bar under the open transcript: play/pause, ±5 s, the time, speed and volume, the
//! "follow" choice, and a waveform strip to click or drag to a moment. It reads the
//! [`PlayerPanel`] and emits actions; the app drives the engine.

use egui::{Color32, Rect, Sense, Stroke, Ui, pos2, vec2};

use super::action::Action;
use super::player_state::{PlayerPanel, WaveformJob, clock};
use crate::media::waveform::Waveform;

/// Speeds offered (pitch is kept).
const SPEEDS: [f32; 7] = [0.5, 0.75, 0.9, 1.0, 1.25, 1.5, 2.0];

/// Height of the waveform strip.
const STRIP_HEIGHT: f32 = 34.0;

pub fn player_ui(ui: &mut Ui, panel: &PlayerPanel, actions: &mut Vec<Action>) {
    ui.add_space(2.0);
    // Wrapped: beside both side panels the bar is narrow, and nothing may run under them.
    ui.horizontal_wrapped(|ui| controls_ui(ui, panel, actions));
    strip_ui(ui, panel, actions);
    if let Some(problem) = &panel.problem {
        ui.colored_label(ui.visuals().warn_fg_color, problem);
    }
    ui.add_space(2.0);
}

fn controls_ui(ui: &mut Ui, panel: &PlayerPanel, actions: &mut Vec<Action>) {
    let can_play = panel.player.is_some();
    ui.add_enabled_ui(can_play, |ui| {
        if ui.button("⏪ 5 s").on_hover_text("Back 5 seconds (Alt+Left)").clicked() {
            actions.push(Action::PlayerBack);
        }
        let (icon, tip) = if panel.playing() { ("⏸ Pause", "Pause (F4)") } else { ("▶ Play", "Play (F4)") };
        if ui.button(icon).on_hover_text(tip).clicked() {
            actions.push(Action::PlayerToggle);
        }
        if ui.button("5 s ⏩").on_hover_text("Forward 5 seconds (Alt+Right)").clicked() {
            actions.push(Action::PlayerForward);
        }
    });
    let duration = panel.duration_ms().map_or_else(|| "–:––".to_owned(), clock);
    ui.monospace(format!("{} / {duration}", clock(panel.position_ms())));
    ui.separator();
    ui.add_enabled_ui(can_play, |ui| speed_and_volume_ui(ui, panel, actions));
    let mut follow = panel.follow;
    if ui.checkbox(&mut follow, "Follow").on_hover_text("Scroll the text along with what is playing").changed() {
        actions.push(Action::ToggleFollow);
    }
}

fn speed_and_volume_ui(ui: &mut Ui, panel: &PlayerPanel, actions: &mut Vec<Action>) {
    let speed = panel.status.as_ref().map_or(1.0, |s| s.speed);
    let label = ui.label("Speed");
    egui::ComboBox::from_id_salt("player-speed")
        .width(60.0)
        .selected_text(format!("{speed}×"))
        .show_ui(ui, |ui| {
            for choice in SPEEDS {
                if ui.selectable_label((choice - speed).abs() < 0.01, format!("{choice}×")).clicked() {
                    actions.push(Action::PlayerSpeed(choice));
                }
            }
        })
        .response
        .on_hover_text("Playing speed; the pitch stays the same")
        .labelled_by(label.id);
    let mut volume = panel.status.as_ref().map_or(1.0, |s| s.volume);
    let slider = egui::Slider::new(&mut volume, 0.0..=1.0).show_value(false).text("Volume");
    if ui.add_sized([90.0, 18.0], slider).changed() {
        actions.push(Action::PlayerVolume(volume));
    }
}

/// The waveform, the part already played, the playing position; click or drag to seek.
fn strip_ui(ui: &mut Ui, panel: &PlayerPanel, actions: &mut Vec<Action>) {
    let width = ui.available_width().max(50.0);
    let (rect, response) = ui.allocate_exact_size(vec2(width, STRIP_HEIGHT), Sense::click_and_drag());
    let visuals = ui.visuals();
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
    let duration = panel.duration_ms();
    let played_x = duration.map(|d| rect.left() + rect.width() * share(panel.position_ms(), d));
    let accent = visuals.selection.bg_fill;
    let weak = visuals.weak_text_color();
    match &panel.waveform {
        WaveformJob::Ready(w) => paint_peaks(&painter, rect, w, played_x, accent, weak),
        WaveformJob::Running { .. } => {
            let done = panel.waveform.progress().unwrap_or(0.0);
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                format!("Drawing the waveform… {:.0} %", done * 100.0),
                egui::FontId::proportional(12.0),
                weak,
            );
        }
        WaveformJob::Failed(why) => {
            painter.text(rect.center(), egui::Align2::CENTER_CENTER, why, egui::FontId::proportional(12.0), weak);
        }
    }
    let name_at = rect.left_top() + vec2(4.0, 2.0);
    painter.text(
        name_at,
        egui::Align2::LEFT_TOP,
        panel.label(),
        egui::FontId::proportional(11.0),
        visuals.text_color(),
    );
    if let Some(x) = played_x {
        painter
            .line_segment([pos2(x, rect.top()), pos2(x, rect.bottom())], Stroke::new(2.0, visuals.strong_text_color()));
    }
    let Some(duration) = duration else { return };
    let at = |x: f32| (((x - rect.left()) / rect.width()).clamp(0.0, 1.0) as f64 * duration as f64) as u64;
    if let Some(pos) = response.hover_pos() {
        let tip = format!("{} — click to go there\n{}", clock(at(pos.x)), panel.link.path);
        response.clone().on_hover_text_at_pointer(tip);
    }
    if (response.clicked() || response.drag_stopped())
        && let Some(pos) = response.interact_pointer_pos()
    {
        actions.push(Action::PlayerSeek(at(pos.x)));
    }
}

fn share(ms: u64, duration: u64) -> f32 {
    if duration == 0 { 0.0 } else { (ms as f64 / duration as f64).clamp(0.0, 1.0) as f32 }
}

/// One vertical line a pixel column, from the lowest to the highest sample it covers; the part
/// already played in the accent colour.
fn paint_peaks(
    painter: &egui::Painter,
    rect: Rect,
    w: &Waveform,
    played_x: Option<f32>,
    accent: Color32,
    rest: Color32,
) {
    if w.peaks.is_empty() {
        return;
    }
    let columns = rect.width().floor().max(1.0) as usize;
    let mid = rect.center().y;
    let half = rect.height() / 2.0 - 1.0;
    for column in 0..columns {
        let from = column * w.peaks.len() / columns;
        let to = ((column + 1) * w.peaks.len() / columns).max(from + 1).min(w.peaks.len());
        let (low, high) = w.peaks[from..to].iter().fold((0.0f32, 0.0f32), |(lo, hi), p| (lo.min(p[0]), hi.max(p[1])));
        let x = rect.left() + column as f32 + 0.5;
        let color = if played_x.is_some_and(|p| x <= p) { accent } else { rest };
        let (top, bottom) = (mid - high.clamp(0.0, 1.0) * half, mid - low.clamp(-1.0, 0.0) * half);
        painter.line_segment([pos2(x, top), pos2(x, bottom.max(top + 1.0))], Stroke::new(1.0, color));
    }
}
