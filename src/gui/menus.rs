//! The menu bar: File, Edit, View and Help, each entry an [`Action`].

use egui::Ui;

use super::action::Action;
use super::chart_png::Chart;
use super::windows::Windows;

pub fn show(ui: &mut Ui, has_project: bool, windows: &mut Windows, actions: &mut Vec<Action>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            item(ui, "New project…", Action::NewProjectDialog, actions);
            item(ui, "Open project…", Action::OpenProjectDialog, actions);
            item(ui, "Open the demo study", Action::OpenDemo, actions);
            ui.add_enabled_ui(has_project, |ui| {
                item(ui, "Import files…", Action::ImportDialog, actions);
                item(ui, "Close project", Action::CloseProject, actions);
            });
            ui.separator();
            item(ui, "Quit", Action::Quit, actions);
        });
        ui.menu_button("Edit", |ui| {
            ui.add_enabled_ui(has_project, |ui| {
                item(ui, "Undo", Action::Undo, actions);
                item(ui, "Redo", Action::Redo, actions);
                ui.separator();
                item(ui, "Code the selection in vivo", Action::InVivo, actions);
                item(ui, "Find a code for the selection", Action::FindCode, actions);
            });
            ui.separator();
            item(ui, "Command palette…", Action::OpenPalette, actions);
        });
        ui.menu_button("View", |ui| {
            ui.add_enabled_ui(has_project, |ui| {
                item(ui, "Analysis", Action::ShowAnalysis, actions);
                item(ui, "Document", Action::ShowDocument, actions);
                item(ui, "Export the matrix as CSV…", Action::ExportMatrixDialog, actions);
                item(ui, "Export the heatmap as PNG…", Action::ExportChartDialog(Chart::Heatmap), actions);
                item(ui, "Export the frequency chart as PNG…", Action::ExportChartDialog(Chart::Frequencies), actions);
                ui.separator();
                item(ui, "Memos", Action::ShowMemos, actions);
                item(ui, "Search and autocode", Action::ShowSearch, actions);
                item(ui, "History and snapshots", Action::ShowHistory, actions);
            });
            ui.separator();
            item(ui, "Switch light/dark theme", Action::ToggleTheme, actions);
            item(ui, "Larger document text", Action::FontBigger, actions);
            item(ui, "Smaller document text", Action::FontSmaller, actions);
            if ui.button("Settings…").clicked() {
                windows.settings = true;
                ui.close();
            }
        });
        ui.menu_button("Team", |ui| {
            ui.add_enabled_ui(has_project, |ui| {
                item(ui, "Compare coders…", Action::ShowCompare, actions);
            });
        });
        ui.menu_button("Help", |ui| {
            item(ui, "Keyboard shortcuts", Action::ShowShortcuts, actions);
        });
    });
}

fn item(ui: &mut Ui, label: &str, action: Action, actions: &mut Vec<Action>) {
    if ui.button(label).clicked() {
        actions.push(action);
        ui.close();
    }
}
