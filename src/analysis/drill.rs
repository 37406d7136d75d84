//! Drill-down: what one cell of a co-occurrence matrix counts, as coding ids, so the GUI and
//! exports can show the quotes. One [`DrillItem`] per counted thing, so a cell of 8 lists 8
//! items: for `overlap` / `near:N` a pair of passages, for `turn` / `paragraph` / `document` a
//! unit with the passages of both codes inside it (every pair of them is available).

use serde::Serialize;

use crate::model::{CodingId, DocumentId};

use super::cooccur::{Options, Unit, doc_slice, slack, sweep_pairs, unit_spans, units_hit};
use super::group::Grouping;
use super::load::Corpus;
use super::passage::{passages, same_span};

/// Which matrix of a co-occurrence a cell is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// The group with this label index (0 for the one overall matrix).
    Group(u32),
    /// The pairs whose codings fall in different groups.
    Across,
}

/// A coded passage: a coding and, unless [`Options::per_coder`], the codings of other coders (or
/// the same coder again) of the same code on the identical span, merged into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passage {
    pub coding: CodingId,
    /// The other codings merged into this passage.
    pub merged: Vec<CodingId>,
}

/// One counted thing of a cell. `a` holds passages of code a (or a descendant, with roll-up),
/// `b` of code b. For `overlap` / `near` both hold one passage and `unit` is `None`; for `turn` /
/// `paragraph` `unit` is the unit's span; for `document` it is `None` (the whole document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrillItem {
    pub document: DocumentId,
    pub unit: Option<(u32, u32)>,
    pub a: Vec<Passage>,
    pub b: Vec<Passage>,
}

impl DrillItem {
    /// Every (passage of a, passage of b) pair of the item, by coding id.
    pub fn pairs(&self) -> impl Iterator<Item = (CodingId, CodingId)> + '_ {
        self.a.iter().flat_map(|x| self.b.iter().map(move |y| (x.coding, y.coding)))
    }
}

/// What cell `{a, b}` (code indexes) of `bucket` counts, over the selected codings (corpus
/// order). In a group's cell both passages lie in that group; across groups, in two different
/// groups (for units: both codes occur in the unit but in no one group, and all their passages
/// in it are listed). Ordered by document, then unit, then the passages' order in the text.
pub fn drill(
    corpus: &Corpus,
    selection: &[u32],
    grouping: &Grouping,
    bucket: Bucket,
    options: Options,
    a: u32,
    b: u32,
) -> Vec<DrillItem> {
    if a == b || corpus.related(a, b) {
        return Vec::new();
    }
    let c = &corpus.codings;
    let has = |i: u32, code: u32| corpus.chain(c.code[i as usize], options.rollup).contains(&code);
    let merged;
    let counted: &[u32] = if options.per_coder {
        selection
    } else {
        merged = passages(corpus, selection);
        &merged
    };
    let relevant: Vec<u32> = counted.iter().copied().filter(|&i| has(i, a) || has(i, b)).collect();
    let passage = |i: u32| Passage {
        coding: c.id[i as usize],
        merged: match options.per_coder {
            true => Vec::new(),
            false => {
                same_span(corpus, selection, i).into_iter().filter(|&j| j != i).map(|j| c.id[j as usize]).collect()
            }
        },
    };
    let mut out = Vec::new();
    let mut active = Vec::new();
    for (d, doc) in corpus.documents.iter().enumerate() {
        let part = doc_slice(&relevant, corpus, d);
        if part.is_empty() {
            continue;
        }
        if options.unit.pairs_codings() {
            sweep_pairs(corpus, part, slack(options.unit), &mut active, |y, x| {
                let same = grouping.of(x) == grouping.of(y);
                let wanted = match bucket {
                    Bucket::Group(g) => same && grouping.of(x) == g,
                    Bucket::Across => !same,
                };
                let (first, second) = match () {
                    _ if has(y, a) && has(x, b) => (y, x),
                    _ if has(x, a) && has(y, b) => (x, y),
                    _ => return,
                };
                if wanted {
                    let (pa, pb) = (passage(first), passage(second));
                    out.push(DrillItem { document: doc.id, unit: None, a: vec![pa], b: vec![pb] });
                }
            });
            continue;
        }
        let spans = unit_spans(doc, options.unit);
        let mut by_unit: Vec<(usize, u32)> = Vec::new();
        for &x in part {
            by_unit.extend(units_hit(&spans, c.start[x as usize], c.end[x as usize]).map(|u| (u, x)));
        }
        by_unit.sort_unstable();
        for run in by_unit.chunk_by(|p, q| p.0 == q.0) {
            let members: Vec<u32> = run.iter().map(|&(_, x)| x).collect();
            let Some((xs, ys)) = unit_members(&members, bucket, grouping, |x| has(x, a), |y| has(y, b)) else {
                continue;
            };
            let span = spans[run[0].0];
            out.push(DrillItem {
                document: doc.id,
                unit: (options.unit != Unit::Document).then_some((span.start, span.end)),
                a: xs.into_iter().map(passage).collect(),
                b: ys.into_iter().map(passage).collect(),
            });
        }
    }
    out
}

/// The passages of a and of b in one unit that make it count in `bucket`, or `None` when it does
/// not count there. `members` are the unit's passages of a or b, in text order.
fn unit_members(
    members: &[u32],
    bucket: Bucket,
    grouping: &Grouping,
    is_a: impl Fn(u32) -> bool,
    is_b: impl Fn(u32) -> bool,
) -> Option<(Vec<u32>, Vec<u32>)> {
    let in_group = |g: u32| {
        let xs: Vec<u32> = members.iter().copied().filter(|&x| grouping.of(x) == g && is_a(x)).collect();
        let ys: Vec<u32> = members.iter().copied().filter(|&y| grouping.of(y) == g && is_b(y)).collect();
        (!xs.is_empty() && !ys.is_empty()).then_some((xs, ys))
    };
    match bucket {
        Bucket::Group(g) => in_group(g),
        Bucket::Across => {
            let mut groups: Vec<u32> = members.iter().map(|&x| grouping.of(x)).collect();
            groups.sort_unstable();
            groups.dedup();
            if groups.len() < 2 || groups.iter().any(|&g| in_group(g).is_some()) {
                return None;
            }
            let xs: Vec<u32> = members.iter().copied().filter(|&x| is_a(x)).collect();
            let ys: Vec<u32> = members.iter().copied().filter(|&y| is_b(y)).collect();
            (!xs.is_empty() && !ys.is_empty()).then_some((xs, ys))
        }
    }
}
