//! Configuration end to end: finding `slipway.toml` and `.hadolint.yaml`,
//! what each key does, `--config` and `--isolated`, and the reports for bad
//! files and unknown rule ids.
//!
//! Every test works in a fresh temporary directory laid out as `proj/` (the
//! working directory and the Dockerfiles) and `home/` (`$HOME`, with
//! `$XDG_CONFIG_HOME` unset unless a test sets it), so that no configuration
//! of the machine running the tests is read. The tests use the two rules that
//! are sure to exist, SW101 (`workdir-relative-path`, hadolint DL3000) and
//! SW501 (`maintainer-deprecated`, DL4000), and look only at their findings,
//! so that other rules do not change the outcome.

mod common;

use slipway::config::{self, FailOn, Format};
use slipway::{Severity, rules};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Kill a run that takes longer than this: it is stuck.
const DEADLINE: Duration = Duration::from_secs(120);

/// One finding of each rule: SW501 on line 2, SW101 on line 3.
const BOTH: &str = "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\nWORKDIR app\n";

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

impl Run {
    /// `path:code:severity` of each SW101/SW501 finding in concise output.
    fn findings(&self) -> Vec<String> {
        self.stdout
            .lines()
            .filter_map(|l| {
                let (path, rest) = l.split_once(':')?;
                let (_, rest) = rest.split_once(": ")?;
                let (severity, rest) = rest.split_once('[')?;
                let code = &rest[..rest.find(']')?];
                ["SW101", "SW501"]
                    .contains(&code)
                    .then(|| format!("{path}:{code}:{severity}"))
            })
            .collect()
    }
}

