//! File > Import files… and files dropped on the window: before anything is written, a window
//! lists each file with what the importer detects in it (kind, encoding, speakers, turns, time
//! points) and whether it would be imported, skipped or fail, read on a worker with progress and
//! Cancel ([`crate::import::preview`]). The user picks the kind (or leaves it inferred), adds
//! attributes for every imported document — the options of `fieldcode import` — and unticks
//! files; Import runs the import job, and the window then shows what happened to each file.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::{Context, Ui};
use egui_extras::{Column, TableRow};

use super::action::Action;
use super::jobs::{Job, JobResult, Progress};
use crate::Project;
use crate::import::decode::Invalid;
use crate::import::preview::{FilePreview, ImportPreview, Verdict, preview_paths};
use crate::import::{ImportOptions, ImportOutcome, import_paths};
use crate::model::DocumentKind;

/// What happened to one file of an import, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    pub path: PathBuf,
    /// "imported", "skipped" or "failed".
    pub result: &'static str,
    /// The document made (name, kind, turns) or the reason.
    pub detail: String,
}

impl FileReport {
    fn of(outcome: &ImportOutcome) -> FileReport {
        match outcome {
            ImportOutcome::Imported { path, name, kind, turns, speakers, .. } => FileReport {
                path: path.clone(),
                result: "imported",
                detail: format!("as {name} ({kind}, {speakers} speakers, {turns} turns)"),
            },
            ImportOutcome::Skipped { path, reason } => {
                FileReport { path: path.clone(), result: "skipped", detail: reason.clone() }
            }
            ImportOutcome::Failed { path, error } => {
                FileReport { path: path.clone(), result: "failed", detail: error.to_string() }
            }
        }
    }
}

/// The dialog's state, from the files picked to the report.
#[derive(Debug, Clone, Default)]
pub struct ImportDialog {
    /// The files and folders picked or dropped.
    pub paths: Vec<PathBuf>,
    /// What the worker found; `None` while it reads.
    pub preview: Option<ImportPreview>,
    /// Per previewed file: whether to import it.
    pub ticked: Vec<bool>,
    /// The kind for every file; `None`: inferred per file.
    pub kind: Option<DocumentKind>,
    /// Attribute rows (name, value) set on every imported document.
    pub attributes: Vec<(String, String)>,
    /// Read text that is UTF-8 except for a few bad bytes with U+FFFD in their place (the
    /// import's `lossy` option); the preview is read again when it changes.
    pub lossy: bool,
    /// The import job runs.
    pub importing: bool,
    /// What happened to each file, once imported; with whether the import was cancelled.
    pub report: Option<(Vec<FileReport>, bool)>,
    /// Why the preview could not be made.
    pub error: Option<String>,
}

impl ImportDialog {
    pub fn new(paths: Vec<PathBuf>) -> ImportDialog {
        ImportDialog { paths, ..ImportDialog::default() }
    }

    /// A fresh preview of the same files keeps the choices made so far.
    pub fn keeping_choices_of(mut self, earlier: Option<ImportDialog>) -> ImportDialog {
        if let Some(earlier) = earlier.filter(|e| e.paths == self.paths && e.report.is_none()) {
            (self.kind, self.attributes, self.lossy) = (earlier.kind, earlier.attributes, earlier.lossy);
        }
        self
    }

    /// Shows the worker's preview, every file ticked.
    pub fn previewed(&mut self, preview: ImportPreview) {
        self.ticked = vec![true; preview.files.len()];
        self.preview = Some(preview);
    }

    /// The action that imports the ticked files (and those past the preview's cap) with the
    /// chosen kind and attributes; `None` when nothing is ticked.
    pub fn import_action(&self) -> Option<Action> {
        let preview = self.preview.as_ref()?;
        let mut files: Vec<PathBuf> =
            preview.files.iter().zip(&self.ticked).filter(|(_, t)| **t).map(|(f, _)| f.path.clone()).collect();
        files.extend(preview.unlisted.iter().cloned());
        if files.is_empty() {
            return None;
        }
        let attributes = self
            .attributes
            .iter()
            .filter(|(name, _)| !name.trim().is_empty())
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        Some(Action::ImportFiles { files, kind: self.kind, attributes, lossy: self.lossy })
    }
}

/// The preview as a job: reads the files through a second connection to the project.
pub fn preview_job(
    project: PathBuf,
    paths: Vec<PathBuf>,
    lossy: bool,
) -> impl FnOnce(&Mutex<Progress>, &AtomicBool) -> JobResult + Send + 'static {
    move |progress, cancel| {
        let result = Project::open_to_read(&project).and_then(|project| {
            preview_paths(
                project.conn(),
                &paths,
                if lossy { Invalid::Replace } else { Invalid::Refuse },
                &mut |p| {
                    let fraction = p.done as f32 / p.total.max(1) as f32;
                    set(progress, fraction, format!("Reading {}", p.current.display()));
                },
                cancel,
            )
        });
        JobResult::ImportPreviewed(result)
    }
}

