//! What a command does to a software project: installs its dependencies
//! from manifest files (`npm ci`, `pip install -r requirements.txt`, `go mod
//! download`...) or builds it (`go build`, `cargo build`, `npm run build`,
//! `mvn package`, `make`...). The optimizer rules use this to judge instruction
//! order (manifests before sources) and what ships (toolchains, dev
//! dependencies, single-stage builds).

use super::Command;

/// A language ecosystem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    /// npm, yarn, pnpm.
    Node,
    /// pip, uv, poetry, pipenv.
    Python,
    /// The go command.
    Go,
    /// Cargo.
    Rust,
    /// Maven, Gradle.
    Java,
    /// Bundler.
    Ruby,
    /// Composer.
    Php,
    /// The dotnet command.
    Dotnet,
    /// make, cmake, compilers called directly.
    C,
}

impl Ecosystem {
    /// For people: `Go`, `Node.js`...
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Node => "Node.js",
            Ecosystem::Python => "Python",
            Ecosystem::Go => "Go",
            Ecosystem::Rust => "Rust",
            Ecosystem::Java => "Java",
            Ecosystem::Ruby => "Ruby",
            Ecosystem::Php => "PHP",
            Ecosystem::Dotnet => ".NET",
            Ecosystem::C => "C/C++",
        }
    }
}

/// A command that installs a project's dependencies from its manifests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependencyInstall {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The tool, as people name it (`npm ci`, `pip install -r`).
    pub tool: &'static str,
    /// The files it reads, relative to the working directory, as a `COPY`
    /// source would name them: a lock file that may be absent ends with `*`
    /// (a wildcard that matches nothing is not an error for `COPY` when
    /// another source matches).
    pub manifests: Vec<String>,
    /// Whether it installs development dependencies too.
    pub dev: bool,
    /// Whether it also needs the project's own sources (`poetry install`
    /// without `--no-root` installs the project itself): then it cannot run
    /// before the sources are copied.
    pub needs_sources: bool,
}

/// The argument values after the command name, without options, nor the
/// values of options a package manager takes (`npm --prefix web ci`,
/// `yarn install --network-timeout 100000`).
fn operands(cmd: &Command) -> Vec<&str> {
    super::packages::operand_values(cmd)
        .unwrap_or_else(|| cmd.arg_values().filter(|a| !a.starts_with('-')).collect())
}

fn first(cmd: &Command) -> Option<&str> {
    cmd.args.first().map(|w| w.value.as_str())
}

/// `mvnw`/`gradlew` wrappers count as the tool.
fn tool_name(cmd: &Command) -> Option<&str> {
    Some(match cmd.basename()? {
        "mvnw" => "mvn",
        "gradlew" => "gradle",
        "pip3" | "pip" => "pip",
        n if n.starts_with("pip3.") => "pip",
        n => n,
    })
}

