//! The memos panel (View > Memos, Ctrl+Shift+M): the memos on the project, on the open document,
//! on its speakers, on the code chosen in the codebook and on the codings under the last click.
//! A memo reads as rendered Markdown; Edit turns it into plain-text fields. Save and Add emit the
//! `SetMemo` command, Delete emits `DeleteMemo`. Unsaved edits survive a reload.

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
    /// Shown as editable fields instead of rendered Markdown.
    pub editing: bool,
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
            let memos = all.iter().filter(|m| m.target == target).map(|m| draft_of(m, previous)).collect();
            let new = previous.map(|g| g.new.clone()).unwrap_or_default();
            self.groups.push(MemoGroup { target, name, memos, new });
        }
        self.stale = false;
        Ok(())
    }
}

/// A stored memo's draft, keeping what the user was typing into it before the reload. Editing
/// goes on across reloads, except once what was typed is saved.
fn draft_of(m: &memos::Memo, previous: Option<&MemoGroup>) -> MemoDraft {
    let stored = (m.title.clone(), m.body.clone());
    let before = previous.and_then(|g| g.memos.iter().find(|d| d.id == Some(m.id)));
    let mut draft = MemoDraft {
        id: Some(m.id),
        title: m.title.clone(),
        body: m.body.clone(),
        saved: stored.clone(),
        byline: format!("#{} · {} · {}", m.id, m.author, m.updated_at.get(..16).unwrap_or("")),
        editing: false,
    };
    if let Some(before) = before {
        let typed = (before.title.clone(), before.body.clone());
        if before.is_dirty() {
            (draft.title, draft.body) = typed.clone();
        }
        draft.editing = before.editing && (before.saved == stored || typed != stored);
    }
    draft
}

/// The project, the open document and its speakers, the chosen code and the codings under the
/// last click, with their names.
fn targets(wb: &Workbench) -> Vec<(MemoTarget, String)> {
    let mut out = vec![(MemoTarget::Project, "the project".to_owned())];
    if let Some(view) = &wb.view {
        out.push((MemoTarget::Document(view.id), view.name.clone()));
        out.extend(speakers(wb, view).into_iter().map(|(id, label)| (MemoTarget::Participant(id), label)));
    }
    if let Some((code, _)) = &wb.excerpts {
        out.push((MemoTarget::Code(*code), wb.code_path(*code)));
    }
    for coding in wb.inspection.iter().flat_map(|i| &i.codings) {
        let name =
            format!("coding of {} by {} ({}–{})", wb.code_path(coding.code_id), coding.coder, coding.start, coding.end);
        out.push((MemoTarget::Coding(coding.id), name));
    }
    out
}

/// The participants who speak in the open document, in order of first turn.
fn speakers(wb: &Workbench, view: &super::document_view::DocumentView) -> Vec<(crate::model::ParticipantId, String)> {
    let mut out: Vec<(crate::model::ParticipantId, String)> = Vec::new();
    for heading in view.headings.iter().flatten() {
        if out.iter().any(|(_, label)| *label == heading.speaker) {
            continue;
        }
        if let Some(p) = wb.participants.iter().find(|p| p.label == heading.speaker) {
            out.push((p.id, p.label.clone()));
        }
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
        MemoTarget::Participant(_) => format!("Speaker {}", group.name),
        MemoTarget::Code(_) => format!("Code {}", group.name),
        MemoTarget::Coding(_) => format!("The {}", group.name),
    };
    // Speakers start folded unless they have memos: a focus group has many.
    let open = !matches!(group.target, MemoTarget::Participant(_)) || !group.memos.is_empty();
    egui::CollapsingHeader::new(format!("{heading} ({})", group.memos.len())).default_open(open).show(ui, |ui| {
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
    if !memo.editing && !memo.is_dirty() {
        read_ui(ui, id, memo, actions);
        return;
    }
    ui.add(egui::TextEdit::singleline(&mut memo.title).hint_text("Title").desired_width(f32::INFINITY));
    let label = ui.label(format!("Memo #{id}"));
    ui.add(egui::TextEdit::multiline(&mut memo.body).desired_rows(4).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    ui.horizontal(|ui| {
        if ui.add_enabled(memo.is_dirty(), egui::Button::new(format!("Save memo #{id}"))).clicked() {
            actions.push(save(Some(id), target, memo));
        }
        if ui
            .button(format!("Done with memo #{id}"))
            .on_hover_text("Stop editing; unsaved changes are dropped")
            .clicked()
        {
            (memo.title, memo.body) = memo.saved.clone();
            memo.editing = false;
        }
        if ui.button(format!("Delete memo #{id}")).clicked() {
            actions.push(Action::Edit(Command::DeleteMemo { memo: id }));
        }
    });
}

/// A memo as it reads: its title, then its body rendered as Markdown.
fn read_ui(ui: &mut Ui, id: MemoId, memo: &mut MemoDraft, actions: &mut Vec<Action>) {
    if !memo.title.trim().is_empty() {
        ui.strong(&memo.title);
    }
    super::markdown::show(ui, ("memo", id), &memo.body);
    ui.horizontal(|ui| {
        if ui.button(format!("Edit memo #{id}")).clicked() {
            memo.editing = true;
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
