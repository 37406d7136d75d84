//! Inter-coder reliability coefficients on nominal data: percent agreement, Cohen's kappa and
//! Krippendorff's alpha (coincidence-matrix formulation, any number of coders, missing data).
//!
//! The input is a [`Tally`]: reliability data stored as distinct *value patterns* (one value per
//! coder, `None` where that coder supplied none) with how many units share each pattern. Character-
//! level agreement has millions of units but only a handful of patterns, so the maths stays cheap.
//! Undefined coefficients (no pairable units, no variation) are `None`, never NaN.

use std::collections::BTreeMap;

/// One unit's values: one entry per coder, `None` where the coder is missing.
pub type Pattern = Vec<Option<u32>>;

/// Reliability data as patterns with weights (number of units showing the pattern).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    patterns: BTreeMap<Pattern, u64>,
}

impl Tally {
    pub fn new() -> Tally {
        Tally::default()
    }

    /// Adds `units` units that all show `pattern`.
    pub fn add(&mut self, pattern: Pattern, units: u64) {
        if units > 0 {
            *self.patterns.entry(pattern).or_insert(0) += units;
        }
    }

    /// Adds every unit of another tally (pooling).
    pub fn absorb(&mut self, other: &Tally) {
        for (pattern, &units) in &other.patterns {
            self.add(pattern.clone(), units);
        }
    }

    /// A tally from a table of units (rows) by coders (columns), one unit per row.
    pub fn from_units(units: &[Pattern]) -> Tally {
        let mut tally = Tally::new();
        for unit in units {
            tally.add(unit.clone(), 1);
        }
        tally
    }

    /// Units with values from at least two coders (the ones that can show agreement).
    pub fn pairable_units(&self) -> u64 {
        self.iter().filter(|(p, _)| present(p) >= 2).map(|(_, w)| w).sum()
    }

    /// Units where `coder` has `value`.
    pub fn units_with(&self, coder: usize, value: u32) -> u64 {
        self.iter().filter(|(p, _)| p.get(coder) == Some(&Some(value))).map(|(_, w)| w).sum()
    }

    /// Every distinct pattern with its number of units, in pattern order.
    pub fn iter(&self) -> impl Iterator<Item = (&Pattern, u64)> {
        self.patterns.iter().map(|(p, &w)| (p, w))
    }
}

/// How many coders gave a value in `pattern`.
pub fn present(pattern: &Pattern) -> usize {
    pattern.iter().filter(|v| v.is_some()).count()
}

/// Pairwise percent agreement as a fraction: over every unit and every pair of coders who both
/// gave a value, the share of pairs that agree. For two coders this is plain percent agreement.
pub fn percent_agreement(tally: &Tally) -> Option<f64> {
    let (mut agree, mut pairs) = (0.0, 0.0);
    for (pattern, units) in tally.iter() {
        let values: Vec<u32> = pattern.iter().flatten().copied().collect();
        for (i, a) in values.iter().enumerate() {
            for b in &values[i + 1..] {
                pairs += units as f64;
                if a == b {
                    agree += units as f64;
                }
            }
        }
    }
    finite(agree / pairs).filter(|_| pairs > 0.0)
}

/// Cohen's kappa between coders `a` and `b`, over the units both coded.
pub fn cohen_kappa(tally: &Tally, a: usize, b: usize) -> Option<f64> {
    let mut total = 0.0;
    let mut agree = 0.0;
    let mut margin_a: BTreeMap<u32, f64> = BTreeMap::new();
    let mut margin_b: BTreeMap<u32, f64> = BTreeMap::new();
    for (pattern, units) in tally.iter() {
        let (Some(Some(x)), Some(Some(y))) = (pattern.get(a), pattern.get(b)) else { continue };
        let w = units as f64;
        total += w;
        if x == y {
            agree += w;
        }
        *margin_a.entry(*x).or_insert(0.0) += w;
        *margin_b.entry(*y).or_insert(0.0) += w;
    }
    if total == 0.0 {
        return None;
    }
    let observed = agree / total;
    let expected: f64 = margin_a.iter().map(|(v, n)| n / total * margin_b.get(v).copied().unwrap_or(0.0) / total).sum();
    if (1.0 - expected).abs() < 1e-12 {
        return None;
    }
    finite((observed - expected) / (1.0 - expected))
}

/// The coincidence matrix of Krippendorff's alpha: `o[c][k]`, each pairable unit contributing
/// its ordered value pairs weighted by 1 / (m_u - 1), where m_u is its number of values.
pub fn coincidences(tally: &Tally) -> BTreeMap<(u32, u32), f64> {
    let mut matrix: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    for (pattern, units) in tally.iter() {
        let values: Vec<u32> = pattern.iter().flatten().copied().collect();
        let m = values.len();
        if m < 2 {
            continue;
        }
        let weight = units as f64 / (m - 1) as f64;
        for (i, &c) in values.iter().enumerate() {
            for (j, &k) in values.iter().enumerate() {
                if i != j {
                    *matrix.entry((c, k)).or_insert(0.0) += weight;
                }
            }
        }
    }
    matrix
}

