//! The fleet view: every service of a repository at once.
//!
//! A service is a Dockerfile and its build context ([`sources`]: Dockerfiles
//! on disk, Compose `build:` entries, Bake targets). For each one
//! [`analyze`] gives its base images, stages, the estimated size of its
//! final image ([`crate::model::size`]), its most important findings, and
//! the size after Slipway's rewrites (the safe fixes, then `slipway split`
//! when the file is single-stage and the rewrite applies). Over the fleet,
//! [`cost`] is a capacity-planning model of registry storage and network
//! transfer (layers of a base image counted once), [`consolidation`] groups
//! base images by family, [`changed`] finds the services a Git change
//! rebuilds, and [`bake`] writes a plan for `docker buildx bake`.
//!
//! This module sits above `rules`, `split`, `fix` and `config`, and below
//! `cli`.

pub mod plan;
pub mod sources;

pub use plan::{bake, changed};
pub use sources::Service;

use crate::diagnostic::Severity;
use crate::model::image::ImageRef;
use crate::model::knowledge;
use crate::model::size::{self, Certainty, Estimate, format_bytes};
use crate::model::{Base, Model};
use crate::settings::Settings;
use crate::{FileInfo, Policy};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How many findings a service report keeps.
pub const TOP_FINDINGS: usize = 3;

/// One finding, shortened for the fleet report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The rule's code.
    pub code: &'static str,
    /// The rule's name.
    pub name: &'static str,
    /// The severity.
    pub severity: Severity,
    /// The 1-based line.
    pub line: usize,
    /// The message.
    pub message: String,
}

/// A size figure with what is known about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Figure {
    /// Bytes (a lower bound when `certainty` is unknown).
    pub bytes: u64,
    /// How much is known.
    pub certainty: Certainty,
}

impl serde::Serialize for Certainty {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Figure {
    /// `412 MB`, `~412 MB` (estimated) or `≥ 412 MB` (a lower bound).
    pub fn show(&self) -> String {
        match self.certainty {
            Certainty::Known => format_bytes(self.bytes),
            Certainty::Estimated => format!("~{}", format_bytes(self.bytes)),
            Certainty::Unknown => format!("≥ {}", format_bytes(self.bytes)),
        }
    }
}

/// An image a service's final image is built on, and its size.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BaseLayer {
    /// The reference, normalized (`node:20-slim`,
    /// `gcr.io/distroless/static-debian12:latest`).
    pub image: String,
    /// Its size, when the knowledge base has it.
    pub bytes: Option<u64>,
}

/// The final image after Slipway's rewrites.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct After {
    /// Its estimated size.
    pub size: Figure,
    /// The base layers it is built on.
    pub base: Option<BaseLayer>,
    /// What was rewritten: `3 safe fixes`, `split: build + runtime on
    /// gcr.io/distroless/static-debian12`.
    pub rewrites: Vec<String>,
    /// Bytes saved (before − after), when both figures rest on known base
    /// images; the artifacts a build produces are unknown in both and so
    /// count in neither.
    pub savings: Option<i64>,
    /// Why the saving is unknown, or what it assumes.
    pub note: Option<String>,
    /// Why `slipway split` did not rewrite a single-stage file, if it did not.
    pub no_split: Option<String>,
}

/// What the fleet view knows about one service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceReport {
    /// The service.
    pub service: Service,
    /// Why the Dockerfile could not be analyzed (unreadable, not UTF-8,
    /// syntax errors), if so.
    pub error: Option<String>,
    /// The external images its stages are built on, in order, each once.
    pub base_images: Vec<String>,
    /// How many stages.
    pub stages: usize,
    /// The final image's estimated size.
    pub size: Option<Figure>,
    /// What the final image's figure leaves out.
    pub unknowns: Vec<String>,
    /// The base layers of the final image (the root of its `FROM` chain),
    /// when that is an image.
    pub base: Option<BaseLayer>,
    /// The most important findings (at most [`TOP_FINDINGS`], by severity
    /// then line).
    pub findings: Vec<Finding>,
    /// How many findings in all, by severity (error, warning, info, style).
    pub finding_counts: [usize; 4],
    /// The image after Slipway's rewrites.
    pub after: Option<After>,
}

