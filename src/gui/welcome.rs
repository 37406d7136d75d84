//! The welcome screen shown when no project is open: recent projects, New…, Open…, and the
//! demo study.

use egui::Ui;

use super::action::Action;
use super::settings::Settings;

pub fn show(ui: &mut Ui, settings: &Settings, busy: bool, actions: &mut Vec<Action>) {
    ui.vertical_centered(|ui| {
        ui.add_space(40.0);
        ui.heading(egui::RichText::new("Fieldcode").size(32.0));
        ui.label("A workbench for qualitative research: code field notes and transcripts, explore themes.");
        ui.add_space(24.0);
        ui.add_enabled_ui(!busy, |ui| {
            if ui.button("New project…").clicked() {
                actions.push(Action::NewProjectDialog);
            }
            if ui.button("Open project…").clicked() {
                actions.push(Action::OpenProjectDialog);
            }
            if ui
                .button("Open the demo study")
                .on_hover_text("A link-worker ethnography: 24 field notes, 5 interviews, 3 focus groups")
                .clicked()
            {
                actions.push(Action::OpenDemo);
            }
        });
        ui.add_space(24.0);
        ui.strong("Recent projects");
        if settings.recent.is_empty() {
            ui.weak("None yet.");
        }
        for path in &settings.recent {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if ui
                .add_enabled(!busy, egui::Button::new(name).frame(false))
                .on_hover_text(path.display().to_string())
                .clicked()
            {
                actions.push(Action::OpenProject(path.clone()));
            }
        }
        ui.add_space(24.0);
        ui.weak("Tip: drop a .fieldcode file here to open it. Press Ctrl+K for every command, F1 for shortcuts.");
    });
}
