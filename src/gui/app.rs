//! The workbench application: settings (persisted by eframe) plus runtime state, one frame's
//! order of work (background answers, keys and drops, layout in `app/frame.rs`, floating
//! windows), and the single place where queued [`Action`]s are applied after each frame.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use egui::{Context, Ui};

use super::action::Action;
use super::chart_png::Chart;
use super::compare_state::CompareState;
use super::edit;
use super::exchange_jobs;
use super::exchange_windows::FormatDialog;
use super::jobs::{self, Job, JobResult};
use super::panels::Panels;
use super::settings::{STORAGE_KEY, Settings};
use super::windows::Windows;
use super::workbench::{Centre, Workbench};
use crate::Project;
use crate::coding::Command;
use crate::export::codebook::CodebookFormat;
use crate::model::{CodeId, Span};
use crate::refi::export::Positions;

mod exports;
mod files;
// The frame's layout and the keyboard and drops
mod frame;
mod input;
mod reading_jobs;
mod remembered;
mod start_view;
mod text_edit;
mod text_tools;
// Import with a preview, and merging a colleague's copy
mod import_merge;
// The recording of the open transcript
mod player;
mod segments;
mod sheet_files;

/// A line shown at the top of the window until dismissed.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// What to show once a project opens (used by the screenshot script).
#[derive(Debug, Clone, Default)]
pub struct StartView {
    pub document: Option<String>,
    pub code: Option<String>,
    pub window: Option<String>,
}

pub struct WorkbenchApp {
    pub settings: Settings,
    pub workbench: Option<Workbench>,
    pub message: Option<Message>,
    pub job: Option<Job>,
    pub windows: Windows,
    pub start: StartView,
    /// A code awaiting confirmation of its deletion.
    pub confirm_delete: Option<i64>,
    /// A document whose recording awaits confirmation before a copy is stored in the project.
    pub confirm_embed: Option<crate::model::DocumentId>,
    /// Where "Open the demo study" builds (or reopens) the demo: `./fieldcode-demo.fieldcode`,
    /// as `fieldcode demo` does.
    pub demo_path: PathBuf,
    /// The compare-coders view, when it is shown in place of the document.
    pub compare: Option<CompareState>,
    /// Describe…, Split…, memos, search and autocode, history.
    pub panels: Panels,
    /// When set, the actions of each frame are collected here instead of applied: tests check
    /// what a key, click or palette entry does without doing it.
    pub capture: Option<Vec<Action>>,
    pending: Vec<Action>,
    /// The system's file dialog, answering from its thread.
    dialog: Option<Receiver<Option<Action>>>,
    /// Fieldcode's own file chooser, when the system's cannot be shown.
    pub chooser: Option<super::file_chooser::InAppChooser>,
    applied_theme: Option<bool>,
    /// A pseudonymisation under way on a worker (its summary line).
    pseudonymising: super::text_tools::Pending<String>,
    /// A release copy being written (its report line).
    releasing: super::text_tools::Pending<String>,
    /// A chart PNG being cropped and written from the next screenshot.
    chart_export: Option<Receiver<crate::error::Result<String>>>,
    /// The export and import dialogs and their result windows.
    pub exchange: super::exchange_windows::Exchange,
    /// Where the player's sound goes: the sound server; tests put a silent sink here.
    pub sound: super::player_state::SoundOutput,
    /// A recording being checked and hashed before it is linked.
    linking: super::text_tools::Pending<Command>,
}

impl WorkbenchApp {
    pub fn new(settings: Settings) -> WorkbenchApp {
        WorkbenchApp {
            settings,
            workbench: None,
            message: None,
            job: None,
            windows: Windows::default(),
            start: StartView::default(),
            confirm_delete: None,
            confirm_embed: None,
            demo_path: PathBuf::from("fieldcode-demo.fieldcode"),
            compare: None,
            pending: Vec::new(),
            dialog: None,
            chooser: None,
            pseudonymising: None,
            releasing: None,
            applied_theme: None,
            panels: Panels::default(),
            capture: None,
            chart_export: None,
            exchange: Default::default(),
            sound: crate::media::open_output,
            linking: None,
        }
    }

