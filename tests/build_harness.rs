//! The real-build harness: every fixture app under `tests/build/apps/` built
//! for real, and every promise of the optimizer checked against the build.
//!
//! For each app, `slipway verify` (with the app's probe from its `app.toml`)
//! is run three times: on `slipway split`'s rewrite, on the safe fixes
//! (`--fix`) and on the safe and unsafe fixes (`--fix --unsafe-fixes`).
//! What must hold:
//!
//! * the original builds and passes its probe;
//! * a rewrite `split` offers builds and passes the probe, and its final
//!   image is at least 80% smaller than the original's (a compiled-language
//!   app) or 40% smaller (any other), in real bytes; a declined rewrite
//!   gives its reasons;
//! * the safe fixes keep the build working and the probe passing;
//! * where the cache-order fix (`copy-all-before-install`) applies, a
//!   one-line change to a source file no longer re-runs the dependency
//!   install.
//!
//! The unsafe fixes are built and recorded, not required to be equivalent.
//!
//! Which apps: `SLIPWAY_HARNESS_APPS` (comma-separated names, or `all`);
//! by default the subset in `tests/build/harness-subset.txt`, which CI runs.
//! With `SLIPWAY_HARNESS_REPORT=FILE` the results are written to FILE as
//! Markdown (`scripts/verified-builds` writes `docs/verified-builds.md`
//! that way). Builds use the stand-in base images of
//! `scripts/standin-images`, in the storage `target/standin/storage.conf`
//! names. Without `buildah` the test prints a notice and is skipped, except
//! under `CI=true`, where it fails.

mod common;

use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const WHAT: &str = "the real-build harness";

/// An app's `app.toml`, the parts the harness reads.
#[derive(Debug, serde::Deserialize)]
struct AppToml {
    description: String,
    language: String,
    #[serde(default)]
    compiled: bool,
    probe: Probe,
    #[serde(default)]
    rebuild: Option<Rebuild>,
}

#[derive(Debug, serde::Deserialize)]
struct Probe {
    kind: String,
    #[serde(default)]
    port: Option<u16>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    expect: Option<String>,
    #[serde(default)]
    args: Option<Vec<String>>,
}

#[derive(Debug, serde::Deserialize)]
struct Rebuild {
    touch: String,
}

struct App {
    name: String,
    dir: PathBuf,
    toml: AppToml,
}

fn apps_dir() -> PathBuf {
    repo().join("tests/build/apps")
}

fn all_apps() -> Vec<App> {
    let mut apps = Vec::new();
    let Ok(entries) = std::fs::read_dir(apps_dir()) else {
        return apps;
    };
    for entry in entries {
        let dir = entry.expect("a directory entry").path();
        let manifest = dir.join("app.toml");
        if !manifest.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest).expect("app.toml is readable");
        let toml: AppToml = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not a valid app.toml: {e}", manifest.display()));
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        apps.push(App { name, dir, toml });
    }
    apps.sort_by(|a, b| a.name.cmp(&b.name));
    apps
}

/// The apps this run covers.
fn selected(apps: Vec<App>) -> Vec<App> {
    let wanted: Vec<String> = match std::env::var("SLIPWAY_HARNESS_APPS") {
        Ok(v) if v.trim() == "all" => return apps,
        Ok(v) => v.split(',').map(|s| s.trim().to_string()).collect(),
        Err(_) => std::fs::read_to_string(repo().join("tests/build/harness-subset.txt"))
            .expect("tests/build/harness-subset.txt")
            .lines()
            .map(|l| l.split('#').next().unwrap().trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
    };
    for name in &wanted {
        assert!(
            apps.iter().any(|a| &a.name == name),
            "no fixture app named {name} under tests/build/apps"
        );
    }
    apps.into_iter()
        .filter(|a| wanted.contains(&a.name))
        .collect()
}

/// The three things verified per app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// The original against itself: to build and probe it when no rewrite
    /// did.
    Original,
    Split,
    Safe,
    Unsafe,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Original => "original",
            Mode::Split => "split",
            Mode::Safe => "safe fixes",
            Mode::Unsafe => "unsafe fixes",
        }
    }
    fn args(self) -> &'static [&'static str] {
        match self {
            Mode::Original => &["--rewrite", "Dockerfile", "--no-rebuild"],
            Mode::Split => &[],
            Mode::Safe => &["--fix", "--no-rebuild"],
            Mode::Unsafe => &["--fix", "--unsafe-fixes"],
        }
    }
}

