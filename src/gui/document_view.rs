//! One open document, prepared for the viewer: its text cut into paragraphs (with byte ranges
//! for slicing), the speaker heading of each turn, its codings indexed by paragraph, the stripe
//! column of each coding, and the cached paragraph heights that make the viewer virtual.

use std::collections::HashMap;
use std::ops::Range;

use crate::error::Result;
use crate::model::{CodingRow, DocumentId, ParticipantSummary, Span};
use crate::store::{codings, documents};
use crate::text::CharIndex;

/// Speaker label and time shown at the start of a turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub speaker: String,
    pub time: Option<String>,
}

pub struct DocumentView {
    pub id: DocumentId,
    pub name: String,
    pub text: String,
    /// The text's sha256 as loaded (an edit names it, so a text another program changed since
    /// is not overwritten).
    pub sha256: String,
    pub chars: CharIndex,
    pub paragraphs: Vec<Span>,
    /// Byte range of each paragraph in `text`.
    pub bytes: Vec<Range<usize>>,
    pub headings: Vec<Option<Heading>>,
    pub codings: Vec<CodingRow>,
    /// Indices into `codings` of the codings that overlap each paragraph.
    pub by_paragraph: Vec<Vec<u32>>,
    pub heights: Heights,
    /// The coders with codings here, by name (for the stripes' coder choice).
    pub coders: Vec<(crate::model::CoderId, String)>,
    /// Where the current mouse selection started (code points).
    pub anchor: Option<usize>,
    /// A code point offset to scroll into view on the next frame.
    pub scroll_to: Option<usize>,
}

impl DocumentView {
    /// Loads a document with its turns and codings.
    pub fn load(
        conn: &rusqlite::Connection,
        id: DocumentId,
        name: &str,
        people: &[ParticipantSummary],
    ) -> Result<DocumentView> {
        let text = documents::text(conn, id)?;
        let sha256 = documents::sha256(conn, id)?;
        let chars = CharIndex::new(&text);
        let mut paragraphs = documents::paragraphs(conn, id)?;
        if paragraphs.is_empty() && !text.is_empty() {
            paragraphs.push(Span { start: 0, end: chars.char_len() });
        }
        let bytes = paragraphs.iter().map(|p| chars.byte_of(&text, p.start)..chars.byte_of(&text, p.end)).collect();
        let labels: HashMap<i64, &str> = people.iter().map(|p| (p.id, p.label.as_str())).collect();
        let turns: HashMap<usize, crate::model::Turn> =
            documents::turns(conn, id)?.into_iter().map(|t| (t.start, t)).collect();
        let headings = paragraphs
            .iter()
            .map(|p| {
                turns.get(&p.start).map(|t| Heading {
                    speaker: t.participant_id.and_then(|pid| labels.get(&pid).copied()).unwrap_or("?").to_owned(),
                    time: t.time_ms.map(crate::import::subtitles::format_clock),
                })
            })
            .collect();
        let count = paragraphs.len();
        let mut view = DocumentView {
            id,
            name: name.to_owned(),
            text,
            sha256,
            chars,
            paragraphs,
            bytes,
            headings,
            codings: Vec::new(),
            by_paragraph: vec![Vec::new(); count],
            heights: Heights::new(count),
            coders: Vec::new(),
            anchor: None,
            scroll_to: None,
        };
        view.set_codings(codings::for_document(conn, id)?);
        Ok(view)
    }

    /// Replaces the codings (after an edit) and re-indexes them; paragraph heights are kept.
    pub fn set_codings(&mut self, codings: Vec<CodingRow>) {
        self.by_paragraph = index_by_paragraph(&self.paragraphs, &codings);
        let mut coders: std::collections::BTreeMap<crate::model::CoderId, &str> = Default::default();
        for c in &codings {
            coders.entry(c.coder_id).or_insert(&c.coder);
        }
        self.coders = coders.into_iter().map(|(id, name)| (id, name.to_owned())).collect();
        self.codings = codings;
    }

    /// The text of a paragraph.
    pub fn paragraph_text(&self, i: usize) -> &str {
        self.bytes.get(i).and_then(|r| self.text.get(r.clone())).unwrap_or("")
    }

    /// The text between two code point offsets.
    pub fn slice(&self, start: usize, end: usize) -> &str {
        self.chars.slice(&self.text, start, end)
    }

    /// The paragraph that contains (or follows) a code point offset.
    pub fn paragraph_of(&self, offset: usize) -> usize {
        self.paragraphs.partition_point(|p| p.end <= offset).min(self.paragraphs.len().saturating_sub(1))
    }

