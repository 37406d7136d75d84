//! The app's side of the player bar: opening the open transcript's recording, linking and
//! unlinking recordings (through the command layer), and turning the Media actions into calls on
//! the playing engine.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::channel;
use std::time::Duration;

use egui::Context;

use super::WorkbenchApp;
use crate::Project;
use crate::coding::Command;
use crate::gui::action::Action;
use crate::gui::file_chooser::FileAsk;
use crate::gui::jobs::{self, JobResult};
use crate::gui::player_state::{self, PlayerPanel, REWIND_ON_PAUSE_MS, SKIP_MS};
use crate::gui::text_tools;
use crate::gui::workbench::Workbench;
use crate::media::Player;
use crate::media::link;
use crate::model::{DocumentId, Span};

/// How often the bar redraws while playing, for the time and the waveform's cursor.
const PLAYING_REDRAW: Duration = Duration::from_millis(50);

/// Said when the text asked to be played has no time in the document's time map.
const NO_TIME: &str = "This part of the transcript has no time, so it cannot be played.";

/// Extensions offered when linking a recording (symphonia reads these).
const MEDIA_EXTENSIONS: [&str; 10] = ["wav", "mp3", "m4a", "aac", "flac", "ogg", "oga", "mp4", "mov", "m4v"];

impl WorkbenchApp {
    /// Keeps the player bar on the open document's recording: opens it when a transcript with a
    /// recording opens, closes it when one without does, and re-reads the link after changes.
    pub(super) fn sync_player(&mut self, ctx: &Context) {
        let sound = self.sound;
        let Some(wb) = self.workbench.as_mut() else { return };
        let open = wb.view.as_ref().map(|v| v.id);
        let stale = std::mem::take(&mut wb.media_stale);
        if (stale || open != wb.player_checked)
            && let Err(err) = reopen_if_needed(wb, open, stale, sound, ctx)
        {
            self.error(err.to_string());
            return;
        }
        let Some(wb) = self.workbench.as_mut() else { return };
        let Some(panel) = wb.player.as_mut() else { return };
        panel.refresh();
        if let Some(view) = wb.view.as_mut() {
            panel.follow(view);
        }
        if panel.playing() || panel.waveform.progress().is_some() {
            ctx.request_repaint_after(PLAYING_REDRAW);
        }
    }

    pub(super) fn link_media_dialog(&mut self, ctx: &Context) {
        let Some(wb) = &self.workbench else { return };
        let Some(document) = wb.view.as_ref().map(|v| v.id) else {
            self.error("Open the transcript to link a recording to, then choose Media > Link a recording….");
            return;
        };
        let folder = wb.project.path().parent().map(Path::to_path_buf);
        let ask = FileAsk::open("Link a recording to this transcript")
            .in_folder(folder.as_deref())
            .filter("Audio or video (WAV, MP3, M4A, FLAC, OGG, MP4, MOV)", &MEDIA_EXTENSIONS);
        self.ask_file(ctx, ask, move |paths| Action::LinkMedia {
            document,
            path: paths.into_iter().next().unwrap_or_default(),
        });
    }

    /// Checks the file and hashes it on a worker (a recording can be large), then links it as
    /// one undoable command.
    pub(super) fn link_media(&mut self, ctx: &Context, document: DocumentId, file: PathBuf) {
        let Some(wb) = &self.workbench else { return };
        let project = wb.project.path().to_path_buf();
        let (tx, rx) = channel();
        let waker = ctx.clone();
        self.info(format!("Checking {} …", file.display()));
        std::thread::spawn(move || {
            let _ = tx.send(link::prepare(&project, document, &file, 0));
            waker.request_repaint();
        });
        self.linking = Some(rx);
    }

    /// Links the checked recording through the one path every change takes ([`Action::Edit`]);
    /// the change marks the links to be read again.
    pub(super) fn poll_linking(&mut self) {
        match text_tools::poll(&mut self.linking) {
            Some(Ok(command)) => self.pending.push(Action::Edit(command)),
            Some(Err(err)) => self.error(err.to_string()),
            None => {}
        }
    }

    pub(super) fn unlink_media(&mut self) {
        let Some(document) = self.workbench.as_ref().and_then(|wb| wb.view.as_ref()).map(|v| v.id) else { return };
        self.pending.push(Action::Edit(Command::UnlinkMedia { document }));
    }

    /// What the Media menu offers for the open transcript's recording: its size, and whether a
    /// copy is stored in the project.
    pub(super) fn media_menu(&self) -> crate::gui::menus::MediaMenu {
        let panel = self.workbench.as_ref()?.player.as_ref()?;
        Some((panel.link.size, panel.link.embedded))
    }

    /// Asks before storing a copy of the open transcript's recording (the dialog says the size).
    pub(super) fn embed_media_dialog(&mut self) {
        match self.workbench.as_ref().and_then(|wb| wb.player.as_ref()) {
            Some(panel) if panel.link.embedded => {
                self.info("A copy of this recording is already stored in the project.")
            }
            Some(panel) => self.confirm_embed = Some(panel.document),
            None => self.error("Open a transcript with a linked recording to store a copy of it in the project."),
        }
    }

