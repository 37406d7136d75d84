//! Segment-overlap agreement as MAXQDA reports it: instead of units of text, the coded segments
//! themselves are compared. A segment of one coder *matches* another coder when that coder has a
//! segment of the same code in the same document overlapping it by at least the minimum overlap
//! (MAXQDA's default 90 %). Overlap is measured as intersection over union of the two spans in
//! characters, so a short coding inside a long one does not match it.
//!
//! Every segment is checked against every other coder who coded its document (the missing-data
//! rule of [`super::scope`]: a coder who never coded a document is not asked about it); each such
//! check is one comparison, and agreement is matched comparisons / comparisons. For two coders
//! this is MAXQDA's figure: each coder's segments checked against the other's. The segments that
//! do not match are listed so a team can talk them through.

use rusqlite::Connection;
use serde::Serialize;

use super::scope;
use crate::error::{Error, Result};
use crate::model::{CodeId, DocumentId, Span};
use crate::store::documents;

/// What to compare.
#[derive(Debug, Clone)]
pub struct OverlapRequest {
    pub coders: Vec<String>,
    /// A code path: that code and its descendants; `None` for the codebook.
    pub code: Option<String>,
    /// Minimum overlap in percent (intersection over union), 0 < x ≤ 100.
    pub min_overlap: f64,
}

/// Matches per code (or over all codes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverlapCounts {
    /// Segment × other-coder checks.
    pub comparisons: u64,
    pub matched: u64,
    /// matched / comparisons in percent; `None` without comparisons.
    pub percent_agreement: Option<f64>,
}

/// One code's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeOverlap {
    pub code_id: CodeId,
    pub code: String,
    #[serde(flatten)]
    pub counts: OverlapCounts,
}

/// A segment that does not match some other coder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmatched {
    pub document_id: DocumentId,
    pub document: String,
    pub code: String,
    pub coder: String,
    pub start: usize,
    pub end: usize,
    /// The coder it has no match with.
    pub other: String,
    /// The best overlap (percent) it has with that coder's segments of the code; 0 for none.
    pub best_overlap: f64,
}

/// The result of [`segment_overlap`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverlapReport {
    pub coders: Vec<String>,
    pub min_overlap: f64,
    pub codes: Vec<CodeOverlap>,
    pub total: OverlapCounts,
    /// Ordered by document name, code (codebook order), coder and position.
    pub unmatched: Vec<Unmatched>,
}

/// Intersection over union of two spans, in percent (0 when either is empty).
pub fn overlap_percent(a: Span, b: Span) -> f64 {
    let inter = a.end.min(b.end).saturating_sub(a.start.max(b.start));
    let union = a.end.max(b.end) - a.start.min(b.start);
    if union == 0 || a.start >= a.end || b.start >= b.end { 0.0 } else { 100.0 * inter as f64 / union as f64 }
}

/// Compares the coders' segments code by code.
pub fn segment_overlap(conn: &Connection, request: &OverlapRequest) -> Result<OverlapReport> {
    if !(request.min_overlap > 0.0 && request.min_overlap <= 100.0) {
        return Err(Error::invalid(format!(
            "the minimum overlap is a percentage above 0 and at most 100, not {}",
            request.min_overlap
        )));
    }
    let coders = scope::resolve_coders(conn, &request.coders)?;
    let codes = scope::codes_in_scope(conn, request.code.as_deref())?;
    let scan = scope::scan(conn, &coders, &codes)?;
    let grouped = scope::grouped(&scan, &coders, &codes);
    let mut docs = documents::list(conn)?;
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut rows = Vec::new();
    let mut unmatched = Vec::new();
    for code in codes.iter().filter(|c| grouped.contains_key(&c.id)) {
        let mut counts = (0u64, 0u64);
        for doc in &docs {
            let Some(spans) = grouped.get(&code.id).and_then(|g| g.get(&doc.id)) else { continue };
            let present = scan.present.get(&doc.id).copied().unwrap_or(0);
            for miss in compare_document(spans, present, request.min_overlap, &mut counts) {
                unmatched.push(Unmatched {
                    document_id: doc.id,
                    document: doc.name.clone(),
                    code: code.path.clone(),
                    coder: coders.names[miss.coder].clone(),
                    start: miss.span.start,
                    end: miss.span.end,
                    other: coders.names[miss.other].clone(),
                    best_overlap: miss.best,
                });
            }
        }
        rows.push(CodeOverlap { code_id: code.id, code: code.path.clone(), counts: counts_of(counts.0, counts.1) });
    }
    let total = counts_of(rows.iter().map(|r| r.counts.comparisons).sum(), rows.iter().map(|r| r.counts.matched).sum());
    Ok(OverlapReport { coders: coders.names, min_overlap: request.min_overlap, codes: rows, total, unmatched })
}

