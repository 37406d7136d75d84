//! REFI-QDA exchange at scale: `export-qdpx` of the 200,000-coding `synth` project (1,000
//! documents × 20,000 characters, 300 codes) and `import-qdpx` of its output. Targets: export
//! under 2 s, import under 4 s, each under 300 MB of peak memory (measure peak memory with the
//! CLI: `/usr/bin/time -v fieldcode export-qdpx …`; a bench process holds the others' memory).
//! The synth project is generated once into `target/refi-bench/` and reused.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use fieldcode::Project;
use fieldcode::refi::export::ExportQdpxOptions;
use fieldcode::refi::{ImportQdpxOptions, export_qdpx, import_qdpx};
use fieldcode::synth::{SynthOptions, generate};

fn data_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("refi-bench");
    std::fs::create_dir_all(&dir).expect("create bench data folder");
    dir
}

fn synth(codings: usize) -> PathBuf {
    let path = data_dir().join(format!("synth-1000d-{codings}c.fieldcode"));
    if !path.exists() {
        let partial = path.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        generate(&partial, &SynthOptions { docs: 1000, chars: 20_000, codes: 300, codings, seed: 1 }).expect("synth");
        std::fs::rename(&partial, &path).expect("rename synth project");
    }
    path
}

fn bench_refi(c: &mut Criterion) {
    let project = synth(200_000);
    let dir = tempfile::tempdir().unwrap();
    let qdpx = dir.path().join("synth.qdpx");
    let mut group = c.benchmark_group("refi");
    // Ten samples (criterion's least) of a few seconds each: the whole bench takes about a minute.
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    let once = export_qdpx(&Project::open(&project).unwrap(), &qdpx, &ExportQdpxOptions::default()).unwrap();
    let size = std::fs::metadata(&qdpx).unwrap().len();
    println!(
        "refi: export_qdpx wrote {} codings, {} documents, {:.1} MB archive",
        once.codings,
        once.documents,
        size as f64 / 1e6
    );
    group.bench_function("export_qdpx_200k_codings", |b| {
        b.iter(|| {
            let p = Project::open(&project).unwrap();
            export_qdpx(&p, &qdpx, &ExportQdpxOptions::default()).unwrap().codings
        })
    });
    let mut run = 0;
    group.bench_function("import_qdpx_200k_codings", |b| {
        b.iter_custom(|iterations| {
            let mut timed = Duration::ZERO;
            for _ in 0..iterations {
                run += 1;
                let target = dir.path().join(format!("import-{run}.fieldcode"));
                let start = Instant::now();
                let report = import_qdpx(&qdpx, &target, &ImportQdpxOptions::default()).unwrap();
                timed += start.elapsed();
                assert_eq!(report.codings, once.codings, "every exported coding comes back");
                std::fs::remove_file(&target).unwrap();
            }
            timed
        })
    });
    group.finish();
}

criterion_group!(benches, bench_refi);
criterion_main!(benches);
