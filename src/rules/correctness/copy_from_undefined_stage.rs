//! `COPY --from` naming no earlier stage.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rules::correctness::{flag_value_word, var_refs};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct CopyFromUndefinedStage;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW109",
    name: "copy-from-undefined-stage",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3022"],
    buildkit: &[],
    default_enabled: true,
    summary: "`COPY --from` names no earlier stage",
    doc: include_str!("../../../rules/copy-from-undefined-stage.md"),
};

impl Rule for CopyFromUndefinedStage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let stages = &cx.model.stages;
        for (i, inst) in cx.instructions() {
            if inst.keyword != Keyword::Copy {
                continue;
            }
            let Some(stage) = cx.model.stage_of.get(i).copied().flatten() else {
                continue;
            };
            let Some(word) = inst.flag("from").and_then(|f| flag_value_word(cx, f)) else {
                continue;
            };
            // BuildKit does not expand variables in `--from`: it stops the build.
            if !var_refs(&word.value, cx.model.escape).is_empty() {
                let mut d = cx.diag(
                    &META,
                    word.span,
                    format!(
                        "`--from={}` uses a variable, which BuildKit does not expand here",
                        word.value
                    ),
                );
                d.help = Some(
                    "declare a stage `FROM <image with the variable> AS <name>` and copy `--from=<name>`"
                        .into(),
                );
                out.push(d);
                continue;
            }
            let target = word.value.to_string();
            // A tag or digest marks an image reference.
            if target.contains(':') || target.is_empty() {
                continue;
            }
            let lower = target.to_ascii_lowercase();
            if stages[..=stage]
                .iter()
                .any(|s| s.name.as_deref() == Some(lower.as_str()))
            {
                continue;
            }
            let index = target.parse::<usize>().ok();
            if index.is_some_and(|n| n <= stage) {
                continue;
            }
            let later = stages[stage + 1..]
                .iter()
                .find(|s| s.name.as_deref() == Some(lower.as_str()) || index == Some(s.index));
            let d = match later {
                Some(s) => {
                    let mut d = cx.diag(
                        &META,
                        word.span,
                        format!("stage `{target}` is defined after this `COPY`"),
                    );
                    d.labels.push(Label {
                        span: s
                            .name_span
                            .unwrap_or(cx.file.instructions[s.from].keyword_span),
                        message: "defined here".into(),
                    });
                    d.help = Some("move the stage before the one that copies from it".into());
                    d
                }
                None if index.is_some() => cx.diag(
                    &META,
                    word.span,
                    format!("there is no stage {target} before this `COPY`"),
                ),
                None => {
                    let mut d = cx.diag(
                        &META,
                        word.span,
                        format!("`{target}` is not the name of an earlier stage"),
                    );
                    d.help = Some(format!(
                        "BuildKit will pull an image called `{target}`; write `{target}:<tag>` if that is what you mean"
                    ));
                    d
                }
            };
            out.push(d);
        }
    }
}
