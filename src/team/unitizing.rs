//! Krippendorff's unitizing alpha (αu) for one code: how far coders agree on where the code's
//! units begin and end on a continuum, rather than on values of fixed units.
//!
//! Each coder divides the continuum (a document's characters, documents laid end to end) into
//! sections: units (coded with the code) and gaps (not coded). Following Krippendorff (1995, "On
//! the reliability of unitizing continuous data", Sociological Methodology 25:47–76) and
//! Krippendorff (2004, Content Analysis, 2nd ed., §11.6 / pp. 251–256):
//!
//! * δ² of two overlapping sections g (coder i) and h (coder j) with begins b and lengths l:
//!   both units → (b_g − b_h)² + (b_g + l_g − b_h − l_h)²; a unit inside the other coder's gap →
//!   the unit's l²; otherwise 0.
//! * Do = Σ over ordered coder pairs i ≠ j and overlapping sections of δ², over m(m − 1)L².
//! * De = (2/L) Σ_units [ (N − 1)(2l³ − 3l² + l)/3 + l² Σ_{gaps G ≥ l} (G − l + 1) ]
//!   over [ mL(mL − 1) − Σ_units l(l − 1) ], N the number of units of all coders.
//! * αu = 1 − Do/De; undefined (`None`) with fewer than two coders, an empty continuum or no
//!   unit at all (De = 0).
//!
//! One coder's overlapping codings of the code are merged into one unit (the character units
//! count them once too). Sections are swept in order per coder pair, so the cost is linear in
//! the codings per pair of coders, plus a sort.

/// A stretch of the continuum: (begin, end).
pub type Stretch = (u64, u64);
/// A section: (begin, end, is a unit).
pub type Section = (u64, u64, bool);
/// One coder's merged units (sorted) and all their sections, units and gaps, in order.
pub type Sections = (Vec<Stretch>, Vec<Section>);

