//! Suppression comments and the `# check=` directive.
//!
//! * `# slipway ignore=<id>[,<id>...]` and hadolint's `# hadolint ignore=...`
//!   silence the listed rules on the next instruction;
//! * `# slipway global ignore=...` / `# hadolint global ignore=...` silence
//!   them in the whole file;
//! * `# slipway stage ignore=...` / `# hadolint stage ignore=...` silence them
//!   in the stage whose `FROM` follows the comment;
//! * `# hadolint shell=<shell>` declares the shell of the file;
//! * BuildKit's `# check=skip=<names>;error=true;experimental=<names>` skips
//!   checks, makes them errors, or turns experimental ones on.
//!
//! An id is a Slipway code or name, a hadolint code, or a BuildKit check name.
//! A text after a second `#` is a comment on the pragma (`# hadolint
//! ignore=DL3008 # pinned upstream`).

use crate::diagnostic::Diagnostic;
use crate::syntax::{DirectiveKind, Dockerfile, Keyword, Span};

/// What the comments of one file say about rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pragmas {
    /// Ids silenced in the whole file.
    pub global: Vec<String>,
    /// `(range, ids)`: ids silenced for findings that start inside the range.
    pub scoped: Vec<(Span, Vec<String>)>,
    /// The shell named by `# hadolint shell=`.
    pub shell: Option<String>,
    /// Every pragma comment (for the rule that reports their use).
    pub comments: Vec<Span>,
    /// `# check=skip=...` names (`all` skips every BuildKit check).
    pub check_skip: Vec<String>,
    /// `# check=error=true`.
    pub check_error: bool,
    /// `# check=experimental=...` names (`all` for every experimental check).
    pub check_experimental: Vec<String>,
}

/// Split `ids` of a pragma: commas and spaces, up to a `#` comment.
fn ids(text: &str) -> Vec<String> {
    let text = text.split('#').next().unwrap_or("");
    text.split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Read the pragmas of a file.
pub fn pragmas(source: &str, file: &Dockerfile) -> Pragmas {
    let mut p = Pragmas::default();
    for c in &file.comments {
        let body = c.body(source);
        let Some((tool, rest)) = body.split_once(char::is_whitespace) else {
            continue;
        };
        if !(tool.eq_ignore_ascii_case("hadolint") || tool.eq_ignore_ascii_case("slipway")) {
            continue;
        }
        let rest = rest.trim_start();
        let (scope, rest) = match rest.split_once(char::is_whitespace) {
            Some(("global", r)) => ("global", r.trim_start()),
            Some(("stage", r)) => ("stage", r.trim_start()),
            _ => ("next", rest),
        };
        if let Some(v) = rest.strip_prefix("shell=") {
            p.shell = Some(v.split('#').next().unwrap_or("").trim().to_string());
            p.comments.push(c.span);
            continue;
        }
        let Some(list) = rest.strip_prefix("ignore=") else {
            continue;
        };
        p.comments.push(c.span);
        let list = ids(list);
        match scope {
            "global" => p.global.extend(list),
            "stage" => {
                // The stage whose FROM comes next.
                let from = file
                    .instructions
                    .iter()
                    .position(|i| i.span.start > c.span.end && i.keyword == Keyword::From);
                if let Some(fi) = from {
                    let end = file.instructions[fi + 1..]
                        .iter()
                        .find(|i| i.keyword == Keyword::From)
                        .map_or(source.len(), |i| i.span.start);
                    p.scoped
                        .push((Span::new(file.instructions[fi].span.start, end), list));
                }
            }
            _ => {
                if let Some(next) = file.instructions.iter().find(|i| i.span.start > c.span.end) {
                    p.scoped.push((next.span, list));
                }
            }
        }
    }
    if let Some(d) = file.directive(DirectiveKind::Check) {
        for part in d.value.split(';') {
            let Some((k, v)) = part.split_once('=') else {
                continue;
            };
            let names = v
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            match k.trim().to_ascii_lowercase().as_str() {
                "skip" => p.check_skip.extend(names),
                "experimental" => p.check_experimental.extend(names),
                "error" => p.check_error = v.trim().eq_ignore_ascii_case("true"),
                _ => {}
            }
        }
    }
    p
}

impl Pragmas {
    /// Whether a finding is silenced by a pragma. `matches` tells whether an
    /// id names the finding's rule.
    pub fn silences(&self, d: &Diagnostic, matches: &dyn Fn(&str) -> bool) -> bool {
        self.global.iter().any(|id| matches(id))
            || self.scoped.iter().any(|(span, ids)| {
                span.contains(Span::new(d.span.start, d.span.start))
                    && ids.iter().any(|id| matches(id))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn reads_every_pragma_form() {
        let src = "# check=skip=JSONArgsRecommended,StageNameCasing;error=true\n\
                   # hadolint global ignore=DL3008\n\
                   FROM a\n\
                   # hadolint ignore=DL3009, DL3015 # lists are removed later\n\
                   RUN apt-get update\n\
                   # slipway stage ignore=apt-lists-not-removed\n\
                   FROM b\nRUN x\n\
                   # hadolint shell=powershell\n";
        let df = parse(src).dockerfile;
        let p = pragmas(src, &df);
        assert_eq!(p.global, vec!["DL3008"]);
        assert_eq!(p.scoped.len(), 2);
        assert_eq!(p.scoped[0].1, vec!["DL3009", "DL3015"]);
        assert_eq!(p.scoped[0].0.text(src), "RUN apt-get update");
        assert!(p.scoped[1].0.text(src).starts_with("FROM b\nRUN x"));
        assert_eq!(p.shell.as_deref(), Some("powershell"));
        assert_eq!(p.check_skip, vec!["JSONArgsRecommended", "StageNameCasing"]);
        assert!(p.check_error);
        assert_eq!(p.comments.len(), 4);
    }
}
