//! Agreement per pair of coders: with three or more coders a single pairwise figure hides who
//! disagrees with whom, so the report carries, for each pair, the units both gave a value to,
//! their percent agreement and Cohen's kappa, and Light's kappa as the mean of those kappas
//! (Light 1971, "Measures of response agreement for qualitative data").

use serde::Serialize;

use super::reliability::{Tally, cohen_kappa};

/// Two coders' agreement over the units both gave a value to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairAgreement {
    /// The two coders' names, in the order they were given.
    pub coders: [String; 2],
    /// Units with values from both.
    pub units: u64,
    /// Percent (0–100) of those units on which they agree.
    pub percent_agreement: Option<f64>,
    pub cohen_kappa: Option<f64>,
}

/// One row per pair of coders (i < j, in the given order).
pub fn pair_table(tally: &Tally, names: &[String]) -> Vec<PairAgreement> {
    let mut out = Vec::new();
    for a in 0..names.len() {
        for b in a + 1..names.len() {
            let (mut units, mut agree) = (0u64, 0u64);
            for (pattern, weight) in tally.iter() {
                let (Some(Some(x)), Some(Some(y))) = (pattern.get(a), pattern.get(b)) else { continue };
                units += weight;
                if x == y {
                    agree += weight;
                }
            }
            out.push(PairAgreement {
                coders: [names[a].clone(), names[b].clone()],
                units,
                percent_agreement: (units > 0).then(|| 100.0 * agree as f64 / units as f64),
                cohen_kappa: cohen_kappa(tally, a, b),
            });
        }
    }
    out
}

/// Light's kappa: the mean of the pairs' Cohen's kappas; `None` when there is no pair or any
/// pair's kappa is undefined (a mean over only some pairs would describe other coders).
pub fn light_kappa(pairs: &[PairAgreement]) -> Option<f64> {
    let kappas: Option<Vec<f64>> = pairs.iter().map(|p| p.cohen_kappa).collect();
    let kappas = kappas.filter(|k| !k.is_empty())?;
    Some(kappas.iter().sum::<f64>() / kappas.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three coders, binary values, some units missing one coder. Reference per pair from
    /// scikit-learn 1.x `cohen_kappa_score` on the units both coded: Ana–Ben 18 units, 83.33 %,
    /// κ 0.6493506493506493; Ana–Cy 21, 90.48 %, 0.7692307692307692; Ben–Cy 15, 86.67 %,
    /// 0.6666666666666667.
    pub fn three_coders() -> Tally {
        let mut tally = Tally::new();
        tally.add(vec![Some(1), Some(1), Some(1)], 3);
        tally.add(vec![Some(1), Some(1), Some(0)], 2);
        tally.add(vec![Some(0), Some(0), Some(0)], 10);
        tally.add(vec![Some(0), Some(1), None], 3);
        tally.add(vec![Some(1), None, Some(1)], 2);
        tally.add(vec![Some(0), None, Some(0)], 4);
        tally
    }

    #[test]
    fn pairs_match_scikit_learn_and_light_is_their_mean() {
        let names: Vec<String> = ["Ana", "Ben", "Cy"].map(String::from).to_vec();
        let pairs = pair_table(&three_coders(), &names);
        let expected = [
            ("Ana", "Ben", 18, 100.0 * 15.0 / 18.0, 0.6493506493506493),
            ("Ana", "Cy", 21, 100.0 * 19.0 / 21.0, 0.7692307692307692),
            ("Ben", "Cy", 15, 100.0 * 13.0 / 15.0, 0.6666666666666667),
        ];
        assert_eq!(pairs.len(), 3);
        for (pair, (a, b, units, percent, kappa)) in pairs.iter().zip(expected) {
            assert_eq!(pair.coders, [a.to_string(), b.to_string()]);
            assert_eq!(pair.units, units);
            assert!((pair.percent_agreement.unwrap() - percent).abs() < 1e-12);
            assert!((pair.cohen_kappa.unwrap() - kappa).abs() < 1e-12, "{a}-{b}: {:?}", pair.cohen_kappa);
        }
        let light = light_kappa(&pairs).unwrap();
        assert!((light - (0.6493506493506493 + 0.7692307692307692 + 0.6666666666666667) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn light_is_undefined_when_a_pair_is() {
        let names: Vec<String> = ["Ana", "Ben", "Cy"].map(String::from).to_vec();
        let mut tally = Tally::new();
        tally.add(vec![Some(1), Some(0), None], 2);
        tally.add(vec![Some(0), Some(1), None], 2);
        let pairs = pair_table(&tally, &names);
        assert_eq!(pairs[1].units, 0);
        assert_eq!(pairs[1].percent_agreement, None);
        assert_eq!(light_kappa(&pairs), None);
        assert_eq!(light_kappa(&[]), None);
    }
}
