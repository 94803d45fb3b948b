//! Which services a Git change rebuilds, and the Bake plan that builds them.

use super::sources::{Service, clean, relative, show};
use crate::model::dockerignore::Matcher;
use crate::model::image::ImageRef;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A service that a change rebuilds, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Changed {
    /// The service's name.
    pub name: String,
    /// Why: the changed files (relative to the repository root, at most a
    /// few), or the service whose image it is built on.
    pub reasons: Vec<String>,
}

/// How many changed files a service's reasons list.
const MAX_REASONS: usize = 5;

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The files changed since `rev` in the repository that holds `root`
/// (committed, staged, unstaged, and new files Git does not ignore), as
/// absolute paths.
pub fn changed_files(root: &Path, rev: &str) -> Result<Vec<PathBuf>, String> {
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a revision"));
    }
    let top = PathBuf::from(git(root, &["rev-parse", "--show-toplevel"])?.trim_end_matches('\n'));
    let mut out = Vec::new();
    let diff = git(
        root,
        &["diff", "--name-only", "--no-renames", "-z", rev, "--"],
    )?;
    let new = git(
        root,
        &[
            "ls-files",
            "--others",
            "--exclude-standard",
            "--full-name",
            "-z",
        ],
    )?;
    for name in diff.split('\0').chain(new.split('\0')) {
        if !name.is_empty() {
            out.push(top.join(name));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn absolute(p: &Path) -> PathBuf {
    // Compare canonical directories; files may have been deleted.
    let p = clean(p);
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            dir.canonicalize()
                .map_or_else(|_| p.clone(), |d| d.join(name))
        }
        _ => p,
    }
}

/// The services a change to `files` (absolute paths) rebuilds: a changed
/// Dockerfile, or a changed file of the build context that its
/// `.dockerignore` does not leave out (a changed ignore file counts), and
/// then every service that uses the image of a changed service (its
/// Compose `image:` or Bake tag) in a `FROM`, a `COPY --from` or a
/// `RUN --mount=from=`. In the services' order.
pub fn changed(services: &[Service], root: &Path, files: &[PathBuf]) -> Vec<Changed> {
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); services.len()];
    for (i, s) in services.iter().enumerate() {
        let dockerfile = absolute(&s.dockerfile);
        let context = absolute(&s.context);
        let patterns = super::dockerignore(s).unwrap_or_default();
        let matcher = Matcher::new(&patterns);
        let ignore_files = [
            context.join(".dockerignore"),
            dockerfile.with_file_name(format!(
                "{}.dockerignore",
                dockerfile
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            )),
        ];
        for f in files {
            let why = if *f == dockerfile || ignore_files.contains(f) {
                true
            } else if let Ok(rel) = f.strip_prefix(&context) {
                !matcher.excludes(&show(rel))
            } else {
                false
            };
            if why {
                reasons[i].push(show(&relative(f, &absolute(root))));
            }
        }
    }
    // Services built on the image another service builds.
    let images: BTreeMap<String, usize> = services
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let r = ImageRef::parse(s.image.as_deref()?).ok()?;
            Some((super::normalize(&r), i))
        })
        .collect();
    if !images.is_empty() {
        let bases: Vec<Vec<usize>> = services
            .iter()
            .map(|s| {
                // Only for the images it names; a file over the default
                // limit names none here (`analyze` reports it).
                let Ok(bytes) =
                    crate::input::read_file(&s.dockerfile, crate::input::DEFAULT_MAX_FILE_SIZE)
                else {
                    return Vec::new();
                };
                let Ok(text) = crate::syntax::decode(&bytes) else {
                    return Vec::new();
                };
                let parse = crate::syntax::parse(text);
                let model = crate::model::Model::build(&parse.dockerfile, &Default::default());
                model
                    .stages
                    .iter()
                    .flat_map(|st| {
                        let base = match &st.base {
                            crate::model::Base::Image(r) => Some(super::normalize(r)),
                            _ => None,
                        };
                        // `COPY --from=<image>` and `RUN --mount=from=<image>`.
                        let copied = st.deps.iter().filter_map(|d| match &d.target {
                            crate::model::DepTarget::Image(name) => {
                                ImageRef::parse(name).ok().map(|r| super::normalize(&r))
                            }
                            crate::model::DepTarget::Stage(_) => None,
                        });
                        base.into_iter().chain(copied).collect::<Vec<_>>()
                    })
                    .filter_map(|name| images.get(&name).copied())
                    .collect()
            })
            .collect();
        // Propagate until nothing changes.
        loop {
            let mut more = false;
            for i in 0..services.len() {
                if !reasons[i].is_empty() {
                    continue;
                }
                if let Some(&j) = bases[i].iter().find(|&&j| j != i && !reasons[j].is_empty()) {
                    reasons[i].push(format!("uses the image of {}", services[j].name));
                    more = true;
                }
            }
            if !more {
                break;
            }
        }
    }
    services
        .iter()
        .zip(reasons)
        .filter(|(_, r)| !r.is_empty())
        .map(|(s, mut r)| {
            if r.len() > MAX_REASONS {
                let n = r.len() - MAX_REASONS;
                r.truncate(MAX_REASONS);
                r.push(format!("and {n} more"));
            }
            Changed {
                name: s.name.clone(),
                reasons: r,
            }
        })
        .collect()
}

