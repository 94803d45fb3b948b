//! Package managers and downloaders in shell commands: installs with their
//! packages and versions, index updates, cache cleanups, `curl`/`wget`, and
//! downloads piped into a shell.
//!
//! Recognition follows hadolint's rules (DL3008, DL3013, DL3016, DL3018,
//! DL3028, DL3033, DL3037, DL3041...): a command is an install when its
//! subcommand is the install verb; packages are the arguments after it that
//! are not options or option values. [`Package::pinned`] is hadolint's notion
//! of a pinned version for that manager, which differs between managers
//! (`yum` accepts any `-`, `dnf` wants a version-like part after a `-`).
//!
//! Commands are matched by their basename (`/usr/bin/apt-get` is `apt-get`);
//! wrappers such as `sudo` are not looked through.

use super::{Command, Script, Word, basename, is_shell_program};

/// A package manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Manager {
    /// `apt-get`.
    AptGet,
    /// `apt`.
    Apt,
    /// Alpine's `apk`.
    Apk,
    /// `dnf` (and `dnf5`).
    Dnf,
    /// `yum`.
    Yum,
    /// `microdnf`.
    Microdnf,
    /// openSUSE's `zypper`.
    Zypper,
    /// `pip`, `pip3`, `python -m pip`.
    Pip,
    /// `uv pip`.
    Uv,
    /// `npm`.
    Npm,
    /// `yarn`.
    Yarn,
    /// `pnpm`.
    Pnpm,
    /// Ruby's `gem`.
    Gem,
    /// `go install` / `go get`.
    Go,
    /// `cargo install`.
    Cargo,
}

impl Manager {
    /// The command name as usually written.
    pub fn as_str(self) -> &'static str {
        match self {
            Manager::AptGet => "apt-get",
            Manager::Apt => "apt",
            Manager::Apk => "apk",
            Manager::Dnf => "dnf",
            Manager::Yum => "yum",
            Manager::Microdnf => "microdnf",
            Manager::Zypper => "zypper",
            Manager::Pip => "pip",
            Manager::Uv => "uv",
            Manager::Npm => "npm",
            Manager::Yarn => "yarn",
            Manager::Pnpm => "pnpm",
            Manager::Gem => "gem",
            Manager::Go => "go",
            Manager::Cargo => "cargo",
        }
    }
}

/// What a package argument names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PackageKind {
    /// A package from the manager's registry or repositories.
    Registry,
    /// A local file or directory (`./pkg.deb`, `.`, `foo.whl`, `cargo install
    /// --path`).
    Local,
    /// A URL or version-control reference (`git+https://...`, `--git`).
    Url,
    /// A requirements file (`pip install -r requirements.txt`).
    Requirements,
}

/// One package of an install.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package<'a> {
    /// The package name (for `pkg=1.2`, `pkg`; the whole argument for files
    /// and URLs).
    pub name: &'a str,
    /// The version text after the pinning operator (`1.2` for `pkg=1.2`,
    /// `pkg==1.2`, `pkg@1.2`, `pkg:1.2`, `pkg-1.2`), or given by an option
    /// (`gem -v`, `cargo --version`).
    pub version: Option<&'a str>,
    /// Whether hadolint considers the package pinned for this manager.
    pub pinned: bool,
    /// What the argument names.
    pub kind: PackageKind,
    /// The argument (for `cargo install --path dir`, the option's value).
    pub word: &'a Word,
}

/// A package install command.
#[derive(Clone, Debug)]
pub struct Install<'a> {
    /// Which manager.
    pub manager: Manager,
    /// The command.
    pub command: &'a Command,
    /// The packages, in order.
    pub packages: Vec<Package<'a>>,
    /// The install verb (`install`, `add`, `in`, `i`, `ci`, `get`).
    pub subcommand: &'a Word,
}

/// Which manager a command runs (`python -m pip` is [`Manager::Pip`]), and
/// the index of the argument where its own arguments start. Worked out once
/// when the command is built ([`classify`]).
pub fn manager(cmd: &Command) -> Option<(Manager, usize)> {
    cmd.manager()
}

