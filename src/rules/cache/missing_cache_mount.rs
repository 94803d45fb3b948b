//! A package manager, dependency install or build without a cache mount on
//! the tool's cache directory.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::cache::{for_each_command, runs};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::{self, Manager};
use crate::shell::{Command, builds};
use crate::syntax::Instruction;

/// The rule.
pub struct MissingCacheMount;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW328",
    name: "missing-cache-mount",
    category: Category::Cache,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: false,
    summary: "A package manager or build runs without a cache mount on its cache",
    doc: include_str!("../../../rules/missing-cache-mount.md"),
};

/// A tool with a download or build cache.
struct Tool {
    /// For people.
    name: &'static str,
    /// Its cache directories, as root in the official images (`~` is the
    /// user's home).
    dirs: &'static [&'static str],
    /// Words that name the cache in a mount target someone chose.
    fragments: &'static [&'static str],
    /// Environment variables that move the cache.
    env: &'static [&'static str],
    /// Extra mount options the tool needs.
    options: &'static str,
}

const APT: Tool = Tool {
    name: "apt",
    dirs: &["/var/cache/apt", "/var/lib/apt"],
    fragments: &["apt"],
    env: &[],
    options: ",sharing=locked",
};
const APK: Tool = Tool {
    name: "apk",
    dirs: &["/etc/apk/cache"],
    fragments: &["apk"],
    env: &[],
    options: "",
};
const DNF: Tool = Tool {
    name: "dnf",
    dirs: &["/var/cache/dnf"],
    fragments: &["dnf"],
    env: &[],
    options: ",sharing=locked",
};
const YUM: Tool = Tool {
    name: "yum",
    dirs: &["/var/cache/yum"],
    fragments: &["yum"],
    env: &[],
    options: ",sharing=locked",
};
const ZYPPER: Tool = Tool {
    name: "zypper",
    dirs: &["/var/cache/zypp"],
    fragments: &["zypp"],
    env: &[],
    options: ",sharing=locked",
};
const PIP: Tool = Tool {
    name: "pip",
    dirs: &["~/.cache/pip"],
    fragments: &["pip"],
    env: &["PIP_CACHE_DIR", "XDG_CACHE_HOME"],
    options: "",
};
const UV: Tool = Tool {
    name: "uv",
    dirs: &["~/.cache/uv"],
    fragments: &["uv"],
    env: &["UV_CACHE_DIR", "XDG_CACHE_HOME"],
    options: "",
};
const NPM: Tool = Tool {
    name: "npm",
    dirs: &["~/.npm"],
    fragments: &["npm"],
    env: &["npm_config_cache", "NPM_CONFIG_CACHE"],
    options: "",
};
const YARN: Tool = Tool {
    name: "yarn",
    dirs: &["/usr/local/share/.cache/yarn"],
    fragments: &["yarn"],
    env: &["YARN_CACHE_FOLDER"],
    options: "",
};
const PNPM: Tool = Tool {
    name: "pnpm",
    dirs: &["~/.local/share/pnpm/store"],
    fragments: &["pnpm"],
    env: &["PNPM_HOME", "npm_config_store_dir", "XDG_DATA_HOME"],
    options: "",
};
const GO: Tool = Tool {
    name: "go",
    dirs: &["~/.cache/go-build", "/go/pkg/mod"],
    fragments: &["go-build", "gocache", "pkg/mod", "gomod"],
    env: &["GOCACHE", "GOMODCACHE", "GOPATH", "XDG_CACHE_HOME"],
    options: "",
};
const CARGO: Tool = Tool {
    name: "cargo",
    dirs: &["/usr/local/cargo/registry"],
    fragments: &["cargo"],
    env: &["CARGO_HOME"],
    options: "",
};
const MAVEN: Tool = Tool {
    name: "maven",
    dirs: &["~/.m2"],
    fragments: &[".m2", "maven"],
    env: &["MAVEN_CONFIG", "MAVEN_OPTS"],
    options: "",
};
const GRADLE: Tool = Tool {
    name: "gradle",
    dirs: &["~/.gradle"],
    fragments: &["gradle"],
    env: &["GRADLE_USER_HOME"],
    options: "",
};
const BUNDLER: Tool = Tool {
    name: "bundler",
    dirs: &["/usr/local/bundle/cache"],
    fragments: &["bundle", ".gem"],
    env: &["BUNDLE_PATH", "BUNDLE_CACHE_PATH", "GEM_HOME"],
    options: "",
};
const COMPOSER: Tool = Tool {
    name: "composer",
    dirs: &["~/.composer/cache"],
    fragments: &["composer", "/tmp/cache"],
    env: &["COMPOSER_HOME", "COMPOSER_CACHE_DIR"],
    options: "",
};

