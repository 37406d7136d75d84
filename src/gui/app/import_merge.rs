//! The workbench's side of the import dialog and the merge dialog: starting their workers
//! (preview, import, dry run, merge) as jobs on a second connection to the project file, and
//! handing what they found to the dialogs. The dialogs themselves are drawn in
//! [`crate::gui::import_dialog`] and [`crate::gui::merge_dialog`].

use std::path::PathBuf;

use egui::Context;

use super::WorkbenchApp;
use crate::error::Result;
use crate::gui::action::Action;
use crate::gui::file_chooser::FileAsk;
use crate::gui::import_dialog::{self, FileReport, ImportDialog};
use crate::gui::merge_dialog::{self, MergeDialog};
use crate::import::ImportOptions;
use crate::import::preview::ImportPreview;
use crate::team::merge::MergeReport;

impl WorkbenchApp {
    /// Draws the import and merge dialogs while they are open.
    pub(super) fn import_merge_ui(&mut self, ctx: &Context, actions: &mut Vec<crate::gui::Action>) {
        if self.workbench.is_none() {
            return;
        }
        import_dialog::import_ui(ctx, &mut self.panels.import, self.job.as_ref(), actions);
        merge_dialog::merge_ui(ctx, &mut self.panels.merge, self.job.as_ref(), actions);
    }

    /// The open project's file, if a worker can open it and no other job runs; else says why
    /// `what` cannot be done.
    fn project_file_for(&mut self, what: &str) -> Option<PathBuf> {
        let Some(wb) = &self.workbench else {
            self.error(format!("Open or create a project first, then {what}."));
            return None;
        };
        let path = wb.project.path().to_path_buf();
        if path == std::path::Path::new(":memory:") {
            self.error(format!("This project is not saved in a file, so you cannot {what}."));
            return None;
        }
        if self.job.is_some() {
            self.error("Another task is still running; wait for it or cancel it first.");
            return None;
        }
        Some(path)
    }

    /// Who the history names for a merge: the coder set in the settings, else the system's user.
    fn actor(&self) -> String {
        let coder = self.settings.coder.trim();
        if coder.is_empty() { crate::store::default_actor() } else { coder.to_owned() }
    }

    pub(super) fn preview_import(&mut self, ctx: &Context, paths: Vec<PathBuf>) {
        let Some(project) = self.project_file_for("import files into it") else { return };
        let dialog = ImportDialog::new(paths.clone()).keeping_choices_of(self.panels.import.take());
        let lossy = dialog.lossy;
        self.panels.import = Some(dialog);
        let title = format!("Reading {} item(s) to import", paths.len());
        self.start_job(ctx, title, import_dialog::preview_job(project, paths, lossy));
    }

    pub(super) fn import_previewed(&mut self, result: Result<ImportPreview>) {
        let Some(dialog) = &mut self.panels.import else { return };
        match result {
            Ok(preview) => dialog.previewed(preview),
            Err(err) => dialog.error = Some(err.to_string()),
        }
    }

    pub(super) fn import_files(&mut self, ctx: &Context, files: Vec<PathBuf>, options: ImportOptions) {
        let Some(project) = self.project_file_for("import files into it") else { return };
        if let Some(dialog) = &mut self.panels.import {
            dialog.importing = true;
        }
        let title = format!("Importing {} file(s)", files.len());
        self.start_job(ctx, title, import_dialog::import_job(project, files, options));
    }

    /// The import finished: the views re-read the project, the dialog shows each file's fate and
    /// the message line sums it up.
    pub(super) fn import_reported(&mut self, report: Vec<FileReport>, cancelled: bool) {
        if let Some(wb) = &mut self.workbench
            && let Err(err) = wb.reload()
        {
            self.error(err.to_string());
        }
        let count = |result: &str| report.iter().filter(|r| r.result == result).count();
        let (imported, skipped, failed) = (count("imported"), count("skipped"), count("failed"));
        let mut line = format!("{imported} imported, {skipped} skipped, {failed} failed.");
        if cancelled {
            line.push_str(" Import cancelled; files imported before cancelling were kept.");
        }
        match &mut self.panels.import {
            Some(dialog) => {
                dialog.importing = false;
                dialog.report = Some((report, cancelled));
            }
            None => {
                for row in report.iter().filter(|r| r.result != "imported").take(5) {
                    line.push_str(&format!(" {} {}: {}", row.result, row.path.display(), row.detail));
                }
            }
        }
        if failed > 0 { self.error(line) } else { self.info(line) }
    }

    /// Team > Merge a colleague's copy…: asks for their project file.
    pub(super) fn merge_dialog(&mut self, ctx: &Context) {
        let folder = self.workbench.as_ref().and_then(|wb| wb.project.path().parent().map(|p| p.to_path_buf()));
        let ask = FileAsk::open("Merge a colleague's copy")
            .in_folder(folder.as_deref().filter(|p| !p.as_os_str().is_empty()))
            .filter("Fieldcode project", &["fieldcode"]);
        self.ask_file(ctx, ask, |paths| Action::PreviewMerge(paths.into_iter().next().unwrap_or_default()));
    }

    pub(super) fn preview_merge(&mut self, ctx: &Context, other: PathBuf) {
        let Some(project) = self.project_file_for("merge a colleague's copy into it") else { return };
        self.panels.merge = Some(MergeDialog::new(other.clone()));
        let title = format!("Comparing with {}", other.display());
        self.start_job(ctx, title, merge_dialog::merge_job(project, other, true, self.actor()));
    }

    pub(super) fn merge_previewed(&mut self, other: PathBuf, result: Result<MergeReport>) {
        let Some(dialog) = self.panels.merge.as_mut().filter(|d| d.other == other) else { return };
        match result {
            Ok(report) => dialog.report = Some(report),
            Err(err) => dialog.error = Some(err.to_string()),
        }
    }

    pub(super) fn apply_merge(&mut self, ctx: &Context, other: PathBuf) {
        let Some(project) = self.project_file_for("merge a colleague's copy into it") else { return };
        if let Some(dialog) = &mut self.panels.merge {
            dialog.applying = true;
        }
        let title = format!("Merging {}", other.display());
        self.start_job(ctx, title, merge_dialog::merge_job(project, other.clone(), false, self.actor()));
    }

    /// The merge was applied (or refused): the views re-read the project and the dialog closes,
    /// with the report in the message line.
    pub(super) fn merged(&mut self, result: Result<MergeReport>) {
        let report = match result {
            Ok(report) => report,
            Err(err) => {
                if let Some(dialog) = &mut self.panels.merge {
                    dialog.applying = false;
                    dialog.error = Some(err.to_string());
                }
                self.error(err.to_string());
                return;
            }
        };
        self.panels.merge = None;
        if let Some(wb) = &mut self.workbench
            && let Err(err) = wb.reload()
        {
            self.error(err.to_string());
            return;
        }
        self.panels.changed(&Action::ApplyMerge(PathBuf::from(&report.source)));
        let mut lines = report.lines();
        if report.history_id.is_some() {
            lines.push("Edit > Undo takes it back.".into());
        }
        self.info(lines.join(" "));
    }
}
