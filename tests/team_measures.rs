//! Agreement a methods section can report, on real projects: which codes the pooled row holds,
//! the document unit, the per-pair table and chance-corrected coefficients, the bootstrap, and
//! `disagreements` lining up with `agreement` by turn. Hand-made fixtures, hand-counted values.

use crate::team_support::{coding, project_with};
use fieldcode::team::agreement::{AgreementRequest, BootstrapSettings, Exclusion, Unit, agreement};
use fieldcode::team::chance::{brennan_prediger, fleiss_kappa, gwet_ac1};
use fieldcode::team::compare::{DisagreementRequest, disagreements};
use fieldcode::team::reliability::{Pattern, Tally, cohen_kappa, krippendorff_alpha_nominal};

const A: &str = "The link worker phoned the surgery twice before anyone picked up the referral.";
const B: &str = "Home visit: Mrs K showed me the leaflet from the walking group and said she was nervous.";
const C: &str = "Café group on Thursday; three new members came after the GP's referral letter.";
const TRANSCRIPT: &str = "Interviewer: How do referrals reach you?\nLW1: Mostly from the GP, sometimes by phone.\nInterviewer: And then?\nLW1: I ring them within a week.\n";

fn request(coders: &[&str], unit: Unit) -> AgreementRequest {
    AgreementRequest { coders: coders.iter().map(|c| c.to_string()).collect(), unit, ..Default::default() }
}

fn units(rows: &[(Pattern, u64)]) -> Tally {
    let mut tally = Tally::new();
    rows.iter().for_each(|(p, n)| tally.add(p.clone(), *n));
    tally
}

/// The case: Ana and Ben both code X in document A; Ana also applies Y and Z in document
/// B, which Ben never coded. Y and Z have A's units all "not coded" by both: no variation, left
/// out, and the pooled row is X's alone.
#[test]
fn codes_no_second_coder_could_meet_stay_out_of_the_pooled_row() {
    let project = project_with(None, &[("A", A), ("B", B)]);
    coding(&project, "A", "X", "Ana", 0, 30);
    coding(&project, "A", "X", "Ben", 10, 40);
    coding(&project, "B", "Y", "Ana", 0, 20);
    coding(&project, "B", "Z", "Ana", 5, 25);
    let report = agreement(project.conn(), &request(&["Ana", "Ben"], Unit::Char)).unwrap();
    let row = |code: &str| report.codes.iter().find(|c| c.code == code).unwrap();
    assert_eq!(row("X").left_out_of_pooled, None);
    for code in ["Y", "Z"] {
        assert_eq!(row(code).left_out_of_pooled, Some(Exclusion::OnlyWhereOneCoderCoded));
        assert_eq!(row(code).coefficients.percent_agreement, Some(100.0), "{code}: 'not coded' twice everywhere");
        assert_eq!(row(code).coefficients.krippendorff_alpha, None);
    }
    let left: Vec<&str> = report.left_out_of_pooled.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(left, ["Y", "Z"]);
    assert!(report.left_out_of_pooled[0].explanation.contains("no second coder"));
    assert_eq!(report.pooled_codes, 1);
    assert_eq!(report.pooled, row("X").coefficients, "pooled over X alone");
    // X by hand over A's 78 characters: 0..10 Ana only, 10..30 both, 30..40 Ben only, rest neither.
    let len = A.chars().count() as u64;
    let expected = units(&[
        (vec![Some(1), Some(0)], 10),
        (vec![Some(1), Some(1)], 20),
        (vec![Some(0), Some(1)], 10),
        (vec![Some(0), Some(0)], len - 40),
    ]);
    assert_eq!(report.pooled.krippendorff_alpha, krippendorff_alpha_nominal(&expected));
    assert_eq!(report.pooled.cohen_kappa, cohen_kappa(&expected, 0, 1));
}

#[test]
fn when_every_code_is_left_out_the_pooled_row_is_undefined_not_one() {
    let project = project_with(None, &[("A", A)]);
    let len = A.chars().count();
    for coder in ["Ana", "Ben"] {
        coding(&project, "A", "All", coder, 0, len);
    }
    let report = agreement(project.conn(), &request(&["Ana", "Ben"], Unit::Char)).unwrap();
    assert_eq!(report.codes[0].left_out_of_pooled, Some(Exclusion::CodedEverywhere));
    assert_eq!(report.pooled_codes, 0);
    let p = &report.pooled;
    assert_eq!(p.units, 0);
    for value in [p.percent_agreement, p.cohen_kappa, p.light_kappa, p.fleiss_kappa, p.gwet_ac1, p.krippendorff_alpha] {
        assert_eq!(value, None);
    }
    assert_eq!(p.brennan_prediger_kappa, None);
}

