//! The right panel: the codebook tree with colour chips and coding counts, a box to add codes,
//! per-code context menus (describe, split, rename, recolour, merge, move, delete), drag-and-drop to re-parent,
//! and the chosen code with its count (its coded segments are read in the centre: `retrieval_view`).

use egui::{Color32, Sense, Ui, vec2};

use super::action::Action;
use super::code_picker::code_picker_ui;
use super::highlight::color_hex;
use super::workbench::Workbench;
use crate::coding::Command;
use crate::model::{CodeId, CodeNode};

/// Width kept right of a code's name for its coding count.
const COUNT_WIDTH: f32 = 40.0;

/// Per-frame edit buffers of the context menus, kept in egui temp memory by code id.
#[derive(Clone, Default)]
struct MenuState {
    rename: String,
    color: Color32,
    sub_code: String,
}

pub fn show(ui: &mut Ui, wb: &mut Workbench, actions: &mut Vec<Action>) {
    ui.heading("Codebook");
    new_code(ui, wb, actions);
    ui.separator();
    let has_selection = wb.selection.is_some();
    if wb.codes.is_empty() {
        ui.weak("No codes yet: type a name above, or select text and press Ctrl+I for an in-vivo code.");
    } else if has_selection {
        ui.weak("Click a code to apply it to the selection.");
    }
    egui::ScrollArea::vertical()
        .id_salt("codebook")
        .auto_shrink([false, true])
        .max_height(ui.available_height() * 0.55)
        .show(ui, |ui| {
            let totals = rollup_counts(&wb.codes);
            let mut hidden_below: Option<usize> = None;
            for (i, (code, total)) in wb.codes.iter().zip(totals).enumerate() {
                if hidden_below.is_some_and(|depth| code.depth > depth) {
                    continue;
                }
                let collapsed = wb.collapsed.contains(&code.id);
                hidden_below = collapsed.then_some(code.depth);
                let has_children = wb.codes.get(i + 1).is_some_and(|next| next.depth > code.depth);
                let tree = Tree { has_children, collapsed };
                code_row(ui, wb, code, (total, tree), has_selection, actions);
            }
            wb.reveal = None;
            top_level_drop_zone(ui, actions);
        });
    ui.separator();
    excerpts(ui, wb, actions);
}

fn new_code(ui: &mut Ui, wb: &mut Workbench, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let label = ui.label("New code");
        let edit = egui::TextEdit::singleline(&mut wb.new_code)
            .hint_text("Theme/Code")
            .desired_width(ui.available_width() - 50.0);
        let edit = ui.add(edit).labelled_by(label.id);
        let submit = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Add").clicked() || submit) && !wb.new_code.trim().is_empty() {
            actions.push(Action::Edit(Command::CreateCode {
                parent: None,
                path: wb.new_code.trim().to_owned(),
                color: None,
                description: None,
            }));
            wb.new_code.clear();
        }
    });
}

fn chip(ui: &mut Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}

/// Codings of each code with its descendants (codes are in tree order), so a theme shows the
/// work under it rather than its own, usually empty, count.
fn rollup_counts(codes: &[CodeNode]) -> Vec<usize> {
    let mut totals: Vec<usize> = codes.iter().map(|c| c.codings).collect();
    let mut open: Vec<usize> = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        while open.last().is_some_and(|&a| codes[a].depth >= code.depth) {
            open.pop();
        }
        for &ancestor in &open {
            totals[ancestor] += code.codings;
        }
        open.push(i);
    }
    totals
}

/// A row's place in the tree: whether it has sub-codes and whether they are hidden.
#[derive(Clone, Copy)]
struct Tree {
    has_children: bool,
    collapsed: bool,
}

fn code_row(
    ui: &mut Ui,
    wb: &Workbench,
    code: &CodeNode,
    (total, tree): (usize, Tree),
    has_selection: bool,
    actions: &mut Vec<Action>,
) {
    let id = egui::Id::unique(("code-row", code.id));
    let row = ui.horizontal(|ui| {
        ui.add_space(code.depth as f32 * 14.0);
        toggle_ui(ui, code, tree, actions);
        let drag = ui.dnd_drag_source(id, code.id, |ui| {
            chip(ui, wb.code_color(code.id));
        });
        drag.response.on_hover_text("Drag onto another code to move it there");
        let selected = wb.excerpts.as_ref().is_some_and(|(c, _)| *c == code.id);
        // The name gives way (truncated, whole on hover) so the panel can be made narrow.
        let name_width = (ui.available_width() - COUNT_WIDTH).max(40.0);
        let label = ui
            .scope(|ui| {
                ui.set_max_width(name_width);
                ui.add(egui::Button::selectable(selected, &code.name).truncate())
            })
            .inner
            .on_hover_text(hover_text(code, total));
        ui.weak(total.to_string());
        label
    });
    let label = row.inner;
    if wb.reveal == Some(code.id) {
        label.scroll_to_me(Some(egui::Align::Center));
    }
    if label.clicked() {
        actions.push(if has_selection { Action::ApplyCode(code.id) } else { Action::ShowExcerpts(code.id) });
    }
    if let Some(dragged) = row.response.dnd_release_payload::<CodeId>()
        && *dragged != code.id
    {
        actions.push(Action::Edit(Command::MoveCode { code: *dragged, parent: Some(code.id) }));
    }
    label.context_menu(|ui| context_menu(ui, wb, code, actions));
}

