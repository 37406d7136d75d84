//! What the workbench remembers for the user between sessions, per project (the codes pinned to
//! quick keys, the collapsed themes of the codebook), and the clipboard copy of selected text:
//! small state changes that are not project data, so they never go through the command layer.

use egui::Context;

use super::WorkbenchApp;
use crate::gui::quick_slots::QuickSlots;
use crate::gui::workbench::Workbench;
use crate::model::CodeId;

impl WorkbenchApp {
    /// Puts the selected document text on the clipboard.
    pub(super) fn copy_selection(&mut self, ctx: &Context) {
        let text = self.workbench.as_ref().and_then(Workbench::selected_text).map(str::to_owned);
        match text {
            Some(text) => ctx.copy_text(text),
            None => self.error("Select some text in a document first, then copy it.".to_owned()),
        }
    }

    /// Changes the quick-code slots and keeps their pins in the settings.
    pub(super) fn quick_slots(&mut self, f: impl FnOnce(&mut QuickSlots)) {
        let Some(wb) = &mut self.workbench else { return };
        f(&mut wb.quick);
        let guid = |code: Option<CodeId>| code.and_then(|id| wb.code(id)).map(|c| c.guid.clone());
        let pins = wb.quick.pins().map(guid);
        self.settings.set_pins(wb.project.path(), &pins);
    }

    /// Puts the codes pinned in an earlier session back on their keys, and collapses the themes
    /// collapsed then.
    pub(super) fn restore_pins(&self, wb: &mut Workbench) {
        let collapsed = self.settings.collapsed(wb.project.path());
        wb.collapsed = wb.codes.iter().filter(|c| collapsed.contains(&c.guid)).map(|c| c.id).collect();
        let pins = self.settings.pins(wb.project.path());
        for (slot, guid) in pins.iter().enumerate() {
            let code = guid.as_ref().and_then(|g| wb.codes.iter().find(|c| &c.guid == g)).map(|c| c.id);
            if let Some(code) = code {
                wb.quick.pin(slot, code);
            }
        }
        wb.fill_quick_slots();
    }
}
