//! The `slipway` binary, end to end: discovery, formats, exit codes, rule
//! selection and suppression, `slipway rule(s)`, and files that cannot be read.
//!
//! Tests about rules use the two that are sure to exist, SW101
//! (`workdir-relative-path`, hadolint DL3000) and SW501
//! (`maintainer-deprecated`, DL4000), and look only at their findings.
//!
//! Every test runs the built binary in a fresh temporary directory. A run that
//! has not finished after a generous deadline is killed and fails the test (it
//! would otherwise hang on a FIFO or a link loop); no test asserts on timing.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Kill a run that takes longer than this: it is stuck.
const DEADLINE: Duration = Duration::from_secs(120);

/// A clean Dockerfile.
const CLEAN: &str = "FROM alpine:3.20\nRUN echo hi\n";
/// A Dockerfile with one syntax error: an unknown instruction on line 2.
const TYPO: &str = "FROM alpine:3.20\nRUNN echo hi\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The `path` part of each concise line.
    fn concise_paths(&self) -> BTreeSet<String> {
        self.stdout
            .lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect()
    }
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

/// Run `slipway ARGS` in `dir`, feeding `stdin` (or nothing).
fn run_with(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_slipway"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        // No configuration of the machine running the tests is read.
        .env("HOME", dir.join(".no-home"))
        .env_remove("XDG_CONFIG_HOME");
    let f = common::run_to_end(&mut cmd, stdin.map(<[u8]>::to_vec), DEADLINE);
    Run {
        code: f.code,
        stdout: f.stdout,
        stderr: f.stderr,
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, None)
}

/// Write `content` at `rel` under `dir`, creating parent directories.
fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn finds_dockerfiles_by_name() {
    let dir = tempdir();
    let d = dir.path();
    let found = [
        "Dockerfile",
        "Containerfile",
        "web.Dockerfile",
        "web.dockerfile",
        "Dockerfile.dev",
        "Containerfile.prod",
        "a/b/Dockerfile",
        ".devcontainer/Dockerfile",
    ];
    let not_found = [
        "README.md",
        "dockerfile",
        "Dockerfile.dockerignore",
        "notes.txt",
        "MyDockerfile",
        ".git/Dockerfile",
        ".hg/Dockerfile",
        ".Dockerfile.swp",
    ];
    for f in found.iter().chain(&not_found) {
        write(d, f, TYPO);
    }
    let r = run(d, &["check", "--format", "concise"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.concise_paths(), set(&found), "{r:?}");

    // Naming the directory gives the same files, under its name.
    let r = run(d, &["check", "--format", "concise", "a"]);
    assert_eq!(r.concise_paths(), set(&["a/b/Dockerfile"]), "{r:?}");
}

#[test]
fn honors_gitignore_and_ignore_files() {
    let dir = tempdir();
    let d = dir.path();
    // Not a Git repository: the ignore files apply all the same.
    write(d, ".gitignore", "build/\n*.gen.Dockerfile\n");
    write(d, "sub/.ignore", "vendored/\n");
    for f in [
        "Dockerfile",
        "build/Dockerfile",
        "x.gen.Dockerfile",
        "sub/Dockerfile",
        "sub/vendored/Dockerfile",
    ] {
        write(d, f, TYPO);
    }
    let r = run(d, &["check", "--format", "concise"]);
    assert_eq!(
        r.concise_paths(),
        set(&["Dockerfile", "sub/Dockerfile"]),
        "{r:?}"
    );

    // An ignored file named explicitly is checked, and so is any file name.
    write(d, "notes.txt", TYPO);
    let r = run(
        d,
        &[
            "check",
            "--format",
            "concise",
            "build/Dockerfile",
            "notes.txt",
        ],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(
        r.concise_paths(),
        set(&["build/Dockerfile", "notes.txt"]),
        "{r:?}"
    );
}

#[test]
fn a_file_named_twice_is_reported_once() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", TYPO);
    let r = run(
        dir.path(),
        &[
            "check",
            "--format",
            "concise",
            ".",
            "Dockerfile",
            "./Dockerfile",
        ],
    );
    assert_eq!(r.stdout.lines().count(), 1, "{r:?}");

    // Standard input named like a file on disk is a second input, not a duplicate.
    let args = [
        "check",
        "--format",
        "concise",
        "Dockerfile",
        "-",
        "--stdin-filename",
        "Dockerfile",
    ];
    let r = run_with(dir.path(), &args, Some(b"FROM x:1\nCOPYY a b\n"));
    assert_eq!(
        r.stdout,
        "Dockerfile:2:1: error[SW002] unknown instruction: RUNN (did you mean RUN?)\n\
         Dockerfile:2:1: error[SW002] unknown instruction: COPYY (did you mean COPY?)\n",
        "{r:?}"
    );
}

#[test]
fn reads_standard_input() {
    let dir = tempdir();
    let args = [
        "check",
        "-",
        "--stdin-filename",
        "svc/Dockerfile",
        "--format",
        "concise",
    ];
    let r = run_with(dir.path(), &args, Some(TYPO.as_bytes()));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(
        r.stdout,
        "svc/Dockerfile:2:1: error[SW002] unknown instruction: RUNN (did you mean RUN?)\n"
    );

    // Without a name; and --stdin-filename alone reads standard input too.
    let r = run_with(
        dir.path(),
        &["check", "-", "--format", "concise"],
        Some(TYPO.as_bytes()),
    );
    assert!(r.stdout.starts_with("<stdin>:2:1: error[SW002]"), "{r:?}");
    let args = [
        "check",
        "--stdin-filename",
        "x/Containerfile",
        "--format",
        "concise",
    ];
    let r = run_with(dir.path(), &args, Some(TYPO.as_bytes()));
    assert!(r.stdout.starts_with("x/Containerfile:2:1:"), "{r:?}");

    let r = run_with(dir.path(), &["check", "-"], Some(CLEAN.as_bytes()));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "All checked: 1 file, no problems.\n");
}

