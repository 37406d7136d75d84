//! Floating windows: keyboard shortcuts, settings, the command palette (Ctrl+K) and the coding
//! inspector that opens when a highlight is clicked.

use egui::{Context, Ui};

use super::action::Action;
use super::file_chooser::ChooserPreference;
use super::settings::Settings;
use super::workbench::Workbench;
use crate::coding::Command;

/// Which windows are open, and the palette's query.
#[derive(Debug, Default)]
pub struct Windows {
    pub shortcuts: bool,
    pub settings: bool,
    pub palette: Option<String>,
    pub palette_focus: bool,
}

/// The help window: every action with a shortcut, as [`Action::offer`] gives them, then the keys
/// that are not actions of their own.
pub fn show_shortcuts(ctx: &Context, open: &mut bool) {
    egui::Window::new("Keyboard shortcuts").open(open).resizable(false).show(ctx, |ui| {
        egui::Grid::new("shortcut-grid").striped(true).show(ui, |ui| {
            for action in Action::ALL_SIMPLE {
                let Some(offer) = action.offer().filter(|o| !o.keys.is_empty()) else { continue };
                ui.monospace(keys_text(ctx, offer.keys));
                ui.label(offer.palette.unwrap_or(offer.menu));
                ui.end_row();
            }
            for (keys, what) in [
                ("1 … 9", "Apply a quick-code bar code to the selection"),
                ("typing", "With a selection, typing opens the code finder"),
                ("Enter", "In the code finder: apply the best match, or create the code"),
                ("Esc", "Clear the selection / close the palette"),
                ("drag", "Select text, also across paragraphs"),
            ] {
                ui.monospace(keys);
                ui.label(what);
                ui.end_row();
            }
        });
    });
}

/// An action's shortcuts as the help window shows them, e.g. `Ctrl+Shift+Z or Ctrl+Y`.
pub fn keys_text(ctx: &Context, keys: &[egui::KeyboardShortcut]) -> String {
    keys.iter().map(|k| ctx.format_shortcut(k)).collect::<Vec<_>>().join(" or ")
}

pub fn show_settings(ctx: &Context, open: &mut bool, settings: &mut Settings) {
    egui::Window::new("Settings").open(open).resizable(false).show(ctx, |ui| {
        ui.horizontal(|ui| {
            ui.label("Coder name");
            ui.text_edit_singleline(&mut settings.coder);
        });
        ui.add(egui::Slider::new(&mut settings.font_size, 9.0..=32.0).text("Document text size"));
        ui.checkbox(&mut settings.dark, "Dark theme");
        ui.checkbox(&mut settings.snap_words, "Snap selections to whole words");
        let mut builtin = settings.file_chooser == ChooserPreference::BuiltIn;
        ui.checkbox(&mut builtin, "Always use Fieldcode's own file chooser")
            .on_hover_text("Otherwise the system's file dialog is used where the desktop has one.");
        settings.file_chooser = if builtin { ChooserPreference::BuiltIn } else { ChooserPreference::Automatic };
        ui.weak("Settings are kept for this user; project data stays in the project file.");
    });
}

/// The command palette: every action, document and code by name. Enter runs the first match.
pub fn show_palette(ctx: &Context, windows: &mut Windows, wb: Option<&Workbench>, actions: &mut Vec<Action>) {
    let Some(query) = windows.palette.as_mut() else { return };
    let mut close = false;
    egui::Window::new("Command palette")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
        .show(ctx, |ui| {
            let response = ui.add(
                egui::TextEdit::singleline(query).hint_text("Type a command, document or code").desired_width(360.0),
            );
            if std::mem::take(&mut windows.palette_focus) {
                response.request_focus();
            }
            let entries = palette_entries(wb);
            let needle = query.trim().to_lowercase();
            let hits: Vec<&(String, Action)> =
                entries.iter().filter(|(label, _)| label.to_lowercase().contains(&needle)).take(12).collect();
            if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                if let Some((_, action)) = hits.first() {
                    actions.push(action.clone());
                }
                close = true;
            }
            for (label, action) in hits {
                if ui.selectable_label(false, label).clicked() {
                    actions.push(action.clone());
                    close = true;
                }
            }
            if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                close = true;
            }
        });
    if close {
        windows.palette = None;
    }
}

fn palette_entries(wb: Option<&Workbench>) -> Vec<(String, Action)> {
    let mut entries: Vec<(String, Action)> = Action::palette().map(|(l, a)| (l.to_owned(), a.clone())).collect();
    if let Some(wb) = wb {
        entries.extend(wb.documents.iter().map(|d| (format!("Open document: {}", d.name), Action::OpenDocument(d.id))));
        for code in &wb.codes {
            if wb.selection.is_some() {
                entries.push((format!("Apply code: {}", code.path), Action::ApplyCode(code.id)));
            }
            entries.push((format!("Show excerpts: {}", code.path), Action::ShowExcerpts(code.id)));
            entries.push((format!("Describe code: {}", code.path), Action::DescribeCodeDialog(code.id)));
        }
    }
    entries
}

/// The codings under the last click: code, coder and date, with remove and recode.
pub fn show_inspector(ctx: &Context, wb: &Workbench, actions: &mut Vec<Action>) {
    let Some(inspection) = &wb.inspection else { return };
    let mut open = true;
    egui::Window::new("Codings here").open(&mut open).default_width(320.0).show(ctx, |ui| {
        for coding in &inspection.codings {
            coding_row(ui, wb, coding, actions);
            ui.separator();
        }
    });
    if !open {
        actions.push(Action::ClearSelection);
    }
}

fn coding_row(ui: &mut Ui, wb: &Workbench, coding: &crate::model::CodingRow, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
        ui.painter().rect_filled(rect, 2.0, wb.code_color(coding.code_id));
        ui.strong(wb.code_path(coding.code_id));
    });
    ui.weak(format!(
        "by {} on {}, characters {}–{}",
        coding.coder,
        coding.created_at.get(..10).unwrap_or(""),
        coding.start,
        coding.end
    ));
    let memos = wb.inspection.as_ref().and_then(|i| i.memos.get(&coding.id));
    for (n, memo) in memos.into_iter().flatten().enumerate() {
        ui.weak("Memo:");
        super::markdown::show(ui, ("inspector-memo", coding.id, n), memo);
    }
    ui.horizontal_wrapped(|ui| {
        if ui.button("Remove").clicked() {
            actions.push(Action::Edit(Command::RemoveCodings { codings: vec![coding.id] }));
        }
        if ui.button("Select span").clicked() {
            actions.push(Action::Select { start: coding.start, end: coding.end });
        }
        let memo = if memos.is_some() { "Memos…" } else { "Write a memo…" };
        if ui.button(memo).on_hover_text("The memos on this coding, in the memos panel").clicked() {
            actions.push(Action::ShowMemos);
        }
        ui.menu_button("Recode as…", |ui| {
            let picked = super::code_picker::code_picker_ui(ui, ("recode", coding.id), wb, &|c| c == coding.code_id);
            if let Some(code) = picked {
                actions.push(Action::Recode { coding: coding.id, code });
                ui.close();
            }
        });
    });
}