struct Env {
    _dir: tempfile::TempDir,
    proj: PathBuf,
    home: PathBuf,
    xdg: Option<PathBuf>,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let proj = dir.path().join("proj");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&proj).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        Env {
            _dir: dir,
            proj,
            home,
            xdg: None,
        }
    }

    /// Write `content` at `rel` under the project, creating directories.
    fn write(&self, rel: &str, content: &str) {
        write(&self.proj, rel, content);
    }

    /// Run `slipway ARGS` in the project directory (or `sub` under it).
    fn run_in(&self, sub: &str, args: &[&str]) -> Run {
        self.run_full(sub, args, None)
    }

    /// Run `slipway ARGS` in `sub` under the project, feeding `stdin`.
    fn run_full(&self, sub: &str, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_slipway"));
        cmd.args(args)
            .current_dir(self.proj.join(sub))
            .env("HOME", &self.home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("NO_COLOR");
        if let Some(xdg) = &self.xdg {
            cmd.env("XDG_CONFIG_HOME", xdg);
        }
        let f = common::run_to_end(&mut cmd, stdin.map(|s| s.as_bytes().to_vec()), DEADLINE);
        Run {
            code: f.code,
            stdout: f.stdout,
            stderr: f.stderr,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_in("", args)
    }

    /// `check --format concise ARGS`.
    fn check(&self, args: &[&str]) -> Run {
        let mut all = vec!["check", "--format", "concise", "--color", "never"];
        all.extend_from_slice(args);
        self.run(&all)
    }
}

fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_nearest_slipway_toml_wins() {
    let env = Env::new();
    env.write("slipway.toml", "ignore = [\"SW501\"]\n");
    env.write("a/Dockerfile", BOTH);
    env.write("b/slipway.toml", "ignore = [\"workdir-relative-path\"]\n");
    env.write("b/Dockerfile", BOTH);
    env.write("b/c/d/Dockerfile", BOTH);
    env.write("Dockerfile", BOTH);
    let r = env.check(&[]);
    assert_eq!(
        r.findings(),
        strs(&[
            "Dockerfile:SW101:error",
            "a/Dockerfile:SW101:error",
            "b/Dockerfile:SW501:error",
            "b/c/d/Dockerfile:SW501:error",
        ]),
        "{r:?}"
    );

    // Relative paths from another working directory walk up the same way.
    let r = env.run_in(
        "b/c",
        &["check", "--format", "concise", "../../a/Dockerfile", "d"],
    );
    assert_eq!(
        r.findings(),
        strs(&["../../a/Dockerfile:SW101:error", "d/Dockerfile:SW501:error"]),
        "{r:?}"
    );
}

#[test]
fn dot_slipway_toml_and_preference() {
    let env = Env::new();
    env.write("a/.slipway.toml", "ignore = [\"SW501\"]\n");
    env.write("a/Dockerfile", BOTH);
    // Both in one directory: slipway.toml is used.
    env.write("b/.slipway.toml", "ignore = [\"SW501\"]\n");
    env.write("b/slipway.toml", "ignore = [\"SW101\"]\n");
    env.write("b/Dockerfile", BOTH);
    let r = env.check(&[]);
    assert_eq!(
        r.findings(),
        strs(&["a/Dockerfile:SW101:error", "b/Dockerfile:SW501:error"]),
        "{r:?}"
    );
}

#[test]
fn explicit_config_and_isolated() {
    let env = Env::new();
    env.write("slipway.toml", "ignore = [\"SW501\"]\n");
    env.write("a/slipway.toml", "ignore = [\"SW101\"]\n");
    env.write("a/Dockerfile", BOTH);
    env.write("Dockerfile", BOTH);
    env.write("other.toml", "ignore = [\"SW101\", \"SW501\"]\n");
    env.write("conf/hadolint.yml", "ignored: [DL3000]\n");

    let r = env.check(&[]);
    assert_eq!(
        r.findings(),
        strs(&["Dockerfile:SW101:error", "a/Dockerfile:SW501:error"]),
        "{r:?}"
    );
    // --config applies one file to every Dockerfile, whatever is nearer.
    let r = env.check(&["--config", "other.toml"]);
    assert_eq!(r.findings(), Vec::<String>::new(), "{r:?}");
    // A .yml name is read as hadolint's format.
    let r = env.check(&["--config", "conf/hadolint.yml"]);
    assert_eq!(
        r.findings(),
        strs(&["Dockerfile:SW501:error", "a/Dockerfile:SW501:error"]),
        "{r:?}"
    );
    // --isolated reads nothing.
    let r = env.check(&["--isolated"]);
    assert_eq!(r.findings().len(), 4, "{r:?}");
    // Not both; and a --config file that does not exist is an error.
    let r = env.check(&["--isolated", "--config", "other.toml"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = env.check(&["--config", "missing.toml"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("cannot read configuration file missing.toml"),
        "{r:?}"
    );
    assert_eq!(r.stdout, "", "{r:?}");
}

#[test]
fn slipway_toml_keys() {
    let env = Env::new();
    env.write("Dockerfile", BOTH);
    // severity and fail-on.
    env.write(
        "slipway.toml",
        "select = [\"SW101\", \"SW501\"]\nfail-on = \"warning\"\n[severity]\nSW501 = \"info\"\nDL3000 = \"style\"\n",
    );
    let r = env.check(&[]);
    assert_eq!(
        r.findings(),
        strs(&["Dockerfile:SW501:info", "Dockerfile:SW101:style"]),
        "{r:?}"
    );
    assert_eq!(r.code, 0, "nothing at or above warning: {r:?}");
    // The command line wins over fail-on.
    let r = env.check(&["--fail-on", "info"]);
    assert_eq!(r.code, 1, "{r:?}");

    // select and extend-select.
    env.write("slipway.toml", "select = [\"SW101\"]\n");
    let r = env.check(&[]);
    assert_eq!(r.findings(), strs(&["Dockerfile:SW101:error"]), "{r:?}");
    env.write(
        "slipway.toml",
        "select = [\"SW101\"]\nextend-select = [\"MaintainerDeprecated\"]\n",
    );
    let r = env.check(&[]);
    assert_eq!(r.findings().len(), 2, "{r:?}");
    assert_eq!(r.code, 1, "{r:?}");

    // disable-ignore-pragma.
    env.write(
        "Dockerfile",
        "FROM alpine:3.20\n# hadolint ignore=DL4000\nMAINTAINER Jane\n",
    );
    env.write("slipway.toml", "select = [\"SW501\"]\n");
    assert_eq!(env.check(&[]).findings(), Vec::<String>::new());
    env.write(
        "slipway.toml",
        "select = [\"SW501\"]\ndisable-ignore-pragma = true\n",
    );
    let r = env.check(&[]);
    assert_eq!(r.findings(), strs(&["Dockerfile:SW501:error"]), "{r:?}");

    // options and build-args are read (no rule here uses them).
    env.write("Dockerfile", BOTH);
    env.write(
        "slipway.toml",
        "select = [\"SW501\"]\n[options]\ntrusted-registries = [\"docker.io\"]\nlabel-schema = { author = \"email\" }\nstrict-labels = true\nallowed-base-images = [\"alpine\"]\n[build-args]\nTAG = \"3.20\"\n",
    );
    let r = env.check(&[]);
    assert_eq!(r.code, 1, "{r:?}");
}

#[test]
fn configuration_values_reach_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("slipway.toml");
    std::fs::write(
        &toml,
        "fail-on = \"none\"\n[options]\ntrusted-registries = [\"*.gcr.io\"]\nstrict-labels = true\nlabel-schema = { author = \"email\" }\nallowed-base-images = [\"alpine\"]\n[build-args]\nTAG = \"3.20\"\nN = 1\n",
    )
    .unwrap();
    let c = config::load(&toml, "slipway.toml").unwrap();
    assert_eq!(c.format, Format::Slipway);
    assert_eq!(c.fail_on, Some(FailOn::Never));
    let cli = config::Overrides {
        build_args: vec![("N".into(), "2".into()), ("X".into(), "y".into())],
        ..Default::default()
    };
    let r = config::resolve(&c, &cli);
    let s = &r.settings;
    assert_eq!(s.options.trusted_registries, ["*.gcr.io"]);
    assert!(s.options.strict_labels);
    assert_eq!(s.options.label_schema.len(), 1);
    assert_eq!(s.options.allowed_base_images, ["alpine"]);
    // The command line's build arguments win.
    assert_eq!(s.build_args["TAG"], "3.20");
    assert_eq!(s.build_args["N"], "2");
    assert_eq!(s.build_args["X"], "y");
    assert_eq!(r.fail_on, FailOn::Never);

    let yaml = dir.path().join(".hadolint.yaml");
    std::fs::write(
        &yaml,
        "trustedRegistries:\n  - docker.io\n  - \"*.gcr.io\"\nlabel-schema:\n  author: email\n  version: semver\nstrict-labels: true\nfailure-threshold: warning\ndisable-ignore-pragma: true\n",
    )
    .unwrap();
    let c = config::load(&yaml, ".hadolint.yaml").unwrap();
    assert_eq!(c.format, Format::Hadolint);
    let r = config::resolve(&c, &config::Overrides::default());
    assert_eq!(
        r.settings.options.trusted_registries,
        ["docker.io", "*.gcr.io"]
    );
    assert_eq!(r.settings.options.label_schema.len(), 2);
    assert!(r.settings.options.strict_labels);
    assert!(r.settings.disable_ignore_pragma);
    assert_eq!(r.fail_on, FailOn::Severity(Severity::Warning));

    // hadolint's default threshold is info; Slipway's is style.
    std::fs::write(&yaml, "ignored: []\n").unwrap();
    let c = config::load(&yaml, ".hadolint.yaml").unwrap();
    let r = config::resolve(&c, &config::Overrides::default());
    assert_eq!(r.fail_on, FailOn::Severity(Severity::Info));
    let r = config::resolve(&config::Config::defaults(), &config::Overrides::default());
    assert_eq!(r.fail_on, FailOn::Severity(Severity::Style));
}

#[test]
fn hadolint_yaml_is_the_fallback() {
    let env = Env::new();
    env.write("Dockerfile", BOTH);
    env.write("a/Dockerfile", BOTH);
    env.write(".hadolint.yaml", "ignored:\n  - DL4000\n");
    env.write("a/.hadolint.yml", "ignored:\n  - DL3000\n");
    let r = env.check(&[]);
    assert_eq!(
        r.findings(),
        strs(&["Dockerfile:SW101:error", "a/Dockerfile:SW501:error"]),
        "{r:?}"
    );
    // Any slipway.toml up the tree wins over a nearer .hadolint.yaml.
    env.write("slipway.toml", "ignore = []\n");
    let r = env.check(&[]);
    assert_eq!(r.findings().len(), 4, "{r:?}");
}

#[test]
fn hadolint_keys() {
    let env = Env::new();
    env.write("Dockerfile", BOTH);
    let select = ["--select", "SW101,SW501"];

    // override, and the default failure threshold (info).
    env.write(
        ".hadolint.yaml",
        "override:\n  style:\n    - DL4000\n    - DL3000\n",
    );
    let r = env.check(&select);
    assert_eq!(
        r.findings(),
        strs(&["Dockerfile:SW501:style", "Dockerfile:SW101:style"]),
        "{r:?}"
    );
    assert_eq!(
        r.code, 0,
        "style is below hadolint's default threshold: {r:?}"
    );

    // failure-threshold.
    env.write(
        ".hadolint.yaml",
        "override:\n  style: [DL4000]\n  warning: [DL3000]\nfailure-threshold: error\n",
    );
    let r = env.check(&select);
    assert_eq!(
        r.findings(),
        strs(&["Dockerfile:SW501:style", "Dockerfile:SW101:warning"]),
        "{r:?}"
    );
    assert_eq!(r.code, 0, "{r:?}");
    env.write(
        ".hadolint.yaml",
        "override:\n  style: [DL4000, DL3000]\nfailure-threshold: style\n",
    );
    assert_eq!(env.check(&select).code, 1);
    env.write(".hadolint.yaml", "failure-threshold: none\n");
    assert_eq!(env.check(&select).code, 0);

    // Output keys are accepted and change nothing.
    env.write(
        ".hadolint.yaml",
        "format: json\nno-color: true\nno-fail: false\nverbose: true\n",
    );
    let r = env.check(&select);
    assert_eq!((r.code, r.findings().len()), (1, 2), "{r:?}");
    assert!(!r.stderr.contains("unknown key"), "{r:?}");

    // disable-ignore-pragma.
    env.write(
        "Dockerfile",
        "FROM alpine:3.20\n# hadolint ignore=DL4000\nMAINTAINER Jane\n",
    );
    env.write(".hadolint.yaml", "ignored: []\n");
    assert_eq!(env.check(&select).findings(), Vec::<String>::new());
    env.write(".hadolint.yaml", "disable-ignore-pragma: true\n");
    assert_eq!(
        env.check(&select).findings(),
        strs(&["Dockerfile:SW501:error"])
    );

    // trustedRegistries (a string or a list), label-schema and strict-labels
    // are read (their values are checked in configuration_values_reach_the_settings).
    env.write("Dockerfile", BOTH);
    for text in [
        "trustedRegistries: docker.io\n",
        "trustedRegistries: [docker.io, \"*.gcr.io\"]\n",
        "label-schema:\n  author: text\n  url: url\nstrict-labels: true\n",
    ] {
        env.write(".hadolint.yaml", text);
        let r = env.check(&select);
        assert_eq!(r.code, 1, "{text}: {r:?}");
        assert_eq!(r.stderr, "", "{text}: {r:?}");
    }
}

#[test]
fn hadolint_codes_slipway_cannot_honor_are_notes() {
    let env = Env::new();
    env.write("Dockerfile", BOTH);
    env.write(
        ".hadolint.yaml",
        "ignored:\n  - SC2086\n  - DL4000\noverride:\n  error: [SC1091]\n",
    );
    let r = env.check(&[]);
    assert_eq!(r.findings(), strs(&["Dockerfile:SW101:error"]), "{r:?}");
    assert!(
        r.stderr
            .contains("ShellCheck codes SC2086, SC1091 ignored: Slipway does not run ShellCheck"),
        "{r:?}"
    );

    // A hadolint rule Slipway has no equivalent of (if any is left) is a note too.
    if let Some(code) = slipway::config::ids::HADOLINT_CODES
        .iter()
        .find(|c| rules::lookup(c).is_none())
    {
        env.write(".hadolint.yaml", &format!("ignored: [{code}]\n"));
        let r = env.check(&[]);
        assert_ne!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains(code), "{r:?}");
        assert!(r.stderr.contains("no equivalent"), "{r:?}");
    }
}

#[test]
fn hadolint_global_places() {
    let mut env = Env::new();
    env.write("Dockerfile", BOTH);
    write(&env.home, ".hadolint.yaml", "ignored: [DL4000]\n");
    let r = env.check(&[]);
    assert_eq!(r.findings(), strs(&["Dockerfile:SW101:error"]), "{r:?}");
    // ~/.config/hadolint.yaml comes before ~/.hadolint.yaml.
    write(&env.home, ".config/hadolint.yaml", "ignored: [DL3000]\n");
    let r = env.check(&[]);
    assert_eq!(r.findings(), strs(&["Dockerfile:SW501:error"]), "{r:?}");
    // $XDG_CONFIG_HOME comes first.
    let xdg = env.home.join("xdg");
    write(&xdg, "hadolint.yml", "ignored: [DL3000, DL4000]\n");
    env.xdg = Some(xdg);
    let r = env.check(&[]);
    assert_eq!(r.findings(), Vec::<String>::new(), "{r:?}");
    // A .hadolint.yaml up the tree comes before all of them.
    env.write("sub/.hadolint.yaml", "ignored: []\n");
    env.write("sub/Dockerfile", BOTH);
    let r = env.check(&["sub"]);
    assert_eq!(r.findings().len(), 2, "{r:?}");
    // And --isolated ignores them all.
    let r = env.check(&["--isolated", "Dockerfile"]);
    assert_eq!(r.findings().len(), 2, "{r:?}");
}

#[test]
fn bad_toml_is_reported_in_the_file() {
    let env = Env::new();
    env.write("Dockerfile", BOTH);
    env.write(
        "sub/slipway.toml",
        "ignore = [\"SW101\"]\nfail-onn = \"error\"\n",
    );
    env.write("sub/Dockerfile", BOTH);
    let r = env.check(&[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(
        r.stdout, "",
        "nothing is reported with a bad configuration: {r:?}"
    );
    // The file, the line and column, the key, and a suggestion.
    assert!(r.stderr.contains("[sub/slipway.toml:2:1]"), "{r:?}");
    assert!(r.stderr.contains("2 │ fail-onn = \"error\""), "{r:?}");
    assert!(r.stderr.contains("unknown field `fail-onn`"), "{r:?}");
    assert!(r.stderr.contains("did you mean `fail-on`?"), "{r:?}");

    // Not TOML at all.
    env.write("sub/slipway.toml", "ignore = [\"SW101\"\n");
    let r = env.check(&[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("sub/slipway.toml:"), "{r:?}");

    // A wrong value: the key's value is pointed at.
    env.write("sub/slipway.toml", "\n[severity]\nSW101 = \"loud\"\n");
    let r = env.check(&[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("[sub/slipway.toml:3:9]"), "{r:?}");
    assert!(r.stderr.contains("invalid severity for `SW101`"), "{r:?}");
}

#[test]
fn bad_yaml_is_reported_in_the_file() {
    let env = Env::new();
    env.write("Dockerfile", BOTH);
    env.write(
        ".hadolint.yaml",
        "ignored:\n  - DL3000\noverride:\n  fatal: [DL4000]\n",
    );
    let r = env.check(&[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.stdout, "", "{r:?}");
    assert!(r.stderr.contains("[.hadolint.yaml:4:3]"), "{r:?}");
    assert!(r.stderr.contains("4 │   fatal: [DL4000]"), "{r:?}");
    assert!(r.stderr.contains("unknown field `fatal`"), "{r:?}");

    env.write(".hadolint.yaml", "ignored: [DL3000\nother: 1\n");
    let r = env.check(&[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains(".hadolint.yaml:"), "{r:?}");

    env.write(".hadolint.yaml", "failure-threshold: loud\n");
    let r = env.check(&[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("[.hadolint.yaml:1:20]"), "{r:?}");
    assert!(r.stderr.contains("failure-threshold"), "{r:?}");
}

#[test]
fn unknown_rule_ids_are_errors_with_a_suggestion() {
    let env = Env::new();
    env.write("Dockerfile", BOTH);
    env.write(
        "slipway.toml",
        "ignore = [\"SW101\",\n  \"maintainer-deprecatd\"]\n",
    );
    let r = env.check(&[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("unknown rule `maintainer-deprecatd`"),
        "{r:?}"
    );
    assert!(r.stderr.contains("[slipway.toml:2:3]"), "{r:?}");
    assert!(
        r.stderr.contains("did you mean `maintainer-deprecated`?"),
        "{r:?}"
    );

    for text in [
        "select = [\"SW5O1\"]\n",
        "extend-select = [\"SW5O1\"]\n",
        "[severity]\nSW5O1 = \"info\"\n",
    ] {
        env.write("slipway.toml", text);
        let r = env.check(&[]);
        assert_eq!(r.code, 2, "{text}: {r:?}");
        assert!(r.stderr.contains("did you mean `SW501`?"), "{text}: {r:?}");
    }

    env.write("slipway.toml", "");
    env.write(".hadolint.yaml", "ignored: [DL40O0]\n");
    let r = env.check(&["--isolated"]);
    assert_eq!(r.code, 1, "--isolated does not read it: {r:?}");
    let r = env.check(&["--config", ".hadolint.yaml"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("unknown rule `DL40O0`"), "{r:?}");
    assert!(r.stderr.contains("did you mean `DL4000`?"), "{r:?}");
    assert!(r.stderr.contains("[.hadolint.yaml:1:11]"), "{r:?}");
}

#[test]
fn standard_input_is_configured_like_its_name() {
    let env = Env::new();
    env.write("slipway.toml", "ignore = [\"SW501\"]\n");
    env.write("b/slipway.toml", "ignore = [\"SW101\"]\n");
    let args = ["check", "--format", "concise", "-"];
    // Without a name: like a file in the working directory.
    let r = env.run_full("", &args, Some(BOTH));
    assert_eq!(r.findings(), strs(&["<stdin>:SW101:error"]), "{r:?}");
    let r = env.run_full("b", &args, Some(BOTH));
    assert_eq!(r.findings(), strs(&["<stdin>:SW501:error"]), "{r:?}");
    // With --stdin-filename: like that file.
    let named = [&args[..], &["--stdin-filename", "b/Dockerfile"]].concat();
    let r = env.run_full("", &named, Some(BOTH));
    assert_eq!(r.findings(), strs(&["b/Dockerfile:SW501:error"]), "{r:?}");
}
