//! The analysis view in the centre: option controls, co-occurrence heatmaps (one per group, side
//! by side), the excerpt pairs behind a clicked cell, the code × attribute crosstab and the code
//! frequency chart. It reads [`Analysis`] and emits [`Action`]s; only its own controls change the
//! options it shows.

use egui::{Color32, Rect, Sense, Ui, vec2};

use super::action::Action;
use super::analysis::{Analysis, AnalysisOptions, Computed, DrillSide, cell_value};
use super::chart_png::{self, Chart};
use crate::analysis::{ACROSS_LABEL, Corpus, GroupMatrix, NONE, Scope, Unit};

/// Characters of a code name under a bar of the frequency chart.
const AXIS_LABEL_CHARS: usize = 10;
/// Passages of one code listed per drilled unit (a whole document can hold hundreds).
const SIDES_SHOWN: usize = 12;
const CELL: egui::Vec2 = egui::Vec2 { x: 34.0, y: 22.0 };

pub fn analysis_ui(ui: &mut Ui, analysis: &mut Analysis, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.heading("Analysis");
        if ui.button("Back to the document").clicked() {
            actions.push(Action::ShowDocument);
        }
        if ui.button("Export matrix as CSV…").clicked() {
            actions.push(Action::ExportMatrixDialog);
        }
        if ui.button("Export heatmap PNG…").clicked() {
            actions.push(Action::ExportHeatmapDialog);
        }
        if ui.button("Export chart PNG…").clicked() {
            actions.push(Action::ExportFrequenciesDialog);
        }
    });
    chart_png::forget_rects(ui.ctx());
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
                .show(ui, |ui| picked_ui(ui, analysis, corpus, actions));
        });
    }
    if let Some(computed) = &analysis.computed {
        let jaccard = analysis.options.jaccard;
        egui::ScrollArea::vertical().id_salt("analysis-scroll").show(ui, |ui| {
            matrices_ui(ui, corpus, computed, (&analysis.options, jaccard), actions);
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

/// The short name of a code (its last path segment).
fn short(corpus: &Corpus, code: u32) -> &str {
    let path = &corpus.codes[code as usize].path;
    path.rsplit('/').next().unwrap_or(path)
}

fn matrices_ui(
    ui: &mut Ui,
    corpus: &Corpus,
    computed: &Computed,
    (options, jaccard): (&AnalysisOptions, bool),
    actions: &mut Vec<Action>,
) {
    let groups = &computed.cooccurrence.groups;
    if groups.is_empty() || computed.shown.len() < 2 {
        ui.weak("No co-occurring codes for these options.");
        return;
    }
    // The pairs across groups have counts only.
    let across = computed.cooccurrence.across.as_ref().filter(|_| !jaccard);
    let max = groups
        .iter()
        .chain(across)
        .flat_map(|g| computed.shown.iter().flat_map(move |&a| computed.shown.iter().map(move |&b| (g, a, b))))
        .filter_map(|(g, a, b)| cell_value(g, a, b, jaccard))
        .fold(0.0f64, f64::max);
    let coders = if options.per_coder { "each coder's codings separately" } else { "identical spans counted once" };
    ui.weak(format!(
        "{} matrix(es) · {} codings selected · {coders} · hover a cell for its pair, click it for what it counts",
        groups.len(),
        computed.selection.len()
    ));
    let shown = egui::ScrollArea::horizontal().id_salt("matrices").auto_shrink([false, true]).show(ui, |ui| {
        ui.horizontal_top(|ui| {
            for (i, group) in groups.iter().chain(across).enumerate() {
                if i > 0 {
                    ui.add_space(24.0);
                }
                ui.vertical(|ui| matrix_ui(ui, corpus, computed, group, (jaccard, max), actions));
            }
        })
        .response
        .rect
    });
    let heatmaps = shown.inner.intersect(shown.inner_rect);
    // The legend belongs to the saved heatmap.
    let rect = legend_ui(ui, computed, options.unit, jaccard).map_or(heatmaps, |legend| heatmaps.union(legend));
    chart_png::remember_rect(ui.ctx(), Chart::Heatmap, rect.intersect(ui.clip_rect()));
}

/// Under the heatmaps when grouped: what the pairs across groups are and how the matrices add up.
fn legend_ui(ui: &mut Ui, computed: &Computed, unit: Unit, jaccard: bool) -> Option<Rect> {
    let across = computed.cooccurrence.across.as_ref()?;
    let attribute = computed.grouping.attribute.as_deref().unwrap_or("");
    let rule = computed.grouping.rule().unwrap_or("");
    let total: u64 = across.count.nonzero().iter().map(|&(_, _, n)| u64::from(n)).sum();
    let what = if unit.pairs_codings() {
        format!(
            "{ACROSS_LABEL}: {total} counts of pairs whose two passages fall in different groups; \
             the groups plus {ACROSS_LABEL} add up to the matrix without grouping."
        )
    } else {
        format!(
            "{ACROSS_LABEL}: {total} counts of {unit}s where both codes occur, but in no one group; \
             a {unit} where two groups each have both codes counts in each."
        )
    };
    let shown = if jaccard { " (counts only, not drawn for Jaccard)" } else { "" };
    Some(ui.weak(format!("Groups by {attribute}: {rule}. {what}{shown}")).rect)
}

fn matrix_ui(
    ui: &mut Ui,
    corpus: &Corpus,
    computed: &Computed,
    group: &GroupMatrix,
    (jaccard, max): (bool, f64),
    actions: &mut Vec<Action>,
) {
    let title = match group.label.as_str() {
        "" => "All codings".to_owned(),
        label => label.to_owned(),
    };
    let heading = if group.is_across() {
        format!("{title}: pairs in two groups")
    } else {
        format!("{title} ({} codings)", group.codings)
    };
    ui.add(egui::Label::new(egui::RichText::new(heading).strong()).extend());
    let group_index = match group.is_across() {
        true => computed.grouping.labels.len() as u32,
        false => computed.grouping.label_index(&group.label).unwrap_or(0),
    };
    egui::Grid::new(("matrix", &group.label)).spacing(vec2(2.0, 2.0)).show(ui, |ui| {
        ui.label("");
        for (n, &b) in computed.shown.iter().enumerate() {
            ui.label(format!("{}", n + 1)).on_hover_text(&corpus.codes[b as usize].path);
        }
        ui.end_row();
        for (n, &a) in computed.shown.iter().enumerate() {
            ui.label(format!("{} {}", n + 1, short(corpus, a))).on_hover_text(&corpus.codes[a as usize].path);
            for &b in &computed.shown {
                let value = cell_value(group, a, b, jaccard);
                if cell_ui(ui, corpus, &title, (a, b), value, max) && value.is_some_and(|v| v > 0.0) {
                    actions.push(Action::DrillCell { group: group_index, a, b });
                }
            }
            ui.end_row();
        }
    });
}

/// One heatmap cell; true when clicked.
fn cell_ui(ui: &mut Ui, corpus: &Corpus, group: &str, (a, b): (u32, u32), value: Option<f64>, max: f64) -> bool {
    let (rect, response) = ui.allocate_exact_size(CELL, Sense::click());
    let base = ui.visuals().extreme_bg_color;
    let hot = if ui.visuals().dark_mode { Color32::from_rgb(255, 140, 60) } else { Color32::from_rgb(200, 60, 20) };
    let t = value.map_or(0.0, |v| if max > 0.0 { (v / max) as f32 } else { 0.0 });
    let fill = if value.is_none() { ui.visuals().faint_bg_color } else { base.lerp_to_gamma(hot, t.sqrt()) };
    ui.painter().rect_filled(rect, 2.0, fill);
    let text = value.map_or(String::new(), format_value);
    let ink = if t > 0.5 { Color32::WHITE } else { ui.visuals().text_color() };
    ui.painter().text(rect.center(), egui::Align2::CENTER_CENTER, &text, egui::FontId::proportional(11.0), ink);
    if response.hovered() {
        ui.painter().rect_stroke(
            Rect::from_center_size(rect.center(), rect.size()),
            2.0,
            ui.visuals().selection.stroke,
            egui::StrokeKind::Inside,
        );
    }
    let (pa, pb) = (&corpus.codes[a as usize].path, &corpus.codes[b as usize].path);
    let label = format!("{group}: {pa} × {pb} = {text}");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    let clicked = response.clicked();
    response.on_hover_text(label);
    clicked
}

fn format_value(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v}") } else { format!("{v:.2}") }
}

fn picked_ui(ui: &mut Ui, analysis: &Analysis, corpus: &Corpus, actions: &mut Vec<Action>) {
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
                sides_ui(ui, row.document, sides, actions);
            }
        });
    }
}

/// The passages of one code in a drilled row, each a button that opens the document at it.
fn sides_ui(ui: &mut Ui, document: crate::model::DocumentId, sides: &[DrillSide], actions: &mut Vec<Action>) {
    for side in sides.iter().take(SIDES_SHOWN) {
        let quote: String = side.text.chars().take(140).collect();
        let response = ui.add(egui::Button::new(format!("{}: “{quote}”", side.code)).wrap());
        let hover = format!("Coded by {}. Open the document at this text", side.coders.join(", "));
        if response.on_hover_text(hover).clicked() {
            actions.push(Action::JumpTo { document, start: side.start, end: side.end });
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
    let title = ui.strong("Codings per code");
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
    let shown = Plot::new("frequencies")
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
    // The plot's axes lie outside its response rect: take everything allocated since the title.
    let bottom = ui.cursor().top().max(shown.response.rect.bottom());
    let rect = Rect::from_min_max(title.rect.left_top(), egui::pos2(shown.response.rect.right(), bottom));
    let rect = rect.intersect(ui.clip_rect());
    chart_png::remember_rect(ui.ctx(), Chart::Frequencies, rect);
}
