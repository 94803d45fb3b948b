//! Rules of the `correctness` category. One file per rule; one line per rule in `RULES`.
//!
//! The helpers below are shared by the rules of this category: locating a
//! piece of a word in the file, finding where a variable is referenced, and
//! walking a stage's parents.

use super::{Context, Rule};
use crate::model::Model;
use crate::syntax::{Args, Flag, Instruction, Keyword, Span, Word};
use std::collections::{HashMap, HashSet};

pub mod base_image_platform_mismatch;
pub mod copy_from_own_stage;
pub mod copy_from_undefined_stage;
pub mod copy_ignored_file;
pub mod copy_multiple_sources_to_file;
pub mod copy_relative_dest_without_workdir;
pub mod duplicate_stage_name;
pub mod empty_continuation_line;
pub mod env_refers_to_same_statement;
pub mod expose_invalid_format;
pub mod expose_port_out_of_range;
pub mod expose_protocol_not_lowercase;
pub mod instruction_before_from;
pub mod invalid_default_arg_in_from;
pub mod multiple_cmd_instructions;
pub mod multiple_entrypoint_instructions;
pub mod multiple_healthcheck_instructions;
pub mod onbuild_forbidden_trigger;
pub mod reserved_stage_name;
pub mod undefined_arg_in_from;
pub mod undefined_variable;
pub mod workdir_relative_path;

/// Every rule of this category.
pub static RULES: &[&dyn Rule] = &[
    &workdir_relative_path::WorkdirRelativePath,
    &expose_port_out_of_range::ExposePortOutOfRange,
    &expose_invalid_format::ExposeInvalidFormat,
    &expose_protocol_not_lowercase::ExposeProtocolNotLowercase,
    &multiple_healthcheck_instructions::MultipleHealthcheckInstructions,
    &multiple_cmd_instructions::MultipleCmdInstructions,
    &multiple_entrypoint_instructions::MultipleEntrypointInstructions,
    &copy_multiple_sources_to_file::CopyMultipleSourcesToFile,
    &copy_from_undefined_stage::CopyFromUndefinedStage,
    &copy_from_own_stage::CopyFromOwnStage,
    &duplicate_stage_name::DuplicateStageName,
    &reserved_stage_name::ReservedStageName,
    &onbuild_forbidden_trigger::OnbuildForbiddenTrigger,
    &env_refers_to_same_statement::EnvRefersToSameStatement,
    &copy_relative_dest_without_workdir::CopyRelativeDestWithoutWorkdir,
    &instruction_before_from::InstructionBeforeFrom,
    &undefined_arg_in_from::UndefinedArgInFrom,
    &invalid_default_arg_in_from::InvalidDefaultArgInFrom,
    &undefined_variable::UndefinedVariable,
    &empty_continuation_line::EmptyContinuationLine,
    &copy_ignored_file::CopyIgnoredFile,
    &base_image_platform_mismatch::BaseImagePlatformMismatch,
];

/// Whether the text of `word` in the file is exactly its value, so that a
/// byte offset into the value is the same offset into the file from
/// `word.span.start` (false for words spread over continuation lines and for
/// decoded JSON strings).
pub(crate) fn maps_directly(cx: &Context<'_>, word: &Word) -> bool {
    cx.source.get(word.span.start..word.span.end) == Some(word.value.as_str())
}

/// The span of bytes `start..end` of `word`'s value, or the whole word when
/// the value does not map byte for byte onto the file.
pub(crate) fn sub_span(cx: &Context<'_>, word: &Word, start: usize, end: usize) -> Span {
    if maps_directly(cx, word) && start <= end && end <= word.value.len() {
        Span::new(word.span.start + start, word.span.start + end)
    } else {
        word.span
    }
}

/// The value of a `--name=value` flag as a word: its text and, when the flag
/// is written on one piece of the file as BuildKit reads it, the span of the
/// value alone (otherwise the span of the whole flag).
pub(crate) fn flag_value_word(cx: &Context<'_>, flag: &Flag) -> Option<Word> {
    let value = flag.value.as_ref()?;
    let span = if cx.source.get(flag.span.start..flag.span.end) == Some(flag.raw.as_str()) {
        match flag.raw.find('=') {
            Some(eq) => Span::new(flag.span.start + eq + 1, flag.span.end),
            None => flag.span,
        }
    } else {
        flag.span
    };
    Some(Word {
        value: value.clone(),
        span,
    })
}

