//! The player: moves frames from a recording to a sound sink on its own thread.
//!
//! The GUI must never wait for audio, and audio must never wait for the GUI, so the player owns
//! a thread. The GUI sends commands (play, pause, seek, play a span, speed, volume) through a
//! channel and reads a [`PlayerStatus`] that the thread keeps up to date under a mutex (one
//! short lock a frame). The thread reads the source in blocks of about 20 ms, stretches them to
//! the speed ([`super::stretch`], pitch kept), applies the volume and writes them to the sink;
//! a real sink blocks while its buffer is full, which paces the loop, and the thread looks at
//! its commands between blocks, so a command takes effect within one device buffer.
//!
//! "Where we are" is what is heard now, not what was read: frames read from the source, minus
//! those still inside the stretcher, minus those the sink holds (converted back by the speed).
//! A seek or a pause drops what the sink holds, so playing after a pause goes on from what was
//! heard. A span ends after its last frame has been read: the player pauses with the position
//! at the span's end, and the sink plays out what it holds.
//!
//! Nothing here panics on a bad file: a read, seek or write error pauses the player and lands in
//! [`PlayerStatus::error`]. Dropping the [`Player`] stops the thread and drops the sink (which
//! closes the device) before it returns.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::stretch::{Stretcher, clamp_speed};
use super::{AudioSink, MediaError, OpenedMedia, SampleSource, frames_to_ms, ms_to_frames};

pub use super::sink_pulse::open_output;

/// One block is this many milliseconds of the recording.
const BLOCK_MS: u64 = 20;

/// What the player is doing, as the GUI shows it. Times are recording time in milliseconds.
#[derive(Clone, Debug)]
pub struct PlayerStatus {
    pub playing: bool,
    /// What is heard now.
    pub position_ms: u64,
    pub duration_ms: Option<u64>,
    pub speed: f32,
    pub volume: f32,
    /// Where a span being played will stop.
    pub span_end_ms: Option<u64>,
    /// The last problem (reading the file, the sound device); cleared by the next play or seek.
    pub error: Option<MediaError>,
    /// The recording's name.
    pub label: String,
}

enum Cmd {
    Play,
    Pause,
    Toggle,
    Seek(u64),
    PlaySpan(u64, u64),
    Speed(f32),
    Volume(f32),
    Quit,
}

/// The status and the bookkeeping that lets a caller wait for commands to be handled.
struct Inner {
    status: PlayerStatus,
    /// Commands the thread has handled.
    handled: u64,
    /// False once the thread has ended.
    alive: bool,
}

