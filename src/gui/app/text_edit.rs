//! The app's side of edit mode: opening a paragraph, committing each burst of typing as one
//! `EditText` command (after asking when it would remove codings), and taking typing back.

use super::WorkbenchApp;
use crate::gui::action::Action;
use crate::gui::edit;

impl WorkbenchApp {
    /// Turns edit mode on, or commits what was typed and turns it off.
    pub(super) fn toggle_edit_mode(&mut self) {
        let Some(wb) = &mut self.workbench else { return };
        if !wb.edit_mode {
            if wb.view.is_none() {
                self.error("Open a document first, then choose Edit > Edit the document text to correct it.");
                return;
            }
            wb.edit_mode = true;
            wb.selection = None;
            wb.inspection = None;
            return;
        }
        if self.commit_text_edit(false) {
            let Some(wb) = &mut self.workbench else { return };
            wb.edit_mode = false;
            wb.editing = None;
        }
    }

    /// Opens paragraph `n` for editing, committing typing in another paragraph first.
    pub(super) fn edit_paragraph(&mut self, n: usize) {
        let same = self.workbench.as_ref().and_then(|wb| wb.editing.as_ref()).is_some_and(|e| e.paragraph == n);
        if same || !self.commit_text_edit(false) {
            return;
        }
        let Some(wb) = &mut self.workbench else { return };
        if let Err(err) = wb.edit_paragraph(n) {
            self.error(err.to_string());
        }
    }

    /// Commits the typing not yet committed as one change. A change that would remove codings
    /// waits for the user's word (`confirmed`) and the edit bar lists them. Returns false when
    /// something still waits (a question, or a refused change).
    pub(super) fn commit_text_edit(&mut self, confirmed: bool) -> bool {
        let Some(wb) = &mut self.workbench else { return true };
        let Some(command) = wb.pending_text_edit() else { return true };
        let confirmed = confirmed || wb.editing.as_ref().is_some_and(|e| e.confirmed);
        if !confirmed {
            match wb.codings_removed_by(&self.settings.coder, &command) {
                Ok(removed) if !removed.is_empty() => {
                    if let Some(edit) = &mut wb.editing {
                        edit.confirm = Some(removed);
                    }
                    return false;
                }
                Ok(_) => {}
                Err(err) => {
                    self.error(err.to_string());
                    return false;
                }
            }
        }
        let action = Action::Edit(command.clone());
        let result = edit::command(wb, &self.settings.coder, command);
        match result {
            Ok(summary) => {
                self.panels.changed(&action);
                self.info(summary);
                true
            }
            Err(err) => {
                // Refused (another program changed the text, say): show the stored text again.
                let reloaded = wb.refresh_open_text().err();
                if let Some(edit) = &mut wb.editing {
                    edit.buffer = edit.original.clone();
                    edit.confirm = None;
                }
                let more = reloaded.map(|e| format!(" ({e})")).unwrap_or_default();
                self.error(format!("{err}{more}"));
                false
            }
        }
    }

    /// Takes back the typing not yet committed.
    pub(super) fn discard_text_edit(&mut self) {
        if let Some(edit) = self.workbench.as_mut().and_then(|wb| wb.editing.as_mut()) {
            edit.buffer = edit.original.clone();
            edit.confirm = None;
            edit.confirmed = false;
            edit.focus = true;
        }
    }

    /// True when the paragraph being edited has typing not yet committed (Undo takes that back
    /// first).
    pub(super) fn has_uncommitted_typing(&self) -> bool {
        self.workbench.as_ref().and_then(|wb| wb.editing.as_ref()).is_some_and(|e| e.is_dirty())
    }
}
