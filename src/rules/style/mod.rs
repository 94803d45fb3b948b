//! Rules of the `style` category. One file per rule; one line per rule in `RULES`.

use super::Rule;

pub mod maintainer_deprecated;

/// Every rule of this category.
pub static RULES: &[&dyn Rule] = &[&maintainer_deprecated::MaintainerDeprecated];
