//! What the runtime stage needs and where each instruction goes: which
//! instructions are kept, which `RUN`s are repeated (packages, users, file
//! set-up), which packages stay behind, which users and programs the
//! runtime must have, and which runtime base fits.

use super::analyze::{Cmd, Facts, Kind, command_text, is_under, join};
use super::ecosystems::{self, ArtifactCopy, CA_BUNDLE, Layout, Plan};
use super::images::Runtime;
use super::tables::{self, DevPackage, Distro};
use super::{Decision, DecisionKind, Declined};
use crate::shell::packages::{self, Manager, PackageKind};
use crate::shell::{Command, basename};
use crate::syntax::{Args, Keyword};
use std::collections::BTreeSet;

/// One piece of the runtime stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    /// An instruction of the original, with the comments before it.
    Chunk(usize),
    /// New text (one instruction).
    Text(String),
}

/// Where everything goes.
pub(crate) struct Placed {
    /// The runtime base chosen.
    pub runtime: Runtime,
    /// Instructions after the build that belong in the builder.
    pub builder_extra: Vec<usize>,
    /// The runtime stage's instructions after its `FROM`.
    pub items: Vec<Item>,
    /// What was decided.
    pub decisions: Vec<Decision>,
}

/// A package install as the runtime should repeat it.
#[derive(Clone, Debug)]
struct InstallReplay {
    manager: Manager,
    /// The install command with the runtime packages only.
    text: String,
    /// Whether it kept every package of the original command.
    whole: bool,
    /// The runtime packages.
    packages: Vec<String>,
}

/// What a `RUN` before the build gives the runtime stage.
#[derive(Clone, Debug, Default)]
struct Replay {
    installs: Vec<InstallReplay>,
    updates: Vec<(Manager, String)>,
    cleanups: Vec<String>,
    /// User and group commands, with the names they create or change.
    users: Vec<(String, Vec<String>)>,
    /// Set-up commands that the runtime repeats.
    setup: Vec<String>,
    /// Global tool installs (`npm install -g pm2`), with their packages.
    globals: Vec<(String, Vec<String>)>,
    /// Whether every command of the `RUN` is one of the above and kept.
    whole: bool,
}

/// What happens to a `RUN` after the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After {
    Runtime,
    Builder,
}

/// Place every instruction and choose the runtime base.
pub(crate) fn place(f: &Facts<'_>, plan: &mut Plan) -> Result<Placed, Declined> {
    let b = plan.build;
    let builder_distro = f.base.distro();
    let mut decisions = Vec::new();
    let mut reasons = Vec::new();

    // Packages removed later in the stage (apt-get purge, apk del).
    let removed = removed_packages(f);

    // What each RUN up to the build gives the runtime.
    let mut replays: Vec<(usize, Replay)> = Vec::new();
    // The line of a `ca-certificates` install a Go program's runtime gets
    // as the bundle file instead.
    let mut ca_bundle: Option<usize> = None;
    let mut dropped_packages: Vec<String> = Vec::new();
    let mut helpers: Vec<(String, usize)> = Vec::new();
    let mut unknown_dev: Vec<String> = Vec::new();
    // The programs the build runs, to tell a build helper package from a
    // package the program needs.
    let ran: BTreeSet<&str> = f
        .runs
        .iter()
        .filter(|r| r.index <= b)
        .flat_map(|r| &r.cmds)
        .filter_map(|c| c.cmd.basename())
        .collect();
    for r in f.runs.iter().filter(|r| r.index <= b) {
        let mut rp = Replay {
            whole: !r.opaque && !r.cmds.is_empty(),
            ..Replay::default()
        };
        for c in &r.cmds {
            match &c.kind {
                Kind::Install(m) => {
                    let Some(install) = packages::install(c.cmd) else {
                        continue;
                    };
                    let virtual_name = c.cmd.option_str(&["-t", "--virtual"]);
                    let mut kept = Vec::new();
                    let mut whole = true;
                    let mut map: Vec<(String, Option<String>)> = Vec::new();
                    let toolchain_here = install.packages.iter().any(|p| {
                        crate::shell::builds::is_toolchain_package(tables::bare_name(p.name))
                    });
                    for p in &install.packages {
                        if p.kind != PackageKind::Registry {
                            whole = false;
                            continue;
                        }
                        if !p.word.literal {
                            reasons.push(format!(
                                "cannot tell which packages `{}` installs (line {})",
                                p.word.raw,
                                f.inst(r.index).start_line
                            ));
                            continue;
                        }
                        let name = tables::bare_name(p.name);
                        let gone = removed.iter().any(|x| x == name)
                            || virtual_name.is_some_and(|v| removed.iter().any(|x| x == v));
                        if gone {
                            dropped_packages.push(format!("{name} (removed in the build)"));
                            map.push((p.word.raw.to_string(), None));
                            whole = false;
                        } else if tables::is_dev(name) {
                            whole = false;
                            let distro = builder_distro.unwrap_or(Distro::Debian);
                            match tables::dev_package(name, distro) {
                                DevPackage::Headers => {
                                    dropped_packages.push(name.to_string());
                                    map.push((p.word.raw.to_string(), None));
                                }
                                DevPackage::Library(lib) => {
                                    decisions.push(Decision {
                                        kind: DecisionKind::Added,
                                        text: format!(
                                            "{lib}, the runtime library of {name} (line {})",
                                            f.inst(r.index).start_line
                                        ),
                                    });
                                    dropped_packages.push(name.to_string());
                                    kept.push(lib.to_string());
                                    map.push((p.word.raw.to_string(), Some(lib.to_string())));
                                }
                                DevPackage::Unknown if plan.native => {
                                    unknown_dev.push(name.to_string());
                                }
                                DevPackage::Unknown => {
                                    dropped_packages.push(name.to_string());
                                    map.push((p.word.raw.to_string(), None));
                                }
                            }
                        } else if crate::shell::builds::is_toolchain_package(name) {
                            dropped_packages.push(name.to_string());
                            map.push((p.word.raw.to_string(), None));
                            whole = false;
                        } else if name == "ca-certificates"
                            && plan.ecosystem == crate::shell::builds::Ecosystem::Go
                        {
                            // A Go program reads the bundle file alone
                            // (crypto/x509 looks for it first on Linux):
                            // copied from the builder, which installs it,
                            // instead of a second, unpinned install.
                            ca_bundle = Some(f.inst(r.index).start_line);
                            map.push((p.word.raw.to_string(), None));
                            whole = false;
                        } else if serves_build(name, &ran, toolchain_here, plan) {
                            helpers.push((name.to_string(), r.index));
                            map.push((p.word.raw.to_string(), None));
                            whole = false;
                        } else {
                            kept.push(p.word.raw.to_string());
                            map.push((p.word.raw.to_string(), Some(p.word.raw.to_string())));
                        }
                    }
                    if !whole {
                        rp.whole = false;
                    }
                    if !kept.is_empty() {
                        rp.installs.push(InstallReplay {
                            manager: *m,
                            text: install_text(c.cmd, &install, &map),
                            whole,
                            packages: kept,
                        });
                    }
                }
                Kind::Update => {
                    if let Some(m) = packages::is_update(c.cmd) {
                        rp.updates.push((m, command_text(c.cmd)));
                    }
                }
                Kind::Cleanup => rp.cleanups.push(command_text(c.cmd)),
                Kind::User => rp.users.push((command_text(c.cmd), user_names(c.cmd))),
                Kind::Setup => {
                    if setup_replays(c, f, plan, r.index) {
                        rp.setup.push(command_text(c.cmd));
                    } else {
                        rp.whole = false;
                    }
                }
                Kind::LangInstall if is_global_tool(c.cmd) => {
                    let names = packages::install(c.cmd)
                        .map(|i| i.packages.iter().map(|p| p.name.to_string()).collect())
                        .unwrap_or_default();
                    rp.globals.push((command_text(c.cmd), names));
                    rp.whole = false;
                }
                _ => rp.whole = false,
            }
        }
        if rp.installs.iter().any(|i| !i.whole) {
            rp.whole = false;
        }
        // Set-up commands repeat only from a RUN that does nothing else: in
        // a RUN that builds, they serve the build.
        let pure = r.cmds.iter().all(|c| {
            matches!(
                c.kind,
                Kind::Install(_)
                    | Kind::Update
                    | Kind::Cleanup
                    | Kind::User
                    | Kind::Setup
                    | Kind::Remove
            )
        });
        if !pure {
            rp.setup.clear();
        }
        replays.push((r.index, rp));
    }
    if let Some(line) = ca_bundle {
        if !plan.provides(CA_BUNDLE) {
            plan.copies.push(ArtifactCopy::same(CA_BUNDLE.to_string()));
        }
        decisions.push(Decision {
            kind: DecisionKind::Added,
            text: format!(
                "{CA_BUNDLE}, copied from the builder, for ca-certificates (line {line}): a Go \
                 program reads only that bundle, so the runtime does not install the package"
            ),
        });
    }
    if !unknown_dev.is_empty() {
        unknown_dev.dedup();
        reasons.push(format!(
            "the program may need the runtime library of {}, and Slipway's table does not know \
             which package that is",
            quoted(&unknown_dev)
        ));
    }

    // RUNs after the build.
    let mut after: Vec<(usize, After)> = Vec::new();
    for r in f.runs.iter().filter(|r| r.index > b) {
        let line = f.inst(r.index).start_line;
        if r.opaque {
            reasons.push(format!(
                "the RUN at line {line}, after the build, cannot be read as shell"
            ));
            continue;
        }
        let kinds: Vec<&Kind> = r.cmds.iter().map(|c| &c.kind).collect();
        let artifact_only = matches!(plan.layout, Layout::Artifacts { .. })
            && r.cmds.iter().all(|c| {
                matches!(c.kind, Kind::Setup) && touches_only_artifacts(c, plan)
                    || matches!(c.kind, Kind::Cd)
            });
        let runtime_kinds = kinds.iter().all(|k| {
            matches!(
                k,
                Kind::Install(_)
                    | Kind::Update
                    | Kind::Cleanup
                    | Kind::User
                    | Kind::Setup
                    | Kind::Remove
            )
        });
        // Finishing or checking the build (`strip`, `npm prune`, `go test`):
        // nothing for the runtime.
        let builder_kinds = r.cmds.iter().all(|c| {
            is_post_build(c)
                || (!matches!(plan.layout, Layout::Context)
                    && (super::analyze::is_toolchain_command(c.cmd)
                        || matches!(c.kind, Kind::Build(_) | Kind::Deps(_))))
        });
        let toolchain = r.cmds.iter().any(|c| {
            super::analyze::is_toolchain_command(c.cmd)
                || matches!(c.kind, Kind::Build(_) | Kind::Deps(_))
        });
        let choice = if artifact_only {
            After::Builder
        } else if runtime_kinds {
            After::Runtime
        } else if builder_kinds && !matches!(plan.layout, Layout::Context) {
            After::Builder
        } else if matches!(plan.layout, Layout::Context) && !toolchain {
            After::Runtime
        } else if let Layout::BuilderDir(w) = &plan.layout {
            decisions.push(Decision {
                kind: DecisionKind::Kept,
                text: format!(
                    "the RUN at line {line} runs in the builder after the build: its changes to \
                     {w} are copied"
                ),
            });
            After::Builder
        } else {
            let what = r
                .cmds
                .iter()
                .find(|c| !matches!(c.kind, Kind::Setup | Kind::Cd))
                .map(|c| command_text(c.cmd))
                .unwrap_or_default();
            reasons.push(format!(
                "the RUN at line {line}, after the build, does something the rewrite cannot place \
                 (`{what}`)"
            ));
            continue;
        };
        after.push((r.index, choice));
    }
    if !reasons.is_empty() {
        return Err(Declined { reasons });
    }

    // Files a RUN after the build makes outside the sources and the
    // artifacts (`mkdir -p /srv/www && cp -r www/. /srv/www/`) are what the
    // program reads at run time: copied from the builder.
    if matches!(plan.layout, Layout::Artifacts { .. }) {
        let sources = ecosystems::source_dirs(f);
        for &(i, a) in &after {
            if a != After::Builder {
                continue;
            }
            let Some(r) = f.run(i) else { continue };
            for c in &r.cmds {
                for d in made_outside(c, &sources, plan) {
                    decisions.push(Decision {
                        kind: DecisionKind::Artifact,
                        text: format!(
                            "{d}, which the RUN at line {} makes after the build",
                            f.inst(i).start_line
                        ),
                    });
                    plan.copies.push(ArtifactCopy::same(d));
                }
            }
        }
    }

    // Try each runtime base in turn.
    let mut rejected: Vec<(String, Vec<String>)> = Vec::new();
    let candidates = plan.candidates.clone();
    for rt in candidates {
        match fit(f, plan, &rt, &replays, &after, &helpers) {
            Ok(_)
                if rt.image == f.base.written
                    && dropped_packages.is_empty()
                    && helpers.is_empty()
                    && plan.builder_tail.is_empty() =>
            {
                return Err(Declined {
                    reasons: vec![format!(
                        "the rewrite removes nothing: the runtime would be the builder's own \
                         image ({}), and the build installs no toolchain or build-only package \
                         and adds no dev dependencies to leave behind",
                        rt.image
                    )],
                });
            }
            Ok(mut fitted) => {
                for (image, why) in &rejected {
                    decisions.push(Decision {
                        kind: DecisionKind::Runtime,
                        text: format!("not {image}: {}", why.join("; ")),
                    });
                }
                decisions.push(Decision {
                    kind: DecisionKind::Runtime,
                    text: format!("{}: {}", rt.image, rt.why),
                });
                if !dropped_packages.is_empty() {
                    let mut d = dropped_packages.clone();
                    d.dedup();
                    decisions.push(Decision {
                        kind: DecisionKind::Dropped,
                        text: format!("build packages stay in the builder: {}", d.join(", ")),
                    });
                }
                let finishing: Vec<String> = after
                    .iter()
                    .filter(|(_, a)| {
                        *a == After::Builder && !matches!(plan.layout, Layout::BuilderDir(_))
                    })
                    .map(|(i, _)| format!("RUN (line {})", f.inst(*i).start_line))
                    .collect();
                if !finishing.is_empty() {
                    decisions.push(Decision {
                        kind: DecisionKind::Dropped,
                        text: format!(
                            "after the build, in the builder only (it finishes or checks the \
                             build): {}",
                            finishing.join(", ")
                        ),
                    });
                }
                decisions.append(&mut fitted.decisions);
                plan.copies.append(&mut fitted.extra_copies);
                if let Some(c) = &rt.custom {
                    plan.builder_tail.extend(c.builder_tail.iter().cloned());
                    decisions.extend(c.decisions.iter().cloned());
                }
                return Ok(Placed {
                    runtime: rt,
                    builder_extra: after
                        .iter()
                        .filter(|(_, a)| *a == After::Builder)
                        .map(|(i, _)| *i)
                        .collect(),
                    items: fitted.items,
                    decisions,
                });
            }
            Err(why) => rejected.push((rt.image.clone(), why)),
        }
    }
    let (_, why) = rejected.pop().unwrap_or_default();
    Err(Declined { reasons: why })
}

