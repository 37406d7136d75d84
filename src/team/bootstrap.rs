//! A bootstrap distribution for Krippendorff's alpha, so a methods section can report a 95 %
//! interval and the probability that alpha falls short of the usual thresholds (0.667 and 0.8),
//! as Hayes & Krippendorff (2007, "Answering the call for a standard reliability measure for
//! coding data", Communication Methods and Measures 1(1)) recommend reporting.
//!
//! What is resampled: *documents*, with replacement, each bringing all of its units (Efron &
//! Tibshirani's nonparametric bootstrap with the document as the cluster). Units inside a document
//! are not independent draws — neighbouring characters of one coding agree or disagree together —
//! so resampling characters (or, as the KALPHA macro does, pairs of values) would give intervals
//! far too narrow for character units; Gwet (2015) criticises the pair-sampling scheme for the
//! same reason. With the document unit the two coincide with the ordinary unit bootstrap.
//!
//! Every replicate draws one set of documents and recomputes every row's alpha from it, from
//! per-document binary coincidence matrices, so a replicate costs documents × rows additions.
//! The generator is ChaCha8 seeded from the user's seed: the same seed gives the same figures on
//! every platform and build.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// One document's (or one replicate's) binary coincidences: o_00, o_01 + o_10, o_11.
pub type Coincidences = [f64; 3];

/// The coincidences of `units` units where `present` coders gave a value and `coded` of them
/// coded (bit masks); each unit's ordered pairs weigh 1 / (m − 1) (Krippendorff 2011).
pub fn coincidences(present: u64, coded: u64, units: u64) -> Coincidences {
    let m = f64::from(present.count_ones());
    if m < 2.0 {
        return [0.0; 3];
    }
    let ones = f64::from((coded & present).count_ones());
    let zeros = m - ones;
    let w = units as f64 / (m - 1.0);
    [w * zeros * (zeros - 1.0), w * 2.0 * zeros * ones, w * ones * (ones - 1.0)]
}

/// Adds `b` into `a`, `times` times.
pub fn add(a: &mut Coincidences, b: &Coincidences, times: f64) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y * times;
    }
}

/// Nominal alpha from binary coincidences; `None` without variation or pairable values.
pub fn alpha(o: &Coincidences) -> Option<f64> {
    let n0 = o[0] + o[1] / 2.0;
    let n1 = o[2] + o[1] / 2.0;
    let n = n0 + n1;
    let expected = 2.0 * n0 * n1;
    if n < 2.0 || expected <= 0.0 {
        return None;
    }
    let value = 1.0 - (n - 1.0) * o[1] / expected;
    value.is_finite().then_some(value)
}

/// How to bootstrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BootstrapSettings {
    /// Number of replicates.
    pub replicates: usize,
    pub seed: u64,
}

/// What the bootstrap says about one row's alpha. Quantiles are linear interpolations between
/// order statistics (R's type 7, numpy's default) of the replicates where alpha is defined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlphaInterval {
    /// 2.5 % and 97.5 % quantiles.
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// Share of replicates with alpha < 0.667 and < 0.8.
    pub p_below_0_667: Option<f64>,
    pub p_below_0_800: Option<f64>,
    /// Replicates where alpha was defined, and where it was not (no variation in the resample).
    pub defined: usize,
    pub undefined: usize,
}

/// Bootstraps every row: `rows[r][d]` is row r's coincidences in document d (all rows over the
/// same documents). `None` for all rows when there are no documents or no replicates.
pub fn bootstrap(rows: &[Vec<Coincidences>], settings: BootstrapSettings) -> Vec<Option<AlphaInterval>> {
    let docs = rows.first().map_or(0, Vec::len);
    if docs == 0 || settings.replicates == 0 {
        return vec![None; rows.len()];
    }
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let mut alphas: Vec<Vec<f64>> = vec![Vec::with_capacity(settings.replicates); rows.len()];
    let mut draws = vec![0u32; docs];
    for _ in 0..settings.replicates {
        draws.iter_mut().for_each(|d| *d = 0);
        for _ in 0..docs {
            draws[rng.random_range(0..docs)] += 1;
        }
        for (row, out) in rows.iter().zip(&mut alphas) {
            let mut sum = [0.0; 3];
            for (doc, &times) in row.iter().zip(&draws).filter(|(_, t)| **t > 0) {
                add(&mut sum, doc, f64::from(times));
            }
            out.extend(alpha(&sum));
        }
    }
    alphas.into_iter().map(|a| Some(summarise(a, settings.replicates))).collect()
}

