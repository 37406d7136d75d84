//! Saving a chart of the analysis view as a file for a paper: the view's computed matrices and
//! frequencies become plain chart data ([`crate::export::chart_svg`]), written as SVG or rendered
//! off screen to a 300 dpi PNG ([`crate::export::chart_png`]), by the file's extension. The file
//! is the whole chart with its title, counting rules and legend, whatever part of it the window
//! shows; it is written on a worker thread so a large chart never stalls a frame.

use std::path::Path;

use super::analysis::{Analysis, cell_value};
use crate::analysis::{ACROSS_LABEL, GroupMatrix, Unit};
use crate::error::{Error, Result};
use crate::export::chart_svg::{self, Bar, Bars, ChartFormat, CodeLabel, Heatmap, Panel};

/// A chart that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// The co-occurrence heatmap(s): every group's matrix and the pairs across groups.
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
}

/// The SVG text of `chart` as the analysis view has it computed; `None` before it is computed.
pub fn svg_of(analysis: &Analysis, chart: Chart) -> Option<String> {
    match chart {
        Chart::Heatmap => heatmap_of(analysis).map(|h| chart_svg::heatmap_svg(&h)),
        Chart::Frequencies => frequencies_of(analysis).map(|b| chart_svg::bars_svg(&b)),
    }
}

/// Writes `svg` to `path` (SVG or PNG by the extension); returns the line to show.
pub fn save(svg: &str, chart: Chart, path: &Path) -> Result<String> {
    let format = chart_svg::write_chart(svg, path)?;
    let size = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    let what = match format {
        ChartFormat::Svg => "SVG".to_owned(),
        ChartFormat::Png => format!("PNG at {} dpi", crate::export::chart_png::PRINT_DPI),
    };
    Ok(format!("Saved the {} as {what} to {} ({} KB).", chart.title(), path.display(), size.div_ceil(1024)))
}

/// The shown matrices (and the pairs across groups, counts only) as heatmap panels.
pub fn heatmap_of(analysis: &Analysis) -> Option<Heatmap> {
    let (corpus, computed) = (analysis.corpus()?, analysis.computed.as_ref()?);
    let jaccard = analysis.options.jaccard;
    let codes = computed.shown.iter().map(|&c| label(&corpus.codes[c as usize].path)).collect();
    let across = computed.cooccurrence.across.as_ref().filter(|_| !jaccard);
    let panels = computed
        .cooccurrence
        .groups
        .iter()
        .chain(across)
        .map(|group| Panel {
            heading: panel_heading(group),
            cells: computed
                .shown
                .iter()
                .map(|&a| computed.shown.iter().map(|&b| cell_value(group, a, b, jaccard)).collect())
                .collect(),
        })
        .collect();
    let by = computed.grouping.attribute.as_deref().map(|a| format!(", by {a}")).unwrap_or_default();
    let unit = analysis.options.unit;
    Some(Heatmap {
        title: format!("Co-occurrence of codes{by}"),
        rules: analysis.rules_line()?,
        measure: if jaccard {
            "Jaccard index (0 to 1)".to_owned()
        } else {
            format!("count of co-occurrences ({unit})")
        },
        codes,
        panels,
        note: across_note(analysis, unit, jaccard),
    })
}

/// The bar chart of codings per shown code.
pub fn frequencies_of(analysis: &Analysis) -> Option<Bars> {
    let (corpus, computed) = (analysis.corpus()?, analysis.computed.as_ref()?);
    let coder = analysis.options.coder.and_then(|id| corpus.coders.iter().find(|c| c.0 == id)).map(|c| c.1.as_str());
    let theme = analysis.options.theme.and_then(|id| corpus.codes.iter().find(|c| c.id == id)).map(|c| c.path.as_str());
    let bars = computed.frequencies.iter().map(|f| Bar { label: label(&f.key), value: f64::from(f.codings) }).collect();
    Some(Bars {
        title: "Codings per code".to_owned(),
        rules: format!(
            "# codes: {}; coders: {}; roll-up: on (a theme counts its sub-codes' codings)",
            theme.unwrap_or("all themes"),
            coder.unwrap_or("all")
        ),
        unit: "codings".to_owned(),
        bars,
    })
}

/// A panel's heading, as the view shows it over the matrix.
pub fn panel_heading(group: &GroupMatrix) -> String {
    let title = group_title(group);
    if group.is_across() {
        format!("{title}: pairs in two groups")
    } else {
        format!("{title} ({} codings)", group.codings)
    }
}

/// A group's name in headings and cell labels ("All codings" when not grouped).
pub fn group_title(group: &GroupMatrix) -> &str {
    if group.label.is_empty() { "All codings" } else { group.label.as_str() }
}

/// When grouped: what the pairs across groups are and how the matrices add up.
pub fn across_note(analysis: &Analysis, unit: Unit, jaccard: bool) -> Option<String> {
    let computed = analysis.computed.as_ref()?;
    let across = computed.cooccurrence.across.as_ref()?;
    let attribute = computed.grouping.attribute.as_deref().unwrap_or("");
    let rule = computed.grouping.rule().unwrap_or("");
    let total: u64 = across.count.nonzero().iter().map(|&(_, _, n)| u64::from(n)).sum();
    let what = if unit.pairs_codings() {
        format!(
            "{ACROSS_LABEL}: {total} counts of pairs whose two passages fall in different groups; \
             the groups plus {ACROSS_LABEL} add up to the matrix without grouping."
        )
    } else {
        format!(
            "{ACROSS_LABEL}: {total} counts of {unit}s where both codes occur, but in no one group; \
             a {unit} where two groups each have both codes counts in each."
        )
    };
    let shown = if jaccard { " (counts only, not drawn for Jaccard)" } else { "" };
    Some(format!("Groups by {attribute}: {rule}. {what}{shown}"))
}

/// A code's last path segment, with the path for hovering.
fn label(path: &str) -> CodeLabel {
    CodeLabel { name: path.rsplit('/').next().unwrap_or(path).to_owned(), path: path.to_owned() }
}
