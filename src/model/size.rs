//! Image-size estimation: what each instruction adds to an image, each
//! stage's total, and the final image's.
//!
//! Figures are uncompressed bytes on disk, as `docker images` reports them,
//! for linux/amd64. Their sources:
//!
//! * base images: [`knowledge::image`] (`scratch` is 0); a stage built
//!   `FROM` another stage starts from that stage's total;
//! * `apt-get install`: Debian 12's installed sizes with the dependency
//!   closure, less what the stage already has (Debian's minimal base system
//!   and earlier installs); packages removed again in the same `RUN` are
//!   taken off; `apt-get update` without removing the lists adds them
//!   ([`APT_LISTS_DEBIAN`], [`APT_LISTS_UBUNTU`]);
//! * `apk add`: [`knowledge::alpine_package`];
//! * language toolchains downloaded by a `RUN` (Go, Rust, Node.js, a JDK or
//!   JRE): [`knowledge::toolchain`];
//! * `COPY`/`ADD` from the build context: the real sizes of the files, when
//!   the context directory is known, honouring `.dockerignore`.
//!
//! Every figure says whether it is [`Certainty::Known`], estimated (with the
//! reason) or unknown. Nothing is guessed silently: what cannot be sized
//! (an image the knowledge base does not have, `pip install`, `COPY
//! --from`, the output of `make`, a download) is an unknown [`Part`] that
//! names it, counted as 0, which makes the total a lower bound. The
//! assumptions made along the way are listed in [`Estimate::assumptions`].
//!
//! The estimator reads the tree, the model and the shell model of each
//! `RUN`, which the caller provides (the rules' `Context` parses each once).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::dockerignore::{self, Matcher, Pattern};
use super::expand::Env;
use super::knowledge::{self, Lookup};
use super::stages::{Base, Model, mount_fields};
use crate::shell::packages::{self, CleanupTarget, Manager, PackageKind};
use crate::shell::{Command, Nesting, Script};
use crate::syntax::{Args, Dockerfile, Instruction, Keyword, Span};

/// What `apt-get update` leaves in `/var/lib/apt/lists` on a Debian image
/// when the lists are not removed: 19,862,064 bytes, measured on a Debian 12
/// (bookworm) amd64 system built from the `debian:bookworm` image (which
/// keeps the indexes compressed, `docker-gzip-indexes`) on 2026-11-28, with
/// the image's sources (bookworm, bookworm-updates, bookworm-security, main).
/// The lists change daily and grow with every configured repository.
pub const APT_LISTS_DEBIAN: u64 = 19_862_064;

/// What `apt-get update` leaves in `/var/lib/apt/lists` on an Ubuntu image:
/// 39.82 MB, the difference between `ubuntu:22.04` with nginx installed with
/// and without `rm -rf /var/lib/apt/lists/*` (176.54 MB and 136.72 MB),
/// measured by dev.classmethod.jp ("apt-get magic spell in Docker",
/// 2022-12-01). Ubuntu's lists are bigger than Debian's: `universe` is
/// enabled.
pub const APT_LISTS_UBUNTU: u64 = 39_820_000;

/// The most files of a build context read to size `COPY` and `ADD`; a
/// bigger context leaves their sizes unknown.
pub const MAX_CONTEXT_FILES: usize = 500_000;

/// How much is known about a figure, from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Certainty {
    /// Read from its source (a measured image, a package index, the files
    /// of the build context).
    Known,
    /// Derived, third-party, borrowed from a neighbouring entry, or resting
    /// on an assumption; the part says why.
    Estimated,
    /// Not known: counted as 0, so the total is a lower bound.
    Unknown,
}

impl Certainty {
    /// `known`, `estimated` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Known => "known",
            Certainty::Estimated => "estimated",
            Certainty::Unknown => "unknown",
        }
    }
}

/// One contribution to an instruction's bytes (or a stage's base).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// What it is: `base image python:3.12-slim`, `apt-get install curl
    /// (+4 dependencies)`, `COPY src (12 files)`, `output of make`.
    pub what: String,
    /// The bytes it adds (negative for what a `RUN` removes of what it
    /// installed itself); 0 when unknown.
    pub bytes: i64,
    /// How much is known about it.
    pub certainty: Certainty,
    /// Why it is an estimate, or why it is unknown.
    pub note: Option<String>,
}

impl Part {
    fn known(what: impl Into<String>, bytes: i64) -> Part {
        Part {
            what: what.into(),
            bytes,
            certainty: Certainty::Known,
            note: None,
        }
    }

    fn estimated(what: impl Into<String>, bytes: i64, why: impl Into<String>) -> Part {
        Part {
            what: what.into(),
            bytes,
            certainty: Certainty::Estimated,
            note: Some(why.into()),
        }
    }

    fn unknown(what: impl Into<String>, why: impl Into<String>) -> Part {
        Part {
            what: what.into(),
            bytes: 0,
            certainty: Certainty::Unknown,
            note: Some(why.into()),
        }
    }

    fn from_lookup(what: impl Into<String>, lookup: Lookup<u64>) -> Part {
        let what = what.into();
        match lookup {
            Lookup::Known(b) => Part::known(what, to_i64(b)),
            Lookup::Estimated(b, why) => Part::estimated(what, to_i64(b), why),
            Lookup::Unknown(why) => Part::unknown(what, why),
        }
    }
}

fn to_i64(b: u64) -> i64 {
    i64::try_from(b).unwrap_or(i64::MAX)
}

/// What one instruction adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstructionSize {
    /// The instruction (index into `Dockerfile::instructions`).
    pub instruction: usize,
    /// Its first line, 1-based.
    pub line: usize,
    /// The instruction, shortened to one line.
    pub summary: String,
    /// The bytes it adds: the sum of its parts, at least 0.
    pub bytes: u64,
    /// The worst certainty of its parts (`Known` when it has none).
    pub certainty: Certainty,
    /// What it adds, part by part.
    pub parts: Vec<Part>,
}

/// One stage's image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageSize {
    /// Position among the stages.
    pub index: usize,
    /// The `AS` name, lower-cased.
    pub name: Option<String>,
    /// The base as written after expanding global `ARG`s.
    pub base: String,
    /// The stage it is built on, when it is built `FROM` a stage.
    pub base_stage: Option<usize>,
    /// The `FROM` line, 1-based.
    pub line: usize,
    /// The base's size: the image's, or the parent stage's total.
    pub base_part: Part,
    /// What each instruction after the `FROM` adds.
    pub instructions: Vec<InstructionSize>,
    /// The bytes the stage's own instructions add.
    pub added: u64,
    /// The stage's image: base plus what it adds.
    pub total: u64,
    /// The worst certainty of the base and the instructions.
    pub certainty: Certainty,
}

impl StageSize {
    /// The name, or the index for an unnamed stage.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => format!("#{}", self.index),
        }
    }
}

/// Something the estimate could not size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The stage.
    pub stage: usize,
    /// The line of the instruction (the `FROM` for a base image).
    pub line: usize,
    /// What is unknown, and why.
    pub what: String,
}

/// The biggest contributors to an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contributor {
    /// The stage.
    pub stage: usize,
    /// The instruction, or `None` for the base image.
    pub instruction: Option<usize>,
    /// The line (the `FROM` for the base image).
    pub line: usize,
    /// What it is.
    pub what: String,
    /// Its bytes.
    pub bytes: u64,
}

/// The estimate of every stage of a Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Estimate {
    /// Every stage, in order.
    pub stages: Vec<StageSize>,
    /// The stage built (`--target`, else the last); `None` without stages.
    pub target: Option<usize>,
    /// The assumptions the figures rest on, in the order first made.
    pub assumptions: Vec<String>,
}

impl Estimate {
    /// The target's `FROM` chain, the root stage first: the stages whose
    /// layers are in the final image.
    pub fn chain(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = self.target;
        while let Some(i) = at {
            if out.contains(&i) || i >= self.stages.len() {
                break;
            }
            out.push(i);
            at = self.stages[i].base_stage;
        }
        out.reverse();
        out
    }

    /// The target stage.
    pub fn final_stage(&self) -> Option<&StageSize> {
        self.target.and_then(|t| self.stages.get(t))
    }

    /// The final image's estimated bytes.
    pub fn final_bytes(&self) -> Option<u64> {
        self.final_stage().map(|s| s.total)
    }

    /// How much is known about the final image's figure.
    pub fn final_certainty(&self) -> Certainty {
        self.final_stage()
            .map_or(Certainty::Unknown, |s| s.certainty)
    }

    /// What the final image's figure leaves out, in file order.
    pub fn final_unknowns(&self) -> Vec<Unknown> {
        let mut out = Vec::new();
        for i in self.chain() {
            out.extend(self.stage_unknowns(i));
        }
        out
    }

    /// What stage `i`'s own figure leaves out (its base image when that is
    /// unknown, and its instructions' unknown parts), not its parent's.
    pub fn stage_unknowns(&self, i: usize) -> Vec<Unknown> {
        let Some(s) = self.stages.get(i) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if s.base_stage.is_none() && s.base_part.certainty == Certainty::Unknown {
            out.push(Unknown {
                stage: i,
                line: s.line,
                what: describe(&s.base_part),
            });
        }
        for inst in &s.instructions {
            for p in &inst.parts {
                if p.certainty == Certainty::Unknown {
                    out.push(Unknown {
                        stage: i,
                        line: inst.line,
                        what: describe(p),
                    });
                }
            }
        }
        out
    }