struct Shared {
    inner: Mutex<Inner>,
    changed: Condvar,
    /// Commands sent.
    sent: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The thread never panics while holding the lock; if it did, the status is still the
        // best there is.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Plays one recording. Owns its thread; dropping it stops the thread and the sink.
pub struct Player {
    tx: Option<Sender<Cmd>>,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    offset_ms: i64,
}

impl Player {
    /// Starts the player's thread, paused at 0. The sink must be opened at the source's rate and
    /// channel count (`open_output(source.sample_rate(), source.channels())`).
    pub fn start(media: OpenedMedia, sink: Box<dyn AudioSink>) -> Player {
        let OpenedMedia { source, offset_ms, label } = media;
        let rate = source.sample_rate().max(1);
        let duration_ms = source.total_frames().map(|frames| frames_to_ms(frames, rate));
        let status = PlayerStatus {
            playing: false,
            position_ms: 0,
            duration_ms,
            speed: 1.0,
            volume: 1.0,
            span_end_ms: None,
            error: None,
            label,
        };
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner { status, handled: 0, alive: true }),
            changed: Condvar::new(),
            sent: AtomicU64::new(0),
        });
        let (tx, rx) = mpsc::channel();
        let engine = Engine::new(source, sink, Arc::clone(&shared));
        let spawned = std::thread::Builder::new().name("fieldcode-player".into()).spawn(move || engine.run(rx));
        let thread = match spawned {
            Ok(handle) => Some(handle),
            Err(e) => {
                let mut inner = shared.lock();
                inner.alive = false;
                inner.status.error = Some(MediaError::Other(format!("cannot start the player's thread: {e}")));
                None
            }
        };
        Player { tx: Some(tx), shared, thread, offset_ms }
    }

    fn send(&self, cmd: Cmd) {
        if let Some(tx) = &self.tx {
            self.shared.sent.fetch_add(1, Ordering::SeqCst);
            if tx.send(cmd).is_err() {
                // The thread has ended (it only does when told to); nothing will handle this.
                self.shared.sent.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    /// Plays from the current position (from the start when at the end).
    pub fn play(&self) {
        self.send(Cmd::Play);
    }

    /// Pauses; playing again goes on from what was heard.
    pub fn pause(&self) {
        self.send(Cmd::Pause);
    }

    /// Plays when paused, pauses when playing.
    pub fn toggle(&self) {
        self.send(Cmd::Toggle);
    }

    /// Moves to `ms` of the recording (clamped to its end); keeps playing or paused. Ends a span.
    pub fn seek_ms(&self, ms: u64) {
        self.send(Cmd::Seek(ms));
    }

    /// Seeks to `start_ms`, plays, and pauses at `end_ms` (recording time).
    pub fn play_span(&self, start_ms: u64, end_ms: u64) {
        self.send(Cmd::PlaySpan(start_ms, end_ms));
    }

    /// Sets the speed, clamped to 0.5..=2.0; the pitch is kept.
    pub fn set_speed(&self, speed: f32) {
        self.send(Cmd::Speed(speed));
    }

    /// Sets the volume, clamped to 0..=1.
    pub fn set_volume(&self, volume: f32) {
        self.send(Cmd::Volume(volume));
    }

    /// The current status: one short lock, cheap enough for every frame.
    pub fn status(&self) -> PlayerStatus {
        self.shared.lock().status.clone()
    }

    /// The link's offset: recording time = document time + offset.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms
    }

    /// Waits until every command sent so far is handled and the player is paused (a span or the
    /// recording ended, or an error stopped it), at most `timeout`; returns whether it happened.
    /// For tests, benchmarks and the command line: the GUI polls [`Player::status`] instead.
    pub fn wait_settled(&self, timeout: Duration) -> bool {
        let target = self.shared.sent.load(Ordering::SeqCst);
        let deadline = Instant::now() + timeout;
        let mut inner = self.shared.lock();
        loop {
            if !inner.alive || (inner.handled >= target && !inner.status.playing) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            inner = match self.shared.changed.wait_timeout(inner, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.send(Cmd::Quit);
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            // The thread looks at its commands between blocks; a block waits at most one device
            // buffer, so this returns promptly. A panic in it has already been reported.
            let _ = thread.join();
        }
    }
}

/// The player's thread: the source, the sink, and where we are.
struct Engine {
    source: Box<dyn SampleSource>,
    sink: Box<dyn AudioSink>,
    stretcher: Stretcher,
    shared: Arc<Shared>,
    rate: u32,
    channels: usize,
    block_frames: usize,
    total_frames: Option<u64>,
    /// The next frame to read from the source.
    read_pos: u64,
    /// Where the last seek landed: nothing before it can be heard.
    segment_start: u64,
    playing: bool,
    span_end: Option<u64>,
    volume: f32,
    error: Option<MediaError>,
    handled: u64,
    input: Vec<f32>,
    output: Vec<f32>,
}

impl Engine {
    fn new(source: Box<dyn SampleSource>, sink: Box<dyn AudioSink>, shared: Arc<Shared>) -> Engine {
        let rate = source.sample_rate().max(1);
        let channels = usize::from(source.channels().max(1));
        Engine {
            stretcher: Stretcher::new(rate, source.channels()),
            total_frames: source.total_frames(),
            block_frames: (ms_to_frames(BLOCK_MS, rate) as usize).max(1),
            source,
            sink,
            shared,
            rate,
            channels,
            read_pos: 0,
            segment_start: 0,
            playing: false,
            span_end: None,
            volume: 1.0,
            error: None,
            handled: 0,
            input: Vec::new(),
            output: Vec::new(),
        }
    }

    fn run(mut self, rx: Receiver<Cmd>) {
        'outer: loop {
            if !self.playing {
                // Paused: sleep until told something.
                match rx.recv() {
                    Ok(Cmd::Quit) | Err(_) => break,
                    Ok(cmd) => self.handle(cmd),
                }
            }
            loop {
                match rx.try_recv() {
                    Ok(Cmd::Quit) | Err(TryRecvError::Disconnected) => break 'outer,
                    Ok(cmd) => self.handle(cmd),
                    Err(TryRecvError::Empty) => break,
                }
            }
            if self.playing {
                self.pump();
            }
            self.publish();
        }
        let mut inner = self.shared.lock();
        inner.alive = false;
        inner.status.playing = false;
        drop(inner);
        self.shared.changed.notify_all();
    }

    fn handle(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Play => self.play(),
            Cmd::Pause => self.pause(),
            Cmd::Toggle => {
                if self.playing {
                    self.pause()
                } else {
                    self.play()
                }
            }
            Cmd::Seek(ms) => {
                self.error = None;
                self.seek(ms_to_frames(ms, self.rate));
                self.span_end = None;
            }
            Cmd::PlaySpan(start_ms, end_ms) => {
                self.error = None;
                self.seek(ms_to_frames(start_ms, self.rate));
                let end = ms_to_frames(end_ms, self.rate);
                if self.error.is_none() && end > self.read_pos {
                    self.span_end = Some(end);
                    self.playing = true;
                } else {
                    self.span_end = None;
                    self.playing = false;
                }
            }
            Cmd::Speed(speed) => self.stretcher.set_speed(clamp_speed(speed)),
            Cmd::Volume(volume) => {
                if !volume.is_nan() {
                    self.volume = volume.clamp(0.0, 1.0);
                }
            }
            Cmd::Quit => {}
        }
        self.handled += 1;
    }

    fn play(&mut self) {
        self.error = None;
        if self.total_frames.is_some_and(|total| self.read_pos >= total) {
            self.seek(0);
        }
        if self.span_end.is_some_and(|end| self.read_pos >= end) {
            self.span_end = None;
        }
        self.playing = self.error.is_none();
    }

    fn pause(&mut self) {
        if !self.playing {
            return;
        }
        let heard = self.heard_frame();
        self.playing = false;
        // Drop what the device holds so the pause is immediate, and read again from what was
        // heard.
        self.seek_keeping_error(heard);
    }

    /// What is heard now, in source frames.
    fn heard_frame(&self) -> u64 {
        let queued = self.sink.queued_frames() as f64 * f64::from(self.stretcher.speed());
        let behind = self.stretcher.pending_input_frames() + queued as u64;
        self.read_pos.saturating_sub(behind).max(self.segment_start)
    }

    fn seek(&mut self, frame: u64) {
        self.error = None;
        self.seek_keeping_error(frame);
    }

    fn seek_keeping_error(&mut self, frame: u64) {
        let frame = match self.total_frames {
            Some(total) => frame.min(total),
            None => frame,
        };
        if let Err(e) = self.sink.flush() {
            self.fail(e);
        }
        self.stretcher.reset();
        match self.source.seek(frame) {
            Ok(landed) => {
                self.read_pos = landed;
                self.segment_start = landed;
            }
            Err(e) => self.fail(e),
        }
    }

    fn fail(&mut self, e: MediaError) {
        self.error = Some(e);
        self.playing = false;
    }

    /// Plays one block.
    fn pump(&mut self) {
        let mut want = self.block_frames;
        if let Some(end) = self.span_end {
            if self.read_pos >= end {
                self.finish(Some(end));
                return;
            }
            want = want.min((end - self.read_pos) as usize);
        }
        self.input.clear();
        let read = match self.source.read(&mut self.input, want) {
            Ok(n) => n.min(want).min(self.input.len() / self.channels),
            Err(e) => {
                self.fail(e);
                return;
            }
        };
        if read == 0 {
            // The end of the recording.
            self.total_frames = Some(self.read_pos);
            self.finish(None);
            return;
        }
        self.read_pos += read as u64;
        self.output.clear();
        self.stretcher.process(&self.input[..read * self.channels], &mut self.output);
        self.write_output();
    }

    /// Ends a span (or the recording): plays out the stretcher's tail and pauses.
    fn finish(&mut self, span_end: Option<u64>) {
        self.output.clear();
        self.stretcher.flush(&mut self.output);
        self.write_output();
        self.playing = false;
        self.span_end = None;
        self.segment_start = span_end.unwrap_or(self.read_pos).min(self.read_pos);
    }

    fn write_output(&mut self) {
        if self.output.is_empty() {
            return;
        }
        if self.volume != 1.0 {
            let volume = self.volume;
            self.output.iter_mut().for_each(|s| *s *= volume);
        }
        if let Err(e) = self.sink.write(&self.output) {
            self.fail(e);
        }
    }

    fn publish(&self) {
        // Paused, reading goes on from where what was heard stopped (a pause seeks back there).
        let position = if self.playing { self.heard_frame() } else { self.read_pos };
        let mut inner = self.shared.lock();
        let status = &mut inner.status;
        status.playing = self.playing;
        status.position_ms = frames_to_ms(position, self.rate);
        status.duration_ms = self.total_frames.map(|frames| frames_to_ms(frames, self.rate));
        status.speed = self.stretcher.speed();
        status.volume = self.volume;
        status.span_end_ms = self.span_end.map(|frame| frames_to_ms(frame, self.rate));
        status.error = self.error.clone();
        inner.handled = self.handled;
        drop(inner);
        self.shared.changed.notify_all();
    }
}
