//! `ONBUILD` triggering `ONBUILD`, `FROM` or `MAINTAINER`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct OnbuildForbiddenTrigger;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW113",
    name: "onbuild-forbidden-trigger",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL3043"],
    buildkit: &[],
    default_enabled: true,
    summary: "`ONBUILD` triggers `ONBUILD`, `FROM` or `MAINTAINER`",
    doc: include_str!("../../../rules/onbuild-forbidden-trigger.md"),
};

impl Rule for OnbuildForbiddenTrigger {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions() {
            let Args::Onbuild(inner) = &inst.args else {
                continue;
            };
            let message = match inner.keyword {
                Keyword::Onbuild => "`ONBUILD ONBUILD` is not allowed: triggers cannot be chained",
                Keyword::From => "`FROM` cannot be an `ONBUILD` trigger",
                Keyword::Maintainer => "`MAINTAINER` cannot be an `ONBUILD` trigger",
                _ => continue,
            };
            out.push(cx.diag(&META, inner.keyword_span, message));
        }
    }
}
