//! The paragraph being corrected in edit mode, drawn as a text field over the paragraph it
//! replaces (same font and width, so the text stays where it was), and the bar above the viewer
//! that says what edit mode does and which codings a pending change would remove.

use std::time::Duration;

use egui::{FontId, Rect, Ui, vec2};

use super::action::Action;
use super::document_view::{DocumentView, PARAGRAPH_GAP};
use super::text_editing::{BURST_PAUSE, ParagraphEdit};
use super::viewer::Placed;

/// Draws the field over its paragraph, if the paragraph is on screen, and measures it so the
/// paragraphs below make room as it grows.
pub(crate) fn editor_ui(ui: &mut Ui, view: &mut DocumentView, placed: &[Placed], edit: &mut ParagraphEdit, size: f32) {
    let Some(p) = placed.iter().find(|p| p.index == edit.paragraph) else { return };
    let width = p.galley.job.wrap.max_width.min(ui.max_rect().right() - p.pos.x).max(80.0);
    let rect = Rect::from_min_size(p.pos, vec2(width, p.galley.size().y.max(size)));
    let visuals = ui.visuals().clone();
    ui.painter().rect_filled(rect.expand(3.0), 3.0, visuals.extreme_bg_color);
    ui.painter().rect_stroke(rect.expand(3.0), 3.0, visuals.selection.stroke, egui::StrokeKind::Outside);
    let field_id = egui::Id::unique(("paragraph-editor", edit.document, edit.paragraph));
    if let Some(text) = edit.insert.take() {
        type_at_caret(ui.ctx(), field_id, &mut edit.buffer, &text);
        edit.last_typed = ui.input(|i| i.time);
        edit.focus = true;
    }
    let field = egui::TextEdit::multiline(&mut edit.buffer)
        .id(field_id)
        .font(FontId::proportional(size))
        .desired_width(width)
        .desired_rows(1)
        .frame(egui::Frame::NONE)
        .margin(egui::Margin::ZERO);
    let response = ui.put(rect, field);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::MultilineTextInput, true, "Paragraph text"));
    if std::mem::take(&mut edit.focus) {
        response.request_focus();
    }
    view.heights.measure(edit.paragraph, response.rect.height().max(p.galley.size().y) + PARAGRAPH_GAP);
    if response.changed() {
        edit.last_typed = ui.input(|i| i.time);
        edit.confirm = None;
        edit.confirmed = false;
    }
    if response.lost_focus() && edit.is_dirty() && edit.confirm.is_none() {
        // Leaving the field ends the burst at once.
        edit.last_typed = f64::NEG_INFINITY;
    }
}

/// Types `text` at the caret of the field `id` (at the end when it has none) and puts the caret
/// after it.
fn type_at_caret(ctx: &egui::Context, id: egui::Id, buffer: &mut String, text: &str) {
    let mut state = egui::TextEdit::load_state(ctx, id).unwrap_or_default();
    let chars = buffer.chars().count();
    let at = state.cursor.char_range().map_or(chars, |r| r.primary.index.0.min(chars));
    let byte = crate::text::char_slice(buffer, 0, at).len();
    buffer.insert_str(byte, text);
    let caret = egui::text::CCursor::new(at + text.chars().count());
    state.cursor.set_char_range(Some(egui::text::CCursorRange::one(caret)));
    state.store(ctx, id);
}

/// Queues the commit of a burst of typing once it is over, or wakes the window when it will be.
pub(crate) fn commit_when_due(ui: &Ui, edit: &ParagraphEdit, actions: &mut Vec<Action>) {
    let now = ui.input(|i| i.time);
    if edit.burst_over(now) {
        actions.push(Action::CommitTextEdit);
    } else if edit.is_dirty() && edit.confirm.is_none() {
        ui.ctx().request_repaint_after(Duration::from_secs_f64(BURST_PAUSE));
    }
}

/// The bar above the viewer in edit mode: what it does, and the codings a pending change would
/// remove with the choice to go ahead or take the typing back.
pub fn edit_bar_ui(ui: &mut Ui, edit: Option<&ParagraphEdit>, actions: &mut Vec<Action>) {
    let frame = egui::Frame::group(ui.style()).fill(ui.visuals().faint_bg_color);
    frame.show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.strong("Editing the text.");
            ui.label("Click a paragraph to correct it; each pause in typing is one change that Undo takes back. Codings move with the words.");
            if ui.button("Done editing").clicked() {
                actions.push(Action::ToggleEditMode);
            }
        });
        let Some(list) = edit.and_then(|e| e.confirm.as_ref()) else { return };
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("This change removes {} coding{}:", list.len(), if list.len() == 1 { "" } else { "s" }),
        );
        for line in list {
            ui.label(format!("• {line}"));
        }
        ui.horizontal(|ui| {
            if ui.button("Remove them and apply").clicked() {
                actions.push(Action::ConfirmTextEdit);
            }
            if ui.button("Take my typing back").clicked() {
                actions.push(Action::DiscardTextEdit);
            }
        });
    });
}
