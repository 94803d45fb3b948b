//! A pipeline in a `RUN` whose shell does not have `pipefail` set.

use super::{for_each_script, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Base;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword, Span};

/// The rule.
pub struct PipeWithoutPipefail;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW322",
    name: "pipe-without-pipefail",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL4006"],
    buildkit: &[],
    default_enabled: true,
    summary: "A pipe in `RUN` without `pipefail` hides failures on its left",
    doc: include_str!("../../../rules/pipe-without-pipefail.md"),
};

/// The exec form of the `SHELL` in force at instruction `index`: the last
/// one before it in its stage, or else in the stage it is built from.
fn shell_at(cx: &Context<'_>, index: usize) -> Option<Vec<String>> {
    let mut stage = cx.model.stage_of.get(index).copied().flatten();
    let mut before = index;
    let mut depth = 0;
    while let Some(s) = stage {
        let st = &cx.model.stages[s];
        let found = st
            .instructions
            .iter()
            .copied()
            .filter(|&i| i < before)
            .rev()
            .find_map(|i| {
                let inst = &cx.file.instructions[i];
                match (&inst.keyword, &inst.args) {
                    (Keyword::Shell, Args::Exec(words)) => {
                        Some(words.iter().map(|w| w.value.to_string()).collect())
                    }
                    _ => None,
                }
            });
        if found.is_some() {
            return found;
        }
        stage = match st.base {
            Base::Stage(p) if p < s && depth < 64 => Some(p),
            _ => None,
        };
        before = usize::MAX;
        depth += 1;
    }
    None
}

impl Rule for PipeWithoutPipefail {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            let mut first: Option<Span> = None;
            for_each_script(cx, i, |script| {
                if first.is_none() && !script.sets_pipefail {
                    first = script.pipelines.first().map(|p| p.span);
                }
            });
            let Some(span) = first else {
                continue;
            };
            if shell_at(cx, i).is_some_and(|sh| crate::shell::shell_sets_pipefail(&sh)) {
                continue;
            }
            out.push(cx.diag(
                &META,
                span,
                "without `set -o pipefail`, a failure on the left of this pipe does not fail the build",
            ));
        }
    }
}
