//! `slipway fleet` end to end, over a small monorepo written here: Go,
//! Node.js, Python, Alpine and Debian services, a Compose file, a Bake file
//! (JSON, and an HCL one that is skipped), a Dockerfile that does not parse,
//! services sharing a base image, and one built on another's image.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{git, git_commit_all, slipway_output as slipway};

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// The fixture fleet, in a fresh directory.
fn fleet() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(
        r,
        "api/Dockerfile",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app ./cmd/api\nENTRYPOINT [\"/app\"]\n",
    );
    write(r, "api/main.go", "package main\n");
    write(r, "api/.dockerignore", "*.md\n");
    write(r, "api/README.md", "# api\n");
    write(
        r,
        "web/Dockerfile",
        "FROM node:20 AS build\nWORKDIR /app\nCOPY package.json .\nRUN npm ci\nCOPY . .\nRUN npm run build\n\
         FROM node:20-slim\nCOPY --from=build /app/dist /app\nCMD [\"node\", \"/app/server.js\"]\n",
    );
    write(r, "web/package.json", "{}\n");
    write(
        r,
        "worker/Dockerfile",
        "FROM node:20.11-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCOPY w.js /app/\nCMD [\"node\", \"/app/w.js\"]\n",
    );
    write(r, "worker/w.js", "console.log(1)\n");
    write(
        r,
        "tools/Dockerfile",
        "FROM alpine:3.24\nCOPY <<EOF /hello\nhello\nEOF\n",
    );
    write(
        r,
        "tools/Dockerfile.cron",
        "FROM alpine:3.24\nCOPY cron.sh /cron.sh\n",
    );
    write(r, "tools/cron.sh", "#!/bin/sh\necho tick\n");
    write(
        r,
        "broken/Dockerfile",
        "FROM alpine:3.24\nCOPY <<EOF /x\nno end\n",
    );
    write(
        r,
        "base/Dockerfile",
        "FROM debian:12-slim\nCOPY motd /etc/motd\n",
    );
    write(r, "base/motd", "welcome\n");
    write(r, "app/Dockerfile", "FROM acme/base:1\nCMD [\"true\"]\n");
    write(
        r,
        "py/Dockerfile",
        "FROM python:3.12-slim\nCOPY --from=acme/base:1 /etc/motd /etc/motd\nCMD [\"python\"]\n",
    );
    write(
        r,
        "compose.yaml",
        "services:\n  web-frontend:\n    build:\n      context: web\n  base:\n    build: ./base\n    image: acme/base:1\n  db:\n    image: postgres:16\n",
    );
    write(
        r,
        "deploy/docker-bake.json",
        r#"{"target": {"worker": {"context": "../worker", "tags": ["acme/worker:2"]}}}"#,
    );
    write(r, "deploy/docker-bake.hcl", "target \"x\" {}\n");
    write(
        r,
        "slipway.toml",
        "[options]\nallowed-base-images = [\"golang\", \"node:20*\", \"alpine\", \"debian\", \"acme/base\"]\n",
    );
    dir
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let (code, out, err) = slipway(dir, args);
    assert_eq!(code, 0, "{err}\n{out}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn service<'v>(report: &'v Value, name: &str) -> &'v Value {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no service {name}: {report:#}"))
}

