//! The document viewer: a virtual scroll over paragraphs. Only visible paragraphs are laid out
//! (one `LayoutJob` each, with coded spans highlighted) and drawn as real labels, so long
//! transcripts scroll at the same cost as short ones. Beside the text: a speaker column with the
//! label and time of each turn, and a margin of labelled coding stripes ([`super::stripes`]).
//! Selection is tracked here by mouse drag and reported in document code points, so it can
//! cross paragraphs.

use std::sync::Arc;

use egui::{Align2, Color32, FontId, Galley, Pos2, Rect, ScrollArea, Sense, Ui};

use super::action::Action;
use super::document_view::{DocumentView, Heights, PARAGRAPH_GAP};
use super::highlight::{Layer, Palette, paragraph_job};
use super::stripes::{self, Columns, StripeContext};
use super::text_editing::ParagraphEdit;
use crate::model::{CodeId, Span};

/// The speaker column takes at most this share of the pane.
const SPEAKER_SHARE: f32 = 0.2;

/// What the viewer needs from the rest of the workbench for one frame.
pub struct ViewerContext<'a> {
    pub selection: Option<Span>,
    pub font_size: f32,
    pub code_color: &'a dyn Fn(CodeId) -> Color32,
    pub stripes: StripeContext<'a>,
    /// Widen dragged and extended selections to whole words.
    pub snap_words: bool,
    /// The speaker column's width as the user left it.
    pub speaker_width: f32,
    /// Edit mode: a click opens the paragraph as a text field instead of selecting.
    pub editable: bool,
    /// The stretch of text the recording is playing now, marked beside the text.
    pub playing: Option<Span>,
    /// The document has a recording: a turn's time plays from there when clicked.
    pub play_times: bool,
}

pub(crate) struct Placed {
    pub(crate) index: usize,
    pub(crate) pos: Pos2,
    pub(crate) galley: Arc<Galley>,
    /// Where the turn's time is written in the speaker column, when the paragraph has one.
    pub(crate) time_rect: Option<Rect>,
}

impl Placed {
    /// The document offset of `pos` within this paragraph of `view`.
    pub(crate) fn offset(&self, view: &DocumentView, pos: Pos2) -> usize {
        let para = view.paragraphs[self.index];
        let within = self.galley.cursor_from_pos(pos - self.pos).index.0;
        (para.start + within).min(para.end)
    }
}

/// The top and bottom, relative to the paragraph, of the part of a coding (`start..end`) that
/// lies in paragraph `para` laid out as `galley`; a coding running on past the paragraph reaches
/// into the gap below it.
pub(crate) fn coding_extent(galley: &Galley, para: Span, start: usize, end: usize) -> (f32, f32) {
    let top = if start <= para.start {
        0.0
    } else {
        galley.pos_from_cursor(egui::text::CCursor::new(start - para.start)).min.y
    };
    let bottom = if end >= para.end {
        galley.size().y + PARAGRAPH_GAP
    } else {
        galley.pos_from_cursor(egui::text::CCursor::new(end - para.start)).max.y
    };
    (top, bottom)
}

/// Draws the open document and reports selection and clicks as actions; `edit` is the
/// paragraph being corrected in edit mode, drawn as a text field in place.
pub fn show(
    ui: &mut Ui,
    view: &mut DocumentView,
    cx: &ViewerContext,
    mut edit: Option<&mut ParagraphEdit>,
    actions: &mut Vec<Action>,
) {
    let scroll_to = take_scroll(ui, &view.heights, &mut view.scroll_to);
    let area = scroll_area(("viewer", view.id), view, scroll_to);
    area.show_viewport(ui, |ui, viewport| paint(ui, viewport, view, cx, edit.as_deref_mut(), actions));
    if let Some(edit) = edit {
        super::paragraph_editor::commit_when_due(ui, edit, actions);
    }
}

/// The pending scroll target, once the paragraph heights are estimated for the text width: a
/// document opened this frame has none yet, and scrolling then would land at the top.
pub(crate) fn take_scroll(ui: &Ui, heights: &Heights, pending: &mut Option<usize>) -> Option<usize> {
    if pending.is_some() && !heights.is_prepared() {
        ui.ctx().request_repaint();
        return None;
    }
    pending.take()
}

/// A vertical scroll area over `view`, scrolled to the paragraph of `scroll_to` if given.
pub(crate) fn scroll_area(
    salt: impl std::hash::Hash + std::fmt::Debug,
    view: &DocumentView,
    scroll_to: Option<usize>,
) -> ScrollArea {
    let area = ScrollArea::vertical().id_salt(salt).auto_shrink(false);
    match scroll_to {
        Some(offset) => area.vertical_scroll_offset((view.heights.top(view.paragraph_of(offset)) - 40.0).max(0.0)),
        None => area,
    }
}

