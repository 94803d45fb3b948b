//! The fleet report over 1,000 services: `slipway fleet DIR --format json`
//! through the library call the CLI makes ([`slipway::cli::fleet_report`]),
//! finding the services, analyzing each one (parse, size estimate, lint,
//! safe fixes, split) and rendering the JSON document.
//!
//! The fleet is written into a temporary directory: `s0000/Dockerfile` to
//! `s0999/Dockerfile`, cycling through the files of `../shared/corpus`.
//! Run with `cargo bench --bench fleet`. Without `../shared/corpus` the
//! benchmark prints a notice and measures nothing.

use clap::Parser;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How many services the fleet has.
const SERVICES: usize = 1000;

fn corpus() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_name() != "MANIFEST.tsv")
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Write the fleet under `root`.
fn write_fleet(root: &Path, files: &[PathBuf]) {
    for i in 0..SERVICES {
        let dir = root.join(format!("s{i:04}"));
        std::fs::create_dir_all(&dir).expect("create a service directory");
        std::fs::copy(&files[i % files.len()], dir.join("Dockerfile")).expect("copy a Dockerfile");
    }
}

fn args(root: &Path) -> slipway::cli::FleetArgs {
    let root = root.to_string_lossy().into_owned();
    let cli = slipway::cli::Cli::parse_from(["slipway", "fleet", &root, "--format", "json"]);
    match cli.command {
        slipway::cli::Command::Fleet(args) => args,
        _ => unreachable!("parsed as `fleet`"),
    }
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    if files.is_empty() {
        eprintln!("notice: ../shared/corpus is absent; the fleet benchmark is skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    write_fleet(dir.path(), &files);
    let args = args(dir.path());
    // One run outside the measurements, to check that it works.
    let out = slipway::cli::fleet_report(&args).expect("the fleet report");
    assert!(out.text.contains(&format!("\"services\": {SERVICES}")));

    let mut group = c.benchmark_group("fleet");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("report-1000-services", |b| {
        b.iter(|| black_box(slipway::cli::fleet_report(black_box(&args)).is_ok()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
