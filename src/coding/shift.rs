//! The one rule that moves offsets when a document's text is edited, and the small engine that
//! runs it over a list of anchored spans (codings, speaker turns, paragraphs, …).
//!
//! Why one rule: codings, turns, paragraphs, a merge's carried codings and undo must all agree on
//! where a position goes, or a coding would drift from its words. For a replaced range `[s, e)`
//! with new length `L`: a position before `s` stays; a position at or after `e` moves by
//! `L − (e − s)`; a start inside the range moves to `s`, an end inside it to `s + L`. An end at
//! `s` counts as before the range, so a coding that ends where an edit starts (or where text is
//! inserted) does not grow; a start at an insertion point is pushed after the new text. So a
//! span that does not overlap the edit keeps exactly its text, and one that overlaps covers the
//! new text.
//!
//! Undo needs the old positions back. Most positions come back by running the rule for the
//! inverse edit; the few that do not (a start or end that fell inside a replaced range) are kept
//! as [`Fixup`]s, so a one-character edit in a transcript with 20,000 codings records a handful
//! of numbers, not 20,000 row images.

use serde::{Deserialize, Serialize};

/// Where position `pos` goes when `[s, e)` is replaced by `len` new characters; `is_start`
/// says whether it starts a span (else it ends one). See the module docs for the rule.
pub fn shift(pos: usize, s: usize, e: usize, len: usize, is_start: bool) -> usize {
    if pos < s || (!is_start && pos == s) {
        pos
    } else if pos >= e {
        pos - (e - s) + len
    } else if is_start {
        s
    } else {
        s + len
    }
}

/// One replacement of `[start, end)` by `len` characters, in the coordinates of the text it
/// applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Splice {
    pub start: usize,
    pub end: usize,
    pub len: usize,
}

impl Splice {
    /// How far positions after the replaced range move.
    pub fn delta(self) -> i64 {
        self.len as i64 - (self.end - self.start) as i64
    }

    /// The splice that puts the old text back, in the coordinates of the edited text.
    pub fn inverse(self) -> Splice {
        Splice { start: self.start, end: self.start + self.len, len: self.end - self.start }
    }

    /// A span moved by this splice: both ends by [`shift`], the end never before the start
    /// (an empty span at an insertion point stays empty, after the new text).
    pub fn span(self, start: usize, end: usize) -> (usize, usize) {
        let s = shift(start, self.start, self.end, self.len, true);
        let e = shift(end, self.start, self.end, self.len, false).max(s);
        (s, e)
    }
}

/// A span anchored in a document's text, by key (a coding or turn id, a paragraph's index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchored {
    pub key: i64,
    pub start: usize,
    pub end: usize,
}

/// A position the inverse edit would not restore: the span `key` stood at `[start, end)` before
/// splice number `step` of its batch. Stored as a JSON array to keep the history small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fixup(pub usize, pub i64, pub usize, pub usize);

impl Fixup {
    pub fn step(self) -> usize {
        self.0
    }
}

/// Whether `splices` form a batch for a text of `chars` code points: ascending, inside the text,
/// all in the coordinates of the text before the batch (they are applied last first, so each
/// stays valid), and apart (two may touch only when neither is an insertion, which would make
/// the order of the two ambiguous).
pub fn check_batch(splices: &[Splice], chars: usize) -> bool {
    let touching_ok = |a: &Splice, b: &Splice| a.start < a.end && b.start < b.end;
    splices.iter().all(|s| s.start <= s.end && s.end <= chars)
        && splices.windows(2).all(|w| w[0].end < w[1].start || (w[0].end == w[1].start && touching_ok(&w[0], &w[1])))
}

/// The order the engine runs a batch in, forward: last splice first, each in the coordinates of
/// the text before the batch.
pub fn forward_steps(splices: &[Splice]) -> impl Iterator<Item = (usize, Splice)> + '_ {
    splices.iter().copied().enumerate().rev()
}

/// The inverse of a batch, in the order undo runs it: first splice first, each in the
/// coordinates of the text at that moment (the splices below it already undone).
pub fn backward_steps(splices: &[Splice]) -> impl Iterator<Item = (usize, Splice)> + '_ {
    splices.iter().copied().map(Splice::inverse).enumerate()
}

/// Positions at or after this one (in the text before the batch) move by [`total_delta`]
/// through the whole batch: the spans there can be moved by one bulk update.
pub fn tail_from(splices: &[Splice]) -> usize {
    splices.last().map_or(usize::MAX, |s| s.end)
}