    /// Shows an already open project (tests and in-memory projects use this directly).
    pub fn show_project(&mut self, project: Project) {
        self.settings.remember(project.path());
        match Workbench::new(project) {
            Ok(mut wb) => {
                self.restore_pins(&mut wb);
                self.compare = None;
                self.workbench = Some(wb);
                self.panels = Panels::default();
                self.message = None;
                self.apply_start_view();
            }
            Err(err) => self.error(err.to_string()),
        }
    }

    /// Collapses or expands a theme and keeps the collapsed ones in the settings.
    fn toggle_collapsed(&mut self, code: CodeId) {
        let Some(wb) = &mut self.workbench else { return };
        if !wb.collapsed.remove(&code) {
            wb.collapsed.insert(code);
        }
        let guids = wb.codes.iter().filter(|c| wb.collapsed.contains(&c.id)).map(|c| c.guid.clone()).collect();
        self.settings.set_collapsed(wb.project.path(), guids);
    }

    /// Queues an action, as a menu or shortcut would; it runs after the next frame is drawn.
    pub fn queue(&mut self, action: Action) {
        self.pending.push(action);
    }

    /// True while a background job runs.
    pub fn is_busy(&self) -> bool {
        let text_tools = self.pseudonymising.is_some()
            || self.releasing.is_some()
            || self.linking.is_some()
            || self.workbench.as_ref().and_then(|wb| wb.player.as_ref()).is_some_and(|p| p.starting.is_some())
            || self.panels.replace.as_ref().is_some_and(|p| p.pending.is_some())
            || self.panels.pseudonyms.as_ref().is_some_and(|p| p.pending.is_some());
        self.job.is_some()
            || text_tools
            || self.workbench.as_ref().is_some_and(|wb| wb.analysis.is_loading())
            || self.exchange.is_busy()
    }

