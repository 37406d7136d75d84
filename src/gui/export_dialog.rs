//! File > Export > Excerpts…: a window that chooses the format and the same filters as
//! `fieldcode excerpts` (codes with their sub-codes, one coder or all, attribute=value rows) and
//! says how many excerpts the choice will write before anything is written. The count runs on a
//! thread with its own read-only connection whenever the filter (or the project) changes, so a
//! large project never freezes the window; Export… asks where to save and the app writes the
//! file on a worker with the library's `export::excerpts::export`, exactly as the command does.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::{Context, Ui};

use super::action::Action;
use super::workbench::Workbench;
use crate::Project;
use crate::error::Result;
use crate::export::excerpt_rows::ExcerptReader;
use crate::export::excerpts::{ExcerptFilter, ExcerptFormat};
use crate::store::{attributes, coders};

/// What the dialog will export: the format and the filter of `fieldcode excerpts`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExcerptChoice {
    pub format: ExcerptFormat,
    /// Code paths; each includes its sub-codes. Empty: every code.
    pub codes: Vec<String>,
    /// (attribute, value) rows; rows with an empty part are left out of the filter.
    pub wheres: Vec<(String, String)>,
    /// One coder's codings, or every coder's.
    pub coder: Option<String>,
    /// Start a CSV with a UTF-8 byte-order mark (for Excel), as `--bom`.
    pub bom: bool,
}

impl Default for ExcerptChoice {
    fn default() -> ExcerptChoice {
        ExcerptChoice { format: ExcerptFormat::Csv, codes: Vec::new(), wheres: Vec::new(), coder: None, bom: false }
    }
}

impl ExcerptChoice {
    /// The library filter this choice stands for (the same one the command line builds).
    pub fn filter(&self) -> ExcerptFilter {
        let wheres = self
            .wheres
            .iter()
            .filter(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty())
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        ExcerptFilter { codes: self.codes.clone(), wheres, coder: self.coder.clone(), ..Default::default() }
    }
}

/// The human name of a format, for the dialog.
pub fn format_label(format: ExcerptFormat) -> &'static str {
    match format {
        ExcerptFormat::Csv => "CSV",
        ExcerptFormat::Xlsx => "Excel (.xlsx)",
        ExcerptFormat::Html => "HTML",
        ExcerptFormat::Md => "Markdown",
        ExcerptFormat::Docx => "Word (.docx)",
    }
}

/// What a count was made for: the filter and the project's change counter.
type CountKey = (Vec<String>, Vec<(String, String)>, Option<String>, u64);

/// The dialog's state while it is open.
pub struct ExcerptsDraft {
    pub choice: ExcerptChoice,
    /// The project the dialog reads (it closes when another one is shown).
    project: std::path::PathBuf,
    /// Every attribute with the values it takes, for the filter rows.
    attributes: Vec<(String, Vec<String>)>,
    coders: Vec<String>,
    /// Typed into "Find a code": narrows the checklist.
    code_filter: String,
    /// The last finished count and what it was for.
    pub count: Option<(CountKey, std::result::Result<usize, String>)>,
    counting: Option<(CountKey, Receiver<std::result::Result<usize, String>>)>,
}

impl ExcerptsDraft {
    /// A dialog over the open project: every code, every coder, every attribute.
    pub fn new(project: &Project) -> Result<ExcerptsDraft> {
        let conn = project.conn();
        let mut values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (name, _) in attributes::names(conn)? {
            values.entry(name).or_default();
        }
        let documents = attributes::document_values(conn)?.into_values();
        let people = attributes::participant_values(conn)?.into_values();
        for (name, value) in documents.chain(people).flatten() {
            if !value.trim().is_empty() {
                values.entry(name).or_default().insert(value);
            }
        }
        Ok(ExcerptsDraft {
            choice: ExcerptChoice::default(),
            project: project.path().to_path_buf(),
            attributes: values.into_iter().map(|(k, v)| (k, v.into_iter().collect())).collect(),
            coders: coders::list(conn)?.into_iter().map(|(_, name)| name).collect(),
            code_filter: String::new(),
            count: None,
            counting: None,
        })
    }

    /// True while a count runs.
    pub fn is_counting(&self) -> bool {
        self.counting.is_some()
    }

    /// The finished count of the current choice, if there is one.
    pub fn current_count(&self, project: &Project) -> Option<&std::result::Result<usize, String>> {
        let key = self.key(project);
        self.count.as_ref().filter(|(k, _)| *k == key).map(|(_, c)| c)
    }

    fn key(&self, project: &Project) -> CountKey {
        let f = self.choice.filter();
        (f.codes, f.wheres, f.coder, project.conn().total_changes())
    }

