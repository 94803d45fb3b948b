//! `useradd` with a large UID and without `-l`.

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules::cache::{for_each_command, insert_after, is, runs};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct UseraddHighUidWithoutL;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW409",
    name: "useradd-high-uid-without-l",
    category: Category::Size,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3046"],
    buildkit: &[],
    default_enabled: true,
    summary: "`useradd` with a large UID and without `-l` bloats `/var/log/lastlog`",
    doc: include_str!("../../../rules/useradd-high-uid-without-l.md"),
};

impl Rule for UseraddHighUidWithoutL {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if !is(cmd, "useradd") || cmd.has_flag('l', "no-log-init") {
                    return;
                }
                // hadolint's test: a UID of more than five characters. A UID
                // given by a variable is judged by the variable's value.
                let Some(word) = cmd.option_value(&["-u", "--uid"]) else {
                    return;
                };
                let Some(uid) = cmd.option_str(&["-u", "--uid"]) else {
                    return;
                };
                let uid = if word.literal {
                    Some(uid.to_string())
                } else {
                    cx.model
                        .expand(uid, i)
                        .ok()
                        .filter(|e| e.unset.is_empty())
                        .map(|e| e.value)
                };
                let high =
                    uid.is_some_and(|u| u.len() > 5 && u.bytes().all(|b| b.is_ascii_digit()));
                if !high {
                    return;
                }
                let mut d = cx.diag(
                    &META,
                    cmd.span,
                    "`useradd` with a large UID writes a huge sparse /var/log/lastlog into the layer; add `-l`",
                );
                if let Some(name) = &cmd.name {
                    d.fix = insert_after(
                        cx,
                        "Add `-l` (`--no-log-init`)",
                        Applicability::Safe,
                        name,
                        " -l",
                    );
                }
                out.push(d);
            });
        }
    }
}
