//! `slipway fleet` over `tests/fixtures/fleet-monorepo`, a monorepo written
//! for these tests (22 services in Go, Rust, Node.js, Python, Java, .NET and
//! nginx sites, a Compose file, a shared base image two services are built
//! on), and the Bake plan in HCL (`--emit bake`) read back with hcl-rs.
//!
//! The reports and the plan are snapshot-tested (`snapshots/fleet_monorepo_*`);
//! the facts that matter are asserted as well, so that a snapshot accepted in
//! a hurry cannot hide them.

use hcl::eval::Context;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{git, git_commit_all, slipway_output as slipway};

/// The services of the fixture (the Compose names, else the directories).
const SERVICES: [&str; 22] = [
    "base",
    "gateway",
    "orders",
    "scheduler",
    "services/admin",
    "services/api",
    "services/auth",
    "services/bff",
    "services/billing",
    "services/catalog",
    "services/exporter",
    "services/indexer",
    "services/ingest",
    "services/jobs",
    "services/ml",
    "services/notifier",
    "services/reports",
    "services/worker",
    "sites/docs",
    "sites/marketing",
    "sites/status",
    "web",
];

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fleet-monorepo")
}

/// Standard output of a run that must succeed.
fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = slipway(dir, args);
    assert_eq!(code, 0, "slipway {args:?}: {err}\n{out}");
    out
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let out = ok(dir, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn service<'v>(report: &'v Value, name: &str) -> &'v Value {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no service {name}"))
}

fn family<'v>(report: &'v Value, name: &str, role: &str) -> &'v Value {
    report["consolidation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["family"] == name && f["role"] == role)
        .unwrap_or_else(|| panic!("no family {name} ({role})"))
}

fn variants(family: &Value) -> BTreeSet<String> {
    family["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["image"].as_str().unwrap().to_string())
        .collect()
}

fn codes(s: &Value) -> Vec<&str> {
    s["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn reports_are_snapshotted() {
    let root = fixture();
    snapshot("fleet_monorepo_human", &ok(&root, &["fleet"]));
    snapshot(
        "fleet_monorepo_json",
        &ok(&root, &["fleet", "--format", "json"]),
    );
    snapshot(
        "fleet_monorepo_markdown",
        &ok(&root, &["fleet", "--format", "markdown"]),
    );
    snapshot(
        "fleet_monorepo_bake_hcl",
        &ok(
            &root,
            &[
                "fleet",
                "--emit",
                "bake",
                "--registry",
                "ghcr.io/acme",
                "--cache",
                "gha",
                "--platform",
                "linux/amd64",
            ],
        ),
    );
}

/// The Dockerfiles under `dir`, counted on disk.
fn dockerfiles(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            n += dockerfiles(&e.path());
        } else if e.file_name() == "Dockerfile" {
            n += 1;
        }
    }
    n
}