/// Document units: Ana and Ben coded all three documents (each has a "Seen" coding by both);
/// "Topic" is A: both, B: Ana only, C: neither. Units 3, agreement 2/3; by hand with
/// n = 6 values (n_1 = 3, n_0 = 3) and one disagreeing unit: alpha = 1 − 5 · 2 / (2 · 3 · 3).
#[test]
fn document_units_are_code_presence_per_document() {
    let project = project_with(None, &[("A", A), ("B", B), ("C", C)]);
    for doc in ["A", "B", "C"] {
        coding(&project, doc, "Seen", "Ana", 0, 3);
        coding(&project, doc, "Seen", "Ben", 0, 3);
    }
    coding(&project, "A", "Topic", "Ana", 4, 8);
    coding(&project, "A", "Topic", "Ben", 50, 60);
    coding(&project, "B", "Topic", "Ana", 10, 12);
    let report = agreement(project.conn(), &request(&["Ana", "Ben"], Unit::Document)).unwrap();
    assert_eq!(report.unit, Unit::Document);
    let topic = &report.codes.iter().find(|c| c.code == "Topic").unwrap().coefficients;
    assert_eq!(topic.units, 3);
    assert_eq!(topic.coded_units, vec![2, 1]);
    assert!((topic.percent_agreement.unwrap() - 200.0 / 3.0).abs() < 1e-12);
    let alpha = 1.0 - 5.0 * 2.0 / (2.0 * 3.0 * 3.0);
    assert!((topic.krippendorff_alpha.unwrap() - alpha).abs() < 1e-12, "{:?}", topic.krippendorff_alpha);
    // Brennan–Prediger with q = 2: 2 · 2/3 − 1.
    assert!((topic.brennan_prediger_kappa.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    let seen = &report.codes.iter().find(|c| c.code == "Seen").unwrap();
    assert_eq!(seen.left_out_of_pooled, Some(Exclusion::CodedEverywhere), "present everywhere: no variation");
}

/// Three coders on one note (the turn-free text is one long unit run): the report's pair table,
/// Light's kappa and chance-corrected coefficients equal the library maths on the hand-counted
/// tally (those are pinned to published values and irrCAC in the unit tests).
#[test]
fn three_coders_get_a_pair_table_and_every_coefficient() {
    let project = project_with(None, &[("A", A)]);
    coding(&project, "A", "X", "Ana", 0, 30);
    coding(&project, "A", "X", "Ben", 0, 20);
    coding(&project, "A", "X", "Cy", 10, 30);
    let report = agreement(project.conn(), &request(&["Ana", "Ben", "Cy"], Unit::Char)).unwrap();
    assert!(report.pairwise);
    assert!(report.percent_agreement_definition.starts_with("pairwise percent agreement"));
    let x = &report.codes[0].coefficients;
    let len = A.chars().count() as u64;
    let expected = units(&[
        (vec![Some(1), Some(1), Some(0)], 10),
        (vec![Some(1), Some(1), Some(1)], 10),
        (vec![Some(1), Some(0), Some(1)], 10),
        (vec![Some(0), Some(0), Some(0)], len - 30),
    ]);
    let pairs: Vec<(String, u64, Option<f64>)> =
        x.pairs.iter().map(|p| (p.coders.join("-"), p.units, p.percent_agreement)).collect();
    let pct = |agree: u64| Some(100.0 * agree as f64 / len as f64);
    assert_eq!(
        pairs,
        vec![
            ("Ana-Ben".to_string(), len, pct(len - 10)),
            ("Ana-Cy".to_string(), len, pct(len - 10)),
            ("Ben-Cy".to_string(), len, pct(len - 20)),
        ]
    );
    let kappas: Vec<f64> =
        [(0, 1), (0, 2), (1, 2)].iter().map(|&(a, b)| cohen_kappa(&expected, a, b).unwrap()).collect();
    assert!((x.light_kappa.unwrap() - kappas.iter().sum::<f64>() / 3.0).abs() < 1e-12);
    assert_eq!(x.cohen_kappa, None, "Cohen's kappa itself needs exactly two coders");
    assert_eq!(x.fleiss_kappa, fleiss_kappa(&expected));
    assert_eq!(x.gwet_ac1, gwet_ac1(&expected, 2));
    assert_eq!(x.brennan_prediger_kappa, brennan_prediger(&expected, 2));
    // Pairwise percent agreement pools pairs: (len-10 + len-10 + len-20) / (3 len).
    let pooled_pairs = 100.0 * (3 * len - 40) as f64 / (3 * len) as f64;
    assert!((x.percent_agreement.unwrap() - pooled_pairs).abs() < 1e-9);
}

#[test]
fn the_bootstrap_is_deterministic_under_a_seed_and_resamples_documents() {
    let project = project_with(None, &[("A", A), ("B", B), ("C", C)]);
    for (doc, ben_end) in [("A", 30), ("B", 12), ("C", 40)] {
        coding(&project, doc, "X", "Ana", 0, 30);
        coding(&project, doc, "X", "Ben", 5, ben_end);
    }
    let mut req = request(&["Ana", "Ben"], Unit::Char);
    req.bootstrap = Some(BootstrapSettings { replicates: 300, seed: 42 });
    let first = agreement(project.conn(), &req).unwrap();
    let again = agreement(project.conn(), &req).unwrap();
    assert_eq!(first, again, "same seed, same report");
    let interval = first.codes[0].coefficients.alpha_bootstrap.clone().unwrap();
    assert_eq!(interval.defined + interval.undefined, 300);
    let (low, high) = (interval.low.unwrap(), interval.high.unwrap());
    assert!((-1.0..=1.0).contains(&low) && low <= high && high <= 1.0, "{low} – {high}");
    assert!(interval.p_below_0_800.unwrap() >= interval.p_below_0_667.unwrap());
    assert_eq!(first.pooled.alpha_bootstrap, first.codes[0].coefficients.alpha_bootstrap, "one code: same interval");
    req.bootstrap = Some(BootstrapSettings { replicates: 300, seed: 43 });
    assert_ne!(agreement(project.conn(), &req).unwrap().codes[0].coefficients.alpha_bootstrap, Some(interval));
    assert_eq!(agreement(project.conn(), &request(&["Ana", "Ben"], Unit::Char)).unwrap().pooled.alpha_bootstrap, None);
}

/// A coding that covers only a speaker label or the gap between turns adds no turn unit, so by
/// turn it is no disagreement either; one inside a turn makes that whole turn the disagreement.
#[test]
fn disagreements_by_turn_line_up_with_agreement_by_turn() {
    let project = project_with(None, &[("int", TRANSCRIPT)]);
    let turns = fieldcode::store::documents::turns(project.conn(), 1).unwrap();
    let t = |i: usize| (turns[i].start, turns[i].end);
    assert!(t(0).1 < t(1).0, "a speaker label lies between turns");
    coding(&project, "int", "Timing", "Ana", t(0).1, t(1).0); // only the gap and "LW1: "
    coding(&project, "int", "Timing", "Ana", t(3).0, t(3).1);
    coding(&project, "int", "Timing", "Ben", t(3).0, t(3).1);
    coding(&project, "int", "Source", "Ana", t(1).0, t(1).0 + 6);
    let list = |unit| {
        let req = DisagreementRequest { coders: vec!["Ana".into(), "Ben".into()], unit, ..Default::default() };
        disagreements(project.conn(), &req).unwrap()
    };
    let by_char = list(Unit::Char);
    assert_eq!(by_char.len(), 2, "{by_char:?}");
    let by_turn = list(Unit::Turn);
    assert_eq!(by_turn.len(), 1, "the gap coding is no turn disagreement: {by_turn:?}");
    let d = &by_turn[0];
    assert_eq!((d.code.as_str(), d.start, d.end), ("Source", t(1).0, t(1).1));
    assert!(d.excerpt.starts_with("Mostly from the GP"), "the whole turn: {}", d.excerpt);
    assert_eq!((d.coded_by.clone(), d.not_coded_by.clone()), (vec!["Ana".to_string()], vec!["Ben".to_string()]));
    let report = agreement(project.conn(), &request(&["Ana", "Ben"], Unit::Turn)).unwrap();
    let disagreeing: u64 = report
        .codes
        .iter()
        .map(|c| {
            c.coefficients.units
                - (c.coefficients.percent_agreement.unwrap() / 100.0 * c.coefficients.units as f64).round() as u64
        })
        .sum();
    assert_eq!(disagreeing, by_turn.len() as u64, "one disagreeing turn unit per listed disagreement");
    let by_doc = list(Unit::Document);
    assert_eq!(by_doc.len(), 1, "Source: Ana applied it in the document, Ben did not");
    let chars = fieldcode::store::documents::list(project.conn()).unwrap()[0].chars;
    assert_eq!((by_doc[0].start, by_doc[0].end), (0, chars));
}
