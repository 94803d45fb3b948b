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

pub mod syntax;