/// How far the batch moves the text after its last splice.
pub fn total_delta(splices: &[Splice]) -> i64 {
    splices.iter().map(|s| s.delta()).sum()
}

/// Runs a batch forward over `spans` (in place) and returns the fixups undo will need.
pub fn forward(spans: &mut [Anchored], splices: &[Splice]) -> Vec<Fixup> {
    let mut fixups = Vec::new();
    for (step, splice) in forward_steps(splices) {
        let back = splice.inverse();
        for a in spans.iter_mut() {
            let (s, e) = splice.span(a.start, a.end);
            if back.span(s, e) != (a.start, a.end) {
                fixups.push(Fixup(step, a.key, a.start, a.end));
            }
            a.start = s;
            a.end = e;
        }
    }
    fixups
}

/// Runs a batch backward over `spans` (in place), restoring the positions `fixups` hold.
pub fn backward(spans: &mut [Anchored], splices: &[Splice], fixups: &[Fixup]) {
    let index: std::collections::HashMap<i64, usize> = match fixups.is_empty() {
        true => Default::default(),
        false => spans.iter().enumerate().map(|(i, a)| (a.key, i)).collect(),
    };
    for (step, splice) in backward_steps(splices) {
        for a in spans.iter_mut() {
            (a.start, a.end) = splice.span(a.start, a.end);
        }
        for fix in fixups.iter().filter(|f| f.step() == step) {
            if let Some(&i) = index.get(&fix.1) {
                spans[i].start = fix.2;
                spans[i].end = fix.3;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_rule_of_the_issue() {
        // Replace [10, 15) by 2 characters.
        let sh = |p, start| shift(p, 10, 15, 2, start);
        assert_eq!(sh(9, true), 9);
        assert_eq!(sh(15, true), 12);
        assert_eq!(sh(20, false), 17);
        assert_eq!(sh(12, true), 10, "a start inside moves to s");
        assert_eq!(sh(12, false), 12, "an end inside moves to s + L");
        assert_eq!(sh(10, false), 10, "an end at s stays");
        // An insertion at 10: a span ending there does not grow, one starting there moves on.
        assert_eq!(shift(10, 10, 10, 3, false), 10);
        assert_eq!(shift(10, 10, 10, 3, true), 13);
        assert_eq!(Splice { start: 10, end: 10, len: 3 }.span(5, 12), (5, 15), "an overlapping span grows");
        assert_eq!(Splice { start: 10, end: 10, len: 3 }.span(10, 10), (13, 13));
    }

    fn batch() -> impl Strategy<Value = (usize, Vec<Splice>)> {
        (1usize..200, proptest::collection::vec((0usize..200, 0usize..6, 0usize..6), 0..6)).prop_map(|(n, raw)| {
            let mut out: Vec<Splice> = Vec::new();
            let mut at = 0;
            for (gap, del, len) in raw {
                let start = at + gap % 20;
                let end = start + del;
                if end > n {
                    break;
                }
                out.push(Splice { start, end, len });
                at = end;
            }
            (n, out)
        })
    }

    proptest! {
        #[test]
        fn forward_then_backward_restores_every_span(
            (n, splices) in batch(),
            raw in proptest::collection::vec((0usize..200, 0usize..40), 0..40),
        ) {
            prop_assume!(check_batch(&splices, n));
            let original: Vec<Anchored> = raw.iter().enumerate()
                .map(|(i, &(s, l))| Anchored { key: i as i64, start: s % n, end: (s % n + l).min(n) })
                .collect();
            let mut spans = original.clone();
            let fixups = forward(&mut spans, &splices);
            let tail = tail_from(&splices);
            let d = total_delta(&splices);
            for (a, b) in original.iter().zip(&spans) {
                prop_assert!(b.start <= b.end);
                if a.start >= tail {
                    prop_assert_eq!(b.start as i64, a.start as i64 + d);
                    prop_assert_eq!(b.end as i64, a.end as i64 + d);
                }
            }
            backward(&mut spans, &splices, &fixups);
            prop_assert_eq!(spans, original);
        }

        #[test]
        fn a_span_clear_of_an_edit_keeps_its_length(s in 0usize..50, del in 0usize..10, len in 0usize..10,
                                                    a in 0usize..80, l in 1usize..20) {
            let splice = Splice { start: s, end: s + del, len };
            let b = a + l;
            let clear = b <= s || a >= s + del && !(del == 0 && a < s);
            if clear {
                let (x, y) = splice.span(a, b);
                prop_assert_eq!(y - x, l);
            }
        }
    }
}
