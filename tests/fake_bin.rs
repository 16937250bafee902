//! The `cloudflare-spectrum-fake` binary: starts, answers, stops on SIGTERM.
#![cfg(unix)]

use std::process::Stdio;
use std::time::Duration;

use cloudflare_spectrum::fake::ZONE_ID;
use cloudflare_spectrum::{Client, Credentials, ListApps};
use tokio::io::{AsyncBufReadExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

const BIN: &str = env!("CARGO_BIN_EXE_cloudflare-spectrum-fake");

fn spawn(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts")
}

/// Reads lines until one contains `needle`; returns it.
async fn line_with(lines: &mut Lines<BufReader<ChildStdout>>, needle: &str) -> String {
    let read = async {
        while let Some(line) = lines.next_line().await.expect("readable stdout") {
            if line.contains(needle) {
                return line;
            }
        }
        panic!("stdout ended before a line with {needle:?}");
    };
    timeout(Duration::from_secs(20), read).await.unwrap_or_else(|_| panic!("no line with {needle:?} within 20 s"))
}

#[tokio::test]
async fn serves_and_stops_on_sigterm() {
    let mut child = spawn(&["--port", "0"]);
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let listening = line_with(&mut lines, "listening on ").await;
    let url = listening.rsplit(' ').next().expect("a URL").to_owned();
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/client/v4"), "{url}");
    let token_line = line_with(&mut lines, "accepted token: ").await;
    assert!(token_line.contains("fake-token"));

    let client = Client::builder()
        .base_url(&url)
        .credentials(Credentials::api_token("fake-token"))
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .unwrap();
    let page = client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.expect("a list");
    assert!(page.items.is_empty());

    let pid = child.id().expect("a running child").to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill runs");
    assert!(killed.success());
    let status = timeout(Duration::from_secs(10), child.wait()).await.expect("exits within 10 s after SIGTERM");
    assert!(status.expect("an exit status").success());
    line_with(&mut lines, "SIGTERM received").await;
    assert!(client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.is_err(), "the port is closed");
}

#[tokio::test]
async fn help_and_bad_arguments() {
    let help = timeout(Duration::from_secs(20), spawn(&["--help"]).wait_with_output()).await.unwrap().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--port"));

    let bad = timeout(Duration::from_secs(20), spawn(&["--port", "nope"]).wait_with_output()).await.unwrap().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid port"));
}
