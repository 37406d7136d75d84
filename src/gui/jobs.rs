//! Long work off the UI thread: opening, building the demo study and importing run in a
//! `std::thread`, reporting progress through shared state and stopping on a cancel flag. The
//! frame loop polls [`Job::poll`] and never blocks.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};

use crate::Project;
use crate::error::Result;
use crate::import::{ImportOptions, ImportOutcome, import_paths};

/// What a finished job hands back.
pub enum JobResult {
    /// A project to show (opened, created or built).
    Opened(Result<Project>),
    /// One line per imported, skipped or failed file.
    Imported(Vec<String>),
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
        Job { title: title.into(), progress, cancel, result: rx }
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

fn set(progress: &Mutex<Progress>, fraction: Option<f32>, message: String) {
    if let Ok(mut p) = progress.lock() {
        *p = Progress { fraction, message };
    }
}

/// Opens an existing project.
pub fn open(path: PathBuf) -> impl FnOnce(&Mutex<Progress>, &AtomicBool) -> JobResult + Send + 'static {
    move |progress, _| {
        set(progress, None, format!("Opening {}", path.display()));
        JobResult::Opened(Project::open(&path))
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
            return JobResult::Opened(Project::open(&path));
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
