//! Agreement speed. `char_tally`: one 10-million-character document, three coders with 20,000
//! codings each, counted by interval sweep (criterion prints the time and characters/s).
//! `agreement`: a whole project of 100 documents × 20,000 characters, 20 codes and two coders
//! with 6,000 codings each, from the project file to per-code kappa and alpha.

#![allow(clippy::unwrap_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fieldcode::Project;
use fieldcode::coding::{Command, SpanRef, apply};
use fieldcode::model::Span;
use fieldcode::team::agreement::{AgreementRequest, Unit, agreement, char_tally};

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

criterion_group!(benches, bench_char_tally, bench_project);
criterion_main!(benches);
