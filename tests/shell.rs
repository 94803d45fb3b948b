//! The shell model: data-driven cases, each checked by one helper that also
//! verifies the invariants (spans read the raw text; the fast path and
//! brush-parser agree), the corpus (fast path against brush-parser, spans
//! through continuations), and properties (no panic, no stack overflow,
//! linear time).

use proptest::prelude::*;
use slipway::shell::packages::{self, CleanupTarget, Downloader, Manager, PackageKind};
use slipway::shell::{self, Engine, Nesting, Origin, Script};
use slipway::syntax::{self, Args, Keyword};
use std::path::PathBuf;

// ---------------------------------------------------------------------------
// Helpers

/// A compact rendering: one line per command, `list-index [marks] assignments
/// name args redirects`, marks being `S` subshell, `$` substitution, `C`
/// compound, `?` condition, `|p.s` pipeline and stage. Then `error: ...` and
/// `pipefail` when set.
fn render(s: &Script) -> String {
    let q = |v: &str| {
        if v.is_empty() || v.contains([' ', '\n', '\t']) {
            format!("{v:?}")
        } else {
            v.to_string()
        }
    };
    let mut lines = Vec::new();
    for c in &s.commands {
        let mut parts = vec![c.list_index.to_string()];
        let mut marks = String::new();
        match c.nesting {
            Nesting::Top => {}
            Nesting::Subshell => marks.push('S'),
            Nesting::Substitution => marks.push('$'),
            Nesting::Compound => marks.push('C'),
        }
        if c.condition {
            marks.push('?');
        }
        if let Some(p) = c.pipeline {
            marks.push_str(&format!("|{p}.{}", c.stage));
        }
        if !marks.is_empty() {
            parts.push(marks);
        }
        for (n, w) in &c.assignments {
            parts.push(format!("{n}={}", q(&w.value)));
        }
        if let Some(n) = &c.name {
            parts.push(q(&n.value));
        }
        for a in &c.args {
            parts.push(q(&a.value));
        }
        for r in &c.redirects {
            let fd = r.fd.map(|f| f.to_string()).unwrap_or_default();
            parts.push(format!("{fd}{}{}", r.op, q(&r.target.value)));
        }
        lines.push(parts.join(" "));
    }
    if let Some(e) = &s.error {
        lines.push(format!("error: {}", e.message));
    }
    if s.sets_pipefail {
        lines.push("pipefail".to_string());
    }
    lines.join("\n")
}

fn file(text: &str) -> Script {
    shell::parse(text, Origin::File { offset: 0 })
}

/// Every word of a script parsed at file offset 0 reads its raw text, every
/// command span covers its words, and when the fast path accepts the script
/// it gives exactly what brush-parser gives.
fn invariants(text: &str, s: &Script) {
    for c in &s.commands {
        let words = c
            .name
            .iter()
            .chain(&c.args)
            .chain(c.assignments.iter().map(|a| &a.1))
            .chain(c.redirects.iter().map(|r| &r.target));
        for w in words {
            assert_eq!(&text[w.span.start..w.span.end], w.raw, "in {text:?}");
            assert!(c.span.contains(w.span), "{c:?} in {text:?}");
        }
        for r in &c.redirects {
            assert!(r.span.contains(r.target.span) && c.span.contains(r.span));
        }
    }
    for (i, p) in s.pipelines.iter().enumerate() {
        assert!(p.stages >= 2 && !p.commands.is_empty());
        for &ci in &p.commands {
            assert_eq!(s.commands[ci].pipeline, Some(i));
        }
    }
    let origin = Origin::File { offset: 0 };
    if let Some(fast) = shell::parse_with(text, origin, Engine::Fast) {
        assert!(fast.error.is_none(), "fast path error on {text:?}");
        // Where brush-parser fails on a script the fast path accepts
        // (`$(case x in a) ...;; esac)`), the fast path is right.
        let brush = shell::parse_with(text, origin, Engine::Brush).unwrap();
        if brush.error.is_none() {
            assert_eq!(fast, brush, "fast and brush differ on {text:?}");
        }
    }
}

/// Parse, check the invariants, compare the rendering.
fn check(text: &str, expected: &str) {
    let s = file(text);
    invariants(text, &s);
    assert_eq!(render(&s), expected.trim(), "for {text:?}");
}

// ---------------------------------------------------------------------------
// Structure

#[test]
fn lists_pipes_and_nesting() {
    let cases: &[(&str, &str)] = &[
        ("", ""),
        ("# only a comment", ""),
        ("echo hi", "0 echo hi"),
        ("a && b || c; d & e\nf", "0 ? a\n1 ? b\n2 c\n3 d\n4 e\n5 f"),
        ("a && b || c", "0 ? a\n1 ? b\n2 c"),
        ("a | b | c && d", "0 |0.0 a\n0 |0.1 b\n0 |0.2 c\n1 d"),
        ("a |\n b", "0 |0.0 a\n0 |0.1 b"),
        (
            "(cd /x && make) && echo ok",
            "0 S cd /x\n0 S make\n1 echo ok",
        ),
        ("{ a; b; } | c", "0 C|0.0 a\n0 C|0.0 b\n0 |0.1 c"),
        ("( (cd x && make) ) && y", "0 S cd x\n0 S make\n1 y"),
        ("( ( a ) )", "0 S a"),
        ("(( i = 1 + 2 ))", ""),
        (
            "if [ -f x ]; then a; elif b; then c; else d; fi",
            "0 C? [ -f x ]\n0 C a\n0 C? b\n0 C c\n0 C d",
        ),
        ("for i in 1 2; do echo $i; done", "0 C echo $i"),
        (
            "while read l; do echo \"$l\"; done < f",
            "0 C? read l\n0 C echo $l",
        ),
        ("until false; do :; done", "0 C? false\n0 C :"),
        (
            "case $x in a|b) echo ab;; *) echo other;; esac",
            "0 C echo ab\n0 C echo other",
        ),
        ("f() { echo in; }; f", "0 C echo in\n1 f"),
        (
            "echo $(date +%s) `id -u`",
            "0 echo \"$(date +%s)\" \"`id -u`\"\n0 $ date +%s\n0 $ id -u",
        ),
        (
            "echo \"$(a \"$(b)\")\"",
            "0 echo \"$(a \\\"$(b)\\\")\"\n0 $ a $(b)\n0 $ b",
        ),
        (
            "x=$(curl -s u | sh)",
            "0 x=\"$(curl -s u | sh)\"\n0 $|0.0 curl -s u\n0 $|0.1 sh",
        ),
        ("for f in $(ls); do rm $f; done", "0 $ ls\n0 C rm $f"),
        ("[[ -n $(whoami) ]] && echo y", "0 $ whoami\n1 echo y"),
        ("diff <(sort a) b", "0 diff \"<(sort a)\" b\n0 $ sort a"),
        ("! grep -q x f", "0 ? grep -q x f"),
        ("a |& b", "0 |0.0 a\n0 |0.1 b"),
        ("time make", "0 make"),
    ];
    for (text, expected) in cases {
        check(text, expected);
    }
}

