//! Slipway: a Dockerfile linter and multi-stage optimizer.
//!
//! The crate is layered; each layer depends only on the ones above it:
//!
//! * [`syntax`]: text to a span-carrying tree, faithful to BuildKit's parser;
//! * [`glob`]: the one path-pattern matcher (`filepath.Match`, `.dockerignore`,
//!   shell patterns), bounded in time;
//! * [`model`]: the semantic model built once per file (stages, their graph,
//!   ARG/ENV scopes, variable expansion, image references);
//! * [`rules`]: the rule engine and every rule, producing [`Diagnostic`]s;
//! * [`fix`]: applying the rules' fixes ([`fix_file`]);
//! * [`render`]: diagnostics to people and machines.
//!
//! See `ARCHITECTURE.md` for the map and the invariants.

#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod fix;
pub mod fleet;
pub mod glob;
pub mod input;
pub mod lsp;
pub mod model;
pub mod render;
pub mod syntax;

pub mod rules;
pub mod settings;
pub mod shell;
pub mod split;
pub mod verify;

pub use diagnostic::{Diagnostic, Severity};
pub use fix::{FixOutcome, Policy, fix_file};
pub use settings::Settings;

/// Lint Dockerfile source text with the default settings.
pub fn lint(source: &str) -> Vec<Diagnostic> {
    lint_with(source, &Settings::default())
}

/// What the linter knows about a file besides its text.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileInfo<'a> {
    /// The patterns of the build context's `.dockerignore`, when known.
    pub dockerignore: Option<&'a [String]>,
    /// The build context directory, when the file is on disk. With a context
    /// and no `dockerignore`, the context has no `.dockerignore` at all.
    pub context: Option<&'a std::path::Path>,
}

/// Lint Dockerfile source text: syntax errors and every enabled rule's
/// findings, after suppression comments, sorted by position.
pub fn lint_with(source: &str, settings: &Settings) -> Vec<Diagnostic> {
    lint_file(source, settings, FileInfo::default())
}

/// [`lint_with`], with what is known about the file's surroundings.
pub fn lint_file(source: &str, settings: &Settings, info: FileInfo<'_>) -> Vec<Diagnostic> {
    let parse = syntax::parse(source);
    let mut out: Vec<Diagnostic> = parse.errors.iter().map(Diagnostic::from).collect();
    let file = &parse.dockerfile;
    let model = model::Model::build(file, &settings.build_args);
    let pragmas = rules::suppress::pragmas(source, file);
    let cx = rules::Context::new(
        source,
        file,
        &model,
        &settings.options,
        pragmas.shell.as_deref(),
    )
    .with_dockerignore(info.dockerignore)
    .with_context(info.context)
    .with_target(settings.target.as_deref());
    let skip_all = pragmas.check_skip.iter().any(|s| s == "all");
    let experimental_all = pragmas.check_experimental.iter().any(|s| s == "all");
    let mut found = Vec::new();
    for rule in rules::RULES.iter() {
        let meta = rule.meta();
        let buildkit = !meta.buildkit.is_empty();
        // BuildKit check names are case-sensitive in `# check=`.
        let named = |list: &[String]| meta.buildkit.iter().any(|b| list.iter().any(|n| n == b));
        let experimental_on = buildkit && (experimental_all || named(&pragmas.check_experimental));
        if !(settings.enabled(meta) || experimental_on) {
            continue;
        }
        if buildkit && (skip_all || named(&pragmas.check_skip)) {
            continue;
        }
        let severity = if buildkit && pragmas.check_error {
            Severity::Error
        } else {
            settings.severity(meta)
        };
        found.clear();
        rule.check(&cx, &mut found);
        for mut d in found.drain(..) {
            if !settings.disable_ignore_pragma && pragmas.silences(&d, &|id| meta.matches(id)) {
                continue;
            }
            d.severity = severity;
            out.push(d);
        }
    }
    out.sort_by(|a, b| (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code)));
    out
}
