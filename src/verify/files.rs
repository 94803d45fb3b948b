//! Whether the image has what its command needs: the program its
//! `ENTRYPOINT`/`CMD` runs (found on the image's `PATH`), and for an ELF
//! program its interpreter (`PT_INTERP`) and every shared library it links
//! (`DT_NEEDED`, transitively), found as the dynamic loader would find them
//! (`DT_RPATH`/`DT_RUNPATH` with `$ORIGIN`, the image's `LD_LIBRARY_PATH`,
//! `/etc/ld.so.conf`, the default directories). A script's `#!` interpreter
//! is the program then; an interpreter (`python`, `node`, `java -jar`) is
//! the program, and the script or jar it is given must exist too. The
//! image's files are read from a directory on the host (`root`), with every
//! symbolic link resolved inside it.

use super::engine::ImageInfo;
use object::elf;
use object::read::elf::{Dyn, FileHeader, ProgramHeader};
use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// Docker's `PATH` when an image sets none.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// How many shared objects are followed at most.
const MAX_OBJECTS: usize = 400;

/// What was found.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ProgramCheck {
    /// Whether everything needed is there.
    pub passed: bool,
    /// The command checked (`ENTRYPOINT` + `CMD`).
    pub command: Vec<String>,
    /// The program, as a path in the image (after `PATH` lookup), when found.
    pub program: Option<String>,
    /// What the program is: `elf-dynamic`, `elf-static`, `script`, `other`.
    pub kind: Option<String>,
    /// The ELF interpreter (dynamic loader), when there is one.
    pub interpreter: Option<String>,
    /// Every shared library found (name → path in the image), sorted.
    pub libraries: Vec<String>,
    /// What is missing, for people.
    pub problems: Vec<String>,
    /// Other things worth knowing (what was not checked and why).
    pub notes: Vec<String>,
    /// The absolute paths the command names as arguments, and whether each
    /// is in the image (`/data/words.txt` in `CMD ["app", "/data/words.txt"]`).
    pub arguments: Vec<PathArgument>,
}

/// An absolute path among a command's arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PathArgument {
    /// The path.
    pub path: String,
    /// Whether it is in the image.
    pub exists: bool,
}

/// Check the image whose files are at `root`.
pub fn check(root: &Path, info: &ImageInfo) -> ProgramCheck {
    let command = info.argv(None);
    let mut out = ProgramCheck {
        command: command.clone(),
        ..ProgramCheck::default()
    };
    if command.is_empty() {
        out.passed = true;
        out.notes
            .push("the image has no ENTRYPOINT or CMD: no program to check".into());
        return out;
    }
    let image = Image { root, info };
    let program = command[0].as_str();
    match image.find_program(program) {
        Some(found) => {
            out.program = Some(found.clone());
            image.check_program(&found, &mut out, 0);
            image.check_operands(&command, &mut out);
        }
        None => out.problems.push(format!(
            "the program `{program}` is not in the image{}",
            if program.contains('/') {
                String::new()
            } else {
                format!(
                    " (searched PATH={})",
                    info.env_var("PATH").unwrap_or(DEFAULT_PATH)
                )
            }
        )),
    }
    // Absolute paths named as arguments (`--config=/etc/app.toml` too).
    for arg in command.iter().skip(1) {
        let path = match arg.split_once('=') {
            Some((k, v)) if k.starts_with('-') => v,
            _ => arg.as_str(),
        };
        if path.starts_with('/') && path.len() > 1 && !path.contains(char::is_whitespace) {
            out.arguments.push(PathArgument {
                path: path.to_string(),
                exists: image.exists(path),
            });
        }
    }
    out.passed = out.problems.is_empty();
    out
}

struct Image<'a> {
    root: &'a Path,
    info: &'a ImageInfo,
}

/// `a` joined with `b`, both paths in the image.
fn join(dir: &str, name: &str) -> String {
    if name.starts_with('/') {
        name.to_string()
    } else if dir.is_empty() || dir == "/" {
        format!("/{name}")
    } else {
        format!("{}/{name}", dir.trim_end_matches('/'))
    }
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "/",
    }
}

