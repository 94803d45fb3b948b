//! Focused parser cases: BuildKit behaviour the shared fixtures do not cover,
//! and the places where we follow current BuildKit rather than the older
//! official parser used as the conformance oracle.

use slipway::syntax::{self, Args, DirectiveKind, Keyword, SyntaxErrorKind, dump::buildkit_dump};

/// Parse and return BuildKit's dump plus the kinds of errors.
fn check(src: &str) -> (String, Vec<SyntaxErrorKind>) {
    let p = syntax::parse(src);
    (
        buildkit_dump(&p.dockerfile),
        p.errors.iter().map(|e| e.kind).collect(),
    )
}

fn ok(src: &str, dump: &str) {
    let (got, errors) = check(src);
    assert!(
        errors.is_empty(),
        "unexpected errors {errors:?} for {src:?}"
    );
    assert_eq!(got, dump, "for {src:?}");
}

#[test]
fn check_directive_is_a_directive_in_current_buildkit() {
    // BuildKit v0.14+ knows `# check=`; the v0.12 oracle does not and would stop
    // looking for directives there, missing the escape directive below it.
    let src = "# check=skip=JSONArgsRecommended\n# escape=`\nFROM x\nRUN a `\n b\n";
    let p = syntax::parse(src);
    assert!(p.errors.is_empty());
    let kinds: Vec<_> = p.dockerfile.directives.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, vec![DirectiveKind::Check, DirectiveKind::Escape]);
    assert_eq!(p.dockerfile.escape, '`');
    assert_eq!(
        buildkit_dump(&p.dockerfile),
        "(from \"x\")\n(run \"a  b\")\n"
    );
    // And a repeated one is rejected like any other.
    let (_, errors) = check("# check=skip=all\n# CHECK=error=true\nFROM x\n");
    assert_eq!(errors, vec![SyntaxErrorKind::DuplicateDirective]);
}

#[test]
fn directives_only_at_the_top() {
    // Case-insensitive key, spaces allowed around `=`.
    let p = syntax::parse("#  ESCAPE = `\nFROM x\n");
    assert_eq!(p.dockerfile.escape, '`');
    // After a comment, an empty line or an instruction, it is a comment.
    for src in [
        "# hello\n# escape=`\nFROM x\n",
        "\n# escape=`\nFROM x\n",
        "FROM x\n# escape=`\n",
    ] {
        let p = syntax::parse(src);
        assert_eq!(p.dockerfile.escape, '\\', "{src:?}");
        assert!(p.dockerfile.directives.is_empty(), "{src:?}");
    }
    // An unknown key ends the directives too.
    let p = syntax::parse("# foo=bar\n# escape=`\nFROM x\n");
    assert!(p.dockerfile.directives.is_empty());
    // Duplicates and bad values are errors with the directive's location.
    let src = "# escape=`\n# escape=\\\nFROM x\n";
    let p = syntax::parse(src);
    assert_eq!(p.errors[0].kind, SyntaxErrorKind::DuplicateDirective);
    assert_eq!(p.errors[0].span.text(src), "# escape=\\");
    let (_, errors) = check("# escape=x\nFROM x\n");
    assert_eq!(errors, vec![SyntaxErrorKind::InvalidEscape]);
}

#[test]
fn continuations() {
    // Whitespace after the escape, comments and blank lines inside.
    ok(
        "FROM x\nRUN a \\  \n  # note\n\n    b \\\t\n c\n",
        "(from \"x\")\n(run \"a     b  c\")\n",
    );
    // Backtick escape.
    ok(
        "# escape=`\nFROM x\nRUN a `\n b\n",
        "(from \"x\")\n(run \"a  b\")\n",
    );
    // An escaped escape at the end does not continue.
    ok(
        "FROM x\nRUN a \\\\\nRUN b\n",
        "(from \"x\")\n(run \"a \\\\\\\\\")\n(run \"b\")\n",
    );
    // A continuation at the end of the file.
    ok("FROM x\nRUN a \\", "(from \"x\")\n(run \"a\")\n");
}

