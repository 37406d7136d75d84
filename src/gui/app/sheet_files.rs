//! The classification sheet's files: Import CSV… sets the values of a sheet file (the format of
//! `fieldcode attributes`) as one undoable command through the GUI's edit path, and Export
//! CSV… writes the shown sheet through the same library function as `fieldcode attributes
//! --export`, so the two files are the same bytes.

use std::path::{Path, PathBuf};

use egui::Context;

use super::WorkbenchApp;
use super::files::beside_project;
use crate::coding::Command;
use crate::error::Result;
use crate::gui::action::Action;
use crate::gui::file_chooser::FileAsk;
use crate::gui::sheet_state::Tab;
use crate::gui::workbench::{Centre, Workbench};
use crate::model::AttributeScope;

impl WorkbenchApp {
    /// The folder beside the open project, where sheet files are proposed.
    fn sheet_folder(&self) -> Option<PathBuf> {
        let path = self.workbench.as_ref()?.project.path();
        path.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf)
    }

    pub(super) fn import_sheet_dialog(&mut self, ctx: &Context) {
        if self.workbench.is_none() {
            return;
        }
        let ask = FileAsk::open("Import a classification sheet")
            .in_folder(self.sheet_folder().as_deref())
            .filter("Classification sheet (CSV)", &["csv"]);
        self.ask_file(ctx, ask, |paths| Action::ImportSheet(paths.into_iter().next().unwrap_or_default()));
    }

    /// Asks where to write the sheet shown (participants or documents).
    pub(super) fn export_sheet_dialog(&mut self, ctx: &Context) {
        let Some(wb) = &self.workbench else { return };
        let scope = wb.sheet.tab.scope();
        let suffix = match scope {
            AttributeScope::Participant => "participants",
            AttributeScope::Document => "documents",
        };
        let default = beside_project(wb.project.path(), suffix, "csv");
        let ask = FileAsk::save("Export the classification sheet", &default).filter("CSV", &["csv"]);
        self.ask_file(ctx, ask, move |paths| Action::ExportSheet {
            scope,
            path: paths.into_iter().next().unwrap_or_default(),
        });
    }

    pub(super) fn import_sheet(&mut self, path: &Path) {
        let action = Action::ImportSheet(path.to_path_buf());
        self.change(&action, |wb, coder| import_sheet_file(wb, coder, path));
    }

    pub(super) fn export_sheet(&mut self, scope: AttributeScope, path: &Path) {
        let Some(wb) = &self.workbench else { return };
        match crate::export::sheet::write(&wb.project, scope, path) {
            Ok(rows) => self.info(format!("Saved the {} sheet ({rows} rows) to {}.", scope.as_str(), path.display())),
            Err(err) => self.error(err.to_string()),
        }
    }
}

/// Reads and checks a sheet file whole, then sets its values as one command; shows the sheet
/// it is for.
fn import_sheet_file(wb: &mut Workbench, coder: &str, path: &Path) -> Result<String> {
    let bytes = crate::import::read_input(path, crate::import::MAX_FILE_BYTES)?;
    let sheet = crate::import::sheet::parse(&wb.project, path, &bytes)?;
    wb.centre = Centre::Sheet;
    wb.sheet.switch(Tab::of(sheet.scope));
    let (scope, rows, values) = (sheet.scope, sheet.rows, sheet.cells.len());
    if values == 0 {
        return Ok(format!("{} has no values to set.", path.display()));
    }
    let applied = crate::gui::edit::apply(wb, coder, Command::SetAttributes { scope, cells: sheet.cells })?;
    Ok(match applied.history_id {
        Some(_) => format!(
            "Imported {}: {values} values of {rows} {}s (Edit > Undo takes the whole sheet back).",
            path.display(),
            scope.as_str()
        ),
        None => format!("Imported {}: every value was set already; nothing changed.", path.display()),
    })
}
