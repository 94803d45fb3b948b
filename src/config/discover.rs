//! Finding each Dockerfile's configuration.
//!
//! From the Dockerfile's directory upwards, the nearest `slipway.toml` (or
//! `.slipway.toml`) wins. When there is none up to the root, the nearest
//! `.hadolint.yaml` (or `.hadolint.yml`) is used instead, and failing that the
//! places hadolint itself looks in: the working directory,
//! `$XDG_CONFIG_HOME/hadolint.yaml`, `~/.config/hadolint.yaml`,
//! `~/.hadolint/hadolint.yaml`, `~/.hadolint/config.yaml` and
//! `~/.hadolint.yaml` (each also as `.yml`).
//!
//! What is found is cached per directory and each file is read once, so that
//! checking many files under a few directories costs a few `stat` calls per
//! directory. Nothing is read until a file asks.

use super::{Config, ConfigError, Overrides, Resolved, load, resolve};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Slipway's configuration file names, in order of preference within a directory.
pub const SLIPWAY_NAMES: &[&str] = &["slipway.toml", ".slipway.toml"];
/// hadolint's configuration file names, in order of preference within a directory.
pub const HADOLINT_NAMES: &[&str] = &[".hadolint.yaml", ".hadolint.yml"];

/// The outcome for one directory (shared between the files in it).
pub type Outcome = Result<Arc<Resolved>, Arc<ConfigError>>;

/// Where configuration comes from.
#[derive(Debug)]
enum Mode {
    /// No configuration file at all (`--isolated`).
    Isolated,
    /// One file for every Dockerfile (`--config FILE`).
    Explicit(Arc<Resolved>),
    /// Found per Dockerfile by walking up.
    Discover,
}

/// What has been found so far.
#[derive(Debug, Default)]
struct Cache {
    /// The resolved settings per directory.
    dirs: HashMap<PathBuf, Outcome>,
    /// The resolved settings per configuration file.
    files: HashMap<PathBuf, Outcome>,
    /// The nearest Slipway configuration file per directory.
    slipway: HashMap<PathBuf, Option<PathBuf>>,
    /// The nearest `.hadolint.yaml` per directory.
    hadolint: HashMap<PathBuf, Option<PathBuf>>,
    /// hadolint's own places, once looked at.
    hadolint_global: Option<Option<PathBuf>>,
    /// The settings when no file is found.
    default: Option<Arc<Resolved>>,
    /// Notes of the files loaded, in the order they were loaded.
    notes: Vec<String>,
}

/// Finds, loads and caches the settings of each file. Shared between threads.
#[derive(Debug)]
pub struct Resolver {
    mode: Mode,
    overrides: Overrides,
    cwd: Option<PathBuf>,
    cache: Mutex<Cache>,
}

impl Resolver {
    /// No configuration file: built-in defaults and the command line.
    pub fn isolated(overrides: Overrides) -> Resolver {
        Resolver::new(Mode::Isolated, overrides)
    }

    /// One configuration file for everything (`--config FILE`), read now.
    pub fn explicit(path: &Path, overrides: Overrides) -> Result<Resolver, ConfigError> {
        let r = Resolver::new(Mode::Isolated, overrides);
        let config = load(path, &r.shown(path))?;
        let resolved = Arc::new(resolve(&config, &r.overrides));
        let mut r = r;
        r.cache
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .notes
            .extend(config.notes);
        r.mode = Mode::Explicit(resolved);
        Ok(r)
    }

    /// Find each file's configuration by walking up from its directory.
    pub fn discover(overrides: Overrides) -> Resolver {
        Resolver::new(Mode::Discover, overrides)
    }

