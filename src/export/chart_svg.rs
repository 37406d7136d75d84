//! Charts for papers as SVG text: the co-occurrence heatmap (one matrix per group, laid out as
//! small multiples, with the pairs across groups) and the frequency bar chart. They are built
//! from plain data, not from the screen, so an exported chart is always the whole chart, states
//! how it was counted (the rules line) and carries its own legend. The same text is what
//! `chart_png` renders at print resolution. Lengths are CSS pixels (96 per inch).

use std::fmt::Write;
use std::path::Path;

use super::out_file::stream_atomically;
use crate::error::{Error, Result};

/// A code as a row or column: the short name drawn and the full path shown on hover.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeLabel {
    pub name: String,
    pub path: String,
}

/// One matrix of a heatmap: its heading and its cells by row and column (`None` where nothing
/// is counted: the diagonal, related codes).
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub heading: String,
    pub cells: Vec<Vec<Option<f64>>>,
}

/// A co-occurrence heatmap: every panel has a row and a column per code.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    pub title: String,
    /// How it was counted, e.g. `# unit: overlap; measure: count; coders: …; by: …`.
    pub rules: String,
    /// What a cell's number is, for the legend, e.g. `count of overlapping pairs`.
    pub measure: String,
    pub codes: Vec<CodeLabel>,
    pub panels: Vec<Panel>,
    /// Said under the legend, e.g. what the pairs across groups are.
    pub note: Option<String>,
}

/// One bar of a bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: CodeLabel,
    pub value: f64,
}

/// A horizontal bar chart (long code names stay readable beside their bars).
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub title: String,
    pub rules: String,
    /// What the bars count, e.g. `codings`.
    pub unit: String,
    pub bars: Vec<Bar>,
}

const MARGIN: f64 = 24.0;
const CELL_W: f64 = 38.0;
const CELL_H: f64 = 24.0;
const GAP: f64 = 36.0;
const TITLE: f64 = 18.0;
const SMALL: f64 = 11.0;
const LABEL: f64 = 11.0;
/// Characters of a code name drawn before it is cut with "…" (the full path is in its tooltip).
const NAME_CHARS: usize = 28;
const HOT: [u8; 3] = [200, 60, 20];
const COLD: [u8; 3] = [255, 247, 236];
const NOT_COUNTED: &str = "#e4e4e4";
const BAR: &str = "#3f6fb5";

/// The SVG text of a heatmap.
pub fn heatmap_svg(chart: &Heatmap) -> String {
    let max = chart.panels.iter().flat_map(|p| p.cells.iter().flatten().flatten()).fold(0.0f64, |m, &v| m.max(v));
    let layout = PanelLayout::of(&chart.codes);
    let columns = (chart.panels.len() as f64).sqrt().ceil().max(1.0) as usize;
    let rows = chart.panels.len().div_ceil(columns).max(1);
    let grid_width = columns as f64 * layout.width() + (columns - 1) as f64 * GAP;
    let width = (grid_width + 2.0 * MARGIN).max(560.0);
    let rules = wrap(strip_hash(&chart.rules), width - 2.0 * MARGIN, SMALL);
    let top = MARGIN + TITLE + 8.0 + rules.len() as f64 * (SMALL + 4.0) + 12.0;
    let grid_bottom = top + rows as f64 * (layout.height() + GAP);
    let note = chart.note.as_deref().map(|n| wrap(n, width - 2.0 * MARGIN, SMALL)).unwrap_or_default();
    let height = grid_bottom + 56.0 + note.len() as f64 * (SMALL + 4.0) + MARGIN;
    let mut svg = Svg::new(width, height);
    svg.heading(&chart.title, &rules);
    for (i, panel) in chart.panels.iter().enumerate() {
        let x = MARGIN + (i % columns) as f64 * (layout.width() + GAP);
        let y = top + (i / columns) as f64 * (layout.height() + GAP);
        layout.draw(&mut svg, (x, y), chart, panel, max);
    }
    legend(&mut svg, (MARGIN, grid_bottom), &chart.measure, max);
    svg.lines(MARGIN, grid_bottom + 64.0, &note, SMALL, "#444");
    svg.finish()
}

