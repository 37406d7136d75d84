//! A sound sink that plays nothing: for tests, benchmarks and machines without a sound server.
//!
//! The player is tested headless, so the sink it writes to must tell afterwards exactly what it
//! was given. A [`NullSink`] keeps every sample written (until a flush drops the "unheard" part,
//! as a real device would), counts writes and flushes, and notes when the first frames arrived
//! (the benchmark measures the time from `play_span` to that moment). It never blocks.
//!
//! The sink is moved into the player, so what it records is read through a [`NullSinkLog`]
//! handle taken before ([`NullSink::log`]).

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use super::{AudioSink, MediaError};

/// What a [`NullSink`] was given, shared with the test that reads it.
#[derive(Debug, Default)]
struct Record {
    /// Every sample written, interleaved, in order (flushes do not remove them: the test wants
    /// to see what the player sent).
    samples: Vec<f32>,
    /// Frames written since the last flush (what a real device might still hold).
    since_flush: u64,
    writes: u64,
    flushes: u64,
    first_write: Option<Instant>,
}

/// A sink that records what it gets and plays nothing. `NullSink::new(sample_rate, channels)`.
pub struct NullSink {
    sample_rate: u32,
    channels: u16,
    /// Frames the sink pretends to hold after a write (a simulated device buffer), 0 by default.
    simulated_queue: u64,
    record: Arc<Mutex<Record>>,
}

/// A handle on what a [`NullSink`] recorded; stays readable after the sink moved into a player.
#[derive(Clone, Debug)]
pub struct NullSinkLog {
    channels: u16,
    record: Arc<Mutex<Record>>,
}

fn lock(record: &Mutex<Record>) -> MutexGuard<'_, Record> {
    // A panic while holding this lock can only come from a test's own assertion; the record is
    // still meaningful, so a poisoned lock is taken as it is.
    record.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl NullSink {
    /// A sink for frames at `sample_rate` with `channels` samples a frame.
    pub fn new(sample_rate: u32, channels: u16) -> NullSink {
        NullSink {
            sample_rate,
            channels: channels.max(1),
            simulated_queue: 0,
            record: Arc::new(Mutex::new(Record::default())),
        }
    }

    /// Pretends the device holds up to `frames` frames not yet heard (as a real one does), so the
    /// player's "what is heard now" arithmetic can be tested.
    pub fn with_simulated_queue(mut self, frames: u64) -> NullSink {
        self.simulated_queue = frames;
        self
    }

    /// The rate the sink was opened with.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// A handle to read what the sink recorded, also after it moved into a player.
    pub fn log(&self) -> NullSinkLog {
        NullSinkLog { channels: self.channels, record: Arc::clone(&self.record) }
    }
}

impl NullSinkLog {
    /// Every sample written so far, interleaved.
    pub fn samples(&self) -> Vec<f32> {
        lock(&self.record).samples.clone()
    }

    /// Frames written so far.
    pub fn frames_written(&self) -> u64 {
        lock(&self.record).samples.len() as u64 / u64::from(self.channels)
    }

    /// How many `write` calls there were.
    pub fn writes(&self) -> u64 {
        lock(&self.record).writes
    }

    /// How many `flush` calls there were.
    pub fn flushes(&self) -> u64 {
        lock(&self.record).flushes
    }

    /// When the first non-empty write arrived.
    pub fn first_write(&self) -> Option<Instant> {
        lock(&self.record).first_write
    }

    /// Forgets everything recorded (samples, counts, the first write's time).
    pub fn clear(&self) {
        *lock(&self.record) = Record::default();
    }
}

impl AudioSink for NullSink {
    fn write(&mut self, samples: &[f32]) -> Result<(), MediaError> {
        if samples.is_empty() {
            return Ok(());
        }
        let mut record = lock(&self.record);
        record.samples.extend_from_slice(samples);
        record.since_flush += samples.len() as u64 / u64::from(self.channels);
        record.writes += 1;
        if record.first_write.is_none() {
            record.first_write = Some(Instant::now());
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), MediaError> {
        let mut record = lock(&self.record);
        record.since_flush = 0;
        record.flushes += 1;
        Ok(())
    }

    fn queued_frames(&self) -> u64 {
        lock(&self.record).since_flush.min(self.simulated_queue)
    }
}