/// One coder's merged units and sections of a continuum `[0, len)`: units clipped to it,
/// overlapping ones merged.
pub fn sections(len: u64, units: &[Stretch]) -> (Vec<Stretch>, Vec<Section>) {
    let mut sorted: Vec<(u64, u64)> =
        units.iter().map(|&(s, e)| (s.min(len), e.min(len))).filter(|(s, e)| s < e).collect();
    sorted.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(sorted.len());
    for (s, e) in sorted {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = Vec::with_capacity(merged.len() * 2 + 1);
    let mut at = 0;
    for &(s, e) in &merged {
        if s > at {
            out.push((at, s, false));
        }
        out.push((s, e, true));
        at = e;
    }
    if len > at {
        out.push((at, len, false));
    }
    (merged, out)
}

/// Krippendorff's δ² of two overlapping sections (begin, end, is a unit).
pub fn delta_squared(g: (u64, u64, bool), h: (u64, u64, bool)) -> f64 {
    let (bg, eg, bh, eh) = (g.0 as f64, g.1 as f64, h.0 as f64, h.1 as f64);
    let overlap = g.0 < h.1 && h.0 < g.1;
    match (g.2, h.2) {
        (true, true) if overlap => (bg - bh).powi(2) + (eg - eh).powi(2),
        (true, false) if h.0 <= g.0 && g.1 <= h.1 => (eg - bg).powi(2),
        (false, true) if g.0 <= h.0 && h.1 <= g.1 => (eh - bh).powi(2),
        _ => 0.0,
    }
}

/// Σ δ² over the overlapping sections of two coders (each pair once), by a sweep.
fn pair_disagreement(a: &[(u64, u64, bool)], b: &[(u64, u64, bool)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        sum += delta_squared(a[i], b[j]);
        if a[i].1 <= b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    sum
}

/// The observed and expected disagreement of αu; `None` when undefined.
pub fn disagreements(len: u64, coders: &[Vec<(u64, u64)>]) -> Option<(f64, f64)> {
    let per_coder: Vec<Sections> = coders.iter().map(|u| sections(len, u)).collect();
    disagreements_of(len, &per_coder)
}

/// [`disagreements`] of coders' [`sections`] already made.
pub fn disagreements_of(len: u64, per_coder: &[Sections]) -> Option<(f64, f64)> {
    let m = per_coder.len();
    if m < 2 || len == 0 {
        return None;
    }
    let l = len as f64;
    let mf = m as f64;
    let mut observed = 0.0;
    for i in 0..m {
        for j in i + 1..m {
            observed += 2.0 * pair_disagreement(&per_coder[i].1, &per_coder[j].1);
        }
    }
    let observed = observed / (mf * (mf - 1.0) * l * l);
    let units: Vec<f64> = per_coder.iter().flat_map(|(u, _)| u.iter().map(|(s, e)| (e - s) as f64)).collect();
    if units.is_empty() {
        return None;
    }
    let mut gaps: Vec<f64> =
        per_coder.iter().flat_map(|(_, s)| s.iter().filter(|g| !g.2).map(|g| (g.1 - g.0) as f64)).collect();
    gaps.sort_unstable_by(f64::total_cmp);
    // suffix[k] = Σ gaps[k..]
    let mut suffix = vec![0.0; gaps.len() + 1];
    for k in (0..gaps.len()).rev() {
        suffix[k] = suffix[k + 1] + gaps[k];
    }
    let n = units.len() as f64;
    let mut numerator = 0.0;
    for &u in &units {
        let first = gaps.partition_point(|&g| g < u);
        let longer = (gaps.len() - first) as f64;
        let fitting = suffix[first] - (u - 1.0) * longer;
        numerator += (n - 1.0) * (2.0 * u.powi(3) - 3.0 * u * u + u) / 3.0 + u * u * fitting;
    }
    let denominator = mf * l * (mf * l - 1.0) - units.iter().map(|u| u * (u - 1.0)).sum::<f64>();
    let expected = 2.0 / l * numerator / denominator;
    (expected > 0.0 && expected.is_finite()).then_some((observed, expected))
}

/// Krippendorff's αu of one code: `coders[i]` holds coder i's units (begin, end) on a continuum
/// of `len` positions. `None` when undefined (see the module docs).
pub fn unitizing_alpha(len: u64, coders: &[Vec<(u64, u64)>]) -> Option<f64> {
    let per_coder: Vec<Sections> = coders.iter().map(|u| sections(len, u)).collect();
    alpha_of(len, &per_coder)
}

/// [`unitizing_alpha`] of coders' [`sections`] already made.
pub fn alpha_of(len: u64, per_coder: &[Sections]) -> Option<f64> {
    let (observed, expected) = disagreements_of(len, per_coder)?;
    let alpha = 1.0 - observed / expected;
    alpha.is_finite().then_some(alpha)
}

/// Each code's units per coder on one continuum: the documents every coder took part in, laid
/// end to end (a document's units are its characters). Returns the continuum's length and
/// `units[code][coder]`.
pub fn layers(
    docs: &[super::units::SharedDoc],
    codings: &[super::scope::ScopedCoding],
    codes: usize,
    coders: usize,
) -> (u64, Vec<Vec<Vec<Stretch>>>) {
    let all = super::units::mask(0..coders);
    let mut offset = std::collections::HashMap::new();
    let mut len = 0u64;
    for d in docs.iter().filter(|d| d.present & all == all) {
        offset.insert(d.id, (len, d.len as u64));
        len += d.len as u64;
    }
    let mut units: Vec<Vec<Vec<Stretch>>> = vec![vec![Vec::new(); coders]; codes];
    for c in codings {
        let (Some(&(at, doc_len)), Some(code)) = (offset.get(&c.document), units.get_mut(c.code)) else { continue };
        if let Some(layer) = code.get_mut(c.coder) {
            let (s, e) = ((c.span.start as u64).min(doc_len), (c.span.end as u64).min(doc_len));
            layer.push((at + s, at + e));
        }
    }
    (len, units)
}

/// αu per code over the documents every coder took part in, laid end to end as one continuum
/// (a document's units are its characters). `None` for a code where αu is undefined.
pub fn per_code(
    docs: &[super::units::SharedDoc],
    codings: &[super::scope::ScopedCoding],
    codes: usize,
    coders: usize,
) -> Vec<Option<f64>> {
    let (len, units) = layers(docs, codings, codes, coders);
    units.iter().map(|layers| unitizing_alpha(len, layers)).collect()
}
