//! Base images: what the builder's base is built on, and the runtime bases
//! the rewrite chooses from, with what each has (a shell, a package
//! manager, programs, users).

use super::tables::{self, Distro};
use crate::model::image::ImageRef;

/// The builder's base image.
#[derive(Clone, Debug)]
pub(crate) struct BuilderImage {
    /// The reference after expanding global `ARG`s.
    pub image: ImageRef,
    /// `node`, `golang`, `mcr.microsoft.com/dotnet/sdk`...
    pub family: String,
    /// The tag that is pulled (`latest` when none is written; empty for a
    /// digest-only reference).
    pub tag: String,
    /// The image as written in the `FROM` line.
    pub written: String,
    /// Whether the written image names build arguments.
    pub has_vars: bool,
}

impl BuilderImage {
    /// The builder image of a `FROM` whose image is written `written` and
    /// expands to `expanded`.
    pub fn new(written: &str, expanded: &str) -> Option<BuilderImage> {
        let image = ImageRef::parse(expanded).ok()?;
        Some(BuilderImage {
            family: image.family(),
            tag: image.effective_tag().unwrap_or("").to_string(),
            image,
            written: written.to_string(),
            has_vars: written.contains('$'),
        })
    }

    /// The written image with its tag changed as `t` says; notes go to
    /// `notes` (a dropped digest, a tag fixed from a build argument's
    /// default).
    pub fn retag(&self, t: &Retag, notes: &mut Vec<String>) -> String {
        let digest = self.image.digest.is_some();
        match t {
            Retag::Same => self.written.clone(),
            Retag::Append(suffix) if !digest && self.image.tag.is_some() => {
                format!("{}{suffix}", self.written)
            }
            Retag::Append(suffix) => {
                let tag = format!("{}{suffix}", self.tag);
                self.named(&tag, notes)
            }
            Retag::Replace(tag) => self.named(tag, notes),
        }
    }

    fn named(&self, tag: &str, notes: &mut Vec<String>) -> String {
        if self.image.digest.is_some() {
            notes.push(format!(
                "the builder's digest pins {}; the runtime tag `{tag}` is not pinned",
                self.family
            ));
        }
        if self.has_vars {
            notes.push(format!(
                "the builder image `{}` names build arguments; the runtime image is fixed from \
                 their defaults: change it too when you pass other values",
                self.written
            ));
        }
        let mut name = self
            .image
            .registry
            .clone()
            .map_or(String::new(), |r| r + "/");
        name.push_str(&self.image.repository);
        format!("{name}:{tag}")
    }

    /// The tag split into words on `-` (`20-bookworm-slim` -> `20`,
    /// `bookworm`, `slim`).
    fn tag_words(&self) -> impl Iterator<Item = &str> {
        self.tag.split('-')
    }

    /// Whether the tag names an Alpine variant.
    pub fn is_alpine(&self) -> bool {
        self.family == "alpine" || self.tag_words().any(|w| w.starts_with("alpine"))
    }

