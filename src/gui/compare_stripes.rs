//! Painting the compared document: one stripe column per coder (that coder's codings as bars in
//! their code colours, named at the top), then the speaker column and the text, in which the
//! spans where the coders differ are tinted in their code's colour and the picked one is drawn
//! selected. Like the main viewer it lays out only the paragraphs on screen.

use std::sync::Arc;

use egui::{Align2, Color32, FontId, Galley, Pos2, Rect, Sense, Stroke, Ui};

use super::compare_state::CompareDocument;
use super::document_view::DocumentView;
use super::highlight::{Layer, Palette, paragraph_job};
use super::viewer::{Frame, Placed, coding_extent, paint_paragraphs, scroll_area};
use crate::model::{CodeId, Span};

/// Width of one coder's stripe column.
pub const COLUMN: f32 = 52.0;
const STRIPE_WIDTH: f32 = 5.0;
const SPEAKER_WIDTH: f32 = 100.0;

/// What painting needs from the view for one frame.
pub struct StripeContext<'a> {
    pub coders: &'a [String],
    pub font_size: f32,
    pub code_color: &'a dyn Fn(CodeId) -> Color32,
    /// Spans where the coders differ, with their code.
    pub differences: &'a [(Span, CodeId)],
    pub selection: Option<Span>,
    pub scroll_to: Option<usize>,
}

/// Draws the coder names over their columns, then the document; returns the offset clicked.
pub fn document_ui(ui: &mut Ui, doc: &mut CompareDocument, cx: &StripeContext) -> Option<usize> {
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        for name in cx.coders {
            let (rect, response) = ui.allocate_exact_size(egui::vec2(COLUMN, 18.0), Sense::hover());
            response.on_hover_text(format!("{name}'s codings; tinted text marks where the coders differ"));
            ui.painter().text(
                rect.left_center() + egui::vec2(4.0, 0.0),
                Align2::LEFT_CENTER,
                name,
                FontId::proportional(13.0),
                ui.visuals().strong_text_color(),
            );
        }
    });
    let area = scroll_area(("compare-text", doc.view.id), &doc.view, cx.scroll_to);
    area.show_viewport(ui, |ui, viewport| paint(ui, viewport, doc, cx)).inner
}

fn paint(ui: &mut Ui, viewport: Rect, doc: &mut CompareDocument, cx: &StripeContext) -> Option<usize> {
    column_rules(ui, ui.max_rect().min, viewport, cx.coders.len());
    let frame =
        Frame { margin: cx.coders.len() as f32 * COLUMN + 8.0, speaker_width: SPEAKER_WIDTH, font_size: cx.font_size };
    let lanes = Lanes { of_coding: &doc.lanes, per_coder: &doc.lane_counts };
    let (origin, placed) = paint_paragraphs(
        ui,
        viewport,
        &mut doc.view,
        &frame,
        cx.code_color,
        &|ui, view, i, width, palette| layout(ui, view, i, cx, width, palette),
        &mut |ui, view, i, origin, pos, galley| stripes(ui, view, &lanes, i, Pos2::new(origin.x, pos.y), galley, cx),
    );
    let rect = Rect::from_min_size(origin + viewport.min.to_vec2(), viewport.size());
    let response = ui.interact(rect, ui.scope_id().with("compare-click"), Sense::click());
    let pos = response.interact_pointer_pos().filter(|_| response.clicked())?;
    offset_at(doc, &placed, pos)
}

/// Thin lines between the coder columns, so each coder's stripes read as one column.
fn column_rules(ui: &Ui, origin: Pos2, viewport: Rect, coders: usize) {
    let stroke = Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color);
    for c in 1..=coders {
        let x = origin.x + c as f32 * COLUMN - 2.0;
        ui.painter().vline(x, (origin.y + viewport.min.y)..=(origin.y + viewport.max.y), stroke);
    }
}

fn layout(ui: &Ui, view: &DocumentView, i: usize, cx: &StripeContext, width: f32, p: &Palette) -> Arc<Galley> {
    let para = view.paragraphs[i];
    let clip = |s: Span| Span { start: s.start.max(para.start) - para.start, end: s.end.min(para.end) - para.start };
    let layers: Vec<Layer> = cx
        .differences
        .iter()
        .filter(|(s, _)| s.start < para.end && s.end > para.start)
        .map(|&(s, code)| {
            let s = clip(s);
            Layer { start: s.start, end: s.end, code }
        })
        .collect();
    let selection = cx.selection.filter(|s| s.start < para.end && s.end > para.start).map(clip);
    ui.painter().layout_job(paragraph_job(view.paragraph_text(i), &layers, selection, width, p))
}

/// A compared document's stripe lanes (see [`CompareDocument`]).
struct Lanes<'a> {
    of_coding: &'a [(usize, u16)],
    per_coder: &'a [usize],
}

/// Each coder's codings over paragraph `i`, as bars in that coder's column; `at` is the left
/// edge of the columns and the paragraph's top.
fn stripes(ui: &Ui, view: &DocumentView, lanes: &Lanes, i: usize, at: Pos2, galley: &Galley, cx: &StripeContext) {
    let (left, top) = (at.x, at.y);
    let para = view.paragraphs[i];
    for &k in &view.by_paragraph[i] {
        let coding = &view.codings[k as usize];
        let (coder, lane) = lanes.of_coding[k as usize];
        let lanes = lanes.per_coder.get(coder).copied().unwrap_or(1).max(1);
        let step = ((COLUMN - 10.0) / lanes as f32).min(STRIPE_WIDTH + 2.0);
        let (y0, y1) = coding_extent(galley, para, coding.start, coding.end);
        let x = left + coder as f32 * COLUMN + 4.0 + lane as f32 * step;
        let rect = Rect::from_min_max(Pos2::new(x, top + y0), Pos2::new(x + (step - 1.0).max(1.0), top + y1));
        ui.painter().rect_filled(rect, 1.0, (cx.code_color)(coding.code_id));
    }
}

/// The document offset under a screen position, using the paragraphs drawn this frame.
fn offset_at(doc: &CompareDocument, placed: &[Placed], pos: Pos2) -> Option<usize> {
    let hit = placed.iter().rev().find(|p| pos.y >= p.pos.y)?;
    Some(hit.offset(&doc.view, pos))
}
