//! The one place where the workbench changes a project's codebook, codings, memos and
//! attributes: [`apply`] runs a library [`Command`] through [`coding::apply`] (one transaction,
//! one history entry for undo and redo) and re-reads what the views show. [`Action::Edit`]
//! carries its command as it stands; the actions that need the workbench's state (the
//! selection, the open document, the current coder) build theirs here. The GUI never writes SQL.
//!
//! [`Action::Edit`]: super::Action::Edit

use super::workbench::Workbench;
use crate::coding::{self, CoderRef, Command, SpanRef};
use crate::error::{Error, Result};
use crate::model::CodeId;

/// Longest name an in-vivo code gets from its selection, in characters.
const IN_VIVO_MAX: usize = 60;

/// The hint shown when a coding is refused because no coder name is set.
pub const CODER_HINT: &str = "set your name under View > Settings, then try again";

/// What the views re-read after a command.
enum Reload {
    /// Only the codings of this code in the open document changed (applying a code there).
    CodingsOf(CodeId),
    /// The codebook and codings.
    Codes,
    /// Documents and participants too (their attributes).
    Everything,
    /// After a text edit: the document list (lengths), the codebook and the open document
    /// (re-read once, with its codings); participants keep their turns, so they are not re-read.
    Text,
}

impl Reload {
    fn after(command: &Command, wb: &Workbench) -> Reload {
        match command {
            Command::AddCodings { spans, .. } => match spans.as_slice() {
                [span] if wb.view.as_ref().is_some_and(|v| v.id == span.document) => Reload::CodingsOf(span.code),
                _ => Reload::Codes,
            },
            Command::EditText { .. } | Command::ReplaceText { .. } => Reload::Text,
            Command::SetAttributes { .. }
            | Command::RenameAttribute { .. }
            | Command::RenameParticipant { .. }
            | Command::LinkMedia { .. }
            | Command::UnlinkMedia { .. }
            | Command::EmbedMedia { .. }
            | Command::UnembedMedia { .. } => Reload::Everything,
            Command::CreateCode { .. }
            | Command::CreateCodeAndApply { .. }
            | Command::RenameCode { .. }
            | Command::RecolorCode { .. }
            | Command::DescribeCode { .. }
            | Command::SetStatus { .. }
            | Command::MoveCode { .. }
            | Command::MergeCodes { .. }
            | Command::SplitCode { .. }
            | Command::DeleteCode { .. }
            | Command::RemoveCodings { .. }
            | Command::ResolveSpan { .. }
            | Command::Autocode { .. }
            | Command::SetMemo { .. }
            | Command::DeleteMemo { .. }
            | Command::AddComment { .. }
            | Command::ImportCodebook { .. } => Reload::Codes,
        }
    }
}

/// Applies one command for `coder` and re-reads what the views need. A refused command changes
/// nothing; its error gets the GUI's hint where the user can fix it here.
pub fn apply(wb: &mut Workbench, coder: &str, command: Command) -> Result<coding::Applied> {
    if matches!(&command, Command::EditText { doc, .. } if wb.view.as_ref().is_some_and(|v| v.id == *doc)) {
        return apply_open_text_edit(wb, coder, command);
    }
    let reload = Reload::after(&command, wb);
    let unnamed = codes_for_nobody(&command);
    let applied = coding::apply(&mut wb.project, coder, command).map_err(|err| match unnamed {
        true => Error::invalid(format!("{err}: {CODER_HINT}")),
        false => err,
    })?;
    match reload {
        Reload::CodingsOf(code) => wb.reload_after_coding(code)?,
        Reload::Codes => wb.reload_codes()?,
        Reload::Everything => wb.reload()?,
        Reload::Text => wb.reload_after_text_edit()?,
    }
    Ok(applied)
}

/// An edit of the open document's text: its report names the codings it removed, so the view
/// is patched in memory instead of read again (see `gui::document_patch`).
fn apply_open_text_edit(wb: &mut Workbench, coder: &str, command: Command) -> Result<coding::Applied> {
    let written = coding::text_ops::run(&mut wb.project, coder, &command, coding::Mode::Commit)?;
    wb.after_open_text_edit(&command, &written.value)?;
    Ok(coding::Applied {
        history_id: written.history_id,
        summary: written.summary,
        created: written.created,
        value: (),
    })
}

/// True when the command codes for a coder named by an empty name (no name in the settings).
fn codes_for_nobody(command: &Command) -> bool {
    matches!(
        command,
        Command::AddCodings { coder: CoderRef::Name(name), .. }
            | Command::Autocode { coder: CoderRef::Name(name), .. }
            | Command::CreateCodeAndApply { coder: CoderRef::Name(name), .. }
            if name.trim().is_empty()
    )
}

/// Applies a command as it stands; returns the summary line to show. A code created this way is
/// shown in the codebook (scrolled to and selected).
pub fn command(wb: &mut Workbench, coder: &str, command: Command) -> Result<String> {
    let creates = matches!(command, Command::CreateCode { .. });
    let applied = apply(wb, coder, command)?;
    if creates && let Some(&code) = applied.created.last() {
        wb.reveal_code(code)?;
    }
    Ok(applied.summary)
}

pub fn undo(wb: &mut Workbench) -> Result<String> {
    let line = coding::undo(&mut wb.project)?.map_or_else(|| "Nothing to undo.".to_owned(), |s| format!("Undone: {s}"));
    // Everything: a merge, an attribute change or a text edit undone touches documents and people too.
    wb.reload()?;
    Ok(line)
}

pub fn redo(wb: &mut Workbench) -> Result<String> {
    let line = coding::redo(&mut wb.project)?.map_or_else(|| "Nothing to redo.".to_owned(), |s| format!("Redone: {s}"));
    // Everything: a merge or an attribute change undone or redone touches documents and people too.
    wb.reload()?;
    Ok(line)
}

