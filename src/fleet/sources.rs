//! Where the services of a repository are declared: Dockerfiles on disk
//! (each one a service, its directory the build context), and the `build:`
//! entries of Compose files and the targets of Bake files (JSON form), which
//! name a context and a Dockerfile.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// A service to build: a Dockerfile and its build context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// Its name: the Compose service or Bake target, else the Dockerfile's
    /// directory relative to the root (with the file's own name when it is
    /// not plain `Dockerfile`).
    pub name: String,
    /// The Dockerfile (the root joined with a relative path, lexically
    /// cleaned).
    pub dockerfile: PathBuf,
    /// The build context directory.
    pub context: PathBuf,
    /// The stage built (`target:` in Compose or Bake), if any.
    pub target: Option<String>,
    /// The image name it is tagged with (`image:` in Compose, the first of
    /// `tags` in Bake), if any.
    pub image: Option<String>,
    /// The platforms it is built for (`build.platforms` in Compose,
    /// `platforms` in Bake); empty when none are declared.
    pub platforms: Vec<String>,
    /// Where it was declared: `Dockerfile`, `compose.yaml`, `docker-bake.json`
    /// (the file's path relative to the root).
    pub origin: String,
}

/// Whether a file name is a Compose file Slipway reads.
pub fn is_compose_name(name: &str) -> bool {
    matches!(
        name,
        "compose.yaml" | "compose.yml" | "docker-compose.yaml" | "docker-compose.yml"
    )
}

/// Whether a file name is a Bake file (`docker-bake.json`, `docker-bake.hcl`,
/// and their `.override.` forms).
pub fn is_bake_name(name: &str) -> bool {
    matches!(
        name,
        "docker-bake.json"
            | "docker-bake.hcl"
            | "docker-bake.override.json"
            | "docker-bake.override.hcl"
    )
}

