//! The `slipway` binary, end to end: discovery, formats, exit codes, and files
//! that cannot be read.
//!
//! Every test runs the built binary in a fresh temporary directory. A run that
//! has not finished after a generous deadline is killed and fails the test (it
//! would otherwise hang on a FIFO or a link loop); no test asserts on timing.

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let mut child = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn slipway");
    let input = stdin.map(<[u8]>::to_vec);
    let mut pipe_in = child.stdin.take();
    let feeder = std::thread::spawn(move || {
        if let (Some(pipe), Some(bytes)) = (pipe_in.as_mut(), input) {
            let _ = pipe.write_all(&bytes);
        }
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).unwrap();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("slipway {args:?} did not finish: killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    feeder.join().unwrap();
    Run {
        code: status.code().expect("exited, not killed by a signal"),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
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
    let r = run_with(dir.path(), &args, Some(b"FROM x\nCOPYY a b\n"));
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
    write(d, "b/Dockerfile", b"FROM x\nRUN \xff\n");
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
    let two = "FROM x\nRUNN a\nCOPYY b c\n";
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
    write(d, "Dockerfile", "FROM x\nLABEL ü=1 é\n");
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
    assert_eq!(x["offset"], 18);
    assert_eq!(x["end_offset"], 20);
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
            .ends_with("Found 1 problem in 1 file (2 files checked).\n")
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
    write(d, "Dockerfile", format!("FROM x\n{body}"));
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

    write(d, "bin", b"FROM x\n\xfe\n");
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