#[test]
fn compound_commands() {
    let cases: &[(&str, &str)] = &[
        // Bodies, conditions and list indices.
        (
            "if a; then b; elif c; then d; elif e; then f; else g; fi",
            "0 C? a\n0 C b\n0 C? c\n0 C d\n0 C? e\n0 C f\n0 C g",
        ),
        (
            "until [ -f x ]; do sleep 1; done",
            "0 C? [ -f x ]\n0 C sleep 1",
        ),
        (
            "for i in a b; do for j in $i; do echo $i$j; done; done",
            "0 C echo $i$j",
        ),
        ("for i in 1 2\ndo\n echo $i\ndone", "0 C echo $i"),
        ("for x\nin a; do b; done", "0 C b"),
        ("for x; do echo $x; done", "0 C echo $x"),
        ("for x do echo; done", "0 C echo"),
        ("for x\ndo b; done", "0 C b"),
        (
            "case $1 in\n  -h|--help) usage ;;\n  *) run \"$@\" ;;\nesac",
            "0 C usage\n0 C run $@",
        ),
        (
            "case \"$1\" in (start) run;; stop|halt) halt ;; *) ;; esac",
            "0 C run\n0 C halt",
        ),
        ("case x in (a|b) c;; (d) esac", "0 C c"),
        ("case x in a) b;; c) esac", "0 C b"),
        ("case x in a)\n;; esac", ""),
        ("case x in esac", ""),
        ("case x\nin a) b;; esac", "0 C b"),
        ("case x in in) a;; do) b;; esac", "0 C a\n0 C b"),
        ("case x in a) (b) ;; esac", "0 S b"),
        ("a; { b; }; c", "0 a\n1 C b\n2 c"),
        ("a; (b; c) & d", "0 a\n1 S b\n1 S c\n2 d"),
        ("{ a; } & b", "0 C a\n1 b"),
        ("{ ( a ) }", "0 S a"),
        ("{(a)}", "0 S a"),
        ("if a; then { b; } fi", "0 C? a\n0 C b"),
        ("a &&\n if b; then c; fi", "0 a\n1 C? b\n1 C c"),
        // Conditions: `||` after, `!`, and what a compound passes on.
        ("a && { b || c; }", "0 a\n1 C? b\n1 C c"),
        ("{ a; } || b", "0 C? a\n1 b"),
        ("! { a; b; }", "0 C? a\n0 C? b"),
        ("! ! a", "0 a"),
        ("a && ! b || c", "0 ? a\n1 ? b\n2 c"),
        ("! a | b", "0 ?|0.0 a\n0 ?|0.1 b"),
        (
            "if ! grep -q x f; then echo no; fi",
            "0 C? grep -q x f\n0 C echo no",
        ),
        // Pipelines: a one-command pipeline inside a compound stage keeps
        // the outer pipeline.
        (
            "for x in $(seq 3); do echo $x; done 2>/dev/null | sort",
            "0 $ seq 3\n0 C|0.0 echo $x\n0 |0.1 sort",
        ),
        (
            "a | { b | c; } | d",
            "0 |0.0 a\n0 C|1.0 b\n0 C|1.1 c\n0 |0.2 d",
        ),
        (
            "a | while read x; do echo $x | tr a b; done | c",
            "0 |0.0 a\n0 C?|0.1 read x\n0 C|1.0 echo $x\n0 C|1.1 tr a b\n0 |0.2 c",
        ),
        ("if a | b; then c; fi", "0 C?|0.0 a\n0 C?|0.1 b\n0 C c"),
        (
            "if a; then b; else c; fi | d",
            "0 C?|0.0 a\n0 C|0.0 b\n0 C|0.0 c\n0 |0.1 d",
        ),
        ("(a | b) && c", "0 S|0.0 a\n0 S|0.1 b\n1 c"),
        ("(a) | (b)", "0 S|0.0 a\n0 S|0.1 b"),
        ("a |\n{ b; }", "0 |0.0 a\n0 C|0.1 b"),
        ("case x in a) b | c;; esac", "0 C|0.0 b\n0 C|0.1 c"),
        // Redirections after a compound command: their substitutions.
        (
            "while read l; do echo $l; done < $(ls)",
            "0 C? read l\n0 C echo $l\n0 $ ls",
        ),
        ("{ a; } > $(mktemp) 2>&1", "0 C a\n0 $ mktemp"),
        ("if a; then b; fi > out 2>&1", "0 C? a\n0 C b"),
        ("(cd x; make) > log", "0 S cd x\n0 S make"),
        ("{ a; } 2>&1 | tee log", "0 C|0.0 a\n0 |0.1 tee log"),
        ("{ a; } >>f 2>&1 && b", "0 C a\n1 b"),
        // Functions.
        ("f ( ) { a; }", "0 C a"),
        ("f()\n{ a; }", "0 C a"),
        ("func-name() {\n a\n}", "0 C a"),
        ("f() ( a )", "0 S a"),
        ("f() { a; } > $(log)", "0 C a\n0 $ log"),
        ("f() { a; } | b", "0 C|0.0 a\n0 |0.1 b"),
        ("f() { a; }; g() ( b ) 2>/dev/null", "0 C a\n1 S b"),
        // Reserved words only count in command position; `{` and `}` only
        // as whole words.
        ("echo if then fi", "0 echo if then fi"),
        ("for x in do done; do echo; done", "0 C echo"),
        ("{a}", "0 {a}"),
        ("echo }", "0 echo }"),
        ("echo {", "0 echo {"),
        ("{ echo }; }", "0 C echo }"),
        ("!a", "0 !a"),
        ("echo ! a", "0 echo ! a"),
        // Compound commands inside command substitutions.
        (
            "echo \"$(if a; then echo b; fi)\"",
            "0 echo \"$(if a; then echo b; fi)\"\n0 C? a\n0 C echo b",
        ),
        (
            "x=$(for i in 1 2; do echo $i; done)",
            "0 x=\"$(for i in 1 2; do echo $i; done)\"\n0 C echo $i",
        ),
        ("echo $(a; (b)) x", "0 echo \"$(a; (b))\" x\n0 $ a\n0 S b"),
        ("$( (a) )", "0 \"$( (a) )\"\n0 S a"),
        (
            "echo $(f() { a; }; f)",
            "0 echo \"$(f() { a; }; f)\"\n0 C a\n0 $ f",
        ),
        ("echo $(case x in esac)", "0 echo \"$(case x in esac)\""),
        // pipefail in compound commands.
        (
            "{ set -o pipefail; }; a | b",
            "0 C set -o pipefail\n1 |0.0 a\n1 |0.1 b\npipefail",
        ),
        (
            "if set -o pipefail; then a | b; fi",
            "0 C? set -o pipefail\n0 C|0.0 a\n0 C|0.1 b\npipefail",
        ),
        // Syntax errors (brush-parser reports them).
        (
            "{ a }",
            "error: shell syntax error: unexpected end of script",
        ),
        (
            "if a; then fi",
            "error: shell syntax error: unexpected end of script",
        ),
        ("(a)b", "error: shell syntax error near `b`"),
        ("{ a; } { b; }", "error: shell syntax error near `{`"),
        ("if a; then b; fi fi", "error: shell syntax error near `fi`"),
        (
            "done",
            "error: shell syntax error: unexpected end of script",
        ),
    ];
    for (text, expected) in cases {
        check(text, expected);
    }
}