#[test]
fn exit_codes() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "clean/Dockerfile", CLEAN);
    write(d, "typo/Dockerfile", TYPO);

    let r = run(d, &["check", "clean"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "All checked: 1 file, no problems.\n"),
        "{r:?}"
    );
    assert_eq!(r.stderr, "");
    let r = run(d, &["check", "typo"]);
    assert_eq!(r.code, 1, "{r:?}");
    let r = run(d, &["check"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout
            .ends_with("Found 1 problem in 1 file (2 files checked).\n"),
        "{r:?}"
    );

    // Usage errors, clap's and our own.
    for args in [
        &["check", "--format", "bogus"][..],
        &["check", "--no-such-flag"],
        &["frobnicate"],
        &[],
        &["parse"],
        &["check", "--stdin-filename", "x", "clean"],
    ] {
        let r = run(d, args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert!(!r.stderr.is_empty(), "{args:?}: {r:?}");
    }
    let r = run(d, &["check", "--stdin-filename", "x", "clean"]);
    assert!(r.stderr.contains("help: add `-`"), "{r:?}");

    // A path that does not exist.
    let r = run(d, &["check", "clean", "missing"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("cannot read missing: no such file or directory"),
        "{r:?}"
    );

    // Help and version are not errors.
    for args in [&["--help"][..], &["check", "--help"], &["--version"]] {
        let r = run(d, args);
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
        assert!(!r.stdout.is_empty());
    }
}

#[test]
fn unreadable_files_are_errors_and_the_others_are_still_checked() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "a/Dockerfile", TYPO);
    write(d, "b/Dockerfile", b"FROM x:1\nRUN \xff\n");
    std::os::unix::fs::symlink("nowhere", d.join("c.Dockerfile")).unwrap();
    let status = Command::new("mkfifo")
        .arg(d.join("d.Dockerfile"))
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo failed");
    write(d, "e/Dockerfile", CLEAN);
    write(d, "f/Dockerfile", TYPO);

    for args in [
        &["check", "--format", "concise"][..],
        // Named explicitly: the same.
        &[
            "check",
            "--format",
            "concise",
            "a/Dockerfile",
            "b/Dockerfile",
            "c.Dockerfile",
            "d.Dockerfile",
            "e/Dockerfile",
            "f/Dockerfile",
        ],
    ] {
        let r = run(d, args);
        assert_eq!(r.code, 2, "{r:?}");
        assert_eq!(
            r.concise_paths(),
            set(&["a/Dockerfile", "f/Dockerfile"]),
            "{r:?}"
        );
        let errors: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.contains("cannot read"))
            .collect();
        assert_eq!(errors.len(), 3, "{r:?}");
        assert!(errors[0].contains("cannot read b/Dockerfile:2:5: the file is not valid UTF-8"));
        assert!(errors[1].contains("cannot read c.Dockerfile: broken symbolic link"));
        assert!(errors[2].contains("cannot read d.Dockerfile: not a regular file: it is a FIFO"));
    }

    let r = run(d, &["check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stdout.ends_with(
            "Found 2 problems in 2 files (3 files checked). 3 files could not be read.\n"
        ),
        "{r:?}"
    );

    let r = run(d, &["check", "--format", "json"]);
    assert_eq!(r.code, 2, "{r:?}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 2, "{r:?}");
    let errors = v["errors"].as_array().unwrap();
    let paths: Vec<&str> = errors.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["b/Dockerfile", "c.Dockerfile", "d.Dockerfile"]);
    assert_eq!(
        errors[0]["start"],
        serde_json::json!({"line": 2, "column": 5})
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("not valid UTF-8")
    );
    assert!(errors[1]["start"].is_null());
}

