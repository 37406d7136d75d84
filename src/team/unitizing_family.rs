//! The unitizing alphas of Krippendorff, Mathet, Bouvry & Milia (2016, "On the reliability of
//! unitizing textual continua: Further developments", Quality & Quantity 50:2347–2364): uα, |uα
//! and cuα. Unlike the 1995/2004 αu in [`super::unitizing`] (squared lengths of non-matching
//! parts), these count how many positions of the continuum the coders' sections share, so for a
//! single code they come within a hair of character-level alpha (the only difference is that
//! expected disagreement treats each coded unit as one indivisible stretch).
//!
//! Each coder divides the continuum `[0, L)` into sections: units, each valued with a code
//! (one coder's overlapping codings of one code merge into one unit), and the stretches where
//! the coder applied none of the codes, valued ∅. With m coders, for values c, k:
//!
//! * observed coincidences (eq. 1): l_ck = 1/(m − 1) Σ_i Σ_{j≠i} Σ_g Σ_h |g ∩ h| over sections
//!   g of coder i valued c and h of coder j valued k; l_c. its margins, l.. their total (mL);
//! * expected coincidences (eq. 4): e_ck = l.. (l_c. l_.k − [c = k] S_c) / (l..² − S), where S_c
//!   sums ℓ² over the units valued c and ℓ over the ∅ stretches (each blank position counts as
//!   its own one-long section), S = Σ_c S_c;
//! * uα = 1 − (l.. − Σ_c l_cc) / (l.. − Σ_c e_cc) (eq. 5, nominal): which stretches are coded and
//!   with which code;
//! * |uα = 1 − (l_∅. − l_∅∅) / (e_∅. − e_∅∅) (eq. 6): coded with any code versus not coded. For
//!   one code this is the code's unitizing alpha, and uα equals it;
//! * cuα (eqs. 10–11): the same on the intersections of coded units only (∅ left out): margins
//!   l'_c = l_c. − l_c∅, e'_ck = (l'_c l'_k − [c = k] S'_c/(m − 1)) / (l'.. − S'/(l'..(m − 1))),
//!   S'_c summing, over ordered coder pairs (i, j) and units g of coder i valued c, the square of
//!   g's overlap with coder j's coded units, and cuα = 1 − (l'.. − Σ l_cc) / (l'.. − Σ e'_cc):
//!   which code, where both coders coded something.
//!
//! The paper assumes a coder's units do not overlap. Fieldcode lets one coder apply several codes
//! to one stretch; each code's unit is then its own section, so such a stretch pairs with each of
//! the other coder's sections there (what the published Python implementations do). With codes
//! applied exclusively the figures are exactly the paper's. Every value is `None` when undefined
//! (fewer than two coders, nothing coded, no variation), never NaN.
//!
//! Source note: the equations (and their numbers) were read from the paper as transcribed by a
//! public Python implementation (`unitized_alpha`); no published worked example of the 2016
//! family was at hand, so the tests pin cases worked by hand and a brute-force cross-check.
//!
//! Cost: one sweep over the section boundaries of each pair of coders (linear in codings, plus
//! a sort).

use serde::Serialize;

use super::unitizing::Stretch;

/// A unit: (begin, end, code index).
pub type Unit = (u64, u64, u32);

/// The 2016 family for a set of codes together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct UnitizingFamily {
    /// uα: where the codes' units lie and which code, gaps included.
    pub u_alpha: Option<f64>,
    /// |uα: coded with any of the codes versus not coded.
    pub bar_u_alpha: Option<f64>,
    /// cuα: which code, over the stretches where both coders of a pair coded something.
    pub cu_alpha: Option<f64>,
}

/// Running sums of one sweep.
#[derive(Default)]
struct Sums {
    /// l_c. (before dividing by m − 1), the ∅ margin last.
    margin: Vec<f64>,
    /// l_cc, ∅ last.
    diagonal: Vec<f64>,
    /// l_c∅ for coded values.
    with_blank: Vec<f64>,
    /// S'_c: squared overlaps of a unit with the other coder's coded units.
    overlap_squares: Vec<f64>,
}

