//! `slipway.toml` (or `.slipway.toml`): Slipway's own configuration.
//!
//! ```toml
//! select = ["ALL"]
//! extend-select = []
//! ignore = ["DL3008", "maintainer-deprecated"]
//! fail-on = "warning"
//! disable-ignore-pragma = false
//! max-image-size = "300MB"
//! max-file-size = "16MiB"
//!
//! [severity]
//! SW101 = "warning"
//!
//! [options]
//! trusted-registries = ["docker.io", "*.gcr.io"]
//!
//! [build-args]
//! VERSION = "1.2.3"
//! ```
//!
//! Unknown keys are errors, and so is a rule id that names no rule; each
//! error points at the key or value in the file.

use super::error::ConfigError;
use super::ids::{self, IdKind};
use super::{Config, FailOn, Format};
use crate::diagnostic::Severity;
use crate::rules::Options;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Raw {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    options: Options,
    #[serde(default)]
    build_args: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    disable_ignore_pragma: bool,
    max_image_size: Option<Spanned<toml::Value>>,
    max_file_size: Option<Spanned<toml::Value>>,
}

/// Parse and validate the text of a `slipway.toml`; `shown` names the file
/// in errors.
pub fn parse(text: &str, shown: &str) -> Result<Config, ConfigError> {
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim_end().to_string();
        let help = unknown_key_help(&message);
        ConfigError::at(
            format!("invalid configuration file {shown}"),
            shown,
            text,
            span,
            message,
        )
        .with_help_opt(help)
    })?;
    let at = |message: String, span: std::ops::Range<usize>, label: &str| {
        ConfigError::at(message, shown, text, span, label)
    };

    let check_ids = |list: &[Spanned<String>]| -> Result<Vec<String>, ConfigError> {
        list.iter()
            .map(|id| {
                check_id(id, shown, text)?;
                Ok(id.get_ref().clone())
            })
            .collect()
    };
    let select = raw.select.as_deref().map(check_ids).transpose()?;
    let extend_select = check_ids(&raw.extend_select)?;
    let ignore = check_ids(&raw.ignore)?;

    let fail_on = match &raw.fail_on {
        None => None,
        Some(v) => Some(v.get_ref().parse::<FailOn>().map_err(|_| {
            at(
                format!("invalid `fail-on` in {shown}"),
                v.span(),
                "not a severity",
            )
            .with_help("use one of error, warning, info, style, none")
        })?),
    };

    let mut severity: Vec<(&Spanned<String>, Severity)> = Vec::new();
    for (id, value) in &raw.severity {
        check_id(id, shown, text)?;
        let s = Severity::parse(value.get_ref()).ok_or_else(|| {
            at(
                format!("invalid severity for `{}` in {shown}", id.get_ref()),
                value.span(),
                "not a severity",
            )
            .with_help("use one of error, warning, info, style")
        })?;
        severity.push((id, s));
    }
    // In the order written: a later line wins over an earlier one.
    severity.sort_by_key(|(id, _)| id.span().start);

    let mut build_args = BTreeMap::new();
    for (name, value) in raw.build_args {
        let v = match value.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => {
                return Err(at(
                    format!("invalid build argument `{name}` in {shown}"),
                    value.span(),
                    "expected a string",
                ));
            }
        };
        build_args.insert(name, v);
    }

    let mut options = raw.options;
    let size = |key: &str, v: &Spanned<toml::Value>, example: &str| {
        let parsed = match v.get_ref() {
            toml::Value::String(s) => crate::model::size::parse_size(s),
            toml::Value::Integer(i) => u64::try_from(*i).map_err(|_| "a negative size".into()),
            _ => Err("not a size".into()),
        };
        parsed.map_err(|why| {
            at(format!("invalid `{key}` in {shown}"), v.span(), &why)
                .with_help(format!("write a size such as {example}"))
        })
    };
    if let Some(v) = &raw.max_image_size {
        options.max_image_size = Some(size(
            "max-image-size",
            v,
            "\"300MB\", \"1.5GB\" or \"512MiB\"",
        )?);
    }
    let max_file_size = match &raw.max_file_size {
        Some(v) => Some(size("max-file-size", v, "\"16MiB\" or \"64MB\"")?),
        None => None,
    };

    Ok(Config {
        path: None,
        format: Format::Slipway,
        select,
        extend_select,
        ignore,
        fail_on,
        severity: severity
            .into_iter()
            .map(|(id, s)| (id.get_ref().clone(), s))
            .collect(),
        options,
        build_args,
        disable_ignore_pragma: raw.disable_ignore_pragma,
        max_file_size,
        notes: Vec::new(),
    })
}

/// An id that names no rule is an error pointing at it.
fn check_id(id: &Spanned<String>, shown: &str, text: &str) -> Result<(), ConfigError> {
    if matches!(ids::classify(id.get_ref()), IdKind::All | IdKind::Rule(_)) {
        return Ok(());
    }
    let (message, help) = ids::unknown_message(id.get_ref());
    Err(ConfigError::at(
        format!("{message} in {shown}"),
        shown,
        text,
        id.span(),
        message,
    )
    .with_help_opt(help))
}

