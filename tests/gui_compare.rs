//! The compare-coders view driven headless through egui_kittest on the demo study (coders rosa
//! and sam): open it from the Team menu, read the agreement table, pick a code and a document,
//! pick a disagreement and resolve it; the project changes as one undoable step.

use egui_kittest::kittest::Queryable;
use fieldcode::model::Span;
use fieldcode::store::{coders, codings};
use fieldcode::team::{AgreementRequest, Disagreement, DisagreementRequest, agreement, disagreements};

use crate::gui_support::{H, SCREEN, app_as, conn, open_demo_with, open_menu};

fn harness(dir: &std::path::Path) -> H {
    open_demo_with(dir, app_as("lead"), SCREEN)
}

/// Steps frames until the view's results are computed (they are, off the UI thread).
fn settle_compare(h: &mut H) {
    let start = std::time::Instant::now();
    h.run_steps(2);
    while h.state().compare.as_ref().is_some_and(|c| c.is_computing()) {
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "the agreement was not computed");
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.run_steps(2);
}

/// Opens Team > Compare coders… and waits for its results.
fn open_compare(h: &mut H) {
    open_menu(h, "Team", "Compare coders…");
    settle_compare(h);
}

fn rosa_and_sam(h: &H) -> Vec<Disagreement> {
    let request = DisagreementRequest { coders: vec!["rosa".into(), "sam".into()], ..Default::default() };
    disagreements(conn(h), &request).unwrap()
}

/// The parts of `span` that `coder` covers with codings of the disagreement's code.
fn covered(h: &H, d: &Disagreement, coder: &str) -> Vec<Span> {
    let conn = conn(h);
    let filter = codings::CodingFilter {
        document: Some(d.document_id),
        codes: Some(vec![d.code_id]),
        coder: Some(coders::find(conn, coder).unwrap().unwrap()),
    };
    codings::list(conn, &filter)
        .unwrap()
        .iter()
        .filter(|c| c.start < d.end && c.end > d.start)
        .map(|c| Span { start: c.start.max(d.start), end: c.end.min(d.end) })
        .collect()
}

/// Opens Team > Compare coders…, clicks the code's row and the first document listed for it,
/// then the first disagreement in that document; returns that disagreement.
fn pick_disagreement(h: &mut H, code: &str) -> Disagreement {
    open_compare(h);
    let state = h.state().compare.as_ref().expect("the compare view is shown");
    assert_eq!(state.chosen(), vec!["rosa".to_string(), "sam".to_string()]);
    let path = code.to_owned();
    let short = path.rsplit('/').next().unwrap().to_owned();
    h.get_by_label(&short).click();
    settle_compare(h);
    let focus = h.state().compare.as_ref().unwrap().focus;
    let code_id = fieldcode::store::codes::id_by_path(conn(h), &path).unwrap();
    assert_eq!(focus, Some(code_id), "clicking the row focuses the code");
    let on_code: Vec<Disagreement> = rosa_and_sam(h).into_iter().filter(|d| d.code_id == code_id).collect();
    assert!(!on_code.is_empty(), "the demo's coders differ on {path}");
    let first = on_code[0].clone();
    let count = on_code.iter().filter(|d| d.document_id == first.document_id).count();
    h.get_by_label(&format!("{} ({count})", first.document)).click();
    settle_compare(h);
    let title = format!("{short} · {}–{}", first.start, first.end);
    assert!(h.query_by_label(&title).is_some(), "the list shows {title}");
    let quote: String = first.excerpt.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(20).collect();
    h.get_all_by_label_contains(&quote).next().expect("the excerpt is listed").click();
    settle_compare(h);
    assert_eq!(h.state().compare.as_ref().unwrap().selected.as_ref(), Some(&first));
    first
}

#[test]
fn the_agreement_table_shows_the_librarys_coefficients() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    open_compare(&mut h);
    let request = AgreementRequest { coders: vec!["rosa".into(), "sam".into()], ..Default::default() };
    let report = agreement(conn(&h), &request).unwrap();
    assert!(h.query_by_label("(pooled)").is_some());
    let pooled = format!("{:.3}", report.pooled.cohen_kappa.unwrap());
    assert!(h.query_all_by_label(&pooled).next().is_some(), "pooled kappa {pooled} is shown");
    for row in &report.codes {
        let short = row.code.rsplit('/').next().unwrap();
        assert!(h.query_by_label(short).is_some(), "a row for {}", row.code);
    }
    let docs = rosa_and_sam(&h).iter().map(|d| d.document.clone()).collect::<std::collections::BTreeSet<_>>();
    assert_eq!(h.state().compare.as_ref().unwrap().documents_with_disagreements().len(), docs.len());
}

#[test]
fn neither_uncodes_the_span_for_everyone_and_undo_brings_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    let before = rosa_and_sam(&h);
    let d = pick_disagreement(&mut h, "Relationships with primary care/Practice champions");
    let coder = d.coded_by[0].clone();
    assert!(!covered(&h, &d, &coder).is_empty());
    h.get_by_label("Neither").click();
    settle_compare(&mut h);
    assert!(covered(&h, &d, &coder).is_empty(), "{coder}'s coding no longer covers the span");
    let after = rosa_and_sam(&h);
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.contains(&d));
    assert!(h.state().compare.as_ref().unwrap().all.iter().all(|x| x != &d), "the resolved item left the list");
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label("Undo").click();
    settle_compare(&mut h);
    assert_eq!(rosa_and_sam(&h), before);
    assert!(h.state().compare.as_ref().unwrap().all.contains(&d), "undo brings the item back");
}