impl ServiceReport {
    /// Single- or multi-stage.
    pub fn multi_stage(&self) -> bool {
        self.stages > 1
    }

    fn broken(service: Service, error: String) -> ServiceReport {
        ServiceReport {
            service,
            error: Some(error),
            base_images: Vec::new(),
            stages: 0,
            size: None,
            unknowns: Vec::new(),
            base: None,
            findings: Vec::new(),
            finding_counts: [0; 4],
            after: None,
        }
    }
}

/// The normalized form of an image reference: the family, the tag pulled
/// and the digest.
pub fn normalize(r: &ImageRef) -> String {
    let mut s = r.family();
    if let Some(t) = r.effective_tag() {
        s.push(':');
        s.push_str(t);
    }
    if let Some(d) = &r.digest {
        s.push('@');
        s.push_str(d);
    }
    s
}

/// The size of a base image from the knowledge base.
pub fn image_bytes(r: &ImageRef) -> Option<u64> {
    knowledge::image(r)
        .value()
        .and_then(|i| i.uncompressed_size().value().copied())
}

/// The `.dockerignore` patterns that apply to a service:
/// `<Dockerfile>.dockerignore` beside the Dockerfile, else `.dockerignore`
/// at the root of the context.
pub fn dockerignore(service: &Service) -> Option<Vec<String>> {
    let mut candidates = Vec::new();
    if let Some(name) = service.dockerfile.file_name() {
        let mut n = name.to_os_string();
        n.push(".dockerignore");
        candidates.push(service.dockerfile.with_file_name(n));
    }
    candidates.push(service.context.join(".dockerignore"));
    candidates
        .into_iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|text| crate::model::dockerignore::patterns(&text))
}

/// What an estimate of a file says.
struct Sized {
    size: Option<Figure>,
    base: Option<BaseLayer>,
    unknowns: Vec<String>,
    stages: usize,
}

fn estimate_text(
    source: &str,
    settings: &Settings,
    target: Option<&str>,
    context: &Path,
    ignore: Option<&[String]>,
) -> Option<(Sized, Vec<String>)> {
    let parse = crate::syntax::parse(source);
    if !parse.errors.is_empty() {
        return None;
    }
    Some(estimate_parsed(
        source,
        &parse.dockerfile,
        settings,
        target,
        context,
        ignore,
    ))
}

/// [`estimate_text`] of a file already parsed without errors.
fn estimate_parsed(
    source: &str,
    file: &crate::syntax::Dockerfile,
    settings: &Settings,
    target: Option<&str>,
    context: &Path,
    ignore: Option<&[String]>,
) -> (Sized, Vec<String>) {
    let model = Model::build(file, &settings.build_args);
    let target = target.and_then(|t| model.stage_by_ref(t)).map(|s| s.index);
    let pragmas = crate::rules::suppress::pragmas(source, file);
    let cx = crate::rules::Context::new(
        source,
        file,
        &model,
        &settings.options,
        pragmas.shell.as_deref(),
    );
    let input = size::Input {
        file,
        model: &model,
        target,
        context: Some(context),
        dockerignore: ignore,
    };
    let est = size::estimate(&input, &|i| cx.instruction_scripts(i));
    let bases = external_bases(&model);
    (sized(&est, &model), bases)
}

