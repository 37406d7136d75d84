//! Correcting a document's text in the viewer (Edit > Edit the document text, as NVivo's "click
//! to edit"): in edit mode a click opens that paragraph as a text field in place; each burst of
//! typing (until a pause, the field losing focus, or Done) becomes one `EditText` command — the
//! smallest range that changed — so it is one undoable change and every coding, turn and
//! paragraph moves by the engine's one shift rule. An edit that would remove codings is shown
//! first and waits for the user's word.

use super::document_patch::CommittedEdit;
use super::document_view::DocumentView;
use super::workbench::Workbench;
use crate::coding::text_ops::EditReport;
use crate::coding::{self, Command, Mode};
use crate::error::{Error, Result};
use crate::model::{DocumentId, Span};
use crate::store::documents;

/// Seconds without typing after which a burst of typing is committed.
pub const BURST_PAUSE: f64 = 1.5;

/// One paragraph being edited.
#[derive(Debug, Clone, PartialEq)]
pub struct ParagraphEdit {
    pub document: DocumentId,
    /// The paragraph's index in the view.
    pub paragraph: usize,
    /// The text as the user is typing it.
    pub buffer: String,
    /// The paragraph's text as the project stores it now.
    pub original: String,
    /// When the user last typed (egui's clock).
    pub last_typed: f64,
    /// Codings the pending change would remove, as "code (coder): “text”", awaiting the user's
    /// confirmation; `None` when nothing waits.
    pub confirm: Option<Vec<String>>,
    /// The user agreed to remove them: the next commit goes ahead.
    pub confirmed: bool,
    /// Put the keyboard in the field on the next frame.
    pub focus: bool,
    /// Text to type at the caret on the next frame (transcription's timestamp key).
    pub insert: Option<String>,
}

impl ParagraphEdit {
    pub fn new(document: DocumentId, paragraph: usize, text: &str) -> ParagraphEdit {
        ParagraphEdit {
            document,
            paragraph,
            buffer: text.to_owned(),
            original: text.to_owned(),
            last_typed: 0.0,
            confirm: None,
            confirmed: false,
            focus: true,
            insert: None,
        }
    }

    /// True when there is typing not yet committed.
    pub fn is_dirty(&self) -> bool {
        self.buffer != self.original
    }

    /// True when a burst of typing should be committed now: typing paused long enough (and
    /// nothing waits for confirmation).
    pub fn burst_over(&self, now: f64) -> bool {
        self.is_dirty() && self.confirm.is_none() && now - self.last_typed >= BURST_PAUSE
    }

    /// The command for the typing so far: the smallest range of the paragraph (at `para` in
    /// the document) that changed, replaced by what was typed there. `sha256` is the document's
    /// hash as loaded, so an edit of a text another program changed meanwhile is refused.
    pub fn command(&self, para: Span, sha256: &str) -> Option<Command> {
        let (start, end, text) = changed_range(&self.original, &self.buffer)?;
        Some(Command::EditText {
            doc: self.document,
            start: para.start + start,
            end: para.start + end,
            text,
            expect_sha256: Some(sha256.to_owned()),
        })
    }
}

impl Workbench {
    /// Re-reads the open document when its text changed (an edit, an undo or redo of one, a
    /// find and replace), keeping the paragraph being edited open with its new text. Returns
    /// whether it re-read the document (with its codings).
    pub fn refresh_open_text(&mut self) -> Result<bool> {
        let Some(view) = &self.view else { return Ok(false) };
        if documents::sha256(self.project.conn(), view.id)? == view.sha256 {
            return Ok(false);
        }
        let (id, name) = (view.id, view.name.clone());
        let mut fresh = DocumentView::load(self.project.conn(), id, &name, &self.participants)?;
        if let Some(old) = self.view.take() {
            let (old_bytes, new_bytes) = (&old.bytes, &fresh.bytes);
            let changed = |i: usize| old_bytes.get(i).map(|r| r.len()) != new_bytes.get(i).map(|r| r.len());
            let changed: Vec<bool> = (0..new_bytes.len()).map(changed).collect();
            fresh.heights.carry_over(old.heights, |i| changed[i]);
            fresh.scroll_to = old.scroll_to;
        }
        self.view = Some(fresh);
        self.after_text_changed();
        Ok(true)
    }

    /// After the open document's text changed: the paragraph being edited holds its new text
    /// (typing committed), and the selection and the inspector, in old offsets, are closed.
    fn after_text_changed(&mut self) {
        let view = self.view.as_ref();
        self.editing = self.editing.take().and_then(|edit| {
            let view = view?;
            let text = view.paragraphs.get(edit.paragraph).map(|_| view.paragraph_text(edit.paragraph))?;
            Some(ParagraphEdit {
                original: text.to_owned(),
                buffer: text.to_owned(),
                confirm: None,
                confirmed: false,
                ..edit
            })
        });
        self.selection = None;
        self.inspection = None;
    }

