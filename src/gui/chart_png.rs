//! Saving a chart of the analysis view as a PNG file: the view records where each chart was
//! drawn, the app asks egui for a screenshot of the next frame, and the screenshot is cropped to
//! the chart's rectangle (in physical pixels) and encoded here.

use std::path::Path;

use egui::{ColorImage, Context, Id, Rect};

use crate::error::{Error, Result};

/// A chart that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// The co-occurrence heatmap(s), as far as they are visible.
    Heatmap,
    /// The bar chart of codings per code.
    Frequencies,
}

impl Chart {
    /// The file name suffix, e.g. `study-heatmap.png`.
    pub fn file_suffix(self) -> &'static str {
        match self {
            Chart::Heatmap => "heatmap",
            Chart::Frequencies => "frequencies",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Chart::Heatmap => "co-occurrence heatmap",
            Chart::Frequencies => "frequency chart",
        }
    }

    fn memory_id(self) -> Id {
        Id::unique(("chart-rect", self.file_suffix()))
    }
}

/// Records where a chart was drawn this frame (screen points).
pub fn remember_rect(ctx: &Context, chart: Chart, rect: Rect) {
    ctx.data_mut(|d| d.insert_temp(chart.memory_id(), rect));
}

/// Where a chart was drawn in the last frame, if it was.
pub fn rect_of(ctx: &Context, chart: Chart) -> Option<Rect> {
    ctx.data(|d| d.get_temp::<Rect>(chart.memory_id())).filter(|r| r.is_positive())
}

/// Forgets where charts were drawn (the analysis view is not shown any more).
pub fn forget_rects(ctx: &Context) {
    ctx.data_mut(|d| {
        for chart in [Chart::Heatmap, Chart::Frequencies] {
            d.remove::<Rect>(chart.memory_id());
        }
    });
}

/// Crops `image` (a screenshot) to `rect` (points; `pixels_per_point` converts) and encodes the
/// result as PNG. A rectangle reaching outside the image is clipped to it.
pub fn crop_png(image: &ColorImage, rect: Rect, pixels_per_point: f32) -> Result<Vec<u8>> {
    let [width, height] = image.size;
    let px = |v: f32, max: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(max);
    let (x0, x1) = (px(rect.min.x, width), px(rect.max.x, width));
    let (y0, y1) = (px(rect.min.y, height), px(rect.max.y, height));
    if x1 <= x0 || y1 <= y0 {
        return Err(Error::invalid(
            "the chart is not on screen; scroll it into view in the analysis view and try again",
        ));
    }
    let cropped = image.region_by_pixels([x0, y0], [x1 - x0, y1 - y0]);
    encode_png(&cropped)
}

/// Encodes an image as an 8-bit RGBA PNG.
pub fn encode_png(image: &ColorImage) -> Result<Vec<u8>> {
    let [width, height] = image.size;
    let rgba: Vec<u8> = image.pixels.iter().flat_map(|p| p.to_srgba_unmultiplied()).collect();
    let mut out = Vec::new();
    let failed = |e: png::EncodingError| Error::invalid(format!("cannot encode the chart as PNG: {e}"));
    {
        let mut encoder = png::Encoder::new(&mut out, width as u32, height as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(failed)?;
        writer.write_image_data(&rgba).map_err(failed)?;
        writer.finish().map_err(failed)?;
    }
    Ok(out)
}

/// Crops, encodes and writes the chart; returns the line to show.
pub fn save(image: &ColorImage, rect: Rect, pixels_per_point: f32, chart: Chart, path: &Path) -> Result<String> {
    let bytes = crop_png(image, rect, pixels_per_point)?;
    std::fs::write(path, &bytes).map_err(|e| Error::invalid(format!("cannot write {}: {e}", path.display())))?;
    Ok(format!("Saved the {} as {}.", chart.title(), path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Color32, pos2};

    /// A screenshot whose every pixel encodes its own position.
    fn synthetic(width: usize, height: usize) -> ColorImage {
        let pixels =
            (0..height).flat_map(|y| (0..width).map(move |x| Color32::from_rgb(x as u8, y as u8, 200))).collect();
        ColorImage::new([width, height], pixels)
    }

    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn a_crop_is_the_charts_rectangle_in_physical_pixels() {
        let image = synthetic(100, 80);
        let rect = Rect::from_min_max(pos2(5.0, 10.0), pos2(20.0, 30.0));
        let (w, h, rgba) = decode(&crop_png(&image, rect, 2.0).unwrap());
        assert_eq!((w, h), (30, 40));
        for (i, px) in rgba.chunks(4).enumerate() {
            let (x, y) = (10 + i % 30, 20 + i / 30);
            assert_eq!(px, [x as u8, y as u8, 200, 255], "pixel {i}");
        }
    }

    #[test]
    fn a_rectangle_past_the_edge_is_clipped_and_one_off_screen_is_refused() {
        let image = synthetic(50, 40);
        let rect = Rect::from_min_max(pos2(40.0, 30.0), pos2(90.0, 90.0));
        let (w, h, rgba) = decode(&crop_png(&image, rect, 1.0).unwrap());
        assert_eq!((w, h), (10, 10));
        assert_eq!(&rgba[..4], [40, 30, 200, 255]);
        let outside = Rect::from_min_max(pos2(60.0, 0.0), pos2(80.0, 10.0));
        assert!(crop_png(&image, outside, 1.0).is_err());
    }
}