/// `$(case ... esac)` with patterns written without `(`: brush-parser ends
/// the substitution at the first pattern's `)` and fails on the script; the
/// fast path parses the contents to find the end.
#[test]
fn case_inside_command_substitution() {
    let cases: &[(&str, &str)] = &[
        (
            "curl -fsSL https://go.dev/dl/go.linux-$(case $(uname -m) in x86_64) echo amd64 ;; \
             aarch64) echo arm64 ;; esac).tar.gz | tar xz -C /usr/local",
            "0 |0.0 curl -fsSL \"https://go.dev/dl/go.linux-$(case $(uname -m) in x86_64) echo amd64 ;; \
             aarch64) echo arm64 ;; esac).tar.gz\"\n0 $ uname -m\n0 C echo amd64\n0 C echo arm64\n\
             0 |0.1 tar xz -C /usr/local",
        ),
        (
            "x=$(case a in a) echo b;; esac)",
            "0 x=\"$(case a in a) echo b;; esac)\"\n0 C echo b",
        ),
        (
            "echo \"$(case $x in a) echo b;; esac)\" 'q'",
            "0 echo \"$(case $x in a) echo b;; esac)\" q\n0 C echo b",
        ),
        (
            "echo $(echo $(case x in a) b;; esac) \"c\")",
            "0 echo \"$(echo $(case x in a) b;; esac) \\\"c\\\")\"\n\
             0 $ echo \"$(case x in a) b;; esac)\" c\n0 C b",
        ),
        (
            "for a in $(case x in y) echo 1;; esac); do :; done >$(case z in z) echo f;; esac)",
            "0 C echo 1\n0 C :\n0 C echo f",
        ),
    ];
    for (text, expected) in cases {
        check(text, expected);
        let origin = Origin::File { offset: 0 };
        let fast = shell::parse_with(text, origin, Engine::Fast);
        assert_eq!(fast.as_ref(), Some(&file(text)), "{text:?}");
        let brush = shell::parse_with(text, origin, Engine::Brush).unwrap();
        assert!(brush.error.is_some(), "{text:?}");
    }
}

/// What the fast path takes, and what it leaves to brush-parser (which
/// reads these its own way: arithmetic, extended globs, arrays, `;&`...).
#[test]
fn fast_path_coverage() {
    let accepted = [
        "{ a; }",
        "(a)",
        "if a; then b; fi",
        "for x in a; do b; done",
        "while a; do b; done",
        "until a; do b; done",
        "case x in a) b;; esac",
        "! a",
        "f() { a; }",
        "{ a; } >f",
        "echo $(case x in a) b;; esac)",
    ];
    let refused = [
        "(( i = 1 ))",
        "( (a) )",
        "$( ((a)) )",
        "case x in a) b;& c) d;; esac",
        "case x in a) b;;& c) d;; esac",
        "case x in esac) a;; esac",
        "(case x in esac)",
        "echo @(a|b)",
        "x=(1 2)",
        "for ((i=0;i<3;i++)); do echo; done",
        "function f { a; }",
        "1f() { a; }",
        "time a",
        "[[ -f x ]]",
        "a |& b",
        "A=1 if",
        "select x in a; do b; done",
        "coproc a",
        "while read a; do :; done < <(ls)",
        "if a; then fi",
        "!",
    ];
    let origin = Origin::File { offset: 0 };
    for text in accepted {
        assert!(
            shell::parse_with(text, origin, Engine::Fast).is_some(),
            "{text:?}"
        );
    }
    for text in refused {
        assert!(
            shell::parse_with(text, origin, Engine::Fast).is_none(),
            "{text:?}"
        );
    }
}