    /// The word (letters, digits, apostrophes and hyphens inside a word) at an offset, within its
    /// paragraph; `None` between words.
    pub fn word_at(&self, offset: usize) -> Option<Span> {
        let i = self.paragraph_of(offset);
        let para = *self.paragraphs.get(i)?;
        let chars: Vec<char> = self.paragraph_text(i).chars().collect();
        let at = offset.checked_sub(para.start)?;
        let is_word = |k: usize| chars.get(k).is_some_and(|c| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-'));
        if !is_word(at) {
            return None;
        }
        let start = (0..at).rev().take_while(|&k| is_word(k)).last().unwrap_or(at);
        let end = (at..chars.len()).take_while(|&k| is_word(k)).last().map_or(at, |k| k + 1);
        Some(Span { start: para.start + start, end: para.start + end })
    }

    /// A span widened so that it neither starts nor ends inside a word.
    pub fn snap_to_words(&self, span: Span) -> Span {
        let start = self.word_at(span.start).map_or(span.start, |w| w.start.min(span.start));
        let last = span.end.checked_sub(1).filter(|&e| e >= span.start);
        let end = last.and_then(|e| self.word_at(e)).map_or(span.end, |w| w.end.max(span.end));
        Span { start, end }
    }

    /// Codings that cover a code point offset.
    pub fn codings_at(&self, offset: usize) -> Vec<&CodingRow> {
        let para = self.paragraph_of(offset);
        self.by_paragraph
            .get(para)
            .into_iter()
            .flatten()
            .map(|&i| &self.codings[i as usize])
            .filter(|c| c.start <= offset && offset < c.end)
            .collect()
    }
}

fn index_by_paragraph(paragraphs: &[Span], codings: &[CodingRow]) -> Vec<Vec<u32>> {
    let mut index = vec![Vec::new(); paragraphs.len()];
    for (i, coding) in codings.iter().enumerate() {
        let first = paragraphs.partition_point(|p| p.end <= coding.start);
        for (slot, para) in index.iter_mut().zip(paragraphs).skip(first) {
            if para.start >= coding.end {
                break;
            }
            slot.push(i as u32);
        }
    }
    index
}

/// Assigns each coding the lowest column free at its start (codings are ordered by start).
pub fn stripe_columns(codings: &[CodingRow]) -> Vec<u16> {
    let mut column_ends: Vec<usize> = Vec::new();
    codings
        .iter()
        .map(|c| {
            let col = match column_ends.iter().position(|&end| end <= c.start) {
                Some(col) => col,
                None => {
                    column_ends.push(0);
                    column_ends.len() - 1
                }
            };
            column_ends[col] = c.end;
            col.min(u16::MAX as usize) as u16
        })
        .collect()
}

/// Paragraph heights for virtual scrolling: exact once laid out, estimated before, with
/// prefix sums for finding the paragraph at a scroll position.
pub struct Heights {
    heights: Vec<f32>,
    measured: Vec<bool>,
    tops: Vec<f32>,
    width: f32,
    dirty: bool,
}

impl Heights {
    fn new(count: usize) -> Heights {
        Heights {
            heights: vec![0.0; count],
            measured: vec![false; count],
            tops: vec![0.0; count + 1],
            width: -1.0,
            dirty: true,
        }
    }

    /// Re-estimates every height when the text width or row height changes.
    pub fn prepare(&mut self, width: f32, row_height: f32, char_width: f32, lengths: impl Iterator<Item = usize>) {
        if (width - self.width).abs() < 0.5 && !self.dirty {
            return;
        }
        if (width - self.width).abs() >= 0.5 {
            let per_row = (width / char_width.max(1.0)).max(1.0);
            for ((h, m), len) in self.heights.iter_mut().zip(&mut self.measured).zip(lengths) {
                *h = ((len as f32 / per_row).ceil().max(1.0)) * row_height + PARAGRAPH_GAP;
                *m = false;
            }
            self.width = width;
        }
        self.recompute();
    }

    /// True once [`Heights::prepare`] has estimated the heights for a text width.
    pub fn is_prepared(&self) -> bool {
        self.width >= 0.0
    }

    pub fn is_measured(&self, i: usize) -> bool {
        self.measured.get(i).copied().unwrap_or(true)
    }

    /// Records a laid-out height; tops are recomputed at [`Heights::settle`].
    pub fn measure(&mut self, i: usize, height: f32) {
        if let Some(h) = self.heights.get_mut(i) {
            if (*h - height).abs() > 0.1 {
                *h = height;
                self.dirty = true;
            }
            self.measured[i] = true;
        }
    }

