//! The small, documented tables the rewrite decides with: which runtime
//! library a well-known `-dev` package stands for, which packages only help
//! a build, which programs and users runtime base images have.
//!
//! Each table is deliberately short: a package or program that is not here
//! is not guessed at. An unknown `-dev` package makes the rewrite decline.

/// A `-dev` package (Debian and Ubuntu names) and the runtime library
/// package it stands for. The third field is false where Ubuntu names the
/// library differently.
const DEBIAN_DEV_LIBS: &[(&str, &str, bool)] = &[
    ("libpq-dev", "libpq5", true),
    ("libssl-dev", "libssl3", true),
    ("libffi-dev", "libffi8", true),
    ("zlib1g-dev", "zlib1g", true),
    ("libsqlite3-dev", "libsqlite3-0", true),
    ("libxml2-dev", "libxml2", true),
    ("libxslt1-dev", "libxslt1.1", true),
    ("libjpeg-dev", "libjpeg62-turbo", false),
    ("libjpeg62-turbo-dev", "libjpeg62-turbo", false),
    ("libpng-dev", "libpng16-16", true),
    ("libyaml-dev", "libyaml-0-2", true),
    ("libcurl4-openssl-dev", "libcurl4", true),
    ("default-libmysqlclient-dev", "libmariadb3", true),
    ("libmariadb-dev", "libmariadb3", true),
    ("libmariadb-dev-compat", "libmariadb3", true),
    ("libbz2-dev", "libbz2-1.0", true),
    ("liblzma-dev", "liblzma5", true),
    ("libzstd-dev", "libzstd1", true),
    ("libgmp-dev", "libgmp10", true),
    ("libmagic-dev", "libmagic1", true),
    ("libsasl2-dev", "libsasl2-2", true),
    ("libpcre2-dev", "libpcre2-8-0", true),
    ("libexpat1-dev", "libexpat1", true),
    ("libuv1-dev", "libuv1", true),
];

/// Alpine's `-dev` packages and their runtime libraries.
const ALPINE_DEV_LIBS: &[(&str, &str)] = &[
    ("postgresql-dev", "libpq"),
    ("libpq-dev", "libpq"),
    ("openssl-dev", "libssl3"),
    ("libffi-dev", "libffi"),
    ("zlib-dev", "zlib"),
    ("sqlite-dev", "sqlite-libs"),
    ("libxml2-dev", "libxml2"),
    ("libxslt-dev", "libxslt"),
    ("jpeg-dev", "libjpeg-turbo"),
    ("libjpeg-turbo-dev", "libjpeg-turbo"),
    ("libpng-dev", "libpng"),
    ("yaml-dev", "yaml"),
    ("mariadb-dev", "mariadb-connector-c"),
    ("mariadb-connector-c-dev", "mariadb-connector-c"),
    ("curl-dev", "libcurl"),
    ("bzip2-dev", "libbz2"),
    ("xz-dev", "xz-libs"),
    ("zstd-dev", "zstd-libs"),
    ("gmp-dev", "gmp"),
    ("pcre2-dev", "pcre2"),
    ("expat-dev", "libexpat"),
    ("libuv-dev", "libuv"),
];

/// Header and toolchain packages that no program needs at run time: the C
/// library's headers, kernel headers, Python's headers (the runtime image
/// has its own Python).
const HEADERS_ONLY: &[&str] = &[
    "libc6-dev",
    "libc-dev",
    "musl-dev",
    "linux-headers",
    "linux-libc-dev",
    "python3-dev",
    "python-dev",
    "libpython3-dev",
    "python3-devel",
];

/// Which system the packages are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Distro {
    /// Debian and images built on it.
    Debian,
    /// Ubuntu.
    Ubuntu,
    /// Alpine.
    Alpine,
}

/// What a `-dev` package means at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DevPackage {
    /// Headers only: nothing is needed at run time.
    Headers,
    /// The runtime library package it stands for.
    Library(&'static str),
    /// A `-dev` package this table does not know.
    Unknown,
}