#[test]
fn heredocs() {
    let src = "FROM x\nRUN <<EOF\necho hi\nEOF\nCOPY <<-A <<'B' /dst/\n\tone\n\tA\ntwo $X\nB\n";
    let p = syntax::parse(src);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let run = &p.dockerfile.instructions[1];
    assert_eq!(run.heredocs.len(), 1);
    assert_eq!(run.heredocs[0].content, "echo hi\n");
    assert!(run.heredocs[0].expand);
    assert_eq!(run.heredocs[0].body_span.text(src), "echo hi\n");
    assert_eq!(run.heredocs[0].terminator_span.text(src), "EOF");
    let copy = &p.dockerfile.instructions[2];
    let names: Vec<_> = copy.heredocs.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, vec!["A", "B"]);
    assert!(copy.heredocs[0].chomp);
    assert!(
        !copy.heredocs[1].expand,
        "a quoted delimiter disables expansion"
    );
    assert_eq!(copy.heredocs[0].content, "\tone\n");
    assert_eq!((copy.start_line, copy.end_line), (5, 9));
}

#[test]
fn heredoc_followed_directly_by_an_instruction_or_a_comment() {
    // hadolint fails on these; BuildKit and Slipway do not.
    let src = "FROM x\nRUN <<EOF\nset -e\nEOF\nRUN echo next\n# a comment\nCOPY <<EOF /f\nx\nEOF\n# after\nUSER nobody\n";
    let p = syntax::parse(src);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let kws: Vec<_> = p
        .dockerfile
        .instructions
        .iter()
        .map(|i| i.keyword)
        .collect();
    assert_eq!(
        kws,
        vec![
            Keyword::From,
            Keyword::Run,
            Keyword::Run,
            Keyword::Copy,
            Keyword::User
        ]
    );
    assert_eq!(p.dockerfile.comments.len(), 2);
}

#[test]
fn unterminated_heredoc_is_an_error_at_its_marker() {
    let src = "FROM x\nRUN <<EOF\necho\n";
    let p = syntax::parse(src);
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].kind, SyntaxErrorKind::UnterminatedHeredoc);
    assert_eq!(p.errors[0].span.text(src), "<<EOF");
}

#[test]
fn exec_form_versus_shell_form() {
    ok("CMD [\"a\", \"b\"]\n", "(cmd \"a\" \"b\")\n");
    // A JSON array followed by a comment is still exec form in BuildKit.
    let p = syntax::parse("CMD [\"a\"] # note\n");
    assert!(p.dockerfile.instructions[0].is_exec_form());
    // Not JSON: shell form.
    for src in [
        "CMD ['a']\n",
        "CMD [\"a\" \"b\"]\n",
        "CMD [\"a\",]\n",
        "CMD [a]\n",
    ] {
        let p = syntax::parse(src);
        assert!(!p.dockerfile.instructions[0].is_exec_form(), "{src}");
        assert!(p.errors.is_empty(), "{src}");
    }
    // Valid JSON with a non-string element: an error.
    for src in ["CMD [\"a\", 1]\n", "CMD [[\"a\"]]\n", "RUN [null]\n"] {
        let (_, errors) = check(src);
        assert_eq!(errors, vec![SyntaxErrorKind::JsonNotStringArray], "{src}");
    }
}

#[test]
fn flags_on_every_instruction_that_takes_them() {
    let src = "FROM --platform=$BUILDPLATFORM golang AS b\n\
               RUN --mount=type=cache,target=/root/.cache,id=go,sharing=locked --network=none --security=insecure go build\n\
               RUN --mount=type=secret,id=npm,target=/run/secrets/npm,required=true --mount=type=ssh --mount=type=bind,from=b,source=/x,target=/y,rw --mount=type=tmpfs,target=/t,size=64m true\n\
               COPY --from=b --chown=1:1 --chmod=0755 --link --parents --exclude=*.md a b /c/\n\
               ADD --checksum=sha256:abc --keep-git-dir=true https://x/y.git /src\n\
               HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --start-interval=1s --retries=3 CMD curl -f x\n";
    let p = syntax::parse(src);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let names: Vec<Vec<&str>> = p
        .dockerfile
        .instructions
        .iter()
        .map(|i| i.flags.iter().map(|f| f.name.as_str()).collect())
        .collect();
    assert_eq!(
        names,
        vec![
            vec!["platform"],
            vec!["mount", "network", "security"],
            vec!["mount", "mount", "mount", "mount"],
            vec!["from", "chown", "chmod", "link", "parents", "exclude"],
            vec!["checksum", "keep-git-dir"],
            vec![
                "interval",
                "timeout",
                "start-period",
                "start-interval",
                "retries"
            ],
        ]
    );
    let flag = &p.dockerfile.instructions[1].flags[0];
    assert_eq!(
        flag.value.as_deref(),
        Some("type=cache,target=/root/.cache,id=go,sharing=locked")
    );
    assert_eq!(
        flag.span.text(src),
        format!("--{}={}", flag.name, flag.value.as_ref().unwrap())
    );
}