fn external_bases(model: &Model) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in &model.stages {
        let name = match &s.base {
            Base::Image(r) => normalize(r),
            Base::Scratch => "scratch".to_string(),
            Base::Invalid(_) => s.base_expanded.clone(),
            Base::Stage(_) => continue,
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn sized(est: &Estimate, model: &Model) -> Sized {
    let base = est
        .chain()
        .first()
        .and_then(|&i| match &model.stages[i].base {
            Base::Image(r) => Some(BaseLayer {
                image: normalize(r),
                bytes: image_bytes(r),
            }),
            _ => None,
        });
    Sized {
        size: est.final_bytes().map(|bytes| Figure {
            bytes,
            certainty: est.final_certainty(),
        }),
        base,
        unknowns: est
            .final_unknowns()
            .into_iter()
            .map(|u| format!("line {}: {}", u.line, u.what))
            .collect(),
        stages: est.stages.len(),
    }
}

fn base_known(sized: &Sized) -> bool {
    match &sized.base {
        Some(b) => b.bytes.is_some(),
        // scratch, or a chain rooted in scratch
        None => sized.size.is_some(),
    }
}

/// Analyze one service with its settings.
pub fn analyze(service: Service, settings: &Settings) -> ServiceReport {
    let bytes = match crate::input::read_file(&service.dockerfile, settings.max_file_size()) {
        Ok(b) => b,
        Err(crate::input::ReadError::Io(e)) => {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "the Dockerfile does not exist".to_string()
            } else {
                format!("the Dockerfile cannot be read: {e}")
            };
            return ServiceReport::broken(service, why);
        }
        Err(e) => {
            return ServiceReport::broken(service, format!("the Dockerfile is not read: {e}"));
        }
    };
    let source = match crate::syntax::decode(&bytes) {
        Ok(s) => s,
        Err(e) => return ServiceReport::broken(service, format!("not readable text: {e}")),
    };
    let parse = crate::syntax::parse(source);
    if let Some(e) = parse.errors.first() {
        let line = parse
            .dockerfile
            .line_starts
            .partition_point(|&s| s <= e.span.start);
        let more = parse.errors.len() - 1;
        return ServiceReport::broken(
            service,
            format!(
                "does not parse: line {line}: {}{}",
                e.message,
                if more > 0 {
                    format!(" (and {more} more)")
                } else {
                    String::new()
                }
            ),
        );
    }
    let ignore = dockerignore(&service);
    let target = service.target.as_deref();
    let mut settings = settings.clone();
    if target.is_some() {
        settings.target = target.map(str::to_string);
    }
    let info = FileInfo {
        dockerignore: ignore.as_deref(),
        context: Some(&service.context),
    };
    let (before, base_images) = estimate_parsed(
        source,
        &parse.dockerfile,
        &settings,
        target,
        &service.context,
        ignore.as_deref(),
    );

    // Findings: worst first, then by position.
    let diagnostics = crate::lint_file(source, &settings, info);
    let mut finding_counts = [0usize; 4];
    for d in &diagnostics {
        finding_counts[d.severity as usize] += 1;
    }
    let mut ranked: Vec<&crate::Diagnostic> = diagnostics.iter().collect();
    ranked.sort_by_key(|d| (d.severity, d.span.start));
    let findings = ranked
        .iter()
        .take(TOP_FINDINGS)
        .map(|d| Finding {
            code: d.code,
            name: d.name,
            severity: d.severity,
            line: parse
                .dockerfile
                .line_starts
                .partition_point(|&s| s <= d.span.start),
            message: d.message.clone(),
        })
        .collect();

    // After: the safe fixes, then the split when single-stage.
    // Linting again only when a finding has a safe fix.
    let policy = Policy::new(false);
    let fixable = diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| policy.accepts(f.applicability))
    });
    let mut rewrites = Vec::new();
    let mut text = source.to_string();
    if fixable {
        // The first text `fix_with` lints is `source`, linted above with
        // the same settings: its diagnostics are not computed twice.
        let mut first = Some(diagnostics);
        let fixed = crate::fix::fix_with(source, policy, &mut |text| match first.take() {
            Some(d) if text == source => d,
            _ => crate::lint_file(text, &settings, info),
        });
        if fixed.fixed() > 0 {
            rewrites.push(format!(
                "{} safe fix{}",
                fixed.fixed(),
                if fixed.fixed() == 1 { "" } else { "es" }
            ));
        }
        text = fixed.text;
    }
    let mut split_note = None;
    if before.stages == 1 && target.is_none() {
        let options = crate::split::Options {
            context: Some(&service.context),
        };
        match crate::fix::split_checked(&text, &options, info) {
            Ok(s) => {
                rewrites.push(format!("split: build + runtime on {}", s.runtime_image));
                text = s.text;
            }
            Err(d) => split_note = Some(d.to_string()),
        }
    }
    let after = if rewrites.is_empty() {
        before.size.map(|size| After {
            size,
            base: before.base.clone(),
            rewrites,
            savings: Some(0),
            note: Some("nothing to rewrite".into()),
            no_split: split_note,
        })
    } else {
        estimate_text(&text, &settings, target, &service.context, ignore.as_deref()).and_then(
            |(a, _)| {
                let size = a.size?;
                let (savings, note) = match (before.size, base_known(&before) && base_known(&a)) {
                    (Some(b), true) => (
                        Some(to_i64(b.bytes) - to_i64(size.bytes)),
                        (b.certainty == Certainty::Unknown || size.certainty == Certainty::Unknown)
                            .then(|| {
                                "parts unknown in either image (a build's artifacts) are counted in neither"
                                    .to_string()
                            }),
                    ),
                    _ => (
                        None,
                        Some("unknown: a base image the knowledge base does not size".to_string()),
                    ),
                };
                Some(After {
                    size,
                    base: a.base,
                    rewrites,
                    savings,
                    note,
                    no_split: split_note,
                })
            },
        )
    };

    ServiceReport {
        service,
        error: None,
        base_images,
        stages: before.stages,
        size: before.size,
        unknowns: before.unknowns,
        base: before.base,
        findings,
        finding_counts,
        after,
    }
}

