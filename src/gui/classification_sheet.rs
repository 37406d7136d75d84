//! The classification sheet in the centre (NVivo's classification sheet, MAXQDA's document
//! variables): participants × attributes or documents × attributes as a grid. A click on a cell
//! edits it (Enter or clicking away saves, Esc cancels); a header sorts by its column and its
//! menu renames the column or shows only rows with one value; Fill down copies the selected
//! cell's value down the rows shown (or over a Shift+click range); Import and Export CSV use
//! the format of `fieldcode attributes`. Every change is an [`Action::Edit`] with one library
//! command, so each is one undoable step. The state lives in [`SheetState`].

use egui::{Align, Layout, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use super::action::Action;
use super::sheet_state::{CellRef, Grid, Renaming, SheetRow, SheetState, Tab};
use super::workbench::Workbench;
use crate::model::AttributeScope;

/// Narrowest width of an attribute column, in points.
const MIN_COLUMN: f32 = 90.0;

pub fn sheet_ui(ui: &mut Ui, wb: &mut Workbench, actions: &mut Vec<Action>) {
    refresh(wb);
    let sheet = &mut wb.sheet;
    header_ui(ui, sheet, actions);
    toolbar_ui(ui, sheet, actions);
    if sheet.renaming.is_some() {
        rename_ui(ui, sheet, actions);
    }
    if let Some(note) = &sheet.note {
        ui.colored_label(ui.visuals().warn_fg_color, note);
    }
    ui.separator();
    let shown = sheet.shown();
    let total = sheet.grid().rows.len();
    egui::Panel::bottom("sheet-footer").show_separator_line(false).show(ui, |ui| {
        let noun = match sheet.tab {
            Tab::Participants => "participants",
            Tab::Documents => "documents",
        };
        ui.weak(format!(
            "{} of {total} {noun} shown · click a cell to edit it · right-click a column's header to rename or filter it",
            shown.len()
        ));
    });
    if total == 0 {
        ui.weak(match sheet.tab {
            Tab::Participants => {
                "No participants yet: import transcripts with speakers, or import a sheet (Import CSV…)."
            }
            Tab::Documents => "No documents yet: import some (File > Import files…).",
        });
        return;
    }
    egui::ScrollArea::horizontal().id_salt("sheet-h").show(ui, |ui| grid_ui(ui, sheet, &shown, actions));
}

/// Rebuilds the grids when the project's documents and participants were re-read.
fn refresh(wb: &mut Workbench) {
    if wb.sheet.is_current(wb.generation) {
        return;
    }
    let names = match crate::store::attributes::names(wb.project.conn()) {
        Ok(names) => names,
        Err(err) => {
            wb.sheet.note = Some(err.to_string());
            Vec::new()
        }
    };
    let of = |scope: AttributeScope| -> Vec<String> {
        names.iter().filter(|(_, s)| *s == scope).map(|(n, _)| n.clone()).collect()
    };
    let people = wb.participants.iter().map(|p| SheetRow { owner: p.label.clone(), values: p.attributes.clone() });
    let docs = wb.documents.iter().map(|d| SheetRow { owner: d.name.clone(), values: d.attributes.clone() });
    let participants = Grid::new(AttributeScope::Participant, of(AttributeScope::Participant), people.collect());
    let documents = Grid::new(AttributeScope::Document, of(AttributeScope::Document), docs.collect());
    wb.sheet.set_grids(wb.generation, participants, documents);
}

fn header_ui(ui: &mut Ui, sheet: &mut SheetState, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.heading("Classification sheet");
        ui.add_space(12.0);
        for tab in [Tab::Participants, Tab::Documents] {
            if ui.selectable_label(sheet.tab == tab, sheet.tab_label(tab)).clicked() {
                sheet.switch(tab);
            }
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui.button("Back to the document").clicked() {
                actions.push(Action::ShowDocument);
            }
        });
    });
}

