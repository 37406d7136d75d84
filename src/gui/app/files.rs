//! The workbench's file dialogs and the exports it writes from the window (a copy of the
//! project, the co-occurrence matrix, charts as PNG or SVG). Without a file-dialog portal a dialog returns
//! nothing and the file is written beside the project instead.

use std::path::PathBuf;
use std::sync::mpsc::channel;

use egui::Context;

use super::{DialogAnswer, WorkbenchApp};
use crate::export::chart_svg::ChartFormat;
use crate::gui::action::Action;
use crate::gui::chart_png::{self, Chart};

impl WorkbenchApp {
    /// Asks where to save a file, offering `default`'s name and the `filters` (name,
    /// extension), the first chosen; without a display (no dialog can open) `direct` writes it
    /// at `default`, beside the project, at once.
    fn save_dialog(
        &mut self,
        ctx: &Context,
        default: PathBuf,
        filters: Vec<(&'static str, &'static str)>,
        direct: impl FnOnce(PathBuf) -> Action,
        answer: impl FnOnce(PathBuf) -> DialogAnswer + Send + 'static,
    ) {
        if !crate::gui::has_display() {
            self.pending.push(direct(default));
            return;
        }
        let name = default.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.dialog(ctx, move || {
            let dialog = filters.iter().fold(rfd::FileDialog::new(), |d, (name, ext)| d.add_filter(*name, &[*ext]));
            Some(answer(dialog.set_file_name(name).save_file()?))
        });
    }

    /// Asks where to save a copy of the project; without a display it is written beside it.
    pub(super) fn save_copy_dialog(&mut self, ctx: &Context) {
        let Some(wb) = &self.workbench else { return };
        let default = beside_project(wb.project.path(), "copy", "fieldcode");
        let filters = vec![("Fieldcode project", "fieldcode")];
        self.save_dialog(ctx, default, filters, Action::SaveCopy, DialogAnswer::SaveCopy);
    }

    /// Writes a consistent single-file copy of the open project (SQLite's `VACUUM INTO`).
    pub(super) fn save_copy(&mut self, path: &std::path::Path) {
        let Some(wb) = &self.workbench else { return };
        match crate::store::backup::copy_to(&wb.project, path) {
            Ok(()) => self.info(format!("Saved a complete copy of the project to {}.", path.display())),
            Err(err) => self.error(err.to_string()),
        }
    }

    /// Asks where to save the matrix; without a display it is written next to the project.
    pub(super) fn export_dialog(&mut self, ctx: &Context) {
        let Some(wb) = &self.workbench else { return };
        let default = beside_project(wb.project.path(), "cooccurrence", "csv");
        self.save_dialog(ctx, default, vec![("CSV", "csv")], Action::ExportMatrix, DialogAnswer::Export);
    }

    pub(super) fn export_matrix(&mut self, path: &std::path::Path) {
        let analysis = self.workbench.as_ref().map(|wb| &wb.analysis);
        let Some((table, rules)) = analysis.and_then(|a| Some((a.matrix_table()?, a.rules_line()?))) else {
            self.error("Open the analysis view (View > Analysis) first; its matrix is what gets exported.");
            return;
        };
        match crate::export::matrix::write_csv_noted(&table, &rules, path) {
            Ok(()) => self.info(format!("Saved the matrix ({} rows) to {}.", table.rows.len(), path.display())),
            Err(err) => self.error(err.to_string()),
        }
    }

    /// Asks where to save a chart as PNG; without a display it is written next to the project.
    pub(super) fn export_chart_dialog(&mut self, ctx: &Context, chart: Chart) {
        self.export_chart_as_dialog(ctx, chart, ChartFormat::Png);
    }

    /// The dialog of a chart-export action (PNG or SVG).
    pub(super) fn export_chart_action_dialog(&mut self, ctx: &Context, action: &Action) {
        if let Some((chart, format)) = action.chart_dialog() {
            self.export_chart_as_dialog(ctx, chart, format);
        }
    }

    /// Asks where to save a chart, offering `format` first (the other one by its extension).
    fn export_chart_as_dialog(&mut self, ctx: &Context, chart: Chart, format: ChartFormat) {
        let Some(wb) = &self.workbench else { return };
        let default = beside_project(wb.project.path(), chart.file_suffix(), format.extension());
        let (png, svg) = (("PNG image (300 dpi)", "png"), ("SVG drawing", "svg"));
        let filters = match format {
            ChartFormat::Png => vec![png, svg],
            ChartFormat::Svg => vec![svg, png],
        };
        let direct = |path| Action::ExportChart { chart, path };
        self.save_dialog(ctx, default, filters, direct, move |file| DialogAnswer::ExportChart(chart, file));
    }

    /// Renders the whole chart off screen from what the analysis view computed and writes it
    /// (SVG, or PNG by the extension) on a worker thread.
    pub(super) fn export_chart(&mut self, ctx: &Context, chart: Chart, path: PathBuf) {
        let svg = self.workbench.as_ref().and_then(|wb| chart_png::svg_of(&wb.analysis, chart));
        let Some(svg) = svg else {
            self.error(format!(
                "Open the analysis view (View > Analysis) first; the {} is drawn from what it computes.",
                chart.title()
            ));
            return;
        };
        let (tx, rx) = channel();
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(chart_png::save(&svg, chart, &path));
            waker.request_repaint();
        });
        self.chart_export = Some(rx);
    }

    pub(super) fn poll_chart_export(&mut self) {
        let Some(rx) = &self.chart_export else { return };
        match rx.try_recv() {
            Ok(Ok(line)) => self.info(line),
            Ok(Err(err)) => self.error(err.to_string()),
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.error("The chart was not saved: its worker stopped.")
            }
        }
        self.chart_export = None;
    }
}

/// `study-SUFFIX.EXT` beside `study.fieldcode` (in the current folder for an in-memory project).
pub(super) fn beside_project(project: &std::path::Path, suffix: &str, ext: &str) -> PathBuf {
    let stem = project.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into());
    let stem = if stem == ":memory:" { "project".to_owned() } else { stem };
    project.with_file_name(format!("{stem}-{suffix}.{ext}"))
}

pub(super) fn new_project_dialog() -> Option<DialogAnswer> {
    let file = rfd::FileDialog::new()
        .add_filter("Fieldcode project", &["fieldcode"])
        .set_file_name("study.fieldcode")
        .save_file()?;
    Some(DialogAnswer::New(file))
}

pub(super) fn open_project_dialog() -> Option<DialogAnswer> {
    let file = rfd::FileDialog::new().add_filter("Fieldcode project", &["fieldcode"]).pick_file()?;
    Some(DialogAnswer::Open(file))
}

pub(super) fn import_dialog() -> Option<DialogAnswer> {
    let files = rfd::FileDialog::new()
        .add_filter("Texts and transcripts", &["txt", "md", "docx", "odt", "vtt", "srt", "json"])
        .pick_files()?;
    Some(DialogAnswer::Import(files))
}
