//! The analysis view in the centre: option controls, co-occurrence heatmaps (one per group, as
//! small multiples: `heatmap_view`), the excerpt pairs behind a clicked cell, the code × attribute
//! crosstab and the code frequency chart. It reads [`Analysis`] and emits [`Action`]s; only its own controls change the
//! options it shows.

use std::collections::HashSet;

use egui::Ui;

use super::action::Action;
use super::analysis::{Analysis, AnalysisOptions, Computed, DrillSide};
use super::{chart_png, heatmap_view};
use crate::analysis::{ACROSS_LABEL, Corpus, NONE, Scope, Unit};
use crate::model::DocumentId;

/// Characters of a code name under a bar of the frequency chart.
const AXIS_LABEL_CHARS: usize = 10;
/// Passages of one code listed per drilled unit (a whole document can hold hundreds).
const SIDES_SHOWN: usize = 12;

/// `media`: the documents with a recording, whose quotes get a play button.
pub fn analysis_ui(ui: &mut Ui, analysis: &mut Analysis, media: &HashSet<DocumentId>, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        ui.heading("Analysis");
        let buttons = [
            ("Back to the document", Action::ShowDocument),
            ("Export matrix as CSV…", Action::ExportMatrixDialog),
            ("Heatmap as PNG…", Action::ExportHeatmapDialog),
            ("Heatmap as SVG…", Action::ExportHeatmapSvgDialog),
            ("Chart as PNG…", Action::ExportFrequenciesDialog),
            ("Chart as SVG…", Action::ExportFrequenciesSvgDialog),
        ];
        for (text, action) in buttons {
            if ui.button(text).clicked() {
                actions.push(action);
            }
        }
    });
    if let Some(error) = &analysis.error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    let Some(corpus) = analysis.corpus() else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Loading the project's codings…");
        });
        return;
    };
    let mut options = analysis.options.clone();
    controls_ui(ui, corpus, &mut options);
    ui.separator();
    if analysis.picked.is_some() {
        egui::Panel::bottom("drill-panel").resizable(true).default_size(220.0).show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("drill-scroll")
                .show(ui, |ui| picked_ui(ui, analysis, corpus, media, actions));
        });
    }
    if let Some(computed) = &analysis.computed {
        let note = chart_png::across_note(analysis, analysis.options.unit, analysis.options.jaccard);
        egui::ScrollArea::vertical().id_salt("analysis-scroll").show(ui, |ui| {
            heatmap_view::matrices_ui(ui, corpus, computed, (&analysis.options, note), actions);
            ui.separator();
            crosstab_ui(ui, computed);
            frequency_ui(ui, computed);
        });
    }
    analysis.options = options;
}

fn controls_ui(ui: &mut Ui, corpus: &Corpus, options: &mut AnalysisOptions) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Unit");
        let mut near = match options.unit {
            Unit::Near(n) => n,
            _ => 200,
        };
        egui::ComboBox::from_id_salt("unit").selected_text(options.unit.to_string()).show_ui(ui, |ui| {
            for unit in [Unit::Overlap, Unit::Turn, Unit::Paragraph, Unit::Document, Unit::Near(near)] {
                ui.selectable_value(&mut options.unit, unit, unit.to_string());
            }
        });
        if let Unit::Near(_) = options.unit
            && ui.add(egui::DragValue::new(&mut near).range(0..=100_000).suffix(" chars")).changed()
        {
            options.unit = Unit::Near(near);
        }
        ui.label("Measure");
        ui.selectable_value(&mut options.jaccard, false, "Count");
        ui.selectable_value(&mut options.jaccard, true, "Jaccard");
        coder_ui(ui, corpus, options);
        grouping_ui(ui, corpus, options);
        ui.label("Codes");
        let theme = options.theme.and_then(|id| corpus.codes.iter().find(|c| c.id == id)).map(|c| c.path.as_str());
        egui::ComboBox::from_id_salt("theme").selected_text(theme.unwrap_or("all themes")).show_ui(ui, |ui| {
            ui.selectable_value(&mut options.theme, None, "all themes");
            let parents =
                corpus.codes.iter().filter(|c| corpus.codes.iter().any(|k| k.parent as usize == index(corpus, c.id)));
            for code in parents {
                ui.selectable_value(&mut options.theme, Some(code.id), &code.path);
            }
        });
    });
}