/// [`manager`], worked out from the command's name and arguments.
pub(super) fn classify(cmd: &Command) -> Option<(Manager, usize)> {
    let name = cmd.basename()?;
    let m = match name {
        "apt-get" => Manager::AptGet,
        "apt" => Manager::Apt,
        "apk" => Manager::Apk,
        "dnf" | "dnf5" | "dnf-3" => Manager::Dnf,
        "yum" => Manager::Yum,
        "microdnf" => Manager::Microdnf,
        "zypper" => Manager::Zypper,
        "uv" => {
            let pip = cmd.args.first().map(|w| w.value.as_str()) == Some("pip");
            return Some((Manager::Uv, usize::from(pip)));
        }
        "npm" => Manager::Npm,
        "yarn" => Manager::Yarn,
        "pnpm" => Manager::Pnpm,
        "gem" => Manager::Gem,
        "go" => Manager::Go,
        "cargo" => Manager::Cargo,
        _ if is_versioned(name, "pip") => Manager::Pip,
        _ if is_versioned(name, "python") => {
            // python [-flags] -m pip ...
            let mut i = 0;
            while let Some(w) = cmd.args.get(i) {
                let v = w.value.as_str();
                if v == "-m" {
                    return (cmd.args.get(i + 1).map(|w| w.value.as_str()) == Some("pip")
                        || cmd.args.get(i + 1).map(|w| w.value.as_str()) == Some("pip3"))
                    .then_some((Manager::Pip, i + 2));
                }
                if v == "-mpip" {
                    return Some((Manager::Pip, i + 1));
                }
                if !v.starts_with('-') {
                    return None;
                }
                i += 1;
            }
            return None;
        }
        _ => return None,
    };
    Some((m, 0))
}

/// `pip`, `pip3`, `pip3.11` for `base` `pip`.
fn is_versioned(name: &str, base: &str) -> bool {
    name.strip_prefix(base)
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Options (with dashes) that take a value in the next argument, per manager.
fn value_options(m: Manager) -> &'static [&'static str] {
    match m {
        Manager::AptGet | Manager::Apt => &[
            "-o",
            "-c",
            "-t",
            "--target-release",
            "--option",
            "--config-file",
        ],
        Manager::Apk => &[
            "-X",
            "--repository",
            "-t",
            "--virtual",
            "-p",
            "--root",
            "--arch",
            "--cache-dir",
            "--keys-dir",
            "--repositories-file",
            "--progress-fd",
            "--cache-max-age",
        ],
        Manager::Dnf | Manager::Yum | Manager::Microdnf => &[
            "-c",
            "--config",
            "-d",
            "--debuglevel",
            "-e",
            "--errorlevel",
            "-R",
            "--randomwait",
            "-x",
            "--exclude",
            "--installroot",
            "--releasever",
            "--enablerepo",
            "--disablerepo",
            "--repo",
            "--repoid",
            "--setopt",
            "--forcearch",
            "--downloaddir",
            "--destdir",
            "--color",
            "--rpmverbosity",
            "--comment",
            "--advisory",
            "--cve",
            "--bz",
            "--sec-severity",
            "--secseverity",
        ],
        Manager::Zypper => &[
            "-r",
            "--repo",
            "-t",
            "--type",
            "-R",
            "--root",
            "-c",
            "--config",
            "--from",
            "--download",
            "-D",
            "--reposd-dir",
            "-C",
            "--cache-dir",
            "--raw-cache-dir",
            "--solv-cache-dir",
            "--pkg-cache-dir",
        ],
        Manager::Pip | Manager::Uv => &[
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-e",
            "--editable",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
            "-t",
            "--target",
            "--prefix",
            "--root",
            "--src",
            "-b",
            "--build",
            "--platform",
            "--python-version",
            "--implementation",
            "--abi",
            "--no-binary",
            "--only-binary",
            "--progress-bar",
            "--proxy",
            "--trusted-host",
            "--upgrade-strategy",
            "--cache-dir",
            "--log",
            "--timeout",
            "--retries",
            "--exists-action",
            "--cert",
            "--client-cert",
            "--global-option",
            "-C",
            "--config-settings",
            "--report",
            "--use-feature",
            "--install-option",
            "--python",
            "-p",
            "--root-user-action",
            "--index-strategy",
            "--keyring-provider",
            "--resolution",
            "--prerelease",
            "--python-platform",
            "--exclude-newer",
            "--override",
            "--index",
        ],
        Manager::Npm | Manager::Pnpm => &[
            "--prefix",
            "-w",
            "--workspace",
            "--registry",
            "--loglevel",
            "--cache",
            "--userconfig",
            "--tag",
            "--omit",
            "--include",
            "--install-strategy",
            "-C",
            "--dir",
            "--filter",
            "--store-dir",
            "--reporter",
            "--network-concurrency",
            "--fetch-timeout",
        ],
        Manager::Yarn => &[
            "--cwd",
            "--modules-folder",
            "--cache-folder",
            "--registry",
            "--network-timeout",
            "--network-concurrency",
            "--mutex",
            "--global-folder",
            "--link-folder",
        ],
        Manager::Gem => &[
            "-v",
            "--version",
            "-i",
            "--install-dir",
            "-n",
            "--bindir",
            "-s",
            "--source",
            "--platform",
            "-P",
            "--trust-policy",
            "--build-root",
            "-g",
            "--file",
            "--document",
            "-p",
            "--http-proxy",
        ],
        Manager::Go => &[
            "-o",
            "-p",
            "-C",
            "-mod",
            "-modfile",
            "-tags",
            "-ldflags",
            "-gcflags",
            "-overlay",
            "-pkgdir",
            "-toolexec",
        ],
        Manager::Cargo => &[
            "--version",
            "--vers",
            "--git",
            "--branch",
            "--tag",
            "--rev",
            "--path",
            "--root",
            "--registry",
            "--index",
            "-j",
            "--jobs",
            "--target",
            "-F",
            "--features",
            "--profile",
            "--bin",
            "--example",
            "--target-dir",
            "--config",
            "-Z",
            "--color",
        ],
    }
}