/// A Bake target name that is also an HCL identifier: ASCII letters,
/// digits, `-` and `_`, not starting with a digit or `-` (a run of other
/// characters becomes one `-`; a leading digit gets a `_` before it).
pub fn target_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        return "service".to_string();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Where the targets of a Bake plan keep their build cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cache {
    /// The GitHub Actions cache (`type=gha`), one scope per target.
    Gha,
    /// A registry: `<prefix>/<target>:cache` (`type=registry`).
    Registry(String),
}

impl Cache {
    /// `gha`, else a registry reference prefix.
    pub fn parse(s: &str) -> Cache {
        if s == "gha" {
            Cache::Gha
        } else {
            Cache::Registry(s.trim_end_matches('/').to_string())
        }
    }

    /// The `cache-from` and `cache-to` entries of the target `name`.
    fn entries(&self, name: &str) -> (String, String) {
        match self {
            Cache::Gha => (
                format!("type=gha,scope={name}"),
                format!("type=gha,mode=max,scope={name}"),
            ),
            Cache::Registry(prefix) => {
                let r = format!("{prefix}/{name}:cache");
                (
                    format!("type=registry,ref={r}"),
                    format!("type=registry,ref={r},mode=max"),
                )
            }
        }
    }
}

/// What a Bake plan adds to the services.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BakeOptions {
    /// Tag images `<registry>/<target>:latest` when a service names no image.
    pub registry: Option<String>,
    /// The build cache every target reads and writes.
    pub cache: Option<Cache>,
    /// The platforms of the targets whose service declares none.
    pub platforms: Vec<String>,
}

/// One target of a Bake plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BakeTarget {
    /// The target's name (see [`target_name`]; unique in the plan).
    pub name: String,
    /// The service it builds.
    pub service: String,
    /// The build context, relative to the directory Bake runs in.
    pub context: String,
    /// The Dockerfile, relative to the context.
    pub dockerfile: String,
    /// The stage built, if not the last.
    pub target: Option<String>,
    /// The image tags.
    pub tags: Vec<String>,
    /// The platforms; empty for the builder's default.
    pub platforms: Vec<String>,
    /// `cache-from` entries.
    pub cache_from: Vec<String>,
    /// `cache-to` entries.
    pub cache_to: Vec<String>,
}

/// A plan for `docker buildx bake`: its targets, all in the `default` group.
/// [`BakePlan::to_json`] writes it as `docker-bake.json`,
/// [`BakePlan::to_hcl`] as `docker-bake.hcl`; both say the same.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BakePlan {
    /// The targets, in the services' order.
    pub targets: Vec<BakeTarget>,
}

