//! `MAINTAINER` is deprecated.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct MaintainerDeprecated;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW501",
    name: "maintainer-deprecated",
    category: Category::Style,
    severity: Severity::Error,
    fix: FixKind::Safe,
    hadolint: &["DL4000"],
    buildkit: &["MaintainerDeprecated"],
    default_enabled: true,
    summary: "`MAINTAINER` is deprecated; use a label",
    doc: include_str!("../../../rules/maintainer-deprecated.md"),
};

impl Rule for MaintainerDeprecated {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions_of(Keyword::Maintainer) {
            let mut d = cx.diag(
                &META,
                inst.span,
                "MAINTAINER is deprecated; record the author in a label",
            );
            // Only a plain, one-line, top-level MAINTAINER is rewritten.
            if let (Keyword::Maintainer, Args::Text(who)) = (inst.keyword, &inst.args)
                && !cx.text(inst.span).contains('\n')
            {
                let value = who.value.replace('\\', "\\\\").replace('"', "\\\"");
                d.fix = Some(Fix::new(
                    "Replace with `LABEL org.opencontainers.image.authors=...`",
                    Applicability::Safe,
                    vec![Edit {
                        span: inst.span,
                        replacement: format!("LABEL org.opencontainers.image.authors=\"{value}\""),
                    }],
                ));
            }
            out.push(d);
        }
    }
}
