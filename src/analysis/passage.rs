//! Passages: when several coders (or one coder twice) coded the same span of a document with the
//! same code, a researcher reads one coded passage, not several. Co-occurrence merges such
//! codings before counting, so a sentence two coders coded identically with A and B counts once,
//! not four times. [`Options::per_coder`](super::Options) keeps every coding apart instead.

use super::load::Corpus;

/// The selection (in corpus order) with codings of the same code on an identical span of a
/// document merged: the first of each such set, in corpus order, stands for all of them.
/// O(selection); codings that share a start are compared among themselves only.
pub fn passages(corpus: &Corpus, selection: &[u32]) -> Vec<u32> {
    let c = &corpus.codings;
    let mut out = Vec::with_capacity(selection.len());
    let mut run: Vec<(u32, u32, u32)> = Vec::new();
    let mut i = 0;
    while i < selection.len() {
        let first = selection[i] as usize;
        let same_start = |&j: &u32| c.doc[j as usize] == c.doc[first] && c.start[j as usize] == c.start[first];
        let len = selection[i..].iter().take_while(|j| same_start(j)).count();
        if len == 1 {
            out.push(selection[i]);
        } else {
            run.clear();
            run.extend(selection[i..i + len].iter().map(|&j| (c.end[j as usize], c.code[j as usize], j)));
            run.sort_unstable();
            run.dedup_by_key(|&mut (end, code, _)| (end, code));
            let begin = out.len();
            out.extend(run.iter().map(|&(_, _, j)| j));
            out[begin..].sort_unstable();
        }
        i += len;
    }
    out
}

/// The codings of `selection` merged into coding `i` by [`passages`]: those of the same document,
/// code and span, `i` included, in corpus order.
pub fn same_span(corpus: &Corpus, selection: &[u32], i: u32) -> Vec<u32> {
    let c = &corpus.codings;
    let at = selection.partition_point(|&j| j < i);
    let key = |j: u32| {
        let j = j as usize;
        (c.doc[j], c.start[j], c.end[j], c.code[j])
    };
    let same_start = |j: u32| c.doc[j as usize] == c.doc[i as usize] && c.start[j as usize] == c.start[i as usize];
    let before = selection[..at].iter().rev().take_while(|&&j| same_start(j)).count();
    let after = selection[at..].iter().take_while(|&&j| same_start(j)).count();
    selection[at - before..at + after].iter().copied().filter(|&j| key(j) == key(i)).collect()
}
