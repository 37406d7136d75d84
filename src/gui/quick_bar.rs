//! The bar above the document: the quick-code buttons (keys 1–9), a box to find a code by typing
//! (Enter applies the best match, or creates the code when none matches), and in-vivo coding.

use egui::{Sense, Ui, vec2};

use super::action::Action;
use super::workbench::Workbench;

pub fn show(ui: &mut Ui, wb: &mut Workbench, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        let enabled = wb.selection.is_some();
        for (slot, &code) in wb.quick.iter().enumerate() {
            let (rect, _) = ui.allocate_exact_size(vec2(6.0, 16.0), Sense::hover());
            ui.painter().rect_filled(rect, 1.0, wb.code_color(code));
            let name = wb.code(code).map(|c| c.name.as_str()).unwrap_or("?");
            let button = ui.add_enabled(enabled, egui::Button::new(format!("{} {name}", slot + 1)));
            if button.clicked() {
                actions.push(Action::QuickCode(slot));
            }
        }
        ui.separator();
        finder(ui, wb, actions);
        if ui
            .add_enabled(enabled, egui::Button::new("In vivo"))
            .on_hover_text("Create a code named after the selection and apply it (Ctrl+I)")
            .clicked()
        {
            actions.push(Action::InVivo);
        }
    });
}

fn finder(ui: &mut Ui, wb: &mut Workbench, actions: &mut Vec<Action>) {
    let label = ui.label("Code");
    let edit = egui::TextEdit::singleline(&mut wb.finder).hint_text("type to find (Ctrl+E)").desired_width(160.0);
    let response = ui.add(edit).labelled_by(label.id);
    if std::mem::take(&mut wb.finder_focus) {
        response.request_focus();
    }
    let query = wb.finder.trim().to_owned();
    if query.is_empty() {
        return;
    }
    let hits: Vec<(i64, String)> = wb.find_codes(&query).into_iter().take(6).map(|c| (c.id, c.path.clone())).collect();
    let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    if enter && wb.selection.is_some() {
        actions.push(match hits.first() {
            Some((id, _)) => Action::ApplyCode(*id),
            None => Action::CreateCodeAndApply(query.clone()),
        });
        wb.finder.clear();
        return;
    }
    ui.weak(match hits.first() {
        Some((_, path)) => format!("Enter: {path}"),
        None => format!("Enter: new code \"{query}\""),
    });
}