    fn new(mode: Mode, overrides: Overrides) -> Resolver {
        Resolver {
            mode,
            overrides,
            cwd: std::env::current_dir().ok(),
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The settings for the Dockerfile at `path` (as given on the command
    /// line or found; relative to the working directory).
    pub fn for_file(&self, path: &Path) -> Outcome {
        let dir = path.parent().unwrap_or(Path::new(""));
        self.for_dir(dir)
    }

    /// The settings for a Dockerfile in directory `dir`.
    pub fn for_dir(&self, dir: &Path) -> Outcome {
        match &self.mode {
            Mode::Explicit(r) => return Ok(r.clone()),
            Mode::Isolated => return Ok(self.default()),
            Mode::Discover => {}
        }
        let dir = self.absolute(dir);
        let mut cache = self.lock();
        if let Some(hit) = cache.dirs.get(&dir) {
            return hit.clone();
        }
        let file = nearest(&mut cache.slipway, &dir, SLIPWAY_NAMES)
            .or_else(|| nearest(&mut cache.hadolint, &dir, HADOLINT_NAMES))
            .or_else(|| {
                cache
                    .hadolint_global
                    .get_or_insert_with(|| self.hadolint_global())
                    .clone()
            });
        let outcome = match file {
            None => Ok(self.default_in(&mut cache)),
            Some(file) => match cache.files.get(&file) {
                Some(hit) => hit.clone(),
                None => {
                    let outcome = match load(&file, &self.shown(&file)) {
                        Ok(config) => {
                            cache.notes.extend(config.notes.iter().cloned());
                            Ok(Arc::new(resolve(&config, &self.overrides)))
                        }
                        Err(e) => Err(Arc::new(e)),
                    };
                    cache.files.insert(file, outcome.clone());
                    outcome
                }
            },
        };
        cache.dirs.insert(dir, outcome.clone());
        outcome
    }

    /// Notes about the configuration files loaded so far (emptied).
    pub fn take_notes(&self) -> Vec<String> {
        let mut notes = std::mem::take(&mut self.lock().notes);
        notes.dedup();
        notes
    }

    /// The settings without any file.
    fn default(&self) -> Arc<Resolved> {
        self.default_in(&mut self.lock())
    }

    fn default_in(&self, cache: &mut Cache) -> Arc<Resolved> {
        cache
            .default
            .get_or_insert_with(|| Arc::new(resolve(&Config::defaults(), &self.overrides)))
            .clone()
    }

    fn lock(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `dir` as an absolute path without `.` or `..` components.
    fn absolute(&self, dir: &Path) -> PathBuf {
        let joined;
        let p = match &self.cwd {
            Some(cwd) if dir.is_relative() => {
                joined = cwd.join(dir);
                &joined
            }
            _ => dir,
        };
        normalize(p)
    }

    /// A path as shown in messages: relative to the working directory when
    /// it is under it.
    fn shown(&self, path: &Path) -> String {
        let abs = self.absolute(path);
        self.cwd
            .as_ref()
            .and_then(|cwd| abs.strip_prefix(normalize(cwd)).ok())
            .filter(|rel| !rel.as_os_str().is_empty())
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    /// The first of hadolint's own places that holds a file.
    fn hadolint_global(&self) -> Option<PathBuf> {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(cwd) = &self.cwd {
            candidates.extend(HADOLINT_NAMES.iter().map(|n| cwd.join(n)));
        }
        let visible = ["hadolint.yaml", "hadolint.yml"];
        if let Some(xdg) = &xdg {
            candidates.extend(visible.iter().map(|n| xdg.join(n)));
        }
        if let Some(home) = &home {
            let config = home.join(".config");
            candidates.extend(visible.iter().map(|n| config.join(n)));
            let dot = home.join(".hadolint");
            candidates.extend(
                ["hadolint.yaml", "hadolint.yml", "config.yaml", "config.yml"]
                    .iter()
                    .map(|n| dot.join(n)),
            );
            candidates.extend(HADOLINT_NAMES.iter().map(|n| home.join(n)));
        }
        candidates.into_iter().find(|p| p.is_file())
    }
}

/// The nearest file named one of `names` in `dir` or above, memoized for
/// every directory on the way.
fn nearest(
    memo: &mut HashMap<PathBuf, Option<PathBuf>>,
    dir: &Path,
    names: &[&str],
) -> Option<PathBuf> {
    let mut chain: Vec<&Path> = Vec::new();
    let mut current = Some(dir);
    let mut found = None;
    while let Some(d) = current {
        if let Some(hit) = memo.get(d) {
            found = hit.clone();
            break;
        }
        chain.push(d);
        if let Some(file) = names.iter().map(|n| d.join(n)).find(|p| p.is_file()) {
            found = Some(file);
            break;
        }
        current = d.parent();
    }
    for d in chain {
        memo.insert(d.to_path_buf(), found.clone());
    }
    found
}

/// Drop `.` components and resolve `..` lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                // `/..` is `/`; a relative path keeps its leading `..`.
                if !out.pop() && !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), Path::new("/a/c"));
        assert_eq!(normalize(Path::new("/..")), Path::new("/"));
    }

    #[test]
    fn nearest_memoizes_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b/c")).unwrap();
        std::fs::write(root.join("a/slipway.toml"), "").unwrap();
        let mut memo = HashMap::new();
        let found = nearest(&mut memo, &root.join("a/b/c"), SLIPWAY_NAMES);
        assert_eq!(found, Some(root.join("a/slipway.toml")));
        assert_eq!(memo.len(), 3);
        // Memoized: the file is not looked at again.
        std::fs::remove_file(root.join("a/slipway.toml")).unwrap();
        assert_eq!(
            nearest(&mut memo, &root.join("a/b"), SLIPWAY_NAMES),
            Some(root.join("a/slipway.toml"))
        );
    }
}
