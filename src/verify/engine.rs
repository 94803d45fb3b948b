//! The container engines: one type, the same operations, three command-line
//! shapes. Buildah builds with `buildah bud --isolation chroot --layers` and
//! runs with `buildah from` + `buildah run`; Docker and Podman with `build`
//! and `run --rm`. Nothing is ever pulled (`--pull=never`, or for `docker
//! build` no `--pull`), pushed, or tagged outside the caller's names.

use super::process::{self, Finished};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Which engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// `docker` (a daemon must answer).
    Docker,
    /// `podman`.
    Podman,
    /// `buildah` (no daemon; chroot isolation, the host's network).
    Buildah,
}

impl EngineKind {
    /// The program's name.
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Docker => "docker",
            EngineKind::Podman => "podman",
            EngineKind::Buildah => "buildah",
        }
    }

    /// The order in which engines are tried when none is named.
    pub const AUTO: [EngineKind; 3] = [EngineKind::Docker, EngineKind::Podman, EngineKind::Buildah];
}

/// A usable engine.
#[derive(Clone, Debug)]
pub struct Engine {
    /// Which one.
    pub kind: EngineKind,
    /// The program found on `PATH`.
    pub program: PathBuf,
    /// Its version line, when it says.
    pub version: Option<String>,
}

/// An image's size and run-time configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageInfo {
    /// Its size in bytes (uncompressed layers).
    pub bytes: Option<u64>,
    /// `ENTRYPOINT`.
    pub entrypoint: Vec<String>,
    /// `CMD`.
    pub cmd: Vec<String>,
    /// `WORKDIR` (empty: `/`).
    pub workdir: String,
    /// `USER` (empty: root).
    pub user: String,
    /// `ENV`, as `NAME=value`.
    pub env: Vec<String>,
}

impl ImageInfo {
    /// The value of an environment variable of the image.
    pub fn env_var(&self, name: &str) -> Option<&str> {
        self.env.iter().find_map(|e| {
            e.split_once('=')
                .and_then(|(k, v)| (k == name).then_some(v))
        })
    }

    /// What a container runs: `ENTRYPOINT` followed by `args`, or by `CMD`
    /// when no arguments are given (`docker run IMAGE ARGS` semantics).
    pub fn argv(&self, args: Option<&[String]>) -> Vec<String> {
        let mut v = self.entrypoint.clone();
        match args {
            Some(a) => v.extend(a.iter().cloned()),
            None => v.extend(self.cmd.iter().cloned()),
        }
        v
    }
}

/// A program on `PATH`, as the shell would find it.
pub fn on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Find the engine: the one named, or the first of docker, podman and
/// buildah that is on `PATH` and works. Returns it with notes on the ones
/// skipped, or an error that says what was tried.
pub fn detect(named: Option<EngineKind>) -> Result<(Engine, Vec<String>), String> {
    let mut notes = Vec::new();
    let candidates: Vec<EngineKind> = match named {
        Some(k) => vec![k],
        None => EngineKind::AUTO.to_vec(),
    };
    for kind in candidates {
        let Some(program) = on_path(kind.as_str()) else {
            notes.push(format!("{}: not on PATH", kind.as_str()));
            continue;
        };
        match health(kind, &program) {
            Ok(version) => {
                return Ok((
                    Engine {
                        kind,
                        program,
                        version,
                    },
                    notes,
                ));
            }
            Err(why) => notes.push(format!(
                "{}: found at {}, but {why}; skipped",
                kind.as_str(),
                program.display()
            )),
        }
    }
    Err(match named {
        Some(k) => format!(
            "the engine {} cannot be used: {}",
            k.as_str(),
            notes.join("; ")
        ),
        None => format!(
            "no container engine works here (tried docker, podman, buildah): {}",
            notes.join("; ")
        ),
    })
}

