//! `FROM --platform=<constant>`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::expand::{EmptyEnv, Lexer};
use crate::model::platform::{KNOWN_ARCH, KNOWN_OS, normalize_arch};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct FromPlatformConstant;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW206",
    name: "from-platform-constant",
    category: Category::Security,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &["FromPlatformFlagConstDisallowed"],
    default_enabled: true,
    summary: "`FROM --platform` uses a constant value",
    doc: include_str!("../../../rules/from-platform-constant.md"),
};

/// `os/arch[/variant]`, `os` or `arch` as containerd parses it: the OS and
/// the architecture, or `None` when it is not a platform.
pub fn parse_platform(s: &str) -> Option<(String, String)> {
    let lower = s.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    match parts.as_slice() {
        [one] if KNOWN_OS.contains(one) => Some((one.to_string(), String::new())),
        [one] if KNOWN_ARCH.contains(&normalize_arch(one).as_str()) => {
            Some(("linux".to_string(), normalize_arch(one).to_string()))
        }
        [os, arch] | [os, arch, _] if KNOWN_OS.contains(os) => {
            let arch = normalize_arch(arch);
            KNOWN_ARCH
                .contains(&arch.as_str())
                .then(|| (os.to_string(), arch.to_string()))
        }
        _ => None,
    }
}

impl Rule for FromPlatformConstant {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let lexer = Lexer::new(cx.model.escape);
        for (stage, flag, raw) in super::from_platforms(cx) {
            // Any variable, set or not, makes the value not a constant.
            let Ok(expanded) = lexer.expand_word(raw, &EmptyEnv) else {
                continue;
            };
            if !expanded.used.is_empty() {
                continue;
            }
            let Some((os, arch)) = parse_platform(&expanded.value) else {
                continue;
            };
            // A stage named for its platform is meant to be platform-specific.
            let name = stage.name.as_deref().unwrap_or("");
            if name.contains(os.as_str()) || name.contains(arch.as_str()) {
                continue;
            }
            out.push(cx.diag(
                &META,
                flag.span,
                format!(
                    "`--platform={}` is a constant: this stage is built for that platform only",
                    expanded.value
                ),
            ));
        }
    }
}