impl Image<'_> {
    fn workdir(&self) -> &str {
        if self.info.workdir.is_empty() {
            "/"
        } else {
            &self.info.workdir
        }
    }

    /// The host path of `path` in the image, every symbolic link resolved
    /// inside the image's root; `None` when it does not exist.
    fn resolve(&self, path: &str) -> Option<PathBuf> {
        let mut todo: VecDeque<String> = path
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let mut done: Vec<String> = Vec::new();
        let mut links = 0;
        while let Some(c) = todo.pop_front() {
            match c.as_str() {
                "." => continue,
                ".." => {
                    done.pop();
                    continue;
                }
                _ => {}
            }
            let mut host = self.root.to_path_buf();
            host.extend(&done);
            host.push(&c);
            let meta = std::fs::symlink_metadata(&host).ok()?;
            if meta.file_type().is_symlink() {
                links += 1;
                if links > 40 {
                    return None;
                }
                let target = std::fs::read_link(&host).ok()?;
                let target = target.to_string_lossy();
                if target.starts_with('/') {
                    done.clear();
                }
                for t in target.split('/').filter(|t| !t.is_empty()).rev() {
                    todo.push_front(t.to_string());
                }
            } else {
                done.push(c);
            }
        }
        let mut host = self.root.to_path_buf();
        host.extend(&done);
        host.exists().then_some(host)
    }

    fn is_executable_file(&self, path: &str) -> bool {
        use std::os::unix::fs::PermissionsExt;
        self.resolve(path)
            .and_then(|p| std::fs::metadata(p).ok())
            .is_some_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }

    fn exists(&self, path: &str) -> bool {
        self.resolve(path).is_some()
    }

    /// A program as `execve` after a `PATH` search finds it, as a path in
    /// the image.
    fn find_program(&self, name: &str) -> Option<String> {
        if name.contains('/') {
            let path = join(self.workdir(), name);
            return self.is_executable_file(&path).then_some(path);
        }
        let path = self.info.env_var("PATH").unwrap_or(DEFAULT_PATH);
        path.split(':')
            .filter(|d| !d.is_empty())
            .map(|d| join(d, name))
            .find(|p| self.is_executable_file(p))
    }

    /// Check one program: an ELF file's loader and libraries, a script's
    /// interpreter.
    fn check_program(&self, path: &str, out: &mut ProgramCheck, depth: usize) {
        let Some(host) = self.resolve(path) else {
            out.problems.push(format!("{path} is missing"));
            return;
        };
        let data = match std::fs::read(&host) {
            Ok(d) => d,
            Err(e) => {
                out.problems.push(format!("{path} cannot be read: {e}"));
                return;
            }
        };
        if data.starts_with(b"\x7fELF") {
            self.check_elf(path, &data, out, depth == 0);
        } else if data.starts_with(b"#!") {
            if depth == 0 {
                out.kind = Some("script".into());
            }
            if depth > 3 {
                return;
            }
            let line = data
                .split(|&b| b == b'\n')
                .next()
                .map(|l| String::from_utf8_lossy(&l[2..]).trim().to_string())
                .unwrap_or_default();
            let mut words = line.split_whitespace();
            let Some(interp) = words.next() else {
                out.problems
                    .push(format!("{path} starts with `#!` but names no interpreter"));
                return;
            };
            if !self.is_executable_file(interp) {
                out.problems.push(format!(
                    "the interpreter {interp} of {path} is not in the image"
                ));
                return;
            }
            self.check_program(interp, out, depth + 1);
            if crate::shell::basename(interp) == "env"
                && let Some(prog) = words.find(|w| !w.starts_with('-') && !w.contains('='))
            {
                match self.find_program(prog) {
                    Some(found) => self.check_program(&found, out, depth + 1),
                    None => out.problems.push(format!(
                        "`{prog}`, the interpreter {path} names through env, is not in the image"
                    )),
                }
            }
        } else if depth == 0 {
            out.kind = Some("other".into());
        }
    }

    fn check_elf(&self, path: &str, data: &[u8], out: &mut ProgramCheck, top: bool) {
        let parsed = match Elf::parse(data) {
            Ok(e) => e,
            Err(e) => {
                out.notes
                    .push(format!("{path}: cannot read it as ELF ({e})"));
                return;
            }
        };
        if top {
            out.kind = Some(
                if parsed.interpreter.is_some() || !parsed.needed.is_empty() {
                    "elf-dynamic"
                } else {
                    "elf-static"
                }
                .into(),
            );
        }
        if let Some(interp) = &parsed.interpreter {
            if out.interpreter.is_none() && top {
                out.interpreter = Some(interp.clone());
            }
            if !self.exists(interp) {
                out.problems.push(format!(
                    "the dynamic loader {interp} that {path} needs is not in the image"
                ));
            }
        }
        // Breadth-first over the libraries, each found once.
        let dirs = self.library_dirs();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut queue: VecDeque<(String, Elf)> = VecDeque::new();
        queue.push_back((path.to_string(), parsed));
        let mut objects = 0;
        while let Some((from, obj)) = queue.pop_front() {
            objects += 1;
            if objects > MAX_OBJECTS {
                out.notes
                    .push(format!("stopped after {MAX_OBJECTS} shared objects"));
                break;
            }
            for name in &obj.needed {
                if !seen.insert(name.clone()) {
                    continue;
                }
                match self.find_library(name, &from, &obj, &dirs) {
                    Some((found, lib)) => {
                        out.libraries.push(format!("{name} => {found}"));
                        queue.push_back((found, lib));
                    }
                    None => out.problems.push(format!(
                        "the shared library {name} that {from} links is not in the image"
                    )),
                }
            }
        }
        out.libraries.sort();
        out.libraries.dedup();
    }

    /// Where the loader looks, after a library's own run paths.
    fn library_dirs(&self) -> Vec<String> {
        let mut dirs: Vec<String> = Vec::new();
        if let Some(p) = self.info.env_var("LD_LIBRARY_PATH") {
            dirs.extend(p.split(':').filter(|d| !d.is_empty()).map(str::to_string));
        }
        self.ld_so_conf("/etc/ld.so.conf", &mut dirs, 0);
        // musl's path file.
        if let Some(root) = self.resolve("/etc")
            && let Ok(entries) = std::fs::read_dir(root)
        {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with("ld-musl-")
                    && name.ends_with(".path")
                    && let Ok(text) = std::fs::read_to_string(e.path())
                {
                    dirs.extend(
                        text.split([':', '\n'])
                            .map(str::trim)
                            .filter(|d| !d.is_empty())
                            .map(str::to_string),
                    );
                }
            }
        }
        for d in [
            "/lib/x86_64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu",
            "/lib/aarch64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/lib64",
            "/usr/lib64",
            "/lib",
            "/usr/lib",
            "/usr/local/lib",
        ] {
            dirs.push(d.to_string());
        }
        let mut seen = BTreeSet::new();
        dirs.retain(|d| seen.insert(d.clone()));
        dirs
    }

    fn ld_so_conf(&self, file: &str, dirs: &mut Vec<String>, depth: usize) {
        if depth > 4 {
            return;
        }
        let Some(text) = self
            .resolve(file)
            .and_then(|p| std::fs::read_to_string(p).ok())
        else {
            return;
        };
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if let Some(pattern) = line.strip_prefix("include") {
                let pattern = join(parent(file), pattern.trim());
                // `dir/*.conf` (the only form in practice): every match, sorted.
                let (dir, glob) = (
                    parent(&pattern).to_string(),
                    crate::shell::basename(&pattern),
                );
                let (prefix, suffix) = glob.split_once('*').unwrap_or((glob, ""));
                let mut names: Vec<String> = self
                    .resolve(&dir)
                    .and_then(|d| std::fs::read_dir(d).ok())
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .filter(|n| n.starts_with(prefix) && n.ends_with(suffix))
                    .collect();
                names.sort();
                for n in names {
                    self.ld_so_conf(&join(&dir, &n), dirs, depth + 1);
                }
            } else if !line.is_empty() {
                dirs.push(line.to_string());
            }
        }
    }

    /// A library as the loader finds it for `from`: `DT_RPATH` (when there
    /// is no `DT_RUNPATH`), the default directories after
    /// `LD_LIBRARY_PATH`, then `DT_RUNPATH`... in the loader's order, and of
    /// the same class and machine as the object that needs it.
    fn find_library(
        &self,
        name: &str,
        from: &str,
        obj: &Elf,
        dirs: &[String],
    ) -> Option<(String, Elf)> {
        // `$ORIGIN` is the directory of the object the loader opened, its
        // links resolved (`/usr/bin/java` -> `/usr/lib/jvm/.../bin/java`,
        // whose `$ORIGIN/../lib` has libjli.so).
        let real = self
            .resolve(from)
            .and_then(|h| {
                h.strip_prefix(self.root)
                    .ok()
                    .map(|p| format!("/{}", p.to_string_lossy()))
            })
            .unwrap_or_else(|| from.to_string());
        let origin = parent(&real);
        let expand = |d: &str| {
            d.replace("$ORIGIN", origin)
                .replace("${ORIGIN}", origin)
                .replace("$LIB", "lib64")
                .replace("${LIB}", "lib64")
        };
        let mut order: Vec<String> = Vec::new();
        if name.contains('/') {
            order.push(join(self.workdir(), name));
        } else {
            if obj.runpath.is_empty() {
                order.extend(obj.rpath.iter().map(|d| join(&expand(d), name)));
            }
            let (env, rest): (Vec<&String>, Vec<&String>) = dirs.iter().partition(|d| {
                self.info
                    .env_var("LD_LIBRARY_PATH")
                    .is_some_and(|p| p.split(':').any(|x| x == d.as_str()))
            });
            order.extend(env.iter().map(|d| join(d, name)));
            order.extend(obj.runpath.iter().map(|d| join(&expand(d), name)));
            order.extend(rest.iter().map(|d| join(d, name)));
        }
        for candidate in order {
            let Some(host) = self.resolve(&candidate) else {
                continue;
            };
            let Ok(data) = std::fs::read(&host) else {
                continue;
            };
            match Elf::parse(&data) {
                Ok(lib) if lib.class64 == obj.class64 && lib.machine == obj.machine => {
                    return Some((candidate, lib));
                }
                _ => continue,
            }
        }
        None
    }

    /// The script or jar an interpreter is given must be there too.
    fn check_operands(&self, command: &[String], out: &mut ProgramCheck) {
        let mut argv: Vec<&str> = command.iter().map(String::as_str).collect();
        // `sh -c "script"`: the script's first program.
        if argv.len() >= 3
            && matches!(
                crate::shell::basename(argv[0]),
                "sh" | "bash" | "dash" | "ash"
            )
            && argv[1] == "-c"
        {
            let words = shlex::split(argv[2]).unwrap_or_default();
            let first = words
                .iter()
                .map(String::as_str)
                .find(|w| *w != "exec" && !w.contains('=') || w.starts_with('/'));
            let Some(first) = first else { return };
            if first.contains(['$', '`', '(', '{', ';', '&', '|', '<', '>'])
                || SHELL_BUILTINS.contains(&first)
            {
                out.notes.push(format!(
                    "the shell script's first command `{first}` is not checked"
                ));
                return;
            }
            match self.find_program(first) {
                Some(found) => {
                    self.check_program(&found, out, 1);
                    let rest: Vec<String> = words
                        .iter()
                        .skip_while(|w| w.as_str() != first)
                        .cloned()
                        .collect();
                    let mut inner = ProgramCheck::default();
                    self.check_operands(&rest, &mut inner);
                    out.problems.extend(inner.problems);
                }
                None => out.problems.push(format!(
                    "the program `{first}` that the shell command runs is not in the image"
                )),
            }
            return;
        }
        let name = crate::shell::basename(argv[0]);
        let interpreter = name.starts_with("python")
            || matches!(
                name,
                "node" | "nodejs" | "ruby" | "perl" | "php" | "bun" | "deno"
            );
        if name == "java" {
            if let Some(i) = argv.iter().position(|a| *a == "-jar")
                && let Some(jar) = argv.get(i + 1)
            {
                let path = join(self.workdir(), jar);
                if !self.exists(&path) {
                    out.problems.push(format!(
                        "the jar {jar} that java runs is not in the image ({path})"
                    ));
                }
            }
            return;
        }
        if !interpreter {
            return;
        }
        argv.remove(0);
        if name == "deno" || name == "bun" {
            // `deno run main.ts`, `bun run index.ts`: skip the verb.
            if argv.first() == Some(&"run") {
                argv.remove(0);
            }
        }
        for a in &argv {
            // Options that take the program as text, or run a module.
            if matches!(*a, "-m" | "-c" | "-e" | "-p" | "--eval" | "--print" | "-r") {
                return;
            }
            if a.starts_with('-') {
                continue;
            }
            let path = join(self.workdir(), a);
            let found = self.exists(&path) || name == "node" && self.exists(&format!("{path}.js"));
            if !found {
                out.problems.push(format!(
                    "the script {a} that {name} runs is not in the image ({path})"
                ));
            }
            return;
        }
    }
}

