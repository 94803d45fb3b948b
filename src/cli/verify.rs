//! `slipway verify`: build the original and the rewrite, run both, compare
//! (see [`crate::verify`]); the report as a table or as JSON
//! (docs/verify.md).

use super::Status;
use super::output::{self, ColorChoice, ToolError};
use crate::model::size::format_bytes;
use crate::verify::engine::EngineKind;
use crate::verify::probe::{Limits, Probe};
use crate::verify::{self, Options, RebuildSide, Report, RewriteFrom, Side};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

/// The engines `--engine` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineArg {
    /// Docker (its daemon must answer `docker info`).
    Docker,
    /// Podman.
    Podman,
    /// Buildah (chroot isolation; containers share the host's network).
    Buildah,
}

/// Output formats of `verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    /// A table, the rebuild, the verdict and its reasons.
    Human,
    /// One JSON document (docs/verify.md).
    Json,
}

/// Arguments of `slipway verify`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("probe_kind").args(["probe_cmd", "probe_http"]))]
#[command(group = clap::ArgGroup::new("source").args(["rewrite", "fix"]))]
#[command(after_help = "\
Builds the original Dockerfile and its rewrite (slipway split's by default, the safe fixes' \
with --fix, the file given with --rewrite), runs both, and compares: the probe's result and \
output, the program and the shared libraries it links (looked for in each image's files), the \
real sizes beside slipway size's estimates, and which build steps re-run after a one-line \
change to a source file (in a copy of the context).

The engine is the one named, or the first of docker, podman and buildah on PATH that works. \
Nothing is pulled or pushed; images are tagged localhost/slipway-verify/<id>:original and \
:rewrite only and removed at the end (unless --keep); containers are always removed. The \
rewrite is written to a temporary file; the user's files are never written.

Probes: none given, the container runs its own command and passes when it exits with 0 or is \
still running after --settle seconds (a server). --probe-cmd runs the arguments in place of \
CMD (ENTRYPOINT kept, as `docker run IMAGE ARGS`) and passes on exit code 0. --probe-http \
runs the image's own command and GETs http://127.0.0.1:PORT/PATH until it answers or \
--probe-timeout passes; it passes on a status below 400. --expect: the output or body must \
contain the text. Equivalent: both pass with the same exit code and standard output (or HTTP \
status and body), and the rewrite's image has the program and the libraries the original's has.

Exit status: 0 equivalent, or nothing to verify (split declined, no fix applies); 1 not \
equivalent (the reasons are given); 2 the original does not build or does not pass the probe, \
no engine works, a time limit on the original, or a usage or I/O error.")]
pub struct VerifyArgs {
    /// The original Dockerfile.
    #[arg(value_name = "DOCKERFILE")]
    pub file: PathBuf,
    /// The container engine [default: the first of docker, podman, buildah that works].
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub engine: Option<EngineArg>,
    /// The build context directory [default: the Dockerfile's directory].
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,
    /// Run the container with these arguments as its command (shell words; ENTRYPOINT kept).
    #[arg(
        long,
        value_name = "CMD",
        allow_hyphen_values = true,
        help_heading = "Probe"
    )]
    pub probe_cmd: Option<String>,
    /// Run the image's own command and GET http://127.0.0.1:PORT/PATH.
    #[arg(long, value_name = "PORT[/PATH]", help_heading = "Probe")]
    pub probe_http: Option<String>,
    /// The probe's output (or HTTP body) must contain this text.
    #[arg(
        long,
        value_name = "TEXT",
        allow_hyphen_values = true,
        help_heading = "Probe"
    )]
    pub expect: Option<String>,
    /// How long a probe may take: a command to exit, a server to answer.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 60,
        help_heading = "Probe"
    )]
    pub probe_timeout: u64,
    /// Without a probe: how long a server must stay up to pass.
    #[arg(long, value_name = "SECS", default_value_t = 5, help_heading = "Probe")]
    pub settle: u64,
    /// Verify this file as the rewrite instead of slipway split's.
    #[arg(long, value_name = "FILE", help_heading = "Rewrite")]
    pub rewrite: Option<PathBuf>,
    /// Verify the safe fixes (slipway check --fix) instead of slipway split's rewrite.
    #[arg(long, help_heading = "Rewrite")]
    pub fix: bool,
    /// With --fix, the unsafe fixes too.
    #[arg(long, requires = "fix", help_heading = "Rewrite")]
    pub unsafe_fixes: bool,
    /// The time limit of each build, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    pub timeout: u64,
    /// Keep the images (their tags are printed).
    #[arg(long)]
    pub keep: bool,
    /// Skip the rebuild after a one-line change.
    #[arg(long, conflicts_with = "touch")]
    pub no_rebuild: bool,
    /// The file to change for the rebuild, in the build context [default: the most recently modified source file a COPY brings in, not a manifest or lock file].
    #[arg(long, value_name = "FILE")]
    pub touch: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
    /// When to color error messages.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Run `verify`.