fn paint(
    ui: &mut Ui,
    viewport: Rect,
    view: &mut DocumentView,
    cx: &ViewerContext,
    edit: Option<&mut ParagraphEdit>,
    actions: &mut Vec<Action>,
) {
    let (first, last) = (view.heights.index_at(viewport.min.y), view.heights.index_at(viewport.max.y));
    let mut columns = Columns::visible(view, (first, last), ui.available_width(), &cx.stripes);
    let speaker_width = cx.speaker_width.min(ui.available_width() * SPEAKER_SHARE).max(40.0);
    let frame = Frame { margin: columns.width() + 8.0, speaker_width, font_size: cx.font_size };
    let mut bars = Vec::new();
    let (origin, placed) = paint_paragraphs(
        ui,
        viewport,
        view,
        &frame,
        cx.code_color,
        &|ui, view, i, width, palette| layout(ui, view, i, cx.selection, width, palette),
        &mut |ui, view, i, origin, pos, galley| {
            if let Some(playing) = cx.playing {
                mark_playing(ui, view.paragraphs[i], galley, pos, playing);
            }
            let drawn = stripes::Drawn { index: i, pos, galley };
            bars.extend(stripes::draw(ui, view, drawn, origin.x + 4.0, &mut columns, &cx.stripes));
        },
    );
    let hovered = ui.input(|i| i.pointer.hover_pos()).and_then(|p| stripes::bar_at(&bars, p));
    if let Some(k) = hovered {
        stripes::outline(ui, view, &placed, k, (cx.code_color)(view.codings[k].code_id));
    }
    let sense_rect = Rect::from_min_size(origin + viewport.min.to_vec2(), viewport.size());
    if cx.editable {
        click_to_edit(ui, sense_rect, view, &placed, actions);
    } else {
        interact(ui, sense_rect, view, &placed, cx, hovered, actions);
    }
    if cx.play_times {
        clickable_times_ui(ui, view, &placed, actions);
    }
    // After the text area, so the field is on top and takes the keyboard and the pointer.
    if let Some(edit) = edit.filter(|e| e.document == view.id) {
        super::paragraph_editor::editor_ui(ui, view, &placed, edit, cx.font_size);
    }
    // After the text area, so the edge is on top and takes the drag.
    if view.headings.iter().any(Option::is_some) {
        let edge = origin.x + frame.margin + speaker_width;
        speaker_edge_ui(ui, edge, sense_rect, speaker_width, actions);
    }
}

/// Where a document's columns go: `margin` points (coding stripes) left of a speaker column of
/// `speaker_width` (only when the document has turns), then the text.
pub(crate) struct Frame {
    pub(crate) margin: f32,
    pub(crate) speaker_width: f32,
    pub(crate) font_size: f32,
}

/// Builds paragraph `i`'s galley for a text width.
pub(crate) type LayoutParagraph<'a> = dyn Fn(&Ui, &DocumentView, usize, f32, &Palette) -> Arc<Galley> + 'a;

/// Paints beside paragraph `i`, given the frame's origin and the paragraph's position.
pub(crate) type Decorate<'a> = dyn FnMut(&Ui, &DocumentView, usize, Pos2, Pos2, &Galley) + 'a;

/// Lays out and draws the paragraphs of `view` visible in `viewport`, with their speaker
/// headings: `layout` builds a paragraph's galley for a text width, `decorate` paints beside it
/// (given the frame's origin and the paragraph's position). Returns the origin and the
/// paragraphs placed, for hit testing. Shared by the viewer and the compare view.
pub(crate) fn paint_paragraphs(
    ui: &mut Ui,
    viewport: Rect,
    view: &mut DocumentView,
    frame: &Frame,
    code_color: &dyn Fn(CodeId) -> Color32,
    layout: &LayoutParagraph,
    decorate: &mut Decorate,
) -> (Pos2, Vec<Placed>) {
    let speaker_w = if view.headings.iter().any(Option::is_some) { frame.speaker_width } else { 0.0 };
    let width = ui.available_width();
    let text_w = (width - frame.margin - speaker_w - 8.0).max(80.0);
    let font = FontId::proportional(frame.font_size);
    let row_h = ui.fonts_mut(|f| f.row_height(&font));
    let lengths = view.paragraphs.iter().map(|p| p.end - p.start);
    view.heights.prepare(text_w, row_h, frame.font_size * 0.5, lengths);
    let origin = ui.max_rect().min;
    ui.set_height(view.heights.total());
    ui.set_width(width);

    let visuals = ui.visuals().clone();
    let palette = Palette {
        text: visuals.text_color(),
        background: visuals.panel_fill,
        selection: visuals.selection.bg_fill,
        font,
        code_color,
    };
    let mut placed = Vec::new();
    let mut i = view.heights.index_at(viewport.min.y);
    while i < view.paragraphs.len() && view.heights.top(i) < viewport.max.y {
        let top = origin.y + view.heights.top(i);
        let galley = layout(ui, view, i, text_w, &palette);
        let pos = Pos2::new(origin.x + frame.margin + speaker_w, top);
        let (heading_h, time_rect) = heading(ui, view, i, Pos2::new(origin.x + frame.margin, top), frame.font_size);
        view.heights.measure(i, galley.size().y.max(heading_h) + PARAGRAPH_GAP);
        ui.put(
            Rect::from_min_size(pos, galley.size()),
            egui::Label::new(galley.clone()).selectable(false).sense(Sense::hover()),
        );
        decorate(ui, view, i, origin, pos, &galley);
        placed.push(Placed { index: i, pos, galley, time_rect });
        i += 1;
    }
    if view.heights.settle() {
        ui.ctx().request_repaint();
    }
    (origin, placed)
}

