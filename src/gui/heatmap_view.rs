//! The co-occurrence heatmaps of the analysis view: one matrix per group (and the pairs across
//! groups) laid out as small multiples that wrap to the view's width, so every group's matrix
//! is on screen at once rather than behind a horizontal scroll. Columns are named (rotated code
//! names), zero cells are left blank, and each cell is a button that drills into what it counts.

use std::f32::consts::FRAC_PI_2;

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, FontId, Rect, Sense, Ui, vec2};

use super::action::Action;
use super::analysis::{AnalysisOptions, Computed, cell_value};
use super::chart_png::{group_title, panel_heading};
use crate::analysis::{Corpus, GroupMatrix};

const CELL: egui::Vec2 = egui::Vec2 { x: 34.0, y: 22.0 };
/// The narrowest cell, so that more matrices share a row (three digits still fit).
const CELL_MIN_W: f32 = 24.0;
/// Space between cells.
const PAD: f32 = 2.0;
/// Space between matrices.
const GAP: f32 = 24.0;
/// The widest a row name (and the tallest a column name) is drawn before it is cut with "…".
const NAME_MAX: f32 = 120.0;
const NAME_FONT: f32 = 12.0;

/// The heatmaps with their heading line and, when grouped, the note on the pairs across groups.
pub fn matrices_ui(
    ui: &mut Ui,
    corpus: &Corpus,
    computed: &Computed,
    (options, note): (&AnalysisOptions, Option<String>),
    actions: &mut Vec<Action>,
) {
    let groups = &computed.cooccurrence.groups;
    if groups.is_empty() || computed.shown.len() < 2 {
        ui.weak("No co-occurring codes for these options.");
        return;
    }
    let jaccard = options.jaccard;
    // The pairs across groups have counts only.
    let across = computed.cooccurrence.across.as_ref().filter(|_| !jaccard);
    let panels: Vec<&GroupMatrix> = groups.iter().chain(across).collect();
    let max = panels
        .iter()
        .flat_map(|g| computed.shown.iter().flat_map(move |&a| computed.shown.iter().map(move |&b| (*g, a, b))))
        .filter_map(|(g, a, b)| cell_value(g, a, b, jaccard))
        .fold(0.0f64, f64::max);
    let coders = if options.per_coder { "each coder's codings separately" } else { "identical spans counted once" };
    ui.weak(format!(
        "{} matrix(es) · {} codings selected · {coders} · hover a cell for its pair, click it for what it counts",
        groups.len(),
        computed.selection.len()
    ));
    let layout = Layout::measure(ui, corpus, computed).fit(panels.len(), ui.available_width());
    let columns = layout.columns;
    // Only a single matrix wider than the view scrolls sideways.
    egui::ScrollArea::horizontal().id_salt("matrices").auto_shrink([false, true]).show(ui, |ui| {
        for row in panels.chunks(columns) {
            ui.horizontal_top(|ui| {
                ui.spacing_mut().item_spacing.x = GAP;
                for group in row {
                    let cell = Context { corpus, computed, jaccard, max };
                    ui.vertical(|ui| layout.matrix_ui(ui, &cell, group, actions));
                }
            });
            ui.add_space(GAP / 2.0);
        }
    });
    if let Some(note) = note {
        ui.weak(note);
    }
}

/// What every cell needs.
struct Context<'a> {
    corpus: &'a Corpus,
    computed: &'a Computed,
    jaccard: bool,
    max: f64,
}

/// The size of one matrix: row names as wide as the widest (up to [`NAME_MAX`]), column names
/// as tall, and cells as wide as lets the most matrices share a row.
struct Layout {
    name_w: f32,
    codes: usize,
    cell_w: f32,
    columns: usize,
}

impl Layout {
    fn measure(ui: &Ui, corpus: &Corpus, computed: &Computed) -> Layout {
        let widest = computed
            .shown
            .iter()
            .map(|&c| ui.painter().layout_no_wrap(short(corpus, c).to_owned(), font(), Color32::WHITE).size().x)
            .fold(24.0f32, f32::max);
        Layout { name_w: widest.min(NAME_MAX) + 6.0, codes: computed.shown.len(), cell_w: CELL.x, columns: 1 }
    }

    /// The most columns of `panels` matrices that fit `width` with cells at least [`CELL_MIN_W`]
    /// wide (one column, scrolling sideways if even that does not fit).
    fn fit(self, panels: usize, width: f32) -> Layout {
        let cells = self.codes.max(1) as f32;
        (1..=panels.clamp(1, 4))
            .rev()
            .map(|columns| {
                let each = (width - (columns - 1) as f32 * GAP) / columns as f32;
                (columns, ((each - self.name_w) / cells - PAD).min(CELL.x))
            })
            .find(|&(_, cell_w)| cell_w >= CELL_MIN_W)
            .map_or(Layout { columns: 1, ..self }, |(columns, cell_w)| Layout { cell_w, columns, ..self })
    }

    fn width(&self) -> f32 {
        self.name_w + self.codes as f32 * (self.cell_w + PAD)
    }

