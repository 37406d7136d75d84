//! What the workbench does for the exports and imports of issue 14: opens their dialogs, asks
//! where to save or what to read (through [`WorkbenchApp::ask_file`]), and runs the work on a
//! worker with progress (`jobs.rs`), reading the project through its own read-only connection.
//! Each export calls the library exactly as its command does ([`exchange_jobs`]), so the files
//! are the same. A codebook import is one undoable command; a REFI-QDA import makes a new
//! project file, shows its report and opens it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::Context;

use super::WorkbenchApp;
use super::files::beside_project;
use crate::Project;
use crate::error::Result;
use crate::export::codebook::CodebookFormat;
use crate::gui::action::Action;
use crate::gui::exchange_jobs::{self, Done, ProjectTask};
use crate::gui::exchange_windows::FormatDialog;
use crate::gui::export_dialog::{ExcerptChoice, ExcerptsDraft, format_label};
use crate::gui::file_chooser::FileAsk;
use crate::gui::jobs::{JobResult, Progress};
use crate::gui::open_path;
use crate::refi::export::Positions;
use crate::store::coders;
use crate::team::agreement::{AgreementRequest, Unit};

fn first(paths: Vec<PathBuf>) -> PathBuf {
    paths.into_iter().next().unwrap_or_default()
}

fn say(progress: &Mutex<Progress>, message: String) {
    if let Ok(mut p) = progress.lock() {
        *p = Progress { fraction: None, message };
    }
}

impl WorkbenchApp {
    /// File > Export > Excerpts…: opens the dialog over the open project.
    pub(super) fn export_excerpts_dialog(&mut self) {
        let Some(wb) = &self.workbench else { return };
        match ExcerptsDraft::new(&wb.project) {
            Ok(draft) => self.exchange.excerpts = Some(draft),
            Err(err) => self.error(err.to_string()),
        }
    }

    pub(super) fn export_format_dialog(&mut self, dialog: FormatDialog) {
        if self.workbench.is_some() {
            self.exchange.format = Some(dialog);
        }
    }

    /// The file question of an export: proposes `STUDY-SUFFIX.EXT` beside the project.
    fn ask_export(
        &mut self,
        ctx: &Context,
        suffix: &str,
        (kind, ext): (&str, &str),
        then: impl FnOnce(PathBuf) -> Action + Send + 'static,
    ) {
        let Some(wb) = &self.workbench else { return };
        let default = beside_project(wb.project.path(), suffix, ext);
        let ask = FileAsk::save("Export to", &default).filter(kind, &[ext]);
        self.ask_file(ctx, ask, move |paths| then(first(paths)));
    }

    pub(super) fn ask_export_excerpts(&mut self, ctx: &Context, choice: ExcerptChoice) {
        let format = choice.format;
        self.ask_export(ctx, "excerpts", (format_label(format), format.name()), move |path| Action::ExportExcerpts {
            choice,
            path,
        });
    }

    pub(super) fn ask_export_codebook(&mut self, ctx: &Context, format: CodebookFormat) {
        self.ask_export(ctx, "codebook", ("Codebook", format.name()), move |path| Action::ExportCodebook {
            format,
            path,
        });
    }

    pub(super) fn ask_export_qdpx(&mut self, ctx: &Context, positions: Positions) {
        self.ask_export(ctx, "refi", ("REFI-QDA project", "qdpx"), move |path| Action::ExportQdpx { positions, path });
    }

    /// Team > Export agreement table…: needs two coders, then asks where to save the CSV.
    pub(super) fn export_agreement_dialog(&mut self, ctx: &Context) {
        let Some(wb) = &self.workbench else { return };
        match coders::list(wb.project.conn()) {
            Ok(list) if list.len() < 2 => self.error(
                "The agreement table compares coders, and this project has fewer than two; code with a second coder name (or merge a colleague's project) first.",
            ),
            Ok(_) => self.ask_export(ctx, "agreement", ("CSV", "csv"), Action::ExportAgreement),
            Err(err) => self.error(err.to_string()),
        }
    }

    /// The agreement request the table is written for: the compare view's coders, code and unit
    /// when it is shown, else every coder over the whole codebook by character, as
    /// `fieldcode agreement --coders ALL --format csv`.
    pub(super) fn agreement_request(&self) -> Result<AgreementRequest> {
        if let Some(compare) = &self.compare {
            return Ok(AgreementRequest {
                coders: compare.chosen(),
                code: compare.code.clone(),
                unit: compare.unit,
                bootstrap: None,
            });
        }
        let Some(wb) = &self.workbench else { return Err(crate::Error::invalid("no project is open")) };
        let coders = coders::list(wb.project.conn())?.into_iter().map(|(_, name)| name).collect();
        Ok(AgreementRequest { coders, code: None, unit: Unit::Char, bootstrap: None })
    }

