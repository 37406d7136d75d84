//! Turning a paragraph and the codings over it into an egui `LayoutJob`: each run of text
//! between coding boundaries gets a background blending the colours of every coding on it, so
//! overlaps read as darker, mixed layers; the selection is drawn on top.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId};

use crate::model::{CodeId, Span};

/// How strongly each coding tints the background.
const LAYER_ALPHA: f32 = 0.32;

/// Colours used to draw one paragraph.
pub struct Palette<'a> {
    pub text: Color32,
    pub background: Color32,
    pub selection: Color32,
    pub font: FontId,
    pub code_color: &'a dyn Fn(CodeId) -> Color32,
}

/// A coded span clipped to the paragraph, in code points relative to the paragraph start.
#[derive(Debug, Clone, Copy)]
pub struct Layer {
    pub start: usize,
    pub end: usize,
    pub code: CodeId,
}

/// Builds the layout job of one paragraph. `selection` is relative to the paragraph.
pub fn paragraph_job(text: &str, layers: &[Layer], selection: Option<Span>, width: f32, p: &Palette) -> LayoutJob {
    let mut job = LayoutJob { text: text.to_owned(), ..LayoutJob::default() };
    job.wrap.max_width = width;
    let mut cuts: Vec<usize> = vec![0];
    for l in layers {
        cuts.extend([l.start, l.end]);
    }
    if let Some(s) = selection {
        cuts.extend([s.start, s.end]);
    }
    let char_len = text.chars().count();
    cuts.push(char_len);
    cuts.retain(|&c| c <= char_len);
    cuts.sort_unstable();
    cuts.dedup();
    let byte_at = char_to_byte_table(text, &cuts);
    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let selected = selection.is_some_and(|s| s.start <= a && b <= s.end && s.start < s.end);
        let background = if selected {
            p.selection
        } else {
            blend(p.background, layers.iter().filter(|l| l.start <= a && b <= l.end).map(|l| (p.code_color)(l.code)))
        };
        let format = TextFormat {
            font_id: p.font.clone(),
            color: p.text,
            background: if background == p.background { Color32::TRANSPARENT } else { background },
            ..TextFormat::default()
        };
        job.sections.push(egui::text::LayoutSection {
            leading_space: 0.0,
            byte_range: egui::text::ByteIndex(byte_at[&a])..egui::text::ByteIndex(byte_at[&b]),
            format,
        });
    }
    job
}

/// Layers colours over a background, each at [`LAYER_ALPHA`].
pub fn blend(background: Color32, colors: impl Iterator<Item = Color32>) -> Color32 {
    colors.fold(background, |acc, c| lerp(acc, c, LAYER_ALPHA))
}

fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
    let mix = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    Color32::from_rgb(mix(a.r(), b.r()), mix(a.g(), b.g()), mix(a.b(), b.b()))
}

fn char_to_byte_table(text: &str, cuts: &[usize]) -> std::collections::HashMap<usize, usize> {
    let mut table = std::collections::HashMap::with_capacity(cuts.len());
    let mut wanted = cuts.iter().peekable();
    for (ci, (bi, _)) in text.char_indices().enumerate() {
        while wanted.peek().is_some_and(|&&c| c == ci) {
            table.insert(ci, bi);
            wanted.next();
        }
    }
    for &c in wanted {
        table.insert(c, text.len());
    }
    table
}

/// Parses `#rrggbb` (the codebook's colour format); grey when malformed.
pub fn parse_color(hex: &str) -> Color32 {
    let hex = hex.trim().trim_start_matches('#');
    let channel = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
    match (hex.len(), channel(0), channel(2), channel(4)) {
        (6, Some(r), Some(g), Some(b)) => Color32::from_rgb(r, g, b),
        _ => Color32::from_gray(128),
    }
}

/// `#rrggbb` of a colour.
pub fn color_hex(c: Color32) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn palette(color: &dyn Fn(CodeId) -> Color32) -> Palette<'_> {
        Palette {
            text: Color32::BLACK,
            background: Color32::WHITE,
            selection: Color32::BLUE,
            font: FontId::proportional(14.0),
            code_color: color,
        }
    }

    #[test]
    fn overlaps_are_darker_than_single_layers() {
        let red = |_| Color32::from_rgb(255, 0, 0);
        let p = palette(&red);
        let layers = [Layer { start: 0, end: 6, code: 1 }, Layer { start: 3, end: 9, code: 2 }];
        let job = paragraph_job("abcdéfghij", &layers, None, 100.0, &p);
        let bgs: Vec<Color32> = job.sections.iter().map(|s| s.format.background).collect();
        assert_eq!(job.sections.len(), 4);
        assert!(bgs[1].g() < bgs[0].g(), "overlap {:?} should be deeper than {:?}", bgs[1], bgs[0]);
        assert_eq!(bgs[3], Color32::TRANSPARENT);
        let range = &job.sections[1].byte_range;
        assert_eq!(&job.text[range.start.0..range.end.0], "déf");
    }

    #[test]
    fn selection_wins_over_codes() {
        let red = |_| Color32::RED;
        let p = palette(&red);
        let job =
            paragraph_job("hello", &[Layer { start: 0, end: 5, code: 1 }], Some(Span { start: 1, end: 3 }), 100.0, &p);
        assert_eq!(job.sections[1].format.background, Color32::BLUE);
    }

    #[test]
    fn colours_round_trip() {
        assert_eq!(color_hex(parse_color("#1a2B3c")), "#1a2b3c");
        assert_eq!(parse_color("nonsense"), Color32::from_gray(128));
    }
}
