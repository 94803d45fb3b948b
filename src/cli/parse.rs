//! `slipway parse`: the syntax tree of one file, for people debugging a
//! Dockerfile and for comparing with other parsers.

use super::check::decode;
use super::discover;
use super::output::{self, ToolError};
use super::{ParseArgs, ParseFormat, Status};
use crate::diagnostic::Diagnostic;
use crate::render::human::Human;
use crate::syntax::{self, dump};
use std::io::{self, Write};

/// Run `parse`.
pub fn run(args: &ParseArgs) -> Status {
    let (path, bytes) =
        match discover::read_input(&args.file, discover::max_file_size_for(&args.file)) {
            Ok(read) => read,
            Err(e) => {
                output::report(args.color, &ToolError::new(e.one_line()));
                return Status::Error;
            }
        };
    let source = match decode(&path, &bytes) {
        Ok(source) => source,
        Err(e) => {
            output::report(args.color, &ToolError::new(e.one_line()));
            return Status::Error;
        }
    };
    let parse = syntax::parse(source);
    let written = output::with_stdout(args.color, |out| match args.format {
        ParseFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &dump::oracle(&parse.dockerfile))?;
            out.write_all(b"\n")
        }
        ParseFormat::Dump => out.write_all(dump::buildkit_dump(&parse.dockerfile).as_bytes()),
    });
    if !parse.errors.is_empty() {
        let diagnostics: Vec<Diagnostic> = parse.errors.iter().map(Diagnostic::from).collect();
        let mut text = Vec::new();
        Human::new(args.color.stderr()).render(&mut text, &path, source, &diagnostics);
        let _ = io::stderr().lock().write_all(&text);
    }
    if !written {
        Status::Error
    } else if parse.errors.is_empty() {
        Status::Clean
    } else {
        Status::Findings
    }
}
