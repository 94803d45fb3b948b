//! `slipway verify`.
//!
//! Most tests run the command against a fake engine: a small bash script
//! named `buildah` (and a `docker` whose daemon never answers) first on
//! `PATH`, with a content-keyed layer cache of its own, so that the command
//! line, the exit codes, the JSON, the rebuild's step accounting and the
//! clean-up are tested on any machine. The fake reads what an image does
//! from `# fake-...:` comments in the Dockerfile it builds.
//!
//! The `real_` tests build the fixtures of `tests/fixtures/verify/` with
//! Buildah on the stand-in images (`scripts/standin-images`, in
//! `target/standin/storage.conf`). Without buildah or the stand-ins they
//! print a notice and pass, except under `CI=true`, where they fail.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FAKE_BUILDAH: &str = r#"#!/bin/bash
# A stand-in for buildah: enough of its command line for slipway verify.
set -u
set -f
S="$FAKE_STATE"
printf '%s\n' "$*" >> "$S/log"
cmd="$1"; shift
tagfile() { echo "$S/images/$(printf '%s' "$1" | tr '/:' '__')"; }
magic() { sed -n "s/^# fake-$1: //p" "$2" | head -n 1; }
case "$cmd" in
  info)
    if [ -e "$S/info-fails" ]; then echo "the store is not reachable" >&2; exit 1; fi
    echo '{}' ;;
  --version) echo "buildah version 0.0 (fake)" ;;
  bud)
    f=""; t=""
    while [ $# -gt 1 ]; do
      case "$1" in -f) f="$2"; shift 2 ;; -t) t="$2"; shift 2 ;; *) shift ;; esac
    done
    ctx="$1"
    if grep -q '^# fake-build: fail' "$f"; then
      echo "STEP 1/2: FROM fake"; echo "Error: building at STEP 2/2: exit status 1" >&2; exit 1
    fi
    s=$(magic build-sleep "$f"); [ -n "$s" ] && sleep "$s"
    n=$(grep -cvE '^[[:space:]]*(#|$)' "$f"); i=0; key=base
    while IFS= read -r line; do
      case "$line" in ''|'#'*) continue ;; esac
      i=$((i+1)); echo "STEP $i/$n: $line"
      [ "$i" -eq 1 ] && continue
      extra=""
      case "$line" in
        COPY*|ADD*)
          set -- $line; shift; srcs=""
          while [ $# -gt 1 ]; do srcs="$srcs $1"; shift; done
          extra=$(cd "$ctx" && for s in $srcs; do find "$s" -type f | LC_ALL=C sort | xargs cat; done | sha1sum) ;;
      esac
      key=$(printf '%s\n%s\n%s' "$key" "$line" "$extra" | sha1sum | cut -c1-16)
      if [ -e "$S/cache/$key" ]; then echo "--> Using cache $key"; else : > "$S/cache/$key"; fi
      echo "--> $key"
    done < "$f"
    echo "COMMIT $t"
    cp "$f" "$(tagfile "$t")" ;;
  inspect)
    img="${@: -1}"; f=$(tagfile "$img")
    [ -e "$f" ] || { echo "image not known: $img" >&2; exit 1; }
    size=$(magic size "$f"); size=${size:-1000}
    cmdjson=$(magic cmd "$f"); cmdjson=${cmdjson:-'["/app/run"]'}
    ep=$(magic entrypoint "$f"); ep=${ep:-null}
    printf '{"Manifest": "{\\"layers\\":[{\\"size\\":%s}]}", "OCIv1": {"config": {"Cmd": %s, "Entrypoint": %s, "WorkingDir": "/app", "Env": ["PATH=/usr/bin:/bin"]}}}\n' "$size" "$cmdjson" "$ep" ;;
  from)
    name=""; while [ $# -gt 1 ]; do case "$1" in --name) name="$2"; shift 2 ;; *) shift ;; esac; done
    [ -e "$(tagfile "$1")" ] || { echo "image not known: $1" >&2; exit 1; }
    echo "$1" > "$S/containers/$name"; echo "$name" ;;
  mount)
    img=$(cat "$S/containers/$1"); f=$(tagfile "$img"); r="$S/roots/$1"
    mkdir -p "$r/app" "$r/bin"
    printf 'not a real shell\n' > "$r/bin/sh"; chmod +x "$r/bin/sh"
    if ! grep -q '^# fake-missing: /app/run' "$f"; then
      printf '#!/bin/sh\necho hi\n' > "$r/app/run"; chmod +x "$r/app/run"
    fi
    echo "$r" ;;
  umount) : ;;
  run)
    while [ "$1" != "--" ]; do name="$1"; shift; done; shift
    img=$(cat "$S/containers/$name"); f=$(tagfile "$img")
    port=$(magic serve "$f")
    if [ -n "$port" ]; then
      mkdir -p "$S/www/$name"; magic body "$f" > "$S/www/$name/index.html"
      exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$S/www/$name"
    fi
    if grep -q '^# fake-sleep' "$f"; then exec sleep 300; fi
    magic output "$f"
    if grep -q '^# fake-echo-args' "$f"; then echo "args: $*"; fi
    code=$(magic exit "$f"); exit "${code:-0}" ;;
  rm) rm -f "$S/containers/$1" ;;
  rmi) rm -f "$(tagfile "$1")" ;;
  *) echo "fake buildah: unknown command $cmd" >&2; exit 125 ;;