/// Boundary events of one coder: (position, starts, code), ends before starts at a position.
/// Sorted as packed `u64` keys (position, starts, code) when they fit, which is several times
/// faster than sorting the tuples (the sort is most of the cost of [`family`]).
fn events(units: &[Unit]) -> Vec<(u64, bool, u32)> {
    const CODE_BITS: u32 = 23;
    let fits = units.iter().all(|&(_, e, c)| e < 1 << (63 - CODE_BITS) && c < 1 << CODE_BITS);
    if !fits {
        let mut out: Vec<(u64, bool, u32)> =
            units.iter().flat_map(|&(b, e, c)| [(b, true, c), (e, false, c)]).collect();
        out.sort_unstable_by_key(|&(at, starts, _)| (at, starts));
        return out;
    }
    let pack =
        |at: u64, starts: bool, code: u32| at << (CODE_BITS + 1) | u64::from(starts) << CODE_BITS | u64::from(code);
    let mut keys: Vec<u64> = units.iter().flat_map(|&(b, e, c)| [pack(b, true, c), pack(e, false, c)]).collect();
    keys.sort_unstable();
    let code_mask = (1u64 << CODE_BITS) - 1;
    keys.into_iter().map(|k| (k >> (CODE_BITS + 1), k >> CODE_BITS & 1 == 1, (k & code_mask) as u32)).collect()
}

/// Positions covered by any unit, from a coder's sorted [`events`].
fn covered(events: &[(u64, bool, u32)]) -> u64 {
    let (mut depth, mut from, mut total) = (0usize, 0, 0);
    for &(at, starts, _) in events {
        if starts {
            if depth == 0 {
                from = at;
            }
            depth += 1;
        } else {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                total += at - from;
            }
        }
    }
    total
}

/// The active units of one coder during a sweep: code and overlap accumulated so far.
#[derive(Default)]
struct Active(Vec<(u32, f64)>);

impl Active {
    fn apply(&mut self, (_, starts, code): (u64, bool, u32), squares: &mut [f64]) {
        if starts {
            self.0.push((code, 0.0));
        } else if let Some(at) = self.0.iter().position(|a| a.0 == code) {
            let (_, overlap) = self.0.swap_remove(at);
            squares[code as usize] += overlap * overlap;
        }
    }
}

/// Adds one stretch of `len` positions where coders i and j have the active units `a` and `b`.
fn add_stretch(len: f64, a: &mut Active, b: &mut Active, sums: &mut Sums) {
    let blank = sums.margin.len() - 1;
    let (na, nb) = (a.0.len() as f64, b.0.len() as f64);
    match (a.0.is_empty(), b.0.is_empty()) {
        (true, true) => {
            sums.margin[blank] += 2.0 * len;
            sums.diagonal[blank] += 2.0 * len;
        }
        (true, false) | (false, true) => {
            let (coded, n) = if a.0.is_empty() { (&*b, nb) } else { (&*a, na) };
            sums.margin[blank] += len * n;
            for &(c, _) in &coded.0 {
                sums.margin[c as usize] += len;
                sums.with_blank[c as usize] += len;
            }
        }
        (false, false) => {
            for unit in &mut a.0 {
                sums.margin[unit.0 as usize] += len * nb;
                unit.1 += len * nb;
            }
            for unit in &mut b.0 {
                sums.margin[unit.0 as usize] += len * na;
                unit.1 += len * na;
                if a.0.iter().any(|x| x.0 == unit.0) {
                    sums.diagonal[unit.0 as usize] += 2.0 * len;
                }
            }
        }
    }
}

