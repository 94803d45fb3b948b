//! hadolint's `.hadolint.yaml`, read when there is no `slipway.toml`, so that
//! a project moving from hadolint keeps its configuration.
//!
//! | hadolint key | Slipway |
//! | --- | --- |
//! | `ignored` | `ignore` |
//! | `override.{error,warning,info,style}` | `[severity]` |
//! | `trustedRegistries` (a string or a list) | `options.trusted-registries` |
//! | `label-schema` | `options.label-schema` |
//! | `strict-labels` | `options.strict-labels` |
//! | `failure-threshold` (`ignore` and `none`: never fail) | `fail-on` |
//! | `disable-ignore-pragma` | `disable-ignore-pragma` |
//! | `format`, `formats`, `no-color`, `no-fail`, `verbose` | ignored |
//!
//! ShellCheck codes (`SC2086`) and hadolint rules Slipway has no equivalent
//! of are dropped with a note; any other id that names no rule is an error.
//! Other unknown keys are dropped with a note, as hadolint ignores them too.

use super::error::ConfigError;
use super::ids::{self, IdKind};
use super::{Config, FailOn, Format};
use crate::diagnostic::Severity;
use crate::rules::options::LabelType;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Raw {
    ignored: Option<Vec<String>>,
    #[serde(rename = "override")]
    overrides: Option<Override>,
    #[serde(
        rename = "trustedRegistries",
        default,
        deserialize_with = "one_or_many"
    )]
    trusted_registries: Option<Vec<String>>,
    label_schema: Option<BTreeMap<String, LabelType>>,
    strict_labels: Option<bool>,
    failure_threshold: Option<String>,
    disable_ignore_pragma: Option<bool>,
}

/// `override:`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Override {
    error: Option<Vec<String>>,
    warning: Option<Vec<String>>,
    info: Option<Vec<String>>,
    style: Option<Vec<String>>,
}

/// Keys hadolint knows that are about its own output: accepted, unused.
const TOLERATED: &[&str] = &["format", "formats", "no-color", "no-fail", "verbose"];

/// Keys this module reads.
const KNOWN: &[&str] = &[
    "ignored",
    "override",
    "trustedRegistries",
    "label-schema",
    "strict-labels",
    "failure-threshold",
    "disable-ignore-pragma",
];

/// A string or a list of strings.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Vec<String>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a registry or a list of registries")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(vec![v.to_string()]))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(Some(out))
        }
    }
    d.deserialize_any(V)
}