/// The `slipway` that runs `verify`: this build's, or `SLIPWAY_HARNESS_BIN`
/// (a copy that other builds cannot replace during a long run).
fn slipway_bin() -> PathBuf {
    std::env::var_os("SLIPWAY_HARNESS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_slipway")))
}

/// One `slipway verify` run.
struct Run {
    code: i32,
    json: Value,
    stderr: String,
}

/// `rebuild`: also measure the rebuild after a one-line source change.
fn verify(app: &App, mode: Mode, rebuild: bool) -> Run {
    let mut cmd = Command::new(slipway_bin());
    cmd.arg("verify")
        // --keep: removing an image also removes the cached layers under
        // it, which the app's next run would build again; the harness
        // removes the kept images once the app is done.
        .args(["--engine", "buildah", "--format", "json", "--keep"])
        .arg("--context")
        .arg(&app.dir)
        .current_dir(&app.dir)
        .args(mode.args())
        .env("CONTAINERS_STORAGE_CONF", common::standin_conf())
        .env("NO_COLOR", "1");
    let probe = &app.toml.probe;
    match probe.kind.as_str() {
        "http" => {
            let port = probe.port.expect("an http probe has a port");
            let path = probe.path.as_deref().unwrap_or("/");
            let path = path.trim_start_matches('/');
            cmd.arg("--probe-http").arg(format!("{port}/{path}"));
        }
        "cmd" => {
            if let Some(args) = &probe.args {
                cmd.arg("--probe-cmd").arg(shell_words(args));
            }
        }
        other => panic!("{}: unknown probe kind {other}", app.name),
    }
    if let Some(expect) = &probe.expect {
        cmd.arg("--expect").arg(expect);
    }
    match app.toml.rebuild.as_ref() {
        Some(r) if rebuild => {
            cmd.arg("--touch").arg(&r.touch);
        }
        _ if !rebuild && !mode.args().contains(&"--no-rebuild") => {
            cmd.arg("--no-rebuild");
        }
        _ => {}
    }
    cmd.arg(app.dir.join("Dockerfile"));
    // Generous: a cold build of a toolchain image on two cores.
    let mut done = common::run_to_end(&mut cmd, None, Duration::from_secs(3600));
    // Another process removing images from the same store while a build
    // reads it (two harness runs at once) makes buildah lose a layer, and
    // a `buildah rm --all` of someone else's removes the build's working
    // container: the environment's fault, tried once more.
    if done.code == 2
        && [
            "layer not known",
            "image not known",
            "container not known",
            "identifier is not a container",
        ]
        .iter()
        .any(|m| done.stdout.contains(m) || done.stderr.contains(m))
    {
        eprintln!(
            "notice: {}: the image store changed under the build; once more",
            app.name
        );
        done = common::run_to_end(&mut cmd, None, Duration::from_secs(3600));
    }
    let json = serde_json::from_str(&done.stdout).unwrap_or(Value::Null);
    Run {
        code: done.code,
        json,
        stderr: done.stderr,
    }
}

/// Arguments joined for `--probe-cmd`, quoted by the same crate that
/// `verify` splits them with.
fn shell_words(args: &[String]) -> String {
    shlex::try_join(args.iter().map(String::as_str)).expect("probe arguments without a NUL")
}

fn bytes_of(side: &Value) -> Option<u64> {
    side.get("bytes").and_then(Value::as_u64)
}

/// The estimate as the table shows it: a lower bound (some part unknown)
/// with `≥`.
fn estimated_of(side: &Value) -> String {
    let bytes = side.get("estimated_bytes").and_then(Value::as_u64);
    match side.get("estimate_certainty").and_then(Value::as_str) {
        Some("unknown") => format!("≥ {}", mib(bytes)),
        _ => mib(bytes),
    }
}