/// The top-level keys, for suggestions.
const KEYS: &[&str] = &[
    "select",
    "extend-select",
    "ignore",
    "fail-on",
    "severity",
    "options",
    "build-args",
    "disable-ignore-pragma",
    "max-image-size",
    "max-file-size",
    "trusted-registries",
    "label-schema",
    "strict-labels",
    "allowed-base-images",
];

/// `did you mean ...?` for toml's `unknown field `x`` message.
fn unknown_key_help(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let key = &rest[..rest.find('`')?];
    let normalized = key.replace('_', "-").to_ascii_lowercase();
    let (score, best) = KEYS
        .iter()
        .map(|k| (strsim::normalized_damerau_levenshtein(&normalized, k), *k))
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    if best == "trusted-registries"
        || best == "label-schema"
        || best == "strict-labels"
        || best == "allowed-base-images"
    {
        if score >= 0.6 {
            return Some(format!("did you mean `{best}`, under `[options]`?"));
        }
        return None;
    }
    (score >= 0.6).then(|| format!("did you mean `{best}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key() {
        let text = r#"
select = ["ALL"]
extend-select = ["SW101"]
ignore = ["DL4000"]
fail-on = "warning"
disable-ignore-pragma = true
max-image-size = "300MB"
max-file-size = "1MiB"

[severity]
workdir-relative-path = "info"
SW501 = "style"

[options]
trusted-registries = ["docker.io"]
label-schema = { maintainer = "email" }
strict-labels = true
allowed-base-images = ["alpine"]

[build-args]
VERSION = "1.2"
N = 3
"#;
        let c = parse(text, "slipway.toml").unwrap();
        assert_eq!(c.select, Some(vec!["ALL".to_string()]));
        assert_eq!(c.extend_select, ["SW101"]);
        assert_eq!(c.ignore, ["DL4000"]);
        assert_eq!(c.fail_on, Some(FailOn::Severity(Severity::Warning)));
        assert!(c.disable_ignore_pragma);
        assert_eq!(
            c.severity,
            [
                ("workdir-relative-path".to_string(), Severity::Info),
                ("SW501".to_string(), Severity::Style)
            ]
        );
        assert_eq!(c.options.trusted_registries, ["docker.io"]);
        assert_eq!(c.options.label_schema.len(), 1);
        assert!(c.options.strict_labels);
        assert_eq!(c.options.allowed_base_images, ["alpine"]);
        assert_eq!(c.options.max_image_size, Some(300_000_000));
        assert_eq!(
            parse("max-image-size = 1024\n", "x")
                .unwrap()
                .options
                .max_image_size,
            Some(1024)
        );
        assert_eq!(c.max_file_size, Some(1024 * 1024));
        assert_eq!(parse("", "x").unwrap().max_file_size, None);
        let text = "max-file-size = \"big\"\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert!(e.message().contains("max-file-size"), "{e:?}");
        assert_eq!(&text[e.span().unwrap()], "\"big\"", "{e:?}");
        assert_eq!(c.build_args["VERSION"], "1.2");
        assert_eq!(c.build_args["N"], "3");
        assert_eq!(parse("", "x").unwrap().format, Format::Slipway);
    }

    #[test]
    fn errors_point_at_the_key_or_value() {
        let text = "ignore = []\nselec = [\"SW501\"]\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "selec", "{e:?}");
        assert_eq!(e.help_text(), Some("did you mean `select`?"));

        let text = "ignore = [\"SW101\", \"SW5011\"]\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "\"SW5011\"", "{e:?}");
        assert!(e.message().contains("SW5011"));
        assert_eq!(e.help_text(), Some("did you mean `SW501`?"));

        let text = "[severity]\nSW501 = \"loud\"\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "\"loud\"", "{e:?}");

        let text = "[severity]\nmaintainer-deprecatd = \"info\"\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "maintainer-deprecatd", "{e:?}");

        let text = "fail-on = \"sometimes\"\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "\"sometimes\"", "{e:?}");

        let text = "[options]\ntrusted-registries = \"docker.io\"\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "\"docker.io\"", "{e:?}");

        let text = "[options]\nlabel-schema = { a = \"colour\" }\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "\"colour\"", "{e:?}");

        let text = "trusted-registries = []\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert_eq!(
            e.help_text(),
            Some("did you mean `trusted-registries`, under `[options]`?")
        );

        let text = "max-image-size = \"300 parsecs\"\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert_eq!(&text[e.span().unwrap()], "\"300 parsecs\"", "{e:?}");
        assert!(e.message().contains("max-image-size"), "{e:?}");

        let text = "[options]\nmax-image-size = \"300MB\"\n";
        assert!(parse(text, "slipway.toml").is_err());

        let text = "select = [\"SC2086\"]\n";
        let e = parse(text, "slipway.toml").unwrap_err();
        assert!(e.message().contains("ShellCheck"), "{e:?}");
    }
}