esac
"#;

const FAKE_DOCKER: &str = r#"#!/bin/bash
# A docker client without a daemon.
echo "docker $*" >> "$FAKE_STATE/log"
echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
exit 1
"#;

const FAKE_DOCKER_DAEMON: &str = r##"#!/bin/bash
# A stand-in for docker with a daemon: enough of its command line for
# slipway verify, with BuildKit's plain progress output.
set -u
set -f
S="$FAKE_STATE"
printf 'docker %s\n' "$*" >> "$S/log"
cmd="$1"; shift
tagfile() { echo "$S/images/$(printf '%s' "$1" | tr '/:' '__')"; }
magic() { sed -n "s/^# fake-$1: //p" "$2" | head -n 1; }
case "$cmd" in
  info) echo "Server Version: 0.0 (fake)" ;;
  --version) echo "Docker version 0.0, build fake" ;;
  build)
    f=""; t=""
    while [ $# -gt 1 ]; do
      case "$1" in -f) f="$2"; shift 2 ;; -t) t="$2"; shift 2 ;; *) shift ;; esac
    done
    ctx="$1"
    echo "#0 building with \"default\" instance using docker driver" >&2
    echo "#1 [internal] load build definition from Dockerfile" >&2
    echo "#1 DONE 0.0s" >&2
    n=$(grep -cvE '^[[:space:]]*(#|$)' "$f"); i=0; key=base; v=4
    while IFS= read -r line; do
      case "$line" in ''|'#'*) continue ;; esac
      i=$((i+1)); v=$((v+1)); echo "#$v [$i/$n] $line" >&2
      [ "$i" -eq 1 ] && continue
      extra=""
      case "$line" in
        COPY*|ADD*)
          set -- $line; shift; srcs=""
          while [ $# -gt 1 ]; do srcs="$srcs $1"; shift; done
          extra=$(cd "$ctx" && for s in $srcs; do find "$s" -type f | LC_ALL=C sort | xargs cat; done | sha1sum) ;;
      esac
      key=$(printf '%s\n%s\n%s' "$key" "$line" "$extra" | sha1sum | cut -c1-16)
      if [ -e "$S/cache/$key" ]; then echo "#$v CACHED" >&2; else : > "$S/cache/$key"; echo "#$v DONE 0.1s" >&2; fi
    done < "$f"
    echo "#$((v+1)) naming to $t done" >&2
    cp "$f" "$(tagfile "$t")" ;;
  image)
    shift; img="$1"; f=$(tagfile "$img")
    [ -e "$f" ] || { echo "Error: No such image: $img" >&2; exit 1; }
    size=$(magic size "$f"); size=${size:-1000}
    cmdjson=$(magic cmd "$f"); cmdjson=${cmdjson:-'["/app/run"]'}
    ep=$(magic entrypoint "$f"); ep=${ep:-null}
    printf '[{"Size": %s, "Config": {"Cmd": %s, "Entrypoint": %s, "WorkingDir": "/app", "Env": ["PATH=/usr/bin:/bin"]}}]\n' "$size" "$cmdjson" "$ep" ;;
  create)
    name=""; while [ $# -gt 1 ]; do case "$1" in --name) name="$2"; shift 2 ;; *) shift ;; esac; done
    echo "$1" > "$S/containers/$name"; echo "0123456789ab" ;;
  export)
    out="$2"; name="$3"; f=$(tagfile "$(cat "$S/containers/$name")"); r="$S/roots/$name"
    mkdir -p "$r/app" "$r/bin"
    printf 'not a real shell\n' > "$r/bin/sh"; chmod +x "$r/bin/sh"
    if ! grep -q '^# fake-missing: /app/run' "$f"; then
      printf '#!/bin/sh\necho hi\n' > "$r/app/run"; chmod +x "$r/app/run"
    fi
    tar -cf "$out" -C "$r" . ;;
  run)
    name=""
    while [ $# -gt 0 ]; do
      case "$1" in --name) name="$2"; shift 2 ;; -p) shift 2 ;; --*) shift ;; *) break ;; esac
    done
    img="$1"; shift; f=$(tagfile "$img")
    echo "$img" > "$S/containers/$name"
    trap 'rm -f "$S/containers/$name"' EXIT
    magic output "$f"
    if grep -q '^# fake-echo-args' "$f"; then echo "args: $*"; fi
    code=$(magic exit "$f"); exit "${code:-0}" ;;
  rm) shift; rm -f "$S/containers/$1" ;;
  rmi) rm -f "$(tagfile "$1")" ;;
  *) echo "fake docker: unknown command $cmd" >&2; exit 125 ;;
esac
"##;

/// A fake engine on a `PATH` of its own, its state, and a build context.
struct Fake {
    _dir: tempfile::TempDir,
    bin: PathBuf,
    state: PathBuf,
    context: PathBuf,
}