/// Sweeps one pair of coders over `[0, len)`.
fn sweep_pair(len: u64, a: &[(u64, bool, u32)], b: &[(u64, bool, u32)], sums: &mut Sums) {
    let (mut i, mut j, mut at) = (0, 0, 0u64);
    let (mut active_a, mut active_b) = (Active::default(), Active::default());
    loop {
        let next = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.0.min(y.0),
            (Some(x), None) => x.0,
            (None, Some(y)) => y.0,
            (None, None) => len,
        }
        .min(len);
        if next > at {
            add_stretch((next - at) as f64, &mut active_a, &mut active_b, sums);
            at = next;
        }
        if i >= a.len() && j >= b.len() {
            break;
        }
        // All events at `at`, ends first (the events are sorted that way per coder).
        while let Some(&e) = a.get(i).filter(|e| e.0 == at && !e.1) {
            active_a.apply(e, &mut sums.overlap_squares);
            i += 1;
        }
        while let Some(&e) = b.get(j).filter(|e| e.0 == at && !e.1) {
            active_b.apply(e, &mut sums.overlap_squares);
            j += 1;
        }
        while let Some(&e) = a.get(i).filter(|e| e.0 == at) {
            active_a.apply(e, &mut sums.overlap_squares);
            i += 1;
        }
        while let Some(&e) = b.get(j).filter(|e| e.0 == at) {
            active_b.apply(e, &mut sums.overlap_squares);
            j += 1;
        }
    }
}

/// The 2016 family of `coders[i]`'s units (begin, end, code index below `codes`) on a continuum
/// of `len` positions. Units are clipped to the continuum; one coder's overlapping units of one
/// code merge.
pub fn family(len: u64, codes: usize, coders: &[Vec<Unit>]) -> UnitizingFamily {
    let merged: Vec<Vec<Unit>> = coders.iter().map(|units| merge(len, codes, units)).collect();
    family_of_merged(len, codes, &merged)
}

/// [`family`] of units already clipped to `[0, len)`, with codes below `codes` and one coder's
/// units of one code not overlapping (as [`super::unitizing::sections`] leaves them).
pub fn family_of_merged(len: u64, codes: usize, merged: &[Vec<Unit>]) -> UnitizingFamily {
    let m = merged.len();
    if m < 2 || len == 0 {
        return UnitizingFamily::default();
    }
    let mut sums = Sums {
        margin: vec![0.0; codes + 1],
        diagonal: vec![0.0; codes + 1],
        with_blank: vec![0.0; codes],
        overlap_squares: vec![0.0; codes],
    };
    let events: Vec<_> = merged.iter().map(|u| events(u)).collect();
    for i in 0..m {
        for j in i + 1..m {
            sweep_pair(len, &events[i], &events[j], &mut sums);
        }
    }
    // S_c: ℓ² of the units, ℓ of the blank stretches.
    let mut squares = vec![0.0; codes + 1];
    for (units, events) in merged.iter().zip(&events) {
        for &(b, e, c) in units {
            squares[c as usize] += ((e - b) as f64).powi(2);
        }
        squares[codes] += (len - covered(events)) as f64;
    }
    let pairs = (m - 1) as f64;
    let margin: Vec<f64> = sums.margin.iter().map(|v| v / pairs).collect();
    let diagonal: Vec<f64> = sums.diagonal.iter().map(|v| v / pairs).collect();
    UnitizingFamily {
        u_alpha: u_alpha(&margin, &diagonal, &squares),
        bar_u_alpha: bar_u_alpha(&margin, &diagonal, &squares),
        cu_alpha: cu_alpha(&margin, &diagonal, &sums, pairs),
    }
}

fn finite(alpha: f64) -> Option<f64> {
    alpha.is_finite().then_some(alpha)
}

fn u_alpha(margin: &[f64], diagonal: &[f64], squares: &[f64]) -> Option<f64> {
    let total: f64 = margin.iter().sum();
    let d = total * total - squares.iter().sum::<f64>();
    let expected_agreement: f64 = margin.iter().zip(squares).map(|(l, s)| total * (l * l - s) / d).sum();
    let (observed, expected) = (total - diagonal.iter().sum::<f64>(), total - expected_agreement);
    (d > 0.0 && expected > 1e-9 * total).then(|| finite(1.0 - observed / expected)).flatten()
}

fn bar_u_alpha(margin: &[f64], diagonal: &[f64], squares: &[f64]) -> Option<f64> {
    let total: f64 = margin.iter().sum();
    let d = total * total - squares.iter().sum::<f64>();
    let blank = margin.len() - 1;
    let l = margin[blank];
    let expected = total * l * (total - l) / d;
    let observed = l - diagonal[blank];
    (d > 0.0 && expected > 1e-9 * total).then(|| finite(1.0 - observed / expected)).flatten()
}