/// Whether `cmd` installs a project's dependencies from its manifests, and
/// how.
pub fn dependency_install(cmd: &Command) -> Option<DependencyInstall> {
    let name = tool_name(cmd)?;
    // Most commands are not build tools: collect the operands only when an
    // arm looks at them.
    let ops = std::cell::LazyCell::new(|| operands(cmd));
    let install = |ecosystem, tool, manifests: &[&str], dev, needs_sources| {
        Some(DependencyInstall {
            ecosystem,
            tool,
            manifests: manifests.iter().map(|s| s.to_string()).collect(),
            dev,
            needs_sources,
        })
    };
    match name {
        "npm" => {
            let sub = *ops.first()?;
            let whole = match sub {
                "ci" | "clean-install" | "install-clean" => true,
                // `npm install <pkg>` adds a package: not a manifest install.
                "install" | "i" | "isntall" | "add" => ops.len() == 1,
                _ => false,
            };
            if !whole {
                return None;
            }
            let prod = cmd.has_flag('\0', "production")
                || ["--omit=dev", "--only=prod", "--only=production"]
                    .iter()
                    .any(|f| cmd.arg_values().any(|a| a == *f))
                || cmd.option_str(&["--omit"]) == Some("dev");
            install(
                Ecosystem::Node,
                if sub == "ci" { "npm ci" } else { "npm install" },
                &["package.json", "package-lock.json*"],
                !prod,
                false,
            )
        }
        "yarn" => {
            if !(ops.is_empty() || *ops == ["install"]) {
                return None;
            }
            let prod = cmd.has_flag('\0', "production") || cmd.has_flag('\0', "prod");
            install(
                Ecosystem::Node,
                "yarn install",
                &["package.json", "yarn.lock*"],
                !prod,
                false,
            )
        }
        "pnpm" => {
            if !(*ops == ["install"] || *ops == ["i"]) {
                return None;
            }
            let prod = cmd.has_flag('P', "prod") || cmd.has_flag('\0', "production");
            install(
                Ecosystem::Node,
                "pnpm install",
                &["package.json", "pnpm-lock.yaml*"],
                !prod,
                false,
            )
        }
        "pip" | "uv" | "python" | "python3" => pip_requirements(cmd),
        "poetry" if first(cmd) == Some("install") => {
            let prod = cmd.has_flag('\0', "no-dev")
                || cmd.option_str(&["--only"]).is_some_and(|v| v == "main")
                || cmd
                    .option_str(&["--without"])
                    .is_some_and(|v| v.split(',').any(|g| g.trim() == "dev"));
            install(
                Ecosystem::Python,
                "poetry install",
                &["pyproject.toml", "poetry.lock*"],
                !prod,
                !cmd.has_flag('\0', "no-root"),
            )
        }
        "pipenv" if first(cmd) == Some("install") && ops.len() == 1 => install(
            Ecosystem::Python,
            "pipenv install",
            &["Pipfile", "Pipfile.lock*"],
            cmd.has_flag('d', "dev"),
            false,
        ),
        "go" if ops.first() == Some(&"mod") && ops.get(1) == Some(&"download") => install(
            Ecosystem::Go,
            "go mod download",
            &["go.mod", "go.sum*"],
            false,
            false,
        ),
        "cargo" if ops.first() == Some(&"fetch") => install(
            Ecosystem::Rust,
            "cargo fetch",
            &["Cargo.toml", "Cargo.lock*"],
            false,
            false,
        ),
        "bundle" | "bundler" if matches!(ops.first(), None | Some(&"install")) => {
            let prod = cmd
                .option_str(&["--without"])
                .is_some_and(|v| v.contains("development"))
                || cmd.has_flag('\0', "deployment");
            install(
                Ecosystem::Ruby,
                "bundle install",
                &["Gemfile", "Gemfile.lock*"],
                !prod,
                false,
            )
        }
        "composer" if *ops == ["install"] => install(
            Ecosystem::Php,
            "composer install",
            &["composer.json", "composer.lock*"],
            !cmd.has_flag('\0', "no-dev"),
            false,
        ),
        "mvn"
            if ops.iter().any(|o| {
                matches!(
                    *o,
                    "dependency:go-offline" | "dependency:resolve" | "dependency:resolve-plugins"
                )
            }) && !ops.iter().any(|o| is_maven_build_phase(o)) =>
        {
            install(
                Ecosystem::Java,
                "mvn dependency:go-offline",
                &["pom.xml"],
                false,
                false,
            )
        }
        _ => None,
    }
}

/// `pip install -r FILE...` (also `uv pip install -r`, `python -m pip`).
fn pip_requirements(cmd: &Command) -> Option<DependencyInstall> {
    let (m, at) = super::packages::manager(cmd)?;
    if !matches!(
        m,
        super::packages::Manager::Pip | super::packages::Manager::Uv
    ) {
        return None;
    }
    if cmd.args.get(at).map(|w| w.value.as_str()) != Some("install") {
        return None;
    }
    let mut files = Vec::new();
    let args: Vec<&str> = cmd.arg_values().skip(at + 1).collect();
    let mut i = 0;
    let mut other = false;
    while i < args.len() {
        let a = args[i];
        if a == "-r" || a == "--requirement" || a == "-c" || a == "--constraint" {
            if let Some(f) = args.get(i + 1) {
                files.push(f.to_string());
            }
            i += 2;
            continue;
        }
        if let Some(f) = a
            .strip_prefix("--requirement=")
            .or_else(|| a.strip_prefix("--constraint="))
            .or_else(|| a.strip_prefix("-r").filter(|f| !f.is_empty()))
        {
            files.push(f.to_string());
        } else if !a.starts_with('-') {
            other = true;
        }
        i += 1;
    }
    if files.is_empty() || other {
        return None;
    }
    let dev = files.iter().any(|f| {
        let f = f.to_ascii_lowercase();
        let base = super::basename(&f);
        base.contains("dev") || base.contains("test") || base.contains("lint")
    });
    Some(DependencyInstall {
        ecosystem: Ecosystem::Python,
        tool: "pip install -r",
        manifests: files,
        dev,
        needs_sources: false,
    })
}