/// The SVG text of a bar chart.
pub fn bars_svg(chart: &Bars) -> String {
    const BAR_H: f64 = 18.0;
    const PLOT: f64 = 420.0;
    let names: Vec<String> = chart.bars.iter().map(|b| cut(&b.label.name)).collect();
    let label_w = names.iter().map(|n| text_width(n, LABEL)).fold(60.0, f64::max) + 8.0;
    let width = (MARGIN * 2.0 + label_w + PLOT + 60.0).max(560.0);
    let rules = wrap(strip_hash(&chart.rules), width - 2.0 * MARGIN, SMALL);
    let top = MARGIN + TITLE + 8.0 + rules.len() as f64 * (SMALL + 4.0) + 16.0;
    let height = top + chart.bars.len() as f64 * (BAR_H + 6.0) + 40.0 + MARGIN;
    let max = chart.bars.iter().map(|b| b.value).fold(0.0f64, f64::max);
    let mut svg = Svg::new(width, height);
    svg.heading(&chart.title, &rules);
    let x0 = MARGIN + label_w;
    for (i, (bar, name)) in chart.bars.iter().zip(&names).enumerate() {
        let y = top + i as f64 * (BAR_H + 6.0);
        let w = if max > 0.0 { bar.value / max * PLOT } else { 0.0 };
        svg.open_group(&format!("{}: {}", bar.label.path, format_value(bar.value)));
        svg.text(x0 - 6.0, y + BAR_H * 0.7, LABEL, "end", name);
        svg.rect((x0, y, w, BAR_H), BAR, None);
        svg.text(x0 + w + 4.0, y + BAR_H * 0.7, LABEL, "start", &format_value(bar.value));
        svg.close_group();
    }
    let axis_y = top + chart.bars.len() as f64 * (BAR_H + 6.0);
    svg.line((x0, top - 4.0), (x0, axis_y), "#888");
    let unit = format!("{} (longest bar: {})", chart.unit, format_value(max));
    svg.text(x0, axis_y + 18.0, SMALL, "start", &unit);
    svg.finish()
}

/// The geometry of one matrix: row names on the left, column names rotated above.
struct PanelLayout {
    names: Vec<String>,
    label_w: f64,
    header_h: f64,
}

impl PanelLayout {
    fn of(codes: &[CodeLabel]) -> PanelLayout {
        let names: Vec<String> = codes.iter().map(|c| cut(&c.name)).collect();
        let longest = names.iter().map(|n| text_width(n, LABEL)).fold(30.0, f64::max);
        PanelLayout { label_w: longest + 8.0, header_h: longest + 8.0, names }
    }

    fn width(&self) -> f64 {
        self.label_w + self.names.len() as f64 * CELL_W
    }

    /// Heading, column names, rows.
    fn height(&self) -> f64 {
        20.0 + self.header_h + self.names.len() as f64 * CELL_H
    }

    fn draw(&self, svg: &mut Svg, (x, y): (f64, f64), chart: &Heatmap, panel: &Panel, max: f64) {
        svg.text(x, y + 13.0, 13.0, "start", &panel.heading);
        let (cells_x, cells_y) = (x + self.label_w, y + 20.0 + self.header_h);
        for (j, (name, code)) in self.names.iter().zip(&chart.codes).enumerate() {
            let cx = cells_x + j as f64 * CELL_W + CELL_W / 2.0 + LABEL * 0.35;
            svg.open_group(&code.path);
            svg.rotated_text(cx, cells_y - 4.0, LABEL, name);
            svg.close_group();
        }
        for (i, (name, code)) in self.names.iter().zip(&chart.codes).enumerate() {
            let ry = cells_y + i as f64 * CELL_H;
            svg.open_group(&code.path);
            svg.text(cells_x - 6.0, ry + CELL_H * 0.65, LABEL, "end", name);
            svg.close_group();
            for (j, other) in chart.codes.iter().enumerate() {
                let value = panel.cells.get(i).and_then(|row| row.get(j)).copied().flatten();
                let cell = (cells_x + j as f64 * CELL_W, ry, CELL_W, CELL_H);
                let tip = format!("{}: {} × {}", panel.heading, code.path, other.path);
                draw_cell(svg, cell, &tip, value, max);
            }
        }
    }
}

