//! A base image outside the fleet's agreed set (`allowed-base-images`).

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Base;
use crate::model::image::ImageRef;
use crate::model::knowledge::tag_matches;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Args;

/// The rule.
pub struct BaseImageOutsideFleetSet;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW603",
    name: "base-image-outside-fleet-set",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "A base image is not in the fleet's agreed set (`allowed-base-images`)",
    doc: include_str!("../../../rules/base-image-outside-fleet-set.md"),
};

/// Whether an `allowed-base-images` entry allows `image`. An entry is a
/// family (`node`, `gcr.io/distroless/static-debian12`: any tag or digest
/// of it), a family with a tag (`node:20-slim`; `*` stands for any run of
/// characters: `node:20*`), or with a digest (`node@sha256:...`: exactly
/// that digest). Docker Hub names are compared normalized (`node` is
/// `docker.io/library/node`).
pub fn allows(entry: &str, image: &ImageRef) -> bool {
    let entry = entry.trim();
    let (rest, digest) = match entry.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (entry, None),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
        None => (rest, None),
    };
    let Ok(family) = ImageRef::parse(name) else {
        return false;
    };
    if family.family() != image.family() {
        return false;
    }
    if let Some(d) = digest {
        return image.digest.as_deref() == Some(d);
    }
    match tag {
        None => true,
        Some(t) => image.effective_tag().is_some_and(|it| tag_matches(t, it)),
    }
}

impl Rule for BaseImageOutsideFleetSet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let allowed = &cx.options.allowed_base_images;
        if allowed.is_empty() {
            return;
        }
        for stage in &cx.model.stages {
            let Base::Image(image) = &stage.base else {
                continue;
            };
            if allowed.iter().any(|e| allows(e, image)) {
                continue;
            }
            let Args::Words(words) = &cx.file.instructions[stage.from].args else {
                continue;
            };
            let Some(word) = words.first() else {
                continue;
            };
            let same_family: Vec<&str> = allowed
                .iter()
                .map(|e| e.trim())
                .filter(|e| {
                    let name = e.split('@').next().unwrap_or(e);
                    let slash = name.rfind('/').map_or(0, |i| i + 1);
                    let name = match name[slash..].rfind(':') {
                        Some(i) => &name[..slash + i],
                        None => name,
                    };
                    ImageRef::parse(name).is_ok_and(|f| f.family() == image.family())
                })
                .collect();
            let hint = if same_family.is_empty() {
                format!("the fleet's set has no `{}` image", image.family())
            } else {
                format!("the fleet uses {}", same_family.join(", "))
            };
            out.push(cx.diag(
                &META,
                word.span,
                format!(
                    "`{}` is not in the fleet's base images (`allowed-base-images`): {hint}; \
                     services on different variants share no layers",
                    stage.base_expanded
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::allows;
    use crate::model::image::ImageRef;

    fn r(s: &str) -> ImageRef {
        ImageRef::parse(s).unwrap()
    }

    #[test]
    fn entries() {
        assert!(allows("node", &r("node:20-slim")));
        assert!(allows("node", &r("docker.io/library/node:20")));
        assert!(allows("node:20-slim", &r("node:20-slim")));
        assert!(!allows("node:20-slim", &r("node:20")));
        assert!(allows("node:20*", &r("node:20.11-bookworm")));
        assert!(allows("node:latest", &r("node")));
        assert!(!allows("node", &r("ghcr.io/acme/node:1")));
        assert!(allows("localhost:5000/base:1", &r("localhost:5000/base:1")));
        assert!(allows("localhost:5000/base", &r("localhost:5000/base:2")));
        let d = "sha256:0123456789012345678901234567890123456789012345678901234567890123";
        assert!(allows(
            &format!("alpine@{d}"),
            &r(&format!("alpine:3.24@{d}"))
        ));
        assert!(!allows(&format!("alpine@{d}"), &r("alpine:3.24")));
    }
}
