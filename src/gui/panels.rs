//! The workbench's floating panels and dialogs beyond the main layout: Describe… and Split… of a
//! code, Rename speaker…, memos, search and autocode, and history with snapshots. Their state lives here (it is
//! reset with the project), they are re-read after every change, and they are drawn in one go.

use egui::Context;

use super::action::Action;
use super::describe_dialog::{DescribeDraft, describe_ui};
use super::history_panel::{HistoryPanel, history_ui};
use super::memos_panel::{MemosPanel, memos_ui};
use super::review_panel::{ReviewPanel, review_ui};
use super::search_panel::{SearchPanel, search_ui};
use super::speaker_dialog::{RenameSpeakerDraft, rename_speaker_ui};
use super::split_dialog::{SplitDraft, split_ui};
use super::text_tools::{PseudonymPanel, ReplacePanel, pseudonymise_ui, replace_ui};
use super::workbench::Workbench;
use crate::coding::Command;
use crate::error::Result;

#[derive(Debug, Default)]
pub struct Panels {
    pub describe: Option<DescribeDraft>,
    pub split: Option<SplitDraft>,
    pub rename_speaker: Option<RenameSpeakerDraft>,
    pub memos: Option<MemosPanel>,
    pub search: Option<SearchPanel>,
    pub history: Option<HistoryPanel>,
    pub review: Option<ReviewPanel>,
    pub replace: Option<ReplacePanel>,
    pub pseudonyms: Option<PseudonymPanel>,
    /// The import dialog: preview, options, report.
    pub import: Option<super::import_dialog::ImportDialog>,
    /// The merge dialog: dry-run report, Apply.
    pub merge: Option<super::merge_dialog::MergeDialog>,
}

impl Panels {
    /// Brings the open panels up to date with the project (cheap when nothing changed).
    pub fn sync(&mut self, wb: &Workbench) -> Result<()> {
        if let Some(memos) = &mut self.memos {
            memos.sync(wb)?;
        }
        if let Some(history) = &mut self.history {
            history.sync(wb.project.conn())?;
        }
        if let Some(review) = &mut self.review {
            review.sync(wb)?;
        }
        Ok(())
    }

    /// A change was applied: panels that show project data re-read it, and the panel that made
    /// the change starts over.
    pub fn changed(&mut self, action: &Action) {
        if let Some(memos) = &mut self.memos {
            memos.mark_stale();
            if let Action::Edit(Command::SetMemo { memo: None, target, .. }) = action {
                memos.saved_new(*target);
            }
        }
        if let Some(history) = &mut self.history {
            history.mark_stale();
            if let Action::TakeSnapshot(_) = action {
                history.snapshot_name.clear();
            }
        }
        if let Some(review) = &mut self.review {
            review.mark_stale();
            if let Action::Edit(Command::AddComment { .. }) = action {
                review.posted();
            }
        }
        if let (Some(replace), Action::Edit(Command::ReplaceText { .. })) = (&mut self.replace, action) {
            replace.preview = None;
        }
        if let (Some(split), Action::Edit(Command::SplitCode { .. })) = (&mut self.split, action) {
            split.clear();
        }
        if let Action::Edit(Command::RenameParticipant { .. }) = action {
            self.rename_speaker = None;
        }
        if let (Some(search), Action::Autocode { .. }) = (&mut self.search, action) {
            search.preview = None;
        }
    }

    pub fn show(&mut self, ctx: &Context, wb: &Workbench, busy: bool, actions: &mut Vec<Action>) {
        describe_ui(ctx, &mut self.describe, wb, actions);
        split_ui(ctx, &mut self.split, wb, actions);
        rename_speaker_ui(ctx, &mut self.rename_speaker, wb, actions);
        memos_ui(ctx, &mut self.memos, actions);
        search_ui(ctx, &mut self.search, wb, busy, actions);
        history_ui(ctx, &mut self.history, actions);
        review_ui(ctx, &mut self.review, wb, actions);
        replace_ui(ctx, &mut self.replace, wb, actions);
        pseudonymise_ui(ctx, &mut self.pseudonyms, actions);
    }
}
