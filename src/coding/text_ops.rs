//! The text-editing commands: one edit of a document's text ([`Command::EditText`]) and find and
//! replace across documents ([`Command::ReplaceText`]), each one undoable command, and the
//! report both give: how the codings moved, which were removed (left empty, or made identical to
//! another coding), and for find and replace every hit in context with the codings it touches.
//!
//! The work of moving what is anchored in the text is [`super::text_edit`]'s; this module checks
//! the input (nothing is written before it is valid), finds the hits and removes doomed codings
//! through the recorder first, so undo brings them back with their ids, guids and memos.

use std::collections::HashMap;

use regex::Regex;
use serde::Serialize;

use super::command::Command;
use super::recorder::{self, Mode, Recorder, Written};
use super::rows;
use super::text_edit::{self, DocEdit};
use super::validate;
use crate::error::{Error, Result};
use crate::model::{DocumentId, DocumentKind};
use crate::store::versions::Replacement;
use crate::store::{Project, documents};
use crate::text::CharIndex;

/// Characters of context either side of a hit in a report.
pub const CONTEXT: usize = 40;

/// What an edit, a find and replace or a pseudonymisation did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EditReport {
    /// Names of the documents whose text changed.
    pub documents: Vec<String>,
    /// Replacements made in their texts.
    pub replacements: usize,
    /// Codings moved without changing length, grown, and shrunk.
    pub moved: usize,
    pub grown: usize,
    pub shrunk: usize,
    /// Codings removed because the edit left them empty or identical to another coding.
    pub removed: Vec<RemovedCoding>,
    /// Every hit in context (find and replace, pseudonymise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hits: Vec<TextHit>,
}

/// A coding an edit removed; undo brings it back with its id, guid and memos.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemovedCoding {
    pub id: i64,
    pub guid: String,
    pub document: String,
    pub code: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub memos: usize,
}

/// One hit of a find and replace, in context, with the codings it touches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextHit {
    pub document: String,
    pub document_id: DocumentId,
    pub start: usize,
    pub end: usize,
    pub left: String,
    pub matched: String,
    pub right: String,
    pub replacement: String,
    pub codings: Vec<TouchedCoding>,
}

/// A coding that overlaps a hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TouchedCoding {
    pub id: i64,
    pub code: String,
    pub start: usize,
    pub end: usize,
}

/// Runs [`Command::EditText`] or [`Command::ReplaceText`] (committed, or worked out and rolled
/// back on a dry run) and returns its report. Any other command is refused.
pub fn run(project: &mut Project, actor: &str, command: &Command, mode: Mode) -> Result<Written<EditReport>> {
    recorder::record(project, actor, command, mode, |rec| execute(rec, command))
}

/// The summary and report of a text command, inside the recorder's transaction.
pub(crate) fn execute(rec: &mut Recorder<'_>, command: &Command) -> Result<(String, EditReport)> {
    match command {
        Command::EditText { doc, start, end, text, expect_sha256 } => {
            edit(rec, *doc, *start, *end, text, expect_sha256.as_deref())
        }
        Command::ReplaceText { find, regex, ignore_case, whole_word, with, documents, kinds } => {
            let pattern = Pattern { find, regex: *regex, ignore_case: *ignore_case, whole_word: *whole_word };
            replace(rec, &pattern, with, documents, kinds)
        }
        other => Err(Error::invalid(format!("{} is not a text command", other.kind()))),
    }
}

fn edit(
    rec: &mut Recorder<'_>,
    doc: DocumentId,
    start: usize,
    end: usize,
    text: &str,
    expect: Option<&str>,
) -> Result<(String, EditReport)> {
    let (name, sha, chars, _) = documents::text_state(rec.conn, doc)?;
    if expect.is_some_and(|e| e != sha) {
        return Err(Error::invalid(format!(
            "document {name:?} was changed by another program since it was loaded; reload it and edit again (nothing was changed)"
        )));
    }
    check_range(&name, start, end, chars)?;
    let new = crate::text::normalise_newlines(text);
    let current = documents::text(rec.conn, doc)?;
    let old = CharIndex::new(&current).slice(&current, start, end).to_owned();
    let mut report = EditReport::default();
    if old == new {
        return Ok((format!("nothing to change in {name}: {start}..{end} already reads {new:?}"), report));
    }
    let summary = format!("edited {name} {start}..{end}: {} to {}", quote(&old), quote(&new));
    apply_edits(rec, doc, &current, vec![Replacement { start, end, old, new }], None, &mut report)?;
    Ok((with_counts(summary, &report), report))
}

