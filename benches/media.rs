//! Waveforms of long recordings (issue 19: a 2-hour 48 kHz recording in under 2 s).
//!
//! - `waveform_2h_48k_mono_generated`: peaks (4,000 buckets) of a 2-hour 48 kHz mono recording
//!   from a generated in-memory source ([`TableSource`]), i.e. the waveform's own cost.
//! - `waveform_10min_48k_mono_wav`: the same from a 10-minute 16-bit WAV file decoded by
//!   symphonia (the file is written to a temporary folder first); times 12 estimates 2 hours.
//!
//! Each also prints one timed run before criterion's samples.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use fieldcode::media::tone::{TableSource, speech_like, wav_bytes};
use fieldcode::media::{decode, waveform};

const BUCKETS: usize = 4000;

fn bench(c: &mut Criterion) {
    let cancel = AtomicBool::new(false);
    let two_hours = 2.0 * 3600.0;
    let started = Instant::now();
    let w = waveform::compute(&mut TableSource::new(48_000, 1, two_hours), BUCKETS, &cancel, &mut |_| {}).unwrap();
    println!(
        "waveform of a 2-hour 48 kHz mono recording (generated): {:.3} s for {} buckets (target < 2 s)",
        started.elapsed().as_secs_f64(),
        w.peaks.len()
    );

    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("ten-minutes.wav");
    let second = speech_like(48_000, 1.0, 150.0, 3);
    let samples: Vec<f32> = second.iter().copied().cycle().take(48_000 * 600).collect();
    std::fs::write(&wav, wav_bytes(48_000, 1, &samples)).unwrap();
    drop(samples);
    let started = Instant::now();
    let mut source = decode::open_file(&wav).unwrap();
    waveform::compute(source.as_mut(), BUCKETS, &cancel, &mut |_| {}).unwrap();
    let took = started.elapsed().as_secs_f64();
    println!(
        "waveform of a 10-minute 48 kHz mono WAV file (decoded): {took:.3} s; about {:.2} s for 2 hours",
        took * 12.0
    );

    let mut group = c.benchmark_group("media");
    group.sample_size(10).measurement_time(Duration::from_secs(15));
    group.bench_function("waveform_2h_48k_mono_generated", |b| {
        b.iter(|| {
            let mut source = TableSource::new(48_000, 1, two_hours);
            waveform::compute(&mut source, BUCKETS, &cancel, &mut |_| {}).unwrap().peaks.len()
        })
    });
    group.bench_function("waveform_10min_48k_mono_wav", |b| {
        b.iter(|| {
            let mut source = decode::open_file(&wav).unwrap();
            waveform::compute(source.as_mut(), BUCKETS, &cancel, &mut |_| {}).unwrap().peaks.len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
