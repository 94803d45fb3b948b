//! `slipway verify`: prove a rewrite by building it.
//!
//! The original Dockerfile and its rewrite (`split`'s, the fixes', or a
//! given file) are built with a container engine ([`engine`]), each image's
//! program and shared libraries are looked for in its files ([`files`]),
//! both are run and asked the same thing ([`probe`]), their real sizes are
//! set beside `slipway size`'s estimates, and both are built again after a
//! one-line change to a source file to see which steps re-run
//! ([`rebuild`]). Images are tagged `localhost/slipway-verify/<id>:original`
//! and `:rewrite` only, and removed at the end (unless kept); containers
//! are always removed; the rewrite is written to a temporary file outside
//! the user's tree, and the user's files are never written.
//!
//! It sits beside `fleet`: above `split`, `fix` and `model::size`, below
//! `cli`, which renders the [`Report`].

pub mod engine;
pub mod files;
pub mod probe;
pub mod process;
pub mod rebuild;

use engine::{Engine, EngineKind, ImageInfo};
use files::ProgramCheck;
use probe::{Limits, Probe, ProbeResult};
use rebuild::Step;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where the rewrite comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RewriteFrom {
    /// `slipway split`'s.
    Split,
    /// The fixes `slipway check --fix` applies (`unsafe_fixes`: with
    /// `--unsafe-fixes`).
    Fix {
        /// Apply the unsafe fixes too.
        unsafe_fixes: bool,
    },
    /// This file.
    File(PathBuf),
}

impl RewriteFrom {
    fn as_str(&self) -> &'static str {
        match self {
            RewriteFrom::Split => "split",
            RewriteFrom::Fix {
                unsafe_fixes: false,
            } => "fix",
            RewriteFrom::Fix { unsafe_fixes: true } => "unsafe-fixes",
            RewriteFrom::File(_) => "file",
        }
    }
}

/// What to verify, and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// The original Dockerfile.
    pub dockerfile: PathBuf,
    /// The build context [default: the Dockerfile's directory].
    pub context: Option<PathBuf>,
    /// The engine, or `None` to find one.
    pub engine: Option<EngineKind>,
    /// Where the rewrite comes from.
    pub rewrite: RewriteFrom,
    /// What to ask both images.
    pub probe: Probe,
    /// Text the probe's output or body must contain.
    pub expect: Option<String>,
    /// The time limit of each build.
    pub build_timeout: Duration,
    /// The probe's time limits.
    pub limits: Limits,
    /// Keep the images.
    pub keep: bool,
    /// Run the rebuild after a source change.
    pub rebuild: bool,
    /// The file to change for the rebuild (relative to the context, or
    /// absolute inside it) [default: picked, see [`rebuild::pick_touch`]].
    pub touch: Option<PathBuf>,
    /// The largest Dockerfile (or rewrite) read, in bytes
    /// (`max-file-size`).
    pub max_file_size: u64,
}

/// The engine used, and why the others were not.
#[derive(Clone, Debug, Serialize)]
pub struct EngineReport {
    /// `docker`, `podman` or `buildah`.
    pub name: EngineKind,
    /// Its path.
    pub program: String,
    /// Its version line.
    pub version: Option<String>,
    /// The engines skipped, and why.
    pub skipped: Vec<String>,
}

/// One image: the original or the rewrite.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Side {
    /// The Dockerfile built (the rewrite's is a temporary file, gone when
    /// `verify` ends).
    pub dockerfile: String,
    /// The image's tag.
    pub image: String,
    /// Whether it built.
    pub built: bool,
    /// How long the build took.
    pub build_seconds: f64,
    /// The build was stopped at the time limit.
    pub build_timed_out: bool,
    /// The end of the build's output, when it failed.
    pub build_log_tail: Option<String>,
    /// The real size of the image (uncompressed layers), in bytes.
    pub bytes: Option<u64>,
    /// `slipway size`'s estimate of the final image.
    pub estimated_bytes: Option<u64>,
    /// `known`, `estimated` or `unknown` (a lower bound).
    pub estimate_certainty: Option<&'static str>,
    /// The program and its libraries, looked for in the image's files.
    pub program: Option<ProgramCheck>,
    /// What the probe saw.
    pub probe: Option<ProbeResult>,
}

