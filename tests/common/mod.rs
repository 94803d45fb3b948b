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

/// What a finished process gave back.
pub struct Finished {
    /// Its exit code.
    pub code: i32,
    /// Everything it wrote on standard output.
    pub stdout: String,
    /// Everything it wrote on standard error.
    pub stderr: String,
}

/// Spawn `cmd` (its stdout and stderr piped, its stdin piped when `stdin` is
/// given), feed it `stdin`, and collect its output. A process still running
/// after `deadline` is killed and the test fails: a hang is a bug.
pub fn run_to_end(
    cmd: &mut std::process::Command,
    stdin: Option<Vec<u8>>,
    deadline: std::time::Duration,
) -> Finished {
    use std::io::{Read, Write};
    use std::process::Stdio;
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn the process");
    let mut pipe_in = child.stdin.take();
    let feeder = std::thread::spawn(move || {
        if let (Some(pipe), Some(bytes)) = (pipe_in.as_mut(), stdin) {
            let _ = pipe.write_all(&bytes);
        }
    });
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut err = child.stderr.take().expect("stderr is piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).expect("stdout is UTF-8");
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).expect("stderr is UTF-8");
        s
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the process") {
            break status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish in {deadline:?}: killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    feeder.join().expect("feeding stdin");
    Finished {
        code: status.code().expect("exited, not killed by a signal"),
        stdout: out.join().expect("reading stdout"),
        stderr: err.join().expect("reading stderr"),
    }
}

/// Run the built `slipway` in `dir` (no color): exit code, standard output
/// and standard error.
pub fn slipway_output(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Run `git` in `dir` with a throw-away identity and no signing; it must
/// succeed.
pub fn git(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// Make `dir` a Git repository on branch `main` with everything in it
/// committed.
pub fn git_commit_all(dir: &std::path::Path, message: &str) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// A test that cannot run here: a notice and `None`, or under `CI=true` a
/// failure (`.ci/run` installs what the test needs).
pub fn unavailable<T>(why: &str, what: &str) -> Option<T> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}, but CI=true: {what} cannot be skipped (see .ci/run)");
    }
    eprintln!("notice: {why}; skipping {what}");
    None
}

/// The stand-in image store (`scripts/standin-images`) for tests that
/// build images for real: `CONTAINERS_STORAGE_CONF`, or
/// `target/standin/storage.conf`, when buildah is on `PATH` and the store
/// exists; otherwise [`unavailable`].
pub fn standin_store(what: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("buildah").is_file()));
    if !on_path {
        return unavailable("buildah is not on PATH", what);
    }
    let conf = standin_conf();
    if !conf.is_file() {
        return unavailable(
            &format!("{} is missing (run scripts/standin-images)", conf.display()),
            what,
        );
    }
    Some(conf)
}

/// Where the stand-in image store is configured: `CONTAINERS_STORAGE_CONF`,
/// or the file `scripts/standin-images` writes.
pub fn standin_conf() -> PathBuf {
    std::env::var_os("CONTAINERS_STORAGE_CONF")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/standin/storage.conf")
        })
}
