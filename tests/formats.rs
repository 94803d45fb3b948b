//! The report formats through the command line: SARIF validated against the
//! official SARIF 2.1.0 JSON schema, checkstyle, GitLab, GitHub, `--output`
//! and `--statistics`.
//!
//! The schema ships in the npm package `@microsoft/jest-sarif`
//! (`lib/schemas/sarif-2.1.0-rtm.5.json`); `.ci/run` unpacks it under
//! `target/ci/`. `SLIPWAY_SARIF_SCHEMA` may point elsewhere. Without it the
//! schema test prints a notice and is skipped, except under `CI=true`.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

const BAD: &str = "FROM ubuntu\nMAINTAINER someone <a@b.c>\nRUN apt-get update && apt-get install -y curl | tee log\nEXPOSE 70000\nRUNN x\n";

fn slipway(dir: &Path, args: &[&str]) -> common::Finished {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"));
    cmd.current_dir(dir).args(args).env("NO_COLOR", "1");
    common::run_to_end(&mut cmd, None, Duration::from_secs(60))
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), BAD).unwrap();
    std::fs::create_dir(dir.path().join("web service")).unwrap();
    std::fs::write(
        dir.path().join("web service/Dockerfile"),
        "FROM alpine:3.20\nRUN apk add curl && echo \"é 😀\" \nCMD app\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.Dockerfile"), b"FROM x\n\xff\n").unwrap();
    dir
}

fn schema_path() -> Option<PathBuf> {
    let path = std::env::var_os("SLIPWAY_SARIF_SCHEMA").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/ci/package/lib/schemas/sarif-2.1.0-rtm.5.json")
        },
        PathBuf::from,
    );
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the SARIF schema is required when CI=true: {} (see .ci/run)",
        path.display()
    );
    eprintln!(
        "notice: no SARIF schema at {}; skipping the schema check",
        path.display()
    );
    None
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let dir = fixture();
    let r = slipway(dir.path(), &["check", "--format", "sarif", "."]);
    assert_eq!(r.code, 2, "an unreadable file makes it 2: {}", r.stderr);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).expect("SARIF is JSON");
    // What GitHub code scanning needs, whatever the schema says.
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 6, "{results:?}");
    for res in results {
        let id = res["ruleId"].as_str().unwrap();
        assert!(
            rules.iter().any(|r| r["id"] == id),
            "{id} is not in rules[]"
        );
        let region = &res["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"web%20service/Dockerfile"), "{uris:?}");
    for rule in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            let text = rule[key]["text"].as_str().unwrap_or("");
            assert!(!text.is_empty() && text.len() <= 1024, "{rule}");
        }
    }
    let notes = &run["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes.as_array().unwrap().len(), 1);

    let Some(schema_path) = schema_path() else {
        return;
    };
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("urn:sarif-schema", schema)
        .expect("the schema loads");
    let id = compiler
        .compile("urn:sarif-schema", &mut schemas)
        .expect("the schema compiles");
    if let Err(e) = schemas.validate(&log, id) {
        panic!("SARIF output does not follow the schema: {e:#}");
    }
}

#[test]
fn checkstyle_gitlab_and_github() {
    let dir = fixture();
    let r = slipway(
        dir.path(),
        &["check", "--format", "checkstyle", "Dockerfile"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle")
    );
    assert!(r.stdout.contains("<file name=\"Dockerfile\">"));
    assert!(r.stdout.contains("source=\"slipway.SW002\""));
    assert_eq!(r.stdout.matches("<file ").count(), 1);

    let r = slipway(dir.path(), &["check", "--format", "gitlab", "."]);
    let issues: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert!(issues.iter().all(|i| {
        ["description", "check_name", "fingerprint", "severity"]
            .iter()
            .all(|k| i[*k].as_str().is_some_and(|s| !s.is_empty()))
            && i["location"]["lines"]["begin"].as_u64().is_some()
    }));
    assert!(issues.iter().any(|i| i["check_name"] == "unreadable"));

    let r = slipway(dir.path(), &["check", "--format", "github", "Dockerfile"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error file=Dockerfile,line=")
                || l.starts_with("::warning file=Dockerfile,line=")
                || l.starts_with("::notice file=Dockerfile,line="))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("line=5,col=1,") && l.contains("SW002"))
    );
}

#[test]
fn output_file_and_statistics() {
    let dir = fixture();
    let report = dir.path().join("out/report.json");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let r = slipway(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "-o",
            "out/report.json",
            "Dockerfile",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let diags = doc["diagnostics"].as_array().unwrap();

    let r = slipway(
        dir.path(),
        &["check", "--statistics", "--format", "json", "Dockerfile"],
    );
    let stats: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let total: u64 = stats.iter().map(|s| s["count"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, diags.len());
    for s in &stats {
        let n = diags.iter().filter(|d| d["code"] == s["code"]).count();
        assert_eq!(s["count"].as_u64().unwrap() as usize, n, "{s}");
    }

    let r = slipway(dir.path(), &["check", "--statistics", "Dockerfile"]);
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.trim_start().starts_with(|c: char| c.is_ascii_digit()),
        "{first}"
    );
    assert!(
        r.stdout
            .contains("SW501  maintainer-deprecated  [1 fixable]"),
        "{}",
        r.stdout
    );

    // A report path that cannot be written is an error (exit 2), with a message.
    let r = slipway(
        dir.path(),
        &["check", "-o", "no/such/dir/report.txt", "Dockerfile"],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot write"), "{}", r.stderr);
}
