//! `ENV key value` / `LABEL key value`: the legacy form without `=`.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct LegacyKeyValueFormat;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW510",
    name: "legacy-key-value-format",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &[],
    buildkit: &["LegacyKeyValueFormat"],
    default_enabled: true,
    summary: "`ENV`/`LABEL` uses the legacy `key value` form",
    doc: include_str!("../../../rules/legacy-key-value-format.md"),
};

/// How a raw value reads outside quotes: whether it has unquoted whitespace;
/// `None` when its quotes are unbalanced or it ends with the escape character.
fn unquoted_whitespace(raw: &str, esc: char) -> Option<bool> {
    let mut quote = None;
    let mut chars = raw.chars();
    let mut space = false;
    while let Some(c) = chars.next() {
        match quote {
            None if c == esc => {
                chars.next()?;
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c.is_whitespace() => space = true,
            Some('"') if c == esc => {
                chars.next()?;
            }
            Some(q) if c == q => quote = None,
            _ => {}
        }
    }
    quote.is_none().then_some(space)
}

/// The literal text a raw value without `$` stands for: quotes removed and
/// escapes applied, as BuildKit's lexer does.
fn literal(raw: &str, esc: char) -> Option<String> {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == esc {
            out.push(chars.next()?);
        } else if c == '\'' {
            loop {
                match chars.next()? {
                    '\'' => break,
                    ch => out.push(ch),
                }
            }
        } else if c == '"' {
            loop {
                match chars.next()? {
                    '"' => break,
                    ch if ch == esc => match chars.peek() {
                        Some(&n) if n == '"' || n == '$' || n == esc => {
                            out.push(n);
                            chars.next();
                        }
                        _ => out.push(ch),
                    },
                    ch => out.push(ch),
                }
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The value written for `key=<value>` so that it means what the legacy
/// `key <raw>` meant, or `None` when that cannot be done simply.
pub fn requote(raw: &str, esc: char) -> Option<String> {
    if !unquoted_whitespace(raw, esc)? {
        return Some(raw.to_string());
    }
    if !raw.contains(['"', '\'']) && !raw.contains(esc) {
        return Some(format!("\"{raw}\""));
    }
    if raw.contains('$') {
        return None;
    }
    let mut out = String::from("\"");
    for c in literal(raw, esc)?.chars() {
        if c == '"' || c == '$' || c == esc {
            out.push(esc);
        }
        out.push(c);
    }
    out.push('"');
    Some(out)
}

impl Rule for LegacyKeyValueFormat {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions() {
            let eff = inst.effective();
            let (Keyword::Env | Keyword::Label, Args::Pairs(pairs)) = (eff.keyword, &eff.args)
            else {
                continue;
            };
            for kv in pairs.iter().filter(|kv| !kv.equals) {
                let span = kv.key.span.cover(kv.value.span);
                let mut d = cx.diag(
                    &META,
                    span,
                    format!(
                        "`{kw} {key} <value>` is the legacy form; write `{kw} {key}=<value>`",
                        kw = eff.keyword,
                        key = kv.key.value
                    ),
                );
                if !cx.text(span).contains('\n')
                    && let Some(value) = requote(&kv.value.value, cx.model.escape)
                {
                    d.fix = Some(Fix::new(
                        "Use `key=value`",
                        Applicability::Safe,
                        vec![Edit {
                            span,
                            replacement: format!("{}={value}", cx.text(kv.key.span)),
                        }],
                    ));
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::requote;

    #[test]
    fn requoting_keeps_the_value() {
        assert_eq!(requote("bar", '\\').as_deref(), Some("bar"));
        assert_eq!(requote("\"a b\"", '\\').as_deref(), Some("\"a b\""));
        assert_eq!(requote("a  b", '\\').as_deref(), Some("\"a  b\""));
        assert_eq!(requote("$HOME/x y", '\\').as_deref(), Some("\"$HOME/x y\""));
        assert_eq!(requote("it's \"x\"", '\\'), None);
        assert_eq!(
            requote("say \"hi\" 'a$b'", '\\').as_deref(),
            None,
            "a `$` beside quotes is left alone"
        );
        assert_eq!(
            requote("say \"hi\" \\\\x", '\\').as_deref(),
            Some("\"say hi \\\\x\"")
        );
        assert_eq!(requote("a \\ b", '\\').as_deref(), Some("\"a  b\""));
    }
}
