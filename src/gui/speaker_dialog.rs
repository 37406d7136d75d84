//! The "Rename speaker…" dialog (from a participant's context menu in the Participants list):
//! type the new label; Rename applies one `RenameParticipant` command, which relabels every turn
//! of that speaker in every document with the codings kept on their words (see
//! `coding::speaker_ops`). The dialog closes when the rename is applied; a refused name (empty,
//! with a colon, another speaker's) is reported and the dialog stays open.

use egui::Context;

use super::action::Action;
use super::workbench::Workbench;
use crate::coding::Command;
use crate::model::ParticipantId;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenameSpeakerDraft {
    pub participant: ParticipantId,
    pub label: String,
    /// Put the keyboard in the name field on the next frame (the dialog has just opened).
    pub focus: bool,
}

impl RenameSpeakerDraft {
    pub fn new(participant: ParticipantId, label: &str) -> RenameSpeakerDraft {
        RenameSpeakerDraft { participant, label: label.to_owned(), focus: true }
    }

    /// The command the dialog describes.
    pub fn command(&self) -> Command {
        Command::RenameParticipant { participant: self.participant, label: self.label.trim().to_owned() }
    }
}

/// Draws the dialog while `draft` is set.
pub fn rename_speaker_ui(
    ctx: &Context,
    draft: &mut Option<RenameSpeakerDraft>,
    wb: &Workbench,
    actions: &mut Vec<Action>,
) {
    let Some(state) = draft.as_mut() else { return };
    let Some(person) = wb.participants.iter().find(|p| p.id == state.participant) else {
        *draft = None;
        return;
    };
    let mut open = true;
    let mut cancel = false;
    super::windows::floating(ctx, format!("Rename speaker “{}”", person.label))
        .id(egui::Id::unique("rename-speaker-dialog"))
        .open(&mut open)
        .default_width(420.0)
        .show(ctx, |ui| {
            ui.weak(format!(
                "The label at the start of each of {}'s {} turns ({}) is replaced; codings stay on their words. One step to undo.",
                person.label,
                person.turns,
                person.documents.join(", ")
            ));
            let mut submit = false;
            ui.horizontal(|ui| {
                let label = ui.label("New name");
                let field = ui.add(egui::TextEdit::singleline(&mut state.label)).labelled_by(label.id);
                if std::mem::take(&mut state.focus) {
                    field.request_focus();
                }
                submit = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            });
            let changed = !state.label.trim().is_empty() && state.label.trim() != person.label;
            ui.horizontal(|ui| {
                if ui.add_enabled(changed, egui::Button::new("Rename")).clicked() || (submit && changed) {
                    actions.push(Action::Edit(state.command()));
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
    if !open || cancel {
        *draft = None;
    }
}