    /// The final image's biggest contributors: the root base image and the
    /// instructions of the chain, biggest first, at most `n`.
    pub fn contributors(&self, n: usize) -> Vec<Contributor> {
        let mut out = Vec::new();
        for i in self.chain() {
            let s = &self.stages[i];
            if s.base_stage.is_none() && s.base_part.bytes > 0 {
                out.push(Contributor {
                    stage: i,
                    instruction: None,
                    line: s.line,
                    what: s.base_part.what.clone(),
                    bytes: u64::try_from(s.base_part.bytes).unwrap_or(0),
                });
            }
            for inst in &s.instructions {
                if inst.bytes > 0 {
                    out.push(Contributor {
                        stage: i,
                        instruction: Some(inst.instruction),
                        line: inst.line,
                        what: inst.summary.clone(),
                        bytes: inst.bytes,
                    });
                }
            }
        }
        out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.line.cmp(&b.line)));
        out.truncate(n);
        out
    }
}

/// A part, with why it is unknown.
fn describe(p: &Part) -> String {
    match &p.note {
        Some(n) => format!("{}: {n}", p.what),
        None => p.what.clone(),
    }
}

/// What the estimator is given.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The parsed file.
    pub file: &'a Dockerfile,
    /// Its model.
    pub model: &'a Model,
    /// The stage built (`--target`); `None`: the last.
    pub target: Option<usize>,
    /// The build context directory, when known.
    pub context: Option<&'a Path>,
    /// The context's `.dockerignore` patterns, when it has one.
    pub dockerignore: Option<&'a [String]>,
}

/// Estimate every stage. `scripts(i)` gives the shell scripts `RUN`
/// instruction `i` runs (its shell form and heredoc bodies; empty for exec
/// form and for shells that are not POSIX).
pub fn estimate<'s>(input: &Input<'_>, scripts: &dyn Fn(usize) -> &'s [Script]) -> Estimate {
    let mut est = Estimator {
        input,
        assumptions: Vec::new(),
        context: None,
    };
    est.assume(
        "Sizes are uncompressed bytes on disk, as `docker images` shows them, for linux/amd64.",
    );
    let mut stages: Vec<StageSize> = Vec::with_capacity(input.model.stages.len());
    let mut states: Vec<StageState> = Vec::with_capacity(input.model.stages.len());
    for stage in &input.model.stages {
        let line = input
            .file
            .instructions
            .get(stage.from)
            .map_or(0, |i| i.start_line);
        let (base_part, base_stage, mut state) = match &stage.base {
            Base::Stage(j) if *j < stages.len() => {
                let parent: &StageSize = &stages[*j];
                let part = Part {
                    what: format!("stage {}", parent.label()),
                    bytes: to_i64(parent.total),
                    certainty: parent.certainty,
                    note: None,
                };
                (part, Some(*j), states[*j].clone())
            }
            Base::Stage(_) => (
                Part::unknown(
                    format!("base {}", stage.base_expanded),
                    "a stage that is not defined before this one",
                ),
                None,
                StageState::unknown(),
            ),
            Base::Scratch => (Part::known("scratch", 0), None, StageState::scratch()),
            Base::Image(r) => est.base_image(r),
            Base::Invalid(why) => (
                Part::unknown(
                    format!("base image `{}`", stage.base_text),
                    if stage.base_unset_args.is_empty() {
                        why.clone()
                    } else {
                        format!(
                            "{why} (unset build arguments: {}; give them with --build-arg)",
                            stage.base_unset_args.join(", ")
                        )
                    },
                ),
                None,
                StageState::unknown(),
            ),
        };
        let mut instructions = Vec::with_capacity(stage.instructions.len());
        for &i in &stage.instructions {
            let Some(inst) = input.file.instructions.get(i) else {
                continue;
            };
            let parts = est.instruction(i, inst, &mut state, scripts);
            instructions.push(instruction_size(i, inst, parts));
        }
        let added: u64 = instructions.iter().map(|i| i.bytes).sum();
        let base_bytes = u64::try_from(base_part.bytes).unwrap_or(0);
        let certainty = instructions
            .iter()
            .map(|i| i.certainty)
            .chain([base_part.certainty])
            .max()
            .unwrap_or(Certainty::Known);
        stages.push(StageSize {
            index: stage.index,
            name: stage.name.clone(),
            base: stage.base_expanded.clone(),
            base_stage,
            line,
            base_part,
            instructions,
            added,
            total: base_bytes.saturating_add(added),
            certainty,
        });
        states.push(state);
    }
    let target = match input.target {
        Some(t) if t < stages.len() => Some(t),
        Some(_) => None,
        None => stages.len().checked_sub(1),
    };
    Estimate {
        stages,
        target,
        assumptions: est.assumptions,
    }
}

fn instruction_size(i: usize, inst: &Instruction, parts: Vec<Part>) -> InstructionSize {
    let sum: i64 = parts.iter().map(|p| p.bytes).sum();
    InstructionSize {
        instruction: i,
        line: inst.start_line,
        summary: summary(inst),
        bytes: u64::try_from(sum).unwrap_or(0),
        certainty: parts
            .iter()
            .map(|p| p.certainty)
            .max()
            .unwrap_or(Certainty::Known),
        parts,
    }
}

