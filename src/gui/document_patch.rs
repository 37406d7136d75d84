//! The open document patched in memory after an edit of its text, instead of read again.
//!
//! Why: a burst of typing in a 5 MB transcript with 20,000 codings commits one `EditText`
//! command; re-reading the text, its turns and every coding after it doubled what the user
//! waited for. The project has just moved every span by the engine's one rule
//! ([`crate::coding::shift`]), so the view runs the same rule over what it holds: the same
//! function on the same numbers gives the same places (a test compares a patched view with a
//! freshly loaded one after random edits). Codings the command removed (left empty, or made
//! identical to another) are named in its report and dropped here. Speaker headings are keyed by
//! paragraph index and an edit moves a paragraph's start and its turn's start alike, so they
//! stay.

use std::collections::HashSet;

use super::document_view::DocumentView;
use crate::coding::Command;
use crate::coding::shift::{self, Anchored, Splice};
use crate::coding::text_ops::EditReport;
use crate::model::Span;
use crate::text::CharIndex;

/// One committed replacement of `[start, end)` (code points) by `new` (newlines normalised, as
/// the command stored it).
pub struct CommittedEdit {
    pub start: usize,
    pub end: usize,
    pub new: String,
    /// Ids of the codings the command removed.
    pub removed: Vec<i64>,
    /// The document's hash after the edit.
    pub sha256: String,
}

impl CommittedEdit {
    /// What an `EditText` command did, from the command and its report; `None` for any other
    /// command, or when the edit changed nothing. `sha256` is the document's hash after it.
    pub fn of(command: &Command, report: &EditReport, sha256: String) -> Option<CommittedEdit> {
        let Command::EditText { start, end, text, .. } = command else { return None };
        if report.documents.is_empty() {
            return None;
        }
        Some(CommittedEdit {
            start: *start,
            end: *end,
            new: crate::text::normalise_newlines(text),
            removed: report.removed.iter().map(|r| r.id).collect(),
            sha256,
        })
    }
}

impl DocumentView {
    /// Applies an edit the project has committed; false (nothing changed) when the range does
    /// not fit this view's text, so the caller reads the document again.
    pub fn patch_edit(&mut self, edit: &CommittedEdit) -> bool {
        if edit.start > edit.end || edit.end > self.chars.char_len() {
            return false;
        }
        let splice = Splice { start: edit.start, end: edit.end, len: edit.new.chars().count() };
        let (from, to) = (self.chars.byte_of(&self.text, edit.start), self.chars.byte_of(&self.text, edit.end));
        self.text.replace_range(from..to, &edit.new);
        self.chars = CharIndex::new(&self.text);
        self.sha256 = edit.sha256.clone();
        self.move_paragraphs(splice);
        let gone: HashSet<i64> = edit.removed.iter().copied().collect();
        let mut codings = std::mem::take(&mut self.codings);
        codings.retain(|c| !gone.contains(&c.id));
        for c in &mut codings {
            (c.start, c.end) = splice.span(c.start, c.end);
        }
        codings.sort_by_key(|c| (c.start, c.end, c.id));
        self.set_codings(codings);
        true
    }

    /// Moves the paragraphs by the rule and lays out again the ones whose text changed.
    fn move_paragraphs(&mut self, splice: Splice) {
        let mut spans: Vec<Anchored> = self
            .paragraphs
            .iter()
            .enumerate()
            .map(|(i, p)| Anchored { key: i as i64, start: p.start, end: p.end })
            .collect();
        shift::forward(&mut spans, &[splice]);
        let before: Vec<usize> = self.paragraphs.iter().map(|p| p.end - p.start).collect();
        self.paragraphs = spans.iter().map(|a| Span { start: a.start, end: a.end }).collect();
        self.bytes = self
            .paragraphs
            .iter()
            .map(|p| self.chars.byte_of(&self.text, p.start)..self.chars.byte_of(&self.text, p.end))
            .collect();
        let touched = |i: usize, p: &Span| before.get(i) != Some(&(p.end - p.start)) || splice_inside(splice, p);
        for (i, p) in self.paragraphs.iter().enumerate() {
            if touched(i, p) {
                self.heights.forget(i);
            }
        }
    }
}

/// Whether the splice replaced text inside the (moved) paragraph: its words changed even when
/// its length did not.
fn splice_inside(splice: Splice, p: &Span) -> bool {
    splice.start < p.end && splice.start + splice.len >= p.start
}
