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
