//! Co-occurrence matrices: a per-document sort-and-sweep over coding intervals for `overlap` and
//! `near:N`, and a sort of (unit, group, code) occurrences for `turn`, `paragraph` and `document`.
//! Definitions are in the module doc of [`crate::analysis`].

use std::str::FromStr;

use serde::Serialize;

use super::group::Grouping;
use super::index::CooccurIndex;
use super::load::{Corpus, DocInfo, SpanU32};
use super::matrix::SymMatrix;

/// What "occur together" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Overlap,
    Near(u32),
    Turn,
    Paragraph,
    Document,
}

impl Unit {
    /// Whether the unit pairs codings directly (`overlap`, `near:N`) rather than counting units.
    pub fn pairs_codings(self) -> bool {
        matches!(self, Unit::Overlap | Unit::Near(_))
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unit::Overlap => f.write_str("overlap"),
            Unit::Near(n) => write!(f, "near:{n}"),
            Unit::Turn => f.write_str("turn"),
            Unit::Paragraph => f.write_str("paragraph"),
            Unit::Document => f.write_str("document"),
        }
    }
}

impl FromStr for Unit {
    type Err = String;

    fn from_str(s: &str) -> Result<Unit, String> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "overlap" => Ok(Unit::Overlap),
            "turn" => Ok(Unit::Turn),
            "paragraph" => Ok(Unit::Paragraph),
            "document" => Ok(Unit::Document),
            _ => match s.strip_prefix("near:").map(|n| n.trim().parse::<u32>()) {
                Some(Ok(n)) => Ok(Unit::Near(n)),
                _ => {
                    Err(format!("unknown unit {s:?}; use overlap, turn, paragraph, document or near:N (N characters)"))
                }
            },
        }
    }
}

/// Which number a matrix cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Count,
    Jaccard,
}

impl FromStr for Measure {
    type Err = String;

    fn from_str(s: &str) -> Result<Measure, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "count" => Ok(Measure::Count),
            "jaccard" => Ok(Measure::Jaccard),
            other => Err(format!("unknown measure {other:?}; use count or jaccard")),
        }
    }
}

/// How to compute a co-occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub unit: Unit,
    /// A coding also counts for every ancestor of its code.
    pub rollup: bool,
    /// Also keep what the Jaccard index needs for `overlap`/`near` (which codings of a touch
    /// some coding of b). Without it [`GroupMatrix::jaccard`] is `None` for those units.
    pub jaccard: bool,
    /// Count every coding on its own, as its coder made it. Off (the default), codings of the
    /// same code on an identical span by several coders are one passage ([`super::passages`]).
    pub per_coder: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { unit: Unit::Overlap, rollup: true, jaccard: false, per_coder: false }
    }
}

impl Options {
    /// How codings of several coders are counted, in words.
    pub fn coders_rule(&self) -> &'static str {
        if self.per_coder { "each coder's codings separately" } else { "identical spans once" }
    }
}

/// The matrix of one group, or of the pairs across groups ([`Cooccurrence::across`]).
#[derive(Debug, Clone)]
pub struct GroupMatrix {
    pub label: String,
    /// Selected codings in this group that take part in the unit (inside some turn for `turn`,
    /// some paragraph for `paragraph`), identical spans by several coders once unless
    /// [`Options::per_coder`]; 0 for the pairs across groups.
    pub codings: u32,
    /// n1 per code index (see the module doc).
    pub totals: Vec<u32>,
    /// n12 per pair.
    pub count: SymMatrix,
    /// Distinct documents per pair.
    pub documents: SymMatrix,
    /// For overlap/near with [`Options::jaccard`]: for a < b, codings of a that touch some coding
    /// of b (`linked_low`) and codings of b that touch some coding of a (`linked_high`).
    pub(super) linked_low: SymMatrix,
    pub(super) linked_high: SymMatrix,
    unit: Unit,
    linked: bool,
    across: bool,
}

/// One non-zero pair of a group's matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairValue {
    pub a: u32,
    pub b: u32,
    pub count: u32,
    /// `None` for overlap/near computed without [`Options::jaccard`].
    pub jaccard: Option<f64>,
    pub documents: u32,
}

impl GroupMatrix {
    pub(super) fn new(label: String, n: usize, options: Options) -> GroupMatrix {
        let unit = options.unit;
        let linked = unit.pairs_codings() && options.jaccard;
        let size = if linked { n } else { 0 };
        GroupMatrix {
            label,
            codings: 0,
            totals: vec![0; n],
            count: SymMatrix::new(n),
            documents: SymMatrix::new(n),
            linked_low: SymMatrix::new(size),
            linked_high: SymMatrix::new(size),
            unit,
            linked,
            across: false,
        }
    }

    /// The bucket of pairs whose codings fall in different groups: counts and documents only.
    pub(super) fn across(n: usize, options: Options) -> GroupMatrix {
        let options = Options { jaccard: false, ..options };
        GroupMatrix { across: true, ..GroupMatrix::new(super::group::ACROSS_LABEL.to_owned(), n, options) }
    }

    /// Whether this is the bucket of pairs across groups.
    pub fn is_across(&self) -> bool {
        self.across
    }