fn toolbar_ui(ui: &mut Ui, sheet: &mut SheetState, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Filter rows");
        let edit = egui::TextEdit::singleline(&mut sheet.filter).hint_text("text in any cell").desired_width(160.0);
        ui.add(edit).labelled_by(label.id);
        let mut cleared = None;
        for (column, value) in &sheet.column_filters {
            let shown = if value.is_empty() { "(empty)" } else { value.as_str() };
            let chip = ui.button(format!("{column} = {shown}  ×")).on_hover_text("Show every value again");
            if chip.clicked() {
                cleared = Some(column.clone());
            }
        }
        if let Some(column) = cleared {
            sheet.column_filters.remove(&column);
        }
        ui.separator();
        let label = ui.label("New attribute");
        let edit = egui::TextEdit::singleline(&mut sheet.new_column).hint_text("name").desired_width(110.0);
        let response = ui.add(edit).labelled_by(label.id);
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Add column").on_hover_text("A new column; it is saved with its first value").clicked() || entered
        {
            sheet.note = sheet.add_column().err();
        }
        ui.separator();
        let fill = ui.add_enabled(sheet.selected.is_some(), egui::Button::new("Fill down")).on_hover_text(
            "Copy the selected cell's value to the cells below it as shown, or to the range selected with Shift+click",
        );
        if fill.clicked() {
            match sheet.fill_down() {
                Ok(command) => {
                    sheet.note = None;
                    actions.push(Action::Edit(command));
                }
                Err(why) => sheet.note = Some(why),
            }
        }
        ui.separator();
        if ui.button("Import CSV…").on_hover_text("Set the values of a sheet file (one undoable step)").clicked() {
            actions.push(Action::ImportSheetDialog);
        }
        let export = ui.button("Export CSV…").on_hover_text("Write this sheet as `fieldcode attributes --export` does");
        if export.clicked() {
            actions.push(Action::ExportSheetDialog);
        }
    });
}

fn rename_ui(ui: &mut Ui, sheet: &mut SheetState, actions: &mut Vec<Action>) {
    let Some(renaming) = &mut sheet.renaming else { return };
    let mut finish = None;
    ui.horizontal(|ui| {
        let label = ui.label(format!("Rename the column {:?} to", renaming.from));
        let edit = egui::TextEdit::singleline(&mut renaming.to).hint_text(renaming.from.as_str()).desired_width(160.0);
        let response = ui.add(edit).labelled_by(label.id);
        if std::mem::take(&mut renaming.focus) {
            response.request_focus();
        }
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Rename").clicked() || entered {
            finish = Some(true);
        }
        if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            finish = Some(false);
        }
    });
    match finish {
        Some(true) => match sheet.finish_rename() {
            Ok(command) => {
                sheet.note = None;
                actions.extend(command.map(Action::Edit));
            }
            Err(why) => sheet.note = Some(why),
        },
        Some(false) => sheet.renaming = None,
        None => {}
    }
}

fn grid_ui(ui: &mut Ui, sheet: &mut SheetState, shown: &[usize], actions: &mut Vec<Action>) {
    let columns = sheet.columns();
    let row_height = ui.spacing().interact_size.y + 4.0;
    let mut table = TableBuilder::new(ui)
        .id_salt(("sheet", sheet.tab))
        .striped(true)
        .resizable(true)
        .auto_shrink([false, false])
        .cell_layout(Layout::left_to_right(Align::Center))
        .column(Column::auto().at_least(120.0).resizable(true))
        .columns(Column::auto().at_least(MIN_COLUMN).clip(true).resizable(true), columns.len());
    if let Some(owner) = sheet.reveal.take() {
        let grid = sheet.grid();
        if let Some(position) = shown.iter().position(|&i| grid.rows[i].owner == owner) {
            table = table.scroll_to_row(position, Some(Align::Center));
        }
        if let Some(column) = columns.first() {
            sheet.selected = Some(CellRef { owner, column: column.clone() });
            sheet.range_end = None;
            sheet.editing = None;
        }
    }
    table
        .header(row_height, |mut header| {
            header.col(|ui| column_header_ui(ui, sheet, None));
            for column in &columns {
                header.col(|ui| column_header_ui(ui, sheet, Some(column)));
            }
        })
        .body(|body| {
            body.rows(row_height, shown.len(), |mut row| {
                let position = row.index();
                let index = shown[position];
                let owner = sheet.grid().rows[index].owner.clone();
                row.col(|ui| {
                    ui.add(egui::Label::new(RichText::new(&owner).strong()).truncate());
                });
                for column in &columns {
                    row.col(|ui| cell_ui(ui, sheet, shown, (position, index, &owner), column, actions));
                }
            });
        });
}

