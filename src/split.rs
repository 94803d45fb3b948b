//! The single-stage to multi-stage rewrite, deterministic: no network, no
//! model, only what the Dockerfile says and a few documented tables.
//!
//! [`split`] reads a Dockerfile with one stage that builds software and
//! writes it as two: a builder stage (the original `FROM`, named `build`,
//! and every instruction up to and including the build) and a runtime stage
//! on a small base that copies only the artifacts and keeps what the program
//! needs at run time: `ENV`, the `ARG`s those use, `WORKDIR`, `USER` (and
//! the commands that create the user), `EXPOSE`, `VOLUME`, `LABEL`,
//! `HEALTHCHECK`, `STOPSIGNAL`, `ENTRYPOINT`, `CMD`, the runtime packages
//! (installed packages that are not toolchains; well-known `-dev` packages
//! become their runtime libraries), and the files copied in for run time.
//!
//! Every decision is recorded ([`Split::decisions`]). When the artifact or
//! what the program needs at run time cannot be told with confidence, the
//! rewrite declines and says what is missing ([`Declined::reasons`]):
//! it never guesses.
//!
//! Kept instructions keep their text byte for byte, with the comments
//! before them; new lines use the file's line ending. The result parses
//! without error, and splitting it again declines: it is multi-stage.
//!
//! Ecosystems, by the build step found and the builder's base image:
//!
//! * Go: `go build -o PATH` (or the binary `ENTRYPOINT`/`CMD` names);
//!   `gcr.io/distroless/static-debian12:nonroot` with `CGO_ENABLED=0` (a
//!   slim image with the builder's CA certificates when a shell is
//!   needed), else the builder's system, slim, with the builder's CA
//!   certificates (the bundle file is copied: no unpinned package install;
//!   also when the builder installs `ca-certificates` itself, since a Go
//!   program reads only the bundle). A Debian 12 runtime does not install
//!   again a run-time library of Debian 12's base system (`zlib1g`).
//! * Rust: `cargo build` / `cargo install --path` (the binary lands in
//!   `$CARGO_HOME/bin` and is copied to `/usr/local/bin`), the binary named
//!   by `--bin`, `Cargo.toml` in the build context, or `ENTRYPOINT`/`CMD`;
//!   `gcr.io/distroless/cc-debianN:nonroot`, or a slim Debian when a shell
//!   or packages are needed.
//! * Node.js: a dependency install and a build script; dev dependencies
//!   pruned in the builder, and the directory the start command runs from
//!   (its `package.json`, server file and `node_modules`; the parent of a
//!   subdirectory the build ran in) copied to `node:<tag>-slim`.
//! * Python: `pip install -r` and `pip install .` (the project in the
//!   context, not editable) into a virtualenv at `/opt/venv`, copied to
//!   `python:<tag>-slim` with the application's `COPY` instructions and the
//!   runtime libraries of the `-dev` packages installed.
//! * Java: `mvn package` / `gradle build`, the jar `ENTRYPOINT`/`CMD`
//!   names; `javac` and `jar` by hand (the jar's `--file`/`cf` output, or
//!   the classes of `javac -d DIR` that `java -cp DIR` runs); the major
//!   from the image's tag or the `openjdk-N-jdk` package installed;
//!   `gcr.io/distroless/javaN-debianM:nonroot` (17, 21, 25) when the
//!   program starts as an exec-form `java -jar`/`java -cp` and needs no
//!   shell nor other program (a `CMD` alone becomes the `ENTRYPOINT`,
//!   which replaces distroless's `["/usr/bin/java", "-jar"]`), else
//!   `eclipse-temurin:<major>-jre`.
//! * C/C++: `make`, `cmake --build`, a compiler with `-o`; the binary named
//!   by `-o` or `ENTRYPOINT`/`CMD`, or, for `make install` of a program the
//!   entry names by its bare name, where the `install` target of the
//!   Makefile in the build context puts it; on a Debian builder,
//!   `gcr.io/distroless/cc-debianN:nonroot` (glibc, libgcc, libstdc++,
//!   OpenSSL) when nothing needs a shell or a package, else the builder's
//!   system, slim.
//! * .NET: `dotnet publish -o DIR` on `mcr.microsoft.com/dotnet/aspnet`
//!   (or `runtime`): aspnet's chiseled `-noble-chiseled-extra` variant (no
//!   shell, user `app`, with ICU and time zones) for a Debian SDK of .NET
//!   8 or later when nothing needs a shell or root, else the plain image.
//!
//! Distroless images are tagged `nonroot` (an untagged image and `latest`,
//! distroless's only tag for root, are findings of Slipway's own rules):
//! chosen when the program runs as a `USER` of its own, or as root with
//! nothing in the file needing root (no port below 1024, no `VOLUME`, an
//! assumption recorded); otherwise the slim system image is. Files a `RUN`
//! after the build makes outside the sources (`mkdir -p /srv/www && cp -r
//! www/. /srv/www/`) are copied from the builder, and so are files the
//! program is given at run time (a path among the `ENTRYPOINT`/`CMD`
//! arguments, an `ENV` value) that came with the build context into a
//! directory left behind (`COPY . .`, then `CMD ["/app/data/words.txt"]`).
//!
//! A `HEALTHCHECK` that needs a shell or `wget` is no reason to leave
//! distroless (Go static, Rust, C/C++): the `debug` variant of the image
//! (`:debug-nonroot`) has BusyBox at `/busybox` (on `PATH`, no
//! `/bin/sh`), and is taken when every program the HEALTHCHECK runs is a
//! BusyBox applet given options BusyBox takes (`wget -q -O`, not `curl`
//! nor `wget --progress`), the file has no `SHELL`, and nothing else needs
//! a shell. A shell-form HEALTHCHECK, which would run `/bin/sh -c`, is
//! written in exec form through `/busybox/sh -c` with its options; a
//! program started by `CMD` alone gets `ENTRYPOINT []` before it, since
//! the image's `ENTRYPOINT` is BusyBox's shell. A `USER` naming a user or
//! group of Debian's base-passwd that distroless lacks (`www-data`) is
//! written with its fixed ids (`USER 33:33`) when the builder is Debian or
//! Ubuntu and the file does not make the user itself.
//!
//! A `HEALTHCHECK` (or the command) that runs `curl` or `wget`, on a
//! builder built on buildpack-deps (golang, rust, gcc), gets
//! `buildpack-deps:<release>-curl` as the runtime base, which has both:
//! a slim image would install the tool unpinned where the original
//! installed nothing.
//!
//! This module does not lint; [`crate::fix::split_checked`], above the
//! rules, declines a rewrite that would add a finding of Slipway's own
//! rules the original does not have (counted per rule, with the build
//! context), and is what users get (`slipway
//! split`, the editor, the fleet view, the fix of `single-stage-build`).
//!
//! A program linked against glibc runs on the Debian release it was built
//! on or a newer one. The runtime image follows the release the builder's
//! tag names (`-bookworm` is Debian 12). A tag that names none follows the
//! version: the official images moved to Debian 13 when it was released, so
//! a version no longer maintained by then was built on Debian 12
//! (`golang:1.22`, `node:18`; the table is `tables::LAST_ON_BOOKWORM`), and
//! a newer one (`golang:1.24`, `python:3.12`) on Debian 13, which also runs
//! programs linked on Debian 12. A musl
//! (Alpine) build stays on Alpine.