/// Parse and validate the text of a `.hadolint.yaml`; `shown` names the file
/// in errors and notes.
pub fn parse(text: &str, shown: &str) -> Result<Config, ConfigError> {
    let value: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| yaml_error(&e, text, shown))?;
    let mut notes = Vec::new();
    let raw: Raw = match &value {
        serde_yaml_ng::Value::Null => Raw::default(),
        serde_yaml_ng::Value::Mapping(map) => {
            for key in map.keys() {
                let Some(k) = key.as_str() else { continue };
                if !KNOWN.contains(&k) && !TOLERATED.contains(&k) {
                    notes.push(format!("{shown}: unknown key `{k}` is ignored"));
                }
            }
            serde_yaml_ng::from_str(text).map_err(|e| yaml_error(&e, text, shown))?
        }
        _ => {
            return Err(ConfigError::at(
                format!("invalid configuration file {shown}"),
                shown,
                text,
                token_at(text, 0),
                "expected a mapping of keys (`ignored:`, `override:`, ...)",
            ));
        }
    };

    let mut shellcheck = Vec::new();
    let mut without_equivalent = Vec::new();
    // Keep the ids that name rules; note or reject the others.
    let mut keep = |ids: Vec<String>, key: &str| -> Result<Vec<String>, ConfigError> {
        let mut out = Vec::new();
        for id in ids {
            match ids::classify(&id) {
                IdKind::All | IdKind::Rule(_) => out.push(id),
                IdKind::ShellCheck => shellcheck.push(id),
                IdKind::HadolintOnly => without_equivalent.push(id),
                IdKind::Unknown(suggestion) => {
                    let span = find_token(text, &id).unwrap_or(0..0);
                    return Err(ConfigError::at(
                        format!("unknown rule `{id}` in `{key}` in {shown}"),
                        shown,
                        text,
                        span,
                        "unknown rule",
                    )
                    .with_help_opt(suggestion.map(|s| format!("did you mean `{s}`?"))));
                }
            }
        }
        Ok(out)
    };

    let ignore = keep(raw.ignored.unwrap_or_default(), "ignored")?;
    let mut severity = Vec::new();
    if let Some(o) = raw.overrides {
        for (list, s, key) in [
            (o.error, Severity::Error, "override.error"),
            (o.warning, Severity::Warning, "override.warning"),
            (o.info, Severity::Info, "override.info"),
            (o.style, Severity::Style, "override.style"),
        ] {
            for id in keep(list.unwrap_or_default(), key)? {
                severity.push((id, s));
            }
        }
    }

    let fail_on = match raw.failure_threshold {
        None => None,
        Some(t) if t.eq_ignore_ascii_case("ignore") || t.eq_ignore_ascii_case("none") => {
            Some(FailOn::Never)
        }
        Some(t) => match Severity::parse(&t) {
            Some(s) => Some(FailOn::Severity(s)),
            None => {
                let span = find_token(text, &t).unwrap_or(0..0);
                return Err(ConfigError::at(
                    format!("invalid `failure-threshold` in {shown}"),
                    shown,
                    text,
                    span,
                    "not a severity",
                )
                .with_help("use one of error, warning, info, style, ignore, none"));
            }
        },
    };

    if !shellcheck.is_empty() {
        notes.push(format!(
            "{shown}: {} ignored: Slipway does not run ShellCheck",
            list("ShellCheck code", &shellcheck)
        ));
    }
    if !without_equivalent.is_empty() {
        notes.push(format!(
            "{shown}: {} ignored: Slipway has no equivalent rule",
            list("hadolint rule", &without_equivalent)
        ));
    }

    let mut config = Config {
        format: Format::Hadolint,
        ignore,
        severity,
        fail_on,
        disable_ignore_pragma: raw.disable_ignore_pragma.unwrap_or(false),
        notes,
        ..Config::default()
    };
    config.options.trusted_registries = raw.trusted_registries.unwrap_or_default();
    config.options.label_schema = raw.label_schema.unwrap_or_default();
    config.options.strict_labels = raw.strict_labels.unwrap_or(false);
    Ok(config)
}

/// `ShellCheck code SC2086` / `ShellCheck codes SC2086, SC2046`.
fn list(what: &str, ids: &[String]) -> String {
    let s = if ids.len() == 1 { "" } else { "s" };
    format!("{what}{s} {}", ids.join(", "))
}

/// A YAML error as a report pointing at where the parser stopped.
fn yaml_error(e: &serde_yaml_ng::Error, text: &str, shown: &str) -> ConfigError {
    let mut message = e.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    let span = match e.location() {
        Some(loc) => token_at(text, offset_of(text, loc.line(), loc.column())),
        None => 0..0,
    };
    ConfigError::at(
        format!("invalid configuration file {shown}"),
        shown,
        text,
        span,
        message,
    )
}

/// The byte offset of a 1-based line and a 1-based column counted in
/// characters (clamped to the text).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let end = line_text.find('\n').unwrap_or(line_text.len());
    line_text[..end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(start + end, |(i, _)| start + i)
}

