//! An `EXPOSE` protocol that is not lowercase.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::correctness::{expose_specs, sub_span};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct ExposeProtocolNotLowercase;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW104",
    name: "expose-protocol-not-lowercase",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &[],
    buildkit: &["ExposeProtoCasing"],
    default_enabled: true,
    summary: "the protocol of an `EXPOSE` port is not lowercase",
    doc: include_str!("../../../rules/expose-protocol-not-lowercase.md"),
};

impl Rule for ExposeProtocolNotLowercase {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in cx.instructions() {
            let (Keyword::Expose, Args::Words(words)) = (inst.keyword, &inst.args) else {
                continue;
            };
            for word in words {
                for (spec, plain) in expose_specs(cx, i, word) {
                    // The protocol follows the first `/` of the container part.
                    let container_start = spec.rfind(':').map_or(0, |c| c + 1);
                    let Some(slash) = spec[container_start..].find('/') else {
                        continue;
                    };
                    let start = container_start + slash + 1;
                    let proto = &spec[start..];
                    if proto == proto.to_ascii_lowercase() {
                        continue;
                    }
                    let lower = proto.to_ascii_lowercase();
                    let span = if plain {
                        sub_span(cx, word, start, spec.len())
                    } else {
                        word.span
                    };
                    let mut d = cx.diag(
                        &META,
                        span,
                        format!("protocol `{proto}` should be written in lowercase: `{lower}`"),
                    );
                    if plain && span != word.span {
                        d.fix = Some(Fix::new(
                            format!("Write `{lower}`"),
                            Applicability::Safe,
                            vec![Edit {
                                span,
                                replacement: lower,
                            }],
                        ));
                    }
                    out.push(d);
                }
            }
        }
    }
}