    /// After an `EditText` command of the open document committed: the view is patched in
    /// memory (see [`super::document_patch`]) and only what the edit changes elsewhere is read
    /// again: the document list (lengths), and the codebook when codings were removed.
    pub fn after_open_text_edit(&mut self, command: &Command, report: &EditReport) -> Result<()> {
        let Command::EditText { doc, .. } = command else { return self.reload_after_text_edit() };
        let sha256 = documents::sha256(self.project.conn(), *doc)?;
        let Some(edit) = CommittedEdit::of(command, report, sha256) else { return Ok(()) };
        let patched = self.view.as_mut().filter(|v| v.id == *doc).is_some_and(|v| v.patch_edit(&edit));
        if !patched {
            return self.reload_after_text_edit();
        }
        self.after_text_changed();
        self.documents = documents::list(self.project.conn())?;
        self.generation += 1;
        match edit.removed.is_empty() {
            true => self.analysis.invalidate(),
            false => {
                self.reload_codebook()?;
                self.reload_coding_memos()?;
            }
        }
        self.reload_panels()
    }

    /// Opens paragraph `n` of the open document for editing (committing typing elsewhere first
    /// is the caller's job).
    pub fn edit_paragraph(&mut self, n: usize) -> Result<()> {
        let view = self.view.as_ref().ok_or_else(|| Error::invalid("open a document first, then edit its text"))?;
        if n >= view.paragraphs.len() {
            return Err(Error::invalid(format!("{} has no paragraph {}", view.name, n + 1)));
        }
        self.edit_mode = true;
        self.editing = Some(ParagraphEdit::new(view.id, n, view.paragraph_text(n)));
        Ok(())
    }

    /// The command for the typing not yet committed, if any.
    pub fn pending_text_edit(&self) -> Option<Command> {
        let (view, edit) = (self.view.as_ref()?, self.editing.as_ref()?);
        let para = *view.paragraphs.get(edit.paragraph).filter(|_| view.id == edit.document)?;
        edit.command(para, &view.sha256)
    }

    /// The codings `command` would remove, worked out by a dry run of it (nothing is written),
    /// as "code (coder): “text”"; none when no coding lies inside the changed range.
    pub fn codings_removed_by(&mut self, coder: &str, command: &Command) -> Result<Vec<String>> {
        let (Some(view), Command::EditText { start, end, .. }) = (&self.view, command) else { return Ok(Vec::new()) };
        if !view.codings.iter().any(|c| *start <= c.start && c.end <= *end) {
            return Ok(Vec::new());
        }
        let dry = coding::text_ops::run(&mut self.project, coder, command, Mode::DryRun)?;
        Ok(dry.value.removed.iter().map(|r| format!("{} ({}): “{}”", r.code, coder_of(view, r.id), r.text)).collect())
    }
}

fn coder_of(view: &DocumentView, coding: i64) -> String {
    view.codings.iter().find(|c| c.id == coding).map_or_else(|| "?".to_owned(), |c| c.coder.clone())
}

/// The smallest `[start, end)` of `old` (code points) whose replacement by the returned text
/// turns `old` into `new`; `None` when they are equal. An insertion at the very start or end of
/// a non-empty paragraph takes the paragraph's first or last character along, so the inserted
/// words stay inside the paragraph (the shift rule keeps a span's edges off an insertion point).
pub fn changed_range(old: &str, new: &str) -> Option<(usize, usize, String)> {
    if old == new {
        return None;
    }
    let old: Vec<char> = old.chars().collect();
    let new: Vec<char> = new.chars().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old.iter().rev().zip(new.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
    let (mut start, mut end, mut new_end) = (prefix, old.len() - suffix, new.len() - suffix);
    // The shift rule pushes a span starting at an insertion point after the new text and keeps
    // one ending there: words typed at either edge of the paragraph would fall outside it.
    if start == end && !old.is_empty() {
        if start == 0 {
            (end, new_end) = (1, new_end + 1);
        } else if start == old.len() {
            start -= 1;
        }
    }
    Some((start, end, new[start..new_end].iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, (start, end, text): (usize, usize, String)) -> String {
        let chars: Vec<char> = old.chars().collect();
        chars[..start].iter().collect::<String>() + &text + &chars[end..].iter().collect::<String>()
    }

    #[test]
    fn the_changed_range_is_the_smallest_and_reproduces_the_new_text() {
        for (old, new) in [
            ("the waiting list", "the waiting-list"),
            ("the waiting list", "the long waiting list"),
            ("the waiting list", "the list"),
            ("aaa", "aaaa"),
            ("Zoë said", "Zoë sayd"),
            ("abc", "xyz"),
            ("", "new"),
            ("text", ""),
        ] {
            let range = changed_range(old, new).unwrap();
            assert_eq!(apply(old, range.clone()), new, "{old:?} → {new:?}: {range:?}");
        }
        assert_eq!(changed_range("the list", "the long list"), Some((5, 5, "ong l".into())));
        assert_eq!(changed_range("same", "same"), None);
    }

    #[test]
    fn an_insertion_at_either_edge_takes_the_edge_character_along() {
        assert_eq!(changed_range("list", "The list"), Some((0, 1, "The l".into())));
        assert_eq!(changed_range("list", "list [sic]"), Some((3, 4, "t [sic]".into())));
    }
}
