//! `slipway check`: find files, check them in parallel, report in path order.

use super::discover::{self, Found, display};
use super::fix::{self, Mode};
use super::output::{self, ToolError};
use super::{CheckArgs, CheckFormat, Status};
use crate::config::{ConfigError, Overrides, Resolved, Resolver};
use crate::diagnostic::Diagnostic;
use crate::model::dockerignore;
use crate::render::{FileError, LineIndex, Summary, concise, human::Human, json};
use rayon::prelude::*;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The name standard input is reported under when `--stdin-filename` is not given.
pub const STDIN_NAME: &str = "<stdin>";

/// One file's text for the chosen format.
enum Renderer {
    Human(Human),
    Other(CheckFormat),
}

impl Renderer {
    fn render(&self, out: &mut Vec<u8>, path: &str, source: &str, diagnostics: &[Diagnostic]) {
        use crate::render::{checkstyle, github, gitlab, sarif};
        match self {
            Renderer::Human(h) => h.render(out, path, source, diagnostics),
            Renderer::Other(f) => match f {
                CheckFormat::Human | CheckFormat::Concise => {
                    concise::render(out, path, source, diagnostics)
                }
                CheckFormat::Json => json::render_file(out, path, source, diagnostics),
                CheckFormat::Sarif => sarif::render_file(out, path, source, diagnostics),
                CheckFormat::Checkstyle => checkstyle::render_file(out, path, source, diagnostics),
                CheckFormat::Gitlab => gitlab::render_file(out, path, source, diagnostics),
                CheckFormat::Github => github::render(out, path, source, diagnostics),
            },
        }
    }
}

/// Write the whole report: the formats that are one document wrap the
/// files' fragments; the others are the fragments one after another.
fn write_document<'f>(
    format: CheckFormat,
    out: &mut dyn Write,
    rendered: impl IntoIterator<Item = &'f [u8]>,
    errors: &[FileError],
) -> io::Result<()> {
    use crate::render::{checkstyle, gitlab, sarif};
    match format {
        CheckFormat::Json => json::write_report(out, rendered, errors),
        CheckFormat::Sarif => sarif::write_report(out, rendered, errors),
        CheckFormat::Checkstyle => checkstyle::write_report(out, rendered, errors),
        CheckFormat::Gitlab => gitlab::write_report(out, rendered, errors),
        CheckFormat::Human | CheckFormat::Concise | CheckFormat::Github => {
            rendered.into_iter().try_for_each(|r| out.write_all(r))
        }
    }
}

/// The `--statistics` table: findings per rule, most frequent first.
fn write_statistics(
    format: CheckFormat,
    out: &mut dyn Write,
    counts: &std::collections::BTreeMap<(&'static str, &'static str), (usize, usize)>,
) -> io::Result<()> {
    let mut rows: Vec<_> = counts.iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    if format == CheckFormat::Json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|((code, name), (count, fixable))| {
                serde_json::json!({"code": code, "name": name, "count": count, "fixable": fixable})
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        return writeln!(out);
    }
    let width = rows
        .iter()
        .map(|r| r.1.0.to_string().len())
        .max()
        .unwrap_or(1);
    for ((code, name), (count, fixable)) in rows {
        let fix = if *fixable > 0 {
            format!("  [{fixable} fixable]")
        } else {
            String::new()
        };
        writeln!(out, "{count:>width$}  {code}  {name}{fix}")?;
    }
    Ok(())
}

/// A checked file: how many problems, how many of them fail the run, and
/// their rendering; with `--fix` or `--diff`, what the fixes did (the
/// problems are those that remain).
struct Checked {
    problems: usize,
    failing: usize,
    rendered: Vec<u8>,
    fix: Option<fix::Report>,
    /// Each finding's code and name, and whether it has a fix `--fix`
    /// applies (for `--statistics`).
    codes: Vec<(&'static str, &'static str, bool)>,
}

/// Each finding's code and name, and whether `--fix` would fix it.
fn codes(diagnostics: &[Diagnostic]) -> Vec<(&'static str, &'static str, bool)> {
    diagnostics
        .iter()
        .map(|d| {
            let safe = d
                .fix
                .as_ref()
                .is_some_and(|f| f.applicability == crate::diagnostic::Applicability::Safe);
            (d.code, d.name, safe)
        })
        .collect()
}