/// One image's rebuild after the change.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RebuildSide {
    /// Whether the warm-up build and the rebuild both built.
    pub built: bool,
    /// The warm-up build (in the copy, before the change).
    pub warm_seconds: f64,
    /// Whether every step of the warm-up build came from the cache.
    pub warm_all_cached: bool,
    /// The rebuild after the change.
    pub seconds: f64,
    /// Every step of the rebuild.
    pub steps: Vec<Step>,
    /// How many steps (other than `FROM`) ran again.
    pub rerun: usize,
    /// How many steps there are (other than `FROM`).
    pub total: usize,
    /// The first step that ran again.
    pub first_rerun: Option<String>,
    /// Whether a step that installs packages or dependencies ran again.
    pub dependency_install_rerun: bool,
    /// Why it did not build, when it did not.
    pub error: Option<String>,
}

/// The rebuild of both images after a one-line change.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RebuildReport {
    /// The file changed (relative to the context).
    pub touched: String,
    /// `given` (`--touch`) or `picked`.
    pub chosen: &'static str,
    /// What the change was.
    pub change: &'static str,
    /// The original's rebuild.
    pub original: Option<RebuildSide>,
    /// The rewrite's rebuild.
    pub rewrite: Option<RebuildSide>,
    /// The rewrite re-runs a dependency install after the change and the
    /// original does not.
    pub regressed: bool,
    /// The original re-runs a dependency install after the change and the
    /// rewrite does not.
    pub improved: bool,
}

/// A finding of `slipway check` in the rewrite that the original does not
/// have (the same rule with the same message).
#[derive(Clone, Debug, Default, Serialize)]
pub struct AddedFinding {
    /// The rule's code.
    pub code: &'static str,
    /// The rule's name.
    pub name: &'static str,
    /// The line in the rewrite.
    pub line: usize,
    /// The message.
    pub message: String,
}

/// Everything `verify` found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// The original Dockerfile.
    pub file: String,
    /// The build context.
    pub context: String,
    /// Where the rewrite came from: `split`, `fix`, `unsafe-fixes`, `file`.
    pub rewrite_from: &'static str,
    /// What the rewrite did (split's runtime image, the fixes applied).
    pub rewrite_summary: Vec<String>,
    /// Why there is no rewrite (a declined split).
    pub declined: Vec<String>,
    /// Findings of `slipway check` in the rewrite that the original does not
    /// have (with the configuration `check` would use for the file).
    pub findings_added: Vec<AddedFinding>,
    /// The engine.
    pub engine: Option<EngineReport>,
    /// The original image.
    pub original: Option<Side>,
    /// The rewrite's image (`null` when there is nothing to verify).
    pub rewrite: Option<Side>,
    /// Whether the rewrite behaves as the original (`null`: nothing to
    /// verify, or the original itself failed).
    pub equivalent: Option<bool>,
    /// Why not.
    pub reasons: Vec<String>,
    /// Other things worth knowing.
    pub notes: Vec<String>,
    /// The rebuild after a one-line change.
    pub rebuild: Option<RebuildReport>,
    /// Images left in the store (`--keep`).
    pub kept_images: Vec<String>,
    /// The original does not build or pass its probe, or the environment
    /// is at fault: what happened.
    pub error: Option<String>,
    /// `equivalent`, `not-equivalent`, `nothing-to-verify` or `error`.
    pub status: &'static str,
    /// The exit code: 0, 1 or 2.
    pub exit_code: u8,
    /// How long it all took.
    pub seconds: f64,
}

impl Report {
    fn finish(&mut self, started: Instant) {
        self.seconds = started.elapsed().as_secs_f64();
        (self.status, self.exit_code) = if self.error.is_some() {
            self.equivalent = None;
            ("error", 2)
        } else {
            match self.equivalent {
                None => ("nothing-to-verify", 0),
                Some(true) => ("equivalent", 0),
                Some(false) => ("not-equivalent", 1),
            }
        };
    }
}

/// What is cleaned up when `verify` ends, however it ends.
struct Guard<'e> {
    engine: &'e Engine,
    containers: Vec<String>,
    mounts: Vec<(String, String)>,
    images: Vec<String>,
    keep: bool,
}

