//! Rules of the `cache` folder (codes `SW301`–`SW399`): build efficiency and
//! the hygiene of the commands `RUN` runs (package managers, downloads,
//! shells). Their `category` is set per rule: version pinning is
//! reproducibility, a missing `-y` is correctness, and so on. One file per
//! rule; one line per rule in `RULES`.
//!
//! The helpers below read the shell model of `RUN` instructions and are
//! shared with the rules of the `size` folder.

use super::{Context, Rule};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::Base;
use crate::shell::packages::{self, Install, Manager, Package};
use crate::shell::{Command, Script, Word};
use crate::syntax::{Instruction, Keyword, Span};

pub mod add_remote_without_checksum;
pub mod apk_add_unpinned;
pub mod apt_get_missing_yes;
pub mod apt_get_unpinned;
pub mod apt_get_update_in_separate_run;
pub mod apt_instead_of_apt_get;
pub mod cd_instead_of_workdir;
pub mod consecutive_run_instructions;
pub mod copy_all_before_install;
pub mod copy_context_without_dockerignore;
pub mod dnf_install_unpinned;
pub mod dnf_missing_yes;
pub mod gem_install_unpinned;
pub mod go_install_unpinned;
pub mod irrelevant_command_in_run;
pub mod missing_cache_mount;
pub mod npm_install_unpinned;
pub mod pip_install_unpinned;
pub mod pipe_without_pipefail;
pub mod sudo_in_run;
pub mod symlink_bin_sh;
pub mod volatile_arg_before_expensive_step;
pub mod wget_without_progress;
pub mod yum_install_unpinned;
pub mod yum_missing_yes;
pub mod zypper_dist_upgrade;
pub mod zypper_install_unpinned;
pub mod zypper_missing_non_interactive;

/// Every rule of this folder.
pub static RULES: &[&dyn Rule] = &[
    &consecutive_run_instructions::ConsecutiveRunInstructions,
    &apt_get_missing_yes::AptGetMissingYes,
    &yum_missing_yes::YumMissingYes,
    &dnf_missing_yes::DnfMissingYes,
    &zypper_missing_non_interactive::ZypperMissingNonInteractive,
    &apt_get_unpinned::AptGetUnpinned,
    &apk_add_unpinned::ApkAddUnpinned,
    &pip_install_unpinned::PipInstallUnpinned,
    &npm_install_unpinned::NpmInstallUnpinned,
    &gem_install_unpinned::GemInstallUnpinned,
    &yum_install_unpinned::YumInstallUnpinned,
    &dnf_install_unpinned::DnfInstallUnpinned,
    &zypper_install_unpinned::ZypperInstallUnpinned,
    &go_install_unpinned::GoInstallUnpinned,
    &zypper_dist_upgrade::ZypperDistUpgrade,
    &apt_instead_of_apt_get::AptInsteadOfAptGet,
    &cd_instead_of_workdir::CdInsteadOfWorkdir,
    &sudo_in_run::SudoInRun,
    &irrelevant_command_in_run::IrrelevantCommandInRun,
    &wget_without_progress::WgetWithoutProgress,
    &symlink_bin_sh::SymlinkBinSh,
    &pipe_without_pipefail::PipeWithoutPipefail,
    &copy_all_before_install::CopyAllBeforeInstall,
    &apt_get_update_in_separate_run::AptGetUpdateInSeparateRun,
    &volatile_arg_before_expensive_step::VolatileArgBeforeExpensiveStep,
    &add_remote_without_checksum::AddRemoteWithoutChecksum,
    &copy_context_without_dockerignore::CopyContextWithoutDockerignore,
    &missing_cache_mount::MissingCacheMount,
];

/// Every `RUN` (also inside `ONBUILD`), with its index.
pub(crate) fn runs<'a>(cx: &'a Context<'_>) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
    cx.instructions_of(Keyword::Run)
}

