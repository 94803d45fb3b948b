//! An image pulled from a registry that is not in `trusted-registries`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::image::ImageRef;
use crate::model::{Base, DepTarget};
use crate::rules::options::registry_matches;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Span};

/// The rule.
pub struct UntrustedRegistry;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW202",
    name: "untrusted-registry",
    category: Category::Security,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL3026"],
    buildkit: &[],
    default_enabled: true,
    summary: "An image comes from a registry that is not trusted",
    doc: include_str!("../../../rules/untrusted-registry.md"),
};

/// The registry of `image` if no trusted-registry pattern allows it.
fn untrusted<'r>(patterns: &[String], image: &'r ImageRef) -> Option<&'r str> {
    let allowed = |reg: &str| patterns.iter().any(|p| registry_matches(p, reg));
    match image.registry.as_deref() {
        Some(reg) => (!allowed(reg)).then_some(reg),
        None if image.is_scratch() => None,
        // Docker Hub, known by either name.
        None => (!allowed("docker.io") && !allowed("hub.docker.com")).then_some("docker.io"),
    }
}

impl Rule for UntrustedRegistry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let patterns = &cx.options.trusted_registries;
        if patterns.is_empty() {
            return;
        }
        let mut report = |span: Span, image: &ImageRef| {
            if let Some(reg) = untrusted(patterns, image) {
                out.push(cx.diag(
                    &META,
                    span,
                    format!("`{image}` comes from `{reg}`, which is not a trusted registry"),
                ));
            }
        };
        for stage in &cx.model.stages {
            let from = &cx.file.instructions[stage.from];
            if let (Base::Image(image), Args::Words(words)) = (&stage.base, &from.args)
                && let Some(w) = words.first()
            {
                report(w.span, image);
            }
            for dep in &stage.deps {
                if let DepTarget::Image(name) = &dep.target
                    && let Ok(image) = ImageRef::parse(name)
                {
                    report(dep.span, &image);
                }
            }
        }
    }
}