/// Shell builtins and keywords (whose program need not exist).
const SHELL_BUILTINS: &[&str] = &[
    ":", ".", "[", "cd", "echo", "eval", "export", "if", "printf", "read", "set", "source", "test",
    "true", "false", "ulimit", "umask", "unset", "wait", "while", "for", "trap",
];

/// What is read from an ELF file.
struct Elf {
    class64: bool,
    machine: u16,
    interpreter: Option<String>,
    needed: Vec<String>,
    rpath: Vec<String>,
    runpath: Vec<String>,
}

impl Elf {
    fn parse(data: &[u8]) -> Result<Elf, String> {
        match object::FileKind::parse(data).map_err(|e| e.to_string())? {
            object::FileKind::Elf32 => {
                read::<elf::FileHeader32<object::Endianness>>(data).map_err(|e| e.to_string())
            }
            object::FileKind::Elf64 => {
                read::<elf::FileHeader64<object::Endianness>>(data).map_err(|e| e.to_string())
            }
            other => Err(format!("not ELF ({other:?})")),
        }
    }
}

fn read<H: FileHeader<Endian = object::Endianness>>(data: &[u8]) -> object::read::Result<Elf> {
    let header = H::parse(data)?;
    let endian = header.endian()?;
    let mut out = Elf {
        class64: header.is_type_64(),
        machine: header.e_machine(endian),
        interpreter: None,
        needed: Vec::new(),
        rpath: Vec::new(),
        runpath: Vec::new(),
    };
    for ph in header.program_headers(endian, data)? {
        if let Some(i) = ph.interpreter(endian, data)? {
            out.interpreter = Some(String::from_utf8_lossy(i).into_owned());
        }
    }
    let sections = header.sections(endian, data)?;
    if let Some((dynamic, link)) = sections.dynamic(endian, data)? {
        let strings = sections.strings(endian, data, link)?;
        for d in dynamic {
            let tag: i64 = d.d_tag(endian).into();
            if tag == elf::DT_NULL {
                break;
            }
            if ![elf::DT_NEEDED, elf::DT_RPATH, elf::DT_RUNPATH].contains(&tag) {
                continue;
            }
            let offset: u64 = d.d_val(endian).into();
            let Some(s) = u32::try_from(offset)
                .ok()
                .and_then(|o| strings.get(o).ok())
                .map(|s| String::from_utf8_lossy(s).into_owned())
            else {
                continue;
            };
            let paths = || s.split(':').filter(|p| !p.is_empty()).map(str::to_string);
            match tag {
                elf::DT_NEEDED => out.needed.push(s.clone()),
                elf::DT_RPATH => out.rpath.extend(paths()),
                _ => out.runpath.extend(paths()),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn exe(path: &Path, bytes: &[u8]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn info(cmd: &[&str]) -> ImageInfo {
        ImageInfo {
            cmd: cmd.iter().map(|s| s.to_string()).collect(),
            env: vec!["PATH=/usr/local/bin:/usr/bin:/bin".into()],
            workdir: "/app".into(),
            ..ImageInfo::default()
        }
    }

    #[test]
    fn symlinks_resolve_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        exe(&root.join("usr/bin/real"), b"#!/bin/x\n");
        std::fs::create_dir_all(root.join("bin")).unwrap();
        // An absolute link must not escape to the host's /usr.
        symlink("/usr/bin/real", root.join("bin/abs")).unwrap();
        symlink("../usr/bin/real", root.join("bin/rel")).unwrap();
        let i = ImageInfo::default();
        let img = Image { root, info: &i };
        assert_eq!(img.resolve("/bin/abs"), Some(root.join("usr/bin/real")));
        assert_eq!(img.resolve("/bin/rel"), Some(root.join("usr/bin/real")));
        assert_eq!(
            img.resolve("/bin/../usr/bin/real"),
            Some(root.join("usr/bin/real"))
        );
        assert_eq!(img.resolve("/nope"), None);
    }

    #[test]
    fn a_missing_program_and_a_missing_script_interpreter() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        exe(&root.join("usr/bin/run.sh"), b"#!/bin/bash\necho\n");
        let c = check(root, &info(&["server"]));
        assert!(!c.passed);
        assert!(
            c.problems[0].contains("`server` is not in the image"),
            "{c:?}"
        );
        let c = check(root, &info(&["run.sh"]));
        assert!(!c.passed);
        assert_eq!(c.program.as_deref(), Some("/usr/bin/run.sh"));
        assert!(c.problems[0].contains("/bin/bash"), "{c:?}");
        exe(&root.join("bin/bash"), b"\x7fELF-not-really");
        let c = check(root, &info(&["run.sh"]));
        assert!(c.passed, "{c:?}");
        assert_eq!(c.kind.as_deref(), Some("script"));
    }

    #[test]
    fn absolute_paths_among_the_arguments_are_looked_for() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        exe(&root.join("usr/bin/app"), b"#!/usr/bin/app\n");
        exe(&root.join("data/words.txt"), b"");
        let c = check(
            root,
            &info(&["app", "/data/words.txt", "--config=/etc/app.toml", "/"]),
        );
        let found: Vec<(&str, bool)> = c
            .arguments
            .iter()
            .map(|a| (a.path.as_str(), a.exists))
            .collect();
        assert_eq!(found, [("/data/words.txt", true), ("/etc/app.toml", false)]);
    }

    #[test]
    fn interpreters_need_their_script() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        exe(&root.join("usr/local/bin/node"), b"#!/bin/true\n");
        exe(&root.join("bin/true"), b"#!/bin/true\n");
        let c = check(root, &info(&["node", "server.js"]));
        assert!(!c.passed);
        assert!(c.problems.iter().any(|p| p.contains("server.js")), "{c:?}");
        exe(&root.join("app/server.js"), b"");
        assert!(check(root, &info(&["node", "server.js"])).passed);
        assert!(check(root, &info(&["node", "-e", "1"])).passed);
    }

    #[test]
    fn the_hosts_own_binaries_link_what_the_host_has() {
        // The host is a root of its own: /bin/sh's libraries are all there.
        let i = info(&["sh"]);
        let c = check(Path::new("/"), &i);
        assert!(c.passed, "{c:?}");
        if c.kind.as_deref() == Some("elf-dynamic") {
            assert!(c.interpreter.is_some());
            assert!(
                c.libraries.iter().any(|l| l.starts_with("libc.so")),
                "{c:?}"
            );
        }
    }

    #[test]
    fn a_missing_library_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // The host's /bin/sh copied alone, without its libraries.
        let sh = std::fs::read("/bin/sh").unwrap();
        let elf = Elf::parse(&sh).unwrap();
        if elf.needed.is_empty() {
            return;
        }
        exe(&root.join("bin/sh"), &sh);
        let c = check(root, &info(&["/bin/sh"]));
        assert!(!c.passed);
        assert!(
            c.problems.iter().any(|p| p.contains("libc.so.6")),
            "{:?}",
            c.problems
        );
    }
}
