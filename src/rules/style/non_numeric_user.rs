//! A `USER` given by name rather than by numeric id.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct NonNumericUser;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW506",
    name: "non-numeric-user",
    category: Category::Style,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &["DL3066"],
    buildkit: &[],
    default_enabled: true,
    summary: "`USER` names a user instead of a numeric id",
    doc: include_str!("../../../rules/non-numeric-user.md"),
};

impl Rule for NonNumericUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in cx.instructions() {
            let (Keyword::User, Args::Text(word)) = (inst.keyword, &inst.args) else {
                continue;
            };
            // Windows users have no numeric ids.
            if super::in_windows_stage(cx, i) {
                continue;
            }
            let user = match cx.model.expand(&word.value, i) {
                Ok(e) if e.unset.is_empty() => e.value,
                // Only known at build time.
                Ok(_) => continue,
                Err(_) => word.value.to_string(),
            };
            let uid = user.split(':').next().unwrap_or("");
            if uid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            out.push(cx.diag(
                &META,
                word.span,
                format!(
                    "USER `{uid}` is a name: a host or orchestrator that checks for a non-root user cannot resolve it"
                ),
            ));
        }
    }
}
