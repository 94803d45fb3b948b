//! The one registry of every rule: each category lists its rules, and this
//! table joins them in order.

use super::{Rule, RuleMeta};
use std::sync::LazyLock;

/// Every rule, in code order.
pub static RULES: LazyLock<Vec<&'static dyn Rule>> = LazyLock::new(|| {
    let mut all: Vec<&'static dyn Rule> = [
        super::correctness::RULES,
        super::security::RULES,
        super::cache::RULES,
        super::size::RULES,
        super::reproducibility::RULES,
        super::style::RULES,
    ]
    .concat();
    all.sort_by_key(|r| r.meta().code);
    all
});

/// The rule with exactly this Slipway code.
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().code == code)
}

/// The rule an id names: a Slipway code or name, a hadolint code, or a
/// BuildKit check name (see [`RuleMeta::matches`]).
pub fn lookup(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().matches(id))
}

/// Metadata of every rule.
pub fn metas() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().map(|r| r.meta())
}
