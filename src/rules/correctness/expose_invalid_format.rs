//! An `EXPOSE` port with an IP address or a host port.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::correctness::expose_specs;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct ExposeInvalidFormat;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW103",
    name: "expose-invalid-format",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &[],
    buildkit: &["ExposeInvalidFormat"],
    default_enabled: true,
    summary: "`EXPOSE` maps a host port or an IP address",
    doc: include_str!("../../../rules/expose-invalid-format.md"),
};

/// For a spec `[ip:][host:]container`, the container part when an IP address
/// or a host port is given (BuildKit's reading of the colons).
pub fn container_part(spec: &str) -> Option<&str> {
    let parts: Vec<&str> = spec.split(':').collect();
    let n = parts.len();
    let mapped = match n {
        0 | 1 => false,
        2 => !parts[0].is_empty(),
        _ => parts[..n - 1].iter().any(|p| !p.is_empty()),
    };
    mapped.then(|| parts[n - 1])
}

impl Rule for ExposeInvalidFormat {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in cx.instructions() {
            let (Keyword::Expose, Args::Words(words)) = (inst.keyword, &inst.args) else {
                continue;
            };
            for word in words {
                for (spec, plain) in expose_specs(cx, i, word) {
                    let Some(container) = container_part(&spec) else {
                        continue;
                    };
                    let mut d = cx.diag(
                        &META,
                        word.span,
                        format!(
                            "`EXPOSE {spec}` maps a host port or an address; EXPOSE only declares the container port `{container}`"
                        ),
                    );
                    d.help = Some(
                        "publish host ports when running the container (`docker run -p`)".into(),
                    );
                    if plain && !container.is_empty() {
                        d.fix = Some(Fix::new(
                            format!("Keep only the container port `{container}`"),
                            Applicability::Safe,
                            vec![Edit {
                                span: word.span,
                                replacement: container.to_string(),
                            }],
                        ));
                    }
                    out.push(d);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::container_part;

    #[test]
    fn reads_colons_like_buildkit() {
        assert_eq!(container_part("80"), None);
        assert_eq!(container_part("80/tcp"), None);
        assert_eq!(container_part(":80"), None);
        assert_eq!(container_part("8080:80"), Some("80"));
        assert_eq!(container_part("127.0.0.1:8080:80/udp"), Some("80/udp"));
        assert_eq!(container_part("[::1]:8080:80"), Some("80"));
    }
}
