//! Opening the coded-segments view for a code with more than 10,000 segments: a `synth` project
//! of 100 documents × 20,000 characters with 12 codes and 150,000 codings: its smallest leaf code
//! with at least 10,000 codings, and its biggest (about 45,000). Measured: the query alone (`retrieve`), and what the view does when it
//! opens (`RetrievalState::refresh`: the query, its sort order) plus estimating every row's
//! height for the virtual list. Target: < 100 ms. Prints the medians.
//!
//! The project is generated once into `target/retrieval-bench/` and reused.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use fieldcode::Project;
use fieldcode::analysis::retrieval::{RetrievalQuery, retrieve};
use fieldcode::export::excerpts::ExcerptFilter;
use fieldcode::gui::retrieval_state::RetrievalState;
use fieldcode::model::CodeNode;
use fieldcode::store::codes;
use fieldcode::synth::{SynthOptions, generate};

fn synth() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("retrieval-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("synth-100d-150k.fieldcode");
    if !path.exists() {
        let partial = path.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        generate(&partial, &SynthOptions { docs: 100, chars: 20_000, codes: 12, codings: 150_000, seed: 7 }).unwrap();
        std::fs::rename(&partial, &path).unwrap();
    }
    path
}

/// Opens the view as the GUI does: a fresh state, the code chosen, refreshed, row heights estimated.
fn open_view(project: &Project, list: &[CodeNode], code: &CodeNode) -> usize {
    let mut state = RetrievalState::default();
    state.show_code(code.id);
    state.refresh(project, list);
    assert!(state.error.is_none(), "{:?}", state.error);
    let estimate = state.order.iter().map(|&i| 20.0 + state.segments[i].len() as f32 / 4.0);
    state.heights.prepare(800.0, estimate);
    state.heights.len()
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
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

fn bench(c: &mut Criterion) {
    let project = Project::open(synth()).unwrap();
    let list = codes::list(project.conn()).unwrap();
    let is_parent = |id| list.iter().any(|c| c.parent_id == Some(id));
    let leaves: Vec<&CodeNode> = list.iter().filter(|c| !is_parent(c.id)).collect();
    // The target's case: the smallest code with at least 10,000 codings; and the biggest one.
    let ten_k = leaves.iter().filter(|c| c.codings >= 10_000).min_by_key(|c| c.codings).unwrap();
    let biggest = leaves.iter().max_by_key(|c| c.codings).unwrap();
    let mut group = c.benchmark_group("retrieval");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(6));
    for (name, code) in [("10k", ten_k), ("biggest", biggest)] {
        let rows = open_view(&project, &list, code);
        let query = RetrievalQuery {
            filter: ExcerptFilter { codes: vec![code.path.clone()], ..Default::default() },
            ..Default::default()
        };
        let query_ms = median(15, || _ = retrieve(&project, &query).unwrap()).as_secs_f64() * 1e3;
        let open_ms = median(15, || _ = open_view(&project, &list, code)).as_secs_f64() * 1e3;
        eprintln!(
            "coded segments of {} ({} codings, {rows} segments): query {query_ms:.1} ms, view opened {open_ms:.1} ms \
             (median of 15; target < 100 ms at 10,000)",
            code.path, code.codings
        );
        group.bench_function(format!("query_{name}"), |b| b.iter(|| retrieve(&project, &query).unwrap().len()));
        group.bench_function(format!("open_view_{name}"), |b| b.iter(|| open_view(&project, &list, code)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
