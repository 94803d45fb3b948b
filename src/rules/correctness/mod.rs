//! Rules of the `correctness` category. One file per rule; one line per rule in `RULES`.

use super::Rule;

pub mod workdir_relative_path;

/// Every rule of this category.
pub static RULES: &[&dyn Rule] = &[&workdir_relative_path::WorkdirRelativePath];