fn seconds_of(side: &Value, key: &str) -> Option<f64> {
    side.get(key).and_then(Value::as_f64)
}

fn built(side: &Value) -> bool {
    side.get("built").and_then(Value::as_bool) == Some(true)
}

fn probe_passed(side: &Value) -> bool {
    side.pointer("/probe/passed").and_then(Value::as_bool) == Some(true)
}

/// Whether the rebuild after a source change re-ran a dependency install,
/// for `side` ("original" or "rewrite").
fn install_rerun(json: &Value, side: &str) -> Option<bool> {
    json.pointer(&format!("/rebuild/{side}/dependency_install_rerun"))
        .and_then(Value::as_bool)
}

fn rebuild_seconds(json: &Value, side: &str) -> Option<f64> {
    json.pointer(&format!("/rebuild/{side}/seconds"))
        .and_then(Value::as_f64)
}

fn reasons(json: &Value) -> String {
    list(json, "reasons")
}

/// The strings of the list `key` (`reasons`, `declined`, `notes`), joined.
fn list(json: &Value, key: &str) -> String {
    json.get(key)
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// Whether `verify` found a rewrite to build (a declined split or a file
/// with no fix to apply has none).
fn has_rewrite(json: &Value) -> bool {
    json.get("rewrite").is_some_and(|r| !r.is_null())
}

/// Whether the cache-order fix (`copy-all-before-install`, unsafe) changes
/// the file, or the builder stage of split's rewrite (the unsafe fixes
/// include the split, and the rule declines some fixes in a stage that
/// ships but not in a builder): the rule can find the problem and still
/// offer no fix.
fn cache_order_applies(app: &App) -> bool {
    let changes = |stdin: Option<&[u8]>| {
        let mut cmd = Command::new(slipway_bin());
        cmd.current_dir(&app.dir).args([
            "check",
            "--isolated",
            "--select",
            "copy-all-before-install",
            "--diff",
            "--unsafe-fixes",
            if stdin.is_some() { "-" } else { "Dockerfile" },
        ]);
        let out = match stdin {
            None => cmd.output(),
            Some(text) => {
                use std::io::Write;
                cmd.stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped());
                let mut child = cmd.spawn().expect("run slipway check");
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(text)
                    .expect("write the rewrite");
                child.wait_with_output()
            }
        }
        .expect("run slipway check");
        let (code, stdout) = (out.status.code(), String::from_utf8_lossy(&out.stdout));
        code == Some(1) && !stdout.trim().is_empty()
    };
    if changes(None) {
        return true;
    }
    let split = Command::new(slipway_bin())
        .current_dir(&app.dir)
        .args(["split", "Dockerfile"])
        .output()
        .expect("run slipway split");
    split.status.success() && !split.stdout.is_empty() && changes(Some(&split.stdout))
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("–".into(), |b| format!("{:.1} MiB", b as f64 / 1048576.0))
}

fn secs(s: Option<f64>) -> String {
    s.map_or("–".into(), |s| format!("{s:.0} s"))
}