    /// Takes a finished count and starts one for the current choice when it has none: on a
    /// thread with its own read-only connection, or here for a project that is not in a file.
    pub fn refresh(&mut self, project: &Project, wake: impl Fn() + Send + 'static) {
        if let Some((key, rx)) = &self.counting {
            let result = match rx.try_recv() {
                Ok(result) => result,
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => Err("the count stopped unexpectedly".to_owned()),
            };
            self.count = Some((key.clone(), result));
            self.counting = None;
        }
        let key = self.key(project);
        if self.count.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let filter = self.choice.filter();
        let path = project.path().to_path_buf();
        if !path.is_file() {
            self.count = Some((key, count(project, &filter).map_err(|e| e.to_string())));
            return;
        }
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let counted = Project::open_to_read(&path).and_then(|p| count(&p, &filter));
            let _ = tx.send(counted.map_err(|e| e.to_string()));
            wake();
        });
        self.counting = Some((key, rx));
    }

    /// Ticks or unticks a code; a ticked code's sub-codes are included with it, so they leave
    /// the list. The list keeps codebook order.
    fn toggle(&mut self, wb: &Workbench, path: &str) {
        if let Some(i) = self.choice.codes.iter().position(|p| p == path) {
            self.choice.codes.remove(i);
        } else {
            let prefix = format!("{path}/");
            self.choice.codes.retain(|p| !p.starts_with(&prefix));
            self.choice.codes.push(path.to_owned());
        }
        let order: BTreeMap<&str, usize> = wb.codes.iter().enumerate().map(|(i, c)| (c.path.as_str(), i)).collect();
        self.choice.codes.sort_by_key(|p| order.get(p.as_str()).copied().unwrap_or(usize::MAX));
    }

    /// The ticked code that includes `path` (itself or an ancestor).
    fn included_by(&self, path: &str) -> Option<&str> {
        self.choice
            .codes
            .iter()
            .find(|p| path == p.as_str() || path.strip_prefix(p.as_str()).is_some_and(|rest| rest.starts_with('/')))
            .map(String::as_str)
    }
}

/// How many excerpts `filter` selects, read as the export reads them.
pub fn count(project: &Project, filter: &ExcerptFilter) -> Result<usize> {
    let _snapshot = project.conn().unchecked_transaction()?;
    Ok(ExcerptReader::new(project, filter)?.counts()?.values().sum())
}

/// Draws the dialog while `draft` is set; Export… asks where to save, Close closes it.
pub fn excerpts_ui(ctx: &Context, draft: &mut Option<ExcerptsDraft>, wb: &Workbench, actions: &mut Vec<Action>) {
    let Some(state) = draft.as_mut() else { return };
    if state.project != wb.project.path() {
        *draft = None;
        return;
    }
    let waker = ctx.clone();
    state.refresh(&wb.project, move || waker.request_repaint());
    let mut open = true;
    let mut close = false;
    super::windows::floating(ctx, "Export excerpts")
        .id(egui::Id::unique("export-excerpts-dialog"))
        .open(&mut open)
        .collapsible(false)
        .default_width(540.0)
        .default_pos(ctx.content_rect().center() - egui::vec2(270.0, 300.0))
        .show(ctx, |ui| {
            format_row(ui, &mut state.choice);
            ui.add_space(6.0);
            codes_section(ui, state, wb);
            ui.add_space(6.0);
            coder_row(ui, state);
            ui.add_space(6.0);
            wheres_section(ui, state);
            ui.separator();
            close = footer(ui, state, wb, actions);
        });
    if !open || close {
        *draft = None;
    }
}

fn format_row(ui: &mut Ui, choice: &mut ExcerptChoice) {
    ui.horizontal_wrapped(|ui| {
        ui.strong("Format");
        for format in ExcerptFormat::ALL {
            ui.radio_value(&mut choice.format, format, format_label(format));
        }
    });
    // Greyed out rather than hidden for the other formats, so the rows below never move.
    let csv = choice.format == ExcerptFormat::Csv;
    ui.add_enabled(csv, egui::Checkbox::new(&mut choice.bom, "CSV: start with a byte-order mark (for Excel)"));
}

