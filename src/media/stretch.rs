//! Playing faster or slower with the voice kept at its pitch (WSOLA).
//!
//! Transcribers slow a fast speaker down and skim a slow one at up to twice the speed; playing
//! the samples faster would raise the voice like a cartoon. WSOLA (waveform-similarity
//! overlap-add) cuts the input into overlapping 30 ms pieces and lays them down again at a
//! different spacing; before each piece it searches a few milliseconds around the ideal place
//! for the piece whose waveform best continues the previous one, so the pieces join without
//! clicks and every piece keeps its own pitch. It is a time-domain method: cheap, streaming,
//! and good on speech, which is what Fieldcode plays.
//!
//! Hand-written because no well-kept pure-Rust crate fits: `timestretch` is tuned for dance
//! music, handles mono and stereo only and rejects recordings below 32 kHz (phone and dictaphone
//! interviews are 8–22 kHz); `wsola` 0.1 is a single early release of a side crate. C and C++
//! libraries (Rubber Band, Signalsmith, Bungee) would add a build prerequisite.
//!
//! At speed 1.0 the stretcher is an exact pass-through (the samples are copied), so normal
//! playback is bit-identical to the recording.

/// The length of one piece, in seconds.
const PIECE_S: f64 = 0.030;
/// How far around the ideal place a piece is searched for, in seconds (covers the period of a
/// low voice, about 12 ms).
const TOLERANCE_S: f64 = 0.007;

/// Speeds the stretcher accepts; others are clamped.
pub const MIN_SPEED: f32 = 0.5;
pub const MAX_SPEED: f32 = 2.0;

/// A streaming time stretcher over interleaved `f32` frames.
pub struct Stretcher {
    channels: usize,
    speed: f32,
    /// Frames in one piece (even).
    piece: usize,
    /// Output hop: half a piece, so the periodic Hann windows add up to exactly 1.
    hop: usize,
    /// Search radius in frames.
    tolerance: usize,
    window: Vec<f32>,
    /// Whether pieces are being laid (false: pass-through at speed 1.0).
    active: bool,
    /// Input not yet used, interleaved; `buf_start` is the input frame of its first frame.
    buf: Vec<f32>,
    buf_start: u64,
    /// Input frames given since the last reset.
    fed: u64,
    /// Where, in input frames, the next piece ideally starts.
    next_ideal: f64,
    /// Where the previous piece started.
    prev: Option<u64>,
    /// Overlap-add accumulator, one piece long, interleaved.
    ola: Vec<f32>,
    /// Scratch for the search (mono mixes).
    scratch_target: Vec<f32>,
    scratch_region: Vec<f32>,
}

impl Stretcher {
    /// A stretcher at speed 1.0 for `channels` samples a frame at `sample_rate`.
    pub fn new(sample_rate: u32, channels: u16) -> Stretcher {
        let rate = f64::from(sample_rate.max(1000));
        let piece = ((rate * PIECE_S) as usize / 2 * 2).max(16);
        let tolerance = ((rate * TOLERANCE_S) as usize).max(2);
        let window = (0..piece)
            .map(|n| {
                let phase = 2.0 * std::f64::consts::PI * n as f64 / piece as f64;
                (0.5 - 0.5 * phase.cos()) as f32
            })
            .collect();
        let channels = usize::from(channels.max(1));
        Stretcher {
            channels,
            speed: 1.0,
            piece,
            hop: piece / 2,
            tolerance,
            window,
            active: false,
            buf: Vec::new(),
            buf_start: 0,
            fed: 0,
            next_ideal: 0.0,
            prev: None,
            ola: vec![0.0; piece * channels],
            scratch_target: Vec::new(),
            scratch_region: Vec::new(),
        }
    }

    /// Sets the speed (source time / output time), clamped to 0.5..=2.0; takes effect from the
    /// next piece.
    pub fn set_speed(&mut self, speed: f32) {
        self.speed = clamp_speed(speed);
    }

    /// The speed in use.
    pub fn speed(&self) -> f32 {
        self.speed
    }

    /// Input frames taken but not yet turned into output (to tell what is heard now).
    pub fn pending_input_frames(&self) -> u64 {
        if self.active { (self.fed as f64 - self.next_ideal).max(0.0) as u64 } else { 0 }
    }

    /// Forgets all buffered input and output (after a seek).
    pub fn reset(&mut self) {
        self.active = false;
        self.buf.clear();
        self.buf_start = 0;
        self.fed = 0;
        self.next_ideal = 0.0;
        self.prev = None;
        self.ola.fill(0.0);
    }

