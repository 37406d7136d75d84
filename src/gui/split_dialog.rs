//! The "Split…" dialog of a code (from the codebook's context menu): name a new sibling code and
//! tick which of the code's coded excerpts move to it; Split applies one `SplitCode` command.
//! The dialog stays open afterwards, so a code can be split into several new codes in turn.

use std::collections::BTreeSet;

use egui::{Context, Ui};

use super::action::Action;
use super::workbench::{Excerpt, Workbench};
use crate::coding::Command;
use crate::model::{CodeId, CodingId};

/// Characters of an excerpt shown next to its checkbox.
const EXCERPT_CHARS: usize = 160;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SplitDraft {
    pub code: CodeId,
    pub name: String,
    pub chosen: BTreeSet<CodingId>,
}

impl SplitDraft {
    pub fn new(code: CodeId) -> SplitDraft {
        SplitDraft { code, ..SplitDraft::default() }
    }

    /// After a split: start over for the next new code.
    pub fn clear(&mut self) {
        self.name.clear();
        self.chosen.clear();
    }
}

/// Draws the dialog while `draft` is set. It lists the excerpts the codebook panel holds for the
/// code (the app loads them when the dialog opens).
pub fn split_ui(ctx: &Context, draft: &mut Option<SplitDraft>, wb: &Workbench, actions: &mut Vec<Action>) {
    let Some(state) = draft.as_mut() else { return };
    let Some(code) = wb.code(state.code) else {
        *draft = None;
        return;
    };
    let excerpts: &[Excerpt] = match &wb.excerpts {
        Some((c, list)) if *c == state.code => list,
        _ => &[],
    };
    state.chosen.retain(|id| excerpts.iter().any(|e| e.coding == *id));
    let mut open = true;
    super::windows::floating(ctx, format!("Split “{}”", code.name))
        .id(egui::Id::unique("split-dialog"))
        .open(&mut open)
        .default_width(520.0)
        .show(ctx, |ui| {
            ui.weak(format!("{}: the ticked codings move to a new code beside it.", code.path));
            ui.horizontal(|ui| {
                let label = ui.label("New code name");
                ui.add(egui::TextEdit::singleline(&mut state.name).hint_text("a sibling of this code"))
                    .labelled_by(label.id);
            });
            let listed = wb.excerpts.as_ref().is_some_and(|(c, _)| *c == state.code);
            if !listed && ui.button("List this code's excerpts again").clicked() {
                actions.push(Action::ShowExcerpts(state.code));
            }
            ui.weak(format!(
                "Tick the codings that move to the new code ({} of {} ticked).",
                state.chosen.len(),
                excerpts.len()
            ));
            ui.horizontal(|ui| {
                if ui.button("Tick all").clicked() {
                    state.chosen = excerpts.iter().map(|e| e.coding).collect();
                }
                if ui.button("Tick none").clicked() {
                    state.chosen.clear();
                }
            });
            egui::ScrollArea::vertical().id_salt("split-excerpts").max_height(320.0).show(ui, |ui| {
                for excerpt in excerpts {
                    excerpt_row(ui, excerpt, &mut state.chosen);
                }
            });
            ui.separator();
            let ready = !state.name.trim().is_empty() && !state.chosen.is_empty();
            if ui.add_enabled(ready, egui::Button::new("Split")).clicked() {
                actions.push(Action::Edit(Command::SplitCode {
                    code: state.code,
                    name: state.name.trim().to_owned(),
                    codings: state.chosen.iter().copied().collect(),
                }));
            }
        });
    if !open {
        *draft = None;
    }
}

fn excerpt_row(ui: &mut Ui, excerpt: &Excerpt, chosen: &mut BTreeSet<CodingId>) {
    let text: String = excerpt.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text: String = text.chars().take(EXCERPT_CHARS).collect();
    let mut ticked = chosen.contains(&excerpt.coding);
    let label = format!("{} ({}): {text}", excerpt.document_name, excerpt.coder);
    let hover = format!("characters {}–{}", excerpt.start, excerpt.end);
    if ui.checkbox(&mut ticked, label).on_hover_text(hover).changed() {
        if ticked {
            chosen.insert(excerpt.coding);
        } else {
            chosen.remove(&excerpt.coding);
        }
    }
}
