//! Image-size estimation end to end: `slipway size` (human and JSON output,
//! exit codes), the `image-size-budget` gate of `slipway check` (from
//! `slipway.toml` and `--max-image-size`), and the estimator over the corpus.

mod common;

use serde_json::Value;
use slipway::model::size::{self, Certainty};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(120);

/// A two-stage file: a build stage on Debian, a final stage on Alpine that
/// copies a file from the context.
const TWO_STAGES: &str = "\
FROM debian:12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*

FROM alpine:3.24 AS app
COPY app.txt /app/
CMD [\"/app/run\"]
";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_slipway"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir.join(".no-home"))
        .env_remove("XDG_CONFIG_HOME");
    let f = common::run_to_end(&mut cmd, None, DEADLINE);
    Run {
        code: f.code,
        stdout: f.stdout,
        stderr: f.stderr,
    }
}

/// A temporary directory with `files` written in it.
fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn json(r: &Run) -> Value {
    assert_eq!(r.code, 0, "{r:?}");
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {r:?}"))
}

const ALPINE: u64 = 8_420_000;

#[test]
fn size_json_has_stages_instructions_and_the_final_figure() {
    let dir = dir_with(&[("Dockerfile", TWO_STAGES), ("app.txt", "0123456789")]);
    let v = json(&run(
        dir.path(),
        &["size", "--format", "json", "Dockerfile"],
    ));
    // The final image: alpine plus the 10-byte file, all known.
    assert_eq!(v["final_image_bytes"], ALPINE + 10, "{v:#}");
    assert_eq!(v["final_image_certainty"], "known");
    assert_eq!(v["lower_bound"], false);
    assert_eq!(v["target"], 1);
    let stages = v["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0]["name"], "build");
    assert_eq!(stages[0]["base"], "debian:12-slim");
    assert_eq!(stages[0]["in_final_image"], false);
    assert_eq!(stages[1]["bytes"], ALPINE + 10);
    let insts = stages[1]["instructions"].as_array().unwrap();
    assert_eq!(insts[0]["line"], 5);
    assert_eq!(insts[0]["bytes"], 10);
    assert_eq!(insts[0]["certainty"], "known");
    let gcc = &stages[0]["instructions"][0];
    assert_eq!(gcc["line"], 2);
    let (bytes, _) = slipway::model::knowledge::debian_closure(&["gcc"]);
    assert_eq!(gcc["bytes"], bytes);
    assert!(v["unknown"].as_array().unwrap().is_empty());
    assert!(!v["assumptions"].as_array().unwrap().is_empty());

    // --target: the build stage.
    let v = json(&run(
        dir.path(),
        &[
            "size",
            "--format",
            "json",
            "--target",
            "build",
            "Dockerfile",
        ],
    ));
    assert_eq!(v["target"], 0);
    assert_eq!(v["final_image_bytes"], 74_830_000 + bytes);
}

#[test]
fn size_names_unknowns_and_build_args_resolve_the_base() {
    let text = "ARG BASE\nFROM ${BASE}\nRUN pip install flask\nCOPY --from=other /x /x\n";
    let dir = dir_with(&[("Dockerfile", text)]);
    let v = json(&run(
        dir.path(),
        &["size", "--format", "json", "Dockerfile"],
    ));
    assert_eq!(v["lower_bound"], true);
    let unknown: Vec<String> = v["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["what"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(unknown.len(), 3, "{unknown:?}");
    assert!(unknown[0].contains("BASE"), "{unknown:?}");
    assert!(unknown[1].contains("pip install flask"), "{unknown:?}");
    assert!(unknown[2].contains("COPY --from=other"), "{unknown:?}");
    let v = json(&run(
        dir.path(),
        &[
            "size",
            "--format",
            "json",
            "--build-arg",
            "BASE=alpine:3.24",
            "Dockerfile",
        ],
    ));
    assert_eq!(v["final_image_bytes"], ALPINE);
    assert_eq!(v["unknown"].as_array().unwrap().len(), 2);
}

#[test]
fn size_human_output() {
    let dir = dir_with(&[("Dockerfile", TWO_STAGES), ("app.txt", "0123456789")]);
    let r = run(dir.path(), &["size", "Dockerfile"]);
    assert_eq!(r.code, 0, "{r:?}");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("size_human", r.stdout);
    });
    // Lower bounds are marked as such.
    let dir = dir_with(&[("Dockerfile", "FROM alpine:3.24\nRUN make\n")]);
    let r = run(dir.path(), &["size", "Dockerfile"]);
    assert!(
        r.stdout
            .contains("Final image (stage 0): ≥ 8.42 MB (a lower bound: 1 part is unknown)"),
        "{r:?}"
    );
    assert!(r.stdout.contains("line 2: output of make"), "{r:?}");
}

