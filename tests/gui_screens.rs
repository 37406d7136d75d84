//! Laptop screens: the workbench at 1366×768 and 1280×800 (the common laptop sizes) and at
//! 1024×700, driven headless. On each, the transcript keeps a readable text column, the bars and
//! toolbars stay inside the window, and the compare-coders text gets at least 40 % of the width.

use egui_kittest::kittest::Queryable;
use fieldcode::gui::Action;

use crate::gui_support::{H, app, app_as, open_demo_with, open_menu, settle};

const SIZES: [(f32, f32); 3] = [(1366.0, 768.0), (1280.0, 800.0), (1024.0, 700.0)];

/// The demo at `size` with interview INT01 open.
fn interview_at(dir: &std::path::Path, size: egui::Vec2) -> H {
    let mut h = open_demo_with(dir, app(), size);
    let id = h.state().workbench.as_ref().unwrap().documents.iter().find(|d| d.name == "INT01-LW02").unwrap().id;
    h.state_mut().queue(Action::OpenDocument(id));
    h.run_steps(4);
    h
}

/// The widest paragraph of the open document drawn on screen.
fn text_width(h: &H) -> f32 {
    paragraphs_width(h, h.state().workbench.as_ref().unwrap().view.as_ref().unwrap())
}

/// The widest of the first paragraphs of `view` drawn on screen.
fn paragraphs_width(h: &H, view: &fieldcode::gui::document_view::DocumentView) -> f32 {
    (0..view.paragraphs.len().min(12))
        .filter_map(|i| {
            let probe: String = view.paragraph_text(i).trim_start().chars().take(24).collect();
            h.query_all_by_label_contains(&probe).next().map(|n| n.rect().width())
        })
        .fold(0.0, f32::max)
}

/// The right edge of the widget labelled `label` (the rightmost, if several).
fn right_edge(h: &H, label: &str) -> f32 {
    let edges: Vec<f32> = h.get_all_by_label(label).map(|n| n.rect().right()).collect();
    assert!(!edges.is_empty(), "{label:?} is drawn");
    edges.into_iter().fold(0.0, f32::max)
}

#[test]
fn a_transcript_keeps_a_readable_column_and_the_bars_fit_on_laptop_screens() {
    for (w, ht) in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let h = interview_at(dir.path(), egui::vec2(w, ht));
        let text = text_width(&h);
        eprintln!("{w}x{ht}: text {text}");
        assert!(text >= 0.3 * w, "{w}×{ht}: the text column is {text} px wide");
        assert!(right_edge(&h, "Help") < w, "{w}×{ht}: the menu bar fits");
        assert!(right_edge(&h, "In vivo") < w, "{w}×{ht}: the quick bar fits");
        assert!(right_edge(&h, "Add") <= w, "{w}×{ht}: the codebook's Add button is inside the window");
    }
}

#[test]
fn hiding_both_side_panels_gives_the_text_the_window_and_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let size = egui::vec2(1024.0, 700.0);
    let mut h = interview_at(dir.path(), size);
    let before = text_width(&h);
    open_menu(&mut h, "View", "Show or hide the documents panel");
    open_menu(&mut h, "View", "Show or hide the codebook panel");
    h.run_steps(3);
    let after = text_width(&h);
    assert!(after > before + 200.0, "{before} -> {after}");
    assert!(h.query_by_label("Codebook").is_none() && h.query_by_label("Documents").is_none());
    let settings = h.state().settings.clone();
    assert!(!settings.show_documents && !settings.show_codebook, "kept in the settings");
}

#[test]
fn the_speaker_column_is_resized_by_dragging_its_edge() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = interview_at(dir.path(), egui::vec2(1366.0, 768.0));
    let edge = h.get_by_role_and_label(egui::accesskit::Role::Splitter, "Speaker column width").rect();
    let before = h.state().settings.speaker_width;
    crate::gui_support::drag(&mut h, edge.center(), edge.center() + egui::vec2(-50.0, 0.0));
    let after = h.state().settings.speaker_width;
    assert!(after < before - 30.0, "{before} -> {after}");
}

#[test]
fn the_analysis_controls_wrap_inside_the_window() {
    for (w, ht) in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = open_demo_with(dir.path(), app(), egui::vec2(w, ht));
        open_menu(&mut h, "View", "Analysis");
        settle(&mut h);
        let combos: Vec<f32> = h.get_all_by_role(egui::accesskit::Role::ComboBox).map(|n| n.rect().right()).collect();
        assert!(combos.len() >= 4, "unit, coder, grouping and codes");
        assert!(combos.iter().all(|&r| r <= w), "{w}×{ht}: a control is clipped: {combos:?}");
        assert!(right_edge(&h, "Chart as SVG…") <= w, "{w}×{ht}: the export buttons fit");
    }
}

#[test]
fn the_compare_text_keeps_forty_percent_of_the_width() {
    for (w, ht) in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = open_demo_with(dir.path(), app_as("lead"), egui::vec2(w, ht));
        open_menu(&mut h, "Team", "Compare coders…");
        let id = h.state().workbench.as_ref().unwrap().documents.iter().find(|d| d.name == "INT01-LW02").unwrap().id;
        h.state_mut().compare.as_mut().unwrap().set_document(id);
        h.run_steps(4);
        let view = &h.state().compare.as_ref().unwrap().doc.as_ref().expect("the document is shown").view;
        let text = paragraphs_width(&h, view);
        // The column runs from the document picker at its top left to the text's right edge
        // (coder stripes and speaker labels sit left of the text).
        let picker = h
            .get_all_by_role(egui::accesskit::Role::ComboBox)
            .find(|n| n.value().as_deref() == Some("INT01-LW02"))
            .expect("the document picker")
            .rect();
        let probe: String = view.paragraph_text(0).trim_start().chars().take(24).collect();
        let right = h.get_all_by_label_contains(&probe).next().unwrap().rect().right();
        let column = right - picker.left();
        assert!(column >= 0.4 * w, "{w}×{ht}: the compare column is {column} px of {w}");
        assert!(text >= 0.22 * w, "{w}×{ht}: the compare text is {text} px wide");
    }
}