fn to_i64(b: u64) -> i64 {
    i64::try_from(b).unwrap_or(i64::MAX)
}

/// Totals over the services that were analyzed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    /// Services found.
    pub services: usize,
    /// Services whose Dockerfile could not be analyzed.
    pub broken: usize,
    /// Multi-stage services.
    pub multi_stage: usize,
    /// Single-stage services.
    pub single_stage: usize,
    /// The sum of the final images' estimated sizes.
    pub estimated_bytes: u64,
    /// Whether that sum is a lower bound (some part of some image unknown).
    pub lower_bound: bool,
    /// The sum after Slipway's rewrites.
    pub after_bytes: u64,
    /// The savings that could be sized.
    pub savings_bytes: i64,
    /// Services with a saving that could not be sized.
    pub savings_unknown: usize,
    /// Findings by severity: error, warning, info, style.
    pub findings: [usize; 4],
}

/// Add up the reports.
pub fn totals(reports: &[ServiceReport]) -> Totals {
    let mut t = Totals {
        services: reports.len(),
        ..Totals::default()
    };
    for r in reports {
        if r.error.is_some() {
            t.broken += 1;
            continue;
        }
        if r.multi_stage() {
            t.multi_stage += 1;
        } else {
            t.single_stage += 1;
        }
        for (i, n) in r.finding_counts.iter().enumerate() {
            t.findings[i] += n;
        }
        if let Some(s) = r.size {
            t.estimated_bytes += s.bytes;
            t.lower_bound |= s.certainty == Certainty::Unknown;
        }
        match &r.after {
            Some(a) => {
                t.after_bytes += a.size.bytes;
                match a.savings {
                    Some(s) => t.savings_bytes += s,
                    None => t.savings_unknown += 1,
                }
            }
            None => {
                t.after_bytes += r.size.map_or(0, |s| s.bytes);
                t.savings_unknown += 1;
            }
        }
    }
    t
}

/// The parameters of the cost model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CostParams {
    /// Builds of each service per day.
    pub builds_per_day: u64,
    /// Nodes that pull each new image.
    pub pulls_per_build: u64,
    /// Days images are kept in the registry.
    pub retention_days: u64,
}

