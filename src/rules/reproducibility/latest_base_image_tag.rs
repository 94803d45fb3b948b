//! A base image tagged `latest`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Base;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Args;

/// The rule.
pub struct LatestBaseImageTag;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW602",
    name: "latest-base-image-tag",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3007"],
    buildkit: &[],
    default_enabled: true,
    summary: "A base image is tagged `latest`",
    doc: include_str!("../../../rules/latest-base-image-tag.md"),
};

impl Rule for LatestBaseImageTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for stage in &cx.model.stages {
            let Base::Image(image) = &stage.base else {
                continue;
            };
            // A digest pins the image whatever the tag says.
            if image.tag.as_deref() != Some("latest") || image.digest.is_some() {
                continue;
            }
            let Args::Words(words) = &cx.file.instructions[stage.from].args else {
                continue;
            };
            let Some(word) = words.first() else {
                continue;
            };
            out.push(cx.diag(
                &META,
                word.span,
                format!(
                    "`{}` uses the `latest` tag, which moves whenever a new version is pushed; pin a release tag",
                    stage.base_expanded
                ),
            ));
        }
    }
}
