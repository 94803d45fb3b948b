//! An `ARG` or `ENV` whose name says it holds a secret.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword, Span};

/// The rule.
pub struct SecretInArgOrEnv;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW203",
    name: "secret-in-arg-or-env",
    category: Category::Security,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3064"],
    buildkit: &["SecretsUsedInArgOrEnv"],
    default_enabled: true,
    summary: "An `ARG` or `ENV` name looks like a secret",
    doc: include_str!("../../../rules/secret-in-arg-or-env.md"),
};

/// Names hadolint knows to hold secrets (compared in uppercase).
#[rustfmt::skip]
const KNOWN_NAMES: &[&str] = &[
    "ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "BITTREX_API_KEY", "BITTREX_API_SECRET", "CF_PASSWORD",
    "CF_USERNAME", "CIRCLE_TOKEN", "CI_DEPLOY_PASSWORD", "CI_DEPLOY_USER", "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL", "DOCKER_PASSWORD", "DOCKER_USERNAME", "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET", "FIREBASE_API_TOKEN", "FIREBASE_TOKEN",
    "FOSSA_API_KEY", "GH_ENTERPRISE_TOKEN", "GH_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GITHUB_TOKEN",
    "HEROKU_API_KEY", "HEROKU_API_USER", "NPM_AUTH_TOKEN", "NPM_TOKEN", "OKTA_AUTHN_GROUPID",
    "OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN", "OKTA_OAUTH2_CLIENTID", "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY", "OS_PASSWORD", "OS_USERNAME", "POSTGRES_PASSWORD", "SLACK_TOKEN",
    "STRIPE_API_KEY", "STRIPE_DEVICE_NAME", "TRAVIS_OS_NAME", "TRAVIS_SECURE_ENV_VARS",
    "TRAVIS_SUDO", "VAULT_CLIENT_KEY", "VAULT_TOKEN",
];

/// Text hadolint finds anywhere in a lowercased name.
const SUSPICIOUS_PARTS: &[&str] = &[
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
    "username",
];

/// `_`-separated words BuildKit takes as a secret (case-insensitive)...
const SECRET_WORDS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];

/// ... unless one of these words is in the name too.
const ALLOWED_WORDS: &[&str] = &["public", "file", "version"];

/// Whether `word` occurs in `name` (lowercased) at the start or after `_`,
/// and at the end or before `_`.
fn has_word(name: &str, word: &str) -> bool {
    name.match_indices(word).any(|(i, _)| {
        let end = i + word.len();
        (i == 0 || name.as_bytes()[i - 1] == b'_')
            && (end == name.len() || name.as_bytes()[end] == b'_')
    })
}

/// Whether hadolint or BuildKit takes `name` for the name of a secret.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let lower = name.to_ascii_lowercase();
    let hadolint =
        KNOWN_NAMES.contains(&upper.as_str()) || SUSPICIOUS_PARTS.iter().any(|p| lower.contains(p));
    let buildkit = SECRET_WORDS.iter().any(|w| has_word(&lower, w))
        && !ALLOWED_WORDS.iter().any(|w| has_word(&lower, w));
    hadolint || buildkit
}

impl Rule for SecretInArgOrEnv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions() {
            let inst = inst.effective();
            let names: Vec<(&str, Span)> = match (inst.keyword, &inst.args) {
                (Keyword::Arg, Args::Words(words)) => words
                    .iter()
                    .map(|w| {
                        let name = w.value.split('=').next().unwrap_or("");
                        let end = (w.span.start + name.len()).min(w.span.end);
                        (name, Span::new(w.span.start, end))
                    })
                    .collect(),
                (Keyword::Env, Args::Pairs(pairs)) => pairs
                    .iter()
                    .map(|kv| (kv.key.value.as_str(), kv.key.span))
                    .collect(),
                _ => continue,
            };
            for (name, span) in names {
                if looks_secret(name) {
                    out.push(cx.diag(
                        &META,
                        span,
                        format!(
                            "`{name}` looks like a secret: {} values are kept in the image's history; use a secret mount",
                            inst.keyword
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn secret_names() {
        for yes in [
            "GITHUB_TOKEN",
            "db_password",
            "API_KEY",
            "AUTH",
            "aws_secret_access_key",
            "PRIVATE_REGISTRY",
            "SECRET_FILE",
            "npm_token",
        ] {
            assert!(looks_secret(yes), "{yes}");
        }
        for no in [
            "NODE_VERSION",
            "PUBLIC_KEY",
            "KEYBOARD",
            "AUTHOR",
            "GPG_KEY_FILE",
            "PATH",
        ] {
            assert!(!looks_secret(no), "{no}");
        }
    }
}