/// The instruction on one line, at most 60 characters.
pub fn summary(inst: &Instruction) -> String {
    let text: String = inst
        .original
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text
    } else {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The family of the base system, for package sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Os {
    Debian,
    Ubuntu,
    Alpine,
    /// An image without a package manager (scratch, distroless, busybox).
    Bare,
    /// An image the knowledge base does not know.
    Unknown,
}

/// What a stage has, carried to the stages built on it.
#[derive(Clone, Debug)]
struct StageState {
    os: Os,
    /// The base image has more Debian packages than the minimal base
    /// system (it is not `debian` or `ubuntu` itself).
    extra: bool,
    /// The image's name, for notes.
    image: String,
    /// The Debian packages installed (the minimal base system, then what
    /// the stage's chain installed).
    debian: HashSet<String>,
    /// `APT::Install-Recommends "false"` was written to apt's configuration.
    no_recommends: bool,
    /// The line of the `RUN` whose apt lists are in the image, if any.
    apt_lists: Option<usize>,
}

impl StageState {
    fn with(os: Os, image: String) -> StageState {
        StageState {
            os,
            extra: false,
            image,
            debian: knowledge::debian_base().clone(),
            no_recommends: false,
            apt_lists: None,
        }
    }

    fn unknown() -> StageState {
        StageState::with(Os::Unknown, String::new())
    }

    fn scratch() -> StageState {
        let mut s = StageState::with(Os::Bare, "scratch".into());
        s.debian.clear();
        s
    }
}

/// The files of the build context that are sent to the builder.
struct ContextFiles {
    /// Relative `/`-separated path and size, sorted by path.
    files: Vec<(String, u64)>,
    /// Paths on disk excluded by `.dockerignore`, for messages.
    ignored: Vec<String>,
    /// Entries that could not be read.
    unreadable: usize,
}

struct Estimator<'i, 'a> {
    input: &'i Input<'a>,
    assumptions: Vec<String>,
    /// The build context, read on first use (an error says why it could not
    /// be).
    context: Option<Result<ContextFiles, String>>,
}

impl Estimator<'_, '_> {
    fn assume(&mut self, text: &str) {
        if !self.assumptions.iter().any(|a| a == text) {
            self.assumptions.push(text.to_string());
        }
    }

    fn base_image(&mut self, r: &super::image::ImageRef) -> (Part, Option<usize>, StageState) {
        let what = format!("base image {r}");
        match knowledge::image(r) {
            Lookup::Unknown(why) => (Part::unknown(what, why), None, StageState::unknown()),
            lookup => {
                let (info, why) = match lookup {
                    Lookup::Known(info) => (info, None),
                    Lookup::Estimated(info, why) => (info, Some(why)),
                    Lookup::Unknown(_) => unreachable!(),
                };
                let size = info.uncompressed_size();
                let part = match (size, why) {
                    (Lookup::Known(b), None) => Part::known(what, to_i64(b)),
                    (Lookup::Known(b), Some(why)) | (Lookup::Estimated(b, why), None) => {
                        Part::estimated(what, to_i64(b), why)
                    }
                    (Lookup::Estimated(b, a), Some(b_why)) => {
                        Part::estimated(what, to_i64(b), format!("{b_why}; {a}"))
                    }
                    (Lookup::Unknown(why), _) => Part::unknown(what, why),
                };
                let os = match info.os {
                    "debian" => Os::Debian,
                    "ubuntu" => Os::Ubuntu,
                    "alpine" => Os::Alpine,
                    _ => Os::Bare,
                };
                let mut state = StageState::with(os, r.to_string());
                if os == Os::Bare {
                    state.debian.clear();
                }
                state.extra = matches!(os, Os::Debian | Os::Ubuntu)
                    && !matches!(info.family, "debian" | "ubuntu");
                (part, None, state)
            }
        }
    }

    fn instruction<'s>(
        &mut self,
        i: usize,
        inst: &Instruction,
        state: &mut StageState,
        scripts: &dyn Fn(usize) -> &'s [Script],
    ) -> Vec<Part> {
        match inst.keyword {
            Keyword::Run => self.run(i, inst, state, scripts(i)),
            Keyword::Copy | Keyword::Add => self.copy(i, inst),
            _ => {
                self.assume(
                    "Instructions that only change the image's configuration (ENV, LABEL, \
                     WORKDIR, USER, CMD, EXPOSE, ...) add 0 bytes.",
                );
                Vec::new()
            }
        }
    }

    // ------------------------------------------------------------ COPY, ADD

    fn copy(&mut self, i: usize, inst: &Instruction) -> Vec<Part> {
        let kw = if inst.keyword == Keyword::Add {
            "ADD"
        } else {
            "COPY"
        };
        let mut parts = Vec::new();
        if let Some(from) = inst.flag("from") {
            let from = from.value.as_deref().unwrap_or("");
            parts.push(Part::unknown(
                format!("{kw} --from={from}"),
                "the size of files from another stage or image is unknown",
            ));
            return parts;
        }
        for doc in &inst.heredocs {
            parts.push(Part::known(
                format!("{kw} <<{} (inline file)", doc.name),
                to_i64(doc.content.len() as u64),
            ));
        }
        let words: Vec<&crate::syntax::Word> = match &inst.args {
            Args::Words(w) | Args::Exec(w) => {
                w.iter()
                    .filter(|w| {
                        !inst.heredocs.iter().any(|h| {
                            h.marker_span.contains(w.span) || w.span.contains(h.marker_span)
                        })
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        let [sources @ .., _dest] = words.as_slice() else {
            return parts;
        };
        let excludes: Vec<Pattern> = inst
            .flags
            .iter()
            .filter(|f| f.name == "exclude")
            .filter_map(|f| f.value.as_deref())
            .map(|p| Pattern::new(&dockerignore::clean(p)))
            .collect();
        let mut counted: HashSet<usize> = HashSet::new();
        for src in sources {
            let raw = src.value.as_str();
            let value = match self.input.model.expand(raw, i) {
                Ok(e) if e.unset.is_empty() => e.value,
                Ok(e) => {
                    parts.push(Part::unknown(
                        format!("{kw} {raw}"),
                        format!("unset variables: {}", e.unset.join(", ")),
                    ));
                    continue;
                }
                Err(e) => {
                    parts.push(Part::unknown(format!("{kw} {raw}"), e.to_string()));
                    continue;
                }
            };
            if value.contains("://") || value.starts_with("git@") {
                parts.push(Part::unknown(
                    format!("{kw} {value}"),
                    "a remote source; its size is unknown",
                ));
                continue;
            }
            parts.push(self.context_source(kw, &value, &excludes, &mut counted));
        }
        parts
    }

    /// The part for one `COPY`/`ADD` source from the build context.
    fn context_source(
        &mut self,
        kw: &str,
        source: &str,
        excludes: &[Pattern],
        counted: &mut HashSet<usize>,
    ) -> Part {
        let what = format!("{kw} {source}");
        let Some(dir) = self.input.context else {
            return Part::unknown(what, "the build context is not known");
        };
        if self.context.is_none() {
            let matcher = self
                .input
                .dockerignore
                .map(Matcher::new)
                .unwrap_or_default();
            self.context = Some(read_context(dir, &matcher));
        }
        if matches!(self.context, Some(Ok(_))) {
            self.assume(
                "Files copied from the build context count their sizes in bytes, after \
                 .dockerignore; directory entries and metadata are not counted.",
            );
        }
        let files = match self.context.as_ref() {
            Some(Ok(files)) => files,
            Some(Err(why)) => return Part::unknown(what, why.clone()),
            None => unreachable!(),
        };
        let clean = dockerignore::clean(source);
        let pattern = Pattern::new(&clean);
        let wildcard = pattern.has_wildcard();
        let mut bytes = 0u64;
        let mut n = 0usize;
        let mut any = false;
        for (k, (path, size)) in files.files.iter().enumerate() {
            let hit = if clean == "." {
                true
            } else if wildcard {
                pattern.matches_or_parent(path)
            } else {
                path == &clean
                    || path
                        .strip_prefix(clean.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            };
            if !hit {
                continue;
            }
            any = true;
            if !excludes.is_empty() {
                let rel = if clean == "." || wildcard {
                    path.as_str()
                } else {
                    path.strip_prefix(clean.as_str())
                        .map_or(path.as_str(), |r| r.trim_start_matches('/'))
                };
                if excludes
                    .iter()
                    .any(|e| e.matches_or_parent(rel) || e.matches_or_parent(path))
                {
                    continue;
                }
            }
            if counted.insert(k) {
                bytes += size;
                n += 1;
            }
        }
        if !any {
            let ignored = files
                .ignored
                .iter()
                .any(|p| p == &clean || p.starts_with(&format!("{clean}/")));
            let why = if ignored {
                "excluded by .dockerignore: the build would fail"
            } else {
                "not found in the build context: the build would fail"
            };
            return Part::unknown(what, why);
        }
        let what = format!("{what} ({n} file{})", if n == 1 { "" } else { "s" });
        if kw == "ADD" && is_archive(&clean) {
            return Part {
                what,
                bytes: to_i64(bytes),
                certainty: Certainty::Unknown,
                note: Some(
                    "ADD extracts a local archive; its extracted size is unknown (counted at \
                     the archive's size)"
                        .into(),
                ),
            };
        }
        if files.unreadable > 0 {
            return Part::estimated(
                what,
                to_i64(bytes),
                format!(
                    "{} entries of the build context could not be read",
                    files.unreadable
                ),
            );
        }
        Part::known(what, to_i64(bytes))
    }

    // ------------------------------------------------------------ RUN

    fn run(
        &mut self,
        i: usize,
        inst: &Instruction,
        state: &mut StageState,
        scripts: &[Script],
    ) -> Vec<Part> {
        if scripts.is_empty() {
            let why = if matches!(inst.args, Args::Exec(_)) {
                "exec-form RUN is not read; what it writes is unknown"
            } else {
                "the script is not read (not a POSIX shell); what it writes is unknown"
            };
            return vec![Part::unknown(summary(inst), why)];
        }
        let mut run = RunState::new(inst);
        let scope = self.input.model.scope_at(i);
        for script in scripts {
            for (k, cmd) in script.commands.iter().enumerate() {
                self.command(&mut run, state, &scope, script, k, cmd);
            }
        }
        self.finish_run(run, state)
    }

    #[allow(clippy::too_many_arguments)]
    fn command(
        &mut self,
        run: &mut RunState,
        state: &mut StageState,
        scope: &super::stages::Scope<'_>,
        script: &Script,
        k: usize,
        cmd: &Command,
    ) {
        // Assignments: shell variables of this script.
        if cmd.name.is_none() {
            for (name, word) in &cmd.assignments {
                let value = expand_word(word, &run.vars, scope);
                run.vars.insert(name.clone(), value);
            }
            return;
        }
        let Some(name) = cmd.basename() else {
            return;
        };
        // What a command substitution prints is captured, not written
        // (`arch="$(dpkg --print-architecture)"`); only installs count.
        if cmd.nesting == Nesting::Substitution && packages::install(cmd).is_none() {
            run.negligible = true;
            return;
        }
        if name == "export" {
            for w in &cmd.args {
                if let Some((n, v)) = w.value.split_once('=') {
                    let value = if w.literal {
                        Some(v.to_string())
                    } else {
                        expand_text(v, &run.vars, scope)
                    };
                    run.vars.insert(n.to_string(), value);
                }
            }
            return;
        }
        if cmd.args.iter().any(|w| {
            w.value.contains("Install-Recommends")
                && (w.value.contains("false") || w.value.contains("\"0\""))
        }) {
            state.no_recommends = true;
        }
        if let Some(install) = packages::install(cmd) {
            match install.manager {
                Manager::AptGet | Manager::Apt => {
                    self.apt_install(run, state, scope, cmd, &install)
                }
                Manager::Apk => self.apk_add(run, scope, cmd, &install),
                m => run.parts.push(other_install(m, &install)),
            }
            return;
        }
        if let Some(m) = packages::is_update(cmd) {
            match m {
                Manager::AptGet | Manager::Apt => run.apt_update = true,
                Manager::Apk => {
                    if !cmd.has_flag('\0', "no-cache") {
                        run.apk_index = true;
                    }
                }
                m => run.parts.push(Part::unknown(
                    format!("{} metadata", m.as_str()),
                    format!(
                        "the size of {}'s repository metadata is unknown",
                        m.as_str()
                    ),
                )),
            }
            return;
        }
        if let Some(c) = packages::is_cache_cleanup(cmd) {
            match (c.manager, c.target) {
                (Manager::AptGet, CleanupTarget::Lists) => run.apt_lists_removed = true,
                (Manager::Apk, _) => run.apk_index_removed = true,
                _ => {}
            }
            run.negligible = true;
            return;
        }
        match name {
            "apt-get" | "apt" => self.apt_other(run, scope, cmd),
            "apk" => self.apk_other(run, scope, cmd),
            "apt-mark" => {
                let args: Vec<&str> = cmd.arg_values().filter(|a| !a.starts_with('-')).collect();
                if args.first() == Some(&"auto") && args.len() > 1 {
                    run.apt_mark_auto = true;
                } else if args.first() == Some(&"manual") {
                    for a in &args[1..] {
                        run.apt_manual.push((*a).to_string());
                    }
                }
                run.negligible = true;
            }
            "xargs" => {
                let inner: Vec<&str> = cmd.arg_values().filter(|a| !a.starts_with('-')).collect();
                if inner.first() == Some(&"apt-mark") && inner.get(1) == Some(&"manual") {
                    run.apt_manual_dynamic = true;
                    run.negligible = true;
                } else if inner.first() == Some(&"apt-mark") && inner.get(1) == Some(&"auto") {
                    // `apt-mark showmanual | xargs apt-mark auto`
                    run.apt_mark_auto = true;
                    run.negligible = true;
                } else {
                    match inner.first() {
                        Some(n) if is_negligible(n) => run.negligible = true,
                        Some(n) => run.unknown_command(format!("xargs {n}")),
                        None => run.negligible = true,
                    }
                }
            }
            "curl" | "wget" => self.download(run, script, k, cmd),
            _ => {
                if let Some(tool) = toolchain_installer(cmd) {
                    run.toolchain(tool);
                } else if is_negligible(name) || is_config_call(cmd) {
                    run.negligible = true;
                } else {
                    run.unknown_command(command_label(cmd));
                }
            }
        }
    }

    fn apt_install(
        &mut self,
        run: &mut RunState,
        state: &mut StageState,
        scope: &super::stages::Scope<'_>,
        cmd: &Command,
        install: &packages::Install<'_>,
    ) {
        let (names, unresolved) = package_names(install, &run.vars, scope, apt_name);
        for (u, why) in unresolved {
            run.parts
                .push(Part::unknown(format!("apt-get install {u}"), why));
        }
        if names.is_empty() {
            return;
        }
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let closure = knowledge::debian_closure_packages(&refs, Some(&state.debian));
        let added = closure.packages.len();
        let mut named_added = 0usize;
        for &(pkg, bytes) in &closure.packages {
            state.debian.insert(pkg.to_string());
            run.apt_added.push((pkg, bytes));
            if names.iter().any(|n| n == pkg) {
                named_added += 1;
            }
        }
        for n in &names {
            run.apt_named.push(n.clone());
        }
        let deps = added - named_added;
        let shown = shorten_list(
            names
                .iter()
                .filter(|n| !closure.unknown.contains(n))
                .map(String::as_str),
        );
        self.assume(
            "Debian package sizes are Installed-Size from Debian 12 (bookworm, amd64) with \
             their Depends and Pre-Depends, less what the image already has (Debian's minimal \
             base system and packages installed earlier); downloaded .deb files are not \
             counted (Debian and Ubuntu images delete them after each install).",
        );
        if !shown.is_empty() {
            let what = if deps > 0 {
                format!("apt-get install {shown} (+{deps} dependencies)")
            } else {
                format!("apt-get install {shown}")
            };
            let bytes = to_i64(closure.bytes());
            let note = match state.os {
                Os::Debian if state.extra => Some(format!(
                    "{} has more packages than Debian's minimal base system; those it already has are counted again (an overestimate)",
                    state.image
                )),
                Os::Debian => None,
                Os::Ubuntu => Some(format!(
                    "sized from Debian 12's package index; {} is Ubuntu",
                    state.image
                )),
                Os::Unknown => Some(
                    "the base image is unknown; sized as Debian 12 packages on Debian's minimal base system"
                        .to_string(),
                ),
                Os::Alpine | Os::Bare => Some(format!(
                    "{} has no apt; sized as Debian 12 packages",
                    state.image
                )),
            };
            run.parts.push(match note {
                None => Part::known(what, bytes),
                Some(n) => Part::estimated(what, bytes, n),
            });
        }
        if !closure.unknown.is_empty() {
            run.parts.push(Part::unknown(
                format!(
                    "apt-get install {}",
                    shorten_list(closure.unknown.iter().map(String::as_str))
                ),
                "not in the knowledge base's Debian 12 package data",
            ));
        }
        let no_recommends = state.no_recommends
            || cmd.has_flag('\0', "no-install-recommends")
            || cmd.arg_values().any(|a| {
                a.starts_with("APT::Install-Recommends=")
                    && matches!(
                        a.split_once('=').map(|x| x.1.trim_matches(['"', '\''])),
                        Some("false" | "0" | "no")
                    )
            });
        if !no_recommends && added > 0 {
            run.recommends.push(shown.clone());
        }
    }

    /// `apt-get purge`, `remove`, `autoremove`, `upgrade`, `dist-clean`.
    fn apt_other(&mut self, run: &mut RunState, scope: &super::stages::Scope<'_>, cmd: &Command) {
        let pos = apt_positionals(cmd);
        let Some(verb) = pos.first() else {
            run.negligible = true;
            return;
        };
        match verb.as_str() {
            "purge" | "remove" | "autoremove" => {
                let auto = verb == "autoremove"
                    || cmd.has_flag('\0', "auto-remove")
                    || cmd.has_flag('\0', "autoremove");
                let mut names = Vec::new();
                for w in &pos[1..] {
                    match expand_text(w, &run.vars, scope) {
                        Some(v) => {
                            names.extend(v.split_whitespace().map(|n| apt_name(n).to_string()))
                        }
                        None => run.apt_remove_unresolved = true,
                    }
                }
                run.apt_removals.push((names, auto));
                run.negligible = true;
            }
            "dist-clean" => {
                run.apt_lists_removed = true;
                run.negligible = true;
            }
            "upgrade" | "dist-upgrade" | "full-upgrade" => {
                run.parts.push(Part::unknown(
                    format!("apt-get {verb}"),
                    "the size of upgraded packages is unknown",
                ));
            }
            _ => run.negligible = true,
        }
    }

    fn apk_add(
        &mut self,
        run: &mut RunState,
        scope: &super::stages::Scope<'_>,
        cmd: &Command,
        install: &packages::Install<'_>,
    ) {
        let (names, unresolved) = package_names(install, &run.vars, scope, apk_name);
        for (u, why) in unresolved {
            run.parts.push(Part::unknown(format!("apk add {u}"), why));
        }
        if cmd.has_flag('U', "update") && !cmd.has_flag('\0', "no-cache") {
            run.apk_index = true;
        }
        if !cmd.has_flag('\0', "no-cache") {
            run.apk_index = true;
        }
        let group = cmd.option_str(&["-t", "--virtual"]).map(str::to_string);
        self.assume(
            "Alpine package sizes are the knowledge base's estimates of each package's own \
             files (mostly from Debian equivalents); their dependencies are not known.",
        );
        let mut add = ApkAdd {
            group,
            names: names.clone(),
            bytes: 0,
            certainty: Certainty::Known,
            notes: Vec::new(),
            unknown: Vec::new(),
            removed: false,
        };
        for n in &names {
            match knowledge::alpine_package(n) {
                Lookup::Known(b) => add.bytes += b,
                Lookup::Estimated(b, why) => {
                    add.bytes += b;
                    add.certainty = add.certainty.max(Certainty::Estimated);
                    if add.notes.is_empty() {
                        add.notes.push(why);
                    }
                }
                Lookup::Unknown(_) => add.unknown.push(n.clone()),
            }
        }
        run.apk_adds.push(add);
    }

    fn apk_other(&mut self, run: &mut RunState, scope: &super::stages::Scope<'_>, cmd: &Command) {
        let pos: Vec<&str> = cmd.arg_values().filter(|a| !a.starts_with('-')).collect();
        match pos.first().copied() {
            Some("del" | "delete") => {
                for w in &pos[1..] {
                    let Some(v) = expand_text(w, &run.vars, scope) else {
                        continue;
                    };
                    for n in v.split_whitespace() {
                        let n = apk_name(n);
                        for add in &mut run.apk_adds {
                            if add.group.as_deref() == Some(n) {
                                add.removed = true;
                            } else {
                                add.names.retain(|x| x != n);
                                if add.names.is_empty() && add.group.is_none() {
                                    add.removed = true;
                                }
                            }
                        }
                    }
                }
                run.negligible = true;
            }
            Some("upgrade") => run.parts.push(Part::unknown(
                "apk upgrade",
                "the size of upgraded packages is unknown",
            )),
            _ => run.negligible = true,
        }
    }

    fn download(&mut self, run: &mut RunState, script: &Script, k: usize, cmd: &Command) {
        let url = cmd
            .arg_values()
            .find(|a| a.contains("://"))
            .or_else(|| {
                cmd.args
                    .iter()
                    .rev()
                    .map(|w| w.value.as_str())
                    .find(|a| !a.starts_with('-'))
            })
            .unwrap_or("")
            .to_string();
        if let Some(tool) = toolchain_of_url(&url) {
            run.toolchain(tool);
            return;
        }
        let lower = url.to_ascii_lowercase();
        let small = [
            ".asc",
            ".sig",
            ".sha256",
            ".sha256sum",
            ".sha512",
            ".sha1",
            ".md5",
            ".gpg",
            ".key",
            ".pub",
            ".pem",
            ".crt",
        ]
        .iter()
        .any(|s| lower.ends_with(s))
            || lower.contains("shasums")
            || lower.contains("checksum")
            || lower.contains("/gpg")
            || lower.contains("gpgkey");
        let to_null = cmd
            .option_str(&["-o", "--output", "-O", "--output-document"])
            .is_some_and(|o| o == "/dev/null");
        let piped_to_key = cmd.pipeline.is_some_and(|p| {
            script.pipelines.get(p).is_some_and(|pipe| {
                pipe.commands
                    .iter()
                    .filter_map(|&j| script.commands.get(j))
                    .filter(|c| c.stage > cmd.stage)
                    .any(|c| matches!(c.basename(), Some("gpg" | "apt-key" | "gpgv")))
            })
        });
        if small || to_null || piped_to_key {
            self.assume("Downloaded keys, signatures and checksum files are counted as 0 bytes.");
            run.negligible = true;
            return;
        }
        let shown = if url.is_empty() {
            cmd.basename().unwrap_or("download").to_string()
        } else {
            url.clone()
        };
        let why = if packages::pipes_into_shell(script, k) {
            "a script downloaded and run by a shell; what it installs is unknown"
        } else {
            "a download; its size is unknown"
        };
        run.downloads.push((shown, why));
    }

    fn finish_run(&mut self, mut run: RunState, state: &mut StageState) -> Vec<Part> {
        // apt removals of what this RUN installed.
        let mut removed: HashSet<&'static str> = HashSet::new();
        for (names, auto) in std::mem::take(&mut run.apt_removals) {
            let added: HashSet<&'static str> = run.apt_added.iter().map(|(p, _)| *p).collect();
            for n in &names {
                if let Some(p) = added.get(n.as_str()) {
                    removed.insert(p);
                }
            }
            if auto {
                // What is left is what the packages still named need (and,
                // after `apt-mark auto`, only what was marked manual again).
                let keep_names: Vec<&str> = if run.apt_mark_auto {
                    run.apt_manual.iter().map(String::as_str).collect()
                } else {
                    run.apt_named
                        .iter()
                        .map(String::as_str)
                        .filter(|n| !names.iter().any(|r| r == n))
                        .collect()
                };
                let keep: HashSet<&str> = knowledge::debian_closure_packages(&keep_names, None)
                    .packages
                    .into_iter()
                    .map(|(p, _)| p)
                    .collect();
                for p in &added {
                    if !keep.contains(p) {
                        removed.insert(p);
                    }
                }
            }
        }
        if !removed.is_empty() {
            let bytes: u64 = run
                .apt_added
                .iter()
                .filter(|(p, _)| removed.contains(p))
                .map(|(_, b)| b)
                .sum();
            for p in &removed {
                state.debian.remove(*p);
            }
            let all = run.apt_added.iter().all(|(p, _)| removed.contains(p));
            run.parts.push(Part::known(
                format!(
                    "apt-get purge/remove in the same RUN ({} package{} installed here)",
                    removed.len(),
                    if removed.len() == 1 { "" } else { "s" }
                ),
                -to_i64(bytes),
            ));
            if all {
                // Recommended packages go with what recommended them.
                run.recommends.clear();
            }
            if run.apt_manual_dynamic {
                run.parts.push(Part::unknown(
                    "packages kept with apt-mark manual",
                    "the libraries found by ldd and kept installed are unknown",
                ));
            }
        }
        if run.apt_remove_unresolved {
            run.parts.push(Part::estimated(
                "apt-get purge/remove of unresolved packages",
                0,
                "what is removed cannot be resolved; nothing is taken off",
            ));
        }
        if !run.recommends.is_empty() {
            run.parts.push(Part::unknown(
                format!("recommended packages of {}", run.recommends.join(", ")),
                "installed without --no-install-recommends; the knowledge base has no Recommends data",
            ));
        }
        if run.apt_lists_removed {
            state.apt_lists = None;
        }
        if run.apt_update && !run.apt_lists_removed && !run.lists_mounted {
            if let Some(line) = state.apt_lists {
                run.parts.push(Part::estimated(
                    "apt package lists (already in the image)",
                    0,
                    format!(
                        "the lists of line {line} are in the image; an update that finds them current rewrites nothing"
                    ),
                ));
            } else {
                state.apt_lists = Some(run.line);
                let (bytes, src) = if state.os == Os::Ubuntu {
                    (
                        APT_LISTS_UBUNTU,
                        "39.8 MB measured on ubuntu:22.04 (dev.classmethod.jp, 2022-12-01)",
                    )
                } else {
                    (
                        APT_LISTS_DEBIAN,
                        "19.9 MB measured on a Debian 12 image with its default sources (2026-11-28)",
                    )
                };
                run.parts.push(Part::estimated(
                    "apt package lists (apt-get update without rm -rf /var/lib/apt/lists/*)",
                    to_i64(bytes),
                    format!("{src}; the lists change daily and grow with every repository"),
                ));
            }
        }
        // apk adds that were not deleted again.
        let adds = std::mem::take(&mut run.apk_adds);
        for add in adds.iter().filter(|a| !a.removed) {
            let known: Vec<&String> = add
                .names
                .iter()
                .filter(|n| !add.unknown.contains(n))
                .collect();
            if !known.is_empty() {
                let what = format!("apk add {}", shorten_list(known.iter().map(|s| s.as_str())));
                run.parts.push(Part {
                    what,
                    bytes: to_i64(add.bytes),
                    certainty: add.certainty,
                    note: add.notes.first().cloned(),
                });
                let with_deps = known
                    .iter()
                    .filter(|n| !matches!(n.as_str(), "build-base" | "alpine-sdk"))
                    .map(|s| s.as_str());
                let deps = shorten_list(with_deps);
                if !deps.is_empty() {
                    run.parts.push(Part::unknown(
                        format!("dependencies of {deps}"),
                        "the knowledge base has no Alpine dependency data",
                    ));
                }
            }
            if !add.unknown.is_empty() {
                run.parts.push(Part::unknown(
                    format!(
                        "apk add {}",
                        shorten_list(add.unknown.iter().map(String::as_str))
                    ),
                    "no Alpine package estimate in the knowledge base",
                ));
            }
        }
        for add in adds.iter().filter(|a| a.removed) {
            let label = add
                .group
                .clone()
                .unwrap_or_else(|| shorten_list(add.names.iter().map(String::as_str)));
            run.parts.push(Part::known(
                format!("apk add then apk del {label} in the same RUN"),
                0,
            ));
        }
        if run.apk_index && !run.apk_index_removed && !run.apk_mounted && !adds.is_empty() {
            run.parts.push(Part::unknown(
                "apk index in /var/cache/apk",
                "apk add without --no-cache keeps the repository indexes; their size is not in the knowledge base",
            ));
        }
        // Toolchains.
        for tool in &run.toolchains {
            let lookup = knowledge::toolchain(tool);
            run.parts.push(Part::from_lookup(
                format!("{} toolchain (downloaded)", toolchain_title(tool)),
                lookup,
            ));
        }
        // Downloads that are not a known toolchain.
        if run.toolchains.is_empty() {
            for (url, why) in &run.downloads {
                run.parts
                    .push(Part::unknown(format!("download {url}"), *why));
            }
            for c in &run.unknown_commands {
                run.parts.push(Part::unknown(
                    format!("output of {c}"),
                    "what the command writes is unknown",
                ));
            }
        } else {
            // Extracting and moving the toolchain belongs to it.
            for c in &run.unknown_commands {
                let first = c.split_whitespace().next().unwrap_or("");
                if matches!(
                    first,
                    "tar" | "unzip" | "mv" | "cp" | "sh" | "bash" | "gunzip" | "xz"
                ) || first.starts_with("rustup")
                    || first.ends_with("rustup-init")
                {
                    continue;
                }
                run.parts.push(Part::unknown(
                    format!("output of {c}"),
                    "what the command writes is unknown",
                ));
            }
            for (url, why) in &run.downloads {
                run.parts
                    .push(Part::unknown(format!("download {url}"), *why));
            }
        }
        if run.negligible && run.parts.iter().all(|p| p.bytes == 0) {
            self.assume(
                "Commands that set up users, directories, links, permissions and small \
                 configuration files (mkdir, useradd, ln, chmod, chown, sed -i, echo > \
                 file, ...) add 0 bytes; chmod and chown copy the files they change into \
                 the new layer, which is not counted.",
            );
            if run.parts.is_empty() {
                run.parts
                    .push(Part::estimated("setup commands", 0, "counted as 0 bytes"));
            }
        }
        run.parts
    }
}

/// An `apk add`, until the end of its `RUN`.
struct ApkAdd {
    group: Option<String>,
    names: Vec<String>,
    bytes: u64,
    certainty: Certainty,
    notes: Vec<String>,
    unknown: Vec<String>,
    removed: bool,
}

/// What one `RUN` does, gathered command by command.
struct RunState {
    parts: Vec<Part>,
    /// Shell variables assigned in the script (`None`: not resolvable).
    vars: HashMap<String, Option<String>>,
    apt_added: Vec<(&'static str, u64)>,
    apt_named: Vec<String>,
    apt_removals: Vec<(Vec<String>, bool)>,
    apt_remove_unresolved: bool,
    apt_mark_auto: bool,
    apt_manual: Vec<String>,
    apt_manual_dynamic: bool,
    apt_update: bool,
    apt_lists_removed: bool,
    lists_mounted: bool,
    recommends: Vec<String>,
    apk_adds: Vec<ApkAdd>,
    apk_index: bool,
    apk_index_removed: bool,
    apk_mounted: bool,
    toolchains: Vec<&'static str>,
    downloads: Vec<(String, &'static str)>,
    unknown_commands: Vec<String>,
    /// Commands counted as 0 bytes were seen.
    negligible: bool,
    /// The `RUN`'s first line.
    line: usize,
}

impl RunState {
    fn new(inst: &Instruction) -> RunState {
        let mut lists_mounted = false;
        let mut apk_mounted = false;
        for f in inst.flags.iter().filter(|f| f.name == "mount") {
            let Some(spec) = &f.value else { continue };
            let fields = mount_fields(spec);
            let get = |k: &str| {
                fields
                    .iter()
                    .rev()
                    .find(|(key, _)| key.eq_ignore_ascii_case(k))
                    .and_then(|(_, v)| v.clone())
            };
            let kind = get("type").unwrap_or_else(|| "bind".into());
            if kind != "cache" && kind != "tmpfs" {
                continue;
            }
            let target = get("target")
                .or_else(|| get("dst"))
                .or_else(|| get("destination"))
                .unwrap_or_default();
            let target = target.trim_end_matches('/');
            if target == "/var/lib/apt" || target == "/var/lib/apt/lists" {
                lists_mounted = true;
            }
            if target == "/var/cache/apk" || target == "/etc/apk/cache" {
                apk_mounted = true;
            }
        }
        RunState {
            parts: Vec::new(),
            vars: HashMap::new(),
            apt_added: Vec::new(),
            apt_named: Vec::new(),
            apt_removals: Vec::new(),
            apt_remove_unresolved: false,
            apt_mark_auto: false,
            apt_manual: Vec::new(),
            apt_manual_dynamic: false,
            apt_update: false,
            apt_lists_removed: false,
            lists_mounted,
            recommends: Vec::new(),
            apk_adds: Vec::new(),
            apk_index: false,
            apk_index_removed: false,
            apk_mounted,
            toolchains: Vec::new(),
            downloads: Vec::new(),
            unknown_commands: Vec::new(),
            negligible: false,
            line: inst.start_line,
        }
    }

    fn toolchain(&mut self, tool: &'static str) {
        if !self.toolchains.contains(&tool) {
            self.toolchains.push(tool);
        }
    }

    fn unknown_command(&mut self, label: String) {
        if !self.unknown_commands.contains(&label) {
            self.unknown_commands.push(label);
        }
    }
}

/// Installs by managers the knowledge base has no sizes for.
fn other_install(m: Manager, install: &packages::Install<'_>) -> Part {
    let names: Vec<String> = install
        .packages
        .iter()
        .map(|p| match p.kind {
            PackageKind::Requirements => format!("-r {}", p.name),
            _ => p.name.to_string(),
        })
        .collect();
    let verb = install.subcommand.value.as_str();
    let what = if names.is_empty() {
        format!("{} {verb}", m.as_str())
    } else {
        format!(
            "{} {verb} {}",
            m.as_str(),
            shorten_list(names.iter().map(String::as_str))
        )
    };
    Part::unknown(
        what,
        format!("the knowledge base has no {} package sizes", m.as_str()),
    )
}

/// The package names of an install, with variables expanded (from the
/// script's own assignments, then `ENV` and `ARG`), normalized by `name`;
/// and the arguments that are not sized, with why.
fn package_names(
    install: &packages::Install<'_>,
    vars: &HashMap<String, Option<String>>,
    scope: &super::stages::Scope<'_>,
    name: fn(&str) -> &str,
) -> (Vec<String>, Vec<(String, &'static str)>) {
    const UNRESOLVED: &str =
        "a package argument whose value is not known (a variable set at build time)";
    let mut names = Vec::new();
    let mut unresolved = Vec::new();
    for p in &install.packages {
        if p.kind != PackageKind::Registry {
            unresolved.push((
                p.word.value.to_string(),
                "a package file or URL; its size is unknown",
            ));
            continue;
        }
        if p.word.literal {
            let n = name(p.name);
            if !n.is_empty() && !names.iter().any(|x| x == n) {
                names.push(n.to_string());
            }
            continue;
        }
        match expand_text(&p.word.value, vars, scope) {
            Some(v) => {
                for n in v.split_whitespace().map(name) {
                    if is_plain_name(n) && !names.iter().any(|x| x == n) {
                        names.push(n.to_string());
                    } else if !is_plain_name(n) {
                        unresolved.push((n.to_string(), "not a package name"));
                    }
                }
            }
            None => unresolved.push((p.word.value.to_string(), UNRESOLVED)),
        }
    }
    (names, unresolved)
}

fn is_plain_name(n: &str) -> bool {
    !n.is_empty()
        && !n.starts_with('-')
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-._:".contains(c))
}

/// `curl=7.88.1-10`, `curl/bookworm-backports`, `curl:amd64` -> `curl`.
fn apt_name(s: &str) -> &str {
    let s = s.split(['=', '/']).next().unwrap_or(s);
    s.split(':').next().unwrap_or(s)
}

/// `curl=8.5.0-r0`, `curl~8.5`, `curl>8` -> `curl`.
fn apk_name(s: &str) -> &str {
    s.split(['=', '~', '>', '<']).next().unwrap_or(s)
}

/// The positional arguments of an `apt-get` command (options and their
/// values left out).
fn apt_positionals(cmd: &Command) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for w in &cmd.args {
        let v = w.value.as_str();
        if skip {
            skip = false;
            continue;
        }
        if matches!(
            v,
            "-o" | "-c" | "-t" | "--option" | "--config-file" | "--target-release"
        ) {
            skip = true;
            continue;
        }
        if v.starts_with('-') {
            continue;
        }
        out.push(w.value.to_string());
    }
    out
}

/// A word's value with `$NAME` and `${NAME}` replaced; `None` when it has
/// another kind of expansion or a variable with no known value.
fn expand_word(
    word: &crate::shell::Word,
    vars: &HashMap<String, Option<String>>,
    scope: &super::stages::Scope<'_>,
) -> Option<String> {
    if word.literal {
        Some(word.value.to_string())
    } else {
        expand_text(&word.value, vars, scope)
    }
}

fn expand_text(
    text: &str,
    vars: &HashMap<String, Option<String>>,
    scope: &super::stages::Scope<'_>,
) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, tail) = if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}')?;
            (&inner[..end], &inner[end + 1..])
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        if name.is_empty()
            || name.starts_with(|c: char| c.is_ascii_digit())
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return None;
        }
        let value = match vars.get(name) {
            Some(v) => v.clone()?,
            None => scope.get(name)?.to_string(),
        };
        out.push_str(&value);
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

/// `a, b, c` or `a, b, c and 4 more`.
fn shorten_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = names.collect();
    const SHOWN: usize = 6;
    if all.len() <= SHOWN {
        all.join(" ")
    } else {
        format!("{} (+{} more)", all[..SHOWN].join(" "), all.len() - SHOWN)
    }
}

/// The command as shown in an unknown part: its name and subcommand.
fn command_label(cmd: &Command) -> String {
    let name = cmd.basename().unwrap_or("?");
    let sub = cmd
        .args
        .iter()
        .map(|w| w.value.as_str())
        .find(|a| !a.starts_with('-'))
        .filter(|a| {
            a.len() <= 24
                && !a.contains('/')
                && !a.contains('=')
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
        });
    match sub {
        Some(s) => format!("{name} {s}"),
        None => name.to_string(),
    }
}

/// Commands counted as 0 bytes: shell builtins, and commands that set up
/// users, directories, links, permissions, or small text files.
fn is_negligible(name: &str) -> bool {
    matches!(
        name,
        "cd" | "export"
            | "set"
            | "unset"
            | "true"
            | "false"
            | ":"
            | "echo"
            | "printf"
            | "test"
            | "["
            | "[["
            | "exit"
            | "return"
            | "shift"
            | "local"
            | "read"
            | "sleep"
            | "wait"
            | "trap"
            | "umask"
            | "ulimit"
            | "shopt"
            | "hash"
            | "type"
            | "command"
            | "which"
            | "source"
            | "."
            | "pushd"
            | "popd"
            | "mkdir"
            | "rmdir"
            | "rm"
            | "ln"
            | "touch"
            | "chmod"
            | "chown"
            | "chgrp"
            | "setcap"
            | "chattr"
            | "id"
            | "whoami"
            | "getent"
            | "groupadd"
            | "groupmod"
            | "groupdel"
            | "useradd"
            | "usermod"
            | "userdel"
            | "adduser"
            | "addgroup"
            | "deluser"
            | "delgroup"
            | "passwd"
            | "chpasswd"
            | "chsh"
            | "ls"
            | "pwd"
            | "env"
            | "printenv"
            | "uname"
            | "arch"
            | "nproc"
            | "getconf"
            | "date"
            | "sed"
            | "awk"
            | "gawk"
            | "mawk"
            | "grep"
            | "egrep"
            | "fgrep"
            | "cut"
            | "tr"
            | "sort"
            | "uniq"
            | "head"
            | "tail"
            | "wc"
            | "cat"
            | "tee"
            | "readlink"
            | "realpath"
            | "dirname"
            | "basename"
            | "stat"
            | "file"
            | "du"
            | "df"
            | "find"
            | "sha1sum"
            | "sha256sum"
            | "sha512sum"
            | "md5sum"
            | "cmp"
            | "diff"
            | "gpg"
            | "gpgv"
            | "gpgconf"
            | "apt-key"
            | "apt-cache"
            | "dpkg-query"
            | "dpkg-architecture"
            | "dpkg-reconfigure"
            | "debconf-set-selections"
            | "update-ca-certificates"
            | "update-alternatives"
            | "ldconfig"
            | "ldd"
            | "gosu"
            | "su-exec"
            | "tini"
            | "ps"
            | "kill"
            | "mktemp"
            | "seq"
            | "expr"
            | "yes"
            | "tput"
            | "locale"
            | "visudo"
            | "sync"
            | "break"
            | "continue"
            | "deactivate"
            | "alias"
            | "declare"
            | "typeset"
            | "readonly"
            | "getopts"
            | "logger"
            | "a2enmod"
            | "a2dismod"
            | "a2enconf"
            | "a2disconf"
            | "a2ensite"
            | "a2dissite"
            | "alternatives"
            | "pam-auth-update"
            | "ssh-keygen"
            | "base64"
            | "shasum"
            | "shuf"
            | "truncate"
    )
}

/// `git config`, `npm config set`, `pip --version`, `node -v`...: calls that
/// only read or set configuration.
fn is_config_call(cmd: &Command) -> bool {
    let first = cmd.args.first().map(|w| w.value.as_str());
    let name = cmd.basename().unwrap_or("");
    if name == "dpkg" {
        return cmd.args.iter().all(|w| {
            let v = w.value.as_str();
            !(v == "-i" || v == "--install" || v.ends_with(".deb"))
        });
    }
    matches!(
        first,
        Some("config" | "--version" | "-v" | "-V" | "version" | "--help" | "help")
    ) || (name == "git"
        && matches!(
            first,
            Some("config" | "init" | "status" | "log" | "rev-parse")
        ))
        || (name == "nvm" && matches!(first, Some("use" | "alias")))
        || (name == "corepack" && first == Some("enable"))
}

/// A toolchain installed by a command: `rustup-init`, `rustup toolchain
/// install`, `nvm install`.
fn toolchain_installer(cmd: &Command) -> Option<&'static str> {
    let name = cmd.basename()?;
    if name.starts_with("rustup-init") {
        return Some("rust");
    }
    if name == "rustup" {
        let first = cmd
            .args
            .iter()
            .map(|w| w.value.as_str())
            .find(|a| !a.starts_with('-'));
        return match first {
            Some("toolchain" | "install" | "default") => Some("rust"),
            _ => None,
        };
    }
    if name == "nvm" && cmd.args.first().is_some_and(|w| w.value == "install") {
        return Some("node");
    }
    None
}

/// A toolchain a download URL fetches.
fn toolchain_of_url(url: &str) -> Option<&'static str> {
    let u = url.to_ascii_lowercase();
    if u.contains("sh.rustup.rs") || u.contains("rustup-init") || u.contains("static.rust-lang.org")
    {
        return Some("rust");
    }
    if u.contains("go.dev/dl/")
        || u.contains("golang.org/dl/")
        || u.contains("dl.google.com/go/")
        || (u.contains("/go") && u.contains(".linux-") && u.contains(".tar.gz"))
    {
        return Some("go");
    }
    if u.contains("nodejs.org/dist/") || (u.contains("/node-v") && u.contains("linux-")) {
        return Some("node");
    }
    let java = u.contains("adoptium")
        || u.contains("temurin")
        || u.contains("download.java.net")
        || u.contains("jdk.java.net")
        || u.contains("corretto");
    if java {
        return Some(if u.contains("jre") { "jre" } else { "jdk" });
    }
    None
}

fn toolchain_title(tool: &str) -> &str {
    match tool {
        "go" => "Go",
        "rust" => "Rust",
        "node" => "Node.js",
        "jdk" => "JDK",
        "jre" => "JRE",
        t => t,
    }
}

/// Whether `ADD` would extract this local file (by its name; BuildKit looks
/// at the content).
fn is_archive(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
    ]
    .iter()
    .any(|e| p.ends_with(e))
}

