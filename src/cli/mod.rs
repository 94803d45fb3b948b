//! The command-line interface: arguments, finding files, running the checks,
//! and the exit code.
//!
//! Exit codes: `0` nothing found (or nothing at or above `--fail-on`, or
//! `--exit-zero`), `1` findings (with `--fix`, those that remain; with
//! `--diff`, a file that would change; syntax errors for `parse`), `2` a
//! usage, I/O or configuration error (including a file that could not be read
//! or written, even when the others were checked, and an unknown rule id).

mod check;
pub mod discover;
pub mod fix;
mod fleet;
pub mod output;
mod parse;
mod rules;
mod size;
mod split;
mod verify;

use crate::config::FailOn;
use clap::{Args, Parser, Subcommand, ValueEnum};
use output::ColorChoice;
use std::path::PathBuf;
use std::process::ExitCode;

pub use fleet::{Emit, FleetArgs, FleetFormat, FleetOutput, report as fleet_report};
pub use size::{SizeArgs, SizeFormat};
pub use split::SplitArgs;
pub use verify::{VerifyArgs, VerifyFormat};

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
    /// Report every service of a repository: sizes, findings, savings, costs, base images, changes, a Bake plan.
    Fleet(FleetArgs),
    /// Print the syntax tree of a Dockerfile.
    Parse(ParseArgs),
    /// Explain a rule: its code, name, severity, equivalents and document.
    Rule(RuleArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Estimate the size of the image a Dockerfile builds, per stage and instruction.
    Size(SizeArgs),
    /// Run the language server: LSP over standard input and output, for editors.
    Server,
    /// Rewrite a single-stage Dockerfile into a builder and a small runtime stage.
    Split(SplitArgs),
    /// Build a Dockerfile and its rewrite, run both, and compare them.
    Verify(VerifyArgs),
}

/// Arguments of `slipway check`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("fixing").args(["fix", "diff"]).multiple(true))]
#[command(after_help = "\
Directories are searched for Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, \
Dockerfile.* and Containerfile.*, honoring .gitignore and .ignore and skipping .git, .hg \
and .svn. A file named explicitly is checked whatever its name.

Each Dockerfile is checked with the nearest slipway.toml (or .slipway.toml) found by \
walking up from its directory; without one, the nearest .hadolint.yaml, then hadolint's \
own places. Options on the command line win over the file (see docs/configuration.md).

A rule ID is a Slipway code (SW501) or name (maintainer-deprecated), a hadolint code \
(DL4000), a BuildKit check name (MaintainerDeprecated), or ALL.

--fix rewrites each file atomically (a temporary file beside it, renamed over it), keeping \
its permissions, line endings and byte-order mark; a symbolic link is written through to \
its target. A file with syntax errors, a read-only file or one that changed on disk \
meanwhile is not written (a message says why).

Exit status: 0 no finding at or above --fail-on (or --exit-zero), 1 findings at or above \
--fail-on (with --fix: findings that remain; with --diff: a file would change), 2 usage, \
configuration or I/O error (e.g. a file could not be read or written; the other files \
are still checked).")]
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
    /// Write the report to this file instead of standard output (created or replaced).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub statistics: bool,
    /// The name under which standard input is reported (reads standard input when no PATH is given).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Run these rules instead of the default ones (comma-separated or repeated).
    #[arg(long, value_name = "ID", value_delimiter = ',', help_heading = "Rules")]
    pub select: Option<Vec<String>>,
    /// Run these rules too (comma-separated or repeated).
    #[arg(long, value_name = "ID", value_delimiter = ',', help_heading = "Rules")]
    pub extend_select: Vec<String>,
    /// Do not run these rules, in addition to the configuration's `ignore` (comma-separated or repeated).
    #[arg(long, value_name = "ID", value_delimiter = ',', help_heading = "Rules")]
    pub ignore: Vec<String>,
    /// A build argument for variable expansion, as `docker build --build-arg` (NAME alone takes it from the environment).
    #[arg(
        long = "build-arg",
        value_name = "NAME[=VALUE]",
        help_heading = "Rules"
    )]
    pub build_args: Vec<String>,
    /// The stage to build, by name or index (as `docker build --target`): rules about what ships judge it and the stages it is built on.
    #[arg(long, value_name = "STAGE", help_heading = "Rules")]
    pub target: Option<String>,
    /// Fail when the final image's estimated size is over this budget (300MB, 1.5GB, 512MiB): rule image-size-budget; wins over `max-image-size` in slipway.toml.
    #[arg(
        long,
        value_name = "SIZE",
        value_parser = crate::model::size::parse_size,
        help_heading = "Rules"
    )]
    pub max_image_size: Option<u64>,
    /// Refuse a Dockerfile larger than this (16MiB, 64MB) before reading it; wins over `max-file-size` in slipway.toml [default: 16MiB].
    #[arg(long, value_name = "SIZE", value_parser = crate::model::size::parse_size)]
    pub max_file_size: Option<u64>,
    /// Exit with 1 only for a finding at or above this severity: error, warning, info, style or none [default: style; info with a .hadolint.yaml]
    #[arg(long, value_name = "SEVERITY", help_heading = "Exit status")]
    pub fail_on: Option<FailOn>,
    /// Exit with 0 even when there are findings (errors still exit with 2).
    #[arg(long, help_heading = "Exit status")]
    pub exit_zero: bool,
    /// Use this configuration file for every Dockerfile (`.yaml`/`.yml`: hadolint's format).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "isolated",
        help_heading = "Configuration"
    )]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long, help_heading = "Configuration")]
    pub isolated: bool,
    /// Apply the safe fixes and write the files back (standard input: print the fixed text).
    #[arg(long, help_heading = "Fixes")]
    pub fix: bool,
    /// With --fix or --diff, apply the unsafe fixes too (they may change what the build does).
    #[arg(long, requires = "fixing", help_heading = "Fixes")]
    pub unsafe_fixes: bool,
    /// Print what --fix would change as a unified diff, and write nothing; exit with 1 when there are changes.
    #[arg(long, help_heading = "Fixes")]
    pub diff: bool,
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
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// Checkstyle XML 4.3.
    Checkstyle,
    /// A GitLab Code Quality report.
    Gitlab,
    /// GitHub Actions annotations (workflow commands).
    Github,
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

/// Arguments of `slipway rule`.
#[derive(Debug, Args)]
#[command(after_help = "Exit status: 0 the rule was shown, 2 no rule has this id.")]
pub struct RuleArgs {
    /// A Slipway code (SW501) or name, a hadolint code (DL4000) or a BuildKit check name.
    #[arg(value_name = "ID")]
    pub id: String,
}

/// Arguments of `slipway rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

/// Output formats of `rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// One line per rule, in aligned columns.
    Table,
    /// A JSON array, one object per rule.
    Json,
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
        Command::Fleet(args) => fleet::run(args),
        Command::Parse(args) => parse::run(args),
        Command::Rule(args) => rules::explain(args),
        Command::Rules(args) => rules::list(args),
        Command::Size(args) => size::run(args),
        // LSP's exit codes: 0 after `shutdown`, 1 without (Findings is 1).
        Command::Server => match crate::lsp::run_stdio() {
            crate::lsp::Ending::Clean => Status::Clean,
            crate::lsp::Ending::Abrupt => Status::Findings,
        },
        Command::Split(args) => split::run(args),
        Command::Verify(args) => verify::run(args),
    }
}
