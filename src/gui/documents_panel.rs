//! The left panel: documents grouped by kind, filtered by text and by one attribute value, and
//! the participants with their roles.

use std::collections::BTreeSet;

use egui::Ui;

use super::action::Action;
use super::workbench::Workbench;
use crate::model::{AttributeScope, DocumentKind};

pub fn show(ui: &mut Ui, wb: &mut Workbench, actions: &mut Vec<Action>) {
    ui.heading("Documents");
    ui.horizontal(|ui| {
        let label = ui.label("Filter");
        let edit = egui::TextEdit::singleline(&mut wb.filter.text).hint_text("name, speaker or attribute");
        ui.add(edit).labelled_by(label.id);
    });
    attribute_filter(ui, wb);
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("documents")
        .auto_shrink([false, true])
        .max_height(ui.available_height() * 0.65)
        .show(ui, |ui| {
            document_groups(ui, wb, actions);
        });
    ui.separator();
    participants(ui, wb, actions);
}

fn attribute_filter(ui: &mut Ui, wb: &mut Workbench) {
    let names: BTreeSet<&String> = wb.documents.iter().flat_map(|d| d.attributes.keys()).collect();
    if names.is_empty() {
        return;
    }
    let current = wb.filter.attribute.clone();
    let shown = current.as_ref().map(|(n, v)| format!("{n} = {v}")).unwrap_or_else(|| "All documents".into());
    let mut chosen = current.clone();
    let combo = egui::ComboBox::from_id_salt("attribute-filter").selected_text(shown).width(ui.available_width() - 8.0);
    let response = combo.show_ui(ui, |ui| {
        ui.selectable_value(&mut chosen, None, "All documents");
        for name in names {
            let values: BTreeSet<&String> = wb.documents.iter().filter_map(|d| d.attributes.get(name)).collect();
            ui.label(egui::RichText::new(name.as_str()).weak());
            for value in values {
                ui.selectable_value(&mut chosen, Some((name.clone(), value.clone())), format!("  {value}"));
            }
        }
    });
    // Screen readers name it by what it filters.
    response.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Documents with attribute"));
    if chosen != current {
        wb.filter.attribute = chosen;
    }
}

fn document_groups(ui: &mut Ui, wb: &Workbench, actions: &mut Vec<Action>) {
    let docs = wb.filtered_documents();
    if docs.is_empty() {
        ui.weak(if wb.documents.is_empty() {
            "No documents yet. Drop files or folders here, or use File > Import."
        } else {
            "No document matches the filter."
        });
    }
    let open = wb.view.as_ref().map(|v| v.id);
    for kind in DocumentKind::ALL {
        let group: Vec<_> = docs.iter().filter(|d| d.kind == kind).collect();
        if group.is_empty() {
            continue;
        }
        egui::CollapsingHeader::new(format!("{} ({})", kind.plural_label(), group.len()))
            .id_salt(kind.as_str())
            .default_open(true)
            .show(ui, |ui| {
                for doc in group {
                    let tip = doc
                        .attributes
                        .iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .chain((!doc.speakers.is_empty()).then(|| format!("speakers: {}", doc.speakers.join(", "))))
                        .collect::<Vec<_>>()
                        .join("\n");
                    let response = ui.selectable_label(open == Some(doc.id), &doc.name);
                    let response = if tip.is_empty() { response } else { response.on_hover_text(tip) };
                    if response.clicked() {
                        actions.push(Action::OpenDocument(doc.id));
                    }
                    response.context_menu(|ui| {
                        if ui.button("Attributes…").clicked() {
                            let owner = doc.name.clone();
                            actions.push(Action::ShowSheetFor { scope: AttributeScope::Document, owner });
                            ui.close();
                        }
                    });
                }
            });
    }
}

fn participants(ui: &mut Ui, wb: &Workbench, actions: &mut Vec<Action>) {
    egui::CollapsingHeader::new(format!("Participants ({})", wb.participants.len())).id_salt("participants").show(
        ui,
        |ui| {
            egui::ScrollArea::vertical().id_salt("participants-list").auto_shrink([false, true]).show(ui, |ui| {
                for p in &wb.participants {
                    let role = p.attributes.get("role").map(String::as_str).unwrap_or("");
                    // Labels that do not take clicks, so a right click anywhere on the row opens its menu.
                    ui.horizontal(|ui| {
                        ui.add(egui::Label::new(egui::RichText::new(&p.label).strong()).selectable(false));
                        ui.add(egui::Label::new(egui::RichText::new(role).weak()).selectable(false));
                    })
                    .response
                    .interact(egui::Sense::click())
                    .on_hover_text(format!("{} turns in {}", p.turns, p.documents.join(", ")))
                    .context_menu(|ui| {
                        if ui.button("Attributes…").clicked() {
                            let owner = p.label.clone();
                            actions.push(Action::ShowSheetFor { scope: AttributeScope::Participant, owner });
                            ui.close();
                        }
                        if ui.button("Rename speaker…").clicked() {
                            actions.push(Action::RenameSpeakerDialog(p.id));
                            ui.close();
                        }
                    });
                }
            });
        },
    );
}
