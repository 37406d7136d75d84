//! The history panel (View > History, Ctrl+Shift+H): every command applied to the project,
//! newest first, with its time, actor and state, plus Undo and Redo; and codebook snapshots:
//! take one by name, list them, and compare one with the current codebook.

use egui::{Context, Ui};

use super::action::Action;
use crate::coding::snapshot::{self, CodebookDiff, SnapshotInfo};
use crate::coding::{EntryState, HistoryEntry, history};
use crate::error::Result;

/// Height of one history row, for the virtualised list.
const ROW_HEIGHT: f32 = 20.0;
/// Characters of a summary shown in a row (all of it on hover).
const SUMMARY_CHARS: usize = 90;

#[derive(Debug, Default)]
pub struct HistoryPanel {
    /// Newest first.
    pub entries: Vec<HistoryEntry>,
    pub snapshots: Vec<SnapshotInfo>,
    pub snapshot_name: String,
    pub diff: Option<CodebookDiff>,
    stale: bool,
}

impl HistoryPanel {
    pub fn new(conn: &rusqlite::Connection) -> Result<HistoryPanel> {
        let mut panel = HistoryPanel { stale: true, ..HistoryPanel::default() };
        panel.sync(conn)?;
        Ok(panel)
    }

    pub fn mark_stale(&mut self) {
        self.stale = true;
    }

    /// Re-reads the history, the snapshots and the shown diff after a change.
    pub fn sync(&mut self, conn: &rusqlite::Connection) -> Result<()> {
        if !self.stale {
            return Ok(());
        }
        self.stale = false;
        self.entries = history(conn)?;
        self.entries.reverse();
        self.snapshots = snapshot::list(conn)?;
        if let Some(diff) = &self.diff {
            let name = diff.from.clone();
            self.diff = snapshot::diff(conn, &name, None).ok();
        }
        Ok(())
    }
}

pub fn history_ui(ctx: &Context, panel: &mut Option<HistoryPanel>, actions: &mut Vec<Action>) {
    let Some(state) = panel.as_mut() else { return };
    let mut open = true;
    super::windows::floating(ctx, "History and snapshots")
        .open(&mut open)
        .default_width(620.0)
        .default_height(560.0)
        .show(ctx, |ui| {
            entries_ui(ui, state, actions);
            ui.separator();
            snapshots_ui(ui, state, actions);
        });
    if !open {
        *panel = None;
    }
}

fn entries_ui(ui: &mut Ui, state: &HistoryPanel, actions: &mut Vec<Action>) {
    let can_undo = state.entries.iter().any(|e| e.state == EntryState::Done);
    let can_redo = state.entries.iter().any(|e| e.state == EntryState::Undone);
    ui.horizontal(|ui| {
        ui.strong(format!("{} changes, newest first", state.entries.len()));
        if ui.add_enabled(can_undo, egui::Button::new("Undo last change")).clicked() {
            actions.push(Action::Undo);
        }
        if ui.add_enabled(can_redo, egui::Button::new("Redo")).clicked() {
            actions.push(Action::Redo);
        }
    });
    egui::ScrollArea::vertical().id_salt("history-rows").max_height(260.0).auto_shrink([false, true]).show_rows(
        ui,
        ROW_HEIGHT,
        state.entries.len(),
        |ui, rows| {
            for entry in &state.entries[rows] {
                entry_row(ui, entry);
            }
        },
    );
}

fn entry_row(ui: &mut Ui, entry: &HistoryEntry) {
    ui.horizontal(|ui| {
        ui.set_height(ROW_HEIGHT - ui.spacing().item_spacing.y);
        ui.monospace(entry.at.get(..19).unwrap_or(&entry.at).replace('T', " "));
        ui.label(&entry.actor);
        ui.weak(entry.state.as_str());
        let short: String = entry.summary.chars().take(SUMMARY_CHARS).collect();
        let more = if short.len() < entry.summary.len() { "…" } else { "" };
        let summary = egui::RichText::new(format!("{short}{more}"));
        let summary = match entry.state {
            EntryState::Done => summary,
            EntryState::Undone => summary.strikethrough(),
            EntryState::Discarded => summary.strikethrough().weak(),
        };
        ui.add(egui::Label::new(summary).truncate())
            .on_hover_text(format!("#{} {}: {}", entry.id, entry.kind, entry.summary));
    });
}

fn snapshots_ui(ui: &mut Ui, state: &mut HistoryPanel, actions: &mut Vec<Action>) {
    ui.strong("Codebook snapshots");
    ui.horizontal(|ui| {
        let label = ui.label("Snapshot name");
        ui.add(egui::TextEdit::singleline(&mut state.snapshot_name).hint_text("e.g. after team meeting 3"))
            .labelled_by(label.id);
        let ready = !state.snapshot_name.trim().is_empty();
        if ui.add_enabled(ready, egui::Button::new("Take snapshot")).clicked() {
            actions.push(Action::TakeSnapshot(state.snapshot_name.trim().to_owned()));
        }
    });
    if state.snapshots.is_empty() {
        ui.weak("No snapshots yet: name one to keep this version of the codebook to compare with later.");
    }
    for snap in state.snapshots.iter().rev() {
        ui.horizontal(|ui| {
            ui.label(format!("{} · {} · {} codes", snap.name, snap.created_at.get(..16).unwrap_or(""), snap.codes));
            if ui.button(format!("Compare {} with now", snap.name)).clicked() {
                actions.push(Action::DiffSnapshot(snap.name.clone()));
            }
        });
    }
    if let Some(diff) = &state.diff {
        ui.separator();
        diff_ui(ui, diff);
    }
}

fn diff_ui(ui: &mut Ui, diff: &CodebookDiff) {
    ui.strong(format!("From {} to the {}", diff.from, diff.to));
    if diff.is_empty() {
        ui.weak("No differences.");
        return;
    }
    egui::ScrollArea::vertical().id_salt("snapshot-diff").max_height(220.0).show(ui, |ui| {
        let mut lines: Vec<String> = Vec::new();
        lines.extend(diff.added.iter().map(|c| format!("added {} ({} codings)", c.path, c.codings)));
        lines.extend(diff.removed.iter().map(|c| format!("removed {} ({} codings)", c.path, c.codings)));
        lines.extend(diff.renamed.iter().map(|c| format!("renamed {} → {}", c.from_path, c.to_path)));
        lines.extend(diff.moved.iter().map(|c| format!("moved {} → {}", c.from_path, c.to_path)));
        lines.extend(
            diff.merged.iter().map(|m| format!("merged {} into {} ({} codings)", m.from_path, m.into_path, m.codings)),
        );
        lines.extend(
            diff.split.iter().map(|s| format!("split {}: {} codings to {}", s.from_path, s.codings, s.new_path)),
        );
        lines.extend(
            diff.recounted.iter().map(|c| format!("{}: {} → {} codings", c.to_path, c.codings_before, c.codings_after)),
        );
        for line in lines {
            ui.label(line);
        }
    });
}
