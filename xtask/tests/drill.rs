//! The drill: the document is the only source an operation needs.
//!
//! A copy of `openapi/spectrum.json` gains one GET operation,
//! `spectrum_widgets_list` (`GET /zones/{zone_id}/spectrum/widgets`), its
//! response envelope `WidgetListResponse`, an object `Widget` and an open
//! string enum `WidgetKind` (see [`document`]); nothing else changes, in
//! the copy or anywhere in the workspace. Then:
//!
//! * [`the_crate_built_from_the_changed_document_serves_the_operation`]
//!   builds `cloudflare-spectrum` from the copy (`CLOUDFLARE_SPECTRUM_SPEC`)
//!   into a small probe program ([`probe`]) and runs it: it only compiles if
//!   `Client::spectrum_widgets_list(zone)` returns `Vec<types::Widget>`, the
//!   mock helper `server.spectrum_widgets_list(|when, then| …)` with
//!   `when.zone_id` and `then.ok_result` exists, and `types::WidgetKind`
//!   exists; it then checks the call against an httpmock server, the
//!   `KNOWN` list, the `OPERATIONS` table, and that the fake answers a 404
//!   Cloudflare error saying the operation is "not implemented in the
//!   fake";
//! * [`check_names_the_new_operation_as_untested`] runs
//!   `cargo xtask check --spec <copy>`, which must fail with one problem:
//!   `spectrum_widgets_list` has no test in `tests/conformance.rs`.
//!
//! The build is offline (`--offline`, every crate is in the local cache)
//! with the workspace's `Cargo.lock`, into its own target directory,
//! `target/drill`, so it never waits for the lock of the build running
//! these tests; the copy and the probe live there too and are rewritten only
//! when they change, so a second run rebuilds nothing. Every child process
//! has a deadline ([`BUILD_TIMEOUT`], [`PROBE_TIMEOUT`], [`CHECK_TIMEOUT`]).
//! Logs are kept in `target/drill/logs`.
//!
//! Cost, measured on the project's 2-core machine (2026-12-02), with other
//! builds keeping the load average at 8 to 10: from a cold `target/drill`
//! the probe's build took 8.0 min (177 s user + 33 s system CPU, so about
//! 2 to 2.5 min on an idle machine, going by the README's idle figures for
//! a clean build); with the dependencies built and the crate changed, 34 s
//! (a `target/drill` copied elsewhere is reused as well: only the crate
//! and the probe rebuild); with nothing changed, 1.4 s for this whole test
//! binary. Caching `target/` between CI runs keeps `target/drill` warm.

mod common;
#[path = "drill/document.rs"]
mod document;
#[path = "drill/probe.rs"]
mod probe;
#[path = "drill/process.rs"]
mod process;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use xtask::json::to_pretty;

/// The longest the probe's build may take: a cold `target/drill` on two
/// busy cores, with room to spare.
const BUILD_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// The longest the probe may run (it gives up on its own after 60 s).
const PROBE_TIMEOUT: Duration = Duration::from_secs(90);
/// The longest `cargo xtask check` may run.
const CHECK_TIMEOUT: Duration = Duration::from_secs(60);

/// The curated document.
fn original() -> Value {
    common::curated()
}

/// `target/drill` in the workspace.
fn drill_dir() -> PathBuf {
    xtask::workspace_root().join("target/drill")
}

/// The cargo running these tests, or the one on `PATH`.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

#[test]
fn the_drill_changes_nothing_but_its_additions() {
    let original = original();
    let changed = document::changed(&original);
    assert_eq!(document::without_additions(&changed), original);
    let ids: Vec<String> = common::operation_ids(&changed);
    let mut expected = common::operation_ids(&original);
    expected.push(document::OPERATION_ID.to_owned());
    assert_eq!(ids, expected, "one operation more, at the end");
}

#[test]
fn check_names_the_new_operation_as_untested() {
    let dir = common::scratch("drill-check");
    let spec = dir.join("spectrum.json");
    probe::write_if_changed(&spec, to_pretty(&document::changed(&original())).as_bytes());
    let mut check = Command::new(env!("CARGO_BIN_EXE_xtask"));
    check.arg("check").arg("--spec").arg(&spec);
    let ran = process::run(check, &dir, "check", CHECK_TIMEOUT);
    assert!(ran.status.is_some(), "cargo xtask check did not finish in {CHECK_TIMEOUT:?}");
    assert!(!ran.success(), "check passed on a document with an untested operation:\n{}", ran.stdout);
    let expected = format!(
        "  - operation {id} (GET /zones/{{}}/spectrum/widgets) has no test in tests/conformance.rs: add `#[tokio::test] async fn {id}()` there",
        id = document::OPERATION_ID
    );
    assert!(ran.stderr.contains(": 1 problem(s)\n"), "{}", ran.stderr);
    assert!(ran.stderr.contains(&expected), "{expected}\nnot in:\n{}", ran.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_crate_built_from_the_changed_document_serves_the_operation() {
    let root = xtask::workspace_root();
    let drill = drill_dir();
    let logs = drill.join("logs");
    let spec = drill.join("spec/spectrum.json");
    probe::write_if_changed(&spec, to_pretty(&document::changed(&original())).as_bytes());
    let manifest = probe::write(&drill.join("probe"), &root);

    let mut build = cargo();
    build
        .args(["build", "--offline", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &drill)
        .env("CLOUDFLARE_SPECTRUM_SPEC", &spec)
        .env("CARGO_TERM_COLOR", "never");
    let built = process::run(build, &logs, "build", BUILD_TIMEOUT);
    eprintln!("drill: probe built in {:.1?}", built.elapsed);
    assert!(
        built.status.is_some(),
        "the probe's build did not finish in {BUILD_TIMEOUT:?} (log: {})",
        built.logs.1.display()
    );
    let offline = ["offline", "failed to download", "no matching package"];
    let hint = if offline.iter().any(|w| built.stderr.contains(w)) {
        "\n(a crate is missing from the local cache: run `cargo fetch` in the workspace, with network, then run this test again)"
    } else {
        ""
    };
    assert!(
        built.success(),
        "cloudflare-spectrum did not build from the changed document {} (log: {}):\n{}{hint}",
        spec.display(),
        built.logs.1.display(),
        built.stderr_tail(40)
    );

    let binary = drill.join("debug").join(format!("drill-probe{}", std::env::consts::EXE_SUFFIX));
    let ran = process::run(Command::new(&binary), &logs, "probe", PROBE_TIMEOUT);
    eprintln!("drill: probe ran in {:.1?}", ran.elapsed);
    assert!(ran.status.is_some(), "the probe did not finish in {PROBE_TIMEOUT:?}");
    let passed: Vec<&str> = ran.stdout.lines().filter_map(|l| l.strip_prefix("PASS ")).collect();
    let failed: Vec<&str> = ran.stdout.lines().filter(|l| l.starts_with("FAIL ")).collect();
    eprintln!("drill: passed {passed:?}");
    assert!(
        failed.is_empty() && ran.success(),
        "the probe built from the changed document failed {} check(s):\n{}\n(passed: {passed:?}; stderr: {})",
        failed.len(),
        failed.join("\n"),
        ran.stderr_tail(10)
    );
    assert_eq!(passed, ["operations-table", "enum-known", "client-and-mock", "fake"]);
}
