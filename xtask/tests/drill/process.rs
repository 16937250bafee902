//! Child processes with a deadline.
//!
//! Output goes to files, never pipes, so a chatty child cannot block on a
//! full pipe while it is waited for. On Unix each child leads its own
//! process group, and on timeout that group (the child and whatever it
//! started, such as cargo's rustc processes) is killed; elsewhere only the
//! child is.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How a bounded child process ended.
#[derive(Debug)]
pub struct Finished {
    /// Its exit status; `None` if it was killed at the deadline.
    pub status: Option<ExitStatus>,
    /// How long it ran.
    pub elapsed: Duration,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
    /// Where they were saved.
    pub logs: (PathBuf, PathBuf),
}

impl Finished {
    /// Whether it exited with status 0 before the deadline.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// The end of its standard error, for failure messages.
    pub fn stderr_tail(&self, lines: usize) -> String {
        let all: Vec<&str> = self.stderr.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// Runs `command` with output saved as `logs/NAME.out` and `logs/NAME.err`,
/// killing it if it is still running after `limit`.
pub fn run(mut command: Command, logs: &Path, name: &str, limit: Duration) -> Finished {
    std::fs::create_dir_all(logs).unwrap_or_else(|e| panic!("cannot create {}: {e}", logs.display()));
    let out_path = logs.join(format!("{name}.out"));
    let err_path = logs.join(format!("{name}.err"));
    let create =
        |path: &Path| std::fs::File::create(path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    command.stdin(Stdio::null()).stdout(create(&out_path)).stderr(create(&err_path));
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let started = Instant::now();
    let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot start {name} ({command:?}): {e}"));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < limit => thread::sleep(Duration::from_millis(100)),
            Ok(None) => {
                kill(&mut child);
                break None;
            }
            Err(e) => panic!("cannot wait for {name}: {e}"),
        }
    };
    let read = |path: &Path| String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
    Finished {
        status,
        elapsed: started.elapsed(),
        stdout: read(&out_path),
        stderr: read(&err_path),
        logs: (out_path, err_path),
    }
}

/// Kills the child's process group (Unix) or the child, and reaps it.
fn kill(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // The group id is the child's pid (process_group(0) above).
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
    }
    let _ = child.kill();
    let _ = child.wait();
}
