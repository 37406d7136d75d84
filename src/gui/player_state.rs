//! The recording behind the open transcript, as the player bar shows it: the playing engine (on
//! its own thread, `media::Player`), the waveform being computed on a worker, the document's time
//! map to turn playing time into text, and the "follow" choice.
//!
//! The bar follows the open document: opening a transcript with a linked recording opens its
//! player; opening one without closes it. A missing or changed recording, or a machine with no
//! sound device, is a message in the bar, never an error that stops anything else.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, mpsc};

use rusqlite::Connection;

use super::document_view::DocumentView;
use crate::media::link::{self, MediaLink};
use crate::media::waveform::{self, Waveform};
use crate::media::{AudioSink, MediaError, Player, PlayerStatus};
use crate::model::{DocumentId, Span};
use crate::store::time_map::{self, TimePoint};

/// Opens the sound output for a recording's rate and channel count: the sound server in the
/// app, a silent sink in tests.
pub type SoundOutput = fn(u32, u16) -> Result<Box<dyn AudioSink>, MediaError>;

/// Columns of the waveform strip: enough for a wide window, small enough to cache.
pub const WAVEFORM_BUCKETS: usize = 4096;

/// The skip of the ±5 s buttons and keys.
pub const SKIP_MS: u64 = 5_000;

/// How far transcription mode rewinds on pause, so typing resumes just before where it stopped.
pub const REWIND_ON_PAUSE_MS: u64 = 2_000;

/// The waveform of the recording: being computed, ready, or not available.
pub enum WaveformJob {
    Running { answer: Receiver<Result<Waveform, MediaError>>, progress: Arc<AtomicU32>, cancel: Arc<AtomicBool> },
    Ready(Waveform),
    Failed(String),
}

impl Drop for WaveformJob {
    fn drop(&mut self) {
        if let WaveformJob::Running { cancel, .. } = self {
            cancel.store(true, Ordering::Relaxed);
        }
    }
}

impl WaveformJob {
    /// Starts computing the waveform of the recording of `link` (or reading it from the cache,
    /// keyed by its SHA-256, whether it plays from the file or from the copy stored in the
    /// project) on a worker.
    fn start(link: MediaLink, project_path: std::path::PathBuf, wake: impl Fn() + Send + 'static) -> WaveformJob {
        let (tx, answer) = mpsc::channel();
        let progress = Arc::new(AtomicU32::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (p, c) = (progress.clone(), cancel.clone());
        std::thread::spawn(move || {
            let mut report = |share: f32| {
                p.store((share.clamp(0.0, 1.0) * 1000.0) as u32, Ordering::Relaxed);
                wake();
            };
            let dir = waveform::cache_dir();
            let mut open = || link::open_source(&link, &project_path);
            let result =
                waveform::cached_with(dir.as_deref(), &link.sha256, WAVEFORM_BUCKETS, &c, &mut report, &mut open);
            // The bar may be gone (another document opened): nobody to tell.
            let _ = tx.send(result);
            wake();
        });
        WaveformJob::Running { answer, progress, cancel }
    }

    /// Takes the worker's answer when it has come.
    fn poll(&mut self) {
        let WaveformJob::Running { answer, .. } = self else { return };
        *self = match answer.try_recv() {
            Ok(Ok(waveform)) => WaveformJob::Ready(waveform),
            Ok(Err(err)) => WaveformJob::Failed(err.to_string()),
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => WaveformJob::Failed("the waveform worker stopped".into()),
        };
    }

    /// The share computed so far, 0–1, while running.
    pub fn progress(&self) -> Option<f32> {
        match self {
            WaveformJob::Running { progress, .. } => Some(progress.load(Ordering::Relaxed) as f32 / 1000.0),
            _ => None,
        }
    }
}

/// The player bar's state for one document.
pub struct PlayerPanel {
    pub document: DocumentId,
    pub link: MediaLink,
    /// The engine; `None` while it opens, or when the recording or the sound device could not
    /// be opened (then `problem` says why).
    pub player: Option<Player>,
    /// The worker opening the recording and the sound output.
    pub starting: Option<Receiver<Result<Player, String>>>,
    /// A span asked for while the engine was still opening.
    pub queued: Option<(u64, u64)>,
    /// Why nothing plays, in words, when something is wrong.
    pub problem: Option<String>,
    pub waveform: WaveformJob,
    /// The document's time map (document time; the link's offset turns it into recording time).
    pub points: Vec<TimePoint>,
    /// Scroll the text along with what is playing.
    pub follow: bool,
    /// The paragraph last scrolled to, so following scrolls once per paragraph.
    pub followed: Option<usize>,
    /// The engine's state read this frame.
    pub status: Option<PlayerStatus>,
}

impl PlayerPanel {
    /// Opens the player of `document`, or `None` when it has no recording linked. The
    /// recording and the sound output are opened on a worker (a sound server that hangs must not
    /// freeze the window); the bar shows "Opening…" until then.
    pub fn open(
        conn: &Connection,
        project_path: &Path,
        document: DocumentId,
        sound: SoundOutput,
        wake: impl Fn() + Send + Clone + 'static,
    ) -> crate::error::Result<Option<PlayerPanel>> {
        let Some(link) = link::link_for_document(conn, document)? else { return Ok(None) };
        let points = time_map::load(conn, document)?;
        let starting = Some(start_player(link.clone(), project_path.to_path_buf(), sound, wake.clone()));
        let waveform = WaveformJob::start(link.clone(), project_path.to_path_buf(), wake);
        Ok(Some(PlayerPanel {
            document,
            link,
            player: None,
            starting,
            queued: None,
            problem: None,
            waveform,
            points,
            follow: true,
            followed: None,
            status: None,
        }))
    }