#[test]
fn size_errors_exit_with_2() {
    let dir = dir_with(&[
        ("Dockerfile", "FROM alpine:3.24\nRUNN echo\n"),
        ("ok/Dockerfile", "FROM alpine:3.24\n"),
    ]);
    let r = run(dir.path(), &["size", "Dockerfile"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("syntax errors"), "{r:?}");
    let r = run(dir.path(), &["size", "missing/Dockerfile"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("cannot read missing/Dockerfile"), "{r:?}");
    let r = run(dir.path(), &["size", "--target", "nope", "ok/Dockerfile"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no stage `nope`"), "{r:?}");
    let r = run(
        dir.path(),
        &["size", "--context", "nowhere", "ok/Dockerfile"],
    );
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn budget_gate_fails_the_check() {
    let text = "FROM alpine:3.24\nCOPY big.bin /big.bin\n";
    let big = "x".repeat(2_000_000);
    let dir = dir_with(&[("Dockerfile", text), ("big.bin", big.as_str())]);
    // No budget: quiet.
    let r = run(
        dir.path(),
        &["check", "--select", "image-size-budget", "Dockerfile"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    // Over the budget on the command line.
    let r = run(
        dir.path(),
        &[
            "check",
            "--select",
            "image-size-budget",
            "--format",
            "concise",
            "--max-image-size",
            "10MB",
            "Dockerfile",
        ],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains(
            "Dockerfile:1:1: error[SW427] the final image's estimated size is 10.4 MB, over the budget of 10.0 MB"
        ),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("COPY big.bin /big.bin (2.00 MB, line 2)"),
        "{r:?}"
    );
    // Under it.
    let r = run(
        dir.path(),
        &[
            "check",
            "--select",
            "SW427",
            "--max-image-size",
            "11MB",
            "Dockerfile",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    // From slipway.toml; the command line wins.
    std::fs::write(
        dir.path().join("slipway.toml"),
        "max-image-size = \"10MiB\"\n",
    )
    .unwrap();
    let r = run(dir.path(), &["check", "--select", "SW427", "Dockerfile"]);
    assert_eq!(r.code, 0, "10 MiB is 10.49 MB: {r:?}");
    std::fs::write(
        dir.path().join("slipway.toml"),
        "max-image-size = \"5MB\"\n",
    )
    .unwrap();
    let r = run(dir.path(), &["check", "--select", "SW427", "Dockerfile"]);
    assert_eq!(r.code, 1, "{r:?}");
    let r = run(
        dir.path(),
        &[
            "check",
            "--select",
            "SW427",
            "--max-image-size",
            "1GB",
            "Dockerfile",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    // `slipway size` shows the budget.
    let r = run(dir.path(), &["size", "Dockerfile"]);
    assert!(
        r.stdout
            .contains("Budget (max-image-size): 5.00 MB, over by 5.42 MB"),
        "{r:?}"
    );
    // A bad value is a configuration error pointing at it.
    std::fs::write(
        dir.path().join("slipway.toml"),
        "max-image-size = \"big\"\n",
    )
    .unwrap();
    let r = run(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("invalid `max-image-size` in slipway.toml"),
        "{r:?}"
    );
    assert!(r.stderr.contains("`big` is not a size"), "{r:?}");
    let r = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--max-image-size",
            "big",
            "Dockerfile",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn lower_bounds_say_so() {
    let dir = dir_with(&[("Dockerfile", "FROM debian:12-slim\nRUN pip install numpy\n")]);
    let r = run(
        dir.path(),
        &[
            "check",
            "--select",
            "SW427",
            "--max-image-size",
            "50MB",
            "--format",
            "concise",
            "Dockerfile",
        ],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout
            .contains("is at least 74.8 MB (a lower bound: 1 part is unknown)"),
        "{r:?}"
    );
}

/// Every parseable corpus file gets an estimate; no panic. Prints how many
/// estimates are complete (no unknown part) and the distribution.
#[test]
fn corpus_estimates() {
    let Some(shared) = common::shared_dir("the size corpus test") else {
        return;
    };
    let mut figures = Vec::new();
    let (mut complete, mut partial, mut skipped) = (0usize, 0usize, 0usize);
    for (name, path) in common::corpus_files(&shared) {
        let Ok(source) = std::fs::read_to_string(&path) else {
            skipped += 1;
            continue;
        };
        let parse = slipway::syntax::parse(&source);
        if !parse.errors.is_empty() {
            skipped += 1;
            continue;
        }
        let file = &parse.dockerfile;
        let model = slipway::model::Model::build(file, &HashMap::new());
        let options = slipway::rules::Options::default();
        let cx = slipway::rules::Context::new(&source, file, &model, &options, None);
        let input = size::Input {
            file,
            model: &model,
            target: None,
            context: None,
            dockerignore: None,
        };
        let estimate = size::estimate(&input, &|i| cx.instruction_scripts(i));
        let Some(bytes) = estimate.final_bytes() else {
            if model.stages.is_empty() {
                skipped += 1;
                continue;
            }
            panic!("{name}: no final figure");
        };
        if estimate.final_certainty() == Certainty::Unknown {
            partial += 1;
        } else {
            complete += 1;
        }
        figures.push(bytes);
    }
    figures.sort_unstable();
    assert!(!figures.is_empty());
    let median = figures[figures.len() / 2];
    let max = *figures.last().unwrap();
    eprintln!(
        "size over the corpus: {} estimates, {complete} with no unknown part, {partial} lower bounds, {skipped} skipped; median {}, max {}",
        figures.len(),
        size::format_bytes(median),
        size::format_bytes(max)
    );
}
