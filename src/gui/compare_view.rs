//! The compare-coders view (Team > Compare coders…): pick two or more coders, a code scope and
//! a unit; read the agreement per code, see a document with each coder's stripes side by side,
//! and go through the disagreements, resolving each (accept one coder's reading, both, or
//! neither) as one undoable step. It reads [`CompareState`]; its own controls change only
//! what it shows, and every change to the project is an [`Action`].

use egui::{Color32, RichText, Ui};

use super::action::Action;
use super::compare_state::CompareState;
use super::compare_stripes::{StripeContext, document_ui};
use super::compare_summary as summary;
use super::workbench::Workbench;
use crate::model::Span;
use crate::team::agreement::Coefficients;
use crate::team::{Disagreement, Resolution, Unit};
use summary::{ALPHA, ALPHA_U, PERCENT, U_ALPHA, U_ALPHA_ALL, named, number};

/// Longest excerpt shown in the list, in characters.
const EXCERPT: usize = 110;
/// At most this many disagreements are listed for a document.
const MAX_LISTED: usize = 400;

pub fn compare_ui(ui: &mut Ui, state: &mut CompareState, wb: &Workbench, font_size: f32, actions: &mut Vec<Action>) {
    summary::poll_copy(ui, state);
    controls_ui(ui, state, wb, actions);
    if state.is_computing() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.weak("Computing agreement…");
        });
        // The worker has no waker: look again shortly.
        ui.ctx().request_repaint_after(std::time::Duration::from_millis(30));
    }
    if let Some(error) = &state.error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    ui.separator();
    // The text column keeps at least 40 % of the width: each side panel takes at most 30 %.
    let width = ui.available_width();
    let side = |default: f32| (default.min(width * 0.26), 160.0..=(width * 0.3).max(160.0));
    let (left, left_range) = side(370.0);
    let (right, right_range) = side(340.0);
    egui::Panel::left("compare-agreement").resizable(true).default_size(left).size_range(left_range).show(ui, |ui| {
        // Both ways: the per-code table (with units, αu and uα) is wider than the panel may be.
        egui::ScrollArea::both().id_salt("compare-agreement-scroll").show(ui, |ui| {
            agreement_ui(ui, state, wb);
            summary::summary_ui(ui, state, wb);
            ui.separator();
            documents_ui(ui, state, wb);
        });
    });
    egui::Panel::right("compare-disagreements").resizable(true).default_size(right).size_range(right_range).show(
        ui,
        |ui| {
            egui::ScrollArea::vertical()
                .id_salt("compare-disagreements-scroll")
                .show(ui, |ui| disagreements_ui(ui, state, wb, actions));
        },
    );
    document_panel_ui(ui, state, wb, font_size);
}

fn controls_ui(ui: &mut Ui, state: &mut CompareState, wb: &Workbench, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        ui.heading("Compare coders");
        if ui.button("Back to the document").clicked() {
            actions.push(Action::ShowDocument);
        }
        ui.separator();
        ui.label("Coders");
        for (name, on) in &mut state.coders {
            ui.checkbox(on, name.as_str());
        }
        ui.separator();
        ui.label("Codes");
        let shown = state.code.clone().unwrap_or_else(|| "whole codebook".into());
        egui::ComboBox::from_id_salt("compare-code").selected_text(shown).width(240.0).show_ui(ui, |ui| {
            ui.selectable_value(&mut state.code, None, "whole codebook");
            for code in &wb.codes {
                ui.selectable_value(&mut state.code, Some(code.path.clone()), &code.path);
            }
        });
        ui.label("Unit");
        egui::ComboBox::from_id_salt("compare-unit").selected_text(state.unit.as_str()).show_ui(ui, |ui| {
            for unit in [Unit::Char, Unit::Turn, Unit::Paragraph, Unit::Document] {
                ui.selectable_value(&mut state.unit, unit, unit.as_str());
            }
        });
    });
}

