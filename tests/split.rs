//! The single-stage to multi-stage rewrite (`slipway split`).
//!
//! * Every `tests/fixtures/split/<case>.Dockerfile` is split and compared
//!   with `<case>.expected`: the rewrite, or `declined:` and the reasons. A
//!   `<case>.context/` directory is the build context. Run with
//!   `SPLIT_BLESS=1` to write the expected files.
//! * Every rewrite parses cleanly with Slipway, has two stages, declines a
//!   second split ("already multi-stage"), and parses with the official
//!   parser when `../shared` and its Python binding are there (a notice
//!   otherwise; a failure under `CI=true`).
//! * The CLI: stdout, stderr and exit codes, `--write` (atomic, keeping
//!   permissions, CRLF and BOM), `--diff`, `--explain`.
//! * The rule `single-stage-build` offers the rewrite as an unsafe fix.
//! * No rewrite has a finding the original does not have, counted per rule
//!   (`ADDS_FINDINGS` lists the rewrites `split` would make that do, which
//!   users are not offered); for the fixture apps also through the binary,
//!   `slipway check` in a copy of the app before and after `slipway split`.
//! * The corpus in `../shared/corpus`: the rewrite never panics, every
//!   rewrite parses, and the counts of rewrites and declines are printed.

mod common;

use slipway::split::{self, ALREADY_MULTI_STAGE, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/split")
}

/// The fixture cases, sorted: (name, Dockerfile path).
fn cases() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(fixtures())
        .expect("fixtures dir")
        .filter_map(|e| {
            let p = e.expect("entry").path();
            let name = p
                .file_name()?
                .to_str()?
                .strip_suffix(".Dockerfile")?
                .to_string();
            Some((name, p))
        })
        .collect();
    out.sort();
    out
}

/// What a split gives, as the `.expected` files hold it.
fn outcome(source: &str, context: Option<&Path>) -> String {
    match split::split(source, &Options { context }) {
        Ok(s) => s.text,
        Err(d) => {
            let mut out = String::from("declined:\n");
            for r in &d.reasons {
                out.push_str(&format!("  - {r}\n"));
            }
            out
        }
    }
}

/// Slipway's checks of a rewrite: no syntax error, two stages, readable
/// shell scripts, and a second split declines as multi-stage.
fn check_rewrite(name: &str, text: &str) -> Vec<String> {
    let mut failures = Vec::new();
    let parse = slipway::syntax::parse(text);
    if let Some(e) = parse.errors.first() {
        failures.push(format!(
            "{name}: the rewrite has a syntax error: {}",
            e.message
        ));
    }
    let model = slipway::model::Model::build(&parse.dockerfile, &Default::default());
    if model.stages.len() != 2 {
        failures.push(format!("{name}: {} stages", model.stages.len()));
    }
    match split::split(text, &Options::default()) {
        Err(d) if d.reasons == [ALREADY_MULTI_STAGE] => {}
        other => failures.push(format!("{name}: splitting again gives {other:?}")),
    }
    failures
}

