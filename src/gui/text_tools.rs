//! Corpus-wide text tools: Find and replace (Edit > Find and replace…) and Pseudonymise (Edit >
//! Pseudonymise…). Each shows a dry run first — every hit in context with the codings it
//! touches — and applies only what was previewed, as one undoable change. The name table of
//! Pseudonymise lives in this window only; it is loaded from and saved to a CSV outside the
//! project (the map of real names must never be stored in the project).

use std::sync::mpsc::Receiver;

use egui::{Context, RichText, Ui};

use super::action::Action;
use super::workbench::Workbench;
use crate::coding::Command;
use crate::coding::pseudonymise::PseudonymReport;
use crate::coding::text_ops::{EditReport, TextHit};
use crate::error::Result;

/// Hits listed in a preview at most (the counts cover all of them).
const LISTED: usize = 300;

/// A dry run working on another thread.
pub type Pending<T> = Option<Receiver<Result<T>>>;

#[derive(Debug, Default)]
pub struct ReplacePanel {
    pub find: String,
    pub with: String,
    pub regex: bool,
    pub ignore_case: bool,
    pub whole_word: bool,
    /// Only in the open document.
    pub only_open: bool,
    /// The command previewed and what it would do.
    pub preview: Option<(Command, EditReport)>,
    /// The command of the dry run under way.
    pub previewing: Option<Command>,
    pub pending: Pending<EditReport>,
}

impl ReplacePanel {
    /// The `ReplaceText` command the fields describe.
    pub fn command(&self, wb: &Workbench) -> Command {
        let documents = match (&wb.view, self.only_open) {
            (Some(view), true) => vec![view.id],
            _ => Vec::new(),
        };
        Command::ReplaceText {
            find: self.find.clone(),
            regex: self.regex,
            ignore_case: self.ignore_case,
            whole_word: self.whole_word,
            with: self.with.clone(),
            documents,
            kinds: Vec::new(),
        }
    }
}

#[derive(Debug, Default)]
pub struct PseudonymPanel {
    /// (real name, pseudonym) rows as typed.
    pub rows: Vec<(String, String)>,
    /// The rows previewed and what they would change.
    pub preview: Option<(Vec<(String, String)>, PseudonymReport)>,
    /// The rows of the dry run under way.
    pub previewing: Vec<(String, String)>,
    pub pending: Pending<PseudonymReport>,
}

impl PseudonymPanel {
    /// The rows with a real name, trimmed.
    pub fn names(&self) -> Vec<(String, String)> {
        self.rows
            .iter()
            .map(|(r, p)| (r.trim().to_owned(), p.trim().to_owned()))
            .filter(|(r, _)| !r.is_empty())
            .collect()
    }

    /// The real names of the table (what a release copy is scanned for).
    pub fn real_names(&self) -> Vec<String> {
        self.names().into_iter().map(|(r, _)| r).collect()
    }
}

/// Takes a finished dry run's result, if it arrived.
pub fn poll<T>(pending: &mut Pending<T>) -> Option<Result<T>> {
    let result = pending.as_ref()?.try_recv().ok()?;
    *pending = None;
    Some(result)
}

pub fn replace_ui(ctx: &Context, panel: &mut Option<ReplacePanel>, wb: &Workbench, actions: &mut Vec<Action>) {
    let Some(state) = panel.as_mut() else { return };
    let mut open = true;
    super::windows::floating(ctx, "Find and replace").open(&mut open).default_width(560.0).default_height(480.0).show(
        ctx,
        |ui| {
            replace_fields_ui(ui, state, wb);
            let command = state.command(wb);
            ui.horizontal(|ui| {
                let ready = !state.find.is_empty() && state.pending.is_none();
                if ui.add_enabled(ready, egui::Button::new("Preview")).clicked() {
                    actions.push(Action::PreviewReplace);
                }
                let previewed = state.preview.as_ref().is_some_and(|(c, r)| *c == command && r.replacements > 0);
                let apply = ui.add_enabled(previewed, egui::Button::new("Replace all"));
                if apply.on_disabled_hover_text("Preview first: Replace all applies what the preview shows").clicked() {
                    actions.push(Action::Edit(command.clone()));
                }
                if state.pending.is_some() {
                    ui.spinner();
                    ui.weak("Working out the changes…");
                }
            });
            if let Some((previewed, report)) = &state.preview {
                let stale = *previewed != command;
                report_ui(ui, report, stale, actions);
            }
        },
    );
    if !open {
        *panel = None;
    }
}

