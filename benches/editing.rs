//! Correcting and pseudonymising texts.
//!
//! - `edit_one_char_5MB_20k_codings`: one `EditText` command (a one-character insertion in the
//!   middle of a 5 MB transcript with 20,000 codings, so about 10,000 codings move), committed to
//!   a project file (target: under 16 ms median, with the repaint). After the run it prints the
//!   history's growth per one-character edit (target: under 1 KB) and the file's.
//!   `edit_one_char_200KB_1k_codings` is the same for a long interview's size, for scale.
//! - `pseudonymise_1000_names`: 1,000 names over a corpus of `FIELDCODE_BENCH_MB` MB (default 50)
//!   with 4,000 codings a MB, one undoable change (target for 50 MB / 200,000 codings: under 5 s).
//! - `release`: the release copy of that pseudonymised project, scanned for the 1,000 names
//!   (target: under 10 s).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use fieldcode::Project;
use fieldcode::coding::pseudonymise::{NameEntry, NameMap, pseudonymise};
use fieldcode::coding::{Command, Mode, SpanRef, apply};
use fieldcode::import::{self, ImportOptions, run::store_parsed};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn transcript(seed: usize, bytes: usize) -> String {
    let mut rng = StdRng::seed_from_u64(seed as u64);
    fieldcode::synth::turns(&mut rng, "Facilitator", &["LW01", "LW02", "LW03", "TL1"], bytes)
}

/// A project with the given texts, one code, and `per_doc` codings spread over each text.
fn build(path: &Path, texts: &[String], per_doc: usize) -> Project {
    let _ = std::fs::remove_file(path);
    let mut project = Project::create(path).unwrap();
    for (i, text) in texts.iter().enumerate() {
        let parsed = import::parse_bytes(&format!("doc{i}.txt"), import::Format::Text, text.as_bytes()).unwrap();
        store_parsed(&mut project, &parsed, None, &ImportOptions::default()).unwrap();
    }
    let create = Command::CreateCode { parent: None, path: "Code".into(), color: None, description: None };
    let code = apply(&mut project, "bench", create).unwrap().created[0];
    let mut spans = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let chars = text.chars().count();
        let step = (chars - 64) / per_doc;
        spans.extend((0..per_doc).map(|k| {
            let start = k * step;
            SpanRef { document: i as i64 + 1, code, start, end: start + 5 + k % 40 }
        }));
    }
    apply(&mut project, "bench", Command::AddCodings { coder: "bench".into(), spans, memo: None }).unwrap();
    project
}

fn history_bytes(p: &Project) -> i64 {
    p.conn().query_row("SELECT coalesce(sum(length(payload)), 0) FROM history", [], |r| r.get(0)).unwrap()
}

/// One-character edits, typed and taken out again, in the middle of a transcript of `bytes`
/// bytes with `codings` codings.
fn bench_edits(c: &mut Criterion, name: &str, bytes: usize, codings: usize) -> (Project, usize, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let text = transcript(7, bytes);
    let mut project = build(&dir.path().join("edit.fieldcode"), std::slice::from_ref(&text), codings);
    let middle = text.chars().count() / 2;
    let mut insert = true;
    c.bench_function(name, |b| {
        b.iter(|| {
            let (end, new) = if insert { (middle, "x") } else { (middle + 1, "") };
            insert = !insert;
            let edit = Command::EditText { doc: 1, start: middle, end, text: new.into(), expect_sha256: None };
            apply(&mut project, "bench", edit).unwrap()
        })
    });
    (project, middle, dir)
}

fn edit_one_char(c: &mut Criterion) {
    // A long interview's size, for scale: 200 KB with 1,000 codings.
    drop(bench_edits(c, "edit_one_char_200KB_1k_codings", 200 << 10, 1_000));
    let (mut project, middle, _dir) = bench_edits(c, "edit_one_char_5MB_20k_codings", 5 << 20, 20_000);
    let (h0, f0) = (history_bytes(&project), file_bytes(&project));
    for i in 0..100 {
        let at = middle + i;
        let edit = Command::EditText { doc: 1, start: at, end: at, text: "y".into(), expect_sha256: None };
        apply(&mut project, "bench", edit).unwrap();
    }
    let (h1, f1) = (history_bytes(&project), file_bytes(&project));
    eprintln!(
        "growth per one-character edit: history {} bytes, file {} bytes (history, version row and pages)",
        (h1 - h0) / 100,
        (f1 as i64 - f0 as i64) / 100
    );
}

fn file_bytes(p: &Project) -> u64 {
    let pages: i64 = p.conn().query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    let size: i64 = p.conn().query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    (pages * size) as u64
}

const SYLLABLES: [&str; 20] = [
    "ka", "lo", "mi", "ren", "sa", "to", "vel", "ni", "ra", "bo", "de", "fi", "gu", "ha", "jo", "ke", "lu", "ma", "no",
    "pe",
];

/// 1,000 distinct made-up names (two words each) and their pseudonyms.
fn names() -> Vec<NameEntry> {
    (0..1000)
        .map(|i| {
            let first = format!("{}{}{}", SYLLABLES[i % 20], SYLLABLES[(i / 20) % 20], SYLLABLES[(i / 400) % 20]);
            let mut first: Vec<char> = first.chars().collect();
            first[0] = first[0].to_ascii_uppercase();
            let first: String = first.into_iter().collect();
            NameEntry { real: format!("{first} Quill"), pseudonym: format!("P{i:04}"), line: i + 1 }
        })
        .collect()
}

/// A corpus of `mb` MB in 50 KB transcripts, each naming a few of the names.
fn corpus(mb: usize, names: &[NameEntry]) -> Vec<String> {
    (0..mb * 20)
        .map(|d| {
            let mut text = transcript(d, 50 << 10);
            for k in 0..10 {
                text.push_str(&format!("LW01: I spoke to {} about it.\n", names[(d * 10 + k) % names.len()].real));
            }
            text
        })
        .collect()
}

fn bench_mb() -> usize {
    std::env::var("FIELDCODE_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(50)
}

fn pseudonymise_and_release(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let names = names();
    let map = NameMap::new(names.clone(), Path::new("bench-map.csv")).unwrap();
    let mb = bench_mb();
    let texts = corpus(mb, &names);
    let base = dir.path().join("base.fieldcode");
    drop(build(&base, &texts, 200)); // 20 texts a MB: 4,000 codings a MB
    let mut group = c.benchmark_group(format!("corpus_{mb}MB"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(1));
    let copy = |n: usize| -> PathBuf {
        let to = dir.path().join(format!("copy{n}.fieldcode"));
        let _ = std::fs::remove_file(&to);
        std::fs::copy(&base, &to).unwrap();
        to
    };
    let mut n = 0;
    group.bench_function("pseudonymise_1000_names", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                n += 1;
                let mut project = Project::open(copy(n)).unwrap();
                let start = Instant::now();
                pseudonymise(&mut project, "bench", &map, Mode::Commit).unwrap();
                total += start.elapsed();
            }
            total
        })
    });
    let done = copy(0);
    pseudonymise(&mut Project::open(&done).unwrap(), "bench", &map, Mode::Commit).unwrap();
    let reals: Vec<String> = names.iter().map(|e| e.real.clone()).collect();
    group.bench_function("release_scanned", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                n += 1;
                let out = dir.path().join(format!("release{n}.fieldcode"));
                let start = Instant::now();
                fieldcode::store::release::release(&done, &out, &reals).unwrap();
                total += start.elapsed();
                let _ = std::fs::remove_file(&out);
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, edit_one_char, pseudonymise_and_release);
criterion_main!(benches);