    /// What the bar calls the recording: its file name (a video says only its sound plays; a
    /// copy stored in the project says so).
    pub fn label(&self) -> String {
        match self.link.embedded {
            true => format!("{} (stored in the project)", file_label(&self.link.path)),
            false => file_label(&self.link.path),
        }
    }

    /// Plays `start..end` now, or as soon as the engine is open.
    pub fn play_span(&mut self, start: u64, end: u64) {
        match &self.player {
            Some(player) => player.play_span(start, end),
            None => self.queued = Some((start, end)),
        }
    }

    /// Reads the engine's state for this frame and takes a finished waveform.
    pub fn refresh(&mut self) {
        self.waveform.poll();
        if let Some(started) = self.starting.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.starting = None;
            match started {
                Ok(player) => {
                    if let Some((start, end)) = self.queued.take() {
                        player.play_span(start, end);
                    }
                    self.player = Some(player);
                }
                Err(problem) => self.problem = Some(problem),
            }
        }
        self.status = self.player.as_ref().map(Player::status);
        if let Some(err) = self.status.as_ref().and_then(|s| s.error.clone()) {
            self.problem = Some(explain(&err));
        }
    }

    pub fn playing(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.playing)
    }

    /// The playing position in recording time.
    pub fn position_ms(&self) -> u64 {
        self.status.as_ref().map_or(0, |s| s.position_ms)
    }

    /// The recording's length, from the engine or the waveform.
    pub fn duration_ms(&self) -> Option<u64> {
        let from_player = self.status.as_ref().and_then(|s| s.duration_ms);
        from_player.or(match &self.waveform {
            WaveformJob::Ready(w) => Some(w.duration_ms),
            _ => None,
        })
    }

    /// The recording time at which the text at `offset` is spoken.
    pub fn time_of(&self, offset: usize) -> Option<u64> {
        let ms = time_map::start_time(&self.points, offset)?;
        Some(u64::try_from(ms + self.link.offset_ms).unwrap_or(0))
    }

    /// The recording times of a text span: from its start's time to its end's.
    pub fn times_of(&self, span: Span) -> Option<(u64, u64)> {
        let start = self.time_of(span.start)?;
        let end = time_map::end_time(&self.points, span.end)?;
        let end = u64::try_from(end + self.link.offset_ms).unwrap_or(0);
        Some((start, end.max(start + 200)))
    }

    /// The stretch of text being played (document code points), while there is a time for it.
    pub fn playing_span(&self, text_len: usize) -> Option<Span> {
        let ms = i64::try_from(self.position_ms()).ok()? - self.link.offset_ms;
        let (start, next) = time_map::span_at(&self.points, ms)?;
        Some(Span { start, end: next.unwrap_or(text_len).max(start) })
    }

    /// Scrolls `view` to what is playing when following, once each time playing moves into
    /// another paragraph (so a reader who scrolls away is not pulled back every cue).
    pub fn follow(&mut self, view: &mut DocumentView) {
        if !self.follow || !self.playing() || view.id != self.document {
            return;
        }
        let Some(span) = self.playing_span(view.chars.char_len()) else { return };
        let paragraph = view.paragraph_of(span.start);
        if self.followed != Some(paragraph) {
            self.followed = Some(paragraph);
            view.scroll_to = Some(span.start);
        }
    }
}

