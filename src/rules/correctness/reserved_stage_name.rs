//! A stage named with a reserved word.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct ReservedStageName;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW112",
    name: "reserved-stage-name",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3063"],
    buildkit: &["ReservedStageName"],
    default_enabled: true,
    summary: "a stage is named `scratch` or `context`",
    doc: include_str!("../../../rules/reserved-stage-name.md"),
};

/// The names BuildKit gives a meaning of its own.
pub const RESERVED: [&str; 2] = ["scratch", "context"];

impl Rule for ReservedStageName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for stage in &cx.model.stages {
            let (Some(name), Some(span)) = (stage.name.as_deref(), stage.name_span) else {
                continue;
            };
            if RESERVED.contains(&name) {
                out.push(cx.diag(
                    &META,
                    span,
                    format!("`{name}` is a reserved word and should not name a stage"),
                ));
            }
        }
    }
}
