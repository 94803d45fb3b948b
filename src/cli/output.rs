//! Where text goes: color decisions, stdout that survives a closed pipe, and
//! errors about running the tool, drawn on stderr by miette.

use clap::ValueEnum;
use std::fmt;
use std::io::{self, IsTerminal, Write};

/// When to use color.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When the output is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to color output going to a stream that is (or is not) a terminal.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }

    /// Whether to color standard output.
    pub fn stdout(self) -> bool {
        self.enabled(io::stdout().is_terminal())
    }

    /// Whether to color standard error.
    pub fn stderr(self) -> bool {
        self.enabled(io::stderr().is_terminal())
    }
}

/// How a write to stdout ended, when it did not succeed.
#[derive(Debug)]
pub enum WriteFailure {
    /// The reader went away (`| head`): stop writing, quietly.
    BrokenPipe,
    /// Anything else (disk full, ...): worth an error.
    Other(io::Error),
}

impl From<io::Error> for WriteFailure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            WriteFailure::BrokenPipe
        } else {
            WriteFailure::Other(e)
        }
    }
}

/// Run `f` with a buffered, locked stdout and flush it. A closed pipe is not an
/// error worth a message; other failures are reported on stderr. Returns
/// whether the output was written in full or the reader went away.
pub fn with_stdout(color: ColorChoice, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> bool {
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let result = f(&mut out).and_then(|()| out.flush());
    match result.map_err(WriteFailure::from) {
        Ok(()) | Err(WriteFailure::BrokenPipe) => {
            // Whatever is left in the buffer after a broken pipe is dropped
            // with it; the drop does not panic.
            true
        }
        Err(WriteFailure::Other(e)) => {
            let e = ToolError::new(format!(
                "cannot write to standard output: {}",
                super::discover::io_message(&e)
            ));
            report(color, &e);
            false
        }
    }
}

/// Like [`with_stdout`], into `path` when one is given (`--output`): the
/// file is created or replaced; a failure is reported on stderr.
pub fn with_output(
    path: Option<&std::path::Path>,
    color: ColorChoice,
    f: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> bool {
    let Some(path) = path else {
        return with_stdout(color, f);
    };
    let result = std::fs::File::create(path).and_then(|file| {
        let mut out = io::BufWriter::with_capacity(64 * 1024, file);
        f(&mut out)?;
        out.flush()
    });
    match result {
        Ok(()) => true,
        Err(e) => {
            let e = ToolError::new(format!(
                "cannot write {}: {}",
                path.display(),
                super::discover::io_message(&e)
            ));
            report(color, &e);
            false
        }
    }
}

/// An error (or warning) about running the tool, not about a Dockerfile.
#[derive(Debug, Clone)]
pub struct ToolError {
    message: String,
    help: Option<String>,
    severity: miette::Severity,
}

impl ToolError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        ToolError {
            message: message.into(),
            help: None,
            severity: miette::Severity::Error,
        }
    }

    /// A warning with this message.
    pub fn warning(message: impl Into<String>) -> Self {
        ToolError {
            severity: miette::Severity::Warning,
            ..ToolError::new(message)
        }
    }

    /// A note (something worth knowing that is not a problem).
    pub fn note(message: impl Into<String>) -> Self {
        ToolError {
            severity: miette::Severity::Advice,
            ..ToolError::new(message)
        }
    }

    /// Add a hint on what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ToolError {}

impl miette::Diagnostic for ToolError {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
}

/// Draw a tool error (or any miette diagnostic, e.g. a configuration error
/// with the file's text) with miette: the message on one line (never
/// wrapped), the source snippet if any, then the help, if any.
pub fn render(color: bool, e: &dyn miette::Diagnostic) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(usize::MAX)
        .with_wrap_lines(false);
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = handler.render_report(&mut s, e);
    s
}

/// Write a tool error (or any miette diagnostic) to stderr (a failing stderr
/// is ignored: there is nowhere else to say it).
pub fn report(color: ColorChoice, e: &dyn miette::Diagnostic) {
    let s = render(color.stderr(), e);
    let _ = io::stderr().lock().write_all(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_and_help() {
        let long = "x".repeat(300);
        let e =
            ToolError::new(format!("cannot read {long}: is a directory")).with_help("pass a file");
        let s = render(false, &e);
        let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 2, "{s}");
        assert!(
            lines[0].contains(&format!("cannot read {long}: is a directory")),
            "{s}"
        );
        assert!(lines[1].contains("help: pass a file"), "{s}");
        assert!(!s.contains('\x1b'));
        assert!(render(true, &e).contains('\x1b'));
    }

    #[test]
    fn color_choice() {
        assert!(ColorChoice::Always.enabled(false));
        assert!(!ColorChoice::Never.enabled(true));
        assert!(!ColorChoice::Auto.enabled(false));
    }
}
