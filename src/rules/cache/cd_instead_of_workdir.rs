//! `cd` in a `RUN` instead of `WORKDIR`.

use super::{for_each_command, is, runs};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::fixes::{keyword_like, later_instructions, line_ending_at};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::{Command, Nesting};
use crate::syntax::{Args, Keyword, Span};

/// The rule.
pub struct CdInsteadOfWorkdir;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW317",
    name: "cd-instead-of-workdir",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3003"],
    buildkit: &[],
    default_enabled: true,
    summary: "`cd` in a `RUN`; use `WORKDIR` to change directory",
    doc: include_str!("../../../rules/cd-instead-of-workdir.md"),
};

impl Rule for CdInsteadOfWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            let fixable = fix(cx, i);
            for_each_command(cx, i, |cmd| {
                if is(cmd, "cd") {
                    let mut d = cx.diag(
                        &META,
                        cmd.span,
                        "`cd` lasts only until the end of this RUN; use WORKDIR to change directory",
                    );
                    if let Some((span, fix)) = &fixable
                        && *span == cmd.span
                    {
                        d.fix = Some(fix.clone());
                    }
                    out.push(d);
                }
            });
        }
    }
}

/// The fix for `RUN cd /abs && rest`: `WORKDIR /abs` before the `RUN`, and
/// the `RUN` without `cd /abs && `. Returned with the span of that `cd`.
///
/// Only when the `cd` is the first command of a plain shell-form `RUN`,
/// followed by `&&`, to one literal absolute path, with no mount whose
/// target is relative (it would move with the working directory), and
/// nothing in the script reads the old directory (`cd -`, `$OLDPWD`). Safe
/// when nothing after the `RUN` sees the new working directory: the next
/// instruction of the stage that depends on it is a `WORKDIR` to an
/// absolute path; unsafe otherwise.
fn fix(cx: &Context<'_>, index: usize) -> Option<(Span, Fix)> {
    let inst = cx.file.instructions.get(index)?;
    if inst.keyword != Keyword::Run || !inst.heredocs.is_empty() {
        return None;
    }
    let Args::Text(text) = &inst.args else {
        return None;
    };
    let script = cx.script(index)?;
    if script.error.is_some() || text.value.contains("OLDPWD") {
        return None;
    }
    let [cd, next, ..] = script.commands.as_slice() else {
        return None;
    };
    if !is(cd, "cd") || !at_top(cd) || cd.list_index != 0 || next.list_index != 1 {
        return None;
    }
    let [dir] = cd.args.as_slice() else {
        return None;
    };
    let path = dir.value.as_str();
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+@%:,=".contains(c);
    if !dir.literal || !path.starts_with('/') || !path.chars().all(plain) {
        return None;
    }
    if script
        .commands
        .iter()
        .any(|c| is(c, "cd") && c.args.first().is_some_and(|a| a.value == "-"))
    {
        return None;
    }
    if !mounts_are_absolute(inst) {
        return None;
    }
    // Between `cd /abs` and the next command: `&&`, blanks, continuations.
    let gap = cx.source.get(cd.span.end..next.span.start)?;
    if !only_and(gap, cx.file.escape) {
        return None;
    }
    let line_start = cx.source[..inst.span.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = &cx.source[line_start..inst.span.start];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    // Comments right above the RUN (a `# hadolint ignore=` among them)
    // stay with it: the WORKDIR goes above them.
    let at = comments_above(cx.source, line_start);
    let workdir = format!(
        "{indent}{} {path}{}",
        keyword_like(cx, inst.keyword_span, "WORKDIR"),
        line_ending_at(cx.source, inst.span.start)
    );
    let applicability = if unseen_later(cx, index) {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    let fix = Fix::new(
        format!("Use `WORKDIR {path}`"),
        applicability,
        vec![
            Edit {
                span: Span::new(at, at),
                replacement: workdir,
            },
            Edit {
                span: Span::new(cd.span.start, next.span.start),
                replacement: String::new(),
            },
        ],
    );
    Some((cd.span, fix))
}

/// The start of the comment lines (with blank lines among them) right above
/// the line starting at `line_start`, or `line_start`.
fn comments_above(source: &str, line_start: usize) -> usize {
    let mut at = line_start;
    let mut pos = line_start;
    while pos > 0 {
        let prev_start = source[..pos - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = source[prev_start..pos - 1].trim();
        if line.starts_with('#') {
            at = prev_start;
        } else if !line.is_empty() {
            break;
        }
        pos = prev_start;
    }
    at
}

/// A command of the script's own top-level list, alone in its pipeline.
fn at_top(cmd: &Command) -> bool {
    cmd.nesting == Nesting::Top
        && cmd.pipeline.is_none()
        && cmd.assignments.is_empty()
        && cmd.redirects.is_empty()
        && !cmd.condition
}

/// Whether `gap` is `&&` with blanks and line continuations around it.
fn only_and(gap: &str, escape: char) -> bool {
    let mut rest = gap;
    let mut and = false;
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        if rest.is_empty() {
            return and;
        }
        if let Some(r) = rest.strip_prefix("&&").filter(|_| !and) {
            and = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix(escape) {
            let r = r.trim_start_matches([' ', '\t', '\r']);
            rest = r.strip_prefix('\n').unwrap_or(r);
            if rest.len() == r.len() {
                return false;
            }
        } else {
            return false;
        }
    }
}

/// Whether every `--mount` of the `RUN` has an absolute target.
fn mounts_are_absolute(inst: &crate::syntax::Instruction) -> bool {
    inst.flags
        .iter()
        .filter(|f| f.name.eq_ignore_ascii_case("mount"))
        .all(|f| {
            let fields = crate::model::stages::mount_fields(f.value.as_deref().unwrap_or(""));
            fields
                .iter()
                .rev()
                .find(|(k, _)| {
                    ["target", "dst", "destination"].contains(&k.to_ascii_lowercase().as_str())
                })
                .and_then(|(_, v)| v.as_deref())
                .is_some_and(|t| t.starts_with('/'))
        })
}

/// Whether no instruction after `index` sees the working directory the fix
/// leaves: the next one of the stage that depends on it is a `WORKDIR` to
/// an absolute path. A `RUN`, a `COPY`/`ADD` to a relative destination or a
/// relative `WORKDIR` depends on it; so does the image (and any stage built
/// on it) when the stage ends first.
fn unseen_later(cx: &Context<'_>, index: usize) -> bool {
    let Some(stage) = cx.model.stage_of.get(index).copied().flatten() else {
        return false;
    };
    let absolute = |w: &str| w.starts_with('/') && !w.contains('$');
    for i in later_instructions(cx, index) {
        if cx.model.stage_of.get(i).copied().flatten() != Some(stage) {
            break;
        }
        let inst = &cx.file.instructions[i];
        match (inst.keyword, &inst.args) {
            (Keyword::Workdir, Args::Text(w)) => return absolute(&w.value),
            (Keyword::Run | Keyword::Workdir, _) => return false,
            (Keyword::Copy | Keyword::Add, Args::Words(ws) | Args::Exec(ws))
                if ws.last().is_some_and(|w| absolute(&w.value)) => {}
            (Keyword::Volume, Args::Words(ws) | Args::Exec(ws))
                if ws.iter().all(|w| absolute(&w.value)) => {}
            (Keyword::Copy | Keyword::Add | Keyword::Volume, _) => return false,
            _ => {}
        }
    }
    false
}
