//! Applying a command: validation and execution inside one transaction through the
//! [`Recorder`], then one history entry. A refused command returns an error and leaves the
//! project exactly as it was.

use std::path::Path;

use super::command::{Command, SpanRef};
use super::recorder::{self, Mode, Recorder, Written};
use super::{
    attribute_ops, code_ops, codebook_ops, coding_ops, comment_ops, coverage_ops, media_ops, memos, speaker_ops,
    text_ops,
};
use crate::error::Result;
use crate::store::Project;

/// What applying a command did: `value` is unused.
pub type Applied = Written<()>;

/// Validates and applies `command` for `actor` in one transaction, recording it in the history.
pub fn apply(project: &mut Project, actor: &str, command: Command) -> Result<Applied> {
    apply_watched(project, actor, command, None)
}

/// [`apply`] for a long command (storing a recording in the project), which reports its
/// progress to `watch` and is cancelled, with nothing written, when `watch` returns false.
pub fn apply_watched(
    project: &mut Project,
    actor: &str,
    command: Command,
    watch: Option<&recorder::Watch<'_>>,
) -> Result<Applied> {
    // A recording is checked on disk (there, same size, readable as audio) before the write
    // transaction opens: the recorder knows the database, not where the project file lies.
    if let Command::LinkMedia { path, size, .. } = &command {
        media_ops::check_file(project.path(), path, *size)?;
    }
    let project_path = project.path().to_path_buf();
    recorder::record_watched(project, actor, &command, Mode::Commit, watch, |rec| {
        Ok((execute(rec, actor, &command, &project_path)?, ()))
    })
}

/// `project_path`: where the project file lies, for the recordings its links name.
fn execute(rec: &mut Recorder<'_>, actor: &str, command: &Command, project_path: &Path) -> Result<String> {
    match command {
        Command::CreateCode { parent, path, color, description } => {
            code_ops::create(rec, *parent, path, color.as_deref(), description.as_deref())
        }
        Command::CreateCodeAndApply { parent, path, coder, document, start, end } => {
            let span = SpanRef { document: *document, code: 0, start: *start, end: *end };
            coding_ops::create_and_apply(rec, *parent, path, coder, span)
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
        Command::AddCodings { coder, spans, memo } => coding_ops::add(rec, coder, spans, memo.as_deref()),
        Command::RemoveCodings { codings } => coding_ops::remove(rec, codings),
        Command::ResolveSpan { span, coded, uncoded } => coverage_ops::set_coverage(rec, *span, coded, uncoded),
        Command::Autocode { coder, rule, spans } => coding_ops::autocode(rec, coder, rule, spans),
        Command::SetMemo { memo, target, title, body } => memos::set(rec, actor, *memo, *target, title, body),
        Command::DeleteMemo { memo } => memos::delete(rec, *memo),
        Command::AddComment { code, body } => comment_ops::add(rec, actor, *code, body),
        Command::SetAttributes { scope, cells } => attribute_ops::set(rec, *scope, cells),
        Command::ImportCodebook { file, codes } => codebook_ops::import(rec, file, codes).map(|(summary, _)| summary),
        Command::EditText { .. } | Command::ReplaceText { .. } => {
            text_ops::execute(rec, command).map(|(summary, _)| summary)
        }
        Command::RenameAttribute { scope, from, to } => attribute_ops::rename(rec, *scope, from, to),
        Command::LinkMedia { document, path, size, sha256, offset_ms, embed } => {
            let stored = embed.then_some(project_path);
            media_ops::link(
                rec,
                actor,
                *document,
                media_ops::NewLink { path, size: *size, sha256, offset_ms: *offset_ms },
                stored,
            )
        }
        Command::UnlinkMedia { document } => media_ops::unlink(rec, *document),
        Command::EmbedMedia { document } => media_ops::embed(rec, *document, project_path),
        Command::UnembedMedia { document } => media_ops::unembed(rec, *document, project_path),
        Command::RenameParticipant { participant, label } => {
            speaker_ops::rename(rec, *participant, label).map(|(summary, _)| summary)
        }
    }
}
