//! A Java runtime made for the application by `jlink` in the builder: the
//! modules `jdeps` finds in the application's jar (or classes), linked into
//! a small image of the JDK (`--strip-java-debug-attributes --no-man-pages
//! --no-header-files --compress`), copied into a slim Debian image with
//! `JAVA_HOME` and `PATH` set as a JDK image sets them. A JRE image ships
//! every module of the platform (and, for Temurin's, Ubuntu); the modules a
//! small program uses are a fifth of that.
//!
//! It is offered only where `jdeps` can see the whole program: a jar or
//! classes directory that `javac` and `jar` made by hand from the build's
//! own sources (no class path, no manifest of its own that could name
//! one), run by a `java` command with no option that loads a module
//! `jdeps` cannot see (an agent, `--add-modules`). Elsewhere (Maven and
//! Gradle builds, whose dependencies are not in the jar) the JRE image
//! stays.

use super::analyze::Facts;
use super::images::{self, Custom, Runtime};
use super::tables::Distro;
use super::{Decision, DecisionKind};
use crate::syntax::Keyword;

/// Where `jlink` writes the runtime in the builder (writable by any user).
const OUTPUT: &str = "/tmp/jre";
/// Where the runtime goes in the runtime stage: Temurin's `JAVA_HOME`.
const JAVA_HOME: &str = "/opt/java/openjdk";
/// The file `jdeps` writes the module list to.
const MODULES: &str = "/tmp/jre-modules";

/// The modules added to what `jdeps` reports: service providers and file
/// systems that code reaches without naming a class of theirs, so that
/// `jdeps` cannot see them, and that commonly matter: `jdk.crypto.ec`
/// (elliptic-curve TLS cipher suites; inside `java.base` from Java 22) and
/// `jdk.zipfs` (the zip and jar file systems, `FileSystems.newFileSystem`,
/// a resource of the jar read as a `Path`).
fn extra_modules(major: u32) -> Vec<&'static str> {
    let mut out = Vec::new();
    if major < 22 {
        out.push("jdk.crypto.ec");
    }
    out.push("jdk.zipfs");
    out
}

/// `jlink`'s stripping of debug information: `--strip-debug` strips native
/// symbols too where the JDK can (Debian's jlink then runs `objcopy`, which a
/// JDK image without binutils lacks); from Java 13,
/// `--strip-java-debug-attributes` strips only the classes' (the JDK's
/// native libraries are stripped already).
fn strip(major: u32) -> &'static str {
    if major >= 13 {
        "--strip-java-debug-attributes"
    } else {
        "--strip-debug"
    }
}

/// `jlink --compress`: Java 21 replaced `0|1|2` with `zip-0` to `zip-9`
/// (the old values still work there, with a warning).
fn compress(major: u32) -> &'static str {
    if major >= 21 {
        "--compress=zip-6"
    } else {
        "--compress=2"
    }
}

