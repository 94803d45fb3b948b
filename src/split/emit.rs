//! Writing the two stages: the original text up to the build (the `FROM`
//! named `build`), the builder's additions, then the runtime stage. Kept
//! instructions are copied byte for byte with the comments before them;
//! new lines use the file's line ending.

use super::analyze::Facts;
use super::ecosystems::Plan;
use super::needs::{Item, Placed};
use crate::syntax::Args;

/// The name of the builder stage.
pub(crate) const BUILDER: &str = "build";

/// The rewritten file.
/// Whether a command can be appended to the build's `RUN` with `&&`: a
/// shell-form `RUN` of one command on one line, with no heredoc, comment or
/// flag.
fn joins_build(f: &Facts<'_>, build: usize) -> bool {
    let inst = f.inst(build);
    let text = &f.input.source[inst.span.start..inst.span.end];
    inst.keyword == crate::syntax::Keyword::Run
        && matches!(inst.args, Args::Text(_))
        && inst.heredocs.is_empty()
        && inst.flags.is_empty()
        && !text.contains(['\n', '\r', '#', '\\', '`'])
        && !text.trim_end().ends_with([';', '&', '|'])
        && f.run(build).is_some_and(|r| !r.opaque && r.cmds.len() == 1)
}

pub(crate) fn emit(f: &Facts<'_>, plan: &Plan, placed: &Placed) -> String {
    let src = f.input.source;
    let nl = if src.contains("\r\n") { "\r\n" } else { "\n" };
    let from = f.inst(f.from);
    let (builder_name, runtime_name) = names(f);
    // The original text up to the end of the build, with the `FROM` named
    // and the builder's insertions.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    match stage_name_span(f) {
        Some((span, name)) if name != BUILDER => {
            edits.push((span.start, span.end, builder_name.to_string()));
        }
        Some(_) => {}
        None => {
            let end = match &from.args {
                Args::Words(w) => w.last().map_or(from.span.end, |w| w.span.end),
                _ => from.span.end,
            };
            edits.push((end, end, format!(" AS {BUILDER}")));
        }
    }
    if let Some((i, lines)) = &plan.builder_insert {
        let at = lead(f, *i);
        let mut text = lines.join(nl);
        text.push_str(nl);
        edits.push((at, at, text));
    }
    edits.sort_by_key(|e| (e.0, e.1));
    let end = f.inst(plan.build).span.end;
    let mut out = String::with_capacity(src.len() * 2);
    let mut at = 0;
    for (s, e, text) in &edits {
        out.push_str(&src[at..*s]);
        out.push_str(text);
        at = *e;
    }
    out.push_str(&src[at..end]);
    let mut tail: &[String] = &plan.builder_tail;
    if placed.builder_extra.is_empty()
        && let Some(first) = tail.first()
        && let Some(command) = first.strip_prefix("RUN ")
        && joins_build(f, plan.build)
    {
        // A RUN of one command after a build RUN of one command is
        // `consecutive-run-instructions`' finding: the command joins the
        // build's RUN instead.
        out.push_str(" && ");
        out.push_str(command);
        tail = &tail[1..];
    }
    for &i in &placed.builder_extra {
        out.push_str(nl);
        out.push_str(chunk(f, i));
    }
    for l in tail {
        out.push_str(nl);
        out.push_str(l);
    }
    // The runtime stage.
    out.push_str(nl);
    out.push_str(nl);
    out.push_str("FROM ");
    if let Some(p) = from.flag("platform") {
        out.push_str(&src[p.span.start..p.span.end]);
        out.push(' ');
    }
    out.push_str(&placed.runtime.image);
    if let Some(n) = runtime_name {
        out.push_str(" AS ");
        out.push_str(&n);
    }
    for item in &placed.items {
        out.push_str(nl);
        match item {
            Item::Chunk(i) => out.push_str(chunk(f, *i)),
            Item::Text(t) => out.push_str(t),
        }
    }
    let last = f
        .input
        .file
        .instructions
        .last()
        .map_or(src.len(), |i| i.span.end);
    let tail = &src[last..];
    if tail.is_empty() {
        // The original has no final line break: neither has the rewrite.
    } else {
        out.push_str(tail);
    }
    out
}

/// The builder's name and the runtime stage's: a stage that was named
/// keeps its name on the runtime stage (so `--target NAME` still builds
/// the image that ships), unless the name was `build`.
fn names(f: &Facts<'_>) -> (&'static str, Option<String>) {
    match stage_name_span(f) {
        Some((_, name)) if !name.eq_ignore_ascii_case(BUILDER) => (BUILDER, Some(name)),
        _ => (BUILDER, None),
    }
}

/// The span and text of the `AS name` of the `FROM`.
fn stage_name_span(f: &Facts<'_>) -> Option<(crate::syntax::Span, String)> {
    match &f.inst(f.from).args {
        Args::Words(w) if w.len() == 3 && w[1].value.eq_ignore_ascii_case("as") => {
            Some((w[2].span, w[2].value.to_string()))
        }
        _ => None,
    }
}

/// Where instruction `i`'s chunk starts: the first non-blank line after
/// the previous instruction (comments before `i` travel with it).
pub(crate) fn lead(f: &Facts<'_>, i: usize) -> usize {
    let src = f.input.source;
    let inst = f.inst(i);
    let prev_end = if i == 0 {
        0
    } else {
        f.input.file.instructions[i - 1].span.end
    };
    let region = &src[prev_end..inst.span.start];
    // Skip the rest of the previous instruction's line.
    let mut pos = match region.find('\n') {
        Some(n) if i > 0 => prev_end + n + 1,
        _ => prev_end,
    };
    while pos < inst.span.start {
        let line_end = src[pos..].find('\n').map_or(src.len(), |n| pos + n + 1);
        if src[pos..line_end.min(inst.span.start)].trim().is_empty() {
            pos = line_end;
        } else {
            break;
        }
    }
    pos.min(line_start(src, inst.span.start))
}

fn line_start(src: &str, at: usize) -> usize {
    src[..at].rfind('\n').map_or(0, |n| n + 1)
}

/// Instruction `i` with the comments before it.
pub(crate) fn chunk<'s>(f: &Facts<'s>, i: usize) -> &'s str {
    let inst = f.inst(i);
    &f.input.source[lead(f, i)..inst.span.end]
}
