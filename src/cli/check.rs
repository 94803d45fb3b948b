//! `slipway check`: find files, check them in parallel, report in path order.

use super::discover::{self, Found, display};
use super::output::{self, ToolError};
use super::{CheckArgs, CheckFormat, Status};
use crate::config::{ConfigError, Overrides, Resolved, Resolver};
use crate::diagnostic::Diagnostic;
use crate::render::{FileError, LineIndex, Summary, concise, human::Human, json};
use rayon::prelude::*;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The name standard input is reported under when `--stdin-filename` is not given.
pub const STDIN_NAME: &str = "<stdin>";

/// One file's text for the chosen format.
enum Renderer {
    Human(Human),
    Concise,
    Json,
}

impl Renderer {
    fn render(&self, out: &mut Vec<u8>, path: &str, source: &str, diagnostics: &[Diagnostic]) {
        match self {
            Renderer::Human(h) => h.render(out, path, source, diagnostics),
            Renderer::Concise => concise::render(out, path, source, diagnostics),
            Renderer::Json => json::render_file(out, path, source, diagnostics),
        }
    }
}

/// A checked file: how many problems, how many of them fail the run, and
/// their rendering.
struct Checked {
    problems: usize,
    failing: usize,
    rendered: Vec<u8>,
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
        CheckFormat::Human => Renderer::Human(Human::new(args.color.stdout())),
        CheckFormat::Concise => Renderer::Concise,
        CheckFormat::Json => Renderer::Json,
    };

    let results = check_all(args, inputs, &renderer, &resolver);

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
    for r in &results {
        match &r.outcome {
            Ok(c) => {
                summary.files_checked += 1;
                summary.problems += c.problems;
                summary.files_with_problems += usize::from(c.problems > 0);
                failing += c.failing;
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
    let mut written = output::with_stdout(args.color, |out| match args.format {
        CheckFormat::Json => json::write_report(out, rendered, &errors),
        _ => rendered.into_iter().try_for_each(|r| out.write_all(r)),
    });
    for e in &errors {
        output::report(args.color, &ToolError::new(e.one_line()));
    }
    if written && args.format == CheckFormat::Human && !args.quiet {
        let line = summary.line();
        written = output::with_stdout(args.color, |out| writeln!(out, "{line}"));
    }

    if !errors.is_empty() || !written {
        Status::Error
    } else if failing > 0 && !args.exit_zero {
        Status::Findings
    } else {
        Status::Clean
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
) -> Vec<FileResult> {
    let check = |path: &PathBuf| FileResult {
        key: path.clone(),
        stdin: false,
        outcome: check_path(path, renderer, resolver),
    };
    // One file: no thread pool to start.
    let mut results: Vec<FileResult> = if inputs.files.len() > 1 {
        inputs.files.par_iter().map(check).collect()
    } else {
        inputs.files.iter().map(check).collect()
    };
    let walked = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    discover::walk(&inputs.dirs, &|found| {
        let result = match found {
            Found::File(path) => {
                let outcome = check_path(&path, renderer, resolver);
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
        let outcome = read_stdin()
            .map_err(|e| {
                Failure::File(FileError {
                    path: name.to_string(),
                    message: format!("standard input: {}", discover::io_message(&e)),
                    position: None,
                })
            })
            .and_then(|bytes| {
                check_bytes(name, &bytes, renderer, settings, crate::FileInfo::default())
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

fn read_stdin() -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    io::stdin().lock().read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Read, decode and check one file with its directory's settings.
fn check_path(path: &Path, renderer: &Renderer, resolver: &Resolver) -> Result<Checked, Failure> {
    let settings = resolver.for_file(path);
    let bytes = std::fs::read(path).map_err(|e| discover::path_error(path, &e))?;
    let ignore = crate::model::dockerignore::find_for(path)
        .map(|(_, text)| crate::model::dockerignore::patterns(&text));
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
    check_bytes(&display(path), &bytes, renderer, settings, info)
}

/// Decode and check one file's bytes.
fn check_bytes(
    path: &str,
    bytes: &[u8],
    renderer: &Renderer,
    settings: Result<Arc<Resolved>, Arc<ConfigError>>,
    info: crate::FileInfo<'_>,
) -> Result<Checked, Failure> {
    let resolved = settings.map_err(Failure::Config)?;
    let source = decode(path, bytes)?;
    let diagnostics = crate::lint_file(source, &resolved.settings, info);
    let mut rendered = Vec::new();
    renderer.render(&mut rendered, path, source, &diagnostics);
    Ok(Checked {
        problems: diagnostics.len(),
        failing: diagnostics
            .iter()
            .filter(|d| resolved.fail_on.fails(d.severity))
            .count(),
        rendered,
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
