//! Team > Merge a colleague's copy…: after the `.fieldcode` file is chosen, a dry run of the
//! merge ([`crate::team::merge`] with `dry_run`) on a worker, then a window with what would come
//! in (codings, codes, memos, comments, attribute values), the conflicts and the attribute
//! conflicts. Apply runs the merge for real, on a worker, as one history entry, so Edit > Undo
//! takes all of it back; Cancel changes nothing.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::{Context, Ui};

use super::action::Action;
use super::jobs::{Job, JobResult, Progress};
use crate::Project;
use crate::team::merge::{MergeOptions, MergeReport, merge};

/// The dialog's state: the colleague's file and, once the dry run is done, its report.
#[derive(Debug, Clone, Default)]
pub struct MergeDialog {
    pub other: PathBuf,
    /// The dry run's report; `None` while it runs.
    pub report: Option<MergeReport>,
    /// The real merge runs.
    pub applying: bool,
    /// Why the dry run failed.
    pub error: Option<String>,
}

impl MergeDialog {
    pub fn new(other: PathBuf) -> MergeDialog {
        MergeDialog { other, ..MergeDialog::default() }
    }
}

/// The merge (a dry run, or the real one as `actor`) as a job on a second connection.
pub fn merge_job(
    project: PathBuf,
    other: PathBuf,
    dry_run: bool,
    actor: String,
) -> impl FnOnce(&Mutex<Progress>, &AtomicBool) -> JobResult + Send + 'static {
    move |progress, cancel| {
        if let Ok(mut p) = progress.lock() {
            let verb = if dry_run { "Comparing" } else { "Merging" };
            *p = Progress { fraction: None, message: format!("{verb} {}", other.display()) };
        }
        let result = Project::open(&project)
            .and_then(|mut project| merge(&mut project, &other, &MergeOptions { dry_run, actor: actor.clone() }));
        if dry_run && cancel.load(Ordering::Relaxed) {
            return JobResult::Cancelled("Merge preview cancelled; nothing was changed.".into());
        }
        if dry_run { JobResult::MergePreviewed(other, result) } else { JobResult::Merged(result) }
    }
}