/// The triangle that collapses or expands a theme (a gap of the same width for other codes).
fn toggle_ui(ui: &mut Ui, code: &CodeNode, tree: Tree, actions: &mut Vec<Action>) {
    let (rect, response) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::click());
    if !tree.has_children {
        return;
    }
    let verb = if tree.collapsed { "Expand" } else { "Collapse" };
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("{verb} {}", code.name)));
    let color = if response.hovered() { ui.visuals().strong_text_color() } else { ui.visuals().weak_text_color() };
    let c = rect.center();
    let points = if tree.collapsed {
        vec![c + vec2(-3.0, -5.0), c + vec2(4.0, 0.0), c + vec2(-3.0, 5.0)]
    } else {
        vec![c + vec2(-5.0, -3.0), c + vec2(5.0, -3.0), c + vec2(0.0, 4.0)]
    };
    ui.painter().add(egui::Shape::convex_polygon(points, color, egui::Stroke::NONE));
    if response.on_hover_text(format!("{verb} its sub-codes")).clicked() {
        actions.push(Action::ToggleCollapsed(code.id));
    }
}

fn hover_text(code: &CodeNode, total: usize) -> String {
    let mut text = format!("{} — {} codings, {}", code.path, code.codings, code.status.as_str());
    if total != code.codings {
        text.push_str(&format!(" ({total} with sub-codes)"));
    }
    if !code.description.is_empty() {
        text.push_str(&format!("\n{}", code.description));
    }
    text
}

fn top_level_drop_zone(ui: &mut Ui, actions: &mut Vec<Action>) {
    let (_, payload) = ui.dnd_drop_zone::<CodeId, ()>(egui::Frame::NONE, |ui| {
        ui.weak("Drop here to move a code to the top level");
    });
    if let Some(code) = payload {
        actions.push(Action::Edit(Command::MoveCode { code: *code, parent: None }));
    }
}

fn context_menu(ui: &mut Ui, wb: &Workbench, code: &CodeNode, actions: &mut Vec<Action>) {
    let key = egui::Id::unique(("code-menu", code.id));
    let mut state: MenuState = ui.data_mut(|d| d.get_temp(key)).unwrap_or_else(|| MenuState {
        rename: code.name.clone(),
        color: super::highlight::parse_color(&code.color),
        sub_code: String::new(),
    });
    if ui.button("Show coded segments").clicked() {
        actions.push(Action::ShowExcerpts(code.id));
        ui.close();
    }
    if ui.button("Describe…").clicked() {
        actions.push(Action::DescribeCodeDialog(code.id));
        ui.close();
    }
    if code.codings > 0 && ui.button("Split…").clicked() {
        actions.push(Action::SplitCodeDialog(code.id));
        ui.close();
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.text_edit_singleline(&mut state.rename);
        if ui.button("Rename").clicked() && state.rename.trim() != code.name {
            actions.push(Action::Edit(Command::RenameCode { code: code.id, name: state.rename.trim().to_owned() }));
            ui.close();
        }
    });
    ui.menu_button("Colour…", |ui| colour_menu(ui, code, &mut state.color, actions));
    ui.menu_button("Put on quick key…", |ui| {
        for slot in 0..super::quick_slots::SLOTS {
            if ui.button(format!("Key {}", slot + 1)).clicked() {
                actions.push(Action::PinQuickCode { slot, code: code.id });
                ui.close();
            }
        }
    });
    ui.menu_button("New sub-code…", |ui| {
        ui.horizontal(|ui| {
            let label = ui.label("Name");
            let edit =
                ui.add(egui::TextEdit::singleline(&mut state.sub_code).desired_width(180.0)).labelled_by(label.id);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Create").clicked() || enter) && !state.sub_code.trim().is_empty() {
                let path = std::mem::take(&mut state.sub_code).trim().to_owned();
                actions.push(Action::Edit(Command::CreateCode {
                    parent: Some(code.id),
                    path,
                    color: None,
                    description: None,
                }));
                ui.close();
            }
        });
    });
    ui.menu_button("Merge into…", |ui| {
        if let Some(into) = code_picker_ui(ui, ("merge", code.id), wb, &|c| c == code.id) {
            actions.push(Action::Edit(Command::MergeCodes { from: code.id, into }));
            ui.close();
        }
    });
    ui.menu_button("Move under…", |ui| {
        let inside = wb.subtree(code.id);
        if let Some(parent) = code_picker_ui(ui, ("move", code.id), wb, &|c| inside.contains(&c)) {
            actions.push(Action::Edit(Command::MoveCode { code: code.id, parent: Some(parent) }));
            ui.close();
        }
    });
    ui.menu_button(format!("Review status: {}", code.status.as_str()), |ui| {
        use crate::model::ReviewStatus;
        for status in [ReviewStatus::Proposed, ReviewStatus::Reviewed, ReviewStatus::Agreed] {
            if ui.radio(code.status == status, status.as_str()).clicked() && code.status != status {
                actions.push(Action::Edit(Command::SetStatus { code: code.id, status }));
                ui.close();
            }
        }
    });
    if code.parent_id.is_some() && ui.button("Move to the top level").clicked() {
        actions.push(Action::Edit(Command::MoveCode { code: code.id, parent: None }));
        ui.close();
    }
    ui.separator();
    if ui.button(format!("Delete (with its {} codings)…", code.codings)).clicked() {
        actions.push(Action::AskDeleteCode(code.id));
        ui.close();
    }
    ui.data_mut(|d| d.insert_temp(key, state));
}

