//! Finding the files to check: explicit paths, and Dockerfiles under directories.

use crate::input;
use crate::render::FileError;
use ignore::WalkBuilder;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What the command line names, sorted out.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Regular files named explicitly, checked whatever their name.
    pub files: Vec<PathBuf>,
    /// The size in bytes of each of `files`, as seen when classified.
    pub sizes: Vec<u64>,
    /// Directories to search.
    pub dirs: Vec<PathBuf>,
    /// Whether `-` (standard input) was named.
    pub stdin: bool,
    /// Paths that cannot be checked (missing, not a regular file).
    pub errors: Vec<FileError>,
}

/// Whether a file name is one that `check` picks up in directories:
/// `Dockerfile`, `Containerfile`, `*.Dockerfile`, `*.dockerfile`, `Dockerfile.*`,
/// `Containerfile.*`. Per-Dockerfile ignore files (`*.dockerignore`) are not.
pub fn is_dockerfile_name(name: &str) -> bool {
    if name.ends_with(".dockerignore") {
        return false;
    }
    name == "Dockerfile"
        || name == "Containerfile"
        || (name.len() > ".Dockerfile".len()
            && (name.ends_with(".Dockerfile") || name.ends_with(".dockerfile")))
        || (name.len() > "Dockerfile.".len() && name.starts_with("Dockerfile."))
        || (name.len() > "Containerfile.".len() && name.starts_with("Containerfile."))
}

/// Sort out the command-line paths: `-` is standard input, a directory is to
/// be searched, a regular file is checked whatever its name, anything else
/// (missing, a FIFO, a device) is an error. Looks before anything is opened:
/// opening a FIFO would wait for a writer.
pub fn classify(paths: &[PathBuf]) -> Inputs {
    use rayon::prelude::*;
    let mut inputs = Inputs::default();
    // Hundreds of paths (a shell glob) are looked at on every thread.
    let metadata = |path: &PathBuf| (path.as_os_str() != "-").then(|| fs::metadata(path));
    let looked: Vec<_> = if paths.len() > 64 {
        paths.par_iter().map(metadata).collect()
    } else {
        paths.iter().map(metadata).collect()
    };
    for (path, metadata) in paths.iter().zip(looked) {
        let Some(metadata) = metadata else {
            inputs.stdin = true;
            continue;
        };
        match metadata {
            Ok(m) if m.is_dir() => inputs.dirs.push(path.clone()),
            Ok(m) if m.is_file() => {
                inputs.files.push(clean(path));
                inputs.sizes.push(m.len());
            }
            Ok(m) => inputs.errors.push(not_regular(path, &m.file_type())),
            Err(e) => inputs.errors.push(path_error(path, &e)),
        }
    }
    inputs
}

/// Something a directory search came upon.
#[derive(Debug)]
pub enum Found {
    /// A regular file with a Dockerfile name (or a symbolic link to one).
    File(PathBuf),
    /// A Dockerfile name that cannot be checked (a FIFO, a broken link), or a
    /// directory that cannot be read.
    Error(FileError),
    /// A problem that does not stop the search (e.g. a bad `.gitignore` line).
    Warning(String),
}

/// Search directories for Dockerfiles, in parallel, honoring `.gitignore` and
/// `.ignore` (inside a Git repository or not), skipping version-control
/// directories (`.git`, `.hg`, `.svn`) but not other hidden ones (so
/// `.devcontainer/Dockerfile` is found), and not following symbolic links (so
/// a link loop cannot trap it). `visit` is called from several threads, in no particular order; a
/// file under two of the `roots` is found twice.
pub fn walk(roots: &[PathBuf], visit: &(dyn Fn(Found) + Sync)) {
    let Some((first, rest)) = roots.split_first() else {
        return;
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .hidden(false)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && matches!(e.file_name().to_str(), Some(".git" | ".hg" | ".svn")))
        })
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false);
    builder.build_parallel().run(|| {
        Box::new(move |entry| {
            match entry {
                Ok(entry) => visit_entry(&entry, visit),
                Err(e) => visit(walk_error(e)),
            }
            ignore::WalkState::Continue
        })
    });
}

fn visit_entry(entry: &ignore::DirEntry, visit: &(dyn Fn(Found) + Sync)) {
    if let Some(e) = entry.error() {
        // A bad line in an ignore file: the rest of it still applies.
        visit(Found::Warning(e.to_string()));
    }
    let Some(ft) = entry.file_type() else { return };
    if ft.is_dir() {
        return;
    }
    let Some(name) = entry.file_name().to_str() else {
        return;
    };
    if !is_dockerfile_name(name) {
        return;
    }
    let path = entry.path();
    if ft.is_file() {
        visit(Found::File(clean(path)));
    } else if ft.is_symlink() {
        // Not followed while walking, but a link to a Dockerfile is one.
        match fs::metadata(path) {
            Ok(m) if m.is_file() => visit(Found::File(clean(path))),
            Ok(m) if m.is_dir() => {}
            Ok(m) => visit(Found::Error(not_regular(path, &m.file_type()))),
            Err(e) => visit(Found::Error(path_error(path, &e))),
        }
    } else {
        visit(Found::Error(not_regular(path, &ft)));
    }
}