/// Whether the engine answers: `docker info` (the daemon), `podman info`,
/// `buildah info` (the store). Its version on success.
fn health(kind: EngineKind, program: &Path) -> Result<Option<String>, String> {
    let mut cmd = Command::new(program);
    cmd.arg("info");
    let done = process::run(&mut cmd, Duration::from_secs(30), true)
        .map_err(|e| format!("it cannot be run ({e})"))?;
    if !done.success() {
        let last = done.tail(1);
        return Err(if done.timed_out {
            format!("`{} info` did not answer within 30 s", kind.as_str())
        } else {
            format!("`{} info` failed ({})", kind.as_str(), last.trim())
        });
    }
    let mut cmd = Command::new(program);
    cmd.arg("--version");
    let version = process::run(&mut cmd, Duration::from_secs(10), true)
        .ok()
        .filter(Finished::success)
        .map(|d| d.stdout.trim().to_string());
    Ok(version)
}

/// What a container is given to run.
#[derive(Clone, Debug)]
pub struct RunSpec<'a> {
    /// The image.
    pub image: &'a str,
    /// The container's name (ours).
    pub name: &'a str,
    /// The arguments replacing `CMD` (`None`: the image's own `CMD`).
    pub args: Option<&'a [String]>,
    /// A port to publish on 127.0.0.1 (Docker and Podman; Buildah's
    /// containers share the host's network).
    pub publish: Option<u16>,
}

impl Engine {
    fn command(&self) -> Command {
        Command::new(&self.program)
    }

    /// Build `dockerfile` with `context`, tagged `tag`; the output of both
    /// streams, merged.
    pub fn build(
        &self,
        dockerfile: &Path,
        context: &Path,
        tag: &str,
        limit: Duration,
    ) -> std::io::Result<Finished> {
        let mut cmd = self.command();
        match self.kind {
            EngineKind::Buildah => {
                cmd.args(["bud", "--isolation", "chroot", "--layers", "--pull=never"]);
            }
            EngineKind::Podman => {
                cmd.args(["build", "--layers", "--pull=never"]);
            }
            EngineKind::Docker => {
                // BuildKit, with output that names each step and says CACHED.
                cmd.env("DOCKER_BUILDKIT", "1")
                    .args(["build", "--progress=plain"]);
            }
        }
        cmd.arg("-f")
            .arg(dockerfile)
            .arg("-t")
            .arg(tag)
            .arg(context);
        process::run(&mut cmd, limit, true)
    }

    /// The image's size and configuration.
    pub fn inspect(&self, image: &str) -> Result<ImageInfo, String> {
        let mut cmd = self.command();
        match self.kind {
            EngineKind::Buildah => cmd.args(["inspect", "--type", "image", image]),
            _ => cmd.args(["image", "inspect", image]),
        };
        let done = process::run(&mut cmd, Duration::from_secs(60), false)
            .map_err(|e| format!("cannot run {}: {e}", self.kind.as_str()))?;
        if !done.success() {
            return Err(format!(
                "{} cannot inspect {image}: {}",
                self.kind.as_str(),
                done.tail(3)
            ));
        }
        let json: Value = serde_json::from_str(&done.stdout)
            .map_err(|e| format!("the inspect output of {image} is not JSON: {e}"))?;
        Ok(match self.kind {
            EngineKind::Buildah => buildah_info(&json),
            _ => docker_info(&json),
        })
    }

    /// Prepare a container for [`Engine::run`]: Buildah needs a working
    /// container (`buildah from`); Docker and Podman make theirs in `run`.
    pub fn prepare(&self, image: &str, name: &str) -> Result<(), String> {
        if self.kind != EngineKind::Buildah {
            return Ok(());
        }
        let mut cmd = self.command();
        cmd.args(["from", "--pull=never", "--quiet", "--name", name, image]);
        let done = process::run(&mut cmd, Duration::from_secs(120), false)
            .map_err(|e| format!("cannot run buildah: {e}"))?;
        if done.success() {
            Ok(())
        } else {
            Err(format!(
                "buildah cannot make a container of {image}: {}",
                done.tail(3)
            ))
        }
    }

