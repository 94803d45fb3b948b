//! Parser throughput over the shared corpus (`../shared/corpus`), and the
//! whole lint pipeline over the same files.
//!
//! Run with `cargo bench --bench parse`. Without `../shared` the benchmark
//! falls back to a generated Dockerfile so that it still runs.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;

fn corpus() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_name() != "MANIFEST.tsv")
                .filter_map(|e| std::fs::read(e.path()).ok())
                .filter_map(|b| String::from_utf8(b).ok())
                .collect()
        })
        .unwrap_or_default();
    if files.is_empty() {
        eprintln!("notice: ../shared/corpus is absent; benchmarking a generated file");
        let mut s = String::from("# syntax=docker/dockerfile:1\nFROM debian:bookworm AS build\n");
        for i in 0..2000 {
            s.push_str(&format!(
                "RUN apt-get update && apt-get install -y pkg{i} \\\n    && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /a{i} /b{i}\nENV K{i}=v{i}\n"
            ));
        }
        files.push(s);
    }
    files
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    let bytes: usize = files.iter().map(String::len).sum();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for f in &files {
                black_box(slipway::syntax::parse(black_box(f)));
            }
        })
    });
    group.bench_function("lint", |b| {
        b.iter(|| {
            for f in &files {
                black_box(slipway::lint(black_box(f)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