#[test]
fn fixture_apps_build_and_every_promise_holds() {
    if common::standin_store(WHAT).is_none() {
        return;
    }
    built_from();
    let apps = selected(all_apps());
    if apps.is_empty() {
        common::unavailable::<()>("no fixture app is selected", WHAT);
        return;
    }

    let mut all_failures = Vec::new();
    for app in &apps {
        let mut failures = Vec::new();
        let mut table = String::new();
        eprintln!(
            "harness: {} ({}: {})",
            app.name, app.toml.language, app.toml.description
        );
        let cache_order = cache_order_applies(app);
        let mut original_built = false;
        let mut kept = Vec::new();
        for mode in [Mode::Split, Mode::Safe, Mode::Unsafe, Mode::Original] {
            if mode == Mode::Original && original_built {
                continue;
            }
            // The rebuild is measured for the split (the table's figures)
            // and, where the cache-order fix applies, for the unsafe fixes.
            let rebuild = mode == Mode::Split || (mode == Mode::Unsafe && cache_order);
            let run = verify(app, mode, rebuild);
            let j = &run.json;
            for image in j["kept_images"].as_array().into_iter().flatten() {
                kept.extend(image.as_str().map(String::from));
            }
            let original = j.get("original").cloned().unwrap_or(Value::Null);
            let rewrite = j.get("rewrite").cloned().unwrap_or(Value::Null);
            let what = format!("{} / {}", app.name, mode.name());
            // With nothing to verify (a declined split, no fix to apply),
            // verify builds nothing; the original is then built by the
            // last pass.
            let nothing = j.get("status").and_then(Value::as_str) == Some("nothing-to-verify")
                && run.code == 0;
            original_built |= built(&original);
            if nothing && !built(&original) {
                // Recorded in the table below.
            } else if run.code == 2 || !built(&original) {
                failures.push(format!(
                    "{what}: the original does not build or the environment failed (exit {}): {} {}",
                    run.code,
                    j.get("error").and_then(Value::as_str).unwrap_or_default(),
                    run.stderr.trim()
                ));
            } else if !probe_passed(&original) {
                failures.push(format!(
                    "{what}: the original fails its probe: {}",
                    reasons(j)
                ));
            }
            let offered = has_rewrite(j);
            let equivalent = j.get("equivalent").and_then(Value::as_bool);
            let shrink = match (bytes_of(&original), bytes_of(&rewrite)) {
                (Some(a), Some(b)) if a > 0 => Some(100.0 * (1.0 - b as f64 / a as f64)),
                _ => None,
            };
            if offered && mode != Mode::Unsafe && equivalent != Some(true) {
                failures.push(format!(
                    "{what}: the rewrite is not equivalent (exit {}): {}",
                    run.code,
                    reasons(j)
                ));
            }
            if offered && mode == Mode::Split {
                let needed = if app.toml.compiled { 80.0 } else { 40.0 };
                if shrink.is_none_or(|s| s < needed) {
                    failures.push(format!(
                        "{what}: the final image shrinks by {} (at least {needed}% expected)",
                        shrink.map_or("an unknown amount".into(), |s| format!("{s:.1}%"))
                    ));
                }
            }
            if offered
                && mode == Mode::Unsafe
                && cache_order
                && install_rerun(j, "rewrite") != Some(false)
            {
                failures.push(format!(
                    "{what}: after the cache-order fix, a one-line source change still re-runs the dependency install (or was not measured)"
                ));
            }
            let verdict = if !offered {
                let why = match list(j, "declined") {
                    d if d.is_empty() => list(j, "notes"),
                    d => d,
                };
                format!("no rewrite: {}", why.replace('|', "\\|"))
            } else {
                match equivalent {
                    Some(true) => "equivalent".to_string(),
                    Some(false) => format!("NOT equivalent: {}", reasons(j).replace('|', "\\|")),
                    None => "unknown".to_string(),
                }
            };
            let rebuilt = format!(
                "{} / {}",
                secs(rebuild_seconds(j, "original")),
                secs(rebuild_seconds(j, "rewrite"))
            );
            let rerun = format!(
                "{} / {}",
                install_rerun(j, "original").map_or("–", |b| if b { "yes" } else { "no" }),
                install_rerun(j, "rewrite").map_or("–", |b| if b { "yes" } else { "no" })
            );
            let _ = writeln!(
                table,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {rebuilt} | {rerun} | {} |",
                app.name,
                mode.name(),
                mib(bytes_of(&original)),
                estimated_of(&original),
                mib(bytes_of(&rewrite)),
                estimated_of(&rewrite),
                shrink.map_or("–".into(), |s| format!("{s:.0}%")),
                secs(seconds_of(&original, "build_seconds")),
                verdict
            );
        }
        remove_images(&kept);
        save_result(app, &table, &failures);
        all_failures.extend(failures);
    }

    if let Some(report) = std::env::var_os("SLIPWAY_HARNESS_REPORT") {
        write_report(Path::new(&report), &all_apps());
    }
    assert!(
        all_failures.is_empty(),
        "the real-build harness found {} problem(s):\n{}",
        all_failures.len(),
        all_failures.join("\n")
    );
}