/// Call `f` with every shell script a `RUN` runs: its shell form, then the
/// heredoc bodies a shell runs. Nothing for exec form, for other
/// instructions, and in stages whose shell is not POSIX.
///
/// Plain `RUN`s use the script parsed once and shared by [`Context::script`].
/// `ONBUILD RUN` and `RUN`s with heredocs go through
/// [`crate::shell::instruction_scripts`], which also keeps only the heredoc
/// bodies a shell runs (not the data of `cat <<EOF > file`, nor the body fed
/// to `python3 <<EOF`). Both are rare, so the extra parse is cheap.
pub(crate) fn for_each_script(cx: &Context<'_>, index: usize, mut f: impl FnMut(&Script)) {
    let Some(inst) = cx.file.instructions.get(index) else {
        return;
    };
    let eff = inst.effective();
    if eff.keyword != Keyword::Run {
        return;
    }
    if inst.keyword == Keyword::Onbuild || !eff.heredocs.is_empty() {
        cx.instruction_scripts(index).iter().for_each(&mut f);
        return;
    }
    if let Some(script) = cx.script(index) {
        f(script);
    }
}

/// Call `f` with every command of every script of a `RUN` (see
/// [`for_each_script`]).
pub(crate) fn for_each_command(cx: &Context<'_>, index: usize, mut f: impl FnMut(&Command)) {
    for_each_script(cx, index, |script| script.commands.iter().for_each(&mut f));
}

/// Whether the command's basename is `name` (`/usr/bin/apt-get` is
/// `apt-get`).
pub(crate) fn is(cmd: &Command, name: &str) -> bool {
    cmd.basename() == Some(name)
}

/// Whether the command is `name` with one of `args` among its arguments (how
/// hadolint recognizes a subcommand: `apt-get -y install` is an install).
pub(crate) fn is_with_arg(cmd: &Command, name: &str, args: &[&str]) -> bool {
    is(cmd, name) && cmd.args.iter().any(|w| args.contains(&w.value.as_str()))
}

/// The first argument of `cmd` equal to one of `args`.
pub(crate) fn arg_word<'c>(cmd: &'c Command, args: &[&str]) -> Option<&'c Word> {
    cmd.args.iter().find(|w| args.contains(&w.value.as_str()))
}

/// The operands of a command after the first argument equal to one of
/// `subcommands` (all operands when `subcommands` is empty): the arguments
/// that are not options, skipping the value that follows an option named in
/// `value_options` (written with its dashes: `-t`, `--target-release`).
/// Everything after `--` is an operand; `-` and `--` themselves are not.
pub(crate) fn operands<'c>(
    cmd: &'c Command,
    subcommands: &[&str],
    value_options: &[&str],
) -> Vec<&'c Word> {
    let start = if subcommands.is_empty() {
        0
    } else {
        match cmd
            .args
            .iter()
            .position(|w| subcommands.contains(&w.value.as_str()))
        {
            Some(i) => i + 1,
            None => return Vec::new(),
        }
    };
    // Options before the subcommand may take a value that sits after it
    // only in odd spellings; values are skipped from the start to be sure.
    let mut out = Vec::new();
    let mut skip_next = false;
    let mut options_done = false;
    for (i, w) in cmd.args.iter().enumerate() {
        let v = w.value.as_str();
        if skip_next {
            skip_next = false;
            continue;
        }
        if !options_done && v == "--" {
            options_done = true;
            continue;
        }
        if !options_done && v.starts_with('-') && v.len() > 1 {
            skip_next = value_options.contains(&v);
            continue;
        }
        if i >= start && v != "-" {
            out.push(w);
        }
    }
    out
}

/// Whether a word's value may differ from what is written: it holds a
/// parameter, command or arithmetic expansion. Such a word cannot be judged
/// (`$PACKAGES` may well carry versions).
pub(crate) fn is_dynamic(w: &Word) -> bool {
    !w.literal && w.value.contains(['$', '`'])
}