mod analyze;
mod ecosystems;
mod emit;
mod images;
mod jlink;
mod needs;
mod tables;

use crate::diagnostic::Edit;
use crate::model::Model;
use crate::shell::Script;
use crate::syntax::{self, Dockerfile, Keyword, Span};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

pub use crate::shell::builds::Ecosystem;

/// What the rewrite may know besides the text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'a> {
    /// The build context directory (the Dockerfile's directory by
    /// default), to read `Cargo.toml` and `*.csproj` from.
    pub context: Option<&'a Path>,
}

/// The kind of a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DecisionKind {
    /// What the build produces and what is copied.
    Artifact,
    /// The runtime base image and why.
    Runtime,
    /// An instruction kept in the runtime stage.
    Kept,
    /// Something left behind in the builder.
    Dropped,
    /// Something the rewrite added.
    Added,
    /// An assumption the rewrite makes, for the reader to check.
    Assumed,
}

impl DecisionKind {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Artifact => "artifact",
            DecisionKind::Runtime => "runtime",
            DecisionKind::Kept => "kept",
            DecisionKind::Dropped => "dropped",
            DecisionKind::Added => "added",
            DecisionKind::Assumed => "assumed",
        }
    }
}

/// One decision of the rewrite, for people.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Decision {
    /// What kind.
    pub kind: DecisionKind,
    /// What was decided, and why.
    pub text: String,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.text)
    }
}

