//! `FROM --platform=$TARGETPLATFORM`, which is what `FROM` does anyway.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::expand::Lexer;
use crate::model::stages::PLATFORM_ARGS;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Span;
use std::collections::HashMap;

/// The rule.
pub struct RedundantTargetPlatform;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW207",
    name: "redundant-target-platform",
    category: Category::Security,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3065"],
    buildkit: &["RedundantTargetPlatform"],
    default_enabled: true,
    summary: "`FROM --platform=$TARGETPLATFORM` is the default",
    doc: include_str!("../../../rules/redundant-target-platform.md"),
};

impl Rule for RedundantTargetPlatform {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let lexer = Lexer::new(cx.model.escape);
        for (stage, flag, raw) in super::from_platforms(cx) {
            // The global ARGs declared before this FROM, and the platform
            // ARGs with placeholder values (BuildKit knows the real ones).
            let mut env: HashMap<String, String> = cx
                .model
                .global_args
                .iter()
                .filter(|v| v.instruction < stage.from)
                .filter_map(|v| Some((v.name.clone(), v.value.clone()?)))
                .collect();
            for name in PLATFORM_ARGS {
                env.insert(name.to_string(), format!("<{name}>"));
            }
            let Ok(expanded) = lexer.expand_word(raw, &env) else {
                continue;
            };
            // Only `$TARGETPLATFORM` and nothing else: a default that is
            // used, or a second variable, makes the value something else.
            if expanded.used != ["TARGETPLATFORM"]
                || !expanded.unset.is_empty()
                || Some(&expanded.value) != env.get("TARGETPLATFORM")
            {
                continue;
            }
            let mut d = cx.diag(
                &META,
                flag.span,
                format!(
                    "`--platform={raw}` is redundant: FROM uses the target platform by default"
                ),
            );
            // Remove the flag and the blanks after it, when the line goes on.
            let after = &cx.source[flag.span.end..];
            let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
            let next = after[blanks..].chars().next();
            if blanks > 0 && next.is_some_and(|c| c != '\n' && c != '\r' && c != cx.model.escape) {
                d.fix = Some(Fix::new(
                    "Remove `--platform`",
                    Applicability::Safe,
                    vec![Edit {
                        span: Span::new(flag.span.start, flag.span.end + blanks),
                        replacement: String::new(),
                    }],
                ));
            }
            out.push(d);
        }
    }
}
