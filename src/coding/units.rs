//! Units of text a coding can cover besides an exact span: the sentence, paragraph or speaker
//! turn around a position, and the n-th paragraph or turn of a document ("code this turn").

use std::sync::LazyLock;

use regex::Regex;

use crate::error::{Error, Result};
use crate::model::{DocumentId, Span, Turn};
use crate::store::documents;

/// How much text around a match an autocode run codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    #[default]
    Match,
    Sentence,
    Paragraph,
    Turn,
}

impl std::str::FromStr for Unit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "match" => Ok(Unit::Match),
            "sentence" => Ok(Unit::Sentence),
            "paragraph" => Ok(Unit::Paragraph),
            "turn" => Ok(Unit::Turn),
            other => Err(format!("unknown unit {other:?}; use match, sentence, paragraph or turn")),
        }
    }
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Match => "match",
            Unit::Sentence => "sentence",
            Unit::Paragraph => "paragraph",
            Unit::Turn => "turn",
        }
    }
}

/// One document's text with the spans units are cut from, in code points.
pub struct Layout<'t> {
    pub text: &'t str,
    pub index: crate::text::CharIndex,
    pub paragraphs: Vec<Span>,
    pub turns: Vec<Turn>,
}

impl<'t> Layout<'t> {
    pub fn load(conn: &rusqlite::Connection, doc: DocumentId, text: &'t str) -> Result<Layout<'t>> {
        Ok(Layout {
            text,
            index: crate::text::CharIndex::new(text),
            paragraphs: documents::paragraphs(conn, doc)?,
            turns: documents::turns(conn, doc)?,
        })
    }

    /// The turn containing position `at`, if any.
    pub fn turn_at(&self, at: usize) -> Option<&Turn> {
        let i = self.turns.partition_point(|t| t.start <= at);
        self.turns[..i].last().filter(|t| at < t.end.max(t.start + 1))
    }

    fn paragraph_at(&self, at: usize) -> Option<Span> {
        let i = self.paragraphs.partition_point(|p| p.start <= at);
        self.paragraphs[..i].last().copied().filter(|p| at < p.end)
    }

    /// The span of `unit` around the match `m`. A turn outside any turn falls back to the
    /// paragraph; a paragraph outside any paragraph to the match itself.
    pub fn expand(&self, m: Span, unit: Unit) -> Span {
        match unit {
            Unit::Match => m,
            Unit::Paragraph => self.paragraph_at(m.start).map(|p| cover(p, m)).unwrap_or(m),
            Unit::Turn => match self.turn_at(m.start) {
                Some(t) if t.end > t.start => cover(Span { start: t.start, end: t.end }, m),
                _ => self.expand(m, Unit::Paragraph),
            },
            Unit::Sentence => self.sentence(m),
        }
    }

    /// The sentence(s) covering `m`, cut within the paragraph (or turn) around it.
    fn sentence(&self, m: Span) -> Span {
        let outer = self.paragraph_at(m.start).unwrap_or(Span { start: 0, end: self.index.char_len() });
        let slice = self.index.slice(self.text, outer.start, outer.end);
        let base = self.index.byte_of(self.text, outer.start);
        let mut start = outer.start;
        let mut end = outer.end;
        for boundary in SENTENCE_END.find_iter(slice) {
            let (b_start, b_end) = (base + boundary.start(), base + boundary.end());
            let (c_start, c_end) = (self.index.char_of(self.text, b_start), self.index.char_of(self.text, b_end));
            let punct_end = c_start + boundary.as_str().trim_end().chars().count();
            if c_end <= m.start {
                start = c_end;
            } else if punct_end >= m.end {
                end = punct_end;
                break;
            }
        }
        cover(Span { start, end: end.max(start + 1) }, m)
    }
}

/// End of a sentence: terminal punctuation, closing quotes or brackets, then white space.
static SENTENCE_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"[.!?…]+["'’”)\]]*\s+"#).expect("sentence regex is valid"));

fn cover(outer: Span, m: Span) -> Span {
    Span { start: outer.start.min(m.start), end: outer.end.max(m.end) }
}

/// The span of paragraph `n` (1-based) of a document.
pub fn paragraph(conn: &rusqlite::Connection, doc: DocumentId, n: usize) -> Result<Span> {
    let paragraphs = documents::paragraphs(conn, doc)?;
    n.checked_sub(1).and_then(|i| paragraphs.get(i).copied()).ok_or_else(|| {
        Error::invalid(format!(
            "there is no paragraph {n}: the document has {} paragraphs (1 to {0})",
            paragraphs.len()
        ))
    })
}

/// The span of turn `n` (1-based, in text order) of a document.
pub fn turn(conn: &rusqlite::Connection, doc: DocumentId, n: usize) -> Result<Span> {
    let turns = documents::turns(conn, doc)?;
    let found = n.checked_sub(1).and_then(|i| turns.get(i)).ok_or_else(|| {
        Error::invalid(format!("there is no turn {n}: the document has {} speaker turns (1 to {0})", turns.len()))
    })?;
    if found.end <= found.start {
        return Err(Error::invalid(format!("turn {n} is empty; there is nothing to code")));
    }
    Ok(Span { start: found.start, end: found.end })
}
