//! A stage that downloads with both `curl` and `wget`.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rules::cache::{for_each_command, runs};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::{self, Downloader};
use crate::syntax::{Keyword, Span};
use std::collections::HashMap;

/// The rule.
pub struct CurlAndWget;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW410",
    name: "curl-and-wget",
    category: Category::Size,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL4001"],
    buildkit: &[],
    default_enabled: true,
    summary: "Both `curl` and `wget` in one stage; pick one",
    doc: include_str!("../../../rules/curl-and-wget.md"),
};

/// The first use of each tool seen so far: `[curl, wget]`.
type Seen = [Option<Span>; 2];

impl Rule for CurlAndWget {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // Per stage, and separately for the `ONBUILD` triggers, which run in
        // another build.
        let mut seen: HashMap<(Option<usize>, bool), Seen> = HashMap::new();
        for (i, inst) in runs(cx) {
            // The first use of each tool in this RUN.
            let mut here: Seen = [None, None];
            for_each_command(cx, i, |cmd| {
                let tool = match packages::downloader(cmd) {
                    Some(Downloader::Curl) => 0,
                    Some(Downloader::Wget) => 1,
                    None => return,
                };
                here[tool].get_or_insert(cmd.span);
            });
            if here == [None, None] {
                continue;
            }
            let key = (
                cx.model.stage_of.get(i).copied().flatten(),
                inst.keyword == Keyword::Onbuild,
            );
            let stage = seen.entry(key).or_default();
            for t in 0..2 {
                if stage[t].is_none() {
                    stage[t] = here[t];
                }
            }
            let [Some(curl), Some(wget)] = *stage else {
                continue;
            };
            // Point at the tool the stage took up second when this RUN uses
            // it, at the other one otherwise.
            let second = usize::from(curl.start < wget.start);
            let tool = if here[second].is_some() {
                second
            } else {
                1 - second
            };
            let (Some(span), Some(other)) = (here[tool], stage[1 - tool]) else {
                continue;
            };
            let (name, other_name) = if tool == 0 {
                ("curl", "wget")
            } else {
                ("wget", "curl")
            };
            let mut d = cx.diag(
                &META,
                span,
                format!(
                    "this stage downloads with both curl and wget; use one of them (this is {name})"
                ),
            );
            d.labels.push(Label {
                span: other,
                message: format!("{other_name} is used here"),
            });
            out.push(d);
        }
    }
}