#[test]
fn symbolic_links_are_not_followed_while_searching() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "a/Dockerfile", TYPO);
    std::os::unix::fs::symlink("..", d.join("a/up")).unwrap();
    std::os::unix::fs::symlink("a", d.join("also-a")).unwrap();
    std::os::unix::fs::symlink("a/Dockerfile", d.join("link.Dockerfile")).unwrap();
    let r = run(d, &["check", "--format", "concise"]);
    assert_eq!(r.code, 1, "{r:?}");
    // The loop and the link to a directory are not entered; a link to a file is read.
    assert_eq!(
        r.concise_paths(),
        set(&["a/Dockerfile", "link.Dockerfile"]),
        "{r:?}"
    );
}

#[test]
fn concise_is_sorted_by_path_then_position() {
    let dir = tempdir();
    let d = dir.path();
    let two = "FROM x:1\nRUNN a\nCOPYY b c\n";
    write(d, "b/Dockerfile", two);
    write(d, "a/z/Dockerfile", TYPO);
    write(d, "a-b/Dockerfile", TYPO);
    write(d, "a/Dockerfile", two);
    let r = run(d, &["check", "--format", "concise"]);
    let lines: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "a/Dockerfile:2:1",
            "a/Dockerfile:3:1",
            "a/z/Dockerfile:2:1",
            "a-b/Dockerfile:2:1",
            "b/Dockerfile:2:1",
            "b/Dockerfile:3:1",
        ],
        "{r:?}"
    );
    // Severity and code follow, then the message; no summary line.
    assert!(
        r.stdout
            .starts_with("a/Dockerfile:2:1: error[SW002] unknown instruction: RUNN")
    );
}

#[test]
fn json_format() {
    let dir = tempdir();
    let d = dir.path();
    // A finding after a two-byte character: columns count characters.
    write(d, "Dockerfile", "FROM x:1\nLABEL ü=1 é\n");
    write(d, "ok.Dockerfile", CLEAN);
    let r = run(d, &["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.stdout.lines().count(), 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["errors"], serde_json::json!([]));
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{r:?}");
    let x = &diags[0];
    assert_eq!(x["path"], "Dockerfile");
    assert_eq!(x["code"], "SW006");
    assert_eq!(x["name"], "invalid-key-value");
    assert_eq!(x["severity"], "error");
    assert!(x["message"].as_str().unwrap().contains("é"));
    assert_eq!(x["start"], serde_json::json!({"line": 2, "column": 11}));
    assert_eq!(x["end"], serde_json::json!({"line": 2, "column": 12}));
    assert_eq!(x["offset"], 20);
    assert_eq!(x["end_offset"], 22);
    assert!(x["help"].is_null());
    assert!(x["hadolint"].is_null());

    // Nothing found: an empty document, still valid.
    let r = run(d, &["check", "--format", "json", "ok.Dockerfile"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"version": 1, "diagnostics": [], "errors": []})
    );
}

#[test]
fn human_output() {
    let dir = tempdir();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        "FROM alpine:3.20\nRUNN apk add curl\nCOPY . /app\n",
    );
    write(d, "sub/Containerfile", CLEAN);
    let r = run(d, &["check", "--color", "never"]);
    assert_eq!(r.code, 1, "{r:?}");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("cli_check_human", r.stdout);
    });

    // --quiet drops the summary line only.
    let q = run(d, &["check", "--color", "never", "--quiet"]);
    assert_eq!(q.code, 1);
    assert!(
        r.stdout.starts_with(&q.stdout) && !q.stdout.contains("Found"),
        "{q:?}"
    );
    assert!(
        r.stdout
            .ends_with("Found 2 problems in 1 file (2 files checked).\n")
    );
}

#[test]
fn color_on_request_only() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", TYPO);
    let always = run(dir.path(), &["check", "--color", "always"]);
    assert!(always.stdout.contains("\x1b["), "{always:?}");
    for args in [&["check", "--color", "never"][..], &["check"]] {
        let r = run(dir.path(), args);
        assert!(!r.stdout.contains('\x1b'), "{args:?}: {r:?}");
        assert!(r.stdout.contains("error[SW002]"));
    }
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    let dir = tempdir();
    let d = dir.path();
    // Well over a pipe buffer of output.
    let body: String = (0..3000).map(|i| format!("RUNN {i}\n")).collect();
    write(d, "Dockerfile", format!("FROM x:1\n{body}"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["check", "--format", "concise"])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before reading anything
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(1), "{stderr}");
}

