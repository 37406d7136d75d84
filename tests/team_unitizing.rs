//! Krippendorff's unitizing alpha (αu, 1995/2004 form) against the published worked example, its
//! δ² values, undefined cases, and the `alpha_u` column of `agreement`; the 2016 family (uα, |uα,
//! cuα) against cases worked by hand, and per code against character-level alpha on the demo.

use crate::team_support::{coding, project_with};
use fieldcode::team::agreement::{AgreementRequest, Unit, agreement};
use fieldcode::team::unitizing::{delta_squared, disagreements, unitizing_alpha};
use fieldcode::team::unitizing_family::{UnitizingFamily, code_alpha, family};

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

fn close(value: Option<f64>, expected: f64) -> bool {
    value.is_some_and(|v| (v - expected).abs() < 1e-12)
}

/// One code, two coders, L = 10 (Krippendorff, Mathet, Bouvry & Milia 2016, eqs. 1, 4, 6).
/// Coder A's unit is [2, 6), coder B's [3, 6). Sections: A: ∅ 2, X 4, ∅ 4; B: ∅ 3, X 3, ∅ 4.
/// Observed coincidences (m − 1 = 1, both orders): l_X∅ = l_∅X = |[2, 3)| = 1, l_XX = 2·3 = 6,
/// l_∅∅ = 2·(2 + 4) = 12; margins l_X = 7, l_∅ = 13, l.. = 20 = mL.
/// Expected: S_X = 4² + 3² = 25 (units count whole), S_∅ = 2 + 4 + 3 + 4 = 13 (blank positions
/// count one by one), D = 20² − 38 = 362, e_X∅ = l.. l_X l_∅ / D = 20·7·13/362 = 1820/362.
/// |uα = 1 − l_X∅ / e_X∅ = 1 − 362/1820 = 0.801098901…; uα is the same for one code.
/// Character-level alpha differs only in using n(n − 1) = 380 for D: 1 − 19/91 = 0.791208791….
#[test]
fn the_2016_alpha_of_one_code_matches_the_hand_computed_case() {
    let coders = [vec![(2, 6)], vec![(3, 6)]];
    assert!(close(code_alpha(10, &coders), 1.0 - 362.0 / 1820.0));
    let with_code = |units: &[(u64, u64)]| units.iter().map(|&(b, e)| (b, e, 0)).collect::<Vec<_>>();
    let f = family(10, 1, &[with_code(&coders[0]), with_code(&coders[1])]);
    assert!(close(f.u_alpha, 1.0 - 362.0 / 1820.0), "{f:?}");
    assert!(close(f.bar_u_alpha, 1.0 - 362.0 / 1820.0), "{f:?}");
    assert_eq!(f.cu_alpha, None, "one code: nothing to tell apart where both coded");
}

/// Two codes X (0) and Y (1), two coders, L = 10. A: X [0, 4), Y [4, 8), ∅ [8, 10);
/// B: X [0, 3), Y [3, 8), ∅ [8, 10).
/// Observed (both orders): l_XX = 6, l_XY = l_YX = 1 (position 3), l_YY = 8, l_∅∅ = 4; margins
/// l_X = 7, l_Y = 9, l_∅ = 4, l.. = 20.
/// uα: S_X = 16 + 9 = 25, S_Y = 16 + 25 = 41, S_∅ = 2 + 2 = 4, D = 400 − 70 = 330;
/// e_XX = 20·(49 − 25)/330, e_YY = 20·(81 − 41)/330, e_∅∅ = 20·(16 − 4)/330, Σ = 1520/330;
/// uα = 1 − (20 − 18)/(20 − 1520/330) = 1 − 660/5080 = 0.870078740….
/// |uα: l_∅. − l_∅∅ = 0, so |uα = 1 (coders agree exactly on what is coded at all).
/// cuα: l'_X = 7, l'_Y = 9, l'.. = 16; squared overlaps of each unit with the other coder's
/// coded units: A's X 4² and Y 4², B's X 3² and Y (1 + 4)², so S'_X = 25, S'_Y = 41, S' = 66;
/// D' = 16 − 66/16 = 11.875; e'_XX = (49 − 25)/11.875, e'_YY = (81 − 41)/11.875, Σ = 64/11.875;
/// cuα = 1 − (16 − 14)/(16 − 64/11.875) = 1 − 23.75/126 = 0.811507936….
#[test]
fn the_2016_family_across_codes_matches_the_hand_computed_case() {
    let f = family(10, 2, &[vec![(0, 4, 0), (4, 8, 1)], vec![(0, 3, 0), (3, 8, 1)]]);
    assert!(close(f.u_alpha, 1.0 - 660.0 / 5080.0), "{f:?}");
    assert!(close(f.bar_u_alpha, 1.0), "{f:?}");
    assert!(close(f.cu_alpha, 1.0 - 23.75 / 126.0), "{f:?}");
    // Order of units and of coders does not matter.
    let g = family(10, 2, &[vec![(3, 8, 1), (0, 3, 0)], vec![(4, 8, 1), (0, 4, 0)]]);
    assert!(close(g.u_alpha, 1.0 - 660.0 / 5080.0) && close(g.cu_alpha, 1.0 - 23.75 / 126.0), "{g:?}");
}

