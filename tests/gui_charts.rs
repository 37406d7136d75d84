//! Charts for papers, driven headless through egui_kittest on the demo study: grouped heatmaps
//! fit the view as small multiples at a laptop's 1280×800, and an exported heatmap or frequency
//! chart is the whole chart rendered off screen (a 300 dpi PNG, or SVG) with its rules and
//! every group and code named, whatever the window shows.

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::kittest::{NodeT, Queryable};
use fieldcode::gui::Action;
use fieldcode::gui::chart_png::{Chart, svg_of};

use crate::gui_support::{H, message, open_demo, open_menu, settle};

fn demo_by_site(dir: &Path) -> H {
    let mut h = open_demo(dir);
    open_menu(&mut h, "View", "Analysis");
    h.state_mut().workbench.as_mut().unwrap().analysis.options.grouping = Some("site".into());
    settle(&mut h);
    h
}

/// Queues the export and steps frames until its worker has said how it went.
fn export(h: &mut H, chart: Chart, path: &Path) -> String {
    h.state_mut().message = None;
    h.state_mut().queue(Action::ExportChart { chart, path: path.to_path_buf() });
    let start = Instant::now();
    loop {
        h.step();
        let said = message(h);
        if said.contains("Saved the") || h.state().message.as_ref().is_some_and(|m| m.error) {
            return said;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "the export did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Short names of the shown codes and the labels of the matrices (groups, then across).
fn shown(h: &H) -> (Vec<String>, Vec<String>) {
    let analysis = &h.state().workbench.as_ref().unwrap().analysis;
    let (corpus, computed) = (analysis.corpus().unwrap(), analysis.computed.as_ref().unwrap());
    let names =
        computed.shown.iter().map(|&c| corpus.codes[c as usize].path.rsplit('/').next().unwrap().to_owned()).collect();
    let groups = computed.cooccurrence.groups.iter().chain(&computed.cooccurrence.across);
    (names, groups.map(|g| g.label.clone()).collect())
}

/// A name as the SVG writes it.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\'', "&apos;")
}

fn svg_size(svg: &str) -> (f64, f64) {
    let attr = |name: &str| -> f64 {
        let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[start..].split('"').next().unwrap().parse().unwrap()
    };
    (attr("width"), attr("height"))
}

#[test]
fn with_grouping_by_site_every_matrix_is_drawn_within_the_window_at_1280x800() {
    let dir = tempfile::tempdir().unwrap();
    let h = demo_by_site(dir.path());
    let (names, groups) = shown(&h);
    assert!(groups.len() >= 4, "{} matrices", groups.len());
    let width = 1280.0;
    let mut firsts = Vec::new();
    for group in &groups {
        let title = if group.is_empty() { "All codings" } else { group.as_str() };
        let cells: Vec<egui::Rect> = h
            .query_all_by_label_contains(" × ")
            .filter(|n| n.accesskit_node().label().is_some_and(|l| l.starts_with(&format!("{title}: "))))
            .map(|n| n.rect())
            .collect();
        assert_eq!(cells.len(), names.len() * names.len(), "{title}: one cell per pair");
        for rect in &cells {
            assert!(rect.min.x >= 0.0 && rect.max.x <= width, "{title}'s cell at {rect:?} is off screen");
        }
        firsts.push(cells[0]);
    }
    assert_eq!(firsts[0].min.y, firsts[1].min.y, "the first two matrices share a row of the grid");
    assert!(firsts[1].min.x > firsts[0].max.x);
    for name in &names {
        let drawn = h.query_all_by_label(name).count();
        assert!(drawn >= 2 * groups.len(), "{name} names a row and a column of every matrix ({drawn})");
    }
}

#[test]
fn the_heatmap_exports_whole_as_a_300_dpi_png_and_as_svg_with_its_rules_groups_and_codes() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_by_site(dir.path());
    let svg = svg_of(&h.state().workbench.as_ref().unwrap().analysis, Chart::Heatmap).unwrap();
    let (width, height) = svg_size(&svg);
    let png = dir.path().join("heatmap.png");
    let said = export(&mut h, Chart::Heatmap, &png);
    assert!(said.contains("PNG at 300 dpi") && said.contains("heatmap.png"), "{said}");
    let decoder = png::Decoder::new(std::io::Cursor::new(std::fs::read(&png).unwrap()));
    let info = decoder.read_info().unwrap().info().clone();
    assert_eq!(info.width, (width * 300.0 / 96.0).ceil() as u32, "the whole chart, at print resolution");
    assert_eq!(info.height, (height * 300.0 / 96.0).ceil() as u32);
    let (names, groups) = shown(&h);
    assert!(width > 2.0 * 38.0 * names.len() as f64, "more than one matrix per row: {width}");
    let svg_path = dir.path().join("heatmap.svg");
    let said = export(&mut h, Chart::Heatmap, &svg_path);
    assert!(said.contains("as SVG"), "{said}");
    let written = std::fs::read_to_string(&svg_path).unwrap();
    assert_eq!(written, svg, "the SVG is what the PNG was rendered from");
    let rules = h.state().workbench.as_ref().unwrap().analysis.rules_line().unwrap();
    assert!(written.contains(rules.trim_start_matches("# ").split("; by").next().unwrap()), "{rules}");
    for label in groups.iter().filter(|g| !g.is_empty()) {
        assert!(written.contains(&format!(">{label}")), "the group {label} is labelled");
    }
    for name in &names {
        let named = written.matches(&format!("<g><title>{}</title>", xml(name))).count();
        assert_eq!(named, 2 * groups.len(), "{name} names a row and a column of each matrix");
    }
}

#[test]
fn the_frequency_chart_exports_as_png_and_svg_with_every_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_by_site(dir.path());
    let said = export(&mut h, Chart::Frequencies, &dir.path().join("f.png"));
    assert!(said.contains("frequency chart") && said.contains("PNG"), "{said}");
    export(&mut h, Chart::Frequencies, &dir.path().join("f.svg"));
    let svg = std::fs::read_to_string(dir.path().join("f.svg")).unwrap();
    assert!(svg.contains("Codings per code") && svg.contains("coders: all"));
    for name in shown(&h).0 {
        assert!(svg.contains(&format!("<g><title>{}: ", xml(&name))), "{name} is named beside its bar");
    }
}

#[test]
fn the_svg_menu_entry_proposes_a_file_beside_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_by_site(dir.path());
    open_menu(&mut h, "View", "Export the heatmap as SVG…");
    // Headless there is no system dialog: Fieldcode's own chooser proposes the name.
    h.get_by_label("Save").click();
    h.run_steps(2);
    let start = Instant::now();
    while !message(&h).contains("Saved the") {
        assert!(start.elapsed() < Duration::from_secs(60), "{}", message(&h));
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    assert!(dir.path().join("demo-heatmap.svg").is_file(), "{}", message(&h));
}
