//! Shell-model throughput over every shell-form `RUN` body of the shared
//! corpus (`../shared/corpus`): the fast tokenizer on the bodies it accepts,
//! brush-parser on all of them, and `shell::parse` (fast path with fallback).
//!
//! Run with `cargo bench --bench shell`. Without `../shared` a generated set
//! of scripts is used so that it still runs.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use slipway::shell::{self, Engine, Origin};
use slipway::syntax::{Args, Keyword, OffsetMap};
use std::hint::black_box;
use std::path::PathBuf;

/// `(text, map, offset)` of each shell-form `RUN`.
fn bodies() -> Vec<(String, OffsetMap, usize)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut out = Vec::new();
    let files: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_name() != "MANIFEST.tsv")
                .filter_map(|e| std::fs::read(e.path()).ok())
                .filter_map(|b| String::from_utf8(b).ok())
                .collect()
        })
        .unwrap_or_default();
    for f in &files {
        let parsed = slipway::syntax::parse(f);
        for inst in &parsed.dockerfile.instructions {
            let inst = inst.effective();
            if inst.keyword != Keyword::Run {
                continue;
            }
            if let Args::Text(w) = &inst.args {
                let end = inst.original.trim_end().len();
                let offset = end.saturating_sub(w.value.len());
                out.push((w.value.to_string(), inst.map.clone(), offset));
            }
        }
    }
    if out.is_empty() {
        eprintln!("notice: ../shared/corpus is absent; benchmarking generated scripts");
        for i in 0..2000 {
            let s = format!(
                "apt-get update && apt-get install -y --no-install-recommends pkg{i}=1.{i} \
                 && curl -fsSL https://example.com/x{i} | tar -xz -C /opt \
                 && rm -rf /var/lib/apt/lists/*"
            );
            out.push((s, OffsetMap::new(0), 0));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let all = bodies();
    let fast: Vec<&(String, OffsetMap, usize)> = all
        .iter()
        .filter(|(t, m, o)| {
            shell::parse_with(t, Origin::Logical { map: m, offset: *o }, Engine::Fast).is_some()
        })
        .collect();
    let bytes_all: usize = all.iter().map(|b| b.0.len()).sum();
    let bytes_fast: usize = fast.iter().map(|b| b.0.len()).sum();
    eprintln!(
        "shell bench: {} RUN bodies ({} bytes); the fast path accepts {} ({:.1}%, {} bytes)",
        all.len(),
        bytes_all,
        fast.len(),
        100.0 * fast.len() as f64 / all.len().max(1) as f64,
        bytes_fast
    );
    let run = |set: &[&(String, OffsetMap, usize)], engine: Engine| {
        for (t, m, o) in set {
            black_box(shell::parse_with(
                black_box(t),
                Origin::Logical { map: m, offset: *o },
                engine,
            ));
        }
    };
    let every: Vec<&(String, OffsetMap, usize)> = all.iter().collect();

    let mut group = c.benchmark_group("shell-fast-subset");
    group.throughput(Throughput::Bytes(bytes_fast as u64));
    group.bench_function("fast", |b| b.iter(|| run(&fast, Engine::Fast)));
    group.bench_function("brush", |b| b.iter(|| run(&fast, Engine::Brush)));
    group.finish();

    let mut group = c.benchmark_group("shell-all");
    group.throughput(Throughput::Bytes(bytes_all as u64));
    group.bench_function("brush", |b| b.iter(|| run(&every, Engine::Brush)));
    group.bench_function("auto", |b| b.iter(|| run(&every, Engine::Auto)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
