//! `FROM --platform=...` with a value other than the build or target platform.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct FromPlatformFlag;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW205",
    name: "from-platform-flag",
    category: Category::Security,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3029"],
    buildkit: &[],
    default_enabled: true,
    summary: "`FROM --platform` pins a platform other than `$BUILDPLATFORM`/`$TARGETPLATFORM`",
    doc: include_str!("../../../rules/from-platform-flag.md"),
};

impl Rule for FromPlatformFlag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions() {
            if inst.keyword != Keyword::From {
                continue;
            }
            let Some(flag) = inst.flag("platform") else {
                continue;
            };
            let value = flag.value.as_deref().unwrap_or("");
            if value.contains("BUILDPLATFORM") || value.contains("TARGETPLATFORM") {
                continue;
            }
            out.push(cx.diag(
                &META,
                flag.span,
                format!(
                    "`--platform={value}` ties this stage to one platform, whatever platform the image is built for"
                ),
            ));
        }
    }
}