#[test]
fn words_assignments_and_redirects() {
    let cases: &[(&str, &str)] = &[
        ("A=1 B='x y' make", "0 A=1 B=\"x y\" make"),
        ("A=1", "0 A=1"),
        ("A= cmd", "0 A=\"\" cmd"),
        ("export A=1 B", "0 export A=1 B"),
        ("echo 'a b' \"c d\" e\\ f", "0 echo \"a b\" \"c d\" \"e f\""),
        (r#"echo "a\"b" 'c\d' \$HOME"#, "0 echo a\"b c\\d $HOME"),
        ("echo ${HOME}/x $1 $@", "0 echo ${HOME}/x $1 $@"),
        ("cmd >/dev/null 2>&1", "0 cmd >/dev/null 2>&1"),
        ("cmd > out 2>> err < in", "0 cmd >out 2>>err <in"),
        ("cmd &>/dev/null", "0 cmd &>/dev/null"),
        (">x", "0 >x"),
        ("echo 2 >x", "0 echo 2 >x"),
        ("cat <<< hi", "0 cat <<<hi"),
        (
            "cat <<EOF\nbody\nEOF\necho after",
            "0 cat <<EOF\n1 echo after",
        ),
        ("cat <<-'EOF' > f\n\tbody\n\tEOF", "0 cat <<-EOF >f"),
        ("echo é ü", "0 echo é ü"),
        ("echo a#b # comment", "0 echo a#b"),
    ];
    for (text, expected) in cases {
        check(text, expected);
    }
}

/// A word's raw text, value and whether it is literal.
type Expected<'a> = (&'a str, &'a str, bool);

#[test]
fn word_values_and_literals() {
    // (script, [(raw, value, literal)] for the name and arguments)
    let cases: &[(&str, &[Expected])] = &[
        ("a 'b c'", &[("a", "a", true), ("'b c'", "b c", true)]),
        ("echo $X", &[("echo", "echo", true), ("$X", "$X", false)]),
        ("echo '$X'", &[("echo", "echo", true), ("'$X'", "$X", true)]),
        ("rm /x/*", &[("rm", "rm", true), ("/x/*", "/x/*", false)]),
        ("rm '/x/*'", &[("rm", "rm", true), ("'/x/*'", "/x/*", true)]),
        ("ls ~/x", &[("ls", "ls", true), ("~/x", "~/x", false)]),
        (
            "echo {a,b}",
            &[("echo", "echo", true), ("{a,b}", "{a,b}", false)],
        ),
        (
            "\"apt-get\" -y",
            &[("\"apt-get\"", "apt-get", true), ("-y", "-y", true)],
        ),
        (
            "echo a\\\nb",
            &[("echo", "echo", true), ("a\\\nb", "ab", true)],
        ),
        (
            "echo $'a\\tb'",
            &[("echo", "echo", true), ("$'a\\tb'", "a\tb", true)],
        ),
        (
            "echo $((1+2))",
            &[("echo", "echo", true), ("$((1+2))", "$((1+2))", false)],
        ),
    ];
    for (text, expected) in cases {
        let s = file(text);
        invariants(text, &s);
        let c = &s.commands[0];
        let got: Vec<(&str, &str, bool)> = c
            .name
            .iter()
            .chain(&c.args)
            .map(|w| (w.raw.as_str(), w.value.as_str(), w.literal))
            .collect();
        assert_eq!(&got, expected, "for {text:?}");
    }
}

#[test]
fn errors_and_pipefail() {
    let cases: &[(&str, &str)] = &[
        (
            "echo 'unterminated",
            "error: shell syntax error: unterminated single quote",
        ),
        (
            "a &&",
            "error: shell syntax error: unexpected end of script",
        ),
        ("a ;; b", "error: shell syntax error near `;;`"),
        (
            "echo 99999999999>x",
            "error: shell parser failed on this script",
        ),
        (
            "set -o pipefail && a | b",
            "0 set -o pipefail\n1 |0.0 a\n1 |0.1 b\npipefail",
        ),
        (
            "set -eo pipefail; a | b",
            "0 set -eo pipefail\n1 |0.0 a\n1 |0.1 b\npipefail",
        ),
        (
            "set -euxo pipefail\na | b",
            "0 set -euxo pipefail\n1 |0.0 a\n1 |0.1 b\npipefail",
        ),
        (
            "set -o errexit -o pipefail",
            "0 set -o errexit -o pipefail\npipefail",
        ),
        (
            "a | b; set -o pipefail",
            "0 |0.0 a\n0 |0.1 b\n1 set -o pipefail",
        ),
        (
            "set -o pipefail; set +o pipefail; a | b",
            "0 set -o pipefail\n1 set +o pipefail\n2 |0.0 a\n2 |0.1 b",
        ),
        (
            "(set -o pipefail); a | b",
            "0 S set -o pipefail\n1 |0.0 a\n1 |0.1 b",
        ),
        (
            "set -e pipefail; a | b",
            "0 set -e pipefail\n1 |0.0 a\n1 |0.1 b",
        ),
        (
            "echo set -o pipefail | b",
            "0 |0.0 echo set -o pipefail\n0 |0.1 b",
        ),
    ];
    for (text, expected) in cases {
        check(text, expected);
    }
}

/// Inputs on which brush-parser loops forever, panics, or misplaces words
/// (found by fuzzing): each gives a script (or an error) at once.
#[test]
fn brush_pathologies() {
    let cases: &[(&str, &str)] = &[
        (
            "<<$(  ",
            "error: shell syntax error: unexpected end of script",
        ),
        (
            "<<'' <$[",
            "error: shell syntax error: unterminated expansion",
        ),
        ("cat <<''\nx\n\n", "0 cat <<\"\""),
        ("x <<E\n$(\nE", "0 x <<E"),
        (
            "a${#<<if a}$(",
            "error: shell syntax error: unterminated expansion",
        ),
        (
            "echo 99999999999>x",
            "error: shell parser failed on this script",
        ),
        (
            "\\\n$(\\\n$)",
            r#"0 "$(\\\n$)"
0 $ $"#,
        ),
        (
            "\n\\\ndonea\"$(2>&1\t)\"",
            r#"0 "donea$(2>&1\t)"
0 $ 2>&1"#,
        ),
        ("esac\\<<''EOF\nE\n", "0 esac< <EOF\n1 E"),
    ];
    for (text, expected) in cases {
        check(text, expected);
    }
}

#[test]
fn command_helpers() {
    let s = file(
        "/usr/bin/apt-get install -qy --no-install-recommends -o Dpkg::X=1 -t=bookworm x -- -z",
    );
    let c = &s.commands[0];
    assert_eq!(c.name_str(), Some("/usr/bin/apt-get"));
    assert_eq!(c.basename(), Some("apt-get"));
    assert!(c.has_flag('y', "yes") && c.has_flag('q', "quiet"));
    assert!(c.has_flag('\0', "no-install-recommends"));
    assert!(!c.has_flag('z', ""), "after --");
    assert!(!c.has_flag('y', "") || c.has_flag('y', ""));
    assert_eq!(
        c.option_value(&["-o"]).map(|w| w.value.as_str()),
        Some("Dpkg::X=1")
    );
    assert_eq!(c.option_str(&["-t"]), Some("=bookworm"));
    assert_eq!(
        file("curl --output=f u").commands[0].option_str(&["-o", "--output"]),
        Some("f")
    );
    assert_eq!(
        file("curl -of u").commands[0].option_str(&["-o", "--output"]),
        Some("f")
    );
    assert_eq!(s.commands_named("apt-get").count(), 1);
    assert_eq!(s.commands_named("/usr/bin/apt-get").count(), 1);
    assert_eq!(s.commands_named("/bin/apt-get").count(), 0);
}

#[test]
fn non_posix_shells() {
    let cases: &[(&[&str], bool)] = &[
        (&["powershell", "-Command"], false),
        (&["pwsh", "-c"], false),
        (&["C:\\Windows\\System32\\cmd.exe", "/S", "/C"], false),
        (&["cmd", "/S", "/C"], false),
        (&["/usr/bin/fish", "-c"], false),
        (&["/bin/sh", "-c"], true),
        (&["bash", "-c"], true),
        (&["ash"], true),
        (&["dash", "-c"], true),
        (&["zsh", "-c"], true),
        (&["/bin/bash", "-o", "pipefail", "-c"], true),
        (&["/usr/bin/env", "bash", "-c"], true),
        (&["/usr/bin/env", "pwsh", "-c"], false),
        (&[], true),
    ];
    for (shell, posix) in cases {
        let v: Vec<String> = shell.iter().map(|s| s.to_string()).collect();
        assert_eq!(shell::is_posix_shell(&v), *posix, "{shell:?}");
    }
    let pipefail: &[(&[&str], bool)] = &[
        (&["/bin/bash", "-o", "pipefail", "-c"], true),
        (&["/bin/bash", "-eo", "pipefail", "-c"], true),
        (&["/bin/ash", "-euxo", "pipefail", "-c"], true),
        (&["/bin/sh", "-o", "pipefail", "-c"], false),
        (&["/bin/bash", "-c"], false),
    ];
    for (shell, on) in pipefail {
        let v: Vec<String> = shell.iter().map(|s| s.to_string()).collect();
        assert_eq!(shell::shell_sets_pipefail(&v), *on, "{shell:?}");
    }
}

// ---------------------------------------------------------------------------
// Spans in Dockerfiles

/// Every word of every shell-form RUN (and every heredoc script) of a
/// Dockerfile reads, through the instruction's map, the characters of its raw
/// text, unless it crosses a continuation.
fn check_dockerfile_spans(src: &str) -> usize {
    let parsed = syntax::parse(src);
    let mut words = 0;
    for inst in &parsed.dockerfile.instructions {
        for s in shell::instruction_scripts(inst) {
            for c in &s.commands {
                let all = c
                    .name
                    .iter()
                    .chain(&c.args)
                    .chain(c.assignments.iter().map(|a| &a.1))
                    .chain(c.redirects.iter().map(|r| &r.target));
                for w in all {
                    let in_file = &src[w.span.start..w.span.end];
                    words += 1;
                    if in_file.contains('\n') && !w.raw.contains('\n') {
                        continue; // crosses a continuation
                    }
                    assert_eq!(in_file, w.raw, "span {:?} in {src:?}", w.span);
                }
                assert!(c.span.end <= src.len());
            }
        }
    }
    words
}

#[test]
fn spans_map_into_the_dockerfile() {
    let cases: &[(&str, usize)] = &[
        ("FROM a\nRUN echo hi\n", 2),
        (
            "FROM a\nRUN apk add --no-cache \\\n      curl=8.0 \\\n    && echo \"é ü\" \\\n    # a comment\n    && echo done\n",
            8,
        ),
        ("FROM a\nRUN  echo \\\n  $(id \\\n -u)\n", 4),
        ("# escape=`\nFROM a\nRUN echo a `\n  b\n", 3),
        ("FROM a\nONBUILD RUN echo \\\n  x\n", 2),
        ("FROM a\nCMD exec nginx -g 'daemon off;'\n", 4),
        ("FROM a\nRUN <<EOF\nset -e\napt-get update\nEOF\n", 5),
        (
            "FROM a\nRUN bash -e <<EOF && echo x\ncurl -s u | sh\nEOF\n",
            9,
        ),
        ("FROM a\nRUN python3 <<EOF\nimport os\nEOF\n", 2),
        (
            "FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n",
            1,
        ),
    ];
    for (src, words) in cases {
        assert_eq!(check_dockerfile_spans(src), *words, "in {src:?}");
    }
}

#[test]
fn heredoc_bodies_use_file_offsets() {
    let src = "FROM a\nRUN <<EOF\napt-get update \\\n && apt-get install -y x\nEOF\n";
    let parsed = syntax::parse(src);
    let inst = &parsed.dockerfile.instructions[1];
    let scripts = shell::instruction_scripts(inst);
    assert_eq!(scripts.len(), 2);
    assert_eq!(render(&scripts[0]), "0 <<EOF");
    assert_eq!(
        render(&scripts[1]),
        "0 apt-get update\n1 apt-get install -y x"
    );
    let body = &inst.heredocs[0];
    let s = shell::parse(
        &body.content,
        Origin::File {
            offset: body.body_span.start,
        },
    );
    let w = s.commands[1].args.last().unwrap();
    assert_eq!(&src[w.span.start..w.span.end], "x");
    assert_eq!(w.span.start, src.find(" x\n").unwrap() + 1);
}

// ---------------------------------------------------------------------------
// Packages

/// `Manager verb: pkg[=version][*pinned][(kind)], ...` or `-`.
fn render_install(text: &str) -> String {
    let s = file(text);
    invariants(text, &s);
    let Some(i) = s.commands.iter().find_map(packages::install) else {
        return "-".to_string();
    };
    let pkgs: Vec<String> = i
        .packages
        .iter()
        .map(|p| {
            let mut out = p.name.to_string();
            if let Some(v) = p.version {
                out.push('=');
                out.push_str(v);
            }
            if p.pinned {
                out.push('*');
            }
            match p.kind {
                PackageKind::Registry => {}
                PackageKind::Local => out.push_str("(local)"),
                PackageKind::Url => out.push_str("(url)"),
                PackageKind::Requirements => out.push_str("(req)"),
            }
            out
        })
        .collect();
    format!(
        "{:?} {}: {}",
        i.manager,
        i.subcommand.value,
        pkgs.join(", ")
    )
}

#[test]
fn installs() {
    let cases: &[(&str, &str)] = &[
        (
            "apt-get install -y curl=7.8 git",
            "AptGet install: curl=7.8*, git",
        ),
        (
            "apt-get -o A=b install -t bookworm-backports vim/bookworm ./x.deb",
            "AptGet install: vim*, ./x.deb*(local)",
        ),
        ("apt-get update", "-"),
        (
            "apt install -y --no-install-recommends wget",
            "Apt install: wget",
        ),
        (
            "apk add --no-cache curl=8.0-r0 bash~5.2 'git>2' x.apk",
            "Apk add: curl=8.0-r0*, bash=5.2*, git=2, x.apk*(local)",
        ),
        ("apk --update add -t .deps gcc", "Apk add: gcc"),
        (
            "dnf install -y nodejs-18.1.0-1.el8 python3-devel x.rpm",
            "Dnf install: nodejs=18.1.0-1.el8*, python3-devel, x.rpm*(local)",
        ),
        (
            "microdnf install -y libstdc++-devel",
            "Microdnf install: libstdc++-devel",
        ),
        (
            "dnf module install -y nodejs:18/common",
            "Dnf install: nodejs=18*",
        ),
        ("dnf group install -y 'Development Tools'", "Dnf install: "),
        (
            "yum install -y python3-devel httpd-2.4",
            "Yum install: python3-devel*, httpd=2.4*",
        ),
        ("yum --setopt=a=b install -y x", "Yum install: x"),
        (
            "zypper --non-interactive install -y a=1.0 'b>=2' c x.rpm",
            "Zypper install: a=1.0*, b=2*, c, x.rpm*(local)",
        ),
        ("zypper in -y a", "Zypper in: a"),
        (
            "pip install requests==2.31 'flask>=2' six",
            "Pip install: requests=2.31*, flask=2*, six",
        ),
        (
            "pip3 install --no-cache-dir -r requirements.txt",
            "Pip install: requirements.txt*(req)",
        ),
        ("python3 -m pip install -U pip", "Pip install: pip"),
        (
            "python -m pip install git+https://x/y.git@v1 ./dist/a.whl .",
            "Pip install: git+https://x/y.git=v1*(url), ./dist/a.whl*(local), .*(local)",
        ),
        (
            "pip install -i https://idx pkg[extra]~=1.0",
            "Pip install: pkg[extra]=1.0*",
        ),
        ("uv pip install --system ruff==0.5", "Uv install: ruff=0.5*"),
        (
            "npm install -g @angular/cli@17 typescript",
            "Npm install: @angular/cli=17*, typescript",
        ),
        ("npm i --prefix /app lodash@4", "Npm i: lodash=4*"),
        ("npm ci", "Npm ci: "),
        (
            "npm install git+https://x/y.git#v1 ./local",
            "Npm install: git+https://x/y.git=v1*(url), ./local*(local)",
        ),
        ("yarn global add serve@14", "Yarn add: serve=14*"),
        ("yarn install --frozen-lockfile", "-"),
        ("pnpm add -D vite", "Pnpm add: vite"),
        (
            "gem install bundler:2.4 rake",
            "Gem install: bundler=2.4*, rake",
        ),
        ("gem install -v 2.4 bundler", "Gem install: bundler=2.4*"),
        (
            "gem install --version=2.4 bundler -- --with-x",
            "Gem install: bundler=2.4*",
        ),
        (
            "go install golang.org/x/tools/gopls@v0.14.0 x/y@latest",
            "Go install: golang.org/x/tools/gopls=v0.14.0*, x/y=latest",
        ),
        ("go get -u github.com/a/b", "Go get: github.com/a/b"),
        (
            "cargo install ripgrep --version 14.0.0",
            "Cargo install: ripgrep=14.0.0*",
        ),
        (
            "cargo install cargo-edit@0.12 --locked",
            "Cargo install: cargo-edit=0.12*",
        ),
        (
            "cargo install --git https://x/y --tag v1",
            "Cargo install: https://x/y=v1*(url)",
        ),
        ("cargo build", "-"),
        ("sudo apt-get install x", "-"),
    ];
    for (text, expected) in cases {
        assert_eq!(render_install(text), *expected, "for {text:?}");
    }
}

#[test]
fn updates_cleanups_and_downloads() {
    let updates: &[(&str, Option<Manager>)] = &[
        ("apt-get update", Some(Manager::AptGet)),
        ("apt-get -qq update", Some(Manager::AptGet)),
        ("apt update", Some(Manager::Apt)),
        ("apk update", Some(Manager::Apk)),
        ("apk add -U curl", Some(Manager::Apk)),
        ("apk add curl", None),
        ("dnf makecache", Some(Manager::Dnf)),
        ("zypper ref", Some(Manager::Zypper)),
        ("apt-get upgrade", None),
    ];
    for (text, expected) in updates {
        assert_eq!(
            packages::is_update(&file(text).commands[0]),
            *expected,
            "{text:?}"
        );
    }
    use CleanupTarget::{Cache, Lists};
    let cleanups: &[(&str, Option<(Manager, CleanupTarget)>)] = &[
        (
            "rm -rf /var/lib/apt/lists/*",
            Some((Manager::AptGet, Lists)),
        ),
        (
            "rm -r -f /var/lib/apt/lists",
            Some((Manager::AptGet, Lists)),
        ),
        ("rm -rf /var/cache/apk/*", Some((Manager::Apk, Cache))),
        ("rm -rf /root/.cache/pip", Some((Manager::Pip, Cache))),
        ("rm -rf /tmp/*", None),
        ("apt-get clean", Some((Manager::AptGet, Cache))),
        ("apk cache clean", Some((Manager::Apk, Cache))),
        ("yum clean all", Some((Manager::Yum, Cache))),
        ("dnf clean all", Some((Manager::Dnf, Cache))),
        ("microdnf clean all", Some((Manager::Microdnf, Cache))),
        ("zypper clean -a", Some((Manager::Zypper, Cache))),
        ("pip cache purge", Some((Manager::Pip, Cache))),
        ("python3 -m pip cache purge", Some((Manager::Pip, Cache))),
        ("npm cache clean --force", Some((Manager::Npm, Cache))),
        ("yarn cache clean", Some((Manager::Yarn, Cache))),
        ("uv cache clean", Some((Manager::Uv, Cache))),
        ("go clean -modcache", Some((Manager::Go, Cache))),
        ("yum install x", None),
    ];
    for (text, expected) in cleanups {
        let got =
            packages::is_cache_cleanup(&file(text).commands[0]).map(|c| (c.manager, c.target));
        assert_eq!(got, *expected, "{text:?}");
    }
    // (script, downloader of the first command, piped into a shell)
    let downloads: &[(&str, Option<Downloader>, bool)] = &[
        ("curl -fsSL https://x | sh", Some(Downloader::Curl), true),
        (
            "wget -qO- https://x | bash -s -- -y",
            Some(Downloader::Wget),
            true,
        ),
        ("curl -s u | sudo -E bash -", Some(Downloader::Curl), true),
        ("curl -s u | sudo -u me bash", Some(Downloader::Curl), true),
        ("curl -s u | tee f | /bin/sh", Some(Downloader::Curl), true),
        ("curl -s u | tar -xz", Some(Downloader::Curl), false),
        ("curl -o f u && sh f", Some(Downloader::Curl), false),
        ("wget u", Some(Downloader::Wget), false),
        ("sh -c x | curl u", None, false),
    ];
    for (text, dl, piped) in downloads {
        let s = file(text);
        assert_eq!(packages::downloader(&s.commands[0]), *dl, "{text:?}");
        assert_eq!(packages::pipes_into_shell(&s, 0), *piped, "{text:?}");
    }
}

// ---------------------------------------------------------------------------
// The corpus

fn corpus_files() -> Option<Vec<(String, String)>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "../shared/corpus is required when CI=true"
        );
        eprintln!("notice: ../shared/corpus is absent; skipping the corpus shell tests");
        return None;
    };
    let mut files: Vec<(String, String)> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() != "MANIFEST.tsv")
        .filter_map(|e| {
            let text = String::from_utf8(std::fs::read(e.path()).ok()?).ok()?;
            Some((e.file_name().to_string_lossy().into_owned(), text))
        })
        .collect();
    files.sort();
    Some(files)
}