/// The values of a package manager's positional arguments (not options, nor
/// the values of options that take one, as in `npm --prefix web ci`); `None`
/// when `cmd` is not a manager this module knows.
pub(crate) fn operand_values(cmd: &Command) -> Option<Vec<&str>> {
    let (m, from) = manager(cmd)?;
    Some(
        positionals(cmd, m, from)
            .into_iter()
            .map(|(_, w)| w.value.as_str())
            .collect(),
    )
}

/// The positional arguments (not options, not option values) from `from`,
/// with their indices.
fn positionals(cmd: &Command, m: Manager, from: usize) -> Vec<(usize, &Word)> {
    let opts = value_options(m);
    let mut out = Vec::new();
    let mut i = from;
    let mut rest = false;
    while let Some(w) = cmd.args.get(i) {
        let v = w.value.as_str();
        if rest || !v.starts_with('-') || v == "-" {
            out.push((i, w));
        } else if v == "--" {
            // gem passes what follows to the extension build.
            if m == Manager::Gem {
                break;
            }
            rest = true;
        } else if opts.contains(&v) {
            i += 1;
        }
        i += 1;
    }
    out
}

/// The install verbs of a manager.
fn install_verbs(m: Manager) -> &'static [&'static str] {
    match m {
        Manager::AptGet | Manager::Apt | Manager::Dnf | Manager::Yum | Manager::Microdnf => {
            &["install"]
        }
        Manager::Apk | Manager::Yarn => &["add"],
        Manager::Zypper => &["install", "in"],
        Manager::Pip | Manager::Uv => &["install"],
        Manager::Npm => &[
            "install",
            "i",
            "in",
            "ins",
            "inst",
            "insta",
            "instal",
            "isnt",
            "isnta",
            "isntal",
            "isntall",
            "add",
            "ci",
            "clean-install",
            "ic",
            "install-clean",
            "isntall-clean",
        ],
        Manager::Pnpm => &["add", "install", "i"],
        Manager::Gem => &["install", "i"],
        Manager::Go => &["install", "get"],
        Manager::Cargo => &["install"],
    }
}

