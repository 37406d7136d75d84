//! Agreement: the interval implementation against a per-character reference implementation
//! (proptest), and `team::agreement` on real projects: missing coders, segment units, pooling.

use crate::team_support::{coding, project_with};
use fieldcode::model::Span;
use fieldcode::team::agreement::{AgreementRequest, Unit, agreement, char_tally, segment_tally};
use fieldcode::team::reliability::{Pattern, Tally, cohen_kappa, krippendorff_alpha_nominal, percent_agreement};
use proptest::prelude::*;

/// Reference: one unit per character, built from per-character arrays.
fn reference_chars(len: usize, coders: &[Option<Vec<Span>>]) -> Tally {
    let arrays: Vec<Option<Vec<bool>>> = coders
        .iter()
        .map(|c| {
            c.as_ref().map(|spans| {
                let mut covered = vec![false; len];
                for s in spans {
                    for slot in covered.iter_mut().take(s.end.min(len)).skip(s.start) {
                        *slot = true;
                    }
                }
                covered
            })
        })
        .collect();
    let units: Vec<Pattern> =
        (0..len).map(|i| arrays.iter().map(|a| a.as_ref().map(|a| u32::from(a[i]))).collect()).collect();
    Tally::from_units(&units)
}

/// Reference: one unit per segment, overlap checked character by character.
fn reference_segments(segments: &[Span], coders: &[Option<Vec<Span>>]) -> Tally {
    let units: Vec<Pattern> = segments
        .iter()
        .filter(|s| s.start < s.end)
        .map(|seg| {
            coders
                .iter()
                .map(|c| {
                    c.as_ref().map(|spans| {
                        let hit = (seg.start..seg.end).any(|i| spans.iter().any(|s| s.start <= i && i < s.end));
                        u32::from(hit)
                    })
                })
                .collect()
        })
        .collect();
    Tally::from_units(&units)
}

/// Equal up to summation order (both undefined, or within 1e-9).
fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (a, b) => a.is_none() && b.is_none(),
    }
}

fn spans_strategy() -> impl Strategy<Value = Vec<Span>> {
    prop::collection::vec((0usize..120, 1usize..40), 0..6)
        .prop_map(|v| v.into_iter().map(|(start, len)| Span { start, end: start + len }).collect())
}

fn coders_strategy() -> impl Strategy<Value = Vec<Option<Vec<Span>>>> {
    prop::collection::vec(prop::option::weighted(0.8, spans_strategy()), 2..5)
}

proptest! {
    #[test]
    fn interval_char_tally_equals_per_character_reference(len in 0usize..150, coders in coders_strategy()) {
        let fast = char_tally(len, &coders);
        let slow = reference_chars(len, &coders);
        prop_assert_eq!(&fast, &slow);
        prop_assert!(close(krippendorff_alpha_nominal(&fast), krippendorff_alpha_nominal(&slow)));
        prop_assert!(close(percent_agreement(&fast), percent_agreement(&slow)));
        prop_assert!(close(cohen_kappa(&fast, 0, 1), cohen_kappa(&slow, 0, 1)));
    }

    #[test]
    fn segment_tally_equals_reference(cuts in prop::collection::btree_set(0usize..150, 0..12), coders in coders_strategy()) {
        let cuts: Vec<usize> = cuts.into_iter().collect();
        let segments: Vec<Span> = cuts.windows(2).map(|w| Span { start: w[0], end: w[1] }).collect();
        prop_assert_eq!(segment_tally(&segments, &coders), reference_segments(&segments, &coders));
    }

    #[test]
    fn coefficients_are_never_nan(len in 0usize..60, coders in coders_strategy()) {
        let tally = char_tally(len, &coders);
        for value in [krippendorff_alpha_nominal(&tally), percent_agreement(&tally), cohen_kappa(&tally, 0, 1)].into_iter().flatten() {
            prop_assert!(value.is_finite());
        }
    }
}

const NOTE: &str = "The link worker phoned the surgery twice before anyone picked up the referral.";
const TRANSCRIPT: &str = "Interviewer: How do referrals reach you?\nLW1: Mostly from the GP, sometimes by phone.\nInterviewer: And then?\nLW1: I ring them within a week.\n";

fn request(coders: &[&str], code: Option<&str>, unit: Unit) -> AgreementRequest {
    AgreementRequest {
        coders: coders.iter().map(|c| c.to_string()).collect(),
        code: code.map(str::to_owned),
        unit,
        bootstrap: None,
    }
}

