//! An image without a `HEALTHCHECK`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Base;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct MissingHealthcheck;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW512",
    name: "missing-healthcheck",
    category: Category::Style,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &["DL3057"],
    buildkit: &[],
    default_enabled: false,
    summary: "No `HEALTHCHECK` in an image",
    doc: include_str!("../../../rules/missing-healthcheck.md"),
};

impl Rule for MissingHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let stages = &cx.model.stages;
        let parent = |i: usize| match stages[i].base {
            Base::Stage(p) if p < i => Some(p),
            _ => None,
        };
        let own: Vec<bool> = stages
            .iter()
            .map(|s| {
                s.instructions
                    .iter()
                    .any(|&i| cx.file.instructions[i].keyword == Keyword::Healthcheck)
            })
            .collect();
        // Good: has one, inherits one, or is the base of a stage that has one.
        let mut good = vec![false; stages.len()];
        for i in 0..stages.len() {
            good[i] = own[i] || parent(i).is_some_and(|p| own_or_inherited(&own, &parent, p));
        }
        for (j, _) in own.iter().enumerate().filter(|(_, o)| **o) {
            let mut p = parent(j);
            while let Some(pi) = p {
                good[pi] = true;
                p = parent(pi);
            }
        }
        for (i, stage) in stages.iter().enumerate() {
            if !good[i] {
                out.push(cx.diag(
                    &META,
                    cx.file.instructions[stage.from].span,
                    "this image has no HEALTHCHECK",
                ));
            }
        }
    }
}

/// Whether stage `i` or one it is built on has a `HEALTHCHECK`.
fn own_or_inherited(own: &[bool], parent: &dyn Fn(usize) -> Option<usize>, i: usize) -> bool {
    let mut s = Some(i);
    while let Some(si) = s {
        if own[si] {
            return true;
        }
        s = parent(si);
    }
    false
}