/// On every shell-form RUN of the corpus that the fast path accepts, the fast
/// path and brush-parser give identical scripts.
#[test]
fn corpus_fast_path_matches_brush() {
    let Some(files) = corpus_files() else {
        return;
    };
    let (mut total, mut fast) = (0, 0);
    let (mut total_bytes, mut fast_bytes) = (0, 0);
    let mut brush_errors = Vec::new();
    for (name, src) in &files {
        let parsed = syntax::parse(src);
        for inst in &parsed.dockerfile.instructions {
            let inst = inst.effective();
            let Args::Text(text) = &inst.args else {
                continue;
            };
            if inst.keyword != Keyword::Run {
                continue;
            }
            let end = inst.original.trim_end().len();
            let offset = end - text.value.len();
            let origin = Origin::Logical {
                map: &inst.map,
                offset,
            };
            total += 1;
            total_bytes += text.value.len();
            let brush = shell::parse_with(&text.value, origin, Engine::Brush).unwrap();
            if let Some(f) = shell::parse_with(&text.value, origin, Engine::Fast) {
                fast += 1;
                fast_bytes += text.value.len();
                assert!(f.error.is_none());
                if brush.error.is_none() {
                    assert_eq!(f, brush, "{name}: {}", text.value);
                } else {
                    brush_errors.push(name.as_str());
                }
            }
        }
    }
    eprintln!(
        "corpus: the fast path accepts {fast} of {total} RUN bodies, \
         {fast_bytes} of {total_bytes} bytes; brush-parser fails on {} of them: {brush_errors:?}",
        brush_errors.len()
    );
    assert!(total > 1000 && fast * 10 > total * 7, "{fast} of {total}");
}

