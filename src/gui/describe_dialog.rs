//! The "Describe…" dialog of a code (from the codebook's context menu): its definition,
//! inclusion and exclusion criteria and an example, prefilled with the current values and saved
//! as one `DescribeCode` command.

use egui::{Context, Ui};

use super::action::Action;
use super::workbench::Workbench;
use crate::coding::Command;
use crate::model::{CodeId, CodeNode};

/// The dialog's edit buffers.
#[derive(Debug, Clone, PartialEq)]
pub struct DescribeDraft {
    pub code: CodeId,
    pub description: String,
    pub inclusion: String,
    pub exclusion: String,
    pub example: String,
}

impl DescribeDraft {
    pub fn of(code: &CodeNode) -> DescribeDraft {
        DescribeDraft {
            code: code.id,
            description: code.description.clone(),
            inclusion: code.inclusion.clone(),
            exclusion: code.exclusion.clone(),
            example: code.example.clone(),
        }
    }

    fn unchanged(&self, code: &CodeNode) -> bool {
        matches!(
            self.action(code),
            Action::Edit(Command::DescribeCode {
                description: None,
                inclusion: None,
                exclusion: None,
                example: None,
                ..
            })
        )
    }

    /// The change: only the fields that differ from `code`'s current values.
    fn action(&self, code: &CodeNode) -> Action {
        let changed = |new: &String, old: &String| (new.trim() != old.trim()).then(|| new.clone());
        Action::Edit(Command::DescribeCode {
            code: self.code,
            description: changed(&self.description, &code.description),
            inclusion: changed(&self.inclusion, &code.inclusion),
            exclusion: changed(&self.exclusion, &code.exclusion),
            example: changed(&self.example, &code.example),
        })
    }
}

/// Draws the dialog while `draft` is set; Save emits the change and closes it.
pub fn describe_ui(ctx: &Context, draft: &mut Option<DescribeDraft>, wb: &Workbench, actions: &mut Vec<Action>) {
    let Some(state) = draft.as_mut() else { return };
    let Some(code) = wb.code(state.code) else {
        *draft = None;
        return;
    };
    let mut open = true;
    let mut close = false;
    super::windows::floating(ctx, format!("Describe “{}”", code.name))
        .id(egui::Id::unique("describe-dialog"))
        .open(&mut open)
        .default_width(460.0)
        .show(ctx, |ui| {
            ui.weak(&code.path);
            field(ui, "Definition", "What the code means", &mut state.description);
            field(ui, "Inclusion criteria", "When to apply it", &mut state.inclusion);
            field(
                ui,
                "Exclusion criteria",
                "When not to apply it (and which code to use instead)",
                &mut state.exclusion,
            );
            field(ui, "Example", "A typical excerpt", &mut state.example);
            ui.horizontal(|ui| {
                let changed = !state.unchanged(code);
                if ui.add_enabled(changed, egui::Button::new("Save description")).clicked() {
                    actions.push(state.action(code));
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
    if close || !open {
        *draft = None;
    }
}

fn field(ui: &mut Ui, label: &str, hint: &str, text: &mut String) {
    let label = ui.strong(label);
    ui.add(egui::TextEdit::multiline(text).hint_text(hint).desired_rows(3).desired_width(f32::INFINITY))
        .labelled_by(label.id);
}
