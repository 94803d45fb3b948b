//! The knowledge base: its TOML files parse and every figure has a source and
//! a date, common references resolve, unknown ones are named as unknown, the
//! Debian closure counts shared dependencies once, and the generated Debian
//! file covers every package the corpus installs.

mod common;

use std::collections::{BTreeSet, HashSet};

use slipway::model::image::ImageRef;
use slipway::model::knowledge::{
    self, ALPINE_PACKAGES_TOML, BASE_IMAGES_TOML, DEBIAN_PACKAGES_TOML, ImageInfo, Lookup,
    TOOLCHAINS_TOML,
};

fn parse(file: &str, text: &str) -> toml::Table {
    text.parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{file} does not parse: {e}"))
}

fn image(s: &str) -> Lookup<&'static ImageInfo> {
    knowledge::image(&ImageRef::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")))
}

fn known(s: &str) -> &'static ImageInfo {
    match image(s) {
        Lookup::Known(info) => info,
        other => panic!("{s} should be known, got {other:?}"),
    }
}

/// A non-empty string field.
fn has_text(t: &toml::Table, key: &str) -> bool {
    t.get(key)
        .and_then(toml::Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

/// A `YYYY-MM-DD` date field.
fn has_date(t: &toml::Table, key: &str) -> bool {
    t.get(key).and_then(toml::Value::as_str).is_some_and(|s| {
        s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
    })
}

fn tables<'a>(doc: &'a toml::Table, key: &str) -> Vec<&'a toml::Table> {
    doc.get(key)
        .and_then(toml::Value::as_array)
        .unwrap_or_else(|| panic!("no [[{key}]]"))
        .iter()
        .map(|v| v.as_table().expect("table"))
        .collect()
}

// ------------------------------------------------------------------ data files

#[test]
fn every_image_figure_has_source_and_date() {
    let doc = parse("base-images.toml", BASE_IMAGES_TOML);
    let images = tables(&doc, "image");
    assert!(images.len() >= 30, "only {} image entries", images.len());
    for t in images {
        let name = format!(
            "{}:{}",
            t["family"].as_str().unwrap(),
            t["tags"].as_array().unwrap()[0].as_str().unwrap()
        );
        let compressed = t.get("compressed_bytes").and_then(toml::Value::as_integer);
        let uncompressed = t
            .get("uncompressed_bytes")
            .and_then(toml::Value::as_integer);
        assert!(
            compressed.is_some() || uncompressed.is_some(),
            "{name}: no size"
        );
        for size in [compressed, uncompressed].into_iter().flatten() {
            assert!(size > 0, "{name}: size {size}");
        }
        assert!(has_text(t, "source"), "{name}: no source");
        assert!(has_date(t, "date"), "{name}: no YYYY-MM-DD date");
        assert!(
            t.get("verified").is_some_and(toml::Value::is_bool),
            "{name}: no verified flag"
        );
        // Derived figures say so, and a figure named third-party or unread is
        // not marked verified.
        let source = t["source"].as_str().unwrap();
        if source.contains("third-party") || source.contains("not read") {
            assert_eq!(t["verified"].as_bool(), Some(false), "{name}: {source}");
        }
        if t.contains_key("uncompressed_source") {
            assert!(
                has_date(t, "uncompressed_date"),
                "{name}: uncompressed figure undated"
            );
        }
        for key in ["variant", "os", "package_manager", "libc"] {
            assert!(has_text(t, key), "{name}: no {key}");
        }
        let os = t["os"].as_str().unwrap();
        assert!(
            [
                "debian",
                "ubuntu",
                "alpine",
                "distroless",
                "busybox",
                "scratch"
            ]
            .contains(&os),
            "{name}: os {os}"
        );
        let pm = t["package_manager"].as_str().unwrap();
        assert!(
            ["apt", "apk", "microdnf", "none"].contains(&pm),
            "{name}: {pm}"
        );
        let libc = t["libc"].as_str().unwrap();
        assert!(["glibc", "musl", "none"].contains(&libc), "{name}: {libc}");
    }
}