/// Three coders and one coder applying two codes to one stretch; the values were checked with a
/// position-by-position implementation of the same equations (every section pair enumerated).
#[test]
fn the_2016_family_with_three_coders_and_overlapping_codes() {
    let f = family(12, 2, &[vec![(0, 4, 0), (6, 9, 1)], vec![(1, 4, 0), (5, 9, 1)], vec![(0, 5, 0), (6, 8, 0)]]);
    assert!((f.u_alpha.unwrap() - 0.5149313962873285).abs() < 1e-12, "{f:?}");
    assert!((f.bar_u_alpha.unwrap() - 0.5760141093474427).abs() < 1e-12, "{f:?}");
    assert!((f.cu_alpha.unwrap() - 0.5333333333333333).abs() < 1e-12, "{f:?}");
    let f = family(12, 2, &[vec![(0, 6, 0), (3, 9, 1)], vec![(1, 6, 0), (4, 8, 1)]]);
    assert!((f.u_alpha.unwrap() - 0.4747617967332124).abs() < 1e-12, "{f:?}");
    assert!((f.bar_u_alpha.unwrap() - 0.7098684210526316).abs() < 1e-12, "{f:?}");
    assert!((f.cu_alpha.unwrap() - 0.4633699633699634).abs() < 1e-12, "{f:?}");
}

#[test]
fn the_2016_family_is_none_when_undefined() {
    assert_eq!(family(10, 1, &[vec![(0, 4, 0)]]), UnitizingFamily::default(), "one coder");
    assert_eq!(family(10, 1, &[vec![], vec![]]), UnitizingFamily::default(), "nothing coded");
    assert_eq!(family(0, 1, &[vec![(0, 4, 0)], vec![]]), UnitizingFamily::default(), "empty continuum");
    let whole = family(10, 1, &[vec![(0, 10, 0)], vec![(0, 10, 0)]]);
    assert_eq!((whole.u_alpha, whole.bar_u_alpha), (None, None), "no variation");
    // Overlapping codings of one code by one coder count once.
    assert_eq!(code_alpha(100, &[vec![(10, 30), (20, 40)], vec![(10, 40)]]), Some(1.0));
}

/// On the demo study (two coders, character units), each code's 2016 unitizing alpha comes
/// within a few 1e-5 of its character-level alpha: the two differ only in how expected
/// disagreement treats a coded unit (whole, ℓ², versus position by position, ℓ), which matters
/// little when units are short next to the continuum.
#[test]
fn on_the_demo_each_codes_2016_alpha_is_close_to_char_alpha() {
    let mut project = fieldcode::Project::in_memory().unwrap();
    fieldcode::demo::populate(&mut project).unwrap();
    let request =
        AgreementRequest { coders: vec!["rosa".into(), "sam".into()], unit: Unit::Char, ..Default::default() };
    let report = agreement(project.conn(), &request).unwrap();
    let mut compared = 0;
    for row in &report.codes {
        let (Some(u), Some(alpha)) = (row.u_alpha, row.coefficients.krippendorff_alpha) else { continue };
        assert!((u - alpha).abs() < 1e-4, "{}: uα {u} vs alpha {alpha}", row.code);
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} codes with both figures");
    let f = report.unitizing;
    assert!(f.u_alpha.is_some() && f.bar_u_alpha.is_some() && f.cu_alpha.is_some(), "{f:?}");
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["codes"][0].get("u_alpha").is_some() && json["unitizing"].get("cu_alpha").is_some());
}

/// The one-code shortcut (closed form, used per code by `agreement`) and the general sweep give
/// the same value on many pseudo-random layouts: 2–4 coders, overlapping and abutting codings.
#[test]
fn the_one_code_shortcut_matches_the_general_equations() {
    let mut seed = 7u64;
    let mut next = |below: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % below
    };
    for round in 0..200 {
        let len = 50 + next(400);
        let coders = 2 + next(3) as usize;
        let layers: Vec<Vec<(u64, u64)>> = (0..coders)
            .map(|_| {
                (0..next(6))
                    .map(|_| {
                        let b = next(len);
                        (b, b + 1 + next(60))
                    })
                    .collect()
            })
            .collect();
        let tagged: Vec<Vec<(u64, u64, u32)>> =
            layers.iter().map(|l| l.iter().map(|&(b, e)| (b, e, 0)).collect()).collect();
        let general = family(len, 1, &tagged);
        let shortcut = code_alpha(len, &layers);
        assert_eq!(general.bar_u_alpha.is_some(), shortcut.is_some(), "round {round}: {layers:?}");
        if let (Some(a), Some(b), Some(u)) = (general.bar_u_alpha, shortcut, general.u_alpha) {
            assert!((a - b).abs() < 1e-9 && (u - b).abs() < 1e-9, "round {round}: {a} {b} {u} {layers:?}");
        }
    }
}