/// Draws the dialog while `dialog` is set.
pub fn merge_ui(ctx: &Context, dialog: &mut Option<MergeDialog>, job: Option<&Job>, actions: &mut Vec<Action>) {
    let Some(state) = dialog.as_mut() else { return };
    let mut open = true;
    let mut close = false;
    super::windows::floating(ctx, "Merge a colleague's copy")
        .id(egui::Id::unique("merge-dialog"))
        .open(&mut open)
        .default_width(640.0)
        .show(ctx, |ui| {
            ui.weak(state.other.display().to_string());
            if let Some(error) = &state.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
                if ui.button("Close").clicked() {
                    close = true;
                }
                return;
            }
            let Some(report) = &state.report else {
                ui.label("Working out what the merge would bring in…");
                ui.spinner();
                if job.is_some() && ui.button("Cancel").clicked() {
                    close = true;
                }
                return;
            };
            report_ui(ui, report);
            ui.separator();
            if state.applying {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Merging…");
                });
                return;
            }
            ui.label("Applying is one change: Edit > Undo takes the whole merge back.");
            ui.horizontal(|ui| {
                if ui.button("Apply the merge").clicked() {
                    actions.push(Action::ApplyMerge(state.other.clone()));
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
    if close || !open {
        if job.is_some() && state.report.is_none() {
            actions.push(Action::CancelJob);
        }
        *dialog = None;
    }
}

/// The codings carried onto documents this project edited differently whose words changed, and
/// those not brought in because their whole text was deleted here: one row each, so they can be
/// checked after the merge.
fn realigned_ui(ui: &mut Ui, report: &MergeReport) {
    let lists = [
        ("merge-changed-codings", "coding(s) whose text changed", &report.changed_codings, "Here"),
        ("merge-dropped-codings", "coding(s) not brought in: their text was deleted here", &report.dropped_codings, ""),
    ];
    for (id, title, list, here) in lists {
        if list.is_empty() {
            continue;
        }
        ui.collapsing(format!("{} {title}", list.len()), |ui| {
            egui::ScrollArea::vertical().id_salt(id).max_height(220.0).show(ui, |ui| {
                egui::Grid::new(id).num_columns(if here.is_empty() { 4 } else { 5 }).striped(true).show(ui, |ui| {
                    for header in
                        ["Document", "Code", "Coder", "There"].into_iter().chain((!here.is_empty()).then_some(here))
                    {
                        ui.strong(header);
                    }
                    ui.end_row();
                    for c in list {
                        ui.label(&c.document);
                        ui.label(&c.code);
                        ui.label(&c.coder);
                        ui.label(format!("“{}”", c.old_text));
                        if !here.is_empty() {
                            ui.label(format!("“{}”", c.new_text));
                        }
                        ui.end_row();
                    }
                });
            });
        });
    }
}

/// What would come in, then the conflicts.
fn report_ui(ui: &mut Ui, report: &MergeReport) {
    if report.previous_merges > 0 {
        ui.label(format!("This copy was merged in {} time(s) before; nothing is added twice.", report.previous_merges));
    }
    ui.strong("What comes in");
    egui::Grid::new("merge-in").num_columns(2).striped(true).show(ui, |ui| {
        let mut row = |what: &str, text: String| {
            ui.label(what);
            ui.label(text);
            ui.end_row();
        };
        row("Codings", format!("{} new ({} already here)", report.codings_added, report.codings_already_present));
        row("Codes", format!("{} new, {} matched", report.codes_created.len(), report.codes_matched));
        row("Memos", format!("{} new ({} already here)", report.memos_added, report.memos_already_present));
        row("Comments", format!("{} new", report.comments_added));
        row(
            "Attribute values",
            format!("{} new ({} already here)", report.attribute_values_added, report.attribute_values_already_present),
        );
        row(
            "Documents",
            format!(
                "{} matched by content, {} not in this project",
                report.documents_matched,
                report.documents_missing.len()
            ),
        );
        if !report.coders_created.is_empty() {
            row("New coders", report.coders_created.join(", "));
        }
        if report.documents_realigned > 0 {
            row(
                "Edited documents",
                format!(
                    "{} edited differently here: {} coding(s) carried onto this text",
                    report.documents_realigned, report.realigned_codings
                ),
            );
        }
    });
    realigned_ui(ui, report);
    if !report.codes_created.is_empty() {
        ui.collapsing(format!("{} new code(s)", report.codes_created.len()), |ui| {
            for path in &report.codes_created {
                ui.label(path);
            }
        });
    }
    let conflicts = report.code_conflicts.len() + report.documents_missing.len() + report.codings_out_of_range.len();
    ui.strong(format!("Conflicts: {conflicts}"));
    for c in &report.code_conflicts {
        ui.label(format!("Code {:?} here is {:?} there; ours is kept.", c.here, c.there));
    }
    for d in &report.documents_missing {
        ui.label(format!(
            "Document {:?} is not in this project: its {} coding(s) are skipped (import it, then merge again).",
            d.name, d.codings
        ));
    }
    for b in &report.codings_out_of_range {
        ui.label(format!(
            "A coding of {} by {} at {}–{} lies outside {:?} ({} characters); skipped.",
            b.code, b.coder, b.start, b.end, b.document, b.length
        ));
    }
    ui.strong(format!("Attribute conflicts: {}", report.attribute_conflicts.len()));
    if !report.attribute_conflicts.is_empty() {
        egui::Grid::new("merge-attribute-conflicts").num_columns(4).striped(true).show(ui, |ui| {
            for header in ["Of", "Attribute", "Here (kept)", "There"] {
                ui.strong(header);
            }
            ui.end_row();
            for c in &report.attribute_conflicts {
                ui.label(format!("{} {}", c.scope, c.owner));
                ui.label(&c.attribute);
                ui.label(&c.here);
                ui.label(&c.there);
                ui.end_row();
            }
        });
    }
    if report.memos_without_target > 0 {
        ui.label(format!(
            "{} memo(s) skipped: what they annotate is not in this project.",
            report.memos_without_target
        ));
    }
}
