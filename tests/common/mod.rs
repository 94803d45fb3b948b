//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared` beside the checkout, when present. When it is absent the test
/// prints a notice and is skipped, except under `CI=true`, where it fails.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("../shared is missing, but CI=true: {what} cannot be skipped");
    }
    eprintln!("notice: ../shared is absent; skipping {what}");
    None
}

/// The corpus files (name, path), sorted, without the manifest.
pub fn corpus_files(shared: &std::path::Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<_> = std::fs::read_dir(shared.join("corpus"))
        .expect("corpus dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "MANIFEST.tsv"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    files.sort();
    files
}