/// Every word of every script of the corpus reads its raw text in the file.
#[test]
fn corpus_spans() {
    let Some(files) = corpus_files() else {
        return;
    };
    let mut words = 0;
    for (_, src) in &files {
        words += check_dockerfile_spans(src);
    }
    assert!(words > 10_000, "{words}");
}

// ---------------------------------------------------------------------------
// Robustness

/// Deeply nested input gives an error, never a stack overflow (on a thread
/// with a 2 MiB stack, like rayon's workers).
#[test]
fn deep_nesting_is_refused() {
    let n = 5000;
    let cases = [
        format!("{}x{}", "$(".repeat(n), ")".repeat(n)),
        format!("{}x{}", "\"$(".repeat(n), ")\"".repeat(n)),
        format!("{}x{}", "( ".repeat(n), " )".repeat(n)),
        format!("{}x{}", "{ ".repeat(n), "; }".repeat(n)),
        format!("{}x{}", "if a; then ".repeat(n), "; fi".repeat(n)),
        format!("{}x{}", "${a:-".repeat(n), "}".repeat(n)),
        format!("[[ {}a ]]", "a && ".repeat(n)),
        format!("[[ {}a ]]", "! ".repeat(n)),
        format!("echo {}", "$(a ".repeat(n)),
        format!("{}x{}", "while a; do ".repeat(n), "; done".repeat(n)),
        format!("{}x{}", "case a in b) ".repeat(n), ";; esac".repeat(n)),
        format!(
            "echo {}x{}",
            "$(case a in b) ".repeat(n),
            ";; esac)".repeat(n)
        ),
        format!("{}x{}", "f() { ".repeat(n), "; }".repeat(n)),
    ];
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for (i, text) in cases.iter().enumerate() {
                for engine in [Engine::Auto, Engine::Brush, Engine::Fast] {
                    let s = shell::parse_with(text, Origin::File { offset: 0 }, engine);
                    if engine != Engine::Fast {
                        assert!(s.unwrap().error.is_some(), "case {i}");
                    }
                }
            }
            // Within the limit, it parses.
            let d = shell::MAX_DEPTH / 2;
            let ok = format!("echo {}x{}", "$(".repeat(d), ")".repeat(d));
            let s = file(&ok);
            assert!(s.error.is_none() && s.commands.len() == d + 1);
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Thousands of commands parse in linear time, with both parsers; so do
/// compound commands and substitutions holding case patterns.
#[test]
fn many_commands_are_linear() {
    let parse = |unit: &str, n: usize, engine: Engine| {
        let text = unit.repeat(n);
        let t = std::time::Instant::now();
        let s = shell::parse_with(&text, Origin::File { offset: 0 }, engine).unwrap();
        (t.elapsed(), s.commands.len())
    };
    let cases = [
        (
            "apt-get install -y pkg=1 && curl -s u | sh; ",
            3,
            Engine::Fast,
        ),
        (
            "apt-get install -y pkg=1 && curl -s u | sh; ",
            3,
            Engine::Brush,
        ),
        (
            "for x in $(ls); do echo \"$(case $x in a) b;; esac)\"; done | sort; ",
            4,
            Engine::Fast,
        ),
    ];
    for (unit, per_unit, engine) in cases {
        // Small and large runs alternate, so that a busy machine slows both.
        let (mut small, mut large) = (std::time::Duration::MAX, std::time::Duration::MAX);
        for _ in 0..5 {
            let (t, commands) = parse(unit, 500, engine);
            assert_eq!(commands, per_unit * 500);
            small = small.min(t);
            let (t, commands) = parse(unit, 5000, engine);
            assert_eq!(commands, per_unit * 5000);
            large = large.min(t);
        }
        // Linear is 10x; allow for noise, refuse quadratic (100x).
        assert!(large < small * 40, "{engine:?}: {small:?} vs {large:?}");
    }
}

/// Fragments that make shell-like text.
fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a",
        "apt-get",
        "install",
        "-y",
        "x=1",
        " ",
        "  ",
        "\t",
        "\n",
        ";",
        "&&",
        "||",
        "|",
        "&",
        "(",
        ")",
        "{",
        "}",
        "'",
        "\"",
        "`",
        "$",
        "$(",
        "${",
        "}",
        "$((",
        "\\",
        "\\\n",
        "#",
        ">",
        "<",
        ">>",
        "2>&1",
        "<<",
        "EOF",
        "<<<",
        "if",
        "then",
        "fi",
        "for",
        "in",
        "do",
        "done",
        "case",
        "esac",
        ";;",
        "!",
        "[[",
        "]]",
        "é",
        "*",
        "~",
        "=",
        "1",
        "99999999999",
        "-o",
        "pipefail",
        "set",
        "|&",
        "$'",
        "${#",
        "\r",
        "<<$(",
        "<<-",
        "<<'E'",
        "\nEOF\n",
        "$[",
        "((",
        "))",
        "function",
        "f()",
        "time",
        "<(",
        ">(",
        "=(",
        "@(",
        "a[1]=",
        "+=",
        "\"$(",
        ")\"",
        "''",
        "<<''",
        "\nE\n",
        "{ ",
        "; }",
        "{a}",
        "while",
        "until",
        "elif",
        "else",
        "; do ",
        "; then ",
        "; fi",
        "; done",
        "x)",
        "(x)",
        "|x)",
        " esac",
        ";&",
        ";;&",
        "f() ",
        "$(case x in a) b;; esac)",
        "case x in ",
        "for x in ",
        "@(",
        "! ",
        " 2>&1",
    ])
}

