//! A linear pre-check of how deeply a script nests, so that no parser (ours or
//! brush-parser, which recurses once per level) can run out of stack.
//!
//! The scan follows quoting roughly (single and double quotes, backquotes,
//! `${...}`), and counts as one level each `(`, `$(`, `${`, brace group,
//! backquote, and `if`/`case`/`for`/`while`/`until`/`select` keyword at a
//! command position (closed by `fi`, `esac`, `done`). It over-estimates rather
//! than under-estimates.

/// The deepest nesting accepted. Real scripts stay below 10; brush-parser
/// uses a few kilobytes of stack per level, so this keeps it well inside a
/// 2 MiB thread stack even in debug builds.
pub const MAX_DEPTH: usize = 48;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// `(` or `$(`: commands.
    Paren,
    /// A brace group `{`: commands.
    Brace,
    /// `if`, `case`, loops: commands.
    Keyword,
    /// `"..."`.
    Double,
    /// `${...}`.
    Param,
    /// `` `...` ``.
    Backquote,
}

/// Whether `text` nests deeper than `limit`.
pub(crate) fn too_deep(text: &str, limit: usize) -> bool {
    let b = text.as_bytes();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut i = 0;
    // Whether the next word is in command position (for keywords).
    let mut cmd_pos = true;
    // Inside `[[ ... ]]`, brush-parser recurses once per `&&`, `||` and `!`.
    let mut in_test = false;
    let mut test_ops = 0;
    while i < b.len() {
        if stack.len() + test_ops > limit {
            return true;
        }
        let c = b[i];
        let top = stack.last().copied();
        match top {
            Some(Ctx::Double) => {
                match c {
                    b'"' => {
                        stack.pop();
                    }
                    b'\\' => i += 1,
                    b'$' if b.get(i + 1) == Some(&b'(') => {
                        stack.push(Ctx::Paren);
                        cmd_pos = true;
                        i += 1;
                    }
                    b'$' if b.get(i + 1) == Some(&b'{') => {
                        stack.push(Ctx::Param);
                        i += 1;
                    }
                    b'`' => {
                        stack.push(Ctx::Backquote);
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Some(Ctx::Backquote) => {
                match c {
                    b'`' => {
                        stack.pop();
                    }
                    b'\\' => i += 1,
                    _ => {}
                }
                i += 1;
                continue;
            }
            Some(Ctx::Param) => {
                match c {
                    b'}' => {
                        stack.pop();
                    }
                    b'\\' => i += 1,
                    b'"' => stack.push(Ctx::Double),
                    b'$' if b.get(i + 1) == Some(&b'(') => {
                        stack.push(Ctx::Paren);
                        cmd_pos = true;
                        i += 1;
                    }
                    b'$' if b.get(i + 1) == Some(&b'{') => {
                        stack.push(Ctx::Param);
                        i += 1;
                    }
                    b'`' => stack.push(Ctx::Backquote),
                    _ => {}
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        // Command context.
        match c {
            b' ' | b'\t' => {
                i += 1;
            }
            b'\n' | b';' | b'&' | b'|' => {
                if in_test && b.get(i + 1) == Some(&c) && matches!(c, b'&' | b'|') {
                    test_ops += 1;
                    i += 1;
                }
                cmd_pos = true;
                i += 1;
            }
            b'\'' => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                i += 1;
                cmd_pos = false;
            }
            b'"' => {
                stack.push(Ctx::Double);
                cmd_pos = false;
                i += 1;
            }
            b'`' => {
                stack.push(Ctx::Backquote);
                cmd_pos = false;
                i += 1;
            }
            b'\\' => {
                i += 2;
                cmd_pos = false;
            }
            b'(' => {
                stack.push(Ctx::Paren);
                cmd_pos = true;
                i += 1;
            }
            b')' => {
                if top == Some(Ctx::Paren) {
                    stack.pop();
                }
                cmd_pos = true;
                i += 1;
            }
            b'$' if b.get(i + 1) == Some(&b'(') => {
                stack.push(Ctx::Paren);
                cmd_pos = true;
                i += 2;
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                stack.push(Ctx::Param);
                cmd_pos = false;
                i += 2;
            }
            b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {
                // A run of word characters.
                let start = i;
                while i < b.len()
                    && !matches!(
                        b[i],
                        b' ' | b'\t'
                            | b'\n'
                            | b';'
                            | b'&'
                            | b'|'
                            | b'('
                            | b')'
                            | b'\''
                            | b'"'
                            | b'`'
                            | b'\\'
                            | b'$'
                    )
                {
                    i += 1;
                }
                if i == start {
                    // A lone `$`.
                    i += 1;
                    cmd_pos = false;
                    continue;
                }
                let word = &b[start..i];
                if in_test {
                    match word {
                        b"]]" => {
                            in_test = false;
                            test_ops = 0;
                        }
                        b"!" => test_ops += 1,
                        _ => {}
                    }
                }
                let ends_word = i >= b.len()
                    || matches!(
                        b[i],
                        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')'
                    );
                if !(cmd_pos && ends_word) {
                    cmd_pos = false;
                    continue;
                }
                match word {
                    b"if" | b"case" | b"for" | b"while" | b"until" | b"select" => {
                        stack.push(Ctx::Keyword);
                    }
                    b"{" => stack.push(Ctx::Brace),
                    b"[[" => {
                        in_test = true;
                        cmd_pos = false;
                    }
                    b"fi" | b"esac" | b"done" => {
                        if top == Some(Ctx::Keyword) {
                            stack.pop();
                        }
                        cmd_pos = false;
                    }
                    b"}" => {
                        if top == Some(Ctx::Brace) {
                            stack.pop();
                        }
                        cmd_pos = false;
                    }
                    b"then" | b"do" | b"else" | b"elif" | b"!" | b"time" | b"in" => {}
                    _ => cmd_pos = false,
                }
            }
        }
    }
    stack.len() + test_ops > limit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_levels() {
        assert!(!too_deep("a && b | c; (d)", 1));
        assert!(too_deep("((a))", 1));
        assert!(!too_deep("((a))", 2));
        assert!(too_deep("echo $(a $(b))", 1));
        assert!(too_deep("if a; then if b; then c; fi; fi", 1));
        assert!(!too_deep("if a; then b; fi; if c; then d; fi", 1));
        assert!(!too_deep("echo if for while case '((((('", 0));
        assert!(too_deep("{ { a; }; }", 1));
        assert!(too_deep("\"${a:-${b}}\"", 2));
        assert!(!too_deep(&"a; ".repeat(10_000), 0));
        let deep = format!("{}x{}", "$(".repeat(5000), ")".repeat(5000));
        assert!(too_deep(&deep, MAX_DEPTH));
        assert!(too_deep(
            &format!("[[ {}a ]]", "a && ".repeat(100)),
            MAX_DEPTH
        ));
        assert!(too_deep(&format!("[[ {}a ]]", "! ".repeat(100)), MAX_DEPTH));
        assert!(!too_deep(&"[[ a && b ]] && c; ".repeat(100), 2));
    }
}