pub fn run(args: &VerifyArgs) -> Status {
    let probe = match (&args.probe_cmd, &args.probe_http) {
        (Some(c), _) => Probe::parse_cmd(c),
        (_, Some(h)) => Probe::parse_http(h),
        _ => Ok(Probe::Start),
    };
    let probe = match probe {
        Ok(p) => p,
        Err(e) => {
            output::report(args.color, &ToolError::new(e));
            return Status::Error;
        }
    };
    let options = Options {
        dockerfile: args.file.clone(),
        context: args.context.clone(),
        engine: args.engine.map(|e| match e {
            EngineArg::Docker => EngineKind::Docker,
            EngineArg::Podman => EngineKind::Podman,
            EngineArg::Buildah => EngineKind::Buildah,
        }),
        rewrite: match (&args.rewrite, args.fix) {
            (Some(f), _) => RewriteFrom::File(f.clone()),
            (None, true) => RewriteFrom::Fix {
                unsafe_fixes: args.unsafe_fixes,
            },
            (None, false) => RewriteFrom::Split,
        },
        probe,
        expect: args.expect.clone(),
        build_timeout: Duration::from_secs(args.timeout.max(1)),
        limits: Limits {
            timeout: Duration::from_secs(args.probe_timeout.max(1)),
            settle: Duration::from_secs(args.settle),
        },
        keep: args.keep,
        rebuild: !args.no_rebuild,
        touch: args.touch.clone(),
        max_file_size: super::discover::max_file_size_for(&args.file),
    };
    let report = verify::run(&options);
    let written = output::with_stdout(args.color, |out| match args.format {
        VerifyFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            out.write_all(b"\n")
        }
        VerifyFormat::Human => out.write_all(human(&report).as_bytes()),
    });
    if let (Some(e), VerifyFormat::Human) = (&report.error, args.format) {
        output::report(args.color, &ToolError::new(e.clone()));
    }
    match (written, report.exit_code) {
        (false, _) | (_, 2) => Status::Error,
        (true, 1) => Status::Findings,
        _ => Status::Clean,
    }
}

fn secs(s: f64) -> String {
    format!("{s:.1} s")
}

fn size(b: Option<u64>) -> String {
    b.map_or_else(|| "-".into(), format_bytes)
}

fn estimated(side: &Side) -> String {
    match (side.estimated_bytes, side.estimate_certainty) {
        (Some(b), Some("known")) => format_bytes(b),
        (Some(b), Some("unknown")) => format!(">= {}", format_bytes(b)),
        (Some(b), _) => format!("~{}", format_bytes(b)),
        (None, _) => "-".into(),
    }
}

fn probe_cell(side: &Side) -> String {
    match &side.probe {
        Some(p) => format!(
            "{}: {}",
            if p.passed { "passed" } else { "FAILED" },
            p.detail
        ),
        None if !side.built => "not run".into(),
        None => "-".into(),
    }
}

