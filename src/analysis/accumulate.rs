//! The grouping-dependent half of a co-occurrence: one pass over a [`CooccurIndex`]'s kept pairs
//! or unit hits, counting each in the group of its codings. Pairs are first counted per pair of
//! leaf codes (the codes the codings carry) and rolled up to themes once per distinct leaf pair,
//! not once per coding pair. The documents are split across two threads and the parts merged.

use std::ops::Range;

use super::cooccur::{Cooccurrence, GroupMatrix, Unit};
use super::group::Grouping;
use super::index::{CooccurIndex, half_by_weight};
use super::matrix::SymMatrix;

/// Computes the matrices of every group of `grouping` from an index.
pub(crate) fn accumulate(index: &CooccurIndex, grouping: &Grouping) -> Cooccurrence {
    let split = half_by_weight(&index.docs, |(_, r)| r.len() + 1);
    let (first, second) = index.docs.split_at(split);
    let (mut groups, other) = std::thread::scope(|scope| {
        let other = scope.spawn(|| Part::new(index, grouping).run(second));
        (Part::new(index, grouping).run(first), other.join())
    });
    let other = other.unwrap_or_else(|_| Part::new(index, grouping).run(second));
    for (mine, theirs) in groups.iter_mut().zip(&other) {
        mine.merge(theirs);
    }
    let across = if grouping.is_grouped() { groups.pop() } else { None };
    let groups = groups.into_iter().filter(|g| g.codings > 0).collect();
    Cooccurrence { options: index.options, groups, across }
}

/// The counts of one share of the documents.
struct Part<'a, 'c> {
    index: &'a CooccurIndex<'c>,
    grouping: &'a Grouping,
    /// One matrix per group label, then, when grouped, the pairs across groups.
    groups: Vec<GroupMatrix>,
    /// The index of the bucket of pairs across groups in `groups`, when grouped.
    across: Option<u32>,
    /// Per group and leaf-pair id (overlap / near): `[coding pairs, last document index + 1]`.
    leaf: Vec<Vec<[u32; 2]>>,
    /// Per group: the last document (index + 1) a rolled-up pair was counted in.
    stamp: Vec<SymMatrix>,
    /// `(group, leaf-pair id)` met for the first time in the current document.
    fresh: Vec<(u32, u32)>,
    links: Vec<(u32, u32)>,
    occurrences: Vec<(u32, u32, u32)>,
    doc_stamp: u32,
}

impl<'a, 'c> Part<'a, 'c> {
    fn new(index: &'a CooccurIndex<'c>, grouping: &'a Grouping) -> Part<'a, 'c> {
        let n = index.corpus.codes.len();
        let mut groups: Vec<GroupMatrix> =
            grouping.labels.iter().map(|l| GroupMatrix::new(l.clone(), n, index.options)).collect();
        let across = grouping.is_grouped().then(|| {
            groups.push(GroupMatrix::across(n, index.options));
            groups.len() as u32 - 1
        });
        let buckets = groups.len();
        Part {
            index,
            grouping,
            groups,
            across,
            leaf: (0..buckets).map(|_| vec![[0, 0]; index.leaf_pairs.len()]).collect(),
            stamp: (0..buckets).map(|_| SymMatrix::new(n)).collect(),
            fresh: Vec::new(),
            links: Vec::new(),
            occurrences: Vec::new(),
            doc_stamp: 0,
        }
    }

    fn run(mut self, docs: &[(u32, Range<usize>)]) -> Vec<GroupMatrix> {
        let index = self.index;
        for (d, range) in docs {
            self.doc_stamp = d + 1;
            let part = super::cooccur::doc_slice(&index.selection, index.corpus, *d as usize);
            let events = &index.events[range.clone()];
            match index.options.unit {
                Unit::Overlap | Unit::Near(_) => {
                    self.count_codings(part);
                    self.count_pairs(events, &index.leaf[range.clone()]);
                    if index.options.jaccard {
                        self.links(events);
                    }
                }
                Unit::Turn | Unit::Paragraph | Unit::Document => {
                    self.count_codings_only(part);
                    self.units(events);
                }
            }
        }
        if index.options.unit.pairs_codings() {
            self.roll_up_counts();
        }
        self.groups
    }

    fn count_codings_only(&mut self, part: &[u32]) {
        for &x in part {
            self.groups[self.grouping.of(x) as usize].codings += 1;
        }
    }

    /// Codings per group and, for overlap / near, n1 per code (with roll-up).
    fn count_codings(&mut self, part: &[u32]) {
        let corpus = self.index.corpus;
        let (code, rollup) = (&corpus.codings.code, self.index.options.rollup);
        for &x in part {
            let group = &mut self.groups[self.grouping.of(x) as usize];
            group.codings += 1;
            for &a in corpus.chain(code[x as usize], rollup) {
                group.totals[a as usize] += 1;
            }
        }
    }