/// Refuses a range that is reversed or reaches past the text.
pub fn check_range(name: &str, start: usize, end: usize, chars: usize) -> Result<()> {
    if start > end {
        return Err(Error::invalid(format!(
            "the edit's start ({start}) is after its end ({end}); give the range start first (nothing was changed)"
        )));
    }
    if end > chars {
        return Err(Error::invalid(format!(
            "{start}..{end} is outside document {name:?}, which has {chars} characters (offsets 0 to {chars}); nothing was changed"
        )));
    }
    Ok(())
}

/// A short quotation of an edited text for the summary.
fn quote(text: &str) -> String {
    const MAX: usize = 40;
    match text.chars().count() > MAX {
        true => format!("{:?}…", text.chars().take(MAX).collect::<String>()),
        false => format!("{text:?}"),
    }
}

/// A summary line with how the edits moved the codings.
pub(crate) fn with_counts(summary: String, r: &EditReport) -> String {
    format!(
        "{summary} ({} codings moved, {} grown, {} shrunk, {} removed)",
        r.moved,
        r.grown,
        r.shrunk,
        r.removed.len()
    )
}

/// Makes `edits` (and a rename) in one document through the recorder: removes the codings the
/// edits would leave empty or duplicated, then edits the text; adds what happened to `report`.
/// `text` is the document's current text, as the caller read it in this transaction.
pub(crate) fn apply_edits(
    rec: &mut Recorder<'_>,
    doc: DocumentId,
    text: &str,
    edits: Vec<Replacement>,
    rename: Option<(String, String)>,
    report: &mut EditReport,
) -> Result<()> {
    let (name, ..) = documents::text_state(rec.conn, doc)?;
    // The codings are read once: for the ones the edit dooms, and then to move the others.
    let splices = text_edit::splices_of(&edits);
    let mut codings = match text_edit::reach(&splices) {
        None => Vec::new(),
        Some((lo, hi)) => rows::coding_spans_near(rec.conn, doc, lo, hi)?,
    };
    let doomed = text_edit::doomed_among(&codings, &splices);
    let mut paths = HashMap::new();
    if !doomed.is_empty() {
        let index = CharIndex::new(text);
        for &id in &doomed {
            let Some(coding) = rows::read_coding(rec.conn, id)? else { continue };
            let (start, end) = (coding.start.max(0) as usize, coding.end.max(0) as usize);
            report.removed.push(RemovedCoding {
                id,
                guid: coding.guid.clone(),
                document: name.clone(),
                code: code_path(rec, &mut paths, coding.code_id)?,
                start,
                end,
                text: index.slice(text, start, end).to_owned(),
                memos: rows::memos_on(rec.conn, "coding", id)?.len(),
            });
            super::code_ops::remove_coding(rec, coding)?;
        }
        let gone: std::collections::HashSet<i64> = doomed.into_iter().collect();
        codings.retain(|c| !gone.contains(&c.id));
    }
    let replacements = edits.len();
    let known = (replacements > 0).then_some(text_edit::Known { text, codings });
    let moved = rec.edit_document_known(DocEdit { document: doc, edits, rename, ..DocEdit::default() }, known)?;
    if replacements > 0 {
        report.documents.push(name);
        report.replacements += replacements;
    }
    report.moved += moved.moved;
    report.grown += moved.grown;
    report.shrunk += moved.shrunk;
    Ok(())
}

fn code_path(rec: &Recorder<'_>, paths: &mut HashMap<i64, String>, code: i64) -> Result<String> {
    if let Some(p) = paths.get(&code) {
        return Ok(p.clone());
    }
    let path = validate::path_of(rec.conn, code)?;
    paths.insert(code, path.clone());
    Ok(path)
}

/// What to find: the text (or a regular expression) and how to match it.
#[derive(Debug, Clone, Copy)]
pub struct Pattern<'a> {
    pub find: &'a str,
    pub regex: bool,
    pub ignore_case: bool,
    pub whole_word: bool,
}

impl Pattern<'_> {
    /// The compiled expression; an empty or invalid pattern is refused.
    pub fn compile(&self) -> Result<Regex> {
        if self.find.is_empty() {
            return Err(Error::invalid("nothing to find: the text to find is empty (nothing was changed)"));
        }
        let body = match self.regex {
            true => format!("(?:{})", self.find),
            false => regex::escape(self.find),
        };
        let body = match self.whole_word {
            true => format!(r"\b{body}\b"),
            false => body,
        };
        regex::RegexBuilder::new(&body).case_insensitive(self.ignore_case).build().map_err(|e| {
            Error::invalid(format!("{:?} is not a valid regular expression ({e}); nothing was changed", self.find))
        })
    }
}