/// The targets of the cache and tmpfs mounts of a `RUN` (or of the `RUN`
/// inside an `ONBUILD`).
pub(crate) fn cache_mount_targets(inst: &Instruction) -> Vec<String> {
    mount_targets(inst, &["cache", "tmpfs"])
}

/// The targets of the mounts of a `RUN` (or of the `RUN` inside an
/// `ONBUILD`) whose type is one of `kinds` (a mount without a type is a
/// bind mount).
pub(crate) fn mount_targets(inst: &Instruction, kinds: &[&str]) -> Vec<String> {
    let inst = inst.effective();
    let mut out = Vec::new();
    for flag in inst
        .flags
        .iter()
        .filter(|f| f.name.eq_ignore_ascii_case("mount"))
    {
        let Some(spec) = flag.value.as_deref() else {
            continue;
        };
        let fields = crate::model::stages::mount_fields(spec);
        let field = |key: &str| {
            fields
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .and_then(|(_, v)| v.as_deref())
        };
        let kind = field("type").unwrap_or("bind");
        if !kinds.iter().any(|k| kind.eq_ignore_ascii_case(k)) {
            continue;
        }
        if let Some(target) = field("target")
            .or_else(|| field("dst"))
            .or_else(|| field("destination"))
        {
            out.push(target.to_string());
        }
    }
    out
}

/// Whether a `RUN` has a cache or tmpfs mount whose target contains
/// `fragment` (hadolint's test).
pub(crate) fn has_cache_mount_with(inst: &Instruction, fragment: &str) -> bool {
    cache_mount_targets(inst)
        .iter()
        .any(|t| t.contains(fragment))
}

/// Whether what instruction `index` leaves behind ends up in an image, as
/// hadolint judges it for its clean-up rules: instructions of the last stage,
/// of a stage another stage is built `FROM`, and `ONBUILD` triggers (they
/// run in the image built from this one). A stage whose files are only
/// taken by `COPY --from` is not in an image. With `--target` naming an
/// earlier stage, the stages that ship for that target.
pub(crate) fn lands_in_image(cx: &Context<'_>, index: usize) -> bool {
    if cx
        .file
        .instructions
        .get(index)
        .is_some_and(|i| i.keyword == Keyword::Onbuild)
    {
        return true;
    }
    let Some(stage) = cx.model.stage_of.get(index).copied().flatten() else {
        return true;
    };
    let last = cx.model.stages.len().checked_sub(1);
    if cx.target.is_some() && cx.target != last {
        // `--target` names an earlier stage: what ships is its FROM chain.
        return cx.ships_at(index);
    }
    Some(stage) == last || cx.model.stages.iter().any(|s| s.base == Base::Stage(stage))
}

/// A fix inserting `text` right after `word`, when the file reads exactly
/// the word there (a word cut by a line continuation is left alone).
pub(crate) fn insert_after(
    cx: &Context<'_>,
    title: &str,
    applicability: Applicability,
    word: &Word,
    text: &str,
) -> Option<Fix> {
    (cx.source.get(word.span.start..word.span.end) == Some(word.raw.as_str())).then(|| {
        Fix::new(
            title,
            applicability,
            vec![Edit {
                span: Span::new(word.span.end, word.span.end),
                replacement: text.to_string(),
            }],
        )
    })
}

