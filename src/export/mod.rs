//! Exports for writing up and for other tools: coded excerpts with full provenance (CSV, XLSX,
//! HTML, Markdown, DOCX), the codebook (REFI `.qdc`, Markdown, CSV, DOCX) and its import, and
//! generic tables (matrices, crosstabs) as CSV or XLSX, and charts for papers (SVG, and PNG at print
//! resolution with the `chart-png` feature).

pub mod agreement_csv;
#[cfg(feature = "chart-png")]
pub mod chart_png;
pub mod chart_svg;
pub mod codebook;
pub mod csv;
pub mod docx;
pub mod excerpt_csv;
pub mod excerpt_order;
pub mod excerpt_rows;
pub mod excerpts;
pub mod html;
pub mod markdown;
pub mod matrix;
pub mod memos;
pub mod out_file;
pub mod report;
pub mod sheet;
pub mod xlsx;