/// The Bake plan building `services` in parallel: one target per service
/// with its context and Dockerfile (relative to `root`, where
/// `docker buildx bake` is to be run), the stage, the tag (the service's
/// image, else `<name>:latest`, or `<registry>/<name>:latest` with a
/// registry), the platforms (the service's own, else those of `options`),
/// and the cache (`gha`: `type=gha` with a scope per target; a registry
/// prefix: `<prefix>/<name>:cache`).
pub fn bake(services: &[&Service], root: &Path, options: &BakeOptions) -> BakePlan {
    // `default` is the group's name.
    let mut taken: std::collections::HashSet<String> = ["default".to_string()].into();
    let mut targets = Vec::with_capacity(services.len());
    for s in services {
        let base = target_name(&s.name);
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        let tags = vec![match (&s.image, &options.registry) {
            (Some(image), _) => image.clone(),
            (None, Some(reg)) => format!("{}/{name}:latest", reg.trim_end_matches('/')),
            (None, None) => format!("{name}:latest"),
        }];
        let platforms = if s.platforms.is_empty() {
            options.platforms.clone()
        } else {
            s.platforms.clone()
        };
        let (cache_from, cache_to) = match &options.cache {
            Some(c) => {
                let (from, to) = c.entries(&name);
                (vec![from], vec![to])
            }
            None => (Vec::new(), Vec::new()),
        };
        targets.push(BakeTarget {
            service: s.name.clone(),
            context: show(&relative(&s.context, root)),
            dockerfile: show(&relative(&s.dockerfile, &s.context)),
            target: s.target.clone(),
            tags,
            platforms,
            cache_from,
            cache_to,
            name,
        });
    }
    BakePlan { targets }
}

impl BakeTarget {
    /// The target's attributes as Bake names them, in the order written;
    /// empty lists and an absent stage are left out.
    fn attributes(&self) -> Vec<(&'static str, Attr<'_>)> {
        let mut out = vec![
            ("context", Attr::One(&self.context)),
            ("dockerfile", Attr::One(&self.dockerfile)),
        ];
        if let Some(t) = &self.target {
            out.push(("target", Attr::One(t)));
        }
        for (key, list) in [
            ("tags", &self.tags),
            ("platforms", &self.platforms),
            ("cache-from", &self.cache_from),
            ("cache-to", &self.cache_to),
        ] {
            if !list.is_empty() {
                out.push((key, Attr::List(list)));
            }
        }
        out
    }
}

/// An attribute's value: a string or a list of strings.
enum Attr<'a> {
    One(&'a str),
    List(&'a [String]),
}

impl BakePlan {
    /// The names of the targets (the `default` group).
    pub fn names(&self) -> Vec<&str> {
        self.targets.iter().map(|t| t.name.as_str()).collect()
    }

    /// The plan as `docker-bake.json`: `{"group": {"default": {"targets":
    /// [...]}}, "target": {name: {...}}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut targets = serde_json::Map::new();
        for t in &self.targets {
            let mut o = serde_json::Map::new();
            for (key, value) in t.attributes() {
                let v = match value {
                    Attr::One(s) => serde_json::Value::from(s),
                    Attr::List(l) => serde_json::Value::from(l.to_vec()),
                };
                o.insert(key.to_string(), v);
            }
            targets.insert(t.name.clone(), o.into());
        }
        serde_json::json!({
            "group": { "default": { "targets": self.names() } },
            "target": targets,
        })
    }

    /// The plan as `docker-bake.hcl`: a `group "default"` block, then one
    /// `target` block per target, every string escaped with [`hcl_string`].
    pub fn to_hcl(&self) -> String {
        let mut out = String::from(
            "# Written by `slipway fleet --emit bake`. Run `docker buildx bake -f <this file>`\n\
             # from the directory given to `slipway fleet`: contexts are relative to it.\n\n",
        );
        // The group's list, one target a line (a fleet has many).
        out.push_str("group \"default\" {\n  targets = [");
        for (i, t) in self.targets.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&hcl_string(&t.name));
        }
        if !self.targets.is_empty() {
            out.push_str(",\n  ");
        }
        out.push_str("]\n}\n");
        for t in &self.targets {
            out.push_str("\ntarget ");
            out.push_str(&hcl_string(&t.name));
            out.push_str(" {\n");
            let attributes = t.attributes();
            let width = attributes.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (key, value) in attributes {
                let _ = write!(out, "  {key:width$} = ");
                match value {
                    Attr::One(s) => out.push_str(&hcl_string(s)),
                    Attr::List(l) => hcl_list(&mut out, l.iter().map(String::as_str)),
                }
                out.push('\n');
            }
            out.push_str("}\n");
        }
        out
    }
}