/// Why a file was not checked.
#[derive(Clone, Debug)]
enum Failure {
    /// It could not be read.
    File(FileError),
    /// Its configuration file is bad.
    Config(Arc<ConfigError>),
}

impl From<FileError> for Failure {
    fn from(e: FileError) -> Self {
        Failure::File(e)
    }
}

/// One input and what came of it.
struct FileResult {
    /// Sort key: the path as given or found.
    key: PathBuf,
    /// Whether this is standard input (which may be named like a file).
    stdin: bool,
    outcome: Result<Checked, Failure>,
}

/// Run `check`.
pub fn run(args: &CheckArgs) -> Status {
    let resolver = match resolver(args) {
        Ok(r) => r,
        Err(e) => {
            output::report(args.color, &e);
            return Status::Error;
        }
    };
    let paths = match inputs(args) {
        Ok(paths) => paths,
        Err(e) => {
            output::report(args.color, &e);
            return Status::Error;
        }
    };
    let inputs = discover::classify(&paths);
    let renderer = match args.format {
        // No color codes in a report file.
        CheckFormat::Human => {
            Renderer::Human(Human::new(args.color.stdout() && args.output.is_none()))
        }
        f => Renderer::Other(f),
    };

    let policy = crate::fix::Policy::new(args.unsafe_fixes);
    let mode = if args.diff {
        Mode::Diff(policy)
    } else if args.fix {
        Mode::Write(policy)
    } else {
        Mode::Lint
    };
    let results = check_all(args, inputs, &renderer, &resolver, mode);

    for note in resolver.take_notes() {
        output::report(args.color, &ToolError::note(note));
    }
    // A bad configuration file stops the run before anything is reported: the
    // findings would be for settings nobody asked for.
    let mut bad_configs: Vec<&Arc<ConfigError>> = Vec::new();
    for r in &results {
        if let Err(Failure::Config(e)) = &r.outcome
            && !bad_configs.iter().any(|b| Arc::ptr_eq(b, e))
        {
            bad_configs.push(e);
        }
    }
    if !bad_configs.is_empty() {
        for e in bad_configs {
            output::report(args.color, &**e);
        }
        return Status::Error;
    }

    let mut summary = Summary::default();
    let mut failing = 0;
    let mut errors = Vec::new();
    let mut fixes = FixTotals::default();
    for r in &results {
        match &r.outcome {
            Ok(c) => {
                summary.files_checked += 1;
                summary.problems += c.problems;
                summary.files_with_problems += usize::from(c.problems > 0);
                failing += c.failing;
                if let Some(f) = &c.fix {
                    fixes.add(f);
                }
            }
            Err(Failure::File(e)) => errors.push(e.clone()),
            Err(Failure::Config(_)) => {}
        }
    }
    summary.unreadable = errors.len();

    let rendered = results.iter().filter_map(|r| match &r.outcome {
        Ok(c) => Some(&c.rendered[..]),
        Err(_) => None,
    });
    // With --fix, standard input's fixed text goes to stdout, so the
    // findings that remain and the summary go to stderr.
    let stdin_fixed = matches!(mode, Mode::Write(_)) && results.iter().any(|r| r.stdin);
    let mut written = match mode {
        Mode::Diff(_) => output::with_stdout(args.color, |out| {
            results
                .iter()
                .filter_map(|r| r.outcome.as_ref().ok()?.fix.as_ref()?.diff.as_ref())
                .try_for_each(|d| out.write_all(d.as_bytes()))
        }),
        // The fixed text of standard input goes to stdout, the findings
        // that remain to stderr.
        Mode::Write(_) if stdin_fixed => {
            let mut err = io::stderr().lock();
            let _ = write_document(args.format, &mut err, rendered, &errors);
            output::with_stdout(args.color, |out| {
                results
                    .iter()
                    .filter(|r| r.stdin)
                    .filter_map(|r| r.outcome.as_ref().ok()?.fix.as_ref()?.text.as_ref())
                    .try_for_each(|t| out.write_all(t.as_bytes()))
            })
        }
        _ if args.statistics => {
            let mut counts = std::collections::BTreeMap::new();
            for c in results.iter().filter_map(|r| r.outcome.as_ref().ok()) {
                for &(code, name, fixable) in &c.codes {
                    let e = counts.entry((code, name)).or_insert((0, 0));
                    e.0 += 1;
                    e.1 += usize::from(fixable);
                }
            }
            output::with_output(args.output.as_deref(), args.color, |out| {
                write_statistics(args.format, out, &counts)
            })
        }
        _ => output::with_output(args.output.as_deref(), args.color, |out| {
            write_document(args.format, out, rendered, &errors)
        }),
    };
    for e in &errors {
        output::report(args.color, &ToolError::new(e.one_line()));
    }
    for r in &results {
        if let Ok(Checked { fix: Some(f), .. }) = &r.outcome {
            for m in &f.messages {
                output::report(args.color, m);
            }
        }
    }
    if written && !args.quiet {
        // The human format ends with a summary on stdout; the others keep
        // stdout for findings, diffs or text, and say what was fixed on stderr.
        let human = args.format == CheckFormat::Human;
        let mut lines = Vec::new();
        if let Some(line) = fixes.line(mode) {
            lines.push(line);
        }
        if human && !matches!(mode, Mode::Diff(_)) {
            lines.push(summary.line());
        }
        if human && !matches!(mode, Mode::Diff(_)) && !stdin_fixed {
            written = output::with_stdout(args.color, |out| {
                lines.iter().try_for_each(|l| writeln!(out, "{l}"))
            });
        } else {
            let mut err = io::stderr().lock();
            for l in &lines {
                let _ = writeln!(err, "{l}");
            }
        }
    }

    if !errors.is_empty() || !written || fixes.failed {
        Status::Error
    } else if args.exit_zero {
        Status::Clean
    } else if matches!(mode, Mode::Diff(_)) {
        if fixes.changed > 0 {
            Status::Findings
        } else {
            Status::Clean
        }
    } else if failing > 0 {
        Status::Findings
    } else {
        Status::Clean
    }
}

