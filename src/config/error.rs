//! Errors about configuration: a file that cannot be read or parsed, a key or
//! value that is wrong, an unknown rule id. Each is a miette diagnostic that
//! points into the configuration file when it is about its content.

use miette::{LabeledSpan, NamedSource, SourceSpan};
use std::fmt;

/// A configuration error (the run stops with exit code 2). Boxed: errors
/// are rare and `Result`s carrying them stay small.
#[derive(Debug, Clone)]
pub struct ConfigError(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    message: String,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    span: Option<SourceSpan>,
    label: Option<String>,
}

impl ConfigError {
    /// An error with this message, about no file in particular.
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError(Box::new(Inner {
            message: message.into(),
            help: None,
            source: None,
            span: None,
            label: None,
        }))
    }

    /// An error about the text of the file `name` at the byte range `span`
    /// (the label says what is wrong there).
    pub fn at(
        message: impl Into<String>,
        name: &str,
        text: &str,
        span: std::ops::Range<usize>,
        label: impl Into<String>,
    ) -> Self {
        let start = floor_boundary(text, span.start);
        let end = floor_boundary(text, span.end).max(start);
        ConfigError(Box::new(Inner {
            message: message.into(),
            help: None,
            source: Some(NamedSource::new(name, text.to_string())),
            span: Some(SourceSpan::from(start..end)),
            label: Some(label.into()),
        }))
    }

    /// Add a hint on what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// Add a hint when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.0.help = help;
        }
        self
    }

    /// The one-line message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The hint, if any.
    pub fn help_text(&self) -> Option<&str> {
        self.0.help.as_deref()
    }

    /// The byte range the error points at in the file, if any.
    pub fn span(&self) -> Option<std::ops::Range<usize>> {
        self.0.span.map(|s| s.offset()..s.offset() + s.len())
    }
}

/// The largest character boundary of `s` at or before `offset`.
fn floor_boundary(s: &str, offset: usize) -> usize {
    let mut o = offset.min(s.len());
    while !s.is_char_boundary(o) {
        o -= 1;
    }
    o
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for ConfigError {}

impl miette::Diagnostic for ConfigError {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.0.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            self.0.label.clone(),
            span,
        ))))
    }
}

/// An I/O error as a short lower-case phrase, without the OS error number.
pub(crate) fn io_message(e: &std::io::Error) -> String {
    let mut s = e.to_string();
    if let Some(i) = s.find(" (os error") {
        s.truncate(i);
    }
    let b = s.as_bytes();
    if b.first().is_some_and(u8::is_ascii_uppercase)
        && !b.get(1).is_some_and(u8::is_ascii_uppercase)
    {
        s[..1].make_ascii_lowercase();
    }
    s
}
