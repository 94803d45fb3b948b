//! Which services a Git change rebuilds, and the Bake plan that builds them.

use super::sources::{Service, clean, relative, show};
use crate::model::dockerignore::Matcher;
use crate::model::image::ImageRef;
use std::collections::BTreeMap;
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
                let Ok(bytes) = std::fs::read(&s.dockerfile) else {
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

/// A Bake target name: letters, digits, `-` and `_`.
pub fn target_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "service".to_string()
    } else {
        out
    }
}

/// A Bake file (JSON) building `services` in parallel: one target per
/// service with its context and Dockerfile (relative to `root`, where
/// `docker buildx bake` is to be run), the stage, the tag (the
/// service's image, else `<name>:latest`, or `<registry>/<name>:latest`
/// with a registry), and a `default` group of them all. With `cache`, each
/// target reads and writes that cache (`gha` for the GitHub Actions cache,
/// else a registry reference prefix: `<cache>/<name>:cache`).
pub fn bake(
    services: &[&Service],
    root: &Path,
    registry: Option<&str>,
    cache: Option<&str>,
) -> serde_json::Value {
    let mut targets = serde_json::Map::new();
    let mut names = Vec::new();
    for s in services {
        let mut name = target_name(&s.name);
        let base = name.clone();
        let mut n = 2;
        while targets.contains_key(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        let context = relative(&s.context, root);
        let dockerfile = relative(&s.dockerfile, &s.context);
        let tag = match (&s.image, registry) {
            (Some(image), _) => image.clone(),
            (None, Some(reg)) => format!("{}/{name}:latest", reg.trim_end_matches('/')),
            (None, None) => format!("{name}:latest"),
        };
        let mut t = serde_json::json!({
            "context": show(&context),
            "dockerfile": show(&dockerfile),
            "tags": [tag],
        });
        if let Some(stage) = &s.target {
            t["target"] = stage.clone().into();
        }
        match cache {
            Some("gha") => {
                t["cache-from"] = serde_json::json!([format!("type=gha,scope={name}")]);
                t["cache-to"] = serde_json::json!([format!("type=gha,mode=max,scope={name}")]);
            }
            Some(prefix) => {
                let r = format!("{}/{name}:cache", prefix.trim_end_matches('/'));
                t["cache-from"] = serde_json::json!([format!("type=registry,ref={r}")]);
                t["cache-to"] = serde_json::json!([format!("type=registry,ref={r},mode=max")]);
            }
            None => {}
        }
        targets.insert(name.clone(), t);
        names.push(name);
    }
    serde_json::json!({
        "group": { "default": { "targets": names } },
        "target": targets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_names() {
        assert_eq!(target_name("svc/api"), "svc-api");
        assert_eq!(target_name("a b.c"), "a-b-c");
        assert_eq!(target_name("//"), "service");
    }
}