    fn is_unit(&self) -> bool {
        (self.speed - 1.0).abs() < 1e-4
    }

    /// Takes interleaved `input` frames and appends the stretched frames ready so far to `out`.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) {
        if self.is_unit() {
            if self.active {
                self.flush(out);
            }
            out.extend_from_slice(input);
            self.fed += (input.len() / self.channels) as u64;
            self.next_ideal = self.fed as f64;
            return;
        }
        if !self.active {
            self.active = true;
            self.buf.clear();
            self.buf_start = self.fed;
            self.next_ideal = self.fed as f64;
            self.prev = None;
            self.ola.fill(0.0);
        }
        self.buf.extend_from_slice(input);
        self.fed += (input.len() / self.channels) as u64;
        // Each step consumes at least a quarter piece of input, so this bounds the loop.
        let max_steps = self.buf.len() / self.channels / (self.hop / 2).max(1) + 2;
        for _ in 0..max_steps {
            if !self.step(out) {
                break;
            }
        }
    }

    /// Ends the stream: lays the remaining input (padding with silence) and appends the tail.
    pub fn flush(&mut self, out: &mut Vec<f32>) {
        if !self.active {
            return;
        }
        let end = self.fed;
        let max_steps = (end.saturating_sub(self.buf_start) as usize) / (self.hop / 2).max(1) + 4;
        for _ in 0..max_steps {
            if self.next_ideal >= end as f64 {
                break;
            }
            // Pad with silence so the last pieces can be laid.
            let needed = self.needed_end();
            let have = self.buf_start + (self.buf.len() / self.channels) as u64;
            if needed > have {
                let pad = (needed - have) as usize * self.channels;
                self.buf.extend(std::iter::repeat_n(0.0, pad));
            }
            self.fed = self.fed.max(self.buf_start + (self.buf.len() / self.channels) as u64);
            if !self.step(out) {
                break;
            }
        }
        // The second half of the last piece fades out.
        out.extend_from_slice(&self.ola[..self.hop * self.channels]);
        self.fed = end;
        self.active = false;
        self.buf.clear();
        self.buf_start = end;
        self.next_ideal = end as f64;
        self.prev = None;
        self.ola.fill(0.0);
    }

    /// The input frame up to which the buffer must reach before the next piece can be chosen.
    fn needed_end(&self) -> u64 {
        let ideal = self.next_ideal.round() as u64;
        let mut end = ideal + (self.tolerance + self.piece) as u64;
        if let Some(prev) = self.prev {
            end = end.max(prev + (self.hop + self.hop) as u64);
        }
        end
    }

    /// Lays one piece if enough input is buffered; returns whether it did.
    fn step(&mut self, out: &mut Vec<f32>) -> bool {
        let ch = self.channels;
        let have = self.buf_start + (self.buf.len() / ch) as u64;
        if have < self.needed_end() {
            return false;
        }
        let ideal = self.next_ideal.round() as u64;
        let hi = ideal + self.tolerance as u64;
        let lo = ideal.saturating_sub(self.tolerance as u64).max(self.buf_start).min(hi);
        let chosen = match self.prev {
            None => ideal.max(self.buf_start),
            Some(prev) => self.best_start(prev + self.hop as u64, lo, hi),
        };
        let from = (chosen - self.buf_start) as usize * ch;
        for f in 0..self.piece {
            let w = self.window[f];
            for c in 0..ch {
                self.ola[f * ch + c] += w * self.buf[from + f * ch + c];
            }
        }
        out.extend_from_slice(&self.ola[..self.hop * ch]);
        self.ola.copy_within(self.hop * ch.., 0);
        let len = self.ola.len();
        self.ola[len - self.hop * ch..].fill(0.0);
        self.prev = Some(chosen);
        self.next_ideal += self.hop as f64 * f64::from(self.speed);
        // Drop input no later piece can use.
        let keep_from = (self.next_ideal.round() as u64)
            .saturating_sub(self.tolerance as u64)
            .min(chosen + self.hop as u64)
            .max(self.buf_start);
        let drop = (keep_from - self.buf_start) as usize * ch;
        self.buf.drain(..drop.min(self.buf.len()));
        self.buf_start = keep_from;
        true
    }

    /// The start in `lo..=hi` whose first half best matches the natural continuation of the
    /// previous piece (which starts at `target`): normalised cross-correlation on a mono mix,
    /// searched coarsely on every second frame and then refined.
    fn best_start(&mut self, target: u64, lo: u64, hi: u64) -> u64 {
        let ch = self.channels;
        let len = self.hop;
        let mono = |buf: &[f32], frame: usize| -> f32 { buf[frame * ch..frame * ch + ch].iter().sum() };
        self.scratch_target.clear();
        let t0 = (target - self.buf_start) as usize;
        for f in 0..len {
            self.scratch_target.push(mono(&self.buf, t0 + f));
        }
        self.scratch_region.clear();
        let r0 = (lo - self.buf_start) as usize;
        let span = (hi - lo) as usize + len;
        for f in 0..span {
            self.scratch_region.push(mono(&self.buf, r0 + f));
        }
        let target = &self.scratch_target;
        let region = &self.scratch_region;
        let score = |offset: usize, stride: usize| -> f32 {
            let mut dot = 0.0f32;
            let mut energy = 1e-9f32;
            let mut f = 0;
            while f < len {
                let x = region[offset + f];
                dot += target[f] * x;
                energy += x * x;
                f += stride;
            }
            dot / energy.sqrt()
        };
        let candidates = (hi - lo) as usize;
        let mut best = 0usize;
        let mut best_score = f32::NEG_INFINITY;
        let mut offset = 0;
        while offset <= candidates {
            let s = score(offset, 2);
            if s > best_score {
                best_score = s;
                best = offset;
            }
            offset += 2;
        }
        let coarse = best;
        best_score = f32::NEG_INFINITY;
        for offset in coarse.saturating_sub(2)..=(coarse + 2).min(candidates) {
            let s = score(offset, 1);
            if s > best_score {
                best_score = s;
                best = offset;
            }
        }
        lo + best as u64
    }
}