#[test]
fn toolchain_and_alpine_figures_have_source_and_date() {
    let doc = parse("toolchains.toml", TOOLCHAINS_TOML);
    for t in tables(&doc, "toolchain") {
        let name = t["name"].as_str().unwrap();
        assert!(has_text(t, "source"), "{name}: no source");
        assert!(has_date(t, "date"), "{name}: no date");
        assert!(
            t.contains_key("installed_bytes")
                || t.contains_key("compressed_bytes")
                || t.contains_key("debian"),
            "{name}: no size"
        );
        assert!(
            !knowledge::toolchain(name).is_unknown(),
            "toolchain {name} is in the file but not found"
        );
    }

    let doc = parse("alpine-packages.toml", ALPINE_PACKAGES_TOML);
    let packages = doc["packages"].as_table().unwrap();
    assert!(
        packages.len() >= 100,
        "only {} Alpine packages",
        packages.len()
    );
    for (name, v) in packages {
        let t = v.as_table().unwrap();
        assert!(has_text(t, "source"), "{name}: no source");
        assert!(has_date(t, "date"), "{name}: no date");
        assert!(t["kib"].as_integer().unwrap() > 0, "{name}: no size");
        let verified = t["verified"].as_bool().unwrap();
        let source = t["source"].as_str().unwrap();
        // Estimates say what they are based on.
        assert_eq!(
            !verified,
            source.starts_with("estimate:"),
            "{name}: {source}"
        );
        let lookup = knowledge::alpine_package(name);
        assert_eq!(lookup.is_known(), verified, "{name}: {lookup:?}");
    }
}

#[test]
fn debian_file_is_small_and_dated() {
    assert!(
        DEBIAN_PACKAGES_TOML.len() < 160_000,
        "rules/debian-packages.toml is {} bytes",
        DEBIAN_PACKAGES_TOML.len()
    );
    assert!(DEBIAN_PACKAGES_TOML.starts_with("# GENERATED by scripts/gen-debian-packages.py"));
    let doc = parse("debian-packages.toml", DEBIAN_PACKAGES_TOML);
    let meta = doc["meta"].as_table().unwrap();
    assert!(has_text(meta, "source"));
    assert!(has_date(meta, "date"));
    assert!(meta["release"].as_str().unwrap().contains("bookworm"));
    let packages = doc["packages"].as_table().unwrap();
    assert!(
        (500..=2000).contains(&packages.len()),
        "{} packages",
        packages.len()
    );
    // Every dependency named is itself in the file.
    for (name, v) in packages {
        let entry = v.as_array().unwrap();
        assert!(entry[0].as_integer().unwrap() >= 0, "{name}");
        for dep in entry[1].as_str().unwrap().split_whitespace() {
            assert!(
                packages.contains_key(dep),
                "{name} depends on {dep}, not in the file"
            );
        }
    }
    assert!(knowledge::debian_release().contains("bookworm"));
    assert!(knowledge::debian_base().contains("libc6"));
}

// ------------------------------------------------------------------ images

#[test]
fn common_references() {
    let slim = known("node:24-slim");
    assert_eq!(slim.family, "node");
    assert_eq!(slim.variant, "slim");
    assert_eq!(slim.os, "debian");
    assert_eq!(slim.libc, Some("glibc"));
    assert_eq!(slim.package_manager, Some("apt"));
    assert!(slim.shell);
    assert_eq!(slim.compressed_bytes, Some(80_451_137));

    let py = known("python:3.14-alpine");
    assert_eq!((py.variant, py.os), ("alpine", "alpine"));
    assert_eq!(py.libc, Some("musl"));
    assert_eq!(py.package_manager, Some("apk"));

    let go = known("golang:1.26");
    assert_eq!(go.variant, "full");
    assert!(go.lighter.iter().any(|t| t.contains("alpine")));

    let jre = known("eclipse-temurin:21-jre");
    assert_eq!(jre.variant, "jre");
    assert_eq!(jre.os, "ubuntu");

    let slim = known("debian:bookworm-slim");
    assert_eq!(slim.variant, "slim");
    assert_eq!(slim.compressed_bytes, Some(28_232_590));
    assert_eq!(known("docker.io/library/debian:bookworm-slim"), slim);

    // Distroless figures are third-party: an estimate, but what the image
    // has is known.
    let Lookup::Estimated(static_, why) = image("gcr.io/distroless/static-debian12") else {
        panic!("distroless static should be an estimate");
    };
    assert!(why.contains("unverified"), "{why}");
    assert_eq!(static_.os, "distroless");
    assert!(!static_.shell);
    assert_eq!(static_.package_manager, None);
    assert_eq!(static_.libc, None);
    let debug = image("gcr.io/distroless/static-debian12:debug");
    assert!(debug.value().unwrap().shell, "{debug:?}");

    // The empty image.
    let Lookup::Known(scratch) = image("scratch") else {
        panic!("scratch");
    };
    assert_eq!((scratch.os, scratch.compressed_bytes), ("scratch", Some(0)));
}