fn is_maven_build_phase(o: &str) -> bool {
    matches!(
        o,
        "compile" | "package" | "install" | "verify" | "deploy" | "test"
    ) || o.starts_with("spring-boot:")
}

/// A command that compiles or bundles software.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildStep {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// What it is, for people (`go build`, `npm run build`).
    pub what: String,
}

/// Whether `cmd` compiles or bundles software.
pub fn build_step(cmd: &Command) -> Option<BuildStep> {
    let name = tool_name(cmd)?;
    // Most commands are not build tools: collect the operands only when an
    // arm looks at them.
    let ops = std::cell::LazyCell::new(|| operands(cmd));
    let step = |ecosystem, what: String| Some(BuildStep { ecosystem, what });
    match name {
        "go" if matches!(ops.first(), Some(&"build")) => step(Ecosystem::Go, "go build".into()),
        "cargo" if matches!(ops.first(), Some(&("build" | "b"))) => {
            step(Ecosystem::Rust, "cargo build".into())
        }
        "cargo" if ops.first() == Some(&"install") && cmd.has_flag('\0', "path") => {
            step(Ecosystem::Rust, "cargo install --path".into())
        }
        "npm" | "pnpm" | "yarn" => {
            let script = match (name, ops.first().copied(), ops.get(1).copied()) {
                ("npm", Some("run" | "run-script"), Some(s)) => s,
                ("pnpm" | "yarn", Some("run"), Some(s)) => s,
                ("pnpm" | "yarn", Some(s), _) => s,
                _ => return None,
            };
            let bundles = script == "build"
                || script.starts_with("build:")
                || matches!(script, "compile" | "dist" | "bundle");
            bundles.then(|| BuildStep {
                ecosystem: Ecosystem::Node,
                what: format!("{name} run {script}"),
            })
        }
        "tsc" | "webpack" => step(Ecosystem::Node, name.into()),
        "vite" | "ng" | "next" | "nuxt" if ops.first() == Some(&"build") => {
            step(Ecosystem::Node, format!("{name} build"))
        }
        "mvn" if ops.iter().any(|o| is_maven_build_phase(o)) => {
            step(Ecosystem::Java, "mvn package".into())
        }
        "gradle"
            if ops.iter().any(|o| {
                matches!(
                    *o,
                    "build" | "assemble" | "jar" | "bootJar" | "shadowJar" | "installDist"
                )
            }) =>
        {
            step(Ecosystem::Java, "gradle build".into())
        }
        "dotnet" if matches!(ops.first(), Some(&("publish" | "build"))) => {
            step(Ecosystem::Dotnet, format!("dotnet {}", ops[0]))
        }
        "javac" => step(Ecosystem::Java, "javac".into()),
        "jar" if jar_output(cmd).is_some() => step(Ecosystem::Java, "jar".into()),
        "make" | "gmake" | "ninja" => {
            // `make install` alone usually follows a build in the same script;
            // `make -C dir` or `make target` compiles.
            step(Ecosystem::C, name.into())
        }
        "cmake" if cmd.has_flag('\0', "build") => step(Ecosystem::C, "cmake --build".into()),
        "gcc" | "g++" | "cc" | "c++" | "clang" | "clang++" if cmd.has_flag('o', "") => {
            step(Ecosystem::C, name.into())
        }
        _ => None,
    }
}

