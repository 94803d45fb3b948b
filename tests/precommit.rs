//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run for real: a
//! throw-away git repository uses this repository (at its current commit) as
//! a hook repository; a bad Dockerfile stops the commit, a good one passes,
//! and `slipway-fix` rewrites what it can.
//!
//! Needs `pre-commit` (`pip install pre-commit`) and git. Without them the
//! test prints a notice and is skipped, except under `CI=true`. pre-commit
//! builds Slipway with `cargo install` (language: rust); the build goes to
//! `target/pre-commit` with a quick profile so that it stays cheap.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn required(what: &str) -> bool {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what} is required when CI=true"
    );
    eprintln!("notice: {what} is not available; skipping the pre-commit test");
    false
}

fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn git(dir: &Path, args: &[&str]) -> common::Finished {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).args(args);
    common::run_to_end(&mut cmd, None, Duration::from_secs(60))
}

/// Run `pre-commit` or `git commit` in `dir` with the environment the hooks
/// need: their own cache and a quick Cargo profile for the hook's build.
fn with_env(cmd: &mut Command, dir: &Path, home: &Path) {
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/pre-commit");
    cmd.current_dir(dir)
        .env("PRE_COMMIT_HOME", home)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("NO_COLOR", "1");
}

fn commit(dir: &Path, home: &Path, message: &str) -> common::Finished {
    let mut cmd = Command::new("git");
    cmd.args(["commit", "-q", "-m", message]);
    with_env(&mut cmd, dir, home);
    common::run_to_end(&mut cmd, None, Duration::from_secs(1200))
}

#[test]
fn hooks_stop_a_bad_dockerfile_and_pass_a_good_one() {
    if !available("git") {
        required("git");
        return;
    }
    let pre_commit = std::env::var("PRE_COMMIT").unwrap_or_else(|_| "pre-commit".into());
    if !available(&pre_commit) {
        required("pre-commit");
        return;
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let head = git(&here, &["rev-parse", "HEAD"]);
    let hooks = git(&here, &["cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"]);
    if head.code != 0 || hooks.code != 0 {
        // A checkout without history, or hooks not committed yet.
        required("a commit of this repository with .pre-commit-hooks.yaml");
        return;
    }
    let rev = head.stdout.trim();

    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let home = tmp.path().join("cache");
    std::fs::create_dir(&repo).unwrap();
    for args in [
        &["init", "-q"][..],
        &["config", "user.email", "ci@example.com"],
        &["config", "user.name", "CI"],
        &["config", "commit.gpgsign", "false"],
    ] {
        assert_eq!(git(&repo, args).code, 0);
    }
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: slipway-fix\n      - id: slipway\n",
        here.display()
    );
    std::fs::write(repo.join(".pre-commit-config.yaml"), config).unwrap();
    let mut install = Command::new(&pre_commit);
    install.arg("install");
    with_env(&mut install, &repo, &home);
    let r = common::run_to_end(&mut install, None, Duration::from_secs(120));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(git(&repo, &["add", ".pre-commit-config.yaml"]).code, 0);

    // Not a Dockerfile: the hooks do not run on it.
    std::fs::write(repo.join("README.md"), "FROM nothing\n").unwrap();
    assert_eq!(git(&repo, &["add", "README.md"]).code, 0);
    let r = commit(&repo, &home, "setup");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    // A finding no fix removes: the commit fails and names it.
    let bad = "FROM ubuntu:24.04\nWORKDIR app\nCMD [\"/app/run\"]\n";
    std::fs::write(repo.join("Dockerfile"), bad).unwrap();
    assert_eq!(git(&repo, &["add", "Dockerfile"]).code, 0);
    let r = commit(&repo, &home, "bad");
    assert_ne!(r.code, 0, "a bad Dockerfile must stop the commit");
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(said.contains("SW101"), "{said}");

    // A fixable finding: slipway-fix rewrites the file and stops the commit
    // (the file changed); staged again, it passes.
    let fixable = "FROM ubuntu:24.04\nMAINTAINER someone\nWORKDIR /app\nCMD [\"/app/run\"]\n";
    std::fs::write(repo.join("Dockerfile"), fixable).unwrap();
    assert_eq!(git(&repo, &["add", "Dockerfile"]).code, 0);
    let r = commit(&repo, &home, "fixable");
    assert_ne!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let fixed = std::fs::read_to_string(repo.join("Dockerfile")).unwrap();
    assert!(
        !fixed.contains("MAINTAINER") && fixed.contains("LABEL"),
        "{fixed}"
    );
    assert_eq!(git(&repo, &["add", "Dockerfile"]).code, 0);
    let r = commit(&repo, &home, "fixed");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(git(&repo, &["log", "--oneline"]).stdout.lines().count(), 2);
}
