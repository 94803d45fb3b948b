//! The syntax layer: Dockerfile text to a span-carrying tree, exactly as
//! BuildKit's parser reads it.
//!
//! This layer knows nothing of rules, models or output formats. Its one entry
//! point, [`parse`], never fails: any text gives a [`Dockerfile`] and a list of
//! [`SyntaxError`]s. [`decode`] turns raw bytes into text first, and is the only
//! place that can refuse input (it is not UTF-8).

mod args;
mod ast;
mod decode;
pub mod dump;
mod heredoc;
mod json;
mod lex;
mod parser;

pub use ast::*;
pub use decode::{DecodeError, decode};
pub use lex::go_quote;
pub use parser::{MAX_LINE, Parse, parse};

impl Dockerfile {
    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, source: &str, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let col = source
            .get(start..offset.min(source.len()))
            .map_or(0, |s| s.chars().count());
        (line, col + 1)
    }

    /// Whether the file ends with a line break.
    pub fn ends_with_newline(source: &str) -> bool {
        source.ends_with('\n')
    }
}
