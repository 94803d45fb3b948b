//! `ARCHITECTURE.md` stays a true map: every module file of `src/` is named
//! in it, in the section of its directory (a rule's own file aside: the
//! registry and `tests/rule_docs.rs` account for every rule), and so is
//! every test file of `tests/`.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The `### ` sections of the document whose heading names `src/<dir>/` or
/// `src/<dir>.rs`, joined.
fn sections_of<'a>(doc: &'a str, dir: &str) -> Vec<&'a str> {
    doc.split("\n### ")
        .filter(|s| {
            let heading = s.lines().next().unwrap_or_default();
            heading.contains(&format!("`src/{dir}/`"))
                || heading.contains(&format!("`src/{dir}.rs`"))
        })
        .collect()
}

/// Whether `file` (a path under `src/`) is named: as `` `src/<path>` `` or
/// `` `<path>` `` anywhere, or by its file name in its directory's section.
fn named(doc: &str, file: &str) -> bool {
    if doc.contains(&format!("`src/{file}`")) || doc.contains(&format!("`{file}`")) {
        return true;
    }
    let Some((dir, name)) = file.rsplit_once('/') else {
        return false;
    };
    sections_of(doc, dir)
        .iter()
        .any(|s| s.contains(&format!("`{name}`")))
}

#[test]
fn every_module_and_test_file_is_on_the_map() {
    let doc = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let src = repo().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut missing = Vec::new();
    let mut counted = 0;
    for f in &files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let parts: Vec<&str> = rel.split('/').collect();
        // A rule's own file: src/rules/<category>/<rule>.rs.
        if parts.len() == 3 && parts[0] == "rules" {
            continue;
        }
        // A directory's mod.rs is its section.
        if parts.len() > 1 && parts[parts.len() - 1] == "mod.rs" {
            let dir = parts[..parts.len() - 1].join("/");
            if sections_of(&doc, &dir).is_empty() && !doc.contains(&format!("`src/{dir}/`")) {
                missing.push(format!("src/{dir}/ (no section)"));
            }
            counted += 1;
            continue;
        }
        counted += 1;
        if !named(&doc, &rel) {
            missing.push(format!("src/{rel}"));
        }
    }
    let mut tests = Vec::new();
    for e in std::fs::read_dir(repo().join("tests")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|e| e == "rs") {
            tests.push(p.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    tests.sort();
    for t in &tests {
        if !doc.contains(&format!("`tests/{t}`")) {
            missing.push(format!("tests/{t}"));
        }
    }
    assert!(counted > 50, "only {counted} module files found under src/");
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not name these (add each to its section):\n  {}",
        missing.join("\n  ")
    );
}