/// The archive a `jar` command creates: `--file FILE` / `--file=FILE` /
/// `-f FILE` with `--create` / `-c`, or the old style `jar cf FILE ...`,
/// `jar cfe FILE Main ...`, `jar cvfm FILE MANIFEST ...` (the operands
/// follow the order of the `f`, `m` and `e` letters).
pub fn jar_output(cmd: &Command) -> Option<&str> {
    let first = cmd.args.first()?;
    let mode = first.value.as_str();
    let letters = mode.strip_prefix('-').unwrap_or(mode);
    let old_style = !mode.starts_with("--")
        && !letters.is_empty()
        && letters.contains('c')
        && letters.chars().all(|c| "cvfmeM0P".contains(c));
    if old_style && letters.contains('f') {
        let mut operands = cmd.args[1..].iter();
        for l in letters.chars().filter(|c| matches!(c, 'f' | 'm' | 'e')) {
            let w = operands.next()?;
            if l == 'f' {
                return Some(&w.value);
            }
        }
        return None;
    }
    let creates = cmd.args.iter().any(|w| w.value == "--create")
        || cmd.args.iter().any(|w| {
            let v = w.value.as_str();
            v.starts_with('-') && !v.starts_with("--") && v[1..].contains('c')
        });
    if !creates {
        return None;
    }
    cmd.option_str(&["--file", "-f"])
}

