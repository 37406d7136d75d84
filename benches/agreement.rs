//! Agreement speed. `char_tally`: one 10-million-character document, three coders with 20,000
//! codings each, counted by a boundary sweep (criterion prints the time and characters/s).
//! `agreement`: a whole project of 100 documents × 20,000 characters, 20 codes and two coders
//! with 6,000 codings each, from the open project to every coefficient.
//! `synth 200k`: what `fieldcode agreement big.fieldcode --coders Amira,Ben,Chloe` does on the
//! `synth` project of 1,000 documents × 20,000 characters, 300 codes and 200,000 codings by three
//! coders: open the file, compute every coefficient of every code and the pooled row, by
//! character and by turn (target: the whole command under 300 ms); and the same with a
//! 1,000-replicate bootstrap. The synth project is generated once into
//! `$CARGO_TARGET_DIR/analysis-bench/` (shared with the analysis bench) and reused.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fieldcode::Project;
use fieldcode::coding::{Command, SpanRef, apply};
use fieldcode::model::Span;
use fieldcode::synth::{SynthOptions, generate};
use fieldcode::team::agreement::{AgreementRequest, BootstrapSettings, Unit, agreement, char_tally};

/// Deterministic pseudo-random numbers (no seed files, same spans every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize % below
    }
}

fn spans(rng: &mut Lcg, count: usize, len: usize) -> Vec<Span> {
    (0..count)
        .map(|_| {
            let start = rng.next(len - 400);
            Span { start, end: start + 20 + rng.next(380) }
        })
        .collect()
}

fn bench_char_tally(c: &mut Criterion) {
    const LEN: usize = 10_000_000;
    let mut rng = Lcg(7);
    let coders: Vec<Option<Vec<Span>>> = (0..3).map(|_| Some(spans(&mut rng, 20_000, LEN))).collect();
    let mut group = c.benchmark_group("agreement");
    group.throughput(Throughput::Elements(LEN as u64));
    group.bench_function("char_tally 10M chars, 3 coders x 20k codings", |b| b.iter(|| char_tally(LEN, &coders)));
    group.finish();
}

fn project() -> Project {
    let mut project = Project::in_memory().expect("project");
    let word = "referral surgery client phone visit walking group café outcome ";
    let text: String = word.chars().cycle().take(20_000).collect();
    for d in 0..100 {
        let name = format!("doc{d:03}");
        let body = format!("{name} {text}");
        let parsed =
            fieldcode::import::parse_bytes(&name, fieldcode::import::Format::Text, body.as_bytes()).expect("parse");
        fieldcode::import::run::store_parsed(&mut project, &parsed, None, &Default::default()).expect("store");
    }
    let mut codes = Vec::new();
    for k in 0..20 {
        let create = Command::CreateCode { parent: None, path: format!("Code {k:02}"), color: None, description: None };
        codes.push(apply(&mut project, "bench", create).expect("code").created[0]);
    }
    let mut rng = Lcg(11);
    for coder in ["Ana", "Ben"] {
        let spans = (0..6_000)
            .map(|_| {
                let start = rng.next(19_000);
                let document = 1 + rng.next(100) as i64;
                let code = codes[rng.next(20)];
                SpanRef { document, code, start, end: start + 20 + rng.next(500) }
            })
            .collect();
        apply(&mut project, "bench", Command::AddCodings { coder: coder.into(), spans, memo: None }).expect("codings");
    }
    project
}

fn bench_project(c: &mut Criterion) {
    let project = project();
    let request = AgreementRequest { coders: vec!["Ana".into(), "Ben".into()], unit: Unit::Char, ..Default::default() };
    let mut group = c.benchmark_group("agreement");
    group.sample_size(20);
    group.bench_function("project 100 docs x 20k chars, 20 codes, 2 coders x 6k codings", |b| {
        b.iter(|| agreement(project.conn(), &request).expect("agreement"))
    });
    group.finish();
}

/// The 200k-coding synth project, generated if missing.
fn synth_200k() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("analysis-bench");
    std::fs::create_dir_all(&dir).expect("create bench data folder");
    let path = dir.join("synth-1000d-200000c.fieldcode");
    if !path.exists() {
        let partial = path.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let options = SynthOptions { docs: 1_000, chars: 20_000, codes: 300, codings: 200_000, seed: 1 };
        generate(&partial, &options).expect("synth");
        std::fs::rename(&partial, &path).expect("rename synth project");
    }
    path
}

/// Open + every coefficient of every code and the pooled row: the work of the CLI command.
fn whole(path: &Path, request: &AgreementRequest) -> usize {
    let project = Project::open(path).expect("open");
    let report = agreement(project.conn(), request).expect("agreement");
    report.codes.len()
}

fn bench_synth(c: &mut Criterion) {
    let path = synth_200k();
    let coders: Vec<String> = ["Amira", "Ben", "Chloe"].map(String::from).to_vec();
    let by = |unit| AgreementRequest { coders: coders.clone(), unit, ..Default::default() };
    let mut group = c.benchmark_group("agreement_synth_200k");
    group.sample_size(20);
    group.bench_function("open + agreement, 1000 docs x 20k chars, 300 codes, 200k codings, 3 coders, char", |b| {
        b.iter(|| whole(&path, &by(Unit::Char)))
    });
    group.bench_function("same, turn units", |b| b.iter(|| whole(&path, &by(Unit::Turn))));
    let boot = AgreementRequest { bootstrap: Some(BootstrapSettings { replicates: 1_000, seed: 1 }), ..by(Unit::Char) };
    group.sample_size(10);
    group.bench_function("same, char, with a 1000-replicate bootstrap of alpha", |b| b.iter(|| whole(&path, &boot)));
    group.finish();
}

criterion_group!(benches, bench_char_tally, bench_project, bench_synth);
criterion_main!(benches);
