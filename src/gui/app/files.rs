//! The workbench's file questions and the exports it writes from the window (a copy of the
//! project, the co-occurrence matrix, charts as PNG or SVG). Every question goes through
//! [`WorkbenchApp::ask_file`]: the system's dialog on a thread where the desktop has one,
//! otherwise Fieldcode's own chooser in the window; either answers with an [`Action`].

use std::path::PathBuf;
use std::sync::mpsc::channel;

use egui::Context;

use super::WorkbenchApp;
use crate::export::chart_svg::ChartFormat;
use crate::gui::action::Action;
use crate::gui::chart_png::{self, Chart};
use crate::gui::file_chooser::{self, ChooserPreference, FileAsk, InAppChooser};

/// The file types the import accepts.
pub const IMPORTABLE: &[&str] = &["txt", "md", "docx", "odt", "vtt", "srt", "json", "html", "htm"];

impl WorkbenchApp {
    /// Asks a file question and queues `answer(paths)` once the user has chosen. The system's
    /// dialog runs on a thread; when it cannot be shown (no portal, no `zenity`, no display, or
    /// the user prefers it), Fieldcode's own chooser opens in the window instead.
    pub fn ask_file(
        &mut self,
        ctx: &Context,
        ask: FileAsk,
        answer: impl FnOnce(Vec<PathBuf>) -> Action + Send + 'static,
    ) {
        if self.dialog.is_some() || self.chooser.is_some() {
            self.error("A file dialog is already open; choose a file there or cancel it first.");
            return;
        }
        let system =
            self.settings.file_chooser == ChooserPreference::Automatic && file_chooser::system_dialog_available();
        if !system {
            self.chooser = Some(InAppChooser::new(ask, Box::new(answer)));
            return;
        }
        let (tx, rx) = channel();
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(file_chooser::ask_system(&ask).map(answer));
            waker.request_repaint();
        });
        self.dialog = Some(rx);
    }

    /// Draws Fieldcode's own file chooser while it is open and queues its answer.
    pub(super) fn chooser_ui(&mut self, ctx: &Context, actions: &mut Vec<Action>) {
        let Some(chooser) = &mut self.chooser else { return };
        if let Some(answer) = chooser.show(ctx) {
            actions.extend(answer);
            self.chooser = None;
        }
    }

    /// The folder file questions start in: the open project's, else the current one.
    pub(super) fn project_folder(&self) -> Option<PathBuf> {
        let path = self.workbench.as_ref()?.project.path();
        path.parent().filter(|p| !p.as_os_str().is_empty()).map(|p| p.to_path_buf())
    }

    pub(super) fn new_project_dialog(&mut self, ctx: &Context) {
        let ask = FileAsk::save("New project", std::path::Path::new("study.fieldcode"))
            .in_folder(self.project_folder().as_deref())
            .filter("Fieldcode project", &["fieldcode"]);
        self.ask_file(ctx, ask, |paths| Action::CreateProject(paths.into_iter().next().unwrap_or_default()));
    }

    pub(super) fn open_project_dialog(&mut self, ctx: &Context) {
        let ask = FileAsk::open("Open a project")
            .in_folder(self.project_folder().as_deref())
            .filter("Fieldcode project", &["fieldcode"]);
        self.ask_file(ctx, ask, |paths| Action::OpenProject(paths.into_iter().next().unwrap_or_default()));
    }

    pub(super) fn import_dialog(&mut self, ctx: &Context) {
        let ask = FileAsk::open_many("Import texts and transcripts")
            .in_folder(self.project_folder().as_deref())
            .filter("Texts and transcripts", IMPORTABLE);
        self.ask_file(ctx, ask, Action::PreviewImport);
    }

    /// Asks where to save a file, proposing `default` and offering `filters` (name, extension),
    /// the first preselected; `then` is what the chosen path is used for.
    fn save_dialog(
        &mut self,
        ctx: &Context,
        default: PathBuf,
        filters: Vec<(&'static str, &'static str)>,
        then: impl FnOnce(PathBuf) -> Action + Send + 'static,
    ) {
        let ask = filters.iter().fold(FileAsk::save("Save as", &default), |ask, (name, ext)| ask.filter(name, &[ext]));
        self.ask_file(ctx, ask, move |paths| then(paths.into_iter().next().unwrap_or_default()));
    }

    /// Asks where to save a copy of the project.
    pub(super) fn save_copy_dialog(&mut self, ctx: &Context) {
        let Some(wb) = &self.workbench else { return };
        let default = beside_project(wb.project.path(), "copy", "fieldcode");
        let filters = vec![("Fieldcode project", "fieldcode")];
        self.save_dialog(ctx, default, filters, Action::SaveCopy);
    }

    /// Writes a consistent single-file copy of the open project (SQLite's `VACUUM INTO`).
    pub(super) fn save_copy(&mut self, path: &std::path::Path) {
        let Some(wb) = &self.workbench else { return };
        match crate::store::backup::copy_to(&wb.project, path) {
            Ok(()) => self.info(format!("Saved a complete copy of the project to {}.", path.display())),
            Err(err) => self.error(err.to_string()),
        }
    }

    /// Asks where to save the matrix.
    pub(super) fn export_dialog(&mut self, ctx: &Context) {
        let Some(wb) = &self.workbench else { return };
        let default = beside_project(wb.project.path(), "cooccurrence", "csv");
        self.save_dialog(ctx, default, vec![("CSV", "csv")], Action::ExportMatrix);
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

    /// Asks where to save a chart as PNG.
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
        self.save_dialog(ctx, default, filters, move |path| Action::ExportChart { chart, path });
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