#[test]
fn character_agreement_matches_hand_counts() {
    let project = project_with(None, &[("note", NOTE), ("int", TRANSCRIPT)]);
    let len = NOTE.chars().count();
    coding(&project, "note", "Access/Phone", "Ana", 0, 40);
    coding(&project, "note", "Access/Phone", "Ben", 20, 40);
    let report = agreement(project.conn(), &request(&["Ana", "Ben"], None, Unit::Char)).unwrap();
    assert_eq!(report.documents, 1, "only the note was coded by both");
    assert_eq!(report.codes.len(), 1, "codes nobody applied are left out");
    let phone = &report.codes[0];
    assert_eq!(phone.code, "Access/Phone");
    assert_eq!(phone.coefficients.units, len as u64);
    assert_eq!(phone.coefficients.coded_units, vec![40, 20]);
    let expected = Tally::from_units(
        &(0..len).map(|i| vec![Some(u32::from(i < 40)), Some(u32::from((20..40).contains(&i)))]).collect::<Vec<_>>(),
    );
    assert_eq!(phone.coefficients.krippendorff_alpha, krippendorff_alpha_nominal(&expected));
    let pa = phone.coefficients.percent_agreement.unwrap();
    assert!((pa - 100.0 * (len - 20) as f64 / len as f64).abs() < 1e-9, "{pa}");
    assert_eq!(report.pooled, phone.coefficients, "one code: pooled equals it");
}

#[test]
fn a_coder_who_never_opened_a_document_is_missing_there() {
    let project = project_with(None, &[("note", NOTE), ("int", TRANSCRIPT)]);
    coding(&project, "note", "Access", "Ana", 0, 10);
    coding(&project, "note", "Access", "Ben", 0, 10);
    coding(&project, "int", "Access", "Ana", 0, 30);
    let report = agreement(project.conn(), &request(&["Ana", "Ben"], Some("Access"), Unit::Char)).unwrap();
    assert_eq!(report.codes[0].coefficients.percent_agreement, Some(100.0), "Ben's silence on int is not a 'no'");
    assert_eq!(report.codes[0].coefficients.cohen_kappa, Some(1.0));
}

#[test]
fn turn_units_and_pooling_over_codes() {
    let project = project_with(None, &[("int", TRANSCRIPT)]);
    // Turns: 0 "How do referrals reach you?", 1 "Mostly ...", 2 "And then?", 3 "I ring ...".
    let turns = fieldcode::store::documents::turns(project.conn(), 1).unwrap();
    assert_eq!(turns.len(), 4);
    let t = |i: usize| (turns[i].start, turns[i].end);
    coding(&project, "int", "Source/GP", "Ana", t(1).0, t(1).0 + 5);
    coding(&project, "int", "Source/GP", "Ben", t(1).1 - 3, t(1).1);
    coding(&project, "int", "Timing", "Ana", t(3).0, t(3).1);
    coding(&project, "int", "Timing", "Ben", t(2).0, t(2).1);
    let report = agreement(project.conn(), &request(&["Ana", "Ben"], None, Unit::Turn)).unwrap();
    let by_code = |p: &str| report.codes.iter().find(|c| c.code == p).unwrap().coefficients.clone();
    let gp = by_code("Source/GP");
    assert_eq!(gp.units, 4);
    assert_eq!(gp.percent_agreement, Some(100.0), "both coded inside turn 1");
    assert_eq!(gp.krippendorff_alpha, Some(1.0));
    let timing = by_code("Timing");
    assert_eq!(timing.percent_agreement, Some(50.0));
    assert_eq!(report.pooled.units, 8, "pooled over units × codes");
    assert_eq!(report.pooled.percent_agreement, Some(75.0));
}

#[test]
fn three_coders_have_pairwise_agreement_alpha_and_no_kappa() {
    let project = project_with(None, &[("note", NOTE)]);
    for (coder, end) in [("Ana", 30), ("Ben", 30), ("Cy", 10)] {
        coding(&project, "note", "Access", coder, 0, end);
    }
    let report = agreement(project.conn(), &request(&["Ana", "Ben", "Cy"], None, Unit::Char)).unwrap();
    assert!(report.pairwise);
    let c = &report.codes[0].coefficients;
    assert_eq!(c.cohen_kappa, None);
    assert!(c.krippendorff_alpha.is_some());
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["codes"][0]["cohen_kappa"].is_null());
}

#[test]
fn unknown_or_single_coders_are_refused() {
    let project = project_with(None, &[("note", NOTE)]);
    coding(&project, "note", "Access", "Ana", 0, 5);
    let err = agreement(project.conn(), &request(&["Ana", "Zed"], None, Unit::Char)).unwrap_err().to_string();
    assert!(err.contains("Zed") && err.contains("Ana"), "{err}");
    let err = agreement(project.conn(), &request(&["Ana", "Ana"], None, Unit::Char)).unwrap_err().to_string();
    assert!(err.contains("at least two"), "{err}");
}
