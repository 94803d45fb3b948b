//! An `ARG` that changes on every build (`BUILD_DATE`, `GIT_COMMIT`...)
//! declared before an expensive `RUN` that does not use it.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
use crate::model::VarKind;
use crate::rules::cache::{for_each_command, whole_lines};
use crate::rules::correctness::var_refs;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::{builds, packages};
use crate::syntax::{Args, Keyword, Span};

/// The rule.
pub struct VolatileArgBeforeExpensiveStep;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW325",
    name: "volatile-arg-before-expensive-step",
    category: Category::Cache,
    severity: Severity::Info,
    fix: FixKind::Unsafe,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "An `ARG` that changes on every build declared before an expensive `RUN`",
    doc: include_str!("../../../rules/volatile-arg-before-expensive-step.md"),
};

/// Names that say the value changes with every build or commit, also as
/// the end of a longer name (`APP_GIT_COMMIT`, `LOCALSTACK_BUILD_DATE`).
const VOLATILE: &[&str] = &[
    "BUILD_DATE",
    "BUILDDATE",
    "BUILD_TIME",
    "BUILD_TIMESTAMP",
    "BUILD_NUMBER",
    "BUILD_ID",
    "GIT_COMMIT",
    "GIT_SHA",
    "GIT_HASH",
    "GIT_REVISION",
    "COMMIT_SHA",
    "COMMIT_HASH",
    "VCS_REF",
    "SOURCE_COMMIT",
    "CACHEBUST",
    "CACHE_BUST",
];

/// Names that say so only on their own, and only without a default that
/// looks like a fixed version (`ARG VERSION=1.4.2` pins a tool).
const VOLATILE_ALONE: &[&str] = &[
    "COMMIT",
    "REVISION",
    "TIMESTAMP",
    "VERSION",
    "APP_VERSION",
    "RELEASE",
];

/// Whether an `ARG` named `name`, with default `default`, changes on every
/// build.
pub(crate) fn is_volatile(name: &str, default: Option<&str>) -> bool {
    let upper = name.to_ascii_uppercase();
    if VOLATILE
        .iter()
        .any(|v| upper == *v || upper.ends_with(&format!("_{v}")))
    {
        return true;
    }
    VOLATILE_ALONE.contains(&upper.as_str())
        && !default.is_some_and(|d| {
            let d = d.strip_prefix(['v', 'V']).unwrap_or(d);
            d.starts_with(|c: char| c.is_ascii_digit())
        })
}

/// What makes a `RUN` expensive, for people (`apt-get install`), if it is.
fn expensive(cx: &Context<'_>, index: usize) -> Option<String> {
    let mut what = None;
    for_each_command(cx, index, |cmd| {
        if what.is_some() {
            return;
        }
        what = if let Some(i) = packages::install(cmd) {
            Some(format!("{} {}", i.manager.as_str(), i.subcommand.value))
        } else if let Some(m) = packages::is_update(cmd) {
            Some(format!("{} update", m.as_str()))
        } else if let Some(d) = builds::dependency_install(cmd) {
            Some(d.tool.to_string())
        } else if let Some(b) = builds::build_step(cmd) {
            Some(b.what)
        } else if packages::downloader(cmd).is_some()
            || (cmd.basename() == Some("git")
                && cmd.args.first().is_some_and(|w| w.value == "clone"))
        {
            Some(format!("`{}` download", cmd.basename().unwrap_or("")))
        } else {
            None
        };
    });
    what
}

/// Whether instruction `index` refers to variable `name`.
fn refers_to(cx: &Context<'_>, index: usize, name: &str) -> bool {
    let inst = &cx.file.instructions[index];
    var_refs(cx.text(inst.span), cx.model.escape)
        .iter()
        .any(|r| r.name == name)
}