impl Guard<'_> {
    fn forget_container(&mut self, name: &str) {
        self.containers.retain(|c| c != name);
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        for (image, name) in self.mounts.drain(..) {
            self.engine.unmount(&image, &name);
        }
        for c in self.containers.drain(..) {
            self.engine.remove(&c);
        }
        if !self.keep {
            for i in self.images.drain(..) {
                self.engine.remove_image(&i);
            }
        }
    }
}

/// A short id for this run's names.
fn run_id(path: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    std::process::id().hash(&mut h);
    std::time::SystemTime::now().hash(&mut h);
    format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
}

fn display(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The build context's `.dockerignore` patterns for `dockerfile`.
fn ignore_patterns(dockerfile: &Path, context: &Path) -> Option<Vec<String>> {
    crate::model::dockerignore::for_context(Some(dockerfile), context)
}

/// `slipway size`'s estimate of the final image a text builds.
pub fn estimate(
    text: &str,
    context: &Path,
    ignore: Option<&[String]>,
) -> Option<(u64, &'static str)> {
    let parse = crate::syntax::parse(text);
    if !parse.errors.is_empty() {
        return None;
    }
    let file = &parse.dockerfile;
    let model = crate::model::Model::build(file, &std::collections::HashMap::new());
    let options = crate::rules::options::Options::default();
    let pragmas = crate::rules::suppress::pragmas(text, file);
    let cx = crate::rules::Context::new(text, file, &model, &options, pragmas.shell.as_deref());
    let input = crate::model::size::Input {
        file,
        model: &model,
        target: None,
        context: Some(context),
        dockerignore: ignore,
    };
    let e = crate::model::size::estimate(&input, &|i| cx.instruction_scripts(i));
    e.final_bytes().map(|b| (b, e.final_certainty().as_str()))
}

/// The findings of the rewrite that the original does not have, matched by
/// rule and message.
fn added_findings(
    dockerfile: &Path,
    original: &str,
    rewrite: &str,
    context: &Path,
    ignore: Option<&[String]>,
) -> Vec<AddedFinding> {
    let resolver = crate::config::Resolver::discover(crate::config::Overrides::default());
    let Ok(resolved) = resolver.for_file(dockerfile) else {
        return Vec::new();
    };
    let info = crate::FileInfo {
        dockerignore: ignore,
        context: Some(context),
    };
    let mut before: Vec<(&'static str, String)> =
        crate::lint_file(original, &resolved.settings, info)
            .into_iter()
            .map(|d| (d.code, d.message))
            .collect();
    let line_starts = crate::syntax::parse(rewrite).dockerfile.line_starts;
    let mut out = Vec::new();
    for d in crate::lint_file(rewrite, &resolved.settings, info) {
        if let Some(i) = before
            .iter()
            .position(|(c, m)| *c == d.code && *m == d.message)
        {
            before.swap_remove(i);
            continue;
        }
        out.push(AddedFinding {
            code: d.code,
            name: d.name,
            line: line_starts.partition_point(|&s| s <= d.span.start),
            message: d.message,
        });
    }
    out
}

/// The rewrite's text, or why there is none (`Ok(None)`: nothing to
/// verify, with the reasons in the report).
fn make_rewrite(
    options: &Options,
    source: &str,
    context: &Path,
    ignore: Option<&[String]>,
    report: &mut Report,
) -> Result<Option<String>, String> {
    match &options.rewrite {
        RewriteFrom::Split => {
            let split_options = crate::split::Options {
                context: Some(context),
            };
            let info = crate::FileInfo {
                dockerignore: ignore,
                context: Some(context),
            };
            match crate::fix::split_checked(source, &split_options, info) {
                Ok(s) => {
                    report.rewrite_summary.push(format!(
                        "split into a builder and a {} runtime stage ({:?})",
                        s.runtime_image, s.ecosystem
                    ));
                    Ok(Some(s.text))
                }
                Err(declined) => {
                    report.declined = declined.reasons;
                    report.notes.push(
                        "slipway split declined to rewrite the file: there is nothing to verify"
                            .into(),
                    );
                    Ok(None)
                }
            }
        }
        RewriteFrom::Fix { unsafe_fixes } => {
            let resolver = crate::config::Resolver::discover(crate::config::Overrides::default());
            let resolved = resolver
                .for_file(&options.dockerfile)
                .map_err(|e| format!("the configuration cannot be read: {e}"))?;
            let info = crate::FileInfo {
                dockerignore: ignore,
                context: Some(context),
            };
            let outcome = crate::fix::fix_file(
                source,
                &resolved.settings,
                info,
                crate::fix::Policy::new(*unsafe_fixes),
            );
            if outcome.syntax_errors {
                return Err(format!(
                    "{} has syntax errors: it is not fixed",
                    display(&options.dockerfile)
                ));
            }
            for (code, n) in &outcome.applied {
                let name = crate::rules::by_code(code).map_or("", |r| r.meta().name);
                report.rewrite_summary.push(format!(
                    "{code} {name}: {n} fix{}",
                    if *n == 1 { "" } else { "es" }
                ));
            }
            if !outcome.changed() {
                report.notes.push(format!(
                    "no {}fix applies to the file: there is nothing to verify",
                    if *unsafe_fixes { "" } else { "safe " }
                ));
                return Ok(None);
            }
            Ok(Some(outcome.text))
        }
        RewriteFrom::File(path) => {
            let bytes = crate::input::read_file(path, options.max_file_size)
                .map_err(|e| format!("cannot read the rewrite {}: {e}", display(path)))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("the rewrite {} is not UTF-8", display(path)))?;
            report
                .rewrite_summary
                .push(format!("the file {}", display(path)));
            Ok(Some(text))
        }
    }
}

/// Verify. The report says everything, errors included (`error`, exit code
/// 2); this never panics on a failing build or probe and always cleans up.
pub fn run(options: &Options) -> Report {
    let started = Instant::now();
    process::catch_interrupts();
    let mut report = Report {
        file: display(&options.dockerfile),
        rewrite_from: options.rewrite.as_str(),
        ..Report::default()
    };
    let context = match &options.context {
        Some(c) => c.clone(),
        None => options
            .dockerfile
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    };
    report.context = display(&context);
    if let Err(e) = verify(options, &context, &mut report) {
        report.error = Some(e);
    }
    if process::interrupted() && report.error.is_none() {
        report.error = Some("interrupted".into());
    }
    report.finish(started);
    report
}

fn verify(options: &Options, context: &Path, report: &mut Report) -> Result<(), String> {
    let bytes = crate::input::read_file(&options.dockerfile, options.max_file_size)
        .map_err(|e| format!("cannot read {}: {e}", display(&options.dockerfile)))?;
    let source = crate::syntax::decode(&bytes)
        .map_err(|e| format!("{}: {}", display(&options.dockerfile), e.message))?;
    if !context.is_dir() {
        return Err(format!(
            "the build context {} is not a directory",
            display(context)
        ));
    }
    let ignore = ignore_patterns(&options.dockerfile, context);
    let Some(rewrite_text) = make_rewrite(options, source, context, ignore.as_deref(), report)?
    else {
        return Ok(());
    };

    report.findings_added = added_findings(
        &options.dockerfile,
        source,
        &rewrite_text,
        context,
        ignore.as_deref(),
    );
    if !report.findings_added.is_empty() {
        let codes: Vec<String> = report
            .findings_added
            .iter()
            .map(|f| format!("{} {} (line {})", f.code, f.name, f.line))
            .collect();
        report.notes.push(format!(
            "slipway check finds in the rewrite what it does not find in the original: {}",
            codes.join(", ")
        ));
    }

    let (engine, skipped) = engine::detect(options.engine)?;
    report.engine = Some(EngineReport {
        name: engine.kind,
        program: engine.program.display().to_string(),
        version: engine.version.clone(),
        skipped,
    });

    // The rewrite, outside the user's tree; a per-Dockerfile ignore file
    // goes beside it.
    let scratch = tempfile::Builder::new()
        .prefix("slipway-verify-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let rewrite_path = scratch.path().join("Dockerfile");
    std::fs::write(&rewrite_path, &rewrite_text)
        .map_err(|e| format!("cannot write the rewrite: {e}"))?;
    if let Some(name) = options.dockerfile.file_name() {
        let mut own = name.to_os_string();
        own.push(".dockerignore");
        let own = options.dockerfile.with_file_name(own);
        if own.is_file() {
            let _ = std::fs::copy(&own, scratch.path().join("Dockerfile.dockerignore"));
        }
    }

    let id = run_id(&options.dockerfile);
    let repo = format!("localhost/slipway-verify/{id}");
    let mut guard = Guard {
        engine: &engine,
        containers: Vec::new(),
        mounts: Vec::new(),
        images: Vec::new(),
        keep: options.keep,
    };

    // Build both.
    let mut original = build(
        &engine,
        &options.dockerfile,
        context,
        &format!("{repo}:original"),
        options.build_timeout,
        &mut guard,
    )?;
    original.estimated_bytes = None;
    if let Some((b, c)) = estimate(source, context, ignore.as_deref()) {
        original.estimated_bytes = Some(b);
        original.estimate_certainty = Some(c);
    }
    if !original.built {
        let why = if original.build_timed_out {
            format!(
                "the original does not build within {} s",
                options.build_timeout.as_secs()
            )
        } else {
            match original
                .build_log_tail
                .as_deref()
                .and_then(|t| t.lines().rev().find(|l| !l.trim().is_empty()))
            {
                Some(last) => format!("the original does not build ({})", last.trim()),
                None => "the original does not build".to_string(),
            }
        };
        report.original = Some(original);
        return Err(format!(
            "{why}: nothing to compare against (the file or the environment is at fault, not the rewrite)"
        ));
    }
    let mut rewrite = build(
        &engine,
        &rewrite_path,
        context,
        &format!("{repo}:rewrite"),
        options.build_timeout,
        &mut guard,
    )?;
    rewrite.dockerfile = "(temporary)".into();
    if let Some((b, c)) = estimate(&rewrite_text, context, ignore.as_deref()) {
        rewrite.estimated_bytes = Some(b);
        rewrite.estimate_certainty = Some(c);
    }
    if process::interrupted() {
        return Err("interrupted".into());
    }

    // Look at both and run both.
    let original_info = engine.inspect(&original.image)?;
    original.bytes = original_info.bytes;
    let image = original.image.clone();
    let name = format!("slipway-verify-{id}-original");
    examine(
        &engine,
        &image,
        &name,
        &original_info,
        options,
        &mut guard,
        &mut original,
    )?;
    let original_probe = original.probe.clone().unwrap_or_default();
    if original_probe.environment_error {
        report.original = Some(original);
        return Err(original_probe.detail);
    }
    if !original_probe.passed {
        report.original = Some(original);
        return Err(format!(
            "the original does not pass the probe ({}: {}): nothing to compare against",
            original_probe.kind, original_probe.detail
        ));
    }
    if !rewrite.built {
        report.reasons.push(if rewrite.build_timed_out {
            format!(
                "the rewrite does not build within {} s",
                options.build_timeout.as_secs()
            )
        } else {
            format!(
                "the rewrite does not build: {}",
                rewrite
                    .build_log_tail
                    .as_deref()
                    .and_then(|t| t.lines().rev().find(|l| !l.trim().is_empty()))
                    .unwrap_or("")
                    .trim()
            )
        });
        report.equivalent = Some(false);
        report.original = Some(original);
        report.rewrite = Some(rewrite);
        return Ok(());
    }
    let rewrite_info = engine.inspect(&rewrite.image)?;
    rewrite.bytes = rewrite_info.bytes;
    let image = rewrite.image.clone();
    let name = format!("slipway-verify-{id}-rewrite");
    examine(
        &engine,
        &image,
        &name,
        &rewrite_info,
        options,
        &mut guard,
        &mut rewrite,
    )?;
    if let Some(p) = &rewrite.probe
        && p.environment_error
    {
        let detail = p.detail.clone();
        report.original = Some(original);
        report.rewrite = Some(rewrite);
        return Err(detail);
    }
    compare(&original, &rewrite, &original_info, &rewrite_info, report);
    if let (Some(a), Some(b)) = (original.bytes, rewrite.bytes)
        && b > a + a / 100
    {
        report.notes.push(format!(
            "the rewrite's image is bigger than the original's ({} > {})",
            crate::model::size::format_bytes(b),
            crate::model::size::format_bytes(a)
        ));
    }

    // The rebuild after a one-line change.
    if options.rebuild && !process::interrupted() {
        report.rebuild = rebuild(
            &engine,
            options,
            context,
            source,
            &rewrite_path,
            &rewrite_text,
            ignore.as_deref(),
            &repo,
            &mut guard,
            &mut report.notes,
        );
    }
    if process::interrupted() {
        return Err("interrupted".into());
    }
    if options.keep {
        report.kept_images = guard.images.clone();
    }
    report.original = Some(original);
    report.rewrite = Some(rewrite);
    Ok(())
}

/// Build one image.
fn build(
    engine: &Engine,
    dockerfile: &Path,
    context: &Path,
    tag: &str,
    limit: Duration,
    guard: &mut Guard<'_>,
) -> Result<Side, String> {
    guard.images.push(tag.to_string());
    let done = engine
        .build(dockerfile, context, tag, limit)
        .map_err(|e| format!("cannot run {}: {e}", engine.kind.as_str()))?;
    if done.interrupted {
        return Err("interrupted".into());
    }
    Ok(Side {
        dockerfile: display(dockerfile),
        image: tag.to_string(),
        built: done.success(),
        build_seconds: done.seconds,
        build_timed_out: done.timed_out,
        build_log_tail: (!done.success()).then(|| done.tail(30)),
        ..Side::default()
    })
}

/// Look for the program in the image's files, then run the probe.
fn examine(
    engine: &Engine,
    image: &str,
    name: &str,
    info: &ImageInfo,
    options: &Options,
    guard: &mut Guard<'_>,
    side: &mut Side,
) -> Result<(), String> {
    engine.prepare(image, name)?;
    if engine.kind == EngineKind::Buildah {
        guard.containers.push(name.to_string());
    }
    let fs_name = if engine.kind == EngineKind::Buildah {
        name.to_string()
    } else {
        format!("{name}-files")
    };
    let scratch = tempfile::Builder::new()
        .prefix("slipway-verify-files-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    if engine.kind == EngineKind::Docker {
        guard.containers.push(fs_name.clone());
    }
    guard.mounts.push((image.to_string(), fs_name.clone()));
    side.program = Some(match engine.mount(image, &fs_name, scratch.path()) {
        Ok(root) => files::check(&root, info),
        Err(e) => ProgramCheck {
            passed: true,
            command: info.argv(None),
            notes: vec![format!("the image's files could not be read: {e}")],
            ..ProgramCheck::default()
        },
    });
    engine.unmount(image, &fs_name);
    guard.mounts.retain(|(_, n)| *n != fs_name);
    if engine.kind == EngineKind::Docker {
        engine.remove(&fs_name);
        guard.forget_container(&fs_name);
    }
    drop(scratch);
    if engine.kind != EngineKind::Buildah {
        // `run --rm` removes it; this removes it if that did not happen.
        guard.containers.push(name.to_string());
    }
    side.probe = Some(probe::run(
        engine,
        image,
        name,
        info,
        &options.probe,
        options.expect.as_deref(),
        options.limits,
    ));
    engine.remove(name);
    guard.forget_container(name);
    Ok(())
}

fn excerpt(text: &str) -> String {
    let t = text.trim();
    let mut s: String = t.chars().take(120).collect();
    if t.chars().count() > 120 {
        s.push('…');
    }
    format!("{s:?}")
}

/// Compare the two sides; reasons when the rewrite differs.
fn compare(
    original: &Side,
    rewrite: &Side,
    _original_info: &ImageInfo,
    _rewrite_info: &ImageInfo,
    report: &mut Report,
) {
    let mut reasons = Vec::new();
    let a = original.probe.clone().unwrap_or_default();
    let b = rewrite.probe.clone().unwrap_or_default();
    if !b.passed {
        reasons.push(format!(
            "the rewrite fails the probe ({}: {})",
            b.kind, b.detail
        ));
    } else {
        match a.kind {
            "http" => {
                if a.http_status != b.http_status {
                    reasons.push(format!(
                        "the HTTP status differs: {} for the original, {} for the rewrite",
                        a.http_status.unwrap_or(0),
                        b.http_status.unwrap_or(0)
                    ));
                } else if a.body != b.body {
                    reasons.push(format!(
                        "the HTTP body differs: {} for the original, {} for the rewrite",
                        excerpt(a.body.as_deref().unwrap_or("")),
                        excerpt(b.body.as_deref().unwrap_or(""))
                    ));
                }
            }
            _ => {
                if a.still_running != b.still_running {
                    reasons.push(if a.still_running {
                        format!(
                            "the original keeps running (a server) but the rewrite {}",
                            b.detail
                        )
                    } else {
                        format!("the original exits but the rewrite is {}", b.detail)
                    });
                } else if !a.still_running {
                    if a.exit_code != b.exit_code {
                        reasons.push(format!(
                            "the exit code differs: {:?} for the original, {:?} for the rewrite",
                            a.exit_code, b.exit_code
                        ));
                    } else if a.stdout != b.stdout {
                        reasons.push(format!(
                            "the output differs: {} for the original, {} for the rewrite",
                            excerpt(&a.stdout),
                            excerpt(&b.stdout)
                        ));
                    }
                }
            }
        }
    }
    if let (Some(pa), Some(pb)) = (&original.program, &rewrite.program) {
        for arg in &pa.arguments {
            let lost = arg.exists && pb.arguments.iter().any(|b| b.path == arg.path && !b.exists);
            if lost {
                reasons.push(format!(
                    "{}, which the command names, is in the original's image but not in the rewrite's",
                    arg.path
                ));
            }
        }
    }
    match (&original.program, &rewrite.program) {
        (Some(pa), Some(pb)) if !pb.passed => {
            if pa.passed {
                for p in &pb.problems {
                    reasons.push(format!("in the rewrite's image, {p}"));
                }
            } else {
                report.notes.push(format!(
                    "the program check fails for the original too ({}); it is not held against the rewrite",
                    pa.problems.join("; ")
                ));
            }
        }
        (Some(pa), _) if !pa.passed => report.notes.push(format!(
            "the program check fails for the original ({}), not for the rewrite",
            pa.problems.join("; ")
        )),
        _ => {}
    }
    report.equivalent = Some(reasons.is_empty());
    report.reasons = reasons;
}

/// The rebuild of both images after the one-line change, in a copy of the
/// context. `None` when there is nothing to change (a note says why).
#[allow(clippy::too_many_arguments)]
fn rebuild(
    engine: &Engine,
    options: &Options,
    context: &Path,
    source: &str,
    rewrite_path: &Path,
    rewrite_text: &str,
    ignore: Option<&[String]>,
    repo: &str,
    guard: &mut Guard<'_>,
    notes: &mut Vec<String>,
) -> Option<RebuildReport> {
    let (touched, chosen) = match &options.touch {
        Some(t) => {
            let rel = if t.is_absolute() {
                let abs_context = context
                    .canonicalize()
                    .unwrap_or_else(|_| context.to_path_buf());
                match t
                    .strip_prefix(&abs_context)
                    .or_else(|_| t.strip_prefix(context))
                {
                    Ok(r) => r.to_path_buf(),
                    Err(_) => {
                        notes.push(format!(
                            "--touch {} is not inside the build context: no rebuild",
                            t.display()
                        ));
                        return None;
                    }
                }
            } else {
                t.clone()
            };
            if !context.join(&rel).is_file() {
                notes.push(format!(
                    "--touch {}: no such file in the build context: no rebuild",
                    rel.display()
                ));
                return None;
            }
            (rel.to_string_lossy().replace('\\', "/"), "given")
        }
        None => match rebuild::pick_touch(context, source, ignore) {
            Some(p) => (p, "picked"),
            None => {
                notes.push(
                    "no source file that a COPY brings into the image (other than manifests and lock files) to change: no rebuild"
                        .into(),
                );
                return None;
            }
        },
    };
    let mut out = RebuildReport {
        touched: touched.clone(),
        chosen,
        change: "one line of spaces appended, as many as no earlier run used (a change the \
                 layer cache has seen before would not re-run anything)",
        ..RebuildReport::default()
    };
    // The cache is keyed by content: a change made by an earlier run (or by
    // the other image's rebuild) would be found in it. The count of spaces
    // comes from the clock, odd for the original, even for the rewrite.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = 2 * (1 + (nanos % 5000) as usize);
    let (original_line, rewrite_line) = (" ".repeat(n - 1), " ".repeat(n));
    let sides: [(&str, &Path, &str, &str); 2] = [
        (
            "original",
            options.dockerfile.as_path(),
            source,
            &original_line,
        ),
        ("rewrite", rewrite_path, rewrite_text, &rewrite_line),
    ];
    let mut results: Vec<RebuildSide> = Vec::new();
    // Each image in a copy of its own: warm the cache, change the file,
    // build again.
    for (name, file, text, line) in sides {
        let tag = format!("{repo}:{name}-rebuild");
        let side = rebuild_side(
            engine, options, context, file, text, &touched, line, &tag, guard,
        );
        results.push(side);
        if process::interrupted() {
            return None;
        }
    }
    let mut it = results.into_iter();
    out.original = it.next();
    out.rewrite = it.next();
    if let (Some(a), Some(b)) = (&out.original, &out.rewrite)
        && a.built
        && b.built
    {
        out.regressed = b.dependency_install_rerun && !a.dependency_install_rerun;
        out.improved = a.dependency_install_rerun && !b.dependency_install_rerun;
        if out.regressed {
            notes.push(format!(
                "after a change to {touched}, the rewrite re-runs a dependency install that the original keeps cached"
            ));
        }
    }
    Some(out)
}

/// One image's rebuild in its own copy of the context.
#[allow(clippy::too_many_arguments)]
fn rebuild_side(
    engine: &Engine,
    options: &Options,
    context: &Path,
    file: &Path,
    text: &str,
    touched: &str,
    line: &str,
    tag: &str,
    guard: &mut Guard<'_>,
) -> RebuildSide {
    let mut side = RebuildSide::default();
    let copy = match rebuild::copy(context) {
        Ok(c) => c,
        Err(e) => {
            side.error = Some(format!("cannot copy the build context: {e}"));
            return side;
        }
    };
    guard.images.push(tag.to_string());
    let io = |e: std::io::Error| format!("cannot run {}: {e}", engine.kind.as_str());
    match engine.build(file, &copy.context, tag, options.build_timeout) {
        Ok(done) => {
            side.warm_seconds = done.seconds;
            let steps = rebuild::parse_steps(&done.stdout, text);
            side.warm_all_cached = steps.iter().all(|s| s.cached || s.step == 1);
            if !done.success() {
                side.error = Some(format!("the warm-up build failed: {}", done.tail(3)));
                return side;
            }
        }
        Err(e) => {
            side.error = Some(io(e));
            return side;
        }
    }
    if process::interrupted() {
        return side;
    }
    if let Err(e) = rebuild::touch(&copy.context.join(touched), line) {
        side.error = Some(format!("cannot change {touched} in the copy: {e}"));
        return side;
    }
    match engine.build(file, &copy.context, tag, options.build_timeout) {
        Ok(done) => {
            side.seconds = done.seconds;
            side.built = done.success();
            if !done.success() {
                side.error = Some(if done.timed_out {
                    format!(
                        "the rebuild did not end within {} s",
                        options.build_timeout.as_secs()
                    )
                } else {
                    format!("the rebuild failed: {}", done.tail(3))
                });
            }
            side.steps = rebuild::parse_steps(&done.stdout, text);
            let counted: Vec<&Step> = side.steps.iter().filter(|s| s.step > 1).collect();
            side.total = counted.len();
            side.rerun = counted.iter().filter(|s| !s.cached).count();
            side.first_rerun = counted
                .iter()
                .find(|s| !s.cached)
                .map(|s| s.instruction.clone());
            side.dependency_install_rerun =
                counted.iter().any(|s| !s.cached && s.dependency_install);
        }
        Err(e) => side.error = Some(io(e)),
    }
    side
}
