//! What a run of the linter is told: which rules, at what severity, with
//! which options. Built from `slipway.toml`, `.hadolint.yaml` and the command
//! line by the configuration layer; the linter only reads it.

use crate::diagnostic::Severity;
use crate::rules::{Options, RuleMeta};
use std::collections::HashMap;

/// Settings for linting one file.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Rules to run, by id (code, name, hadolint code, BuildKit name, or
    /// `ALL`); `None` runs the rules that are on by default.
    pub select: Option<Vec<String>>,
    /// Rules to run in addition to `select`.
    pub extend_select: Vec<String>,
    /// Rules not to run.
    pub ignore: Vec<String>,
    /// Severity overrides, by id.
    pub severity: Vec<(String, Severity)>,
    /// Rule options.
    pub options: Options,
    /// `--build-arg` values for variable expansion.
    pub build_args: HashMap<String, String>,
    /// Ignore `# hadolint ignore=` / `# slipway ignore=` comments.
    pub disable_ignore_pragma: bool,
    /// The stage to build (`--target`), by name or index; `None` builds the
    /// last stage. Rules about what ships judge the stages this one needs.
    pub target: Option<String>,
    /// `max-file-size`: the largest Dockerfile read, in bytes; `None` is
    /// [`crate::input::DEFAULT_MAX_FILE_SIZE`] (16 MiB).
    pub max_file_size: Option<u64>,
}

fn any_matches(ids: &[String], meta: &RuleMeta) -> bool {
    ids.iter()
        .any(|id| id.eq_ignore_ascii_case("ALL") || meta.matches(id))
}

impl Settings {
    /// The largest Dockerfile read, in bytes (`max-file-size`).
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
            .unwrap_or(crate::input::DEFAULT_MAX_FILE_SIZE)
    }

    /// Whether a rule runs (before the file's own `# check=` directive).
    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        let selected = match &self.select {
            Some(ids) => any_matches(ids, meta),
            None => meta.default_enabled,
        };
        (selected || any_matches(&self.extend_select, meta)) && !any_matches(&self.ignore, meta)
    }

    /// The severity of a rule's findings.
    pub fn severity(&self, meta: &RuleMeta) -> Severity {
        self.severity
            .iter()
            .rev()
            .find(|(id, _)| meta.matches(id))
            .map_or(meta.severity, |(_, s)| *s)
    }
}