/// Words for generated scripts: mostly plain ones, some reserved, quoted,
/// with substitutions (one holding a case), redirections, assignments.
fn gen_word() -> impl Strategy<Value = &'static str> {
    let plain = prop::sample::select(vec!["a", "echo", "x", "$x", "\"$x\"", "'q'", "$(a)", "-y"]);
    let tricky = prop::sample::select(vec![
        "if",
        "then",
        "fi",
        "do",
        "done",
        "in",
        "esac",
        "case",
        "{",
        "}",
        "{a}",
        "!",
        "$(a | b)",
        "$( (a) )",
        "$(case x in a) b;; esac)",
        "\"$(case x in (a) b;; esac)\"",
        "`a`",
        "a=1",
        "2>&1",
        ">f",
        "<$(a)",
        "(",
        ")",
        ";;",
    ]);
    prop_oneof![4 => plain, 1 => tricky]
}

/// Separators for generated scripts, some of them wrong.
fn gen_sep() -> impl Strategy<Value = &'static str> {
    let good = prop::sample::select(vec!["; ", "\n", " & ", ";\n\n"]);
    let other = prop::sample::select(vec![";", " ", " && ", " || ", " | ", ""]);
    prop_oneof![6 => good, 1 => other]
}

/// What may follow a compound command.
fn gen_redirect() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "",
        "",
        "",
        " >f",
        " 2>/dev/null",
        " <$(a)",
        " | a",
        " 2",
    ])
}