    /// The command that runs a container in the foreground (stopping its
    /// process group stops the container's processes too; [`Engine::remove`]
    /// removes what is left). `info` is the image's configuration: Buildah's
    /// `run` does not run an image's `ENTRYPOINT`/`CMD`, so they are given
    /// explicitly (it applies `USER`, `WORKDIR` and `ENV` itself).
    pub fn run_command(&self, spec: &RunSpec<'_>, info: &ImageInfo) -> Result<Command, String> {
        let mut cmd = self.command();
        match self.kind {
            EngineKind::Buildah => {
                let argv = info.argv(spec.args);
                if argv.is_empty() {
                    return Err(format!(
                        "{} has no ENTRYPOINT or CMD: there is nothing to run",
                        spec.image
                    ));
                }
                cmd.args(["run", "--isolation", "chroot", spec.name, "--"])
                    .args(argv);
            }
            EngineKind::Docker | EngineKind::Podman => {
                cmd.args(["run", "--rm", "--pull=never", "--name", spec.name]);
                if let Some(port) = spec.publish {
                    cmd.arg("-p").arg(format!("127.0.0.1:{port}:{port}"));
                }
                cmd.arg(spec.image);
                if let Some(args) = spec.args {
                    cmd.args(args);
                }
            }
        }
        Ok(cmd)
    }

    /// Remove a container, whatever state it is in (no error when there is
    /// none).
    pub fn remove(&self, name: &str) {
        let mut cmd = self.command();
        match self.kind {
            EngineKind::Buildah => cmd.args(["rm", name]),
            _ => cmd.args(["rm", "-f", name]),
        };
        let _ = process::run_cleanup(&mut cmd, Duration::from_secs(60));
    }

    /// Remove an image tag of ours.
    pub fn remove_image(&self, tag: &str) {
        let mut cmd = self.command();
        cmd.args(["rmi", tag]);
        let _ = process::run_cleanup(&mut cmd, Duration::from_secs(120));
    }

    /// Make the image's files readable on the host: Buildah mounts a working
    /// container (`name`), Podman mounts the image, Docker exports a
    /// container into `scratch` (a temporary directory) and unpacks it.
    /// Returns the root directory.
    pub fn mount(&self, image: &str, name: &str, scratch: &Path) -> Result<PathBuf, String> {
        let fail = |what: &str, d: &Finished| {
            format!(
                "{} cannot {what} {image}: {}",
                self.kind.as_str(),
                d.tail(3)
            )
        };
        let io = |e: std::io::Error| format!("cannot run {}: {e}", self.kind.as_str());
        match self.kind {
            EngineKind::Buildah => {
                let mut cmd = self.command();
                cmd.args(["mount", name]);
                let done = process::run(&mut cmd, Duration::from_secs(60), false).map_err(io)?;
                if !done.success() {
                    return Err(fail("mount", &done));
                }
                Ok(PathBuf::from(done.stdout.trim()))
            }
            EngineKind::Podman => {
                let mut cmd = self.command();
                cmd.args(["image", "mount", image]);
                let done = process::run(&mut cmd, Duration::from_secs(60), false).map_err(io)?;
                if !done.success() {
                    return Err(fail("mount", &done));
                }
                Ok(PathBuf::from(done.stdout.trim()))
            }
            EngineKind::Docker => {
                let mut cmd = self.command();
                cmd.args(["create", "--pull=never", "--name", name, image]);
                let done = process::run(&mut cmd, Duration::from_secs(60), false).map_err(io)?;
                if !done.success() {
                    return Err(fail("create a container of", &done));
                }
                let tar = scratch.join("image.tar");
                let root = scratch.join("root");
                std::fs::create_dir_all(&root).map_err(|e| e.to_string())?;
                let mut cmd = self.command();
                cmd.arg("export").arg("-o").arg(&tar).arg(name);
                let done = process::run(&mut cmd, Duration::from_secs(600), false).map_err(io)?;
                if !done.success() {
                    return Err(fail("export", &done));
                }
                let mut cmd = Command::new("tar");
                cmd.arg("-xf")
                    .arg(&tar)
                    .arg("-C")
                    .arg(&root)
                    .arg("--no-same-owner");
                let _ = process::run(&mut cmd, Duration::from_secs(600), true);
                let _ = std::fs::remove_file(&tar);
                Ok(root)
            }
        }
    }

