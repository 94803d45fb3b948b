//! Every rule has a document `rules/<name>.md`, every document has a rule, and
//! the examples in the documents are executed:
//!
//! * a ```` ```dockerfile ```` block must produce nothing from the rule;
//! * a ```` ```dockerfile bad ```` block must produce exactly the findings its
//!   annotation lines mark: a line of carets under the marked columns of the
//!   line above, followed by the rule's name or code (annotation lines are
//!   removed before linting);
//! * a ```` ```dockerfile fix ```` block, once the rule's fixes are applied,
//!   must read like the ```` ```dockerfile fixed ```` block after it.
//!
//! After the tags, a block may carry rule options as JSON, e.g.
//! ```` ```dockerfile bad {"trusted-registries": ["docker.io"]} ````; the key
//! `dockerignore` (a list of patterns) stands for the context's `.dockerignore`,
//! `context: true` for a build context on disk without one, `target` (a
//! stage name) for `--target`, and `max-image-size` (a size such as
//! `"300MB"`) for the top-level key of that name.

use slipway::Settings;
use slipway::rules::{self, Options, RuleMeta};
use std::collections::BTreeSet;
use std::path::PathBuf;

struct Block {
    tags: Vec<String>,
    options: Options,
    dockerignore: Option<Vec<String>>,
    context: bool,
    target: Option<String>,
    text: String,
    line: usize,
}

fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = doc.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```dockerfile") else {
            continue;
        };
        let info = info.trim();
        let (tags, json) = match info.find('{') {
            Some(i) => (&info[..i], &info[i..]),
            None => (info, ""),
        };
        let mut value: serde_json::Value = if json.is_empty() {
            serde_json::json!({})
        } else {
            serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("bad options at line {}: {e}", n + 1))
        };
        let dockerignore = value
            .as_object_mut()
            .and_then(|o| o.remove("dockerignore"))
            .map(|v| serde_json::from_value(v).expect("dockerignore is a list of strings"));
        let context = value
            .as_object_mut()
            .and_then(|o| o.remove("context"))
            .is_some_and(|v| v == serde_json::Value::Bool(true))
            || dockerignore.is_some();
        let target = value
            .as_object_mut()
            .and_then(|o| o.remove("target"))
            .map(|v| serde_json::from_value(v).expect("target is a string"));
        let max_image_size = value
            .as_object_mut()
            .and_then(|o| o.remove("max-image-size"))
            .map(|v| {
                let text: String = serde_json::from_value(v).expect("max-image-size is a string");
                slipway::model::size::parse_size(&text)
                    .unwrap_or_else(|e| panic!("bad max-image-size at line {}: {e}", n + 1))
            });
        let mut options: Options = serde_json::from_value(value)
            .unwrap_or_else(|e| panic!("bad options at line {}: {e}", n + 1));
        options.max_image_size = max_image_size;
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
            dockerignore,
            context,
            target,
            text,
            line: n + 1,
        });
    }
    out
}

/// Split annotation lines from the Dockerfile: `(source, expected)` where
/// each expectation is `(line, start column, end column)`, 1-based, in
/// characters, end exclusive.
fn annotations(text: &str, meta: &RuleMeta) -> (String, BTreeSet<(usize, usize, usize)>) {
    let mut source = String::new();
    let mut expected = BTreeSet::new();
    let mut line_no = 0;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('^') {
            let indent = line.len() - trimmed.len();
            let carets = trimmed.chars().take_while(|&c| c == '^').count();
            let id = trimmed[carets..].trim();
            assert!(
                meta.matches(id),
                "annotation names `{id}`, not {}",
                meta.name
            );
            expected.insert((line_no, indent + 1, indent + 1 + carets));
            continue;
        }
        line_no += 1;
        source.push_str(line);
        source.push('\n');
    }
    (source, expected)
}

fn settings(meta: &RuleMeta, b: &Block) -> Settings {
    Settings {
        select: Some(vec![meta.code.to_string()]),
        options: b.options.clone(),
        target: b.target.clone(),
        ..Settings::default()
    }
}

/// What the block says about the file's build context.
fn info(b: &Block) -> slipway::FileInfo<'_> {
    slipway::FileInfo {
        dockerignore: b.dockerignore.as_deref(),
        context: b.context.then(|| std::path::Path::new(".")),
    }
}

fn found(source: &str, meta: &RuleMeta, b: &Block) -> BTreeSet<(usize, usize, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let index = slipway::render::LineIndex::new(source);
    slipway::lint_file(source, &settings(meta, b), info(b))
        .into_iter()
        .filter(|d| d.code == meta.code)
        .map(|d| {
            let start = index.position(d.span.start);
            let end = index.position(d.span.end);
            let (line, col, end_line, end_col) = (start.line, start.column, end.line, end.column);
            let end = if end_line == line {
                end_col
            } else {
                lines[line - 1].chars().count() + 1
            };
            (line, col, end)
        })
        .collect()
}

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules")
}

#[test]
fn every_rule_has_a_document_and_every_document_a_rule() {
    let mut names = BTreeSet::new();
    for meta in rules::metas() {
        let path = docs_dir().join(format!("{}.md", meta.name));
        assert!(
            path.is_file(),
            "rule {} has no document {}",
            meta.code,
            path.display()
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            meta.doc,
            "{}: the compiled-in document differs from the file",
            meta.name
        );
        assert!(names.insert(meta.name), "two rules are named {}", meta.name);
    }
    for entry in std::fs::read_dir(docs_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(
                names.contains(stem.as_str()),
                "{} has no rule",
                path.display()
            );
        }
    }
}

#[test]
fn codes_names_and_equivalents_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut aliases = BTreeSet::new();
    for meta in rules::metas() {
        assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
        assert!(
            meta.code.len() == 5
                && meta.code.starts_with("SW")
                && meta.code[2..].chars().all(|c| c.is_ascii_digit()),
            "bad code {}",
            meta.code
        );
        assert!(
            meta.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "name {} is not kebab-case",
            meta.name
        );
        for h in meta.hadolint {
            assert!(
                h.starts_with("DL") && h.len() == 6,
                "{}: bad hadolint code {h}",
                meta.name
            );
            assert!(aliases.insert(h.to_string()), "{h} is claimed by two rules");
        }
        for b in meta.buildkit {
            assert!(aliases.insert(b.to_string()), "{b} is claimed by two rules");
        }
    }
}

#[test]
fn documents_have_every_section() {
    for meta in rules::metas() {
        let title = format!("# {} ({})", meta.name, meta.code);
        assert!(
            meta.doc.starts_with(&title),
            "{}: the title must be `{title}`",
            meta.name
        );
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Fix safety",
            "## Options",
            "## References",
        ] {
            assert!(
                meta.doc.contains(section),
                "{}: missing section `{section}`",
                meta.name
            );
        }
    }
}

#[test]
fn document_examples_hold() {
    let mut failures = Vec::new();
    for meta in rules::metas() {
        let blocks = blocks(meta.doc);
        assert!(
            blocks.iter().any(|b| b.tags.iter().any(|t| t == "bad")),
            "{}: no `dockerfile bad` example",
            meta.name
        );
        for (i, b) in blocks.iter().enumerate() {
            let tag = b.tags.first().map(String::as_str).unwrap_or("");
            match tag {
                "" => {
                    let got = found(&b.text, meta, b);
                    if !got.is_empty() {
                        failures.push(format!(
                            "{} line {}: clean example reports {got:?}",
                            meta.name, b.line
                        ));
                    }
                }
                "bad" => {
                    let (source, want) = annotations(&b.text, meta);
                    let got = found(&source, meta, b);
                    if got != want {
                        failures.push(format!(
                            "{} line {}: bad example: want (line, col, end col) {want:?}, got {got:?}",
                            meta.name, b.line
                        ));
                    }
                }
                "fix" => {
                    let Some(next) = blocks
                        .get(i + 1)
                        .filter(|n| n.tags.first().is_some_and(|t| t == "fixed"))
                    else {
                        failures.push(format!(
                            "{} line {}: a fix block must be followed by a fixed block",
                            meta.name, b.line
                        ));
                        continue;
                    };
                    let diags: Vec<_> = slipway::lint_file(&b.text, &settings(meta, b), info(b))
                        .into_iter()
                        .filter(|d| d.code == meta.code)
                        .collect();
                    let (fixed, n) = slipway::fix::apply_fixes(&b.text, &diags, &|_| true);
                    if n == 0 || fixed != next.text {
                        failures.push(format!(
                            "{} line {}: fix gives\n{fixed}\nwant\n{}",
                            meta.name, b.line, next.text
                        ));
                    }
                }
                "fixed" => {}
                other => failures.push(format!(
                    "{} line {}: unknown block tag {other}",
                    meta.name, b.line
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