/// The runtime stage on one candidate base, or why it does not fit.
struct Fitted {
    items: Vec<Item>,
    decisions: Vec<Decision>,
    extra_copies: Vec<ArtifactCopy>,
}

fn fit(
    f: &Facts<'_>,
    plan: &Plan,
    rt: &Runtime,
    replays: &[(usize, Replay)],
    after: &[(usize, After)],
    helpers: &[(String, usize)],
) -> Result<Fitted, Vec<String>> {
    let b = plan.build;
    let mut why = Vec::new();
    let mut decisions = Vec::new();
    let mut extra_copies: Vec<ArtifactCopy> = Vec::new();
    let mut extra_packages: Vec<String> = rt.install.iter().map(|s| s.to_string()).collect();
    for file in &rt.builder_files {
        if !plan.provides(file) {
            extra_copies.push(ArtifactCopy {
                from: file.to_string(),
                to: file.to_string(),
            });
        }
    }
    if let Some(c) = &rt.custom {
        for (from, to) in &c.copies {
            extra_copies.push(ArtifactCopy {
                from: from.clone(),
                to: to.clone(),
            });
        }
    }
    let mut shell_needs: Vec<String> = Vec::new();
    let runtime_after = |i: usize| after.iter().any(|&(j, a)| j == i && a == After::Runtime);

    // Which instructions before the build the runtime keeps.
    let mut keep = BTreeSet::new();
    for &i in &f.insts {
        let inst = f.inst(i);
        let line = inst.start_line;
        let kept = match inst.keyword {
            Keyword::Env
            | Keyword::Label
            | Keyword::Expose
            | Keyword::Volume
            | Keyword::Stopsignal
            | Keyword::Healthcheck
            | Keyword::Entrypoint
            | Keyword::Cmd
            | Keyword::User
            | Keyword::Workdir
            | Keyword::Maintainer => true,
            Keyword::Arg => i > b,
            Keyword::Shell => rt.shell,
            Keyword::Copy | Keyword::Add => i > b || keeps_copy(f, plan, i),
            Keyword::Run => i > b && runtime_after(i),
            _ => false,
        };
        if kept {
            keep.insert(i);
        }
        if kept && inst.keyword == Keyword::Run {
            shell_needs.push(format!(
                "the RUN at line {line} repeats in the runtime stage"
            ));
        }
    }

    // The application's files: copied from the context again, or else
    // from the builder when it made them (`git clone ... /src`).
    if matches!(plan.layout, Layout::Context) {
        let at = ecosystems::entry(f)
            .map(|e| e.index)
            .or_else(|| f.insts.last().copied())
            .unwrap_or(f.from);
        if let Some(d) = f.cwd[at].clone().filter(|d| d != "/") {
            let into = keep.iter().any(|&i| {
                matches!(f.inst(i).keyword, Keyword::Copy | Keyword::Add)
                    && copy_dest(f, i)
                        .is_some_and(|(_, dest)| is_under(&dest, &d) || is_under(&d, &dest))
            });
            // Whether anything puts files there: a RUN working in it, a
            // COPY left in the builder (a WORKDIR alone makes it empty,
            // as `WORKDIR /home/app` after `useradd -m app`).
            let filled = f
                .runs
                .iter()
                .flat_map(|r| &r.cmds)
                .any(|c| c.cwd.as_deref().is_some_and(|cw| is_under(cw, &d)))
                || f.insts.iter().any(|&i| {
                    !keep.contains(&i)
                        && matches!(f.inst(i).keyword, Keyword::Copy | Keyword::Add)
                        && copy_dest(f, i).is_some_and(|(_, dest)| is_under(&dest, &d))
                })
                || builder_made(f, plan, &keep, &d);
            if !into && !plan.provides(&d) && filled {
                if builder_made(f, plan, &keep, &d) {
                    extra_copies.push(ArtifactCopy::same(d.clone()));
                    decisions.push(Decision {
                        kind: DecisionKind::Artifact,
                        text: format!(
                            "the application's directory {d}, which the builder makes (no COPY \
                             brings it from the build context)"
                        ),
                    });
                } else {
                    why.push(format!(
                        "the application's files in {d} come neither from the build context nor \
                         from a step the rewrite can follow"
                    ));
                }
            }
        }
    }

    // Users the runtime needs.
    let mut wanted_users: Vec<(String, usize)> = Vec::new();
    for &i in keep.iter() {
        let inst = f.inst(i);
        match inst.keyword {
            Keyword::User => {
                if let Args::Text(w) = &inst.args {
                    let Some(v) = f.expand(&w.value, i) else {
                        why.push(format!(
                            "USER (line {}) names a build argument without a value",
                            inst.start_line
                        ));
                        continue;
                    };
                    for part in v.split(':') {
                        wanted_users.push((part.to_string(), i));
                    }
                }
            }
            Keyword::Copy | Keyword::Add => {
                if let Some(flag) = inst.flag("chown").and_then(|f| f.value.clone()) {
                    for part in flag.split(':') {
                        wanted_users.push((part.to_string(), i));
                    }
                }
            }
            _ => {}
        }
    }
    // A distroless image names only root, nobody and nonroot: a USER of
    // Debian's base-passwd (www-data) is written with its fixed ids.
    let mut local_rewrites: Vec<(usize, String)> = Vec::new();
    let made_by_file = |name: &str| {
        replays.iter().any(|(_, rp)| {
            rp.users
                .iter()
                .any(|(_, names)| names.iter().any(|n| n == name))
        }) || after_creates(f, after, name)
    };
    for &i in keep.iter() {
        if !rt.distroless || f.inst(i).keyword != Keyword::User {
            continue;
        }
        let Some((text, note)) = fixed_id_user(f, rt, i, &made_by_file) else {
            continue;
        };
        wanted_users.retain(|(_, at)| *at != i);
        local_rewrites.push((i, text));
        decisions.push(Decision {
            kind: DecisionKind::Assumed,
            text: note,
        });
    }
    let mut replay_users: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (name, at) in &wanted_users {
        if name.is_empty() || rt.has_user(name) {
            continue;
        }
        let created = replays.iter().flat_map(|(run, rp)| {
            rp.users
                .iter()
                .enumerate()
                .filter(|(_, (_, names))| names.iter().any(|n| n == name))
                .map(move |(k, _)| (*run, k))
        });
        let mut found = false;
        for key in created {
            replay_users.insert(key);
            found = true;
        }
        if !found && after_creates(f, after, name) {
            found = true;
        }
        if !found {
            why.push(format!(
                "{} (line {}) names the user or group `{name}`, which {} may not have",
                f.inst(*at).keyword,
                f.inst(*at).start_line,
                rt.image
            ));
        }
    }
    // A group made by the user commands that make the user: repeat them
    // all for a run that makes one.
    for (run, rp) in replays {
        if replay_users.iter().any(|(r, _)| r == run) {
            for k in 0..rp.users.len() {
                replay_users.insert((*run, k));
            }
        }
    }
    if !replay_users.is_empty() {
        shell_needs.push("the user is created with a command".to_string());
        let debian_adduser = rt.distro.is_some_and(|d| d != Distro::Alpine)
            && replays.iter().any(|(run, rp)| {
                rp.users.iter().enumerate().any(|(k, (text, _))| {
                    replay_users.contains(&(*run, k)) && text.starts_with("adduser")
                        || replay_users.contains(&(*run, k)) && text.starts_with("addgroup")
                })
            });
        if debian_adduser {
            extra_packages.push("adduser".to_string());
            decisions.push(Decision {
                kind: DecisionKind::Added,
                text: "the package adduser: the user is created with adduser, which a slim \
                       image may lack"
                    .to_string(),
            });
        }
    }

    // Programs the runtime commands run.
    let mut programs: Vec<(String, usize)> = Vec::new();
    let entrypoint = ecosystems::last_of(f, Keyword::Entrypoint);
    let cmd = ecosystems::last_of(f, Keyword::Cmd);
    let health = ecosystems::last_of(f, Keyword::Healthcheck);
    let mut runtime_cmds = Vec::new();
    if let Some(e) = entrypoint {
        runtime_cmds.push(e);
    }
    if let Some(c) = cmd
        && (entrypoint.is_none() || !f.inst(entrypoint.expect("some")).is_exec_form())
    {
        runtime_cmds.push(c);
    }
    if let Some(h) = health {
        runtime_cmds.push(h);
    }
    // On a BusyBox image (distroless `debug`) a HEALTHCHECK runs through
    // BusyBox: its shell (`sh` on PATH, `/busybox/sh`) and applets, with
    // the options they take. A `SHELL` of the file would have run a
    // shell-form one.
    let shell_instruction = f.insts.iter().any(|&i| f.inst(i).keyword == Keyword::Shell);
    let busybox_health =
        |i: usize| rt.busybox && f.inst(i).keyword == Keyword::Healthcheck && !shell_instruction;
    let busybox_refused = |i: usize, cmds: Vec<(String, Vec<String>)>, why: &mut Vec<String>| {
        for (name, args) in cmds {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            if tables::BUSYBOX_PROBE_PROGRAMS.contains(&name.as_str())
                && !tables::busybox_accepts(&name, &args)
            {
                why.push(format!(
                    "the HEALTHCHECK (line {}) runs `{name} {}`, whose options BusyBox's \
                     {name} ({}) may not take",
                    f.inst(i).start_line,
                    args.join(" "),
                    rt.image
                ));
            }
        }
    };
    let script_commands = |s: &crate::shell::Script| -> Vec<(String, Vec<String>)> {
        s.commands
            .iter()
            .filter_map(|c| {
                let name = c.name.as_ref().filter(|n| n.literal)?;
                Some((
                    name.value.to_string(),
                    c.args.iter().map(|w| w.value.to_string()).collect(),
                ))
            })
            .collect()
    };
    for &i in &runtime_cmds {
        let inst = f.inst(i);
        let line = inst.start_line;
        let args = match &inst.args {
            Args::Healthcheck { command, .. } => command.as_ref(),
            a => a,
        };
        match args {
            Args::Exec(words) if busybox_health(i) => {
                let Some(first) = words.first() else { continue };
                let script = words
                    .iter()
                    .position(|w| w.value == "-c")
                    .and_then(|p| words.get(p + 1));
                match (&*first.value, script) {
                    ("sh" | "/busybox/sh", Some(script)) => {
                        let s = crate::shell::parse(
                            &script.value,
                            crate::shell::Origin::File { offset: 0 },
                        );
                        busybox_refused(i, script_commands(&s), &mut why);
                        programs.extend(script_programs(&s).into_iter().map(|p| (p, i)));
                    }
                    (p, _) if crate::shell::is_shell_program(p) => {
                        shell_needs.push(format!("{} (line {line}) runs a shell", inst.keyword));
                        programs.push((p.to_string(), i));
                    }
                    (p, _) => {
                        let rest = words[1..].iter().map(|w| w.value.to_string()).collect();
                        busybox_refused(i, vec![(basename(p).to_string(), rest)], &mut why);
                        programs.push((p.to_string(), i));
                    }
                }
            }
            Args::Text(t) if busybox_health(i) => {
                let s = crate::shell::parse(&t.value, crate::shell::Origin::File { offset: 0 });
                busybox_refused(i, script_commands(&s), &mut why);
                programs.extend(script_programs(&s).into_iter().map(|p| (p, i)));
                local_rewrites.push((i, busybox_healthcheck(f, i, &t.value)));
                decisions.push(Decision {
                    kind: DecisionKind::Assumed,
                    text: format!(
                        "the HEALTHCHECK (line {line}) is written in exec form, through \
                         BusyBox's shell: `/busybox/sh -c` and the same command ({} has no \
                         /bin/sh, which a shell-form HEALTHCHECK runs)",
                        rt.image
                    ),
                });
            }
            Args::Exec(words) => {
                let Some(first) = words.first() else { continue };
                if crate::shell::is_shell_program(&first.value) {
                    shell_needs.push(format!("{} (line {line}) runs a shell", inst.keyword));
                    if let Some(script) = words
                        .iter()
                        .position(|w| w.value == "-c")
                        .and_then(|p| words.get(p + 1))
                    {
                        let s = crate::shell::parse(
                            &script.value,
                            crate::shell::Origin::File { offset: 0 },
                        );
                        programs.extend(script_programs(&s).into_iter().map(|p| (p, i)));
                    }
                    let first = first.value.to_string();
                    programs.push((first, i));
                } else {
                    programs.push((first.value.to_string(), i));
                }
            }
            Args::Text(t) => {
                if inst.keyword == Keyword::Healthcheck
                    && f.inst(i).original.trim_end().ends_with("NONE")
                {
                    continue;
                }
                shell_needs.push(format!(
                    "{} (line {line}) is in shell form",
                    if inst.keyword == Keyword::Healthcheck {
                        "HEALTHCHECK CMD"
                    } else {
                        inst.keyword.as_str()
                    }
                ));
                let s = crate::shell::parse(&t.value, crate::shell::Origin::File { offset: 0 });
                programs.extend(script_programs(&s).into_iter().map(|p| (p, i)));
            }
            _ => {}
        }
    }
    if let Some(h) = health.filter(|&h| busybox_health(h)) {
        let mut applets: Vec<&str> = programs
            .iter()
            .filter(|(p, at)| *at == h && p != "sh" && rt.has_program(p))
            .map(|(p, _)| basename(p))
            .collect();
        applets.dedup();
        if !applets.is_empty() {
            decisions.push(Decision {
                kind: DecisionKind::Assumed,
                text: format!(
                    "the HEALTHCHECK (line {}) runs BusyBox's {} (in /busybox), not the \
                     builder's: it takes the options the HEALTHCHECK uses",
                    f.inst(h).start_line,
                    applets
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    let distro = rt.distro;
    let mut globals_needed: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut restored_helpers: Vec<String> = Vec::new();
    let path_dirs: Vec<String> = [
        "/usr/local/sbin",
        "/usr/local/bin",
        "/usr/sbin",
        "/usr/bin",
        "/sbin",
        "/bin",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(plan.path_dirs.iter().cloned())
    .chain(env_path_dirs(f))
    .collect();
    let mut seen = BTreeSet::new();
    for (p, at) in &programs {
        if !seen.insert(p.clone()) {
            continue;
        }
        let inst = f.inst(*at);
        let line = inst.start_line;
        let kw = if inst.keyword == Keyword::Healthcheck {
            "HEALTHCHECK".to_string()
        } else {
            inst.keyword.to_string()
        };
        if p.contains('/') {
            let Some(path) = f.cwd[*at].as_deref().map(|d| join(d, p)) else {
                why.push(format!(
                    "{kw} (line {line}) runs `{p}` from an unknown directory"
                ));
                continue;
            };
            if p.ends_with(".sh") {
                shell_needs.push(format!("{kw} (line {line}) runs the script {p}"));
            }
            if plan.provides(&path) || kept_copy_provides(f, &keep, &path) {
                continue;
            }
            let dir = super::analyze::dirname(&path);
            let on_busybox = rt.busybox
                && dir == "/busybox"
                && tables::BUSYBOX_PROBE_PROGRAMS.contains(&basename(&path));
            // BusyBox's applets are at /busybox only, not in /usr/bin.
            let applet_only = rt.busybox
                && tables::BUSYBOX_PROBE_PROGRAMS.contains(&basename(&path))
                && !rt.programs.iter().any(|p| p == basename(&path));
            if on_busybox
                || (path_dirs.iter().any(|d| d == dir)
                    && rt.has_program(basename(&path))
                    && !applet_only)
            {
                continue;
            }
            if builder_made(f, plan, &keep, &path) {
                extra_copies.push(ArtifactCopy::same(path.clone()));
                decisions.push(Decision {
                    kind: DecisionKind::Added,
                    text: format!(
                        "a copy of {path} from the builder, which the {kw} (line {line}) runs"
                    ),
                });
                continue;
            }
            why.push(format!(
                "{kw} (line {line}) runs {path}, which the runtime stage would not have"
            ));
            continue;
        }
        if rt.has_program(p) || is_builtin(p) {
            continue;
        }
        let on_path = plan.copies.iter().any(|c| {
            basename(&c.to) == p
                && path_dirs
                    .iter()
                    .any(|d| d == super::analyze::dirname(&c.to))
        });
        if on_path {
            continue;
        }
        let kept_pkg = replays
            .iter()
            .flat_map(|(_, rp)| &rp.installs)
            .flat_map(|i| &i.packages)
            .any(|k| tables::bare_name(k) == p);
        if kept_pkg {
            continue;
        }
        if let Some((name, _)) = helpers.iter().find(|(n, _)| n == p) {
            if distro.is_some() {
                restored_helpers.push(name.clone());
                decisions.push(Decision {
                    kind: DecisionKind::Kept,
                    text: format!("the package {name}: the {kw} (line {line}) runs `{p}`"),
                });
                continue;
            }
            why.push(format!(
                "{kw} (line {line}) runs `{p}`, and {} has no package manager",
                rt.image
            ));
            continue;
        }
        if let Some(src) = kept_copy_program(f, &keep, p, &path_dirs) {
            if src.ends_with(".sh") || !src.contains('.') {
                decisions.push(Decision {
                    kind: DecisionKind::Assumed,
                    text: format!(
                        "`{p}`, copied from the build context, runs only programs {} has",
                        rt.image
                    ),
                });
            }
            if src.ends_with(".sh") {
                shell_needs.push(format!("{kw} (line {line}) runs the script {p}"));
            }
            continue;
        }
        // `npm install -g pm2` gives `pm2` and `pm2-runtime`.
        let global = replays.iter().find_map(|(run, rp)| {
            rp.globals
                .iter()
                .position(|(_, names)| {
                    names.iter().any(|n| {
                        n == p
                            || p.strip_prefix(n.as_str())
                                .is_some_and(|r| r.starts_with('-'))
                    })
                })
                .map(|k| (*run, k))
        });
        if let Some(key) = global {
            globals_needed.insert(key);
            shell_needs.push(format!("the global install of `{p}` repeats"));
            continue;
        }
        // A system program the runtime lacks (`curl` in a HEALTHCHECK) is
        // not a console script, whatever the requirements install.
        let system = distro.and_then(|d| tables::program_package(p, d));
        if plan.console_scripts && system.is_none() {
            decisions.push(Decision {
                kind: DecisionKind::Assumed,
                text: format!(
                    "`{p}`, which the {kw} (line {line}) runs, is a console script the \
                     requirements install into the virtualenv"
                ),
            });
            continue;
        }
        match system {
            Some("") => continue,
            Some(pkg) => {
                extra_packages.push(pkg.to_string());
                decisions.push(Decision {
                    kind: DecisionKind::Added,
                    text: format!(
                        "the package {pkg}: the {kw} (line {line}) runs `{p}`, which {} lacks",
                        rt.image
                    ),
                });
            }
            None => why.push(format!(
                "{kw} (line {line}) runs `{p}`, which {} may not have",
                rt.image
            )),
        }
    }

    // Files the program is given at run time (a path among the
    // ENTRYPOINT/CMD arguments, an ENV value that is a path) that came
    // with the build context into a directory left in the builder.
    for (path, what) in runtime_files(f) {
        if plan.provides(&path)
            || extra_copies.iter().any(|c| is_under(&path, &c.to))
            || kept_copy_provides(f, &keep, &path)
        {
            continue;
        }
        if let Some(src) = context_file(f, plan, &keep, &path) {
            extra_copies.push(ArtifactCopy::same(path.clone()));
            decisions.push(Decision {
                kind: DecisionKind::Added,
                text: format!(
                    "a copy of {path} from the builder: the {what} names it, and the build \
                     context's {src} is copied there"
                ),
            });
        }
    }

    // Packages the runtime installs.
    let mut install_managers: Vec<Manager> = Vec::new();
    for (_, rp) in replays {
        for i in &rp.installs {
            install_managers.push(i.manager);
        }
    }
    for &(i, a) in after {
        if a == After::Runtime
            && let Some(r) = f.run(i)
        {
            for c in &r.cmds {
                if let Kind::Install(m) = c.kind {
                    install_managers.push(m);
                }
            }
        }
    }
    let runtime_packages: Vec<String> = replays
        .iter()
        .flat_map(|(_, rp)| rp.installs.iter().flat_map(|i| i.packages.clone()))
        .collect();
    // A package the original installs for run time is installed once.
    extra_packages.retain(|p| {
        !runtime_packages
            .iter()
            .any(|r| tables::bare_name(r) == tables::bare_name(p))
    });
    if !runtime_packages.is_empty() || !restored_helpers.is_empty() {
        let missing: Vec<&String> = runtime_packages
            .iter()
            .chain(&restored_helpers)
            .filter(|p| !rt.has_packages.contains(&tables::bare_name(p)))
            .collect();
        if !missing.is_empty() && rt.distro.is_none() {
            why.push(format!(
                "the program needs the packages {}, and {} has no package manager",
                quoted(&missing.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
                rt.image
            ));
        }
    }
    for m in &install_managers {
        if !manager_fits(*m, rt.distro) {
            if rt.distro.is_none()
                && runtime_packages
                    .iter()
                    .all(|p| rt.has_packages.contains(&tables::bare_name(p)))
            {
                continue;
            }
            why.push(format!(
                "packages are installed with {}, which {} does not have",
                m.as_str(),
                rt.image
            ));
            break;
        }
    }
    let has_replays = replays.iter().any(|(_, rp)| {
        !rp.setup.is_empty()
            || rp.installs.iter().any(|i| {
                i.packages
                    .iter()
                    .any(|p| !rt.has_packages.contains(&tables::bare_name(p)))
            })
    });
    if has_replays {
        shell_needs.push("packages or files are set up with commands".to_string());
    }
    if !extra_packages.is_empty() || !restored_helpers.is_empty() {
        if rt.distro.is_none() {
            if !restored_helpers.is_empty() {
                why.push(format!("{} has no package manager", rt.image));
            }
        } else {
            shell_needs.push("packages are installed".to_string());
        }
    }
    if !rt.shell && !shell_needs.is_empty() {
        shell_needs.dedup();
        why.push(format!("a shell is needed: {}", shell_needs.join("; ")));
    }
    if let Some(sh) = f
        .insts
        .iter()
        .find(|&&i| f.inst(i).keyword == Keyword::Shell)
        && rt.shell
        && let Args::Exec(words) = &f.inst(*sh).args
        && let Some(first) = words.first()
        && !rt.has_program(basename(&first.value))
    {
        why.push(format!(
            "SHELL (line {}) runs {}, which {} may not have",
            f.inst(*sh).start_line,
            first.value,
            rt.image
        ));
    }
    // BusyBox's shell is the `debug` image's ENTRYPOINT: a program
    // started by CMD alone would be its script. `ENTRYPOINT []` before
    // the CMD resets it, and the CMD stays as it was (`docker run IMAGE
    // ARGS` replaces it, as before).
    let mut reset_entrypoint = None;
    if rt.busybox && entrypoint.is_none() {
        match cmd {
            Some(c) => {
                reset_entrypoint = Some(c);
                decisions.push(Decision {
                    kind: DecisionKind::Added,
                    text: format!(
                        "ENTRYPOINT [] before the CMD (line {}): {}'s ENTRYPOINT is BusyBox's \
                         shell (/busybox/sh), which would run the CMD as its script",
                        f.inst(c).start_line,
                        rt.image
                    ),
                });
            }
            None => why.push(format!(
                "the file names no ENTRYPOINT or CMD, and {}'s ENTRYPOINT is BusyBox's shell",
                rt.image
            )),
        }
    }
    if !why.is_empty() {
        return Err(why);
    }

    // The items, in order.
    let mut items: Vec<Item> = Vec::new();
    let default_dir = f.base.default_workdir().unwrap_or("/");
    let first_workdir = f
        .insts
        .iter()
        .find(|&&i| f.inst(i).keyword == Keyword::Workdir);
    let absolute_first = first_workdir.is_some_and(|&i| match &f.inst(i).args {
        Args::Text(w) => w.value.starts_with('/'),
        _ => false,
    });
    if default_dir != "/" && !absolute_first {
        items.push(Item::Text(format!("WORKDIR {default_dir}")));
        decisions.push(Decision {
            kind: DecisionKind::Added,
            text: format!("WORKDIR {default_dir}: the builder's default working directory"),
        });
    }
    let mut packages_line = extra_packages.clone();
    packages_line.extend(restored_helpers.iter().cloned());
    let mut seen = BTreeSet::new();
    packages_line.retain(|p| seen.insert(tables::bare_name(p).to_string()));
    let mut added_packages_placed = packages_line.is_empty();
    let nl_items_start = items.len();
    let mut kept_lines: Vec<String> = Vec::new();
    let mut dropped_runs: Vec<String> = Vec::new();
    let mut dropped_copies: Vec<String> = Vec::new();
    let mut repeated_runs: Vec<String> = Vec::new();
    for &i in &f.insts {
        let inst = f.inst(i);
        let line = inst.start_line;
        if inst.keyword == Keyword::Run && i <= b {
            let rp = replays.iter().find(|(r, _)| *r == i).map(|(_, rp)| rp);
            let text = rp.and_then(|rp| {
                replay_text(
                    rp,
                    i,
                    rt,
                    &replay_users,
                    &globals_needed,
                    if added_packages_placed {
                        &[]
                    } else {
                        &packages_line
                    },
                )
            });
            match text {
                Some(ReplayText::Whole) => {
                    items.push(Item::Chunk(i));
                    repeated_runs.push(format!("RUN (line {line})"));
                }
                Some(ReplayText::Text(t, took_extra)) => {
                    if took_extra {
                        added_packages_placed = true;
                    }
                    items.push(Item::Text(t));
                    repeated_runs.push(format!("part of the RUN at line {line}"));
                }
                None => dropped_runs.push(line.to_string()),
            }
        } else if keep.contains(&i) {
            if Some(i) == reset_entrypoint {
                items.push(Item::Text("ENTRYPOINT []".to_string()));
            }
            match local_rewrites
                .iter()
                .chain(&rt.rewrites)
                .chain(&plan.rewrites)
                .find(|(j, _)| *j == i)
            {
                Some((_, t)) => items.push(Item::Text(t.clone())),
                None => items.push(Item::Chunk(i)),
            }
            kept_lines.push(format!("{} (line {line})", inst.keyword));
        } else if i <= b && inst.keyword == Keyword::Arg {
            // Decided below: kept when the runtime uses it.
        } else if i <= b && matches!(inst.keyword, Keyword::Copy | Keyword::Add) {
            dropped_copies.push(format!("{} (line {line})", inst.keyword));
        }
        if i == b {
            for c in plan.copies.iter().chain(&extra_copies) {
                items.push(Item::Text(copy_instruction(&c.from, &c.to)));
            }
            for l in plan
                .after_copies
                .iter()
                .chain(rt.custom.iter().flat_map(|c| &c.after_copies))
            {
                items.push(Item::Text(l.clone()));
            }
        }
    }
    if !added_packages_placed {
        items.insert(nl_items_start, Item::Text(package_line(rt, &packages_line)));
    }
    if !rt.install.is_empty() {
        decisions.push(Decision {
            kind: DecisionKind::Added,
            text: format!("the packages {}: {}", rt.install.join(", "), rt.install_why),
        });
    }
    if !rt.builder_files.is_empty() {
        decisions.push(Decision {
            kind: DecisionKind::Added,
            text: format!(
                "{}, copied from the builder: {}",
                rt.builder_files.join(", "),
                rt.install_why
            ),
        });
    }
    // ARGs the runtime uses.
    let args: Vec<(usize, String)> = f
        .insts
        .iter()
        .filter(|&&i| i <= b && f.inst(i).keyword == Keyword::Arg)
        .filter_map(|&i| match &f.inst(i).args {
            Args::Words(w) => w.first().map(|w| {
                let name = w.value.split('=').next().unwrap_or("").to_string();
                (i, name)
            }),
            _ => None,
        })
        .collect();
    let mut used_args: BTreeSet<usize> = BTreeSet::new();
    loop {
        let texts: Vec<String> = items
            .iter()
            .map(|it| match it {
                Item::Chunk(i) => f.inst(*i).original.clone(),
                Item::Text(t) => t.clone(),
            })
            .chain(used_args.iter().map(|&i| f.inst(i).original.clone()))
            .collect();
        let before = used_args.len();
        for (i, name) in &args {
            if texts.iter().any(|t| mentions(t, name)) {
                used_args.insert(*i);
            }
        }
        if used_args.len() == before {
            break;
        }
    }
    if !used_args.is_empty() {
        // Insert each ARG before the first item after it in file order.
        for &ai in used_args.iter().rev() {
            let pos = items
                .iter()
                .position(|it| matches!(it, Item::Chunk(j) if *j > ai))
                .unwrap_or(items.len());
            items.insert(pos, Item::Chunk(ai));
            kept_lines.push(format!(
                "ARG (line {}), used at run time",
                f.inst(ai).start_line
            ));
        }
    }
    if !kept_lines.is_empty() {
        decisions.push(Decision {
            kind: DecisionKind::Kept,
            text: kept_lines.join(", "),
        });
    }
    if !repeated_runs.is_empty() {
        decisions.push(Decision {
            kind: DecisionKind::Kept,
            text: format!(
                "repeated in the runtime stage (packages, users, file set-up): {}",
                repeated_runs.join(", ")
            ),
        });
    }
    if !dropped_copies.is_empty() {
        decisions.push(Decision {
            kind: DecisionKind::Dropped,
            text: format!(
                "{} stay{} in the builder: the sources",
                dropped_copies.join(", "),
                if dropped_copies.len() > 1 { "" } else { "s" }
            ),
        });
    }
    if !dropped_runs.is_empty() {
        decisions.push(Decision {
            kind: DecisionKind::Dropped,
            text: format!(
                "the RUN{} at line{} {} run{} in the builder only",
                if dropped_runs.len() > 1 { "s" } else { "" },
                if dropped_runs.len() > 1 { "s" } else { "" },
                dropped_runs.join(", "),
                if dropped_runs.len() > 1 { "" } else { "s" },
            ),
        });
    }
    Ok(Fitted {
        items,
        decisions,
        extra_copies,
    })
}

/// A `USER` that names a user or group of Debian's base-passwd which the
/// distroless runtime `rt` lacks (`www-data`), written with the ids
/// base-passwd fixes (`USER 33:33`), and the note that says so; `None`
/// when the builder is not Debian or Ubuntu (Alpine's ids differ), the
/// file makes or changes the user itself, or a name has no fixed id.
fn fixed_id_user(
    f: &Facts<'_>,
    rt: &Runtime,
    i: usize,
    made_by_file: &dyn Fn(&str) -> bool,
) -> Option<(String, String)> {
    if !matches!(f.base.distro(), Some(Distro::Debian | Distro::Ubuntu)) {
        return None;
    }
    let inst = f.inst(i);
    let Args::Text(w) = &inst.args else {
        return None;
    };
    let value = f.expand(&w.value, i)?;
    let (user, group) = match value.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (value.as_str(), None),
    };
    if rt.has_user(user) && group.is_none_or(|g| rt.has_user(g)) {
        return None;
    }
    if made_by_file(user) || group.is_some_and(made_by_file) {
        return None;
    }
    let numeric = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let fixed = tables::DEBIAN_FIXED_USERS
        .iter()
        .find(|(n, _, _)| *n == user);
    let uid = if numeric(user) {
        user.to_string()
    } else {
        fixed?.1.to_string()
    };
    let gid = match group {
        Some(g) if numeric(g) => g.to_string(),
        Some(g) => tables::DEBIAN_FIXED_GROUPS
            .iter()
            .find(|(n, _)| *n == g)?
            .1
            .to_string(),
        None => fixed?.2.to_string(),
    };
    let keyword = &f.input.source[inst.keyword_span.start..inst.keyword_span.end];
    let text = format!("{keyword} {uid}:{gid}");
    let note = format!(
        "USER {value} (line {}) is written `USER {uid}:{gid}`: {} names only root, nobody and \
         nonroot, and {uid}:{gid} are the ids Debian's base-passwd gives {value} in the \
         builder ({}); the image's /etc/passwd does not name the user, so its HOME is /",
        inst.start_line, rt.image, f.base.written
    );
    Some((text, note))
}

/// A shell-form `HEALTHCHECK` in exec form through BusyBox's shell, its
/// options (`--interval`...) kept: `HEALTHCHECK CMD ["/busybox/sh", "-c",
/// "SCRIPT"]`. A shell-form one runs `/bin/sh -c`, which a distroless
/// `debug` image lacks.
fn busybox_healthcheck(f: &Facts<'_>, i: usize, script: &str) -> String {
    let inst = f.inst(i);
    let src = f.input.source;
    let mut out = src[inst.keyword_span.start..inst.keyword_span.end].to_string();
    for flag in &inst.flags {
        out.push(' ');
        out.push_str(&src[flag.span.start..flag.span.end]);
    }
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    out.push_str(&format!(
        " CMD [{}, {}, {}]",
        q("/busybox/sh"),
        q("-c"),
        q(script.trim())
    ));
    out
}

/// How a `RUN` before the build repeats in the runtime stage.
enum ReplayText {
    /// Verbatim.
    Whole,
    /// As this new `RUN` (and whether it took the extra packages).
    Text(String, bool),
}

fn replay_text(
    rp: &Replay,
    run: usize,
    rt: &Runtime,
    users: &BTreeSet<(usize, usize)>,
    globals: &BTreeSet<(usize, usize)>,
    extra: &[String],
) -> Option<ReplayText> {
    let installs: Vec<&InstallReplay> = rp
        .installs
        .iter()
        .filter(|i| {
            i.packages
                .iter()
                .any(|p| !rt.has_packages.contains(&tables::bare_name(p)))
        })
        .collect();
    let all_users = (0..rp.users.len()).all(|k| users.contains(&(run, k)));
    let some_users = (0..rp.users.len()).any(|k| users.contains(&(run, k)));
    let nothing = installs.is_empty()
        && !some_users
        && rp.setup.is_empty()
        && rp
            .globals
            .iter()
            .enumerate()
            .all(|(k, _)| !globals.contains(&(run, k)));
    if nothing || !rt.shell {
        return None;
    }
    if rp.whole && all_users && installs.len() == rp.installs.len() && extra.is_empty() {
        return Some(ReplayText::Whole);
    }
    let mut parts: Vec<String> = Vec::new();
    let mut took_extra = false;
    for (k, i) in installs.iter().enumerate() {
        let apt = matches!(i.manager, Manager::AptGet | Manager::Apt);
        match rp
            .updates
            .iter()
            .find(|(m, _)| *m == i.manager || (apt && matches!(m, Manager::AptGet | Manager::Apt)))
        {
            Some((_, u)) => parts.push(u.clone()),
            None if apt => parts.push("apt-get update".to_string()),
            None => {}
        }
        let mut text = i.text.clone();
        if k == 0 && !extra.is_empty() {
            for p in extra {
                text.push(' ');
                text.push_str(p);
            }
            took_extra = true;
        }
        parts.push(text);
        if apt {
            let cleanup = rp
                .cleanups
                .iter()
                .find(|c| c.contains("/var/lib/apt/lists"))
                .cloned()
                .unwrap_or_else(|| "rm -rf /var/lib/apt/lists/*".to_string());
            parts.push(cleanup);
        } else {
            parts.extend(
                rp.cleanups
                    .iter()
                    .filter(|c| !c.contains("/var/lib/apt"))
                    .cloned(),
            );
        }
    }
    for (k, (text, _)) in rp.users.iter().enumerate() {
        if users.contains(&(run, k)) {
            parts.push(text.clone());
        }
    }
    for (k, (text, _)) in rp.globals.iter().enumerate() {
        if globals.contains(&(run, k)) {
            parts.push(text.clone());
        }
    }
    parts.extend(rp.setup.iter().cloned());
    if parts.is_empty() {
        return None;
    }
    Some(ReplayText::Text(
        format!("RUN {}", parts.join(" && ")),
        took_extra,
    ))
}

/// `COPY --from=build FROM TO`, in JSON form when a path has a space or
/// a quote.
fn copy_instruction(from: &str, to: &str) -> String {
    let plain = |p: &str| !p.contains(|c: char| c.is_whitespace() || c == '"' || c == '\\');
    if plain(from) && plain(to) {
        format!("COPY --from={} {from} {to}", super::emit::BUILDER)
    } else {
        let q = |p: &str| serde_json::to_string(p).unwrap_or_default();
        format!(
            "COPY --from={} [{}, {}]",
            super::emit::BUILDER,
            q(from),
            q(to)
        )
    }
}

/// A new `RUN` that installs `packages` on the runtime's system.
fn package_line(rt: &Runtime, packages: &[String]) -> String {
    match rt.distro {
        Some(Distro::Alpine) => format!("RUN apk add --no-cache {}", packages.join(" ")),
        _ => format!(
            "RUN apt-get update && apt-get install -y --no-install-recommends {} && rm -rf \
             /var/lib/apt/lists/*",
            packages.join(" ")
        ),
    }
}

/// Whether packages of manager `m` install on `distro`.
fn manager_fits(m: Manager, distro: Option<Distro>) -> bool {
    matches!(
        (m, distro),
        (
            Manager::AptGet | Manager::Apt,
            Some(Distro::Debian | Distro::Ubuntu)
        ) | (Manager::Apk, Some(Distro::Alpine))
    )
}

/// Whether a build helper package serves the build: the build runs its
/// program, it is installed with the toolchain, or it sets up package
/// repositories. A helper the build does not use may be for run time
/// (`apk add curl` for a health check): it is kept.
fn serves_build(name: &str, ran: &BTreeSet<&str>, toolchain_here: bool, plan: &Plan) -> bool {
    let node_python = plan.ecosystem == super::Ecosystem::Node
        && matches!(name, "python3" | "python-is-python3" | "python");
    if !(tables::is_build_helper(name) || node_python) {
        return false;
    }
    toolchain_here
        || tables::is_repository_helper(name)
        || tables::helper_programs(name)
            .iter()
            .any(|p| ran.contains(p))
}

/// The install command with its package words replaced as `map` says
/// (`None` drops a word), other arguments kept in order.
fn install_text(
    cmd: &Command,
    install: &packages::Install<'_>,
    map: &[(String, Option<String>)],
) -> String {
    let mut parts: Vec<String> = cmd
        .assignments
        .iter()
        .map(|(k, v)| format!("{k}={}", v.raw))
        .collect();
    if let Some(n) = &cmd.name {
        parts.push(n.raw.to_string());
    }
    let package_spans: Vec<crate::syntax::Span> =
        install.packages.iter().map(|p| p.word.span).collect();
    let mut k = 0;
    for w in &cmd.args {
        if package_spans.contains(&w.span) {
            if let Some((_, Some(new))) = map.get(k) {
                parts.push(new.clone());
            }
            k += 1;
        } else {
            parts.push(w.raw.to_string());
        }
    }
    parts.join(" ")
}

/// Package names that a command of the stage removes.
fn removed_packages(f: &Facts<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for r in &f.runs {
        for c in &r.cmds {
            if matches!(c.kind, Kind::Remove) {
                for w in c.cmd.args.iter().skip(1) {
                    if !w.value.starts_with('-') {
                        out.push(tables::bare_name(&w.value).to_string());
                    }
                }
            }
        }
    }
    out
}

/// The names a user or group command creates or changes.
fn user_names(cmd: &Command) -> Vec<String> {
    let with_value: &[&str] = &[
        "-b",
        "-c",
        "-d",
        "-e",
        "-f",
        "-g",
        "-G",
        "-k",
        "-K",
        "-p",
        "-s",
        "-u",
        "-R",
        "-P",
        "-Z",
        "-h",
        "--base-dir",
        "--comment",
        "--home-dir",
        "--home",
        "--expiredate",
        "--inactive",
        "--gid",
        "--groups",
        "--skel",
        "--key",
        "--password",
        "--shell",
        "--uid",
        "--root",
        "--prefix",
        "--selinux-user",
        "--ingroup",
        "--gecos",
        "--firstuid",
        "--lastuid",
        "--conf",
        "--firstgid",
        "--lastgid",
    ];
    let mut ops = Vec::new();
    let mut skip = false;
    for w in &cmd.args {
        if skip {
            skip = false;
            continue;
        }
        let v = w.value.as_str();
        if v.starts_with('-') {
            if with_value.contains(&v) {
                skip = true;
            }
            continue;
        }
        ops.push(v.to_string());
    }
    let Some(name) = cmd.basename() else {
        return Vec::new();
    };
    let mut out = match name {
        "useradd" | "groupadd" | "usermod" | "groupmod" => {
            ops.last().cloned().into_iter().collect()
        }
        _ => ops.first().cloned().into_iter().collect::<Vec<_>>(),
    };
    // The user's own group, which useradd and adduser create by default.
    if matches!(name, "adduser" | "addgroup") && ops.len() == 2 {
        out.push(ops[1].clone());
    }
    out
}

/// Whether a RUN after the build creates the user.
fn after_creates(f: &Facts<'_>, after: &[(usize, After)], name: &str) -> bool {
    after.iter().any(|&(i, a)| {
        a == After::Runtime
            && f.run(i).is_some_and(|r| {
                r.cmds.iter().any(|c| {
                    matches!(c.kind, Kind::User) && user_names(c.cmd).iter().any(|n| n == name)
                })
            })
    })
}

/// Whether a set-up command before the build is repeated in the runtime
/// stage: its paths are known and outside the directories that stay in
/// the builder.
fn setup_replays(c: &Cmd<'_>, f: &Facts<'_>, plan: &Plan, run: usize) -> bool {
    let Some(name) = c.cmd.basename() else {
        return false;
    };
    if matches!(name, "true" | ":") {
        return false;
    }
    if c.cwd != f.cwd[run] {
        return false;
    }
    let Some(cwd) = c.cwd.as_deref() else {
        return false;
    };
    let paths = match setup_paths(c.cmd) {
        Some(p) if !p.is_empty() => p,
        Some(_) if name == "update-ca-certificates" => return true,
        _ => return false,
    };
    let stays: Vec<String> = match &plan.layout {
        Layout::Artifacts { source_dirs } => source_dirs.clone(),
        Layout::BuilderDir(w) => vec![w.clone()],
        Layout::Context => Vec::new(),
    };
    paths.iter().all(|p| {
        let relative = !p.starts_with('/');
        if relative && !matches!(plan.layout, Layout::Context) {
            return false;
        }
        let abs = join(cwd, p);
        !stays.iter().any(|d| is_under(&abs, d))
    })
}

/// The paths a set-up command writes; `None` when they cannot be told.
fn setup_paths(cmd: &Command) -> Option<Vec<String>> {
    let name = cmd.basename()?;
    let ops: Vec<&crate::shell::Word> = cmd
        .args
        .iter()
        .filter(|w| !w.value.starts_with('-'))
        .collect();
    if ops.iter().any(|w| !w.literal) {
        return None;
    }
    let values: Vec<String> = ops.iter().map(|w| w.value.to_string()).collect();
    match name {
        "echo" | "printf" => {
            let targets: Vec<String> = cmd
                .redirects
                .iter()
                .filter(|r| r.op.starts_with('>') && r.target.literal)
                .map(|r| r.target.value.to_string())
                .filter(|t| !t.starts_with("/dev/") && !t.starts_with('&'))
                .collect();
            Some(targets)
        }
        "chmod" | "chown" | "chgrp" => Some(values.into_iter().skip(1).collect()),
        "ln" | "setcap" => Some(values.last().cloned().into_iter().collect()),
        _ => Some(values),
    }
}

/// The paths a command after the build makes outside the source
/// directories, the artifacts already copied and the temporary
/// directories: the destination of `cp`/`mv`/`install` (the file itself
/// when the destination is a directory written with a final `/`, unless
/// the source is a directory's contents, `dir/.`), the directories of
/// `mkdir`, the links of `ln`, the files `echo`/`printf` write.
fn made_outside(c: &Cmd<'_>, sources: &[String], plan: &Plan) -> Vec<String> {
    let Some(cwd) = c.cwd.as_deref() else {
        return Vec::new();
    };
    let name = c.cmd.basename().unwrap_or("");
    let ops: Vec<&str> = c
        .cmd
        .args
        .iter()
        .filter(|w| !w.value.starts_with('-'))
        .map(|w| w.value.as_str())
        .collect();
    if c.cmd.args.iter().any(|w| !w.literal) {
        return Vec::new();
    }
    let mut made: Vec<String> = Vec::new();
    match name {
        "cp" | "mv" | "install" if ops.len() >= 2 => {
            let dest = ops[ops.len() - 1];
            let srcs = &ops[..ops.len() - 1];
            if dest.ends_with('/') || srcs.len() > 1 {
                for s in srcs {
                    if s.ends_with("/.") {
                        made.push(join(cwd, dest));
                    } else {
                        made.push(join(&join(cwd, dest), basename(s.trim_end_matches('/'))));
                    }
                }
            } else {
                made.push(join(cwd, dest));
            }
        }
        "mkdir" => made.extend(ops.iter().map(|d| join(cwd, d))),
        "ln" if ops.len() >= 2 => made.push(join(cwd, ops[ops.len() - 1])),
        "echo" | "printf" => made.extend(
            setup_paths(c.cmd)
                .unwrap_or_default()
                .iter()
                .map(|t| join(cwd, t)),
        ),
        _ => {}
    }
    let mut out: Vec<String> = Vec::new();
    for m in made {
        let m = m.trim_end_matches('/').to_string();
        let skip = m.is_empty()
            || m == "/"
            || ["/tmp", "/var/tmp", "/root", "/dev", "/proc"]
                .iter()
                .any(|t| is_under(&m, t))
            || sources.iter().any(|s| is_under(&m, s) || is_under(s, &m))
            || plan.copies.iter().any(|cp| is_under(&m, &cp.from))
            || out.iter().any(|o| is_under(&m, o));
        if !skip {
            out.retain(|o| !is_under(o, &m));
            out.push(m);
        }
    }
    out
}

/// Whether a set-up command after the build touches only the artifacts.
fn touches_only_artifacts(c: &Cmd<'_>, plan: &Plan) -> bool {
    let Some(cwd) = c.cwd.as_deref() else {
        return false;
    };
    match setup_paths(c.cmd) {
        Some(paths) if !paths.is_empty() => paths.iter().all(|p| {
            let abs = join(cwd, p);
            plan.copies.iter().any(|cp| is_under(&abs, &cp.from))
        }),
        _ => false,
    }
}

/// Whether a command after the build finishes the build: moves and copies
/// files, strips binaries, prunes dependencies.
fn is_post_build(c: &Cmd<'_>) -> bool {
    match &c.kind {
        Kind::Move | Kind::Cd | Kind::Cleanup | Kind::Setup => true,
        Kind::Deps(d) => !d.dev,
        Kind::Other => {
            let name = c.cmd.basename().unwrap_or("");
            let first = c.cmd.args.first().map(|w| w.value.as_str());
            matches!(name, "strip" | "upx" | "find" | "rm")
                || (matches!(name, "npm" | "pnpm") && first == Some("prune"))
                || (name == "yarn" && first == Some("workspaces"))
                || (name == "go" && first == Some("clean"))
        }
        _ => false,
    }
}

/// Whether a `COPY`/`ADD` before the build is kept: it installs files
/// outside the directories that stay in the builder (configuration,
/// scripts), or the application's files come from the context again.
fn keeps_copy(f: &Facts<'_>, plan: &Plan, i: usize) -> bool {
    if matches!(plan.layout, Layout::Context) {
        return true;
    }
    let Some((sources, dest)) = copy_dest(f, i) else {
        return false;
    };
    if sources
        .iter()
        .any(|s| matches!(s.as_str(), "." | "./" | "*"))
    {
        return false;
    }
    let stays: Vec<String> = match &plan.layout {
        Layout::Artifacts { source_dirs } => source_dirs.clone(),
        Layout::BuilderDir(w) => vec![w.clone()],
        Layout::Context => Vec::new(),
    };
    !stays
        .iter()
        .any(|d| is_under(&dest, d) || is_under(d, &dest))
}

/// The sources and the resolved destination of a `COPY`/`ADD`.
fn copy_dest(f: &Facts<'_>, i: usize) -> Option<(Vec<String>, String)> {
    let inst = f.inst(i);
    let words: Vec<String> = match &inst.args {
        Args::Words(w) | Args::Exec(w) => w.iter().map(|w| w.value.to_string()).collect(),
        _ => return None,
    };
    let (dest, sources) = words.split_last()?;
    let dest = f.expand(dest, i)?;
    let abs = if dest.starts_with('/') {
        join("/", &dest)
    } else {
        join(f.cwd[i].as_deref()?, &dest)
    };
    Some((sources.to_vec(), abs))
}

/// Whether a kept `COPY`/`ADD` puts `path` in the runtime stage.
fn kept_copy_provides(f: &Facts<'_>, keep: &BTreeSet<usize>, path: &str) -> bool {
    keep.iter().any(|&i| {
        matches!(f.inst(i).keyword, Keyword::Copy | Keyword::Add)
            && copy_dest(f, i).is_some_and(|(_, d)| is_under(path, &d))
    })
}

/// The source of a kept `COPY` that puts program `name` in a `PATH`
/// directory (`COPY docker-entrypoint.sh /usr/local/bin/`).
fn kept_copy_program(
    f: &Facts<'_>,
    keep: &BTreeSet<usize>,
    name: &str,
    path_dirs: &[String],
) -> Option<String> {
    keep.iter().find_map(|&i| {
        if !matches!(f.inst(i).keyword, Keyword::Copy | Keyword::Add) {
            return None;
        }
        let (sources, dest) = copy_dest(f, i)?;
        sources.iter().find_map(|s| {
            let base = basename(s.trim_end_matches('/'));
            let into_dir = path_dirs.contains(&dest) && base == name;
            let as_file = basename(&dest) == name
                && path_dirs
                    .iter()
                    .any(|d| d == super::analyze::dirname(&dest));
            (into_dir || as_file).then(|| s.clone())
        })
    })
}

/// Whether the builder makes `path`: a builder-only `COPY` puts it there,
/// or a `RUN` names it.
fn builder_made(f: &Facts<'_>, plan: &Plan, keep: &BTreeSet<usize>, path: &str) -> bool {
    let copied = f.insts.iter().any(|&i| {
        i <= plan.build
            && !keep.contains(&i)
            && matches!(f.inst(i).keyword, Keyword::Copy | Keyword::Add)
            && copy_dest(f, i).is_some_and(|(_, d)| is_under(path, &d) && d != "/")
    });
    copied
        || f.runs.iter().filter(|r| r.index <= plan.build).any(|r| {
            r.cmds.iter().any(|c| {
                c.cmd.args.iter().any(|w| {
                    w.literal
                        && (w.value == path
                            || c.cwd.as_deref().is_some_and(|d| join(d, &w.value) == path))
                }) || c.cmd.redirects.iter().any(|rd| rd.target.value == path)
            })
        })
}

/// The paths the program is given at run time: the arguments of the last
/// `ENTRYPOINT` and `CMD` that are paths (absolute, or relative with a
/// `/`, against the working directory), and `ENV` values that are one
/// absolute path; with what names them.
fn runtime_files(f: &Facts<'_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |p: String, what: String| {
        if !out.iter().any(|(q, _)| *q == p) {
            out.push((p, what));
        }
    };
    for k in [Keyword::Entrypoint, Keyword::Cmd] {
        let Some(i) = super::ecosystems::last_of(f, k) else {
            continue;
        };
        let Args::Exec(words) = &f.inst(i).args else {
            continue;
        };
        for w in words.iter().skip(usize::from(k == Keyword::Entrypoint)) {
            let v = w.value.as_str();
            if v.starts_with('-') || v.contains(['$', ':', '*', '=']) || !v.contains('/') {
                continue;
            }
            let path = if v.starts_with('/') {
                join("/", v)
            } else if let Some(d) = f.cwd[i].as_deref() {
                join(d, v)
            } else {
                continue;
            };
            push(path, format!("{k} (line {})", f.inst(i).start_line));
        }
    }
    for &i in &f.insts {
        let inst = f.inst(i);
        if inst.keyword != Keyword::Env {
            continue;
        }
        let Some(next) = f.insts.iter().find(|&&j| j > i).copied() else {
            continue;
        };
        let Args::Pairs(pairs) = &inst.args else {
            continue;
        };
        for kv in pairs {
            let name = kv.key.value.to_string();
            let Some(v) = f.var(&name, next) else {
                continue;
            };
            if v.starts_with('/') && !v.contains(['$', ':', ' ', '*']) && v.len() > 1 {
                push(
                    join("/", &v),
                    format!("ENV {name} (line {})", inst.start_line),
                );
            }
        }
    }
    out
}

/// The file of the build context a `COPY`/`ADD` before the build (and
/// not kept in the runtime stage) puts at `path`, when the context is
/// known and has it.
fn context_file(f: &Facts<'_>, plan: &Plan, keep: &BTreeSet<usize>, path: &str) -> Option<String> {
    let context = plan.context.as_deref()?;
    for &i in f.insts.iter().rev() {
        if i > plan.build || keep.contains(&i) {
            continue;
        }
        let inst = f.inst(i);
        if !matches!(inst.keyword, Keyword::Copy | Keyword::Add) || inst.flag("from").is_some() {
            continue;
        }
        let Some((sources, dest)) = copy_dest(f, i) else {
            continue;
        };
        if dest == "/" || !is_under(path, &dest) || sources.len() != 1 {
            continue;
        }
        let rel = path[dest.len()..].trim_start_matches('/');
        let src = sources[0].trim_start_matches("./").trim_end_matches('/');
        if src.contains(['$', '*', '?', '[']) || src.contains("://") || src.contains("..") {
            return None;
        }
        let in_context = match (src, rel) {
            ("" | ".", "") => return None,
            ("" | ".", r) => r.to_string(),
            (s, "") => s.to_string(),
            (s, r) => format!("{s}/{r}"),
        };
        let file = context.join(&in_context);
        // A directory source is copied into the destination; a file to it.
        let found = file.exists()
            && (rel.is_empty() || context.join(src).is_dir() || src.is_empty() || src == ".");
        return found.then_some(in_context);
    }
    None
}

/// The directories `ENV PATH=...` adds.
fn env_path_dirs(f: &Facts<'_>) -> Vec<String> {
    let last = f.insts.last().copied().unwrap_or(f.from);
    f.var("PATH", last + 1)
        .map(|p| {
            p.split(':')
                .filter(|d| d.starts_with('/'))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The programs a script runs (literal command names, through `exec`).
fn script_programs(s: &crate::shell::Script) -> Vec<String> {
    let mut out = Vec::new();
    for c in &s.commands {
        let Some(name) = &c.name else { continue };
        if !name.literal {
            continue;
        }
        if name.value == "exec" {
            if let Some(w) = c.args.iter().find(|w| !w.value.starts_with('-'))
                && w.literal
            {
                out.push(w.value.to_string());
            }
            continue;
        }
        out.push(name.value.to_string());
    }
    out
}

/// Shell builtins and keywords, which need no program.
fn is_builtin(p: &str) -> bool {
    matches!(
        p,
        "exec"
            | "cd"
            | "export"
            | "set"
            | "unset"
            | "source"
            | "."
            | "eval"
            | "wait"
            | "trap"
            | "shift"
            | "read"
            | "exit"
            | "return"
            | "ulimit"
            | "umask"
            | "command"
            | "type"
    )
}

/// Whether a language install is a global tool (`npm install -g pm2`).
fn is_global_tool(cmd: &Command) -> bool {
    match cmd.basename() {
        Some("npm" | "pnpm") => cmd.has_flag('g', "global"),
        Some("yarn") => cmd.args.first().is_some_and(|w| w.value == "global"),
        _ => false,
    }
}

/// Whether `text` names the variable `name` (`$name`, `${name...}`).
fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find('$') {
        let s = i + at + 1;
        let rest = &text[s..];
        let (body, braced) = match rest.strip_prefix('{') {
            Some(r) => (r, true),
            None => (rest, false),
        };
        if let Some(after) = body.strip_prefix(name) {
            let next = after.chars().next();
            let ends = match next {
                None => true,
                Some(c) => !(c.is_ascii_alphanumeric() || c == '_'),
            };
            if ends && (!braced || next.is_some()) {
                return true;
            }
        }
        i = s;
        if i >= bytes.len() {
            break;
        }
    }
    false
}

fn quoted(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    q.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_mentions() {
        assert!(mentions("ENV A=$VERSION", "VERSION"));
        assert!(mentions("ENV A=${VERSION:-1}", "VERSION"));
        assert!(!mentions("ENV A=$VERSIONS", "VERSION"));
        assert!(!mentions("ENV A=VERSION", "VERSION"));
    }
}