/// Sort out an error of the walk: unreadable directories are errors, bad
/// ignore files are warnings.
fn walk_error(e: ignore::Error) -> Found {
    let mut path = None;
    let mut err = &e;
    loop {
        match err {
            ignore::Error::WithPath {
                path: p,
                err: inner,
            } => {
                path.get_or_insert(p);
                err = inner;
            }
            ignore::Error::WithDepth { err: inner, .. } => err = inner,
            _ => break,
        }
    }
    match (err, path) {
        (ignore::Error::Io(io), Some(p)) => Found::Error(path_error(p, io)),
        (ignore::Error::Loop { child, .. }, _) => Found::Error(FileError {
            path: display(&clean(child)),
            message: "symbolic link loop".into(),
            position: None,
        }),
        (ignore::Error::Io(_), None) => Found::Error(FileError {
            path: String::new(),
            message: e.to_string(),
            position: None,
        }),
        _ => Found::Warning(e.to_string()),
    }
}

/// The path without leading `./` components.
fn clean(path: &Path) -> PathBuf {
    let mut p = path;
    while let Ok(rest) = p.strip_prefix(".") {
        if rest.as_os_str().is_empty() {
            break;
        }
        p = rest;
    }
    p.to_path_buf()
}

/// Read one input named on the command line (`-` is standard input): the
/// name it is shown under, and its bytes. A FIFO, a directory or another
/// special file is refused before it is opened (opening a FIFO would wait for
/// a writer), and so is an input over `limit` bytes (`max-file-size`).
pub fn read_input(path: &Path, limit: u64) -> Result<(String, Vec<u8>), FileError> {
    let stdin_name = super::check::STDIN_NAME;
    if path.as_os_str() == "-" {
        return match input::read_bounded(io::stdin().lock(), limit) {
            Ok(bytes) => Ok((stdin_name.to_string(), bytes)),
            Err(e) => Err(stdin_error(stdin_name, &e)),
        };
    }
    let meta = fs::metadata(path).map_err(|e| path_error(path, &e))?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta.file_type()));
    }
    let bytes = read_file(path, limit)?;
    Ok((display(path), bytes))
}

/// The `max-file-size` for the input at `path` (`-`: one in the working
/// directory) from the nearest configuration file, for a command that reads
/// no other setting; the default without one, or when it does not load.
pub fn max_file_size_for(path: &Path) -> u64 {
    let resolver = crate::config::Resolver::discover(Default::default());
    let outcome = if path.as_os_str() == "-" {
        resolver.for_dir(Path::new(""))
    } else {
        resolver.for_file(path)
    };
    max_file_size_of(&outcome)
}

/// The `max-file-size` a configuration lookup gives: the default when it
/// found none or did not load.
pub fn max_file_size_of(outcome: &crate::config::discover::Outcome) -> u64 {
    outcome
        .as_ref()
        .map_or(input::DEFAULT_MAX_FILE_SIZE, |r| r.settings.max_file_size())
}

/// Read the Dockerfile at `path` if it is at most `limit` bytes long
/// (`max-file-size`); the error names the file.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    input::read_file(path, limit).map_err(|e| match e {
        input::ReadError::Io(e) => path_error(path, &e),
        e => FileError {
            path: display(&clean(path)),
            message: e.to_string(),
            position: None,
        },
    })
}

/// The error for standard input (shown as `name`) that could not be read.
pub fn stdin_error(name: &str, e: &input::ReadError) -> FileError {
    FileError {
        path: name.to_string(),
        message: match e {
            input::ReadError::Io(e) => format!("standard input: {}", io_message(e)),
            e => format!("standard input: {e}"),
        },
        position: None,
    }
}

/// A path as shown to the user.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The error for something that exists but is not a regular file.
pub fn not_regular(path: &Path, ft: &fs::FileType) -> FileError {
    use std::os::unix::fs::FileTypeExt;
    let what = if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_dir() {
        "a directory"
    } else {
        "a special file"
    };
    FileError {
        path: display(&clean(path)),
        message: format!("not a regular file: it is {what}"),
        position: None,
    }
}

/// The error for a path that cannot be opened or inspected.
pub fn path_error(path: &Path, e: &io::Error) -> FileError {
    let dangling = e.kind() == io::ErrorKind::NotFound
        && fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    FileError {
        path: display(&clean(path)),
        message: if dangling {
            "broken symbolic link: its target does not exist".into()
        } else {
            io_message(e)
        },
        position: None,
    }
}

/// An I/O error as a short lower-case phrase, without the OS error number.
pub fn io_message(e: &io::Error) -> String {
    let mut s = e.to_string();
    if let Some(i) = s.find(" (os error") {
        s.truncate(i);
    }
    // "Permission denied" -> "permission denied", but "EOF" stays.
    let b = s.as_bytes();
    if b.first().is_some_and(u8::is_ascii_uppercase)
        && !b.get(1).is_some_and(u8::is_ascii_uppercase)
    {
        s[..1].make_ascii_lowercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for yes in [
            "Dockerfile",
            "Containerfile",
            "web.Dockerfile",
            "web.dockerfile",
            "Dockerfile.dev",
            "Containerfile.prod",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "dockerfile",
            "Dockerfile.",
            ".Dockerfile",
            "Dockerfile.dockerignore",
            "web.Dockerfile.dockerignore",
            "DockerfileX",
            "README.md",
            "Containerfile.",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn clean_paths() {
        assert_eq!(
            clean(Path::new("./a/Dockerfile")),
            Path::new("a/Dockerfile")
        );
        assert_eq!(clean(Path::new("././a")), Path::new("a"));
        assert_eq!(
            clean(Path::new("/x/Dockerfile")),
            Path::new("/x/Dockerfile")
        );
    }

    #[test]
    fn io_messages() {
        let e = io::Error::from_raw_os_error(13);
        assert_eq!(io_message(&e), "permission denied");
        let e = io::Error::other("EOF reached");
        assert_eq!(io_message(&e), "EOF reached");
    }
}
