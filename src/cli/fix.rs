//! `check --fix` and `--diff`: what to do with a fixed file. Writing is
//! atomic (a temporary file beside the target, then a rename) and careful:
//! the file's permissions are kept, and a file that is read-only, has other
//! hard links, or changed on disk while it was being fixed is left alone with
//! a message. A symbolic link is written through: its target gets the fixed
//! text and the link stays a link.

use super::output::ToolError;
use crate::fix::{FixOutcome, Policy};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What `check` does with fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Only report (no `--fix`, no `--diff`).
    Lint,
    /// Apply fixes and write the files back (`--fix`).
    Write(Policy),
    /// Apply fixes and print a diff, writing nothing (`--diff`).
    Diff(Policy),
}

impl Mode {
    /// The fix policy, when fixing.
    pub fn policy(self) -> Option<Policy> {
        match self {
            Mode::Lint => None,
            Mode::Write(p) | Mode::Diff(p) => Some(p),
        }
    }
}

/// What came of fixing one file.
#[derive(Debug, Default)]
pub struct Report {
    /// Fixes applied (for `--diff`: that would be applied).
    pub fixed: usize,
    /// The text changed (for `--fix`: and was written).
    pub changed: bool,
    /// The unified diff, for `--diff`.
    pub diff: Option<String>,
    /// With `--fix`, the fixed text: written back to a file, printed on
    /// stdout for standard input.
    pub text: Option<String>,
    /// Notes, warnings and errors about this file, for stderr.
    pub messages: Vec<ToolError>,
    /// Something went wrong with this file (exit code 2).
    pub failed: bool,
}

/// Messages about the outcome itself: a file not fixed for its syntax
/// errors, broken fixes dropped, rounds that did not settle.
pub fn outcome_messages(path: &str, outcome: &FixOutcome, policy: Policy, report: &mut Report) {
    if outcome.syntax_errors {
        let fixable = outcome.diagnostics.iter().any(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| policy.accepts(f.applicability))
        });
        if fixable {
            report.messages.push(
                ToolError::warning(format!("{path}: not fixed: the file has syntax errors"))
                    .with_help("fix the syntax errors first, then run --fix again"),
            );
        }
    }
    for d in &outcome.dropped {
        report.failed = true;
        report.messages.push(
            ToolError::new(format!(
                "internal error: {path}: the fix \"{}\" of {} ({}) was not applied: {}",
                d.title, d.code, d.name, d.reason
            ))
            .with_help("the other fixes were applied; please report this bug in Slipway"),
        );
    }
    if !outcome.converged {
        report.messages.push(ToolError::warning(format!(
            "{path}: fixes still applied after {} rounds; stopped (some fixes may undo each other)",
            crate::fix::MAX_ROUNDS
        )));
    }
}

/// The unified diff from `old` to `new`, both named `path` in the header.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(path, path)
        .to_string()
}

/// A lock per file being fixed, by canonical path: a file named twice, or
/// reached through two links, is fixed by one worker after the other (the
/// second finds nothing left to fix), never by two at once.
pub fn lock_file(path: &Path) -> std::sync::Arc<std::sync::Mutex<()>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static LOCKS: OnceLock<Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>> = OnceLock::new();
    let key = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut locks = LOCKS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    locks.entry(key).or_default().clone()
}

/// Why a fixed file was not written.
#[derive(Debug)]
pub struct WriteError {
    /// What happened, for people.
    pub message: String,
    /// What to do about it.
    pub help: Option<&'static str>,
}

impl WriteError {
    fn new(message: String) -> Self {
        WriteError {
            message,
            help: None,
        }
    }

    fn help(mut self, help: &'static str) -> Self {
        self.help = Some(help);
        self
    }

    /// The message for stderr.
    pub fn into_tool_error(self, path: &str) -> ToolError {
        let e = ToolError::new(format!("{path}: not fixed: {}", self.message));
        match self.help {
            Some(h) => e.with_help(h),
            None => e,
        }
    }
}

