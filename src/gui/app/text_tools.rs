//! The app's side of Find and replace, Pseudonymise and the release copy: dry runs and the
//! pseudonymisation run on a worker with their own connection to the project file (an
//! in-memory project runs them in place), the name table's CSV in and out, and the release
//! copy with its scan for real names.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

use egui::Context;

use super::WorkbenchApp;
use super::files::beside_project;
use crate::Project;
use crate::coding::pseudonymise::{self, NameEntry, NameMap};
use crate::coding::{Mode, text_ops};
use crate::error::{Error, Result};
use crate::gui::action::Action;
use crate::gui::file_chooser::FileAsk;
use crate::gui::text_tools::{self, PseudonymPanel};

/// Where messages about the name table say it came from.
const TABLE: &str = "the Pseudonymise table";

impl WorkbenchApp {
    /// Runs `work` on the project: on a worker with its own connection to the file, or in place
    /// for a project that lives in memory. The result arrives through the receiver.
    fn on_worker<T: Send + 'static>(
        &mut self,
        ctx: &Context,
        work: impl FnOnce(&mut Project) -> Result<T> + Send + 'static,
    ) -> Option<Receiver<Result<T>>> {
        let wb = self.workbench.as_mut()?;
        let (tx, rx) = channel();
        let path = wb.project.path().to_path_buf();
        if path == Path::new(":memory:") {
            let _ = tx.send(work(&mut wb.project));
            return Some(rx);
        }
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(Project::open(&path).and_then(|mut project| work(&mut project)));
            waker.request_repaint();
        });
        Some(rx)
    }

    pub(super) fn preview_replace(&mut self, ctx: &Context) {
        let (Some(wb), Some(panel)) = (&self.workbench, &self.panels.replace) else { return };
        let command = panel.command(wb);
        let coder = self.settings.coder.clone();
        let worker_command = command.clone();
        let pending = self
            .on_worker(ctx, move |project| Ok(text_ops::run(project, &coder, &worker_command, Mode::DryRun)?.value));
        if let Some(panel) = &mut self.panels.replace {
            panel.pending = pending;
            panel.preview = None;
            panel.previewing = Some(command);
        }
    }

    pub(super) fn preview_pseudonyms(&mut self, ctx: &Context) {
        let Some(panel) = &self.panels.pseudonyms else { return };
        let rows = panel.names();
        let map = match name_map(&rows) {
            Ok(map) => map,
            Err(err) => return self.error(err.to_string()),
        };
        let coder = self.settings.coder.clone();
        let pending = self
            .on_worker(ctx, move |project| Ok(pseudonymise::pseudonymise(project, &coder, &map, Mode::DryRun)?.value));
        if let Some(panel) = &mut self.panels.pseudonyms {
            panel.pending = pending;
            panel.preview = None;
            panel.previewing = rows;
        }
    }

    /// Pseudonymises the project with the previewed table, as one undoable change.
    pub(super) fn apply_pseudonyms(&mut self, ctx: &Context) {
        let Some(panel) = &self.panels.pseudonyms else { return };
        let map = match name_map(&panel.names()) {
            Ok(map) => map,
            Err(err) => return self.error(err.to_string()),
        };
        let coder = self.settings.coder.clone();
        self.pseudonymising = self.on_worker(ctx, move |project| {
            Ok(pseudonymise::pseudonymise(project, &coder, &map, Mode::Commit)?.summary)
        });
    }

    /// Takes the results of finished dry runs and pseudonymisations.
    pub(super) fn poll_text_tools(&mut self) {
        if let Some(panel) = &mut self.panels.replace
            && let Some(result) = text_tools::poll(&mut panel.pending)
        {
            match result {
                Ok(report) => panel.preview = panel.previewing.take().map(|command| (command, report)),
                Err(err) => self.error(err.to_string()),
            }
        }
        if let Some(panel) = &mut self.panels.pseudonyms
            && let Some(result) = text_tools::poll(&mut panel.pending)
        {
            match result {
                Ok(report) => panel.preview = Some((std::mem::take(&mut panel.previewing), report)),
                Err(err) => self.error(err.to_string()),
            }
        }
        if let Some(result) = text_tools::poll(&mut self.pseudonymising) {
            self.finish_pseudonymising(result);
        }
    }

    fn finish_pseudonymising(&mut self, result: Result<String>) {
        let result =
            result.map(|summary| format!("{summary}. Undo takes it back; save the table outside the project."));
        if self.changed_on_worker(&Action::ApplyPseudonyms, result)
            && let Some(panel) = &mut self.panels.pseudonyms
        {
            panel.preview = None;
        }
    }

    pub(super) fn load_name_map_dialog(&mut self, ctx: &Context) {
        let ask = FileAsk::open("Load a name map (real,pseudonym)")
            .in_folder(self.project_folder().as_deref())
            .filter("CSV table", &["csv"]);
        self.ask_file(ctx, ask, |paths| Action::LoadNameMap(paths.into_iter().next().unwrap_or_default()));
    }

    pub(super) fn save_name_map_dialog(&mut self, ctx: &Context) {
        let ask = FileAsk::save("Save the name map", Path::new("names.csv"))
            .in_folder(self.project_folder().as_deref())
            .filter("CSV table", &["csv"]);
        self.ask_file(ctx, ask, |paths| Action::SaveNameMap(paths.into_iter().next().unwrap_or_default()));
    }

    pub(super) fn load_name_map(&mut self, path: &Path) {
        match NameMap::read(path) {
            Ok(map) => {
                let panel = self.panels.pseudonyms.get_or_insert_with(PseudonymPanel::default);
                panel.rows = map.entries().iter().map(|e| (e.real.clone(), e.pseudonym.clone())).collect();
                panel.preview = None;
                self.info(format!("Loaded {} names from {}.", map.entries().len(), path.display()));
            }
            Err(err) => self.error(err.to_string()),
        }
    }

    pub(super) fn save_name_map(&mut self, path: &Path) {
        let Some(panel) = &self.panels.pseudonyms else { return };
        match write_name_map(path, &panel.names()) {
            Ok(()) => self.info(format!("Saved the name map to {} (it is not kept in the project).", path.display())),
            Err(err) => self.error(err.to_string()),
        }
    }

    pub(super) fn save_release_dialog(&mut self, ctx: &Context) {
        let Some(wb) = &self.workbench else { return };
        let default = beside_project(wb.project.path(), "release", "fieldcode");
        let ask = FileAsk::save("Save a release copy", &default).filter("Fieldcode project", &["fieldcode"]);
        self.ask_file(ctx, ask, |paths| Action::SaveRelease(paths.into_iter().next().unwrap_or_default()));
    }

    /// Writes the release copy on a worker, scanned for the real names of the Pseudonymise
    /// table when it has any.
    pub(super) fn save_release(&mut self, ctx: &Context, out: PathBuf) {
        let Some(wb) = &self.workbench else { return };
        let project = wb.project.path().to_path_buf();
        let names = self.panels.pseudonyms.as_ref().map(PseudonymPanel::real_names).unwrap_or_default();
        let (tx, rx) = channel();
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(crate::store::release::release(&project, &out, &names).map(|r| release_line(&r)));
            waker.request_repaint();
        });
        self.releasing = Some(rx);
    }

    pub(super) fn poll_release(&mut self) {
        match text_tools::poll(&mut self.releasing) {
            Some(Ok(line)) => self.info(line),
            Some(Err(err)) => self.error(err.to_string()),
            None => {}
        }
    }
}

