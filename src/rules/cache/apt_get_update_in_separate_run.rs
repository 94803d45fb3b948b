//! `apt-get update` in a `RUN` of its own, with the install in a later `RUN`.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
use crate::rules::cache::{for_each_command, whole_lines};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::{self, Manager};
use crate::shell::{Command, Nesting};
use crate::syntax::{Args, Keyword, Span};

/// The rule.
pub struct AptGetUpdateInSeparateRun;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW324",
    name: "apt-get-update-in-separate-run",
    category: Category::Cache,
    severity: Severity::Warning,
    fix: FixKind::Unsafe,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "`apt-get update` in one `RUN`, the install in a later one",
    doc: include_str!("../../../rules/apt-get-update-in-separate-run.md"),
};

fn is_apt(cmd: &Command) -> bool {
    matches!(cmd.basename(), Some("apt-get" | "apt"))
}

fn is_apt_update(cmd: &Command) -> bool {
    matches!(
        packages::is_update(cmd),
        Some(Manager::AptGet | Manager::Apt)
    )
}

fn is_apt_install(cmd: &Command) -> bool {
    packages::install(cmd).is_some_and(|i| matches!(i.manager, Manager::AptGet | Manager::Apt))
}

/// What a `RUN` does with apt, in order: the last update not followed by
/// an install (its span and command text), whether it installs, and
/// whether an update comes before its first install.
#[derive(Default)]
struct AptUse {
    dangling_update: Option<(Span, String)>,
    installs: bool,
    updates_first: bool,
    uses_apt: bool,
}

fn apt_use(cx: &Context<'_>, index: usize) -> AptUse {
    let mut u = AptUse::default();
    let mut updated = false;
    for_each_command(cx, index, |cmd| {
        let name = cmd.basename().unwrap_or("");
        if name.starts_with("apt") || name == "add-apt-repository" {
            u.uses_apt = true;
        }
        if is_apt_update(cmd) {
            updated = true;
            u.dangling_update = Some((cmd.span, command_text(cmd)));
        } else if is_apt_install(cmd) {
            if !u.installs {
                u.updates_first = updated;
            }
            u.installs = true;
            u.dangling_update = None;
        }
    });
    u
}

/// The command as one line of words (continuations dropped).
fn command_text(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .assignments
        .iter()
        .map(|(k, w)| format!("{k}={}", w.raw))
        .collect();
    parts.extend(cmd.name.iter().chain(&cmd.args).map(|w| w.raw.to_string()));
    parts.join(" ")
}

impl Rule for AptGetUpdateInSeparateRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::AptGet, Manager::Apt]) {
            return;
        }
        for stage in &cx.model.stages {
            let runs: Vec<usize> = stage
                .instructions
                .iter()
                .copied()
                .filter(|&i| cx.file.instructions[i].keyword == Keyword::Run)
                .collect();
            let uses: Vec<AptUse> = runs.iter().map(|&i| apt_use(cx, i)).collect();
            for (k, u) in uses.iter().enumerate() {
                let Some((span, text)) = &u.dangling_update else {
                    continue;
                };
                let Some(later) = (k + 1..runs.len()).find(|&l| uses[l].installs) else {
                    continue;
                };
                if uses[later].updates_first {
                    continue;
                }
                let install_line = cx.file.instructions[runs[later]].start_line;
                let mut d = cx.diag(
                    &META,
                    *span,
                    format!(
                        "`{text}` runs in a `RUN` without an install: the package lists it downloads are cached with the layer, and the install on line {install_line} uses them however old they get"
                    ),
                );
                d.labels.push(Label {
                    span: cx.file.instructions[runs[later]].keyword_span,
                    message: "installs from the cached lists".to_string(),
                });
                d.help = Some(
                    "update and install in the same `RUN`: `RUN apt-get update && apt-get install -y ...`"
                        .to_string(),
                );
                let between_quiet = uses[k + 1..later].iter().all(|b| !b.uses_apt);
                if between_quiet {
                    d.fix = fix(cx, runs[k], runs[later], text);
                }
                out.push(d);
            }
        }
    }
}

/// Delete a `RUN` that is nothing but the update and put the update in
/// front of the first apt command of the installing `RUN`.
fn fix(cx: &Context<'_>, update_run: usize, install_run: usize, update: &str) -> Option<Fix> {
    let u = &cx.file.instructions[update_run];
    if !u.flags.is_empty() || !u.heredocs.is_empty() || !matches!(u.args, Args::Text(_)) {
        return None;
    }
    let script = cx.script(update_run)?;
    if script.error.is_some()
        || script.commands.len() != 1
        || !is_apt_update(&script.commands[0])
        || !script.commands[0].redirects.is_empty()
    {
        return None;
    }
    let delete = whole_lines(cx, u)?;
    let inst = &cx.file.instructions[install_run];
    if !inst.heredocs.is_empty() {
        return None;
    }
    let target = cx.script(install_run)?;
    if target.error.is_some() {
        return None;
    }
    let first = target.commands.iter().find(|c| is_apt(c))?;
    let in_pipe_tail = first
        .pipeline
        .is_some_and(|p| first.stage > 0 || target.pipelines[p].span.start != first.span.start);
    if first.nesting != Nesting::Top || first.condition || in_pipe_tail {
        return None;
    }
    // The command must start where the file says it does.
    let written = match (first.assignments.first(), &first.name) {
        (Some((k, _)), _) => format!("{k}="),
        (None, Some(name)) => name.raw.to_string(),
        (None, None) => return None,
    };
    if !cx.source[first.span.start..].starts_with(&written) {
        return None;
    }
    Some(Fix::new(
        format!("Move `{update}` into the `RUN` that installs"),
        Applicability::Unsafe,
        vec![
            Edit {
                span: delete,
                replacement: String::new(),
            },
            Edit {
                span: Span::new(first.span.start, first.span.start),
                replacement: format!("{update} && "),
            },
        ],
    ))
}
