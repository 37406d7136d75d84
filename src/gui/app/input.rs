//! What the keyboard and dropped files ask for, turned into actions for this frame: global
//! shortcuts, quick-code keys and type-to-find while text is selected, and drops (a project
//! opens, a recording on an open transcript is linked, anything else is offered for import).

use std::path::PathBuf;

use egui::Context;

use super::{WorkbenchApp, player};
use crate::gui::action::{Action, QUICK_KEYS, shortcuts};

impl WorkbenchApp {
    pub(super) fn read_keys(&mut self, ctx: &Context) {
        for (keys, action) in shortcuts() {
            if ctx.input_mut(|i| i.consume_shortcut(&keys)) {
                self.pending.push(action.clone());
            }
        }
        let typing = ctx.memory(|m| m.focused().is_some());
        let Some(wb) = self.workbench.as_mut() else { return };
        if typing || wb.selection.is_none() {
            return;
        }
        for (slot, key) in QUICK_KEYS.iter().enumerate() {
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, *key)) {
                self.pending.push(Action::QuickCode(slot));
            }
        }
        // The platform turns Ctrl+C into a Copy event rather than a key press.
        if ctx.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Copy))) {
            self.pending.push(Action::CopySelection);
        }
        if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            self.pending.push(Action::ClearSelection);
        }
        let typed: String = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Text(t) if t.chars().all(char::is_alphabetic) => Some(t.as_str()),
                    _ => None,
                })
                .collect()
        });
        if !typed.is_empty() {
            wb.finder.push_str(&typed);
            wb.finder_focus = true;
        }
    }

    pub(super) fn take_dropped_files(&mut self, ctx: &Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        if dropped.is_empty() {
            return;
        }
        let is_project = dropped.len() == 1 && dropped[0].extension().is_some_and(|e| e == "fieldcode");
        let open_document = self.workbench.as_ref().and_then(|wb| wb.view.as_ref()).map(|v| v.id);
        if is_project {
            self.pending.push(Action::OpenProject(dropped[0].clone()));
        } else if let (Some(document), true) = (open_document, dropped.len() == 1 && player::is_media(&dropped[0])) {
            // A recording dropped on an open transcript is linked to it.
            self.pending.push(Action::LinkMedia { document, path: dropped[0].clone() });
        } else if self.workbench.is_some() {
            self.pending.push(Action::PreviewImport(dropped));
        } else {
            self.error("Open or create a project first, then drop files or folders on the window to import them.");
        }
    }
}
