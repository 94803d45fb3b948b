//! The final image's estimated size is over the configured budget.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::model::size::{self, Certainty, format_bytes};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct ImageSizeBudget;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW427",
    name: "image-size-budget",
    category: Category::Size,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "The final image's estimated size is over the `max-image-size` budget",
    doc: include_str!("../../../rules/image-size-budget.md"),
};

/// How many contributors the message names.
const CONTRIBUTORS: usize = 3;

impl Rule for ImageSizeBudget {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(budget) = cx.options.max_image_size else {
            return;
        };
        let Some(target) = cx.target else {
            return;
        };
        let input = size::Input {
            file: cx.file,
            model: cx.model,
            target: Some(target),
            context: cx.context,
            dockerignore: cx.dockerignore,
        };
        let estimate = size::estimate(&input, &|i| cx.instruction_scripts(i));
        let Some(stage) = estimate.final_stage() else {
            return;
        };
        if stage.total <= budget {
            return;
        }
        let Some(from) = cx.file.instructions.get(cx.model.stages[target].from) else {
            return;
        };
        let contributors = estimate.contributors(CONTRIBUTORS);
        let named: Vec<String> = contributors
            .iter()
            .map(|c| format!("{} ({}, line {})", c.what, format_bytes(c.bytes), c.line))
            .collect();
        let unknown = estimate.final_unknowns();
        let estimate_text = match stage.certainty {
            Certainty::Unknown => format!(
                "at least {} (a lower bound: {} part{} unknown)",
                format_bytes(stage.total),
                unknown.len(),
                if unknown.len() == 1 { " is" } else { "s are" }
            ),
            Certainty::Estimated => format!("about {}", format_bytes(stage.total)),
            Certainty::Known => format_bytes(stage.total),
        };
        let mut message = format!(
            "the final image's estimated size is {estimate_text}, over the budget of {} (max-image-size)",
            format_bytes(budget)
        );
        if !named.is_empty() {
            message.push_str("; the biggest contributors: ");
            message.push_str(&named.join(", "));
        }
        let mut d = cx.diag(&META, from.span, message);
        for c in &contributors {
            let span = match c.instruction {
                Some(i) => cx.file.instructions.get(i).map(|inst| inst.keyword_span),
                None => cx
                    .file
                    .instructions
                    .get(cx.model.stages[c.stage].from)
                    .map(|inst| inst.keyword_span),
            };
            if let Some(span) = span
                && span != from.keyword_span
            {
                d.labels.push(Label {
                    span,
                    message: format!("adds {}", format_bytes(c.bytes)),
                });
            }
        }
        d.help = Some(
            "`slipway size` shows what each instruction adds; a smaller base image, a build stage \
             whose results are copied into a small final stage, or fewer packages bring the image \
             under the budget"
                .into(),
        );
        out.push(d);
    }
}