/// Lexically clean a path: drop `.` components and resolve `..` against
/// the components before it (not the file system).
pub fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// `path` relative to `base` (both cleaned, both relative or both absolute),
/// with `..` where needed; `.` for the same path.
pub fn relative(path: &Path, base: &Path) -> PathBuf {
    let path = clean(path);
    let base = clean(base);
    if base == Path::new(".") {
        return path;
    }
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// A path as shown: `/`-separated (on Windows, `\` becomes `/`; elsewhere
/// a `\` is part of a file name and stays).
pub fn show(path: &Path) -> String {
    let s = path.to_string_lossy();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

/// The services declared by a Compose file at `path` (whose `build:`
/// paths are relative to its directory). `notes` gets what was skipped.
pub fn compose_services(
    path: &Path,
    root: &Path,
    text: &str,
    notes: &mut Vec<String>,
) -> Vec<Service> {
    let shown = show(&relative(path, root));
    let doc: serde_yaml_ng::Value = match serde_yaml_ng::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            notes.push(format!("{shown}: not read: {e}"));
            return Vec::new();
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    let Some(services) = doc.get("services").and_then(|s| s.as_mapping()) else {
        return out;
    };
    for (name, service) in services {
        let Some(name) = name.as_str() else { continue };
        let Some(build) = service.get("build") else {
            // An image pulled, not built here.
            continue;
        };
        let image = service
            .get("image")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let platforms = strings(build.get("platforms"));
        let (context, dockerfile, target) = match build {
            serde_yaml_ng::Value::String(c) => (c.clone(), None, None),
            serde_yaml_ng::Value::Mapping(_) => {
                if build.get("dockerfile_inline").is_some() {
                    notes.push(format!(
                        "{shown}: service `{name}`: an inline Dockerfile (dockerfile_inline) is not read"
                    ));
                    continue;
                }
                (
                    build
                        .get("context")
                        .and_then(|v| v.as_str())
                        .unwrap_or(".")
                        .to_string(),
                    build
                        .get("dockerfile")
                        .and_then(|v| v.as_str())
                        .map(str::to_string),
                    build
                        .get("target")
                        .and_then(|v| v.as_str())
                        .map(str::to_string),
                )
            }
            _ => {
                notes.push(format!(
                    "{shown}: service `{name}`: `build` is neither a path nor a mapping"
                ));
                continue;
            }
        };
        if let Some(s) = local_service(name, &context, dockerfile.as_deref(), dir, &shown, notes) {
            out.push(Service {
                target,
                image,
                platforms,
                ..s
            });
        }
    }
    out
}

/// The targets of a Bake file in JSON (`docker-bake.json`); paths are
/// relative to the file's directory. An HCL file is not read: `notes` says so.
pub fn bake_services(
    path: &Path,
    root: &Path,
    text: &str,
    notes: &mut Vec<String>,
) -> Vec<Service> {
    let shown = show(&relative(path, root));
    if path.extension().is_some_and(|e| e == "hcl") {
        notes.push(format!(
            "{shown}: not read: Bake's HCL form is not supported (its JSON form, docker-bake.json, is); \
             the Dockerfiles it names are still found on disk"
        ));
        return Vec::new();
    }
    let doc: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            notes.push(format!("{shown}: not read: {e}"));
            return Vec::new();
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    let Some(targets) = doc.get("target").and_then(|t| t.as_object()) else {
        return out;
    };
    for (name, t) in targets {
        let context = t.get("context").and_then(|v| v.as_str()).unwrap_or(".");
        if t.get("dockerfile-inline").is_some() {
            notes.push(format!(
                "{shown}: target `{name}`: an inline Dockerfile is not read"
            ));
            continue;
        }
        let dockerfile = t.get("dockerfile").and_then(|v| v.as_str());
        if let Some(s) = local_service(name, context, dockerfile, dir, &shown, notes) {
            out.push(Service {
                target: t.get("target").and_then(|v| v.as_str()).map(str::to_string),
                image: t
                    .get("tags")
                    .and_then(|v| v.as_array())
                    .and_then(|a| a.first())
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                platforms: t
                    .get("platforms")
                    .and_then(|v| v.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                ..s
            });
        }
    }
    out
}

/// A service with a context on disk; a remote context (a URL, a Git
/// repository) is skipped with a note.
fn local_service(
    name: &str,
    context: &str,
    dockerfile: Option<&str>,
    dir: &Path,
    shown: &str,
    notes: &mut Vec<String>,
) -> Option<Service> {
    if context.contains("://") || context.starts_with("git@") || context.ends_with(".git") {
        notes.push(format!(
            "{shown}: `{name}`: the remote context {context} is not read"
        ));
        return None;
    }
    let context = clean(&dir.join(context));
    let dockerfile = clean(&context.join(dockerfile.unwrap_or("Dockerfile")));
    Some(Service {
        name: name.to_string(),
        dockerfile,
        context,
        target: None,
        image: None,
        platforms: Vec::new(),
        origin: shown.to_string(),
    })
}

/// The strings of a YAML sequence (`platforms: [linux/amd64]`); nothing
/// for anything else.
fn strings(v: Option<&serde_yaml_ng::Value>) -> Vec<String> {
    v.and_then(|v| v.as_sequence())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The service of a Dockerfile found on disk that no Compose or Bake file
/// names: its context is its directory.
pub fn dockerfile_service(path: &Path, root: &Path) -> Service {
    let path = clean(path);
    let context = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let rel_dir = relative(&context, root);
    let dir_name = if rel_dir == Path::new(".") {
        root.canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| ".".to_string())
    } else {
        show(&rel_dir)
    };
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let variant = file
        .strip_prefix("Dockerfile.")
        .or_else(|| file.strip_prefix("Containerfile."))
        .or_else(|| file.strip_suffix(".Dockerfile"))
        .or_else(|| file.strip_suffix(".dockerfile"));
    let name = match variant {
        Some(v) if !v.is_empty() => format!("{dir_name}/{v}"),
        _ => dir_name,
    };
    Service {
        name,
        origin: show(&relative(&path, root)),
        dockerfile: path,
        context,
        target: None,
        image: None,
        platforms: Vec::new(),
    }
}

/// Put the services together: the declared ones (Compose, then Bake, in
/// the order given) once per Dockerfile, context and target, then every
/// Dockerfile on disk that none of them names. Names are made unique
/// (`-2`, `-3`, ...). Sorted by name.
pub fn merge(declared: Vec<Service>, dockerfiles: &[PathBuf], root: &Path) -> Vec<Service> {
    let mut seen: HashSet<(PathBuf, PathBuf, Option<String>)> = HashSet::new();
    let mut named: HashSet<PathBuf> = HashSet::new();
    let mut out = Vec::new();
    for s in declared {
        if seen.insert((s.dockerfile.clone(), s.context.clone(), s.target.clone())) {
            named.insert(s.dockerfile.clone());
            out.push(s);
        }
    }
    for d in dockerfiles {
        let d = clean(d);
        if !named.contains(&d) {
            named.insert(d.clone());
            out.push(dockerfile_service(&d, root));
        }
    }
    let mut used: HashSet<String> = HashSet::new();
    for s in &mut out {
        if !used.insert(s.name.clone()) {
            let mut n = 2;
            while !used.insert(format!("{}-{n}", s.name)) {
                n += 1;
            }
            s.name = format!("{}-{n}", s.name);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(clean(Path::new("./a/../b/./c")), PathBuf::from("b/c"));
        assert_eq!(clean(Path::new("a/..")), PathBuf::from("."));
        assert_eq!(
            relative(Path::new("r/a/b"), Path::new("r")),
            PathBuf::from("a/b")
        );
        assert_eq!(
            relative(Path::new("r/a"), Path::new("r/b")),
            PathBuf::from("../a")
        );
        assert_eq!(relative(Path::new("r"), Path::new("r")), PathBuf::from("."));
    }

    #[test]
    fn compose_build_entries() {
        let text = "services:\n  api:\n    build: ./api\n  web:\n    build:\n      context: web\n      dockerfile: web.Dockerfile\n      target: prod\n    image: acme/web:1\n  db:\n    image: postgres:16\n  remote:\n    build: https://github.com/acme/x.git\n";
        let mut notes = Vec::new();
        let s = compose_services(
            Path::new("r/compose.yaml"),
            Path::new("r"),
            text,
            &mut notes,
        );
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].dockerfile, PathBuf::from("r/api/Dockerfile"));
        assert_eq!(s[1].dockerfile, PathBuf::from("r/web/web.Dockerfile"));
        assert_eq!(s[1].target.as_deref(), Some("prod"));
        assert_eq!(s[1].image.as_deref(), Some("acme/web:1"));
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn bake_json_targets() {
        let text = r#"{"target": {"api": {"context": "api", "tags": ["acme/api:1"]}, "w": {"dockerfile": "w/Dockerfile.x"}}}"#;
        let mut notes = Vec::new();
        let s = bake_services(
            Path::new("r/docker-bake.json"),
            Path::new("r"),
            text,
            &mut notes,
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].context, PathBuf::from("r/api"));
        assert_eq!(s[1].dockerfile, PathBuf::from("r/w/Dockerfile.x"));
        assert!(
            bake_services(
                Path::new("r/docker-bake.hcl"),
                Path::new("r"),
                "",
                &mut notes
            )
            .is_empty()
        );
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn names_of_dockerfiles() {
        let s = dockerfile_service(Path::new("r/svc/api/Dockerfile"), Path::new("r"));
        assert_eq!(s.name, "svc/api");
        let s = dockerfile_service(Path::new("r/svc/api/Dockerfile.worker"), Path::new("r"));
        assert_eq!(s.name, "svc/api/worker");
        let merged = merge(
            vec![],
            &[
                PathBuf::from("r/a/Dockerfile"),
                PathBuf::from("r/a/Dockerfile"),
            ],
            Path::new("r"),
        );
        assert_eq!(merged.len(), 1);
    }
}
