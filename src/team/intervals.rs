//! Interval arithmetic over code point spans, so agreement and comparison work on runs of
//! characters instead of per-character arrays: unions of a coder's codings, a sweep over the
//! boundaries of several coders' unions, and overlap tests against turns and paragraphs.

use crate::model::Span;

/// The union of `spans` clipped to `[0, len)`, as sorted, disjoint, non-adjacent spans.
pub fn union(spans: impl IntoIterator<Item = Span>, len: usize) -> Vec<Span> {
    let mut sorted: Vec<Span> = spans
        .into_iter()
        .map(|s| Span { start: s.start.min(len), end: s.end.min(len) })
        .filter(|s| s.start < s.end)
        .collect();
    sorted.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(sorted.len());
    for span in sorted {
        match out.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    out
}

/// Whether a union (from [`union`]) covers any character of `[start, end)`.
pub fn overlaps(union: &[Span], start: usize, end: usize) -> bool {
    let first = union.partition_point(|s| s.end <= start);
    union.get(first).is_some_and(|s| s.start < end)
}

/// One run of the sweep: `[start, end)` and, per layer, whether that layer covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub start: usize,
    pub end: usize,
    pub covered: Vec<bool>,
}

/// Splits `[0, len)` into maximal runs over which no layer's coverage changes. Each layer is a
/// union from [`union`]. Cost is linear in the number of spans (after sorting the boundaries).
pub fn sweep(layers: &[&[Span]], len: usize) -> Vec<Run> {
    let mut bounds: Vec<usize> = vec![0, len];
    for layer in layers {
        bounds.extend(layer.iter().flat_map(|s| [s.start, s.end]));
    }
    bounds.sort_unstable();
    bounds.dedup();
    let mut cursors = vec![0usize; layers.len()];
    let mut runs: Vec<Run> = Vec::new();
    for pair in bounds.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let covered: Vec<bool> = layers
            .iter()
            .zip(cursors.iter_mut())
            .map(|(layer, cursor)| {
                while layer.get(*cursor).is_some_and(|s| s.end <= start) {
                    *cursor += 1;
                }
                layer.get(*cursor).is_some_and(|s| s.start <= start)
            })
            .collect();
        match runs.last_mut() {
            Some(last) if last.covered == covered && last.end == start => last.end = end,
            _ => runs.push(Run { start, end, covered }),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    #[test]
    fn union_merges_overlapping_and_adjacent_spans_and_clips() {
        let u = union([sp(5, 8), sp(0, 2), sp(2, 3), sp(7, 12), sp(20, 30)], 25);
        assert_eq!(u, vec![sp(0, 3), sp(5, 12), sp(20, 25)]);
        assert!(union([sp(30, 40)], 25).is_empty());
    }

    #[test]
    fn overlap_is_end_exclusive() {
        let u = vec![sp(2, 4), sp(10, 12)];
        assert!(overlaps(&u, 3, 5));
        assert!(!overlaps(&u, 4, 10));
        assert!(overlaps(&u, 0, 3));
        assert!(!overlaps(&u, 12, 20));
    }

    #[test]
    fn sweep_splits_at_every_coverage_change() {
        let a = vec![sp(0, 4)];
        let b = vec![sp(2, 6)];
        let runs = sweep(&[&a, &b], 8);
        let shape: Vec<(usize, usize, Vec<bool>)> = runs.into_iter().map(|r| (r.start, r.end, r.covered)).collect();
        assert_eq!(
            shape,
            vec![
                (0, 2, vec![true, false]),
                (2, 4, vec![true, true]),
                (4, 6, vec![false, true]),
                (6, 8, vec![false, false])
            ]
        );
    }
}
