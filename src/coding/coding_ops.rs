//! The coding commands: add codings (one span, a whole turn, or an autocode run's thousands in
//! one transaction) and remove them.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use super::command::{CoderRef, SpanRef};
use super::recorder::Recorder;
use super::rows::{self, CodingRec, MemoRec, Row};
use super::validate;
use crate::error::{Error, Result};
use crate::model::{CodeId, CoderId, CodingId};

/// Checks every span before anything is written: documents, codes and offsets.
fn check_spans(rec: &Recorder<'_>, spans: &[SpanRef]) -> Result<()> {
    let mut docs: HashMap<i64, (String, usize)> = HashMap::new();
    let mut codes: HashSet<i64> = HashSet::new();
    for span in spans {
        if let Entry::Vacant(slot) = docs.entry(span.document) {
            slot.insert(validate::document(rec.conn, span.document)?);
        }
        if codes.insert(span.code) {
            validate::code(rec.conn, span.code)?;
        }
        let (name, chars) = &docs[&span.document];
        validate::span(name, *chars, span.start, span.end)?;
    }
    Ok(())
}

/// The coder's id: an existing coder, or one created by name inside the command.
fn resolve_coder(rec: &mut Recorder<'_>, coder: &CoderRef) -> Result<CoderId> {
    match coder {
        CoderRef::Id(id) => validate::coder(rec.conn, *id).map(|_| *id),
        CoderRef::Name(name) => rec.coder_named(name),
    }
}

/// Above this many spans a command gets a larger page cache ([`BULK_CACHE_KIB`]).
const BULK: usize = 10_000;
/// The page cache of a bulk insert, as SQLite's `cache_size` (negative: KiB): 64 MiB.
const BULK_CACHE_KIB: i64 = -65_536;

/// Inserts the spans not coded yet; returns (added, already there).
fn insert_spans(
    rec: &mut Recorder<'_>,
    coder: CoderId,
    spans: &[SpanRef],
    memo: Option<&str>,
) -> Result<(usize, usize)> {
    if spans.len() > BULK {
        // A bulk insert touches every page of the coding table and its indexes; with SQLite's
        // default 2 MB page cache they would be spilled and re-read many times over.
        rec.conn.pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
    }
    let mut next = rec.next_id("coding")?;
    let mut next_memo = rec.next_id("memo")?;
    let author = validate::coder(rec.conn, coder)?;
    let (mut added, mut present) = (0, 0);
    for span in spans {
        let coding = CodingRec::for_span(next, span, coder, &rec.now);
        if !rec.insert_coding_if_new(coding)? {
            present += 1;
            continue;
        }
        if let Some(body) = memo.filter(|m| !m.trim().is_empty()) {
            rec.insert(Row::Memo(MemoRec {
                id: next_memo,
                guid: crate::store::new_guid(),
                target_kind: "coding".into(),
                target_id: Some(next),
                title: String::new(),
                body: body.to_owned(),
                author: author.clone(),
                created_at: rec.now.clone(),
                updated_at: rec.now.clone(),
            }))?;
            next_memo += 1;
        }
        next += 1;
        added += 1;
    }
    Ok((added, present))
}

/// A short description of where spans go: one code's path, or "N codes".
fn target_label(rec: &Recorder<'_>, spans: &[SpanRef]) -> Result<String> {
    let mut codes: Vec<i64> = spans.iter().map(|s| s.code).collect();
    codes.sort_unstable();
    codes.dedup();
    match codes.as_slice() {
        [one] => validate::path_of(rec.conn, *one),
        many => Ok(format!("{} codes", many.len())),
    }
}

pub(crate) fn add(rec: &mut Recorder<'_>, coder: &CoderRef, spans: &[SpanRef], memo: Option<&str>) -> Result<String> {
    if spans.is_empty() {
        return Err(Error::invalid("nothing to code: give at least one span"));
    }
    check_spans(rec, spans)?;
    let coder = resolve_coder(rec, coder)?;
    let (added, present) = insert_spans(rec, coder, spans, memo)?;
    let target = target_label(rec, spans)?;
    if added == 0 {
        return Ok(format!("nothing to do: {target} already has {present} of these codings by this coder"));
    }
    if let [one] = spans {
        let (doc, _) = validate::document(rec.conn, one.document)?;
        return Ok(format!("coded {doc} {}..{} as {target}", one.start, one.end));
    }
    Ok(format!("added {added} codings to {target} ({present} already there)"))
}

/// Creates the code at `path` and codes `span` (whose `code` is ignored) with it for `coder`.
/// The span is checked before the code is written, so a refused span creates nothing.
pub(crate) fn create_and_apply(
    rec: &mut Recorder<'_>,
    parent: Option<CodeId>,
    path: &str,
    coder: &CoderRef,
    span: SpanRef,
) -> Result<String> {
    let (doc, chars) = validate::document(rec.conn, span.document)?;
    validate::span(&doc, chars, span.start, span.end)?;
    let code = super::code_ops::create_code(rec, parent, path, None, None)?;
    add(rec, coder, &[SpanRef { code, ..span }], None)?;
    let path = validate::path_of(rec.conn, code)?;
    Ok(format!("created code {path} and coded {doc} {}..{} with it", span.start, span.end))
}

pub(crate) fn autocode(rec: &mut Recorder<'_>, coder: &CoderRef, rule: &str, spans: &[SpanRef]) -> Result<String> {
    check_spans(rec, spans)?;
    if spans.is_empty() {
        return Ok(format!("autocode {rule}: no hits; nothing changed"));
    }
    let coder = resolve_coder(rec, coder)?;
    let (added, present) = insert_spans(rec, coder, spans, None)?;
    let target = target_label(rec, spans)?;
    Ok(format!("autocoded {added} spans as {target} by {rule} ({present} already coded)"))
}

pub(crate) fn remove(rec: &mut Recorder<'_>, codings: &[CodingId]) -> Result<String> {
    if codings.is_empty() {
        return Err(Error::invalid("nothing to remove: give at least one coding"));
    }
    let mut found = Vec::with_capacity(codings.len());
    for &id in codings {
        let coding = rows::read_coding(rec.conn, id)?.ok_or_else(|| Error::not_found("coding", format!("#{id}")))?;
        if !found.iter().any(|c: &CodingRec| c.id == id) {
            found.push(coding);
        }
    }
    let count = found.len();
    for coding in found {
        super::code_ops::remove_coding(rec, coding)?;
    }
    Ok(format!("removed {count} codings"))
}
