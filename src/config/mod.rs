//! Configuration: `slipway.toml` / `.slipway.toml`, hadolint's
//! `.hadolint.yaml` as a fallback, and the command-line overrides on top,
//! resolved into the [`Settings`] of each file.
//!
//! * [`slipway`] reads `slipway.toml`; [`hadolint`] reads `.hadolint.yaml`.
//!   Both give a validated [`Config`], or a [`ConfigError`] that points at the
//!   offending key or value in the file.
//! * [`discover`] finds the configuration of each Dockerfile by walking up
//!   from its directory (the nearest file wins), caching what it finds per
//!   directory.
//! * [`resolve`] lays the command line ([`Overrides`]) over a [`Config`].
//!
//! This layer sits between the linter ([`Settings`]) and the CLI; it knows
//! nothing of either's output.

pub mod discover;
pub mod error;
pub mod hadolint;
pub mod ids;
pub mod slipway;

pub use discover::Resolver;
pub use error::ConfigError;

use crate::diagnostic::Severity;
use crate::rules::Options;
use crate::settings::Settings;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Which tool's configuration format a file is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// `slipway.toml` (or none at all).
    #[default]
    Slipway,
    /// hadolint's `.hadolint.yaml`.
    Hadolint,
}

/// When findings fail the run (exit code 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// A finding at or above this severity fails the run.
    Severity(Severity),
    /// Findings never fail the run.
    Never,
}

impl FailOn {
    /// Whether a finding of this severity fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            // `Severity` is ordered from most to least severe.
            FailOn::Severity(threshold) => severity <= threshold,
            FailOn::Never => false,
        }
    }

    /// The default for a configuration format: any finding fails for
    /// Slipway; hadolint's default threshold is `info`.
    pub fn default_for(format: Format) -> FailOn {
        match format {
            Format::Slipway => FailOn::Severity(Severity::Style),
            Format::Hadolint => FailOn::Severity(Severity::Info),
        }
    }
}

impl FromStr for FailOn {
    type Err = String;

    /// `error`, `warning`, `info`, `style` or `none`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("none") {
            return Ok(FailOn::Never);
        }
        Severity::parse(s)
            .map(FailOn::Severity)
            .ok_or_else(|| format!("`{s}` is not one of error, warning, info, style, none"))
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailOn::Severity(s) => f.write_str(s.as_str()),
            FailOn::Never => f.write_str("none"),
        }
    }
}

/// A configuration file, read and validated: every rule id in it is known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The file, or `None` for the built-in defaults.
    pub path: Option<PathBuf>,
    /// The format it was written in.
    pub format: Format,
    /// `select`: the rules to run instead of the default ones.
    pub select: Option<Vec<String>>,
    /// `extend-select`: rules to run in addition.
    pub extend_select: Vec<String>,
    /// `ignore` (hadolint: `ignored`): rules not to run.
    pub ignore: Vec<String>,
    /// `fail-on` (hadolint: `failure-threshold`).
    pub fail_on: Option<FailOn>,
    /// `[severity]` (hadolint: `override`), in the order written.
    pub severity: Vec<(String, Severity)>,
    /// `[options]` (hadolint: `trustedRegistries`, `label-schema`,
    /// `strict-labels`).
    pub options: Options,
    /// `[build-args]`.
    pub build_args: BTreeMap<String, String>,
    /// `disable-ignore-pragma`.
    pub disable_ignore_pragma: bool,
    /// `max-file-size`, in bytes: the largest Dockerfile read.
    pub max_file_size: Option<u64>,
    /// Things worth telling the user that are not errors (ShellCheck codes
    /// that are ignored, hadolint rules without an equivalent, ...).
    pub notes: Vec<String>,
}

impl Config {
    /// The defaults: no file.
    pub fn defaults() -> Config {
        Config::default()
    }
}

/// Read a configuration file, in the format its name says: `.yaml`/`.yml`
/// is hadolint's, anything else Slipway's TOML. `shown` is the name used in
/// messages.
pub fn load(path: &Path, shown: &str) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError::new(format!(
            "cannot read configuration file {shown}: {}",
            error::io_message(&e)
        ))
    })?;
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let mut config = if yaml {
        hadolint::parse(&text, shown)?
    } else {
        slipway::parse(&text, shown)?
    };
    config.path = Some(path.to_path_buf());
    Ok(config)
}

/// What the command line says about rules and exit codes; it wins over any
/// configuration file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--select`: replaces the file's `select` and `extend-select`.
    pub select: Option<Vec<String>>,
    /// `--extend-select`: added to the file's.
    pub extend_select: Vec<String>,
    /// `--ignore`: added to the file's.
    pub ignore: Vec<String>,
    /// `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// `--build-arg`, over the file's `[build-args]`.
    pub build_args: Vec<(String, String)>,
    /// `--target`: the stage to build.
    pub target: Option<String>,
    /// `--max-image-size`, in bytes: over the file's `max-image-size`.
    pub max_image_size: Option<u64>,
    /// `--max-file-size`, in bytes: over the file's `max-file-size`.
    pub max_file_size: Option<u64>,
}

impl Overrides {
    /// Check every rule id on the command line; the first unknown one is an
    /// error naming the option and suggesting a known id.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let lists = [
            ("--select", self.select.as_deref().unwrap_or_default()),
            ("--extend-select", &self.extend_select[..]),
            ("--ignore", &self.ignore[..]),
        ];
        for (option, ids) in lists {
            for id in ids {
                if matches!(ids::classify(id), ids::IdKind::All | ids::IdKind::Rule(_)) {
                    continue;
                }
                let (message, help) = ids::unknown_message(id);
                return Err(
                    ConfigError::new(format!("{message} (in {option})")).with_help_opt(help)
                );
            }
        }
        Ok(())
    }
}