/// Recognise a package install (`apt-get install`, `apk add`, `pip install`,
/// `npm ci`, `yarn global add`, `go install`, `cargo install`...).
pub fn install(cmd: &Command) -> Option<Install<'_>> {
    let (m, from) = manager(cmd)?;
    let pos = positionals(cmd, m, from);
    let mut k = 0;
    // `yarn global add`, `dnf module install`, `dnf group install`.
    let mut module = false;
    let mut group = false;
    if m == Manager::Yarn && pos.first().map(|p| p.1.value.as_str()) == Some("global") {
        k = 1;
    }
    if matches!(m, Manager::Dnf | Manager::Yum | Manager::Microdnf) {
        match pos.first().map(|p| p.1.value.as_str()) {
            Some("module") => {
                module = true;
                k = 1;
            }
            Some("group" | "groups") => {
                group = true;
                k = 1;
            }
            _ => {}
        }
    }
    let &(verb_at, verb) = pos.get(k)?;
    if !install_verbs(m).contains(&verb.value.as_str()) {
        return None;
    }
    let words: Vec<&Word> = pos[k + 1..].iter().map(|p| p.1).collect();
    let mut packages = Vec::new();
    match m {
        Manager::Pip | Manager::Uv => {
            for (flag, short) in [("--requirement", "-r"), ("--editable", "-e")] {
                for w in option_words(cmd, verb_at, short, flag) {
                    packages.push(if flag == "--requirement" {
                        Package {
                            name: &w.0.value[w.1..],
                            version: None,
                            pinned: true,
                            kind: PackageKind::Requirements,
                            word: w.0,
                        }
                    } else {
                        pip_package(w.0, &w.0.value[w.1..])
                    });
                }
            }
            packages.extend(words.into_iter().map(|w| pip_package(w, &w.value)));
            packages.sort_by_key(|p| p.word.span.start);
        }
        Manager::Gem => {
            let version = cmd.option_str(&["-v", "--version"]);
            for w in words {
                packages.push(gem_package(w, version));
            }
        }
        Manager::Cargo => {
            let version = cmd.option_str(&["--version", "--vers"]);
            for w in words {
                let (name, v) = match w.value.split_once('@') {
                    Some((n, v)) => (n, Some(v)),
                    None => (w.value.as_str(), version),
                };
                packages.push(Package {
                    name,
                    version: v,
                    pinned: v.is_some(),
                    kind: PackageKind::Registry,
                    word: w,
                });
            }
            let rev = cmd.option_str(&["--rev", "--tag"]);
            if let Some(w) = cmd.option_value(&["--git"]) {
                let name = cmd.option_str(&["--git"]).unwrap_or(&w.value);
                packages.push(Package {
                    name,
                    version: rev,
                    pinned: rev.is_some(),
                    kind: PackageKind::Url,
                    word: w,
                });
            }
            if let Some(w) = cmd.option_value(&["--path"]) {
                let name = cmd.option_str(&["--path"]).unwrap_or(&w.value);
                packages.push(Package {
                    name,
                    version: None,
                    pinned: true,
                    kind: PackageKind::Local,
                    word: w,
                });
            }
        }
        _ if group => {}
        _ => {
            for w in words {
                packages.push(match m {
                    Manager::AptGet | Manager::Apt => apt_package(w),
                    Manager::Apk => apk_package(w),
                    Manager::Dnf | Manager::Microdnf if module => module_package(w),
                    Manager::Yum if module => module_package(w),
                    Manager::Dnf | Manager::Microdnf => rpm_package(w, true),
                    Manager::Yum => rpm_package(w, false),
                    Manager::Zypper => zypper_package(w),
                    Manager::Npm | Manager::Yarn | Manager::Pnpm => npm_package(w),
                    _ => go_package(w),
                });
            }
        }
    }
    Some(Install {
        manager: m,
        command: cmd,
        packages,
        subcommand: verb,
    })
}

