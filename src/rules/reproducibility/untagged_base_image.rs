//! A base image without a tag or digest.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Base;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Args;

/// The rule.
pub struct UntaggedBaseImage;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW601",
    name: "untagged-base-image",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3006"],
    buildkit: &[],
    default_enabled: true,
    summary: "A base image has neither a tag nor a digest",
    doc: include_str!("../../../rules/untagged-base-image.md"),
};

impl Rule for UntaggedBaseImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for stage in &cx.model.stages {
            let Base::Image(image) = &stage.base else {
                continue;
            };
            if image.tag.is_some() || image.digest.is_some() {
                continue;
            }
            let Args::Words(words) = &cx.file.instructions[stage.from].args else {
                continue;
            };
            let Some(word) = words.first() else {
                continue;
            };
            let shown = if stage.base_expanded == stage.base_text {
                format!("`{}`", stage.base_text)
            } else {
                format!("`{}` (`{}`)", stage.base_text, stage.base_expanded)
            };
            out.push(cx.diag(
                &META,
                word.span,
                format!("{shown} has no tag: the build takes whatever `latest` is that day"),
            ));
        }
    }
}
