//! Where coders differ: per document and code, the spans that some of the compared coders coded
//! and others did not, with who is on which side, so a reviewer can list and jump to them.
//!
//! Coders who did not code a document at all are left out of its comparison (the same missing-
//! data rule as agreement); a document coded by fewer than two of them has no disagreements.
//! The unit is agreement's: with characters a disagreement is a maximal run of characters, with
//! turns or paragraphs a whole segment some coders touched and others did not, with documents a
//! whole document; so the list lines up with `agreement --unit` of the same unit.

use rusqlite::Connection;
use serde::Serialize;

use std::collections::{HashMap, HashSet};

use super::agreement::Unit;
use super::intervals::{overlaps, sweep, union};
use super::scope;
use crate::error::Result;
use crate::model::{CodeId, DocumentId, Span};
use crate::store::documents;
use crate::text::CharIndex;

/// Longest excerpt shown with a disagreement, in code points.
pub const EXCERPT_CHARS: usize = 160;

/// What to compare.
#[derive(Debug, Clone, Default)]
pub struct DisagreementRequest {
    pub coders: Vec<String>,
    /// A code path: that code and its descendants; `None` for the codebook.
    pub code: Option<String>,
    /// A document name; `None` for every document.
    pub document: Option<String>,
    /// What one disagreement is: a run of characters (default), a turn, a paragraph or a document.
    pub unit: Unit,
}

/// One span on which the coders differ for one code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    pub document_id: DocumentId,
    pub document: String,
    pub code_id: CodeId,
    pub code: String,
    pub start: usize,
    pub end: usize,
    /// Coders whose codings cover the span.
    pub coded_by: Vec<String>,
    /// Coders who coded the document but not this span.
    pub not_coded_by: Vec<String>,
    /// The span's text, cut to [`EXCERPT_CHARS`] with "…".
    pub excerpt: String,
}

/// Lists disagreements ordered by document name, then code (codebook order), then position.
pub fn disagreements(conn: &Connection, request: &DisagreementRequest) -> Result<Vec<Disagreement>> {
    let coders = scope::resolve_coders(conn, &request.coders)?;
    let codes = scope::codes_in_scope(conn, request.code.as_deref())?;
    let scan = scope::scan(conn, &coders, &codes)?;
    let grouped = scope::grouped(&scan, &coders, &codes);
    let only = request.document.as_deref().map(|name| documents::id_by_name(conn, name)).transpose()?;
    let mut docs = documents::list(conn)?;
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    docs.retain(|d| only.is_none_or(|id| id == d.id));
    let wanted: HashSet<DocumentId> = docs.iter().map(|d| d.id).collect();
    let segments = scope::segments(conn, request.unit, &wanted)?;
    let mut out = Vec::new();
    for doc in &docs {
        let present = scan.present.get(&doc.id).copied().unwrap_or(0);
        let mut text: Option<(String, CharIndex)> = None;
        for code in &codes {
            let Some(spans) = grouped.get(&code.id).and_then(|g| g.get(&doc.id)) else { continue };
            let layers = scope::layers(&coders, present, Some(spans));
            let found = match request.unit {
                Unit::Char => differing_runs(doc.chars, &layers, &coders.names),
                unit => differing_segments(&units_of(unit, doc.chars, &segments, doc.id), &layers, &coders.names),
            };
            for (span, coded_by, not_coded_by) in found {
                let (body, index) = match &mut text {
                    Some(t) => (&t.0, &t.1),
                    None => {
                        let body = documents::text(conn, doc.id)?;
                        let index = CharIndex::new(&body);
                        let t = text.insert((body, index));
                        (&t.0, &t.1)
                    }
                };
                out.push(Disagreement {
                    document_id: doc.id,
                    document: doc.name.clone(),
                    code_id: code.id,
                    code: code.path.clone(),
                    start: span.start,
                    end: span.end,
                    coded_by,
                    not_coded_by,
                    excerpt: excerpt(body, index, span),
                });
            }
        }
    }
    Ok(out)
}

/// The segments that are units of a document: its turns or paragraphs, or the whole document.
fn units_of(unit: Unit, len: usize, segments: &HashMap<DocumentId, Vec<Span>>, doc: DocumentId) -> Vec<Span> {
    match unit {
        Unit::Document => vec![Span { start: 0, end: len }],
        _ => segments.get(&doc).cloned().unwrap_or_default(),
    }
}

