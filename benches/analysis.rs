//! Analysis speed on `synth` projects: 1,000 documents × 20,000 characters, 300 codes, 200,000
//! codings, and ten times that (10,000 documents, 2,000,000 codings).
//!
//! Measured: the overall overlap matrix end to end from the project file (open + load + compute),
//! regrouping by site and by role from memory (from a kept [`CooccurIndex`], as the GUI does), the 2M matrix end to end with its peak memory
//! (VmHWM), and, side by side in the same run, the naive SQLite self-join overlap query that peer
//! tools run, with the ratio. Targets: < 50 ms, < 16 ms, < 1 s and < 1 GB.
//!
//! Each case first prints a cold run (the coding cache emptied and rebuilt), then measures with
//! the cache in place, as every analysis after the first one finds it.
//! The synthetic projects are generated once into `target/analysis-bench/` and reused.
//! `FIELDCODE_BENCH_2M=0` skips the 2M case.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use fieldcode::Project;
use fieldcode::analysis::{CooccurIndex, Corpus, Filter, Grouping, Options, cooccur};
use fieldcode::synth::{SynthOptions, generate};

fn data_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("analysis-bench");
    std::fs::create_dir_all(&dir).expect("create bench data folder");
    dir
}

/// The synth project of `docs` documents and `codings` codings, generated if missing.
fn synth(docs: usize, codings: usize) -> PathBuf {
    let path = data_dir().join(format!("synth-{docs}d-{codings}c.fieldcode"));
    if !path.exists() {
        let started = Instant::now();
        let partial = path.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        generate(&partial, &SynthOptions { docs, chars: 20_000, codes: 300, codings, seed: 1 }).expect("synth");
        std::fs::rename(&partial, &path).expect("rename synth project");
        eprintln!("generated {} in {:.1} s", path.display(), started.elapsed().as_secs_f64());
    }
    path
}

/// Opens, loads and computes the overall overlap matrix; returns the number of non-zero pairs.
fn end_to_end(path: &Path) -> usize {
    let project = Project::open(path).expect("open");
    let corpus = Corpus::load(&project).expect("load");
    let all = Filter::all(&corpus);
    let result = cooccur(&corpus, &all, &Grouping::overall(), Options::default());
    result.groups.iter().map(|g| g.count.nonzero().len()).sum()
}

fn naive_self_join(path: &Path) -> usize {
    let project = Project::open(path).expect("open");
    let mut stmt = project
        .conn()
        .prepare(
            "SELECT a.code_id, b.code_id, count(*) FROM coding a JOIN coding b
               ON b.document_id = a.document_id AND b.id <> a.id AND b.start < a.\"end\" AND a.start < b.\"end\"
              AND (b.start > a.start OR (b.start = a.start AND b.id > a.id)) AND a.code_id <> b.code_id
             GROUP BY a.code_id, b.code_id",
        )
        .expect("prepare");
    stmt.query_map([], |r| r.get::<_, i64>(2)).expect("query").count()
}

fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0), so the next peak belongs to what follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Empties the project's coding cache, then times one end-to-end run, which rebuilds it: what
/// the first analysis after a bulk change costs. Later runs read the cache.
fn cold_run(path: &Path) -> Duration {
    let project = Project::open(path).expect("open");
    project.conn().execute("DELETE FROM coding_cache", []).expect("empty the cache");
    drop(project);
    median_time(1, || {
        end_to_end(path);
    })
}

fn bench_200k(c: &mut Criterion) {
    let path = synth(1_000, 200_000);
    let cold = cold_run(&path);
    eprintln!("200k codings, first run (coding cache rebuilt): {:.1} ms", cold.as_secs_f64() * 1e3);
    let mut group = c.benchmark_group("analysis_200k");
    group.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    group.bench_function("load_and_overlap_matrix", |b| b.iter(|| end_to_end(&path)));
    group.bench_function("load_only", |b| {
        b.iter(|| Corpus::load(&Project::open(&path).expect("open")).expect("load").codings.len())
    });
    let project = Project::open(&path).expect("open");
    let corpus = Corpus::load(&project).expect("load");
    let all = Filter::all(&corpus);
    group.bench_function("overlap_matrix_from_memory", |b| {
        b.iter(|| cooccur(&corpus, &all, &Grouping::overall(), Options::default()).groups.len())
    });
    group.bench_function("overlap_matrix_with_jaccard_from_memory", |b| {
        let options = Options { jaccard: true, ..Options::default() };
        b.iter(|| cooccur(&corpus, &all, &Grouping::overall(), options).groups.len())
    });
    group.bench_function("overlap_index_build", |b| {
        b.iter(|| CooccurIndex::build(&corpus, &all, Options::default()).events())
    });
    // The GUI keeps the index of the current selection and regroups it interactively.
    let index = CooccurIndex::build(&corpus, &all, Options::default());
    for attribute in ["site", "role"] {
        group.bench_function(format!("regroup_by_{attribute}"), |b| {
            b.iter(|| {
                let grouping = Grouping::by_attribute(&corpus, attribute).expect("attribute");
                index.matrices(&grouping).groups.len()
            })
        });
    }
    group.finish();

    let ours = median_time(5, || {
        end_to_end(&path);
    });
    let naive = median_time(1, || {
        naive_self_join(&path);
    });
    eprintln!(
        "side by side, 200k codings: Fieldcode load + overlap matrix {:.1} ms; naive SQLite self-join {:.0} ms; ratio {:.0}×",
        ours.as_secs_f64() * 1e3,
        naive.as_secs_f64() * 1e3,
        naive.as_secs_f64() / ours.as_secs_f64()
    );
}

fn bench_2m(c: &mut Criterion) {
    if std::env::var("FIELDCODE_BENCH_2M").is_ok_and(|v| v == "0") {
        return;
    }
    let path = synth(10_000, 2_000_000);
    let cold = cold_run(&path);
    eprintln!("2M codings, first run (coding cache rebuilt): {:.0} ms", cold.as_secs_f64() * 1e3);
    reset_peak();
    let before = peak_rss_kib().unwrap_or(0);
    let pairs = end_to_end(&path);
    let peak = peak_rss_kib().unwrap_or(0);
    eprintln!(
        "2M codings: {pairs} non-zero pairs; peak RSS during load + matrix {:.0} MiB (VmHWM {:.0} MiB, before {:.0} MiB)",
        peak.saturating_sub(before) as f64 / 1024.0 + before as f64 / 1024.0,
        peak as f64 / 1024.0,
        before as f64 / 1024.0
    );
    let mut group = c.benchmark_group("analysis_2m");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
    group.bench_function("load_and_overlap_matrix", |b| b.iter(|| end_to_end(&path)));
    group.finish();
}

criterion_group!(benches, bench_200k, bench_2m);
criterion_main!(benches);