/// Shell-like scripts built from the grammar of compound commands, with
/// some noise, so that the fast path's grammar meets brush-parser's on
/// nested constructs.
fn gen_script() -> impl Strategy<Value = String> {
    let simple = prop::collection::vec(gen_word(), 1..4).prop_map(|w| w.join(" "));
    simple.prop_recursive(4, 48, 4, |inner| {
        let list = prop::collection::vec((inner.clone(), gen_sep()), 1..3)
            .prop_map(|v| {
                v.into_iter()
                    .map(|(c, s)| format!("{c}{s}"))
                    .collect::<String>()
            })
            .boxed();
        prop_oneof![
            (list.clone(), gen_redirect()).prop_map(|(l, r)| format!("{{ {l} }}{r}")),
            (list.clone(), gen_redirect()).prop_map(|(l, r)| format!("({l}){r}")),
            (list.clone(), list.clone(), gen_redirect())
                .prop_map(|(c, t, r)| format!("if {c} then {t} fi{r}")),
            (list.clone(), list.clone(), list.clone())
                .prop_map(|(c, t, e)| format!("if {c} then {t} elif {c} then {e} else {t} fi")),
            (gen_word(), list.clone(), gen_redirect())
                .prop_map(|(w, b, r)| format!("for i in {w} b; do {b} done{r}")),
            (list.clone(), gen_redirect()).prop_map(|(b, r)| format!("for i do {b} done{r}")),
            (list.clone(), list.clone()).prop_map(|(c, b)| format!("while {c} do {b} done")),
            (list.clone(), list.clone()).prop_map(|(c, b)| format!("until {c}\ndo {b}\ndone")),
            (gen_word(), gen_word(), list.clone(), list.clone())
                .prop_map(|(w, p, a, b)| format!("case {w} in {p}) {a};; (b|c) {b} esac")),
            (list.clone(), gen_redirect()).prop_map(|(b, r)| format!("f() {{ {b} }}{r}")),
            list.clone().prop_map(|l| format!("! {l}")),
            list.clone().prop_map(|l| format!("echo $({l})")),
            list.prop_map(|l| format!("x=\"$({l})\"")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("SHELL_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2000)
    ))]

    /// On generated scripts, the fast path gives what brush-parser gives
    /// (when brush-parser has no error), with spans that read the text.
    #[test]
    fn generated_scripts_agree(text in gen_script()) {
        let s = file(&text);
        invariants(&text, &s);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let s = file(&text);
        invariants(&text, &s);
    }

    #[test]
    fn shell_like_text_never_panics(parts in prop::collection::vec(fragment(), 0..40)) {
        let text: String = parts.concat();
        let s = file(&text);
        invariants(&text, &s);
        for c in &s.commands {
            prop_assert!(c.span.start <= c.span.end && c.span.end <= text.len());
        }
    }
}