/// What the fixes did, all files together.
#[derive(Default)]
struct FixTotals {
    /// Fixes applied (or, with `--diff`, that would be).
    fixed: usize,
    /// Files that changed (or would).
    changed: usize,
    /// A file could not be fixed or written.
    failed: bool,
}

impl FixTotals {
    fn add(&mut self, r: &fix::Report) {
        self.fixed += r.fixed;
        self.changed += usize::from(r.changed);
        self.failed |= r.failed;
    }

    /// The line saying what was fixed (or, with `--diff`, what would be).
    fn line(&self, mode: Mode) -> Option<String> {
        let files = |n: usize| plural(n, "file");
        Some(match mode {
            Mode::Lint => return None,
            Mode::Diff(_) if self.changed == 0 => "No fixes to apply.".to_string(),
            Mode::Diff(_) => format!(
                "Would fix {} in {}.",
                plural(self.fixed, "problem"),
                files(self.changed)
            ),
            Mode::Write(_) if self.changed == 0 => "No fixes applied.".to_string(),
            Mode::Write(_) => format!(
                "Fixed {} in {}.",
                plural(self.fixed, "problem"),
                files(self.changed)
            ),
        })
    }
}

/// `1 file`, `2 files`.
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The command line's overrides, checked, and where configuration comes from.
fn resolver(args: &CheckArgs) -> Result<Resolver, ConfigError> {
    let ids = |list: &[String]| -> Vec<String> {
        list.iter()
            .map(|id| id.trim())
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut build_args = Vec::with_capacity(args.build_args.len());
    for arg in &args.build_args {
        match arg.split_once('=') {
            Some(("", _)) => {
                return Err(ConfigError::new(format!(
                    "invalid --build-arg `{arg}`: the name is empty"
                ))
                .with_help("write NAME=VALUE"));
            }
            Some((name, value)) => build_args.push((name.to_string(), value.to_string())),
            // As `docker build`: a name alone takes its value from the environment.
            None => {
                if let Ok(value) = std::env::var(arg) {
                    build_args.push((arg.clone(), value));
                }
            }
        }
    }
    let overrides = Overrides {
        select: args.select.as_deref().map(ids),
        extend_select: ids(&args.extend_select),
        ignore: ids(&args.ignore),
        fail_on: args.fail_on,
        build_args,
        target: args.target.clone(),
        max_image_size: args.max_image_size,
        max_file_size: args.max_file_size,
    };
    overrides.validate()?;
    if args.isolated {
        Ok(Resolver::isolated(overrides))
    } else if let Some(path) = &args.config {
        Resolver::explicit(path, overrides)
    } else {
        Ok(Resolver::discover(overrides))
    }
}

/// Check every input: explicit files on rayon's threads, directories on the
/// walker's (each found file is checked on the thread that found it), then
/// standard input. Sorted by path, without duplicates.
fn check_all(
    args: &CheckArgs,
    inputs: discover::Inputs,
    renderer: &Renderer,
    resolver: &Resolver,
    mode: Mode,
) -> Vec<FileResult> {
    let ignores = dockerignore::Cache::default();
    let check = |path: &PathBuf| FileResult {
        key: path.clone(),
        stdin: false,
        outcome: check_path(path, renderer, resolver, &ignores, mode),
    };
    // One file: no thread pool to start. Many: the largest first, so that no
    // thread is left with a big file at the end while the others wait (the
    // results are sorted by path below).
    let mut results: Vec<FileResult> = if inputs.files.len() > 1 {
        let mut order: Vec<usize> = (0..inputs.files.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(inputs.sizes.get(i).copied().unwrap_or(0)));
        // One job per file: rayon otherwise folds long runs of files on
        // one thread, which the other cannot steal from when it runs dry.
        order
            .par_iter()
            .with_max_len(1)
            .map(|&i| check(&inputs.files[i]))
            .collect()
    } else {
        inputs.files.iter().map(check).collect()
    };
    let walked = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    discover::walk(&inputs.dirs, &|found| {
        let result = match found {
            Found::File(path) => {
                let outcome = check_path(&path, renderer, resolver, &ignores, mode);
                FileResult {
                    key: path,
                    stdin: false,
                    outcome,
                }
            }
            Found::Error(e) => FileResult {
                key: PathBuf::from(&e.path),
                stdin: false,
                outcome: Err(e.into()),
            },
            Found::Warning(w) => {
                lock(&warnings).push(w);
                return;
            }
        };
        lock(&walked).push(result);
    });
    results.append(&mut lock(&walked));
    let mut warnings = std::mem::take(&mut *lock(&warnings));
    warnings.sort();
    warnings.dedup();
    for w in warnings {
        output::report(args.color, &ToolError::warning(w));
    }

    if inputs.stdin {
        let name = args.stdin_filename.as_deref().unwrap_or(STDIN_NAME);
        // Configured like a file of that name, or like one in the working directory.
        let settings = match &args.stdin_filename {
            Some(name) => resolver.for_file(Path::new(name)),
            None => resolver.for_dir(Path::new("")),
        };
        let limit = discover::max_file_size_of(&settings);
        let outcome = crate::input::read_bounded(io::stdin().lock(), limit)
            .map_err(|e| Failure::File(discover::stdin_error(name, &e)))
            .and_then(|bytes| {
                check_bytes(
                    name,
                    &bytes,
                    renderer,
                    settings,
                    crate::FileInfo::default(),
                    mode,
                )
            });
        results.push(FileResult {
            key: PathBuf::from(name),
            stdin: true,
            outcome,
        });
    }
    results.extend(inputs.errors.into_iter().map(|e| FileResult {
        key: PathBuf::from(&e.path),
        stdin: false,
        outcome: Err(e.into()),
    }));
    // By path; a file named twice, or under two searched directories, once.
    results.sort_by(|a, b| (&a.key, a.stdin).cmp(&(&b.key, b.stdin)));
    results.dedup_by(|a, b| (&a.key, a.stdin) == (&b.key, b.stdin));

    results
}

/// The paths to look at, after checking the arguments that clap cannot.
fn inputs(args: &CheckArgs) -> Result<Vec<PathBuf>, ToolError> {
    if args.paths.is_empty() {
        let default = if args.stdin_filename.is_some() {
            "-"
        } else {
            "."
        };
        return Ok(vec![PathBuf::from(default)]);
    }
    if args.stdin_filename.is_some() && !args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(
            ToolError::new("`--stdin-filename` is given, but standard input is not read")
                .with_help(
                    "add `-` to the paths to read standard input, or drop `--stdin-filename`",
                ),
        );
    }
    Ok(args.paths.clone())
}