/// The import as a job, through a second connection, reporting each file.
pub fn import_job(
    project: PathBuf,
    files: Vec<PathBuf>,
    options: ImportOptions,
) -> impl FnOnce(&Mutex<Progress>, &AtomicBool) -> JobResult + Send + 'static {
    move |progress, cancel| {
        let mut project = match Project::open(&project) {
            Ok(p) => p,
            Err(err) => {
                let failed = FileReport { path: project, result: "failed", detail: err.to_string() };
                return JobResult::ImportReported(vec![failed], false);
            }
        };
        let outcomes = import_paths(
            &mut project,
            &files,
            &options,
            &mut |p| {
                let fraction = p.done as f32 / p.total.max(1) as f32;
                set(progress, fraction, format!("Importing {}", p.current.display()));
            },
            cancel,
        );
        JobResult::ImportReported(outcomes.iter().map(FileReport::of).collect(), cancel.load(Ordering::Relaxed))
    }
}

fn set(progress: &Mutex<Progress>, fraction: f32, message: String) {
    if let Ok(mut p) = progress.lock() {
        *p = Progress { fraction: Some(fraction), message };
    }
}

/// Draws the dialog while `dialog` is set. `job` is the running job (the preview's or the
/// import's) whose progress and Cancel it shows.
pub fn import_ui(ctx: &Context, dialog: &mut Option<ImportDialog>, job: Option<&Job>, actions: &mut Vec<Action>) {
    let Some(state) = dialog.as_mut() else { return };
    let mut open = true;
    let mut close = false;
    super::windows::floating(ctx, "Import files")
        .id(egui::Id::unique("import-dialog"))
        .open(&mut open)
        .default_width(760.0)
        .show(ctx, |ui| {
            if let Some(error) = &state.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            } else if let Some((report, cancelled)) = &state.report {
                report_ui(ui, report, *cancelled);
            } else if state.importing || state.preview.is_none() {
                let what = if state.importing { "Importing" } else { "Reading" };
                busy_ui(ui, &format!("{what} {} item(s)…", state.paths.len()), job, actions);
                return;
            } else {
                options_ui(ui, state, actions);
                ui.separator();
                files_ui(ui, state);
                ui.separator();
                let action = state.import_action();
                ui.horizontal(|ui| {
                    if ui.add_enabled(action.is_some(), egui::Button::new("Import")).clicked() {
                        actions.extend(action);
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
                return;
            }
            if ui.button("Close").clicked() {
                close = true;
            }
        });
    if close || !open {
        if job.is_some() && (state.importing || state.preview.is_none()) {
            actions.push(Action::CancelJob);
        }
        *dialog = None;
    }
}

/// The running job's progress bar and Cancel.
fn busy_ui(ui: &mut Ui, title: &str, job: Option<&Job>, actions: &mut Vec<Action>) {
    ui.label(title);
    let Some(job) = job else { return };
    let progress = job.progress();
    ui.add(egui::ProgressBar::new(progress.fraction.unwrap_or(0.0)).show_percentage());
    ui.weak(progress.message);
    if ui.add_enabled(!job.is_cancelling(), egui::Button::new("Stop")).clicked() {
        actions.push(Action::CancelJob);
    }
}

const KINDS: [(Option<DocumentKind>, &str); 5] = [
    (None, "Inferred from the speakers"),
    (Some(DocumentKind::FieldNote), "Field note"),
    (Some(DocumentKind::Interview), "Interview"),
    (Some(DocumentKind::FocusGroup), "Focus group"),
    (Some(DocumentKind::Other), "Other"),
];

fn kind_label(kind: Option<DocumentKind>) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or("", |(_, label)| label)
}

/// The kind and the attribute rows.
fn options_ui(ui: &mut Ui, state: &mut ImportDialog, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let label = ui.label("Kind of every document:");
        egui::ComboBox::from_id_salt("import-kind")
            .selected_text(kind_label(state.kind))
            .show_ui(ui, |ui| {
                for (kind, label) in KINDS {
                    ui.selectable_value(&mut state.kind, kind, label);
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.label("Attributes set on every imported document:");
    let mut remove = None;
    for (n, (name, value)) in state.attributes.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            let field = ui.add(egui::TextEdit::singleline(name).hint_text("attribute").desired_width(160.0));
            name_for_screen_readers(ui, field.id, format!("Attribute {} name", n + 1));
            ui.label("=");
            let field = ui.add(egui::TextEdit::singleline(value).hint_text("value").desired_width(220.0));
            name_for_screen_readers(ui, field.id, format!("Attribute {} value", n + 1));
            if ui.button("Remove").clicked() {
                remove = Some(n);
            }
        });
    }
    if let Some(n) = remove {
        state.attributes.remove(n);
    }
    if ui.button("Add an attribute").clicked() {
        state.attributes.push((String::new(), String::new()));
    }
    let lossy = "Read files that are UTF-8 except for a few bad bytes, with U+FFFD in their place";
    if ui.checkbox(&mut state.lossy, lossy).changed() {
        actions.push(Action::PreviewImport(state.paths.clone()));
    }
}

/// Names a field that has no label beside it.
fn name_for_screen_readers(ui: &Ui, id: egui::Id, label: String) {
    ui.ctx().accesskit_node_builder(id, |node| node.set_label(label));
}

/// The previewed files, one row each, with a tick box to leave one out.
fn files_ui(ui: &mut Ui, state: &mut ImportDialog) {
    let Some(preview) = &state.preview else { return };
    let (imported, skipped, failed) = preview.counts();
    ui.label(format!(
        "{} file(s): {imported} would be imported, {skipped} skipped (already in the project), {failed} cannot be imported.",
        preview.files.len()
    ));
    if !preview.unlisted.is_empty() {
        ui.label(format!(
            "{} more file(s) are not previewed; they are imported with the ticked ones.",
            preview.unlisted.len()
        ));
    }
    if preview.cancelled {
        ui.label("The preview was stopped: files not yet read are not listed and will not be imported.");
    }
    // Only the rows in view are laid out (a preview lists up to 1,000 files).
    let ticked = &mut state.ticked;
    egui_extras::TableBuilder::new(ui)
        .id_salt("import-files")
        .striped(true)
        .max_scroll_height(320.0)
        .column(Column::initial(180.0).at_least(80.0).resizable(true).clip(true))
        .columns(Column::auto(), 6)
        .column(Column::remainder().at_least(120.0).clip(true))
        .header(20.0, |mut header| {
            for title in ["File", "Would be", "Kind", "Encoding", "Speakers", "Turns", "Time points", "Why"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, preview.files.len(), |row| {
                let n = row.index();
                if let (Some(file), Some(ticked)) = (preview.files.get(n), ticked.get_mut(n)) {
                    file_row(row, file, ticked, state.kind);
                }
            });
        });
}

/// Height of one row of the file tables.
const ROW_HEIGHT: f32 = 22.0;

/// One cell's text on one line; the whole text on hover.
fn cell(row: &mut TableRow<'_, '_>, text: impl Into<String>) {
    let text = text.into();
    row.col(|ui| {
        ui.add(egui::Label::new(text).truncate());
    });
}

fn file_row(mut row: TableRow<'_, '_>, file: &FilePreview, ticked: &mut bool, kind: Option<DocumentKind>) {
    row.col(|ui| {
        ui.checkbox(ticked, file_name(&file.path)).on_hover_text(file.path.display().to_string());
    });
    let (verdict, why) = match &file.verdict {
        Verdict::Imported => ("imported", String::new()),
        Verdict::Skipped(reason) => ("skipped", reason.clone()),
        Verdict::Failed(reason) => ("failed", reason.clone()),
    };
    cell(&mut row, verdict);
    match &file.detected {
        Some(d) => {
            cell(&mut row, kind.unwrap_or(d.kind).to_string());
            cell(&mut row, d.encoding.clone());
            let mut speakers = d.speakers.join(", ");
            if d.speaker_count > d.speakers.len() {
                speakers.push_str(&format!(" and {} more", d.speaker_count - d.speakers.len()));
            }
            cell(&mut row, if speakers.is_empty() { "none".to_owned() } else { speakers });
            cell(&mut row, d.turns.to_string());
            cell(&mut row, d.time_points.to_string());
        }
        None => {
            for _ in 0..5 {
                cell(&mut row, "–");
            }
        }
    }
    cell(&mut row, why);
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// What the import did, file by file.
fn report_ui(ui: &mut Ui, report: &[FileReport], cancelled: bool) {
    let count = |result: &str| report.iter().filter(|r| r.result == result).count();
    ui.label(format!("{} imported, {} skipped, {} failed.", count("imported"), count("skipped"), count("failed")));
    if cancelled {
        ui.label("Import cancelled; files imported before cancelling were kept.");
    }
    egui_extras::TableBuilder::new(ui)
        .id_salt("import-report")
        .striped(true)
        .max_scroll_height(360.0)
        .column(Column::initial(200.0).at_least(80.0).resizable(true).clip(true))
        .column(Column::auto())
        .column(Column::remainder().at_least(160.0).clip(true))
        .header(20.0, |mut header| {
            for title in ["File", "Result", "Detail"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, report.len(), |mut row| {
                let Some(file) = report.get(row.index()) else { return };
                cell(&mut row, file_name(&file.path));
                cell(&mut row, file.result);
                cell(&mut row, file.detail.clone());
            });
        });
}
