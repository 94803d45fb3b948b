//! Fixes over real Dockerfiles and over the rule documents.
//!
//! * Every file of the shared corpus (`../shared/corpus`), fixed with every
//!   rule on and unsafe fixes too: the result has no syntax error the file
//!   did not have (Dockerfile or shell), a second run changes nothing, the
//!   composed edits rebuild the result from the original (so no byte outside
//!   them changed), no rule that was clean before fires after (but for
//!   the few a fix reveals, listed in `REVEALS`), no fix was
//!   dropped as broken, and every fix has an applicability its rule declares.
//!   The numbers (files changed, fixes per rule) are printed; run with
//!   `--nocapture` to see them.
//! * Every rule that declares a fix has a `fix` example, and only those do;
//!   the engine (all rounds) turns each `fix` block into its `fixed` block; a
//!   block tagged `fix safe` gets only safe fixes, one tagged `fix unsafe` at
//!   least one unsafe fix.

mod common;

use slipway::diagnostic::{Applicability, Edit};
use slipway::fix::{FixOutcome, Policy, fix_file};
use slipway::rules::{self, FixKind, Options};
use slipway::{FileInfo, Settings};
use std::collections::{BTreeMap, BTreeSet};

/// Fixes that let another rule see what it could not before, so that it may
/// fire after them although the file was clean for it: `(fix, rule)`.
/// `apt install` becomes `apt-get install`, whose packages apt-get-unpinned
/// checks (as hadolint, it does not check `apt`).
const REVEALS: &[(&str, &str)] = &[("SW316", "SW306")];

fn every_rule() -> Settings {
    Settings {
        select: Some(vec!["ALL".to_string()]),
        ..Settings::default()
    }
}

/// Apply sorted, disjoint edits: written here again, so that the check does
/// not trust the engine's own splicing.
fn splice(original: &str, edits: &[Edit]) -> Result<String, String> {
    let mut out = String::new();
    let mut pos = 0;
    for e in edits {
        if e.span.start < pos || e.span.end < e.span.start || e.span.end > original.len() {
            return Err(format!("edit {e:?} is out of order or out of the text"));
        }
        let (Some(before), Some(_)) = (
            original.get(pos..e.span.start),
            original.get(e.span.start..e.span.end),
        ) else {
            return Err(format!("edit {e:?} cuts a character"));
        };
        out.push_str(before);
        out.push_str(&e.replacement);
        pos = e.span.end;
    }
    out.push_str(&original[pos..]);
    Ok(out)
}

/// How many scripts of the file the shell parser cannot read.
fn shell_errors(text: &str) -> usize {
    let parse = slipway::syntax::parse(text);
    parse
        .dockerfile
        .instructions
        .iter()
        .flat_map(slipway::shell::instruction_scripts)
        .filter(|s| s.error.is_some())
        .count()
}

/// The problems with one fixed corpus file.
fn check_file(name: &str, source: &str, outcome: &FixOutcome, failures: &mut Vec<String>) {
    let settings = every_rule();
    let mut fail = |what: String| failures.push(format!("{name}: {what}"));
    let before = slipway::lint_file(source, &settings, FileInfo::default());
    for d in &before {
        if let Some(fix) = &d.fix {
            let meta = rules::by_code(d.code).expect("a rule's code").meta();
            if !meta.fix.allows(fix.applicability) {
                fail(format!(
                    "{} offers a {:?} fix but declares {:?}",
                    d.code, fix.applicability, meta.fix
                ));
            }
        }
    }
    if outcome.syntax_errors {
        if outcome.changed() {
            fail("a file with syntax errors was changed".to_string());
        }
        return;
    }
    for d in &outcome.dropped {
        fail(format!("{} ({}) dropped: {}", d.code, d.title, d.reason));
    }
    if !outcome.converged {
        fail("the fixes did not settle".to_string());
    }
    match splice(source, &outcome.edits) {
        Ok(text) if text == outcome.text => {}
        Ok(_) => fail("the edits do not give the fixed text".to_string()),
        Err(e) => fail(e),
    }
    if !outcome.changed() {
        return;
    }
    let errors = slipway::syntax::parse(&outcome.text).errors;
    if !errors.is_empty() {
        fail(format!("the fixed text has syntax errors: {errors:?}"));
    }
    if shell_errors(&outcome.text) > shell_errors(source) {
        fail("a shell script became unreadable".to_string());
    }
    let again = fix_file(
        &outcome.text,
        &settings,
        FileInfo::default(),
        Policy::Unsafe,
    );
    if again.changed() {
        fail(format!(
            "a second run changes it again: {:?}",
            again.applied
        ));
    }
    let clean_before: BTreeSet<&str> = rules::metas()
        .map(|m| m.code)
        .filter(|c| !before.iter().any(|d| d.code == *c))
        .collect();
    let revealed = |code: &str| {
        REVEALS
            .iter()
            .any(|(by, what)| *what == code && outcome.applied.iter().any(|(c, _)| c == by))
    };
    let new: BTreeSet<&str> = outcome
        .diagnostics
        .iter()
        .map(|d| d.code)
        .filter(|c| clean_before.contains(c) && !revealed(c))
        .collect();
    if !new.is_empty() {
        fail(format!("rules that were clean now fire: {new:?}"));
    }
}