/// Everyone's codings with identical spans once (the default), everyone's each on its own, or
/// one coder's.
fn coder_ui(ui: &mut Ui, corpus: &Corpus, options: &mut AnalysisOptions) {
    const MERGED: &str = "everyone (identical spans once)";
    const SEPARATE: &str = "everyone (each coder's codings)";
    ui.label("Coder");
    let mut choice = (options.coder, options.per_coder && options.coder.is_none());
    let shown = match choice {
        (Some(id), _) => corpus.coders.iter().find(|c| c.0 == id).map_or("?", |c| c.1.as_str()),
        (None, false) => MERGED,
        (None, true) => SEPARATE,
    };
    egui::ComboBox::from_id_salt("coder").selected_text(shown).show_ui(ui, |ui| {
        ui.selectable_value(&mut choice, (None, false), MERGED)
            .on_hover_text("A span several coders coded alike with the same code counts once");
        ui.selectable_value(&mut choice, (None, true), SEPARATE)
            .on_hover_text("Every coder's coding counts on its own, also where coders coded alike");
        for (id, name) in &corpus.coders {
            ui.selectable_value(&mut choice, (Some(*id), false), name);
        }
    });
    (options.coder, options.per_coder) = choice;
}

/// Nothing, or an attribute; an attribute set on documents and on participants is offered three
/// ways: the speaker's value else the document's, the document's only, the speaker's only.
fn grouping_ui(ui: &mut Ui, corpus: &Corpus, options: &mut AnalysisOptions) {
    ui.label("Group by");
    let name = |spec: &str| {
        let (scope, attribute) = Scope::parse(spec);
        match scope {
            Scope::SpeakerElseDocument => attribute.to_owned(),
            Scope::Document => format!("{attribute} (document's)"),
            Scope::Participant => format!("{attribute} (speaker's)"),
        }
    };
    let shown = options.grouping.as_deref().map_or_else(|| "nothing".to_owned(), &name);
    egui::ComboBox::from_id_salt("grouping").selected_text(shown).show_ui(ui, |ui| {
        ui.selectable_value(&mut options.grouping, None, "nothing");
        for attribute in &corpus.attributes {
            let set = |values: &[u32]| values.iter().any(|&v| v != NONE);
            let both = set(&attribute.of_document) && set(&attribute.of_participant);
            let plain = Some(attribute.name.clone());
            let response = ui.selectable_value(&mut options.grouping, plain, &attribute.name);
            if !both {
                continue;
            }
            response.on_hover_text(format!("{}: {}", attribute.name, Scope::SpeakerElseDocument.rule()));
            for prefix in ["document:", "participant:"] {
                let spec = format!("{prefix}{}", attribute.name);
                let rule = Scope::parse(&spec).0.rule();
                ui.selectable_value(&mut options.grouping, Some(spec.clone()), format!("  {}", name(&spec)))
                    .on_hover_text(format!("{}: {rule}", attribute.name));
            }
        }
    });
}

fn index(corpus: &Corpus, id: crate::model::CodeId) -> usize {
    corpus.code_index(id).map_or(usize::MAX, |i| i as usize)
}