    /// Draws one frame and applies what the user did in it.
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.apply_theme(&ctx);
        self.poll_background();
        self.sync_panels();
        self.sync_player(&ctx);
        self.take_dropped_files(&ctx);
        self.read_keys(&ctx);
        let mut actions = std::mem::take(&mut self.pending);
        self.layout(ui, &mut actions);
        self.floating_windows(&ctx, &mut actions);
        for action in actions {
            match &mut self.capture {
                Some(captured) => captured.push(action),
                None => self.apply(&ctx, action),
            }
        }
    }

    fn apply_theme(&mut self, ctx: &Context) {
        if self.applied_theme != Some(self.settings.dark) {
            ctx.set_theme(if self.settings.dark { egui::Theme::Dark } else { egui::Theme::Light });
            self.applied_theme = Some(self.settings.dark);
        }
    }

    fn poll_background(&mut self) {
        self.poll_chart_export();
        self.poll_text_tools();
        self.poll_release();
        self.poll_linking();
        if let Some(result) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            self.finish_job(result);
        }
        if let Some(answer) = self.dialog.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.dialog = None;
            self.pending.extend(answer);
        }
    }

    fn finish_job(&mut self, result: JobResult) {
        match result {
            JobResult::Searched(Ok(hits)) => {
                if let Some(search) = &mut self.panels.search {
                    search.hits = Some((std::mem::take(&mut search.searching), hits));
                }
            }
            JobResult::Previewed(rule, unit, Ok(hits)) => {
                if let Some(search) = &mut self.panels.search {
                    search.preview = Some(super::search_panel::Preview { rule, unit, hits });
                }
            }
            JobResult::Searched(Err(err)) | JobResult::Previewed(_, _, Err(err)) => self.error(err.to_string()),
            JobResult::Cancelled(line) => self.info(line),
            JobResult::Opened(Ok(project)) => self.show_project(project),
            JobResult::Opened(Err(err)) => self.error(err.to_string()),
            JobResult::OpenedWithoutCopy(project, reason) => {
                self.show_project(project);
                self.error(format!("Opened, but today's automatic copy could not be written: {reason}"));
            }
            JobResult::Imported(lines) => {
                if let Some(wb) = &mut self.workbench
                    && let Err(err) = wb.reload()
                {
                    self.error(err.to_string());
                    return;
                }
                let failed = lines.iter().any(|l| !l.starts_with("Imported") && !l.starts_with("Skipped"));
                let text = summarise_import(&lines);
                self.message = Some(Message { text, error: failed });
            }
            // Import with a preview, and merging a colleague's copy
            JobResult::ImportPreviewed(result) => self.import_previewed(result),
            JobResult::ImportReported(report, cancelled) => self.import_reported(report, cancelled),
            JobResult::MergePreviewed(other, result) => self.merge_previewed(other, result),
            JobResult::Merged(result) => self.merged(result),
            JobResult::Exchanged(done) => self.finish_exchange(done),
            JobResult::Stored(document, result) => self.stored(document, result),
        }
    }

    fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message { text: text.into(), error: true });
    }

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message { text: text.into(), error: false });
    }

    pub(super) fn start_job(
        &mut self,
        ctx: &Context,
        title: String,
        work: impl FnOnce(&std::sync::Mutex<jobs::Progress>, &std::sync::atomic::AtomicBool) -> JobResult + Send + 'static,
    ) {
        if self.job.is_some() {
            self.error("Another task is still running; wait for it or cancel it first.");
            return;
        }
        let waker = ctx.clone();
        self.job = Some(Job::spawn(title, move || waker.request_repaint(), work));
    }

    /// Applies one action: the workbench's one dispatch, a `match` that names every action, so a
    /// new action does not compile until it is handled. Changes to the project go through
    /// [`edit`], which calls the library's command layer.
    pub fn apply(&mut self, ctx: &Context, action: Action) {
        match action {
            // Projects and import
            Action::NewProjectDialog => self.new_project_dialog(ctx),
            Action::OpenProjectDialog => self.open_project_dialog(ctx),
            Action::ImportDialog => self.import_dialog(ctx),
            Action::OpenProject(path) => self.start_job(ctx, format!("Opening {}", path.display()), jobs::open(path)),
            Action::CreateProject(path) => self.start_job(ctx, "Creating the project".into(), jobs::create(path)),
            Action::OpenDemo => self.open_demo(ctx),
            Action::CloseProject => {
                self.compare = None;
                self.workbench = None;
                self.panels = Panels::default();
            }
            Action::Import(paths) => self.import(ctx, paths),
            Action::CancelJob => self.cancel_job(),
            // The window
            Action::OpenPalette => {
                self.windows.palette = Some(String::new());
                self.windows.palette_focus = true;
            }
            Action::ShowShortcuts => self.windows.shortcuts = true,
            Action::ShowSettings => self.windows.settings = true,
            Action::ToggleTheme => self.settings.dark = !self.settings.dark,
            Action::ToggleDocumentsPanel => self.settings.show_documents = !self.settings.show_documents,
            Action::ToggleCodebookPanel => self.settings.show_codebook = !self.settings.show_codebook,
            Action::SetSpeakerWidth(width) => self.settings.speaker_width = width.clamp(40.0, 400.0),
            Action::FontBigger => self.settings.font_size = (self.settings.text_size() + 1.0).min(32.0),
            Action::FontSmaller => self.settings.font_size = (self.settings.text_size() - 1.0).max(9.0),
            Action::DismissMessage => self.message = None,
            Action::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Action::AskDeleteCode(code) => self.confirm_delete = Some(code),
            Action::DismissDelete => self.confirm_delete = None,
            // Exports and work on other threads
            Action::SaveCopyDialog => self.save_copy_dialog(ctx),
            Action::SaveCopy(path) => self.save_copy(&path),
            Action::ExportMatrixDialog => self.export_dialog(ctx),
            Action::ExportMatrix(path) => self.export_matrix(&path),
            Action::ExportHeatmapDialog => self.export_chart_dialog(ctx, Chart::Heatmap),
            Action::ExportFrequenciesDialog => self.export_chart_dialog(ctx, Chart::Frequencies),
            Action::ExportHeatmapSvgDialog | Action::ExportFrequenciesSvgDialog => {
                self.export_chart_action_dialog(ctx, &action)
            }
            Action::ExportChart { chart, path } => self.export_chart(ctx, chart, path),
            Action::Search { query, regex, ignore_case } => self.search(ctx, query, regex, ignore_case),
            Action::PreviewAutocode { rule, unit } => self.preview_autocode(ctx, rule, unit),
            // What the open project shows
            Action::ShowCompare => self.show_compare(&[]),
            Action::ShowAnalysis => self.leave_compare(|wb, _| {
                wb.centre = Centre::Analysis;
                Ok(())
            }),
            Action::ShowDocument => self.leave_compare(|wb, _| {
                wb.centre = Centre::Document;
                Ok(())
            }),
            // Typing in another document is committed before it closes.
            Action::OpenDocument(id) => {
                self.commit_text_edit(false);
                self.leave_compare(|wb, _| wb.open_document(id))
            }
            Action::JumpTo { document, start, end } => {
                self.commit_text_edit(false);
                self.leave_compare(|wb, _| jump_to(wb, document, start, end))
            }
            Action::Select { start, end } => self.on_project(|wb, _| {
                wb.selection = (start < end).then_some(Span { start, end });
                Ok(())
            }),
            Action::ClearSelection => self.on_project(|wb, _| {
                wb.selection = None;
                wb.inspection = None;
                Ok(())
            }),
            Action::InspectAt(offset) => self.on_project(|wb, _| {
                wb.selection = None;
                wb.inspect(offset);
                Ok(())
            }),
            Action::FindCode => self.on_project(|wb, _| {
                wb.finder_focus = true;
                Ok(())
            }),
            Action::DrillCell { group, a, b } => self.on_project(|wb, _| wb.analysis.pick(&wb.project, group, a, b)),
            Action::ShowExcerpts(code) => self.on_project(|wb, _| {
                wb.show_excerpts(code)?;
                wb.retrieval.show_code(code);
                wb.centre = Centre::Retrieval;
                Ok(())
            }),
            Action::DescribeCodeDialog(code) => self.on_project(|wb, panels| {
                panels.describe = wb.code(code).map(super::describe_dialog::DescribeDraft::of);
                Ok(())
            }),
            Action::SplitCodeDialog(code) => self.on_project(|wb, panels| {
                wb.show_excerpts(code)?;
                panels.split = Some(super::split_dialog::SplitDraft::new(code));
                Ok(())
            }),
            Action::RenameSpeakerDialog(participant) => self.on_project(|wb, panels| {
                let label = wb.participants.iter().find(|p| p.id == participant).map(|p| p.label.clone());
                panels.rename_speaker =
                    label.map(|label| super::speaker_dialog::RenameSpeakerDraft::new(participant, &label));
                Ok(())
            }),
            Action::ShowMemos => self.on_project(|_, panels| {
                panels.memos.get_or_insert_with(Default::default);
                Ok(())
            }),
            Action::ShowSearch => self.on_project(|_, panels| {
                panels.search.get_or_insert_with(super::search_panel::SearchPanel::new);
                Ok(())
            }),
            Action::ShowReplace => self.on_project(|_, panels| {
                panels.replace.get_or_insert_with(Default::default);
                Ok(())
            }),
            Action::ShowPseudonymise => self.on_project(|_, panels| {
                panels.pseudonyms.get_or_insert_with(Default::default);
                Ok(())
            }),
            Action::PreviewReplace => self.preview_replace(ctx),
            Action::PreviewPseudonyms => self.preview_pseudonyms(ctx),
            Action::ApplyPseudonyms => self.apply_pseudonyms(ctx),
            Action::LoadNameMapDialog => self.load_name_map_dialog(ctx),
            Action::SaveNameMapDialog => self.save_name_map_dialog(ctx),
            Action::LoadNameMap(path) => self.load_name_map(&path),
            Action::SaveNameMap(path) => self.save_name_map(&path),
            Action::SaveReleaseDialog => self.save_release_dialog(ctx),
            Action::SaveRelease(path) => self.save_release(ctx, path),
            Action::ToggleEditMode => self.toggle_edit_mode(),
            Action::EditParagraph(n) => self.edit_paragraph(n),
            Action::CommitTextEdit => {
                self.commit_text_edit(false);
            }
            Action::ConfirmTextEdit => {
                self.commit_text_edit(true);
            }
            Action::DiscardTextEdit => self.discard_text_edit(),
            Action::ShowReview => self.on_project(|_, panels| {
                panels.review.get_or_insert_with(Default::default);
                Ok(())
            }),
            Action::ShowHistory => self.on_project(|wb, panels| {
                panels.history = Some(super::history_panel::HistoryPanel::new(wb.project.conn())?);
                Ok(())
            }),
            Action::DiffSnapshot(ref name) => self.on_project(|wb, panels| {
                let diff = crate::coding::snapshot::diff(wb.project.conn(), name, None)?;
                if let Some(history) = &mut panels.history {
                    history.diff = Some(diff);
                }
                Ok(())
            }),
            // Changes to the project, each through the command layer
            Action::Edit(ref command) => self.change(&action, |wb, coder| edit::command(wb, coder, command.clone())),
            Action::ApplyCode(code) => self.change(&action, |wb, coder| edit::apply_code(wb, coder, code)),
            Action::QuickCode(slot) => {
                if let Some(code) = self.workbench.as_ref().and_then(|wb| wb.quick.code(slot)) {
                    self.apply(ctx, Action::ApplyCode(code));
                }
            }
            Action::PinQuickCode { slot, code } => self.quick_slots(|q| q.pin(slot, code)),
            Action::UnpinQuickCode(slot) => self.quick_slots(|q| q.unpin(slot)),
            Action::ClearQuickCode(slot) => self.quick_slots(|q| q.clear(slot)),
            Action::ToggleCollapsed(code) => self.toggle_collapsed(code),
            Action::CopySelection => self.copy_selection(ctx),
            Action::InVivo => self.change(&action, edit::in_vivo),
            Action::CreateCodeAndApply(ref name) => {
                self.change(&action, |wb, coder| edit::create_and_apply(wb, coder, name))
            }
            Action::Recode { coding, code } => self.change(&action, |wb, coder| edit::recode(wb, coder, coding, code)),
            Action::Autocode { ref rule, ref spans } => {
                self.change(&action, |wb, coder| edit::autocode(wb, coder, rule, spans))
            }
            Action::ResolveDisagreement { ref disagreement, ref resolution } => {
                self.change(&action, |wb, coder| edit::resolve(wb, coder, disagreement, resolution))
            }
            Action::TakeSnapshot(ref name) => self.change(&action, |wb, _| edit::take_snapshot(wb, name)),
            Action::Undo if self.has_uncommitted_typing() => {
                self.discard_text_edit();
                self.info("Took back the typing not yet applied.");
            }
            Action::Undo => self.change(&action, |wb, _| edit::undo(wb)),
            Action::Redo => self.change(&action, |wb, _| edit::redo(wb)),
            // Import with a preview, and merging a colleague's copy
            Action::PreviewImport(paths) => self.preview_import(ctx, paths),
            Action::ImportFiles { files, kind, attributes, lossy } => {
                self.import_files(ctx, files, crate::import::ImportOptions { kind, attributes, lossy })
            }
            Action::MergeDialog => self.merge_dialog(ctx),
            Action::PreviewMerge(other) => self.preview_merge(ctx, other),
            Action::ApplyMerge(other) => self.apply_merge(ctx, other),
            // Exports and imports (app/exports.rs)
            Action::ExportExcerptsDialog => self.export_excerpts_dialog(),
            Action::ExportCodebookDialog => self.export_format_dialog(FormatDialog::Codebook(CodebookFormat::Qdc)),
            Action::ExportQdpxDialog => self.export_format_dialog(FormatDialog::Qdpx(Positions::CodePoints)),
            Action::ExportAgreementDialog => self.export_agreement_dialog(ctx),
            Action::ImportCodebookDialog => self.import_codebook_dialog(ctx),
            Action::ImportQdpxDialog => self.import_qdpx_dialog(ctx),
            Action::AskExportExcerpts(choice) => self.ask_export_excerpts(ctx, choice),
            Action::AskExportCodebook(format) => self.ask_export_codebook(ctx, format),
            Action::AskExportQdpx(positions) => self.ask_export_qdpx(ctx, positions),
            Action::ExportExcerpts { choice, path } => {
                let title = format!("Writing excerpts to {}", path.display());
                self.run_export(ctx, title, exchange_jobs::excerpts(choice, path));
            }
            Action::ExportCodebook { format, path } => {
                let title = format!("Writing the codebook to {}", path.display());
                self.run_export(ctx, title, exchange_jobs::codebook(format, path));
            }
            Action::ExportQdpx { positions, path } => {
                let title = format!("Writing {}", path.display());
                self.run_export(ctx, title, exchange_jobs::qdpx(positions, path));
            }
            Action::ExportAgreement(path) => self.export_agreement(ctx, path),
            Action::ImportCodebook(ref path) => self.import_codebook(&action, path),
            Action::ImportQdpxFrom(qdpx) => self.import_qdpx_from(ctx, qdpx),
            Action::ImportQdpx { qdpx, project } => self.import_qdpx(ctx, qdpx, project),
            Action::OpenPath(path) => self.open_path(&path),
            // The classification sheet
            Action::ShowSheet => self.leave_compare(|wb, _| {
                wb.centre = Centre::Sheet;
                Ok(())
            }),
            Action::ShowSheetFor { scope, owner } => self.leave_compare(|wb, _| {
                wb.centre = Centre::Sheet;
                wb.sheet.reveal(scope, owner);
                Ok(())
            }),
            Action::ImportSheetDialog => self.import_sheet_dialog(ctx),
            Action::ExportSheetDialog => self.export_sheet_dialog(ctx),
            Action::ImportSheet(path) => self.import_sheet(&path),
            Action::ExportSheet { scope, path } => self.export_sheet(scope, &path),
            // The coded-segments view
            Action::ShowSegments => self.leave_compare(|wb, _| {
                if wb.retrieval.choice.codes.is_empty()
                    && let Some((code, _)) = &wb.excerpts
                {
                    wb.retrieval.show_code(*code);
                }
                wb.centre = Centre::Retrieval;
                Ok(())
            }),
            Action::ExportSegmentsDialog => self.export_segments_dialog(ctx),
            Action::ExportSegments(path) => self.export_segments(&path),
            // The recording of the open transcript
            Action::LinkMediaDialog => self.link_media_dialog(ctx),
            Action::LinkMedia { document, path } => self.link_media(ctx, document, path),
            Action::UnlinkMedia => self.unlink_media(),
            Action::EmbedMediaDialog => self.embed_media_dialog(),
            Action::UnembedMedia => self.unembed_media(),
            Action::DismissEmbed => self.confirm_embed = None,
            Action::StoreRecording(document) => self.store_recording(ctx, document),
            Action::PlayerToggle => self.player_toggle(),
            Action::PlayerBack => self.player_skip(false),
            Action::PlayerForward => self.player_skip(true),
            Action::PlayerSeek(ms) => self.player_seek(ms),
            Action::PlayerSpeed(speed) => self.player_speed(speed),
            Action::PlayerVolume(volume) => self.player_volume(volume),
            Action::ToggleFollow => self.toggle_follow(),
            Action::PlaySelection => self.play_selection(),
            Action::PlayFrom(offset) => self.play_from(offset),
            Action::PlaySpan { document, start, end } => self.play_span(ctx, document, start, end),
            Action::InsertTimestamp => self.insert_timestamp(),
        }
    }

    /// Runs `f` on the open project's workbench and panels (nothing without a project), showing
    /// its error.
    fn on_project(&mut self, f: impl FnOnce(&mut Workbench, &mut Panels) -> crate::error::Result<()>) {
        let Some(wb) = self.workbench.as_mut() else { return };
        if let Err(err) = f(wb, &mut self.panels) {
            self.error(err.to_string());
        }
    }

    /// [`Self::on_project`] for an action that shows the document or analysis in place of the
    /// compare-coders view.
    fn leave_compare(&mut self, f: impl FnOnce(&mut Workbench, &mut Panels) -> crate::error::Result<()>) {
        self.compare = None;
        self.on_project(f);
    }

    /// A change to the project: `f` applies it through [`edit`]; its summary or error is shown,
    /// and the panels that show project data re-read it.
    fn change(&mut self, action: &Action, f: impl FnOnce(&mut Workbench, &str) -> crate::error::Result<String>) {
        self.made_change(action, f);
    }

    /// [`Self::change`], saying whether the change was made.
    fn made_change(
        &mut self,
        action: &Action,
        f: impl FnOnce(&mut Workbench, &str) -> crate::error::Result<String>,
    ) -> bool {
        let Some(wb) = self.workbench.as_mut() else { return false };
        match f(wb, &self.settings.coder) {
            Ok(summary) => {
                wb.media_stale = true;
                self.panels.changed(action);
                self.info(summary);
                true
            }
            Err(err) => {
                self.error(err.to_string());
                false
            }
        }
    }

    /// A change a worker made through its own connection (`result`: its summary): the views
    /// read the project again, then it is shown like any [`Self::change`]. True when it was made.
    pub(super) fn changed_on_worker(&mut self, action: &Action, result: crate::error::Result<String>) -> bool {
        self.made_change(action, |wb, _| {
            let summary = result?;
            wb.reload()?;
            Ok(summary)
        })
    }

    fn open_demo(&mut self, ctx: &Context) {
        let path = std::path::absolute(&self.demo_path).unwrap_or_else(|_| self.demo_path.clone());
        self.start_job(ctx, "Opening the demo study".into(), jobs::demo(path));
    }

    fn cancel_job(&mut self) {
        if self.job.as_ref().is_some_and(jobs::Job::detaches_on_cancel) {
            self.job = None;
            self.info("Search cancelled.");
        } else if let Some(job) = &self.job {
            job.cancel();
        }
    }

    fn import(&mut self, ctx: &Context, paths: Vec<PathBuf>) {
        let Some(wb) = &self.workbench else {
            self.error("Open or create a project first, then import files into it.");
            return;
        };
        let project = wb.project.path().to_path_buf();
        if project == std::path::Path::new(":memory:") {
            self.error("This project is not saved in a file, so files cannot be imported into it.");
            return;
        }
        self.start_job(ctx, format!("Importing {} item(s)", paths.len()), jobs::import(project, paths));
    }

    /// Re-reads what the open panels show, after a change or when the document or code changed.
    fn sync_panels(&mut self) {
        let Some(wb) = &self.workbench else { return };
        if let Err(err) = self.panels.sync(wb) {
            self.error(err.to_string());
        }
    }

    /// Runs a read-only task on a worker thread with its own connection; an in-memory project
    /// (which a second connection cannot see) is read on this thread.
    /// Shows the compare-coders view, comparing `coders` (every coder when empty).
    fn show_compare(&mut self, coders: &[String]) {
        let Some(wb) = &self.workbench else { return };
        let coders: Vec<String> = coders.iter().filter(|c| !c.trim().is_empty()).cloned().collect();
        match CompareState::new(&wb.project, &coders) {
            Ok(state) => self.compare = Some(state),
            Err(err) => self.error(err.to_string()),
        }
    }

    /// Saves settings (never project data) in eframe storage.
    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, &self.settings);
    }
}

fn summarise_import(lines: &[String]) -> String {
    let count = |prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).count();
    let mut text = format!("{} imported, {} skipped, {} failed.", count("Imported"), count("Skipped"), count("Failed"));
    for line in lines.iter().filter(|l| !l.starts_with("Imported")).take(5) {
        text.push(' ');
        text.push_str(line);
    }
    text
}

/// Opens a document and selects a span of it, scrolled into view.
fn jump_to(
    wb: &mut Workbench,
    document: crate::model::DocumentId,
    start: usize,
    end: usize,
) -> crate::error::Result<()> {
    wb.open_document(document)?;
    wb.selection = Some(Span { start, end });
    if let Some(view) = &mut wb.view {
        view.scroll_to = Some(start);
    }
    Ok(())
}