fn cu_alpha(margin: &[f64], diagonal: &[f64], sums: &Sums, pairs: f64) -> Option<f64> {
    let coded: Vec<f64> = sums.with_blank.iter().enumerate().map(|(c, w)| margin[c] - w / pairs).collect();
    let total: f64 = coded.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let d = total - sums.overlap_squares.iter().sum::<f64>() / (total * pairs);
    let expected_agreement: f64 = coded.iter().zip(&sums.overlap_squares).map(|(l, s)| (l * l - s / pairs) / d).sum();
    let observed = total - diagonal[..coded.len()].iter().sum::<f64>();
    let expected = total - expected_agreement;
    (d > 0.0 && expected > 1e-9 * total).then(|| finite(1.0 - observed / expected)).flatten()
}

/// One coder's units clipped to `[0, len)`, overlapping units of one code merged, sorted.
fn merge(len: u64, codes: usize, units: &[Unit]) -> Vec<Unit> {
    let mut sorted: Vec<Unit> = units
        .iter()
        .map(|&(b, e, c)| (b.min(len), e.min(len), c))
        .filter(|&(b, e, c)| b < e && (c as usize) < codes)
        .collect();
    sorted.sort_unstable_by_key(|&(b, e, c)| (c, b, e));
    let mut out: Vec<Unit> = Vec::with_capacity(sorted.len());
    for u in sorted {
        match out.last_mut() {
            Some(last) if last.2 == u.2 && u.0 < last.1 => last.1 = last.1.max(u.1),
            _ => out.push(u),
        }
    }
    out
}

/// The 2016 unitizing alpha of one code (|uα, which equals uα for a single code): `coders[i]`
/// holds coder i's units (begin, end) on a continuum of `len` positions.
pub fn code_alpha(len: u64, coders: &[Vec<(u64, u64)>]) -> Option<f64> {
    let merged: Vec<Vec<Stretch>> = coders.iter().map(|u| super::unitizing::sections(len, u).0).collect();
    code_alpha_of_merged(len, &merged)
}

/// [`code_alpha`] of each coder's units merged and sorted (the first part of
/// [`super::unitizing::sections`]). With one value besides ∅ the equations reduce to
/// |uα = 1 − l_1∅ (l..² − S) / (l.. l_1 l_∅): l.. = mL, l_1 = Σ_i |U_i|, l_∅ = l.. − l_1,
/// l_1∅ = 1/(m − 1) Σ_{i<j} (|U_i| + |U_j| − 2|U_i ∩ U_j|), S = Σ ℓ² over units + l_∅.
pub fn code_alpha_of_merged<U: AsRef<[Stretch]>>(len: u64, merged: &[U]) -> Option<f64> {
    let m = merged.len();
    if m < 2 || len == 0 {
        return None;
    }
    let sizes: Vec<u64> = merged.iter().map(|u| u.as_ref().iter().map(|(b, e)| e - b).sum()).collect();
    let mut mismatched = 0u64;
    for i in 0..m {
        for j in i + 1..m {
            mismatched += sizes[i] + sizes[j] - 2 * intersection(merged[i].as_ref(), merged[j].as_ref());
        }
    }
    let total = (m as u64 * len) as f64;
    let coded: u64 = sizes.iter().sum();
    let (coded, blank) = (coded as f64, total - coded as f64);
    let squares: f64 = merged.iter().flat_map(|u| u.as_ref().iter().map(|(b, e)| ((e - b) as f64).powi(2))).sum();
    let d = total * total - squares - blank;
    let expected = total * coded * blank / d;
    let observed = mismatched as f64 / (m - 1) as f64;
    (d > 0.0 && expected > 1e-9 * total).then(|| finite(1.0 - observed / expected)).flatten()
}

/// Positions two sorted lists of disjoint stretches share.
fn intersection(a: &[Stretch], b: &[Stretch]) -> u64 {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (from, to) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
        if to > from {
            shared += to - from;
        }
        if a[i].1 <= b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    shared
}
