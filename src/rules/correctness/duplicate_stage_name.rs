//! Two stages with the same name.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use std::collections::HashMap;

/// The rule.
pub struct DuplicateStageName;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW111",
    name: "duplicate-stage-name",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL3024"],
    buildkit: &["DuplicateStageName"],
    default_enabled: true,
    summary: "two stages have the same name",
    doc: include_str!("../../../rules/duplicate-stage-name.md"),
};

impl Rule for DuplicateStageName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for stage in &cx.model.stages {
            let (Some(name), Some(span)) = (stage.name.as_deref(), stage.name_span) else {
                continue;
            };
            match first.get(name) {
                None => {
                    first.insert(name, stage.index);
                }
                Some(&earlier) => {
                    let mut d = cx.diag(
                        &META,
                        span,
                        format!("stage name `{name}` is already used by stage {earlier}"),
                    );
                    if let Some(prev) = cx.model.stages[earlier].name_span {
                        d.labels.push(Label {
                            span: prev,
                            message: "first used here".into(),
                        });
                    }
                    d.help = Some("give every stage a distinct name (names ignore case)".into());
                    out.push(d);
                }
            }
        }
    }
}