/// A cell: grey where nothing is counted, blank for zero, coloured with its number otherwise.
fn draw_cell(svg: &mut Svg, (x, y, w, h): (f64, f64, f64, f64), tip: &str, value: Option<f64>, max: f64) {
    let shown = value.map_or_else(|| "not counted".to_owned(), format_value);
    svg.open_group(&format!("{tip} = {shown}"));
    match value {
        None => svg.rect((x, y, w, h), NOT_COUNTED, Some("#ffffff")),
        Some(v) if v <= 0.0 => svg.rect((x, y, w, h), "#ffffff", Some("#d0d0d0")),
        Some(v) => {
            let t = if max > 0.0 { (v / max).sqrt() } else { 0.0 };
            svg.rect((x, y, w, h), &ramp(t), Some("#ffffff"));
            let ink = if t > 0.6 { "#ffffff" } else { "#222222" };
            svg.text_coloured(x + w / 2.0, y + h * 0.68, 10.0, ink, &format_value(v));
        }
    }
    svg.close_group();
}

/// The colour scale (gradient with ticks), what grey and blank cells mean.
fn legend(svg: &mut Svg, (x, y): (f64, f64), measure: &str, max: f64) {
    const W: f64 = 220.0;
    svg.raw("<defs><linearGradient id=\"scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">");
    for step in 0..=10 {
        let f = f64::from(step) / 10.0;
        let _ = write!(svg.out, "<stop offset=\"{f}\" stop-color=\"{}\"/>", ramp(f.sqrt()));
    }
    svg.raw("</linearGradient></defs>\n");
    svg.text(x, y + 12.0, SMALL, "start", measure);
    svg.raw(&format!(
        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{W}\" height=\"12\" fill=\"url(#scale)\" stroke=\"#999\"/>\n",
        y + 18.0
    ));
    for f in [0.0, 0.5, 1.0] {
        let tick = format_value(round_tick(max * f));
        svg.text(x + W * f, y + 44.0, SMALL - 1.0, "middle", &tick);
    }
    let kx = x + W + 40.0;
    svg.rect((kx, y + 18.0, 18.0, 12.0), "#ffffff", Some("#d0d0d0"));
    svg.text(kx + 24.0, y + 28.0, SMALL, "start", "blank: 0");
    svg.rect((kx + 110.0, y + 18.0, 18.0, 12.0), NOT_COUNTED, Some("#999"));
    svg.text(kx + 134.0, y + 28.0, SMALL, "start", "grey: same or related code, not counted");
}

fn round_tick(v: f64) -> f64 {
    if v >= 10.0 { v.round() } else { (v * 100.0).round() / 100.0 }
}

/// White-ish to hot, for `t` in 0..=1.
fn ramp(t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let mix = |i: usize| (f64::from(COLD[i]) + (f64::from(HOT[i]) - f64::from(COLD[i])) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(0), mix(1), mix(2))
}

/// A value as a cell shows it: integers plainly, fractions with two decimals.
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v}") } else { format!("{v:.2}") }
}

fn strip_hash(rules: &str) -> &str {
    rules.trim_start_matches('#').trim_start()
}

/// A name cut to [`NAME_CHARS`] characters with "…".
fn cut(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        return name.to_owned();
    }
    let kept: String = name.chars().take(NAME_CHARS - 1).collect();
    format!("{}…", kept.trim_end())
}

/// A generous guess of a text's width (no font is at hand when the SVG is written).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.58
}