/// The words carrying the values of an option after argument `from`, with
/// where the value starts in each.
fn option_words<'a>(
    cmd: &'a Command,
    from: usize,
    short: &str,
    long: &str,
) -> Vec<(&'a Word, usize)> {
    let mut out = Vec::new();
    let mut i = from;
    while let Some(w) = cmd.args.get(i) {
        let v = w.value.as_str();
        if v == "--" {
            break;
        }
        if v == short || v == long {
            if let Some(next) = cmd.args.get(i + 1) {
                out.push((next, 0));
            }
            i += 1;
        } else if v.len() > long.len() + 1
            && v.starts_with(long)
            && v.as_bytes()[long.len()] == b'='
        {
            out.push((w, long.len() + 1));
        } else if v.len() > 2 && v.starts_with(short) && !v.starts_with("--") {
            out.push((w, 2));
        }
        i += 1;
    }
    out
}

/// Split at the first of `ops`: name, and the version after the run of
/// operator characters.
fn split_at_ops<'a>(s: &'a str, ops: &[char]) -> (&'a str, Option<&'a str>) {
    match s.find(ops) {
        Some(i) if i > 0 => {
            let rest = s[i..].trim_start_matches(ops);
            (&s[..i], Some(rest))
        }
        _ => (s, None),
    }
}

fn is_local_path(s: &str) -> bool {
    s == "." || s == ".." || s.starts_with(['/', '.', '~']) || s.starts_with("file:")
}

fn is_url(s: &str) -> bool {
    s.contains("://") || s.starts_with("git+") || s.starts_with("git@")
}

/// apt: `pkg=1.2`, `pkg/release`, `./file.deb`.
fn apt_package(w: &Word) -> Package<'_> {
    let v = w.value.as_str();
    let local = v.ends_with(".deb") || is_local_path(v);
    let (name, version) = if local {
        (v, None)
    } else {
        split_at_ops(v, &['='])
    };
    let name = name.split('/').next().filter(|_| !local).unwrap_or(name);
    Package {
        name,
        version,
        pinned: v.contains('=') || v.contains('/') || v.ends_with(".deb"),
        kind: if local {
            PackageKind::Local
        } else {
            PackageKind::Registry
        },
        word: w,
    }
}

/// apk: `pkg=1.2`, `pkg~1.2`, `pkg>1.2`, `file.apk`.
fn apk_package(w: &Word) -> Package<'_> {
    let v = w.value.as_str();
    let local = v.ends_with(".apk");
    let (name, version) = if local {
        (v, None)
    } else {
        split_at_ops(v, &['=', '~', '<', '>'])
    };
    Package {
        name,
        version,
        pinned: v.contains('=') || v.contains('~') || local,
        kind: if local {
            PackageKind::Local
        } else {
            PackageKind::Registry
        },
        word: w,
    }
}

/// A version-like part of an rpm name after a `-` (hadolint DL3041).
fn version_like(part: &str) -> bool {
    !part.is_empty()
        && part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
}

/// dnf/yum/microdnf: `pkg-1.2-3.el8`. For dnf and microdnf (`strict`),
/// pinned when every part after the first `-` is version-like and one starts
/// with a digit (DL3041); for yum, when there is any `-` (DL3033). Files
/// ending in `.rpm` are pinned.
fn rpm_package(w: &Word, strict: bool) -> Package<'_> {
    let v = w.value.as_str();
    let local = v.ends_with(".rpm");
    let parts: Vec<&str> = v.split('-').collect();
    let pinned = local
        || if strict {
            parts.len() > 1
                && parts[1..].iter().all(|p| version_like(p))
                && parts[1..]
                    .iter()
                    .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
        } else {
            v.contains('-')
        };
    // The version starts at the first part that starts with a digit.
    let mut name = v;
    let mut version = None;
    if !local {
        let mut at = 0;
        for (i, p) in parts.iter().enumerate() {
            if i > 0 && p.starts_with(|c: char| c.is_ascii_digit()) {
                name = &v[..at - 1];
                version = Some(&v[at..]);
                break;
            }
            at += p.len() + 1;
        }
    }
    Package {
        name,
        version,
        pinned,
        kind: if local {
            PackageKind::Local
        } else if is_url(v) {
            PackageKind::Url
        } else {
            PackageKind::Registry
        },
        word: w,
    }
}