#[test]
fn fixing_the_corpus_keeps_it_valid_and_is_idempotent() {
    let Some(shared) = common::shared_dir("the fix corpus test") else {
        return;
    };
    let settings = every_rule();
    let mut failures = Vec::new();
    let mut changed = BTreeMap::from([("safe", 0usize), ("unsafe", 0usize)]);
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut files = 0;
    for (name, path) in common::corpus_files(&shared) {
        let bytes = std::fs::read(&path).expect("read a corpus file");
        let Ok(source) = slipway::syntax::decode(&bytes) else {
            continue;
        };
        files += 1;
        let safe = fix_file(source, &settings, FileInfo::default(), Policy::Safe);
        let all = fix_file(source, &settings, FileInfo::default(), Policy::Unsafe);
        check_file(&name, source, &all, &mut failures);
        *changed.get_mut("safe").unwrap() += usize::from(safe.changed());
        *changed.get_mut("unsafe").unwrap() += usize::from(all.changed());
        for (code, n) in &safe.applied {
            per_rule.entry(code).or_default().0 += n;
        }
        for (code, n) in &all.applied {
            per_rule.entry(code).or_default().1 += n;
        }
    }
    println!(
        "{files} corpus files: {} changed by --fix, {} by --fix --unsafe-fixes",
        changed["safe"], changed["unsafe"]
    );
    println!("fixes per rule (--fix, --fix --unsafe-fixes):");
    for (code, (safe, all)) in &per_rule {
        let name = rules::by_code(code).map_or("?", |r| r.meta().name);
        println!("  {code} {name:<36} {safe:>5} {all:>5}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A ```` ```dockerfile ```` block of a rule document.
struct Block {
    tags: Vec<String>,
    options: Options,
    text: String,
    line: usize,
}

/// The blocks of a document (the keys that are not rule options, such as
/// `dockerignore` or `target`, are dropped: fix examples do not use them).
fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = doc.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```dockerfile") else {
            continue;
        };
        let (tags, json) = info
            .trim()
            .split_at(info.trim().find('{').unwrap_or(info.trim().len()));
        let mut value: serde_json::Value = if json.is_empty() {
            serde_json::json!({})
        } else {
            serde_json::from_str(json).expect("options are JSON")
        };
        if let Some(o) = value.as_object_mut() {
            for key in ["dockerignore", "context", "target", "max-image-size"] {
                o.remove(key);
            }
        }
        let options: Options = serde_json::from_value(value).expect("rule options");
        let mut text = String::new();
        for (_, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            text.push_str(l);
            text.push('\n');
        }
        out.push(Block {
            tags: tags.split_whitespace().map(str::to_string).collect(),
            options,
            text,
            line: n + 1,
        });
    }
    out
}

#[test]
fn fix_examples_match_the_declared_fixes() {
    let mut failures = Vec::new();
    for meta in rules::metas() {
        let blocks = blocks(meta.doc);
        let fixes: Vec<(usize, &Block)> = blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| b.tags.first().is_some_and(|t| t == "fix"))
            .collect();
        match (meta.fix, fixes.is_empty()) {
            (FixKind::None, false) => failures.push(format!(
                "{}: has a fix example but declares no fix",
                meta.name
            )),
            (FixKind::None, true) => continue,
            (_, true) => failures.push(format!(
                "{}: declares {:?} fixes but has no fix example",
                meta.name, meta.fix
            )),
            _ => {}
        }
        for (i, b) in fixes {
            let settings = Settings {
                select: Some(vec![meta.code.to_string()]),
                options: b.options.clone(),
                ..Settings::default()
            };
            let found: Vec<Applicability> = slipway::lint_with(&b.text, &settings)
                .into_iter()
                .filter_map(|d| d.fix.map(|f| f.applicability))
                .collect();
            let at = format!("{} line {}", meta.name, b.line);
            if found.is_empty() {
                failures.push(format!("{at}: no fix"));
            }
            if let Some(a) = found.iter().find(|a| !meta.fix.allows(**a)) {
                failures.push(format!(
                    "{at}: a {a:?} fix, but the rule declares {:?}",
                    meta.fix
                ));
            }
            let tagged = |t: &str| b.tags.iter().any(|x| x == t);
            if tagged("safe") && found.iter().any(|a| *a != Applicability::Safe) {
                failures.push(format!("{at}: tagged safe, but gets {found:?}"));
            }
            if tagged("unsafe") && !found.contains(&Applicability::Unsafe) {
                failures.push(format!("{at}: tagged unsafe, but gets {found:?}"));
            }
            let outcome = fix_file(&b.text, &settings, FileInfo::default(), Policy::Unsafe);
            match blocks.get(i + 1) {
                Some(next) if next.tags.first().is_some_and(|t| t == "fixed") => {
                    if outcome.text != next.text {
                        failures.push(format!(
                            "{at}: all rounds give\n{}\nwant\n{}",
                            outcome.text, next.text
                        ));
                    }
                }
                _ => failures.push(format!("{at}: no fixed block after it")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The corpus with CRLF line endings and a byte-order mark fixes exactly as
/// with LF and no mark: rules' spans and replacements follow the file's
/// line endings.
#[test]
fn crlf_and_bom_fix_like_lf() {
    let Some(shared) = common::shared_dir("the CRLF fix corpus test") else {
        return;
    };
    let settings = every_rule();
    let mut failures = Vec::new();
    for (name, path) in common::corpus_files(&shared) {
        let bytes = std::fs::read(&path).expect("read a corpus file");
        let Ok(source) = slipway::syntax::decode(&bytes) else {
            continue;
        };
        if source.contains('\r') || source.starts_with('\u{feff}') {
            continue;
        }
        let crlf = format!("\u{feff}{}", source.replace('\n', "\r\n"));
        let lf = fix_file(source, &settings, FileInfo::default(), Policy::Unsafe);
        let got = fix_file(&crlf, &settings, FileInfo::default(), Policy::Unsafe);
        let want = format!("\u{feff}{}", lf.text.replace('\n', "\r\n"));
        if got.text != want {
            let line = got
                .text
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |i| i + 1);
            failures.push(format!(
                "{name}: differs from line {line}: {:?} against {:?} with LF",
                got.applied, lf.applied
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The fix of `single-stage-build` (the multi-stage rewrite) is not applied
/// when the rewrite would add a finding the file does not have: here the
/// runtime must install `curl` for the HEALTHCHECK (the builder image has
/// it), unpinned (apt-get-unpinned), where the file installs nothing.
/// A rewrite that adds nothing is applied.
#[test]
fn the_rewrite_fix_adds_no_finding() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/split");
    let settings = Settings::default();
    let pnpm = std::fs::read_to_string(fixtures.join("node-pnpm.Dockerfile")).unwrap();
    assert!(
        slipway::lint_with(&pnpm, &settings)
            .iter()
            .any(|d| d.code == "SW424" && d.fix.is_some()),
        "single-stage-build offers the rewrite"
    );
    let outcome = fix_file(&pnpm, &settings, FileInfo::default(), Policy::Unsafe);
    assert!(
        !outcome.applied.iter().any(|(code, _)| *code == "SW424"),
        "{:?}\n{}",
        outcome.applied,
        outcome.text
    );
    assert!(outcome.dropped.is_empty(), "{:?}", outcome.dropped);

    let go = std::fs::read_to_string(fixtures.join("go-static.Dockerfile")).unwrap();
    let outcome = fix_file(&go, &settings, FileInfo::default(), Policy::Unsafe);
    assert!(
        outcome.applied.iter().any(|(code, _)| *code == "SW424"),
        "{:?}",
        outcome.applied
    );
    let before: BTreeSet<&str> = slipway::lint_with(&go, &settings)
        .iter()
        .map(|d| d.code)
        .collect();
    for d in slipway::lint_with(&outcome.text, &settings) {
        assert!(before.contains(d.code), "new {}: {}", d.code, d.message);
    }
}