fn layout(ui: &Ui, view: &DocumentView, i: usize, selection: Option<Span>, width: f32, p: &Palette) -> Arc<Galley> {
    let para = view.paragraphs[i];
    let layers: Vec<Layer> = view.by_paragraph[i]
        .iter()
        .map(|&k| &view.codings[k as usize])
        .map(|c| Layer {
            start: c.start.max(para.start) - para.start,
            end: c.end.min(para.end) - para.start,
            code: c.code_id,
        })
        .collect();
    let selection = selection
        .filter(|s| s.start < para.end && s.end > para.start)
        .map(|s| Span { start: s.start.max(para.start) - para.start, end: s.end.min(para.end) - para.start });
    ui.painter().layout_job(paragraph_job(view.paragraph_text(i), &layers, selection, width, p))
}

/// Paints the speaker label and time of a turn; returns the height used and where the time is.
fn heading(ui: &Ui, view: &DocumentView, i: usize, pos: Pos2, size: f32) -> (f32, Option<Rect>) {
    let Some(Some(h)) = view.headings.get(i) else { return (0.0, None) };
    let painter = ui.painter();
    let strong = ui.visuals().strong_text_color();
    let label = painter.text(pos, Align2::LEFT_TOP, &h.speaker, FontId::proportional(size), strong);
    let mut bottom = label.bottom();
    let mut time_rect = None;
    if let Some(time) = &h.time {
        let weak = ui.visuals().weak_text_color();
        let rect =
            painter.text(Pos2::new(pos.x, bottom + 1.0), Align2::LEFT_TOP, time, FontId::monospace(size * 0.8), weak);
        bottom = rect.bottom();
        time_rect = Some(rect);
    }
    (bottom - pos.y, time_rect)
}

/// A bar left of the text beside the part of paragraph `para` that the recording is playing.
fn mark_playing(ui: &Ui, para: Span, galley: &Galley, pos: Pos2, playing: Span) {
    if playing.start >= para.end.max(para.start + 1) || playing.end <= para.start {
        return;
    }
    let (top, bottom) = coding_extent(galley, para, playing.start, playing.end);
    let bar = Rect::from_min_max(Pos2::new(pos.x - 5.0, pos.y + top), Pos2::new(pos.x - 2.0, pos.y + bottom));
    ui.painter().rect_filled(bar, 1.0, ui.visuals().selection.stroke.color);
}

/// Turns' times as links: a click plays the recording from that turn.
fn clickable_times_ui(ui: &Ui, view: &DocumentView, placed: &[Placed], actions: &mut Vec<Action>) {
    for p in placed {
        let Some(rect) = p.time_rect else { continue };
        let response = ui
            .interact(rect.expand(2.0), egui::Id::unique(("turn-time", view.id, p.index)), Sense::click())
            .on_hover_cursor(egui::CursorIcon::PointingHand)
            .on_hover_text("Play the recording from here");
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, "Play from this turn"));
        if response.clicked() {
            actions.push(Action::PlayFrom(view.paragraphs[p.index].start));
        }
    }
}

/// The document offset under a screen position, using the paragraphs drawn this frame.
fn offset_at(view: &DocumentView, placed: &[Placed], pos: Pos2) -> Option<usize> {
    let first = placed.first()?;
    let last = placed.last()?;
    if pos.y < first.pos.y {
        return Some(view.paragraphs[first.index].start);
    }
    let hit = placed.iter().rev().find(|p| pos.y >= p.pos.y).unwrap_or(last);
    Some(hit.offset(view, pos))
}