#[test]
fn the_fixture_facts() {
    let root = fixture();
    let r = json(&root, &["fleet", "--format", "json"]);
    // Every Dockerfile is a service, named by Compose or by its directory.
    assert_eq!(dockerfiles(&root), SERVICES.len());
    let names: Vec<&str> = r["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, SERVICES);
    assert_eq!(r["totals"]["services"], 22);
    assert_eq!(r["totals"]["not_parsed"], 0);
    assert_eq!(r["root"], ".");
    for name in ["gateway", "web", "orders", "base", "scheduler"] {
        assert_eq!(service(&r, name)["origin"], "compose.yaml", "{name}");
    }
    assert_eq!(service(&r, "web")["target"], "runtime");
    assert_eq!(
        service(&r, "services/auth")["dockerfile"],
        "services/auth/Dockerfile"
    );

    // Single-stage services are flagged as such; those that build in the
    // stage that ships get `single-stage-build`.
    let single = [
        "base",
        "scheduler",
        "services/admin",
        "services/api",
        "services/auth",
        "services/billing",
        "services/ingest",
        "services/ml",
        "services/reports",
        "services/worker",
        "sites/docs",
        "sites/marketing",
        "sites/status",
    ];
    for name in SERVICES {
        let s = service(&r, name);
        assert_eq!(
            s["multi_stage"],
            !single.contains(&name),
            "{name}: {}",
            s["stages"]
        );
    }
    assert_eq!(r["totals"]["single_stage"], single.len());
    assert_eq!(r["totals"]["multi_stage"], SERVICES.len() - single.len());
    for name in [
        "services/auth",
        "services/billing",
        "services/ingest",
        "services/reports",
    ] {
        let s = service(&r, name);
        assert!(codes(s).contains(&"SW424"), "{name}: {:#}", s["findings"]);
        let rewrites = s["after"]["rewrites"].as_array().unwrap();
        assert!(
            rewrites
                .iter()
                .any(|w| w.as_str().unwrap().starts_with("split: ")),
            "{name}: {rewrites:?}"
        );
    }

    // The Go single-stage service: the split onto distroless saves most of it.
    let auth = service(&r, "services/auth");
    let before = auth["estimated_bytes"].as_u64().unwrap();
    let after = auth["after"]["estimated_bytes"].as_u64().unwrap();
    let saving = auth["savings_bytes"].as_i64().unwrap();
    assert!(saving > 0, "{auth:#}");
    assert_eq!(saving, before as i64 - after as i64);
    assert!(after < before / 100, "{before} -> {after}");
    assert_eq!(
        auth["after"]["base"]["image"],
        "gcr.io/distroless/static-debian12:nonroot"
    );
    // Multi-stage services have nothing to split.
    assert_eq!(service(&r, "gateway")["savings_bytes"], 0);

    // Node: the variants in use, by role, and one suggested for each.
    let node_runtime = family(&r, "node", "runtime");
    assert_eq!(
        variants(node_runtime),
        ["node:22-bookworm", "node:24-alpine", "node:24-slim"]
            .map(String::from)
            .into()
    );
    assert_eq!(node_runtime["suggested"], "node:24-slim");
    assert!(node_runtime["saved_bytes"].as_u64().unwrap() > 0);
    let node_build = family(&r, "node", "build");
    assert_eq!(
        variants(node_build),
        ["node:24", "node:24-alpine"].map(String::from).into()
    );
    // nginx: three tags of one family.
    assert_eq!(variants(family(&r, "nginx", "runtime")).len(), 3);
    // Two services share the base image built here, one image of golang
    // and one of maven serve as builders.
    let shared = &family(&r, "acme/base", "runtime")["variants"][0];
    assert_eq!(
        shared["services"],
        json!(["scheduler", "services/exporter"])
    );
    assert_eq!(
        variants(family(&r, "golang", "build")),
        ["golang:1.25", "golang:1.26", "golang:1.26-alpine"]
            .map(String::from)
            .into()
    );

    // The fleet's agreed set (slipway.toml) catches the odd ones out.
    assert!(codes(service(&r, "services/ml")).contains(&"SW603"));
    assert!(codes(service(&r, "services/worker")).contains(&"SW603"));
    assert!(!codes(service(&r, "services/jobs")).contains(&"SW603"));

    // The cost model counts each distinct base image once.
    let c = &r["cost"]["before"];
    let bases = c["base_images"].as_object().unwrap();
    assert_eq!(
        c["base_bytes"].as_u64().unwrap(),
        bases.values().map(|v| v.as_u64().unwrap()).sum::<u64>()
    );
    assert!(bases.contains_key("node:24-slim"));
}

/// Copy a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The fixture as a fresh Git repository with one commit.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), dir.path());
    git_commit_all(dir.path(), "fixture");
    dir
}

fn append(path: &Path, text: &str) {
    let mut old = std::fs::read_to_string(path).unwrap();
    old.push_str(text);
    std::fs::write(path, old).unwrap();
}