fn write_exe(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

impl Fake {
    fn new() -> Fake {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        let state = dir.path().join("state");
        let context = dir.path().join("app");
        for d in [&bin, &context] {
            std::fs::create_dir_all(d).unwrap();
        }
        for d in ["images", "containers", "roots", "cache", "www"] {
            std::fs::create_dir_all(state.join(d)).unwrap();
        }
        std::fs::write(state.join("log"), "").unwrap();
        write_exe(&bin.join("buildah"), FAKE_BUILDAH);
        write_exe(&bin.join("docker"), FAKE_DOCKER);
        Fake {
            _dir: dir,
            bin,
            state,
            context,
        }
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.context.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// A rewrite outside the context.
    fn rewrite(&self, text: &str) -> PathBuf {
        let p = self.state.join("rewrite.Dockerfile");
        std::fs::write(&p, text).unwrap();
        p
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.state.join("log")).unwrap()
    }

    /// Run `slipway verify ARGS` with the fake first on PATH.
    fn verify(&self, args: &[&str]) -> Outcome {
        let path = format!("{}:/usr/bin:/bin", self.bin.display());
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_slipway"));
        cmd.arg("verify")
            .args(args)
            .env("PATH", path)
            .env("FAKE_STATE", &self.state)
            .env("NO_COLOR", "1")
            .current_dir(&self.context);
        run(cmd, Duration::from_secs(120))
    }

    /// Every container made was removed, and every image tagged was
    /// removed (or, with `keep`, is still there), all in slipway's own
    /// namespace.
    fn assert_clean(&self, keep: bool) {
        let log = self.log();
        let containers: Vec<_> = std::fs::read_dir(self.state.join("containers"))
            .unwrap()
            .collect();
        assert!(
            containers.is_empty(),
            "containers left: {containers:?}\n{log}"
        );
        for line in log.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.first() == Some(&"bud") {
                let tag = words[words.iter().position(|w| *w == "-t").unwrap() + 1];
                assert!(tag.starts_with("localhost/slipway-verify/"), "{tag}");
                let removed = log.lines().any(|l| l == format!("rmi {tag}"));
                assert_eq!(removed, !keep, "{tag} removed: {removed}\n{log}");
            }
            if words.first() == Some(&"from") {
                assert!(words.contains(&"--pull=never"), "{line}");
            }
            if words.first() == Some(&"bud") {
                assert!(words.contains(&"--pull=never"), "{line}");
                assert!(words.contains(&"--layers"), "{line}");
                assert!(words.contains(&"chroot"), "{line}");
            }
        }
    }
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    seconds: f64,
}

impl Outcome {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr)
        })
    }
}

