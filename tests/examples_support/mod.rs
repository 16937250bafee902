//! Runs the crate's example binaries as a user runs them: the binary `cargo
//! test` built, no Cloudflare variable in its environment, from the crate's
//! root, each run bounded in time (`tests/quickstart.rs`,
//! `tests/apps_example.rs`).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long one run of an example may take.
pub const LIMIT: Duration = Duration::from_secs(60);

/// The environment variables the examples read, removed from every run.
const CLOUDFLARE_VARIABLES: [&str; 6] = [
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_EMAIL",
    "CLOUDFLARE_API_KEY",
    "CLOUDFLARE_API_USER_SERVICE_KEY",
    "CLOUDFLARE_BASE_URL",
    "CLOUDFLARE_ZONE_ID",
];

/// The example `name`, ready to spawn: stdin empty, stdout and stderr piped.
pub fn example(name: &str) -> Command {
    let deps = std::env::current_exe().expect("the test binary").parent().expect("deps/").to_path_buf();
    let path: PathBuf = deps.parent().expect("the profile directory").join("examples").join(name);
    assert!(
        path.exists(),
        "{} is not built: a plain `cargo test` builds the examples, `--tests` or `--test NAME` alone does not \
         (run `cargo build --examples` first)",
        path.display()
    );
    let mut command = Command::new(path);
    for var in CLOUDFLARE_VARIABLES {
        command.env_remove(var);
    }
    command.current_dir(env!("CARGO_MANIFEST_DIR")).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// How a run ended and what it printed (the pipes the test had not taken).
pub struct Run {
    /// The exit status.
    pub status: ExitStatus,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n--- stdout\n{}--- stderr\n{}", self.status, self.stdout, self.stderr)
    }
}

/// Reads a pipe to its end on a thread of its own.
fn drain(pipe: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            pipe.read_to_string(&mut text).expect("utf-8 output");
        }
        text
    })
}

/// Waits (at most [`LIMIT`], then kills it) for the child, collects its
/// output, and checks that it did not panic.
pub fn finish(mut child: Child) -> Run {
    let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the example did not end within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run { status, stdout: stdout.join().expect("stdout"), stderr: stderr.join().expect("stderr") };
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    run
}