/// Remove the images `verify --keep` left (only its own namespace).
fn remove_images(images: &[String]) {
    let ours: Vec<&String> = images
        .iter()
        .filter(|i| i.starts_with("localhost/slipway-verify/"))
        .collect();
    if ours.is_empty() {
        return;
    }
    let status = Command::new("buildah")
        .arg("rmi")
        .args(&ours)
        .env("CONTAINERS_STORAGE_CONF", common::standin_conf())
        .stdout(std::process::Stdio::null())
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("notice: could not remove {ours:?}");
    }
}

/// Where an app's last results are kept, so that a report covers every app
/// even when a run covered only some (each row says when it was measured).
fn result_path(app: &App) -> PathBuf {
    repo()
        .join("target/harness")
        .join(format!("{}.json", app.name))
}

fn output_of(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// The commit the run's binary was built from (`+changes` when the tree had
/// uncommitted changes), read once, when the run starts: a merge or an edit
/// during a long run must not relabel the results of the binary built before
/// it.
fn built_from() -> &'static str {
    static COMMIT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    COMMIT.get_or_init(|| {
        let dir = env!("CARGO_MANIFEST_DIR");
        let commit = output_of("git", &["-C", dir, "rev-parse", "--short", "HEAD"]);
        let status = ["-C", dir, "status", "--porcelain", "--untracked-files=no"];
        if output_of("git", &status).is_empty() {
            commit
        } else {
            format!("{commit}+changes")
        }
    })
}

fn save_result(app: &App, rows: &str, failures: &[String]) {
    let value = serde_json::json!({
        "app": app.name,
        "date": output_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        "commit": built_from(),
        "rows": rows,
        "failures": failures,
    });
    let path = result_path(app);
    std::fs::create_dir_all(path.parent().unwrap()).expect("create target/harness");
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).expect("save the result");
}

fn write_report(path: &Path, apps: &[App]) {
    let mut table = String::new();
    let mut failures = Vec::new();
    let mut measured = Vec::new();
    let mut not_run = Vec::new();
    for app in apps {
        let saved = std::fs::read_to_string(result_path(app))
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok());
        let Some(saved) = saved else {
            not_run.push(app.name.clone());
            continue;
        };
        table.push_str(saved["rows"].as_str().unwrap_or_default());
        for f in saved["failures"].as_array().into_iter().flatten() {
            failures.push(f.as_str().unwrap_or_default().to_string());
        }
        measured.push(format!(
            "`{}` {} at {}",
            app.name,
            saved["date"].as_str().unwrap_or_default(),
            saved["commit"].as_str().unwrap_or_default()
        ));
    }
    let machine = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = output_of("date", &["-u", "+%Y-%m-%d"]);
    let buildah = output_of("buildah", &["--version"]);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Verified builds\n\n\
         Generated by `scripts/verified-builds` (the test `tests/build_harness.rs`); do not edit by hand.\n\n\
         Written on {date}, {cores} cores ({machine}), {buildah}, stand-in base images from \
         `scripts/standin-images` (see `docs/standin-images.md`).\n\n\
         Every fixture app of `tests/build/apps/` ({} here) is built for real with `slipway verify`: \
         the original, then `slipway split`'s rewrite, the safe fixes and the safe and unsafe fixes, \
         each probed (an HTTP request or a command, from the app's `app.toml`) and compared with the \
         original. Sizes are the real images' bytes beside `slipway size`'s estimates. Rebuild: the \
         time to build again after a one-line change to a source file, and whether that re-ran the \
         dependency install (original / rewrite).\n",
        apps.len()
    );
    let _ = writeln!(
        out,
        "| app | rewrite | original | estimated | rewrite | estimated | shrink | build | rebuild | install re-run | verdict |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
    );
    out.push_str(&table);
    out.push('\n');
    if !not_run.is_empty() {
        let _ = writeln!(out, "Not run yet: {}.\n", not_run.join(", "));
    }
    if failures.is_empty() {
        out.push_str("Every promise held.\n");
    } else {
        let _ = writeln!(out, "## What did not hold ({})\n", failures.len());
        for f in &failures {
            let _ = writeln!(out, "- {f}");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Measured (app, date, Slipway's commit; `+changes`: with uncommitted changes): {}.",
        measured.join("; ")
    );
    std::fs::write(path, out).expect("write the report");
}