/// The tool a command downloads or builds with, if it has a cache, and
/// what the command does, for people (`apt-get install`, `go build`).
fn tool(cmd: &Command) -> Option<(&'static Tool, String)> {
    if let Some(install) = packages::install(cmd) {
        let tool = match install.manager {
            Manager::AptGet | Manager::Apt => &APT,
            Manager::Apk => &APK,
            Manager::Dnf => &DNF,
            Manager::Yum => &YUM,
            Manager::Zypper => &ZYPPER,
            Manager::Pip => &PIP,
            Manager::Uv => &UV,
            Manager::Npm => &NPM,
            Manager::Yarn => &YARN,
            Manager::Pnpm => &PNPM,
            Manager::Go => &GO,
            Manager::Cargo => &CARGO,
            Manager::Microdnf | Manager::Gem => return None,
        };
        let uv_pip =
            install.manager == Manager::Uv && cmd.args.first().is_some_and(|w| w.value == "pip");
        let what = format!(
            "{}{} {}",
            install.manager.as_str(),
            if uv_pip { " pip" } else { "" },
            install.subcommand.value
        );
        return Some((tool, what));
    }
    let name = cmd.basename()?;
    if name == "uv" {
        let sub = cmd.args.first().map(|w| w.value.as_str());
        return matches!(sub, Some("sync" | "add"))
            .then(|| (&UV, format!("uv {}", sub.unwrap_or(""))));
    }
    let what = if let Some(d) = builds::dependency_install(cmd) {
        d.tool.to_string()
    } else if let Some(b) = builds::build_step(cmd) {
        // A bundler run by npm compiles; it downloads nothing.
        if b.ecosystem == builds::Ecosystem::Node {
            return None;
        }
        b.what
    } else {
        return None;
    };
    let tool = match name {
        "npm" => &NPM,
        "yarn" => &YARN,
        "pnpm" => &PNPM,
        "go" => &GO,
        "cargo" => &CARGO,
        "mvn" | "mvnw" => &MAVEN,
        "gradle" | "gradlew" => &GRADLE,
        "bundle" | "bundler" => &BUNDLER,
        "composer" | "composer.phar" => &COMPOSER,
        "poetry" | "pipenv" => return None,
        n if n.starts_with("pip") || n.starts_with("python") => &PIP,
        _ => return None,
    };
    Some((tool, what))
}

/// Whether a cache mount of the `RUN` serves the tool: its target is one of
/// the tool's directories (or a parent of one), names the tool, is where an
/// environment variable in scope moves the cache, or is named in the `RUN`
/// itself (`npm ci --cache /tmp/npm`, `go env -w GOMODCACHE=/gomod`).
fn served(
    cx: &Context<'_>,
    index: usize,
    inst: &Instruction,
    tool: &Tool,
    targets: &[String],
) -> bool {
    if targets.is_empty() {
        return false;
    }
    let scope = cx.model.scope_at(index);
    let text = cx.text(inst.span);
    let flags_end = inst
        .effective()
        .flags
        .last()
        .map_or(inst.span.start, |f| f.span.end);
    let body = &cx.source[flags_end.min(inst.span.end)..inst.span.end];
    targets.iter().any(|t| {
        let t = t.trim_end_matches('/');
        if t.is_empty() {
            return false;
        }
        tool.dirs.iter().any(|d| {
            let d = d.replace('~', "/root");
            d == t || d.starts_with(&format!("{t}/"))
        }) || tool.fragments.iter().any(|f| t.contains(f))
            || tool.env.iter().any(|e| {
                scope
                    .var(e)
                    .and_then(|v| v.value.as_deref())
                    .is_some_and(|v| {
                        let v = v.trim_end_matches('/');
                        !v.is_empty()
                            && (v == t
                                || v.starts_with(&format!("{t}/"))
                                || t.starts_with(&format!("{v}/")))
                    })
            })
            || (t.len() > 1 && body.contains(t) && text.contains(t))
    })
}

/// The mount options to suggest, `~` written for the home of `user`.
fn suggestion(tool: &Tool, user: Option<&str>) -> (String, bool) {
    let home = match user {
        None => "/root",
        Some(u) if matches!(u.split(':').next(), Some("root" | "0")) => "/root",
        Some(_) => "~",
    };
    let mut non_root_home = false;
    let mounts: Vec<String> = tool
        .dirs
        .iter()
        .map(|d| {
            if d.starts_with('~') && home == "~" {
                non_root_home = true;
            }
            format!(
                "--mount=type=cache,target={}{}",
                d.replacen('~', home, 1),
                tool.options
            )
        })
        .collect();
    (mounts.join(" "), non_root_home)
}

impl Rule for MissingCacheMount {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in runs(cx) {
            // tmpfs mounts keep nothing between builds: only cache mounts count.
            let targets = super::mount_targets(inst, &["cache"]);
            let mut seen: Vec<&'static str> = Vec::new();
            let mut found = Vec::new();
            for_each_command(cx, i, |cmd| {
                if let Some((t, what)) = tool(cmd)
                    && !seen.contains(&t.name)
                {
                    seen.push(t.name);
                    found.push((t, cmd.span, what));
                }
            });
            for (t, span, what) in found {
                if served(cx, i, inst, t, &targets) {
                    continue;
                }
                let user = cx.user_at(i);
                let (mounts, non_root) = suggestion(t, user);
                let mut d = cx.diag(
                    &META,
                    span,
                    format!(
                        "`{what}` runs without a cache mount: each time this `RUN` runs, it downloads{} everything again",
                        if matches!(t.name, "go" | "cargo" | "maven" | "gradle") {
                            " and compiles"
                        } else {
                            ""
                        }
                    ),
                );
                let mut help = format!("`RUN {mounts} ...`");
                if non_root {
                    help.push_str(&format!(
                        " (`~` is the home of user `{}`)",
                        user.unwrap_or("")
                    ));
                }
                if t.name == "apt" {
                    help.push_str(
                        ", and remove `/etc/apt/apt.conf.d/docker-clean` so that apt keeps what it downloads",
                    );
                }
                d.help = Some(help);
                out.push(d);
            }
        }
    }
}