/// Krippendorff's alpha for nominal data: 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k.
/// Units with fewer than two values are not pairable and drop out; `None` when there is no
/// variation at all (every pairable value the same) or fewer than two pairable values.
pub fn krippendorff_alpha_nominal(tally: &Tally) -> Option<f64> {
    let matrix = coincidences(tally);
    let mut margins: BTreeMap<u32, f64> = BTreeMap::new();
    let mut disagreement = 0.0;
    for (&(c, k), &o) in &matrix {
        *margins.entry(c).or_insert(0.0) += o;
        if c != k {
            disagreement += o;
        }
    }
    let n: f64 = margins.values().sum();
    let square: f64 = margins.values().map(|m| m * m).sum();
    let expected = n * n - square; // Σ_{c≠k} n_c · n_k
    if n < 2.0 || expected <= 0.0 {
        return None;
    }
    finite(1.0 - (n - 1.0) * disagreement / expected)
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
    /// observers, twelve units, missing data; nominal alpha = 0.743.
    pub(crate) fn krippendorff_2011() -> Tally {
        let o = None;
        let rows: [[Option<u32>; 12]; 4] = [
            [Some(1), Some(2), Some(3), Some(3), Some(2), Some(1), Some(4), Some(1), Some(2), o, o, o],
            [Some(1), Some(2), Some(3), Some(3), Some(2), Some(2), Some(4), Some(1), Some(2), Some(5), o, Some(3)],
            [o, Some(3), Some(3), Some(3), Some(2), Some(3), Some(4), Some(2), Some(2), Some(5), Some(1), o],
            [Some(1), Some(2), Some(3), Some(3), Some(2), Some(4), Some(4), Some(1), Some(2), Some(5), Some(1), o],
        ];
        let units: Vec<Pattern> = (0..12).map(|u| rows.iter().map(|r| r[u]).collect()).collect();
        Tally::from_units(&units)
    }

    #[test]
    fn krippendorff_2011_nominal_example_gives_0_743() {
        let tally = krippendorff_2011();
        let alpha = krippendorff_alpha_nominal(&tally).unwrap();
        assert_eq!(format!("{alpha:.3}"), "0.743");
        // The paper's coincidence margins: n = 40 pairable values, n_1..n_5 = 9, 13, 10, 5, 3.
        let matrix = coincidences(&tally);
        let margin = |c: u32| matrix.iter().filter(|((a, _), _)| *a == c).map(|(_, o)| o).sum::<f64>();
        for (value, expected) in [(1, 9.0), (2, 13.0), (3, 10.0), (4, 5.0), (5, 3.0)] {
            assert!((margin(value) - expected).abs() < 1e-9, "n_{value} = {}", margin(value));
        }
        // Unit 6 (values 1, 2, 3, 4) contributes 1/3 to o_12.
        assert!((matrix[&(1, 2)] - (1.0 + 1.0 / 3.0)).abs() < 1e-9, "o_12 = {}", matrix[&(1, 2)]);
        assert_eq!(tally.pairable_units(), 11, "unit 12 has one value and is not pairable");
    }

    /// Textbook 2×2 table, 50 items: both yes 20, both no 15, A yes / B no 5, A no / B yes 10.
    fn textbook_kappa() -> Tally {
        let mut tally = Tally::new();
        tally.add(vec![Some(1), Some(1)], 20);
        tally.add(vec![Some(0), Some(0)], 15);
        tally.add(vec![Some(1), Some(0)], 5);
        tally.add(vec![Some(0), Some(1)], 10);
        tally
    }

    #[test]
    fn textbook_kappa_is_0_40() {
        let tally = textbook_kappa();
        assert!((percent_agreement(&tally).unwrap() - 0.70).abs() < 1e-12);
        assert!((cohen_kappa(&tally, 0, 1).unwrap() - 0.40).abs() < 1e-12);
    }

    #[test]
    fn alpha_for_two_coders_without_missing_data_matches_its_closed_form() {
        // For two coders and n units, alpha = 1 - (2n - 1) * D / Σ_{c≠k} n_c n_k, computed by hand:
        // 2n = 100 values; n_yes = 25 + 30 = 55, n_no = 45; disagreements o_10 + o_01 = 2 * 15.
        let alpha = krippendorff_alpha_nominal(&textbook_kappa()).unwrap();
        let expected = 1.0 - 99.0 * 30.0 / (2.0 * 55.0 * 45.0);
        assert!((alpha - expected).abs() < 1e-12, "{alpha} vs {expected}");
    }

    #[test]
    fn no_variation_is_undefined_not_nan() {
        let mut tally = Tally::new();
        tally.add(vec![Some(0), Some(0)], 1000);
        assert_eq!(krippendorff_alpha_nominal(&tally), None);
        assert_eq!(cohen_kappa(&tally, 0, 1), None);
        assert_eq!(percent_agreement(&tally), Some(1.0));
        assert_eq!(percent_agreement(&Tally::new()), None);
        assert_eq!(krippendorff_alpha_nominal(&Tally::new()), None);
    }

    #[test]
    fn pairwise_agreement_counts_every_pair_of_coders() {
        let mut tally = Tally::new();
        tally.add(vec![Some(1), Some(1), Some(0)], 1); // pairs: agree, disagree, disagree
        tally.add(vec![Some(1), None, Some(1)], 1); // one pair, agrees
        assert!((percent_agreement(&tally).unwrap() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn perfect_agreement_with_variation_gives_one() {
        let mut tally = Tally::new();
        tally.add(vec![Some(1), Some(1), Some(1)], 3);
        tally.add(vec![Some(0), Some(0), None], 4);
        assert_eq!(krippendorff_alpha_nominal(&tally), Some(1.0));
        assert_eq!(cohen_kappa(&tally, 0, 1), Some(1.0));
    }
}
