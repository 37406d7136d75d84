//! Labelled coding stripes beside the document text, as NVivo and MAXQDA draw them: one column
//! per code that has codings in the visible part of the document (in codebook order), a bar for
//! each coding in its code's colour, and the code's name written along the bar where the coding
//! starts. Hovering a bar outlines the coded lines and names code, coder and memo; clicking it
//! selects the coding. The stripes can show everyone's codings, one coder's, or none.

use std::collections::HashMap;

use egui::epaint::TextShape;
use egui::{Color32, FontId, Galley, Pos2, Rect, Stroke, StrokeKind, Ui, vec2};

use super::document_view::{DocumentView, PARAGRAPH_GAP};
use super::viewer::{Placed, coding_extent};
use crate::model::{CodeId, CoderId, CodingId, CodingRow};

/// Width of one bar.
const BAR: f32 = 4.0;
/// Radius of the dot marking a coding with a memo.
const MEMO_DOT: f32 = 4.0;
/// Size of the names written along the bars.
const LABEL_SIZE: f32 = 10.0;
/// Width of one code's column: the bar, a gap and a rotated name.
pub const COLUMN: f32 = BAR + 1.0 + LABEL_SIZE + 2.0;
/// Columns shown at most; further codes share the last one.
const MAX_COLUMNS: usize = 12;
/// The share of the document pane's width the stripes may take.
const MAX_SHARE: f32 = 0.25;

/// Whose codings the stripes show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StripeCoders {
    #[default]
    Everyone,
    One(CoderId),
    Hidden,
}

impl StripeCoders {
    pub fn shows(self, coding: &CodingRow) -> bool {
        match self {
            StripeCoders::Everyone => true,
            StripeCoders::One(coder) => coding.coder_id == coder,
            StripeCoders::Hidden => false,
        }
    }
}

/// What the stripes need from the workbench.
pub struct StripeContext<'a> {
    pub coders: StripeCoders,
    pub code_color: &'a dyn Fn(CodeId) -> Color32,
    /// A code's name and full path.
    pub code_name: &'a dyn Fn(CodeId) -> (&'a str, &'a str),
    /// A code's place in the codebook (columns follow it).
    pub code_rank: &'a dyn Fn(CodeId) -> usize,
    pub memos: &'a HashMap<CodingId, Vec<String>>,
}

/// The columns of one frame: the codes shown, left to right.
pub struct Columns {
    codes: Vec<CodeId>,
    /// How many columns fit.
    max: usize,
    /// Where the last name written in each column ends, so names never overlap.
    label_ends: Vec<f32>,
}

impl Columns {
    /// The codes with shown codings in paragraphs `first..=last` of `view`, in codebook order,
    /// in at most a quarter of `width`.
    pub fn visible(view: &DocumentView, (first, last): (usize, usize), width: f32, cx: &StripeContext) -> Columns {
        let shown = view.by_paragraph.get(first..=last.max(first)).unwrap_or(&[]);
        let mut codes: Vec<CodeId> = shown
            .iter()
            .flatten()
            .map(|&k| &view.codings[k as usize])
            .filter(|c| cx.coders.shows(c))
            .map(|c| c.code_id)
            .collect();
        codes.sort_unstable_by_key(|&c| ((cx.code_rank)(c), c));
        codes.dedup();
        let max = ((width * MAX_SHARE / COLUMN) as usize).clamp(1, MAX_COLUMNS);
        Columns { label_ends: vec![f32::NEG_INFINITY; codes.len().min(max)], codes, max }
    }

    /// Width of the margin the columns take.
    pub fn width(&self) -> f32 {
        self.codes.len().min(self.max) as f32 * COLUMN
    }

    fn column_of(&self, code: CodeId) -> Option<usize> {
        self.codes.iter().position(|&c| c == code).map(|i| i.min(self.max - 1))
    }
}

/// A bar drawn this frame, for hover and click.
pub struct Bar {
    pub rect: Rect,
    /// Index into the view's codings.
    pub coding: usize,
}

/// Where a paragraph was laid out this frame: its index, top-left and galley.
pub struct Drawn<'g> {
    pub index: usize,
    pub pos: Pos2,
    pub galley: &'g Galley,
}