/// Every file of the build context that `.dockerignore` lets through.
fn read_context(dir: &Path, matcher: &Matcher) -> Result<ContextFiles, String> {
    let mut out = ContextFiles {
        files: Vec::new(),
        ignored: Vec::new(),
        unreadable: 0,
    };
    let prune = !matcher.has_exclusions();
    let mut stack: Vec<(std::path::PathBuf, String)> = vec![(dir.to_path_buf(), String::new())];
    let mut seen = 0usize;
    while let Some((path, rel)) = stack.pop() {
        let entries = match std::fs::read_dir(&path) {
            Ok(e) => e,
            Err(e) => {
                if rel.is_empty() {
                    return Err(format!(
                        "the build context {} cannot be read: {e}",
                        dir.display()
                    ));
                }
                out.unreadable += 1;
                continue;
            }
        };
        for entry in entries {
            seen += 1;
            if seen > MAX_CONTEXT_FILES {
                return Err(format!(
                    "the build context {} has more than {MAX_CONTEXT_FILES} entries",
                    dir.display()
                ));
            }
            let Ok(entry) = entry else {
                out.unreadable += 1;
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
                out.unreadable += 1;
                continue;
            };
            let excluded = matcher.excludes(&child);
            if meta.is_dir() {
                if excluded && prune {
                    out.ignored.push(child);
                    continue;
                }
                stack.push((entry.path(), child));
            } else if excluded {
                out.ignored.push(child);
            } else {
                out.files.push((child, meta.len()));
            }
        }
    }
    out.files.sort();
    Ok(out)
}