#[test]
fn parse_prints_the_tree() {
    let dir = tempdir();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        "FROM alpine AS base\nRUN --mount=type=cache,target=/c echo hi\n",
    );
    let r = run(d, &["parse", "Dockerfile"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let insts = v.as_array().unwrap();
    assert_eq!(insts.len(), 2);
    assert_eq!(insts[0]["cmd"], "FROM");
    assert_eq!(
        insts[0]["value"],
        serde_json::json!(["alpine", "AS", "base"])
    );
    assert_eq!(
        insts[1]["flags"],
        serde_json::json!(["--mount=type=cache,target=/c"])
    );
    assert_eq!(
        (
            insts[1]["start_line"].as_u64(),
            insts[1]["end_line"].as_u64()
        ),
        (Some(2), Some(2))
    );
    for key in ["sub_cmd", "json", "original", "heredocs"] {
        assert!(insts[0].get(key).is_some(), "{key}");
    }

    let r = run_with(
        d,
        &["parse", "--format", "dump", "-"],
        Some(CLEAN.as_bytes()),
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "(from \"alpine:3.20\")\n(run \"echo hi\")\n");
}

#[test]
fn parse_reports_syntax_errors_and_unreadable_files() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "Dockerfile", TYPO);
    let r = run(d, &["parse", "--color", "never", "Dockerfile"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .starts_with("error[SW002]: unknown instruction: RUNN"),
        "{r:?}"
    );
    assert!(r.stderr.contains("--> Dockerfile:2:1"), "{r:?}");
    // The tree is printed all the same.
    assert!(serde_json::from_str::<Value>(&r.stdout).is_ok(), "{r:?}");

    write(d, "bin", b"FROM x:1\n\xfe\n");
    let r = run(d, &["parse", "bin"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("cannot read bin:2:1: the file is not valid UTF-8"),
        "{r:?}"
    );
    assert_eq!(r.stdout, "");

    std::fs::create_dir(d.join("dir")).unwrap();
    let r = run(d, &["parse", "dir"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("cannot read dir: not a regular file: it is a directory"),
        "{r:?}"
    );
}

/// One finding of each rule: SW501 on line 2, SW101 on line 3.
const BOTH: &str = "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\nWORKDIR app\n";

/// `code:severity:line` of each SW101/SW501 finding in concise output.
fn findings(r: &Run) -> Vec<String> {
    r.stdout
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let (_, line, _, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            let (severity, rest) = rest.trim_start().split_once('[')?;
            let code = &rest[..rest.find(']')?];
            ["SW101", "SW501"]
                .contains(&code)
                .then(|| format!("{code}:{severity}:{line}"))
        })
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn select_ignore_fail_on_and_exit_zero() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "Dockerfile", BOTH);
    let check = |args: &[&str]| {
        let mut all = vec!["check", "--format", "concise"];
        all.extend_from_slice(args);
        run(d, &all)
    };

    // --select: only these rules (any id form, comma-separated or repeated).
    for args in [
        &["--select", "SW101,SW501"][..],
        &["--select", "workdir-relative-path", "--select", "DL4000"],
        &["--select", "WorkdirRelativePath, maintainer-deprecated"],
    ] {
        let r = check(args);
        assert_eq!(r.code, 1, "{args:?}: {r:?}");
        assert_eq!(
            findings(&r),
            strings(&["SW501:error:2", "SW101:error:3"]),
            "{args:?}: {r:?}"
        );
        // Nothing but what was selected.
        assert_eq!(r.stdout.lines().count(), 2, "{args:?}: {r:?}");
    }
    let r = check(&["--select", "DL3000"]);
    assert_eq!(
        r.stdout,
        "Dockerfile:3:9: error[SW101] WORKDIR `app` is relative: it depends on the working directory of the base image\n",
        "{r:?}"
    );

    // --ignore.
    let r = check(&[
        "--select",
        "SW101,SW501",
        "--ignore",
        "MaintainerDeprecated",
    ]);
    assert_eq!(findings(&r), strings(&["SW101:error:3"]), "{r:?}");
    let r = check(&[
        "--select",
        "SW101,SW501",
        "--ignore",
        "SW101",
        "--ignore",
        "DL4000",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{r:?}");
    // --extend-select adds to the selection.
    let r = check(&["--select", "SW101", "--extend-select", "SW501"]);
    assert_eq!(findings(&r).len(), 2, "{r:?}");

    // --fail-on: exit 1 only at or above it.
    let sel = ["--select", "SW101,SW501"];
    for (fail_on, code) in [("error", 1), ("warning", 1), ("style", 1), ("none", 0)] {
        let r = check(&[&sel[..], &["--fail-on", fail_on]].concat());
        assert_eq!(r.code, code, "--fail-on {fail_on}: {r:?}");
        assert_eq!(findings(&r).len(), 2, "findings are still reported: {r:?}");
    }
    // With the findings lowered to info by a configuration file.
    write(
        d,
        "slipway.toml",
        "[severity]\nSW101 = \"info\"\nSW501 = \"style\"\n",
    );
    for (fail_on, code) in [("error", 0), ("warning", 0), ("info", 1), ("style", 1)] {
        let r = check(&[&sel[..], &["--fail-on", fail_on]].concat());
        assert_eq!(r.code, code, "--fail-on {fail_on}: {r:?}");
    }
    std::fs::remove_file(d.join("slipway.toml")).unwrap();

    // --exit-zero: findings never fail; errors still do.
    let r = check(&[&sel[..], &["--exit-zero"]].concat());
    assert_eq!((r.code, findings(&r).len()), (0, 2), "{r:?}");
    let r = check(&[&sel[..], &["--exit-zero", "Dockerfile", "missing"]].concat());
    assert_eq!(r.code, 2, "{r:?}");

    // A bad --fail-on value is a usage error.
    let r = check(&["--fail-on", "loud"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("loud"), "{r:?}");
}

#[test]
fn unknown_rule_ids_on_the_command_line() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", BOTH);
    for (args, id, suggestion) in [
        (&["--select", "SW101,SW5011"][..], "SW5011", "SW501"),
        (
            &["--extend-select", "workdir-relative-pth"],
            "workdir-relative-pth",
            "workdir-relative-path",
        ),
        (
            &["--ignore", "MaintainerDeprecate"],
            "MaintainerDeprecate",
            "MaintainerDeprecated",
        ),
    ] {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        let r = run(dir.path(), &all);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert_eq!(r.stdout, "", "{args:?}: {r:?}");
        assert!(
            r.stderr.contains(&format!("unknown rule `{id}`")),
            "{args:?}: {r:?}"
        );
        assert!(
            r.stderr.contains(&format!("did you mean `{suggestion}`?")),
            "{args:?}: {r:?}"
        );
    }
    let r = run(dir.path(), &["check", "--ignore", "SC2086"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("ShellCheck"), "{r:?}");
}

#[test]
fn suppression_comments() {
    let dir = tempdir();
    let d = dir.path();
    let check = |text: &str| {
        write(d, "Dockerfile", text);
        let r = run(
            d,
            &["check", "--format", "concise", "--select", "SW101,SW501"],
        );
        (findings(&r), r)
    };
    let none: Vec<String> = Vec::new();

    // The next instruction only, by any id.
    for pragma in [
        "# hadolint ignore=DL4000",
        "# slipway ignore=maintainer-deprecated",
        "# slipway ignore=SW501",
        "# hadolint ignore=DL3008, MaintainerDeprecated # reason",
    ] {
        let text =
            format!("FROM alpine:3.20\n{pragma}\nMAINTAINER Jane\nMAINTAINER Joe\nWORKDIR app\n");
        let (f, r) = check(&text);
        assert_eq!(
            f,
            strings(&["SW501:error:4", "SW101:error:5"]),
            "{pragma}: {r:?}"
        );
    }
    // Global forms.
    for pragma in [
        "# hadolint global ignore=DL4000",
        "# slipway global ignore=maintainer-deprecated,SW101",
    ] {
        let text = format!("{pragma}\nFROM alpine:3.20\nMAINTAINER Jane\nMAINTAINER Joe\n");
        let (f, r) = check(&text);
        assert_eq!(f, none, "{pragma}: {r:?}");
    }
    // BuildKit's check directive: skip, and error=true.
    let (f, r) = check(
        "# check=skip=MaintainerDeprecated\nFROM alpine:3.20\nMAINTAINER Jane\nWORKDIR app\n",
    );
    assert_eq!(f, strings(&["SW101:error:4"]), "{r:?}");
    let (f, r) = check("# check=skip=all\nFROM alpine:3.20\nMAINTAINER Jane\nWORKDIR app\n");
    assert_eq!(f, none, "{r:?}");

    // error=true raises the severity of checks that BuildKit has.
    write(d, "slipway.toml", "[severity]\nSW501 = \"style\"\n");
    let (f, r) = check("FROM alpine:3.20\nMAINTAINER Jane\n");
    assert_eq!(f, strings(&["SW501:style:2"]), "{r:?}");
    let (f, r) = check("# check=error=true\nFROM alpine:3.20\nMAINTAINER Jane\n");
    assert_eq!(f, strings(&["SW501:error:3"]), "{r:?}");
}

#[test]
fn human_output_shows_the_fix_as_help() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", BOTH);
    let r = run(
        dir.path(),
        &["check", "--color", "never", "--select", "SW501"],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains(
            "  = maintainer-deprecated\n  = help: Replace with `LABEL org.opencontainers.image.authors=...`\n"
        ),
        "{r:?}"
    );
}

#[test]
fn json_carries_the_hadolint_code_and_the_fix() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", BOTH);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "--select", "SW101,SW501"],
    );
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2, "{r:?}");
    assert_eq!(diags[0]["code"], "SW501");
    assert_eq!(diags[0]["hadolint"], "DL4000");
    let fix = &diags[0]["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(
        fix["edits"][0]["start"],
        serde_json::json!({"line": 2, "column": 1})
    );
    assert_eq!(
        fix["edits"][0]["replacement"],
        "LABEL org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\""
    );
    assert_eq!(diags[1]["code"], "SW101");
    assert_eq!(diags[1]["hadolint"], "DL3000");
    assert!(diags[1]["fix"].is_null());
}

