//! Slipway: a Dockerfile linter and multi-stage optimizer.
//!
//! The crate is layered; each layer depends only on the ones above it:
//!
//! * [`syntax`]: text to a span-carrying tree, faithful to BuildKit's parser;
//! * [`model`]: the semantic model built once per file (stages, their graph,
//!   ARG/ENV scopes, variable expansion, image references);
//! * [`check`]: running the checks over files and collecting [`check::Diagnostic`]s;
//! * [`render`]: diagnostics to people and machines.
//!
//! See `ARCHITECTURE.md` for the map and the invariants.

#![warn(missing_docs)]

pub mod cli;
pub mod diagnostic;
pub mod model;
pub mod render;
pub mod syntax;

pub use diagnostic::{Diagnostic, Severity};

/// Lint Dockerfile source text: every finding, sorted by position.
///
/// Today this reports syntax errors; the rule engine plugs in here.
pub fn lint(source: &str) -> Vec<Diagnostic> {
    let parse = syntax::parse(source);
    let mut out: Vec<Diagnostic> = parse.errors.iter().map(Diagnostic::from).collect();
    out.sort_by_key(|d| (d.span.start, d.span.end, d.code));
    out
}