#[test]
fn every_instruction_and_case_insensitive_keywords() {
    let src = "from x\nmaintainer me\nlabel a=b\nenv A=1\narg B\nrun echo\ncmd echo\nentrypoint [\"e\"]\n\
               expose 80/tcp\nvolume /v\nuser u\nworkdir /w\nstopsignal SIGTERM\nshell [\"/bin/sh\", \"-c\"]\n\
               onbuild RUN x\nhealthcheck NONE\nadd a b\ncopy a b\n";
    let p = syntax::parse(src);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let kws: Vec<_> = p
        .dockerfile
        .instructions
        .iter()
        .map(|i| i.keyword)
        .collect();
    let mut all = Keyword::ALL.to_vec();
    let mut got = kws.clone();
    all.sort_by_key(|k| k.as_str());
    got.sort_by_key(|k| k.as_str());
    assert_eq!(got, all);
    match &p.dockerfile.instructions[14].args {
        Args::Onbuild(inner) => assert_eq!(inner.keyword, Keyword::Run),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_instruction_is_an_error_with_its_location() {
    let src = "FROM x\n  RUNN echo\n";
    let p = syntax::parse(src);
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].kind, SyntaxErrorKind::UnknownInstruction);
    assert_eq!(p.errors[0].span.text(src), "RUNN");
    assert!(p.errors[0].message.contains("did you mean RUN"));
    let at = slipway::render::LineIndex::new(src).position(p.errors[0].span.start);
    assert_eq!((at.line, at.column), (2, 3));
}

#[test]
fn line_endings_bom_tabs_and_empty_files() {
    let crlf = "FROM x\r\nRUN a \\\r\n  b\r\n";
    ok(crlf, "(from \"x\")\n(run \"a   b\")\n");
    let bom = "\u{feff}# escape=`\nFROM x\nRUN a `\nb\n";
    let p = syntax::parse(bom);
    assert!(p.dockerfile.bom);
    assert_eq!(p.dockerfile.escape, '`');
    ok("FROM\tx\n\tRUN\techo\n", "(from \"x\")\n(run \"echo\")\n");
    for src in ["", "\n\n", "# only\n# comments\n", "\u{feff}"] {
        let (_, errors) = check(src);
        assert_eq!(errors, vec![SyntaxErrorKind::NoInstructions], "{src:?}");
    }
}

#[test]
fn invalid_utf8_and_binary_input_get_a_clear_error() {
    let e = syntax::decode(b"FROM x\nRUN echo \xc3\x28\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 10));
    assert!(e.to_string().contains("not valid UTF-8"));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert!(syntax::decode(png).is_err());
    // NUL bytes are valid UTF-8: parsed, never a panic.
    let p = syntax::parse("FROM x\0y\nRUN \0\n");
    assert_eq!(p.dockerfile.instructions.len(), 2);
}

#[test]
fn env_and_label_forms() {
    ok(
        "ENV A=1 B=\"two words\" C\\ D=3\nENV legacy value with spaces\nLABEL a.b=c\n",
        "(env \"A\" \"1\" \"=\" \"B\" \"\\\"two words\\\"\" \"=\" \"C\\\\ D\" \"3\" \"=\")\n(env \"legacy\" \"value with spaces\" \"\")\n(label \"a.b\" \"c\" \"=\")\n",
    );
    let (_, errors) = check("ENV A\n");
    assert_eq!(errors, vec![SyntaxErrorKind::InvalidKeyValue]);
    let (_, errors) = check("ENV A=1 B\n");
    assert_eq!(errors, vec![SyntaxErrorKind::InvalidKeyValue]);
}

#[test]
fn onbuild_inner_instruction_maps_its_own_text() {
    let src = "FROM x\nONBUILD RUN apt-get \\\n  install -y curl\n";
    let p = syntax::parse(src);
    let Args::Onbuild(inner) = &p.dockerfile.instructions[1].args else {
        panic!("not ONBUILD")
    };
    assert_eq!(inner.map.text(src), inner.original);
    let off = inner.text_offset().unwrap();
    let s = inner.map.span(off, off + "apt-get".len());
    assert_eq!(s.text(src), "apt-get");
    let i = inner.original.find("install").unwrap();
    assert_eq!(inner.map.span(i, i + 7).text(src), "install");
}