/// The installs of `manager` in `RUN` `index`, each with its command.
pub(crate) fn for_each_install(
    cx: &Context<'_>,
    index: usize,
    managers: &[Manager],
    mut f: impl FnMut(&Install<'_>),
) {
    // Most files run none of the managers asked for.
    if !cx.runs_any(managers) {
        return;
    }
    for_each_command(cx, index, |cmd| {
        if let Some(install) = packages::install(cmd)
            && managers.contains(&install.manager)
        {
            f(&install);
        }
    });
}

/// Report each package of an install that is not pinned (as hadolint judges
/// it for the manager), skipping words whose value is not known here
/// (`$PACKAGES`); `how` shows the pinned form (`curl=<version>`).
pub(crate) fn report_unpinned(
    cx: &Context<'_>,
    meta: &'static super::RuleMeta,
    out: &mut Vec<crate::diagnostic::Diagnostic>,
    install: &Install<'_>,
    how: impl Fn(&Package<'_>) -> String,
) {
    for p in install
        .packages
        .iter()
        .filter(|p| !p.pinned && !is_dynamic(p.word))
    {
        out.push(cx.diag(
            meta,
            p.word.span,
            format!(
                "`{}` is not pinned to a version; use `{}`",
                p.word.value,
                how(p)
            ),
        ));
    }
}

/// The pinned form of an rpm package (`name-<version>`) or, for `module
/// install`, of a module (`name:<stream>`).
pub(crate) fn pinned_rpm_form(install: &Install<'_>, p: &Package<'_>) -> String {
    if install.command.args.iter().any(|w| w.value == "module") {
        format!("{}:<stream>", p.name)
    } else {
        format!("{}-<version>", p.name)
    }
}

/// Whether an rpm package names a version (hadolint's DL3041 test): what
/// follows its first `-` is made of letters, digits and `.~^_:+`, one of its
/// `-`-separated parts starts with a digit; or it is a local `.rpm` file.
pub(crate) fn rpm_version_pinned(package: &str) -> bool {
    if package.ends_with(".rpm") {
        return true;
    }
    let parts: Vec<&str> = package.split('-').skip(1).collect();
    !parts.is_empty()
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
        })
        && parts
            .iter()
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

/// For a pip install (`pip install`, `pip3.12 install`, `python3 -m pip
/// install`), the `install` word. As in hadolint, any program whose name
/// starts with `pip` counts (so do `pipx` and `pipenv`; see
/// [`is_pip_wrapper`]).
pub(crate) fn pip_install(cmd: &Command) -> Option<&Word> {
    let name = cmd.basename()?;
    if name.starts_with("pip") {
        return arg_word(cmd, &["install"]);
    }
    if name.starts_with("python") {
        return cmd
            .args
            .windows(3)
            .find(|w| w[0].value == "-m" && w[1].value == "pip" && w[2].value == "install")
            .map(|w| &w[2]);
    }
    None
}

/// Whether a pip-like command is `pipx` or `pipenv` (also as `python -m
/// pipx`), which manage their own environments.
pub(crate) fn is_pip_wrapper(cmd: &Command) -> bool {
    let name = cmd.basename().unwrap_or("");
    let wrapper = |w: &str| {
        name.contains(w)
            || (name.starts_with("python")
                && cmd
                    .args
                    .windows(2)
                    .any(|a| a[0].value == "-m" && a[1].value == w))
    };
    wrapper("pipx") || wrapper("pipenv")
}

/// The whole lines an instruction spans, line break included, for moving or
/// deleting it: `None` when something other than indentation shares its
/// first or last line.
pub(crate) fn whole_lines(cx: &Context<'_>, inst: &Instruction) -> Option<Span> {
    let src = cx.source;
    let start = src[..inst.span.start].rfind('\n').map_or(0, |n| n + 1);
    if !src[start..inst.span.start]
        .chars()
        .all(|c| c == ' ' || c == '\t')
    {
        return None;
    }
    let rest = &src[inst.span.end..];
    let end = if rest.is_empty() {
        inst.span.end
    } else if rest.starts_with("\r\n") {
        inst.span.end + 2
    } else if rest.starts_with('\n') {
        inst.span.end + 1
    } else {
        return None;
    };
    Some(Span::new(start, end))
}

/// Whether a `COPY`/`ADD` source names the whole build context: `.`, `./`,
/// `*`, `./*`, `/`.
pub(crate) fn is_whole_context(source: &str) -> bool {
    matches!(source, "." | "./" | "*" | "./*" | "/" | "/." | "./.")
}