/// The recolour submenu: the palette's swatches (one click recolours) and a picker drawn in the
/// menu itself (a picker button would open a popup that closes the context menu).
fn colour_menu(ui: &mut Ui, code: &CodeNode, color: &mut Color32, actions: &mut Vec<Action>) {
    let recolor = |color: String| Action::Edit(Command::RecolorCode { code: code.id, color });
    ui.horizontal_wrapped(|ui| {
        ui.set_max_width(200.0);
        for hex in crate::coding::PALETTE {
            let swatch = super::highlight::parse_color(hex);
            let (rect, response) = ui.allocate_exact_size(vec2(22.0, 22.0), Sense::click());
            ui.painter().rect_filled(rect.shrink(2.0), 3.0, swatch);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Colour {hex}")));
            if response.on_hover_text(hex).clicked() {
                actions.push(recolor(hex.to_owned()));
                ui.close();
            }
        }
    });
    ui.separator();
    egui::widgets::color_picker::color_picker_color32(ui, color, egui::widgets::color_picker::Alpha::Opaque);
    if ui.button(format!("Use {}", color_hex(*color))).clicked() {
        actions.push(recolor(color_hex(*color)));
        ui.close();
    }
}

fn excerpts(ui: &mut Ui, wb: &mut Workbench, actions: &mut Vec<Action>) {
    let Some((code, count)) = wb.excerpts.as_ref().map(|(code, list)| (*code, list.len())) else {
        ui.weak("Click a code to read its coded segments.");
        return;
    };
    let is_theme = wb.codes.iter().any(|c| c.parent_id == Some(code));
    ui.horizontal(|ui| {
        chip(ui, wb.code_color(code));
        let with = if is_theme && wb.excerpts_with_subcodes { " with sub-codes" } else { "" };
        let heading = egui::RichText::new(format!("{} — {count} excerpts{with}", wb.code_path(code))).strong();
        ui.add(egui::Label::new(heading).truncate());
    });
    if is_theme && ui.checkbox(&mut wb.excerpts_with_subcodes, "with its sub-codes' excerpts").changed() {
        wb.retrieval.choice.subcodes = wb.excerpts_with_subcodes;
        actions.push(Action::ShowExcerpts(code));
    }
    if ui.button("Read its coded segments").on_hover_text("Every segment, filtered and sorted, in the centre").clicked()
    {
        actions.push(Action::ShowExcerpts(code));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, depth: usize, codings: usize) -> CodeNode {
        CodeNode {
            id,
            guid: String::new(),
            parent_id: None,
            name: format!("c{id}"),
            path: String::new(),
            depth,
            color: String::new(),
            description: String::new(),
            inclusion: String::new(),
            exclusion: String::new(),
            example: String::new(),
            status: crate::model::ReviewStatus::Proposed,
            position: 0,
            codings,
        }
    }

    #[test]
    fn themes_count_the_codings_of_their_descendants() {
        let codes = [node(1, 0, 0), node(2, 1, 3), node(3, 2, 4), node(4, 1, 5), node(5, 0, 2), node(6, 1, 1)];
        assert_eq!(rollup_counts(&codes), [12, 7, 4, 5, 3, 1]);
    }
}
