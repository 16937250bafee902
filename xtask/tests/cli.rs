//! The `cargo xtask` binary: help, `--from` a URL (a loopback server), and
//! byte-identical output across runs.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::thread;
use std::time::{Duration, Instant};

use common::{EXPECTED_DRIFT, fixture, scratch, workspace};

fn xtask(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    // The loopback server must be reached directly, never through a proxy.
    for var in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
        command.env_remove(var);
    }
    command.args(args).output().expect("the xtask binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn help_documents_both_commands() {
    let output = xtask(&["--help"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("refresh") && text.contains("check"), "{text}");
    let refresh = stdout(&xtask(&["refresh", "--help"]));
    for word in ["--from", "--write", "--add", "manifest.json", "overlay.json", "deterministic"] {
        assert!(refresh.contains(word), "{word} missing from {refresh}");
    }
    let check = stdout(&xtask(&["check", "--help"]));
    for word in
        ["OpenAPI 3.0", "$ref", "4XX", "tests/conformance.rs", "named exactly like its operationId", "x-enum-varnames"]
    {
        assert!(check.contains(word), "{word} missing from {check}");
    }
}

/// Serves `body` to the first HTTP request on a loopback port, then stops.
/// Every wait is bounded: the server gives up after ten seconds.
fn serve_once(body: String) -> (String, thread::JoinHandle<Option<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/openapi.json", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        let (mut stream, _) = loop {
            match listener.accept() {
                Ok(conn) => break conn,
                Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                Err(_) => return None,
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        for _ in 0..64 {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
            if request.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        Some(String::from_utf8_lossy(&request).into_owned())
    });
    (url, handle)
}

#[test]
fn refresh_reads_the_published_schema_from_a_url() {
    let body = std::fs::read_to_string(fixture("published-drift.json")).unwrap();
    let (url, server) = serve_once(body);
    let output = xtask(&["refresh", "--from", &url]);
    let request = server.join().unwrap().expect("the client connected");
    assert!(request.starts_with("GET /openapi.json HTTP/1.1\r\n"), "{request}");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = stdout(&output);
    for line in EXPECTED_DRIFT {
        assert!(text.contains(&format!("  {line}\n")), "{line} missing from {text}");
    }
    assert!(text.contains("3 difference(s), 2 of them written by --write"), "{text}");
}

#[test]
fn an_unreachable_url_is_a_clear_error() {
    // Bind then drop, so the port is (almost certainly) closed.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let output = xtask(&["refresh", "--from", &format!("http://127.0.0.1:{port}/openapi.json")]);
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.starts_with("cannot download http://127.0.0.1:"), "{message}");
}

#[test]
fn two_writes_are_byte_identical() {
    let dir = scratch("determinism");
    let from = fixture("published-drift.json");
    let mut outputs = Vec::new();
    for name in ["first.json", "second.json"] {
        let out = dir.join(name);
        let output = xtask(&["refresh", "--from", from.to_str().unwrap(), "--write", "--out", out.to_str().unwrap()]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        outputs.push((stdout(&output), std::fs::read(&out).unwrap()));
    }
    assert_eq!(outputs[0].1, outputs[1].1);
    assert!(outputs[0].1.ends_with(b"}\n"));
    let strip = |s: &str| s.replace("second.json", "first.json");
    assert_eq!(strip(&outputs[0].0), strip(&outputs[1].0));
    // The source document is untouched; the base fixture rewrites it unchanged.
    let same = dir.join("same.json");
    let output = xtask(&[
        "refresh",
        "--from",
        fixture("published.json").to_str().unwrap(),
        "--write",
        "--out",
        same.to_str().unwrap(),
    ]);
    assert!(stdout(&output).contains("is up to date"));
    assert_eq!(std::fs::read(&same).unwrap(), std::fs::read(workspace("openapi/spectrum.json")).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_fails_with_instructions() {
    let output = xtask(&["check", "--tests", fixture("no-such-directory").to_str().unwrap()]);
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("problem(s)"), "{message}");
    assert!(message.contains("it must hold one conformance test per operation"), "{message}");
    let output = xtask(&["check", "--tests", fixture("conformance").to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // The default is the workspace's tests/conformance.rs.
    let output = xtask(&["check"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout(&output).contains("each with a test in tests/conformance.rs"));
}

#[test]
fn refresh_reports_the_published_fixture_as_curation_only() {
    let from = fixture("published.json");
    let output = xtask(&["refresh", "--from", from.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = stdout(&output);
    assert!(text.contains("no drift\n"), "{text}");
    assert!(text.contains("0 difference(s), 0 of them written by --write;"), "{text}");
}

#[test]
fn bad_arguments_are_clear_errors() {
    let from = fixture("published-drift.json");
    let output = xtask(&["refresh", "--from", from.to_str().unwrap(), "--add", "restart=POST"]);
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("expected OPERATION_ID=METHOD PATH [TAG]"), "{message}");
    let dir = scratch("old-manifest");
    let old = dir.join("manifest.json");
    std::fs::write(&old, r#"{"scope": [], "operations": []}"#).unwrap();
    let output = xtask(&["check", "--manifest", old.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("`operations` is no longer read"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn add_cuts_an_operation_in_from_the_command_line() {
    let dir = scratch("add");
    let out = dir.join("added.json");
    let from = fixture("published-drift.json");
    let output = xtask(&[
        "refresh",
        "--from",
        from.to_str().unwrap(),
        "--add",
        "spectrum_apps_restart=POST /zones/{zone_id}/spectrum/apps/{app_id}/restart",
        "--write",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = stdout(&output);
    assert!(
        text.contains("  + spectrum_apps_restart: POST /zones/{}/spectrum/apps/{}/restart is cut in from spectrum-applications-restart-spectrum-application by --write\n"),
        "{text}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let op = &doc["paths"]["/zones/{zone_id}/spectrum/apps/{app_id}/restart"]["post"];
    assert_eq!(op["operationId"], "spectrum_apps_restart");
    // Checking the written document names what is left to do: its test.
    let output = xtask(&["check", "--spec", out.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("operation spectrum_apps_restart (POST /zones/{}/spectrum/apps/{}/restart) has no test in tests/conformance.rs"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
