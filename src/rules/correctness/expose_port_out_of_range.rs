//! An `EXPOSE` port outside 0–65535.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::correctness::sub_span;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct ExposePortOutOfRange;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW102",
    name: "expose-port-out-of-range",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL3011"],
    buildkit: &[],
    default_enabled: true,
    summary: "`EXPOSE` names a port outside 0–65535",
    doc: include_str!("../../../rules/expose-port-out-of-range.md"),
};

/// The highest port number.
const MAX_PORT: u64 = 65535;

/// The numbers of a port spec that are out of range, as byte ranges of
/// `spec`: every port and range bound of `[ip:][host:]port[-port][/proto]`.
fn out_of_range(spec: &str) -> Vec<(usize, usize)> {
    let ports_end = spec.find('/').unwrap_or(spec.len());
    let mut out = Vec::new();
    let mut offset = 0;
    let parts: Vec<&str> = spec[..ports_end].split(':').collect();
    // An IP address (with or without brackets) comes before two more parts.
    let skip = parts.len().saturating_sub(2);
    for (i, part) in parts.iter().enumerate() {
        if i >= skip {
            let mut inner = offset;
            for bound in part.split('-') {
                if !bound.is_empty()
                    && bound.bytes().all(|b| b.is_ascii_digit())
                    && bound.parse::<u64>().map_or(true, |n| n > MAX_PORT)
                {
                    out.push((inner, inner + bound.len()));
                }
                inner += bound.len() + 1;
            }
        }
        offset += part.len() + 1;
    }
    out
}

impl Rule for ExposePortOutOfRange {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions() {
            let (Keyword::Expose, Args::Words(words)) = (inst.keyword, &inst.args) else {
                continue;
            };
            for word in words {
                // Ports given by variables are not known here.
                if word.value.contains('$') {
                    continue;
                }
                let spec = word.value.trim_matches(|c| c == '"' || c == '\'');
                let shift = word.value.find(spec).unwrap_or(0);
                for (a, b) in out_of_range(spec) {
                    out.push(cx.diag(
                        &META,
                        sub_span(cx, word, shift + a, shift + b),
                        format!(
                            "port {} is out of range: ports go from 0 to 65535",
                            &spec[a..b]
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::out_of_range;

    #[test]
    fn finds_numbers_out_of_range() {
        assert!(out_of_range("80").is_empty());
        assert!(out_of_range("65535/udp").is_empty());
        assert_eq!(out_of_range("65536"), vec![(0, 5)]);
        assert_eq!(out_of_range("8000-80000/tcp"), vec![(5, 10)]);
        assert_eq!(out_of_range("99999:80"), vec![(0, 5)]);
        assert_eq!(out_of_range("127.0.0.1:80:70000"), vec![(13, 18)]);
        assert_eq!(out_of_range("123456789012345678901234"), vec![(0, 24)]);
        assert!(out_of_range("http").is_empty());
    }
}