/// A rewrite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The new Dockerfile.
    pub text: String,
    /// The ecosystem the build was recognised as.
    pub ecosystem: Ecosystem,
    /// The runtime stage's base image.
    pub runtime_image: String,
    /// What was decided, in order.
    pub decisions: Vec<Decision>,
}

/// Why there is no rewrite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declined {
    /// The reasons, for people (at least one).
    pub reasons: Vec<String>,
}

impl Declined {
    fn new(reason: impl Into<String>) -> Declined {
        Declined {
            reasons: vec![reason.into()],
        }
    }
}

impl fmt::Display for Declined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reasons.join("; "))
    }
}

impl std::error::Error for Declined {}

/// The reason given for a file that has more than one stage.
pub const ALREADY_MULTI_STAGE: &str = "already multi-stage";

/// A parsed file, as the rewrite reads it: the tree, the model and the
/// shell scripts of each instruction (as [`crate::shell::instruction_scripts`]
/// gives them; empty for instructions run by a non-POSIX shell).
pub struct Input<'a> {
    /// The source text.
    pub source: &'a str,
    /// The syntax tree.
    pub file: &'a Dockerfile,
    /// The semantic model.
    pub model: &'a Model,
    /// The scripts of each instruction, indexed like the instructions.
    pub scripts: &'a [&'a [Script]],
}

/// Rewrite a single-stage Dockerfile into a builder and a runtime stage.
pub fn split(source: &str, options: &Options<'_>) -> Result<Split, Declined> {
    let parse = syntax::parse(source);
    if let Some(e) = parse.errors.first() {
        let line = line_of(&parse.dockerfile, e.span);
        return Err(Declined::new(format!(
            "the file has syntax errors (line {line}: {})",
            e.message
        )));
    }
    let model = Model::build(&parse.dockerfile, &HashMap::new());
    let scripts: Vec<Vec<Script>> = parse
        .dockerfile
        .instructions
        .iter()
        .map(crate::shell::instruction_scripts)
        .collect();
    let refs: Vec<&[Script]> = scripts.iter().map(Vec::as_slice).collect();
    split_parsed(
        &Input {
            source,
            file: &parse.dockerfile,
            model: &model,
            scripts: &refs,
        },
        options,
    )
}

/// [`split`] of a file already parsed and modelled (the rule uses its
/// context's). The file must have no syntax errors.
pub fn split_parsed(input: &Input<'_>, options: &Options<'_>) -> Result<Split, Declined> {
    preconditions(input)?;
    let facts = analyze::facts(input).map_err(Declined::new)?;
    let mut plan = ecosystems::plan(&facts, options)?;
    let placed = needs::place(&facts, &mut plan)?;
    let text = emit::emit(&facts, &plan, &placed);
    verify(input, &text)?;
    let mut decisions = plan.decisions;
    decisions.extend(placed.decisions);
    // Grouped by kind, in a fixed order; within a kind, in the order made.
    decisions.sort_by_key(|d| d.kind);
    Ok(Split {
        text,
        ecosystem: plan.ecosystem,
        runtime_image: placed.runtime.image.clone(),
        decisions,
    })
}

/// The 1-based line of a span.
fn line_of(file: &Dockerfile, span: Span) -> usize {
    file.line_starts.partition_point(|&s| s <= span.start)
}

