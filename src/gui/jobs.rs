//! Long work off the UI thread: opening, building the demo study and importing run in a
//! `std::thread`, reporting progress through shared state and stopping on a cancel flag. The
//! frame loop polls [`Job::poll`] and never blocks.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::Project;
use crate::coding::autocode::{self, Hit, Rule, Scope};
use crate::coding::search::{self, SearchHit};
use crate::coding::units::Unit;
use crate::error::Result;
use crate::import::{ImportOptions, ImportOutcome, import_paths};

/// What a finished job hands back.
pub enum JobResult {
    /// A project to show (opened, created or built).
    Opened(Result<Project>),
    /// Opened, but the day's automatic copy could not be written (the reason).
    OpenedWithoutCopy(Project, String),
    /// One line per imported, skipped or failed file.
    Imported(Vec<String>),
    /// Corpus search hits (the search panel).
    Searched(Result<Vec<SearchHit>>),
    /// An autocode dry run: the rule and unit it ran with, and its hits.
    Previewed(Rule, Unit, Result<Vec<Hit>>),
    /// The task stopped on Cancel; the line says so.
    Cancelled(String),
    /// What importing the picked files would do (the import dialog).
    ImportPreviewed(Result<crate::import::preview::ImportPreview>),
    /// What importing did, file by file, and whether it was cancelled (the import dialog).
    ImportReported(Vec<super::import_dialog::FileReport>, bool),
    /// A merge's dry run: the colleague's file and the report (the merge dialog).
    MergePreviewed(PathBuf, Result<crate::team::merge::MergeReport>),
    /// A merge applied.
    Merged(Result<crate::team::merge::MergeReport>),
    /// An export written or a REFI-QDA project imported (`exchange_jobs.rs`).
    Exchanged(Result<super::exchange_jobs::Done>),
    /// A copy of this document's recording stored in the project: the command's summary.
    Stored(crate::model::DocumentId, Result<String>),
}

/// Progress shared with the worker: fraction done (0..=1, or `None` when unknown) and a message.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub fraction: Option<f32>,
    pub message: String,
}

pub struct Job {
    pub title: String,
    progress: Arc<Mutex<Progress>>,
    cancel: Arc<AtomicBool>,
    result: Receiver<JobResult>,
    detach_on_cancel: bool,
}

impl Job {
    /// Runs `work` on a new thread; `wake` is called when it finishes (to request a repaint).
    pub fn spawn(
        title: impl Into<String>,
        wake: impl Fn() + Send + 'static,
        work: impl FnOnce(&Mutex<Progress>, &AtomicBool) -> JobResult + Send + 'static,
    ) -> Job {
        let progress = Arc::new(Mutex::new(Progress::default()));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        let (p, c) = (progress.clone(), cancel.clone());
        std::thread::spawn(move || {
            let result = work(&p, &c);
            let _ = tx.send(result);
            wake();
        });
        Job { title: title.into(), progress, cancel, result: rx, detach_on_cancel: false }
    }

    /// Marks a read-only job whose worker cannot stop part-way: Cancel lets go of it at once
    /// (its result is dropped) instead of waiting for it.
    pub fn detached_on_cancel(mut self) -> Job {
        self.detach_on_cancel = true;
        self
    }

    pub fn detaches_on_cancel(&self) -> bool {
        self.detach_on_cancel
    }

    pub fn progress(&self) -> Progress {
        self.progress.lock().map(|p| p.clone()).unwrap_or_default()
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The result once the worker is done. A worker that died reports as an error.
    pub fn poll(&self) -> Option<JobResult> {
        match self.result.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(JobResult::Opened(Err(crate::Error::invalid(
                "the background task stopped unexpectedly; nothing was changed",
            )))),
        }
    }
}

pub(crate) fn set(progress: &Mutex<Progress>, fraction: Option<f32>, message: String) {
    if let Ok(mut p) = progress.lock() {
        *p = Progress { fraction, message };
    }
}

/// Opens an existing project.
pub fn open(path: PathBuf) -> impl FnOnce(&Mutex<Progress>, &AtomicBool) -> JobResult + Send + 'static {
    move |progress, _| {
        set(progress, None, format!("Opening {}", path.display()));
        open_checked(&path, progress)
    }
}

/// Opens a project, checks the whole file for damage (larger projects are not checked on every
/// open by the library) and takes the day's automatic copy.
fn open_checked(path: &std::path::Path, progress: &Mutex<Progress>) -> JobResult {
    let project = match Project::open(path) {
        Ok(project) => project,
        Err(err) => return JobResult::Opened(Err(err)),
    };
    set(progress, None, format!("Checking {}", path.display()));
    if let Err(err) = crate::store::check_integrity(&project) {
        return JobResult::Opened(Err(err));
    }
    set(progress, None, format!("Keeping today's copy of {}", path.display()));
    match crate::store::backup::daily(&project) {
        Ok(_) => JobResult::Opened(Ok(project)),
        Err(err) => JobResult::OpenedWithoutCopy(project, err.to_string()),
    }
}