    /// Recomputes the prefix sums if any height changed; true if something moved.
    pub fn settle(&mut self) -> bool {
        if !self.dirty {
            return false;
        }
        self.recompute();
        true
    }

    fn recompute(&mut self) {
        let mut y = 0.0;
        for (top, h) in self.tops.iter_mut().zip(&self.heights) {
            *top = y;
            y += h;
        }
        if let Some(last) = self.tops.last_mut() {
            *last = y;
        }
        self.dirty = false;
    }

    pub fn top(&self, i: usize) -> f32 {
        self.tops.get(i).copied().unwrap_or(0.0)
    }

    pub fn total(&self) -> f32 {
        self.tops.last().copied().unwrap_or(0.0)
    }

    /// The heights of `old` (the same document before an edit) carried over to this one when it
    /// has as many paragraphs: only the paragraphs whose length changed are laid out again, and
    /// the scroll position does not jump after a keystroke's edit.
    pub fn carry_over(&mut self, old: Heights, changed: impl Fn(usize) -> bool) {
        if old.heights.len() != self.heights.len() {
            return;
        }
        *self = old;
        for (i, m) in self.measured.iter_mut().enumerate() {
            if changed(i) {
                *m = false;
            }
        }
    }

    /// Lays paragraph `i` out again on its next frame (its text changed).
    pub fn forget(&mut self, i: usize) {
        if let Some(m) = self.measured.get_mut(i) {
            *m = false;
        }
    }

    /// The paragraph at content height `y`.
    pub fn index_at(&self, y: f32) -> usize {
        let n = self.heights.len();
        self.tops[..n].partition_point(|&t| t <= y).saturating_sub(1)
    }
}

/// Vertical space after each paragraph.
pub const PARAGRAPH_GAP: f32 = 10.0;

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(start: usize, end: usize) -> CodingRow {
        CodingRow {
            id: 0,
            guid: String::new(),
            document_id: 1,
            code_id: 1,
            coder_id: 1,
            coder: "a".into(),
            start,
            end,
            created_at: String::new(),
        }
    }

    #[test]
    fn words_and_snapping_stay_inside_the_paragraph() {
        let text = "Link workers' rooms.\nGP-led care";
        let mut view = DocumentView {
            id: 1,
            name: String::new(),
            text: text.to_owned(),
            sha256: String::new(),
            chars: crate::text::CharIndex::new(text),
            paragraphs: vec![Span { start: 0, end: 20 }, Span { start: 21, end: 32 }],
            bytes: vec![0..20, 21..32],
            headings: vec![None, None],
            codings: Vec::new(),
            by_paragraph: vec![Vec::new(), Vec::new()],
            heights: Heights::new(2),
            coders: Vec::new(),
            anchor: None,
            scroll_to: None,
        };
        view.set_codings(Vec::new());
        assert_eq!(view.word_at(7), Some(Span { start: 5, end: 13 }), "workers'");
        assert_eq!(view.word_at(4), None, "a space");
        assert_eq!(view.word_at(22), Some(Span { start: 21, end: 27 }), "GP-led");
        assert_eq!(view.snap_to_words(Span { start: 2, end: 8 }), Span { start: 0, end: 13 });
        assert_eq!(view.snap_to_words(Span { start: 4, end: 5 }), Span { start: 4, end: 5 }, "space stays");
    }

    #[test]
    fn overlapping_codings_get_separate_columns() {
        let cols = stripe_columns(&[coding(0, 10), coding(5, 15), coding(10, 20), coding(12, 13)]);
        assert_eq!(cols, vec![0, 1, 0, 2]);
    }

    #[test]
    fn codings_are_indexed_under_every_paragraph_they_touch() {
        let paras = [Span { start: 0, end: 5 }, Span { start: 7, end: 12 }, Span { start: 14, end: 20 }];
        let index = index_by_paragraph(&paras, &[coding(3, 8), coding(15, 16)]);
        assert_eq!(index, vec![vec![0], vec![0], vec![1]]);
    }

    #[test]
    fn heights_find_paragraph_by_position() {
        let mut h = Heights::new(3);
        h.prepare(100.0, 10.0, 10.0, [5usize, 25, 5].into_iter());
        assert_eq!(h.total(), 10.0 + 30.0 + 10.0 + 3.0 * PARAGRAPH_GAP);
        assert_eq!(h.index_at(0.0), 0);
        assert_eq!(h.index_at(25.0), 1);
        h.measure(0, 50.0);
        assert!(h.settle());
        assert_eq!(h.index_at(25.0), 0);
        assert_eq!(h.index_at(1e9), 2);
    }
}
