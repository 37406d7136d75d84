//! Excerpt export speed on a `synth` project of 200 documents × 20,000 characters, 300 codes and
//! 40,000 codings (a fifth of issue 12's project, so a run stays short).
//!
//! - `excerpts_csv_40k`: `fieldcode excerpts --format csv` without the process: the project
//!   opened, every excerpt read in export order with its provenance and written to a file. After
//!   the run it prints the median and the time per excerpt. Whole-process figures on the full
//!   200,000-coding project (against `scripts/excerpts_baseline.py`) are in the README.
//!
//! The project is generated once into `target/exports-bench/` and reused.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use fieldcode::Project;
use fieldcode::export::excerpts::{self, ExcerptFilter, ExcerptFormat};
use fieldcode::synth::{SynthOptions, generate};

const CODINGS: usize = 40_000;

fn data_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("exports-bench");
    std::fs::create_dir_all(&dir).expect("create bench data folder");
    dir
}

/// The synth project, generated if missing.
fn synth() -> PathBuf {
    let path = data_dir().join(format!("synth-200d-{CODINGS}c.fieldcode"));
    if !path.exists() {
        let partial = path.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        generate(&partial, &SynthOptions { docs: 200, chars: 20_000, codes: 300, codings: CODINGS, seed: 1 }).unwrap();
        std::fs::rename(&partial, &path).unwrap();
    }
    path
}

/// Opens the project and exports every excerpt; returns how many were written.
fn export_csv(project: &Path, out: &Path) -> usize {
    let project = Project::open(project).unwrap();
    excerpts::export(&project, &ExcerptFilter::default(), ExcerptFormat::Csv, out, false).unwrap()
}

fn excerpts_csv(c: &mut Criterion) {
    let path = synth();
    let out = tempfile::tempdir().unwrap();
    let csv = out.path().join("excerpts.csv");
    assert_eq!(export_csv(&path, &csv), CODINGS);
    let mut group = c.benchmark_group("exports");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    group.bench_function("excerpts_csv_40k", |b| b.iter(|| export_csv(&path, &csv)));
    group.finish();

    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            export_csv(&path, &csv);
            started.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    eprintln!(
        "excerpts CSV, {CODINGS} excerpts: median {:.0} ms, {:.2} µs an excerpt, {:.1} MB written",
        median.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e6 / CODINGS as f64,
        std::fs::metadata(&csv).unwrap().len() as f64 / 1e6
    );
}

criterion_group!(benches, excerpts_csv);
criterion_main!(benches);
