//! The work behind the workbench's exports and REFI-QDA import, as tasks for `jobs.rs`. Each
//! export calls the same library function with the same options as its command
//! (`fieldcode excerpts`, `export-codebook`, `export-qdpx`, `agreement --format csv`), so the
//! window and the command line write the same file. A task reads the project through the
//! connection it is given: the worker's own read-only one for a project file, the workbench's
//! for a project that lives only in memory.

use std::path::{Path, PathBuf};

use super::export_dialog::ExcerptChoice;
use crate::Project;
use crate::error::{Error, Result};
use crate::export::codebook::{self, CodebookFormat};
use crate::export::{agreement_csv, excerpts};
use crate::refi::export::{ExportQdpxOptions, Positions};
use crate::refi::{ImportQdpxOptions, QdpxReport};
use crate::team::agreement::{AgreementRequest, agreement};

/// What a finished exchange hands back.
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    /// A file was written: where, and a line saying what is in it.
    Wrote { path: PathBuf, line: String },
    /// A REFI-QDA project became a new project file.
    ImportedProject { project: PathBuf, report: QdpxReport },
}

/// An export that reads the project it is given.
pub type ProjectTask = Box<dyn FnOnce(&Project) -> Result<Done> + Send>;

/// Coded excerpts, as `fieldcode excerpts` writes them.
pub fn excerpts(choice: ExcerptChoice, out: PathBuf) -> ProjectTask {
    Box::new(move |project| {
        let n = excerpts::export(project, &choice.filter(), choice.format, &out, choice.bom)?;
        let line = format!("Wrote {n} excerpt{} to {}.", if n == 1 { "" } else { "s" }, out.display());
        Ok(Done::Wrote { path: out, line })
    })
}

/// The codebook, as `fieldcode export-codebook` writes it.
pub fn codebook(format: CodebookFormat, out: PathBuf) -> ProjectTask {
    Box::new(move |project| {
        let n = codebook::export(project, format, &out)?;
        Ok(Done::Wrote { line: format!("Wrote {n} codes to {}.", out.display()), path: out })
    })
}

/// The whole project as REFI-QDA, as `fieldcode export-qdpx` writes it.
pub fn qdpx(positions: Positions, out: PathBuf) -> ProjectTask {
    Box::new(move |project| {
        let s = crate::refi::export_qdpx(project, &out, &ExportQdpxOptions { positions })?;
        let line = crate::refi::report_text::export_lines(&out, &s).join(" ");
        Ok(Done::Wrote { path: out, line })
    })
}

/// The agreement table as CSV, as `fieldcode agreement --format csv` prints it.
pub fn agreement_table(request: AgreementRequest, out: PathBuf) -> ProjectTask {
    Box::new(move |project| {
        if request.coders.len() < 2 {
            return Err(Error::invalid(
                "agreement needs at least two coders; code with a second coder name (or merge a colleague's project) first",
            ));
        }
        let report = agreement(project.conn(), &request)?;
        let rows = agreement_csv::save(&report, &out)?;
        let line = format!(
            "Wrote the agreement table of {} ({} rows, the pooled row last) to {}.",
            request.coders.join(", "),
            rows,
            out.display()
        );
        Ok(Done::Wrote { path: out, line })
    })
}

/// Imports a REFI-QDA project as a new project file, with the command's default options.
pub fn import_qdpx(qdpx: &Path, project: &Path) -> Result<Done> {
    let report = crate::refi::import_qdpx(qdpx, project, &ImportQdpxOptions::default())?;
    Ok(Done::ImportedProject { project: project.to_path_buf(), report })
}
