//! Starting playback of a span (issue 19's target: under 100 ms from the click to sound).
//!
//! - `play_span_to_first_frames`: on a 2-hour 48 kHz stereo recording (generated on the fly, so
//!   the figure is the player's own cost, not a decoder's seek), the time from `play_span` to the
//!   first frames reaching the sink, at a new place in the recording each time.
//! - `play_span_to_first_frames_1.5x`: the same at 1.5× speed, where the stretcher needs about
//!   40 ms of input before it gives its first piece.
//!
//! - `stretch_10s_48k_stereo_1.5x`: the pitch-keeping stretcher alone on 10 s of 48 kHz stereo
//!   at 1.5× (it must stay far below real time: the player runs it on every block).
//!
//! The sink is a `NullSink` (no device needed); a real device adds its own buffer (the Pulse sink
//! keeps it at about 80 ms). After the run it prints the worst of the last batch too.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use fieldcode::media::sink_null::NullSinkLog;
use fieldcode::media::stretch::Stretcher;
use fieldcode::media::{MediaError, NullSink, OpenedMedia, Player, SampleSource};

const RATE: u32 = 48_000;
const HOURS: u64 = 2;

/// A 2-hour voice-like tone (a 150 Hz buzz with harmonics), computed as it is read.
struct Tone {
    pos: u64,
}

impl SampleSource for Tone {
    fn sample_rate(&self) -> u32 {
        RATE
    }
    fn channels(&self) -> u16 {
        2
    }
    fn total_frames(&self) -> Option<u64> {
        Some(u64::from(RATE) * 3600 * HOURS)
    }
    fn seek(&mut self, frame: u64) -> Result<u64, MediaError> {
        self.pos = frame.min(u64::from(RATE) * 3600 * HOURS);
        Ok(self.pos)
    }
    fn read(&mut self, out: &mut Vec<f32>, max_frames: usize) -> Result<usize, MediaError> {
        let n = (max_frames as u64).min(self.total_frames().unwrap_or(0) - self.pos);
        for frame in self.pos..self.pos + n {
            let t = frame as f32 / RATE as f32;
            let phase = 2.0 * std::f32::consts::PI * 150.0 * t;
            let v = 0.3 * phase.sin() + 0.15 * (2.0 * phase).sin() + 0.08 * (3.0 * phase).sin();
            out.push(v);
            out.push(v);
        }
        self.pos += n;
        Ok(n as usize)
    }
}

fn start() -> (Player, NullSinkLog) {
    let sink = NullSink::new(RATE, 2);
    let log = sink.log();
    let media = OpenedMedia { source: Box::new(Tone { pos: 0 }), offset_ms: 0, label: "tone".into() };
    (Player::start(media, Box::new(sink)), log)
}

/// Plays `iters` spans of 300 ms at spread-out places; returns the summed and the worst latency.
fn spans(player: &Player, log: &NullSinkLog, iters: u64) -> (Duration, Duration) {
    let mut total = Duration::ZERO;
    let mut worst = Duration::ZERO;
    for i in 0..iters {
        log.clear();
        let start_ms = (i * 7_919_003) % (HOURS * 3_600_000 - 1_000);
        let asked = Instant::now();
        player.play_span(start_ms, start_ms + 300);
        assert!(player.wait_settled(Duration::from_secs(10)), "the span did not end");
        let first = log.first_write().expect("frames reached the sink");
        let latency = first.duration_since(asked);
        total += latency;
        worst = worst.max(latency);
    }
    (total, worst)
}

fn bench(c: &mut Criterion) {
    let (player, log) = start();
    let mut group = c.benchmark_group("player");
    group.sample_size(50).measurement_time(Duration::from_secs(5));
    let mut worst_1x = Duration::ZERO;
    group.bench_function("play_span_to_first_frames", |b| {
        b.iter_custom(|iters| {
            let (total, worst) = spans(&player, &log, iters);
            worst_1x = worst;
            total
        })
    });
    player.set_speed(1.5);
    let mut worst_15 = Duration::ZERO;
    group.bench_function("play_span_to_first_frames_1.5x", |b| {
        b.iter_custom(|iters| {
            let (total, worst) = spans(&player, &log, iters);
            worst_15 = worst;
            total
        })
    });
    let mut tone = Tone { pos: 0 };
    let mut input = Vec::new();
    tone.read(&mut input, RATE as usize * 10).unwrap();
    group.bench_function("stretch_10s_48k_stereo_1.5x", |b| {
        b.iter(|| {
            let mut stretcher = Stretcher::new(RATE, 2);
            stretcher.set_speed(1.5);
            let mut out = Vec::with_capacity(input.len());
            for block in input.chunks(RATE as usize / 50 * 2) {
                stretcher.process(block, &mut out);
            }
            stretcher.flush(&mut out);
            out.len()
        })
    });
    group.finish();
    eprintln!(
        "play_span to first frames, worst of the last batch: {:.3} ms at 1x, {:.3} ms at 1.5x (target < 100 ms)",
        worst_1x.as_secs_f64() * 1e3,
        worst_15.as_secs_f64() * 1e3
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
