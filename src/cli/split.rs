//! `slipway split`: rewrite a single-stage Dockerfile into a builder stage
//! and a small runtime stage (see [`crate::split`]), or say why not.

use super::Status;
use super::check::decode;
use super::discover;
use super::output::{self, ColorChoice, ToolError};
use crate::split::Options;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Arguments of `slipway split`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("mode").args(["write", "diff"]))]
#[command(after_help = "\
The rewrite is deterministic: no network, no model. The builder stage is the original FROM \
named `build` with every instruction up to the build; the runtime stage is a small base with \
the artifacts and what the program needs at run time. When the artifact or the runtime needs \
cannot be told with confidence, nothing is printed and the reasons are given on stderr.

--write replaces the file atomically (a temporary file beside it, renamed over it), keeping its \
permissions, line endings and byte-order mark.

Exit status: 0 rewritten (printed, shown as a diff, or written), 1 no rewrite (the reasons are \
on stderr; a multi-stage file says \"already multi-stage\"), 2 the file could not be read, \
decoded or written.")]
pub struct SplitArgs {
    /// The Dockerfile; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace the file with the rewrite instead of printing it.
    #[arg(long)]
    pub write: bool,
    /// Print a unified diff from the file to the rewrite instead of the rewrite.
    #[arg(long)]
    pub diff: bool,
    /// List each decision on stderr: the artifact, the runtime base and why, what was kept, dropped and added.
    #[arg(long)]
    pub explain: bool,
    /// The build context directory, where Cargo.toml and *.csproj are read [default: the Dockerfile's directory].
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,
    /// When to color error messages.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Run `split`.
pub fn run(args: &SplitArgs) -> Status {
    let stdin = args.file.as_os_str() == "-";
    if stdin && args.write {
        output::report(
            args.color,
            &ToolError::new("--write needs a file, not standard input"),
        );
        return Status::Error;
    }
    let (name, bytes) =
        match discover::read_input(&args.file, discover::max_file_size_for(&args.file)) {
            Ok(r) => r,
            Err(e) => {
                output::report(args.color, &ToolError::new(e.one_line()));
                return Status::Error;
            }
        };
    let source = match decode(&name, &bytes) {
        Ok(s) => s,
        Err(e) => {
            output::report(args.color, &ToolError::new(e.one_line()));
            return Status::Error;
        }
    };
    let context: Option<PathBuf> = match (&args.context, stdin) {
        (Some(c), _) => Some(c.clone()),
        (None, false) => Some(
            args.file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        ),
        (None, true) => None,
    };
    let options = Options {
        context: context.as_deref(),
    };
    // What `slipway check` knows of the file, so that the rewrite is held
    // to adding no finding of the rules that read the build context.
    let ignore = context.as_deref().and_then(|c| {
        crate::model::dockerignore::for_context((!stdin).then_some(args.file.as_path()), c)
    });
    let info = crate::FileInfo {
        dockerignore: ignore.as_deref(),
        context: context.as_deref(),
    };
    let rewrite = match crate::fix::split_checked(source, &options, info) {
        Ok(s) => s,
        Err(declined) => {
            let mut text = format!("{name}: no rewrite:\n");
            for r in &declined.reasons {
                text.push_str(&format!("  - {r}\n"));
            }
            let _ = io::stderr().lock().write_all(text.as_bytes());
            return Status::Findings;
        }
    };
    if args.explain {
        let mut text = String::new();
        for d in &rewrite.decisions {
            text.push_str(&format!("{d}\n"));
        }
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }
    if args.write {
        return match super::fix::write_atomically(&args.file, &bytes, rewrite.text.as_bytes()) {
            Ok(()) => {
                let _ = writeln!(
                    io::stderr().lock(),
                    "{name}: rewritten into a builder and a {} runtime stage",
                    rewrite.runtime_image
                );
                Status::Clean
            }
            Err(e) => {
                output::report(args.color, &e.into_tool_error(&name));
                Status::Error
            }
        };
    }
    let out = if args.diff {
        super::fix::unified_diff(&name, source, &rewrite.text)
    } else {
        rewrite.text
    };
    if output::with_stdout(args.color, |w| w.write_all(out.as_bytes())) {
        Status::Clean
    } else {
        Status::Error
    }
}
