//! The team's review queue (Team > Review queue): the codes not yet agreed, each with its
//! definition, counts, example excerpts and comment thread, so a team meeting can walk the
//! codebook on one screen. Replies and status changes are library commands (`AddComment`,
//! `SetStatus`), so they are undoable and in the history like any other change.

use egui::{Context, RichText, Ui};

use super::action::Action;
use super::markdown;
use super::workbench::Workbench;
use crate::coding::Command;
use crate::error::Result;
use crate::model::{CodeId, ReviewStatus};
use crate::team::review::{self, Comment, QueueEntry};

#[derive(Debug, Default)]
pub struct ReviewPanel {
    pub entries: Vec<QueueEntry>,
    /// The code shown on the right.
    pub selected: Option<CodeId>,
    /// The selected code's comment thread, oldest first.
    pub thread: Vec<Comment>,
    /// The reply being written.
    pub reply: String,
    /// Where the selection was in the list, so that a code leaving the queue hands over to the
    /// one after it.
    position: usize,
    stale: bool,
    loaded: bool,
}

impl ReviewPanel {
    /// Re-reads the queue after a change.
    pub fn mark_stale(&mut self) {
        self.stale = true;
    }

    /// A comment was posted: the reply box starts empty again.
    pub fn posted(&mut self) {
        self.reply.clear();
    }

    /// Reloads the queue and the selected thread when something changed.
    pub fn sync(&mut self, wb: &Workbench) -> Result<()> {
        if self.loaded && !self.stale {
            return Ok(());
        }
        self.entries = review::queue(wb.project.conn())?;
        let still_queued = self.selected.filter(|code| self.entries.iter().any(|e| e.code_id == *code));
        self.selected = still_queued.or_else(|| {
            let at = self.position.min(self.entries.len().saturating_sub(1));
            self.entries.get(at).map(|e| e.code_id)
        });
        self.thread = match self.selected {
            Some(code) => review::comments(wb.project.conn(), code)?,
            None => Vec::new(),
        };
        self.position = self.index().unwrap_or(0);
        (self.stale, self.loaded) = (false, true);
        Ok(())
    }

    fn index(&self) -> Option<usize> {
        self.entries.iter().position(|e| Some(e.code_id) == self.selected)
    }

    fn select(&mut self, index: usize) {
        if let Some(entry) = self.entries.get(index) {
            self.selected = Some(entry.code_id);
            self.position = index;
            self.reply.clear();
            self.stale = true;
        }
    }
}

pub fn review_ui(ctx: &Context, panel: &mut Option<ReviewPanel>, wb: &Workbench, actions: &mut Vec<Action>) {
    let Some(state) = panel.as_mut() else { return };
    let mut open = true;
    super::windows::floating(ctx, "Review queue")
        .open(&mut open)
        .default_width(1040.0)
        .default_height(560.0)
        .show(ctx, |ui| queue_ui(ui, state, wb, actions));
    if !open {
        *panel = None;
    }
}

fn queue_ui(ui: &mut Ui, state: &mut ReviewPanel, wb: &Workbench, actions: &mut Vec<Action>) {
    if state.entries.is_empty() {
        ui.label("Every code is agreed: the review queue is empty.");
        return;
    }
    keyboard(ui, state);
    ui.weak(format!(
        "{} codes not yet agreed, proposed first. Up/Down walk the queue; status changes and comments can be undone.",
        state.entries.len()
    ));
    ui.separator();
    ui.columns(3, |columns| {
        let [list, detail, discussion] = columns else { return };
        list_ui(list, state, wb);
        let Some(entry) = state.index().and_then(|i| state.entries.get(i)).cloned() else { return };
        egui::ScrollArea::vertical().id_salt("review-detail").show(detail, |ui| entry_ui(ui, &entry, wb, actions));
        egui::ScrollArea::vertical()
            .id_salt("review-thread")
            .show(discussion, |ui| thread_ui(ui, state, entry.code_id, actions));
    });
}

/// Up and Down move through the queue while no text field has the keyboard.
fn keyboard(ui: &Ui, state: &mut ReviewPanel) {
    if ui.ctx().memory(|m| m.focused().is_some()) {
        return;
    }
    let index = state.index().unwrap_or(0);
    if ui.input(|i| i.key_pressed(egui::Key::ArrowDown)) && index + 1 < state.entries.len() {
        state.select(index + 1);
    }
    if ui.input(|i| i.key_pressed(egui::Key::ArrowUp)) && index > 0 {
        state.select(index - 1);
    }
}

