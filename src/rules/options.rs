//! Options that rules read, set in `slipway.toml` under `[options]` (or taken
//! from `.hadolint.yaml`).

use serde::Deserialize;
use std::collections::BTreeMap;

/// The format a label's value must have (hadolint's label schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelType {
    /// Any non-empty text.
    Text,
    /// An absolute URL.
    Url,
    /// A semantic version.
    Semver,
    /// A git commit hash (short or full).
    Hash,
    /// An RFC 3339 date-time.
    Rfc3339,
    /// An SPDX license expression.
    Spdx,
    /// An e-mail address.
    Email,
}

/// Options for the rules.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case", default, deny_unknown_fields)]
pub struct Options {
    /// Registries `FROM`, `COPY --from` and `RUN --mount=from=` may pull from
    /// (globs like `*.gcr.io` allowed). Empty: any registry.
    pub trusted_registries: Vec<String>,
    /// Labels every image must carry, with the format of their values.
    pub label_schema: BTreeMap<String, LabelType>,
    /// Report labels that are not in `label-schema`.
    pub strict_labels: bool,
    /// Base images the fleet has agreed on (families or full references).
    pub allowed_base_images: Vec<String>,
    /// The budget of the final image's estimated size, in bytes, for
    /// `image-size-budget`. Set by the top-level `max-image-size` key of
    /// `slipway.toml` or `--max-image-size`, not under `[options]`.
    #[serde(skip)]
    pub max_image_size: Option<u64>,
}

/// Whether `registry` matches a trusted-registry pattern (`*` matches any run
/// of characters, as in hadolint).
pub fn registry_matches(pattern: &str, registry: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], s) || (!s.is_empty() && go(p, &s[1..])),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    // Bound the work: patterns are short, registries are host names.
    if pattern.len() > 256 || registry.len() > 256 {
        return pattern == registry;
    }
    go(pattern.as_bytes(), registry.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_globs() {
        assert!(registry_matches("docker.io", "docker.io"));
        assert!(registry_matches("*.gcr.io", "eu.gcr.io"));
        assert!(!registry_matches("*.gcr.io", "gcr.io"));
        assert!(registry_matches("*", "anything"));
        assert!(!registry_matches("quay.io", "docker.io"));
    }
}