/// The documents a find and replace looks in: those named (by id), those of the kinds given,
/// or every document.
fn scope(rec: &Recorder<'_>, documents: &[DocumentId], kinds: &[DocumentKind]) -> Result<Vec<(DocumentId, String)>> {
    for &doc in documents {
        validate::document(rec.conn, doc)?;
    }
    Ok(documents::list(rec.conn)?
        .into_iter()
        .filter(|d| documents.is_empty() || documents.contains(&d.id))
        .filter(|d| kinds.is_empty() || kinds.contains(&d.kind))
        .map(|d| (d.id, d.name))
        .collect())
}

fn replace(
    rec: &mut Recorder<'_>,
    pattern: &Pattern<'_>,
    with: &str,
    documents: &[DocumentId],
    kinds: &[DocumentKind],
) -> Result<(String, EditReport)> {
    let re = pattern.compile()?;
    let with = crate::text::normalise_newlines(with);
    let mut report = EditReport::default();
    let mut paths = HashMap::new();
    for (doc, name) in scope(rec, documents, kinds)? {
        let text = documents::text(rec.conn, doc)?;
        let hits = find_hits(&re, &text, |caps, out| match pattern.regex {
            true => caps.expand(&with, out),
            false => out.push_str(&with),
        });
        if hits.is_empty() {
            continue;
        }
        let codings = rows::coding_spans(rec.conn, doc)?;
        let mut edits = Vec::new();
        for hit in hits {
            let touched = codings
                .iter()
                .filter(|c| (c.start as usize) < hit.end && (c.end as usize) > hit.start)
                .map(|c| {
                    Ok(TouchedCoding {
                        id: c.id,
                        code: code_path(rec, &mut paths, c.code_id)?,
                        start: c.start as usize,
                        end: c.end as usize,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            report.hits.push(TextHit {
                document: name.clone(),
                document_id: doc,
                start: hit.start,
                end: hit.end,
                left: hit.left,
                matched: hit.matched.clone(),
                right: hit.right,
                replacement: hit.replacement.clone(),
                codings: touched,
            });
            if hit.matched != hit.replacement {
                edits.push(Replacement { start: hit.start, end: hit.end, old: hit.matched, new: hit.replacement });
            }
        }
        if !edits.is_empty() {
            apply_edits(rec, doc, &text, edits, None, &mut report)?;
        }
    }
    let summary = match report.hits.len() {
        0 => format!("no match of {:?}; nothing changed", pattern.find),
        n => with_counts(
            format!(
                "replaced {} of {n} matches of {:?} in {} documents",
                report.replacements,
                pattern.find,
                report.documents.len()
            ),
            &report,
        ),
    };
    Ok((summary, report))
}

/// One match in a text: code point range, context, matched text and its replacement.
pub(crate) struct FoundHit {
    pub start: usize,
    pub end: usize,
    pub left: String,
    pub matched: String,
    pub right: String,
    pub replacement: String,
}

/// Every non-empty match of `re` in `text`, ascending and apart, each with the replacement
/// `replace` writes for it.
pub(crate) fn find_hits(
    re: &Regex,
    text: &str,
    mut replace: impl FnMut(&regex::Captures<'_>, &mut String),
) -> Vec<FoundHit> {
    let index = CharIndex::new(text);
    let flat = |s: &str| s.replace(['\n', '\t'], " ");
    let mut out: Vec<FoundHit> = Vec::new();
    let (mut byte, mut chars) = (0usize, 0usize);
    for caps in re.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        if m.start() == m.end() {
            continue;
        }
        chars += text[byte..m.start()].chars().count();
        let len = m.as_str().chars().count();
        let (start, end) = (chars, chars + len);
        chars = end;
        byte = m.end();
        let mut replacement = String::new();
        replace(&caps, &mut replacement);
        out.push(FoundHit {
            start,
            end,
            left: flat(index.slice(text, start.saturating_sub(CONTEXT), start)),
            matched: m.as_str().to_owned(),
            right: flat(index.slice(text, end, end + CONTEXT)),
            replacement: crate::text::normalise_newlines(&replacement),
        });
    }
    out
}