fn replace_fields_ui(ui: &mut Ui, state: &mut ReplacePanel, wb: &Workbench) {
    egui::Grid::new("replace-fields").num_columns(2).show(ui, |ui| {
        let label = ui.label("Find");
        ui.add(egui::TextEdit::singleline(&mut state.find).desired_width(360.0)).labelled_by(label.id);
        ui.end_row();
        let label = ui.label("Replace with");
        ui.add(egui::TextEdit::singleline(&mut state.with).desired_width(360.0)).labelled_by(label.id);
        ui.end_row();
    });
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut state.whole_word, "Whole words");
        ui.checkbox(&mut state.ignore_case, "Ignore case");
        ui.checkbox(&mut state.regex, "Regular expression ($1 in the replacement)");
        let open_name = wb.view.as_ref().map(|v| v.name.as_str());
        ui.add_enabled_ui(open_name.is_some(), |ui| {
            ui.checkbox(&mut state.only_open, format!("Only in {}", open_name.unwrap_or("the open document")));
        });
    });
}

/// What a dry run found: counts, then each hit in context with the codings it touches (a click
/// opens the document there).
fn report_ui(ui: &mut Ui, report: &EditReport, stale: bool, actions: &mut Vec<Action>) {
    ui.separator();
    if stale {
        ui.colored_label(ui.visuals().warn_fg_color, "The fields changed since this preview; preview again.");
    }
    let touched: usize = report.hits.iter().map(|h| h.codings.len()).sum();
    ui.strong(format!(
        "{} replacements in {} documents; {} codings touched, {} would be removed",
        report.replacements,
        report.documents.len(),
        touched,
        report.removed.len()
    ));
    hits_ui(ui, &report.hits, actions);
}

fn hits_ui(ui: &mut Ui, hits: &[TextHit], actions: &mut Vec<Action>) {
    egui::ScrollArea::vertical().id_salt("text-tool-hits").max_height(300.0).show(ui, |ui| {
        for hit in hits.iter().take(LISTED) {
            hit_ui(ui, hit, actions);
        }
        if hits.len() > LISTED {
            ui.weak(format!("… and {} more", hits.len() - LISTED));
        }
    });
}

fn hit_ui(ui: &mut Ui, hit: &TextHit, actions: &mut Vec<Action>) {
    let mut job = egui::text::LayoutJob::default();
    let plain = egui::TextFormat { color: ui.visuals().text_color(), ..Default::default() };
    let old = egui::TextFormat { strikethrough: egui::Stroke::new(1.0, ui.visuals().warn_fg_color), ..plain.clone() };
    let new = egui::TextFormat { color: ui.visuals().strong_text_color(), ..plain.clone() };
    job.append(&format!("{} · …{}", hit.document, hit.left), 0.0, plain.clone());
    job.append(&hit.matched, 0.0, old);
    job.append(&hit.replacement, 4.0, new);
    job.append(&format!("{}…", hit.right), 0.0, plain);
    let response = ui.add(egui::Label::new(job).sense(egui::Sense::click()));
    if response.on_hover_text("Open the document at this place").clicked() {
        actions.push(Action::JumpTo { document: hit.document_id, start: hit.start, end: hit.end });
    }
    if !hit.codings.is_empty() {
        let codes: std::collections::BTreeSet<&str> = hit.codings.iter().map(|c| c.code.as_str()).collect();
        let codes: Vec<&str> = codes.into_iter().collect();
        ui.weak(format!("    touches codings of {}", codes.join(", ")));
    }
}

