//! `wget` without `--progress`.

use super::{for_each_command, insert_after, is, runs};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::model::{Base, knowledge};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::Command;
use crate::shell::packages::{self, Manager};

/// The rule.
pub struct WgetWithoutProgress;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW320",
    name: "wget-without-progress",
    category: Category::Style,
    severity: Severity::Info,
    fix: FixKind::Safe,
    hadolint: &["DL3047"],
    buildkit: &[],
    default_enabled: true,
    summary: "`wget` without `--progress` floods the build log",
    doc: include_str!("../../../rules/wget-without-progress.md"),
};

/// Whether wget's output is already tamed: a progress style, quiet or
/// non-verbose mode, or output sent to a log file.
fn quiet(cmd: &Command) -> bool {
    cmd.has_flag('\0', "progress")
        || cmd.has_flag('q', "quiet")
        || cmd.has_flag('\0', "no-verbose")
        || cmd.args.iter().any(|w| w.value == "-nv")
        || cmd.has_flag('o', "output-file")
        || cmd.has_flag('a', "append-output")
}

/// Which `wget` a command runs, as far as the file tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wget {
    /// GNU wget: the base image is Debian or Ubuntu (where any `wget` is
    /// GNU's), or the stage installs the `wget` package with apt or apk.
    Gnu,
    /// BusyBox's applet: Alpine, BusyBox and distroless `debug` images,
    /// unless the stage installs GNU wget.
    BusyBox,
    /// An image Slipway does not know.
    Unknown,
}

/// What the base image of a stage gives, before anything the stage runs.
fn from_image(r: &crate::model::image::ImageRef) -> Wget {
    let tag = r.effective_tag().unwrap_or("");
    let family = r.family();
    let os = knowledge::image(r).value().map(|i| i.os);
    if family.starts_with("gcr.io/distroless/") {
        // Only the debug images have a shell, and its wget is BusyBox's.
        return if tag.contains("debug") {
            Wget::BusyBox
        } else {
            Wget::Unknown
        };
    }
    match os {
        Some("debian" | "ubuntu") => Wget::Gnu,
        Some("alpine" | "busybox") => Wget::BusyBox,
        Some(_) => Wget::Unknown,
        None if matches!(family.as_str(), "alpine" | "busybox") || tag.contains("alpine") => {
            Wget::BusyBox
        }
        None => Wget::Unknown,
    }
}

/// Whether a command installs GNU wget (`apt-get install wget`,
/// `apk add wget`).
fn installs_gnu_wget(cmd: &Command) -> bool {
    packages::install(cmd).is_some_and(|install| {
        matches!(
            install.manager,
            Manager::AptGet | Manager::Apt | Manager::Apk
        ) && install.packages.iter().any(|p| p.name == "wget")
    })
}

/// Which `wget` runs at byte `at` of instruction `index`: the base image
/// of its stage's chain, unless a `RUN` before (or a command before, in the
/// same `RUN`) installs GNU wget.
pub(crate) fn wget_at(cx: &Context<'_>, index: usize, at: usize) -> Wget {
    let Some(stage) = cx.model.stage_of.get(index).copied().flatten() else {
        return Wget::Unknown;
    };
    let chain: Vec<usize> = cx.model.chain(stage).collect();
    let root = chain.last().copied().unwrap_or(stage);
    let base = match &cx.model.stages[root].base {
        Base::Image(r) => from_image(r),
        _ => Wget::Unknown,
    };
    if base == Wget::Gnu {
        return Wget::Gnu;
    }
    let mut installed = false;
    for &s in chain.iter().rev() {
        for &i in &cx.model.stages[s].instructions {
            if installed || i > index {
                break;
            }
            for_each_command(cx, i, |cmd| {
                if (i < index || cmd.span.start < at) && installs_gnu_wget(cmd) {
                    installed = true;
                }
            });
        }
    }
    if installed { Wget::Gnu } else { base }
}

impl Rule for WgetWithoutProgress {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if !is(cmd, "wget") || quiet(cmd) {
                    return;
                }
                // BusyBox wget redraws one status line at most once a second
                // and has no `--progress`: nothing floods, nothing to add.
                let wget = wget_at(cx, i, cmd.span.start);
                if wget == Wget::BusyBox {
                    return;
                }
                let mut d = cx.diag(
                    &META,
                    cmd.span,
                    "`wget` without `--progress` prints a line of dots every few kilobytes into the build log",
                );
                if let Some(name) = &cmd.name {
                    let applicability = match wget {
                        Wget::Gnu => Applicability::Safe,
                        _ => Applicability::Unsafe,
                    };
                    d.fix = insert_after(
                        cx,
                        "Add `--progress=dot:giga`",
                        applicability,
                        name,
                        " --progress=dot:giga",
                    );
                }
                out.push(d);
            });
        }
    }
}
