//! The figures reported for one code, or pooled over codes, and the rule for which codes may
//! enter the pooled figure. Kept apart from the counting (`units`) and the maths
//! (`reliability`, `chance`, `pairs`, `bootstrap`) so the report's shape is in one place.

use serde::Serialize;

use super::bootstrap::AlphaInterval;
use super::chance::{brennan_prediger, fleiss_kappa, gwet_ac1};
use super::pairs::{PairAgreement, light_kappa, pair_table};
use super::reliability::{Tally, cohen_kappa, krippendorff_alpha_nominal, percent_agreement, present};

/// Values a coder can give a unit: coded or not coded (the q of AC1 and Brennan–Prediger).
pub const CATEGORIES: usize = 2;

/// Exactly what "percent agreement" means in every report, for output and README alike.
pub const PERCENT_AGREEMENT_DEFINITION: &str = "pairwise percent agreement: over every unit and every pair of \
coders who both gave the unit a value, the share of pairs that agree (agreeing pairs / all such pairs, so a \
unit with three coders counts three pairs and one with two counts one); for two coders, the plain share of \
units they agree on";

/// The coefficients for one code, or pooled over codes. `None` means undefined (printed `n/a`,
/// JSON `null`, empty in CSV): no pairable units, or no variation for the chance-corrected ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coefficients {
    /// Units with values from at least two coders.
    pub units: u64,
    /// Units each coder marked as coded, in coder order.
    pub coded_units: Vec<u64>,
    /// Percent (0–100), as [`PERCENT_AGREEMENT_DEFINITION`] says.
    pub percent_agreement: Option<f64>,
    /// Cohen's kappa; only for exactly two coders.
    pub cohen_kappa: Option<f64>,
    /// Light's kappa: the mean of the coder pairs' Cohen's kappas.
    pub light_kappa: Option<f64>,
    pub fleiss_kappa: Option<f64>,
    pub gwet_ac1: Option<f64>,
    pub brennan_prediger_kappa: Option<f64>,
    /// Krippendorff's alpha, nominal.
    pub krippendorff_alpha: Option<f64>,
    /// Bootstrap interval of alpha, when asked for.
    pub alpha_bootstrap: Option<AlphaInterval>,
    /// Per pair of coders: units, percent agreement, Cohen's kappa.
    pub pairs: Vec<PairAgreement>,
}

impl Coefficients {
    /// The coefficients of a tally of binary (coded / not coded) units between `coders`.
    pub fn of(tally: &Tally, coders: &[String]) -> Coefficients {
        let n = coders.len();
        let pairs = pair_table(tally, coders);
        Coefficients {
            units: tally.pairable_units(),
            coded_units: (0..n).map(|i| tally.units_with(i, 1)).collect(),
            percent_agreement: percent_agreement(tally).map(|p| p * 100.0),
            cohen_kappa: if n == 2 { cohen_kappa(tally, 0, 1) } else { None },
            light_kappa: light_kappa(&pairs),
            fleiss_kappa: fleiss_kappa(tally),
            gwet_ac1: gwet_ac1(tally, CATEGORIES),
            brennan_prediger_kappa: brennan_prediger(tally, CATEGORIES),
            krippendorff_alpha: krippendorff_alpha_nominal(tally),
            alpha_bootstrap: None,
            pairs,
        }
    }
}

/// Why a code is left out of the pooled figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// No unit has values from two coders.
    NoPairableUnits,
    /// Every pairable value is "not coded": it was applied only where no second coder coded.
    OnlyWhereOneCoderCoded,
    /// Every pairable value is "coded".
    CodedEverywhere,
}

impl Exclusion {
    /// A code enters the pooled figure only when it has units from at least two coders and some
    /// variation; otherwise, why not. (Codes only one coder could meet would add nothing but
    /// agreement on "not coded" and inflate the pooled figure.)
    pub fn of(tally: &Tally) -> Option<Exclusion> {
        let (mut pairable, mut zeros, mut ones) = (false, false, false);
        for (pattern, _) in tally.iter().filter(|(p, _)| present(p) >= 2) {
            pairable = true;
            for &value in pattern.iter().flatten() {
                if value == 0 { zeros = true } else { ones = true }
            }
        }
        match (pairable, zeros, ones) {
            (false, _, _) => Some(Exclusion::NoPairableUnits),
            (true, true, true) => None,
            (true, _, false) => Some(Exclusion::OnlyWhereOneCoderCoded),
            (true, _, true) => Some(Exclusion::CodedEverywhere),
        }
    }

    /// One line for people.
    pub fn explain(self) -> &'static str {
        match self {
            Exclusion::NoPairableUnits => "no unit has values from two coders",
            Exclusion::OnlyWhereOneCoderCoded => {
                "no variation: applied only in documents no second coder coded, so every shared unit is 'not coded'"
            }
            Exclusion::CodedEverywhere => "no variation: every coder coded every shared unit",
        }
    }
}
