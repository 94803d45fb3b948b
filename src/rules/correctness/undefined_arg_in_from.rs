//! A `FROM` using a variable that is not a global `ARG`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::expand::Lexer;
use crate::model::stages::PLATFORM_ARGS;
use crate::rules::correctness::{flag_value_word, ref_span, suggest, var_refs};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Word};
use std::collections::{HashMap, HashSet};

/// The rule.
pub struct UndefinedArgInFrom;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW117",
    name: "undefined-arg-in-from",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &["UndefinedArgInFrom"],
    default_enabled: true,
    summary: "`FROM` uses a variable that is not declared by a global `ARG`",
    doc: include_str!("../../../rules/undefined-arg-in-from.md"),
};

impl Rule for UndefinedArgInFrom {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut declared: HashSet<&str> = PLATFORM_ARGS.into_iter().collect();
        declared.extend(cx.model.global_args.iter().map(|v| v.name.as_str()));
        // Every declared name has some value here, so that only undeclared
        // names are reported as looked up and missing.
        let env: HashMap<String, String> = declared
            .iter()
            .map(|n| (n.to_string(), String::new()))
            .collect();
        let lexer = Lexer::new(cx.model.escape);
        for stage in &cx.model.stages {
            let inst = &cx.file.instructions[stage.from];
            let mut words: Vec<Word> = Vec::new();
            if let Args::Words(w) = &inst.args
                && let Some(base) = w.first()
            {
                words.push(base.clone());
            }
            if let Some(platform) = inst.flag("platform").and_then(|f| flag_value_word(cx, f)) {
                words.push(platform);
            }
            for word in &words {
                let unset = match lexer.expand_word(&word.value, &env) {
                    Ok(e) => e.unset,
                    Err(_) => var_refs(&word.value, cx.model.escape)
                        .into_iter()
                        .map(|r| r.name)
                        .filter(|n| !declared.contains(n.as_str()))
                        .collect(),
                };
                let mut seen = HashSet::new();
                for name in unset {
                    if !seen.insert(name.clone()) {
                        continue;
                    }
                    let mut message =
                        format!("`{name}` is not declared by an `ARG` before the first `FROM`");
                    if let Some(s) = suggest(&name, declared.iter().copied()) {
                        message.push_str(&format!(" (did you mean `{s}`?)"));
                    }
                    let mut d = cx.diag(&META, ref_span(cx, word, &name), message);
                    let in_stage = cx
                        .model
                        .stages
                        .iter()
                        .any(|s| s.vars.iter().any(|v| v.name == name));
                    d.help = Some(if in_stage {
                        format!(
                            "`{name}` is declared inside a stage, which `FROM` lines cannot see; declare `ARG {name}` at the top of the file"
                        )
                    } else {
                        format!(
                            "declare `ARG {name}` at the top of the file, before the first `FROM`"
                        )
                    });
                    out.push(d);
                }
            }
        }
    }
}
