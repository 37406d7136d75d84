//! "Export what is shown" of the coded-segments view: asks where to save, then writes exactly the
//! listed segments through the excerpt exporter (the view's filter, restricted to its codings),
//! in the format the file's extension names.

use std::path::Path;

use egui::Context;

use super::WorkbenchApp;
use super::files::beside_project;
use crate::export::excerpts::{self, ExcerptFormat};
use crate::gui::action::Action;
use crate::gui::file_chooser::FileAsk;

impl WorkbenchApp {
    /// Asks where to save the listed segments (CSV first; the extension chooses the format).
    pub(super) fn export_segments_dialog(&mut self, ctx: &Context) {
        let Some(wb) = &self.workbench else { return };
        if wb.retrieval.export_filter().is_none() {
            self.error(
                "Open View > Coded segments and choose a code first; the segments it lists are what is exported.",
            );
            return;
        }
        let default = beside_project(wb.project.path(), "segments", "csv");
        let ask = FileAsk::save("Export the coded segments", &default)
            .filter("CSV", &["csv"])
            .filter("Excel workbook", &["xlsx"])
            .filter("HTML report", &["html"])
            .filter("Markdown", &["md"])
            .filter("Word document", &["docx"]);
        self.ask_file(ctx, ask, |paths| Action::ExportSegments(paths.into_iter().next().unwrap_or_default()));
    }

    /// Writes the segments the view lists to `path`.
    pub(super) fn export_segments(&mut self, path: &Path) {
        let Some(wb) = &self.workbench else { return };
        let Some(filter) = wb.retrieval.export_filter() else {
            self.error(
                "Open View > Coded segments and choose a code first; the segments it lists are what is exported.",
            );
            return;
        };
        let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
        let Some(format) = ExcerptFormat::ALL.into_iter().find(|f| f.name() == ext) else {
            self.error(format!(
                "{} has no known extension: name the file .csv, .xlsx, .html, .md or .docx to choose the format.",
                path.display()
            ));
            return;
        };
        match excerpts::export(&wb.project, &filter, format, path, false) {
            Ok(n) => self.info(format!("Exported {n} coded segments to {}.", path.display())),
            Err(err) => self.error(err.to_string()),
        }
    }
}