impl Default for CostParams {
    fn default() -> Self {
        CostParams {
            builds_per_day: 24,
            pulls_per_build: 1,
            retention_days: 30,
        }
    }
}

/// The cost model for one state of the fleet (before or after the
/// rewrites).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Cost {
    /// Services counted (those with an estimate).
    pub services: usize,
    /// The sum of the final images.
    pub image_bytes: u64,
    /// The distinct base images (each stored and pulled once), with sizes.
    pub base_images: BTreeMap<String, u64>,
    /// The sum of the distinct base images.
    pub base_bytes: u64,
    /// What the services add on top of their base images.
    pub own_bytes: u64,
    /// New layers pushed to the registry per day: `own_bytes × builds`.
    pub registry_per_day: u64,
    /// Registry storage over the retention period:
    /// `registry_per_day × retention_days + base_bytes`.
    pub registry_total: u64,
    /// Network transfer per day: `own_bytes × builds × pulls`.
    pub network_per_day: u64,
    /// Without sharing base layers: `image_bytes × builds`.
    pub naive_per_day: u64,
    /// Whether a figure rests on a lower bound.
    pub lower_bound: bool,
    /// The arithmetic, one line per figure.
    pub arithmetic: Vec<String>,
}

/// The cost model: each build pushes the layers a service adds on top of
/// its base image (the base's layers are already in the registry), each
/// new image is pulled by `pulls_per_build` nodes (which have the base
/// already), and the base images are stored once per distinct image.
/// `after` takes the sizes after Slipway's rewrites.
pub fn cost(reports: &[ServiceReport], p: CostParams, after: bool) -> Cost {
    let mut c = Cost::default();
    for r in reports {
        let (size, base) = if after {
            match &r.after {
                Some(a) => (Some(a.size), a.base.clone()),
                None => (r.size, r.base.clone()),
            }
        } else {
            (r.size, r.base.clone())
        };
        let Some(size) = size else { continue };
        c.services += 1;
        c.lower_bound |= size.certainty == Certainty::Unknown;
        c.image_bytes += size.bytes;
        let base_bytes = match base {
            Some(BaseLayer {
                image,
                bytes: Some(b),
            }) => {
                c.base_images.insert(image, b);
                b.min(size.bytes)
            }
            _ => 0,
        };
        c.own_bytes += size.bytes - base_bytes;
    }
    c.base_bytes = c.base_images.values().sum();
    c.registry_per_day = c.own_bytes.saturating_mul(p.builds_per_day);
    c.registry_total = c
        .registry_per_day
        .saturating_mul(p.retention_days)
        .saturating_add(c.base_bytes);
    c.network_per_day = c.registry_per_day.saturating_mul(p.pulls_per_build);
    c.naive_per_day = c.image_bytes.saturating_mul(p.builds_per_day);
    let avg = c.image_bytes.checked_div(c.services as u64).unwrap_or(0);
    let f = format_bytes;
    c.arithmetic = vec![
        format!(
            "without sharing: {} services × {} (average image) × {} builds/day = {}/day",
            c.services,
            f(avg),
            p.builds_per_day,
            f(c.naive_per_day)
        ),
        format!(
            "base images, stored once: {} distinct = {}",
            c.base_images.len(),
            f(c.base_bytes)
        ),
        format!(
            "new layers: ({} of images − {} of their base images, each counted in its image) = {} × {} builds/day = {}/day",
            f(c.image_bytes),
            f(c.image_bytes - c.own_bytes),
            f(c.own_bytes),
            p.builds_per_day,
            f(c.registry_per_day)
        ),
        format!(
            "registry storage: {}/day × {} days + {} of base images = {}",
            f(c.registry_per_day),
            p.retention_days,
            f(c.base_bytes),
            f(c.registry_total)
        ),
        format!(
            "network: {}/day × {} pull{} per build = {}/day",
            f(c.registry_per_day),
            p.pulls_per_build,
            if p.pulls_per_build == 1 { "" } else { "s" },
            f(c.network_per_day)
        ),
    ];
    c
}