/// Run to the end, output read by threads, killed at `limit`.
fn run(mut cmd: Command, limit: Duration) -> Outcome {
    use std::io::Read;
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("slipway runs");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("slipway verify did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Outcome {
        code: status.code().unwrap_or(-1),
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

const ORIGINAL: &str = "\
# fake-output: hello
# fake-size: 500000
FROM fake:latest
WORKDIR /app
COPY packages.txt ./
RUN apt-get install -y --no-install-recommends curl
COPY . .
CMD [\"/app/run\"]
";

fn app(fake: &Fake) -> PathBuf {
    fake.file("packages.txt", "curl\n");
    fake.file("src/main.sh", "echo hello\n");
    fake.file("README.md", "an app\n");
    fake.file("Dockerfile", ORIGINAL)
}

#[test]
fn an_equivalent_rewrite_exits_0_with_the_documented_json() {
    let fake = Fake::new();
    app(&fake);
    let rewrite = fake.rewrite(&ORIGINAL.replace("500000", "200000"));
    let before = snapshot(&fake.context);
    let o = fake.verify(&[
        "--format",
        "json",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "--touch",
        "src/main.sh",
        "Dockerfile",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_eq!(j["equivalent"], true);
    assert_eq!(j["status"], "equivalent");
    assert_eq!(j["exit_code"], 0);
    assert_eq!(j["reasons"], serde_json::json!([]));
    assert_eq!(j["findings_added"], serde_json::json!([]));
    assert_eq!(j["rewrite_from"], "file");
    assert_eq!(j["engine"]["name"], "buildah");
    // docker is found, but its daemon does not answer: skipped, and said so.
    let skipped = j["engine"]["skipped"].to_string();
    assert!(skipped.contains("docker info"), "{skipped}");
    for (side, bytes) in [("original", 500000), ("rewrite", 200000)] {
        let s = &j[side];
        assert_eq!(s["built"], true, "{side}");
        assert_eq!(s["bytes"], bytes, "{side}");
        assert!(s["build_seconds"].as_f64().is_some(), "{side}");
        assert!(s["estimated_bytes"].is_u64() || s["estimated_bytes"].is_null());
        assert!(
            s["image"]
                .as_str()
                .unwrap()
                .starts_with("localhost/slipway-verify/")
        );
        assert_eq!(s["probe"]["kind"], "start");
        assert_eq!(s["probe"]["passed"], true);
        assert_eq!(s["probe"]["exit_code"], 0);
        assert_eq!(s["probe"]["stdout"], "hello\n");
        assert_eq!(s["program"]["passed"], true);
        assert_eq!(s["program"]["program"], "/app/run");
        assert_eq!(s["program"]["kind"], "script");
    }
    // The rebuild: the change re-runs COPY . . and what follows, not the
    // install before it.
    let rb = &j["rebuild"];
    assert_eq!(rb["touched"], "src/main.sh");
    assert_eq!(rb["chosen"], "given");
    for side in ["original", "rewrite"] {
        let r = &rb[side];
        assert_eq!(r["built"], true, "{r}");
        assert_eq!(r["warm_all_cached"], true, "{r}");
        assert_eq!(r["dependency_install_rerun"], false, "{r}");
        assert_eq!(r["first_rerun"], "COPY . .", "{r}");
        assert_eq!(r["rerun"], 2, "{r}");
        assert_eq!(r["total"], 5, "{r}");
        let install = r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["dependency_install"] == true)
            .expect("the install step is recognised");
        assert_eq!(install["cached"], true);
        assert_eq!(install["line"], 6);
    }
    assert_eq!(rb["regressed"], false);
    fake.assert_clean(false);
    assert_eq!(snapshot(&fake.context), before, "the user's files changed");
}

/// Every file of a directory with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let m = std::fs::metadata(&p).unwrap().modified().unwrap();
                out.push((p.clone(), std::fs::read(&p).unwrap(), m));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_rewrite_whose_output_differs_exits_1_with_the_reason() {
    let fake = Fake::new();
    app(&fake);
    let rewrite = fake.rewrite(&ORIGINAL.replace("fake-output: hello", "fake-output: goodbye"));
    let o = fake.verify(&[
        "--format",
        "json",
        "--no-rebuild",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_eq!(j["equivalent"], false);
    assert_eq!(j["status"], "not-equivalent");
    let reasons = j["reasons"].to_string();
    assert!(reasons.contains("the output differs"), "{reasons}");
    assert!(reasons.contains("goodbye"), "{reasons}");
    assert!(j["rebuild"].is_null());
    fake.assert_clean(false);
}

#[test]
fn findings_the_rewrite_adds_are_listed() {
    let fake = Fake::new();
    app(&fake);
    let rewrite =
        fake.rewrite(&ORIGINAL.replace("WORKDIR /app\n", "WORKDIR /app\nMAINTAINER someone\n"));
    let o = fake.verify(&[
        "--format",
        "json",
        "--no-rebuild",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    let added = j["findings_added"].as_array().unwrap();
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!(added[0]["name"], "maintainer-deprecated");
    assert_eq!(added[0]["line"], 5);
    assert!(j["notes"].to_string().contains("maintainer-deprecated"));
    fake.assert_clean(false);
}

#[test]
fn a_rewrite_that_loses_its_program_is_not_equivalent() {
    let fake = Fake::new();
    app(&fake);
    let rewrite = fake.rewrite(&format!("# fake-missing: /app/run\n{ORIGINAL}"));
    let o = fake.verify(&[
        "--no-rebuild",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("NOT equivalent"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("in the rewrite's image, the program `/app/run` is not in the image"),
        "{}",
        o.stdout
    );
    fake.assert_clean(false);
}

#[test]
fn an_original_that_does_not_build_exits_2() {
    let fake = Fake::new();
    app(&fake);
    fake.file("Dockerfile", &format!("# fake-build: fail\n{ORIGINAL}"));
    let rewrite = fake.rewrite(ORIGINAL);
    let o = fake.verify(&[
        "--format",
        "json",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_eq!(j["status"], "error");
    assert!(j["equivalent"].is_null());
    assert!(
        j["error"]
            .as_str()
            .unwrap()
            .contains("the original does not build"),
        "{j}"
    );
    assert_eq!(j["original"]["built"], false);
    assert!(
        j["original"]["build_log_tail"]
            .as_str()
            .unwrap()
            .contains("exit status 1")
    );
    // The rewrite was not even built.
    assert!(!fake.log().contains("rewrite"), "{}", fake.log());
    fake.assert_clean(false);
}

#[test]
fn a_rewrite_that_does_not_build_exits_1() {
    let fake = Fake::new();
    app(&fake);
    let rewrite = fake.rewrite(&format!("# fake-build: fail\n{ORIGINAL}"));
    let o = fake.verify(&["--rewrite", rewrite.to_str().unwrap(), "Dockerfile"]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("the rewrite does not build"),
        "{}",
        o.stdout
    );
    fake.assert_clean(false);
}

#[test]
fn an_original_that_fails_its_probe_exits_2() {
    let fake = Fake::new();
    app(&fake);
    fake.file("Dockerfile", &format!("# fake-exit: 3\n{ORIGINAL}"));
    let rewrite = fake.rewrite(ORIGINAL);
    let o = fake.verify(&["--rewrite", rewrite.to_str().unwrap(), "Dockerfile"]);
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("the original does not pass the probe (start: exited with 3)"),
        "{}",
        o.stderr
    );
    fake.assert_clean(false);
}

#[test]
fn probe_cmd_replaces_cmd_and_expect_is_looked_for() {
    let fake = Fake::new();
    app(&fake);
    fake.file(
        "Dockerfile",
        &format!("# fake-echo-args\n# fake-entrypoint: [\"/app/run\"]\n{ORIGINAL}"),
    );
    let rewrite = fake.rewrite(&format!(
        "# fake-echo-args\n# fake-entrypoint: [\"/app/run\"]\n{ORIGINAL}"
    ));
    let o = fake.verify(&[
        "--format",
        "json",
        "--no-rebuild",
        "--probe-cmd",
        "--greet 'a b'",
        "--expect",
        "--greet a b",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    let p = &j["original"]["probe"];
    assert_eq!(p["kind"], "cmd");
    // ENTRYPOINT kept, CMD replaced by the arguments.
    assert_eq!(p["argv"], serde_json::json!(["/app/run", "--greet", "a b"]));
    assert_eq!(p["expect_found"], true);
    // Expected text that is not there fails the original: exit 2.
    let o = fake.verify(&[
        "--no-rebuild",
        "--probe-cmd",
        "x",
        "--expect",
        "not printed",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("lacks the expected text"), "{}", o.stderr);
    fake.assert_clean(false);
}

#[test]
fn a_server_passes_the_default_probe_and_is_stopped() {
    let fake = Fake::new();
    app(&fake);
    fake.file("Dockerfile", &format!("# fake-sleep\n{ORIGINAL}"));
    let rewrite = fake.rewrite(ORIGINAL);
    let o = fake.verify(&[
        "--format",
        "json",
        "--no-rebuild",
        "--settle",
        "1",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    // The original keeps running, the rewrite exits: not equivalent.
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_eq!(j["original"]["probe"]["still_running"], true);
    assert_eq!(j["original"]["probe"]["passed"], true);
    assert!(
        j["reasons"][0]
            .as_str()
            .unwrap()
            .contains("the original keeps running"),
        "{j}"
    );
    // The fake's `sleep 300` was stopped with its process group.
    assert!(o.seconds < 60.0);
    fake.assert_clean(false);
}

#[test]
fn an_http_probe_compares_status_and_body() {
    if !Path::new("/usr/bin/python3").exists() {
        eprintln!("notice: /usr/bin/python3 is missing; the fake HTTP server cannot run, skipped");
        return;
    }
    let port = free_port();
    let fake = Fake::new();
    app(&fake);
    let serve = format!("# fake-serve: {port}\n# fake-body: hello over http\n{ORIGINAL}");
    fake.file("Dockerfile", &serve);
    let same = fake.rewrite(&serve);
    let probe = format!("{port}/");
    let o = fake.verify(&[
        "--format",
        "json",
        "--no-rebuild",
        "--probe-http",
        &probe,
        "--expect",
        "hello over",
        "--rewrite",
        same.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    for side in ["original", "rewrite"] {
        let p = &j[side]["probe"];
        assert_eq!(p["kind"], "http");
        assert_eq!(p["http_status"], 200, "{p}");
        assert_eq!(p["body"], "hello over http\n", "{p}");
    }
    let other = fake.rewrite(&serve.replace("hello over http", "hello over https"));
    let o = fake.verify(&[
        "--no-rebuild",
        "--probe-http",
        &probe,
        "--rewrite",
        other.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("the HTTP body differs"), "{}", o.stdout);
    // A port already taken before the original starts: the environment's
    // fault (exit 2), not the image's.
    let _taken = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let o = fake.verify(&[
        "--no-rebuild",
        "--probe-http",
        &probe,
        "--rewrite",
        same.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("already in use"), "{}", o.stderr);
    fake.assert_clean(false);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn a_server_that_never_answers_on_the_original_exits_2_in_time() {
    let fake = Fake::new();
    app(&fake);
    fake.file("Dockerfile", &format!("# fake-sleep\n{ORIGINAL}"));
    let rewrite = fake.rewrite(ORIGINAL);
    let probe = format!("{}/", free_port());
    let o = fake.verify(&[
        "--no-rebuild",
        "--probe-http",
        &probe,
        "--probe-timeout",
        "2",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("no answer on 127.0.0.1"), "{}", o.stderr);
    assert!(o.seconds < 30.0, "{}", o.seconds);
    fake.assert_clean(false);
}

#[test]
fn a_build_over_the_time_limit_is_stopped() {
    let fake = Fake::new();
    app(&fake);
    fake.file(
        "Dockerfile",
        &format!("# fake-build-sleep: 120\n{ORIGINAL}"),
    );
    let rewrite = fake.rewrite(ORIGINAL);
    let o = fake.verify(&[
        "--format",
        "json",
        "--timeout",
        "2",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_eq!(j["original"]["build_timed_out"], true);
    assert!(
        j["error"]
            .as_str()
            .unwrap()
            .contains("does not build within 2 s")
    );
    assert!(o.seconds < 30.0, "{}", o.seconds);
    fake.assert_clean(false);
}

#[test]
fn an_interrupt_stops_the_build_and_cleans_up() {
    let fake = Fake::new();
    app(&fake);
    // The original builds; the rewrite's build takes long and is interrupted.
    let slow = fake.rewrite(&format!("# fake-build-sleep: 120\n{ORIGINAL}"));
    std::fs::rename(&slow, fake.state.join("slow.Dockerfile")).unwrap();
    let path = format!("{}:/usr/bin:/bin", fake.bin.display());
    let child = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["verify", "--format", "json", "--rewrite"])
        .arg(fake.state.join("slow.Dockerfile"))
        .arg("Dockerfile")
        .env("PATH", path)
        .env("FAKE_STATE", &fake.state)
        .current_dir(&fake.context)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the slow build to start.
    let started = Instant::now();
    while !fake
        .log()
        .lines()
        .any(|l| l.starts_with("bud") && l.contains(":rewrite"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{}",
            fake.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: a signal to the child we started.
    unsafe {
        libc::kill(pid, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(started.elapsed() < Duration::from_secs(60));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["error"], "interrupted", "{j}");
    fake.assert_clean(false);
}

#[test]
fn docker_is_driven_with_its_own_command_lines() {
    let fake = Fake::new();
    write_exe(&fake.bin.join("docker"), FAKE_DOCKER_DAEMON);
    std::fs::remove_file(fake.bin.join("buildah")).unwrap();
    app(&fake);
    let text = format!("# fake-echo-args\n{ORIGINAL}");
    fake.file("Dockerfile", &text);
    let rewrite = fake.rewrite(&text.replace("500000", "200000"));
    let o = fake.verify(&[
        "--format",
        "json",
        "--probe-cmd",
        "x y",
        "--touch",
        "src/main.sh",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_eq!(j["engine"]["name"], "docker");
    assert_eq!(j["equivalent"], true, "{j}");
    for (side, bytes) in [("original", 500000), ("rewrite", 200000)] {
        assert_eq!(j[side]["bytes"], bytes);
        // `docker run IMAGE ARGS`: the arguments go to the engine as they are.
        assert_eq!(j[side]["probe"]["stdout"], "hello\nargs: x y\n");
        // The files came through `docker create` + `docker export`.
        assert_eq!(j[side]["program"]["program"], "/app/run");
        assert_eq!(j[side]["program"]["passed"], true);
        // BuildKit's `#n CACHED`.
        let r = &j["rebuild"][side];
        assert_eq!(r["first_rerun"], "COPY . .", "{r}");
        assert_eq!(r["dependency_install_rerun"], false, "{r}");
        assert_eq!(r["warm_all_cached"], true, "{r}");
    }
    let log = fake.log();
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("docker build --progress=plain -f "))
    );
    let runs: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("docker run "))
        .copied()
        .collect();
    assert_eq!(runs.len(), 2, "{log}");
    for r in &runs {
        assert!(
            r.starts_with("docker run --rm --pull=never --name slipway-verify-"),
            "{r}"
        );
        assert!(
            r.ends_with(":original x y") || r.ends_with(":rewrite x y"),
            "{r}"
        );
    }
    for name in lines.iter().filter_map(|l| {
        l.strip_prefix("docker create --pull=never --name ")
            .or_else(|| l.strip_prefix("docker run --rm --pull=never --name "))
            .and_then(|r| r.split_whitespace().next())
    }) {
        assert!(
            lines.contains(&format!("docker rm -f {name}").as_str()),
            "{name}\n{log}"
        );
    }
    for tag in lines.iter().filter_map(|l| {
        l.strip_prefix("docker build ")
            .and_then(|r| r.split(" -t ").nth(1))
            .and_then(|r| r.split_whitespace().next())
    }) {
        assert!(tag.starts_with("localhost/slipway-verify/"), "{tag}");
        assert!(
            lines.contains(&format!("docker rmi {tag}").as_str()),
            "{tag}\n{log}"
        );
    }
    assert!(
        std::fs::read_dir(fake.state.join("containers"))
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn moving_copy_before_the_install_is_flagged_by_the_rebuild() {
    let fake = Fake::new();
    app(&fake);
    // COPY . . first: a source change re-runs the install.
    let rewrite = fake.rewrite(
        "# fake-output: hello\nFROM fake:latest\nWORKDIR /app\nCOPY . .\nRUN apt-get install -y --no-install-recommends curl\nCMD [\"/app/run\"]\n",
    );
    let o = fake.verify(&[
        "--format",
        "json",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    let rb = &j["rebuild"];
    // Picked: the newest source file a COPY brings in, not packages.txt
    // (a manifest? no: but README.md and src/main.sh are newer).
    assert_eq!(rb["chosen"], "picked");
    let touched = rb["touched"].as_str().unwrap();
    assert!(
        touched == "src/main.sh" || touched == "README.md",
        "{touched}"
    );
    assert_eq!(rb["original"]["dependency_install_rerun"], false, "{rb}");
    assert_eq!(rb["rewrite"]["dependency_install_rerun"], true, "{rb}");
    assert_eq!(rb["regressed"], true);
    assert!(
        j["notes"]
            .to_string()
            .contains("re-runs a dependency install")
    );
    fake.assert_clean(false);
}

#[test]
fn keep_leaves_the_images_and_lists_them() {
    let fake = Fake::new();
    app(&fake);
    let rewrite = fake.rewrite(ORIGINAL);
    let o = fake.verify(&[
        "--format",
        "json",
        "--keep",
        "--no-rebuild",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let kept = o.json()["kept_images"].as_array().unwrap().len();
    assert_eq!(kept, 2);
    fake.assert_clean(true);
}

#[test]
fn a_declined_split_is_nothing_to_verify() {
    let fake = Fake::new();
    // Nothing is built in this file: split declines.
    fake.file("Dockerfile", "FROM debian:bookworm-slim\nCMD [\"true\"]\n");
    let o = fake.verify(&["--format", "json", "Dockerfile"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_eq!(j["status"], "nothing-to-verify");
    assert!(j["equivalent"].is_null());
    assert!(j["rewrite"].is_null());
    assert!(j["original"].is_null());
    assert_eq!(j["rewrite_from"], "split");
    assert!(!j["declined"].as_array().unwrap().is_empty(), "{j}");
    // No engine was even asked.
    assert_eq!(fake.log(), "");
    // The same with --fix on a file no fix applies to.
    let o = fake.verify(&["--fix", "Dockerfile"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("nothing to verify"), "{}", o.stdout);
}

#[test]
fn the_fixes_are_verified_without_touching_the_file() {
    let fake = Fake::new();
    app(&fake);
    // `apt-get install` without `-y` and a MAINTAINER: safe fixes apply.
    let text = "# fake-output: hello\nFROM fake:latest\nMAINTAINER someone\nWORKDIR /app\nCOPY . .\nCMD [\"/app/run\"]\n";
    let file = fake.file("Dockerfile", text);
    let o = fake.verify(&["--format", "json", "--no-rebuild", "--fix", "Dockerfile"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_eq!(j["rewrite_from"], "fix");
    assert!(!j["rewrite_summary"].as_array().unwrap().is_empty(), "{j}");
    assert_eq!(j["equivalent"], true);
    assert_eq!(std::fs::read_to_string(file).unwrap(), text);
    // The rewrite was built from a file outside the context.
    let log = fake.log();
    let rewrite_build = log
        .lines()
        .find(|l| l.starts_with("bud") && l.contains(":rewrite"))
        .unwrap();
    assert!(
        !rewrite_build.contains(fake.context.to_str().unwrap()) || {
            let f = rewrite_build.split(" -f ").nth(1).unwrap();
            !f.starts_with(fake.context.to_str().unwrap())
        }
    );
    fake.assert_clean(false);
}

#[test]
fn no_engine_is_a_clear_error() {
    let fake = Fake::new();
    app(&fake);
    let rewrite = fake.rewrite(ORIGINAL);
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_slipway"));
    cmd.args([
        "verify",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ])
    .env("PATH", empty.path())
    .current_dir(&fake.context);
    let o = run(cmd, Duration::from_secs(60));
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("no container engine works here"),
        "{}",
        o.stderr
    );
    // Named, but its store does not answer.
    std::fs::write(fake.state.join("info-fails"), "").unwrap();
    let o = fake.verify(&[
        "--engine",
        "buildah",
        "--rewrite",
        rewrite.to_str().unwrap(),
        "Dockerfile",
    ]);
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("the engine buildah cannot be used"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("the store is not reachable"),
        "{}",
        o.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let fake = Fake::new();
    app(&fake);
    let o = fake.verify(&["--probe-cmd", "x", "--probe-http", "80", "Dockerfile"]);
    assert_eq!(o.code, 2);
    let o = fake.verify(&["--probe-http", "nope", "Dockerfile"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("PORT[/PATH]"), "{}", o.stderr);
    let o = fake.verify(&["--unsafe-fixes", "Dockerfile"]);
    assert_eq!(o.code, 2);
    let o = fake.verify(&["--format", "json", "--fix", "missing.Dockerfile"]);
    assert_eq!(o.code, 2);
    assert!(o.json()["error"].as_str().unwrap().contains("cannot read"));
}

// ---------------------------------------------------------------- real builds

/// Whether the real tests can run: buildah, the stand-in store, and the
/// images they need. Otherwise a notice (a failure under CI=true).
fn real_buildah(images: &[&str]) -> Option<PathBuf> {
    const WHAT: &str = "the real slipway verify test";
    let conf = common::standin_store(WHAT)?;
    for image in images {
        let ok = Command::new("buildah")
            .args(["inspect", "--type", "image", image])
            .env("CONTAINERS_STORAGE_CONF", &conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return common::unavailable(
                &format!("the stand-in image {image} is not built (scripts/standin-images)"),
                WHAT,
            );
        }
    }
    Some(conf)
}

fn real_verify(conf: &Path, args: &[&str]) -> Outcome {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_slipway"));
    cmd.arg("verify")
        .args(["--engine", "buildah", "--format", "json"])
        .args(args)
        .env("CONTAINERS_STORAGE_CONF", conf)
        .env("NO_COLOR", "1");
    let o = run(cmd, Duration::from_secs(1800));
    eprintln!(
        "slipway verify {args:?}: exit {} in {:.1} s",
        o.code, o.seconds
    );
    o
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/verify")
        .join(name)
}

/// No container and no image of this run is left in the store.
fn assert_real_clean(conf: &Path, j: &Value) {
    let tag = j["original"]["image"].as_str().expect("an image was built");
    let repo = tag.rsplit_once(':').unwrap().0;
    let id = repo.rsplit('/').next().unwrap();
    let out = Command::new("buildah")
        .args(["containers", "--all", "--format", "{{.ContainerName}}"])
        .env("CONTAINERS_STORAGE_CONF", conf)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(id), "containers left behind: {text}");
    let out = Command::new("buildah")
        .args(["images", "--format", "{{.Name}}:{{.Tag}}"])
        .env("CONTAINERS_STORAGE_CONF", conf)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(repo), "images left behind: {text}");
}

#[test]
fn real_split_of_a_go_server_is_equivalent_and_small() {
    let dir = fixture("go-http");
    let file = dir.join("Dockerfile");
    // The runtime base is split's choice: it must be a stand-in too.
    let split = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .arg("split")
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&split.stdout);
    let runtime = text
        .lines()
        .filter_map(|l| l.strip_prefix("FROM "))
        .next_back()
        .expect("split rewrites the fixture")
        .trim()
        .to_string();
    let Some(conf) = real_buildah(&["docker.io/library/golang:1.22", &runtime]) else {
        return;
    };
    let before = snapshot(&dir);
    let o = real_verify(
        &conf,
        &[
            "--no-rebuild",
            "--probe-http",
            "18071/",
            "--expect",
            "hello from ",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_eq!(j["equivalent"], true, "{j}");
    assert_eq!(j["rewrite_from"], "split");
    let (a, b) = (&j["original"], &j["rewrite"]);
    for s in [a, b] {
        assert_eq!(s["built"], true);
        assert_eq!(s["probe"]["http_status"], 200, "{s}");
        // argv[0]: as given under Docker, the path found under Buildah.
        let body = s["probe"]["body"].as_str().unwrap();
        assert!(
            body.starts_with("hello from ") && body.ends_with("hello\n"),
            "{body}"
        );
        assert_eq!(s["program"]["program"], "/usr/local/bin/hello");
        assert_eq!(s["program"]["kind"], "elf-static");
        assert_eq!(s["program"]["passed"], true);
    }
    let (ab, bb) = (a["bytes"].as_u64().unwrap(), b["bytes"].as_u64().unwrap());
    assert!(bb * 10 < ab, "the rewrite is {bb} bytes, the original {ab}");
    eprintln!(
        "go-http: original {ab} bytes (estimated {}), built in {:.1} s, probe {:.1} s; rewrite {bb} bytes (estimated {}), built in {:.1} s, probe {:.1} s",
        a["estimated_bytes"],
        a["build_seconds"].as_f64().unwrap(),
        a["probe"]["seconds"].as_f64().unwrap(),
        b["estimated_bytes"],
        b["build_seconds"].as_f64().unwrap(),
        b["probe"]["seconds"].as_f64().unwrap(),
    );
    assert_eq!(snapshot(&dir), before, "the fixture changed");
    assert_real_clean(&conf, &j);
}

#[test]
fn real_rebuild_cache_order_and_a_missing_library() {
    let Some(conf) = real_buildah(&["docker.io/library/debian:bookworm-slim"]) else {
        return;
    };
    let dir = fixture("shell-cache");
    let file = dir.join("Dockerfile");
    let before = snapshot(&dir);
    // The rewrite copies everything before the install: the install re-runs
    // after a source change. It behaves the same.
    let o = real_verify(
        &conf,
        &[
            "--rewrite",
            dir.join("copy-first.Dockerfile").to_str().unwrap(),
            "--expect",
            "message: hello",
            "--touch",
            "message.txt",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_eq!(j["equivalent"], true, "{j}");
    let rb = &j["rebuild"];
    assert_eq!(rb["touched"], "message.txt", "{rb}");
    assert_eq!(rb["original"]["dependency_install_rerun"], false, "{rb}");
    assert_eq!(rb["rewrite"]["dependency_install_rerun"], true, "{rb}");
    assert_eq!(rb["regressed"], true);
    assert_eq!(rb["original"]["first_rerun"], "COPY . .", "{rb}");
    assert_real_clean(&conf, &j);
    for s in ["original", "rewrite"] {
        assert_eq!(j[s]["program"]["kind"], "elf-dynamic", "{}", j[s]);
        let libs = j[s]["program"]["libraries"].to_string();
        assert!(libs.contains("libbz2.so.1.0"), "{libs}");
        eprintln!(
            "shell-cache {s}: built in {:.1} s, probe {:.1} s, rebuild {:.1} s",
            j[s]["build_seconds"].as_f64().unwrap(),
            j[s]["probe"]["seconds"].as_f64().unwrap(),
            rb[s]["seconds"].as_f64().unwrap()
        );
    }
    // A rewrite that deletes a library its program links.
    let o = real_verify(
        &conf,
        &[
            "--no-rebuild",
            "--rewrite",
            dir.join("no-libbz2.Dockerfile").to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let j = o.json();
    assert_real_clean(&conf, &j);
    let reasons = j["reasons"].to_string();
    assert!(
        reasons.contains(
            "the shared library libbz2.so.1.0 that /usr/bin/gpgv links is not in the image"
        ),
        "{reasons}"
    );
    // An original that does not build.
    let o = real_verify(
        &conf,
        &[
            "--no-rebuild",
            "--rewrite",
            file.to_str().unwrap(),
            dir.join("broken.Dockerfile").to_str().unwrap(),
        ],
    );
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    assert_real_clean(&conf, &o.json());
    assert_eq!(snapshot(&dir), before, "the fixture changed");
}