/// Lock a mutex; a panic on another thread (a bug) does not hide the results.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Read, decode and check one file with its directory's settings; with
/// `--fix`, write the fixed text back.
fn check_path(
    path: &Path,
    renderer: &Renderer,
    resolver: &Resolver,
    ignores: &dockerignore::Cache,
    mode: Mode,
) -> Result<Checked, Failure> {
    let settings = resolver.for_file(path);
    let lock = matches!(mode, Mode::Write(_)).then(|| fix::lock_file(path));
    let _fixing = lock
        .as_ref()
        .map(|l| l.lock().unwrap_or_else(|e| e.into_inner()));
    let limit = discover::max_file_size_of(&settings);
    let bytes = discover::read_file(path, limit)?;
    let ignore = ignores.patterns_for(path);
    // The build context is taken to be the Dockerfile's directory.
    let context = path.parent().map(|p| {
        if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        }
    });
    let info = crate::FileInfo {
        dockerignore: ignore.as_deref(),
        context,
    };
    let name = display(path);
    let mut checked = check_bytes(&name, &bytes, renderer, settings.clone(), info, mode)?;
    if let (Mode::Write(_), Some(report)) = (mode, checked.fix.as_mut())
        && let Some(text) = report.text.take()
        && report.changed
        && let Err(e) = fix::write_atomically(path, &bytes, text.as_bytes())
    {
        // The file keeps its text: report the findings in it.
        let fix = checked.fix.take().map(|mut report| {
            report.messages.push(e.into_tool_error(&name));
            report.failed = true;
            report.changed = false;
            report.fixed = 0;
            report
        });
        checked = check_bytes(&name, &bytes, renderer, settings, info, Mode::Lint)?;
        checked.fix = fix;
    }
    Ok(checked)
}

