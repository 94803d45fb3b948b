//! The glob matcher (`slipway::glob`) on ordinary and pathological
//! patterns: many stars against a long path that does not match, classes,
//! `**` chains, and the longest pattern against the longest path (the
//! worst case of one match).
//!
//! Run with `cargo bench --bench glob`.

use criterion::{Criterion, criterion_group, criterion_main};
use slipway::glob::{Flavor, Glob, MAX_LEN};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("glob");
    let cases: Vec<(&str, String, String, Flavor)> = vec![
        (
            "ordinary",
            "/var/lib/apt/lists/*".into(),
            "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease".into(),
            Flavor::Shell,
        ),
        (
            "many_stars",
            format!("/a{}b", "*a".repeat(40)),
            format!("/{}", "a".repeat(200)),
            Flavor::Shell,
        ),
        (
            "classes",
            "[a-z]*".repeat(100),
            "a".repeat(1000),
            Flavor::Go,
        ),
        (
            "dirs_chain",
            format!("{}x", "**/".repeat(200)),
            vec!["a"; 500].join("/"),
            Flavor::DockerIgnore,
        ),
        (
            "worst",
            "*a".repeat(MAX_LEN / 2),
            "a".repeat(MAX_LEN),
            Flavor::Go,
        ),
    ];
    for (name, pattern, path, flavor) in &cases {
        let glob = Glob::new(pattern, *flavor).expect("a valid pattern");
        group.bench_function(*name, |b| {
            b.iter(|| black_box(glob.matches_or_parent(black_box(path))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
