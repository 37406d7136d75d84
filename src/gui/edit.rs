//! The one place where the workbench changes a project's codebook and codings: each coding
//! [`Action`] becomes a [`Command`] of the library's command layer, applied by
//! [`coding::apply`] in one transaction and recorded in the history for undo and redo. The GUI
//! never writes SQL.

use super::action::Action;
use super::workbench::Workbench;
use crate::coding::{self, Command, SpanRef};
use crate::error::{Error, Result};
use crate::model::CodeId;

/// Longest name an in-vivo code gets from its selection, in characters.
const IN_VIVO_MAX: usize = 60;

/// Applies a coding action; returns the summary line to show.
pub fn perform(wb: &mut Workbench, coder: &str, action: &Action) -> Result<String> {
    let project = &mut wb.project;
    match action {
        Action::Undo => {
            Ok(coding::undo(project)?.map_or_else(|| "Nothing to undo.".to_owned(), |s| format!("Undone: {s}")))
        }
        Action::Redo => {
            Ok(coding::redo(project)?.map_or_else(|| "Nothing to redo.".to_owned(), |s| format!("Redone: {s}")))
        }
        Action::InVivo => {
            let name = in_vivo_name(wb.selected_text().unwrap_or(""))?;
            create_and_apply(wb, coder, &name)
        }
        Action::CreateCodeAndApply(name) => create_and_apply(wb, coder, name),
        Action::ApplyCode(code) => apply_code(wb, coder, *code),
        Action::Recode { coding, code } => recode(wb, coder, *coding, *code),
        Action::ResolveDisagreement { disagreement, resolution } => {
            let command = crate::team::resolution_command(project.conn(), disagreement, resolution)?;
            Ok(coding::apply(project, coder, command)?.summary)
        }
        Action::Autocode { rule, spans } => autocode(wb, coder, rule, spans),
        Action::TakeSnapshot(name) => take_snapshot(wb, name),
        other => {
            let command =
                command_for(other).ok_or_else(|| Error::invalid(format!("{other:?} is not a coding change")))?;
            Ok(coding::apply(project, coder, command)?.summary)
        }
    }
}

/// The command for actions that map one to one.
fn command_for(action: &Action) -> Option<Command> {
    Some(match action {
        Action::CreateCode { name, parent } => {
            Command::CreateCode { parent: *parent, path: name.clone(), color: None, description: None }
        }
        Action::RemoveCoding(id) => Command::RemoveCodings { codings: vec![*id] },
        Action::MergeCodes { from, into } => Command::MergeCodes { from: *from, into: *into },
        Action::RenameCode { code, name } => Command::RenameCode { code: *code, name: name.clone() },
        Action::RecolorCode { code, color } => Command::RecolorCode { code: *code, color: color.clone() },
        Action::MoveCode { code, parent } => Command::MoveCode { code: *code, parent: *parent },
        Action::DeleteCode(code) => Command::DeleteCode { code: *code, reassign_to: None },
        Action::SetStatus { code, status } => Command::SetStatus { code: *code, status: *status },
        Action::DescribeCode { code, description, inclusion, exclusion, example } => Command::DescribeCode {
            code: *code,
            description: description.clone(),
            inclusion: inclusion.clone(),
            exclusion: exclusion.clone(),
            example: example.clone(),
        },
        Action::SplitCode { code, name, codings } => {
            Command::SplitCode { code: *code, name: name.clone(), codings: codings.clone() }
        }
        Action::SaveMemo { memo, target, title, body } => {
            Command::SetMemo { memo: *memo, target: *target, title: title.clone(), body: body.clone() }
        }
        Action::DeleteMemo(memo) => Command::DeleteMemo { memo: *memo },
        _ => return None,
    })
}

fn selection_span(wb: &Workbench, code: CodeId) -> Result<SpanRef> {
    match (&wb.view, wb.selection) {
        (Some(view), Some(span)) if span.start < span.end => {
            Ok(SpanRef { document: view.id, code, start: span.start, end: span.end })
        }
        _ => Err(Error::invalid("select some text in a document first, then apply a code")),
    }
}

fn apply_code(wb: &mut Workbench, coder: &str, code: CodeId) -> Result<String> {
    let span = selection_span(wb, code)?;
    let applied = coding::apply(
        &mut wb.project,
        coder,
        Command::AddCodings { coder: coder.into(), spans: vec![span], memo: None },
    )?;
    Ok(if applied.history_id.is_none() {
        format!("{} is already coded there.", wb.code_path(code))
    } else {
        applied.summary
    })
}

fn create_and_apply(wb: &mut Workbench, coder: &str, name: &str) -> Result<String> {
    selection_span(wb, 0)?;
    let created = coding::apply(
        &mut wb.project,
        coder,
        Command::CreateCode { parent: None, path: name.to_owned(), color: None, description: None },
    )?;
    let code =
        created.created.last().copied().ok_or_else(|| Error::invalid(format!("no code was created for {name:?}")))?;
    apply_code(wb, coder, code)?;
    wb.used(code);
    Ok(format!("{}; applied to the selection", created.summary))
}

/// Codes the spans of an autocode preview as one undoable command.
fn autocode(wb: &mut Workbench, coder: &str, rule: &str, spans: &[SpanRef]) -> Result<String> {
    if spans.is_empty() {
        return Err(Error::invalid("the preview found nothing to code; change the query and preview again"));
    }
    let command = Command::Autocode { coder: coder.into(), rule: rule.to_owned(), spans: spans.to_vec() };
    let applied = coding::apply(&mut wb.project, coder, command)?;
    Ok(if applied.history_id.is_none() {
        "Every previewed span was already coded.".to_owned()
    } else {
        applied.summary
    })
}

/// Tags the current codebook. A snapshot is a tag, not a command: it is not undone.
fn take_snapshot(wb: &mut Workbench, name: &str) -> Result<String> {
    let info = coding::snapshot::take(wb.project.conn(), name)?;
    Ok(format!("Took snapshot {:?} of the codebook ({} codes).", info.name, info.codes))
}

/// Recoding keeps the span and coder: the old coding is removed and the new code applied, as
/// two undoable steps.
fn recode(wb: &mut Workbench, coder: &str, coding_id: i64, code: CodeId) -> Result<String> {
    let Some(row) = wb.view.as_ref().and_then(|v| v.codings.iter().find(|c| c.id == coding_id)).cloned() else {
        return Err(Error::invalid("that coding is no longer in the open document"));
    };
    let span = SpanRef { document: row.document_id, code, start: row.start, end: row.end };
    coding::apply(
        &mut wb.project,
        coder,
        Command::AddCodings { coder: row.coder_id.into(), spans: vec![span], memo: None },
    )?;
    coding::apply(&mut wb.project, coder, Command::RemoveCodings { codings: vec![coding_id] })?;
    Ok(format!("recoded as {}", wb.code_path(code)))
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
    use super::in_vivo_name;

    #[test]
    fn in_vivo_names_come_from_the_selection() {
        assert_eq!(in_vivo_name("  never in the\n office. ").unwrap(), "never in the office");
        assert_eq!(in_vivo_name("NHS/charity").unwrap(), "NHS-charity");
        assert!(in_vivo_name(" ... ").is_err());
        assert_eq!(in_vivo_name(&"word ".repeat(40)).unwrap().chars().count(), 59);
    }
}