fn io_message(e: &io::Error) -> String {
    super::discover::io_message(e)
}

/// Replace the file at `path`, whose bytes were `original` when read, with
/// `new`: a temporary file in the same directory is written, given the
/// file's permissions (and, where allowed, its owner), flushed to disk, and
/// renamed over the file, unless the file no longer holds `original`.
///
/// A symbolic link is followed to its final target, which is replaced; the
/// link is kept. A read-only file, or one with other hard links (they would
/// keep the old text), is not written.
pub fn write_atomically(path: &Path, original: &[u8], new: &[u8]) -> Result<(), WriteError> {
    let target: PathBuf = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).map_err(|e| {
            WriteError::new(format!(
                "cannot resolve the symbolic link: {}",
                io_message(&e)
            ))
        })?,
        Ok(_) => path.to_path_buf(),
        Err(e) => return Err(WriteError::new(format!("cannot read: {}", io_message(&e)))),
    };
    let meta = fs::metadata(&target)
        .map_err(|e| WriteError::new(format!("cannot read: {}", io_message(&e))))?;
    if meta.permissions().readonly() {
        return Err(WriteError::new("the file is read-only".to_string())
            .help("make it writable (chmod u+w) to fix it, or use --diff to see the fixes"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(WriteError::new(format!(
                "the file has {} hard links, which would keep the old text",
                meta.nlink()
            ))
            .help("use --diff and apply the changes by hand"));
        }
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".slipway")
        .tempfile_in(dir)
        .map_err(|e| {
            let e = WriteError::new(format!(
                "cannot create a file in {}: {}",
                dir.display(),
                io_message(&e)
            ));
            e.help("the directory must be writable: the fixed file is written beside the original, then renamed over it")
        })?;
    let written = (|| -> io::Result<()> {
        temp.write_all(new)?;
        fs::set_permissions(temp.path(), meta.permissions())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Keep the owner where we may (as root, or the group we are in);
            // otherwise the file becomes ours, as with any editor.
            let _ = std::os::unix::fs::fchown(temp.as_file(), Some(meta.uid()), Some(meta.gid()));
        }
        temp.as_file().sync_all()
    })();
    written.map_err(|e| {
        WriteError::new(format!(
            "cannot write the fixed text in {}: {}",
            dir.display(),
            io_message(&e)
        ))
    })?;
    // The last look before the rename: someone may have saved the file
    // while we worked (a small window remains between this read and the
    // rename).
    match fs::read(&target) {
        Ok(now) if now == original => {}
        Ok(_) => {
            return Err(WriteError::new(
                "the file changed on disk while it was being fixed".to_string(),
            )
            .help("run slipway again on the new contents"));
        }
        Err(e) => return Err(WriteError::new(format!("cannot read: {}", io_message(&e)))),
    }
    temp.persist(&target).map_err(|e| {
        WriteError::new(format!("cannot replace the file: {}", io_message(&e.error)))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_names_the_file_and_marks_a_missing_newline() {
        let d = unified_diff("Dockerfile", "FROM a\nRUN x", "FROM a\nRUN x -y");
        assert!(
            d.starts_with("--- Dockerfile\n+++ Dockerfile\n@@ -1,2 +1,2 @@\n"),
            "{d}"
        );
        assert!(
            d.contains("-RUN x\n\\ No newline at end of file\n+RUN x -y\n"),
            "{d}"
        );
    }

    #[test]
    fn a_changed_file_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        fs::write(&path, "FROM b\n").unwrap();
        let e = write_atomically(&path, b"FROM a\n", b"FROM c\n").unwrap_err();
        assert!(e.message.contains("changed on disk"), "{}", e.message);
        assert_eq!(fs::read(&path).unwrap(), b"FROM b\n");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomically(&path, b"FROM b\n", b"FROM c\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"FROM c\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
