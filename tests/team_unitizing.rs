//! Krippendorff's unitizing alpha (αu, 1995/2004 form) against the published worked example, its
//! δ² values, undefined cases, and the `alpha_u` column of `agreement`.

use crate::team_support::{coding, project_with};
use fieldcode::team::agreement::{AgreementRequest, Unit, agreement};
use fieldcode::team::unitizing::{delta_squared, disagreements, unitizing_alpha};

/// Krippendorff (2004), Content Analysis, 2nd ed., p. 254: a continuum from 150 to 450 (L = 300),
/// two coders; category c: coder i units 225+70 and 370+30, coder j units 220+80, 355+20 and
/// 400+20; category k: both coders 180+60 and 300+50. Shifted here to start at 0. The book's
/// figures for c, Do = 0.0144, De = 0.0532, αu = 0.7286 (to four decimals), are the ones the
/// DKPro Statistics test `Krippendorff2004Test.testCategoryAgreement` also reproduces.
fn book_example(category: char) -> Vec<Vec<(u64, u64)>> {
    let unit = |begin: u64, len: u64| (begin - 150, begin - 150 + len);
    match category {
        'c' => vec![vec![unit(225, 70), unit(370, 30)], vec![unit(220, 80), unit(355, 20), unit(400, 20)]],
        _ => vec![vec![unit(180, 60), unit(300, 50)], vec![unit(180, 60), unit(300, 50)]],
    }
}

#[test]
fn the_published_worked_example_gives_its_published_values() {
    let (observed, expected) = disagreements(300, &book_example('c')).unwrap();
    assert!((observed - 0.0144).abs() < 0.0001, "Do {observed}");
    assert!((expected - 0.0532).abs() < 0.0001, "De {expected}");
    let alpha = unitizing_alpha(300, &book_example('c')).unwrap();
    assert!((alpha - 0.7286).abs() < 0.0001, "αu {alpha}");
    // Category k: both coders identical, Do = 0, De = 0.0490, αu = 1.
    let (observed, expected) = disagreements(300, &book_example('k')).unwrap();
    assert_eq!(observed, 0.0);
    assert!((expected - 0.0490).abs() < 0.0001, "De {expected}");
    assert_eq!(unitizing_alpha(300, &book_example('k')), Some(1.0));
}

/// The δ² values of the same example (Krippendorff 2004, p. 254): (225,70) vs (220,80) → 5² + 5²
/// = 50; (370,30) vs (355,20) → 15² + 25² = 850; a 20-long unit inside the other coder's gap
/// (400,50) → 20² = 400. Sections are (begin, end, is a unit).
#[test]
fn delta_squared_matches_the_book() {
    assert_eq!(delta_squared((225, 295, true), (220, 300, true)), 50.0);
    assert_eq!(delta_squared((370, 400, true), (355, 375, true)), 850.0);
    assert_eq!(delta_squared((400, 450, false), (400, 420, true)), 400.0);
    // A unit only partly inside a gap adds nothing there (its unit–unit overlap carries it).
    assert_eq!(delta_squared((10, 30, true), (20, 40, false)), 0.0);
}

#[test]
fn undefined_cases_are_none_never_nan() {
    assert_eq!(unitizing_alpha(300, &book_example('c')[..1]), None, "one coder");
    assert_eq!(unitizing_alpha(300, &[vec![], vec![]]), None, "no unit at all");
    assert_eq!(unitizing_alpha(0, &[vec![(0, 0)], vec![]]), None, "empty continuum");
    // Every coder codes the whole continuum: the formula's De stays positive (it counts how
    // units could be placed), Do = 0, so αu = 1 as written (char-level alpha is undefined there).
    assert_eq!(unitizing_alpha(50, &[vec![(0, 50)], vec![(0, 50)]]), Some(1.0));
    // One coder's overlapping codings count as one unit.
    let merged = unitizing_alpha(100, &[vec![(10, 30), (20, 40)], vec![(10, 40)]]);
    assert_eq!(merged, Some(1.0));
}

#[test]
fn agreement_reports_alpha_u_per_code_over_the_documents_laid_end_to_end() {
    const A: &str = "The link worker phoned the surgery twice before anyone picked up the referral.";
    const B: &str = "Home visit: Mrs K showed me the leaflet from the walking group and said she was nervous.";
    let project = project_with(None, &[("A", A), ("B", B)]);
    coding(&project, "A", "X", "Ana", 0, 30);
    coding(&project, "A", "X", "Ben", 10, 40);
    coding(&project, "B", "X", "Ana", 5, 25);
    coding(&project, "B", "X", "Ben", 5, 25);
    coding(&project, "B", "Y", "Ana", 0, 10);
    let request = AgreementRequest { coders: vec!["Ana".into(), "Ben".into()], unit: Unit::Char, ..Default::default() };
    let report = agreement(project.conn(), &request).unwrap();
    let row = |code: &str| report.codes.iter().find(|c| c.code == code).unwrap();
    let (a, b) = (A.chars().count() as u64, B.chars().count() as u64);
    let expected = unitizing_alpha(a + b, &[vec![(0, 30), (a + 5, a + 25)], vec![(10, 40), (a + 5, a + 25)]]);
    assert!(expected.is_some());
    assert_eq!(row("X").alpha_u, expected);
    // Y: Ana's unit lies in Ben's gap, so αu is defined and below zero-agreement's 1.
    let y = row("Y").alpha_u.unwrap();
    assert!(y < 0.5, "{y}");
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["codes"][0].get("alpha_u").is_some());
}