/// `dnf module install nodejs:18/common`: pinned with a stream (`:`).
fn module_package(w: &Word) -> Package<'_> {
    let v = w.value.as_str();
    let (name, version) = match v.split_once(':') {
        Some((n, rest)) => (n, Some(rest.split('/').next().unwrap_or(rest))),
        None => (v.split('/').next().unwrap_or(v), None),
    };
    Package {
        name,
        version,
        pinned: v.contains(':'),
        kind: PackageKind::Registry,
        word: w,
    }
}

/// zypper: `pkg=1.2`, `pkg>=1.2`, `pkg<1.2`, `file.rpm`.
fn zypper_package(w: &Word) -> Package<'_> {
    let v = w.value.as_str();
    let local = v.ends_with(".rpm");
    let (name, version) = if local {
        (v, None)
    } else {
        split_at_ops(v, &['=', '<', '>'])
    };
    Package {
        name,
        version,
        pinned: local || v.contains(['=', '<', '>']),
        kind: if local {
            PackageKind::Local
        } else {
            PackageKind::Registry
        },
        word: w,
    }
}

/// VCS schemes pip knows.
const VCS: &[&str] = &["git+", "git:", "hg+", "svn+", "svn:", "bzr+"];

/// pip: `pkg==1.2`, `pkg>=1`, `pkg[extra]~=1.0`, VCS URLs, local files.
fn pip_package<'a>(w: &'a Word, v: &'a str) -> Package<'a> {
    let vcs = VCS.iter().any(|p| v.starts_with(p)) || v == "git";
    let local = !vcs
        && (v.ends_with(".whl")
            || v.ends_with(".tar.gz")
            || v.ends_with(".zip")
            || is_local_path(v)
            || (v.contains('/') && !v.contains("://")));
    let url = vcs || v.contains("://");
    let (name, version) = if url || local {
        match v.rsplit_once('@') {
            Some((n, ver)) if vcs && !ver.contains('/') => (n, Some(ver)),
            _ => (v, None),
        }
    } else {
        split_at_ops(v, &['=', '<', '>', '!', '~'])
    };
    const SYMBOLS: &[&str] = &["==", ">=", "<=", ">", "<", "!=", "~=", "==="];
    let pinned = SYMBOLS.iter().any(|s| v.contains(s))
        || (vcs && v.contains('@'))
        || v.ends_with(".whl")
        || v.ends_with(".tar.gz")
        || (!vcs && v.contains('/'))
        || local;
    Package {
        name,
        version,
        pinned,
        kind: if url {
            PackageKind::Url
        } else if local {
            PackageKind::Local
        } else {
            PackageKind::Registry
        },
        word: w,
    }
}

/// npm/yarn/pnpm: `pkg@1.2`, `@scope/pkg@1.2`, git URLs with `#ref`,
/// tarballs, folders (DL3016).
fn npm_package(w: &Word) -> Package<'_> {
    let v = w.value.as_str();
    let git = ["git://", "git+ssh://", "git+http://", "git+https://"]
        .iter()
        .any(|p| v.starts_with(p));
    let tarball = [".tar", ".tar.gz", ".tgz"].iter().any(|s| v.ends_with(s));
    let folder = ["/", "./", "../", "~/"].iter().any(|p| v.starts_with(p));
    if git || tarball || folder || v.contains("://") {
        let (name, version) = match v.rsplit_once('#') {
            Some((n, r)) if git => (n, Some(r)),
            _ => (v, None),
        };
        return Package {
            name,
            version,
            pinned: if git { v.contains('#') } else { true },
            kind: if folder || (tarball && !v.contains("://")) {
                PackageKind::Local
            } else {
                PackageKind::Url
            },
            word: w,
        };
    }
    // The version `@` is not the scope's leading one.
    let (name, version) = match v[1.min(v.len())..].find('@') {
        Some(i) => (&v[..i + 1], Some(&v[i + 2..])),
        None => (v, None),
    };
    Package {
        name,
        version,
        pinned: version.is_some(),
        kind: PackageKind::Registry,
        word: w,
    }
}

/// gem: `pkg:1.2`, or a version given by `-v`/`--version` (DL3028).
fn gem_package<'a>(w: &'a Word, option: Option<&'a str>) -> Package<'a> {
    let v = w.value.as_str();
    let local = v.ends_with(".gem");
    let (name, version) = match v.split_once(':') {
        Some((n, ver)) if !local => (n, Some(ver)),
        _ => (v, option),
    };
    Package {
        name,
        version,
        pinned: version.is_some() || local,
        kind: if local {
            PackageKind::Local
        } else {
            PackageKind::Registry
        },
        word: w,
    }
}

