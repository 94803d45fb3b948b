//! `COPY --from` naming the stage it is in.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rules::correctness::flag_value_word;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct CopyFromOwnStage;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW110",
    name: "copy-from-own-stage",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL3023"],
    buildkit: &[],
    default_enabled: true,
    summary: "`COPY --from` names the stage it is in",
    doc: include_str!("../../../rules/copy-from-own-stage.md"),
};

impl Rule for CopyFromOwnStage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in cx.instructions() {
            if inst.keyword != Keyword::Copy {
                continue;
            }
            let Some(s) = cx.model.stage_of.get(i).copied().flatten() else {
                continue;
            };
            let stage = &cx.model.stages[s];
            let Some(word) = inst.flag("from").and_then(|f| flag_value_word(cx, f)) else {
                continue;
            };
            // BuildKit takes the value as written (it does not expand variables).
            let target = word.value.as_str();
            let by_name = stage
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(target));
            let by_index = target.parse::<usize>().ok() == Some(s);
            if !(by_name || by_index) {
                continue;
            }
            let mut d = cx.diag(
                &META,
                word.span,
                format!("`COPY --from={target}` copies from the stage it is part of"),
            );
            d.labels.push(Label {
                span: stage
                    .name_span
                    .unwrap_or(cx.file.instructions[stage.from].keyword_span),
                message: "the current stage".into(),
            });
            d.help = Some("copy from an earlier stage, or use a plain `COPY` or `RUN cp`".into());
            out.push(d);
        }
    }
}
