//! Rules of the `reproducibility` category. One file per rule; one line per rule in `RULES`.

use super::Rule;

/// Every rule of this category.
pub static RULES: &[&dyn Rule] = &[];