    pub(super) fn export_agreement(&mut self, ctx: &Context, path: PathBuf) {
        match self.agreement_request() {
            Ok(request) => {
                let title = format!("Writing the agreement table to {}", path.display());
                self.run_export(ctx, title, exchange_jobs::agreement_table(request, path));
            }
            Err(err) => self.error(err.to_string()),
        }
    }

    /// Runs an export on a worker with its own read-only connection to the project file; a
    /// project that is not in a file is read here.
    pub(super) fn run_export(&mut self, ctx: &Context, title: String, task: ProjectTask) {
        let Some(wb) = &self.workbench else { return };
        let path = wb.project.path().to_path_buf();
        if !path.is_file() {
            let done = task(&wb.project);
            self.finish_exchange(done);
            return;
        }
        let message = title.clone();
        self.start_job(ctx, title, move |progress: &Mutex<Progress>, cancel: &AtomicBool| {
            if cancel.load(Ordering::Relaxed) {
                return JobResult::Cancelled("Export cancelled; nothing was written.".into());
            }
            say(progress, message);
            // The library writes a file in one go; a Cancel pressed meanwhile cannot stop it.
            let done = Project::open_to_read(&path).and_then(|p| task(&p));
            JobResult::Exchanged(done.map(|done| match done {
                Done::Wrote { path, line } if cancel.load(Ordering::Relaxed) => {
                    Done::Wrote { path, line: format!("{line} (It was written before Cancel could stop it.)") }
                }
                other => other,
            }))
        });
    }

    /// File > Import > Codebook…
    pub(super) fn import_codebook_dialog(&mut self, ctx: &Context) {
        let folder = self.workbench.as_ref().and_then(|wb| wb.project.path().parent().map(Path::to_path_buf));
        let ask = FileAsk::open("Import a codebook")
            .in_folder(folder.as_deref())
            .filter("Codebook (REFI-QDA .qdc or CSV)", &["qdc", "csv"]);
        self.ask_file(ctx, ask, |paths| Action::ImportCodebook(first(paths)));
    }

    /// Imports a codebook as one undoable command (`ImportCodebook`), as `fieldcode
    /// import-codebook` does, and says what it added and updated.
    pub(super) fn import_codebook(&mut self, action: &Action, file: &Path) {
        self.change(action, |wb, coder| {
            let actor = if coder.trim().is_empty() { crate::store::default_actor() } else { coder.to_owned() };
            let report = crate::import::codebook::import(&mut wb.project, file, &actor)?;
            wb.reload_codes()?;
            let mut text = format!(
                "Imported the codebook {}: {} codes added, {} updated (Undo takes it back as one step).",
                file.display(),
                report.added,
                report.updated
            );
            for note in &report.notes {
                text.push_str(&format!(" Note: {note}"));
            }
            Ok(text)
        });
    }

    /// File > Import > REFI-QDA project as a new project…: which project to read.
    pub(super) fn import_qdpx_dialog(&mut self, ctx: &Context) {
        let folder = self.workbench.as_ref().and_then(|wb| wb.project.path().parent().map(Path::to_path_buf));
        let ask = FileAsk::open("Import a REFI-QDA project")
            .in_folder(folder.as_deref())
            .filter("REFI-QDA project", &["qdpx", "qde"]);
        self.ask_file(ctx, ask, |paths| Action::ImportQdpxFrom(first(paths)));
    }

    /// Then where to save the new project (beside the REFI-QDA file, by its name).
    pub(super) fn import_qdpx_from(&mut self, ctx: &Context, qdpx: PathBuf) {
        let default = qdpx.with_extension("fieldcode");
        let ask = FileAsk::save("Save the new project as", &default).filter("Fieldcode project", &["fieldcode"]);
        self.ask_file(ctx, ask, move |paths| Action::ImportQdpx { qdpx, project: first(paths) });
    }

    pub(super) fn import_qdpx(&mut self, ctx: &Context, qdpx: PathBuf, project: PathBuf) {
        let title = format!("Importing {}", qdpx.display());
        let message = title.clone();
        self.start_job(ctx, title, move |progress: &Mutex<Progress>, _: &AtomicBool| {
            say(progress, message);
            JobResult::Exchanged(exchange_jobs::import_qdpx(&qdpx, &project))
        });
    }

    /// A finished export shows what it wrote with Open file / Open folder; a finished import
    /// shows its report and opens the new project.
    pub(super) fn finish_exchange(&mut self, done: Result<Done>) {
        match done {
            Ok(Done::Wrote { path, line }) => {
                self.info(line.clone());
                self.exchange.finished = Some((path, line));
            }
            Ok(Done::ImportedProject { project, report }) => {
                let lines = crate::refi::report_text::import_lines(&project, &report);
                self.exchange.import_report = Some((project.clone(), lines));
                self.pending.push(Action::OpenProject(project));
            }
            Err(err) => self.error(err.to_string()),
        }
    }

    /// Opens a file or folder with the platform's opener, without waiting for it.
    pub(super) fn open_path(&mut self, path: &Path) {
        if let Err(err) = open_path::open(path) {
            self.error(err);
        }
    }
}
