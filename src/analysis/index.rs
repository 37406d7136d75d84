//! The grouping-independent half of a co-occurrence: which codings of a selection meet (pairs of
//! codings for `overlap` / `near:N`, unit hits for `turn` / `paragraph` / `document`), found once
//! by the sweep and kept, so that switching the grouping (overall, by site, by role) is one pass
//! over the kept pairs instead of a new sweep.

use std::ops::Range;

use super::accumulate::accumulate;
use super::cooccur::{Cooccurrence, Options, Unit, doc_slice, slack, sweep_pairs, unit_spans, units_hit};
use super::group::Grouping;
use super::load::Corpus;
use super::matrix::SymMatrix;
use super::passage::passages;

/// The sweep's output for one selection and one set of [`Options`]; [`CooccurIndex::matrices`]
/// turns it into matrices for any grouping.
#[derive(Debug, Clone)]
pub struct CooccurIndex<'c> {
    pub(crate) corpus: &'c Corpus,
    pub(crate) options: Options,
    /// The codings that take part, in corpus order: the selection with identical spans merged
    /// (unless [`Options::per_coder`]), and for `turn` / `paragraph` only codings in some unit.
    pub(crate) selection: Vec<u32>,
    /// Per document with selected codings: its index and its range in `events`.
    pub(crate) docs: Vec<(u32, Range<usize>)>,
    /// `overlap` / `near`: pairs `(y, x)` of codings that meet, `y` starting first, left out when
    /// their codes can never count (same or related code). Unit measures: `(unit, coding)` hits,
    /// sorted by unit.
    pub(crate) events: Vec<(u32, u32)>,
    /// `overlap` / `near`: per pair in `events`, the id of its leaf-code pair in `leaf_pairs`.
    pub(crate) leaf: Vec<u32>,
    /// The distinct `(code of y, code of x)` pairs of `events`, by id.
    pub(crate) leaf_pairs: Vec<(u32, u32)>,
    /// For dense matrices: the cells leaf pair `id` counts in (itself, or with roll-up every
    /// pair of its codes' ancestors that are not related) are
    /// `expansion.1[expansion.0[id]..expansion.0[id + 1]]`, as [`SymMatrix::dense_slot`]s.
    pub(crate) expansion: Option<(Vec<usize>, Vec<u32>)>,
}

