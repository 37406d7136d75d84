//! Resolving disagreements between coders (`fieldcode::team::resolve`): each decision is one
//! `ResolveSpan` command that makes the coders agree on the span and undoes as one step.

use fieldcode::Project;
use fieldcode::coding::{self, Command, SpanRef};
use fieldcode::store::{coders, codes, codings, documents};
use fieldcode::team::{Disagreement, DisagreementRequest, Resolution, disagreements, resolution_command};

use crate::team_support::{code, coding, project_with};

const TEXT: &str =
    "Zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen.";

fn study() -> Project {
    let p = project_with(None, &[("D", TEXT)]);
    coding(&p, "D", "Theme/A", "rosa", 10, 40);
    coding(&p, "D", "Theme/A", "sam", 20, 60);
    code(&p, "Theme/B");
    p
}

fn differences(p: &Project) -> Vec<Disagreement> {
    let request = DisagreementRequest { coders: vec!["rosa".into(), "sam".into()], ..Default::default() };
    disagreements(p.conn(), &request).unwrap()
}

/// The (start, end) of a coder's codings of a code, in order.
fn spans(p: &Project, path: &str, coder: &str) -> Vec<(usize, usize)> {
    let conn = p.conn();
    let filter = codings::CodingFilter {
        document: None,
        codes: Some(vec![codes::id_by_path(conn, path).unwrap()]),
        coder: Some(coders::find(conn, coder).unwrap().unwrap()),
    };
    let mut out: Vec<(usize, usize)> = codings::list(conn, &filter).unwrap().iter().map(|c| (c.start, c.end)).collect();
    out.sort_unstable();
    out
}

fn resolve(p: &mut Project, d: &Disagreement, r: Resolution) -> String {
    let command = resolution_command(p.conn(), d, &r).unwrap();
    coding::apply(p, "lead", command).unwrap().summary
}

#[test]
fn neither_trims_the_coders_who_coded_the_span_and_undo_restores_them() {
    let mut p = study();
    let found = differences(&p);
    assert_eq!(found.iter().map(|d| (d.start, d.end)).collect::<Vec<_>>(), vec![(10, 20), (40, 60)]);
    let summary = resolve(&mut p, &found[0], Resolution::Neither);
    assert!(summary.contains("uncoded for rosa"), "{summary}");
    assert_eq!(spans(&p, "Theme/A", "rosa"), vec![(20, 40)]);
    assert_eq!(spans(&p, "Theme/A", "sam"), vec![(20, 60)]);
    assert_eq!(differences(&p).len(), 1);
    coding::undo(&mut p).unwrap().expect("one step to undo");
    assert_eq!(spans(&p, "Theme/A", "rosa"), vec![(10, 40)]);
    assert_eq!(differences(&p), found);
}

#[test]
fn accepting_a_coder_gives_everyone_that_coders_reading() {
    let mut p = study();
    let found = differences(&p);
    // rosa did not code 40..60: accepting hers uncodes it for sam.
    resolve(&mut p, &found[1], Resolution::Accept("rosa".into()));
    assert_eq!(spans(&p, "Theme/A", "sam"), vec![(20, 40)]);
    // rosa coded 10..20: accepting hers codes it for sam too.
    resolve(&mut p, &found[0], Resolution::Accept("rosa".into()));
    assert_eq!(spans(&p, "Theme/A", "sam"), vec![(10, 20), (20, 40)]);
    assert!(differences(&p).is_empty());
    assert_eq!(spans(&p, "Theme/A", "rosa"), vec![(10, 40)]);
}

#[test]
fn accepting_both_codes_the_span_for_the_coders_who_had_not() {
    let mut p = study();
    let found = differences(&p);
    let summary = resolve(&mut p, &found[1], Resolution::Both);
    assert!(summary.contains("coded for rosa"), "{summary}");
    assert_eq!(spans(&p, "Theme/A", "rosa"), vec![(10, 40), (40, 60)]);
    assert_eq!(differences(&p).len(), 1);
}

#[test]
fn uncoding_the_middle_of_a_coding_splits_it_and_one_undo_joins_it_again() {
    let mut p = study();
    let conn = p.conn();
    let span = SpanRef {
        document: documents::id_by_name(conn, "D").unwrap(),
        code: codes::id_by_path(conn, "Theme/A").unwrap(),
        start: 25,
        end: 30,
    };
    let rosa = coders::find(conn, "rosa").unwrap().unwrap();
    let sam = coders::find(conn, "sam").unwrap().unwrap();
    coding::apply(&mut p, "lead", Command::ResolveSpan { span, coded: vec![], uncoded: vec![rosa, sam] }).unwrap();
    assert_eq!(spans(&p, "Theme/A", "rosa"), vec![(10, 25), (30, 40)]);
    assert_eq!(spans(&p, "Theme/A", "sam"), vec![(20, 25), (30, 60)]);
    coding::undo(&mut p).unwrap().expect("one step to undo");
    assert_eq!(spans(&p, "Theme/A", "rosa"), vec![(10, 40)]);
    assert_eq!(spans(&p, "Theme/A", "sam"), vec![(20, 60)]);
    coding::redo(&mut p).unwrap().expect("and redo");
    assert_eq!(spans(&p, "Theme/A", "rosa"), vec![(10, 25), (30, 40)]);
}

#[test]
fn bad_resolutions_are_refused_and_change_nothing() {
    let mut p = study();
    let found = differences(&p);
    let err = resolution_command(p.conn(), &found[0], &Resolution::Accept("nobody".into())).unwrap_err();
    assert!(err.to_string().contains("rosa, sam"), "{err}");
    let conn = p.conn();
    let rosa = coders::find(conn, "rosa").unwrap().unwrap();
    let span = SpanRef { document: found[0].document_id, code: found[0].code_id, start: 5, end: 10_000 };
    let before = (spans(&p, "Theme/A", "rosa"), coding::history(p.conn()).unwrap().len());
    assert!(coding::apply(&mut p, "lead", Command::ResolveSpan { span, coded: vec![rosa], uncoded: vec![] }).is_err());
    let span = SpanRef { end: 20, ..span };
    let both = Command::ResolveSpan { span, coded: vec![rosa], uncoded: vec![rosa] };
    assert!(coding::apply(&mut p, "lead", both).is_err());
    assert_eq!((spans(&p, "Theme/A", "rosa"), coding::history(p.conn()).unwrap().len()), before);
}