/// The targets of an HCL plan, read with hcl-rs.
fn hcl_targets(text: &str) -> Vec<String> {
    let v: Value = hcl::eval::from_str(text, &Context::new()).unwrap();
    v["group"]["default"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn changes_rebuild_what_they_reach() {
    let dir = repo();
    let r = dir.path();
    let changed = |r: &Path| {
        ok(
            r,
            &["fleet", "--changed-since", "HEAD", "--format", "names"],
        )
    };
    assert_eq!(changed(r), "");

    // Files the build context's .dockerignore leaves out rebuild nothing.
    append(&r.join("services/web/README.md"), "More.\n");
    append(&r.join("services/gateway/docs/routes.md"), "- `/metrics`\n");
    append(&r.join("services/api/tests/test_api.py"), "# more\n");
    assert_eq!(changed(r), "");
    let plan = ok(r, &["fleet", "--changed-since", "HEAD", "--emit", "bake"]);
    assert!(hcl_targets(&plan).is_empty(), "{plan}");
    assert!(!plan.contains("target \""), "{plan}");

    // A file of the shared base image rebuilds it and both services built
    // on it, and nothing else.
    append(&r.join("platform/base/etc/motd"), "Have a nice day.\n");
    assert_eq!(changed(r), "base\nscheduler\nservices/exporter\n");
    let j = json(r, &["fleet", "--changed-since", "HEAD", "--format", "json"]);
    assert_eq!(
        j["changed"][0]["reasons"],
        json!(["platform/base/etc/motd"])
    );
    assert_eq!(
        j["changed"][1]["reasons"],
        json!(["uses the image of base"])
    );
    assert_eq!(j["totals"]["services"], 3);
    let plan = ok(r, &["fleet", "--changed-since", "HEAD", "--emit", "bake"]);
    assert_eq!(
        hcl_targets(&plan),
        ["base", "scheduler", "services-exporter"]
    );

    // Committed changes count from the revision given; a service's own
    // file rebuilds only it when nothing is built on its image.
    git(r, &["commit", "-q", "-am", "base and docs"]);
    assert_eq!(changed(r), "");
    append(&r.join("services/gateway/cmd/gateway/main.go"), "// v2\n");
    git(r, &["commit", "-q", "-am", "gateway"]);
    assert_eq!(changed(r), "");
    assert_eq!(
        ok(
            r,
            &["fleet", "--changed-since", "HEAD~1", "--format", "names"]
        ),
        "gateway\n"
    );
    assert_eq!(
        ok(
            r,
            &["fleet", "--changed-since", "HEAD~2", "--format", "names"]
        ),
        "base\ngateway\nscheduler\nservices/exporter\n"
    );
    // A changed .dockerignore changes what goes into the context.
    append(&r.join("services/web/.dockerignore"), "coverage/\n");
    assert_eq!(changed(r), "web\n");
}

/// The JSON plan (`--emit bake-json`) and the HCL plan (`--emit bake`) of
/// the same run, the HCL evaluated by hcl-rs with no variables (an
/// interpolation left unescaped would be an undefined variable).
fn both_plans(dir: &Path, extra: &[&str]) -> (Value, Value, String) {
    let mut args = vec!["fleet", "--emit", "bake-json"];
    args.extend(extra);
    let plan_json = json(dir, &args);
    args[2] = "bake";
    let text = ok(dir, &args);
    let from_hcl: Value =
        hcl::eval::from_str(&text, &Context::new()).unwrap_or_else(|e| panic!("{e}\n{text}"));
    (plan_json, from_hcl, text)
}

#[test]
fn the_hcl_plan_reads_back_as_the_json_plan() {
    let root = fixture();
    let (plan, from_hcl, text) =
        both_plans(&root, &["--registry", "ghcr.io/acme", "--cache", "gha"]);
    assert_eq!(from_hcl, plan, "{text}");
    // The old flag gives the same JSON.
    let old = json(
        &root,
        &[
            "fleet",
            "--bake",
            "--registry",
            "ghcr.io/acme",
            "--cache",
            "gha",
        ],
    );
    assert_eq!(old, plan);

    // The structure, block by block, as hcl-rs parses it.
    let body = hcl::parse(&text).unwrap();
    let blocks: Vec<&hcl::Block> = body.blocks().collect();
    assert_eq!(blocks.len(), 1 + SERVICES.len());
    assert_eq!(blocks[0].identifier(), "group");
    assert_eq!(blocks[0].labels()[0].as_str(), "default");
    let group: Vec<String> = plan["group"]["default"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert_eq!(group.len(), SERVICES.len());
    for (block, name) in blocks[1..].iter().zip(&group) {
        assert_eq!(block.identifier(), "target");
        assert_eq!(block.labels().len(), 1);
        assert_eq!(block.labels()[0].as_str(), name);
        // A target name is an HCL identifier.
        assert!(hcl::Identifier::new(name.as_str()).is_ok(), "{name}");
        let keys: Vec<&str> = block.body().attributes().map(|a| a.key()).collect();
        for key in ["context", "dockerfile", "tags", "cache-from", "cache-to"] {
            assert!(keys.contains(&key), "{name}: {keys:?}");
        }
        // The Dockerfile exists, relative to the context.
        let t = &plan["target"][name.as_str()];
        let df = root
            .join(t["context"].as_str().unwrap())
            .join(t["dockerfile"].as_str().unwrap());
        assert!(df.is_file(), "{}", df.display());
        assert_eq!(
            t["cache-from"],
            json!([format!("type=gha,scope={name}")]),
            "{name}"
        );
    }
    let t = &plan["target"];
    assert_eq!(t["services-auth"]["context"], "services/auth");
    assert_eq!(
        t["services-auth"]["tags"],
        json!(["ghcr.io/acme/services-auth:latest"])
    );
    assert_eq!(t["gateway"]["tags"], json!(["ghcr.io/acme/gateway:1.4"]));
    assert_eq!(
        t["gateway"]["platforms"],
        json!(["linux/amd64", "linux/arm64"])
    );
    assert_eq!(t["web"]["target"], "runtime");
    assert!(t["sites-docs"].get("platforms").is_none());

    // A registry cache, and platforms for the targets that declare none.
    let (plan, from_hcl, text) = both_plans(
        &root,
        &[
            "--cache",
            "registry.example/cache/",
            "--platform",
            "linux/amd64,linux/arm64",
            "--platform",
            "linux/riscv64",
        ],
    );
    assert_eq!(from_hcl, plan, "{text}");
    let t = &plan["target"];
    assert_eq!(
        t["sites-docs"]["cache-to"],
        json!(["type=registry,ref=registry.example/cache/sites-docs:cache,mode=max"])
    );
    assert_eq!(
        t["sites-docs"]["platforms"],
        json!(["linux/amd64", "linux/arm64", "linux/riscv64"])
    );
    assert_eq!(
        t["gateway"]["platforms"],
        json!(["linux/amd64", "linux/arm64"])
    );
    assert_eq!(t["sites-docs"]["tags"], json!(["sites-docs:latest"]));
}

/// Strings no writer should trust itself with.
const ODD: &str = "odd \"quoted\" ${HOME} %{if x}y%{endif} $${esc} 100% $ \\back\\ ünï\tcode";

#[test]
fn odd_strings_round_trip_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    let odd_dir = r.join(ODD);
    std::fs::create_dir_all(&odd_dir).unwrap();
    std::fs::write(odd_dir.join("Dockerfile"), "FROM alpine:3.24\n").unwrap();
    std::fs::write(
        odd_dir.join("Dockerfile.${X}"),
        "FROM alpine:3.24 AS a\nFROM a\n",
    )
    .unwrap();
    std::fs::create_dir_all(r.join("plain")).unwrap();
    std::fs::write(r.join("plain/Dockerfile"), "FROM alpine:3.24\n").unwrap();
    // Compose: an image and a stage with template sequences, a quote, a
    // backslash and a newline; two names that reduce to one target name.
    std::fs::write(
        r.join("compose.yaml"),
        "services:\n  \"p l/a.i n\":\n    build:\n      context: plain\n      target: \"%{stage}\\\"\\\\\"\n    image: \"acme/${NAME}:\\\"1\\\"\\nx\"\n  p-l-a-i-n:\n    build:\n      context: plain\n      target: other\n  \"2fa\":\n    build: plain\n",
    )
    .unwrap();
    let (plan, from_hcl, text) = both_plans(r, &["--cache", "gha"]);
    assert_eq!(from_hcl, plan, "{text}");
    let t = plan["target"].as_object().unwrap();
    let names: BTreeSet<&str> = t.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "_2fa",
            "odd-quoted-HOME-if-x-y-endif-esc-100-back-n-code",
            "odd-quoted-HOME-if-x-y-endif-esc-100-back-n-code-X",
            "p-l-a-i-n",
            "p-l-a-i-n-2",
        ]
        .into()
    );
    for name in &names {
        assert!(hcl::Identifier::new(*name).is_ok(), "{name}");
    }
    let odd = &t["odd-quoted-HOME-if-x-y-endif-esc-100-back-n-code"];
    assert_eq!(odd["context"], ODD);
    assert_eq!(odd["dockerfile"], "Dockerfile");
    assert_eq!(
        t["odd-quoted-HOME-if-x-y-endif-esc-100-back-n-code-X"]["dockerfile"],
        "Dockerfile.${X}"
    );
    let p = &t["p-l-a-i-n"];
    assert_eq!(p["target"], "%{stage}\"\\");
    assert_eq!(p["tags"], json!(["acme/${NAME}:\"1\"\nx"]));
    assert_eq!(p["cache-from"], json!(["type=gha,scope=p-l-a-i-n"]));
    // The escapes themselves, as written.
    assert!(
        text.contains(r#"$${HOME} %%{if x}y%%{endif} $$${esc} 100% $ \\back\\"#),
        "{text}"
    );
    assert!(
        text.contains(r#"tags       = ["acme/$${NAME}:\"1\"\nx"]"#),
        "{text}"
    );
    assert!(text.contains("\\tcode"), "{text}");
}

#[test]
fn the_plan_goes_to_a_file_with_output() {
    let root = fixture();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("docker-bake.hcl");
    let file_arg = file.to_str().unwrap();
    let out = ok(&root, &["fleet", "--emit", "bake", "-o", file_arg]);
    assert_eq!(out, "");
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written, ok(&root, &["fleet", "--emit", "bake"]));
    // The report too.
    ok(&root, &["fleet", "--format", "json", "--output", file_arg]);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["totals"]["services"], 22);
    // Plan options without a plan, and two plans, are usage errors.
    let (code, _, err) = slipway(&root, &["fleet", "--cache", "gha"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = slipway(&root, &["fleet", "--bake", "--emit", "bake"]);
    assert_eq!(code, 2, "{err}");
    // A file that cannot be written.
    let bad = dir.path().join("no/such/dir/x.hcl");
    let (code, _, err) = slipway(
        &root,
        &["fleet", "--emit", "bake", "-o", bad.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
}

/// `docker buildx bake --print` reads the plan, when buildx is here.
#[test]
fn buildx_reads_the_plan() {
    let buildx = Command::new("docker")
        .args(["buildx", "version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !buildx {
        eprintln!("docker buildx not available; skipping");
        return;
    }
    let root = fixture();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("docker-bake.hcl");
    ok(
        &root,
        &[
            "fleet",
            "--emit",
            "bake",
            "--cache",
            "gha",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    let out = Command::new("docker")
        .current_dir(&root)
        .args(["buildx", "bake", "--print", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let targets = printed["target"].as_object().unwrap();
    assert_eq!(targets.len(), SERVICES.len());
    assert_eq!(printed["target"]["web"]["target"], "runtime");
}
