//! The search and autocode panel (View > Search, Ctrl+Shift+F): a corpus search by words (the
//! word index; `word*` is a prefix) or by regular expression, with every hit shown
//! keyword-in-context and opening its document when clicked; and "Autocode…": choose a code and
//! a unit, Preview (a dry run on a worker thread) and Apply (one undoable `Autocode` command).

use egui::text::LayoutJob;
use egui::{Color32, Context, FontId, TextFormat, Ui};

use super::action::Action;
use super::workbench::Workbench;
use crate::coding::SpanRef;
use crate::coding::autocode::{Hit, Pattern, Rule, spans_of};
use crate::coding::search::SearchHit;
use crate::coding::units::Unit;
use crate::model::{CodeId, DocumentId};

/// Hits listed at most (the count says how many there are).
const MAX_LISTED: usize = 500;
/// Preview hits listed.
const PREVIEW_LISTED: usize = 20;

/// A finished autocode dry run.
#[derive(Debug, Clone)]
pub struct Preview {
    pub rule: Rule,
    pub unit: Unit,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Default)]
pub struct SearchPanel {
    pub query: String,
    pub regex: bool,
    pub ignore_case: bool,
    /// The last search's hits and what was searched for.
    pub hits: Option<(String, Vec<SearchHit>)>,
    /// What the running search looks for.
    pub searching: String,
    pub code: Option<CodeId>,
    pub unit: Unit,
    pub preview: Option<Preview>,
}

impl SearchPanel {
    pub fn new() -> SearchPanel {
        SearchPanel { ignore_case: true, ..SearchPanel::default() }
    }

    /// The autocode rule for the query: words are whole, case-insensitive words (a trailing `*`
    /// matches a prefix, as in the search); a regular expression is used as typed.
    pub fn rule(&self) -> Option<Rule> {
        let query = self.query.trim();
        if query.is_empty() {
            return None;
        }
        if self.regex {
            return Some(Rule {
                pattern: Pattern::Regex(query.to_owned()),
                ignore_case: self.ignore_case,
                whole_word: false,
            });
        }
        // The search's own parser, so `"waiting list"` is one phrase here as it is there.
        let terms = crate::coding::search::query_terms(query);
        let pattern = if terms.iter().any(|(_, prefix)| *prefix) {
            let alternatives: Vec<String> = terms
                .iter()
                .map(|(words, prefix)| {
                    let phrase = words.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join(r"\s+");
                    if *prefix { format!(r"{phrase}\w*") } else { phrase }
                })
                .collect();
            Pattern::Regex(alternatives.join("|"))
        } else {
            Pattern::Words(terms.iter().map(|(words, _)| words.join(" ")).collect())
        };
        Some(Rule { pattern, ignore_case: true, whole_word: true })
    }

    /// What Apply codes (the rule's description and the spans), when the preview matches the
    /// current query, code and unit.
    fn to_apply(&self) -> Option<(String, Vec<SpanRef>)> {
        let (preview, code) = (self.preview.as_ref()?, self.code?);
        if Some(&preview.rule) != self.rule().as_ref() || preview.unit != self.unit || preview.hits.is_empty() {
            return None;
        }
        Some((preview.rule.describe(preview.unit), spans_of(&preview.hits, code)))
    }
}

pub fn search_ui(
    ctx: &Context,
    panel: &mut Option<SearchPanel>,
    wb: &Workbench,
    busy: bool,
    actions: &mut Vec<Action>,
) {
    let Some(state) = panel.as_mut() else { return };
    let mut open = true;
    super::windows::floating(ctx, "Search and autocode")
        .open(&mut open)
        .default_width(560.0)
        .default_height(560.0)
        .show(ctx, |ui| {
            query_ui(ui, state, busy, actions);
            ui.separator();
            autocode_ui(ui, state, wb, busy, actions);
            ui.separator();
            hits_ui(ui, state, actions);
        });
    if !open {
        *panel = None;
    }
}

fn query_ui(ui: &mut Ui, state: &mut SearchPanel, busy: bool, actions: &mut Vec<Action>) {
    let mut submit = false;
    ui.horizontal(|ui| {
        let label = ui.label("Search for");
        let hint =
            if state.regex { "a regular expression, e.g. wait(ing)? list" } else { "words, e.g. GP surgery, referr*" };
        let edit = ui.add(egui::TextEdit::singleline(&mut state.query).hint_text(hint).desired_width(300.0));
        let edit = edit.labelled_by(label.id);
        submit = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        submit |= ui.add_enabled(!busy, egui::Button::new("Search")).clicked();
    });
    ui.horizontal(|ui| {
        ui.radio_value(&mut state.regex, false, "Words");
        ui.radio_value(&mut state.regex, true, "Regular expression");
        ui.add_enabled_ui(state.regex, |ui| {
            ui.checkbox(&mut state.ignore_case, "Ignore case")
                .on_disabled_hover_text("Word search always ignores case");
        });
    });
    if submit && !busy && !state.query.trim().is_empty() {
        actions.push(Action::Search {
            query: state.query.trim().to_owned(),
            regex: state.regex,
            ignore_case: state.ignore_case,
        });
    }
}