pub fn pseudonymise_ui(ctx: &Context, panel: &mut Option<PseudonymPanel>, actions: &mut Vec<Action>) {
    let Some(state) = panel.as_mut() else { return };
    let mut open = true;
    super::windows::floating(ctx, "Pseudonymise").open(&mut open).default_width(600.0).default_height(520.0).show(
        ctx,
        |ui| {
            ui.label(
                "Real names and the pseudonyms that replace them everywhere: texts, document names, speakers, memos, \
             comments, code definitions and attribute values. Whole words, any case, longest names first.",
            );
            ui.weak("The table is kept only in this window: load and save it as a CSV outside the project.");
            names_table_ui(ui, state);
            ui.horizontal(|ui| {
                if ui.button("Load map CSV…").clicked() {
                    actions.push(Action::LoadNameMapDialog);
                }
                if ui.add_enabled(!state.names().is_empty(), egui::Button::new("Save map CSV…")).clicked() {
                    actions.push(Action::SaveNameMapDialog);
                }
                ui.separator();
                let ready = !state.names().is_empty() && state.pending.is_none();
                if ui.add_enabled(ready, egui::Button::new("Preview")).clicked() {
                    actions.push(Action::PreviewPseudonyms);
                }
                let previewed =
                    state.preview.as_ref().is_some_and(|(rows, r)| *rows == state.names() && r.unmatched.is_empty());
                let apply = ui.add_enabled(previewed, egui::Button::new("Pseudonymise the project"));
                if apply
                    .on_disabled_hover_text("Preview first; every name must be found (remove the ones that are not)")
                    .clicked()
                {
                    actions.push(Action::ApplyPseudonyms);
                }
                if state.pending.is_some() {
                    ui.spinner();
                }
            });
            if let Some((rows, report)) = &state.preview {
                pseudonym_report_ui(ui, report, *rows != state.names(), actions);
            }
        },
    );
    if !open {
        *panel = None;
    }
}

fn names_table_ui(ui: &mut Ui, state: &mut PseudonymPanel) {
    if state.rows.last().is_none_or(|(r, p)| !r.is_empty() || !p.is_empty()) {
        state.rows.push((String::new(), String::new()));
    }
    let mut remove = None;
    egui::ScrollArea::vertical().id_salt("pseudonym-rows").max_height(180.0).show(ui, |ui| {
        egui::Grid::new("pseudonym-grid").num_columns(3).striped(true).show(ui, |ui| {
            ui.strong("Real name");
            ui.strong("Pseudonym");
            ui.end_row();
            let last = state.rows.len() - 1;
            for (i, (real, pseudonym)) in state.rows.iter_mut().enumerate() {
                ui.add(egui::TextEdit::singleline(real).hint_text("Rosa Jenkins").desired_width(220.0)).widget_info(
                    || egui::WidgetInfo::labeled(egui::Role::TextInput, true, format!("Real name {}", i + 1)),
                );
                ui.add(egui::TextEdit::singleline(pseudonym).hint_text("LW-A").desired_width(220.0)).widget_info(
                    || egui::WidgetInfo::labeled(egui::Role::TextInput, true, format!("Pseudonym {}", i + 1)),
                );
                if i < last && ui.small_button("Remove").clicked() {
                    remove = Some(i);
                }
                ui.end_row();
            }
        });
    });
    if let Some(i) = remove {
        state.rows.remove(i);
    }
}

fn pseudonym_report_ui(ui: &mut Ui, report: &PseudonymReport, stale: bool, actions: &mut Vec<Action>) {
    ui.separator();
    if stale {
        ui.colored_label(ui.visuals().warn_fg_color, "The table changed since this preview; preview again.");
    }
    for name in &report.names {
        ui.label(format!("{} becomes {}: {} in the texts", name.real, name.pseudonym, name.hits));
    }
    if !report.unmatched.is_empty() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("Found nowhere: {} (check the spelling, or remove them)", report.unmatched.join(", ")),
        );
    }
    if !report.fields.is_empty() {
        ui.label(
            RichText::new(format!("{} names, labels, memos and values outside the texts", report.fields.len()))
                .strong(),
        );
        for field in report.fields.iter().take(20) {
            ui.weak(format!("{}: “{}” becomes “{}”", field.place, field.before, field.after));
        }
    }
    ui.strong(format!("{} replacements in {} documents", report.texts.replacements, report.texts.documents.len()));
    hits_ui(ui, &report.texts.hits, actions);
}
