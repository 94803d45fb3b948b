//! A heavy base image for the final image where a lighter variant of the
//! same image exists.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::image::ImageRef;
use crate::model::{Base, knowledge};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Args;

/// The rule.
pub struct HeavyBaseImage;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW423",
    name: "heavy-base-image",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "The final image is built on a full image where a slim, alpine or other lighter variant exists",
    doc: include_str!("../../../rules/heavy-base-image.md"),
};

/// Debian release names that a tag may carry (`20-bookworm`).
const CODENAMES: &[&str] = &["trixie", "bookworm", "bullseye", "buster", "stretch"];

/// The lighter tag for `tag`, from a knowledge-base suggestion written for
/// the entry's own tag (`24-slim` for `24`, applied to `20` gives `20-slim`).
fn lighter_tag(tag: &str, entry_tag: &str, lighter: &str) -> String {
    let Some(suffix) = lighter.strip_prefix(entry_tag) else {
        return lighter.to_string();
    };
    if suffix.is_empty() || tag == entry_tag {
        return lighter.to_string();
    }
    let mut base = tag.to_string();
    if suffix.contains("alpine") {
        for c in CODENAMES {
            if let Some(b) = base.strip_suffix(&format!("-{c}")) {
                base = b.to_string();
            }
        }
        if CODENAMES.contains(&base.as_str()) {
            return lighter.to_string();
        }
    }
    format!("{base}{suffix}")
}

fn megabytes(bytes: u64) -> String {
    format!("{} MB", (bytes + 500_000) / 1_000_000)
}

impl Rule for HeavyBaseImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // The image at the root of the shipping chain.
        let Some(stage) = cx.model.stages.iter().find(|s| {
            cx.ships.get(s.index).copied().unwrap_or(false) && !matches!(s.base, Base::Stage(_))
        }) else {
            return;
        };
        let Base::Image(image) = &stage.base else {
            return;
        };
        let Some(info) = knowledge::image(image).value().copied() else {
            return;
        };
        // A slim image is light enough: Alpine trades glibc for musl, which is
        // a change of platform rather than of size.
        if info.lighter.is_empty() || info.variant == "slim" {
            return;
        }
        let Some(tag) = image.effective_tag() else {
            return;
        };
        // A tag that already names a light variant (matched by a wildcard
        // pattern of the full image) is not heavy.
        const LIGHT: &[&str] = &[
            "slim",
            "alpine",
            "jre",
            "distroless",
            "minimal",
            "runtime",
            "busybox",
            "scm",
            "curl",
        ];
        if tag
            .split(['-', '.', '_'])
            .any(|part| LIGHT.iter().any(|l| part.starts_with(l)))
        {
            return;
        }
        let family = image.family();
        let size = info.uncompressed_size().value().copied();
        let mut options = Vec::new();
        for l in info.lighter {
            let t = lighter_tag(tag, info.tag_pattern, l);
            let shown = format!("{family}:{t}");
            let lighter_size = ImageRef::parse(&shown).ok().and_then(|r| {
                knowledge::image(&r)
                    .value()
                    .and_then(|i| i.uncompressed_size().value().copied())
            });
            options.push(match lighter_size {
                Some(b) => format!("`{shown}` (about {})", megabytes(b)),
                None => format!("`{shown}`"),
            });
        }
        let Args::Words(words) = &cx.file.instructions[stage.from].args else {
            return;
        };
        let Some(word) = words.first() else {
            return;
        };
        // "the full image", "the full runtime image".
        let kind = match info.variant {
            "full" => "full".to_string(),
            variant => format!("full {variant}"),
        };
        let heavy = match size {
            Some(b) => format!(
                "`{family}:{tag}` is the {kind} image (about {})",
                megabytes(b)
            ),
            None => format!("`{family}:{tag}` is the {kind} image"),
        };
        out.push(cx.diag(
            &META,
            word.span,
            format!(
                "{heavy}; the final image could start from {} (if the build needs the full image, build in an earlier stage)",
                options.join(" or ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::lighter_tag;

    #[test]
    fn lighter_tags_follow_the_users_tag() {
        assert_eq!(lighter_tag("20", "24", "24-slim"), "20-slim");
        assert_eq!(
            lighter_tag("20-bookworm", "24", "24-slim"),
            "20-bookworm-slim"
        );
        assert_eq!(lighter_tag("20-bookworm", "24", "24-alpine"), "20-alpine");
        assert_eq!(lighter_tag("24", "24", "24-alpine"), "24-alpine");
        assert_eq!(lighter_tag("bookworm", "12", "12-slim"), "bookworm-slim");
        assert_eq!(lighter_tag("x", "12", "other"), "other");
    }
}