/// The table's rows as a checked name map.
fn name_map(rows: &[(String, String)]) -> Result<NameMap> {
    let entries = rows
        .iter()
        .enumerate()
        .map(|(i, (real, pseudonym))| NameEntry { real: real.clone(), pseudonym: pseudonym.clone(), line: i + 1 })
        .collect();
    NameMap::new(entries, Path::new(TABLE))
}

/// Writes the table as `real,pseudonym` CSV (what `fieldcode pseudonymise --map` reads).
fn write_name_map(path: &Path, rows: &[(String, String)]) -> Result<()> {
    let io = |e: std::io::Error| Error::io(path, e);
    let mut out = csv::Writer::from_path(path).map_err(|e| Error::invalid(format!("{}: {e}", path.display())))?;
    out.write_record(["real", "pseudonym"]).map_err(|e| Error::invalid(e.to_string()))?;
    for (real, pseudonym) in rows {
        out.write_record([real, pseudonym]).map_err(|e| Error::invalid(e.to_string()))?;
    }
    out.flush().map_err(io)
}

fn release_line(report: &crate::store::release::ReleaseReport) -> String {
    let scan = match report.names_checked {
        0 => "not scanned for names (add them in Edit > Pseudonymise… to have the copy checked)".to_owned(),
        n => format!("scanned for {n} real names: none left"),
    };
    format!(
        "Wrote the release copy {} ({} documents, {} KB; history and old versions left out); {scan}.",
        report.out.display(),
        report.documents,
        report.bytes / 1024
    )
}
