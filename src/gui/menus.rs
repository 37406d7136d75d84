//! The menu bar: File, Edit, View, Media, Team and Help. Each entry is an argument-free [`Action`]
//! whose label, shortcut and need of an open project come from [`Action::offer`]; only the
//! layout (which menu, which order, where the separators go) lives here.

use egui::Ui;

use super::action::Action;

/// The open transcript's recording as the Media menu offers it: its size and whether a copy is
/// stored in the project (`None`: no recording linked).
pub type MediaMenu = Option<(u64, bool)>;

pub fn show(ui: &mut Ui, has_project: bool, media: MediaMenu, actions: &mut Vec<Action>) {
    let mut menu = Menu { has_project, actions };
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            menu.items(ui, &[Action::NewProjectDialog, Action::OpenProjectDialog, Action::OpenDemo]);
            menu.items(
                ui,
                &[Action::ImportDialog, Action::SaveCopyDialog, Action::SaveReleaseDialog, Action::CloseProject],
            );
            ui.separator();
            ui.menu_button("Export", |ui| {
                menu.items(ui, &[Action::ExportExcerptsDialog, Action::ExportCodebookDialog, Action::ExportQdpxDialog])
            });
            ui.menu_button("Import", |ui| menu.items(ui, &[Action::ImportCodebookDialog, Action::ImportQdpxDialog]));
            ui.separator();
            menu.items(ui, &[Action::Quit]);
        });
        ui.menu_button("Edit", |ui| {
            menu.items(ui, &[Action::Undo, Action::Redo]);
            ui.separator();
            menu.items(ui, &[Action::CopySelection, Action::InVivo, Action::FindCode]);
            ui.separator();
            menu.items(ui, &[Action::ToggleEditMode, Action::ShowReplace, Action::ShowPseudonymise]);
            ui.separator();
            menu.items(ui, &[Action::OpenPalette]);
        });
        ui.menu_button("View", |ui| {
            menu.items(
                ui,
                &[
                    Action::ShowAnalysis,
                    Action::ShowDocument,
                    Action::ExportMatrixDialog,
                    Action::ExportHeatmapDialog,
                    Action::ExportHeatmapSvgDialog,
                    Action::ExportFrequenciesDialog,
                    Action::ExportFrequenciesSvgDialog,
                ],
            );
            ui.separator();
            menu.items(ui, &[Action::ShowSheet, Action::ImportSheetDialog, Action::ExportSheetDialog]);
            ui.separator();
            menu.items(ui, &[Action::ShowMemos, Action::ShowSearch, Action::ShowHistory]);
            ui.separator();
            menu.items(ui, &[Action::ShowSegments, Action::ExportSegmentsDialog]);
            ui.separator();
            menu.items(ui, &[Action::ToggleDocumentsPanel, Action::ToggleCodebookPanel]);
            ui.separator();
            menu.items(ui, &[Action::ToggleTheme, Action::FontBigger, Action::FontSmaller, Action::ShowSettings]);
        });
        ui.menu_button("Media", |ui| {
            menu.items(ui, &[Action::LinkMediaDialog, Action::UnlinkMedia]);
            match media {
                // The size in the label: the project file grows by that much.
                Some((size, false)) => menu.item_as(
                    ui,
                    &Action::EmbedMediaDialog,
                    &format!("Store a copy in the project ({})…", crate::media::store::human_size(size)),
                ),
                Some((_, true)) => menu.items(ui, &[Action::UnembedMedia]),
                None => {}
            }
            ui.separator();
            menu.items(ui, &[Action::PlayerToggle, Action::PlayerBack, Action::PlayerForward, Action::PlaySelection]);
            ui.separator();
            menu.items(ui, &[Action::InsertTimestamp, Action::ToggleFollow]);
        });
        ui.menu_button("Team", |ui| {
            menu.items(ui, &[Action::ShowCompare, Action::ShowReview, Action::MergeDialog]);
            ui.separator();
            menu.items(ui, &[Action::ExportAgreementDialog]);
        });
        ui.menu_button("Help", |ui| menu.items(ui, &[Action::ShowShortcuts]));
    });
}

struct Menu<'a> {
    has_project: bool,
    actions: &'a mut Vec<Action>,
}

impl Menu<'_> {
    fn items(&mut self, ui: &mut Ui, items: &[Action]) {
        for action in items {
            self.item(ui, action);
        }
    }

    /// One entry: the action's label with its first shortcut on the right (announced to screen
    /// readers as the shortcut, not as part of the name).
    fn item(&mut self, ui: &mut Ui, action: &Action) {
        let Some(offer) = action.offer() else { return };
        self.item_as(ui, action, offer.menu);
    }

    /// [`Menu::item`] with a label worked out for this frame (one that says a size).
    fn item_as(&mut self, ui: &mut Ui, action: &Action, label: &str) {
        let Some(offer) = action.offer() else { return };
        let keys = offer.keys.first().map(|k| ui.ctx().format_shortcut(k));
        let mut button = egui::Button::new(label);
        if let Some(keys) = &keys {
            button = button.shortcut_text(keys.as_str());
        }
        let response = ui.add_enabled(self.has_project || !offer.needs_project, button);
        if let Some(keys) = keys {
            ui.ctx().accesskit_node_builder(response.id, |node| {
                node.set_label(label);
                node.set_keyboard_shortcut(keys);
            });
        }
        if response.clicked() {
            self.actions.push(action.clone());
            ui.close();
        }
    }
}