fn selection_span(wb: &Workbench, code: CodeId) -> Result<SpanRef> {
    match (&wb.view, wb.selection) {
        (Some(view), Some(span)) if span.start < span.end => {
            Ok(SpanRef { document: view.id, code, start: span.start, end: span.end })
        }
        _ => Err(Error::invalid("select some text in a document first, then apply a code")),
    }
}

/// Codes the selection with `code` for `coder`, and moves the code to the front of the quick bar.
pub fn apply_code(wb: &mut Workbench, coder: &str, code: CodeId) -> Result<String> {
    let span = selection_span(wb, code)?;
    let applied = apply(wb, coder, Command::AddCodings { coder: coder.into(), spans: vec![span], memo: None })?;
    wb.used(code);
    Ok(if applied.history_id.is_none() {
        format!("{} is already coded there.", wb.code_path(code))
    } else {
        applied.summary
    })
}

/// Creates a code named after the selected words and applies it to the selection.
pub fn in_vivo(wb: &mut Workbench, coder: &str) -> Result<String> {
    let name = in_vivo_name(wb.selected_text().unwrap_or(""))?;
    create_and_apply(wb, coder, &name)
}

/// Creates a top-level code and applies it to the selection, as one undoable step.
pub fn create_and_apply(wb: &mut Workbench, coder: &str, name: &str) -> Result<String> {
    let span = selection_span(wb, 0)?;
    let command = Command::CreateCodeAndApply {
        parent: None,
        path: name.to_owned(),
        coder: coder.into(),
        document: span.document,
        start: span.start,
        end: span.end,
    };
    let applied = apply(wb, coder, command)?;
    if let Some(code) = wb.codes.iter().find(|c| c.parent_id.is_none() && c.name == name.trim()).map(|c| c.id) {
        wb.used(code);
    }
    Ok(applied.summary)
}

/// Codes the spans of an autocode preview as one undoable command.
pub fn autocode(wb: &mut Workbench, coder: &str, rule: &str, spans: &[SpanRef]) -> Result<String> {
    if spans.is_empty() {
        return Err(Error::invalid("the preview found nothing to code; change the query and preview again"));
    }
    let command = Command::Autocode { coder: coder.into(), rule: rule.to_owned(), spans: spans.to_vec() };
    let applied = apply(wb, coder, command)?;
    Ok(if applied.history_id.is_none() {
        "Every previewed span was already coded.".to_owned()
    } else {
        applied.summary
    })
}

/// Resolves a disagreement between coders as one command.
pub fn resolve(
    wb: &mut Workbench,
    coder: &str,
    disagreement: &crate::team::Disagreement,
    resolution: &crate::team::Resolution,
) -> Result<String> {
    let command = crate::team::resolution_command(wb.project.conn(), disagreement, resolution)?;
    Ok(apply(wb, coder, command)?.summary)
}

/// Recoding keeps the span and coder: the new code is applied and the old coding removed, as
/// two undoable steps.
pub fn recode(wb: &mut Workbench, coder: &str, coding_id: i64, code: CodeId) -> Result<String> {
    let Some(row) = wb.view.as_ref().and_then(|v| v.codings.iter().find(|c| c.id == coding_id)).cloned() else {
        return Err(Error::invalid("that coding is no longer in the open document"));
    };
    let span = SpanRef { document: row.document_id, code, start: row.start, end: row.end };
    apply(wb, coder, Command::AddCodings { coder: row.coder_id.into(), spans: vec![span], memo: None })?;
    apply(wb, coder, Command::RemoveCodings { codings: vec![coding_id] })?;
    Ok(format!("recoded as {}", wb.code_path(code)))
}

/// Tags the current codebook. A snapshot is a tag, not a command: it is not undone.
pub fn take_snapshot(wb: &mut Workbench, name: &str) -> Result<String> {
    let info = coding::snapshot::take(wb.project.conn(), name)?;
    Ok(format!("Took snapshot {:?} of the codebook ({} codes).", info.name, info.codes))
}

/// A code name from selected text: whitespace collapsed, `/` (the path separator) replaced,
/// trimmed to [`IN_VIVO_MAX`] characters.
fn in_vivo_name(selected: &str) -> Result<String> {
    let words: Vec<&str> = selected.split_whitespace().collect();
    let mut name: String = words.join(" ").replace('/', "-").chars().take(IN_VIVO_MAX).collect();
    name = name.trim_matches(|c: char| c.is_ascii_punctuation() && c != '\'' || c.is_whitespace()).to_owned();
    if name.is_empty() {
        return Err(Error::invalid("select some words first: an in-vivo code is named after the selection"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::{codes_for_nobody, in_vivo_name};
    use crate::coding::Command;

    #[test]
    fn in_vivo_names_come_from_the_selection() {
        assert_eq!(in_vivo_name("  never in the\n office. ").unwrap(), "never in the office");
        assert_eq!(in_vivo_name("NHS/charity").unwrap(), "NHS-charity");
        assert!(in_vivo_name(" ... ").is_err());
        assert_eq!(in_vivo_name(&"word ".repeat(40)).unwrap().chars().count(), 59);
    }

    #[test]
    fn only_codings_for_an_empty_coder_name_get_the_settings_hint() {
        let add = |coder: &str| Command::AddCodings { coder: coder.into(), spans: vec![], memo: None };
        assert!(codes_for_nobody(&add(" ")));
        assert!(!codes_for_nobody(&add("rosa")));
        assert!(!codes_for_nobody(&Command::AddCodings { coder: 3.into(), spans: vec![], memo: None }));
        assert!(!codes_for_nobody(&Command::RenameCode { code: 1, name: String::new() }));
    }
}
