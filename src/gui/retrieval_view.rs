//! The coded-segments view in the centre of the window: everything coded with a code (or with
//! several, any or all of them), filtered by document, kind, attribute value, coder and coding
//! date, each segment with its document, speaker and role, time, coders, memo marker and whole
//! text, expandable to its turn or paragraph. Up/Down move the current segment, Enter (or a
//! click) opens it in its document with the span selected. The list is virtual: only the rows on
//! screen are laid out, so 10,000 segments scroll as smoothly as ten. The state and the query
//! live in `retrieval_state`.

use egui::{Color32, Key, Modifiers, RichText, Sense, TextStyle, Ui, vec2};

use super::action::Action;
use super::code_picker::code_picker_ui;
use super::retrieval_state::{RetrievalState, valid_date};
use super::workbench::Workbench;
use crate::analysis::retrieval::{Combine, Segment, SortBy};
use crate::model::DocumentKind;

/// Space between rows.
const ROW_GAP: f32 = 6.0;

pub fn retrieval_ui(ui: &mut Ui, state: &mut RetrievalState, wb: &Workbench, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.heading("Coded segments");
        if ui.button("Back to the document").clicked() {
            actions.push(Action::ShowDocument);
        }
    });
    codes_ui(ui, state, wb);
    filters_ui(ui, state, wb);
    coders_ui(ui, state, actions);
    ui.separator();
    count_ui(ui, state);
    keys(ui, state, actions);
    list_ui(ui, state, wb, actions);
}

fn codes_ui(ui: &mut Ui, state: &mut RetrievalState, wb: &Workbench) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Codes");
        let mut remove = None;
        for (i, code) in state.choice.codes.iter().enumerate() {
            chip(ui, wb.code_color(*code));
            ui.label(wb.code_path(*code));
            if ui.small_button("×").on_hover_text("Leave this code out").clicked() {
                remove = Some(i);
            }
        }
        if let Some(i) = remove {
            state.choice.codes.remove(i);
        }
        let ask = if state.choice.codes.is_empty() { "Choose a code…" } else { "Add a code…" };
        ui.menu_button(ask, |ui| {
            let chosen = state.choice.codes.clone();
            if let Some(code) = code_picker_ui(ui, "retrieval-codes", wb, &|c| chosen.contains(&c)) {
                state.choice.codes.push(code);
                ui.close();
            }
        });
        if state.choice.codes.len() > 1 {
            ui.radio_value(&mut state.choice.combine, Combine::Any, "any of them (OR)")
                .on_hover_text("Every segment coded with one of the codes");
            ui.radio_value(&mut state.choice.combine, Combine::All, "all of them (AND)")
                .on_hover_text("The text every one of the codes covers: where their codings overlap");
        }
        ui.checkbox(&mut state.choice.subcodes, "with sub-codes");
    });
}

fn filters_ui(ui: &mut Ui, state: &mut RetrievalState, wb: &Workbench) {
    ui.horizontal_wrapped(|ui| {
        let c = &mut state.choice;
        let shown = c.document.clone().unwrap_or_else(|| "any document".into());
        ui.menu_button(format!("Document: {shown}"), |ui| {
            egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                pick(ui, &mut c.document, None, "any document");
                for d in &wb.documents {
                    pick(ui, &mut c.document, Some(d.name.clone()), &d.name);
                }
            });
        });
        let shown = c.kind.map_or("any kind", DocumentKind::as_str);
        ui.menu_button(format!("Kind: {shown}"), |ui| {
            pick(ui, &mut c.kind, None, "any kind");
            let mut kinds: Vec<DocumentKind> = wb.documents.iter().map(|d| d.kind).collect();
            kinds.sort_by_key(|k| k.as_str());
            kinds.dedup();
            for kind in kinds {
                pick(ui, &mut c.kind, Some(kind), kind.as_str());
            }
        });
        let shown = c.attribute.as_ref().map_or("any".to_owned(), |(a, v)| format!("{a} = {v}"));
        ui.menu_button(format!("Attribute: {shown}"), |ui| {
            pick(ui, &mut c.attribute, None, "any attribute");
            let pairs = attribute_values(wb);
            let mut names: Vec<&String> = pairs.iter().map(|(name, _)| name).collect();
            names.dedup();
            for name in names {
                ui.menu_button(name.as_str(), |ui| {
                    egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                        for (_, value) in pairs.iter().filter(|(n, _)| n == name) {
                            let label = format!("{name} = {value}");
                            pick(ui, &mut c.attribute, Some((name.clone(), value.clone())), &label);
                        }
                    });
                });
            }
        });
        date_ui(ui, "Coded from", &mut c.from);
        date_ui(ui, "to", &mut c.to);
    });
}

/// A selectable entry of a filter menu; choosing it closes the menu.
fn pick<T: PartialEq>(ui: &mut Ui, current: &mut T, value: T, label: &str) {
    if ui.selectable_label(*current == value, label).clicked() {
        *current = value;
        ui.close();
    }
}

