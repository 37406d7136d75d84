//! The bar above the document: the quick-code buttons (keys 1–9, each keeping its slot; see
//! [`super::quick_slots`]), a box to find a code by typing (Enter applies the best match, or
//! creates the code when none matches), and in-vivo coding. The bar is one line on any width:
//! slots that do not fit go into a "more" menu, each button carrying its own colour chip.

use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{Galley, Sense, StrokeKind, Ui, vec2};

use super::action::Action;
use super::workbench::Workbench;
use crate::model::CodeId;

/// Width kept for the finder, its hint and the in-vivo button, right of the slots.
const FINDER_SPACE: f32 = 280.0;
/// Width of the "more" menu button.
const MORE_SPACE: f32 = 70.0;
/// Longest code name shown on a slot button, in characters.
const NAME_MAX: usize = 22;

pub fn show(ui: &mut Ui, wb: &mut Workbench, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let room = (ui.available_width() - FINDER_SPACE).max(0.0);
        let overflow = slots_ui(ui, wb, room, actions);
        if !overflow.is_empty() {
            ui.menu_button(format!("+{} more", overflow.len()), |ui| {
                for (slot, code, galley) in overflow {
                    slot_button(ui, wb, slot, code, galley, actions);
                }
            });
        }
        ui.separator();
        let enabled = wb.selection.is_some();
        if ui
            .add_enabled(enabled, egui::Button::new("In vivo"))
            .on_hover_text("Create a code named after the selection and apply it (Ctrl+I)")
            .clicked()
        {
            actions.push(Action::InVivo);
        }
        finder(ui, wb, actions);
    });
}

/// Draws the slots that fit in `room`; returns the others.
fn slots_ui(ui: &mut Ui, wb: &Workbench, room: f32, actions: &mut Vec<Action>) -> Vec<(usize, CodeId, Arc<Galley>)> {
    let padding = ui.spacing().button_padding.x * 2.0 + ui.spacing().item_spacing.x + CHIP_WIDTH + 2.0;
    let mut used = 0.0;
    let mut overflow = Vec::new();
    let filled = wb.quick.slots().iter().enumerate().filter_map(|(i, s)| s.map(|s| (i, s.code)));
    for (slot, code) in filled {
        let galley = slot_galley(ui, wb, slot, code);
        let width = galley.size().x + padding;
        let reserve = if overflow.is_empty() { MORE_SPACE } else { 0.0 };
        if !overflow.is_empty() || used + width + reserve > room {
            overflow.push((slot, code, galley));
            continue;
        }
        used += width;
        slot_button(ui, wb, slot, code, galley, actions);
    }
    overflow
}

/// Width of a slot's colour chip and the space after it.
const CHIP_WIDTH: f32 = 6.0;

/// "3 Caseload pressure": the key and the (shortened) name; the chip is painted beside it.
fn slot_galley(ui: &Ui, wb: &Workbench, slot: usize, code: CodeId) -> Arc<Galley> {
    let font = egui::TextStyle::Button.resolve(ui.style());
    let name = wb.code(code).map(|c| c.name.as_str()).unwrap_or("?");
    let mut short: String = name.chars().take(NAME_MAX).collect();
    if name.chars().count() > NAME_MAX {
        short.push('…');
    }
    let mut job = LayoutJob::default();
    job.append(&format!("{} {short}", slot + 1), 0.0, TextFormat::simple(font, ui.visuals().text_color()));
    ui.painter().layout_job(job)
}

/// The chip and the button of one slot, side by side (one widget group, so they never part).
fn slot_button(ui: &mut Ui, wb: &Workbench, slot: usize, code: CodeId, galley: Arc<Galley>, actions: &mut Vec<Action>) {
    let enabled = wb.selection.is_some();
    let pinned = wb.quick.slots()[slot].is_some_and(|s| s.pinned);
    let path = wb.code(code).map(|c| c.path.as_str()).unwrap_or("?");
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 2.0;
        let (rect, _) = ui.allocate_exact_size(vec2(CHIP_WIDTH, 16.0), Sense::hover());
        ui.painter().rect_filled(rect, 1.0, wb.code_color(code));
        if pinned {
            ui.painter().rect_stroke(
                rect.expand(1.0),
                1.0,
                egui::Stroke::new(1.5, ui.visuals().strong_text_color()),
                StrokeKind::Outside,
            );
        }
        let state = if pinned { "pinned; right-click to unpin or clear" } else { "right-click to pin or clear" };
        let button = ui
            .add_enabled(enabled, egui::Button::new(galley))
            .on_hover_text(format!("{path}: key {} ({state})", slot + 1))
            .on_disabled_hover_text(format!("{path}: key {} (select text first; {state})", slot + 1));
        if button.clicked() {
            actions.push(Action::QuickCode(slot));
        }
        button.context_menu(|ui| slot_menu(ui, wb, slot, code, actions));
    });
}

fn slot_menu(ui: &mut Ui, wb: &Workbench, slot: usize, code: CodeId, actions: &mut Vec<Action>) {
    let pinned = wb.quick.slots()[slot].is_some_and(|s| s.pinned);
    let key = slot + 1;
    if !pinned && ui.button(format!("Pin to key {key}")).clicked() {
        actions.push(Action::PinQuickCode { slot, code });
    }
    if pinned && ui.button(format!("Unpin key {key}")).clicked() {
        actions.push(Action::UnpinQuickCode(slot));
    }
    if ui.button(format!("Clear key {key}")).clicked() {
        actions.push(Action::ClearQuickCode(slot));
    }
}

fn finder(ui: &mut Ui, wb: &mut Workbench, actions: &mut Vec<Action>) {
    let label = ui.label("Code");
    let edit = egui::TextEdit::singleline(&mut wb.finder).hint_text("type to find (Ctrl+E)").desired_width(130.0);
    let response = ui.add(edit).labelled_by(label.id);
    if std::mem::take(&mut wb.finder_focus) {
        response.request_focus();
    }
    let query = wb.finder.trim().to_owned();
    if query.is_empty() {
        return;
    }
    let hits: Vec<(i64, String)> = wb.find_codes(&query).into_iter().take(6).map(|c| (c.id, c.path.clone())).collect();
    let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    if enter && wb.selection.is_some() {
        actions.push(match hits.first() {
            Some((id, _)) => Action::ApplyCode(*id),
            None => Action::CreateCodeAndApply(query.clone()),
        });
        wb.finder.clear();
        return;
    }
    let hint = match hits.first() {
        Some((_, path)) => format!("Enter: {path}"),
        None => format!("Enter: new code \"{query}\""),
    };
    ui.add(egui::Label::new(egui::RichText::new(hint).weak()).truncate());
}
