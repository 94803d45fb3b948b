//! `slipway size`: the estimated size of the image a Dockerfile builds, per
//! stage and per instruction, with what is unknown and the assumptions made.
//!
//! Sizes are shown in decimal units, as `docker images` shows them
//! (1 MB = 1,000,000 bytes); JSON gives bytes.

use super::Status;
use super::check::decode;
use super::discover::{self, display};
use super::output::{self, ColorChoice, ToolError};
use crate::config::{Overrides, Resolver};
use crate::diagnostic::Diagnostic;
use crate::model::size::{
    self, Certainty, Estimate, InstructionSize, StageSize, format_bytes, format_signed,
};
use crate::render::human::Human;
use serde_json::json;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Output formats of `size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SizeFormat {
    /// A table per stage, then the unknowns and the assumptions.
    Human,
    /// One JSON document (bytes).
    Json,
}

/// Arguments of `slipway size`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Sizes are uncompressed, as `docker images` shows them, in decimal units (1 MB = 1,000,000 \
bytes). Every figure is known (read from its source: the knowledge base, the files of the \
build context), estimated (the reason is given) or unknown (named, and counted as 0: the \
total is then a lower bound).

The build context is the Dockerfile's directory unless --context is given; standard input \
has none. Build arguments and the configuration's [build-args] are read as `slipway check` \
reads them.

Exit status: 0 the estimate was printed, 2 the file could not be read or has syntax \
errors, an unknown --target, or a bad configuration.")]
pub struct SizeArgs {
    /// The Dockerfile; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The stage to build, by name or index (as `docker build --target`) [default: the last].
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,
    /// A build argument, as `docker build --build-arg` (NAME alone takes it from the environment).
    #[arg(long = "build-arg", value_name = "NAME[=VALUE]")]
    pub build_args: Vec<String>,
    /// The build context directory [default: the Dockerfile's directory].
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SizeFormat::Human)]
    pub format: SizeFormat,
    /// When to color error messages.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Run `size`.
pub fn run(args: &SizeArgs) -> Status {
    match estimate_file(args) {
        Ok((path, estimate, budget)) => {
            let written = output::with_stdout(args.color, |out| match args.format {
                SizeFormat::Human => out.write_all(human(&path, &estimate, budget).as_bytes()),
                SizeFormat::Json => {
                    serde_json::to_writer_pretty(&mut *out, &to_json(&path, &estimate, budget))?;
                    out.write_all(b"\n")
                }
            });
            if written {
                Status::Clean
            } else {
                Status::Error
            }
        }
        Err(Failure::Tool(e)) => {
            output::report(args.color, &e);
            Status::Error
        }
        Err(Failure::Config(e)) => {
            output::report(args.color, &*e);
            Status::Error
        }
    }
}

enum Failure {
    Tool(ToolError),
    Config(std::sync::Arc<crate::config::ConfigError>),
}

impl From<ToolError> for Failure {
    fn from(e: ToolError) -> Self {
        Failure::Tool(e)
    }
}

/// Read, parse and estimate the file: its name as shown, the estimate and
/// the configured budget.
fn estimate_file(args: &SizeArgs) -> Result<(String, Estimate, Option<u64>), Failure> {
    let stdin = args.file.as_os_str() == "-";
    let mut build_args = Vec::new();
    for arg in &args.build_args {
        match arg.split_once('=') {
            Some(("", _)) => {
                return Err(ToolError::new(format!(
                    "invalid --build-arg `{arg}`: the name is empty"
                ))
                .with_help("write NAME=VALUE")
                .into());
            }
            Some((name, value)) => build_args.push((name.to_string(), value.to_string())),
            None => {
                if let Ok(value) = std::env::var(arg) {
                    build_args.push((arg.clone(), value));
                }
            }
        }
    }
    let resolver = Resolver::discover(Overrides {
        build_args,
        target: args.target.clone(),
        ..Overrides::default()
    });
    let resolved = if stdin {
        resolver.for_dir(Path::new(""))
    } else {
        resolver.for_file(&args.file)
    }
    .map_err(Failure::Config)?;
    let settings = &resolved.settings;
    let (path, bytes) = discover::read_input(&args.file, settings.max_file_size())
        .map_err(|e| ToolError::new(e.one_line()))?;
    let source = decode(&path, &bytes).map_err(|e| ToolError::new(e.one_line()))?;

    let parse = crate::syntax::parse(source);
    if !parse.errors.is_empty() {
        let diagnostics: Vec<Diagnostic> = parse.errors.iter().map(Diagnostic::from).collect();
        let mut text = Vec::new();
        Human::new(args.color.stderr()).render(&mut text, &path, source, &diagnostics);
        let _ = io::stderr().lock().write_all(&text);
        return Err(ToolError::new(format!(
            "cannot estimate the size of {path}: it has syntax errors"
        ))
        .into());
    }
    let file = &parse.dockerfile;
    let model = crate::model::Model::build(file, &settings.build_args);
    let target = match &settings.target {
        Some(t) => match model.stage_by_ref(t) {
            Some(s) => Some(s.index),
            None => {
                let names: Vec<String> =
                    model.stages.iter().filter_map(|s| s.name.clone()).collect();
                let help = if names.is_empty() {
                    "the file has no named stage; give a stage index".to_string()
                } else {
                    format!("the stages are named {}", names.join(", "))
                };
                return Err(ToolError::new(format!("no stage `{t}` in {path}"))
                    .with_help(help)
                    .into());
            }
        },
        None => None,
    };

    // The build context: --context, else the Dockerfile's directory.
    let context: Option<PathBuf> = match (&args.context, stdin) {
        (Some(dir), _) => Some(dir.clone()),
        (None, true) => None,
        (None, false) => Some(match args.file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }),
    };
    if let Some(dir) = &context
        && !dir.is_dir()
    {
        return Err(ToolError::new(format!(
            "the build context {} is not a directory",
            display(dir)
        ))
        .into());
    }
    let ignore = dockerignore(&args.file, stdin, context.as_deref());

    let options = settings.options.clone();
    let pragmas = crate::rules::suppress::pragmas(source, file);
    let cx = crate::rules::Context::new(source, file, &model, &options, pragmas.shell.as_deref());
    let input = size::Input {
        file,
        model: &model,
        target,
        context: context.as_deref(),
        dockerignore: ignore.as_deref(),
    };
    let estimate = size::estimate(&input, &|i| cx.instruction_scripts(i));
    Ok((path, estimate, options.max_image_size))
}

/// The `.dockerignore` that applies: `<Dockerfile>.dockerignore` beside the
/// Dockerfile, else `.dockerignore` at the root of the context.
fn dockerignore(file: &Path, stdin: bool, context: Option<&Path>) -> Option<Vec<String>> {
    let context = context?;
    let mut candidates = Vec::new();
    if !stdin && let Some(name) = file.file_name() {
        let mut n = name.to_os_string();
        n.push(".dockerignore");
        candidates.push(file.with_file_name(n));
    }
    candidates.push(context.join(".dockerignore"));
    candidates
        .into_iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|text| crate::model::dockerignore::patterns(&text))
}

/// A figure with what is known about it: `412 MB`, `~412 MB` (estimated),
/// `≥ 412 MB` (a lower bound).
fn figure(bytes: u64, certainty: Certainty) -> String {
    match certainty {
        Certainty::Known => format_bytes(bytes),
        Certainty::Estimated => format!("~{}", format_bytes(bytes)),
        Certainty::Unknown => format!("≥ {}", format_bytes(bytes)),
    }
}

fn stage_title(e: &Estimate, s: &StageSize) -> String {
    let name = match &s.name {
        Some(n) => format!("stage {} ({n})", s.index),
        None => format!("stage {}", s.index),
    };
    let role = if e.target == Some(s.index) {
        "the final image"
    } else if e.chain().contains(&s.index) {
        "in the final image"
    } else {
        "not in the final image"
    };
    format!("{name}: FROM {}, {role}", s.base)
}

fn instruction_line(out: &mut String, i: &InstructionSize) {
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "  {:>5}  {:<60}  {:>10}  {}",
        i.line,
        i.summary,
        format_bytes(i.bytes),
        i.certainty.as_str()
    );
    let show_parts = i.parts.len() > 1
        || i.parts
            .iter()
            .any(|p| p.certainty != Certainty::Known || p.what != i.summary);
    if show_parts {
        for p in &i.parts {
            let mut line = format!("         {:>10}  {}", format_signed(p.bytes), p.what);
            match (p.certainty, &p.note) {
                (Certainty::Known, _) => {}
                (c, Some(n)) => line.push_str(&format!(" [{}: {n}]", c.as_str())),
                (c, None) => line.push_str(&format!(" [{}]", c.as_str())),
            }
            let _ = writeln!(out, "{line}");
        }
    }
}

/// The human report.
fn human(path: &str, e: &Estimate, budget: Option<u64>) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{path}: estimated image size\n");
    if e.stages.is_empty() {
        let _ = writeln!(out, "The file has no stage (no FROM): it builds no image.");
        return out;
    }
    for s in &e.stages {
        let _ = writeln!(out, "{}", stage_title(e, s));
        let _ = writeln!(
            out,
            "  {:>5}  {:<60}  {:>10}  {}",
            s.line,
            match s.base_stage {
                Some(_) => format!("FROM {} (its total)", s.base),
                None => s.base_part.what.clone(),
            },
            format_bytes(u64::try_from(s.base_part.bytes).unwrap_or(0)),
            s.base_part.certainty.as_str()
        );
        if let (Some(note), None) = (&s.base_part.note, s.base_stage) {
            let _ = writeln!(out, "         [{}: {note}]", s.base_part.certainty.as_str());
        }
        for i in &s.instructions {
            instruction_line(&mut out, i);
        }
        let _ = writeln!(
            out,
            "  total {} (base {} + {} added)\n",
            figure(s.total, s.certainty),
            format_bytes(u64::try_from(s.base_part.bytes).unwrap_or(0)),
            format_bytes(s.added)
        );
    }
    if let Some(f) = e.final_stage() {
        let unknown = e.final_unknowns();
        let _ = write!(
            out,
            "Final image ({}): {}",
            match &f.name {
                Some(n) => format!("stage {n}"),
                None => format!("stage {}", f.index),
            },
            figure(f.total, f.certainty)
        );
        match f.certainty {
            Certainty::Known => {}
            Certainty::Estimated => {
                let _ = write!(out, " (estimated)");
            }
            Certainty::Unknown => {
                let _ = write!(
                    out,
                    " (a lower bound: {} part{} unknown)",
                    unknown.len(),
                    if unknown.len() == 1 { " is" } else { "s are" }
                );
            }
        }
        let _ = writeln!(out);
        if let Some(b) = budget {
            let verdict = if f.total > b {
                format!("over by {}", format_bytes(f.total - b))
            } else if f.certainty == Certainty::Unknown {
                "within it, as far as is known".to_string()
            } else {
                "within it".to_string()
            };
            let _ = writeln!(
                out,
                "Budget (max-image-size): {}, {verdict}",
                format_bytes(b)
            );
        }
        if !unknown.is_empty() {
            let _ = writeln!(out, "\nUnknown (counted as 0):");
            for u in &unknown {
                let _ = writeln!(out, "  line {}: {}", u.line, u.what);
            }
        }
    }
    let _ = writeln!(out, "\nAssumptions:");
    for a in &e.assumptions {
        let _ = writeln!(out, "  - {a}");
    }
    let _ = writeln!(
        out,
        "  - Units are decimal: 1 kB = 1,000 bytes, 1 MB = 1,000,000 bytes."
    );
    out
}

fn certainty(c: Certainty) -> &'static str {
    c.as_str()
}

/// The JSON report.
fn to_json(path: &str, e: &Estimate, budget: Option<u64>) -> serde_json::Value {
    let chain = e.chain();
    let stages: Vec<serde_json::Value> = e
        .stages
        .iter()
        .map(|s| {
            json!({
                "index": s.index,
                "name": s.name,
                "base": s.base,
                "base_stage": s.base_stage,
                "line": s.line,
                "base_bytes": u64::try_from(s.base_part.bytes).unwrap_or(0),
                "base_certainty": certainty(s.base_part.certainty),
                "base_note": s.base_part.note,
                "added_bytes": s.added,
                "bytes": s.total,
                "certainty": certainty(s.certainty),
                "in_final_image": chain.contains(&s.index),
                "instructions": s.instructions.iter().map(|i| json!({
                    "line": i.line,
                    "instruction": i.summary,
                    "bytes": i.bytes,
                    "certainty": certainty(i.certainty),
                    "parts": i.parts.iter().map(|p| json!({
                        "what": p.what,
                        "bytes": p.bytes,
                        "certainty": certainty(p.certainty),
                        "note": p.note,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let unknown: Vec<serde_json::Value> = e
        .final_unknowns()
        .iter()
        .map(|u| json!({ "stage": u.stage, "line": u.line, "what": u.what }))
        .collect();
    json!({
        "file": path,
        "target": e.final_stage().map(|s| s.index),
        "target_name": e.final_stage().and_then(|s| s.name.clone()),
        "final_image_bytes": e.final_bytes(),
        "final_image_certainty": e.final_stage().map(|_| certainty(e.final_certainty())),
        "lower_bound": e.final_stage().is_some_and(|_| e.final_certainty() == Certainty::Unknown),
        "budget_bytes": budget,
        "over_budget": budget.zip(e.final_bytes()).map(|(b, f)| f > b),
        "stages": stages,
        "unknown": unknown,
        "assumptions": e.assumptions,
    })
}