fn agreement_ui(ui: &mut Ui, state: &mut CompareState, wb: &Workbench) {
    let Some(report) = &state.report else { return };
    ui.strong(format!("Agreement ({} units)", report.unit.as_str()));
    ui.weak(format!(
        "{} documents coded by at least two of them{}. Click a code to list its disagreements.",
        report.documents,
        if report.pairwise { "; percent agreement is pairwise" } else { "" }
    ));
    let (kappa_name, kappa_of) = summary::kappa(report);
    let mut clicked = None;
    egui::Grid::new("compare-agreement-grid").striped(true).num_columns(7).show(ui, |ui| {
        ui.strong("code");
        named(ui, PERCENT);
        named(ui, (short_kappa(kappa_name.0), kappa_name.1));
        named(ui, ("alpha", ALPHA.1));
        ui.strong("units");
        named(ui, ALPHA_U);
        named(ui, U_ALPHA);
        ui.end_row();
        for row in &report.codes {
            let focused = state.focus == Some(row.code_id);
            ui.horizontal(|ui| {
                chip(ui, wb.code_color(row.code_id));
                if ui.selectable_label(focused, short(&row.code)).on_hover_text(&row.code).clicked() {
                    clicked = Some(if focused { None } else { Some(row.code_id) });
                }
                if let Some(reason) = row.left_out_of_pooled {
                    ui.weak("*").on_hover_text(format!("Left out of the pooled figure: {}", reason.explain()));
                }
            });
            coefficient_cells(ui, &row.coefficients, kappa_of);
            ui.label(number(row.alpha_u, 3));
            ui.label(number(row.u_alpha, 3));
            ui.end_row();
        }
        ui.strong("(pooled)");
        coefficient_cells(ui, &report.pooled, kappa_of);
        ui.label("");
        ui.label(number(report.unitizing.u_alpha, 3)).on_hover_text(U_ALPHA_ALL.1);
        ui.end_row();
    });
    if let Some(focus) = clicked {
        state.set_focus(focus);
    }
}

/// "kappa" for Cohen's, "Light's κ" for Light's: the table column is narrow.
fn short_kappa(name: &str) -> &'static str {
    if name.starts_with("Light") { "Light's κ" } else { "kappa" }
}

fn coefficient_cells(ui: &mut Ui, c: &Coefficients, kappa_of: summary::Pick) {
    ui.label(number(c.percent_agreement, 1));
    ui.label(number(kappa_of(c), 3));
    ui.label(number(c.krippendorff_alpha, 3));
    ui.label(c.units.to_string());
}

/// The documents with disagreements (of the focused code, if any), each a jump target.
fn documents_ui(ui: &mut Ui, state: &mut CompareState, wb: &Workbench) {
    let docs = state.documents_with_disagreements();
    match state.focus {
        Some(code) => {
            ui.horizontal(|ui| {
                ui.strong(format!("Documents where they differ on {}", short(&wb.code_path(code))));
                if ui.small_button("All codes").clicked() {
                    state.set_focus(None);
                }
            });
        }
        None => {
            ui.strong("Documents where they differ");
        }
    }
    if docs.is_empty() {
        ui.weak("None: the coders agree everywhere in scope.");
    }
    for (id, name, count) in docs {
        if ui.selectable_label(state.document == Some(id), format!("{name} ({count})")).clicked() {
            state.set_document(id);
        }
    }
}

fn disagreements_ui(ui: &mut Ui, state: &mut CompareState, wb: &Workbench, actions: &mut Vec<Action>) {
    let items: Vec<Disagreement> = state.in_document().into_iter().cloned().collect();
    let name = state.document.map(|d| wb.document_name(d)).unwrap_or_default();
    ui.strong(format!("Disagreements in {name} ({})", items.len()));
    ui.weak("Click one to see it in the text; then accept one coder's reading, both, or neither.");
    if let Some(note) = state.report.as_ref().and_then(|r| unit_note(r.unit)) {
        ui.weak(note);
    }
    let coders = state.chosen();
    let mut picked = None;
    for d in items.iter().take(MAX_LISTED) {
        ui.separator();
        let selected = state.selected.as_ref() == Some(d);
        ui.horizontal(|ui| {
            chip(ui, wb.code_color(d.code_id));
            let title = format!("{} · {}–{}", short(&d.code), d.start, d.end);
            ui.label(RichText::new(title).strong()).on_hover_text(&d.code);
        });
        if ui.selectable_label(selected, excerpt(&d.excerpt)).clicked() {
            picked = Some(d.clone());
        }
        ui.weak(format!("coded by {} · not by {}", d.coded_by.join(", "), d.not_coded_by.join(", ")));
        if selected {
            // Until the recomputation lands, the list may still hold an item already resolved.
            ui.add_enabled_ui(!state.is_computing(), |ui| resolve_buttons_ui(ui, d, &coders, actions));
        }
    }
    if items.len() > MAX_LISTED {
        ui.weak(format!("… and {} more", items.len() - MAX_LISTED));
    }
    if let Some(d) = picked {
        state.select(&d);
    }
}