    /// Undo [`Engine::mount`] (the container itself is removed by
    /// [`Engine::remove`]).
    pub fn unmount(&self, image: &str, name: &str) {
        let mut cmd = self.command();
        match self.kind {
            EngineKind::Buildah => cmd.args(["umount", name]),
            EngineKind::Podman => cmd.args(["image", "unmount", image]),
            EngineKind::Docker => return,
        };
        let _ = process::run_cleanup(&mut cmd, Duration::from_secs(60));
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn string(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or("").to_string()
}

fn config_info(config: Option<&Value>) -> ImageInfo {
    let get = |k: &str| config.and_then(|c| c.get(k));
    ImageInfo {
        bytes: None,
        entrypoint: strings(get("Entrypoint")),
        cmd: strings(get("Cmd")),
        workdir: string(get("WorkingDir")),
        user: string(get("User")),
        env: strings(get("Env")),
    }
}

/// `buildah inspect --type image`: the OCI configuration, and the size as
/// the sum of the manifest's layer sizes (uncompressed tar layers for an
/// image built or committed locally).
fn buildah_info(json: &Value) -> ImageInfo {
    let mut info = config_info(json.pointer("/OCIv1/config"));
    let manifest: Option<Value> = json
        .get("Manifest")
        .and_then(Value::as_str)
        .and_then(|m| serde_json::from_str(m).ok());
    info.bytes = manifest
        .as_ref()
        .and_then(|m| m.get("layers"))
        .and_then(Value::as_array)
        .map(|layers| {
            layers
                .iter()
                .filter_map(|l| l.get("size").and_then(Value::as_u64))
                .sum()
        });
    info
}

/// `docker image inspect` / `podman image inspect`: an array of one.
fn docker_info(json: &Value) -> ImageInfo {
    let first = json.as_array().and_then(|a| a.first()).unwrap_or(json);
    let mut info = config_info(first.get("Config"));
    info.bytes = first.get("Size").and_then(Value::as_u64);
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_follows_docker_run() {
        let info = ImageInfo {
            entrypoint: vec!["/app".into()],
            cmd: vec!["serve".into()],
            ..ImageInfo::default()
        };
        assert_eq!(info.argv(None), ["/app", "serve"]);
        assert_eq!(
            info.argv(Some(&["--version".into()])),
            ["/app", "--version"]
        );
        let info = ImageInfo {
            cmd: vec!["python".into(), "app.py".into()],
            ..ImageInfo::default()
        };
        assert_eq!(info.argv(Some(&["ls".into()])), ["ls"]);
    }

    #[test]
    fn buildah_inspect_sizes_the_layers() {
        let manifest = r#"{"layers":[{"size":100},{"size":23}]}"#;
        let json = serde_json::json!({
            "Manifest": manifest,
            "OCIv1": {"config": {"Entrypoint": ["/s"], "Env": ["PATH=/bin", "A=b=c"], "WorkingDir": "/w", "User": "1000"}}
        });
        let info = buildah_info(&json);
        assert_eq!(info.bytes, Some(123));
        assert_eq!(info.entrypoint, ["/s"]);
        assert_eq!(info.env_var("A"), Some("b=c"));
        assert_eq!(info.workdir, "/w");
        assert_eq!(info.user, "1000");
    }

    #[test]
    fn docker_inspect_reads_size_and_config() {
        let json = serde_json::json!([{"Size": 42, "Config": {"Cmd": ["sh"], "Entrypoint": null}}]);
        let info = docker_info(&json);
        assert_eq!(info.bytes, Some(42));
        assert_eq!(info.cmd, ["sh"]);
        assert!(info.entrypoint.is_empty());
    }
}