fn codes_section(ui: &mut Ui, state: &mut ExcerptsDraft, wb: &Workbench) {
    ui.horizontal(|ui| {
        ui.strong("Codes");
        let shown = match state.choice.codes.len() {
            0 => "every code".to_owned(),
            1 => "1 code with its sub-codes".to_owned(),
            n => format!("{n} codes with their sub-codes"),
        };
        ui.weak(shown);
        if !state.choice.codes.is_empty() && ui.small_button("Clear").clicked() {
            state.choice.codes.clear();
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Find a code");
        ui.add(egui::TextEdit::singleline(&mut state.code_filter).hint_text("part of its name").desired_width(220.0))
            .labelled_by(label.id);
    });
    let needle = state.code_filter.trim().to_lowercase();
    let mut clicked = None;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        egui::ScrollArea::vertical().id_salt("export-codes").max_height(200.0).auto_shrink([false, true]).show(
            ui,
            |ui| {
                let mut shown = 0;
                for code in &wb.codes {
                    if !needle.is_empty() && !code.path.to_lowercase().contains(&needle) {
                        continue;
                    }
                    shown += 1;
                    let included = state.included_by(&code.path);
                    let by_parent = included.is_some_and(|p| p != code.path);
                    let mut ticked = included.is_some();
                    ui.horizontal(|ui| {
                        if needle.is_empty() {
                            ui.add_space(18.0 * code.depth as f32);
                        }
                        let label = if needle.is_empty() { code.name.as_str() } else { code.path.as_str() };
                        let response = ui.add_enabled(!by_parent, egui::Checkbox::new(&mut ticked, label));
                        if response.clicked() {
                            clicked = Some(code.path.clone());
                        }
                        if by_parent {
                            ui.weak("with its theme");
                        }
                    });
                }
                if shown == 0 {
                    ui.weak("No code matches.");
                }
            },
        );
    });
    if let Some(path) = clicked {
        state.toggle(wb, &path);
    }
}

fn coder_row(ui: &mut Ui, state: &mut ExcerptsDraft) {
    ui.horizontal(|ui| {
        ui.strong("Coder");
        let shown = state.choice.coder.clone().unwrap_or_else(|| "all coders".into());
        egui::ComboBox::from_id_salt("export-coder").selected_text(shown).width(200.0).show_ui(ui, |ui| {
            ui.selectable_value(&mut state.choice.coder, None, "all coders");
            for name in &state.coders {
                ui.selectable_value(&mut state.choice.coder, Some(name.clone()), name);
            }
        });
    });
}

fn wheres_section(ui: &mut Ui, state: &mut ExcerptsDraft) {
    ui.horizontal(|ui| {
        ui.strong("Attributes");
        ui.weak("values of one attribute are alternatives; different attributes must all match");
    });
    let mut remove = None;
    for (i, (name, value)) in state.choice.wheres.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            let names = state.attributes.iter().map(|(n, _)| n.as_str());
            pick(ui, ("export-where-name", i), name, "choose an attribute", names, 180.0);
            ui.label("=");
            let values = state.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice()).unwrap_or(&[]);
            if !value.is_empty() && !values.contains(value) {
                value.clear();
            }
            pick(ui, ("export-where-value", i), value, "choose a value", values.iter().map(String::as_str), 200.0);
            if ui.small_button("Remove").on_hover_text("Remove this filter").clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        state.choice.wheres.remove(i);
    }
    if state.attributes.is_empty() {
        ui.weak("The project has no attributes to filter by.");
    } else if ui.button("Add a filter").clicked() {
        state.choice.wheres.push((String::new(), String::new()));
    }
}

/// A combo box choosing one of `options` into `value`, showing `empty` while none is chosen.
fn pick<'a>(
    ui: &mut Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    value: &mut String,
    empty: &str,
    options: impl Iterator<Item = &'a str>,
    width: f32,
) {
    let shown = if value.is_empty() { empty.to_owned() } else { value.clone() };
    egui::ComboBox::from_id_salt(salt).selected_text(shown).width(width).show_ui(ui, |ui| {
        for option in options {
            if ui.selectable_label(value == option, option).clicked() {
                *value = option.to_owned();
            }
        }
    });
}

/// The count and the buttons; returns true when the dialog should close.
fn footer(ui: &mut Ui, state: &ExcerptsDraft, wb: &Workbench, actions: &mut Vec<Action>) -> bool {
    let count = state.current_count(&wb.project);
    ui.horizontal(|ui| match count {
        None => {
            ui.spinner();
            ui.label("Counting the excerpts…");
        }
        Some(Ok(1)) => {
            ui.strong("1 excerpt will be written.");
        }
        Some(Ok(n)) => {
            ui.strong(format!("{n} excerpts will be written."));
        }
        Some(Err(err)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("Cannot export with this filter: {err}"));
        }
    });
    let mut close = false;
    ui.horizontal(|ui| {
        let ready = matches!(count, Some(Ok(_)));
        if ui.add_enabled(ready, egui::Button::new("Export…")).clicked() {
            actions.push(Action::AskExportExcerpts(state.choice.clone()));
        }
        if ui.button("Close").clicked() {
            close = true;
        }
    });
    close
}
