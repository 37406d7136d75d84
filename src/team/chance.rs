//! Chance-corrected agreement for any number of coders with missing data, the three a methods
//! section is asked for beside Krippendorff's alpha: Fleiss' kappa, Gwet's AC1 and the
//! Brennan–Prediger kappa (MAXQDA's default). All three are (p_a − p_e) / (1 − p_e) over the same
//! observed agreement p_a and differ only in the chance agreement p_e, so that is how this module
//! is built: one pass for p_a and the value shares π_k, then one line per coefficient.
//!
//! With missing ratings they follow Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed.,
//! chapter 2, as the reference implementations irrCAC (R and Python: `fleiss.kappa.raw`,
//! `gwet.ac1.raw`, `bp.coeff.raw`) do:
//! - p_a: over the units with at least two values, the mean share of agreeing ordered pairs of
//!   values within the unit, Σ_k r_uk (r_uk − 1) / (r_u (r_u − 1)); every unit weighs the same.
//!   (Fieldcode's pairwise percent agreement instead pools the pairs, see `reliability`.)
//! - π_k: over the units with at least one value, the mean share r_uk / r_u of value k.
//!
//! Fleiss (1971): p_e = Σ_k π_k². Gwet (2008) AC1: p_e = Σ_k π_k (1 − π_k) / (q − 1).
//! Brennan & Prediger (1981): p_e = 1 / q. Here q is the number of values a coder could give
//! (2 for coded / not coded), not the number that happens to occur.

use std::collections::BTreeMap;

use super::reliability::{Tally, present};

/// Observed agreement and value shares of a tally, the inputs of every coefficient here.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// p_a, the per-unit mean agreement among units with at least two values.
    pub agreement: f64,
    /// π_k per value k.
    pub shares: BTreeMap<u32, f64>,
}

/// p_a and π_k of a tally; `None` without a unit that has two values.
pub fn observed(tally: &Tally) -> Option<Observed> {
    let (mut agree, mut pairable) = (0.0, 0.0);
    let (mut shares, mut rated) = (BTreeMap::<u32, f64>::new(), 0.0);
    for (pattern, units) in tally.iter() {
        let r = present(pattern);
        if r == 0 {
            continue;
        }
        let w = units as f64;
        let mut counts: BTreeMap<u32, f64> = BTreeMap::new();
        for &value in pattern.iter().flatten() {
            *counts.entry(value).or_insert(0.0) += 1.0;
        }
        let r = r as f64;
        rated += w;
        for (&value, &count) in &counts {
            *shares.entry(value).or_insert(0.0) += w * count / r;
        }
        if r >= 2.0 {
            pairable += w;
            agree += w * counts.values().map(|c| c * (c - 1.0)).sum::<f64>() / (r * (r - 1.0));
        }
    }
    if pairable == 0.0 {
        return None;
    }
    shares.values_mut().for_each(|s| *s /= rated);
    Some(Observed { agreement: agree / pairable, shares })
}

/// (p_a − p_e) / (1 − p_e); `None` when p_e is 1 (the coefficient is undefined).
fn corrected(observed: f64, expected: f64) -> Option<f64> {
    if (1.0 - expected).abs() < 1e-12 {
        return None;
    }
    let value = (observed - expected) / (1.0 - expected);
    value.is_finite().then_some(value)
}

/// Fleiss' kappa (Fleiss 1971, "Measuring nominal scale agreement among many raters").
pub fn fleiss_kappa(tally: &Tally) -> Option<f64> {
    let o = observed(tally)?;
    corrected(o.agreement, o.shares.values().map(|p| p * p).sum())
}

/// Gwet's AC1 (Gwet 2008, "Computing inter-rater reliability and its variance in the presence of
/// high agreement") with `categories` possible values.
pub fn gwet_ac1(tally: &Tally, categories: usize) -> Option<f64> {
    if categories < 2 {
        return None;
    }
    let o = observed(tally)?;
    let expected = o.shares.values().map(|p| p * (1.0 - p)).sum::<f64>() / (categories - 1) as f64;
    corrected(o.agreement, expected)
}