/// The token that starts at `offset`: a quoted string, a key (up to its
/// `:`), or a plain value (up to the end of the line or a comment).
fn token_at(text: &str, offset: usize) -> std::ops::Range<usize> {
    let rest = &text[offset..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let len = if let Some(q @ ('"' | '\'')) = line.chars().next() {
        line[1..].find(q).map_or(line.len(), |i| i + 2)
    } else {
        let mut end = line.len();
        for pat in [": ", " #", ",", "]", "}"] {
            if let Some(i) = line.find(pat) {
                end = end.min(i);
            }
        }
        if line.ends_with(':') {
            end = end.min(line.len() - 1);
        }
        line[..end].trim_end().len()
    };
    offset..offset + len
}

/// Where `token` first appears as a whole word outside comments.
fn find_token(text: &str, token: &str) -> Option<std::ops::Range<usize>> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.';
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        // Cut a comment: `#` at the start or after whitespace.
        let code_end = line
            .char_indices()
            .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with([' ', '\t'])))
            .map_or(line.len(), |(i, _)| i);
        let code = &line[..code_end];
        let mut from = 0;
        while let Some(i) = code[from..].find(token) {
            let start = from + i;
            let end = start + token.len();
            let before = code[..start].chars().next_back();
            let after = code[end..].chars().next();
            if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
                return Some(line_start + start..line_start + end);
            }
            from = end;
        }
        line_start += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::options::LabelType;

    #[test]
    fn every_key() {
        let text = "\
# hadolint's configuration
ignored:
  - DL4000
  - SC2086
override:
  warning:
    - DL3000
  style: [SW501]
trustedRegistries: docker.io
label-schema:
  author: text
  url: url
strict-labels: true
failure-threshold: warning
disable-ignore-pragma: true
format: json
no-color: true
no-fail: false
verbose: true
";
        let c = parse(text, ".hadolint.yaml").unwrap();
        assert_eq!(c.format, Format::Hadolint);
        assert_eq!(c.ignore, ["DL4000"]);
        assert_eq!(
            c.severity,
            [
                ("DL3000".to_string(), Severity::Warning),
                ("SW501".to_string(), Severity::Style)
            ]
        );
        assert_eq!(c.options.trusted_registries, ["docker.io"]);
        assert_eq!(c.options.label_schema["url"], LabelType::Url);
        assert!(c.options.strict_labels);
        assert_eq!(c.fail_on, Some(FailOn::Severity(Severity::Warning)));
        assert!(c.disable_ignore_pragma);
        assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
        assert!(c.notes[0].contains("SC2086"), "{:?}", c.notes);

        let c = parse(
            "trustedRegistries: [a.io, b.io]\nfailure-threshold: none\n",
            "h",
        )
        .unwrap();
        assert_eq!(c.options.trusted_registries, ["a.io", "b.io"]);
        assert_eq!(c.fail_on, Some(FailOn::Never));
        let c = parse("", "h").unwrap();
        assert_eq!(c.fail_on, None);
        assert_eq!(c.format, Format::Hadolint);
        let c = parse("# nothing\n", "h").unwrap();
        assert!(c.ignore.is_empty());
        let c = parse("something-else: 1\n", "h").unwrap();
        assert!(c.notes[0].contains("something-else"), "{:?}", c.notes);
    }

    #[test]
    fn errors_point_into_the_file() {
        let text = "ignored:\n  - DL4000\n  - maintainer-deprecatd # typo\n";
        let e = parse(text, ".hadolint.yaml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "maintainer-deprecatd", "{e:?}");
        assert_eq!(e.help_text(), Some("did you mean `maintainer-deprecated`?"));

        let text = "override:\n  fatal:\n    - DL4000\n";
        let e = parse(text, ".hadolint.yaml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "fatal", "{e:?}");

        let text = "ignored: DL4000\n";
        let e = parse(text, ".hadolint.yaml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "DL4000", "{e:?}");

        let text = "label-schema:\n  author: colour\n";
        let e = parse(text, ".hadolint.yaml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "colour", "{e:?}");

        let text = "failure-threshold: loud\n";
        let e = parse(text, ".hadolint.yaml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "loud", "{e:?}");

        let text = "ignored: [DL4000\n";
        let e = parse(text, ".hadolint.yaml").unwrap_err();
        assert!(e.span().is_some(), "{e:?}");

        let text = "- a\n- b\n";
        assert!(parse(text, ".hadolint.yaml").is_err());
    }

    #[test]
    fn tokens() {
        let text = "a: DL3000x # DL3000\nb: [DL3000]\n";
        assert_eq!(find_token(text, "DL3000"), Some(24..30));
        assert_eq!(offset_of("ab\ncdé f", 2, 5), 8);
        assert_eq!(token_at("key: value\n", 0), 0..3);
        assert_eq!(token_at("x: \"a b\" # c\n", 3), 3..8);
    }
}