fn list_ui(ui: &mut Ui, state: &mut ReviewPanel, wb: &Workbench) {
    let mut picked = None;
    egui::ScrollArea::vertical().id_salt("review-list").show(ui, |ui| {
        for (i, entry) in state.entries.iter().enumerate() {
            let chosen = Some(entry.code_id) == state.selected;
            let text = format!(
                "{} · {} · {} codings · {} comments",
                entry.code,
                entry.status.as_str(),
                entry.codings,
                entry.comments
            );
            ui.horizontal(|ui| {
                chip(ui, wb, entry.code_id);
                let row = ui.add(egui::Button::selectable(chosen, text.as_str()).truncate());
                if row.on_hover_text(&text).clicked() {
                    picked = Some(i);
                }
            });
        }
    });
    if let Some(i) = picked {
        state.select(i);
    }
}

fn chip(ui: &mut Ui, wb: &Workbench, code: CodeId) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, wb.code_color(code));
}

fn entry_ui(ui: &mut Ui, entry: &QueueEntry, wb: &Workbench, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        chip(ui, wb, entry.code_id);
        ui.heading(&entry.code);
    });
    ui.label(format!(
        "Status: {} · {} codings in {} documents · coders: {}",
        entry.status.as_str(),
        entry.codings,
        entry.documents,
        if entry.coders.is_empty() { "none yet".to_owned() } else { entry.coders.join(", ") }
    ));
    status_buttons(ui, entry, actions);
    ui.separator();
    for (label, text) in [
        ("Description", &entry.description),
        ("Include when", &entry.inclusion),
        ("Exclude when", &entry.exclusion),
        ("Example", &entry.example),
    ] {
        ui.label(RichText::new(label).strong());
        if text.trim().is_empty() {
            ui.weak("(not written yet)");
        } else {
            markdown::show(ui, ("review-definition", entry.code_id, label), text);
        }
    }
    if ui.button("Edit the definition…").clicked() {
        actions.push(Action::DescribeCodeDialog(entry.code_id));
    }
    ui.separator();
    ui.label(RichText::new("Examples").strong());
    if entry.examples.is_empty() {
        ui.weak("No codings yet.");
    }
    for example in &entry.examples {
        let heading =
            format!("{} · {} · characters {}–{}", example.document, example.coder, example.start, example.end);
        ui.weak(heading);
        let quote = ui.add(egui::Label::new(format!("“{}”", example.text)).sense(egui::Sense::click()));
        if quote.on_hover_text("Open the document at this excerpt").clicked()
            && let Some(doc) = wb.documents.iter().find(|d| d.name == example.document)
        {
            actions.push(Action::JumpTo { document: doc.id, start: example.start, end: example.end });
        }
    }
}

fn status_buttons(ui: &mut Ui, entry: &QueueEntry, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        for (status, label) in [
            (ReviewStatus::Proposed, "Back to proposed"),
            (ReviewStatus::Reviewed, "Mark reviewed"),
            (ReviewStatus::Agreed, "Mark agreed"),
        ] {
            if status != entry.status && ui.button(label).clicked() {
                actions.push(Action::Edit(Command::SetStatus { code: entry.code_id, status }));
            }
        }
    });
}

/// The reply box first (a meeting writes as it talks), then the thread, newest last.
fn thread_ui(ui: &mut Ui, state: &mut ReviewPanel, code: CodeId, actions: &mut Vec<Action>) {
    ui.label(RichText::new(format!("Discussion ({})", state.thread.len())).strong());
    let label = ui.label("Reply");
    ui.add(
        egui::TextEdit::multiline(&mut state.reply)
            .hint_text("Write a comment (Markdown)")
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    let ready = !state.reply.trim().is_empty();
    if ui.add_enabled(ready, egui::Button::new("Post comment")).clicked() {
        actions.push(Action::Edit(Command::AddComment { code, body: state.reply.trim().to_owned() }));
    }
    ui.separator();
    if state.thread.is_empty() {
        ui.weak("No comments yet.");
    }
    for comment in &state.thread {
        ui.weak(format!("{} · {}", comment.author, comment.created_at.get(..16).unwrap_or(&comment.created_at)));
        markdown::show(ui, ("review-comment", comment.id), &comment.body);
        ui.add_space(4.0);
    }
}