/// Every (attribute, value) of documents and speakers, sorted, once each.
fn attribute_values(wb: &Workbench) -> Vec<(String, String)> {
    let documents = wb.documents.iter().map(|d| &d.attributes);
    let speakers = wb.participants.iter().map(|p| &p.attributes);
    let mut pairs: Vec<(String, String)> = documents
        .chain(speakers)
        .flat_map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())))
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
    pairs.sort();
    pairs.dedup();
    pairs
}

fn date_ui(ui: &mut Ui, label: &str, text: &mut String) {
    let label = ui.label(label);
    let bad = !text.trim().is_empty() && valid_date(text).is_none();
    let edit = egui::TextEdit::singleline(text).hint_text("YYYY-MM-DD").desired_width(90.0);
    let edit = ui.add(edit).labelled_by(label.id);
    if bad {
        edit.on_hover_text("Type a date as YYYY-MM-DD; until then it is not applied.");
        ui.colored_label(ui.visuals().warn_fg_color, "not a date");
    }
}

fn coders_ui(ui: &mut Ui, state: &mut RetrievalState, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Coders");
        for name in &state.coders {
            let mut shown = !state.choice.hidden_coders.contains(name);
            if ui.checkbox(&mut shown, name).changed() {
                if shown {
                    state.choice.hidden_coders.remove(name);
                } else {
                    state.choice.hidden_coders.insert(name.clone());
                }
            }
        }
        ui.checkbox(&mut state.choice.per_coder, "each coder's coding apart")
            .on_hover_text("Identical spans coded by several coders are otherwise listed once, with every name");
        ui.separator();
        ui.label("Sort by");
        for by in SortBy::ALL {
            ui.selectable_value(&mut state.sort, by, by.label());
        }
        ui.separator();
        let export = ui.add_enabled(!state.segments.is_empty(), egui::Button::new("Export what is shown…"));
        if export.on_hover_text("CSV, Excel, HTML, Markdown or Word, by the file's extension").clicked() {
            actions.push(Action::ExportSegmentsDialog);
        }
    });
}

fn count_ui(ui: &mut Ui, state: &RetrievalState) {
    if let Some(err) = &state.error {
        ui.colored_label(ui.visuals().error_fg_color, err);
        return;
    }
    if state.choice.codes.is_empty() {
        ui.weak("Choose a code above (or use a code's menu in the codebook: Show coded segments).");
        return;
    }
    if state.all_coders_hidden() {
        ui.weak("Every coder is hidden: tick one above.");
        return;
    }
    let n = state.segments.len();
    let docs = state.document_count();
    let text = format!("{n} segment{} in {docs} document{}", plural(n), plural(docs));
    ui.label(RichText::new(text).strong());
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Up/Down move the current segment and Enter opens it, unless a text box has the keys.
fn keys(ui: &mut Ui, state: &mut RetrievalState, actions: &mut Vec<Action>) {
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let (down, up, enter) = ui.input_mut(|i| {
        (
            i.consume_key(Modifiers::NONE, Key::ArrowDown),
            i.consume_key(Modifiers::NONE, Key::ArrowUp),
            i.consume_key(Modifiers::NONE, Key::Enter),
        )
    });
    if down {
        state.step(1);
    }
    if up {
        state.step(-1);
    }
    if enter && let Some(s) = state.current_segment() {
        actions.push(jump(s));
    }
}

fn jump(s: &Segment) -> Action {
    Action::JumpTo { document: s.document_id, start: s.start, end: s.end }
}

/// What the user did to one row.
#[derive(Default)]
struct RowEvents {
    open: bool,
    toggle: bool,
    play: bool,
}

fn list_ui(ui: &mut Ui, state: &mut RetrievalState, wb: &Workbench, actions: &mut Vec<Action>) {
    let mut area = egui::ScrollArea::vertical().id_salt("segments").auto_shrink([false, false]);
    if std::mem::take(&mut state.reveal)
        && let Some(at) = state.current
    {
        let (top, bottom) = (state.heights.top(at), state.heights.top(at + 1));
        let (seen_top, seen_bottom) = state.viewport;
        if top < seen_top {
            area = area.vertical_scroll_offset(top);
        } else if bottom > seen_bottom {
            area = area.vertical_scroll_offset((bottom - (seen_bottom - seen_top)).max(0.0));
        }
    }
    let mut events: Option<(usize, RowEvents)> = None;
    let choice = &state.choice;
    let show_code =
        choice.codes.len() > 1 || (choice.subcodes && choice.codes.iter().any(|c| wb.subtree(*c).len() > 1));
    area.show_viewport(ui, |ui, viewport| {
        state.viewport = (viewport.min.y, viewport.max.y);
        let width = ui.available_width();
        let row_h = ui.text_style_height(&TextStyle::Body);
        let per_line = (width / (row_h * 0.45)).max(10.0);
        let lines = |chars: usize| (chars as f32 / per_line).ceil().max(1.0);
        let estimate = state.order.iter().map(|&i| {
            let s = &state.segments[i];
            let context = match state.expanded.get(&i) {
                Some(Some(text)) => lines(text.chars().count()) * row_h,
                Some(None) => row_h,
                None => 0.0,
            };
            (2.0 + lines(s.len())) * row_h + context + 28.0 + ROW_GAP
        });
        state.heights.prepare(width, estimate);
        let origin = ui.max_rect().min;
        ui.set_height(state.heights.total());
        let mut at = state.heights.index_at(viewport.min.y);
        while at < state.order.len() && state.heights.top(at) < viewport.max.y {
            let index = state.order[at];
            let Some(segment) = state.segments.get(index) else { break };
            let top = origin + vec2(0.0, state.heights.top(at));
            let rect = egui::Rect::from_min_size(top, vec2(width, f32::INFINITY));
            let look = RowLook { current: state.current == Some(at), show_code };
            let context = state.expanded.get(&index);
            let drawn =
                ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| row_ui(ui, segment, look, context, wb));
            state.heights.measure(at, drawn.response.rect.height() + ROW_GAP);
            let row = drawn.inner;
            if row.open || row.toggle || row.play {
                events = Some((at, row));
            }
            at += 1;
        }
        if state.heights.settle() {
            ui.ctx().request_repaint();
        }
    });
    let Some((at, row)) = events else { return };
    state.current = Some(at);
    let Some(&index) = state.order.get(at) else { return };
    if row.toggle {
        state.toggle_context(index);
    }
    if row.open
        && let Some(s) = state.segments.get(index)
    {
        actions.push(jump(s));
    }
    if row.play
        && let Some(s) = state.segments.get(index)
    {
        actions.push(Action::PlaySpan { document: s.document_id, start: s.start, end: s.end });
    }
}

