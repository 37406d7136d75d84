//! The status bar: current coder, project path, counts, the selection, and any running job with
//! its progress bar and Cancel button.

use egui::Ui;

use super::action::Action;
use super::jobs::Job;
use super::workbench::Workbench;

pub fn show(ui: &mut Ui, coder: &str, wb: Option<&Workbench>, job: Option<&Job>, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.label(format!("Coder: {coder}"));
        if let Some(wb) = wb {
            ui.separator();
            ui.label(wb.project.path().display().to_string());
            ui.separator();
            ui.label(format!(
                "{} documents · {} codes · {} codings",
                wb.documents.len(),
                wb.codes.len(),
                wb.coding_count()
            ));
            if let Some(span) = wb.selection {
                ui.separator();
                ui.label(format!("Selected {}–{} ({} characters)", span.start, span.end, span.end - span.start));
            }
        }
        if let Some(job) = job {
            ui.separator();
            let progress = job.progress();
            ui.label(&job.title);
            let bar = match progress.fraction {
                Some(f) => egui::ProgressBar::new(f).show_percentage(),
                None => egui::ProgressBar::new(0.0).animate(true),
            };
            ui.add(bar.desired_width(160.0)).on_hover_text(progress.message);
            if ui.add_enabled(!job.is_cancelling(), egui::Button::new("Cancel")).clicked() {
                actions.push(Action::CancelJob);
            }
        }
    });
}