/// What a disagreement is when the unit is not characters: the list follows the agreement's
/// unit, so resolving one codes or uncodes the whole unit.
fn unit_note(unit: Unit) -> Option<&'static str> {
    match unit {
        Unit::Char => None,
        Unit::Turn => Some("By turn: each item is a whole turn; resolving it codes or uncodes the whole turn."),
        Unit::Paragraph => {
            Some("By paragraph: each item is a whole paragraph; resolving it codes or uncodes the whole paragraph.")
        }
        Unit::Document => {
            Some("By document: each item is a whole document; resolving it codes or uncodes the whole document.")
        }
    }
}

fn resolve_buttons_ui(ui: &mut Ui, d: &Disagreement, coders: &[String], actions: &mut Vec<Action>) {
    let resolve =
        |resolution: Resolution| Action::ResolveDisagreement { disagreement: Box::new(d.clone()), resolution };
    ui.horizontal_wrapped(|ui| {
        for coder in coders.iter().filter(|c| d.coded_by.contains(c) || d.not_coded_by.contains(c)) {
            let hint = if d.coded_by.contains(coder) { "code the span for everyone" } else { "uncode it for everyone" };
            if ui.button(format!("Accept {coder}'s")).on_hover_text(hint).clicked() {
                actions.push(resolve(Resolution::Accept(coder.clone())));
            }
        }
        let both = if coders.len() == 2 { "Accept both" } else { "Accept all" };
        if ui.button(both).on_hover_text("keep the span coded, for every coder").clicked() {
            actions.push(resolve(Resolution::Both));
        }
        if ui.button("Neither").on_hover_text("remove this code from the span, for every coder").clicked() {
            actions.push(resolve(Resolution::Neither));
        }
        if ui.button("Open in the document").clicked() {
            actions.push(Action::JumpTo { document: d.document_id, start: d.start, end: d.end });
        }
    });
}

fn document_panel_ui(ui: &mut Ui, state: &mut CompareState, wb: &Workbench, font_size: f32) {
    let coders = state.chosen();
    let differences: Vec<(Span, i64)> =
        state.in_document().iter().map(|d| (Span { start: d.start, end: d.end }, d.code_id)).collect();
    let selection = state.selected_span();
    document_picker_ui(ui, state, wb);
    let Some(doc) = state.doc.as_mut() else {
        ui.centered_and_justified(|ui| ui.weak("Pick a document above or on the left."));
        return;
    };
    let scroll_to = super::viewer::take_scroll(ui, &doc.view.heights, &mut state.scroll_to);
    let code_color = |id: i64| wb.code_color(id);
    let cx = StripeContext {
        coders: &coders,
        font_size,
        code_color: &code_color,
        differences: &differences,
        selection,
        scroll_to,
    };
    let clicked = document_ui(ui, doc, &cx);
    if let Some(offset) = clicked {
        let hit = state.in_document().into_iter().find(|d| d.start <= offset && offset < d.end).cloned();
        if let Some(d) = hit {
            state.selected = Some(d);
        }
    }
}

/// Any document of the project can be shown, also one where the coders agree.
fn document_picker_ui(ui: &mut Ui, state: &mut CompareState, wb: &Workbench) {
    let mut picked = None;
    ui.horizontal(|ui| {
        let current = state.document.map_or_else(|| "choose a document".to_owned(), |d| wb.document_name(d));
        egui::ComboBox::from_id_salt("compare-document").selected_text(current).width(220.0).show_ui(ui, |ui| {
            for d in &wb.documents {
                if ui.selectable_label(state.document == Some(d.id), &d.name).clicked() {
                    picked = Some(d.id);
                }
            }
        });
        if let Some(doc) = &state.doc {
            ui.weak(format!("{} codings by {}", doc.view.codings.len(), state.chosen().join(", ")));
        }
    });
    if let Some(id) = picked {
        state.set_document(id);
    }
}

fn chip(ui: &mut Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}

/// The last part of a code path.
fn short(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn excerpt(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT {
        return format!("“{flat}”");
    }
    format!("“{}…”", flat.chars().take(EXCERPT - 1).collect::<String>())
}
