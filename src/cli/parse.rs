//! `slipway parse`: the syntax tree of one file, for people debugging a
//! Dockerfile and for comparing with other parsers.

use super::check::{STDIN_NAME, decode};
use super::discover::{self, display};
use super::output::{self, ToolError};
use super::{ParseArgs, ParseFormat, Status};
use crate::diagnostic::Diagnostic;
use crate::render::{FileError, human::Human};
use crate::syntax::{self, dump};
use std::io::{self, Read, Write};

/// Run `parse`.
pub fn run(args: &ParseArgs) -> Status {
    let (path, bytes) = match read(args) {
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

/// The file's name as shown, and its bytes.
fn read(args: &ParseArgs) -> Result<(String, Vec<u8>), FileError> {
    let path = &args.file;
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        return match io::stdin().lock().read_to_end(&mut bytes) {
            Ok(_) => Ok((STDIN_NAME.to_string(), bytes)),
            Err(e) => Err(FileError {
                path: STDIN_NAME.to_string(),
                message: discover::io_message(&e),
                position: None,
            }),
        };
    }
    // Look before opening: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(path).map_err(|e| discover::path_error(path, &e))?;
    if !meta.is_file() {
        return Err(discover::not_regular(path, &meta.file_type()));
    }
    let bytes = std::fs::read(path).map_err(|e| discover::path_error(path, &e))?;
    Ok((display(path), bytes))
}