fn preconditions(input: &Input<'_>) -> Result<(), Declined> {
    let stages = &input.model.stages;
    match stages.len() {
        0 => return Err(Declined::new("the file has no stage")),
        1 => {}
        _ => return Err(Declined::new(ALREADY_MULTI_STAGE)),
    }
    let stage = &stages[0];
    if crate::model::is_windows_base(stage) {
        return Err(Declined::new("the base image is a Windows image"));
    }
    for &i in &stage.instructions {
        let inst = &input.file.instructions[i];
        let line = inst.start_line;
        match inst.keyword {
            Keyword::Onbuild => {
                return Err(Declined::new(format!(
                    "ONBUILD (line {line}): images built from this one expect what the builder \
                     has"
                )));
            }
            Keyword::Shell => {
                if let syntax::Args::Exec(words) = &inst.args {
                    let shell: Vec<String> = words.iter().map(|w| w.value.to_string()).collect();
                    if !crate::shell::is_posix_shell(&shell) {
                        return Err(Declined::new(format!(
                            "SHELL (line {line}) is not a POSIX shell"
                        )));
                    }
                }
            }
            Keyword::Copy | Keyword::Add => {
                if let Some(from) = inst.flag("from")
                    && from.value.as_deref().is_some_and(|v| v.contains('$'))
                {
                    return Err(Declined::new(format!(
                        "COPY --from (line {line}) names a build argument"
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The rewrite must parse cleanly, have two stages, and read every shell
/// script the original could read.
fn verify(input: &Input<'_>, text: &str) -> Result<(), Declined> {
    let parse = syntax::parse(text);
    let bug = |what: String| {
        Declined::new(format!(
            "internal error: the rewrite {what}; please report this bug in Slipway"
        ))
    };
    if let Some(e) = parse.errors.first() {
        return Err(bug(format!("has a syntax error: {}", e.message)));
    }
    let model = Model::build(&parse.dockerfile, &HashMap::new());
    if model.stages.len() != 2 {
        return Err(bug(format!("has {} stages", model.stages.len())));
    }
    // A script the original could not read may be copied into both
    // stages; any other unreadable script is new.
    let unreadable: std::collections::HashSet<&str> = input
        .file
        .instructions
        .iter()
        .zip(input.scripts)
        .filter(|(_, s)| s.iter().any(|s| s.error.is_some()))
        .map(|(i, _)| i.original.as_str())
        .collect();
    for inst in &parse.dockerfile.instructions {
        let broken = crate::shell::instruction_scripts(inst)
            .iter()
            .any(|s| s.error.is_some());
        if broken && !unreadable.contains(inst.original.as_str()) {
            return Err(bug(format!(
                "makes the shell script of line {} unreadable",
                inst.start_line
            )));
        }
    }
    Ok(())
}

/// Turn a whole-file rewrite into minimal edits of `old`: a line diff,
/// each changed run of lines one edit.
pub fn edits(old: &str, new: &str) -> Vec<Edit> {
    let diff = similar::TextDiff::from_lines(old, new);
    let old_lines: Vec<&str> = diff.iter_old_slices().collect();
    let new_lines: Vec<&str> = diff.iter_new_slices().collect();
    let mut offsets = Vec::with_capacity(old_lines.len() + 1);
    let mut at = 0;
    for l in &old_lines {
        offsets.push(at);
        at += l.len();
    }
    offsets.push(at);
    let mut out: Vec<Edit> = Vec::new();
    for op in diff.ops() {
        let (old_range, new_range) = (op.old_range(), op.new_range());
        if matches!(op, similar::DiffOp::Equal { .. }) {
            continue;
        }
        let span = Span::new(offsets[old_range.start], offsets[old_range.end]);
        let replacement = new_lines[new_range].concat();
        match out.last_mut() {
            Some(last) if last.span.end == span.start => {
                last.span.end = span.end;
                last.replacement.push_str(&replacement);
            }
            _ => out.push(Edit { span, replacement }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_rebuild_the_new_text() {
        let old = "FROM a\nRUN b\nCMD c\n";
        let new = "FROM a AS build\nRUN b\n\nFROM z\nCMD c\n";
        let e = edits(old, new);
        let mut text = old.to_string();
        for edit in e.iter().rev() {
            text.replace_range(edit.span.start..edit.span.end, &edit.replacement);
        }
        assert_eq!(text, new);
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn declines_multi_stage_and_syntax_errors() {
        let two = "FROM a AS x\nRUN make\nFROM b\nCOPY --from=x /a /a\n";
        assert_eq!(
            split(two, &Options::default()).unwrap_err().reasons,
            [ALREADY_MULTI_STAGE]
        );
        let bad = "FROM golang:1.23\nRUNN go build -o /app .\n";
        let e = split(bad, &Options::default()).unwrap_err();
        assert!(e.reasons[0].contains("syntax errors (line 2"), "{e}");
    }
}
