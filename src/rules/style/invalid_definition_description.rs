//! A comment right above `ARG` or a named `FROM` that is not a description.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta, with_fix};
use crate::syntax::{Args, Keyword, Span};

/// The rule.
pub struct InvalidDefinitionDescription;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW511",
    name: "invalid-definition-description",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &[],
    buildkit: &["InvalidDefinitionDescription"],
    default_enabled: false,
    summary: "A comment above `ARG` or a named `FROM` does not start with the name it describes",
    doc: include_str!("../../../rules/invalid-definition-description.md"),
};

impl Rule for InvalidDefinitionDescription {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let starts = &cx.file.line_starts;
        let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
        for (i, inst) in cx.instructions() {
            let (what, keys): (&str, Vec<String>) = match (inst.keyword, &inst.args) {
                (Keyword::Arg, Args::Words(words)) => (
                    "ARG",
                    words
                        .iter()
                        .map(|w| w.value.split('=').next().unwrap_or("").to_string())
                        .collect(),
                ),
                (Keyword::From, _) => {
                    let stage = cx.model.stage_of.get(i).copied().flatten();
                    match stage.and_then(|s| cx.model.stages[s].name.clone()) {
                        Some(name) => ("FROM", vec![name]),
                        None => continue,
                    }
                }
                _ => continue,
            };
            if keys.is_empty() || inst.start_line < 2 {
                continue;
            }
            let Some(comment) = cx
                .file
                .comments
                .iter()
                .find(|c| !c.in_continuation && line_of(c.span.start) == inst.start_line - 1)
            else {
                continue;
            };
            let body = comment.body(cx.source);
            let word = body.split(' ').next().unwrap_or("");
            // An empty `#` ends a description; pragmas are not descriptions.
            if body.is_empty()
                || word.eq_ignore_ascii_case("hadolint")
                || word.eq_ignore_ascii_case("slipway")
                || keys.iter().any(|k| k == word)
            {
                continue;
            }
            let example = match keys.as_slice() {
                [one] => one.as_str(),
                _ => "<arg_key>",
            };
            let d = cx.diag(
                &META,
                comment.span,
                format!(
                    "this comment describes the {what} below but does not start with its name: write `# {example} <description>`, or leave a blank line"
                ),
            );
            let at = starts[inst.start_line - 1];
            // A blank line ended as the comment's line is (CRLF or LF).
            let eol = if cx.source[..at].ends_with("\r\n") {
                "\r\n"
            } else {
                "\n"
            };
            out.push(with_fix(
                d,
                Fix::new(
                    "Separate the comment with a blank line",
                    Applicability::Safe,
                    vec![Edit {
                        span: Span::new(at, at),
                        replacement: eol.to_string(),
                    }],
                ),
            ));
        }
    }
}
