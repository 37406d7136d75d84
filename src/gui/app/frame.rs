//! The frame's layout: the menu bar, the message and status lines, the side panels, the player
//! bar and the centre view, then the floating windows. Views read the state and emit actions;
//! nothing here changes the project.

use egui::{Context, Ui};

use super::WorkbenchApp;
use crate::coding::Command;
use crate::gui::action::Action;
use crate::gui::app::Message;
use crate::gui::document_pane::{self, Reading};
use crate::gui::workbench::{Centre, Workbench};
use crate::gui::{analysis_view, codebook_panel, compare_view, documents_panel, menus, status_bar, welcome, windows};

impl WorkbenchApp {
    pub(super) fn layout(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let menu = egui::Panel::top("menu")
            .show(ui, |ui| menus::show(ui, self.workbench.is_some(), self.media_menu(), actions));
        windows::set_menu_bottom(ui.ctx(), menu.response.rect.bottom());
        // The message sits above the status line, at the bottom: the views are laid out from the
        // top, so a message coming or going never moves what the next click lands on.
        egui::Panel::bottom("status").show(ui, |ui| {
            if let Some(message) = &self.message {
                banner(ui, message, actions);
                ui.separator();
            }
            status_bar::show(ui, &self.settings.coder, self.workbench.as_ref(), self.job.as_ref(), actions)
        });
        let font_size = self.settings.text_size();
        let (snap_words, speaker_width) = (self.settings.snap_words, self.settings.speaker_width);
        let busy = self.job.is_some();
        let Some(wb) = self.workbench.as_mut() else {
            egui::CentralPanel::default().show(ui, |ui| welcome::show(ui, &self.settings, busy, actions));
            return;
        };
        if let Some(state) = self.compare.as_mut() {
            state.refresh(wb);
            egui::CentralPanel::default().show(ui, |ui| compare_view::compare_ui(ui, state, wb, font_size, actions));
            return;
        }
        // Side panels start in proportion to the window and never take more than 30 % each,
        // so the text keeps room on a laptop; either can be hidden (View menu, remembered).
        let width = ui.available_width();
        if self.settings.show_documents {
            egui::Panel::left("documents")
                .resizable(true)
                .default_size((width * 0.2).clamp(160.0, 250.0))
                .size_range(120.0..=(width * 0.3).max(120.0))
                .show(ui, |ui| documents_panel::show(ui, wb, actions));
        }
        if self.settings.show_codebook {
            egui::Panel::right("codebook")
                .resizable(true)
                .default_size((width * 0.24).clamp(200.0, 300.0))
                .size_range(150.0..=(width * 0.3).max(150.0))
                .show(ui, |ui| codebook_panel::show(ui, wb, actions));
        }
        if let Some(panel) = &wb.player {
            egui::Panel::bottom("player").show(ui, |ui| crate::gui::player_view::player_ui(ui, panel, actions));
        }
        if wb.centre == Centre::Retrieval {
            let mut state = std::mem::take(&mut wb.retrieval);
            state.refresh(&wb.project, &wb.codes);
            egui::CentralPanel::default()
                .show(ui, |ui| crate::gui::retrieval_view::retrieval_ui(ui, &mut state, wb, actions));
            wb.retrieval = state;
            return;
        }
        if wb.centre == Centre::Analysis {
            let waker = ui.ctx().clone();
            wb.analysis.refresh(&wb.project, move || waker.request_repaint());
            egui::CentralPanel::default()
                .show(ui, |ui| analysis_view::analysis_ui(ui, &mut wb.analysis, &wb.media_documents, actions));
            return;
        }
        if wb.centre == Centre::Sheet {
            egui::CentralPanel::default().show(ui, |ui| crate::gui::classification_sheet::sheet_ui(ui, wb, actions));
            return;
        }
        egui::CentralPanel::default().show(ui, |ui| {
            document_pane::document_ui(ui, wb, Reading { font_size, snap_words, speaker_width }, actions)
        });
    }

    pub(super) fn floating_windows(&mut self, ctx: &Context, actions: &mut Vec<Action>) {
        windows::show_shortcuts(ctx, &mut self.windows.shortcuts);
        windows::show_settings(ctx, &mut self.windows.settings, &mut self.settings);
        windows::show_palette(ctx, &mut self.windows, self.workbench.as_ref(), actions);
        self.chooser_ui(ctx, actions);
        self.import_merge_ui(ctx, actions);
        self.exchange.show(ctx, self.workbench.as_ref(), actions);
        if let Some(wb) = &self.workbench {
            self.panels.show(ctx, wb, self.job.is_some(), actions);
            windows::show_inspector(ctx, wb, actions);
            if let Some(code) = self.confirm_delete {
                confirm_delete(ctx, wb, code, actions);
            }
            if let Some(document) = self.confirm_embed {
                super::player::confirm_embed(ctx, wb, document, actions);
            }
        }
    }
}

/// Height of the message area above the status line, in points (about four lines).
const MESSAGE_HEIGHT: f32 = 72.0;

fn banner(ui: &mut Ui, message: &Message, actions: &mut Vec<Action>) {
    // Top-aligned: in a centred row the text would sit in the middle of the scroll area's height.
    ui.horizontal_top(|ui| {
        let color = if message.error { ui.visuals().error_fg_color } else { ui.visuals().text_color() };
        if ui.button("Dismiss").clicked() {
            actions.push(Action::DismissMessage);
        }
        // Long reports (an import's) scroll within a few lines rather than pushing the views up.
        egui::ScrollArea::vertical().id_salt("message").max_height(MESSAGE_HEIGHT).show(ui, |ui| {
            ui.add(egui::Label::new(egui::RichText::new(&message.text).color(color)).wrap());
        });
    });
}

fn confirm_delete(ctx: &Context, wb: &Workbench, code: i64, actions: &mut Vec<Action>) {
    let Some(node) = wb.code(code) else { return };
    windows::floating(ctx, "Delete code").collapsible(false).resizable(false).show(ctx, |ui| {
        ui.label(format!(
            "Delete {} with its sub-codes and {} codings? Undo (Ctrl+Z) brings it back.",
            node.path, node.codings
        ));
        ui.horizontal(|ui| {
            if ui.button("Delete").clicked() {
                actions.push(Action::DismissDelete);
                actions.push(Action::Edit(Command::DeleteCode { code, reassign_to: None }));
            }
            if ui.button("Cancel").clicked() {
                actions.push(Action::DismissDelete);
            }
        });
    });
}
