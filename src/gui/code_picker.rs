//! A searchable list of codes for menus and combo boxes (merge into, move under, recode as,
//! autocode with): a box to type into filters the codes by path, so a codebook of hundreds of
//! codes is never a flat list to scroll through. The typed filter lives in egui's memory under
//! the picker's id, so each picker keeps its own.

use egui::{Id, Ui};

use super::workbench::Workbench;
use crate::model::CodeId;

/// Codes listed at most; typing narrows the rest.
const LISTED: usize = 40;

/// Draws the filter box and the matching codes (leaving out `exclude`); returns the code
/// clicked. `salt` tells pickers apart.
pub fn code_picker_ui(
    ui: &mut Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    wb: &Workbench,
    exclude: &dyn Fn(CodeId) -> bool,
) -> Option<CodeId> {
    let id = Id::unique(("code-picker", salt));
    let mut filter: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_default();
    let label = ui.label("Find");
    let response =
        ui.add(egui::TextEdit::singleline(&mut filter).hint_text("type part of a code's name").desired_width(240.0));
    let response = response.labelled_by(label.id);
    if response.changed() {
        ui.data_mut(|d| d.insert_temp(id, filter.clone()));
    }
    let matches: Vec<(CodeId, String)> = if filter.trim().is_empty() {
        wb.codes.iter().map(|c| (c.id, c.path.clone())).collect()
    } else {
        wb.find_codes(&filter).into_iter().map(|c| (c.id, c.path.clone())).collect()
    };
    let matches: Vec<&(CodeId, String)> = matches.iter().filter(|(c, _)| !exclude(*c)).collect();
    let mut picked = None;
    egui::ScrollArea::vertical().id_salt(id.with("list")).max_height(280.0).show(ui, |ui| {
        for (code, path) in matches.iter().take(LISTED) {
            if ui.button(path.as_str()).clicked() {
                picked = Some(*code);
            }
        }
        if matches.len() > LISTED {
            ui.weak(format!("{} more: type to narrow", matches.len() - LISTED));
        }
        if matches.is_empty() {
            ui.weak("No code matches.");
        }
    });
    if picked.is_some() {
        ui.data_mut(|d| d.remove::<String>(id));
    }
    picked
}
