//! Coding engine throughput.
//!
//! - `autocode_matching`: the matching step of autocode (regex over text, code point offsets of
//!   every hit) over a generated 100 MB corpus of 100 transcripts; criterion prints GiB/s
//!   (target: at least 1 GB/s).
//! - `add_100k_codings`: one `AddCodings` command writing 100,000 codings (with their history
//!   entry) into a project file in one transaction (target: under 1 s).

#![allow(clippy::unwrap_used)]

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use fieldcode::Project;
use fieldcode::coding::autocode::{Pattern, Rule, find_matches};
use fieldcode::coding::{CoderRef, Command, SpanRef, apply};
use fieldcode::import::{self, ImportOptions, run::store_parsed};
use rand::SeedableRng;
use rand::rngs::StdRng;

const DOCS: usize = 100;
const DOC_BYTES: usize = 1 << 20;
const CODINGS: usize = 100_000;

/// The shared synthetic transcript generator (`fieldcode::synth::turns`).
fn transcript(seed: usize, bytes: usize) -> String {
    let mut rng = StdRng::seed_from_u64(seed as u64);
    fieldcode::synth::turns(&mut rng, "Facilitator", &["LW01", "LW02", "LW03", "TL1"], bytes)
}

fn autocode_matching(c: &mut Criterion) {
    let corpus: Vec<String> = (0..DOCS).map(|i| transcript(i, DOC_BYTES)).collect();
    let bytes: usize = corpus.iter().map(String::len).sum();
    let rules = [
        (
            "words waiting list,food bank",
            Rule {
                pattern: Pattern::Words(vec!["waiting list".into(), "food bank".into()]),
                ignore_case: false,
                whole_word: false,
            },
        ),
        (
            "regex (?i)questionnaires?|wemwbs",
            Rule { pattern: Pattern::Regex("questionnaires?|wemwbs".into()), ignore_case: true, whole_word: false },
        ),
    ];
    let mut group = c.benchmark_group("autocode_matching_100MB");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    for (name, rule) in rules {
        let re = rule.compile().expect("valid rule");
        group.bench_function(name, |b| b.iter(|| corpus.iter().map(|t| find_matches(&re, t).len()).sum::<usize>()));
    }
    group.finish();
}

/// A project file with one 1 MB document, one code and one coder; the spans to code.
fn project_with_document(dir: &std::path::Path, n: usize) -> (Project, Vec<SpanRef>, CoderRef) {
    let path = dir.join(format!("bench-{n}.fieldcode"));
    let _ = std::fs::remove_file(&path);
    let mut project = Project::create(&path).expect("create project");
    let text = transcript(7, DOC_BYTES);
    let parsed = import::parse_bytes("doc.txt", import::Format::Text, text.as_bytes()).expect("parse");
    store_parsed(&mut project, &parsed, None, &ImportOptions::default()).expect("store");
    let code = apply(
        &mut project,
        "bench",
        Command::CreateCode { parent: None, path: "Code".into(), color: None, description: None },
    )
    .expect("create code")
    .created[0];
    let coder = CoderRef::from("bench");
    let chars = text.chars().count();
    let spans = (0..CODINGS)
        .map(|i| {
            let start = (i * 7) % (chars - 64);
            SpanRef { document: 1, code, start, end: start + 1 + i % 50 }
        })
        .collect::<Vec<_>>();
    (project, spans, coder)
}

fn add_codings(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("add_100k_codings");
    group.sample_size(10);
    let mut n = 0;
    group.bench_function("one AddCodings command", |b| {
        b.iter_batched(
            || {
                n += 1;
                project_with_document(dir.path(), n)
            },
            |(mut project, spans, coder)| {
                let applied =
                    apply(&mut project, "bench", Command::AddCodings { coder, spans, memo: None }).expect("apply");
                assert_eq!(applied.created.len(), CODINGS);
                project
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, autocode_matching, add_codings);
criterion_main!(benches);
