//! The centre when a document is open: the quick-code bar, the document's heading with the
//! stripes' coder choice, and the viewer. Builds the viewer's context from the workbench.

use std::collections::HashMap;

use egui::Ui;

use super::action::Action;
use super::quick_bar;
use super::stripes::{StripeCoders, StripeContext};
use super::viewer::{self, ViewerContext};
use super::workbench::Workbench;
use crate::model::CodeId;

/// The reader's preferences the viewer follows.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    pub font_size: f32,
    pub snap_words: bool,
    pub speaker_width: f32,
}

pub fn document_ui(ui: &mut Ui, wb: &mut Workbench, reading: Reading, actions: &mut Vec<Action>) {
    if wb.view.is_none() {
        ui.centered_and_justified(|ui| ui.weak("Choose a document on the left to read and code it."));
        return;
    }
    if wb.edit_mode {
        super::paragraph_editor::edit_bar_ui(ui, wb.editing.as_ref(), actions);
    } else {
        quick_bar::show(ui, wb, actions);
    }
    ui.separator();
    heading_ui(ui, wb);
    // The view is lent out for the frame, so the context below can borrow the rest of the
    // workbench (colours, code names, memos) instead of copying it.
    let Some(mut view) = wb.view.take() else { return };
    let mut editing = wb.editing.take();
    let names: HashMap<CodeId, (&str, &str, usize)> =
        wb.codes.iter().enumerate().map(|(rank, c)| (c.id, (c.name.as_str(), c.path.as_str(), rank))).collect();
    let code_color = |id: CodeId| wb.code_color(id);
    let code_name = |id: CodeId| names.get(&id).map_or(("?", "?"), |n| (n.0, n.1));
    let code_rank = |id: CodeId| names.get(&id).map_or(usize::MAX, |n| n.2);
    let stripes = StripeContext {
        coders: wb.stripe_coders,
        code_color: &code_color,
        code_name: &code_name,
        code_rank: &code_rank,
        memos: &wb.coding_memos,
    };
    let text_len = view.chars.char_len();
    let player = wb.player.as_ref().filter(|p| p.document == view.id);
    let cx = ViewerContext {
        selection: wb.selection,
        font_size: reading.font_size,
        code_color: &code_color,
        stripes,
        snap_words: reading.snap_words,
        speaker_width: reading.speaker_width,
        editable: wb.edit_mode,
        playing: player.filter(|p| p.playing()).and_then(|p| p.playing_span(text_len)),
        play_times: player.is_some_and(|p| p.player.is_some()),
    };
    viewer::show(ui, &mut view, &cx, editing.as_mut(), actions);
    wb.view = Some(view);
    wb.editing = editing;
}

/// The document's name and size, and whose codings the stripes show.
fn heading_ui(ui: &mut Ui, wb: &mut Workbench) {
    let Some(view) = &wb.view else { return };
    let coders = &view.coders;
    ui.horizontal(|ui| {
        ui.heading(&view.name);
        ui.weak(format!("{} paragraphs · {} codings", view.paragraphs.len(), view.codings.len()));
        ui.separator();
        let label = ui.label("Stripes");
        let shown = match wb.stripe_coders {
            StripeCoders::Everyone => "everyone".to_owned(),
            StripeCoders::Hidden => "hidden".to_owned(),
            StripeCoders::One(id) => coders.iter().find(|c| c.0 == id).map_or("?".to_owned(), |c| c.1.clone()),
        };
        egui::ComboBox::from_id_salt("stripe-coders")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut wb.stripe_coders, StripeCoders::Everyone, "everyone");
                for (id, name) in coders {
                    ui.selectable_value(&mut wb.stripe_coders, StripeCoders::One(*id), name);
                }
                ui.selectable_value(&mut wb.stripe_coders, StripeCoders::Hidden, "hidden");
            })
            .response
            .labelled_by(label.id);
    });
}