/// A column's heading: click sorts by it; its menu sorts, filters and renames.
fn column_header_ui(ui: &mut Ui, sheet: &mut SheetState, column: Option<&String>) {
    let name = column.map_or(sheet.tab.owner_heading(), |c| c.as_str());
    let arrow = match (sheet.sort.column.as_ref() == column, sheet.sort.descending) {
        (true, false) => " ⏶",
        (true, true) => " ⏷",
        (false, _) => "",
    };
    let button = egui::Button::new(RichText::new(format!("{name}{arrow}")).strong()).frame(false);
    let response = ui.add(button).on_hover_text("Click to sort; right-click to rename or filter");
    if response.clicked() {
        sheet.sort_by(column.cloned());
    }
    response.context_menu(|ui| {
        if ui.button("Sort A to Z").clicked() {
            sheet.sort = super::sheet_state::SortBy { column: column.cloned(), descending: false };
            ui.close();
        }
        if ui.button("Sort Z to A").clicked() {
            sheet.sort = super::sheet_state::SortBy { column: column.cloned(), descending: true };
            ui.close();
        }
        let Some(column) = column else { return };
        ui.menu_button("Show only…", |ui| {
            for value in sheet.values_of(column) {
                let text = if value.is_empty() { "(empty)".to_owned() } else { value.clone() };
                if ui.button(text).clicked() {
                    sheet.column_filters.insert(column.clone(), value);
                    ui.close();
                }
            }
        });
        if sheet.column_filters.contains_key(column) && ui.button("Show every value").clicked() {
            sheet.column_filters.remove(column);
            ui.close();
        }
        if ui.button("Rename…").clicked() {
            sheet.renaming = Some(Renaming::of(column));
            ui.close();
        }
    });
}

/// One cell: its value (a click edits it), or the editor while it is being edited.
fn cell_ui(
    ui: &mut Ui,
    sheet: &mut SheetState,
    shown: &[usize],
    (position, index, owner): (usize, usize, &str),
    column: &str,
    actions: &mut Vec<Action>,
) {
    let editing_here = sheet.editing.as_ref().is_some_and(|e| e.cell.owner == owner && e.cell.column == column);
    if editing_here {
        editor_ui(ui, sheet, owner, column, actions);
        return;
    }
    let value = sheet.grid().value(index, column).to_owned();
    let selected = sheet.in_selection(shown, position, column);
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), ui.available_height()), Sense::click());
    let label = format!("{column} of {owner}: {value}");
    let enabled = ui.is_enabled();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, &label));
    let visuals = ui.visuals();
    if selected {
        ui.painter().rect_filled(rect, 2.0, visuals.selection.bg_fill.gamma_multiply(0.5));
    } else if response.hovered() {
        ui.painter().rect_filled(rect, 2.0, visuals.widgets.hovered.weak_bg_fill);
    }
    let font = egui::TextStyle::Body.resolve(ui.style());
    ui.painter().with_clip_rect(rect).text(
        rect.left_center() + egui::vec2(4.0, 0.0),
        egui::Align2::LEFT_CENTER,
        &value,
        font,
        visuals.text_color(),
    );
    let response = if value.is_empty() { response } else { response.on_hover_text(&value) };
    if response.clicked() {
        let extend = ui.input(|i| i.modifiers.shift);
        let cell = CellRef { owner: owner.to_owned(), column: column.to_owned() };
        actions.extend(sheet.click(cell, extend).map(Action::Edit));
    }
}

fn editor_ui(ui: &mut Ui, sheet: &mut SheetState, owner: &str, column: &str, actions: &mut Vec<Action>) {
    let Some(editing) = &mut sheet.editing else { return };
    let id = egui::Id::unique(("sheet-edit", owner, column));
    let output = egui::TextEdit::singleline(&mut editing.text).id(id).desired_width(f32::INFINITY).show(ui);
    let response = output.response.response.clone();
    ui.ctx().accesskit_node_builder(response.id, |node| node.set_label(format!("Edit {column} of {owner}")));
    if editing.focus {
        editing.focus = false;
        response.request_focus();
        let mut state = output.state;
        state.cursor.set_char_range(Some(egui::text::CCursorRange::select_all_str(&editing.text)));
        state.store(ui.ctx(), id);
        return;
    }
    if response.lost_focus() {
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            sheet.cancel();
        } else {
            actions.extend(sheet.commit().map(Action::Edit));
        }
    }
}
