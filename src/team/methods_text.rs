//! A methods paragraph for a paper, written from an [`AgreementReport`]: the unit, the coders,
//! the codes in and out of the pooled figure (with why), the missing-data rule, the exact
//! meaning of percent agreement and every coefficient with its value. Reviewers ask for these
//! definitions, and the words must match the figures, so the text is built from the report
//! itself rather than typed by hand. Headless, so the GUI's "Copy methods paragraph" button and
//! the CLI can both offer it.

use super::agreement::{AgreementReport, Unit};
use super::bootstrap::AlphaInterval;

/// Included codes are named one by one up to this many; beyond it only their number is given.
const MAX_NAMED: usize = 20;

/// The paragraph for `report`; `scope` is the code path the report was limited to (`None` for
/// the whole codebook).
pub fn methods_paragraph(report: &AgreementReport, scope: Option<&str>) -> String {
    [
        coders_sentence(report),
        unit_sentence(report.unit),
        missing_sentence(),
        codes_sentence(report, scope),
        left_out_sentence(report),
        format!("Percent agreement is {}.", report.percent_agreement_definition),
        coefficients_sentence(report),
        interval_sentence(report),
        pairs_sentence(report),
        unitizing_sentence(report),
        "Undefined coefficients (no pairable units, or no variation) are reported as n/a.".to_owned(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ")
}

/// Undefined values are "n/a", never NaN.
fn value(v: Option<f64>, decimals: usize) -> String {
    v.filter(|v| v.is_finite()).map_or_else(|| "n/a".to_owned(), |v| format!("{v:.decimals$}"))
}

/// "a", "a and b", "a, b and c".
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn coders_sentence(report: &AgreementReport) -> String {
    format!(
        "Inter-coder agreement was computed with Fieldcode {} between {} coders ({}) on the {} documents \
         coded by at least two of them.",
        env!("CARGO_PKG_VERSION"),
        report.coders.len(),
        list(&report.coders),
        report.documents
    )
}

/// What one unit is, and what "coded" means for it.
pub fn unit_definition(unit: Unit) -> &'static str {
    match unit {
        Unit::Char => {
            "each character of each document; a coder's value is 'coded' when one of their codings of the code covers it"
        }
        Unit::Turn => {
            "each speaker turn; a coder's value is 'coded' when one of their codings of the code overlaps the turn"
        }
        Unit::Paragraph => {
            "each paragraph; a coder's value is 'coded' when one of their codings of the code overlaps the paragraph"
        }
        Unit::Document => {
            "each document; a coder's value is 'coded' when they applied the code anywhere in it (code occurrence in the document)"
        }
    }
}

fn unit_sentence(unit: Unit) -> String {
    format!(
        "Each code was analysed as a binary variable (coded / not coded, q = 2) per unit; the unit ({}) is {}.",
        unit.as_str(),
        unit_definition(unit)
    )
}

fn missing_sentence() -> String {
    "Missing data: a coder coded a document when they have at least one coding of any code in it; a coder \
     who did not code a document is missing for all its units (not counted as 'not coded'), and every \
     coefficient uses the values that are there."
        .to_owned()
}

fn codes_sentence(report: &AgreementReport, scope: Option<&str>) -> String {
    let scope = scope.map_or_else(|| "the whole codebook".to_owned(), |s| format!("the code '{s}' and its sub-codes"));
    let included: Vec<String> =
        report.codes.iter().filter(|c| c.left_out_of_pooled.is_none()).map(|c| format!("'{}'", c.code)).collect();
    let named = if included.is_empty() {
        "none".to_owned()
    } else if included.len() <= MAX_NAMED {
        list(&included)
    } else {
        format!("{} codes", included.len())
    };
    format!(
        "Codes in scope: {scope}; the {} codes at least one coder applied were analysed. The pooled figure \
         combines the units of the {} codes with units from at least two coders and some variation (units × \
         codes): {named}.",
        report.codes.len(),
        report.pooled_codes
    )
}

/// The unitizing sentence (αu per code, 2016 uα per code and the 2016 family across codes),
/// when some code has an αu.
fn unitizing_sentence(report: &AgreementReport) -> String {
    let values: Vec<String> = report
        .codes
        .iter()
        .filter_map(|c| {
            let alpha_u = c.alpha_u.filter(|v| v.is_finite())?;
            Some(format!("'{}' {alpha_u:.3} (2016 uα {})", c.code, value(c.u_alpha, 3)))
        })
        .collect();
    if values.is_empty() {
        return String::new();
    }
    let shown =
        if values.len() <= MAX_NAMED { list(&values) } else { format!("{} codes (see the table)", values.len()) };
    let f = &report.unitizing;
    format!(
        "Krippendorff's unitizing alpha (αu; Krippendorff 1995, 2004), which compares where the coders' coded \
         segments begin and end (squared lengths of non-matching parts) on the characters of the documents \
         every coder took part in, laid end to end, was: {shown}. On the same characters, the unitizing alphas \
         of Krippendorff, Mathet, Bouvry and Milia (2016), which count the positions on which the coders' \
         segments agree and keep each coded segment whole in the expected disagreement, were, across all \
         codes: uα {} (which code, gaps included), |uα {} (coded with any code or not) and cuα {} (which code, \
         where both coders coded something).",
        value(f.u_alpha, 3),
        value(f.bar_u_alpha, 3),
        value(f.cu_alpha, 3)
    )
}

fn left_out_sentence(report: &AgreementReport) -> String {
    if report.left_out_of_pooled.is_empty() {
        return "No code was left out of the pooled figure.".to_owned();
    }
    let reasons: Vec<String> =
        report.left_out_of_pooled.iter().map(|l| format!("'{}' ({})", l.code, l.explanation)).collect();
    format!("Left out of the pooled figure ({}): {}.", reasons.len(), reasons.join("; "))
}

fn coefficients_sentence(report: &AgreementReport) -> String {
    let c = &report.pooled;
    let kappa = if report.coders.len() == 2 {
        format!("Cohen's kappa {}", value(c.cohen_kappa, 3))
    } else {
        format!("Light's kappa (mean of the coder pairs' Cohen's kappas) {}", value(c.light_kappa, 3))
    };
    format!(
        "Pooled over {} units: percent agreement {} %, {kappa}, Fleiss' kappa {}, Gwet's AC1 {}, \
         Brennan–Prediger kappa {}, Krippendorff's alpha (nominal) {}. Fleiss' kappa, AC1 and the \
         Brennan–Prediger kappa use the observed agreement of Gwet (2014): the mean over units with two or \
         more values of the share of agreeing pairs within the unit.",
        c.units,
        value(c.percent_agreement, 1),
        value(c.fleiss_kappa, 3),
        value(c.gwet_ac1, 3),
        value(c.brennan_prediger_kappa, 3),
        value(c.krippendorff_alpha, 3),
    )
}

fn interval_sentence(report: &AgreementReport) -> String {
    let (Some(settings), Some(i)) = (report.bootstrap, report.pooled.alpha_bootstrap.as_ref()) else {
        return String::new();
    };
    format!(
        "The 95 % interval of alpha is {} (2.5 % and 97.5 % quantiles of {} bootstrap resamples of the \
         documents, seed {}; Hayes & Krippendorff 2007); P(alpha < 0.667) = {}, P(alpha < 0.8) = {}.",
        interval(i),
        settings.replicates,
        settings.seed,
        value(i.p_below_0_667, 3),
        value(i.p_below_0_800, 3)
    )
}

fn interval(i: &AlphaInterval) -> String {
    match (i.low, i.high) {
        (Some(low), Some(high)) => format!("{low:.3}–{high:.3}"),
        _ => "n/a".to_owned(),
    }
}

fn pairs_sentence(report: &AgreementReport) -> String {
    if report.pooled.pairs.len() < 2 {
        return String::new();
    }
    let pairs: Vec<String> = report
        .pooled
        .pairs
        .iter()
        .map(|p| {
            let [a, b] = &p.coders;
            format!(
                "{a}–{b}: {} units, {} %, Cohen's kappa {}",
                p.units,
                value(p.percent_agreement, 1),
                value(p.cohen_kappa, 3)
            )
        })
        .collect();
    format!("Per coder pair (pooled codes): {}.", pairs.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::agreement::{CodeAgreement, LeftOut};
    use crate::team::bootstrap::BootstrapSettings;
    use crate::team::coefficients::{Coefficients, Exclusion, PERCENT_AGREEMENT_DEFINITION};
    use crate::team::reliability::Tally;

    fn coders() -> Vec<String> {
        vec!["rosa".into(), "sam".into()]
    }

    fn varied() -> Coefficients {
        let mut tally = Tally::new();
        tally.add(vec![Some(1), Some(1)], 30);
        tally.add(vec![Some(0), Some(0)], 60);
        tally.add(vec![Some(1), Some(0)], 6);
        tally.add(vec![Some(0), Some(1)], 4);
        Coefficients::of(&tally, &coders())
    }

    fn one_sided() -> Coefficients {
        let mut tally = Tally::new();
        tally.add(vec![Some(0), Some(0)], 100);
        Coefficients::of(&tally, &coders())
    }

    fn report() -> AgreementReport {
        let row = |id, code: &str, coefficients, left_out_of_pooled| CodeAgreement {
            code_id: id,
            code: code.into(),
            coefficients,
            left_out_of_pooled,
            alpha_u: None,
            u_alpha: None,
        };
        let reason = Exclusion::OnlyWhereOneCoderCoded;
        let mut pooled = varied();
        pooled.alpha_bootstrap = Some(AlphaInterval {
            low: Some(0.61),
            high: Some(0.85),
            p_below_0_667: Some(0.1),
            p_below_0_800: Some(0.7),
            defined: 200,
            undefined: 0,
        });
        AgreementReport {
            unit: Unit::Turn,
            coders: coders(),
            pairwise: false,
            percent_agreement_definition: PERCENT_AGREEMENT_DEFINITION,
            documents: 4,
            codes: vec![row(1, "Access/Cost", varied(), None), row(2, "Access/Travel", one_sided(), Some(reason))],
            pooled,
            pooled_codes: 1,
            left_out_of_pooled: vec![LeftOut {
                code_id: 2,
                code: "Access/Travel".into(),
                reason,
                explanation: reason.explain().into(),
            }],
            bootstrap: Some(BootstrapSettings { replicates: 200, seed: 1 }),
            unitizing: Default::default(),
        }
    }

    #[test]
    fn the_paragraph_states_unit_coders_codes_and_every_coefficient() {
        let report = report();
        let text = methods_paragraph(&report, Some("Access"));
        let c = &report.pooled;
        let expected = [
            "unit (turn) is each speaker turn".to_owned(),
            "2 coders (rosa and sam)".to_owned(),
            "4 documents".to_owned(),
            "the code 'Access' and its sub-codes".to_owned(),
            "'Access/Cost'".to_owned(),
            format!("'Access/Travel' ({})", Exclusion::OnlyWhereOneCoderCoded.explain()),
            "missing for all its units".to_owned(),
            PERCENT_AGREEMENT_DEFINITION.to_owned(),
            format!("percent agreement {:.1} %", c.percent_agreement.unwrap()),
            format!("Cohen's kappa {:.3}", c.cohen_kappa.unwrap()),
            format!("Fleiss' kappa {:.3}", c.fleiss_kappa.unwrap()),
            format!("Gwet's AC1 {:.3}", c.gwet_ac1.unwrap()),
            format!("Brennan–Prediger kappa {:.3}", c.brennan_prediger_kappa.unwrap()),
            format!("Krippendorff's alpha (nominal) {:.3}", c.krippendorff_alpha.unwrap()),
            "0.610–0.850".to_owned(),
            "200 bootstrap resamples of the documents, seed 1".to_owned(),
        ];
        for part in expected {
            assert!(text.contains(&part), "{part:?} is missing from:\n{text}");
        }
        assert!(!text.contains("NaN"));
    }

    #[test]
    fn undefined_values_read_n_a_and_three_coders_get_light_and_pairs() {
        let names: Vec<String> = ["Ana", "Ben", "Cy"].map(String::from).to_vec();
        let mut report = report();
        report.coders = names.clone();
        report.bootstrap = None;
        report.pooled = Coefficients::of(&Tally::new(), &names);
        report.codes.truncate(0);
        report.left_out_of_pooled.clear();
        let text = methods_paragraph(&report, None);
        assert!(text.contains("the whole codebook"));
        assert!(text.contains("Light's kappa (mean of the coder pairs' Cohen's kappas) n/a"));
        assert!(text.contains("Krippendorff's alpha (nominal) n/a"));
        assert!(text.contains("Ana–Ben: 0 units, n/a %"));
        assert!(!text.contains("NaN") && !text.contains("95 % interval"));
    }

    #[test]
    fn the_unitizing_sentence_names_both_forms_and_the_2016_family() {
        let mut report = report();
        report.codes[0].alpha_u = Some(0.7286);
        report.codes[0].u_alpha = Some(0.8011);
        report.unitizing = crate::team::unitizing_family::UnitizingFamily {
            u_alpha: Some(0.87),
            bar_u_alpha: None,
            cu_alpha: Some(0.8116),
        };
        let text = methods_paragraph(&report, None);
        assert!(text.contains("'Access/Cost' 0.729 (2016 uα 0.801)"), "{text}");
        assert!(text.contains("Krippendorff, Mathet, Bouvry and Milia (2016)"), "{text}");
        assert!(text.contains("uα 0.870") && text.contains("|uα n/a") && text.contains("cuα 0.812"), "{text}");
    }
}