    /// Stores a copy of `document`'s recording in the project: the `EmbedMedia` command as a job
    /// with its own connection to the project file (through the recorder like every change),
    /// showing how far the copy has come and stopping on Cancel with nothing stored.
    pub(super) fn store_recording(&mut self, ctx: &Context, document: DocumentId) {
        let Some(wb) = &self.workbench else { return };
        let path = wb.project.path().to_path_buf();
        let coder = self.settings.coder.clone();
        self.start_job(ctx, "Storing a copy of the recording".into(), move |progress, cancel| {
            let watch = |done: f32| {
                let message = format!("Storing a copy of the recording in the project: {:.0}%", done * 100.0);
                jobs::set(progress, Some(done), message);
                !cancel.load(Ordering::Relaxed)
            };
            let command = Command::EmbedMedia { document };
            let result = Project::open(&path)
                .and_then(|mut project| crate::coding::apply_watched(&mut project, &coder, command, Some(&watch)));
            match result {
                Err(_) if cancel.load(Ordering::Relaxed) => {
                    JobResult::Cancelled("Storing the copy was cancelled; nothing was stored.".into())
                }
                result => JobResult::Stored(document, result.map(|applied| applied.summary)),
            }
        });
    }

    /// Takes the result of a finished copy: the views read the project again (the player now
    /// plays from the copy).
    pub(super) fn stored(&mut self, document: DocumentId, result: crate::error::Result<String>) {
        self.changed_on_worker(&Action::StoreRecording(document), result);
    }

    /// Plays the open transcript's recording from its linked file again (refused by the library,
    /// with the reason, when that file is missing or changed).
    pub(super) fn unembed_media(&mut self) {
        let Some(document) = self.workbench.as_ref().and_then(|wb| wb.view.as_ref()).map(|v| v.id) else { return };
        self.pending.push(Action::Edit(Command::UnembedMedia { document }));
    }

    /// Runs `f` on the engine, or says why nothing plays.
    fn with_player(&mut self, f: impl FnOnce(&Player, &PlayerPanel)) {
        let engine =
            self.workbench.as_ref().and_then(|wb| wb.player.as_ref()).and_then(|p| Some((p.player.as_ref()?, p)));
        let Some((player, panel)) = engine else {
            self.say_why_nothing_plays();
            return;
        };
        f(player, panel);
    }

    /// The message for a play request that cannot be carried out now.
    fn say_why_nothing_plays(&mut self) {
        match self.workbench.as_ref().and_then(|wb| wb.player.as_ref()) {
            Some(panel) if panel.starting.is_some() => self.info("Opening the recording…"),
            Some(panel) => {
                let why = panel.problem.clone().unwrap_or_else(|| "The recording cannot be played.".into());
                self.error(why);
            }
            None => self.error(
                "This document has no recording. Link one with Media > Link a recording… (or drop an audio file on it).",
            ),
        }
    }

    pub(super) fn player_toggle(&mut self) {
        let transcribing = self.workbench.as_ref().is_some_and(|wb| wb.edit_mode);
        self.with_player(|player, panel| {
            if panel.playing() && transcribing {
                player.pause();
                player.seek_ms(panel.position_ms().saturating_sub(REWIND_ON_PAUSE_MS));
            } else {
                player.toggle();
            }
        });
    }

    pub(super) fn player_skip(&mut self, forward: bool) {
        self.with_player(|player, panel| {
            let at = panel.position_ms();
            let to = if forward { at.saturating_add(SKIP_MS) } else { at.saturating_sub(SKIP_MS) };
            player.seek_ms(panel.duration_ms().map_or(to, |d| to.min(d)));
        });
    }

    pub(super) fn player_seek(&mut self, ms: u64) {
        self.with_player(|player, _| player.seek_ms(ms));
    }

    pub(super) fn player_speed(&mut self, speed: f32) {
        self.with_player(|player, _| player.set_speed(speed));
    }

    pub(super) fn player_volume(&mut self, volume: f32) {
        self.with_player(|player, _| player.set_volume(volume));
    }

    pub(super) fn toggle_follow(&mut self) {
        if let Some(panel) = self.workbench.as_mut().and_then(|wb| wb.player.as_mut()) {
            panel.follow = !panel.follow;
            panel.followed = None;
        }
    }

    /// Plays the selection's span, or that of the coding last clicked.
    pub(super) fn play_selection(&mut self) {
        let Some(wb) = &self.workbench else { return };
        let clicked =
            wb.inspection.as_ref().and_then(|i| i.codings.first()).map(|c| Span { start: c.start, end: c.end });
        let Some(span) = wb.selection.or(clicked) else {
            self.error("Select some text, or click a coding, to play what was said there.");
            return;
        };
        self.play_text(span);
    }

