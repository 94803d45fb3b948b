//! `FROM --platform` naming a platform the base image cannot have.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::model::Base;
use crate::model::expand::Lexer;
use crate::model::image::ImageRef;
use crate::model::platform::{KNOWN_ARCH, KNOWN_OS, normalize_arch, normalize_os};
use crate::rules::correctness::{flag_value_word, global_defaults};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Args;

/// The rule.
pub struct BaseImagePlatformMismatch;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW122",
    name: "base-image-platform-mismatch",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &["InvalidBaseImagePlatform"],
    default_enabled: true,
    summary: "`FROM --platform` asks for a platform the base image cannot provide",
    doc: include_str!("../../../rules/base-image-platform-mismatch.md"),
};

/// Official images published for Linux only.
const LINUX_ONLY: [&str; 12] = [
    "alpine",
    "almalinux",
    "amazonlinux",
    "archlinux",
    "busybox",
    "centos",
    "debian",
    "fedora",
    "nginx",
    "oraclelinux",
    "rockylinux",
    "ubuntu",
];

/// Parse a platform specifier as BuildKit does (`os[/arch[/variant]]`, or an
/// OS or an architecture alone). Unlike BuildKit, an `os/arch` pair with an
/// unknown OS or architecture is refused too: no image is ever published for
/// it, so resolving the base image cannot succeed.
pub fn parse_platform(spec: &str) -> Result<(Option<String>, Option<String>), String> {
    let valid = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    };
    let parts: Vec<&str> = spec.split('/').collect();
    // An OS version may follow the OS in parentheses: `windows(10.0.17763)`.
    let os_part = parts[0].split_once('(').map_or(parts[0], |(os, _)| os);
    if parts.len() > 3 || !valid(os_part) || !parts[1..].iter().all(|p| valid(p)) {
        return Err(format!("`{spec}` is not a platform (`os/arch[/variant]`)"));
    }
    let os = normalize_os(os_part);
    if parts.len() == 1 {
        if KNOWN_OS.contains(&os.as_str()) {
            return Ok((Some(os), None));
        }
        let arch = normalize_arch(os_part);
        if KNOWN_ARCH.contains(&arch.as_str()) {
            return Ok((None, Some(arch)));
        }
        return Err(format!(
            "`{spec}` is neither a known OS nor a known architecture"
        ));
    }
    if !KNOWN_OS.contains(&os.as_str()) {
        return Err(format!("`{os_part}` is not a known operating system"));
    }
    let arch = normalize_arch(parts[1]);
    if !KNOWN_ARCH.contains(&arch.as_str()) {
        return Err(format!("`{}` is not a known architecture", parts[1]));
    }
    Ok((Some(os), Some(arch)))
}

/// The only OS an image is published for, when its name says so.
fn only_os(base: &Base, text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("mcr.microsoft.com/windows")
        || lower.contains("servercore")
        || lower.contains("nanoserver")
        || lower.contains("dotnet/framework")
    {
        return Some("windows");
    }
    match base {
        Base::Image(r) if is_linux_only(r) => Some("linux"),
        _ => None,
    }
}

fn is_linux_only(r: &ImageRef) -> bool {
    r.is_official() && LINUX_ONLY.contains(&r.family().as_str())
}

impl Rule for BaseImagePlatformMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let lexer = Lexer::new(cx.model.escape);
        // Global ARGs with a known default; the platform arguments depend on
        // the builder and stay unknown.
        let env = global_defaults(cx, false);
        for stage in &cx.model.stages {
            let inst = &cx.file.instructions[stage.from];
            let Some(word) = inst.flag("platform").and_then(|f| flag_value_word(cx, f)) else {
                continue;
            };
            let Ok(expanded) = lexer.expand_word(&word.value, &env) else {
                continue;
            };
            if !expanded.unset.is_empty() {
                continue;
            }
            let spec = expanded.value;
            if spec.is_empty() {
                out.push(cx.diag(&META, word.span, "`--platform` is empty"));
                continue;
            }
            let os = match parse_platform(&spec) {
                Ok((os, _)) => os,
                Err(why) => {
                    let mut d = cx.diag(
                        &META,
                        word.span,
                        format!("no base image can match `--platform={spec}`: {why}"),
                    );
                    d.help =
                        Some("write it as `os/arch`, e.g. `linux/amd64` or `linux/arm64`".into());
                    out.push(d);
                    continue;
                }
            };
            let (Some(os), Some(only)) = (os, only_os(&stage.base, &stage.base_expanded)) else {
                continue;
            };
            if os == only {
                continue;
            }
            let mut d = cx.diag(
                &META,
                word.span,
                format!(
                    "`{}` is only published for {only}, but `--platform` asks for {os}",
                    stage.base_expanded
                ),
            );
            if let Args::Words(words) = &inst.args
                && let Some(base) = words.first()
            {
                d.labels.push(Label {
                    span: base.span,
                    message: format!("a {only} image"),
                });
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_platform;

    #[test]
    fn parses_platforms() {
        let ok = |s: &str| parse_platform(s).unwrap();
        assert_eq!(
            ok("linux/amd64"),
            (Some("linux".into()), Some("amd64".into()))
        );
        assert_eq!(
            ok("linux/arm/v7"),
            (Some("linux".into()), Some("arm".into()))
        );
        assert_eq!(
            ok("Linux/x86_64"),
            (Some("linux".into()), Some("amd64".into()))
        );
        assert_eq!(
            ok("windows(10.0.17763)/amd64").0.as_deref(),
            Some("windows")
        );
        assert_eq!(ok("arm64"), (None, Some("arm64".into())));
        assert_eq!(ok("windows"), (Some("windows".into()), None));
        assert!(parse_platform("linux/amd46").is_err());
        assert!(parse_platform("lnux/amd64").is_err());
        assert!(parse_platform("linux//amd64").is_err());
        assert!(parse_platform("a/b/c/d").is_err());
        assert!(parse_platform("x86").is_err());
    }
}