fn counts_of(comparisons: u64, matched: u64) -> OverlapCounts {
    let percent_agreement = (comparisons > 0).then(|| 100.0 * matched as f64 / comparisons as f64);
    OverlapCounts { comparisons, matched, percent_agreement }
}

/// A segment of `coder` with no match among `other`'s segments.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub coder: usize,
    pub other: usize,
    pub span: Span,
    pub best: f64,
}

/// One document's segments of one code per coder; adds (comparisons, matched) and returns the
/// misses. Only coders in `present` (bit mask) take part; alone, a coder has nothing to compare.
pub fn compare_document(per_coder: &[Vec<Span>], present: u64, min_overlap: f64, counts: &mut (u64, u64)) -> Vec<Miss> {
    let here: Vec<usize> = (0..per_coder.len()).filter(|&i| present >> i & 1 == 1).collect();
    let mut misses = Vec::new();
    for &coder in &here {
        let mut own = per_coder[coder].clone();
        own.sort_unstable();
        for span in own.into_iter().filter(|s| s.start < s.end) {
            for &other in here.iter().filter(|&&o| o != coder) {
                let best = per_coder[other].iter().map(|&t| overlap_percent(span, t)).fold(0.0, f64::max);
                counts.0 += 1;
                if best + 1e-9 >= min_overlap {
                    counts.1 += 1;
                } else {
                    misses.push(Miss { coder, other, span, best });
                }
            }
        }
    }
    misses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    #[test]
    fn overlap_is_intersection_over_union() {
        assert_eq!(overlap_percent(sp(0, 100), sp(0, 100)), 100.0);
        assert_eq!(overlap_percent(sp(0, 100), sp(10, 100)), 90.0);
        assert_eq!(overlap_percent(sp(0, 100), sp(50, 150)), 100.0 * 50.0 / 150.0);
        assert_eq!(overlap_percent(sp(0, 10), sp(10, 20)), 0.0);
        assert_eq!(overlap_percent(sp(5, 5), sp(0, 20)), 0.0);
    }

    /// Ana: 0..100 and 200..240; Ben: 5..100 (95 % of Ana's first) and 300..320. Each segment is
    /// checked against the other coder: Ana 0..100 ✓, Ana 200..240 ✗ (0 %), Ben 5..100 ✓,
    /// Ben 300..320 ✗: 2 of 4 at 90 %. Cy did not code the document and is not asked.
    #[test]
    fn two_coders_match_by_ninety_percent() {
        let per_coder = vec![vec![sp(0, 100), sp(200, 240)], vec![sp(300, 320), sp(5, 100)], vec![]];
        let mut counts = (0, 0);
        let misses = compare_document(&per_coder, 0b011, 90.0, &mut counts);
        assert_eq!(counts, (4, 2));
        let missed: Vec<(usize, Span)> = misses.iter().map(|m| (m.coder, m.span)).collect();
        assert_eq!(missed, vec![(0, sp(200, 240)), (1, sp(300, 320))]);
        let mut strict = (0, 0);
        compare_document(&per_coder, 0b011, 96.0, &mut strict);
        assert_eq!(strict, (4, 0), "95 % falls short of 96 %");
    }
}