    /// Plays from the time of the text at `offset` (a turn's time was clicked).
    pub(super) fn play_from(&mut self, offset: usize) {
        let Some(ms) = self.workbench.as_ref().and_then(|wb| wb.player.as_ref()).and_then(|p| p.time_of(offset)) else {
            self.error(NO_TIME);
            return;
        };
        self.with_player(|player, _| {
            player.seek_ms(ms);
            player.play();
        });
    }

    /// Opens `document` (a quote's play button) and plays the recording of `start..end`.
    pub(super) fn play_span(&mut self, ctx: &Context, document: DocumentId, start: usize, end: usize) {
        self.apply(ctx, Action::JumpTo { document, start, end });
        self.sync_player(ctx);
        self.play_text(Span { start, end });
    }

    /// Plays the recording of a text span of the open document (as soon as the engine is open,
    /// for a quote whose document has just been opened).
    fn play_text(&mut self, span: Span) {
        let panel = self.workbench.as_mut().and_then(|wb| wb.player.as_mut());
        let Some(panel) = panel.filter(|p| p.player.is_some() || p.starting.is_some()) else {
            self.say_why_nothing_plays();
            return;
        };
        match panel.times_of(span) {
            Some((start, end)) => panel.play_span(start, end),
            None => self.error(NO_TIME),
        }
    }

    /// Transcription: types the playing time as `[h:mm:ss]` at the caret of the paragraph being
    /// edited.
    pub(super) fn insert_timestamp(&mut self) {
        let Some(wb) = self.workbench.as_mut() else { return };
        let Some(ms) = wb.player.as_ref().map(PlayerPanel::position_ms) else {
            self.error("This document has no recording to take the time from.");
            return;
        };
        match wb.editing.as_mut() {
            Some(edit) => edit.insert = Some(format!("[{}] ", timestamp(ms))),
            None => self.error("Turn on edit mode (F2) and click a paragraph, then insert the time at the caret."),
        }
    }
}

/// The question before a copy of `document`'s recording is stored: it repeats the size and says
/// the project file grows by it. Storing runs through [`Action::Edit`] like every change, on
/// the window's thread: the copy is streamed (about a second for 100 MB on a local disk), and
/// the window waits for it.
pub(super) fn confirm_embed(ctx: &Context, wb: &Workbench, document: DocumentId, actions: &mut Vec<Action>) {
    let Some(panel) = wb.player.as_ref().filter(|p| p.document == document) else {
        actions.push(Action::DismissEmbed);
        return;
    };
    let size = crate::media::store::human_size(panel.link.size);
    crate::gui::windows::floating(ctx, "Store a copy in the project").collapsible(false).resizable(false).show(
        ctx,
        |ui| {
            ui.label(format!(
                "Store a copy of {} ({size}) in the project? The project file grows by {size}; the transcript then \
                 plays even when the recording is moved or deleted. Undo (Ctrl+Z) goes back to the linked file.",
                panel.label()
            ));
            ui.horizontal(|ui| {
                if ui.button(format!("Store {size}")).clicked() {
                    actions.push(Action::DismissEmbed);
                    actions.push(Action::StoreRecording(document));
                }
                if ui.button("Cancel").clicked() {
                    actions.push(Action::DismissEmbed);
                }
            });
        },
    );
}

/// Opens, keeps or closes the player for the open document.
fn reopen_if_needed(
    wb: &mut Workbench,
    open: Option<DocumentId>,
    stale: bool,
    sound: player_state::SoundOutput,
    ctx: &Context,
) -> crate::error::Result<()> {
    wb.player_checked = open;
    let conn = wb.project.conn();
    if stale {
        wb.media_documents = player_state::documents_with_media(conn)?;
    }
    let Some(document) = open else {
        wb.player = None;
        return Ok(());
    };
    let same_link = match (&wb.player, link::link_for_document(conn, document)?) {
        (Some(panel), Some(link)) => panel.document == document && panel.link == link,
        (None, None) => true,
        _ => false,
    };
    if same_link {
        if let Some(panel) = wb.player.as_mut() {
            panel.points = crate::store::time_map::load(conn, document)?;
        }
        return Ok(());
    }
    let waker = ctx.clone();
    wb.player = PlayerPanel::open(conn, wb.project.path(), document, sound, move || waker.request_repaint())?;
    Ok(())
}

/// Whether a dropped file looks like a recording (by its extension).
pub(super) fn is_media(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MEDIA_EXTENSIONS.iter().any(|m| m.eq_ignore_ascii_case(e)))
}

/// `h:mm:ss` for a timestamp typed into a transcript.
fn timestamp(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use crate::gui::player_state::clock;

    #[test]
    fn timestamps_read_like_transcription_tools() {
        assert_eq!(super::timestamp(0), "0:00:00");
        assert_eq!(super::timestamp(3_725_400), "1:02:05");
        assert_eq!(clock(61_000), "1:01.0", "the bar's clock is the same one");
    }
}