/// The runtime meaning of a `-dev`/`-devel` package name (version
/// constraints removed).
pub(crate) fn dev_package(name: &str, distro: Distro) -> DevPackage {
    let name = bare_name(name);
    if HEADERS_ONLY.contains(&name) || is_python_headers(name) {
        return DevPackage::Headers;
    }
    let found = match distro {
        Distro::Debian => DEBIAN_DEV_LIBS
            .iter()
            .find(|(dev, _, _)| *dev == name)
            .map(|(_, lib, _)| *lib),
        Distro::Ubuntu => DEBIAN_DEV_LIBS
            .iter()
            .find(|(dev, _, ubuntu)| *dev == name && *ubuntu)
            .map(|(_, lib, _)| *lib),
        Distro::Alpine => ALPINE_DEV_LIBS
            .iter()
            .find(|(dev, _)| *dev == name)
            .map(|(_, lib)| *lib),
    };
    found.map_or(DevPackage::Unknown, DevPackage::Library)
}

/// `python3.12-dev`, `python3.11-dev`.
fn is_python_headers(name: &str) -> bool {
    name.strip_prefix("python3.")
        .and_then(|r| r.strip_suffix("-dev"))
        .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
}

/// The package name without a version (`pkg=1.2`, `pkg>=1`, `pkg~1`).
pub(crate) fn bare_name(name: &str) -> &str {
    let name = name.split('=').next().unwrap_or(name);
    name.split(['<', '>', '~']).next().unwrap_or(name)
}

/// Whether a package is `-dev`/`-devel`.
pub(crate) fn is_dev(name: &str) -> bool {
    let n = bare_name(name);
    n.ends_with("-dev") || n.ends_with("-devel")
}

/// Packages that serve the build (downloads, source control, archives,
/// keys): not reinstalled at run time unless a runtime command runs them.
const BUILD_HELPERS: &[&str] = &[
    "curl",
    "wget",
    "git",
    "unzip",
    "zip",
    "xz-utils",
    "xz",
    "bzip2",
    "gnupg",
    "gnupg2",
    "dirmngr",
    "patch",
    "file",
    "openssh-client",
    "apt-transport-https",
    "software-properties-common",
    "lsb-release",
    "upx",
    "upx-ucl",
    "binutils",
];

/// Whether a package only serves the build (see [`BUILD_HELPERS`]).
pub(crate) fn is_build_helper(name: &str) -> bool {
    BUILD_HELPERS.contains(&bare_name(name))
}

/// Packages that set up package repositories: they serve `apt` itself.
pub(crate) fn is_repository_helper(name: &str) -> bool {
    matches!(
        bare_name(name),
        "apt-transport-https" | "software-properties-common" | "lsb-release" | "dirmngr"
    )
}

/// The programs a build helper package provides, to tell whether the
/// build uses it.
pub(crate) fn helper_programs(name: &str) -> &'static [&'static str] {
    match bare_name(name) {
        "curl" => &["curl"],
        "wget" => &["wget"],
        "git" => &["git"],
        "unzip" => &["unzip"],
        "zip" => &["zip"],
        "xz-utils" | "xz" => &["xz", "tar", "unxz"],
        "bzip2" => &["bzip2", "tar", "bunzip2"],
        "gnupg" | "gnupg2" => &["gpg", "gpg2", "apt-key", "gpgv"],
        "patch" => &["patch"],
        "file" => &["file"],
        "openssh-client" => &["ssh", "ssh-keyscan", "git", "scp"],
        "upx" | "upx-ucl" => &["upx"],
        "binutils" => &["strip", "objcopy", "ld", "as"],
        "python3" | "python" | "python-is-python3" => &["python", "python3"],
        _ => &[],
    }
}

