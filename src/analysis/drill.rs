//! Drill-down: the coding pairs behind one cell of a co-occurrence matrix, as ids, so the GUI and
//! exports can show the quotes.

use serde::Serialize;

use crate::model::{CodingId, DocumentId};

use super::cooccur::{Options, Unit, doc_slice, slack, sweep_pairs, unit_spans, units_hit};
use super::group::Grouping;
use super::load::Corpus;

/// Two codings behind a cell: `coding_a` has code a (or a descendant, with roll-up), `coding_b`
/// code b. For unit measures `unit` is the turn / paragraph / document span they share (a pair of
/// codings that share two paragraphs appears once per paragraph, as the cell counts units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrillPair {
    pub document: DocumentId,
    pub unit: Option<(u32, u32)>,
    pub coding_a: CodingId,
    pub coding_b: CodingId,
}

/// The pairs behind cell `{a, b}` (code indexes) of group `group` (a label index of `grouping`),
/// or of every group when `group` is `None` (pairs still need both codings in one group).
/// Ordered by document, then unit, then the codings' order in the text.
pub fn drill(
    corpus: &Corpus,
    selection: &[u32],
    grouping: &Grouping,
    group: Option<u32>,
    options: Options,
    a: u32,
    b: u32,
) -> Vec<DrillPair> {
    if a == b || corpus.related(a, b) {
        return Vec::new();
    }
    let c = &corpus.codings;
    let has = |i: u32, code: u32| corpus.chain(c.code[i as usize], options.rollup).contains(&code);
    let relevant: Vec<u32> = selection
        .iter()
        .copied()
        .filter(|&i| group.is_none_or(|g| grouping.of(i) == g) && (has(i, a) || has(i, b)))
        .collect();
    let mut out = Vec::new();
    let mut active = Vec::new();
    for (d, doc) in corpus.documents.iter().enumerate() {
        let part = doc_slice(&relevant, corpus, d);
        if part.is_empty() {
            continue;
        }
        let mut push = |unit: Option<(u32, u32)>, x: u32, y: u32| {
            out.push(DrillPair { document: doc.id, unit, coding_a: c.id[x as usize], coding_b: c.id[y as usize] })
        };
        if options.unit.pairs_codings() {
            sweep_pairs(corpus, part, slack(options.unit), &mut active, |y, x| {
                if grouping.of(x) != grouping.of(y) {
                    return;
                }
                if has(y, a) && has(x, b) {
                    push(None, y, x);
                } else if has(x, a) && has(y, b) {
                    push(None, x, y);
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
            let span = spans[run[0].0];
            let unit = (options.unit != Unit::Document).then_some((span.start, span.end));
            for &(_, x) in run.iter().filter(|(_, x)| has(*x, a)) {
                for &(_, y) in run.iter().filter(|(_, y)| has(*y, b) && grouping.of(*y) == grouping.of(x)) {
                    push(unit, x, y);
                }
            }
        }
    }
    out
}
