//! `slipway fleet`: every service of a repository at once (see
//! [`crate::fleet`]): sizes, findings, savings, a cost model, base-image
//! consolidation, the services a change rebuilds, and a Bake plan.

use super::Status;
use super::discover::is_dockerfile_name;
use super::output::{self, ColorChoice, ToolError};
use crate::config::{Overrides, Resolver};
use crate::fleet::sources::{self, Service, relative, show};
use crate::fleet::{self, CostParams, Family, ServiceReport, Totals, plan};
use crate::model::size::format_bytes;
use serde_json::json;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output formats of `fleet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FleetFormat {
    /// A table of services, then totals, the cost model and consolidation.
    Human,
    /// One JSON document (bytes).
    Json,
    /// Markdown, for a pull-request comment.
    Markdown,
    /// The services' names, one a line (with --changed-since: the changed ones).
    Names,
    /// A GitHub Actions matrix: `{"include": [{"service", "context", "dockerfile"}]}`.
    Matrix,
}

/// Build plans `fleet --emit` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Emit {
    /// A docker-bake.hcl for `docker buildx bake`.
    Bake,
    /// The same plan as docker-bake.json (also `--bake`).
    BakeJson,
}

/// Arguments of `slipway fleet`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Services: every Dockerfile under PATH (honoring .gitignore, as `slipway check` finds them), \
its directory being its build context, and the `build:` entries of compose.yaml / \
docker-compose.yml and the targets of docker-bake.json, which name a context and a \
Dockerfile. Bake's HCL form is not read (a note says so).

Sizes are the estimates of `slipway size` (uncompressed, decimal units). \"After\" is the image \
once the safe fixes are applied and, for a single-stage file, `slipway split` has rewritten it. \
The cost model counts the layers of a base image once: each build pushes, and each node pulls, \
only what a service adds on top of its base image.

--changed-since REV keeps the services whose Dockerfile or build context changed since REV \
(`git diff --name-only REV` plus new files), honoring each context's .dockerignore, and the \
services that use their images (FROM, COPY --from).

--emit bake writes a docker-bake.hcl (--emit bake-json, or --bake, the same plan as \
docker-bake.json) for `docker buildx bake -f FILE`, run from PATH (the plan's contexts are \
relative to it): one target per service (with --changed-since, per changed service) with its \
context, Dockerfile, stage, tags, platforms and cache, and a `default` group of them all. \
Target names are the services' names reduced to letters, digits, `-` and `_`, made unique.

Exit status: 0 the report was printed (also when some Dockerfiles do not parse: the report \
says so), 2 PATH is not a directory, Git failed, or a configuration is bad.")]
pub struct FleetArgs {
    /// The repository (a directory) [default: .]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FleetFormat::Human)]
    pub format: FleetFormat,
    /// Builds of each service per day, for the cost model.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 24,
        help_heading = "Cost model"
    )]
    pub builds_per_day: u64,
    /// Nodes that pull each new image, for the cost model.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        help_heading = "Cost model"
    )]
    pub pulls_per_build: u64,
    /// Days images are kept in the registry, for the cost model.
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 30,
        help_heading = "Cost model"
    )]
    pub retention_days: u64,
    /// Only the services whose Dockerfile or build context changed since this Git revision.
    #[arg(long, value_name = "REV", help_heading = "Changes and builds")]
    pub changed_since: Option<String>,
    /// Write a build plan for the services instead of the report (with --changed-since: the changed ones).
    #[arg(
        long,
        value_enum,
        value_name = "PLAN",
        group = "plan",
        help_heading = "Changes and builds"
    )]
    pub emit: Option<Emit>,
    /// The same as `--emit bake-json`: print a docker-bake.json.
    #[arg(long, group = "plan", help_heading = "Changes and builds")]
    pub bake: bool,
    /// With --emit: tag images `<REGISTRY>/<target>:latest` (a Compose `image:` or Bake tag wins).
    #[arg(
        long,
        value_name = "REGISTRY",
        requires = "plan",
        help_heading = "Changes and builds"
    )]
    pub registry: Option<String>,
    /// With --emit: the build cache, `gha` (GitHub Actions, a scope per target) or a registry prefix (`<PREFIX>/<target>:cache`).
    #[arg(
        long,
        value_name = "CACHE",
        requires = "plan",
        help_heading = "Changes and builds"
    )]
    pub cache: Option<String>,
    /// With --emit: the platforms of targets whose service declares none (Compose `build.platforms`, Bake `platforms`); comma-separated or repeated.
    #[arg(
        long,
        value_name = "PLATFORM",
        value_delimiter = ',',
        requires = "plan",
        help_heading = "Changes and builds"
    )]
    pub platform: Vec<String>,
    /// Write the report or plan to this file instead of standard output (created or replaced).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Use this configuration file for every Dockerfile.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "isolated",
        help_heading = "Configuration"
    )]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long, help_heading = "Configuration")]
    pub isolated: bool,
    /// When to color error messages.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// What was found under the root.
#[derive(Default)]
struct Found {
    dockerfiles: Vec<PathBuf>,
    compose: Vec<PathBuf>,
    bake: Vec<PathBuf>,
    warnings: Vec<String>,
}

fn walk(root: &Path) -> Found {
    let mut found = Found::default();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && matches!(e.file_name().to_str(), Some(".git" | ".hg" | ".svn")))
        })
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                found.warnings.push(e.to_string());
                continue;
            }
        };
        let is_file = entry.file_type().is_some_and(|t| t.is_file())
            || (entry.file_type().is_some_and(|t| t.is_symlink())
                && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()));
        if !is_file {
            continue;
        }
        let Some(name) = entry.file_name().to_str() else {
            continue;
        };
        let path = entry.path().to_path_buf();
        if is_dockerfile_name(name) {
            found.dockerfiles.push(path);
        } else if sources::is_compose_name(name) {
            found.compose.push(path);
        } else if sources::is_bake_name(name) {
            found.bake.push(path);
        }
    }
    found.dockerfiles.sort();
    found.compose.sort();
    found.bake.sort();
    found
}

/// The services under `root`, and notes on what was skipped.
pub fn services(root: &Path) -> (Vec<Service>, Vec<String>) {
    let found = walk(root);
    let mut notes = found.warnings;
    let mut declared = Vec::new();
    for path in found.compose.iter().chain(&found.bake) {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                notes.push(format!("{}: not read: {e}", show(&relative(path, root))));
                continue;
            }
        };
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if sources::is_compose_name(name) {
            declared.extend(sources::compose_services(path, root, &text, &mut notes));
        } else {
            declared.extend(sources::bake_services(path, root, &text, &mut notes));
        }
    }
    (sources::merge(declared, &found.dockerfiles, root), notes)
}

/// What `fleet` prints: the report or plan, and notes for standard error
/// (for a plan or a list, which have no place for them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetOutput {
    /// The text for standard output (or `--output`).
    pub text: String,
    /// Notes on what was skipped, for standard error.
    pub notes: Vec<String>,
}

/// Run `fleet`: print [`report`]'s text (to `--output` if given) and its
/// notes.
pub fn run(args: &FleetArgs) -> Status {
    let out = match report(args) {
        Ok(out) => out,
        Err(e) => {
            output::report(args.color, &*e);
            return Status::Error;
        }
    };
    if !out.notes.is_empty() {
        let mut err = std::io::stderr().lock();
        for n in &out.notes {
            let _ = writeln!(err, "note: {n}");
        }
    }
    if output::with_output(args.output.as_deref(), args.color, |w| {
        w.write_all(out.text.as_bytes())
    }) {
        Status::Clean
    } else {
        Status::Error
    }
}

/// Everything `slipway fleet` does but printing: find the services under
/// the path, keep the changed ones (`--changed-since`), and write the plan
/// (`--emit`), the list (`--format names|matrix`) or the report (analyzing
/// every service in parallel). The error is why nothing could be written
/// (not a directory, a bad configuration, Git failed).
pub fn report(args: &FleetArgs) -> Result<FleetOutput, Box<dyn miette::Diagnostic>> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        return Err(Box::new(ToolError::new(format!(
            "{} is not a directory",
            show(&root)
        ))));
    }
    let resolver = if args.isolated {
        Resolver::isolated(Overrides::default())
    } else if let Some(path) = &args.config {
        Resolver::explicit(path, Overrides::default()).map_err(|e| Box::new(e) as Box<_>)?
    } else {
        Resolver::discover(Overrides::default())
    };
    let (all, mut notes) = services(&root);

    // --changed-since: keep the services a change rebuilds.
    let mut changed: Option<Vec<plan::Changed>> = None;
    let services: Vec<Service> = match &args.changed_since {
        Some(rev) => {
            let files = plan::changed_files(&root, rev)
                .map_err(|e| Box::new(ToolError::new(e)) as Box<_>)?;
            let c = fleet::changed(&all, &root, &files);
            let keep: Vec<Service> = all
                .iter()
                .filter(|s| c.iter().any(|x| x.name == s.name))
                .cloned()
                .collect();
            changed = Some(c);
            keep
        }
        None => all,
    };

    let emit = args.emit.or(args.bake.then_some(Emit::BakeJson));
    if let Some(emit) = emit {
        let refs: Vec<&Service> = services.iter().collect();
        let options = plan::BakeOptions {
            registry: args.registry.clone(),
            cache: args.cache.as_deref().map(plan::Cache::parse),
            platforms: args.platform.clone(),
        };
        let plan = fleet::bake(&refs, &root, &options);
        let text = match emit {
            Emit::Bake => plan.to_hcl(),
            Emit::BakeJson => format!(
                "{}\n",
                serde_json::to_string_pretty(&plan.to_json()).unwrap_or_default()
            ),
        };
        return Ok(FleetOutput { text, notes });
    }
    match args.format {
        FleetFormat::Names => {
            let mut text = String::new();
            for s in &services {
                let _ = writeln!(text, "{}", s.name);
            }
            return Ok(FleetOutput {
                text,
                notes: Vec::new(),
            });
        }
        FleetFormat::Matrix => {
            let include: Vec<serde_json::Value> = services
                .iter()
                .map(|s| {
                    json!({
                        "service": s.name,
                        "context": show(&relative(&s.context, &root)),
                        "dockerfile": show(&relative(&s.dockerfile, &root)),
                    })
                })
                .collect();
            return Ok(FleetOutput {
                text: format!("{}\n", json!({ "include": include })),
                notes: Vec::new(),
            });
        }
        _ => {}
    }

    let settings = |path: &Path| -> Result<crate::Settings, String> {
        resolver
            .for_file(path)
            .map(|r| r.settings.clone())
            .map_err(|e| e.to_string())
    };
    let reports = fleet::analyze_all(services, &settings);
    notes.extend(resolver.take_notes());
    let params = CostParams {
        builds_per_day: args.builds_per_day,
        pulls_per_build: args.pulls_per_build,
        retention_days: args.retention_days,
    };
    let view = View {
        root: &root,
        totals: fleet::totals(&reports),
        before: fleet::cost(&reports, params, false),
        after: fleet::cost(&reports, params, true),
        families: fleet::consolidation(&reports),
        reports: &reports,
        params,
        changed: changed.as_deref(),
        since: args.changed_since.as_deref(),
        notes: &notes,
    };
    let text = match args.format {
        FleetFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&to_json(&view)).unwrap_or_default()
        ),
        FleetFormat::Markdown => markdown(&view),
        _ => human(&view),
    };
    Ok(FleetOutput {
        text,
        notes: Vec::new(),
    })
}

struct View<'a> {
    root: &'a Path,
    reports: &'a [ServiceReport],
    totals: Totals,
    before: fleet::Cost,
    after: fleet::Cost,
    families: Vec<Family>,
    params: CostParams,
    changed: Option<&'a [plan::Changed]>,
    since: Option<&'a str>,
    notes: &'a [String],
}

fn rel(view: &View<'_>, p: &Path) -> String {
    show(&relative(p, view.root))
}

fn size_cell(r: &ServiceReport) -> String {
    r.size.map_or_else(|| "-".into(), |s| s.show())
}

fn after_cell(r: &ServiceReport) -> String {
    r.after
        .as_ref()
        .map_or_else(|| "-".into(), |a| a.size.show())
}

fn savings_cell(r: &ServiceReport) -> String {
    if r.error.is_some() {
        return "-".into();
    }
    match r.after.as_ref().and_then(|a| a.savings) {
        Some(0) => "0".into(),
        Some(s) if s > 0 => format_bytes(s as u64),
        Some(s) => format!("-{}", format_bytes(s.unsigned_abs())),
        None => "unknown".into(),
    }
}

fn findings_cell(counts: &[usize; 4]) -> String {
    let parts: Vec<String> = ["E", "W", "I", "S"]
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(l, n)| format!("{n}{l}"))
        .collect();
    if parts.is_empty() {
        "0".into()
    } else {
        parts.join(" ")
    }
}

fn base_cell(r: &ServiceReport) -> String {
    match (&r.error, r.base_images.as_slice()) {
        (Some(_), _) => "-".into(),
        (None, []) => "-".into(),
        (None, [one]) => one.clone(),
        (None, [first, rest @ ..]) => format!("{first} +{}", rest.len()),
    }
}

fn stages_cell(r: &ServiceReport) -> String {
    if r.error.is_some() {
        "-".into()
    } else {
        format!(
            "{} ({})",
            r.stages,
            if r.multi_stage() { "multi" } else { "single" }
        )
    }
}

fn table(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            line.push_str(cell);
            if c + 1 < row.len() {
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

fn human(view: &View<'_>) -> String {
    let mut out = String::new();
    let t = &view.totals;
    if let (Some(c), Some(rev)) = (view.changed, view.since) {
        let _ = writeln!(out, "Changed since {rev}: {} service(s)", c.len());
        for x in c {
            let _ = writeln!(out, "  {}: {}", x.name, x.reasons.join(", "));
        }
        let _ = writeln!(out);
    }
    if view.reports.is_empty() {
        let _ = writeln!(out, "No services found under {}.", show(view.root));
        return out;
    }
    let mut rows = vec![
        [
            "SERVICE",
            "DOCKERFILE",
            "STAGES",
            "BASE",
            "SIZE",
            "AFTER",
            "SAVINGS",
            "FINDINGS",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in view.reports {
        rows.push(vec![
            r.service.name.clone(),
            rel(view, &r.service.dockerfile),
            stages_cell(r),
            base_cell(r),
            size_cell(r),
            after_cell(r),
            savings_cell(r),
            if r.error.is_some() {
                "does not parse".into()
            } else {
                findings_cell(&r.finding_counts)
            },
        ]);
    }
    out.push_str(&table(&rows));
    let _ = writeln!(out);
    for r in view.reports {
        if let Some(e) = &r.error {
            let _ = writeln!(out, "{}: {e}", r.service.name);
            continue;
        }
        if r.findings.is_empty() && r.after.as_ref().is_none_or(|a| a.rewrites.is_empty()) {
            continue;
        }
        let _ = writeln!(
            out,
            "{} ({}):",
            r.service.name,
            rel(view, &r.service.dockerfile)
        );
        for f in &r.findings {
            let _ = writeln!(
                out,
                "  line {}: {}[{}] {}: {}",
                f.line,
                f.severity.as_str(),
                f.code,
                f.name,
                f.message
            );
        }
        if let Some(a) = &r.after
            && !a.rewrites.is_empty()
        {
            let _ = writeln!(
                out,
                "  after {}: {}{}",
                a.rewrites.join(", "),
                a.size.show(),
                a.note
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            );
        }
    }
    let _ = writeln!(out, "\nTotals");
    let _ = writeln!(
        out,
        "  {} services: {} multi-stage, {} single-stage, {} not parsed",
        t.services, t.multi_stage, t.single_stage, t.broken
    );
    let _ = writeln!(
        out,
        "  images: {}{}, after Slipway's rewrites: {}, savings: {}{}",
        if t.lower_bound { "≥ " } else { "" },
        format_bytes(t.estimated_bytes),
        format_bytes(t.after_bytes),
        format_bytes(t.savings_bytes.max(0) as u64),
        if t.savings_unknown > 0 {
            format!(" (+ {} service(s) unknown)", t.savings_unknown)
        } else {
            String::new()
        }
    );
    let _ = writeln!(out, "  findings: {}", findings_cell(&t.findings));
    let p = view.params;
    let _ = writeln!(
        out,
        "\nCost model ({} builds/day per service, {} pull(s) per build, {} days of retention)",
        p.builds_per_day, p.pulls_per_build, p.retention_days
    );
    for (title, c) in [
        ("now", &view.before),
        ("after Slipway's rewrites", &view.after),
    ] {
        let _ = writeln!(
            out,
            "  {title}{}:",
            if c.lower_bound { " (lower bounds)" } else { "" }
        );
        for line in &c.arithmetic {
            let _ = writeln!(out, "    {line}");
        }
    }
    let multi: Vec<&Family> = view
        .families
        .iter()
        .filter(|f| f.variants.len() > 1)
        .collect();
    let _ = writeln!(out, "\nBase images by family and role");
    for f in &view.families {
        let variants: Vec<String> = f
            .variants
            .iter()
            .map(|v| format!("{} ×{}", v.image, v.services.len()))
            .collect();
        let _ = writeln!(out, "  {} ({}): {}", f.family, f.role, variants.join(", "));
    }
    if !multi.is_empty() {
        let _ = writeln!(
            out,
            "\nSuggested common set (one variant per family and role)"
        );
        for f in &multi {
            let saves = match (f.saved_bytes, f.unknown) {
                (0, u) if u > 0 => "an unknown amount".to_string(),
                (b, 0) => format_bytes(b),
                (b, _) => format!("{} or more", format_bytes(b)),
            };
            let _ = writeln!(
                out,
                "  {} ({}): use {} everywhere, saves {saves} of base layers (registry and each node)",
                f.family, f.role, f.suggested,
            );
        }
    }
    let _ = writeln!(
        out,
        "\nSizes are uncompressed, as `docker images` shows them; registries store and send gzip layers, \
         about {}× smaller.",
        crate::model::knowledge::COMPRESSION_RATIO
    );
    for n in view.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

fn markdown(view: &View<'_>) -> String {
    let mut out = String::new();
    let t = &view.totals;
    let _ = writeln!(out, "### Slipway fleet report\n");
    if let (Some(c), Some(rev)) = (view.changed, view.since) {
        let _ = writeln!(out, "Changed since `{rev}`: {} service(s).\n", c.len());
    }
    let _ = writeln!(
        out,
        "| Service | Dockerfile | Stages | Base | Size | After | Savings | Findings |"
    );
    let _ = writeln!(out, "|---|---|---|---|---:|---:|---:|---|");
    for r in view.reports {
        let findings = match &r.error {
            Some(e) => format!("⚠️ {}", md_escape(e)),
            None => {
                let mut s = findings_cell(&r.finding_counts);
                if let Some(f) = r.findings.first() {
                    s.push_str(&format!(": `{}` line {}", f.name, f.line));
                }
                s
            }
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} | {} | {} |",
            md_escape(&r.service.name),
            rel(view, &r.service.dockerfile),
            stages_cell(r),
            md_escape(&base_cell(r)),
            size_cell(r),
            after_cell(r),
            savings_cell(r),
            findings
        );
    }
    let _ = writeln!(
        out,
        "\n**{} services** ({} multi-stage, {} single-stage, {} not parsed): {}{} of images, {} after Slipway's rewrites.\n",
        t.services,
        t.multi_stage,
        t.single_stage,
        t.broken,
        if t.lower_bound { "≥ " } else { "" },
        format_bytes(t.estimated_bytes),
        format_bytes(t.after_bytes)
    );
    let p = view.params;
    let _ = writeln!(
        out,
        "<details><summary>Cost model: {}/day of new layers now, {}/day after</summary>\n",
        format_bytes(view.before.registry_per_day),
        format_bytes(view.after.registry_per_day)
    );
    let _ = writeln!(
        out,
        "{} builds/day per service, {} pull(s) per build, {} days of retention.\n",
        p.builds_per_day, p.pulls_per_build, p.retention_days
    );
    for (title, c) in [("Now", &view.before), ("After", &view.after)] {
        let _ = writeln!(out, "{title}:\n");
        for line in &c.arithmetic {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "</details>\n");
    let multi: Vec<&Family> = view
        .families
        .iter()
        .filter(|f| f.variants.len() > 1)
        .collect();
    if !multi.is_empty() {
        let _ = writeln!(
            out,
            "| Family | Role | Variants in use | Suggested | Saves |"
        );
        let _ = writeln!(out, "|---|---|---|---|---:|");
        for f in multi {
            let v: Vec<String> = f
                .variants
                .iter()
                .map(|v| format!("`{}` ×{}", v.image, v.services.len()))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | `{}` | {} |",
                f.family,
                f.role,
                v.join(", "),
                f.suggested,
                format_bytes(f.saved_bytes)
            );
        }
    }
    out
}

fn to_json(view: &View<'_>) -> serde_json::Value {
    let services: Vec<serde_json::Value> = view
        .reports
        .iter()
        .map(|r| {
            json!({
                "name": r.service.name,
                "dockerfile": rel(view, &r.service.dockerfile),
                "context": rel(view, &r.service.context),
                "origin": r.service.origin,
                "target": r.service.target,
                "image": r.service.image,
                "error": r.error,
                "base_images": r.base_images,
                "stages": r.stages,
                "multi_stage": r.error.is_none().then(|| r.multi_stage()),
                "estimated_bytes": r.size.map(|s| s.bytes),
                "certainty": r.size.map(|s| s.certainty.as_str()),
                "unknown": r.unknowns,
                "base": r.base,
                "findings": r.findings,
                "finding_counts": {
                    "error": r.finding_counts[0],
                    "warning": r.finding_counts[1],
                    "info": r.finding_counts[2],
                    "style": r.finding_counts[3],
                },
                "after": r.after.as_ref().map(|a| json!({
                    "estimated_bytes": a.size.bytes,
                    "certainty": a.size.certainty.as_str(),
                    "base": a.base,
                    "rewrites": a.rewrites,
                    "note": a.note,
                    "no_split": a.no_split,
                })),
                "savings_bytes": r.after.as_ref().and_then(|a| a.savings),
            })
        })
        .collect();
    let t = &view.totals;
    json!({
        "root": show(view.root),
        "services": services,
        "totals": {
            "services": t.services,
            "not_parsed": t.broken,
            "multi_stage": t.multi_stage,
            "single_stage": t.single_stage,
            "estimated_bytes": t.estimated_bytes,
            "lower_bound": t.lower_bound,
            "after_bytes": t.after_bytes,
            "savings_bytes": t.savings_bytes,
            "savings_unknown": t.savings_unknown,
            "findings": {
                "error": t.findings[0],
                "warning": t.findings[1],
                "info": t.findings[2],
                "style": t.findings[3],
            },
        },
        "cost": {
            "parameters": view.params,
            "before": view.before,
            "after": view.after,
        },
        "consolidation": view.families,
        "changed": view.changed,
        "notes": view.notes,
    })
}