/// Packages that provide a program, for commands the runtime image runs
/// that its base lacks.
const PROGRAM_PACKAGES: &[(&str, &str, &str)] = &[
    // (program, Debian package, Alpine package)
    ("curl", "curl", "curl"),
    ("wget", "wget", ""),
    ("nc", "netcat-openbsd", ""),
    ("tini", "tini", "tini"),
    ("dumb-init", "dumb-init", "dumb-init"),
    ("gosu", "gosu", ""),
    ("bash", "", "bash"),
];

/// The package that provides `program` on `distro`: `Some("")` when the
/// base already has it, `None` when the table does not know.
pub(crate) fn program_package(program: &str, distro: Distro) -> Option<&'static str> {
    PROGRAM_PACKAGES
        .iter()
        .find(|(p, _, _)| *p == program)
        .map(|(_, deb, apk)| match distro {
            Distro::Alpine => *apk,
            _ => *deb,
        })
}

/// Programs every Debian or Ubuntu image has (essential packages).
pub(crate) const DEBIAN_PROGRAMS: &[&str] = &[
    "sh", "bash", "dash", "cat", "echo", "ls", "env", "sleep", "test", "true", "false", "printf",
    "mkdir", "chmod", "chown", "cp", "mv", "rm", "ln", "touch", "id", "whoami", "grep", "sed",
    "tar", "gzip", "find", "xargs", "kill", "su", "exec", "date", "head", "tail", "awk", "sort",
    "uniq", "tee", "wc", "cut", "tr", "dirname", "basename", "readlink", "realpath", "stat",
    "nohup", "timeout", "hostname", "uname", "perl", "useradd", "groupadd", "usermod", "apt-get",
    "dpkg", "[",
];

/// Programs BusyBox gives every Alpine image.
pub(crate) const ALPINE_PROGRAMS: &[&str] = &[
    "sh", "ash", "cat", "echo", "ls", "env", "sleep", "test", "true", "false", "printf", "mkdir",
    "chmod", "chown", "cp", "mv", "rm", "ln", "touch", "id", "whoami", "grep", "sed", "tar",
    "gzip", "find", "xargs", "kill", "su", "exec", "date", "head", "tail", "awk", "sort", "uniq",
    "tee", "wc", "cut", "tr", "dirname", "basename", "readlink", "realpath", "stat", "nohup",
    "timeout", "hostname", "uname", "wget", "nc", "adduser", "addgroup", "apk", "[",
];

/// Users of Debian's base passwd (and Ubuntu's).
pub(crate) const DEBIAN_USERS: &[&str] = &[
    "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy",
    "www-data", "backup", "list", "irc", "nobody", "_apt",
];

/// Users of Alpine's base passwd.
pub(crate) const ALPINE_USERS: &[&str] = &[
    "root",
    "bin",
    "daemon",
    "adm",
    "lp",
    "sync",
    "shutdown",
    "halt",
    "mail",
    "news",
    "uucp",
    "operator",
    "man",
    "postmaster",
    "cron",
    "ftp",
    "sshd",
    "at",
    "squid",
    "xfs",
    "games",
    "cyrus",
    "vpopmail",
    "ntp",
    "smmsp",
    "guest",
    "nobody",
];

/// Users of the distroless images.
pub(crate) const DISTROLESS_USERS: &[&str] = &["root", "nobody", "nonroot"];

/// The users whose ids Debian's base-passwd fixes (its `passwd.master`,
/// the same in Ubuntu): name, user id, primary group id. A program of a
/// Debian-based image that runs as one of them runs with these ids, so a
/// runtime image that lacks the name (distroless) can be given the ids
/// instead. `_apt` is left out: apt creates it, its id is not fixed.
pub(crate) const DEBIAN_FIXED_USERS: &[(&str, u32, u32)] = &[
    ("root", 0, 0),
    ("daemon", 1, 1),
    ("bin", 2, 2),
    ("sys", 3, 3),
    ("sync", 4, 65534),
    ("games", 5, 60),
    ("man", 6, 12),
    ("lp", 7, 7),
    ("mail", 8, 8),
    ("news", 9, 9),
    ("uucp", 10, 10),
    ("proxy", 13, 13),
    ("www-data", 33, 33),
    ("backup", 34, 34),
    ("list", 38, 38),
    ("irc", 39, 39),
    ("nobody", 65534, 65534),
];