#[test]
fn accepting_a_coders_reading_gives_it_to_the_other_coder() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    let before = rosa_and_sam(&h);
    let d = pick_disagreement(&mut h, "Working in liminal spaces/Belonging and identity");
    let (yes, no) = (d.coded_by[0].clone(), d.not_coded_by[0].clone());
    assert!(covered(&h, &d, &no).is_empty());
    h.get_by_label(&format!("Accept {yes}'s")).click();
    settle_compare(&mut h);
    assert_eq!(covered(&h, &d, &no), vec![Span { start: d.start, end: d.end }], "{no} now codes the span");
    assert_eq!(rosa_and_sam(&h).len(), before.len() - 1);
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label("Undo").click();
    settle_compare(&mut h);
    assert!(covered(&h, &d, &no).is_empty());
    assert_eq!(rosa_and_sam(&h), before);
}

#[test]
fn the_unit_and_the_coders_chosen_change_what_is_computed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    open_compare(&mut h);
    h.get_by_value("char").click();
    h.run_steps(2);
    h.get_by_label("turn").click();
    let mut seen_computing = false;
    for _ in 0..4 {
        h.step();
        seen_computing |= h.state().compare.as_ref().unwrap().is_computing();
    }
    assert!(seen_computing, "the new unit is computed off the UI thread");
    settle_compare(&mut h);
    let request = AgreementRequest {
        coders: vec!["rosa".into(), "sam".into()],
        unit: fieldcode::team::Unit::Turn,
        ..Default::default()
    };
    let expected = agreement(conn(&h), &request).unwrap();
    assert_eq!(h.state().compare.as_ref().unwrap().report.as_ref(), Some(&expected));
    assert!(h.query_by_label("Agreement (turn units)").is_some());
    let by_turn = DisagreementRequest {
        coders: vec!["rosa".into(), "sam".into()],
        unit: fieldcode::team::Unit::Turn,
        ..Default::default()
    };
    let by_turn = disagreements(conn(&h), &by_turn).unwrap();
    assert_ne!(by_turn, rosa_and_sam(&h), "the demo differs by turn and by character");
    assert_eq!(h.state().compare.as_ref().unwrap().all, by_turn, "the list follows the unit");
    h.get_by_value("FG1-northfield").click();
    h.run_steps(2);
    h.get_by_label("FN01-provider-office").click();
    settle_compare(&mut h);
    let doc = h.state().compare.as_ref().unwrap().doc.as_ref().expect("the picked document is shown");
    assert_eq!(doc.view.name, "FN01-provider-office");
    let id = doc.view.id;
    let all = codings::for_document(conn(&h), id).unwrap();
    let doc = h.state().compare.as_ref().unwrap().doc.as_ref().unwrap();
    assert_eq!(doc.view.codings.len(), all.len(), "every coding here is rosa's or sam's");
    for (coding, &(coder, _)) in doc.view.codings.iter().zip(&doc.lanes) {
        assert_eq!(coding.coder, ["rosa", "sam"][coder], "each coding sits in its coder's column");
    }
    h.get_by_label("sam").click();
    settle_compare(&mut h);
    let state = h.state().compare.as_ref().unwrap();
    assert!(state.report.is_none() && state.all.is_empty());
    assert!(h.query_by_label("Tick at least two coders to compare.").is_some());
}

#[test]
fn the_pooled_summary_names_every_coefficient_and_copies_a_methods_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    open_compare(&mut h);
    for name in ["Cohen's kappa", "Fleiss' kappa", "Gwet's AC1", "Brennan–Prediger kappa", "Krippendorff's alpha"] {
        assert!(h.query_by_label(name).is_some(), "the pooled summary names {name}");
    }
    let request = AgreementRequest { coders: vec!["rosa".into(), "sam".into()], ..Default::default() };
    let report = agreement(conn(&h), &request).unwrap();
    let ac1 = format!("{:.3}", report.pooled.gwet_ac1.unwrap());
    assert!(h.query_all_by_label(&ac1).next().is_some(), "pooled AC1 {ac1} is shown");
    for name in ["uα, all codes", "|uα, all codes", "cuα, all codes", "αu", "uα"] {
        assert!(h.query_by_label(name).is_some(), "the view names {name}");
    }
    let cu = format!("{:.3}", report.unitizing.cu_alpha.unwrap());
    assert!(h.query_all_by_label(&cu).next().is_some(), "cuα {cu} is shown");
    let row = report.codes.iter().find(|c| c.u_alpha.is_some()).unwrap();
    let u = format!("{:.3}", row.u_alpha.unwrap());
    assert!(h.query_all_by_label(&u).next().is_some(), "{}'s uα {u} is shown", row.code);
    assert!(h.query_all_by_label_contains("NaN").next().is_none());
    h.get_by_label("Copy methods paragraph").scroll_to_me();
    settle_compare(&mut h);
    h.get_by_label("Copy methods paragraph").click();
    let mut copied = None;
    for _ in 0..200 {
        h.step();
        copied = h.output().platform_output.commands.iter().find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        });
        if copied.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let text = copied.expect("the paragraph reaches the clipboard");
    assert!(text.contains("rosa") && text.contains("sam"), "{text}");
    assert!(text.contains("Gwet's AC1") && text.contains("Krippendorff's alpha"), "{text}");
    assert!(text.contains("bootstrap resamples of the documents"), "the alpha interval is in: {text}");
    assert!(h.state().compare.as_ref().unwrap().methods.is_none(), "nothing is left pending");
}
