//! The quickstart, run as a newcomer runs it: piped into `head`, and with
//! a base URL but no credentials in the environment.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The example binary `cargo test` built next to this test.
fn quickstart() -> Command {
    let deps = std::env::current_exe().expect("the test binary").parent().expect("deps/").to_path_buf();
    let path: PathBuf = deps.parent().expect("the profile directory").join("examples").join("quickstart");
    assert!(path.exists(), "{} not built (cargo test builds examples)", path.display());
    let mut command = Command::new(path);
    for var in [
        "CLOUDFLARE_API_TOKEN",
        "CLOUDFLARE_EMAIL",
        "CLOUDFLARE_API_KEY",
        "CLOUDFLARE_API_USER_SERVICE_KEY",
        "CLOUDFLARE_BASE_URL",
        "CLOUDFLARE_ZONE_ID",
    ] {
        command.env_remove(var);
    }
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// Waits (bounded) for the child and returns its status and stderr.
fn finish(mut child: std::process::Child) -> (std::process::ExitStatus, String) {
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the quickstart did not end");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    (status, stderr)
}

#[test]
fn piped_into_head_it_stops_quietly() {
    let mut child = quickstart().spawn().expect("quickstart starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    for _ in 0..3 {
        lines.next().expect("a line").expect("text");
    }
    drop(lines); // what `head -3` does after three lines
    let (status, stderr) = finish(child);
    assert!(status.success(), "{status}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_base_url_without_credentials_is_named_not_silently_ignored() {
    let mut command = quickstart();
    command.env("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9/client/v4");
    let mut child = command.spawn().expect("quickstart starts");
    let mut stdout = String::new();
    child.stdout.take().expect("stdout").read_to_string(&mut stdout).expect("stdout");
    let (status, stderr) = finish(child);
    assert!(status.success(), "{status}: {stderr}");
    assert!(
        stderr.starts_with("note: CLOUDFLARE_BASE_URL is set but no credentials are, so it is not used"),
        "{stderr}"
    );
    assert!(stdout.contains("using the built-in fake API"), "{stdout}");
    assert!(stdout.contains("Done."), "{stdout}");
}