/// Draws the bars (and names where codings start) of a paragraph in columns from `left`;
/// returns the bars drawn.
pub fn draw(
    ui: &Ui,
    view: &DocumentView,
    drawn: Drawn,
    left: f32,
    columns: &mut Columns,
    cx: &StripeContext,
) -> Vec<Bar> {
    let Drawn { index: i, pos, galley } = drawn;
    let para = view.paragraphs[i];
    let painter = ui.painter();
    let mut bars = Vec::new();
    for &k in &view.by_paragraph[i] {
        let coding = &view.codings[k as usize];
        let Some(col) = columns.column_of(coding.code_id).filter(|_| cx.coders.shows(coding)) else { continue };
        let (y0, y1) = coding_extent(galley, para, coding.start, coding.end);
        let x = left + col as f32 * COLUMN;
        let rect = Rect::from_min_max(Pos2::new(x, pos.y + y0), Pos2::new(x + BAR, pos.y + y1));
        let color = (cx.code_color)(coding.code_id);
        painter.rect_filled(rect, 1.0, color);
        if coding.start >= para.start && rect.top() >= columns.label_ends[col] {
            let (name, _) = (cx.code_name)(coding.code_id);
            let room = Rect::from_min_max(
                Pos2::new(x + BAR, rect.top()),
                Pos2::new(x + COLUMN, pos.y + galley.size().y + PARAGRAPH_GAP),
            );
            let length = name_along(ui, name, Pos2::new(x + BAR + 1.0 + LABEL_SIZE, rect.top()), room);
            columns.label_ends[col] = rect.top() + length.min(room.height()) + 4.0;
        }
        if coding.start >= para.start && cx.memos.contains_key(&coding.id) {
            memo_marker(ui, Pos2::new(x + BAR * 0.5, rect.top()), color, (cx.code_name)(coding.code_id).1, coding);
        }
        let hit = rect.expand2(vec2(1.0, 0.0)).with_max_x(x + COLUMN);
        // A hover-only widget: screen readers (and tests) find each stripe; clicks still reach
        // the text area beneath, which selects the coding under the pointer.
        let response = ui.interact(hit, ui.scope_id().with(("stripe", coding.id, i)), egui::Sense::hover());
        let (_, path) = (cx.code_name)(coding.code_id);
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Stripe: {path} ({})", coding.coder))
        });
        bars.push(Bar { rect: hit, coding: k as usize });
    }
    bars
}

/// A margin marker where a coding with a memo starts: a dot on its bar's top (the bar's hover
/// reads the memo; the inspector opens it).
fn memo_marker(ui: &Ui, top: Pos2, color: Color32, path: &str, coding: &CodingRow) {
    let centre = top + vec2(0.0, MEMO_DOT);
    let painter = ui.painter();
    painter.circle(centre, MEMO_DOT, color, Stroke::new(1.5, ui.visuals().strong_text_color()));
    let rect = Rect::from_center_size(centre, vec2(MEMO_DOT * 2.0, MEMO_DOT * 2.0));
    let response = ui.interact(rect, ui.scope_id().with(("memo-marker", coding.id)), egui::Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Image, true, format!("Memo on {path} ({})", coding.coder))
    });
}

/// Writes `name` downwards from `top` (its baseline on the left), clipped to `room`; returns its
/// length.
fn name_along(ui: &Ui, name: &str, top: Pos2, room: Rect) -> f32 {
    let painter = ui.painter().with_clip_rect(room.intersect(ui.clip_rect()));
    let text = ui.visuals().text_color();
    let galley = painter.layout_no_wrap(name.to_owned(), FontId::proportional(LABEL_SIZE), text);
    let length = galley.size().x;
    let shape = TextShape::new(top, galley, text).with_angle(std::f32::consts::FRAC_PI_2);
    painter.add(shape);
    length
}

/// Outlines the lines coding `k` covers in the paragraphs drawn this frame.
pub(crate) fn outline(ui: &Ui, view: &DocumentView, placed: &[Placed], k: usize, color: Color32) {
    let coding = &view.codings[k];
    for p in placed {
        let para = view.paragraphs[p.index];
        if coding.end <= para.start || coding.start >= para.end {
            continue;
        }
        let (y0, y1) = coding_extent(&p.galley, para, coding.start, coding.end);
        let rect = Rect::from_min_max(
            Pos2::new(p.pos.x - 2.0, p.pos.y + y0),
            Pos2::new(p.pos.x + p.galley.size().x + 2.0, p.pos.y + y1.min(p.galley.size().y)),
        );
        ui.painter().rect_stroke(rect, 2.0, Stroke::new(2.0, color), StrokeKind::Outside);
    }
}

/// What a bar's hover says: code path, coder and memo.
pub fn hover_text(view: &DocumentView, k: usize, cx: &StripeContext) -> String {
    let coding = &view.codings[k];
    let (_, path) = (cx.code_name)(coding.code_id);
    let mut text = format!("{path}\ncoded by {} · {}–{}", coding.coder, coding.start, coding.end);
    for memo in cx.memos.get(&coding.id).into_iter().flatten() {
        let short: String = memo.chars().take(200).collect();
        text.push_str(&format!("\nmemo: {short}"));
    }
    text.push_str("\nclick to select it");
    text
}

/// The bar under `pos`, if any.
pub fn bar_at(bars: &[Bar], pos: Pos2) -> Option<usize> {
    bars.iter().rev().find(|b| b.rect.contains(pos)).map(|b| b.coding)
}