/// The groups whose ids Debian's base-passwd fixes (its `group.master`).
pub(crate) const DEBIAN_FIXED_GROUPS: &[(&str, u32)] = &[
    ("root", 0),
    ("daemon", 1),
    ("bin", 2),
    ("sys", 3),
    ("adm", 4),
    ("tty", 5),
    ("disk", 6),
    ("lp", 7),
    ("mail", 8),
    ("news", 9),
    ("uucp", 10),
    ("man", 12),
    ("proxy", 13),
    ("kmem", 15),
    ("dialout", 20),
    ("fax", 21),
    ("voice", 22),
    ("cdrom", 24),
    ("floppy", 25),
    ("tape", 26),
    ("sudo", 27),
    ("audio", 29),
    ("dip", 30),
    ("www-data", 33),
    ("backup", 34),
    ("operator", 37),
    ("list", 38),
    ("irc", 39),
    ("src", 40),
    ("shadow", 42),
    ("utmp", 43),
    ("video", 44),
    ("sasl", 45),
    ("plugdev", 46),
    ("staff", 50),
    ("games", 60),
    ("users", 100),
    ("nogroup", 65534),
];

/// BusyBox applets a `HEALTHCHECK` may run on a distroless `debug` image
/// (BusyBox at `/busybox`, on `PATH`). Deliberately short: probes and the
/// plain tools around them. `curl` is not among them: BusyBox has none.
pub(crate) const BUSYBOX_PROBE_PROGRAMS: &[&str] = &[
    "sh", "wget", "test", "[", "true", "false", "echo", "printf", "cat", "sleep", "grep",
];

/// Whether BusyBox's applet `program` accepts these arguments, for the
/// applets whose options differ from GNU's: wget (BusyBox's has `-q`,
/// `-O`, `-T`, `-S`, `--spider`, `--header`..., not `--progress`,
/// `--no-verbose` or `--tries`'s GNU friends) and grep (the common short
/// options). Other applets of [`BUSYBOX_PROBE_PROGRAMS`] take what their
/// POSIX forms take.
pub(crate) fn busybox_accepts(program: &str, args: &[&str]) -> bool {
    let (flags, with_value, long): (&str, &str, &[&str]) = match program {
        "wget" => (
            "cqS",
            "OPYUTt",
            &[
                "continue",
                "quiet",
                "server-response",
                "output-document",
                "directory-prefix",
                "proxy",
                "user-agent",
                "timeout",
                "header",
                "post-data",
                "spider",
                "no-check-certificate",
            ],
        ),
        "grep" => ("qsivFExwcnlH", "e", &["quiet", "silent"]),
        _ => return BUSYBOX_PROBE_PROGRAMS.contains(&program),
    };
    let takes_value = |name: &str| {
        matches!(
            name,
            "output-document"
                | "directory-prefix"
                | "proxy"
                | "user-agent"
                | "timeout"
                | "header"
                | "post-data"
        )
    };
    let mut words = args.iter();
    while let Some(w) = words.next() {
        if *w == "--" {
            break;
        }
        if let Some(name) = w.strip_prefix("--") {
            let (name, inline) = match name.split_once('=') {
                Some((n, _)) => (n, true),
                None => (name, false),
            };
            if !long.contains(&name) {
                return false;
            }
            if takes_value(name) && !inline {
                words.next();
            }
        } else if let Some(bundle) = w.strip_prefix('-').filter(|b| !b.is_empty()) {
            for (at, c) in bundle.char_indices() {
                if with_value.contains(c) {
                    if at + c.len_utf8() == bundle.len() {
                        words.next();
                    }
                    break;
                }
                if !flags.contains(c) {
                    return false;
                }
            }
        }
    }
    true
}