/// Creates a new, empty project.
pub fn create(path: PathBuf) -> impl FnOnce(&Mutex<Progress>, &AtomicBool) -> JobResult + Send + 'static {
    move |_, _| JobResult::Opened(Project::create(&path))
}

/// Opens the demo study at `path`, building it first if it does not exist.
pub fn demo(path: PathBuf) -> impl FnOnce(&Mutex<Progress>, &AtomicBool) -> JobResult + Send + 'static {
    move |progress, _| {
        if path.exists() {
            set(progress, None, format!("Opening the demo study at {}", path.display()));
            return open_checked(&path, progress);
        }
        set(progress, None, format!("Building the demo study at {}", path.display()));
        JobResult::Opened(crate::demo::build(&path))
    }
}

/// Imports files and folders into the project file at `project` through a second connection,
/// so the workbench keeps reading its own while the import runs.
pub fn import(
    project: PathBuf,
    paths: Vec<PathBuf>,
) -> impl FnOnce(&Mutex<Progress>, &AtomicBool) -> JobResult + Send + 'static {
    move |progress, cancel| {
        let mut project = match Project::open(&project) {
            Ok(p) => p,
            Err(err) => return JobResult::Imported(vec![err.to_string()]),
        };
        let outcomes = import_paths(
            &mut project,
            &paths,
            &ImportOptions::default(),
            &mut |p| {
                let fraction = if p.total == 0 { 0.0 } else { p.done as f32 / p.total as f32 };
                set(progress, Some(fraction), format!("Importing {}", p.current.display()));
            },
            cancel,
        );
        let mut lines: Vec<String> = outcomes.iter().map(describe).collect();
        if cancel.load(Ordering::Relaxed) {
            lines.push("Import cancelled; files imported before cancelling were kept.".into());
        }
        JobResult::Imported(lines)
    }
}

fn describe(outcome: &ImportOutcome) -> String {
    match outcome {
        ImportOutcome::Imported { name, kind, .. } => format!("Imported {name} ({kind})"),
        ImportOutcome::Skipped { path, reason } => format!("Skipped {}: {reason}", path.display()),
        ImportOutcome::Failed { error, .. } => format!("Failed: {error}"),
    }
}

/// A read-only task on a connection, reporting progress and watching the cancel flag.
pub type ReadTask = Box<dyn FnOnce(&Connection, &Mutex<Progress>, &AtomicBool) -> JobResult + Send>;

/// Runs a read-only task on a second connection to the project file, so the workbench keeps
/// reading its own while it runs.
pub fn read(
    project: PathBuf,
    task: ReadTask,
) -> impl FnOnce(&Mutex<Progress>, &AtomicBool) -> JobResult + Send + 'static {
    move |progress, cancel| match Project::open(&project) {
        Ok(p) => task(p.conn(), progress, cancel),
        Err(err) => JobResult::Cancelled(err.to_string()),
    }
}

/// Searches the corpus for words (through the word index) or a regular expression.
pub fn search(query: String, regex: bool, ignore_case: bool) -> ReadTask {
    Box::new(move |conn, progress, _| {
        set(progress, None, format!("Searching for {query}"));
        let hits = if regex { search::regex(conn, &query, ignore_case) } else { search::words(conn, &query) };
        JobResult::Searched(hits)
    })
}

/// Documents searched per step of an autocode preview (progress and cancel are checked between steps).
const PREVIEW_BATCH: usize = 20;

/// An autocode dry run over the documents, a batch at a time.
pub fn preview(documents: Vec<crate::model::DocumentId>, rule: Rule, unit: Unit) -> ReadTask {
    Box::new(move |conn, progress, cancel| {
        if let Err(err) = rule.compile() {
            return JobResult::Previewed(rule, unit, Err(err));
        }
        let mut hits = Vec::new();
        for (n, batch) in documents.chunks(PREVIEW_BATCH).enumerate() {
            if cancel.load(Ordering::Relaxed) {
                return JobResult::Cancelled("Autocode preview cancelled.".into());
            }
            let done = n * PREVIEW_BATCH;
            set(progress, Some(done as f32 / documents.len().max(1) as f32), format!("{done} documents searched"));
            let scope = Scope { documents: batch.to_vec(), ..Scope::default() };
            match autocode::find_hits(conn, &rule, &scope, unit) {
                Ok(found) => hits.extend(found),
                Err(err) => return JobResult::Previewed(rule, unit, Err(err)),
            }
        }
        JobResult::Previewed(rule, unit, Ok(hits))
    })
}