fn names(report: &Value) -> Vec<String> {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn services_are_found_and_reported() {
    let dir = fleet();
    let r = json(dir.path(), &["fleet", "--format", "json"]);
    assert_eq!(
        names(&r),
        [
            "api",
            "app",
            "base",
            "broken",
            "py",
            "tools",
            "tools/cron",
            "web-frontend",
            "worker"
        ]
    );
    // Every service has the documented fields.
    for s in r["services"].as_array().unwrap() {
        for key in ["name", "dockerfile", "context", "estimated_bytes"] {
            assert!(s.get(key).is_some(), "{key} missing in {s:#}");
        }
    }
    let web = service(&r, "web-frontend");
    assert_eq!(web["dockerfile"], "web/Dockerfile");
    assert_eq!(web["context"], "web");
    assert_eq!(web["origin"], "compose.yaml");
    assert_eq!(web["stages"], 2);
    assert_eq!(web["multi_stage"], true);
    assert_eq!(
        web["base_images"],
        serde_json::json!(["node:20", "node:20-slim"])
    );
    let worker = service(&r, "worker");
    assert_eq!(worker["origin"], "deploy/docker-bake.json");
    assert_eq!(worker["image"], "acme/worker:2");
    // A service whose Dockerfile does not parse is reported as such.
    let broken = service(&r, "broken");
    assert!(
        broken["error"].as_str().unwrap().contains("does not parse"),
        "{broken:#}"
    );
    assert_eq!(broken["estimated_bytes"], Value::Null);
    assert_eq!(r["totals"]["not_parsed"], 1);
    assert_eq!(r["totals"]["services"], 9);
    assert_eq!(r["totals"]["multi_stage"], 1);
    assert_eq!(r["totals"]["single_stage"], 7);
    // Sizes: a scratch-free image on a known base is its base plus its files.
    let tools = service(&r, "tools");
    assert_eq!(tools["estimated_bytes"], 8_420_000 + 6);
    assert_eq!(tools["certainty"], "known");
    // The totals add up the services.
    let sum: u64 = r["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["estimated_bytes"].as_u64())
        .sum();
    assert_eq!(r["totals"]["estimated_bytes"], sum);
    // The HCL bake file is skipped with a note.
    assert!(
        r["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("docker-bake.hcl")),
        "{:#}",
        r["notes"]
    );
}

#[test]
fn findings_and_savings() {
    let dir = fleet();
    let r = json(dir.path(), &["fleet", "--format", "json"]);
    // The rule of the fleet's base images, from slipway.toml.
    let py = service(&r, "py");
    let codes: Vec<&str> = py["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"SW603"), "{py:#}");
    assert!(py["findings"].as_array().unwrap().len() <= 3);
    // The Go service is split onto distroless: most of its size goes.
    let api = service(&r, "api");
    let rewrites = api["after"]["rewrites"].as_array().unwrap();
    assert!(
        rewrites
            .iter()
            .any(|w| w.as_str().unwrap().starts_with("split")),
        "{api:#}"
    );
    let before = api["estimated_bytes"].as_u64().unwrap();
    let after = api["after"]["estimated_bytes"].as_u64().unwrap();
    assert!(after < before / 10, "{before} -> {after}");
    assert_eq!(
        api["savings_bytes"].as_i64().unwrap(),
        before as i64 - after as i64
    );
    // A service built on an image the knowledge base does not size: unknown.
    let app = service(&r, "app");
    assert_eq!(app["certainty"], "unknown");
    // Nothing to rewrite saves 0.
    assert_eq!(service(&r, "tools")["savings_bytes"], 0);
}

#[test]
fn the_cost_model_counts_shared_base_images_once_and_shows_its_arithmetic() {
    let dir = fleet();
    let r = json(
        dir.path(),
        &[
            "fleet",
            "--format",
            "json",
            "--builds-per-day",
            "10",
            "--pulls-per-build",
            "3",
            "--retention-days",
            "7",
        ],
    );
    let c = &r["cost"]["before"];
    let n = |v: &Value| v.as_u64().unwrap();
    // Two services on alpine:3.24: one entry.
    let bases = c["base_images"].as_object().unwrap();
    assert_eq!(n(&bases["alpine:3.24"]), 8_420_000);
    assert_eq!(n(&c["base_bytes"]), bases.values().map(n).sum::<u64>());
    // What the services add on top of their bases.
    let own: u64 = r["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["estimated_bytes"].is_u64())
        .map(|s| n(&s["estimated_bytes"]) - s["base"]["bytes"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(n(&c["own_bytes"]), own);
    assert_eq!(n(&c["registry_per_day"]), own * 10);
    assert_eq!(n(&c["registry_total"]), own * 10 * 7 + n(&c["base_bytes"]));
    assert_eq!(n(&c["network_per_day"]), own * 10 * 3);
    assert_eq!(n(&c["naive_per_day"]), n(&c["image_bytes"]) * 10);
    assert_eq!(n(&c["image_bytes"]), n(&r["totals"]["estimated_bytes"]));
    // After the rewrites, less.
    let a = &r["cost"]["after"];
    assert!(n(&a["image_bytes"]) < n(&c["image_bytes"]));
    // The arithmetic is shown.
    let (_, text, _) = slipway(
        dir.path(),
        &["fleet", "--builds-per-day", "10", "--pulls-per-build", "3"],
    );
    assert!(text.contains("× 10 builds/day ="), "{text}");
    assert!(text.contains("× 3 pulls per build ="), "{text}");
    assert!(text.contains("8 services ×"), "{text}");
}

#[test]
fn base_images_are_consolidated_by_family_and_role() {
    let dir = fleet();
    let r = json(dir.path(), &["fleet", "--format", "json"]);
    let families = r["consolidation"].as_array().unwrap();
    let node_runtime = families
        .iter()
        .find(|f| f["family"] == "node" && f["role"] == "runtime")
        .unwrap();
    let variants: Vec<&str> = node_runtime["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["image"].as_str().unwrap())
        .collect();
    // One service each: the smaller wins.
    assert_eq!(variants, ["node:20-slim", "node:20.11-bookworm"]);
    assert_eq!(node_runtime["suggested"], "node:20-slim");
    let bookworm = &node_runtime["variants"][1]["bytes"];
    assert!(bookworm.as_u64().unwrap() > 500_000_000);
    assert_eq!(&node_runtime["saved_bytes"], bookworm);
    // The builder is its own group.
    let node_build = families
        .iter()
        .find(|f| f["family"] == "node" && f["role"] == "build")
        .unwrap();
    assert_eq!(node_build["suggested"], "node:20");
    assert_eq!(node_build["saved_bytes"], 0);
    // alpine: one variant, two services.
    let alpine = families.iter().find(|f| f["family"] == "alpine").unwrap();
    assert_eq!(
        alpine["variants"][0]["services"],
        serde_json::json!(["tools", "tools/cron"])
    );
    let (_, text, _) = slipway(dir.path(), &["fleet"]);
    assert!(
        text.contains("node (runtime): use node:20-slim everywhere"),
        "{text}"
    );
}

#[test]
fn human_and_markdown_reports() {
    let dir = fleet();
    let (code, text, err) = slipway(dir.path(), &["fleet"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.starts_with("SERVICE"), "{text}");
    assert!(text.contains("broken: does not parse: line "), "{text}");
    assert!(text.contains("Totals\n  9 services: 1 multi-stage, 7 single-stage, 1 not parsed"));
    let (code, md, _) = slipway(dir.path(), &["fleet", "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(md.contains("| Service | Dockerfile | Stages |"), "{md}");
    assert!(
        md.contains("| web-frontend | `web/Dockerfile` | 2 (multi) |"),
        "{md}"
    );
    assert!(md.contains("<details><summary>Cost model"), "{md}");
    // A path that is not a directory.
    let (code, _, err) = slipway(dir.path(), &["fleet", "compose.yaml"]);
    assert_eq!(code, 2, "{err}");
}

fn repo() -> tempfile::TempDir {
    let dir = fleet();
    git_commit_all(dir.path(), "fleet");
    dir
}

#[test]
fn changed_services_honor_dockerignore_and_image_dependencies() {
    let dir = repo();
    let r = dir.path();
    // Nothing changed.
    let (code, out, err) = slipway(
        r,
        &["fleet", "--changed-since", "HEAD", "--format", "names"],
    );
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    // An ignored file rebuilds nothing.
    write(r, "api/README.md", "# changed\n");
    let (_, out, _) = slipway(
        r,
        &["fleet", "--changed-since", "HEAD", "--format", "names"],
    );
    assert_eq!(out, "");
    // A context file does (committed or not, new or not); the service built
    // on base's image follows it.
    write(r, "api/main.go", "package main // changed\n");
    write(r, "base/new-file", "x\n");
    git(r, &["add", "api"]);
    git(r, &["commit", "-q", "-m", "change"]);
    let (_, out, _) = slipway(
        r,
        &["fleet", "--changed-since", "HEAD~1", "--format", "names"],
    );
    assert_eq!(out, "api\napp\nbase\npy\n");
    let j = json(
        r,
        &["fleet", "--changed-since", "HEAD~1", "--format", "json"],
    );
    assert_eq!(names(&j), ["api", "app", "base", "py"]);
    let changed = j["changed"].as_array().unwrap();
    assert_eq!(changed[0]["reasons"], serde_json::json!(["api/main.go"]));
    assert_eq!(
        changed[1]["reasons"],
        serde_json::json!(["uses the image of base"])
    );
    // A changed Dockerfile outside the context's files: tools/Dockerfile.cron
    // is in the context of tools too.
    write(
        r,
        "tools/Dockerfile.cron",
        "FROM alpine:3.24\nCOPY cron.sh /c.sh\n",
    );
    let (_, out, _) = slipway(
        r,
        &["fleet", "--changed-since", "HEAD", "--format", "names"],
    );
    assert_eq!(out, "app\nbase\npy\ntools\ntools/cron\n");
    // The GitHub Actions matrix.
    let m = json(
        r,
        &["fleet", "--changed-since", "HEAD", "--format", "matrix"],
    );
    assert_eq!(m["include"][3]["service"], "tools");
    assert_eq!(m["include"][3]["context"], "tools");
    assert_eq!(m["include"][4]["dockerfile"], "tools/Dockerfile.cron");
    // A bad revision is an error.
    let (code, _, err) = slipway(r, &["fleet", "--changed-since", "nope"]);
    assert_eq!(code, 2, "{err}");
}

fn bake_targets(plan: &Value) -> Vec<String> {
    plan["group"]["default"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_bake_plan() {
    let dir = repo();
    let r = dir.path();
    let plan = json(r, &["fleet", "--bake"]);
    let targets = bake_targets(&plan);
    assert_eq!(targets.len(), 9);
    assert!(targets.contains(&"tools-cron".to_string()), "{targets:?}");
    let t = plan["target"].as_object().unwrap();
    assert_eq!(t.len(), 9);
    for name in &targets {
        let target = &t[name];
        assert!(target["context"].is_string(), "{target:#}");
        assert!(target["dockerfile"].is_string(), "{target:#}");
        assert!(target["tags"][0].is_string(), "{target:#}");
        // The Dockerfile is relative to the context and exists.
        let df = r
            .join(target["context"].as_str().unwrap())
            .join(target["dockerfile"].as_str().unwrap());
        assert!(df.is_file(), "{}", df.display());
    }
    assert_eq!(t["tools-cron"]["dockerfile"], "Dockerfile.cron");
    assert_eq!(t["worker"]["tags"], serde_json::json!(["acme/worker:2"]));
    assert_eq!(t["base"]["tags"], serde_json::json!(["acme/base:1"]));
    assert_eq!(t["api"]["tags"], serde_json::json!(["api:latest"]));
    // Only what changed, with a registry and a cache.
    write(r, "web/index.js", "x\n");
    let plan = json(
        r,
        &[
            "fleet",
            "--bake",
            "--changed-since",
            "HEAD",
            "--registry",
            "ghcr.io/acme",
            "--cache",
            "gha",
        ],
    );
    assert_eq!(bake_targets(&plan), ["web-frontend"]);
    let web = &plan["target"]["web-frontend"];
    assert_eq!(web["context"], "web");
    assert_eq!(
        web["tags"],
        serde_json::json!(["ghcr.io/acme/web-frontend:latest"])
    );
    assert_eq!(
        web["cache-from"],
        serde_json::json!(["type=gha,scope=web-frontend"])
    );
    // docker buildx bake --print reads it, when buildx is here.
    let buildx = Command::new("docker")
        .args(["buildx", "version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !buildx {
        eprintln!("docker buildx is not available: bake --print not run");
        return;
    }
    let file: PathBuf = r.join("plan.json");
    std::fs::write(&file, plan.to_string()).unwrap();
    let out = Command::new("docker")
        .current_dir(r)
        .args(["buildx", "bake", "-f", "plan.json", "--print"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

mod common;

/// `../shared/corpus` as one large fleet: each file a service in its own
/// directory. Every file is reported; those that do not parse say so; the
/// totals and the cost model add up.
#[test]
fn the_corpus_as_one_fleet() {
    let Some(shared) = common::shared_dir("the corpus fleet test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = common::corpus_files(&shared);
    let mut broken = 0;
    for (i, (_, path)) in files.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap();
        let parses = slipway::syntax::decode(&bytes)
            .is_ok_and(|text| slipway::syntax::parse(text).errors.is_empty());
        broken += usize::from(!parses);
        let d = dir.path().join(format!("s{i:04}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("Dockerfile"), bytes).unwrap();
    }
    let r = json(dir.path(), &["fleet", "--format", "json", "--isolated"]);
    let t = &r["totals"];
    assert_eq!(t["services"], files.len());
    assert_eq!(t["not_parsed"], broken);
    assert_eq!(
        t["multi_stage"].as_u64().unwrap() + t["single_stage"].as_u64().unwrap(),
        (files.len() - broken) as u64
    );
    let c = &r["cost"]["before"];
    let n = |v: &Value| v.as_u64().unwrap();
    assert_eq!(n(&c["registry_per_day"]), n(&c["own_bytes"]) * 24);
    assert_eq!(
        n(&c["registry_total"]),
        n(&c["registry_per_day"]) * 30 + n(&c["base_bytes"])
    );
    assert!(n(&c["base_bytes"]) <= n(&c["image_bytes"]));
    assert!(n(&r["cost"]["after"]["image_bytes"]) <= n(&c["image_bytes"]));
    eprintln!(
        "corpus fleet: {} services, {} not parsed, images {} bytes, after {} bytes, {} base images",
        t["services"],
        t["not_parsed"],
        t["estimated_bytes"],
        t["after_bytes"],
        c["base_images"].as_object().unwrap().len()
    );
}
