//! Rules of the `security` category. One file per rule; one line per rule in `RULES`.

use super::{Context, Rule};
use crate::model::Stage;
use crate::syntax::Flag;

pub mod copy_entire_filesystem;
pub mod from_platform_constant;
pub mod from_platform_flag;
pub mod last_user_root;
pub mod redundant_target_platform;
pub mod secret_in_arg_or_env;
pub mod untrusted_registry;

/// Every rule of this category.
pub static RULES: &[&dyn Rule] = &[
    &last_user_root::LastUserRoot,
    &untrusted_registry::UntrustedRegistry,
    &secret_in_arg_or_env::SecretInArgOrEnv,
    &copy_entire_filesystem::CopyEntireFilesystem,
    &from_platform_flag::FromPlatformFlag,
    &from_platform_constant::FromPlatformConstant,
    &redundant_target_platform::RedundantTargetPlatform,
];

/// Each stage whose `FROM` has a `--platform=<value>` flag, with the flag and
/// its value as written.
pub(crate) fn from_platforms<'a>(
    cx: &Context<'a>,
) -> impl Iterator<Item = (&'a Stage, &'a Flag, &'a str)> + 'a {
    let file = cx.file;
    cx.model.stages.iter().filter_map(move |stage| {
        let flag = file.instructions.get(stage.from)?.flag("platform")?;
        Some((stage, flag, flag.value.as_deref()?))
    })
}