/// A reference to a variable inside a word: `$NAME` or `${NAME...}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VarRef {
    /// The variable's name.
    pub name: String,
    /// Byte offset of the `$`.
    pub start: usize,
    /// Byte offset just past the name (past the closing `}` of a plain
    /// `${NAME}`).
    pub end: usize,
}

/// Where variables are referenced in `text`, in order. Single-quoted text and
/// escaped dollars are skipped; references nested in `${A:-$B}` are found too.
/// This only locates references for spans; which variables an instruction
/// really looks up comes from the model's expansion.
pub(crate) fn var_refs(text: &str, escape: char) -> Vec<VarRef> {
    let b = text.as_bytes();
    let esc = escape as u8;
    let is_name = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = Vec::new();
    let mut in_single = false;
    let mut in_double = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if in_single {
            if c == b'\'' {
                in_single = false;
            }
            i += 1;
            continue;
        }
        if c == esc && i + 1 < b.len() {
            i += 2;
            continue;
        }
        match c {
            b'\'' if !in_double => in_single = true,
            b'"' => in_double = !in_double,
            b'$' => {
                let braced = b.get(i + 1) == Some(&b'{');
                let name_start = if braced { i + 2 } else { i + 1 };
                let mut j = name_start;
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    while b.get(j).is_some_and(u8::is_ascii_digit) {
                        j += 1;
                    }
                } else {
                    while b.get(j).copied().is_some_and(is_name) {
                        j += 1;
                    }
                }
                if j > name_start {
                    let end = if braced && b.get(j) == Some(&b'}') {
                        j + 1
                    } else {
                        j
                    };
                    out.push(VarRef {
                        name: text[name_start..j].to_string(),
                        start: i,
                        end,
                    });
                    i = j;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The span of the first reference to `name` in `word`, or the whole word.
pub(crate) fn ref_span(cx: &Context<'_>, word: &Word, name: &str) -> Span {
    var_refs(&word.value, cx.model.escape)
        .into_iter()
        .find(|r| r.name == name)
        .map_or(word.span, |r| sub_span(cx, word, r.start, r.end))
}

/// The port specs of one `EXPOSE` word as BuildKit reads them: the word
/// itself when it holds no variable, quote or escape (`Some(word)`, so that
/// parts of it can be pointed at), or else the words of its expansion when
/// every variable in it has a known value (`None` for their position).
pub(crate) fn expose_specs(cx: &Context<'_>, at: usize, word: &Word) -> Vec<(String, bool)> {
    let plain = !word.value.contains(['$', '\'', '"', cx.model.escape]);
    if plain {
        return vec![(word.value.to_string(), true)];
    }
    match cx.model.expand(&word.value, at) {
        Ok(e) if e.unset.is_empty() => e.words.into_iter().map(|w| (w, false)).collect(),
        _ => Vec::new(),
    }
}

/// Repeated instructions of one kind within a stage (ONBUILD triggers
/// excluded): `(index, previous index)` for every one after the first.
pub(crate) fn repeated_in_stage(cx: &Context<'_>, keyword: Keyword) -> Vec<(usize, usize)> {
    let mut last: HashMap<Option<usize>, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, inst) in cx.instructions() {
        if inst.keyword != keyword {
            continue;
        }
        let stage = cx.model.stage_of.get(i).copied().flatten();
        if let Some(prev) = last.insert(stage, i) {
            out.push((i, prev));
        }
    }
    out
}

/// Report every repeated instruction of `keyword` in a stage for `meta`.
pub(crate) fn report_repeated(
    cx: &Context<'_>,
    meta: &'static super::RuleMeta,
    keyword: Keyword,
    out: &mut Vec<crate::diagnostic::Diagnostic>,
) {
    for (i, prev) in repeated_in_stage(cx, keyword) {
        let inst = &cx.file.instructions[i];
        let mut d = cx.diag(
            meta,
            inst.keyword_span,
            format!("another `{keyword}` in this stage: only the last one takes effect"),
        );
        d.labels.push(crate::diagnostic::Label {
            span: cx.file.instructions[prev].keyword_span,
            message: format!("this `{keyword}` is overridden"),
        });
        d.help = Some(format!("keep a single `{keyword}` per stage"));
        out.push(d);
    }
}

/// The source and destination words of a `COPY` or `ADD`, heredoc markers
/// (`<<EOF`) left out.
pub(crate) fn copy_paths(inst: &Instruction) -> Vec<&Word> {
    let words = match &inst.args {
        Args::Words(w) | Args::Exec(w) => w,
        _ => return Vec::new(),
    };
    words
        .iter()
        .filter(|w| {
            !inst
                .heredocs
                .iter()
                .any(|h| h.marker_span.contains(w.span) || w.span.contains(h.marker_span))
        })
        .collect()
}

/// Values BuildKit gives the platform arguments on a typical Linux host.
pub(crate) const PLATFORM_DEFAULTS: [(&str, &str); 8] = [
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
];

/// The global `ARG`s with their default values, as if no `--build-arg` were
/// given. With `platform` false the platform arguments count as unknown
/// (their values depend on the builder), and so does every `ARG` whose
/// default uses one; unknown names are left out of the map. An `ARG` without
/// a default is left out too (it expands to the empty string).
pub(crate) fn global_defaults(cx: &Context<'_>, platform: bool) -> HashMap<String, String> {
    let lexer = crate::model::expand::Lexer::new(cx.model.escape);
    let mut env: HashMap<String, String> = HashMap::new();
    let mut unknown: HashSet<String> = HashSet::new();
    for (name, value) in PLATFORM_DEFAULTS {
        if platform {
            env.insert(name.to_string(), value.to_string());
        } else {
            unknown.insert(name.to_string());
        }
    }
    for (i, inst) in cx.instructions() {
        if cx.model.stage_of.get(i).copied().flatten().is_some() {
            break;
        }
        let (Keyword::Arg, Args::Words(words)) = (inst.keyword, &inst.args) else {
            continue;
        };
        for w in words {
            let Some((name, default)) = w.value.split_once('=') else {
                continue;
            };
            match lexer.expand_word(default, &env) {
                Ok(e) if !e.used.iter().any(|u| unknown.contains(u)) => {
                    unknown.remove(name);
                    env.insert(name.to_string(), e.value);
                }
                _ => {
                    env.remove(name);
                    unknown.insert(name.to_string());
                }
            }
        }
    }
    env
}

/// The parents of stage `s` (the stages it is built `FROM`), nearest first.
pub(crate) fn ancestors(model: &Model, s: usize) -> Vec<usize> {
    model.chain(s).skip(1).collect()
}

/// The root of stage `s`'s chain of parents: the first stage not built on
/// another stage.
pub(crate) fn root_stage(model: &Model, s: usize) -> usize {
    ancestors(model, s).last().copied().unwrap_or(s)
}

/// Names of the variables BuildKit knows just before instruction `at` of a
/// stage, apart from those of the base image: the stage's `ARG`s and `ENV`s,
/// the `ENV`s of its parents, and the `ARG`s its parents declare (BuildKit
/// carries a parent's build arguments into the stages built on it).
pub(crate) fn declared_before(model: &Model, at: usize) -> HashSet<String> {
    let mut names: HashSet<String> = model
        .scope_at(at)
        .names()
        .into_iter()
        .map(str::to_string)
        .collect();
    if let Some(s) = model.stage_of.get(at).copied().flatten() {
        for p in ancestors(model, s) {
            names.extend(model.stage_var_names(p).map(str::to_string));
        }
    }
    names
}

/// The closest name in `candidates` to `name`, for "did you mean" hints.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // One edit per three characters: short names only match a different case.
    let limit = name.chars().count() / 3;
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let d = strsim::osa_distance(&c.to_ascii_lowercase(), &name.to_ascii_lowercase());
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, usize, usize)> {
        var_refs(text, '\\')
            .into_iter()
            .map(|r| (r.name, r.start, r.end))
            .collect()
    }

    #[test]
    fn finds_references() {
        assert_eq!(
            names("$A/${B}x${C:-$D}"),
            vec![
                ("A".into(), 0, 2),
                ("B".into(), 3, 7),
                ("C".into(), 8, 11),
                ("D".into(), 13, 15)
            ]
        );
        assert_eq!(names("'$A' \\$B \"$C\""), vec![("C".into(), 10, 12)]);
        assert_eq!(names("$1 $ ${}"), vec![("1".into(), 0, 2)]);
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(suggest("PAHT", ["PATH", "HOME"]), Some("PATH"));
        assert_eq!(suggest("FOO", ["PATH"]), None);
    }
}