/// Decode and check one file's bytes.
fn check_bytes(
    path: &str,
    bytes: &[u8],
    renderer: &Renderer,
    settings: Result<Arc<Resolved>, Arc<ConfigError>>,
    info: crate::FileInfo<'_>,
    mode: Mode,
) -> Result<Checked, Failure> {
    let resolved = settings.map_err(Failure::Config)?;
    let source = decode(path, bytes)?;
    let Some(policy) = mode.policy() else {
        let diagnostics = crate::lint_file(source, &resolved.settings, info);
        let mut rendered = Vec::new();
        renderer.render(&mut rendered, path, source, &diagnostics);
        return Ok(Checked {
            problems: diagnostics.len(),
            failing: diagnostics
                .iter()
                .filter(|d| resolved.fail_on.fails(d.severity))
                .count(),
            rendered,
            fix: None,
            codes: codes(&diagnostics),
        });
    };
    let outcome = crate::fix::fix_file(source, &resolved.settings, info, policy);
    let mut report = fix::Report {
        fixed: outcome.fixed(),
        changed: outcome.changed(),
        ..fix::Report::default()
    };
    fix::outcome_messages(path, &outcome, policy, &mut report);
    let mut rendered = Vec::new();
    match mode {
        Mode::Diff(_) => {
            if outcome.changed() {
                report.diff = Some(fix::unified_diff(path, source, &outcome.text));
            }
        }
        _ => {
            renderer.render(&mut rendered, path, &outcome.text, &outcome.diagnostics);
            // Standard input's text is printed; a file's is written back.
            report.text = Some(outcome.text.clone());
        }
    }
    Ok(Checked {
        problems: outcome.diagnostics.len(),
        failing: outcome
            .diagnostics
            .iter()
            .filter(|d| resolved.fail_on.fails(d.severity))
            .count(),
        rendered,
        fix: Some(report),
        codes: codes(&outcome.diagnostics),
    })
}

/// Bytes to text, or an error that says where the first bad byte is (its
/// column counted in characters, like every other column).
pub(super) fn decode<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str, FileError> {
    crate::syntax::decode(bytes).map_err(|e| {
        // Everything before the bad byte is valid UTF-8.
        let before = std::str::from_utf8(&bytes[..e.offset]).unwrap_or("");
        FileError {
            path: path.to_string(),
            message: e.message,
            position: Some(LineIndex::new(before).position(before.len())),
        }
    })
}