    fn matrix_ui(&self, ui: &mut Ui, cx: &Context, group: &GroupMatrix, actions: &mut Vec<Action>) {
        ui.spacing_mut().item_spacing = vec2(PAD, PAD);
        ui.set_max_width(self.width());
        let heading = panel_heading(group);
        ui.add(egui::Label::new(egui::RichText::new(&heading).strong()).truncate());
        let title = group_title(group);
        let group_index = match group.is_across() {
            true => cx.computed.grouping.labels.len() as u32,
            false => cx.computed.grouping.label_index(&group.label).unwrap_or(0),
        };
        ui.horizontal(|ui| {
            ui.add_space(self.name_w);
            for &b in &cx.computed.shown {
                self.column_name_ui(ui, cx.corpus, b);
            }
        });
        for &a in &cx.computed.shown {
            ui.horizontal(|ui| {
                self.row_name_ui(ui, cx.corpus, a);
                for &b in &cx.computed.shown {
                    let value = cell_value(group, a, b, cx.jaccard);
                    if cell_ui(ui, cx, (title, self.cell_w), (a, b), value) && value.is_some_and(|v| v > 0.0) {
                        actions.push(Action::DrillCell { group: group_index, a, b });
                    }
                }
            });
        }
    }

    /// A code's name reading upwards over its column; its path on hover.
    fn column_name_ui(&self, ui: &mut Ui, corpus: &Corpus, code: u32) {
        let (rect, response) = ui.allocate_exact_size(vec2(self.cell_w, self.name_w), Sense::hover());
        let galley = ui.painter().layout_job(cut(short(corpus, code), self.name_w - 4.0, ui.visuals().text_color()));
        let pos = egui::pos2(rect.center().x - galley.size().y / 2.0, rect.bottom() - 2.0);
        let text = egui::epaint::TextShape::new(pos, galley, ui.visuals().text_color()).with_angle(-FRAC_PI_2);
        ui.painter().add(text);
        name_info(response, short(corpus, code), &corpus.codes[code as usize].path);
    }

    /// A code's name at the left of its row, right-aligned; its path on hover.
    fn row_name_ui(&self, ui: &mut Ui, corpus: &Corpus, code: u32) {
        let (rect, response) = ui.allocate_exact_size(vec2(self.name_w, CELL.y), Sense::hover());
        let galley = ui.painter().layout_job(cut(short(corpus, code), self.name_w - 4.0, ui.visuals().text_color()));
        let pos = egui::pos2(rect.right() - 4.0 - galley.size().x, rect.center().y - galley.size().y / 2.0);
        ui.painter().galley(pos, galley, ui.visuals().text_color());
        name_info(response, short(corpus, code), &corpus.codes[code as usize].path);
    }
}

fn font() -> FontId {
    FontId::proportional(NAME_FONT)
}

/// One line of `text`, cut with "…" at `width`.
fn cut(text: &str, width: f32, colour: Color32) -> LayoutJob {
    let mut job = LayoutJob::simple_singleline(text.to_owned(), font(), colour);
    job.wrap = TextWrapping::truncate_at_width(width);
    job
}

/// A row or column name read by screen readers (and tests), with its full path on hover.
fn name_info(response: egui::Response, name: &str, path: &str) {
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, name));
    response.on_hover_text(path);
}

/// The short name of a code (its last path segment).
fn short(corpus: &Corpus, code: u32) -> &str {
    let path = &corpus.codes[code as usize].path;
    path.rsplit('/').next().unwrap_or(path)
}

/// One heatmap cell; true when clicked. Zero is left blank; grey marks what is not counted.
fn cell_ui(ui: &mut Ui, cx: &Context, (group, width): (&str, f32), (a, b): (u32, u32), value: Option<f64>) -> bool {
    let (rect, response) = ui.allocate_exact_size(vec2(width, CELL.y), Sense::click());
    let base = ui.visuals().extreme_bg_color;
    let hot = if ui.visuals().dark_mode { Color32::from_rgb(255, 140, 60) } else { Color32::from_rgb(200, 60, 20) };
    let t = value.map_or(0.0, |v| if cx.max > 0.0 { (v / cx.max) as f32 } else { 0.0 });
    let fill = if value.is_none() { ui.visuals().faint_bg_color } else { base.lerp_to_gamma(hot, t.sqrt()) };
    ui.painter().rect_filled(rect, 2.0, fill);
    let text = value.map_or(String::new(), format_value);
    if value.is_some_and(|v| v > 0.0) {
        let ink = if t > 0.5 { Color32::WHITE } else { ui.visuals().text_color() };
        ui.painter().text(rect.center(), egui::Align2::CENTER_CENTER, &text, FontId::proportional(11.0), ink);
    }
    if response.hovered() {
        ui.painter().rect_stroke(
            Rect::from_center_size(rect.center(), rect.size()),
            2.0,
            ui.visuals().selection.stroke,
            egui::StrokeKind::Inside,
        );
    }
    let (pa, pb) = (&cx.corpus.codes[a as usize].path, &cx.corpus.codes[b as usize].path);
    let label = format!("{group}: {pa} × {pb} = {text}");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    let clicked = response.clicked();
    response.on_hover_text(label);
    clicked
}

fn format_value(v: f64) -> String {
    crate::export::chart_svg::format_value(v)
}