/// Parse a size: a number with an optional unit, `B`, `kB`/`KB`, `MB`,
/// `GB` (powers of 1000), `KiB`, `MiB`, `GiB` (powers of 1024), with or
/// without a space: `300MB`, `1.5 GB`, `512MiB`, `1000000`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim());
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(format!("`{text}` is not a size"));
    }
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size"))?;
    let factor: f64 = match unit {
        "" | "B" | "b" => 1.0,
        "kB" | "KB" | "kb" | "K" | "k" => 1e3,
        "MB" | "mb" | "M" => 1e6,
        "GB" | "gb" | "G" => 1e9,
        "KiB" | "kiB" | "Ki" => 1024.0,
        "MiB" | "Mi" => 1024.0 * 1024.0,
        "GiB" | "Gi" => 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("`{other}` is not a size unit")),
    };
    let bytes = (value * factor).round();
    if !bytes.is_finite() || bytes > 1e18 {
        return Err(format!("`{text}` is too large"));
    }
    Ok(bytes as u64)
}

/// Bytes in decimal units, as `docker images` shows them: `512 B`,
/// `8.42 MB`, `19.9 MB`, `412 MB`, `1.02 GB` (1 MB = 1,000,000 bytes).
pub fn format_bytes(bytes: u64) -> String {
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let units = ["kB", "MB", "GB", "TB"];
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.5 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    let text = if value < 9.995 {
        format!("{value:.2}")
    } else if value < 99.95 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    format!("{text} {}", units[unit])
}

