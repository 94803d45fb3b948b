//! The command-line interface: arguments, finding files, running the checks,
//! and the exit code.
//!
//! Exit codes: `0` nothing found, `1` findings (or syntax errors for `parse`),
//! `2` a usage, I/O or configuration error (including a file that could not be
//! read, even when the others were checked).

mod check;
pub mod discover;
pub mod output;
mod parse;

use clap::{Args, Parser, Subcommand, ValueEnum};
use output::ColorChoice;
use std::path::PathBuf;
use std::process::ExitCode;

/// The outcome of a run, from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Nothing found (exit code 0).
    Clean,
    /// Findings (exit code 1).
    Findings,
    /// A usage, I/O or configuration error (exit code 2).
    Error,
}

impl Status {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Clean => 0,
            Status::Findings => 1,
            Status::Error => 2,
        }
    }
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> Self {
        ExitCode::from(s.code())
    }
}

/// Slipway: a Dockerfile linter.
#[derive(Debug, Parser)]
#[command(name = "slipway", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Dockerfiles and report problems.
    Check(CheckArgs),
    /// Print the syntax tree of a Dockerfile.
    Parse(ParseArgs),
}

/// Arguments of `slipway check`.
#[derive(Debug, Args)]
#[command(after_help = "\
Directories are searched for Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, \
Dockerfile.* and Containerfile.*, honoring .gitignore and .ignore and skipping hidden \
files and directories. A file named explicitly is checked whatever its name.

Exit status: 0 no problems, 1 problems found, 2 usage or I/O error (e.g. a file could \
not be read; the other files are still checked).")]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// When to color the human format (auto: when writing to a terminal and NO_COLOR is unset).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Do not print the summary line.
    #[arg(short, long)]
    pub quiet: bool,
    /// The name under which standard input is reported (reads standard input when no PATH is given).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// rustc-style, with the source line and a summary.
    Human,
    /// `path:line:col: severity[code] message`, one finding a line.
    Concise,
    /// One JSON document (see docs/json-format.md).
    Json,
}

/// Arguments of `slipway parse`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit status: 0 parsed cleanly, 1 syntax errors (shown on stderr), 2 the file could not be \
read or is not UTF-8.")]
pub struct ParseArgs {
    /// The Dockerfile; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// `json`: the official parser's shape; `dump`: BuildKit's `Node.Dump()`.
    #[arg(long, value_enum, default_value_t = ParseFormat::Json)]
    pub format: ParseFormat,
    /// When to color syntax errors on stderr.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Output formats of `parse`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ParseFormat {
    /// Pretty JSON, one record per instruction.
    Json,
    /// S-expressions, one per instruction.
    Dump,
}

/// Parse the process arguments and run. Usage errors exit with 2; `--help`
/// and `--version` with 0.
pub fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => run(&cli).into(),
        Err(e) => {
            // A closed stdout while printing --help is no reason to complain.
            let _ = e.print();
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
    }
}

/// Run parsed arguments.
pub fn run(cli: &Cli) -> Status {
    match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Parse(args) => parse::run(args),
    }
}