impl<'c> CooccurIndex<'c> {
    /// Finds which selected codings meet (selection in corpus order, as [`super::Filter::select`]
    /// returns it). O(n log n + pairs); the documents are split across two threads.
    pub fn build(corpus: &'c Corpus, selection: &[u32], options: Options) -> CooccurIndex<'c> {
        let merged;
        let selection: &[u32] = if options.per_coder {
            selection
        } else {
            merged = passages(corpus, selection);
            &merged
        };
        let docs: Vec<(u32, &[u32])> = (0..corpus.documents.len())
            .map(|d| (d as u32, doc_slice(selection, corpus, d)))
            .filter(|(_, part)| !part.is_empty())
            .collect();
        let split = half_by_weight(&docs, |(_, part)| part.len());
        let (first, second) = docs.split_at(split);
        let (mut head, tail) = std::thread::scope(|scope| {
            let tail = scope.spawn(|| find_events(corpus, second, options.unit));
            (find_events(corpus, first, options.unit), tail.join())
        });
        let tail = tail.unwrap_or_else(|_| find_events(corpus, second, options.unit));
        let offset = head.1.len();
        head.0.extend(tail.0.into_iter().map(|(d, r)| (d, r.start + offset..r.end + offset)));
        head.1.extend(tail.1);
        let (leaf, leaf_pairs) =
            if options.unit.pairs_codings() { leaf_ids(corpus, &head.1) } else { (Vec::new(), Vec::new()) };
        let expansion = expand_leaf_pairs(corpus, &leaf_pairs, options.rollup);
        let selection = match options.unit {
            Unit::Turn | Unit::Paragraph => taking_part(&head.1),
            _ => selection.to_vec(),
        };
        CooccurIndex { corpus, options, selection, docs: head.0, events: head.1, leaf, leaf_pairs, expansion }
    }

    /// The options the index was built with.
    pub fn options(&self) -> Options {
        self.options
    }

    /// Number of kept coding pairs (`overlap` / `near`) or unit hits.
    pub fn events(&self) -> usize {
        self.events.len()
    }

    /// One matrix per group of `grouping` (empty groups left out). O(codings + pairs).
    pub fn matrices(&self, grouping: &Grouping) -> Cooccurrence {
        accumulate(self, grouping)
    }
}

/// The distinct codings of unit hits `(unit, coding)`, in corpus order.
fn taking_part(events: &[(u32, u32)]) -> Vec<u32> {
    let mut codings: Vec<u32> = events.iter().map(|&(_, x)| x).collect();
    codings.sort_unstable();
    codings.dedup();
    codings
}

/// The index where a list splits into two halves of about equal weight.
pub(crate) fn half_by_weight<T>(items: &[T], weight: impl Fn(&T) -> usize) -> usize {
    let total: usize = items.iter().map(&weight).sum();
    let mut seen = 0;
    items
        .iter()
        .position(|item| {
            seen += weight(item);
            seen * 2 >= total
        })
        .map_or(items.len(), |i| i + 1)
}

/// Numbers the distinct leaf-code pairs of the coding pairs (unordered), so that counting a pair
/// is one increment in a small dense array. A lookup table by triangular slot for codebooks up to
/// a few thousand codes, a hash map beyond.
fn leaf_ids(corpus: &Corpus, events: &[(u32, u32)]) -> (Vec<u32>, Vec<(u32, u32)>) {
    const TABLE_LIMIT: usize = 8 << 20;
    let n = corpus.codes.len();
    let code = &corpus.codings.code;
    let key = |&(y, x): &(u32, u32)| {
        let (p, q) = (code[y as usize], code[x as usize]);
        (p.min(q) as usize, p.max(q) as usize)
    };
    let mut pairs = Vec::new();
    let mut id_of = |p: usize, q: usize, slot: &mut u32| {
        if *slot == u32::MAX {
            *slot = pairs.len() as u32;
            pairs.push((p as u32, q as u32));
        }
        *slot
    };
    let ids = if n * n.saturating_sub(1) / 2 <= TABLE_LIMIT {
        let mut table = vec![u32::MAX; n * n.saturating_sub(1) / 2];
        events.iter().map(key).map(|(p, q)| id_of(p, q, &mut table[p * (2 * n - p - 1) / 2 + (q - p - 1)])).collect()
    } else {
        let mut table = std::collections::HashMap::new();
        events.iter().map(key).map(|(p, q)| id_of(p, q, table.entry((p, q)).or_insert(u32::MAX))).collect()
    };
    (ids, pairs)
}

/// The matrix cells each leaf pair counts in, when the matrices are dense.
fn expand_leaf_pairs(corpus: &Corpus, leaf_pairs: &[(u32, u32)], rollup: bool) -> Option<(Vec<usize>, Vec<u32>)> {
    let matrix = SymMatrix::new(corpus.codes.len());
    let mut at = Vec::with_capacity(leaf_pairs.len() + 1);
    let mut slots = Vec::with_capacity(leaf_pairs.len());
    for &(p, q) in leaf_pairs {
        at.push(slots.len());
        for &a in corpus.chain(p, rollup) {
            for &b in corpus.chain(q, rollup) {
                if a != b && !corpus.related(a, b) {
                    slots.push(matrix.dense_slot(a, b)?);
                }
            }
        }
    }
    at.push(slots.len());
    Some((at, slots))
}

type Events = (Vec<(u32, Range<usize>)>, Vec<(u32, u32)>);

fn find_events(corpus: &Corpus, docs: &[(u32, &[u32])], unit: Unit) -> Events {
    let mut ranges = Vec::with_capacity(docs.len());
    let mut events = Vec::new();
    let mut active = Vec::new();
    let c = &corpus.codings;
    for &(d, part) in docs {
        let begin = events.len();
        match unit {
            Unit::Overlap | Unit::Near(_) => sweep_pairs(corpus, part, slack(unit), &mut active, |y, x| {
                let (p, q) = (c.code[y as usize], c.code[x as usize]);
                if p != q && !corpus.related(p, q) {
                    events.push((y, x));
                }
            }),
            Unit::Turn | Unit::Paragraph | Unit::Document => {
                let spans = unit_spans(&corpus.documents[d as usize], unit);
                for &x in part {
                    events.extend(units_hit(&spans, c.start[x as usize], c.end[x as usize]).map(|u| (u as u32, x)));
                }
                events[begin..].sort_unstable();
            }
        }
        ranges.push((d, begin..events.len()));
    }
    (ranges, events)
}