    /// The Alpine release the tag names (`alpine3.20` -> `3.20`).
    pub fn alpine_release(&self) -> Option<String> {
        if self.family == "alpine" {
            return Some(self.tag.clone());
        }
        self.tag_words()
            .find_map(|w| w.strip_prefix("alpine"))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// The Debian release the tag names, as a number.
    pub fn debian_release(&self) -> Option<u32> {
        for w in self.tag.split(['-', '.', '_']) {
            let n = match w {
                "buster" => 10,
                "bullseye" => 11,
                "bookworm" => 12,
                "trixie" => 13,
                _ => continue,
            };
            return Some(n);
        }
        if self.family == "debian" {
            let major: String = self.tag.chars().take_while(char::is_ascii_digit).collect();
            return major.parse().ok();
        }
        // A version tag of an image that moved to Debian 13 later.
        let last = tables::LAST_ON_BOOKWORM
            .iter()
            .find(|(family, _)| *family == self.family)?
            .1;
        let version = self.tag_words().next()?;
        let parse =
            |v: &str| -> Option<Vec<u32>> { v.split('.').map(|p| p.parse().ok()).collect() };
        let (version, last) = (parse(version)?, parse(last)?);
        // `1.22.3` counts as `1.22`; `golang:1` or `python:3` follows the
        // newest version, not an old one.
        if version.len() < last.len() {
            return None;
        }
        (version[..last.len()] <= last[..]).then_some(12)
    }

    /// The C library and system the builder's programs link against.
    pub fn libc(&self) -> Libc {
        if self.is_alpine() {
            return Libc::Musl;
        }
        match self.family.as_str() {
            "debian" => Libc::Glibc(Distro::Debian, self.debian_release()),
            "ubuntu" => Libc::Glibc(Distro::Ubuntu, None),
            "golang" | "rust" | "gcc" | "buildpack-deps" | "node" | "python" | "maven"
            | "gradle" | "openjdk" => {
                if self
                    .tag_words()
                    .any(|w| matches!(w, "jammy" | "noble" | "focal") || w.starts_with("ubi"))
                {
                    Libc::Unknown
                } else {
                    Libc::Glibc(Distro::Debian, self.debian_release())
                }
            }
            _ => Libc::Unknown,
        }
    }

    /// The system the builder installs packages for.
    pub fn distro(&self) -> Option<Distro> {
        match self.libc() {
            Libc::Musl => Some(Distro::Alpine),
            Libc::Glibc(d, _) => Some(d),
            Libc::Unknown => match self.family.as_str() {
                "eclipse-temurin" => Some(Distro::Ubuntu),
                "mcr.microsoft.com/dotnet/sdk" => Some(Distro::Debian),
                _ => None,
            },
        }
    }

    /// The image's default working directory, for the images whose default
    /// is known.
    pub fn default_workdir(&self) -> Option<&'static str> {
        match self.family.as_str() {
            "golang" => Some("/go"),
            "gradle" => Some("/home/gradle"),
            "node"
            | "python"
            | "rust"
            | "maven"
            | "eclipse-temurin"
            | "openjdk"
            | "amazoncorretto"
            | "debian"
            | "ubuntu"
            | "alpine"
            | "gcc"
            | "buildpack-deps"
            | "mcr.microsoft.com/dotnet/sdk" => Some("/"),
            _ => None,
        }
    }
}

/// How a runtime tag derives from the builder's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Retag {
    /// The same image.
    Same,
    /// The builder's tag with a suffix.
    Append(&'static str),
    /// Another tag of the same repository.
    Replace(String),
}

/// The C library of the builder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Libc {
    /// glibc, on this system, with the Debian release when the tag names it.
    Glibc(Distro, Option<u32>),
    /// musl (Alpine).
    Musl,
    /// Not known.
    Unknown,
}

/// The Debian release of unsuffixed tags of the official images (golang,
/// rust, node, python...) as the knowledge base reads them: Debian 13. A
/// program linked against an older glibc runs there too.
pub(crate) const CURRENT_DEBIAN: u32 = 13;

/// A runtime base image and what it has.
#[derive(Clone, Debug)]
pub(crate) struct Runtime {
    /// The image, as the new `FROM` names it.
    pub image: String,
    /// Why this image.
    pub why: String,
    /// Whether it has `/bin/sh`.
    pub shell: bool,
    /// The package system, when it has a package manager.
    pub distro: Option<Distro>,
    /// Programs it has beyond those of its system.
    pub programs: Vec<String>,
    /// Users it has beyond those of its system.
    pub users: Vec<&'static str>,
    /// Whether it is a distroless image.
    pub distroless: bool,
    /// Whether it has BusyBox at `/busybox` (`/busybox/sh` and the applets,
    /// `/busybox` on `PATH`) but no `/bin/sh`, and BusyBox's shell as its
    /// `ENTRYPOINT`: a distroless `debug` image.
    pub busybox: bool,
    /// Packages it has (for an image without a package manager: the
    /// libraries and data a distroless image ships).
    pub has_packages: Vec<&'static str>,
    /// Packages to install when this image is chosen (what the image it
    /// stands in for has: CA certificates, time zones).
    pub install: Vec<&'static str>,
    /// Why those packages.
    pub install_why: String,
    /// Files copied from the builder when this image is chosen (what the
    /// image it stands in for has: the CA certificates).
    pub builder_files: Vec<&'static str>,
    /// Instructions written anew when this image is chosen (index, text),
    /// before the plan's own rewrites: a `CMD` made the `ENTRYPOINT` on an
    /// image whose own `ENTRYPOINT` would otherwise run before it.
    pub rewrites: Vec<(usize, String)>,
    /// What the builder gains when this image is chosen (a Java runtime
    /// made by `jlink`): lines after the build, copies (from, to) and lines
    /// after the copies in the runtime stage, and the assumptions made.
    pub custom: Option<Box<Custom>>,
}

