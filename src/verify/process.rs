//! Child processes with time limits: each runs in its own process group (so
//! that a build's or a container's whole tree can be stopped), with its
//! output in temporary files (no pipe to drain, however much it prints),
//! and is stopped on a time limit or when the user interrupts `verify`.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// From now on, SIGINT, SIGTERM and SIGHUP set a flag instead of ending the
/// process: the waits below see it, stop their child, and `verify` cleans
/// up (containers, images, temporary files) before it exits.
pub fn catch_interrupts() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only stores to an atomic, which is
    // async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
        libc::signal(libc::SIGHUP, handler);
    }
}

/// Whether the user asked `verify` to stop.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// How a finished (or stopped) process ended, with what it printed.
#[derive(Clone, Debug, Default)]
pub struct Finished {
    /// The exit code, when it exited by itself.
    pub code: Option<i32>,
    /// It was stopped at the time limit.
    pub timed_out: bool,
    /// It was stopped because the user interrupted `verify`.
    pub interrupted: bool,
    /// Standard output (with standard error too, for merged output).
    pub stdout: String,
    /// Standard error (empty for merged output).
    pub stderr: String,
    /// How long it ran.
    pub seconds: f64,
}

impl Finished {
    /// Whether it exited by itself with 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// The last `n` lines of its output (both streams), for messages.
    pub fn tail(&self, n: usize) -> String {
        let all = if self.stderr.is_empty() {
            self.stdout.clone()
        } else if self.stdout.is_empty() {
            self.stderr.clone()
        } else {
            format!("{}\n{}", self.stdout.trim_end(), self.stderr)
        };
        let lines: Vec<&str> = all.trim_end().lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }
}

/// A running child process.
pub struct Running {
    child: Child,
    out: File,
    err: Option<File>,
    started: Instant,
    status: Option<ExitStatus>,
}

impl Running {
    /// Start `cmd` in a new process group, standard input closed, output
    /// into temporary files (`merged`: standard error into the same one).
    pub fn spawn(cmd: &mut Command, merged: bool) -> io::Result<Running> {
        let out = tempfile::tempfile()?;
        let err = if merged {
            None
        } else {
            Some(tempfile::tempfile()?)
        };
        cmd.stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(match &err {
                Some(e) => e.try_clone()?,
                None => out.try_clone()?,
            })
            .process_group(0);
        let child = cmd.spawn()?;
        Ok(Running {
            child,
            out,
            err,
            started: Instant::now(),
            status: None,
        })
    }

    /// Whether it has exited (reaping it when it has).
    pub fn exited(&mut self) -> bool {
        if self.status.is_none()
            && let Ok(Some(s)) = self.child.try_wait()
        {
            self.status = Some(s);
            // Whatever it left behind in its group goes with it.
            self.signal_group(libc::SIGKILL);
        }
        self.status.is_some()
    }

    /// Wait until it exits, `limit` passes or the user interrupts; true
    /// when it exited.
    pub fn wait_for(&mut self, limit: Duration) -> bool {
        self.wait(limit, true)
    }

    fn wait(&mut self, limit: Duration, interruptible: bool) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if self.exited() {
                return true;
            }
            if (interruptible && interrupted()) || Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// How long it has been running.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    fn signal_group(&self, signal: libc::c_int) {
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: kill(2) with a negative pid signals the process group
            // this child leads; no memory is involved.
            unsafe {
                libc::kill(-pid, signal);
            }
        }
    }

    /// Stop it (if it still runs) and collect its output: SIGTERM to its
    /// process group, then SIGKILL after three seconds.
    pub fn stop(mut self, timed_out: bool) -> Finished {
        let exited_by_itself = self.exited();
        if !exited_by_itself {
            self.signal_group(libc::SIGTERM);
            let until = Instant::now() + Duration::from_secs(3);
            while !self.exited() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
            }
            if !self.exited() {
                self.signal_group(libc::SIGKILL);
                if let Ok(s) = self.child.wait() {
                    self.status = Some(s);
                }
            }
        }
        let seconds = self.started.elapsed().as_secs_f64();
        Finished {
            code: if exited_by_itself {
                self.status.and_then(|s| s.code())
            } else {
                None
            },
            timed_out: !exited_by_itself && timed_out,
            interrupted: !exited_by_itself && interrupted(),
            stdout: read_all(&mut self.out),
            stderr: self.err.as_mut().map(read_all).unwrap_or_default(),
            seconds,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.exited() {
            self.signal_group(libc::SIGKILL);
            let _ = self.child.wait();
        }
    }
}

fn read_all(f: &mut File) -> String {
    let mut bytes = Vec::new();
    if f.seek(SeekFrom::Start(0)).is_ok() {
        let _ = f.read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Run `cmd` to its end, or stop it at `limit`.
pub fn run(cmd: &mut Command, limit: Duration, merged: bool) -> io::Result<Finished> {
    let mut running = Running::spawn(cmd, merged)?;
    let exited = running.wait_for(limit);
    Ok(running.stop(!exited))
}

/// [`run`] for clean-up: an interrupt does not stop it (only `limit` does),
/// so that what `verify` made is removed even after Ctrl-C.
pub fn run_cleanup(cmd: &mut Command, limit: Duration) -> io::Result<Finished> {
    let mut running = Running::spawn(cmd, true)?;
    let exited = running.wait(limit, false);
    Ok(running.stop(!exited))
}