/// The example in docs/json-format.md is what the binary writes.
#[test]
fn json_format_doc_example_is_real_output() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json-format.md"))
        .unwrap();
    let block = |tag: &str| {
        let start = doc.find(&format!("```{tag}\n")).unwrap() + tag.len() + 4;
        let end = start + doc[start..].find("```").unwrap();
        doc[start..end].to_string()
    };
    let dockerfile = block("dockerfile");
    let want: Value = serde_json::from_str(&block("json")).unwrap();
    // The command the doc shows for the example.
    let command = doc
        .lines()
        .filter(|l| l.contains("Dockerfile.bin"))
        .find_map(|l| {
            let i = l.find("`slipway check --format json")?;
            Some(l[i + 1..].trim_end_matches('`').to_string())
        })
        .unwrap();
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    assert!(args.contains(&"data/Dockerfile.bin"), "{command}");

    let dir = tempdir();
    write(dir.path(), "Dockerfile", &dockerfile);
    write(dir.path(), "data/Dockerfile.bin", b"FROM x:1\nRUN \xff\n");
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 2, "{r:?}");
    let got: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got, want, "{r:?}");
}

#[test]
fn rule_explains_one_rule() {
    let dir = tempdir();
    for id in [
        "DL4000",
        "SW501",
        "maintainer-deprecated",
        "MaintainerDeprecated",
        "sw501",
    ] {
        let r = run(dir.path(), &["rule", id]);
        assert_eq!(r.code, 0, "{id}: {r:?}");
        let mut lines = r.stdout.lines();
        assert_eq!(
            lines.next(),
            Some(
                "SW501 maintainer-deprecated (style, error, fix: safe) — hadolint DL4000, BuildKit MaintainerDeprecated"
            ),
            "{id}: {r:?}"
        );
        assert_eq!(lines.next(), Some(""));
        assert_eq!(
            lines.next(),
            Some("# maintainer-deprecated (SW501)"),
            "{r:?}"
        );
        assert!(r.stdout.contains("## Why is this bad?"), "{r:?}");
    }
    let r = run(dir.path(), &["rule", "DL3000"]);
    assert!(
        r.stdout.starts_with("SW101 workdir-relative-path (correctness, error) — hadolint DL3000, BuildKit WorkdirRelativePath\n"),
        "{r:?}"
    );

    let r = run(dir.path(), &["rule", "maintainer-deprecatd"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("unknown rule `maintainer-deprecatd`"),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("did you mean `maintainer-deprecated`?"),
        "{r:?}"
    );
}

#[test]
fn rules_lists_every_rule() {
    let dir = tempdir();
    let r = run(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let all = v.as_array().unwrap();
    assert_eq!(all.len(), slipway::rules::metas().count());
    let codes: Vec<&str> = all.iter().map(|r| r["code"].as_str().unwrap()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted, "in code order");
    let sw501 = all.iter().find(|r| r["code"] == "SW501").unwrap();
    assert_eq!(
        *sw501,
        serde_json::json!({
            "code": "SW501",
            "name": "maintainer-deprecated",
            "category": "style",
            "severity": "error",
            "default_enabled": true,
            "fix": "safe",
            "hadolint": ["DL4000"],
            "buildkit": ["MaintainerDeprecated"],
            "summary": slipway::rules::lookup("SW501").unwrap().meta().summary,
        })
    );
    let sw101 = all.iter().find(|r| r["code"] == "SW101").unwrap();
    assert_eq!(sw101["fix"], "none");
    assert_eq!(sw101["category"], "correctness");

    let r = run(dir.path(), &["rules"]);
    assert_eq!(r.code, 0, "{r:?}");
    let header = r.stdout.lines().next().unwrap();
    for column in [
        "CODE", "NAME", "CATEGORY", "SEVERITY", "DEFAULT", "FIX", "HADOLINT", "BUILDKIT", "SUMMARY",
    ] {
        assert!(header.contains(column), "{header}");
    }
    assert_eq!(r.stdout.lines().count(), all.len() + 1, "{r:?}");
    let line = r.stdout.lines().find(|l| l.starts_with("SW501 ")).unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        &cells[..8],
        [
            "SW501",
            "maintainer-deprecated",
            "style",
            "error",
            "on",
            "safe",
            "DL4000",
            "MaintainerDeprecated"
        ]
    );
}

/// The bundled examples the README points newcomers at: one clean file, one
/// with exactly one problem.
#[test]
fn bundled_examples_say_what_the_readme_promises() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = run(
        root,
        &[
            "check",
            "--isolated",
            "--format",
            "concise",
            "examples/Dockerfile",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(
        root,
        &[
            "check",
            "--isolated",
            "--format",
            "concise",
            "examples/broken.Dockerfile",
        ],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.stdout.lines().count(), 1, "{r:?}");
    assert!(r.stdout.contains("[SW002]"), "{r:?}");
}

// ---- --fix, --unsafe-fixes and --diff ----------------------------------

/// SW501's safe fix (MAINTAINER to LABEL), and SW101 without a fix.
const FIXABLE: &str = "FROM alpine:3.20\nMAINTAINER Jane\nWORKDIR app\n";
const FIXED: &str =
    "FROM alpine:3.20\nLABEL org.opencontainers.image.authors=\"Jane\"\nWORKDIR app\n";

fn read(dir: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(dir.join(rel)).unwrap()
}

#[test]
fn fix_rewrites_files_and_reports_what_remains() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "a/Dockerfile", FIXABLE);
    write(d, "b/Dockerfile", "FROM alpine:3.20\nMAINTAINER Jane\n");
    write(d, "c/Dockerfile", CLEAN);
    let args = [
        "check",
        "--fix",
        "--color",
        "never",
        "--select",
        "SW101,SW501",
    ];
    let r = run(d, &args);
    // SW101 remains in a/Dockerfile.
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(String::from_utf8(read(d, "a/Dockerfile")).unwrap(), FIXED);
    assert_eq!(
        String::from_utf8(read(d, "b/Dockerfile")).unwrap(),
        "FROM alpine:3.20\nLABEL org.opencontainers.image.authors=\"Jane\"\n"
    );
    assert_eq!(String::from_utf8(read(d, "c/Dockerfile")).unwrap(), CLEAN);
    assert!(r.stdout.contains("a/Dockerfile:3:9"), "{r:?}");
    assert!(!r.stdout.contains("SW501"), "{r:?}");
    assert!(
        r.stdout.ends_with(
            "Fixed 2 problems in 2 files.\nFound 1 problem in 1 file (3 files checked).\n"
        ),
        "{r:?}"
    );
    // Nothing left to fix, nothing left at all: exit 0.
    let r = run(
        d,
        &["check", "--fix", "--select", "SW501", "--format", "concise"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "No fixes applied.\n");
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(d.join("a")).unwrap().collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn diff_prints_the_changes_and_writes_nothing() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "Dockerfile", FIXABLE);
    let r = run(d, &["check", "--diff", "--select", "SW101,SW501"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(
        r.stdout,
        "--- Dockerfile\n+++ Dockerfile\n@@ -1,3 +1,3 @@\n FROM alpine:3.20\n-MAINTAINER Jane\n\
         +LABEL org.opencontainers.image.authors=\"Jane\"\n WORKDIR app\n"
    );
    assert_eq!(r.stderr, "Would fix 1 problem in 1 file.\n");
    assert_eq!(read(d, "Dockerfile"), FIXABLE.as_bytes());
    // --fix --diff is --diff; nothing to change exits with 0.
    let r = run(d, &["check", "--fix", "--diff", "--select", "SW101"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{r:?}");
    assert_eq!(r.stderr, "No fixes to apply.\n");
    assert_eq!(read(d, "Dockerfile"), FIXABLE.as_bytes());
    let r = run(d, &["check", "--diff", "--exit-zero", "--select", "SW501"]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let dir = tempdir();
    let d = dir.path();
    // SW316 (apt -> apt-get) is an unsafe fix.
    let text = "FROM debian:12\nRUN apt install -y curl\n";
    write(d, "Dockerfile", text);
    let r = run(d, &["check", "--fix", "--select", "SW316"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(read(d, "Dockerfile"), text.as_bytes());
    let r = run(
        d,
        &["check", "--fix", "--unsafe-fixes", "--select", "SW316"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        read(d, "Dockerfile"),
        b"FROM debian:12\nRUN apt-get install -y curl\n"
    );
    // --unsafe-fixes alone is a usage error.
    let r = run(d, &["check", "--unsafe-fixes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--fix"), "{r:?}");
}

#[test]
fn fix_keeps_line_endings_bom_mode_and_the_missing_final_newline() {
    let dir = tempdir();
    let d = dir.path();
    let crlf = "\u{feff}FROM alpine:3.20\r\nMAINTAINER Jane\r\nRUN echo hi";
    write(d, "Dockerfile", crlf);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = std::fs::Permissions::from_mode(0o751);
        std::fs::set_permissions(d.join("Dockerfile"), p).unwrap();
    }
    let r = run(d, &["check", "--fix", "--select", "SW501"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        String::from_utf8(read(d, "Dockerfile")).unwrap(),
        "\u{feff}FROM alpine:3.20\r\nLABEL org.opencontainers.image.authors=\"Jane\"\r\nRUN echo hi"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("Dockerfile"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o751);
    }
}

#[test]
fn files_that_cannot_be_written_are_left_intact_and_the_others_fixed() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "ro/Dockerfile", FIXABLE);
    write(d, "rw/Dockerfile", FIXABLE);
    let mut perms = std::fs::metadata(d.join("ro/Dockerfile"))
        .unwrap()
        .permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(d.join("ro/Dockerfile"), perms).unwrap();
    let r = run(
        d,
        &["check", "--fix", "--select", "SW501", "--format", "concise"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("ro/Dockerfile: not fixed: the file is read-only"),
        "{r:?}"
    );
    assert_eq!(read(d, "ro/Dockerfile"), FIXABLE.as_bytes());
    assert_eq!(read(d, "rw/Dockerfile"), FIXED.as_bytes());
    // The read-only file's findings are reported as they are on disk.
    assert_eq!(r.concise_paths(), set(&["ro/Dockerfile"]), "{r:?}");
    assert!(r.stdout.starts_with("ro/Dockerfile:2:1: "), "{r:?}");
}

#[cfg(unix)]
#[test]
fn a_directory_that_is_not_writable_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let d = dir.path();
    write(d, "ro/Dockerfile", FIXABLE);
    std::fs::set_permissions(d.join("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root may write anywhere: nothing to test then.
    let probe = d.join("ro/probe");
    if std::fs::write(&probe, "").is_ok() {
        std::fs::remove_file(&probe).unwrap();
        eprintln!("notice: running as a user who can write in read-only directories; skipped");
        std::fs::set_permissions(d.join("ro"), std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let r = run(d, &["check", "--fix", "--select", "SW501"]);
    std::fs::set_permissions(d.join("ro"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("ro/Dockerfile: not fixed: cannot create a file in"),
        "{r:?}"
    );
    assert_eq!(read(d, "ro/Dockerfile"), FIXABLE.as_bytes());
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_written_through() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "real/Dockerfile.base", FIXABLE);
    std::os::unix::fs::symlink("real/Dockerfile.base", d.join("Dockerfile")).unwrap();
    let r = run(d, &["check", "--fix", "--select", "SW501", "Dockerfile"]);
    assert_eq!(r.code, 0, "{r:?}");
    let link = std::fs::symlink_metadata(d.join("Dockerfile")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!(read(d, "real/Dockerfile.base"), FIXED.as_bytes());

    // One file named twice and through a link: fixed once, no conflict.
    write(d, "real/Dockerfile.base", FIXABLE);
    let args = [
        "check",
        "--fix",
        "--select",
        "SW501",
        "Dockerfile",
        "real/Dockerfile.base",
        "./real/Dockerfile.base",
    ];
    let r = run(d, &args);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(read(d, "real/Dockerfile.base"), FIXED.as_bytes());
    assert!(
        r.stdout.starts_with("Fixed 1 problem in 1 file.\n"),
        "{r:?}"
    );
}

#[test]
fn a_file_with_syntax_errors_is_not_rewritten() {
    let dir = tempdir();
    let d = dir.path();
    let text = "FROM alpine:3.20\nMAINTAINER Jane\nRUNN echo hi\n";
    write(d, "Dockerfile", text);
    let r = run(d, &["check", "--fix", "--format", "concise"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(read(d, "Dockerfile"), text.as_bytes());
    assert!(
        r.stderr
            .contains("Dockerfile: not fixed: the file has syntax errors"),
        "{r:?}"
    );
    assert!(r.stdout.contains("error[SW002]"), "{r:?}");
}

#[test]
fn fix_on_standard_input_prints_the_fixed_text() {
    let dir = tempdir();
    let args = [
        "check",
        "--fix",
        "-",
        "--select",
        "SW101,SW501",
        "--color",
        "never",
    ];
    let r = run_with(dir.path(), &args, Some(FIXABLE.as_bytes()));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.stdout, FIXED);
    assert!(r.stderr.contains("SW101"), "{r:?}");
    assert!(r.stderr.contains("Fixed 1 problem in 1 file."), "{r:?}");
    // Nothing to fix: the text as it came.
    let r = run_with(dir.path(), &["check", "--fix", "-"], Some(CLEAN.as_bytes()));
    assert_eq!((r.code, r.stdout.as_str()), (0, CLEAN), "{r:?}");
}