impl Rule for VolatileArgBeforeExpensiveStep {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for stage in &cx.model.stages {
            for var in stage.vars.iter().filter(|v| v.kind == VarKind::Arg) {
                let arg = var.instruction;
                if cx.file.instructions[arg].keyword != Keyword::Arg
                    || !is_volatile(&var.name, var.value.as_deref())
                {
                    continue;
                }
                let later: Vec<usize> = stage
                    .instructions
                    .iter()
                    .copied()
                    .filter(|&i| i > arg)
                    .collect();
                // Another `ARG` of the name starts a new declaration.
                let end = later
                    .iter()
                    .position(|&i| {
                        stage
                            .vars
                            .iter()
                            .any(|v| v.instruction == i && v.name == var.name)
                    })
                    .unwrap_or(later.len());
                let later = &later[..end];
                let first_ref = later.iter().copied().find(|&i| refers_to(cx, i, &var.name));
                // From the first `RUN` that uses the value on, or an `ENV`
                // that passes it on (any later `RUN` may read it), there is
                // nothing to gain.
                let needed_from = later.iter().copied().find(|&i| {
                    matches!(cx.file.instructions[i].keyword, Keyword::Run | Keyword::Env)
                        && refers_to(cx, i, &var.name)
                });
                let Some((run, what)) = later
                    .iter()
                    .copied()
                    .take_while(|&i| Some(i) != needed_from)
                    .filter(|&i| {
                        cx.file.instructions[i].keyword == Keyword::Run
                            && !refers_to(cx, i, &var.name)
                    })
                    .find_map(|i| expensive(cx, i).map(|w| (i, w)))
                else {
                    continue;
                };
                let run_inst = &cx.file.instructions[run];
                let mut d = cx.diag(
                    &META,
                    var.span,
                    format!(
                        "`{}` changes with every build, and every `RUN` after this `ARG` has it in its environment: the `{what}` on line {} runs again each time although it does not use it",
                        var.name, run_inst.start_line
                    ),
                );
                d.labels.push(Label {
                    span: run_inst.keyword_span,
                    message: "runs again whenever the value changes".to_string(),
                });
                match first_ref {
                    Some(r) if r < run => {
                        let inst = &cx.file.instructions[r];
                        d.labels.push(Label {
                            span: inst.keyword_span,
                            message: format!("uses `{}`", var.name),
                        });
                        d.help = Some(format!(
                            "move this `ARG` and the `{}` that uses it after the expensive steps",
                            inst.keyword.as_str()
                        ));
                    }
                    Some(r) => {
                        d.help = Some(format!(
                            "declare the `ARG` just before its first use, on line {}",
                            cx.file.instructions[r].start_line
                        ));
                        d.fix = fix(cx, arg, r, later);
                    }
                    None => {
                        d.help = Some(
                            "nothing in the stage uses it: declare it where it is needed, or drop it"
                                .to_string(),
                        );
                    }
                }
                out.push(d);
            }
        }
    }
}

/// Move a one-name `ARG` line to just before instruction `to`.
fn fix(cx: &Context<'_>, arg: usize, to: usize, later: &[usize]) -> Option<Fix> {
    let inst = &cx.file.instructions[arg];
    if !matches!(&inst.args, Args::Words(w) if w.len() == 1)
        || later
            .iter()
            .take_while(|&&i| i < to)
            .any(|&i| cx.file.instructions[i].keyword == Keyword::Onbuild)
    {
        return None;
    }
    let from = whole_lines(cx, inst)?;
    let target = whole_lines(cx, &cx.file.instructions[to])?;
    let text = cx.source[from.start..from.end].to_string();
    if !text.ends_with('\n') {
        return None;
    }
    Some(Fix::new(
        format!("Move `{}` to just before its first use", cx.text(inst.span)),
        Applicability::Unsafe,
        vec![
            Edit {
                span: from,
                replacement: String::new(),
            },
            Edit {
                span: Span::new(target.start, target.start),
                replacement: text,
            },
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::is_volatile;

    #[test]
    fn tells_volatile_names() {
        for yes in [
            ("BUILD_DATE", None),
            ("vcs_ref", None),
            ("LOCALSTACK_BUILD_GIT_HASH", None),
            ("GIT_COMMIT", Some("unknown")),
            ("VERSION", None),
            ("VERSION", Some("dev")),
        ] {
            assert!(is_volatile(yes.0, yes.1), "{yes:?}");
        }
        for no in [
            ("NODE_VERSION", None),
            ("VERSION", Some("1.2.3")),
            ("RELEASE", Some("v2")),
            ("GOLANG_COMMIT", Some("abc")),
            ("DEBIAN_RELEASE", None),
        ] {
            assert!(!is_volatile(no.0, no.1), "{no:?}");
        }
    }
}