fn picked_ui(
    ui: &mut Ui,
    analysis: &Analysis,
    corpus: &Corpus,
    media: &HashSet<DocumentId>,
    actions: &mut Vec<Action>,
) {
    let Some(picked) = &analysis.picked else { return };
    let computed = analysis.computed.as_ref();
    let label = computed.map(|c| &c.grouping.labels).map(|labels| match labels.get(picked.group as usize) {
        Some(label) => label.clone(),
        None => ACROSS_LABEL.to_owned(),
    });
    let noun = match analysis.options.unit {
        Unit::Overlap | Unit::Near(_) => "pair",
        Unit::Turn => "turn",
        Unit::Paragraph => "paragraph",
        Unit::Document => "document",
    };
    ui.strong(format!(
        "{} × {}{}: {} {noun}(s){}",
        corpus.codes[picked.a as usize].path,
        corpus.codes[picked.b as usize].path,
        label.filter(|l| !l.is_empty()).map(|l| format!(" in {l}")).unwrap_or_default(),
        picked.total,
        if picked.total > picked.rows.len() { format!(", first {} listed", picked.rows.len()) } else { String::new() }
    ));
    for row in &picked.rows {
        ui.horizontal_wrapped(|ui| {
            match row.unit {
                Some((start, end)) if row.a.len() * row.b.len() > 1 => {
                    ui.strong(format!("{} [{start}–{end}] · {} pairs", row.document_name, row.a.len() * row.b.len()))
                }
                Some((start, end)) => ui.strong(format!("{} [{start}–{end}]", row.document_name)),
                None => ui.strong(&row.document_name),
            };
            for sides in [&row.a, &row.b] {
                sides_ui(ui, row.document, sides, media.contains(&row.document), actions);
            }
        });
    }
}

/// The passages of one code in a drilled row, each a button that opens the document at it.
fn sides_ui(ui: &mut Ui, document: DocumentId, sides: &[DrillSide], playable: bool, actions: &mut Vec<Action>) {
    for side in sides.iter().take(SIDES_SHOWN) {
        let quote: String = side.text.chars().take(140).collect();
        let response = ui.add(egui::Button::new(format!("{}: “{quote}”", side.code)).wrap());
        let hover = format!("Coded by {}. Open the document at this text", side.coders.join(", "));
        if response.on_hover_text(hover).clicked() {
            actions.push(Action::JumpTo { document, start: side.start, end: side.end });
        }
        if playable && ui.small_button("▶").on_hover_text("Hear this passage in the recording").clicked() {
            actions.push(Action::PlaySpan { document, start: side.start, end: side.end });
        }
    }
    if sides.len() > SIDES_SHOWN {
        ui.weak(format!("… and {} more", sides.len() - SIDES_SHOWN));
    }
}

fn crosstab_ui(ui: &mut Ui, computed: &Computed) {
    let Some(table) = &computed.crosstab else { return };
    ui.strong(format!("Codings by {} (row %)", table.attribute));
    egui::ScrollArea::horizontal().id_salt("crosstab").show(ui, |ui| {
        egui::Grid::new("crosstab-grid").striped(true).show(ui, |ui| {
            ui.label("code");
            for value in &table.values {
                ui.strong(value);
            }
            ui.strong("total");
            ui.end_row();
            for row in &table.rows {
                ui.label(&row.code);
                for cell in &row.cells {
                    ui.label(format!("{} ({:.0}%)", cell.codings, cell.row_pct)).on_hover_text(format!(
                        "{} documents, {} participants; {:.1}% of {}'s codings",
                        cell.documents, cell.participants, cell.col_pct, cell.value
                    ));
                }
                ui.label(row.codings.to_string());
                ui.end_row();
            }
        });
    });
    ui.separator();
}

fn frequency_ui(ui: &mut Ui, computed: &Computed) {
    use egui_plot::{Bar, BarChart, Plot};
    ui.strong("Codings per code");
    let bars: Vec<Bar> = computed
        .frequencies
        .iter()
        .enumerate()
        .map(|(i, f)| Bar::new(i as f64, f64::from(f.codings)).name(&f.key))
        .collect();
    // Short axis labels: the plot drops labels wider than the space between bars (full names on hover).
    let names: Vec<String> = computed
        .frequencies
        .iter()
        .map(|f| {
            let name = f.key.rsplit('/').next().unwrap_or("");
            let short: String = name.chars().take(AXIS_LABEL_CHARS).collect();
            if short.len() < name.len() { format!("{}…", short.trim_end()) } else { short }
        })
        .collect();
    let chart = BarChart::new("codings", bars).color(ui.visuals().selection.bg_fill);
    Plot::new("frequencies")
        .height(220.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| plot.bar_chart(chart));
}
