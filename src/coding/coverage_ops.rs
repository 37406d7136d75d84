//! Setting how a span is coded for several coders at once, as one command: the span becomes
//! coded (one new coding) for some coders and uncoded (their codings trimmed around it) for
//! others. This is how a team resolves a disagreement in one undoable step.

use super::command::SpanRef;
use super::recorder::Recorder;
use super::rows::{self, CodingRec, Row};
use super::validate;
use crate::error::{Error, Result};
use crate::model::CoderId;
use crate::store::codings::{self, CodingFilter};

/// Makes `span` coded for every coder in `coded` and uncoded for every coder in `uncoded`.
pub(crate) fn set_coverage(
    rec: &mut Recorder<'_>,
    span: SpanRef,
    coded: &[CoderId],
    uncoded: &[CoderId],
) -> Result<String> {
    let (doc, chars) = validate::document(rec.conn, span.document)?;
    validate::code(rec.conn, span.code)?;
    validate::span(&doc, chars, span.start, span.end)?;
    if coded.is_empty() && uncoded.is_empty() {
        return Err(Error::invalid("name at least one coder whose coding of the span should change"));
    }
    if let Some(both) = coded.iter().find(|c| uncoded.contains(c)) {
        let name = validate::coder(rec.conn, *both)?;
        return Err(Error::invalid(format!("{name} cannot both keep and lose the span; name each coder once")));
    }
    let mut added = Vec::new();
    for &coder in coded {
        let name = validate::coder(rec.conn, coder)?;
        if code_span(rec, coder, span)? {
            added.push(name);
        }
    }
    let mut cleared = Vec::new();
    for &coder in uncoded {
        let name = validate::coder(rec.conn, coder)?;
        if clear_span(rec, coder, span)? {
            cleared.push(name);
        }
    }
    let code = validate::path_of(rec.conn, span.code)?;
    let mut summary = format!("resolved {doc} {}..{} of {code}", span.start, span.end);
    if !added.is_empty() {
        summary.push_str(&format!(": coded for {}", added.join(", ")));
    }
    if !cleared.is_empty() {
        summary.push_str(&format!("{} uncoded for {}", if added.is_empty() { ":" } else { ";" }, cleared.join(", ")));
    }
    if added.is_empty() && cleared.is_empty() {
        summary.push_str(": already so; nothing changed");
    }
    Ok(summary)
}

/// Adds one coding of the span for `coder`; false when it was there already.
fn code_span(rec: &mut Recorder<'_>, coder: CoderId, span: SpanRef) -> Result<bool> {
    let coding = CodingRec::for_span(rec.next_id("coding")?, &span, coder, &rec.now);
    rec.insert_coding_if_new(coding)
}

/// Trims `coder`'s codings of the span's code so none covers the span: a coding inside it is
/// removed (with its memos), one reaching past it keeps the part(s) outside. Returns whether
/// anything changed.
fn clear_span(rec: &mut Recorder<'_>, coder: CoderId, span: SpanRef) -> Result<bool> {
    let filter = CodingFilter { document: Some(span.document), codes: Some(vec![span.code]), coder: Some(coder) };
    let (start, end) = (span.start as i64, span.end as i64);
    let mut changed = false;
    for row in codings::list(rec.conn, &filter)? {
        let Some(coding) = rows::read_coding(rec.conn, row.id)? else { continue };
        if coding.end <= start || coding.start >= end {
            continue;
        }
        changed = true;
        let left = (coding.start < start).then_some((coding.start, start));
        let right = (coding.end > end).then_some((end, coding.end));
        let pieces: Vec<(i64, i64)> = [left, right].into_iter().flatten().collect();
        let Some((&first, rest)) = pieces.split_first() else {
            super::code_ops::remove_coding(rec, coding)?;
            continue;
        };
        keep_part(rec, coding.clone(), first)?;
        for &(a, b) in rest {
            let piece = CodingRec {
                id: rec.next_id("coding")?,
                guid: crate::store::new_guid(),
                start: a,
                end: b,
                created_at: rec.now.clone(),
                ..coding.clone()
            };
            rec.insert_coding_if_new(piece)?;
        }
    }
    Ok(changed)
}

/// Shrinks a coding to `(start, end)`, keeping its id and memos; when the coder already has
/// exactly that coding, this one is removed instead.
fn keep_part(rec: &mut Recorder<'_>, coding: CodingRec, (start, end): (i64, i64)) -> Result<()> {
    let twin = CodingFilter {
        document: Some(coding.document_id),
        codes: Some(vec![coding.code_id]),
        coder: Some(coding.coder_id),
    };
    let exists = codings::list(rec.conn, &twin)?.iter().any(|c| c.start as i64 == start && c.end as i64 == end);
    if exists {
        return super::code_ops::remove_coding(rec, coding);
    }
    let after = CodingRec { start, end, ..coding.clone() };
    rec.update(Row::Coding(coding), Row::Coding(after))
}