fn autocode_ui(ui: &mut Ui, state: &mut SearchPanel, wb: &Workbench, busy: bool, actions: &mut Vec<Action>) {
    egui::CollapsingHeader::new("Autocode…").default_open(true).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label("Code");
            let chosen = state.code.map(|c| wb.code_path(c)).unwrap_or_else(|| "choose a code".into());
            egui::ComboBox::from_id_salt("autocode-code").selected_text(chosen).width(260.0).show_ui(ui, |ui| {
                if let Some(code) = super::code_picker::code_picker_ui(ui, "autocode", wb, &|_| false) {
                    state.code = Some(code);
                    ui.close();
                }
            });
            ui.label("Unit");
            egui::ComboBox::from_id_salt("autocode-unit").selected_text(state.unit.as_str()).show_ui(ui, |ui| {
                for unit in [Unit::Match, Unit::Sentence, Unit::Paragraph, Unit::Turn] {
                    ui.selectable_value(&mut state.unit, unit, unit.as_str());
                }
            });
        });
        ui.horizontal(|ui| {
            let rule = state.rule();
            if ui.add_enabled(!busy && rule.is_some(), egui::Button::new("Preview")).clicked()
                && let Some(rule) = rule
            {
                actions.push(Action::PreviewAutocode { rule, unit: state.unit });
            }
            let apply = state.to_apply();
            let label = apply
                .as_ref()
                .map_or_else(|| "Apply".to_owned(), |(_, spans)| format!("Apply: code {} spans", spans.len()));
            if ui.add_enabled(!busy && apply.is_some(), egui::Button::new(label)).clicked()
                && let Some((rule, spans)) = apply
            {
                actions.push(Action::Autocode { rule, spans });
            }
        });
        preview_ui(ui, state, actions);
    });
}

fn preview_ui(ui: &mut Ui, state: &SearchPanel, actions: &mut Vec<Action>) {
    let Some(preview) = &state.preview else {
        ui.weak("Preview lists what the rule finds; nothing is coded until you press Apply (Ctrl+Z undoes it).");
        return;
    };
    let documents: std::collections::BTreeSet<DocumentId> = preview.hits.iter().map(|h| h.document_id).collect();
    ui.strong(format!(
        "Preview: {} hits in {} documents ({}), coding each {}",
        preview.hits.len(),
        documents.len(),
        preview.rule.describe(preview.unit),
        preview.unit.as_str()
    ));
    if state.code.is_none() {
        ui.weak("Choose the code to apply.");
    } else if state.to_apply().is_none() && !preview.hits.is_empty() {
        ui.weak("The query or unit changed since the preview: press Preview again.");
    }
    for hit in preview.hits.iter().take(PREVIEW_LISTED) {
        let kwic = Kwic { document: &hit.document, left: &hit.left, matched: &hit.matched, right: &hit.right };
        kwic_row(ui, kwic, Action::JumpTo { document: hit.document_id, start: hit.start, end: hit.end }, actions);
    }
}

fn hits_ui(ui: &mut Ui, state: &SearchPanel, actions: &mut Vec<Action>) {
    let Some((searched, hits)) = &state.hits else {
        ui.weak("Search results appear here; click one to open its document at the hit.");
        return;
    };
    let documents: std::collections::BTreeSet<DocumentId> = hits.iter().map(|h| h.document_id).collect();
    ui.strong(format!("{} hits for {searched} in {} documents", hits.len(), documents.len()));
    if hits.len() > MAX_LISTED {
        ui.weak(format!("The first {MAX_LISTED} are listed."));
    }
    egui::ScrollArea::vertical().id_salt("search-hits").auto_shrink([false, false]).show(ui, |ui| {
        for hit in hits.iter().take(MAX_LISTED) {
            let kwic = Kwic { document: &hit.document, left: &hit.left, matched: &hit.matched, right: &hit.right };
            kwic_row(ui, kwic, Action::JumpTo { document: hit.document_id, start: hit.start, end: hit.end }, actions);
        }
    });
}

/// A hit in context.
struct Kwic<'a> {
    document: &'a str,
    left: &'a str,
    matched: &'a str,
    right: &'a str,
}

/// One hit in context: document name, left context, the match in colour, right context; a click
/// runs `jump`.
fn kwic_row(ui: &mut Ui, kwic: Kwic<'_>, jump: Action, actions: &mut Vec<Action>) {
    let Kwic { document, left, matched, right } = kwic;
    let font = FontId::proportional(13.0);
    let plain = TextFormat { font_id: font.clone(), color: ui.visuals().text_color(), ..Default::default() };
    let weak = TextFormat { color: ui.visuals().weak_text_color(), ..plain.clone() };
    let hot = if ui.visuals().dark_mode { Color32::from_rgb(255, 170, 80) } else { Color32::from_rgb(170, 50, 10) };
    let strong = TextFormat { color: hot, background: ui.visuals().faint_bg_color, ..plain.clone() };
    let mut job = LayoutJob::default();
    job.append(&format!("{document}  "), 0.0, weak.clone());
    job.append(&format!("…{left}"), 0.0, plain.clone());
    job.append(matched, 0.0, strong);
    job.append(&format!("{right}…"), 0.0, plain);
    let response = ui.add(egui::Label::new(job).sense(egui::Sense::click()).truncate());
    if response.on_hover_text("Open the document at this hit").clicked() {
        actions.push(jump);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_phrase_is_one_autocode_phrase_as_in_the_search() {
        let panel = SearchPanel { query: "\"waiting list\", GP".into(), ..SearchPanel::new() };
        let rule = panel.rule().unwrap();
        assert_eq!(rule.pattern, Pattern::Words(vec!["waiting list".into(), "GP".into()]));
        let re = rule.compile().unwrap();
        assert!(re.is_match("a long Waiting  list here"));
        assert!(!re.is_match("\"waiting"), "the quotes are not part of the phrase");
        let prefix = SearchPanel { query: "\"food bank\"* refer*".into(), ..SearchPanel::new() };
        let re = prefix.rule().unwrap().compile().unwrap();
        assert!(re.is_match("food banks") && re.is_match("referral"));
    }
}
