//! Generated sound: a writer of 16-bit PCM WAV files, speech-like tones (for the demo study's
//! recording) and an endless-table [`SampleSource`] (for tests and benches), so nothing audio
//! needs to be downloaded or committed.

use std::f32::consts::TAU;
use std::path::Path;

use super::{MediaError, SampleSource};

/// A 16-bit PCM WAV file of interleaved `samples` (clamped to `-1.0..=1.0`).
pub fn wav_bytes(sample_rate: u32, channels: u16, samples: &[f32]) -> Vec<u8> {
    let data_len = u32::try_from(samples.len() * 2).unwrap_or(u32::MAX - 44);
    let block = u32::from(channels) * 2;
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&sample_rate.to_le_bytes());
    out.extend_from_slice(&(sample_rate * block).to_le_bytes());
    out.extend_from_slice(&(block as u16).to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&((s.clamp(-1.0, 1.0) * 32767.0).round() as i16).to_le_bytes());
    }
    out
}

/// Writes [`wav_bytes`] to `path`.
pub fn write_wav(path: &Path, sample_rate: u32, channels: u16, samples: &[f32]) -> std::io::Result<()> {
    std::fs::write(path, wav_bytes(sample_rate, channels, samples))
}

/// One speaker's stretch of speech-like sound: syllables (a voiced tone with a few harmonics,
/// its pitch gliding, under a rise-and-fall envelope) of 120–260 ms, with short gaps and a
/// longer pause every few syllables. `pitch_hz` sets the voice; `seed` varies the rhythm.
pub fn speech_like(sample_rate: u32, seconds: f32, pitch_hz: f32, seed: u32) -> Vec<f32> {
    let total = (seconds.max(0.0) * sample_rate as f32) as usize;
    let mut out = vec![0.0f32; total];
    let mut rng = seed.wrapping_mul(2_654_435_761).max(1);
    let mut next = move || {
        // xorshift32: deterministic, no dependency
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        (rng % 1000) as f32 / 1000.0
    };
    let rate = sample_rate as f32;
    let mut at = (0.05 * rate) as usize;
    let mut syllable = 0u32;
    while at < total {
        let length = ((0.12 + 0.14 * next()) * rate) as usize;
        let pitch = pitch_hz * (0.85 + 0.3 * next());
        let glide = (next() - 0.5) * 0.25;
        let loud = 0.25 + 0.2 * next();
        let end = (at + length).min(total);
        let mut phase = 0.0f32;
        for (i, sample) in out[at..end].iter_mut().enumerate() {
            let t = i as f32 / length as f32;
            let f = pitch * (1.0 + glide * t);
            phase = (phase + TAU * f / rate) % TAU;
            let envelope = (std::f32::consts::PI * t).sin().powf(0.6);
            let voice = phase.sin() + 0.5 * (2.0 * phase).sin() + 0.25 * (3.0 * phase).sin();
            *sample = loud * envelope * voice / 1.75;
        }
        syllable += 1;
        let gap = if syllable.is_multiple_of(5) { 0.25 + 0.3 * next() } else { 0.03 + 0.06 * next() };
        at = end + (gap * rate) as usize;
    }
    out
}

/// A generated recording of `total` frames that repeats a one-second table: as cheap to read as
/// a decoded file already in memory, with no file behind it (tests and benches).
pub struct TableSource {
    table: Vec<f32>,
    sample_rate: u32,
    channels: u16,
    total: u64,
    position: u64,
}

impl TableSource {
    /// A `seconds`-long recording of speech-like sound at `sample_rate`, `channels` alike.
    pub fn new(sample_rate: u32, channels: u16, seconds: f64) -> TableSource {
        let mono = speech_like(sample_rate, 1.0, 150.0, 7);
        let channels = channels.max(1);
        let table = mono.iter().flat_map(|&s| std::iter::repeat_n(s, usize::from(channels))).collect();
        TableSource { table, sample_rate, channels, total: (seconds * f64::from(sample_rate)) as u64, position: 0 }
    }
}

impl SampleSource for TableSource {
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
    fn channels(&self) -> u16 {
        self.channels
    }
    fn total_frames(&self) -> Option<u64> {
        Some(self.total)
    }
    fn seek(&mut self, frame: u64) -> Result<u64, MediaError> {
        self.position = frame.min(self.total);
        Ok(self.position)
    }
    fn read(&mut self, out: &mut Vec<f32>, max_frames: usize) -> Result<usize, MediaError> {
        let ch = usize::from(self.channels);
        let frames_in_table = (self.table.len() / ch) as u64;
        let want = (max_frames as u64).min(self.total - self.position);
        let mut left = want;
        while left > 0 && frames_in_table > 0 {
            let at = self.position % frames_in_table;
            let n = left.min(frames_in_table - at);
            out.extend_from_slice(&self.table[(at as usize) * ch..((at + n) as usize) * ch]);
            self.position += n;
            left -= n;
        }
        Ok((want - left) as usize)
    }
}