/// go: `module/path@v1.2.3`; `@latest` (or no `@`) is not pinned.
fn go_package(w: &Word) -> Package<'_> {
    let v = w.value.as_str();
    let (name, version) = match v.rsplit_once('@') {
        Some((n, ver)) => (n, Some(ver)),
        None => (v, None),
    };
    Package {
        name,
        version,
        pinned: version.is_some_and(|ver| !matches!(ver, "latest" | "master" | "main" | "HEAD")),
        kind: if is_local_path(v) {
            PackageKind::Local
        } else {
            PackageKind::Registry
        },
        word: w,
    }
}

/// Whether the command refreshes a package index: `apt-get update`, `apt
/// update`, `apk update` (or `apk add --update`/`-U`), `dnf`/`yum`/`microdnf
/// makecache`, `zypper refresh`/`ref`.
pub fn is_update(cmd: &Command) -> Option<Manager> {
    let (m, from) = manager(cmd)?;
    let verb = positionals(cmd, m, from)
        .first()
        .map(|p| p.1.value.as_str())?;
    let yes = match m {
        Manager::AptGet | Manager::Apt => verb == "update",
        Manager::Apk => verb == "update" || (verb == "add" && cmd.has_flag('U', "update")),
        Manager::Dnf | Manager::Yum | Manager::Microdnf => verb == "makecache",
        Manager::Zypper => matches!(verb, "refresh" | "ref"),
        _ => false,
    };
    yes.then_some(m)
}

/// What a cleanup removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CleanupTarget {
    /// Package index files (`rm -rf /var/lib/apt/lists/*`).
    Lists,
    /// Downloaded packages and caches (`apt-get clean`, `yum clean all`,
    /// `rm -rf /var/cache/apk/*`, `pip cache purge`...).
    Cache,
}

/// A cache or list cleanup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cleanup {
    /// Whose cache.
    pub manager: Manager,
    /// What is removed.
    pub target: CleanupTarget,
}

/// Whether the command cleans a package manager's cache: `rm -rf
/// /var/lib/apt/lists/*` (lists), `rm` of `/var/cache/apt`, `/var/cache/apk`,
/// `/var/cache/yum`, `/var/cache/dnf`, `/var/cache/zypp`, `~/.cache/pip`,
/// `~/.npm`, yarn's cache; `apt-get clean`, `apk cache clean`, `yum clean
/// all`, `dnf clean all`, `zypper clean`, `pip cache purge`, `npm cache
/// clean`, `yarn cache clean`, `pnpm store prune`, `go clean -cache`.
pub fn is_cache_cleanup(cmd: &Command) -> Option<Cleanup> {
    let cache = |manager| {
        Some(Cleanup {
            manager,
            target: CleanupTarget::Cache,
        })
    };
    if cmd.basename() == Some("rm") {
        for a in cmd.arg_values() {
            let p = a.trim_end_matches('*').trim_end_matches('/');
            if p == "/var/lib/apt/lists" || p.starts_with("/var/lib/apt/lists/") {
                return Some(Cleanup {
                    manager: Manager::AptGet,
                    target: CleanupTarget::Lists,
                });
            }
            let m = if p.starts_with("/var/cache/apt") {
                Manager::AptGet
            } else if p.starts_with("/var/cache/apk") || p.starts_with("/etc/apk/cache") {
                Manager::Apk
            } else if p.starts_with("/var/cache/yum") {
                Manager::Yum
            } else if p.starts_with("/var/cache/dnf") || p.starts_with("/var/cache/libdnf5") {
                Manager::Dnf
            } else if p.starts_with("/var/cache/zypp") {
                Manager::Zypper
            } else if p.ends_with(".cache/pip") || p.contains(".cache/pip/") {
                Manager::Pip
            } else if p.ends_with("/.npm") || p.contains("/.npm/") || p == "~/.npm" {
                Manager::Npm
            } else if p.contains("/.cache/yarn")
                || p.contains("yarn-cache")
                || p.ends_with(".yarn/cache")
            {
                Manager::Yarn
            } else {
                continue;
            };
            return cache(m);
        }
        return None;
    }
    let (m, from) = manager(cmd)?;
    let pos = positionals(cmd, m, from);
    let word = |i: usize| pos.get(i).map(|p| p.1.value.as_str());
    let yes = match m {
        Manager::AptGet | Manager::Apt => matches!(word(0), Some("clean" | "autoclean")),
        Manager::Apk => word(0) == Some("cache") && matches!(word(1), Some("clean" | "purge")),
        Manager::Dnf | Manager::Yum | Manager::Microdnf => word(0) == Some("clean"),
        Manager::Zypper => matches!(word(0), Some("clean" | "cc")),
        Manager::Pip => word(0) == Some("cache") && matches!(word(1), Some("purge" | "remove")),
        Manager::Uv => word(0) == Some("cache") && matches!(word(1), Some("clean" | "prune")),
        Manager::Npm | Manager::Yarn => word(0) == Some("cache") && word(1) == Some("clean"),
        Manager::Pnpm => word(0) == Some("store") && word(1) == Some("prune"),
        Manager::Go => {
            word(0) == Some("clean")
                && cmd
                    .arg_values()
                    .any(|a| matches!(a, "-cache" | "-modcache" | "--cache" | "--modcache"))
        }
        _ => false,
    };
    if yes { cache(m) } else { None }
}