/// The Python that has the official parser's binding, and the oracle
/// script; `None` (with a notice) when either is missing, a panic under
/// `CI=true`.
fn oracle() -> Option<(PathBuf, PathBuf)> {
    let shared = common::shared_dir("the official parser's check of the rewrites")?;
    let script = shared.join("tools/oracle_parse.py");
    let mut pythons: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("SLIPWAY_ORACLE_PYTHON") {
        pythons.push(PathBuf::from(p));
    }
    pythons.push(PathBuf::from("/tmp/oracle/bin/python"));
    pythons.push(PathBuf::from("python3"));
    for py in pythons {
        let ok = Command::new(&py)
            .args(["-c", "import dockerfile"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok && script.is_file() {
            return Some((py, script));
        }
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("the official parser (pip install dockerfile==3.4.0) is missing, but CI=true");
    }
    eprintln!(
        "notice: the official parser's Python binding is missing (pip install dockerfile==3.4.0, \
         or set SLIPWAY_ORACLE_PYTHON); skipping its check of the rewrites"
    );
    None
}

/// Parse each text with the official parser; the failures (rejected, or
/// instructions that differ from Slipway's).
fn oracle_check(texts: &[(String, String)]) -> Vec<String> {
    let Some((python, script)) = oracle() else {
        return Vec::new();
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let mut paths = Vec::new();
    for (i, (_, text)) in texts.iter().enumerate() {
        let p = dir.path().join(format!("{i}.Dockerfile"));
        std::fs::write(&p, text).expect("write");
        paths.push(p);
    }
    let mut failures = Vec::new();
    for chunk in paths.chunks(200) {
        let mut cmd = Command::new(&python);
        cmd.arg(&script).arg("--out-dir").arg(&out).args(chunk);
        common::run_to_end(&mut cmd, None, Duration::from_secs(300));
    }
    eprintln!("the official parser reads {} rewrites", texts.len());
    for (i, (name, text)) in texts.iter().enumerate() {
        let json = out.join(format!("{i}.Dockerfile.json"));
        let Ok(body) = std::fs::read_to_string(&json) else {
            failures.push(format!("{name}: the official parser wrote nothing"));
            continue;
        };
        let value: serde_json::Value = serde_json::from_str(&body).expect("oracle JSON");
        let Some(list) = value.as_array() else {
            failures.push(format!(
                "{name}: the official parser rejects the rewrite: {value}"
            ));
            continue;
        };
        let theirs: Vec<String> = list
            .iter()
            .map(|c| c["cmd"].as_str().unwrap_or("").to_ascii_uppercase())
            .collect();
        let ours: Vec<String> = slipway::syntax::parse(text)
            .dockerfile
            .instructions
            .iter()
            .map(|i| i.keyword.as_str().to_string())
            .collect();
        if theirs != ours {
            failures.push(format!(
                "{name}: the official parser reads {theirs:?}, Slipway {ours:?}"
            ));
        }
    }
    failures
}

/// Every instruction the program needs at run time is in the runtime
/// stage: `ENV`, `EXPOSE`, `USER`, `ENTRYPOINT`, `CMD`, `LABEL`, `VOLUME`,
/// `HEALTHCHECK`, `STOPSIGNAL`, `WORKDIR` (a `java -jar` command may name
/// the jar's new path). On a distroless `debug` runtime a shell-form
/// `HEALTHCHECK` may be the same command in exec form through
/// `/busybox/sh -c`, with the same options; on a distroless runtime a
/// named `USER` may be numeric ids.
fn check_runtime_keeps(name: &str, original: &str, rewrite: &str) -> Vec<String> {
    use slipway::syntax::Keyword;
    let wanted = [
        Keyword::Env,
        Keyword::Expose,
        Keyword::User,
        Keyword::Entrypoint,
        Keyword::Cmd,
        Keyword::Label,
        Keyword::Volume,
        Keyword::Healthcheck,
        Keyword::Stopsignal,
        Keyword::Workdir,
    ];
    let before = slipway::syntax::parse(original).dockerfile;
    let after = slipway::syntax::parse(rewrite).dockerfile;
    let last_from = after
        .instructions
        .iter()
        .rposition(|i| i.keyword == Keyword::From)
        .unwrap_or(0);
    let runtime: Vec<&str> = after.instructions[last_from..]
        .iter()
        .map(|i| i.original.as_str())
        .collect();
    let image = match &after.instructions[last_from].args {
        slipway::syntax::Args::Words(w) => w.first().map_or("", |w| w.value.as_str()),
        _ => "",
    };
    let distroless = image.starts_with("gcr.io/distroless/");
    let debug = distroless && image.contains(":debug");
    let flags = |i: &slipway::syntax::Instruction| -> Vec<String> {
        i.flags.iter().map(|f| f.raw.to_string()).collect()
    };
    let equivalent = |i: &slipway::syntax::Instruction| -> bool {
        use slipway::syntax::Args;
        after.instructions[last_from..].iter().any(|r| {
            if r.keyword != i.keyword {
                return false;
            }
            match (&i.args, &r.args) {
                (Args::Healthcheck { command: a, .. }, Args::Healthcheck { command: b, .. })
                    if debug && flags(i) == flags(r) =>
                {
                    match (a.as_ref(), b.as_ref()) {
                        (Args::Text(script), Args::Exec(words)) => {
                            words.len() == 3
                                && words[0].value == "/busybox/sh"
                                && words[1].value == "-c"
                                && words[2].value.trim() == script.value.trim()
                        }
                        _ => false,
                    }
                }
                (Args::Text(_), Args::Text(ids)) if distroless && i.keyword == Keyword::User => ids
                    .value
                    .split(':')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())),
                _ => false,
            }
        })
    };
    before
        .instructions
        .iter()
        .filter(|i| wanted.contains(&i.keyword) && !i.original.contains(".jar"))
        .filter(|i| !runtime.contains(&i.original.as_str()) && !equivalent(i))
        .map(|i| format!("{name}: the runtime stage lacks `{}`", i.original))
        .collect()
}

#[test]
fn fixtures_split_as_expected() {
    let bless = std::env::var_os("SPLIT_BLESS").is_some();
    let mut failures = Vec::new();
    let mut rewrites = Vec::new();
    let mut declined = 0;
    for (name, path) in cases() {
        let source = std::fs::read_to_string(&path).expect("read fixture");
        let context = fixtures().join(format!("{name}.context"));
        let context = context.is_dir().then_some(context);
        let got = outcome(&source, context.as_deref());
        let expected_path = fixtures().join(format!("{name}.expected"));
        if bless {
            std::fs::write(&expected_path, &got).expect("write expected");
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != want {
            failures.push(format!("{name}: got\n{got}\nwant\n{want}"));
        }
        if got.starts_with("declined:") {
            declined += 1;
            if !name.starts_with("decline-") {
                failures.push(format!(
                    "{name}: declined, but the case is not a decline-* case"
                ));
            }
        } else {
            if name.starts_with("decline-") {
                failures.push(format!(
                    "{name}: rewritten, but the case is a decline-* case"
                ));
            }
            failures.extend(check_rewrite(&name, &got));
            failures.extend(check_runtime_keeps(&name, &source, &got));
            rewrites.push((name, got));
        }
    }
    assert!(
        rewrites.len() >= 15 && declined >= 6,
        "{} {declined}",
        rewrites.len()
    );
    failures.extend(oracle_check(&rewrites));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every ecosystem has a rewrite among the fixtures.
#[test]
fn every_ecosystem_is_covered() {
    use split::Ecosystem;
    let mut seen = Vec::new();
    for (name, path) in cases() {
        let source = std::fs::read_to_string(&path).unwrap();
        let context = fixtures().join(format!("{name}.context"));
        let options = Options {
            context: context.is_dir().then_some(context.as_path()),
        };
        if let Ok(s) = split::split(&source, &options) {
            seen.push(s.ecosystem);
        }
    }
    for e in [
        Ecosystem::Go,
        Ecosystem::Rust,
        Ecosystem::Node,
        Ecosystem::Python,
        Ecosystem::Java,
        Ecosystem::C,
        Ecosystem::Dotnet,
    ] {
        assert!(
            seen.contains(&e),
            "no fixture is rewritten as {}",
            e.as_str()
        );
    }
}

#[test]
fn decisions_explain_the_rewrite() {
    let source = std::fs::read_to_string(fixtures().join("go-static.Dockerfile")).unwrap();
    let s = split::split(&source, &Options::default()).unwrap();
    let kinds: Vec<&str> = s.decisions.iter().map(|d| d.kind.as_str()).collect();
    assert!(
        kinds.contains(&"artifact") && kinds.contains(&"runtime"),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"kept") && kinds.contains(&"dropped"),
        "{kinds:?}"
    );
    // Tagged (untagged-base-image), not `latest` (latest-base-image-tag):
    // the program runs as `USER nobody`, not root.
    assert_eq!(s.runtime_image, "gcr.io/distroless/static-debian12:nonroot");
    let runtime = s
        .decisions
        .iter()
        .find(|d| d.kind == split::DecisionKind::Runtime)
        .unwrap();
    assert!(runtime.text.contains("CGO_ENABLED=0"), "{runtime}");
}

#[test]
fn line_endings_and_bom_are_kept() {
    let source = std::fs::read_to_string(fixtures().join("go-static.Dockerfile")).unwrap();
    let crlf = format!("\u{feff}{}", source.replace('\n', "\r\n"));
    let s = split::split(&crlf, &Options::default()).unwrap();
    assert!(s.text.starts_with('\u{feff}'));
    assert!(
        !s.text.replace("\r\n", "").contains('\n'),
        "a bare LF in\n{:?}",
        s.text
    );
    let plain = split::split(&source, &Options::default()).unwrap();
    assert_eq!(
        s.text.trim_start_matches('\u{feff}').replace("\r\n", "\n"),
        plain.text
    );
}

#[test]
fn kept_instructions_are_byte_for_byte() {
    for (name, path) in cases() {
        let source = std::fs::read_to_string(&path).unwrap();
        let context = fixtures().join(format!("{name}.context"));
        let options = Options {
            context: context.is_dir().then_some(context.as_path()),
        };
        let Ok(s) = split::split(&source, &options) else {
            continue;
        };
        // Every line of the rewrite is a line of the original, or new:
        // the `FROM`s, `COPY --from`, and generated `RUN`/`ENV`/`WORKDIR`
        // (a generated `RUN` with its continuation lines: jdeps and jlink);
        // on distroless, a `USER` of numeric ids, and on its `debug`
        // variant `ENTRYPOINT []` and a HEALTHCHECK through BusyBox's shell.
        let original: Vec<&str> = source.lines().collect();
        let numeric_user = |line: &str| {
            line.strip_prefix("USER ").is_some_and(|ids| {
                ids.split(':')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            })
        };
        let distroless = s.text.contains("FROM gcr.io/distroless/");
        let debug = distroless && s.text.contains(":debug");
        let mut continues = false;
        for line in s.text.lines() {
            let continued = std::mem::take(&mut continues);
            let generated = continued
                || line.is_empty()
                || (distroless && numeric_user(line))
                || (debug && line == "ENTRYPOINT []")
                || (debug
                    && line.starts_with("HEALTHCHECK ")
                    && line.contains(" CMD [\"/busybox/sh\", \"-c\", "))
                || line.starts_with("FROM ")
                || line.starts_with("ENV JAVA_HOME=/opt/java/openjdk ")
                || line.starts_with("COPY --from=build ")
                || line.starts_with("RUN ")
                || line.starts_with("ENV PATH=/opt/venv/bin")
                || line.starts_with("WORKDIR ")
                || line.starts_with("ENTRYPOINT [\"java\"");
            assert!(
                generated || original.contains(&line),
                "{name}: `{line}` is not in the original"
            );
            continues = generated && !original.contains(&line) && line.ends_with('\\');
        }
    }
}

fn slipway(args: &[&str], dir: &Path) -> common::Finished {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_slipway"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    common::run_to_end(&mut cmd, None, Duration::from_secs(60))
}

#[test]
fn cli_prints_the_rewrite_or_declines() {
    let dir = fixtures();
    let ok = slipway(
        &[
            "split",
            "--context",
            "java-jar-tool.context",
            "java-jar-tool.Dockerfile",
        ],
        &dir,
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(
        ok.stdout,
        std::fs::read_to_string(dir.join("java-jar-tool.expected")).unwrap()
    );
    assert!(ok.stderr.is_empty(), "{}", ok.stderr);

    // A rewrite that would add a finding of Slipway's own rules is not
    // offered (see ADDS_FINDINGS).
    let adds = slipway(&["split", "node-pnpm.Dockerfile"], &dir);
    assert_eq!(adds.code, 1, "{}", adds.stdout);
    assert!(adds.stdout.is_empty(), "{}", adds.stdout);
    assert!(
        adds.stderr.contains("would add a finding") && adds.stderr.contains("SW306"),
        "{}",
        adds.stderr
    );

    let no = slipway(&["split", "decline-multi-stage.Dockerfile"], &dir);
    assert_eq!(no.code, 1);
    assert!(no.stdout.is_empty(), "{}", no.stdout);
    assert!(no.stderr.contains("already multi-stage"), "{}", no.stderr);

    let unknown = slipway(&["split", "decline-go-no-output.Dockerfile"], &dir);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stdout.is_empty());
    assert!(
        unknown.stderr.contains("artifact unknown"),
        "{}",
        unknown.stderr
    );

    let missing = slipway(&["split", "no-such.Dockerfile"], &dir);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
}

#[test]
fn cli_explain_and_diff() {
    let dir = fixtures();
    let out = slipway(
        &[
            "split",
            "--explain",
            "--context",
            "java-jar-tool.context",
            "java-jar-tool.Dockerfile",
        ],
        &dir,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    for kind in [
        "artifact: ",
        "runtime: buildpack-deps:trixie-curl",
        "kept: ",
        "dropped: ",
        "added: ",
    ] {
        assert!(out.stderr.contains(kind), "no `{kind}` in\n{}", out.stderr);
    }
    let diff = slipway(&["split", "--diff", "go-static.Dockerfile"], &dir);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert!(
        diff.stdout.starts_with("--- go-static.Dockerfile"),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout
            .contains("+FROM gcr.io/distroless/static-debian12"),
        "{}",
        diff.stdout
    );
}

#[test]
fn cli_write_keeps_permissions_crlf_and_bom() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(fixtures().join("go-cgo-init.Dockerfile")).unwrap();
    let crlf = format!("\u{feff}{}", source.replace('\n', "\r\n"));
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, &crlf).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let out = slipway(&["split", "--write", "Dockerfile"], dir.path());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let written = std::fs::read_to_string(&path).unwrap();
    let want = split::split(&crlf, &Options::default()).unwrap().text;
    assert_eq!(written, want);
    assert!(written.starts_with('\u{feff}') && written.contains("\r\nFROM debian:12-slim\r\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // Only the file itself is left in the directory.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
    // Splitting the result again declines, and leaves it alone.
    let again = slipway(&["split", "--write", "Dockerfile"], dir.path());
    assert_eq!(again.code, 1);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), want);
}

#[test]
fn the_rule_offers_the_rewrite_as_an_unsafe_fix() {
    use slipway::diagnostic::Applicability;
    let source = std::fs::read_to_string(fixtures().join("go-static.Dockerfile")).unwrap();
    let settings = slipway::Settings {
        select: Some(vec!["SW424".to_string()]),
        ..slipway::Settings::default()
    };
    let diags = slipway::lint_with(&source, &settings);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let fix = diags[0].fix.as_ref().expect("a fix");
    assert_eq!(fix.applicability, Applicability::Unsafe);
    let (fixed, n) = slipway::fix::apply_fixes(&source, &diags, &|_| true);
    assert_eq!(n, 1);
    assert_eq!(
        fixed,
        split::split(&source, &Options::default()).unwrap().text
    );
    // Minimal edits: the unchanged lines are not rewritten.
    assert!(fix.edits.len() >= 2);
    assert!(fix.edits.iter().all(|e| e.span.start > 0));
    // `check --fix --unsafe-fixes` applies it; plain `--fix` does not.
    let safe = slipway::fix_file(
        &source,
        &settings,
        slipway::FileInfo::default(),
        slipway::Policy::Safe,
    );
    assert!(!safe.changed());
    let unsafe_ = slipway::fix_file(
        &source,
        &settings,
        slipway::FileInfo::default(),
        slipway::Policy::Unsafe,
    );
    assert_eq!(unsafe_.text, fixed);
    assert!(unsafe_.dropped.is_empty(), "{:?}", unsafe_.dropped);
}

/// Each fixture with one line deleted, or repeated: the rewrite never
/// panics, and whatever it rewrites passes the same checks.
#[test]
fn mutated_fixtures_never_break_the_rewrite() {
    let mut failures = Vec::new();
    let mut rewritten = 0;
    for (name, path) in cases() {
        let source = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = source.lines().collect();
        for i in 0..lines.len() {
            for repeat in [false, true] {
                let mut mutated: Vec<&str> = lines.clone();
                if repeat {
                    mutated.insert(i, lines[i]);
                } else {
                    mutated.remove(i);
                }
                let text = mutated.join("\n") + "\n";
                let case = format!(
                    "{name} ({} line {})",
                    if repeat { "repeated" } else { "without" },
                    i + 1
                );
                match std::panic::catch_unwind(|| split::split(&text, &Options::default())) {
                    Err(_) => failures.push(format!("{case}: split panicked")),
                    Ok(Ok(s)) => {
                        rewritten += 1;
                        failures.extend(check_rewrite(&case, &s.text));
                        failures.extend(check_runtime_keeps(&case, &text, &s.text));
                    }
                    Ok(Err(d)) => {
                        if d.reasons.iter().any(|r| r.contains("internal error")) {
                            failures.push(format!("{case}: {d}"));
                        }
                    }
                }
            }
        }
    }
    assert!(rewritten > 100, "{rewritten}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corpus_never_panics_and_every_rewrite_parses() {
    let Some(shared) = common::shared_dir("the split corpus test") else {
        return;
    };
    let mut rewritten = Vec::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut declined = 0;
    let mut failures = Vec::new();
    for (name, path) in common::corpus_files(&shared) {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(source) = slipway::syntax::decode(&bytes) else {
            continue;
        };
        let context = path.parent();
        let result = std::panic::catch_unwind(|| split::split(source, &Options { context }));
        match result {
            Err(_) => failures.push(format!("{name}: split panicked")),
            Ok(Ok(s)) => {
                failures.extend(check_rewrite(&name, &s.text));
                failures.extend(check_runtime_keeps(&name, source, &s.text));
                rewritten.push((name, s.text));
            }
            Ok(Err(d)) => {
                declined += 1;
                for r in &d.reasons {
                    assert!(!r.contains("internal error"), "{name}: {r}");
                    *reasons.entry(reason_kind(r)).or_default() += 1;
                }
            }
        }
    }
    failures.extend(oracle_check(&rewritten));
    let mut top: Vec<(&String, &usize)> = reasons.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    eprintln!(
        "split over the corpus: {} rewritten, {declined} declined",
        rewritten.len()
    );
    for (n, _) in &rewritten {
        eprintln!("  rewritten: {n}");
    }
    for (r, n) in top.iter().take(12) {
        eprintln!("  {n:4}  {r}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A decline reason without its particulars (quoted names, line numbers),
/// to count reasons by kind.
fn reason_kind(r: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in r.chars() {
        if c == '`' {
            if !quoted {
                out.push_str("`…`");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    let cut = out.find(['(', ':']).unwrap_or(out.len());
    out[..cut].trim().to_string()
}

/// Rewrites `split` still makes that have more findings of a rule than
/// the original (see `slipway::fix::added_findings`): `(case, rule code)`.
/// Users never get them: `slipway::fix::split_checked` (the CLI, the
/// editor, the fleet view, `slipway verify`) and the fix of
/// `single-stage-build` decline them, naming the finding. Each is work
/// left to do in `split`; the test fails when one is fixed (remove it
/// here) or a new one appears.
///
/// * SW306 (`apt-get-unpinned`): the runtime stage installs with apt-get,
///   unpinned, what the program needs at run time: the run-time library of
///   a `-dev` package of the builder (`libpq5`, `libxml2`, `libsqlite3-0`,
///   `libssl3`; not one of Debian 12's base system, such as `zlib1g`, which
///   every Debian 12 image has), a package the original installs for the build
///   and the run alike (`ca-certificates`, except for a Go program, which
///   gets the bundle file copied from the builder), or a program the `HEALTHCHECK`
///   runs (`curl`, `wget`). `split` works offline and knows no version to
///   pin it to, so the rewrite names one more unpinned package than the
///   original (for `node-pnpm` and `python-flask-static`, the original
///   installs nothing with apt-get at all).
/// * SW205, SW206 (`from-platform-flag`, `from-platform-constant`): `go-named-stage`'s runtime
///   stage repeats the builder's `FROM --platform=linux/amd64`, the
///   platform its binary is built for.
/// * SW309 (`npm-install-unpinned`): `node-global-tool` keeps `npm install -g pm2`
///   in both stages (the runtime runs `pm2-runtime`; the build may use it).
const ADDS_FINDINGS: &[(&str, &str)] = &[
    ("c-healthcheck-gnu-wget", "SW306"),
    ("c-make", "SW306"),
    ("go-cgo", "SW306"),
    ("go-named-stage", "SW205"),
    ("go-named-stage", "SW206"),
    ("node-global-tool", "SW309"),
    ("node-pnpm", "SW306"),
    ("python", "SW306"),
    ("python-local-project", "SW306"),
    ("python-user", "SW306"),
    ("python-uwsgi-libxml2", "SW306"),
    ("app cpp-cmake-http", "SW306"),
    ("app python-cext-libxml2", "SW306"),
    ("app python-flask-static", "SW306"),
];

/// Every split fixture and every fixture app of the build harness
/// (`tests/build/apps/*/Dockerfile`, its directory the context): (case,
/// source, context).
fn every_split_case() -> Vec<(String, String, Option<PathBuf>)> {
    let mut out = Vec::new();
    for (name, path) in cases() {
        let source = std::fs::read_to_string(&path).expect("read fixture");
        let context = fixtures().join(format!("{name}.context"));
        out.push((name, source, context.is_dir().then_some(context)));
    }
    let apps = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/build/apps");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&apps)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    dirs.sort();
    for dir in dirs {
        let Ok(source) = std::fs::read_to_string(dir.join("Dockerfile")) else {
            continue;
        };
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        out.push((format!("app {name}"), source, Some(dir)));
    }
    out
}

/// The invariant: a rewrite adds no finding (per rule, by count) that the
/// original does not have, on every split fixture and fixture app; the
/// exceptions `split` still makes are listed in `ADDS_FINDINGS`, and the
/// checked rewrite users get declines each of them, naming the finding.
#[test]
fn rewrites_add_no_findings() {
    let mut failures = Vec::new();
    let mut known_seen = Vec::new();
    for (name, source, context) in every_split_case() {
        let options = Options {
            context: context.as_deref(),
        };
        let Ok(rewrite) = split::split(&source, &options) else {
            continue;
        };
        let ignore = context
            .as_deref()
            .and_then(|c| slipway::model::dockerignore::for_context(None, c));
        let info = slipway::FileInfo {
            dockerignore: ignore.as_deref(),
            context: context.as_deref(),
        };
        let added = slipway::fix::new_findings(&source, &rewrite.text, info);
        let mut new: Vec<&str> = added.iter().map(|d| d.code).collect();
        new.sort_unstable();
        new.dedup();
        for code in &new {
            if ADDS_FINDINGS.contains(&(name.as_str(), code)) {
                known_seen.push((name.clone(), code.to_string()));
            } else {
                let found: Vec<&str> = added
                    .iter()
                    .filter(|d| d.code == *code)
                    .map(|d| d.message.as_str())
                    .collect();
                failures.push(format!(
                    "{name}: the rewrite has more {code} findings than the original ({found:?}):\n{}",
                    rewrite.text
                ));
            }
        }
        match slipway::fix::split_checked(&source, &options, info) {
            Ok(_) if !new.is_empty() => failures.push(format!(
                "{name}: split_checked offers a rewrite adding {new:?}"
            )),
            Err(d) if new.is_empty() => failures.push(format!(
                "{name}: split_checked declines a clean rewrite: {d}"
            )),
            Err(d) => {
                for code in &new {
                    if !d.reasons.iter().any(|r| r.contains(code)) {
                        failures.push(format!("{name}: the decline does not name {code}: {d}"));
                    }
                }
            }
            Ok(_) => {}
        }
    }
    for (name, code) in ADDS_FINDINGS {
        if !known_seen.iter().any(|(n, c)| n == name && c == code) {
            failures.push(format!(
                "{name}: no longer adds {code}; remove it from ADDS_FINDINGS"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A copy of the directory `from` at `to` (files and directories;
/// symbolic links copied as the files they point to).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// How many findings of each rule `slipway check --format json Dockerfile`
/// reports in `dir`, `single-stage-build` left out.
fn check_counts(name: &str, dir: &Path) -> BTreeMap<String, usize> {
    let out = slipway(&["check", "--format", "json", "Dockerfile"], dir);
    assert!(
        out.code == 0 || out.code == 1,
        "{name}: slipway check exited with {}: {}",
        out.code,
        out.stderr
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{name}: the JSON report does not parse: {e}\n{}",
            out.stdout
        )
    });
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "{name}: {}",
        out.stdout
    );
    let single_stage = slipway::rules::size::single_stage_build::META.code;
    let mut counts = BTreeMap::new();
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        let code = d["code"].as_str().expect("a code");
        if code != single_stage {
            *counts.entry(code.to_string()).or_default() += 1;
        }
    }
    counts
}

/// The acceptance, through the binary as a user runs it: for every
/// fixture app (`tests/build/apps/*/`), in a copy of its directory,
/// `slipway check --format json` of the original Dockerfile, then
/// `slipway split Dockerfile` there (the directory is the build context)
/// written over the copy's Dockerfile and checked again: no rule has more
/// findings in the rewrite than in the original (`single-stage-build`
/// aside). Where split declines, it says why on stderr (and a decline for
/// an added finding names the rule, as listed in `ADDS_FINDINGS`).
#[test]
fn apps_check_of_the_rewrite_adds_no_findings() {
    let apps = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/build/apps");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&apps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Dockerfile").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 20, "only {} fixture apps", dirs.len());
    let (mut failures, mut rewritten, mut declined) = (Vec::new(), 0, 0);
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let tmp = tempfile::tempdir().unwrap();
        let copy = tmp.path().join(&name);
        copy_dir(&dir, &copy);
        let before = check_counts(&name, &copy);
        let split = slipway(&["split", "Dockerfile"], &copy);
        match split.code {
            0 => {
                rewritten += 1;
                std::fs::write(copy.join("Dockerfile"), &split.stdout).unwrap();
                let after = check_counts(&name, &copy);
                for (code, n) in &after {
                    let was = before.get(code).copied().unwrap_or(0);
                    if *n > was {
                        failures.push(format!(
                            "{name}: slipway check reports {n} {code} on the rewrite, {was} on the original:\n{}",
                            split.stdout
                        ));
                    }
                }
            }
            1 => {
                declined += 1;
                let reasons: Vec<&str> = split
                    .stderr
                    .lines()
                    .filter_map(|l| l.strip_prefix("  - "))
                    .filter(|r| !r.trim().is_empty())
                    .collect();
                if !split.stdout.is_empty()
                    || !split.stderr.contains("no rewrite:")
                    || reasons.is_empty()
                {
                    failures.push(format!(
                        "{name}: split declines without a reason:\nstdout: {}\nstderr: {}",
                        split.stdout, split.stderr
                    ));
                }
                let case = format!("app {name}");
                for (_, code) in ADDS_FINDINGS.iter().filter(|(c, _)| *c == case) {
                    if !reasons
                        .iter()
                        .any(|r| r.contains("would add a finding") && r.contains(code))
                    {
                        failures.push(format!(
                            "{name}: the decline does not name {code}: {}",
                            split.stderr
                        ));
                    }
                }
            }
            code => failures.push(format!(
                "{name}: slipway split exited with {code}: {}",
                split.stderr
            )),
        }
    }
    eprintln!("fixture apps: {rewritten} rewritten, {declined} declined");
    assert!(rewritten > 0, "split rewrote no fixture app");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every runtime base image the rewrite chooses over the fixtures and the
/// fixture apps is in the size knowledge base (`rules/base-images.toml`),
/// so that `slipway size` and the fleet view can size the result.
#[test]
fn every_chosen_runtime_image_is_sized() {
    let mut failures = Vec::new();
    for (name, source, context) in every_split_case() {
        let options = Options {
            context: context.as_deref(),
        };
        let Ok(rewrite) = split::split(&source, &options) else {
            continue;
        };
        let image = rewrite
            .runtime_image
            .split_whitespace()
            .find(|w| !w.starts_with("--"))
            .unwrap_or("")
            .to_string();
        match slipway::model::image::ImageRef::parse(&image) {
            Ok(r) if slipway::model::knowledge::image(&r).is_unknown() => {
                failures.push(format!("{name}: {image} is not in the knowledge base"))
            }
            Ok(_) => {}
            Err(e) => failures.push(format!("{name}: {image}: {e:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A Java program that `javac` and `jar` build from its own sources runs on
/// a runtime made for it by `jlink` (the modules `jdeps` finds in its jar)
/// on a slim Debian image, not on a whole JRE: the fixture apps
/// `java-httpserver` (Temurin's JDK, whose `jmods` jlink links from, and a
/// HEALTHCHECK that runs curl) and `java-cli-resource` (Debian's JDK
/// package, which has the jmods too). `java-multi-package`, whose jar has a
/// manifest of its own, keeps distroless Java.
#[test]
fn java_apps_get_a_runtime_made_by_jlink() {
    let apps = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/build/apps");
    let cases = [
        (
            "java-httpserver",
            "buildpack-deps:trixie-curl",
            "/app/app.jar",
        ),
        (
            "java-cli-resource",
            "debian:bookworm-slim",
            "/opt/quotes/quotes.jar",
        ),
    ];
    for (app, image, jar) in cases {
        let dir = apps.join(app);
        let source = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
        let options = Options {
            context: Some(&dir),
        };
        let ignore = slipway::model::dockerignore::for_context(None, &dir);
        let info = slipway::FileInfo {
            dockerignore: ignore.as_deref(),
            context: Some(&dir),
        };
        let s = slipway::fix::split_checked(&source, &options, info)
            .unwrap_or_else(|d| panic!("{app}: declined: {d}"));
        assert_eq!(s.runtime_image, image, "{app}:\n{}", s.text);
        let (builder, runtime) = s.text.split_once("\n\nFROM ").unwrap();
        let jdeps = format!(
            "RUN jdeps --ignore-missing-deps --print-module-deps --multi-release 17 {jar} \
             > /tmp/jre-modules \\\n    && jlink --add-modules \
             \"$(cat /tmp/jre-modules),jdk.crypto.ec,jdk.zipfs\" --strip-java-debug-attributes --no-man-pages \
             --no-header-files --compress=2 --output /tmp/jre"
        );
        assert!(builder.ends_with(&jdeps), "{app}: builder:\n{builder}");
        assert!(
            runtime.contains("\nCOPY --from=build /tmp/jre /opt/java/openjdk\n"),
            "{app}: runtime:\n{runtime}"
        );
        assert!(
            runtime.contains("\nENV JAVA_HOME=/opt/java/openjdk "),
            "{app}: runtime:\n{runtime}"
        );
        assert!(
            s.decisions.iter().any(|d| d.text.contains("jdk.crypto.ec")),
            "{app}: the added modules are not recorded: {:?}",
            s.decisions
        );
    }
    // Debian's JDK package has the jmods jlink links from: the builder adds
    // nothing before the sources; Ubuntu's keeps them in a package of its
    // own, which it does not install: the JRE stays there.
    let dir = apps.join("java-cli-resource");
    let source = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    let s = split::split(
        &source,
        &Options {
            context: Some(&dir),
        },
    )
    .unwrap();
    let upto = |t: &str| t[..t.find("COPY . /usr/src/quotes").unwrap()].to_string();
    assert_eq!(
        upto(&s.text),
        upto(&source).replacen("FROM debian:bookworm", "FROM debian:bookworm AS build", 1)
    );
    let ubuntu = source.replacen("FROM debian:bookworm", "FROM ubuntu:24.04", 1);
    let s = split::split(
        &ubuntu,
        &Options {
            context: Some(&dir),
        },
    )
    .unwrap();
    assert_eq!(s.runtime_image, "eclipse-temurin:17-jre", "{}", s.text);
    assert!(
        s.decisions.iter().any(|d| d
            .text
            .starts_with("no runtime made by jlink: the JDK package")),
        "{:?}",
        s.decisions
    );
    // A jar with a manifest of its own keeps distroless Java.
    let dir = apps.join("java-multi-package");
    let source = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    let s = split::split(
        &source,
        &Options {
            context: Some(&dir),
        },
    )
    .unwrap();
    assert_eq!(s.runtime_image, "gcr.io/distroless/java17-debian12:nonroot");
    assert!(!s.text.contains("jlink"), "{}", s.text);
}
