//! Rules of the `size` folder (codes `SW401`–`SW499`): what makes an image
//! bigger than it needs to be (package caches and lists left in layers,
//! recommended packages, duplicate tools, archives copied then extracted).
//! One file per rule; one line per rule in `RULES`. The shell helpers they
//! use live in [`super::cache`].

use super::Rule;
use super::cache::for_each_command;
use crate::rules::Context;
use crate::shell::Command;
use crate::shell::packages::{self, CleanupTarget, Manager};
use crate::syntax::Span;

pub mod apk_add_without_no_cache;
pub mod apt_get_install_recommends;
pub mod apt_lists_not_removed;
pub mod build_toolchain_in_final_image;
pub mod copy_archive_then_extract;
pub mod curl_and_wget;
pub mod dev_dependencies_in_final_image;
pub mod dnf_clean_missing;
pub mod go_build_cache_left;
pub mod heavy_base_image;
pub mod image_size_budget;
pub mod npm_cache_not_cleaned;
pub mod pip_install_with_cache;
pub mod removed_in_later_layer;
pub mod single_stage_build;
pub mod useradd_high_uid_without_l;
pub mod yarn_cache_not_cleaned;
pub mod yum_clean_missing;
pub mod zypper_clean_missing;

/// Every rule of this folder.
pub static RULES: &[&dyn Rule] = &[
    &apt_lists_not_removed::AptListsNotRemoved,
    &apt_get_install_recommends::AptGetInstallRecommends,
    &apk_add_without_no_cache::ApkAddWithoutNoCache,
    &pip_install_with_cache::PipInstallWithCache,
    &yum_clean_missing::YumCleanMissing,
    &dnf_clean_missing::DnfCleanMissing,
    &zypper_clean_missing::ZypperCleanMissing,
    &yarn_cache_not_cleaned::YarnCacheNotCleaned,
    &useradd_high_uid_without_l::UseraddHighUidWithoutL,
    &curl_and_wget::CurlAndWget,
    &copy_archive_then_extract::CopyArchiveThenExtract,
    &build_toolchain_in_final_image::BuildToolchainInFinalImage,
    &dev_dependencies_in_final_image::DevDependenciesInFinalImage,
    &removed_in_later_layer::RemovedInLaterLayer,
    &heavy_base_image::HeavyBaseImage,
    &single_stage_build::SingleStageBuild,
    &npm_cache_not_cleaned::NpmCacheNotCleaned,
    &go_build_cache_left::GoBuildCacheLeft,
    &image_size_budget::ImageSizeBudget,
];

/// The `RUN`s (not `ONBUILD` triggers, which run in another build) of the
/// stages that ship: their layers are in the final image.
pub(crate) fn shipping_runs<'a>(
    cx: &'a Context<'_>,
) -> impl Iterator<Item = (usize, &'a crate::syntax::Instruction)> + 'a {
    cx.instructions_of(crate::syntax::Keyword::Run)
        .filter(|(i, inst)| inst.keyword != crate::syntax::Keyword::Onbuild && cx.ships_at(*i))
}

/// Names for a message: "`a`", "`a` and `b`", "`a`, `b` and 3 more", with
/// the verb that agrees ("is" / "are").
pub(crate) fn list_names(names: &[&str]) -> (String, &'static str) {
    let mut unique: Vec<&str> = Vec::new();
    for n in names {
        if !unique.contains(n) {
            unique.push(n);
        }
    }
    let quoted: Vec<String> = unique.iter().map(|n| format!("`{n}`")).collect();
    let list = match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        2..=4 => format!(
            "{} and {}",
            quoted[..quoted.len() - 1].join(", "),
            quoted[quoted.len() - 1]
        ),
        n => format!("{} and {} more", quoted[..3].join(", "), n - 3),
    };
    (list, if unique.len() == 1 { "is" } else { "are" })
}

/// Whether a command removes system packages (see
/// [`packages::is_removal`]).
pub(crate) fn is_package_removal(cmd: &Command) -> bool {
    packages::is_removal(cmd)
}

/// The span of the last command of `RUN` `index` matching `install` that no
/// command matching `clean` follows (commands in source order: the shell
/// form, then heredoc scripts).
pub(crate) fn uncleaned_install(
    cx: &Context<'_>,
    index: usize,
    install: impl Fn(&Command) -> bool,
    clean: impl Fn(&Command) -> bool,
) -> Option<Span> {
    let mut pending = None;
    for_each_command(cx, index, |cmd| {
        if install(cmd) {
            pending = Some(cmd.span);
        } else if clean(cmd) {
            pending = None;
        }
    });
    pending
}

/// Whether `cmd` cleans the cache of one of `managers` (`yum clean all`,
/// `rm -rf /var/cache/yum`...).
pub(crate) fn cleans(cmd: &Command, managers: &[Manager]) -> bool {
    packages::is_cache_cleanup(cmd)
        .is_some_and(|c| c.target == CleanupTarget::Cache && managers.contains(&c.manager))
}