/// One variant of an image family in use.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Variant {
    /// The normalized reference.
    pub image: String,
    /// Its size, when known.
    pub bytes: Option<u64>,
    /// The services that use it (in any stage).
    pub services: Vec<String>,
}

/// A family of base images, in one role, and its variants in use.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Family {
    /// The family (`node`, `gcr.io/distroless/static-debian12`).
    pub family: String,
    /// `runtime` (the base of final images, what nodes pull) or `build`
    /// (the base of stages that do not ship). A builder and a runtime
    /// variant of one family serve different purposes, so they are
    /// consolidated apart.
    pub role: &'static str,
    /// The variants in use, most used first.
    pub variants: Vec<Variant>,
    /// The variant suggested for the whole fleet in this role: the most
    /// used, then the smallest, then the first by name; a `latest` tag only
    /// when no other variant is in use.
    pub suggested: String,
    /// The bytes of the other variants, each stored once in the registry
    /// and pulled once per node, that standardizing on `suggested` saves.
    pub saved_bytes: u64,
    /// Other variants whose size is unknown (so `saved_bytes` is a lower
    /// bound).
    pub unknown: usize,
}

/// Group the base images in use by family and role (`runtime`, then
/// `build`); the groups with more than one variant are where consolidation
/// saves something.
pub fn consolidation(reports: &[ServiceReport]) -> Vec<Family> {
    type Variants = BTreeMap<String, (Option<u64>, BTreeSet<String>)>;
    let mut groups: BTreeMap<(String, u8), Variants> = BTreeMap::new();
    for r in reports {
        let runtime = r.base.as_ref().map(|b| b.image.as_str());
        for b in &r.base_images {
            let Ok(image) = ImageRef::parse(b) else {
                continue;
            };
            if image.is_scratch() {
                continue;
            }
            let name = normalize(&image);
            let role = u8::from(runtime != Some(name.as_str()));
            let entry = groups
                .entry((image.family(), role))
                .or_default()
                .entry(name)
                .or_insert_with(|| (image_bytes(&image), BTreeSet::new()));
            entry.1.insert(r.service.name.clone());
        }
    }
    let mut out = Vec::new();
    for ((family, role), variants) in groups {
        let mut variants: Vec<Variant> = variants
            .into_iter()
            .map(|(image, (bytes, services))| Variant {
                image,
                bytes,
                services: services.into_iter().collect(),
            })
            .collect();
        variants.sort_by(|a, b| {
            b.services
                .len()
                .cmp(&a.services.len())
                .then(
                    a.bytes
                        .unwrap_or(u64::MAX)
                        .cmp(&b.bytes.unwrap_or(u64::MAX)),
                )
                .then(a.image.cmp(&b.image))
        });
        // A moving tag is no common ground: `latest` only when nothing else
        // is in use.
        let pick = variants
            .iter()
            .position(|v| !v.image.ends_with(":latest"))
            .unwrap_or(0);
        let suggested = variants[pick].image.clone();
        let others = variants
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != pick)
            .map(|(_, v)| v);
        let saved_bytes = others.clone().filter_map(|v| v.bytes).sum();
        let unknown = others.filter(|v| v.bytes.is_none()).count();
        out.push(Family {
            family,
            role: if role == 0 { "runtime" } else { "build" },
            variants,
            suggested,
            saved_bytes,
            unknown,
        });
    }
    out
}

/// Analyze every service, in parallel; `settings` gives each Dockerfile's
/// settings (its configuration), or why there are none. Reports are in the
/// services' order.
pub fn analyze_all(
    services: Vec<Service>,
    settings: &(dyn Fn(&Path) -> Result<Settings, String> + Sync),
) -> Vec<ServiceReport> {
    use rayon::prelude::*;
    services
        .into_par_iter()
        .map(|s| match settings(&s.dockerfile) {
            Ok(settings) => analyze(s, &settings),
            Err(e) => ServiceReport::broken(s, format!("bad configuration: {e}")),
        })
        .collect()
}