/// Opens the recording and the sound output on a worker and starts the engine there; the
/// answer is the engine, or what the bar should say instead.
fn start_player(
    link: MediaLink,
    project_path: std::path::PathBuf,
    sound: SoundOutput,
    wake: impl Fn() + Send + 'static,
) -> Receiver<Result<Player, String>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let started = link::open_link(&link, &project_path).and_then(|media| {
            let (rate, channels) = (media.source.sample_rate(), media.source.channels());
            Ok(Player::start(media, sound(rate, channels)?))
        });
        // The bar may be gone (another document opened): dropping the player stops it.
        let _ = tx.send(started.map_err(|err| explain(&err)));
        wake();
    });
    rx
}

/// What the bar says about a recording or device problem, with what to do.
pub fn explain(err: &MediaError) -> String {
    match err {
        MediaError::NoDevice { reason } => format!(
            "No sound device ({reason}). Playing is off; the waveform, times and everything else work. \
             Start a sound server (PulseAudio or PipeWire) and open the document again."
        ),
        MediaError::Missing { path } => format!(
            "The recording is not at {path}. Move it back, or link the document to it again (Media > Link a recording…)."
        ),
        MediaError::Changed { path, detail } => {
            format!("{path} changed since it was linked ({detail}). If it is the same recording, link it again.")
        }
        other => other.to_string(),
    }
}

/// The file name of a stored media path; a video says that only its sound is played (no
/// well-kept pure-Rust crate decodes H.264 frames, so Fieldcode plays the audio track).
fn file_label(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let video = name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ["mp4", "mov", "m4v"].contains(&ext.to_ascii_lowercase().as_str()));
    if video { format!("{name} (video: its sound only)") } else { name.to_owned() }
}

/// The documents that have a recording linked (for play buttons beside their quotes).
pub fn documents_with_media(conn: &Connection) -> crate::error::Result<HashSet<DocumentId>> {
    Ok(link::links(conn)?.into_iter().map(|l| l.document_id).collect())
}

/// `m:ss.s` (or `h:mm:ss` past an hour) for the bar and the time labels.
pub fn clock(ms: u64) -> String {
    let (h, m, s, tenth) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms / 100 % 10);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}.{tenth}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_reads_like_a_player() {
        assert_eq!(clock(0), "0:00.0");
        assert_eq!(clock(83_450), "1:23.4");
        assert_eq!(clock(3_725_000), "1:02:05");
    }

    #[test]
    fn file_labels_drop_the_folders() {
        assert_eq!(file_label("media/INT01.wav"), "INT01.wav");
        assert_eq!(file_label(r"C:\study\INT01.wav"), "INT01.wav");
        assert_eq!(file_label("INT01.wav"), "INT01.wav");
        assert_eq!(file_label("clips/Focus group.MP4"), "Focus group.MP4 (video: its sound only)");
    }
}