fn summarise(mut alphas: Vec<f64>, replicates: usize) -> AlphaInterval {
    alphas.sort_unstable_by(f64::total_cmp);
    let share = |limit: f64| {
        (!alphas.is_empty()).then(|| alphas.iter().filter(|&&a| a < limit).count() as f64 / alphas.len() as f64)
    };
    AlphaInterval {
        low: quantile(&alphas, 0.025),
        high: quantile(&alphas, 0.975),
        p_below_0_667: share(0.667),
        p_below_0_800: share(0.8),
        defined: alphas.len(),
        undefined: replicates - alphas.len(),
    }
}

/// The `q` quantile of sorted values, type 7.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let at = q * last as f64;
    let (below, frac) = (at.floor() as usize, at - at.floor());
    let lo = *sorted.get(below)?;
    let hi = sorted.get(below + 1).copied().unwrap_or(lo);
    Some(lo + frac * (hi - lo))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::reliability::{Tally, krippendorff_alpha_nominal};

    #[test]
    fn binary_coincidences_give_the_coincidence_matrix_alpha() {
        // Three coders over 7 units, one missing a coder: the general implementation agrees.
        let mut tally = Tally::new();
        tally.add(vec![Some(1), Some(1), Some(0)], 2);
        tally.add(vec![Some(0), Some(0), Some(0)], 4);
        tally.add(vec![Some(1), None, Some(1)], 1);
        let mut sum = [0.0; 3];
        add(&mut sum, &coincidences(0b111, 0b011, 2), 1.0);
        add(&mut sum, &coincidences(0b111, 0, 4), 1.0);
        add(&mut sum, &coincidences(0b101, 0b101, 1), 1.0);
        let (fast, general) = (alpha(&sum).unwrap(), krippendorff_alpha_nominal(&tally).unwrap());
        assert!((fast - general).abs() < 1e-12, "{fast} vs {general}");
        assert_eq!(alpha(&coincidences(0b11, 0, 9)), None, "no variation");
    }

    #[test]
    fn type_7_quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.025), Some(1.1)); // 0.025 * 4 = 0.1 of the way from 1 to 2
        assert_eq!(quantile(&v, 1.0), Some(5.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    /// Two documents, each on its own with alpha = 1 (doc 0: 1/1 ×2, 0/0 ×2) or with disagreement
    /// only (doc 1: 1/0 ×2, 0/0 ×2), so every resample is one of three mixtures: both docs drawn
    /// once (alpha of the whole), doc 0 twice (1.0) or doc 1 twice.
    #[test]
    fn resampling_documents_is_deterministic_under_a_seed() {
        let doc0 = {
            let mut o = coincidences(0b11, 0b11, 2);
            add(&mut o, &coincidences(0b11, 0, 2), 1.0);
            o
        };
        let doc1 = {
            let mut o = coincidences(0b11, 0b01, 2);
            add(&mut o, &coincidences(0b11, 0, 2), 1.0);
            o
        };
        let rows = vec![vec![doc0, doc1]];
        let settings = BootstrapSettings { replicates: 400, seed: 7 };
        let a = bootstrap(&rows, settings);
        assert_eq!(a, bootstrap(&rows, settings), "same seed, same figures");
        assert_ne!(a, bootstrap(&rows, BootstrapSettings { seed: 8, ..settings }));
        let interval = a[0].clone().unwrap();
        let whole = {
            let mut o = doc0;
            add(&mut o, &doc1, 1.0);
            alpha(&o).unwrap()
        };
        let doc1_twice = {
            let mut o = [0.0; 3];
            add(&mut o, &doc1, 2.0);
            alpha(&o).unwrap()
        };
        assert_eq!(interval.high, Some(1.0), "a quarter of resamples are doc 0 twice");
        assert_eq!(interval.low, Some(doc1_twice), "a quarter are doc 1 twice");
        // By hand: doc 1 twice has o_00 = 8, o_01 + o_10 = 8: n = 16, alpha = 1 − 15 · 8 / 96;
        // both once have o_00 = 8, o_01 + o_10 = 4, o_11 = 4: alpha = 1 − 15 · 4 / 120 = 0.5.
        assert!((doc1_twice + 0.25).abs() < 1e-12 && (whole - 0.5).abs() < 1e-12);
        assert_eq!(interval.defined + interval.undefined, 400);
        // Below 0.8: every resample but doc 0 twice (about 3/4 of them).
        let p = interval.p_below_0_800.unwrap();
        assert!((p - 0.75).abs() < 0.07, "{p}");
        assert!(interval.p_below_0_667.unwrap() <= p);
    }

    #[test]
    fn nothing_to_resample_is_none() {
        assert_eq!(bootstrap(&[vec![]], BootstrapSettings { replicates: 10, seed: 1 }), vec![None]);
        assert_eq!(bootstrap(&[], BootstrapSettings { replicates: 10, seed: 1 }), vec![]);
    }
}