/// Whether a system package is part of a build toolchain: compilers, build
/// tools, development headers (`-dev`, `-devel`), a JDK. Debian, Alpine and
/// RPM names.
pub fn is_toolchain_package(name: &str) -> bool {
    let name = name.split(['=', ':']).next().unwrap_or(name);
    // Strip an apk/rpm version constraint (`gcc>=12`, `gcc~12`).
    let name = name.split(['<', '>', '~']).next().unwrap_or(name);
    const EXACT: &[&str] = &[
        "gcc",
        "g++",
        "gcc-c++",
        "cpp",
        "clang",
        "llvm",
        "make",
        "cmake",
        "ninja-build",
        "samurai",
        "build-essential",
        "build-base",
        "alpine-sdk",
        "autoconf",
        "automake",
        "libtool",
        "pkg-config",
        "pkgconf",
        "pkgconfig",
        "golang",
        "golang-go",
        "go",
        "rustc",
        "cargo",
        "rust",
        "default-jdk",
        "default-jdk-headless",
        "maven",
        "gradle",
        "musl-dev",
        "libc6-dev",
        "linux-headers",
        "git",
    ];
    if EXACT.contains(&name) {
        return true;
    }
    if let Some(rest) = name
        .strip_prefix("gcc-")
        .or_else(|| name.strip_prefix("g++-"))
    {
        return rest.chars().all(|c| c.is_ascii_digit() || c == '.');
    }
    // openjdk-17-jdk, openjdk-17-jdk-headless, openjdk17 (apk: openjdk17-jdk)
    if name.starts_with("openjdk") && (name.contains("-jdk") || name.ends_with("-devel")) {
        return true;
    }
    if name.starts_with("java-") && name.ends_with("-devel") {
        return true;
    }
    name.ends_with("-dev") || name.ends_with("-devel")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::{Origin, parse};

    fn first_command(text: &str) -> Command {
        parse(text, Origin::File { offset: 0 }).commands.remove(0)
    }

    #[test]
    fn dependency_installs() {
        type Expected = Option<(&'static str, &'static str, bool)>;
        let cases: &[(&str, Expected)] = &[
            (
                "npm ci",
                Some(("npm ci", "package.json package-lock.json*", true)),
            ),
            (
                "npm ci --omit=dev",
                Some(("npm ci", "package.json package-lock.json*", false)),
            ),
            (
                "npm install --production",
                Some(("npm install", "package.json package-lock.json*", false)),
            ),
            ("npm install express", None),
            ("npm run build", None),
            (
                "yarn",
                Some(("yarn install", "package.json yarn.lock*", true)),
            ),
            (
                "yarn install --frozen-lockfile --production",
                Some(("yarn install", "package.json yarn.lock*", false)),
            ),
            ("yarn add left-pad", None),
            (
                "pnpm install --prod",
                Some(("pnpm install", "package.json pnpm-lock.yaml*", false)),
            ),
            (
                "pip install --no-cache-dir -r requirements.txt",
                Some(("pip install -r", "requirements.txt", false)),
            ),
            (
                "python3 -m pip install -r requirements-dev.txt",
                Some(("pip install -r", "requirements-dev.txt", true)),
            ),
            ("pip install -r requirements.txt gunicorn", None),
            ("pip install .", None),
            (
                "uv pip install -r requirements.txt",
                Some(("pip install -r", "requirements.txt", false)),
            ),
            (
                "poetry install --only main --no-root",
                Some(("poetry install", "pyproject.toml poetry.lock*", false)),
            ),
            (
                "go mod download",
                Some(("go mod download", "go.mod go.sum*", false)),
            ),
            ("go build ./...", None),
            (
                "cargo fetch",
                Some(("cargo fetch", "Cargo.toml Cargo.lock*", false)),
            ),
            (
                "bundle install --without development test",
                Some(("bundle install", "Gemfile Gemfile.lock*", false)),
            ),
            (
                "composer install --no-dev",
                Some(("composer install", "composer.json composer.lock*", false)),
            ),
            (
                "./mvnw dependency:go-offline -B",
                Some(("mvn dependency:go-offline", "pom.xml", false)),
            ),
        ];
        // Options that take a value are not operands.
        let cases = cases.iter().chain(&[
            (
                "npm --prefix web ci",
                Some(("npm ci", "package.json package-lock.json*", true)),
            ),
            (
                "yarn install --network-timeout 1000000 --production",
                Some(("yarn install", "package.json yarn.lock*", false)),
            ),
            (
                "pnpm --dir app install",
                Some(("pnpm install", "package.json pnpm-lock.yaml*", true)),
            ),
            ("npm --prefix web install left-pad", None),
        ]);
        for (text, expected) in cases {
            let got = dependency_install(&first_command(text))
                .map(|d| (d.tool, d.manifests.join(" "), d.dev));
            let expected = expected.map(|(t, m, d)| (t, m.to_string(), d));
            assert_eq!(got, expected, "{text}");
        }
        let poetry = dependency_install(&first_command("poetry install")).unwrap();
        assert!(poetry.dev && poetry.needs_sources);
    }

    #[test]
    fn build_steps() {
        let cases: &[(&str, Option<&str>)] = &[
            ("go build -o /app ./cmd/app", Some("go build")),
            ("CGO_ENABLED=0 go build .", Some("go build")),
            ("go test ./...", None),
            ("cargo build --release", Some("cargo build")),
            ("npm run build", Some("npm run build")),
            ("yarn build", Some("yarn run build")),
            ("npm run start", None),
            ("mvn -B package -DskipTests", Some("mvn package")),
            ("./gradlew bootJar", Some("gradle build")),
            ("dotnet publish -c Release -o /out", Some("dotnet publish")),
            ("make -j4", Some("make")),
            ("gcc -O2 -o hello hello.c", Some("gcc")),
            ("gcc --version", None),
            ("cmake --build build", Some("cmake --build")),
            ("javac -d out $(find src -name '*.java')", Some("javac")),
            ("jar --create --file app.jar -C out .", Some("jar")),
            ("jar cfe /opt/q.jar dev.Main -C out .", Some("jar")),
            ("jar tf app.jar", None),
        ];
        for (text, expected) in cases {
            let got = build_step(&first_command(text)).map(|b| b.what);
            assert_eq!(got.as_deref(), *expected, "{text}");
        }
    }

    #[test]
    fn jar_outputs() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "jar --create --file app.jar --main-class a.B -C out .",
                Some("app.jar"),
            ),
            ("jar --create --file=app.jar -C out .", Some("app.jar")),
            ("jar -c -f app.jar -C out .", Some("app.jar")),
            ("jar cf app.jar -C out .", Some("app.jar")),
            ("jar cfe /opt/q/q.jar dev.Q -C out .", Some("/opt/q/q.jar")),
            ("jar cmf MANIFEST.MF app.jar -C out .", Some("app.jar")),
            ("jar cvfm app.jar MANIFEST.MF -C out .", Some("app.jar")),
            ("jar xf app.jar", None),
            ("jar --list --file app.jar", None),
        ];
        for (text, expected) in cases {
            let cmd = first_command(text);
            let got = jar_output(&cmd);
            assert_eq!(got, *expected, "{text}");
        }
    }

    #[test]
    fn toolchain_packages() {
        for yes in [
            "gcc",
            "g++-12",
            "build-essential",
            "libssl-dev",
            "python3-dev",
            "openssl-devel",
            "openjdk-17-jdk-headless",
            "musl-dev",
            "gcc=4:12.2.0-3",
            "git",
        ] {
            assert!(is_toolchain_package(yes), "{yes}");
        }
        for no in [
            "curl",
            "ca-certificates",
            "openjdk-17-jre-headless",
            "libssl3",
            "gcc-12-base",
            "device-tree-compiler",
        ] {
            assert!(!is_toolchain_package(no), "{no}");
        }
    }
}
