//! The desktop workbench (eframe/egui): a thin layer of views over the library.

use std::path::PathBuf;
use std::process::ExitCode;

/// Opens the workbench, optionally on a project.
pub fn run(project: Option<PathBuf>) -> ExitCode {
    let _ = project;
    eprintln!("fieldcode: the desktop workbench is not built yet; use the commands listed by `fieldcode --help`.");
    ExitCode::FAILURE
}