/// The segments (non-empty) on which the present coders do not all agree whether one of their
/// codings overlaps it, with who did and who did not. Empty when fewer than two are present.
pub fn differing_segments(
    segments: &[Span],
    layers: &[Option<Vec<Span>>],
    names: &[String],
) -> Vec<(Span, Vec<String>, Vec<String>)> {
    let end = segments.iter().map(|s| s.end).max().unwrap_or(0);
    let present: Vec<(usize, Vec<Span>)> =
        layers.iter().enumerate().filter_map(|(i, l)| l.as_ref().map(|s| (i, union(s.iter().copied(), end)))).collect();
    if present.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for seg in segments.iter().filter(|s| s.start < s.end) {
        let (mut yes, mut no) = (Vec::new(), Vec::new());
        for (coder, u) in &present {
            let name = names.get(*coder).cloned().unwrap_or_default();
            if overlaps(u, seg.start, seg.end) { yes.push(name) } else { no.push(name) }
        }
        if !yes.is_empty() && !no.is_empty() {
            out.push((*seg, yes, no));
        }
    }
    out
}

/// The maximal runs where the present coders (`Some` layers) do not all agree, with the names of
/// those who coded the run and of those who did not. Empty when fewer than two are present.
pub fn differing_runs(
    len: usize,
    layers: &[Option<Vec<Span>>],
    names: &[String],
) -> Vec<(Span, Vec<String>, Vec<String>)> {
    let present: Vec<(usize, Vec<Span>)> =
        layers.iter().enumerate().filter_map(|(i, l)| l.as_ref().map(|s| (i, union(s.iter().copied(), len)))).collect();
    if present.len() < 2 {
        return Vec::new();
    }
    let slices: Vec<&[Span]> = present.iter().map(|(_, u)| u.as_slice()).collect();
    sweep(&slices, len)
        .into_iter()
        .filter(|run| run.covered.iter().any(|&c| c) && !run.covered.iter().all(|&c| c))
        .map(|run| {
            let (mut yes, mut no) = (Vec::new(), Vec::new());
            for ((coder, _), &c) in present.iter().zip(&run.covered) {
                let name = names.get(*coder).cloned().unwrap_or_default();
                if c { yes.push(name) } else { no.push(name) }
            }
            (Span { start: run.start, end: run.end }, yes, no)
        })
        .collect()
}

fn excerpt(text: &str, index: &CharIndex, span: Span) -> String {
    if span.end - span.start <= EXCERPT_CHARS {
        return index.slice(text, span.start, span.end).to_owned();
    }
    format!("{}…", index.slice(text, span.start, span.start + EXCERPT_CHARS - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    #[test]
    fn runs_name_who_coded_and_skip_missing_coders() {
        let names: Vec<String> = ["Ana", "Ben", "Cy"].iter().map(|s| s.to_string()).collect();
        let layers = vec![Some(vec![sp(0, 10)]), Some(vec![sp(5, 15)]), None];
        let runs = differing_runs(20, &layers, &names);
        assert_eq!(
            runs,
            vec![
                (sp(0, 5), vec!["Ana".to_string()], vec!["Ben".to_string()]),
                (sp(10, 15), vec!["Ben".to_string()], vec!["Ana".to_string()]),
            ]
        );
        assert!(differing_runs(20, &[Some(vec![sp(0, 3)]), None, None], &names).is_empty());
    }

    #[test]
    fn segments_differ_only_when_one_coder_touches_them_and_another_does_not() {
        let names: Vec<String> = ["Ana", "Ben"].iter().map(|s| s.to_string()).collect();
        let turns = [sp(0, 10), sp(10, 12), sp(12, 30)];
        // Ana codes inside turn 0 and inside turn 2; Ben codes all of turn 0 only.
        let layers = vec![Some(vec![sp(2, 4), sp(25, 26)]), Some(vec![sp(0, 10)])];
        let found = differing_segments(&turns, &layers, &names);
        assert_eq!(found, vec![(sp(12, 30), vec!["Ana".to_string()], vec!["Ben".to_string()])]);
    }
}
