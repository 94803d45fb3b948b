//! Rules of the `style` category. One file per rule; one line per rule in `RULES`.

use super::{Context, Rule};
use crate::model::Base;

pub mod add_for_local_files;
pub mod empty_label;
pub mod from_as_casing_mismatch;
pub mod inconsistent_instruction_casing;
pub mod inline_ignore_pragma;
pub mod invalid_definition_description;
pub mod invalid_label_key;
pub mod label_not_email;
pub mod label_not_git_hash;
pub mod label_not_semver;
pub mod label_not_spdx;
pub mod label_not_timestamp;
pub mod label_not_url;
pub mod labels;
pub mod legacy_key_value_format;
pub mod maintainer_deprecated;
pub mod missing_healthcheck;
pub mod missing_label;
pub mod non_numeric_user;
pub mod shell_form_command;
pub mod stage_name_not_lowercase;
pub mod superfluous_label;

/// Every rule of this category.
pub static RULES: &[&dyn Rule] = &[
    &maintainer_deprecated::MaintainerDeprecated,
    &inline_ignore_pragma::InlineIgnorePragma,
    &add_for_local_files::AddForLocalFiles,
    &shell_form_command::ShellFormCommand,
    &invalid_label_key::InvalidLabelKey,
    &non_numeric_user::NonNumericUser,
    &stage_name_not_lowercase::StageNameNotLowercase,
    &from_as_casing_mismatch::FromAsCasingMismatch,
    &inconsistent_instruction_casing::InconsistentInstructionCasing,
    &legacy_key_value_format::LegacyKeyValueFormat,
    &invalid_definition_description::InvalidDefinitionDescription,
    &missing_healthcheck::MissingHealthcheck,
    &missing_label::MissingLabel,
    &superfluous_label::SuperfluousLabel,
    &empty_label::EmptyLabel,
    &label_not_url::LabelNotUrl,
    &label_not_timestamp::LabelNotTimestamp,
    &label_not_spdx::LabelNotSpdx,
    &label_not_git_hash::LabelNotGitHash,
    &label_not_semver::LabelNotSemver,
    &label_not_email::LabelNotEmail,
];

/// The stage of instruction `at` and the stages it is built on, nearest
/// first (empty before the first `FROM`).
pub(crate) fn stage_chain(cx: &Context<'_>, at: usize) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut s = cx.model.stage_of.get(at).copied().flatten();
    while let Some(si) = s {
        chain.push(si);
        s = match cx.model.stages[si].base {
            Base::Stage(p) if p < si => Some(p),
            _ => None,
        };
    }
    chain
}

/// Whether instruction `at` is in a stage built on a Windows image.
pub(crate) fn in_windows_stage(cx: &Context<'_>, at: usize) -> bool {
    stage_chain(cx, at)
        .iter()
        .any(|&s| crate::model::is_windows_base(&cx.model.stages[s]))
}