/// Groups of Debian's base group file that are not also user names.
pub(crate) const DEBIAN_GROUPS: &[&str] = &[
    "adm", "tty", "disk", "kmem", "dialout", "fax", "voice", "cdrom", "floppy", "tape", "sudo",
    "audio", "dip", "operator", "src", "shadow", "utmp", "video", "sasl", "plugdev", "staff",
    "users", "nogroup",
];

/// Official images whose tags name no Debian release, and the last version
/// whose images were built on Debian 12 (bookworm): an older or equal
/// version's unsuffixed tag (`golang:1.22`) is bookworm, a newer one
/// (`golang:1.24`) is trixie. Docker's official images moved their default
/// to Debian 13 when it was released (2025-08-09); versions no longer
/// maintained by then never got trixie images. Rust is left out: its
/// unsuffixed tags up to 1.88 are bookworm, but a program linked there runs
/// on Debian 13 with the same libraries, and the runtime split chooses for
/// Rust (distroless `cc`) carries no other library.
pub(crate) const LAST_ON_BOOKWORM: &[(&str, &str)] =
    &[("golang", "1.23"), ("node", "18"), ("python", "3.8")];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_packages() {
        assert_eq!(
            dev_package("libpq-dev", Distro::Debian),
            DevPackage::Library("libpq5")
        );
        assert_eq!(
            dev_package("libssl-dev=3.0.11-1", Distro::Debian),
            DevPackage::Library("libssl3")
        );
        assert_eq!(
            dev_package("python3.11-dev", Distro::Debian),
            DevPackage::Headers
        );
        assert_eq!(
            dev_package("libasound2-dev", Distro::Debian),
            DevPackage::Unknown
        );
        assert_eq!(
            dev_package("libjpeg-dev", Distro::Ubuntu),
            DevPackage::Unknown
        );
        assert_eq!(
            dev_package("postgresql-dev", Distro::Alpine),
            DevPackage::Library("libpq")
        );
        assert!(is_dev("zlib1g-dev") && !is_dev("zlib1g"));
        assert!(is_build_helper("curl=8.0") && !is_build_helper("ca-certificates"));
    }

    #[test]
    fn busybox_options() {
        assert!(busybox_accepts(
            "wget",
            &["-q", "-O", "/dev/null", "http://x/"]
        ));
        assert!(busybox_accepts("wget", &["-qO-", "http://x/"]));
        assert!(busybox_accepts(
            "wget",
            &["-q", "-T", "3", "--spider", "http://x/"]
        ));
        assert!(busybox_accepts(
            "wget",
            &["--output-document=-", "http://x/"]
        ));
        assert!(!busybox_accepts(
            "wget",
            &["--progress=dot:giga", "http://x/"]
        ));
        assert!(!busybox_accepts("wget", &["-nv", "http://x/"]));
        assert!(!busybox_accepts("wget", &["--no-verbose", "http://x/"]));
        assert!(busybox_accepts("grep", &["-q", "ok"]));
        assert!(!busybox_accepts("grep", &["-P", "o+k"]));
        assert!(busybox_accepts("test", &["-f", "/tmp/ready"]));
        assert!(!busybox_accepts("curl", &["-f", "http://x/"]));
    }

    #[test]
    fn fixed_ids_name_known_users() {
        for (name, _, gid) in DEBIAN_FIXED_USERS {
            assert!(DEBIAN_USERS.contains(name), "{name}");
            assert!(DEBIAN_FIXED_GROUPS.iter().any(|(_, g)| g == gid), "{name}");
        }
        for g in DEBIAN_GROUPS {
            assert!(DEBIAN_FIXED_GROUPS.iter().any(|(n, _)| n == g), "{g}");
        }
    }
}