#[test]
fn unknown_images_are_named() {
    for r in [
        "example.com/foo:1",
        "bitnami/postgresql:16",
        "ghcr.io/org/app:latest",
        "eclipse-temurin:17-jdk-alpine",
    ] {
        match image(r) {
            Lookup::Unknown(what) => assert!(
                what.contains(r) || what.contains(r.split(':').next().unwrap()),
                "{r}: {what}"
            ),
            other => panic!("{r} should be unknown, got {other:?}"),
        }
    }
}

#[test]
fn estimates_say_why() {
    // A tag without a figure of its own, sized from its variant.
    match image("python:3.10-slim-bookworm") {
        Lookup::Estimated(info, why) => {
            assert_eq!(info.variant, "slim");
            assert!(why.contains("python:3.10-slim-bookworm"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    // Digest-only: only families with a default are sized.
    let sha = "sha256:5ce5f501c457015c4b91f91a15ac69157d9b06f1a75cf9107bf2b62e0843983a";
    assert!(image(&format!("alpine@{sha}")).is_estimated());
    assert!(image(&format!("node@{sha}")).is_unknown());
    // A tag and a digest: the tag says what it is.
    assert!(image(&format!("node:24-slim@{sha}")).is_known());
}

#[test]
fn every_listed_tag_resolves_to_its_own_entry() {
    for info in knowledge::images() {
        for tag in info.tags.iter().filter(|t| !t.contains('*')) {
            let r = format!("{}:{tag}", info.family);
            let got = image(&r);
            let got = got.value().unwrap_or_else(|| panic!("{r}: {got:?}"));
            assert!(
                std::ptr::eq(*got, info),
                "{r} resolves to {}:{}",
                got.family,
                got.tag_pattern
            );
        }
    }
}

#[test]
fn lighter_alternatives_exist_and_are_lighter() {
    let mut checked = 0;
    for info in knowledge::images() {
        let size = info.compressed_size();
        let size = *size.value().unwrap();
        for tag in info.lighter {
            let r = format!("{}:{tag}", info.family);
            let lighter = image(&r);
            let lighter = lighter
                .value()
                .unwrap_or_else(|| panic!("{r} is not in the file"));
            assert_eq!(lighter.family, info.family, "{r}");
            let lighter_size = *lighter.compressed_size().value().unwrap();
            assert!(
                lighter_size < size,
                "{r} ({lighter_size}) is not lighter than {}:{} ({size})",
                info.family,
                info.tag_pattern
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} lighter alternatives");
}

#[test]
fn families_are_listed() {
    let families: BTreeSet<&str> = knowledge::families().collect();
    for f in [
        "debian",
        "ubuntu",
        "alpine",
        "busybox",
        "node",
        "python",
        "golang",
        "rust",
        "eclipse-temurin",
        "openjdk",
        "ruby",
        "php",
        "nginx",
        "httpd",
        "gcr.io/distroless/static-debian12",
        "mcr.microsoft.com/dotnet/sdk",
        "mcr.microsoft.com/dotnet/runtime",
        "mcr.microsoft.com/dotnet/aspnet",
    ] {
        assert!(families.contains(f), "{f} missing from families()");
    }
}

// ------------------------------------------------------------------ packages

#[test]
fn debian_packages() {
    let Lookup::Known(curl) = knowledge::debian_package("curl") else {
        panic!("curl");
    };
    assert!(curl > 100 * 1024 && curl < 10 * 1024 * 1024, "{curl}");
    assert!(knowledge::debian_package("no-such-package-xyz").is_unknown());
    // A name the corpus installs that bookworm does not have.
    let missing = knowledge::debian_not_found()
        .next()
        .expect("not_found list");
    match knowledge::debian_package(missing) {
        Lookup::Unknown(what) => assert!(what.contains("bookworm"), "{what}"),
        other => panic!("{missing}: {other:?}"),
    }
}

#[test]
fn debian_closure_counts_shared_dependencies_once() {
    let (build, unknown) = knowledge::debian_closure(&["build-essential"]);
    assert!(unknown.is_empty(), "{unknown:?}");
    assert!(
        build > 150_000_000,
        "build-essential closure is only {build} bytes"
    );
    let own = *knowledge::debian_package("build-essential")
        .value()
        .unwrap();
    assert!(build > 100 * own);

    // gcc is part of build-essential's closure: adding it changes nothing.
    let (both, _) = knowledge::debian_closure(&["build-essential", "gcc"]);
    assert_eq!(both, build);
    let (twice, _) = knowledge::debian_closure(&["build-essential", "build-essential"]);
    assert_eq!(twice, build);

    // Shared dependencies are counted once: less than the two sums.
    let (gcc, _) = knowledge::debian_closure(&["gcc"]);
    let (gpp, _) = knowledge::debian_closure(&["g++"]);
    let (together, _) = knowledge::debian_closure(&["gcc", "g++"]);
    assert!(together < gcc + gpp, "{together} >= {gcc} + {gpp}");
    assert!(together >= gcc.max(gpp));

    // The base system is left out by default and counted when asked.
    let (all, _) = knowledge::debian_closure_with(&["build-essential"], None);
    assert!(all > build);
    let (libc, _) = knowledge::debian_closure(&["libc6"]);
    assert_eq!(libc, 0, "libc6 is in every Debian image");

    // Already-installed packages (and what they need) are not counted again.
    let installed: HashSet<String> = ["gcc".to_owned()].into();
    let (rest, _) = knowledge::debian_closure_with(&["build-essential"], Some(&installed));
    assert!(rest < all);

    // Unknown names are reported, not guessed.
    let (_, unknown) = knowledge::debian_closure(&["curl", "no-such-package-xyz"]);
    assert_eq!(unknown, ["no-such-package-xyz"]);
}

#[test]
fn alpine_and_toolchains() {
    match knowledge::alpine_package("curl") {
        Lookup::Estimated(bytes, why) => {
            assert!(bytes > 0);
            assert!(why.contains("estimate"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    assert!(knowledge::alpine_package("gcc").is_known());
    assert!(knowledge::alpine_package("no-such-apk").is_unknown());

    let jdk = *knowledge::toolchain("jdk").value().unwrap();
    let jre = *knowledge::toolchain("jre").value().unwrap();
    assert!(jdk > 2 * jre, "jdk {jdk}, jre {jre}");
    assert!(knowledge::toolchain("go").is_estimated());
    assert_eq!(knowledge::toolchain("golang"), knowledge::toolchain("go"));
    assert_eq!(knowledge::toolchain("NodeJS"), knowledge::toolchain("node"));
    let (build, _) = knowledge::debian_closure(&["build-essential"]);
    assert_eq!(
        knowledge::toolchain("build-essential"),
        Lookup::Known(build)
    );
    let rust = *knowledge::toolchain("rust").value().unwrap();
    assert!(rust > 300_000_000, "{rust}");
    assert!(knowledge::toolchain("python-dev").is_known());
    assert!(knowledge::toolchain("cobol").is_unknown());
}

// ------------------------------------------------------------------ the generated file vs the corpus

/// What `scan_install_names` in scripts/gen-debian-packages.py does, for apt:
/// comment lines dropped, continuations joined, the words after
/// `apt-get|apt|aptitude ... install` up to the next shell operator, without
/// options (and their arguments), variables, globs, paths, `=version` and
/// `:arch`.
fn scan_apt_names(text: &str) -> Vec<String> {
    const SEPARATORS: &[&str] = &[
        "&&", "||", ";", "|", "&", ")", "(", "{", "}", ">", "<", ">>", "2>", "2>&1", "then", "do",
        "fi", "done",
    ];
    const OPTS_WITH_ARG: &[&str] = &[
        "-o",
        "-t",
        "-c",
        "--option",
        "--config-file",
        "--target-release",
        "--default-release",
        "--snapshot",
        "-S",
    ];
    let kept: Vec<&str> = text
        .split('\n')
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    let joined = join_continuations(&kept.join("\n"));
    let mut names = Vec::new();
    for line in joined.split('\n') {
        let line = strip_trailing_comment(line);
        let line = line
            .replace(';', " ; ")
            .replace("&&", " && ")
            .replace("||", " || ");
        let toks: Vec<&str> = line.split_whitespace().collect();
        let mut i = 0;
        while i < toks.len() {
            if !["apt-get", "apt", "aptitude"].contains(&toks[i]) {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < toks.len() && !SEPARATORS.contains(&toks[j]) && toks[j] != "install" {
                j += if OPTS_WITH_ARG.contains(&toks[j]) {
                    2
                } else {
                    1
                };
            }
            if j < toks.len() && toks[j] == "install" {
                j += 1;
                while j < toks.len() && !SEPARATORS.contains(&toks[j]) {
                    if OPTS_WITH_ARG.contains(&toks[j]) {
                        j += 2;
                        continue;
                    }
                    if let Some(name) = clean_apt_name(toks[j]) {
                        names.push(name);
                    }
                    j += 1;
                }
            }
            i = j.max(i + 1);
        }
    }
    names
}

/// `\` + optional blanks + newline becomes a space (Python's
/// `re.sub(r"\\[ \t]*\r?\n", " ", ...)`).
fn join_continuations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('\\') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
        let tail = &after[blanks..];
        if let Some(t) = tail
            .strip_prefix("\r\n")
            .or_else(|| tail.strip_prefix('\n'))
        {
            out.push(' ');
            rest = t;
        } else {
            out.push('\\');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Drops a `#` that starts a word and everything after it.
fn strip_trailing_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

fn clean_apt_name(word: &str) -> Option<String> {
    let word = word.trim_matches(['\'', '"']);
    let word = word.split('=').next().unwrap_or_default();
    let word = match word.split_once(':') {
        Some((name, arch))
            if !arch.is_empty()
                && arch
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) =>
        {
            name
        }
        Some(_) => return None,
        None => word,
    };
    let bytes = word.as_bytes();
    let ok = bytes.len() >= 2
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+.-".contains(b));
    ok.then(|| word.to_owned())
}

#[test]
fn scanner_follows_the_generator() {
    let text = "FROM debian\n\
        # apt-get install commented-out\n\
        RUN apt-get update && apt-get install -y --no-install-recommends \\\n    \
        curl ca-certificates=2023 \\\n  # a comment line in the continuation\n    \
        libc6:amd64 \"git\" $EXTRA ./local.deb -o Dpkg::Options::=--force-confold \\\n    \
        && rm -rf /var/lib/apt/lists/*\n\
        RUN apt -qq install -y jq; apt-get -t bookworm-backports install foo # bar baz\n";
    assert_eq!(
        scan_apt_names(text),
        ["curl", "ca-certificates", "libc6", "git", "jq", "foo"]
    );
}

#[test]
fn debian_file_covers_the_corpus() {
    let Some(shared) = common::shared_dir("the Debian package coverage test") else {
        return;
    };
    let mut names = BTreeSet::new();
    for (_, path) in common::corpus_files(&shared) {
        let bytes = std::fs::read(&path).unwrap();
        names.extend(scan_apt_names(&String::from_utf8_lossy(&bytes)));
    }
    assert!(
        names.len() > 100,
        "the scan found only {} names",
        names.len()
    );
    let not_found: HashSet<&str> = knowledge::debian_not_found().collect();
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| knowledge::debian_package(n).is_unknown() && !not_found.contains(n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "the corpus installs packages rules/debian-packages.toml lacks; \
         rerun scripts/gen-debian-packages.py: {missing:?}"
    );
    let doc = parse("debian-packages.toml", DEBIAN_PACKAGES_TOML);
    assert_eq!(
        doc["meta"]["corpus_names"].as_integer(),
        Some(names.len() as i64),
        "the corpus changed since rules/debian-packages.toml was generated"
    );
}
