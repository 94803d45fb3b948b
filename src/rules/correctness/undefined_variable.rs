//! A variable used in an instruction BuildKit expands, but defined nowhere.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::image::ImageRef;
use crate::model::stages::{PLATFORM_ARGS, PROXY_ARGS};
use crate::model::{Base, is_windows_base};
use crate::rules::correctness::{
    ancestors, copy_paths, declared_before, flag_value_word, ref_span, root_stage, sub_span,
    suggest,
};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Instruction, Keyword, Word};
use std::collections::HashSet;

/// The rule.
pub struct UndefinedVariable;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW119",
    name: "undefined-variable",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &["UndefinedVar"],
    default_enabled: true,
    summary: "a variable is used but not defined by `ARG`, `ENV` or the base image",
    doc: include_str!("../../../rules/undefined-variable.md"),
};

/// Official images whose configuration sets no variable but `PATH`.
const PATH_ONLY_IMAGES: [&str; 4] = ["alpine", "busybox", "debian", "ubuntu"];

/// Build arguments BuildKit uses itself and never puts in the environment.
const NON_ENV_ARGS: [&str; 2] = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// What is known of the environment a stage starts with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BaseEnv {
    /// Only `PATH`, which BuildKit always sets (`scratch` and images known to
    /// set nothing else).
    PathOnly,
    /// An image whose variables cannot be known without pulling it.
    Unknown,
}

fn base_env(cx: &Context<'_>, s: usize) -> Option<BaseEnv> {
    let model = cx.model;
    let mut chain = ancestors(model, s);
    chain.push(s);
    if chain.iter().any(|&i| is_windows_base(&model.stages[i])) {
        // Variable names are case-insensitive on Windows, and its images set
        // many; leave them alone.
        return None;
    }
    Some(match &model.stages[root_stage(model, s)].base {
        Base::Scratch => BaseEnv::PathOnly,
        Base::Image(r) if path_only_image(r) => BaseEnv::PathOnly,
        _ => BaseEnv::Unknown,
    })
}

fn path_only_image(r: &ImageRef) -> bool {
    r.is_official() && PATH_ONLY_IMAGES.contains(&r.family().as_str())
}

/// The words of an instruction that BuildKit expands, with for `ARG` the
/// names declared by each word (defaults see the earlier names of the same
/// instruction).
fn expanded_words(cx: &Context<'_>, inst: &Instruction) -> Vec<(Word, Option<String>)> {
    let plain = |w: &Word| (w.clone(), None);
    match (inst.keyword, &inst.args) {
        (Keyword::Add | Keyword::Copy, _) => {
            let mut out: Vec<_> = copy_paths(inst).into_iter().map(plain).collect();
            for name in ["chown", "chmod", "checksum"] {
                if let Some(w) = inst.flag(name).and_then(|f| flag_value_word(cx, f)) {
                    out.push((w, None));
                }
            }
            out
        }
        (Keyword::Env, Args::Pairs(pairs)) => pairs.iter().map(|kv| plain(&kv.value)).collect(),
        (Keyword::Label, Args::Pairs(pairs)) => pairs
            .iter()
            .flat_map(|kv| [plain(&kv.key), plain(&kv.value)])
            .collect(),
        (Keyword::Expose | Keyword::Volume, Args::Words(words) | Args::Exec(words)) => {
            words.iter().map(plain).collect()
        }
        (Keyword::Stopsignal | Keyword::User | Keyword::Workdir, Args::Text(w)) => vec![plain(w)],
        (Keyword::Arg, Args::Words(words)) => words
            .iter()
            .map(|w| match w.value.split_once('=') {
                Some((name, default)) => {
                    let start = name.len() + 1;
                    let word = Word {
                        value: default.into(),
                        span: sub_span(cx, w, start, w.value.len()),
                    };
                    (word, Some(name.to_string()))
                }
                None => (
                    Word {
                        value: "".into(),
                        span: w.span,
                    },
                    Some(w.value.to_string()),
                ),
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl Rule for UndefinedVariable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let globals: HashSet<&str> = cx
            .model
            .global_args
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        for (i, inst) in cx.instructions() {
            let Some(s) = cx.model.stage_of.get(i).copied().flatten() else {
                continue;
            };
            if inst.keyword == Keyword::From {
                continue;
            }
            let words = expanded_words(cx, inst);
            // Only a `$` can refer to a variable; most instructions have none.
            if !words.iter().any(|(w, _)| w.value.contains('$')) {
                continue;
            }
            let Some(env) = base_env(cx, s) else {
                continue;
            };
            let mut known = declared_before(cx.model, i);
            known.insert("PATH".to_string());
            let mut reported = HashSet::new();
            for (word, declares) in words {
                if !word.value.is_empty()
                    && let Ok(expanded) = cx.model.expand(&word.value, i)
                {
                    for name in expanded.used {
                        let undefined = !known.contains(&name)
                            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                            && !PROXY_ARGS.contains(&name.as_str())
                            && !NON_ENV_ARGS.contains(&name.as_str())
                            && (env == BaseEnv::PathOnly
                                || name.bytes().any(|b| b.is_ascii_lowercase())
                                || PLATFORM_ARGS.contains(&name.as_str()));
                        if !undefined || !reported.insert(name.clone()) {
                            continue;
                        }
                        let mut message = format!("`${name}` is not defined at this point");
                        if let Some(s) = suggest(&name, known.iter().map(String::as_str)) {
                            message.push_str(&format!(" (did you mean `${s}`?)"));
                        }
                        let mut d = cx.diag(&META, ref_span(cx, &word, &name), message);
                        d.help = Some(if globals.contains(name.as_str()) {
                            format!(
                                "the global `ARG {name}` is not visible inside a stage; declare `ARG {name}` in this stage"
                            )
                        } else if PLATFORM_ARGS.contains(&name.as_str()) {
                            format!(
                                "declare `ARG {name}` in this stage to use the predefined value"
                            )
                        } else {
                            format!(
                                "declare it with `ARG {name}` or `ENV {name}=...` before this line"
                            )
                        });
                        out.push(d);
                    }
                }
                if let Some(name) = declares {
                    known.insert(name);
                }
            }
        }
    }
}
