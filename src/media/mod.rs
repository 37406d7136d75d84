//! Recordings linked to transcripts: reading them, drawing them and playing any span of them.
//!
//! Interview researchers check tone, hesitation and mis-heard words by listening to the moment
//! behind a quote, so a document can be linked to a recording (WAV, MP3, M4A/AAC, FLAC,
//! OGG/Vorbis, the audio of MP4/MOV). The pieces are kept apart so each can be tested headless:
//!
//! - a [`SampleSource`] yields interleaved `f32` frames from any position (a decoded file, or a
//!   generated signal in tests);
//! - an [`AudioSink`] takes frames to a sound device (or nowhere, in tests and on machines without
//!   sound);
//! - the player moves frames from one to the other on its own thread, at a speed and volume.
//!
//! Media is never copied into the project unless asked (then it is stored in chunks inside the
//! project file, see [`store`]), and never leaves the machine.

pub mod decode;
pub mod link;
pub mod store;
pub mod tone;
pub mod waveform;

use std::fmt;

pub mod player;
pub mod sink_null;
pub mod sink_pulse;
pub mod stretch;

pub use player::{Player, PlayerStatus, open_output};
pub use sink_null::NullSink;

/// What went wrong with a recording: always says which file (where there is one) and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaError {
    /// The linked file is not where the link says (moved, renamed, on an unplugged drive).
    Missing { path: String },
    /// The file is there but is not the one that was linked (its size or hash changed).
    Changed { path: String, detail: String },
    /// The file could not be read as audio.
    Unreadable { path: String, reason: String },
    /// No sound device could be opened; everything else still works.
    NoDevice { reason: String },
    /// Anything else, in words.
    Other(String),
}

impl fmt::Display for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaError::Missing { path } => write!(f, "{path}: the recording is not there any more"),
            MediaError::Changed { path, detail } => {
                write!(f, "{path}: the recording changed since it was linked ({detail})")
            }
            MediaError::Unreadable { path, reason } => {
                write!(f, "{path}: cannot be read as audio: {reason}")
            }
            MediaError::NoDevice { reason } => write!(f, "no sound device: {reason}"),
            MediaError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for MediaError {}

/// A stream of audio frames that can start anywhere: a decoded recording or a generated signal.
///
/// Frames are interleaved `f32` samples in `-1.0..=1.0`, `channels()` samples a frame.
pub trait SampleSource: Send {
    /// Frames per second.
    fn sample_rate(&self) -> u32;
    /// Samples per frame (1 mono, 2 stereo, …), at least 1.
    fn channels(&self) -> u16;
    /// The length in frames, when the container says it.
    fn total_frames(&self) -> Option<u64>;
    /// Moves to `frame` (clamped to the end); returns the frame it landed on, which a compressed
    /// format may place slightly before the one asked for (never more than 10 ms off).
    fn seek(&mut self, frame: u64) -> Result<u64, MediaError>;
    /// Appends up to `max_frames` frames to `out`; returns how many, 0 at the end.
    fn read(&mut self, out: &mut Vec<f32>, max_frames: usize) -> Result<usize, MediaError>;
}

/// Where played frames go: a sound server, or nowhere.
pub trait AudioSink: Send {
    /// Writes interleaved frames at the rate and channel count the sink was opened with; blocks
    /// while the device's buffer is full.
    fn write(&mut self, samples: &[f32]) -> Result<(), MediaError>;
    /// Drops what is buffered and not yet heard (for a seek or a pause).
    fn flush(&mut self) -> Result<(), MediaError>;
    /// How many frames are written but not yet heard, so the player can tell what is playing now.
    fn queued_frames(&self) -> u64;
}

/// A document's recording, opened for playing: where to read frames, and the link's offset
/// (milliseconds to add to the document's time map to get the recording's time).
pub struct OpenedMedia {
    pub source: Box<dyn SampleSource>,
    pub offset_ms: i64,
    /// What to call the recording in the player (its file name).
    pub label: String,
}

/// Milliseconds of `frames` at `rate` frames a second (rounded down).
pub(crate) fn frames_to_ms(frames: u64, rate: u32) -> u64 {
    (u128::from(frames) * 1000 / u128::from(rate.max(1))) as u64
}

/// Frames in `ms` milliseconds at `rate` frames a second (rounded down).
pub(crate) fn ms_to_frames(ms: u64, rate: u32) -> u64 {
    (u128::from(ms) * u128::from(rate) / 1000).min(u128::from(u64::MAX)) as u64
}