/// The settings of one file and when its findings fail the run.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// What the linter is told.
    pub settings: Settings,
    /// When a finding fails the run.
    pub fail_on: FailOn,
    /// The configuration file these came from, if any.
    pub config: Option<PathBuf>,
    /// Its format.
    pub format: Format,
}

/// Lay the command line over a configuration.
///
/// * `--select` replaces the file's `select` and `extend-select`;
///   `--extend-select` and `--ignore` add to the file's lists.
/// * A rule named on the command line in `--select` or `--extend-select`
///   (by any of its ids, not through `ALL`) runs even when the file ignores it.
/// * `--fail-on` replaces `fail-on`; `--build-arg` values replace the file's;
///   `--max-image-size` replaces `max-image-size`, `--max-file-size`
///   `max-file-size`.
pub fn resolve(config: &Config, cli: &Overrides) -> Resolved {
    let (select, mut extend_select) = match &cli.select {
        Some(select) => (Some(select.clone()), Vec::new()),
        None => (config.select.clone(), config.extend_select.clone()),
    };
    extend_select.extend(cli.extend_select.iter().cloned());

    // The command line names these rules explicitly: the file cannot ignore them.
    let named: Vec<&str> = cli
        .select
        .iter()
        .flatten()
        .chain(&cli.extend_select)
        .filter_map(|id| match ids::classify(id) {
            ids::IdKind::Rule(code) => Some(code),
            _ => None,
        })
        .collect();
    let mut ignore: Vec<String> = if named.is_empty() {
        config.ignore.clone()
    } else {
        ids::codes(&config.ignore)
            .into_iter()
            .filter(|code| !named.contains(code))
            .map(str::to_string)
            .collect()
    };
    ignore.extend(cli.ignore.iter().cloned());

    let mut build_args: std::collections::HashMap<String, String> = config
        .build_args
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    build_args.extend(cli.build_args.iter().cloned());

    let mut options = config.options.clone();
    if cli.max_image_size.is_some() {
        options.max_image_size = cli.max_image_size;
    }

    Resolved {
        settings: Settings {
            select,
            extend_select,
            ignore,
            severity: config.severity.clone(),
            options,
            build_args,
            disable_ignore_pragma: config.disable_ignore_pragma,
            target: cli.target.clone(),
            max_file_size: cli.max_file_size.or(config.max_file_size),
        },
        fail_on: cli
            .fail_on
            .or(config.fail_on)
            .unwrap_or(FailOn::default_for(config.format)),
        config: config.path.clone(),
        format: config.format,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    fn meta(code: &str) -> &'static crate::rules::RuleMeta {
        rules::by_code(code).unwrap().meta()
    }

    #[test]
    fn fail_on_thresholds() {
        let warning = FailOn::Severity(Severity::Warning);
        assert!(warning.fails(Severity::Error));
        assert!(warning.fails(Severity::Warning));
        assert!(!warning.fails(Severity::Info));
        assert!(!FailOn::Never.fails(Severity::Error));
        assert_eq!("NONE".parse::<FailOn>(), Ok(FailOn::Never));
        assert_eq!(
            "style".parse::<FailOn>(),
            Ok(FailOn::Severity(Severity::Style))
        );
        assert!("bogus".parse::<FailOn>().is_err());
        assert_eq!(
            FailOn::default_for(Format::Hadolint),
            FailOn::Severity(Severity::Info)
        );
    }

    #[test]
    fn command_line_wins() {
        let config = Config {
            select: Some(vec!["SW101".into()]),
            extend_select: vec!["SW501".into()],
            ignore: vec!["maintainer-deprecated".into()],
            fail_on: Some(FailOn::Never),
            ..Config::default()
        };
        // Nothing on the command line: the file's lists.
        let r = resolve(&config, &Overrides::default());
        assert!(r.settings.enabled(meta("SW101")));
        assert!(!r.settings.enabled(meta("SW501")));
        assert_eq!(r.fail_on, FailOn::Never);

        // --extend-select names the ignored rule: it runs.
        let cli = Overrides {
            extend_select: vec!["DL4000".into()],
            fail_on: Some(FailOn::Severity(Severity::Error)),
            ..Overrides::default()
        };
        let r = resolve(&config, &cli);
        assert!(r.settings.enabled(meta("SW501")));
        assert_eq!(r.fail_on, FailOn::Severity(Severity::Error));

        // --select replaces select and extend-select; --ignore adds.
        let cli = Overrides {
            select: Some(vec!["SW501".into()]),
            ignore: vec!["SW101".into()],
            ..Overrides::default()
        };
        let r = resolve(&config, &cli);
        assert!(r.settings.enabled(meta("SW501")));
        assert!(!r.settings.enabled(meta("SW101")));

        // ALL does not override an explicit ignore in the file.
        let cli = Overrides {
            select: Some(vec!["ALL".into()]),
            ..Overrides::default()
        };
        let r = resolve(&config, &cli);
        assert!(!r.settings.enabled(meta("SW501")));
        assert!(r.settings.enabled(meta("SW101")));
    }

    #[test]
    fn unknown_ids_on_the_command_line() {
        let cli = Overrides {
            ignore: vec!["SW501".into(), "maintainer-deprecatd".into()],
            ..Overrides::default()
        };
        let e = cli.validate().unwrap_err();
        assert!(e.message().contains("maintainer-deprecatd"), "{e}");
        assert!(e.message().contains("--ignore"), "{e}");
        assert_eq!(e.help_text(), Some("did you mean `maintainer-deprecated`?"));
    }
}
