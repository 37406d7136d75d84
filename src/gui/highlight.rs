//! Turning a paragraph and the codings over it into an egui `LayoutJob`: each run of text
//! between coding boundaries gets a background blending the colours of every coding on it, so
//! overlaps read as darker, mixed layers; the selection is drawn on top. Text on a highlight
//! keeps a WCAG contrast ratio of at least 4.5:1 ([`readable_on`]) in both themes, however
//! many codings overlap; sub-codes that share their theme's colour get shades of it ([`shade`]).

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
        let plain = background == p.background;
        let format = TextFormat {
            font_id: p.font.clone(),
            color: if plain { p.text } else { readable_on(background, p.text) },
            background: if plain { Color32::TRANSPARENT } else { background },
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

/// The least contrast text keeps on a highlight (WCAG 2 AA for normal text).
pub const MIN_CONTRAST: f32 = 4.5;

/// `preferred` if it reads on `background` with [`MIN_CONTRAST`], else black or white, whichever
/// contrasts more (one of them always reaches 4.58:1).
pub fn readable_on(background: Color32, preferred: Color32) -> Color32 {
    if contrast_ratio(background, preferred) >= MIN_CONTRAST {
        return preferred;
    }
    let (black, white) = (Color32::BLACK, Color32::WHITE);
    if contrast_ratio(background, black) >= contrast_ratio(background, white) { black } else { white }
}

/// WCAG 2 contrast ratio of two opaque colours, from 1 (same) to 21 (black on white).
pub fn contrast_ratio(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// WCAG 2 relative luminance of an sRGB colour.
fn luminance(c: Color32) -> f32 {
    let linear = |v: u8| {
        let v = v as f32 / 255.0;
        if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * linear(c.r()) + 0.7152 * linear(c.g()) + 0.0722 * linear(c.b())
}

/// The display colour of the `index`-th of `count` sub-codes that share their theme's colour
/// `base`: hues turned a little either way and brightness stepped, so siblings stay apart while
/// still reading as one family.
pub fn shade(base: Color32, index: usize, count: usize) -> Color32 {
    let mut hsva = egui::ecolor::Hsva::from(base);
    let position = (index as f32 + 1.0) / (count as f32 + 1.0) - 0.5;
    hsva.h = (hsva.h + position * 0.14).rem_euclid(1.0);
    hsva.v = (hsva.v * if index.is_multiple_of(2) { 0.82 } else { 1.0 }).clamp(0.0, 1.0);
    hsva.s = (hsva.s * if index.is_multiple_of(2) { 1.0 } else { 0.7 }).clamp(0.0, 1.0);
    Color32::from(hsva)
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

    /// Every background a run can get: the palette's colours and their sub-code shades, layered
    /// one to four deep (alike and mixed), and the selection.
    fn backgrounds(base: Color32, selection: Color32) -> Vec<Color32> {
        let mut colors: Vec<Color32> = Vec::new();
        for hex in crate::coding::PALETTE {
            let c = parse_color(hex);
            colors.push(c);
            colors.extend((0..4).map(|i| shade(c, i, 4)));
        }
        let mut out = vec![selection];
        for (i, &c) in colors.iter().enumerate() {
            for depth in 1..=4 {
                out.push(blend(base, std::iter::repeat_n(c, depth)));
                out.push(blend(base, (0..depth).map(|k| colors[(i + k * 7) % colors.len()])));
            }
        }
        out
    }

    #[test]
    fn text_on_every_highlight_keeps_a_contrast_of_four_and_a_half_in_both_themes() {
        for visuals in [egui::Visuals::light(), egui::Visuals::dark()] {
            let p = Palette {
                text: visuals.text_color(),
                background: visuals.panel_fill,
                selection: visuals.selection.bg_fill,
                font: FontId::proportional(14.0),
                code_color: &|_| Color32::RED,
            };
            let mut worst = f32::MAX;
            for bg in backgrounds(p.background, p.selection) {
                worst = worst.min(contrast_ratio(bg, readable_on(bg, p.text)));
            }
            assert!(worst >= MIN_CONTRAST, "dark theme {}: worst contrast {worst}", visuals.dark_mode);
        }
    }

    #[test]
    fn the_job_uses_the_readable_text_colour() {
        let dark_blue = |_| Color32::from_rgb(0, 0, 120);
        let mut p = palette(&dark_blue);
        p.text = Color32::from_gray(60);
        let layers: Vec<Layer> = (0..4).map(|_| Layer { start: 0, end: 5, code: 1 }).collect();
        let job = paragraph_job("hello", &layers, None, 100.0, &p);
        let format = &job.sections[0].format;
        assert!(contrast_ratio(format.background, format.color) >= MIN_CONTRAST);
        assert_eq!(format.color, Color32::WHITE, "grey text on four layers of navy turns white");
    }

    #[test]
    fn contrast_ratios_match_wcag() {
        assert!((contrast_ratio(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        // WCAG's own example: #777777 on white is 4.48:1.
        assert!((contrast_ratio(Color32::from_gray(0x77), Color32::WHITE) - 4.48).abs() < 0.01);
    }

    #[test]
    fn sibling_shades_differ_from_each_other_and_the_theme() {
        let base = parse_color("#1F77B4");
        let shades: Vec<Color32> = (0..3).map(|i| shade(base, i, 3)).collect();
        for (i, a) in shades.iter().enumerate() {
            assert_ne!(*a, base);
            for b in &shades[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn colours_round_trip() {
        assert_eq!(color_hex(parse_color("#1a2B3c")), "#1a2b3c");
        assert_eq!(parse_color("nonsense"), Color32::from_gray(128));
    }
}