    /// Counts one document's coding pairs per leaf pair, and its distinct pairs for `documents`.
    fn count_pairs(&mut self, events: &[(u32, u32)], leaf: &[u32]) {
        let corpus = self.index.corpus;
        let stamp = self.doc_stamp;
        for (&(y, x), &id) in events.iter().zip(leaf) {
            let g = match (self.grouping.of(x), self.grouping.of(y), self.across) {
                (gx, gy, _) if gx == gy => gx,
                (_, _, Some(across)) => across,
                _ => continue,
            };
            let cell = &mut self.leaf[g as usize][id as usize];
            cell[0] += 1;
            if cell[1] != stamp {
                cell[1] = stamp;
                self.fresh.push((g, id));
            }
        }
        if let Some((at, slots)) = &self.index.expansion {
            for (g, id) in self.fresh.drain(..) {
                let (stamps, group) = (&mut self.stamp[g as usize], &mut self.groups[g as usize]);
                let (Some(stamps), Some(documents)) = (stamps.dense_cells(), group.documents.dense_cells()) else {
                    continue;
                };
                for &slot in &slots[at[id as usize]..at[id as usize + 1]] {
                    if stamps[slot as usize] != stamp {
                        stamps[slot as usize] = stamp;
                        documents[slot as usize] += 1;
                    }
                }
            }
            return;
        }
        let rollup = self.index.options.rollup;
        for (g, id) in self.fresh.drain(..) {
            let (p, q) = self.index.leaf_pairs[id as usize];
            let group = &mut self.groups[g as usize];
            for &a in corpus.chain(p, rollup) {
                for &b in corpus.chain(q, rollup) {
                    if a != b && !corpus.related(a, b) && self.stamp[g as usize].replace(a, b, stamp) != stamp {
                        group.documents.add(a, b, 1);
                    }
                }
            }
        }
    }

    /// Turns the leaf-pair counts into the rolled-up `count` matrices.
    fn roll_up_counts(&mut self) {
        let corpus = self.index.corpus;
        let rollup = self.index.options.rollup;
        for (leaf, group) in self.leaf.iter().zip(&mut self.groups) {
            if let (Some((at, slots)), Some(count)) = (&self.index.expansion, group.count.dense_cells()) {
                for (id, &[k, _]) in leaf.iter().enumerate().filter(|(_, c)| c[0] > 0) {
                    for &slot in &slots[at[id]..at[id + 1]] {
                        count[slot as usize] += k;
                    }
                }
                continue;
            }
            for (&(p, q), &[k, _]) in self.index.leaf_pairs.iter().zip(leaf).filter(|(_, c)| c[0] > 0) {
                for &a in corpus.chain(p, rollup) {
                    for &b in corpus.chain(q, rollup) {
                        if a != b && !corpus.related(a, b) {
                            group.count.add(a, b, k);
                        }
                    }
                }
            }
        }
    }

    /// For the Jaccard index: which codings of a touch some coding of b, in one document.
    fn links(&mut self, events: &[(u32, u32)]) {
        let corpus = self.index.corpus;
        let (code, rollup) = (&corpus.codings.code, self.index.options.rollup);
        self.links.clear();
        for &(y, x) in events {
            if self.grouping.of(x) != self.grouping.of(y) {
                continue;
            }
            for &a in corpus.chain(code[x as usize], rollup) {
                for &b in corpus.chain(code[y as usize], rollup) {
                    if a != b && !corpus.related(a, b) {
                        self.links.push((x, b));
                        self.links.push((y, a));
                    }
                }
            }
        }
        self.links.sort_unstable();
        self.links.dedup();
        for &(x, b) in &self.links {
            let group = &mut self.groups[self.grouping.of(x) as usize];
            for &a in corpus.chain(code[x as usize], rollup) {
                if a == b || corpus.related(a, b) {
                    continue;
                }
                if a < b { group.linked_low.add(a, b, 1) } else { group.linked_high.add(b, a, 1) }
            }
        }
    }

    /// Unit measures: (unit, group, code) occurrences of one document, each unit counted once
    /// per group in which both codes occur, or across groups when they occur in it but in no one
    /// group.
    fn units(&mut self, events: &[(u32, u32)]) {
        let corpus = self.index.corpus;
        let (code, rollup) = (&corpus.codings.code, self.index.options.rollup);
        let mut occ = std::mem::take(&mut self.occurrences);
        occ.clear();
        for &(u, x) in events {
            let g = self.grouping.of(x);
            occ.extend(corpus.chain(code[x as usize], rollup).iter().map(|&a| (u, g, a)));
        }
        occ.sort_unstable();
        occ.dedup();
        let stamp = self.doc_stamp;
        for unit in occ.chunk_by(|p, q| p.0 == q.0) {
            let mut groups = 0;
            for run in unit.chunk_by(|p, q| p.1 == q.1) {
                groups += 1;
                let g = run[0].1 as usize;
                let group = &mut self.groups[g];
                for (k, &(_, _, a)) in run.iter().enumerate() {
                    group.totals[a as usize] += 1;
                    for &(_, _, b) in &run[k + 1..] {
                        if !corpus.related(a, b) {
                            group.count.add(a, b, 1);
                            if self.stamp[g].replace(a, b, stamp) != stamp {
                                group.documents.add(a, b, 1);
                            }
                        }
                    }
                }
            }
            if let Some(across) = self.across
                && groups > 1
            {
                self.units_across(unit, across as usize);
            }
        }
        self.occurrences = occ;
    }

    /// Counts the code pairs that occur in one unit (its `(unit, group, code)` occurrences,
    /// sorted) but in none of its groups on their own.
    fn units_across(&mut self, unit: &[(u32, u32, u32)], across: usize) {
        let corpus = self.index.corpus;
        let mut codes: Vec<u32> = unit.iter().map(|o| o.2).collect();
        codes.sort_unstable();
        codes.dedup();
        let runs: Vec<&[(u32, u32, u32)]> = unit.chunk_by(|p, q| p.1 == q.1).collect();
        let has = |run: &[(u32, u32, u32)], a: u32| run.binary_search_by_key(&a, |o| o.2).is_ok();
        let stamp = self.doc_stamp;
        for (k, &a) in codes.iter().enumerate() {
            for &b in &codes[k + 1..] {
                if corpus.related(a, b) || runs.iter().any(|run| has(run, a) && has(run, b)) {
                    continue;
                }
                let bucket = &mut self.groups[across];
                bucket.count.add(a, b, 1);
                if self.stamp[across].replace(a, b, stamp) != stamp {
                    bucket.documents.add(a, b, 1);
                }
            }
        }
    }
}