    /// Adds another part's counts (computed over other documents) to this one.
    pub(super) fn merge(&mut self, other: &GroupMatrix) {
        self.codings += other.codings;
        for (t, o) in self.totals.iter_mut().zip(&other.totals) {
            *t += o;
        }
        self.count.merge(&other.count);
        self.documents.merge(&other.documents);
        self.linked_low.merge(&other.linked_low);
        self.linked_high.merge(&other.linked_high);
    }

    /// The Jaccard index of a pair, in [0, 1]; `None` for overlap/near computed without
    /// [`Options::jaccard`], and for the pairs across groups (which have no totals).
    pub fn jaccard(&self, a: u32, b: u32) -> Option<f64> {
        if self.across || (self.unit.pairs_codings() && !self.linked) {
            return None;
        }
        let n12 = if self.unit.pairs_codings() {
            let (lo, hi) = (a.min(b), a.max(b));
            self.linked_low.get(lo, hi).min(self.linked_high.get(lo, hi))
        } else {
            self.count.get(a, b)
        };
        let (n1, n2) = (self.totals[a as usize], self.totals[b as usize]);
        let union = (n1 + n2).saturating_sub(n12);
        Some(if union == 0 { 0.0 } else { f64::from(n12) / f64::from(union) })
    }

    /// Every pair with a non-zero count, `a < b` by code index.
    pub fn pairs(&self) -> Vec<PairValue> {
        self.count
            .nonzero()
            .into_iter()
            .map(|(a, b, count)| PairValue {
                a,
                b,
                count,
                jaccard: self.jaccard(a, b),
                documents: self.documents.get(a, b),
            })
            .collect()
    }
}

/// Co-occurrence matrices, one per group (empty groups left out), and, when grouped by an
/// attribute, the pairs whose codings fall in different groups.
#[derive(Debug, Clone)]
pub struct Cooccurrence {
    pub options: Options,
    pub groups: Vec<GroupMatrix>,
    /// Grouped by an attribute: the pairs across groups, labelled [`super::ACROSS_LABEL`]. For
    /// `overlap` / `near` a pair of codings in two groups counts here, so the groups plus this
    /// add up to the overall matrix. For the unit measures a unit counts here when both codes
    /// occur in it but in no one group; every unit of the overall count is then counted in at
    /// least one group or here, never both (a unit in which two groups each have both codes
    /// counts in each of them).
    pub across: Option<GroupMatrix>,
}

/// Computes one matrix per group of `grouping` over the selected codings (indexes into
/// `corpus.codings` in corpus order, as [`super::Filter::select`] returns them). To show the same
/// selection under several groupings, build a [`CooccurIndex`] once and call
/// [`CooccurIndex::matrices`] per grouping.
pub fn cooccur(corpus: &Corpus, selection: &[u32], grouping: &Grouping, options: Options) -> Cooccurrence {
    CooccurIndex::build(corpus, selection, options).matrices(grouping)
}

/// The part of a selection that lies in document `d` (the selection is in corpus order).
pub(crate) fn doc_slice<'s>(selection: &'s [u32], corpus: &Corpus, d: usize) -> &'s [u32] {
    let range = &corpus.documents[d].codings;
    let lo = selection.partition_point(|&i| (i as usize) < range.start);
    let hi = selection.partition_point(|&i| (i as usize) < range.end);
    &selection[lo..hi]
}

/// The unit spans of a document for a unit-based measure.
pub(crate) fn unit_spans(doc: &DocInfo, unit: Unit) -> Vec<SpanU32> {
    match unit {
        Unit::Turn => doc.turns.iter().map(|t| SpanU32 { start: t.start, end: t.end }).collect(),
        Unit::Paragraph => doc.paragraphs.clone(),
        _ => vec![SpanU32 { start: 0, end: u32::MAX }],
    }
}

/// Indexes of the units a span `[start, end)` intersects (units sorted and disjoint).
pub(crate) fn units_hit(units: &[SpanU32], start: u32, end: u32) -> std::ops::Range<usize> {
    let first = units.partition_point(|u| u.end <= start);
    let last = first + units[first..].partition_point(|u| u.start < end);
    first..last
}

/// How far past its end a coding still pairs with one starting later: 0 for overlap (the later
/// one must start before the end), N + 1 for near:N (a gap of at most N characters).
pub(crate) fn slack(unit: Unit) -> u64 {
    match unit {
        Unit::Near(gap) => u64::from(gap) + 1,
        _ => 0,
    }
}

/// Calls `pair(y, x)` for every two selected codings of one document, `y` starting no later than
/// `x`, where `x` starts before `end(y) + slack`: the sweep keeps the codings still open at `x`.
pub(crate) fn sweep_pairs(
    corpus: &Corpus,
    part: &[u32],
    slack: u64,
    active: &mut Vec<u32>,
    mut pair: impl FnMut(u32, u32),
) {
    let c = &corpus.codings;
    active.clear();
    for &x in part {
        let start = u64::from(c.start[x as usize]);
        active.retain(|&y| u64::from(c.end[y as usize]) + slack > start);
        for &y in active.iter() {
            pair(y, x);
        }
        active.push(x);
    }
}