fn rebuild_line(out: &mut String, name: &str, r: &RebuildSide) {
    if let Some(e) = &r.error {
        let _ = writeln!(out, "  {name:<9} {e}");
        return;
    }
    let _ = write!(
        out,
        "  {name:<9} {} of {} steps re-ran in {}",
        r.rerun,
        r.total,
        secs(r.seconds)
    );
    if let Some(first) = &r.first_rerun {
        let _ = write!(out, ", from `{first}`");
    }
    let _ = writeln!(
        out,
        "; {}",
        if r.dependency_install_rerun {
            "a dependency install RE-RAN"
        } else {
            "no dependency install re-ran"
        }
    );
}

/// The human report.
pub fn human(r: &Report) -> String {
    let mut out = String::new();
    let _ = write!(out, "slipway verify {} (context {})", r.file, r.context);
    if let Some(e) = &r.engine {
        let _ = write!(out, " with {}", e.name.as_str());
    }
    let _ = writeln!(out);
    if let Some(e) = &r.engine {
        for s in &e.skipped {
            let _ = writeln!(out, "  engine {s}");
        }
    }
    let _ = writeln!(
        out,
        "rewrite: {}{}",
        r.rewrite_from,
        if r.rewrite_summary.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.rewrite_summary.join("; "))
        }
    );
    for d in &r.declined {
        let _ = writeln!(out, "  declined: {d}");
    }
    let sides: Vec<(&str, &Side)> = [("original", &r.original), ("rewrite", &r.rewrite)]
        .into_iter()
        .filter_map(|(n, s)| s.as_ref().map(|s| (n, s)))
        .collect();
    if !sides.is_empty() {
        let _ = writeln!(
            out,
            "\n  {:<9} {:<6} {:>9} {:>10} {:>11}  probe",
            "", "built", "build", "real size", "estimated"
        );
        for (name, s) in &sides {
            let _ = writeln!(
                out,
                "  {:<9} {:<6} {:>9} {:>10} {:>11}  {}",
                name,
                if s.built {
                    "yes"
                } else if s.build_timed_out {
                    "TIMEOUT"
                } else {
                    "NO"
                },
                secs(s.build_seconds),
                size(s.bytes),
                estimated(s),
                probe_cell(s)
            );
        }
        for (name, s) in &sides {
            if let Some(p) = &s.program {
                let what = match (&p.program, &p.kind) {
                    (Some(prog), Some(kind)) => format!(
                        "{prog} ({kind}{})",
                        if p.libraries.is_empty() {
                            String::new()
                        } else {
                            format!(", {} shared libraries found", p.libraries.len())
                        }
                    ),
                    (Some(prog), None) => prog.clone(),
                    _ => "-".into(),
                };
                let _ = writeln!(
                    out,
                    "  {name:<9} program: {what}{}",
                    if p.passed { "" } else { ": MISSING PARTS" }
                );
                for problem in &p.problems {
                    let _ = writeln!(out, "            - {problem}");
                }
            }
            if let Some(tail) = &s.build_log_tail {
                let _ = writeln!(out, "  {name} build output (end):");
                for l in tail.lines() {
                    let _ = writeln!(out, "    | {l}");
                }
            }
        }
    }
    if let Some(rb) = &r.rebuild {
        let _ = writeln!(
            out,
            "\nrebuild after a one-line change to {} ({}, {}):",
            rb.touched, rb.chosen, rb.change
        );
        if let Some(s) = &rb.original {
            rebuild_line(&mut out, "original", s);
        }
        if let Some(s) = &rb.rewrite {
            rebuild_line(&mut out, "rewrite", s);
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out);
        for n in &r.notes {
            let _ = writeln!(out, "note: {n}");
        }
    }
    for k in &r.kept_images {
        let _ = writeln!(out, "kept: {k}");
    }
    let _ = writeln!(
        out,
        "\nverdict: {}",
        match r.status {
            "equivalent" => "equivalent".to_string(),
            "not-equivalent" => "NOT equivalent".to_string(),
            "nothing-to-verify" => "nothing to verify".to_string(),
            _ => format!("error: {}", r.error.as_deref().unwrap_or("")),
        }
    );
    for reason in &r.reasons {
        let _ = writeln!(out, "  - {reason}");
    }
    let _ = writeln!(out, "({} in all)", secs(r.seconds));
    out
}