/// Lines of at most `width`, broken after "; " or spaces.
fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_inclusive(' ') {
        if !line.is_empty() && text_width(&line, size) + text_width(word, size) > width {
            lines.push(line.trim_end().to_owned());
            line.clear();
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// Text as XML character data or an attribute value; characters XML 1.0 forbids are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A small SVG writer: every text goes through [`escape`].
struct Svg {
    out: String,
}

impl Svg {
    fn new(width: f64, height: f64) -> Svg {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
             width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" \
             font-family=\"sans-serif\" fill=\"#222222\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
        );
        Svg { out }
    }

    fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn heading(&mut self, title: &str, rules: &[String]) {
        self.text(MARGIN, MARGIN + TITLE - 4.0, TITLE, "start", title);
        self.lines(MARGIN, MARGIN + TITLE + 12.0, rules, SMALL, "#444");
    }

    fn lines(&mut self, x: f64, y: f64, lines: &[String], size: f64, colour: &str) {
        for (i, line) in lines.iter().enumerate() {
            let y = y + i as f64 * (size + 4.0);
            let _ = writeln!(
                self.out,
                "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" fill=\"{colour}\">{}</text>",
                escape(line)
            );
        }
    }

    fn text(&mut self, x: f64, y: f64, size: f64, anchor: &str, text: &str) {
        let _ = writeln!(
            self.out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\">{}</text>",
            escape(text)
        );
    }

    fn text_coloured(&mut self, x: f64, y: f64, size: f64, colour: &str, text: &str) {
        let _ = writeln!(
            self.out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"middle\" fill=\"{colour}\">{}</text>",
            escape(text)
        );
    }

    /// Text reading upwards, its start at (x, y).
    fn rotated_text(&mut self, x: f64, y: f64, size: f64, text: &str) {
        let _ = writeln!(
            self.out,
            "<text transform=\"translate({x:.1} {y:.1}) rotate(-90)\" font-size=\"{size}\">{}</text>",
            escape(text)
        );
    }

    fn rect(&mut self, (x, y, w, h): (f64, f64, f64, f64), fill: &str, stroke: Option<&str>) {
        let stroke = stroke.map(|s| format!(" stroke=\"{s}\" stroke-width=\"1\"")).unwrap_or_default();
        let _ = writeln!(
            self.out,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\"{stroke}/>"
        );
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), colour: &str) {
        let _ = writeln!(
            self.out,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{colour}\"/>"
        );
    }

    /// A group whose tooltip (in SVG viewers) is `title`.
    fn open_group(&mut self, title: &str) {
        let _ = writeln!(self.out, "<g><title>{}</title>", escape(title));
    }

    fn close_group(&mut self) {
        self.out.push_str("</g>\n");
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// How a chart file is written, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    Svg,
    Png,
}

impl ChartFormat {
    /// The format a path asks for: `.svg` (any case) is SVG, anything else PNG.
    pub fn of(path: &Path) -> ChartFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("svg") => ChartFormat::Svg,
            _ => ChartFormat::Png,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Svg => "svg",
            ChartFormat::Png => "png",
        }
    }
}

/// Writes `svg` to `path` as SVG or, by the extension, as a PNG at print resolution; the file
/// appears whole or not at all. Returns the format written.
pub fn write_chart(svg: &str, path: &Path) -> Result<ChartFormat> {
    let format = ChartFormat::of(path);
    let bytes = match format {
        ChartFormat::Svg => svg.as_bytes().to_vec(),
        ChartFormat::Png => png_bytes(svg)?,
    };
    stream_atomically(path, |out| out.write_all(&bytes).map_err(|e| Error::io(path, e)))?;
    Ok(format)
}

#[cfg(feature = "chart-png")]
fn png_bytes(svg: &str) -> Result<Vec<u8>> {
    super::chart_png::render_png(svg)
}

#[cfg(not(feature = "chart-png"))]
fn png_bytes(_svg: &str) -> Result<Vec<u8>> {
    Err(Error::invalid("this build writes charts as SVG only; give the file a .svg name"))
}

#[cfg(test)]
#[path = "chart_svg_tests.rs"]
mod tests;
