//! Applying a command: validation and execution inside one transaction, then one history entry.
//! A refused command returns an error and leaves the project exactly as it was.

use serde::Serialize;

use super::command::Command;
use super::recorder::Recorder;
use super::{code_ops, coding_ops, coverage_ops, history, memos};
use crate::error::Result;
use crate::store::Project;

/// What applying a command did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applied {
    /// The history entry, or `None` when the command changed nothing (e.g. a coding that
    /// already existed).
    pub history_id: Option<i64>,
    /// One line for the user, e.g. "renamed code Theme/Old to \"New\"".
    pub summary: String,
    /// Ids of the codes, codings and memos the command created, in creation order.
    pub created: Vec<i64>,
}

/// Validates and applies `command` for `actor` in one transaction, recording it in the history.
pub fn apply(project: &mut Project, actor: &str, command: Command) -> Result<Applied> {
    let tx = project.conn_mut().transaction()?;
    let mut rec = Recorder::new(&tx);
    let summary = execute(&mut rec, actor, &command)?;
    if rec.changes.is_empty() {
        return Ok(Applied { history_id: None, summary, created: Vec::new() });
    }
    let Recorder { changes, created, now, .. } = rec;
    let id = history::append(&tx, &now, actor, &command, &summary, &changes, &created)?;
    tx.commit()?;
    Ok(Applied { history_id: Some(id), summary, created })
}

fn execute(rec: &mut Recorder<'_>, actor: &str, command: &Command) -> Result<String> {
    match command {
        Command::CreateCode { parent, path, color, description } => {
            code_ops::create(rec, *parent, path, color.as_deref(), description.as_deref())
        }
        Command::RenameCode { code, name } => code_ops::rename(rec, *code, name),
        Command::RecolorCode { code, color } => code_ops::recolor(rec, *code, color),
        Command::DescribeCode { code, description, inclusion, exclusion, example } => code_ops::describe(
            rec,
            *code,
            code_ops::Definition {
                description: description.as_deref(),
                inclusion: inclusion.as_deref(),
                exclusion: exclusion.as_deref(),
                example: example.as_deref(),
            },
        ),
        Command::SetStatus { code, status } => code_ops::set_status(rec, *code, *status),
        Command::MoveCode { code, parent } => code_ops::move_code(rec, *code, *parent),
        Command::MergeCodes { from, into } => code_ops::merge(rec, *from, *into),
        Command::SplitCode { code, name, codings } => code_ops::split(rec, *code, name, codings),
        Command::DeleteCode { code, reassign_to } => code_ops::delete(rec, *code, *reassign_to),
        Command::AddCodings { coder, spans, memo } => coding_ops::add(rec, *coder, spans, memo.as_deref()),
        Command::RemoveCodings { codings } => coding_ops::remove(rec, codings),
        Command::ResolveSpan { span, coded, uncoded } => coverage_ops::set_coverage(rec, *span, coded, uncoded),
        Command::Autocode { coder, rule, spans } => coding_ops::autocode(rec, *coder, rule, spans),
        Command::SetMemo { memo, target, title, body } => memos::set(rec, actor, *memo, *target, title, body),
        Command::DeleteMemo { memo } => memos::delete(rec, *memo),
        Command::MergeProject { source, .. } => Err(crate::Error::invalid(format!(
            "a project merge is applied with `fieldcode merge PROJECT {source}`, not as a command"
        ))),
        Command::ImportCodebook { file } => Err(crate::Error::invalid(format!(
            "a codebook is imported with `fieldcode import-codebook PROJECT {file}`, not as a command"
        ))),
    }
}
