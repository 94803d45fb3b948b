//! Properties of the parser over generated input: it never panics, every span
//! lies within the file on character boundaries, the top-level pieces and the
//! whitespace between them reproduce the file, the offset maps rebuild each
//! logical line, and parsing is deterministic.

use proptest::prelude::*;
use slipway::syntax::{self, Args, Dockerfile, Span};

/// Fragments that exercise every corner of the grammar.
const PIECES: &[&str] = &[
    "FROM",
    "from",
    "RUN",
    "run",
    "COPY",
    "ADD",
    "ENV",
    "LABEL",
    "ARG",
    "CMD",
    "ENTRYPOINT",
    "SHELL",
    "ONBUILD",
    "HEALTHCHECK",
    "EXPOSE",
    "VOLUME",
    "USER",
    "WORKDIR",
    "STOPSIGNAL",
    "MAINTAINER",
    "WRONG",
    " ",
    "  ",
    "\t",
    "\\",
    "`",
    "\n",
    "\r\n",
    "#",
    "# escape=`",
    "# escape=\\",
    "# syntax=docker/dockerfile:1",
    "# check=skip=all",
    "--from=build",
    "--mount=type=cache,target=/root/.cache",
    "--chown=1:1",
    "--",
    "-",
    "\"",
    "'",
    "[",
    "]",
    ",",
    "[\"a\", \"b\"]",
    "[1]",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    "EOF",
    "\tEOF",
    "3<<X",
    "X",
    "=",
    "a=b",
    "key value",
    "${A:-b}",
    "$A",
    "é",
    "♥",
    "\u{a0}",
    "\u{85}",
    "\u{feff}",
    "\0",
    "CMD",
    "NONE",
    "\\\n",
    "\\ \n",
    "`\n",
];

fn dockerfile_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|v| v.concat())
}

fn check_spans_on_boundaries(src: &str, df: &Dockerfile, errors: &[syntax::SyntaxError]) {
    let ok = |s: Span, what: &str| {
        assert!(
            s.start <= s.end && s.end <= src.len(),
            "{what} {s:?} outside the file"
        );
        assert!(
            src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
            "{what} {s:?} not on char boundaries"
        );
    };
    for inst in &df.instructions {
        inst.visit_spans(&mut |s| ok(s, "instruction part"));
        inst.visit_spans(&mut |s| {
            assert!(
                inst.span.contains(s),
                "part {s:?} outside its instruction {:?}",
                inst.span
            )
        });
    }
    for c in &df.comments {
        ok(c.span, "comment");
        assert!(c.span.text(src).starts_with('#'));
    }
    for d in &df.directives {
        ok(d.span, "directive");
        ok(d.name_span, "directive name");
        ok(d.value_span, "directive value");
        assert_eq!(d.value_span.text(src), d.value);
    }
    for e in errors {
        ok(e.span, "error");
    }
}

fn check_items_reproduce_file(src: &str, df: &Dockerfile) {
    let mut pos = 0;
    let mut rebuilt = String::with_capacity(src.len());
    for item in df.items() {
        assert!(
            item.start >= pos,
            "items overlap at {item:?} (previous ended at {pos})"
        );
        let gap = &src[pos..item.start];
        assert!(
            gap.chars().all(char::is_whitespace),
            "non-whitespace between items: {gap:?}"
        );
        rebuilt.push_str(gap);
        rebuilt.push_str(item.text(src));
        pos = item.end;
    }
    let tail = &src[pos..];
    assert!(
        tail.chars().all(char::is_whitespace),
        "non-whitespace at the end: {tail:?}"
    );
    rebuilt.push_str(tail);
    assert_eq!(rebuilt, src);
}

fn check_offset_maps(src: &str, df: &Dockerfile) {
    for inst in &df.instructions {
        let pieces = inst.map.pieces(0, inst.map.len());
        let joined: String = pieces.iter().map(|s| s.text(src)).collect();
        assert_eq!(
            joined, inst.original,
            "offset map does not rebuild the logical line"
        );
        // Words split on whitespace are copied verbatim from the file.
        if let (Args::Words(words), false) = (&inst.args, inst.keyword == syntax::Keyword::Arg) {
            for w in words {
                let text = w.span.text(src);
                if !text.contains('\n') {
                    assert_eq!(text, w.value);
                }
            }
        }
        if let Args::Exec(words) = &inst.args {
            for w in words {
                let text = w.span.text(src);
                assert!(text.starts_with('"') && text.ends_with('"'), "{text:?}");
            }
        }
    }
}

fn check_all(src: &str) {
    let first = syntax::parse(src);
    let second = syntax::parse(src);
    assert_eq!(
        first.dockerfile, second.dockerfile,
        "parsing is not deterministic"
    );
    assert_eq!(first.errors, second.errors, "parsing is not deterministic");
    check_spans_on_boundaries(src, &first.dockerfile, &first.errors);
    check_items_reproduce_file(src, &first.dockerfile);
    check_offset_maps(src, &first.dockerfile);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn dockerfile_like_input_keeps_every_invariant(src in dockerfile_like()) {
        check_all(&src);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        match syntax::decode(&bytes) {
            Ok(text) => check_all(text),
            Err(e) => prop_assert!(e.offset < bytes.len()),
        }
    }

    #[test]
    fn arbitrary_text_keeps_every_invariant(src in "\\PC{0,300}") {
        check_all(&src);
    }
}

#[test]
fn handpicked_edge_cases() {
    for src in [
        "",
        "\n",
        "\u{feff}",
        "\u{feff}FROM x",
        "# only a comment\n",
        "\\",
        "FROM x \\",
        "FROM x\nRUN <<EOF",
        "FROM x\nRUN <<EOF\n",
        "FROM x\r\nRUN a \\\r\n  # c\r\n\r\n  b\r\n",
        "# escape=`\nFROM x\nRUN a `\n b",
        "# escape=`\n# escape=`\nFROM x",
        "FROM x\nRUN <<A <<-B\nbody\nA\n\tB\nRUN x",
        "FROM x\nONBUILD RUN <<EOF\nhi\nEOF\n",
        "FROM x\nCMD [\"a\", 1]\n",
        "FROM x\nENV a\n",
        "\u{a0}FROM x",
        "FROM x\nRUN --mount=a\u{e0}b x",
        "FROM x\nHEALTHCHECK \u{e0}\u{a0}x",
    ] {
        check_all(src);
    }
}
