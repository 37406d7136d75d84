//! Autocoding: find a regex or keyword list in chosen documents, kinds or speakers' turns, and
//! code the match, its sentence, its paragraph or its speaker turn. A dry run lists the hits
//! with context; a real run is one undoable [`Command::Autocode`].
//!
//! Speaker autocode codes every turn of chosen participants (by label or by an attribute value).

use std::collections::BTreeSet;

use regex::{Regex, RegexBuilder};
use serde::Serialize;

use super::command::{CoderRef, Command, SpanRef};
use super::units::{Layout, Unit};
use super::{Applied, apply};
use crate::error::{Error, Result};
use crate::model::{CodeId, DocumentId, DocumentKind, ParticipantId, Span};
use crate::store::{Project, attributes, documents};

/// What to look for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Pattern {
    Regex(String),
    /// Keywords or phrases; any of them matches.
    Words(Vec<String>),
}

/// A search rule: a pattern with its options.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub pattern: Pattern,
    pub ignore_case: bool,
    pub whole_word: bool,
}

impl Rule {
    /// The compiled regular expression; an invalid one is reported with the place of the error.
    pub fn compile(&self) -> Result<Regex> {
        let core = match &self.pattern {
            Pattern::Regex(re) => re.clone(),
            Pattern::Words(words) => {
                let alts: Vec<String> = words
                    .iter()
                    .map(|w| w.trim())
                    .filter(|w| !w.is_empty())
                    .map(|w| w.split_whitespace().map(regex::escape).collect::<Vec<_>>().join(r"\s+"))
                    .collect();
                if alts.is_empty() {
                    return Err(Error::invalid("no words to look for; give at least one word"));
                }
                alts.join("|")
            }
        };
        let source = if self.whole_word { format!(r"\b(?:{core})\b") } else { core };
        RegexBuilder::new(&source)
            .case_insensitive(self.ignore_case)
            .build()
            .map_err(|e| Error::invalid(format!("invalid regular expression:\n{e}")))
    }

    /// How the rule is described in the history, e.g. `regex /waiting list/i (sentence)`.
    pub fn describe(&self, unit: Unit) -> String {
        let flags = format!("{}{}", if self.ignore_case { "i" } else { "" }, if self.whole_word { "w" } else { "" });
        let what = match &self.pattern {
            Pattern::Regex(re) => format!("regex /{re}/{flags}"),
            Pattern::Words(words) => format!(
                "words {}{}",
                words.join(","),
                if flags.is_empty() { String::new() } else { format!(" /{flags}") }
            ),
        };
        format!("{what} ({})", unit.as_str())
    }
}

/// Which text to search; empty lists mean no restriction.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub documents: Vec<DocumentId>,
    pub kinds: Vec<DocumentKind>,
    /// Only matches inside turns of these participants.
    pub speakers: Vec<ParticipantId>,
}

/// One match with the span the chosen unit would code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub document_id: DocumentId,
    pub document: String,
    pub start: usize,
    pub end: usize,
    pub unit_start: usize,
    pub unit_end: usize,
    pub left: String,
    pub matched: String,
    pub right: String,
}

/// Code point spans of every non-empty match of `re` in `text`, in order.
///
/// One pass over the matches: the code points of the text between two matches are counted once,
/// with the standard library's word-at-a-time counter (about 10 GB/s), so converting offsets
/// costs far less than the search itself.
pub fn find_matches(re: &Regex, text: &str) -> Vec<Span> {
    let (mut byte, mut chars) = (0usize, 0usize);
    let mut out = Vec::new();
    for m in re.find_iter(text) {
        if m.start() == m.end() {
            continue;
        }
        chars += text[byte..m.start()].chars().count();
        let len = m.as_str().chars().count();
        out.push(Span { start: chars, end: chars + len });
        chars += len;
        byte = m.end();
    }
    out
}

/// The documents in scope, as (id, name).
fn documents_in(conn: &rusqlite::Connection, scope: &Scope) -> Result<Vec<(DocumentId, String)>> {
    Ok(documents::list(conn)?
        .into_iter()
        .filter(|d| scope.documents.is_empty() || scope.documents.contains(&d.id))
        .filter(|d| scope.kinds.is_empty() || scope.kinds.contains(&d.kind))
        .map(|d| (d.id, d.name))
        .collect())
}