/// Whether a command removes system packages: `apt-get`/`apt`
/// `purge`/`remove`, `apk del`, `dnf`/`yum` `remove`/`erase`, `microdnf
/// remove`, `zypper remove`/`rm`.
pub fn is_removal(cmd: &Command) -> bool {
    let Some(name) = cmd.basename() else {
        return false;
    };
    let verbs: &[&str] = match name {
        "apt-get" | "apt" => &["purge", "remove"],
        "apk" => &["del"],
        "dnf" | "yum" => &["remove", "erase"],
        "microdnf" => &["remove"],
        "zypper" => &["remove", "rm"],
        _ => return false,
    };
    cmd.args.iter().any(|w| verbs.contains(&w.value.as_str()))
}

/// A download tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Downloader {
    /// `curl`.
    Curl,
    /// `wget`.
    Wget,
}

/// Whether the command is `curl` or `wget`.
pub fn downloader(cmd: &Command) -> Option<Downloader> {
    match cmd.basename()? {
        "curl" => Some(Downloader::Curl),
        "wget" => Some(Downloader::Wget),
        _ => None,
    }
}

/// Whether command `cmd_index` of the script has its output piped into a
/// shell by a later stage of its pipeline: `curl ... | sh`, `wget -O- ... |
/// sudo bash -s`, `curl ... | tee x | bash`. `sudo` and `env` (with their
/// options and assignments) are looked through.
pub fn pipes_into_shell(script: &Script, cmd_index: usize) -> bool {
    let Some(cmd) = script.commands.get(cmd_index) else {
        return false;
    };
    let Some(p) = cmd.pipeline else {
        return false;
    };
    let Some(pipe) = script.pipelines.get(p) else {
        return false;
    };
    pipe.commands
        .iter()
        .filter_map(|&i| script.commands.get(i))
        .filter(|c| c.stage > cmd.stage)
        .any(runs_shell)
}

/// Whether a command runs a POSIX shell, also through `sudo` or `env`.
fn runs_shell(c: &Command) -> bool {
    let Some(name) = c.basename() else {
        return false;
    };
    if is_shell_program(name) {
        return true;
    }
    if !matches!(name, "sudo" | "env" | "doas") {
        return false;
    }
    let mut args = c.args.iter().map(|w| w.value.as_str());
    while let Some(v) = args.next() {
        if matches!(
            v,
            "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-r" | "-t" | "-T" | "-U" | "-S"
        ) && name != "env"
            || (name == "env" && matches!(v, "-u" | "-C" | "-S"))
        {
            args.next();
        } else if !v.starts_with('-') && !v.contains('=') {
            return is_shell_program(basename(v));
        }
    }
    false
}
