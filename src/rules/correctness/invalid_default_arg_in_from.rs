//! A base image that is invalid with the default values of the global `ARG`s.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::expand::Lexer;
use crate::model::image::ImageRef;
use crate::rules::correctness::global_defaults;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Args;

/// The rule.
pub struct InvalidDefaultArgInFrom;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW118",
    name: "invalid-default-arg-in-from",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &["InvalidDefaultArgInFrom"],
    default_enabled: true,
    summary: "with default `ARG` values, a `FROM` names an empty or invalid image",
    doc: include_str!("../../../rules/invalid-default-arg-in-from.md"),
};

impl Rule for InvalidDefaultArgInFrom {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let lexer = Lexer::new(cx.model.escape);
        let mut env = None;
        for stage in &cx.model.stages {
            let Args::Words(words) = &cx.file.instructions[stage.from].args else {
                continue;
            };
            let Some(base) = words.first() else {
                continue;
            };
            if !base.value.contains('$') {
                continue;
            }
            let env = env.get_or_insert_with(|| global_defaults(cx, true));
            let Ok(expanded) = lexer.expand_word(&base.value, &*env) else {
                continue;
            };
            if expanded.used.is_empty() {
                continue;
            }
            let name = expanded.value;
            let problem = if name.is_empty() {
                "an empty image name".to_string()
            } else {
                match ImageRef::parse(&name) {
                    Ok(_) => continue,
                    Err(e) => format!("`{name}`, which is not a valid image name ({e})"),
                }
            };
            let mut d = cx.diag(
                &META,
                base.span,
                format!("without `--build-arg`, this base image is {problem}"),
            );
            d.help = Some("give the `ARG` a default that makes a valid image name".into());
            out.push(d);
        }
    }
}