/// Every hit of `rule` in scope, each with the span of `unit` around it.
pub fn find_hits(conn: &rusqlite::Connection, rule: &Rule, scope: &Scope, unit: Unit) -> Result<Vec<Hit>> {
    let re = rule.compile()?;
    let mut hits = Vec::new();
    for (doc, name) in documents_in(conn, scope)? {
        let text = documents::text(conn, doc)?;
        let matches = find_matches(&re, &text);
        if matches.is_empty() {
            continue;
        }
        let layout = Layout::load(conn, doc, &text)?;
        for m in matches {
            if !scope.speakers.is_empty()
                && !layout
                    .turn_at(m.start)
                    .is_some_and(|t| t.participant_id.is_some_and(|p| scope.speakers.contains(&p)))
            {
                continue;
            }
            let u = layout.expand(m, unit);
            let (left, matched, right) = context(&layout, m, 40);
            hits.push(Hit {
                document_id: doc,
                document: name.clone(),
                start: m.start,
                end: m.end,
                unit_start: u.start,
                unit_end: u.end,
                left,
                matched,
                right,
            });
        }
    }
    Ok(hits)
}

/// Up to `width` code points either side of `m`, on one line.
pub(crate) fn context(layout: &Layout<'_>, m: Span, width: usize) -> (String, String, String) {
    let flat = |s: &str| s.replace(['\n', '\t'], " ");
    let left = layout.index.slice(layout.text, m.start.saturating_sub(width), m.start);
    let matched = layout.index.slice(layout.text, m.start, m.end);
    let right = layout.index.slice(layout.text, m.end, m.end + width);
    (flat(left), flat(matched), flat(right))
}

/// The distinct unit spans of the hits, as spans to code with `code`.
pub fn spans_of(hits: &[Hit], code: CodeId) -> Vec<SpanRef> {
    let unique: BTreeSet<(DocumentId, usize, usize)> =
        hits.iter().map(|h| (h.document_id, h.unit_start, h.unit_end)).collect();
    unique.into_iter().map(|(document, start, end)| SpanRef { document, code, start, end }).collect()
}

/// Finds the hits and codes them as one undoable command.
pub fn run(
    project: &mut Project,
    actor: &str,
    coder: CoderRef,
    code: CodeId,
    rule: &Rule,
    scope: &Scope,
    unit: Unit,
) -> Result<(Vec<Hit>, Applied)> {
    super::validate::code(project.conn(), code)?;
    let hits = find_hits(project.conn(), rule, scope, unit)?;
    let spans = spans_of(&hits, code);
    let applied = apply(project, actor, Command::Autocode { coder, rule: rule.describe(unit), spans })?;
    Ok((hits, applied))
}

/// Participants whose attribute `name` equals `value` (case-insensitive, trimmed).
pub fn participants_where(conn: &rusqlite::Connection, name: &str, value: &str) -> Result<Vec<ParticipantId>> {
    let (name, value) = (name.trim(), value.trim());
    let found: Vec<ParticipantId> = attributes::participant_values(conn)?
        .into_iter()
        .filter(|(_, attrs)| attrs.get(name).is_some_and(|v| v.trim().eq_ignore_ascii_case(value)))
        .map(|(id, _)| id)
        .collect();
    if found.is_empty() {
        return Err(Error::NotFound {
            what: "participant with",
            name: format!("{name} = {value}"),
            hint: String::new(),
        });
    }
    Ok(found)
}

/// Every non-empty turn of the participants, as spans to code with `code`.
pub fn speaker_spans(
    conn: &rusqlite::Connection,
    participants: &[ParticipantId],
    code: CodeId,
) -> Result<Vec<SpanRef>> {
    let mut stmt = conn.prepare_cached(
        "SELECT document_id, start, \"end\" FROM turn WHERE participant_id = ?1 AND \"end\" > start ORDER BY document_id, start",
    )?;
    let mut spans = Vec::new();
    for &p in participants {
        let rows = stmt.query_map([p], |r| {
            Ok(SpanRef {
                document: r.get(0)?,
                code,
                start: r.get::<_, i64>(1)? as usize,
                end: r.get::<_, i64>(2)? as usize,
            })
        })?;
        spans.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    Ok(spans)
}
