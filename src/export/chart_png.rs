//! A chart's SVG rendered off screen to a PNG at print resolution (300 dpi), so that an image
//! for a paper never depends on the window's size, scroll position or theme. Rendering is
//! resvg's (pure Rust); text uses egui's default fonts, embedded in the binary, so charts render
//! the same on a machine without any installed font (CI), with installed fonts as fallback for
//! scripts those lack.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::error::{Error, Result};

/// Dots per inch of the PNG; SVG lengths are CSS pixels, 96 per inch.
pub const PRINT_DPI: f32 = 300.0;
/// The longest side of a PNG, in pixels: a huge codebook renders at a lower resolution rather
/// than asking for gigabytes.
pub const MAX_SIDE: u32 = 16_000;

/// The fonts charts are drawn with, loaded once per process.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
            let sans = db.faces().next().and_then(|f| f.families.first()).map(|(name, _)| name.clone());
            db.load_font_data(epaint_default_fonts::HACK_REGULAR.to_vec());
            let mono = db.faces().nth(1).and_then(|f| f.families.first()).map(|(name, _)| name.clone());
            // Installed fonts only fill in scripts the embedded ones lack; loading them also
            // reads fontconfig's generic families, so ours are set after.
            db.load_system_fonts();
            if let Some(sans) = sans {
                db.set_sans_serif_family(sans);
            }
            if let Some(mono) = mono {
                db.set_monospace_family(mono);
            }
            Arc::new(db)
        })
        .clone()
}

/// The scale from CSS pixels to PNG pixels for a chart of `size`.
fn scale_for(size: usvg::Size) -> f32 {
    let print = PRINT_DPI / 96.0;
    let longest = size.width().max(size.height()).max(1.0);
    print.min(MAX_SIDE as f32 / longest)
}

/// Renders `svg` (as [`super::chart_svg`] writes it) to PNG bytes on a white background, with
/// the resolution recorded in the file.
pub fn render_png(svg: &str) -> Result<Vec<u8>> {
    let options = usvg::Options { fontdb: fonts(), font_family: "sans-serif".into(), ..usvg::Options::default() };
    let tree =
        usvg::Tree::from_str(svg, &options).map_err(|e| Error::invalid(format!("chart is not valid SVG: {e}")))?;
    let scale = scale_for(tree.size());
    let width = (tree.size().width() * scale).ceil() as u32;
    let height = (tree.size().height() * scale).ceil() as u32;
    let mut pixmap = tiny_skia::Pixmap::new(width.max(1), height.max(1))
        .ok_or_else(|| Error::invalid(format!("cannot make a {width}×{height} image")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    encode(&pixmap, scale * 96.0)
}

/// An opaque pixmap (premultiplied equals straight alpha) as an RGBA PNG with its dpi.
fn encode(pixmap: &tiny_skia::Pixmap, dpi: f32) -> Result<Vec<u8>> {
    let failed = |e: png::EncodingError| Error::invalid(format!("cannot encode the chart as PNG: {e}"));
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let per_metre = (dpi / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions { xppu: per_metre, yppu: per_metre, unit: png::Unit::Meter }));
        let mut writer = encoder.write_header().map_err(failed)?;
        writer.write_image_data(pixmap.data()).map_err(failed)?;
        writer.finish().map_err(failed)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::chart_svg::{Bar, Bars, CodeLabel, bars_svg};

    fn decode(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>, Option<png::PixelDimensions>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        let dims = reader.info().pixel_dims;
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        (info, buf, dims)
    }

    #[test]
    fn a_chart_renders_at_300_dpi_with_its_text_drawn() {
        let label = CodeLabel { name: "Access".into(), path: "Care/Access".into() };
        let chart = Bars {
            title: "Codings per code".into(),
            rules: "# coders: all".into(),
            unit: "codings".into(),
            bars: vec![Bar { label, value: 3.0 }],
        };
        let svg = bars_svg(&chart);
        let size = usvg::Tree::from_str(&svg, &usvg::Options::default()).unwrap().size();
        let (info, rgba, dims) = decode(&render_png(&svg).unwrap());
        assert_eq!(info.width, (size.width() * PRINT_DPI / 96.0).ceil() as u32);
        assert_eq!(info.height, (size.height() * PRINT_DPI / 96.0).ceil() as u32);
        assert_eq!(dims.map(|d| d.xppu), Some(11811), "300 dpi is 11811 pixels a metre");
        // The title's glyphs are dark pixels in the top band (no font at all would leave it white).
        let row = info.width as usize * 4;
        let band = &rgba[row * 80..row * 115];
        let dark = band.chunks(4).filter(|p| p[0] < 100 && p[1] < 100 && p[2] < 100).count();
        assert!(dark > 100, "{dark} dark pixels where the title is");
    }

    #[test]
    fn a_huge_chart_is_scaled_down_to_the_longest_side_allowed() {
        let size = usvg::Size::from_wh(20_000.0, 100.0).unwrap();
        assert!((scale_for(size) * 20_000.0 - MAX_SIDE as f32).abs() < 1.0);
        assert!(render_png("<svg").is_err());
    }
}
