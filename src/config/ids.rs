//! Rule ids as users write them: Slipway codes and names, hadolint `DL`
//! codes, BuildKit check names, and `ALL`. Checking them, suggesting the
//! closest known id for a typo, and expanding them to Slipway codes.

use crate::rules;

/// What an id written by a user names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdKind {
    /// `ALL` (any case): every rule.
    All,
    /// A Slipway rule (by its code, name, hadolint code or BuildKit name).
    Rule(&'static str),
    /// A ShellCheck code (`SC2086`): Slipway does not run ShellCheck.
    ShellCheck,
    /// A hadolint rule that Slipway has no equivalent of.
    HadolintOnly,
    /// Nothing known; the closest known id, when one is close.
    Unknown(Option<&'static str>),
}

/// Every `DL` code hadolint has or had (removed ones included, since old
/// configurations still name them).
pub const HADOLINT_CODES: &[&str] = &[
    "DL1001", "DL3000", "DL3001", "DL3002", "DL3003", "DL3004", "DL3005", "DL3006", "DL3007",
    "DL3008", "DL3009", "DL3010", "DL3011", "DL3012", "DL3013", "DL3014", "DL3015", "DL3016",
    "DL3017", "DL3018", "DL3019", "DL3020", "DL3021", "DL3022", "DL3023", "DL3024", "DL3025",
    "DL3026", "DL3027", "DL3028", "DL3029", "DL3030", "DL3031", "DL3032", "DL3033", "DL3034",
    "DL3035", "DL3036", "DL3037", "DL3038", "DL3039", "DL3040", "DL3041", "DL3042", "DL3043",
    "DL3044", "DL3045", "DL3046", "DL3047", "DL3048", "DL3049", "DL3050", "DL3051", "DL3052",
    "DL3053", "DL3054", "DL3055", "DL3056", "DL3057", "DL3058", "DL3059", "DL3060", "DL3061",
    "DL3062", "DL3063", "DL3064", "DL3065", "DL3066", "DL3067", "DL3068", "DL3069", "DL3070",
    "DL4000", "DL4001", "DL4003", "DL4004", "DL4005", "DL4006",
];

/// Whether `id` looks like a ShellCheck code (`SC` and four digits).
pub fn is_shellcheck(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 6 && b[..2].eq_ignore_ascii_case(b"SC") && b[2..].iter().all(u8::is_ascii_digit)
}

/// Sort out one id.
pub fn classify(id: &str) -> IdKind {
    if id.eq_ignore_ascii_case("ALL") {
        return IdKind::All;
    }
    if let Some(rule) = rules::lookup(id) {
        return IdKind::Rule(rule.meta().code);
    }
    if is_shellcheck(id) {
        return IdKind::ShellCheck;
    }
    if HADOLINT_CODES.iter().any(|c| c.eq_ignore_ascii_case(id)) {
        return IdKind::HadolintOnly;
    }
    IdKind::Unknown(suggest(id))
}

/// The known id closest to `id` (a code, a name, a hadolint code or a BuildKit
/// name), when one is close enough to be a likely typo.
pub fn suggest(id: &str) -> Option<&'static str> {
    let wanted = id.to_ascii_lowercase();
    let mut best: Option<(f64, &'static str)> = None;
    for meta in rules::metas() {
        let candidates = [meta.code, meta.name]
            .into_iter()
            .chain(meta.hadolint.iter().copied())
            .chain(meta.buildkit.iter().copied());
        for candidate in candidates {
            let score =
                strsim::normalized_damerau_levenshtein(&wanted, &candidate.to_ascii_lowercase());
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, candidate));
            }
        }
    }
    best.filter(|&(score, _)| score >= 0.6).map(|(_, c)| c)
}

/// The message for an id that is not known, with the suggestion as help.
pub fn unknown_message(id: &str) -> (String, Option<String>) {
    match classify(id) {
        IdKind::ShellCheck => (
            format!("`{id}` is a ShellCheck code; Slipway does not run ShellCheck"),
            Some(
                "remove it; ShellCheck codes are accepted (and ignored) only in .hadolint.yaml"
                    .into(),
            ),
        ),
        IdKind::HadolintOnly => (
            format!("`{id}` is a hadolint rule that Slipway has no equivalent of"),
            Some("run `slipway rules` to list the rules Slipway has".into()),
        ),
        IdKind::Unknown(Some(s)) => (
            format!("unknown rule `{id}`"),
            Some(format!("did you mean `{s}`?")),
        ),
        _ => (
            format!("unknown rule `{id}`"),
            Some("run `slipway rules` to list every rule".into()),
        ),
    }
}

/// The Slipway codes of the rules `ids` name (`ALL` is every rule); ids that
/// name no rule are left out.
pub fn codes(ids: &[String]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for id in ids {
        match classify(id) {
            IdKind::All => out.extend(rules::metas().map(|m| m.code)),
            IdKind::Rule(code) => out.push(code),
            _ => {}
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(classify("all"), IdKind::All);
        for id in [
            "SW501",
            "sw501",
            "maintainer-deprecated",
            "DL4000",
            "MaintainerDeprecated",
        ] {
            assert_eq!(classify(id), IdKind::Rule("SW501"), "{id}");
        }
        assert_eq!(classify("SC2086"), IdKind::ShellCheck);
        assert!(!is_shellcheck("SC20861"));
        assert_eq!(
            classify("maintainer-deprecate"),
            IdKind::Unknown(Some("maintainer-deprecated"))
        );
        assert_eq!(classify("SW5011"), IdKind::Unknown(Some("SW501")));
        assert_eq!(classify("zzzzzzzzzzzz"), IdKind::Unknown(None));
    }

    #[test]
    fn expands_to_codes() {
        let ids = ["DL4000".to_string(), "maintainer-deprecated".into()];
        assert_eq!(codes(&ids), ["SW501"]);
        let all = codes(&["ALL".to_string()]);
        assert!(all.contains(&"SW101") && all.contains(&"SW501"));
    }
}
