//! `slipway check`: find files, check them in parallel, report in path order.

use super::discover::{self, Found, display};
use super::output::{self, ToolError};
use super::{CheckArgs, CheckFormat, Status};
use crate::diagnostic::Diagnostic;
use crate::render::{FileError, LineIndex, Summary, concise, human::Human, json};
use rayon::prelude::*;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

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

/// A checked file: how many problems, and their rendering.
struct Checked {
    problems: usize,
    rendered: Vec<u8>,
}

/// One input and what came of it.
struct FileResult {
    /// Sort key: the path as given or found.
    key: PathBuf,
    /// Whether this is standard input (which may be named like a file).
    stdin: bool,
    outcome: Result<Checked, FileError>,
}

/// Run `check`.
pub fn run(args: &CheckArgs) -> Status {
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

    let results = check_all(args, inputs, &renderer);

    let mut summary = Summary::default();
    let mut errors = Vec::new();
    for r in &results {
        match &r.outcome {
            Ok(c) => {
                summary.files_checked += 1;
                summary.problems += c.problems;
                summary.files_with_problems += usize::from(c.problems > 0);
            }
            Err(e) => errors.push(e.clone()),
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
    } else if summary.problems > 0 {
        Status::Findings
    } else {
        Status::Clean
    }
}

/// Check every input: explicit files on rayon's threads, directories on the
/// walker's (each found file is checked on the thread that found it), then
/// standard input. Sorted by path, without duplicates.
fn check_all(args: &CheckArgs, inputs: discover::Inputs, renderer: &Renderer) -> Vec<FileResult> {
    let mut results: Vec<FileResult> = Vec::new();
    if !inputs.files.is_empty() {
        results = inputs
            .files
            .par_iter()
            .map(|path| FileResult {
                key: path.clone(),
                stdin: false,
                outcome: check_path(path, renderer),
            })
            .collect();
    }
    let walked = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    discover::walk(&inputs.dirs, &|found| {
        let result = match found {
            Found::File(path) => {
                let outcome = check_path(&path, renderer);
                FileResult {
                    key: path,
                    stdin: false,
                    outcome,
                }
            }
            Found::Error(e) => FileResult {
                key: PathBuf::from(&e.path),
                stdin: false,
                outcome: Err(e),
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
        let outcome = read_stdin()
            .map_err(|e| FileError {
                path: name.to_string(),
                message: format!("standard input: {}", discover::io_message(&e)),
                position: None,
            })
            .and_then(|bytes| check_bytes(name, &bytes, renderer));
        results.push(FileResult {
            key: PathBuf::from(name),
            stdin: true,
            outcome,
        });
    }
    results.extend(inputs.errors.into_iter().map(|e| FileResult {
        key: PathBuf::from(&e.path),
        stdin: false,
        outcome: Err(e),
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

/// Read, decode and check one file.
fn check_path(path: &Path, renderer: &Renderer) -> Result<Checked, FileError> {
    let bytes = std::fs::read(path).map_err(|e| discover::path_error(path, &e))?;
    check_bytes(&display(path), &bytes, renderer)
}

/// Decode and check one file's bytes.
fn check_bytes(path: &str, bytes: &[u8], renderer: &Renderer) -> Result<Checked, FileError> {
    let source = decode(path, bytes)?;
    let diagnostics = crate::lint(source);
    let mut rendered = Vec::new();
    renderer.render(&mut rendered, path, source, &diagnostics);
    Ok(Checked {
        problems: diagnostics.len(),
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