/// The custom runtime for the application `artifact` (a jar or a classes
/// directory in the builder), run by the `java` command `java` (its words,
/// `java` first), or why there is none. `package` is the JDK package the
/// builder installs (`openjdk-17-jdk-headless`), `None` for a JDK image.
pub(crate) fn runtime(
    f: &Facts<'_>,
    major: u32,
    package: Option<&str>,
    artifact: &str,
    java: &[String],
) -> Result<Runtime, String> {
    if f.base.is_alpine() {
        return Err(format!(
            "the builder `{}` is Alpine (musl): its JDK's runtime needs musl",
            f.base.written
        ));
    }
    if !(11..=23).contains(&major) {
        return Err(format!(
            "Java {major}: a JDK from Java 24 may ship without its modules (jmods, JEP 493), \
             which jlink links from"
        ));
    }
    java_options(java)?;
    for &i in &f.insts {
        let inst = f.inst(i);
        if inst.keyword != Keyword::Env {
            continue;
        }
        for name in [
            "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS",
            "JAVA_HOME",
        ] {
            if inst.original.contains(name) {
                return Err(format!(
                    "the ENV at line {} sets {name}, which may name options or a JDK the \
                     custom runtime does not have",
                    inst.start_line
                ));
            }
        }
    }
    let mut decisions = Vec::new();
    let mut notes = Vec::new();
    let vendor = package.is_none();
    // The runtime base: a slim Debian image. A JDK image's JDK (Temurin,
    // Corretto, Oracle's) is built against an old glibc and runs on any
    // current Debian; a JDK from the builder's packages needs its system.
    let slim = if vendor {
        let release = images::CURRENT_DEBIAN;
        Runtime::system(
            format!(
                "debian:{}-slim",
                images::codename(release).unwrap_or("trixie")
            ),
            Distro::Debian,
            format!(
                "the JDK of `{}` is built against an old glibc, which current Debian's runs",
                f.base.written
            ),
        )
    } else {
        // Debian's JDK packages (`openjdk-17-jdk-headless`) have the
        // modules in $JAVA_HOME/jmods; Ubuntu's keep them apart
        // (`openjdk-17-jmods`), which the builder would have to install.
        let r = images::glibc_slim(&f.base, &mut notes)?;
        if r.distro != Some(Distro::Debian) {
            return Err(format!(
                "the JDK package of `{}` may keep its modules (jmods) in a package of their \
                 own, which the builder does not install",
                f.base.written
            ));
        }
        r
    };
    for n in notes {
        decisions.push(Decision {
            kind: DecisionKind::Assumed,
            text: n,
        });
    }
    let tool = super::ecosystems::fetch_tools_run(f)
        .first()
        .map(|&(tool, _)| tool);
    let mut r = match tool {
        None => slim,
        Some(tool) => {
            let release =
                super::ecosystems::buildpack_deps_release(&slim.image).ok_or_else(|| {
                    format!(
                        "the program runs `{tool}`, and {} has no buildpack-deps image",
                        slim.image
                    )
                })?;
            let mut r = Runtime::system(
                format!("buildpack-deps:{release}-curl"),
                Distro::Debian,
                format!(
                    "{}; the program runs `{tool}`, which `{}` has: buildpack-deps:{release}-curl \
                     is Debian {release} with curl, wget and CA certificates",
                    slim.why, f.base.written
                ),
            );
            r.has_packages
                .extend(["curl", "wget", "ca-certificates", "netbase", "gnupg"]);
            r.programs = vec!["curl".into(), "wget".into()];
            r
        }
    };
    let image = r.image.clone();
    r.why = format!(
        "a Java {major} runtime made by jlink with only the modules the application uses, on \
         {image}: {}",
        r.why
    );
    r.programs
        .extend(["java".to_string(), "keytool".to_string()]);
    let extra = extra_modules(major);
    let tail = format!(
        "RUN jdeps --ignore-missing-deps --print-module-deps --multi-release {major} {artifact} \
         > {MODULES} \\\n    && jlink --add-modules \"$(cat {MODULES}),{}\" {} \
         --no-man-pages --no-header-files {} --output {OUTPUT}",
        extra.join(","),
        strip(major),
        compress(major)
    );
    let mut env = format!("ENV JAVA_HOME={JAVA_HOME} ");
    if vendor {
        // The JDK images set a UTF-8 locale (Temurin's en_US.UTF-8, which
        // a slim Debian image lacks; C.UTF-8 gives Java the same charset).
        env.push_str("LANG=C.UTF-8 ");
    }
    env.push_str(&format!("PATH={JAVA_HOME}/bin:$PATH"));
    decisions.push(Decision {
        kind: DecisionKind::Added,
        text: format!(
            "a Java runtime made by jlink in the builder ({OUTPUT}, copied to {JAVA_HOME}, on \
             PATH with JAVA_HOME set): the modules `jdeps` finds in {artifact}, and {}",
            extra.join(", ")
        ),
    });
    decisions.push(Decision {
        kind: DecisionKind::Assumed,
        text: format!(
            "jdeps sees every module the program needs: {artifact} is the whole application \
             (javac had no class path), and the modules it reaches only by reflection or as a \
             service are {} (added); others (jdk.localedata for locales beyond English, \
             jdk.charsets, jdk.naming.dns, jdk.management.agent, fonts for java.desktop) are \
             not in the runtime: add them to --add-modules if the program uses them",
            extra.join(" and ")
        ),
    });
    r.custom = Some(Box::new(Custom {
        builder_tail: vec![tail],
        copies: vec![(OUTPUT.to_string(), JAVA_HOME.to_string())],
        after_copies: vec![env],
        decisions,
    }));
    Ok(r)
}

/// Whether the `java` command's options load only what `jdeps` sees:
/// system properties, heap and stack sizes, `-XX:` flags (but flight
/// recording, which needs `jdk.jfr`), assertions.
fn java_options(java: &[String]) -> Result<(), String> {
    for w in java.iter().skip(1) {
        let w = w.as_str();
        if w.contains('$') {
            return Err(format!(
                "the java command's options come from `{w}`, which may name a module or agent \
                 jdeps cannot see"
            ));
        }
        if matches!(w, "-jar" | "-cp" | "-classpath" | "--class-path")
            || w.starts_with("--class-path=")
            || !w.starts_with('-')
        {
            return Ok(());
        }
        let plain = w.starts_with("-D")
            || ["-Xmx", "-Xms", "-Xss", "-Xmn"]
                .iter()
                .any(|p| w.starts_with(p))
            || (w.starts_with("-XX:") && !w.contains("FlightRecord") && !w.contains("jdwp"))
            || matches!(
                w,
                "-server"
                    | "-ea"
                    | "-da"
                    | "-esa"
                    | "-dsa"
                    | "-enableassertions"
                    | "-disableassertions"
                    | "-showversion"
            );
        if !plain {
            return Err(format!(
                "the java command's option `{w}` may load a module or agent jdeps cannot see"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn java_options_jdeps_cannot_see() {
        for good in [
            "java -Xmx256m -Dapp.env=prod -XX:MaxRAMPercentage=75 -jar app.jar",
            "java -jar app.jar -javaagent:not-an-option-of-java.jar",
            "java -cp /opt/app/classes Main",
        ] {
            assert!(java_options(&words(good)).is_ok(), "{good}");
        }
        for bad in [
            "java -javaagent:/a.jar -jar app.jar",
            "java --add-modules java.sql -jar app.jar",
            "java -XX:StartFlightRecording -jar app.jar",
            "java -agentlib:jdwp=transport=dt_socket -jar app.jar",
            "java $JAVA_OPTS -jar app.jar",
        ] {
            assert!(java_options(&words(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_follow_the_java_release() {
        assert_eq!(compress(17), "--compress=2");
        assert_eq!(compress(21), "--compress=zip-6");
        assert_eq!(strip(11), "--strip-debug");
        assert_eq!(strip(17), "--strip-java-debug-attributes");
        assert_eq!(extra_modules(17), ["jdk.crypto.ec", "jdk.zipfs"]);
        assert_eq!(extra_modules(22), ["jdk.zipfs"]);
    }
}