/// A signed byte count: `-12.3 MB`.
pub fn format_signed(bytes: i64) -> String {
    if bytes < 0 {
        format!("-{}", format_bytes(bytes.unsigned_abs()))
    } else {
        format_bytes(bytes.unsigned_abs())
    }
}

/// The span to point at for an instruction: its keyword.
pub fn keyword_span(file: &Dockerfile, instruction: usize) -> Option<Span> {
    file.instructions.get(instruction).map(|i| i.keyword_span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;
    use std::collections::HashMap;

    struct Fixture {
        file: Dockerfile,
        model: Model,
        scripts: Vec<Vec<Script>>,
    }

    fn fixture(src: &str) -> Fixture {
        let file = parse(src).dockerfile;
        let model = Model::build(&file, &HashMap::new());
        let scripts = file
            .instructions
            .iter()
            .map(|i| {
                if i.keyword == Keyword::Run {
                    crate::shell::instruction_scripts(i)
                } else {
                    Vec::new()
                }
            })
            .collect();
        Fixture {
            file,
            model,
            scripts,
        }
    }

    fn run(
        f: &Fixture,
        target: Option<usize>,
        context: Option<&Path>,
        ignore: Option<&[String]>,
    ) -> Estimate {
        let input = Input {
            file: &f.file,
            model: &f.model,
            target,
            context,
            dockerignore: ignore,
        };
        estimate(&input, &|i| f.scripts[i].as_slice())
    }

    fn est(src: &str) -> Estimate {
        run(&fixture(src), None, None, None)
    }

    /// The bytes the instruction on `line` adds.
    fn added(e: &Estimate, line: usize) -> &InstructionSize {
        e.stages
            .iter()
            .flat_map(|s| &s.instructions)
            .find(|i| i.line == line)
            .unwrap_or_else(|| panic!("no instruction on line {line}: {e:#?}"))
    }

    fn closure(names: &[&str]) -> u64 {
        let (bytes, unknown) = knowledge::debian_closure(names);
        assert!(unknown.is_empty(), "{unknown:?}");
        bytes
    }

    const DEBIAN_SLIM: u64 = 74_830_000;

    #[test]
    fn scratch_and_inline_files_are_known() {
        let e = est("FROM scratch\nCOPY <<EOF /hello.txt\nhello\nEOF\nENV A=b\n");
        assert_eq!(e.final_bytes(), Some(6));
        assert_eq!(e.final_certainty(), Certainty::Known);
        assert!(e.final_unknowns().is_empty());
        assert_eq!(added(&e, 5).bytes, 0);
    }

    #[test]
    fn base_images_come_from_the_knowledge_base() {
        let e = est("FROM alpine:3.24\n");
        assert_eq!(e.final_bytes(), Some(8_420_000));
        assert_eq!(e.final_certainty(), Certainty::Known);
        let e = est("FROM example.com/team/app:1\n");
        assert_eq!(e.final_bytes(), Some(0));
        assert_eq!(e.final_certainty(), Certainty::Unknown);
        let unknown = e.final_unknowns();
        assert_eq!(unknown.len(), 1);
        assert!(
            unknown[0].what.contains("example.com/team/app:1"),
            "{unknown:?}"
        );
        // An unset ARG in FROM is named.
        let e = est("ARG BASE\nFROM ${BASE}\n");
        assert!(e.final_unknowns()[0].what.contains("BASE"), "{e:?}");
    }

    #[test]
    fn apt_installs_count_the_closure_less_the_base_system() {
        let e = est("FROM debian:12-slim\n\
             RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n");
        let run = added(&e, 2);
        assert_eq!(run.bytes, closure(&["curl"]));
        assert_eq!(run.certainty, Certainty::Known, "{run:#?}");
        assert_eq!(e.final_bytes(), Some(DEBIAN_SLIM + closure(&["curl"])));
        assert!(run.parts[0].what.contains("curl (+"), "{run:#?}");
        // Installed once: a later install of a dependency adds nothing.
        let e = est("FROM debian:12-slim\n\
             RUN apt-get install -y --no-install-recommends curl\n\
             RUN apt-get install -y --no-install-recommends libcurl4\n");
        assert_eq!(added(&e, 3).bytes, 0);
    }

    #[test]
    fn lists_left_behind_are_added() {
        let e = est(
            "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
        );
        let run = added(&e, 2);
        assert_eq!(run.bytes, closure(&["curl"]) + APT_LISTS_DEBIAN);
        assert_eq!(run.certainty, Certainty::Estimated);
        // A cache mount keeps them out.
        let e = est(
            "FROM debian:12-slim\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl\n",
        );
        assert_eq!(added(&e, 2).bytes, closure(&["curl"]));
        // Lists already in the image are not counted again; removed ones are.
        let e = est(
            "FROM debian:12-slim\nRUN apt-get update\nRUN apt-get update\n\
             RUN rm -rf /var/lib/apt/lists/*\nRUN apt-get update\n",
        );
        assert_eq!(added(&e, 2).bytes, APT_LISTS_DEBIAN);
        assert_eq!(added(&e, 3).bytes, 0);
        assert_eq!(added(&e, 5).bytes, APT_LISTS_DEBIAN);
        // Ubuntu's are bigger.
        let e = est("FROM ubuntu:24.04\nRUN apt-get update\n");
        assert_eq!(added(&e, 2).bytes, APT_LISTS_UBUNTU);
    }

    #[test]
    fn recommends_are_unknown() {
        let e = est("FROM debian:12-slim\nRUN apt-get install -y git\n");
        let run = added(&e, 2);
        assert_eq!(run.certainty, Certainty::Unknown);
        assert!(
            e.final_unknowns()[0]
                .what
                .contains("recommended packages of git"),
            "{:?}",
            e.final_unknowns()
        );
        // Unless apt is told not to install them.
        let e = est("FROM debian:12-slim\n\
             RUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/no-rec\n\
             RUN apt-get install -y git\n");
        assert_eq!(added(&e, 3).certainty, Certainty::Known);
    }

    #[test]
    fn removal_in_the_same_run_subtracts() {
        let e = est("FROM debian:12-slim\n\
             RUN apt-get install -y --no-install-recommends gcc libc6-dev && gcc -o /x x.c \
             && apt-get purge -y --auto-remove gcc libc6-dev\n");
        let run = added(&e, 2);
        assert_eq!(run.bytes, 0, "{run:#?}");
        // The output of gcc is unknown, and named.
        assert!(e.final_unknowns().iter().any(|u| u.what.contains("gcc")));
        // Removing in a later RUN does not shrink the image.
        let e = est("FROM debian:12-slim\n\
             RUN apt-get install -y --no-install-recommends gcc\n\
             RUN apt-get purge -y --auto-remove gcc\n");
        assert_eq!(added(&e, 2).bytes, closure(&["gcc"]));
        assert_eq!(added(&e, 3).bytes, 0);
        // The docker-library pattern: mark everything auto, keep what is
        // needed, purge the rest.
        let e = est("FROM debian:12-slim\n\
             RUN set -eux; savedAptMark=\"$(apt-mark showmanual)\"; \
             apt-get update; apt-get install -y --no-install-recommends gcc make; \
             apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; \
             apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \
             rm -rf /var/lib/apt/lists/*\n");
        assert_eq!(added(&e, 2).bytes, 0, "{e:#?}");
    }

    #[test]
    fn variables_in_package_lists_are_expanded() {
        let e = est("FROM debian:12-slim\nENV PKGS=\"curl\"\n\
             RUN deps='gcc'; apt-get install -y --no-install-recommends $PKGS ${deps}\n");
        assert_eq!(added(&e, 3).bytes, closure(&["curl", "gcc"]));
        let e = est("FROM debian:12-slim\nRUN apt-get install -y --no-install-recommends $NOPE\n");
        assert!(e.final_unknowns()[0].what.contains("$NOPE"));
    }

    #[test]
    fn apk_adds_and_virtual_groups() {
        let e = est("FROM alpine:3.24\n\
             RUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps\n\
             RUN apk add --no-cache ca-certificates\n");
        let build = added(&e, 2);
        assert_eq!(build.bytes, 0, "{build:#?}");
        let certs = added(&e, 3);
        let own = *knowledge::alpine_package("ca-certificates")
            .value()
            .unwrap();
        assert_eq!(certs.bytes, own);
        // Dependencies are unknown and said so.
        assert_eq!(certs.certainty, Certainty::Unknown);
        assert!(
            e.final_unknowns()
                .iter()
                .any(|u| u.what.contains("dependencies of ca-certificates"))
        );
    }

    #[test]
    fn other_managers_downloads_and_commands_are_unknown_by_name() {
        let e = est("FROM python:3.12-slim\n\
             RUN pip install --no-cache-dir flask gunicorn\n\
             RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local\n\
             RUN mkdir -p /app && useradd app\n\
             COPY --from=builder /out /out\n");
        let unknown: Vec<String> = e.final_unknowns().into_iter().map(|u| u.what).collect();
        assert!(
            unknown
                .iter()
                .any(|u| u.contains("pip install flask gunicorn")),
            "{unknown:?}"
        );
        assert!(
            unknown
                .iter()
                .any(|u| u.contains("https://example.com/tool.tgz")),
            "{unknown:?}"
        );
        assert!(
            unknown.iter().any(|u| u.contains("COPY --from=builder")),
            "{unknown:?}"
        );
        let setup = added(&e, 4);
        assert_eq!(setup.bytes, 0);
        assert_eq!(setup.certainty, Certainty::Estimated);
    }

    #[test]
    fn toolchain_downloads_are_sized() {
        let e = est("FROM debian:12-slim\n\
             RUN curl -fsSL https://go.dev/dl/go1.22.5.linux-amd64.tar.gz -o go.tgz \
             && tar -C /usr/local -xzf go.tgz && rm go.tgz\n");
        let run = added(&e, 2);
        let go = *knowledge::toolchain("go").value().unwrap();
        assert_eq!(run.bytes, go);
        assert_eq!(run.certainty, Certainty::Estimated, "{run:#?}");
    }

    #[test]
    fn stages_chain_and_target() {
        let src = "FROM alpine:3.24 AS base\nRUN apk add --no-cache bash\n\
                   FROM base AS app\nCOPY <<EOF /a\nxy\nEOF\n\
                   FROM scratch AS tiny\nCOPY <<EOF /b\nz\nEOF\n";
        let f = fixture(src);
        let e = run(&f, None, None, None);
        assert_eq!(e.target, Some(2));
        assert_eq!(e.final_bytes(), Some(2));
        let e = run(&f, Some(1), None, None);
        assert_eq!(e.chain(), vec![0, 1]);
        let base = e.stages[0].total;
        assert_eq!(e.stages[1].base_stage, Some(0));
        assert_eq!(e.final_bytes(), Some(base + 3));
        // The parent's unknowns are the child's.
        assert!(!e.final_unknowns().is_empty());
        let top = e.contributors(2);
        assert_eq!(top[0].what, "base image alpine:3.24");
    }

    #[test]
    fn copies_from_the_context_count_real_files() {
        let dir = tempdir();
        std::fs::create_dir_all(dir.join("src/sub")).unwrap();
        std::fs::create_dir_all(dir.join("node_modules/x")).unwrap();
        std::fs::write(dir.join("src/a.txt"), vec![b'a'; 100]).unwrap();
        std::fs::write(dir.join("src/sub/b.txt"), vec![b'b'; 50]).unwrap();
        std::fs::write(dir.join("src/c.md"), vec![b'c'; 7]).unwrap();
        std::fs::write(dir.join("node_modules/x/big.js"), vec![b'x'; 1000]).unwrap();
        std::fs::write(dir.join("app.tar.gz"), vec![b'z'; 30]).unwrap();
        let ignore = vec!["node_modules".to_string(), "**/*.md".to_string()];
        let f = fixture(
            "FROM scratch\nCOPY src /src\nCOPY . /all\nCOPY src/*.txt src/a.txt /t/\n\
             COPY missing /m\nADD app.tar.gz /x\nCOPY --exclude=*.txt src /e\n",
        );
        let e = run(&f, None, Some(&dir), Some(&ignore));
        assert_eq!(added(&e, 2).bytes, 150);
        assert_eq!(added(&e, 2).certainty, Certainty::Known);
        assert_eq!(added(&e, 3).bytes, 180);
        assert_eq!(added(&e, 4).bytes, 100, "each file once");
        assert_eq!(added(&e, 5).certainty, Certainty::Unknown);
        assert!(
            added(&e, 5).parts[0]
                .note
                .as_deref()
                .unwrap()
                .contains("not found")
        );
        assert_eq!(
            added(&e, 6).certainty,
            Certainty::Unknown,
            "archives are extracted"
        );
        // `*.txt` is matched against paths relative to the source, one level.
        assert_eq!(added(&e, 7).bytes, 50);
        // Without a context, COPY is unknown.
        let e = run(&f, None, None, None);
        assert_eq!(added(&e, 2).certainty, Certainty::Unknown);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempdir() -> std::path::PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "slipway-size-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_size("300MB"), Ok(300_000_000));
        assert_eq!(parse_size("1.5 GB"), Ok(1_500_000_000));
        assert_eq!(parse_size("512MiB"), Ok(512 * 1024 * 1024));
        assert_eq!(parse_size("2KiB"), Ok(2048));
        assert_eq!(parse_size("10kB"), Ok(10_000));
        assert_eq!(parse_size("10KB"), Ok(10_000));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("7 B"), Ok(7));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("300 parsecs").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("1e30GB").is_err());
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(8_420_000), "8.42 MB");
        assert_eq!(format_bytes(19_862_064), "19.9 MB");
        assert_eq!(format_bytes(412_300_000), "412 MB");
        assert_eq!(format_bytes(999_999_999), "1.00 GB");
        assert_eq!(format_bytes(1_020_000_000), "1.02 GB");
        assert_eq!(format_signed(-1500), "-1.50 kB");
    }
}
