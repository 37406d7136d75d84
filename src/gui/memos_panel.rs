//! The memos panel (View > Memos, Ctrl+Shift+M): the memos on the project, on the open document
//! and on the code chosen in the codebook, each editable in place; Save and Add emit `SaveMemo`
//! (the `SetMemo` command), Delete emits `DeleteMemo`. Unsaved edits survive a reload.

use egui::{Context, Ui};

use super::action::Action;
use super::workbench::Workbench;
use crate::coding::{Command, MemoId, MemoTarget, memos};
use crate::error::Result;

/// One memo's edit buffers (`id` is `None` for the "new memo" slot of a target).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoDraft {
    pub id: Option<MemoId>,
    pub title: String,
    pub body: String,
    saved: (String, String),
    pub byline: String,
}

impl MemoDraft {
    fn is_dirty(&self) -> bool {
        (self.title.as_str(), self.body.as_str()) != (self.saved.0.as_str(), self.saved.1.as_str())
    }
}

/// The memos on one target, then a slot for a new one.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoGroup {
    pub target: MemoTarget,
    /// "the project", a document name or a code path.
    pub name: String,
    pub memos: Vec<MemoDraft>,
    pub new: MemoDraft,
}

#[derive(Debug, Default)]
pub struct MemosPanel {
    pub groups: Vec<MemoGroup>,
    stale: bool,
}

impl MemosPanel {
    /// Re-reads the memos after a change.
    pub fn mark_stale(&mut self) {
        self.stale = true;
    }

    /// A new memo on `target` was saved: its slot starts empty again.
    pub fn saved_new(&mut self, target: MemoTarget) {
        if let Some(group) = self.groups.iter_mut().find(|g| g.target == target) {
            group.new = MemoDraft::default();
        }
    }

    /// Reloads when the open document or chosen code changed, or after a change.
    pub fn sync(&mut self, wb: &Workbench) -> Result<()> {
        let targets = targets(wb);
        let same = self.groups.len() == targets.len() && self.groups.iter().zip(&targets).all(|(g, t)| g.target == t.0);
        if same && !self.stale {
            return Ok(());
        }
        let all = memos::list(wb.project.conn(), None)?;
        let old = std::mem::take(&mut self.groups);
        for (target, name) in targets {
            let previous = old.iter().find(|g| g.target == target);
            let memos = all
                .iter()
                .filter(|m| m.target == target)
                .map(|m| {
                    let mut draft = MemoDraft {
                        id: Some(m.id),
                        title: m.title.clone(),
                        body: m.body.clone(),
                        saved: (m.title.clone(), m.body.clone()),
                        byline: format!("#{} · {} · {}", m.id, m.author, m.updated_at.get(..16).unwrap_or("")),
                    };
                    if let Some(edited) =
                        previous.and_then(|g| g.memos.iter().find(|d| d.id == Some(m.id) && d.is_dirty()))
                    {
                        draft.title = edited.title.clone();
                        draft.body = edited.body.clone();
                    }
                    draft
                })
                .collect();
            let new = previous.map(|g| g.new.clone()).unwrap_or_default();
            self.groups.push(MemoGroup { target, name, memos, new });
        }
        self.stale = false;
        Ok(())
    }
}

/// The project, the open document and the chosen code, with their names.
fn targets(wb: &Workbench) -> Vec<(MemoTarget, String)> {
    let mut out = vec![(MemoTarget::Project, "the project".to_owned())];
    if let Some(view) = &wb.view {
        out.push((MemoTarget::Document(view.id), view.name.clone()));
    }
    if let Some((code, _)) = &wb.excerpts {
        out.push((MemoTarget::Code(*code), wb.code_path(*code)));
    }
    out
}

pub fn memos_ui(ctx: &Context, panel: &mut Option<MemosPanel>, actions: &mut Vec<Action>) {
    let Some(state) = panel.as_mut() else { return };
    let mut open = true;
    egui::Window::new("Memos").open(&mut open).default_width(420.0).default_height(520.0).show(ctx, |ui| {
        if state.groups.len() < 3 {
            ui.weak("Open a document or click a code in the codebook to see its memos here too.");
        }
        egui::ScrollArea::vertical().id_salt("memos-scroll").show(ui, |ui| {
            for group in &mut state.groups {
                group_ui(ui, group, actions);
            }
        });
    });
    if !open {
        *panel = None;
    }
}

fn group_ui(ui: &mut Ui, group: &mut MemoGroup, actions: &mut Vec<Action>) {
    let heading = match group.target {
        MemoTarget::Project => "Project".to_owned(),
        MemoTarget::Document(_) => format!("Document {}", group.name),
        _ => format!("Code {}", group.name),
    };
    egui::CollapsingHeader::new(format!("{heading} ({})", group.memos.len())).default_open(true).show(ui, |ui| {
        for memo in &mut group.memos {
            memo_ui(ui, group.target, memo, actions);
            ui.separator();
        }
        new_memo_ui(ui, group, actions);
    });
}

fn memo_ui(ui: &mut Ui, target: MemoTarget, memo: &mut MemoDraft, actions: &mut Vec<Action>) {
    let Some(id) = memo.id else { return };
    ui.weak(&memo.byline);
    ui.add(egui::TextEdit::singleline(&mut memo.title).hint_text("Title").desired_width(f32::INFINITY));
    let label = ui.label(format!("Memo #{id}"));
    ui.add(egui::TextEdit::multiline(&mut memo.body).desired_rows(4).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    ui.horizontal(|ui| {
        if ui.add_enabled(memo.is_dirty(), egui::Button::new(format!("Save memo #{id}"))).clicked() {
            actions.push(save(Some(id), target, memo));
        }
        if ui.button(format!("Delete memo #{id}")).clicked() {
            actions.push(Action::Edit(Command::DeleteMemo { memo: id }));
        }
    });
}

fn new_memo_ui(ui: &mut Ui, group: &mut MemoGroup, actions: &mut Vec<Action>) {
    let memo = &mut group.new;
    ui.add(egui::TextEdit::singleline(&mut memo.title).hint_text("Title of a new memo").desired_width(f32::INFINITY));
    let label = ui.label(format!("New memo on {}", group.name));
    ui.add(
        egui::TextEdit::multiline(&mut memo.body)
            .hint_text("Write a memo (markdown)")
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    let ready = !memo.body.trim().is_empty() || !memo.title.trim().is_empty();
    if ui.add_enabled(ready, egui::Button::new(format!("Add memo on {}", group.name))).clicked() {
        actions.push(save(None, group.target, memo));
    }
}

fn save(memo: Option<MemoId>, target: MemoTarget, draft: &MemoDraft) -> Action {
    Action::Edit(Command::SetMemo { memo, target, title: draft.title.clone(), body: draft.body.clone() })
}