/// The speaker column's right edge, dragged to widen or narrow the column.
fn speaker_edge_ui(ui: &Ui, edge: f32, area: Rect, width: f32, actions: &mut Vec<Action>) {
    let rect = Rect::from_x_y_ranges(edge - 6.0..=edge - 1.0, area.y_range());
    let response = ui.interact(rect, ui.scope_id().with("speaker-edge"), Sense::drag());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Splitter, true, "Speaker column width"));
    let response = response.on_hover_cursor(egui::CursorIcon::ResizeHorizontal);
    if response.hovered() || response.dragged() {
        ui.painter().vline(edge - 3.0, area.y_range(), ui.visuals().widgets.hovered.fg_stroke);
    }
    if response.dragged() {
        actions.push(Action::SetSpeakerWidth(width + response.drag_delta().x));
    }
}

/// In edit mode a click on a paragraph opens it for editing.
fn click_to_edit(ui: &mut Ui, rect: Rect, view: &DocumentView, placed: &[Placed], actions: &mut Vec<Action>) {
    let id = ui.scope_id().with(("document-text", view.id));
    let response = ui.interact(rect, id, Sense::click()).on_hover_cursor(egui::CursorIcon::Text);
    if response.clicked()
        && let Some(offset) = response.interact_pointer_pos().and_then(|p| offset_at(view, placed, p))
    {
        actions.push(Action::EditParagraph(view.paragraph_of(offset)));
    }
}

/// Mouse selection over the text (drag; double-click a word, triple-click a paragraph or turn,
/// Shift+click to extend), and hover and click on a coding's stripe (`bar`: the coding under
/// the pointer).
fn interact(
    ui: &mut Ui,
    rect: Rect,
    view: &mut DocumentView,
    placed: &[Placed],
    cx: &ViewerContext,
    bar: Option<usize>,
    actions: &mut Vec<Action>,
) {
    let response = ui.interact(rect, ui.scope_id().with(("document-text", view.id)), Sense::click_and_drag());
    if let Some(k) = bar {
        let response = response.on_hover_cursor(egui::CursorIcon::PointingHand).on_hover_text(stripes::hover_text(
            view,
            k,
            &cx.stripes,
        ));
        if response.clicked() {
            let coding = &view.codings[k];
            // Inspecting clears the selection, so the coding is selected after.
            actions.push(Action::InspectAt(coding.start));
            actions.push(Action::Select { start: coding.start, end: coding.end });
        }
        return;
    }
    let response = response.on_hover_cursor(egui::CursorIcon::Text);
    drag_ui(ui, &response, view, placed, cx.snap_words, actions);
    let Some(offset) = response.interact_pointer_pos().and_then(|p| offset_at(view, placed, p)) else { return };
    if response.triple_clicked() {
        let para = view.paragraphs[view.paragraph_of(offset)];
        actions.push(Action::Select { start: para.start, end: para.end });
    } else if response.double_clicked() {
        if let Some(word) = view.word_at(offset) {
            actions.push(Action::Select { start: word.start, end: word.end });
        }
    } else if response.clicked() {
        let shift = ui.input(|i| i.modifiers.shift);
        match cx.selection.filter(|_| shift) {
            Some(s) => {
                let span = Span { start: s.start.min(offset), end: s.end.max(offset) };
                let span = if cx.snap_words { view.snap_to_words(span) } else { span };
                actions.push(Action::Select { start: span.start, end: span.end });
            }
            None => actions.push(Action::InspectAt(offset)),
        }
    }
}

/// A drag selects from where it started to the pointer (widened to whole words when snapping).
fn drag_ui(
    ui: &Ui,
    response: &egui::Response,
    view: &mut DocumentView,
    placed: &[Placed],
    snap: bool,
    actions: &mut Vec<Action>,
) {
    if response.drag_started() {
        let origin = ui.input(|i| i.pointer.press_origin());
        view.anchor = origin.and_then(|p| offset_at(view, placed, p));
    }
    if response.dragged()
        && let (Some(anchor), Some(pos)) = (view.anchor, response.interact_pointer_pos())
        && let Some(head) = offset_at(view, placed, pos)
    {
        let span = Span { start: anchor.min(head), end: anchor.max(head) };
        let span = if snap && span.start < span.end { view.snap_to_words(span) } else { span };
        actions.push(if span.start < span.end {
            Action::Select { start: span.start, end: span.end }
        } else {
            Action::ClearSelection
        });
    }
    if response.drag_stopped() {
        view.anchor = None;
    }
}