/// The Brennan–Prediger kappa (Brennan & Prediger 1981, "Coefficient kappa: some uses, misuses,
/// and alternatives"): chance agreement 1 / `categories`.
pub fn brennan_prediger(tally: &Tally, categories: usize) -> Option<f64> {
    if categories < 2 {
        return None;
    }
    corrected(observed(tally)?.agreement, 1.0 / categories as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::reliability::Pattern;

    fn close(value: Option<f64>, expected: f64) {
        let v = value.expect("defined");
        assert!((v - expected).abs() < 1e-12, "{v} vs {expected}");
    }

    /// Each row is a unit given as counts of raters per value 1..=5; every unit has 14 raters.
    /// The worked example of Fleiss' kappa on Wikipedia (10 subjects, 14 raters, 5 categories):
    /// P̄ = 0.378, P̄e = 0.213, κ = 0.210. Reference values to 1e-15 from irrCAC 0.4 (Python,
    /// `CAC(df, digits=15).fleiss() / .gwet() / .bp()`): 0.209930704421955, 0.225614150816628,
    /// 0.222527472527472.
    fn wikipedia() -> Tally {
        let table: [[usize; 5]; 10] = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let units: Vec<Pattern> = table
            .iter()
            .map(|row| (1..=5u32).zip(row).flat_map(|(value, &n)| std::iter::repeat_n(Some(value), n)).collect())
            .collect();
        Tally::from_units(&units)
    }

    #[test]
    fn fleiss_wikipedia_example_gives_0_210() {
        let tally = wikipedia();
        let o = observed(&tally).unwrap();
        assert_eq!(format!("{:.3}", o.agreement), "0.378");
        close(fleiss_kappa(&tally), 0.209930704421955);
        assert_eq!(format!("{:.3}", fleiss_kappa(&tally).unwrap()), "0.210");
        close(gwet_ac1(&tally, 5), 0.225614150816628);
        close(brennan_prediger(&tally, 5), 0.222527472527472);
    }

    /// Krippendorff (2011), section C (four coders, twelve units, missing values; one unit with a
    /// single value). irrCAC 0.4 on the same data: Fleiss 0.761169275422411, AC1
    /// 0.775444068126995, Brennan–Prediger 0.772727272727273 (5 categories).
    #[test]
    fn missing_data_follows_irrcac() {
        let tally = crate::team::reliability::tests::krippendorff_2011();
        close(fleiss_kappa(&tally), 0.761169275422411);
        close(gwet_ac1(&tally, 5), 0.775444068126995);
        close(brennan_prediger(&tally, 5), 0.772727272727273);
    }

    /// The prevalence paradox: two coders, 100 units, 96 % agreement, "coded" rare. Cohen's kappa
    /// (= Fleiss here) 0.312714776632286 (scikit-learn 1.x `cohen_kappa_score`, irrCAC), AC1
    /// 0.957528137608834 (irrCAC), Brennan–Prediger 2 · 0.96 − 1 = 0.92 by hand.
    #[test]
    fn ac1_resists_the_prevalence_paradox() {
        let mut tally = Tally::new();
        tally.add(vec![Some(1), Some(1)], 1);
        tally.add(vec![Some(0), Some(0)], 95);
        tally.add(vec![Some(1), Some(0)], 2);
        tally.add(vec![Some(0), Some(1)], 2);
        close(fleiss_kappa(&tally), 0.312714776632286);
        close(gwet_ac1(&tally, 2), 0.957528137608834);
        close(brennan_prediger(&tally, 2), 0.92);
    }

    #[test]
    fn undefined_is_none_never_nan() {
        assert_eq!(fleiss_kappa(&Tally::new()), None);
        let mut all_zero = Tally::new();
        all_zero.add(vec![Some(0), Some(0)], 10);
        assert_eq!(fleiss_kappa(&all_zero), None, "p_e = 1");
        assert_eq!(gwet_ac1(&all_zero, 2), Some(1.0), "AC1 is defined: p_e = 0");
        assert_eq!(brennan_prediger(&all_zero, 1), None);
        let mut lone = Tally::new();
        lone.add(vec![Some(1), None], 5);
        assert_eq!(observed(&lone), None, "no unit has two values");
    }
}
