//! An `ENV` value referring to a variable set by the same `ENV`.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rules::correctness::{declared_before, ref_span, var_refs};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct EnvRefersToSameStatement;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW114",
    name: "env-refers-to-same-statement",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL3044"],
    buildkit: &[],
    default_enabled: true,
    summary: "an `ENV` value uses a variable that the same `ENV` defines",
    doc: include_str!("../../../rules/env-refers-to-same-statement.md"),
};

impl Rule for EnvRefersToSameStatement {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in cx.instructions() {
            let (Keyword::Env, Args::Pairs(pairs)) = (inst.keyword, &inst.args) else {
                continue;
            };
            if pairs.len() < 2 {
                continue;
            }
            let known = declared_before(cx.model, i);
            for (p, kv) in pairs.iter().enumerate() {
                let used: Vec<String> = match cx.model.expand(&kv.value.value, i) {
                    Ok(e) => e.used,
                    Err(_) => var_refs(&kv.value.value, cx.model.escape)
                        .into_iter()
                        .map(|r| r.name)
                        .collect(),
                };
                for name in used {
                    if known.contains(&name) {
                        continue;
                    }
                    let Some(def) = pairs
                        .iter()
                        .enumerate()
                        .find(|(q, other)| *q != p && other.key.value == name)
                        .map(|(_, other)| other)
                    else {
                        continue;
                    };
                    let mut d = cx.diag(
                        &META,
                        ref_span(cx, &kv.value, &name),
                        format!(
                            "`{name}` is set by this same `ENV`, so it is still unset where `{}` uses it",
                            kv.key.value
                        ),
                    );
                    d.labels.push(Label {
                        span: def.key.span,
                        message: format!("`{name}` is set here"),
                    });
                    d.help = Some(format!("set `{name}` in an earlier `ENV`"));
                    out.push(d);
                }
            }
        }
    }
}