/// Debian's code name of a release number.
pub(crate) fn codename(release: u32) -> Option<&'static str> {
    match release {
        11 => Some("bullseye"),
        12 => Some("bookworm"),
        13 => Some("trixie"),
        14 => Some("forky"),
        _ => None,
    }
}

/// The Debian release an image's name says it is built on: a code name in
/// its tag (`node:20-bookworm-slim`, `buildpack-deps:bookworm-curl`), or the
/// number of a `debian` tag (`debian:12-slim`). `None` when the name does
/// not say (`node:20-slim` follows whatever release is current).
pub(crate) fn named_debian_release(image: &str) -> Option<u32> {
    let r = ImageRef::parse(image).ok()?;
    let tag = r.tag.as_deref()?;
    let family = r.repository.rsplit('/').next().unwrap_or_default();
    let named = tag.split(['-', '.', '_']).find_map(|w| match w {
        "buster" => Some(10),
        "bullseye" => Some(11),
        "bookworm" => Some(12),
        "trixie" => Some(13),
        "forky" => Some(14),
        _ => None,
    });
    named.or_else(|| {
        (family == "debian")
            .then(|| {
                tag.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .and_then(|n| n.parse().ok())
    })
}

/// What a runtime image brings to both stages when it is chosen: a
/// runtime made in the builder ([`super::jlink`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct Custom {
    /// Builder lines after its last instruction.
    pub builder_tail: Vec<String>,
    /// Copies from the builder into the runtime stage: (from, to).
    pub copies: Vec<(String, String)>,
    /// Runtime lines right after the copies.
    pub after_copies: Vec<String>,
    /// What was decided on the way (added, assumed).
    pub decisions: Vec<super::Decision>,
}

impl Runtime {
    /// A runtime image with a shell and a package manager. An image of
    /// Debian 12 (by its name: `debian:12-slim`, `node:20-bookworm-slim`)
    /// has Debian 12's minimal base system, which the knowledge base lists:
    /// a library of it (`zlib1g`, `libstdc++6`) is not installed again.
    pub fn system(image: String, distro: Distro, why: String) -> Runtime {
        let has_packages = if distro == Distro::Debian && named_debian_release(&image) == Some(12) {
            let mut base: Vec<&'static str> = crate::model::knowledge::debian_base()
                .iter()
                .map(String::as_str)
                .collect();
            base.sort_unstable();
            base
        } else {
            Vec::new()
        };
        Runtime {
            image,
            why,
            shell: true,
            distro: Some(distro),
            programs: Vec::new(),
            users: Vec::new(),
            distroless: false,
            busybox: false,
            has_packages,
            install: Vec::new(),
            install_why: String::new(),
            builder_files: Vec::new(),
            rewrites: Vec::new(),
            custom: None,
        }
    }

    /// A distroless image: no shell, no package manager.
    pub fn distroless(image: &str, why: String) -> Runtime {
        Runtime {
            image: image.to_string(),
            why,
            shell: false,
            distro: None,
            programs: Vec::new(),
            users: Vec::new(),
            distroless: true,
            busybox: false,
            has_packages: vec!["ca-certificates", "tzdata", "netbase", "base-files"],
            install: Vec::new(),
            install_why: String::new(),
            builder_files: Vec::new(),
            rewrites: Vec::new(),
            custom: None,
        }
    }

    /// The `debug` variant of a distroless image (`:nonroot` to
    /// `:debug-nonroot`, `:latest` to `:debug`): the same files, with
    /// BusyBox at `/busybox`.
    pub fn busybox_variant(&self, why: &str) -> Option<Runtime> {
        if !self.distroless || self.busybox {
            return None;
        }
        let (name, tag) = self.image.rsplit_once(':')?;
        let tag = match tag {
            "latest" => "debug".to_string(),
            t => format!("debug-{t}"),
        };
        let mut r = self.clone();
        r.image = format!("{name}:{tag}");
        r.busybox = true;
        r.why = format!(
            "{}; its `debug` variant, which adds BusyBox (at /busybox, on PATH; no /bin/sh): \
             {why}",
            self.why
        );
        Some(r)
    }

    /// Whether the image has `program` (a name, not a path).
    pub fn has_program(&self, program: &str) -> bool {
        if self.programs.iter().any(|p| p == program) {
            return true;
        }
        if self.busybox && tables::BUSYBOX_PROBE_PROGRAMS.contains(&program) {
            return true;
        }
        match self.distro {
            Some(Distro::Alpine) => tables::ALPINE_PROGRAMS.contains(&program),
            Some(_) => tables::DEBIAN_PROGRAMS.contains(&program),
            None => false,
        }
    }

    /// Whether the image has user (or group) `name`.
    pub fn has_user(&self, name: &str) -> bool {
        if name == "root" || name.chars().all(|c| c.is_ascii_digit()) {
            return true;
        }
        if self.users.contains(&name) {
            return true;
        }
        if self.distroless {
            return tables::DISTROLESS_USERS.contains(&name);
        }
        match self.distro {
            Some(Distro::Alpine) => tables::ALPINE_USERS.contains(&name),
            Some(_) => {
                tables::DEBIAN_USERS.contains(&name) || tables::DEBIAN_GROUPS.contains(&name)
            }
            None => false,
        }
    }
}

/// The small glibc image for programs the builder linked: the builder's
/// own system, slim. `Err` says why there is none.
pub(crate) fn glibc_slim(b: &BuilderImage, notes: &mut Vec<String>) -> Result<Runtime, String> {
    match b.libc() {
        Libc::Musl => {
            let (image, why) = match b.alpine_release() {
                Some(v) if b.family == "alpine" => (
                    b.retag(&Retag::Same, notes),
                    format!("the builder is alpine:{v} already"),
                ),
                Some(v) => (
                    format!("alpine:{v}"),
                    format!("the builder is built on Alpine {v} (musl)"),
                ),
                None => (
                    "alpine:3".to_string(),
                    "the builder is built on Alpine (musl); `alpine:3` is the newest 3.x, whose \
                     musl runs programs linked against older ones"
                        .to_string(),
                ),
            };
            Ok(Runtime::system(image, Distro::Alpine, why))
        }
        Libc::Glibc(Distro::Debian, release) if b.family == "debian" => {
            let slim = b.tag.contains("slim");
            let image = if slim {
                b.retag(&Retag::Same, notes)
            } else if b.tag == "latest" {
                b.retag(&Retag::Replace("stable-slim".into()), notes)
            } else {
                b.retag(&Retag::Append("-slim"), notes)
            };
            let why = if slim {
                "the builder's base is a slim Debian image already".to_string()
            } else {
                format!(
                    "the slim variant of the builder's Debian{}",
                    release.map_or(String::new(), |r| format!(" {r}"))
                )
            };
            Ok(Runtime::system(image, Distro::Debian, why))
        }
        Libc::Glibc(Distro::Ubuntu, _) => Ok(Runtime::system(
            b.retag(&Retag::Same, notes),
            Distro::Ubuntu,
            "the builder's Ubuntu, whose glibc the program is linked against".to_string(),
        )),
        Libc::Glibc(_, release) => {
            let (n, why) = debian_for(b, release);
            Ok(Runtime::system(
                format!("debian:{n}-slim"),
                Distro::Debian,
                why,
            ))
        }
        Libc::Unknown => Err(format!(
            "cannot tell which C library `{}` links programs against, so no runtime image is \
             known to run them",
            b.written
        )),
    }
}

/// The Debian release for a runtime image of a Debian-based builder, and
/// why.
pub(crate) fn debian_for(b: &BuilderImage, release: Option<u32>) -> (u32, String) {
    match release {
        Some(r) => (
            r,
            format!("{} is built on Debian {r}: the same glibc", b.written),
        ),
        None => (
            CURRENT_DEBIAN,
            format!(
                "{} names no Debian release; current tags are built on Debian {CURRENT_DEBIAN}, \
                 and a program linked against an older glibc runs there too",
                b.written
            ),
        ),
    }
}

/// `node:<tag>` to its slim variant (an Alpine or slim tag is kept: a
/// native module built against musl needs musl).
pub(crate) fn node_slim(b: &BuilderImage) -> Result<Retag, String> {
    python_or_node_slim(b, false)
}

/// `python:<tag>` to its slim variant (Python writes `3.12-slim-bookworm`).
pub(crate) fn python_slim(b: &BuilderImage) -> Result<Retag, String> {
    python_or_node_slim(b, true)
}

fn python_or_node_slim(b: &BuilderImage, python: bool) -> Result<Retag, String> {
    let tag = b.tag.as_str();
    if tag.is_empty() {
        return Ok(Retag::Replace("slim".into()));
    }
    let words: Vec<&str> = tag.split('-').collect();
    if words
        .iter()
        .any(|w| w.starts_with("alpine") || *w == "slim")
    {
        return Ok(Retag::Same);
    }
    if words
        .iter()
        .any(|w| w.starts_with("windowsservercore") || w.starts_with("nanoserver"))
    {
        return Err(format!("`{}` is a Windows image", b.written));
    }
    let version = |w: &str| {
        !w.is_empty()
            && w.chars().all(|c| c.is_ascii_digit() || c == '.')
            && w.starts_with(|c: char| c.is_ascii_digit())
    };
    let codename = |w: &str| matches!(w, "bookworm" | "bullseye" | "buster" | "trixie");
    let node_alias = |w: &str| {
        matches!(
            w,
            "lts"
                | "current"
                | "argon"
                | "boron"
                | "carbon"
                | "dubnium"
                | "erbium"
                | "fermium"
                | "gallium"
                | "hydrogen"
                | "iron"
                | "jod"
                | "krypton"
        )
    };
    match words.as_slice() {
        ["latest"] => Ok(Retag::Replace("slim".into())),
        [v] if version(v) || codename(v) || (!python && node_alias(v)) => {
            if python && codename(v) {
                Ok(Retag::Replace(format!("slim-{v}")))
            } else {
                Ok(Retag::Append("-slim"))
            }
        }
        [v, c] if (version(v) || (!python && node_alias(v))) && codename(c) => {
            if python {
                Ok(Retag::Replace(format!("{v}-slim-{c}")))
            } else {
                Ok(Retag::Append("-slim"))
            }
        }
        _ => Err(format!(
            "cannot tell the slim variant of `{}:{tag}`",
            b.family
        )),
    }
}

/// The Java feature release of a JDK builder image (`maven:3.9-eclipse-temurin-21`,
/// `gradle:8-jdk21`, `eclipse-temurin:21-jdk`, `openjdk:17`...).
pub(crate) fn java_major(b: &BuilderImage) -> Option<u32> {
    let tag = b.tag.as_str();
    let number = |s: &str| -> Option<u32> {
        let d: String = s.chars().take_while(char::is_ascii_digit).collect();
        d.parse().ok().filter(|n| (8..100).contains(n))
    };
    match b.family.as_str() {
        "eclipse-temurin" | "openjdk" | "amazoncorretto" | "sapmachine" => number(tag),
        "maven" | "gradle" => tag
            .split('-')
            .skip(1)
            .find_map(|w| number(w).or_else(|| w.strip_prefix("jdk").and_then(number))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(s: &str) -> BuilderImage {
        BuilderImage::new(s, s).unwrap()
    }

    #[test]
    fn debian_release_of_version_tags() {
        let cases = [
            ("golang:1.22", Some(12)),
            ("golang:1.23.4", Some(12)),
            ("golang:1.24", None),
            ("golang:1", None),
            ("golang:latest", None),
            ("golang:1.24-bookworm", Some(12)),
            ("golang:1.22-trixie", Some(13)),
            ("node:18", Some(12)),
            ("node:20", None),
            ("python:3.8-slim", Some(12)),
            ("python:3.12", None),
            ("python:3", None),
            ("rust:1.80", None),
            ("debian:12", Some(12)),
        ];
        for (image, want) in cases {
            assert_eq!(img(image).debian_release(), want, "{image}");
        }
    }

    #[test]
    fn slim_tags() {
        let mut notes = Vec::new();
        let cases = [
            ("node:20", "node:20-slim"),
            ("node:20-bookworm", "node:20-bookworm-slim"),
            ("node:20-alpine", "node:20-alpine"),
            ("node:lts", "node:lts-slim"),
            ("node", "node:slim"),
            ("node:latest", "node:slim"),
        ];
        for (from, want) in cases {
            let b = img(from);
            assert_eq!(b.retag(&node_slim(&b).unwrap(), &mut notes), want);
        }
        let cases = [
            ("python:3.12", "python:3.12-slim"),
            ("python:3.12-bookworm", "python:3.12-slim-bookworm"),
            ("python:3.12-slim", "python:3.12-slim"),
            ("python:3.11-alpine3.19", "python:3.11-alpine3.19"),
            (
                "docker.io/library/python:3.12",
                "docker.io/library/python:3.12-slim",
            ),
        ];
        for (from, want) in cases {
            let b = img(from);
            assert_eq!(b.retag(&python_slim(&b).unwrap(), &mut notes), want);
        }
        assert!(notes.is_empty(), "{notes:?}");
        assert!(node_slim(&img("node:20-onbuild")).is_err());
    }

    #[test]
    fn a_debian_12_runtime_has_the_base_system() {
        assert_eq!(named_debian_release("debian:12-slim"), Some(12));
        assert_eq!(named_debian_release("node:20-bookworm-slim"), Some(12));
        assert_eq!(named_debian_release("buildpack-deps:trixie-curl"), Some(13));
        assert_eq!(named_debian_release("node:20-slim"), None);
        assert_eq!(named_debian_release("debian:13-slim"), Some(13));
        let r = |image: &str| Runtime::system(image.to_string(), Distro::Debian, String::new());
        assert!(r("debian:12-slim").has_packages.contains(&"zlib1g"));
        assert!(!r("debian:12-slim").has_packages.contains(&"libxml2"));
        // The package data is Debian 12's: nothing is assumed of another release.
        assert!(r("debian:13-slim").has_packages.is_empty());
        assert!(r("node:20-slim").has_packages.is_empty());
    }

    #[test]
    fn releases_and_java() {
        assert_eq!(img("golang:1.23-bookworm").debian_release(), Some(12));
        assert_eq!(img("golang:1.25").debian_release(), None);
        assert_eq!(img("debian:12.5").debian_release(), Some(12));
        assert_eq!(
            img("golang:1.23-alpine3.20").alpine_release().as_deref(),
            Some("3.20")
        );
        assert_eq!(java_major(&img("maven:3.9-eclipse-temurin-21")), Some(21));
        assert_eq!(java_major(&img("gradle:8.5-jdk17-jammy")), Some(17));
        assert_eq!(java_major(&img("eclipse-temurin:21-jdk")), Some(21));
        assert_eq!(java_major(&img("maven:3")), None);
    }
}
