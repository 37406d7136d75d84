//! The coded-segments view: open it for a code from the codebook, filter it by a site and check
//! the count against SQL, move with the keyboard and open a segment (the document shows exactly
//! that span selected), and export what is shown, compared with the CLI's excerpt export.

use egui_kittest::kittest::Queryable;
use fieldcode::gui::action::Action;
use fieldcode::gui::workbench::Centre;
use fieldcode::model::Span;
use fieldcode::store::codes;

use crate::gui_support::{H, conn, context_menu, message, open_demo, open_menu};
use crate::util::{fieldcode, s};

/// The leaf code with most codings, and a site where some but not all of them lie.
fn busy_code_and_site(h: &H) -> (fieldcode::model::CodeNode, String) {
    let list = codes::list(conn(h)).unwrap();
    let is_parent = |id| list.iter().any(|c| c.parent_id == Some(id));
    let code = list.iter().filter(|c| !is_parent(c.id)).max_by_key(|c| c.codings).unwrap().clone();
    let site: String = conn(h)
        .query_row(
            "SELECT da.value FROM coding g
             JOIN document_attribute da ON da.document_id = g.document_id
             JOIN attribute a ON a.id = da.attribute_id AND a.name = 'site'
             WHERE g.code_id = ?1 GROUP BY da.value ORDER BY count(*) DESC LIMIT 1",
            [code.id],
            |r| r.get(0),
        )
        .unwrap();
    (code, site)
}

/// Identical spans of the code (several coders once), optionally only at `site`.
fn expected(h: &H, code: i64, site: Option<&str>) -> usize {
    conn(h)
        .query_row(
            "SELECT count(*) FROM (SELECT DISTINCT g.document_id, g.start, g.\"end\" FROM coding g
             WHERE g.code_id = ?1 AND (?2 IS NULL OR g.document_id IN (
               SELECT da.document_id FROM document_attribute da JOIN attribute a ON a.id = da.attribute_id
               WHERE a.name = 'site' AND da.value = ?2)))",
            (code, site),
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as usize
}

fn listed(h: &H) -> usize {
    h.state().workbench.as_ref().unwrap().retrieval.segments.len()
}

/// Opens the view for the code through its codebook menu, then filters it to `site`.
fn filtered_view(h: &mut H, code: &str, site: &str) {
    context_menu(h, code, "Show coded segments");
    assert_eq!(h.state().workbench.as_ref().unwrap().centre, Centre::Retrieval);
    h.get_by_label("Attribute: any").click();
    h.run_steps(2);
    h.get_by_label("site").click();
    h.run_steps(2);
    h.get_by_label(&format!("site = {site}")).click();
    h.run_steps(3);
}

#[test]
fn the_retrieval_view_with_a_filter_and_a_jump() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let (code, site) = busy_code_and_site(&h);
    context_menu(&mut h, &code.name, "Show coded segments");
    let all = expected(&h, code.id, None);
    assert_eq!(listed(&h), all, "every segment of the code, several coders' identical spans once");
    h.get_by_label_contains(&format!("{all} segments in"));

    filtered_view(&mut h, &code.name, &site);
    let at_site = expected(&h, code.id, Some(&site));
    assert!(at_site > 0 && at_site < all, "the site narrows the list: {at_site} of {all}");
    assert_eq!(listed(&h), at_site);
    h.get_by_label_contains(&format!("{at_site} segments in"));

    // The keyboard: Down makes the first segment current, Down again the second, Enter opens it.
    let second = {
        let state = &h.state().workbench.as_ref().unwrap().retrieval;
        state.shown().nth(1).unwrap().clone()
    };
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(1);
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    let wb = h.state().workbench.as_ref().unwrap();
    assert_eq!(wb.centre, Centre::Document);
    assert_eq!(wb.view.as_ref().unwrap().id, second.document_id);
    assert_eq!(wb.selection, Some(Span { start: second.start, end: second.end }));

    // Back to the list (the filter kept), and a click on the first segment's text.
    open_menu(&mut h, "View", "Coded segments");
    assert_eq!(listed(&h), at_site, "the filter is kept");
    let first = h.state().workbench.as_ref().unwrap().retrieval.shown().next().unwrap().clone();
    h.get_all_by_label(&first.text).next().expect("the whole text is shown").click();
    h.run_steps(3);
    let wb = h.state().workbench.as_ref().unwrap();
    assert_eq!(wb.centre, Centre::Document);
    assert_eq!(wb.view.as_ref().unwrap().id, first.document_id);
    assert_eq!(wb.selection, Some(Span { start: first.start, end: first.end }), "exactly that span is selected");
    assert_eq!(wb.selected_text(), Some(first.text.as_str()));
}

fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
}

#[test]
fn export_what_is_shown_writes_the_rows_the_cli_writes_for_the_same_filter() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let (code, site) = busy_code_and_site(&h);
    filtered_view(&mut h, &code.name, &site);
    let shown = listed(&h);

    // Several coders' identical spans are one row, naming them all, as listed.
    let merged = dir.path().join("merged.csv");
    h.state_mut().queue(Action::ExportSegments(merged.clone()));
    h.run_steps(3);
    assert!(message(&h).contains(&format!("Exported {shown} coded segments")), "{}", message(&h));
    assert_eq!(csv_rows(&merged).len(), shown + 1, "a header and one row per segment");

    // Each coder's coding apart: the CLI's rows for the same code and site, column for column.
    h.get_by_label("each coder's coding apart").click();
    h.run_steps(3);
    let apart = dir.path().join("apart.csv");
    h.state_mut().queue(Action::ExportSegments(apart.clone()));
    h.run_steps(3);
    let cli = dir.path().join("cli.csv");
    let project = dir.path().join("demo.fieldcode");
    let site_filter = format!("site={site}");
    fieldcode(&[
        "excerpts",
        s(&project),
        "--code",
        &code.path,
        "--where",
        &site_filter,
        "--format",
        "csv",
        "--out",
        s(&cli),
    ])
    .ok();
    let (gui_rows, cli_rows) = (csv_rows(&apart), csv_rows(&cli));
    assert_eq!(gui_rows.len(), listed(&h) + 1);
    assert!(gui_rows.len() > merged_len(&merged), "some spans were coded by both coders");
    assert_eq!(gui_rows, cli_rows);
}

fn merged_len(path: &std::path::Path) -> usize {
    csv_rows(path).len()
}