/// Clamps a speed to what the stretcher plays (NaN gives 1.0).
pub fn clamp_speed(speed: f32) -> f32 {
    if speed.is_nan() { 1.0 } else { speed.clamp(MIN_SPEED, MAX_SPEED) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, freq: f32, frames: usize) -> Vec<f32> {
        (0..frames).map(|i| (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin() * 0.5).collect()
    }

    fn crossings(samples: &[f32]) -> usize {
        samples.windows(2).filter(|w| (w[0] < 0.0) != (w[1] < 0.0)).count()
    }

    fn run(speed: f32, input: &[f32], rate: u32) -> Vec<f32> {
        let mut s = Stretcher::new(rate, 1);
        s.set_speed(speed);
        let mut out = Vec::new();
        for block in input.chunks(rate as usize / 50) {
            s.process(block, &mut out);
        }
        s.flush(&mut out);
        out
    }

    #[test]
    fn unit_speed_is_exact() {
        let input = sine(16_000, 440.0, 16_000);
        assert_eq!(run(1.0, &input, 16_000), input);
    }

    #[test]
    fn speeds_change_length_not_pitch() {
        let rate = 16_000;
        let input = sine(rate, 220.0, rate as usize * 2);
        let per_second_in = crossings(&input) as f64 / 2.0;
        for speed in [0.5f32, 0.75, 1.5, 2.0] {
            let out = run(speed, &input, rate);
            let expected = input.len() as f64 / f64::from(speed);
            let ratio = out.len() as f64 / expected;
            assert!((0.95..1.05).contains(&ratio), "speed {speed}: {} frames, expected {expected}", out.len());
            // Skip the fade-in and fade-out pieces.
            let core = &out[1000..out.len() - 1000];
            let per_second = crossings(core) as f64 / (core.len() as f64 / f64::from(rate));
            let drift = (per_second / per_second_in - 1.0).abs();
            assert!(drift < 0.05, "speed {speed}: {per_second} crossings/s vs {per_second_in}");
        }
    }

    #[test]
    fn stereo_and_switching_back_to_unit() {
        let rate = 8_000;
        let mono = sine(rate, 300.0, 4_000);
        let stereo: Vec<f32> = mono.iter().flat_map(|&x| [x, -x]).collect();
        let mut s = Stretcher::new(rate, 2);
        let mut out = Vec::new();
        s.set_speed(2.0);
        s.process(&stereo[..4_000], &mut out);
        s.set_speed(1.0);
        s.process(&stereo[4_000..], &mut out);
        assert_eq!(out.len() % 2, 0);
        // The unit-speed part is copied after the stretched tail.
        assert_eq!(&out[out.len() - 4_000..], &stereo[4_000..]);
        // Channels stay apart.
        assert!(out.chunks(2).all(|f| (f[0] + f[1]).abs() < 1e-5));
        assert_eq!(s.pending_input_frames(), 0);
    }
}