fn hcl_list<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    out.push('[');
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&hcl_string(s));
    }
    out.push(']');
}

/// `s` as an HCL quoted string whose value is exactly `s`: `"` and `\`
/// escaped, newline, carriage return and tab as `\n`, `\r`, `\t`, other
/// control characters as `\uNNNN`, and the template sequences `${` and
/// `%{` written `$${` and `%%{` so that nothing is interpolated.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_names() {
        assert_eq!(target_name("svc/api"), "svc-api");
        assert_eq!(target_name("a b.c"), "a-b-c");
        assert_eq!(target_name("//"), "service");
        assert_eq!(target_name("-a--b-"), "a-b");
        assert_eq!(target_name("_x"), "_x");
        assert_eq!(target_name("2fa"), "_2fa");
        assert_eq!(target_name("café/ü"), "caf");
    }

    #[test]
    fn hcl_strings() {
        assert_eq!(hcl_string("plain"), r#""plain""#);
        assert_eq!(hcl_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(hcl_string("${x} %{if y}"), r#""$${x} %%{if y}""#);
        // `$$` not before `{` stays; `$${` gains one `$`.
        assert_eq!(hcl_string("$$ $${x} $"), r#""$$ $$${x} $""#);
        assert_eq!(hcl_string("a\nb\t\u{1}"), r#""a\nb\t\u0001""#);
        assert_eq!(hcl_string("ünï"), "\"ünï\"");
    }

    fn service(name: &str, dir: &str) -> Service {
        Service {
            name: name.into(),
            dockerfile: Path::new("r").join(dir).join("Dockerfile"),
            context: Path::new("r").join(dir),
            target: None,
            image: None,
            platforms: Vec::new(),
            origin: String::new(),
        }
    }

    #[test]
    fn plan_names_are_unique_and_default_is_the_group() {
        let s = [
            service("a b", "x"),
            service("a-b", "y"),
            service("default", "z"),
            service("a/b", "w"),
        ];
        let refs: Vec<&Service> = s.iter().collect();
        let plan = bake(&refs, Path::new("r"), &BakeOptions::default());
        assert_eq!(plan.names(), ["a-b", "a-b-2", "default-2", "a-b-3"]);
        assert_eq!(plan.targets[1].context, "y");
        assert_eq!(plan.targets[1].dockerfile, "Dockerfile");
    }

    #[test]
    fn json_and_hcl_say_the_same() {
        let mut s = service("web", "web");
        s.target = Some("prod".into());
        s.platforms = vec!["linux/arm64".into()];
        let other = service("api", "api");
        let options = BakeOptions {
            registry: Some("ghcr.io/acme/".into()),
            cache: Some(Cache::parse("reg.example/cache/")),
            platforms: vec!["linux/amd64".into()],
        };
        let plan = bake(&[&s, &other], Path::new("r"), &options);
        let json = plan.to_json();
        assert_eq!(
            json["group"]["default"]["targets"],
            serde_json::json!(["web", "api"])
        );
        let web = &json["target"]["web"];
        assert_eq!(web["target"], "prod");
        assert_eq!(web["platforms"], serde_json::json!(["linux/arm64"]));
        assert_eq!(web["tags"], serde_json::json!(["ghcr.io/acme/web:latest"]));
        assert_eq!(
            web["cache-to"],
            serde_json::json!(["type=registry,ref=reg.example/cache/web:cache,mode=max"])
        );
        assert_eq!(
            json["target"]["api"]["platforms"],
            serde_json::json!(["linux/amd64"])
        );
        assert!(json["target"]["api"].get("target").is_none());
        let hcl = plan.to_hcl();
        assert!(
            hcl.contains(
                "target \"web\" {\n  context    = \"web\"\n  dockerfile = \"Dockerfile\"\n  target     = \"prod\"\n"
            ),
            "{hcl}"
        );
        assert!(
            hcl.contains(
                "group \"default\" {\n  targets = [\n    \"web\",\n    \"api\",\n  ]\n}\n"
            ),
            "{hcl}"
        );
        let empty = BakePlan::default().to_hcl();
        assert!(
            empty.ends_with("group \"default\" {\n  targets = []\n}\n"),
            "{empty}"
        );
    }
}