/// A row's place in the list: whether it is the current one, and whether rows name their code
/// (when the query covers several).
#[derive(Clone, Copy)]
struct RowLook {
    current: bool,
    show_code: bool,
}

fn row_ui(ui: &mut Ui, s: &Segment, look: RowLook, context: Option<&Option<String>>, wb: &Workbench) -> RowEvents {
    let RowLook { current, show_code } = look;
    let mut events = RowEvents::default();
    let mut frame = egui::Frame::group(ui.style()).inner_margin(6.0);
    if current {
        frame = frame.fill(ui.visuals().selection.bg_fill.gamma_multiply(0.35));
    }
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            for code in &s.codes {
                chip(ui, wb.code_color(*code));
            }
            ui.strong(&s.document);
            match (&s.speaker, &s.role) {
                (Some(who), Some(role)) => _ = ui.label(format!("{who} ({role})")),
                (Some(who), None) => _ = ui.label(who),
                _ => {}
            }
            if let Some(time) = s.start_time.as_ref().or(s.timestamp.as_ref()) {
                ui.weak(time);
            }
            ui.weak(format!("coded by {}", s.coders.join(", ")));
            if show_code {
                ui.weak(&s.code);
            }
            if s.has_memo() {
                ui.label(RichText::new("memo").color(ui.visuals().warn_fg_color).strong()).on_hover_text(&s.memo);
            }
        });
        let text = ui.add(egui::Label::new(&s.text).wrap().sense(Sense::click()));
        if text.on_hover_text("Click, or press Enter, to open it in its document").clicked() {
            events.open = true;
        }
        ui.horizontal(|ui| {
            let label = if context.is_some() { "Hide context" } else { "Show context" };
            if ui.small_button(label).on_hover_text("The turn or paragraph around it").clicked() {
                events.toggle = true;
            }
            if ui.small_button("Open in document").clicked() {
                events.open = true;
            }
            if wb.media_documents.contains(&s.document_id)
                && ui.small_button("▶ Play").on_hover_text("Hear this passage in the recording").clicked()
            {
                events.play = true;
            }
            ui.weak(format!("characters {}–{}", s.start, s.end));
        });
        match context {
            Some(Some(text)) => context_ui(ui, s, text),
            Some(None) => _ = ui.weak("Reading…"),
            None => {}
        }
    });
    events
}

/// The turn or paragraph with the segment in it emphasised.
fn context_ui(ui: &mut Ui, s: &Segment, text: &str) {
    let from = s.start.saturating_sub(s.context.start);
    let to = s.end.saturating_sub(s.context.start);
    let byte = |n: usize| text.char_indices().nth(n).map_or(text.len(), |(b, _)| b);
    let (a, b) = (byte(from), byte(to));
    let weak = ui.visuals().weak_text_color();
    let strong = ui.visuals().strong_text_color();
    let font = TextStyle::Body.resolve(ui.style());
    let mut job = egui::text::LayoutJob::default();
    let plain = egui::TextFormat { font_id: font.clone(), color: weak, ..Default::default() };
    let marked = egui::TextFormat {
        font_id: font,
        color: strong,
        underline: egui::Stroke::new(1.0, strong),
        ..Default::default()
    };
    job.append(&text[..a], 0.0, plain.clone());
    job.append(&text[a..b.max(a)], 0.0, marked);
    job.append(&text[b.max(a)..], 0.0, plain);
    job.wrap.max_width = ui.available_width();
    egui::Frame::new().inner_margin(4.0).fill(ui.visuals().faint_bg_color).show(ui, |ui| {
        ui.add(egui::Label::new(job).wrap());
    });
}

fn chip(ui: &mut Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}
