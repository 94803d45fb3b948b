//! A Dockerfile that compiles or bundles software in the stage it ships.

use super::{is_package_removal, shipping_runs};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::rules::cache::for_each_command;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::builds::{BuildStep, build_step};
use crate::split;
use crate::syntax::Span;

/// The rule.
pub struct SingleStageBuild;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW424",
    name: "single-stage-build",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::Unsafe,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "Software is compiled or bundled in the stage that ships, with no separate build stage",
    doc: include_str!("../../../rules/single-stage-build.md"),
};

impl Rule for SingleStageBuild {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // A build that already takes something from another stage is
        // multi-stage in effect.
        if cx.needed != cx.ships || cx.target.is_none() {
            return;
        }
        let mut first: Option<(BuildStep, Span)> = None;
        for (i, _) in shipping_runs(cx) {
            let mut step = None;
            let mut removes_packages = false;
            for_each_command(cx, i, |cmd| {
                removes_packages |= is_package_removal(cmd);
                if step.is_none()
                    && let Some(s) = build_step(cmd)
                {
                    step = Some((s, cmd.span));
                }
            });
            // Build, install and remove the build dependencies in one RUN (as
            // the official images do): nothing of the toolchain stays.
            if removes_packages {
                continue;
            }
            if step.is_some() {
                first = step;
                break;
            }
        }
        let Some((step, span)) = first else {
            return;
        };
        let d = cx.diag(
            &META,
            span,
            format!(
                "`{}` builds {} software in the stage that ships: the toolchain, the sources and \
                 the intermediate files stay in the image; build in a separate stage and copy \
                 only the result into a small runtime stage",
                step.what,
                step.ecosystem.as_str()
            ),
        );
        out.push(match rewrite(cx) {
            Some(fix) => crate::rules::with_fix(d, fix),
            None => d,
        });
    }
}

/// The multi-stage rewrite of a single-stage file, as minimal edits; `None`
/// when the file has more than one stage or the rewrite declines.
fn rewrite(cx: &Context<'_>) -> Option<Fix> {
    if cx.model.stages.len() != 1 {
        return None;
    }
    let scripts: Vec<&[crate::shell::Script]> = (0..cx.file.instructions.len())
        .map(|i| cx.instruction_scripts(i))
        .collect();
    let input = split::Input {
        source: cx.source,
        file: cx.file,
        model: cx.model,
        scripts: &scripts,
    };
    let options = split::Options {
        context: cx.context,
    };
    let s = split::split_parsed(&input, &options).ok()?;
    Some(Fix::new(
        format!(
            "Split into a builder stage and a {} runtime stage",
            s.runtime_image
        ),
        Applicability::Unsafe,
        split::edits(cx.source, &s.text),
    ))
}
