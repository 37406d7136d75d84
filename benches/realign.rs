//! Carrying a colleague's codings onto an edited copy of a transcript during `fieldcode merge`.
//!
//! - `realign_5MB_20k_codings`: diff a 5 MB transcript against a copy with 50 scattered
//!   corrections (insertions, deletions, replacements), then map 20,000 codings through it.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use fieldcode::team::merge::realign::Realign;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn bench(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(7);
    let theirs = fieldcode::synth::turns(&mut rng, "Facilitator", &["LW01", "LW02", "LW03", "TL1"], 5_000_000);
    let mut ours: Vec<char> = theirs.chars().collect();
    let n = ours.len();
    let mut at: Vec<usize> = (0..50).map(|_| rng.random_range(0..n - 20)).collect();
    at.sort_unstable();
    for (i, p) in at.into_iter().enumerate().rev() {
        let (end, new) = match i % 3 {
            0 => (p, "corrected words "),
            1 => (p + 10, ""),
            _ => (p + 5, "fixed"),
        };
        ours.splice(p..end, new.chars());
    }
    let ours: String = ours.into_iter().collect();
    let spans: Vec<(usize, usize)> = (0..20_000).map(|i| (i * (n / 20_000), i * (n / 20_000) + 80)).collect();
    let mut group = c.benchmark_group("merge");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("realign_5MB_20k_codings", |b| {
        b.iter(|| {
            let r = Realign::new(&theirs, &ours);
            spans.iter().map(|&(s, e)| r.map(s, e).1).sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
