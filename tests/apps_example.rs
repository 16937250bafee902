//! The apps-as-code example (`examples/apps_as_code.rs`), run as a user runs
//! it: offline against its seeded fake, and in its real-API mode against a
//! fake on 127.0.0.1 named by `CLOUDFLARE_BASE_URL`. Every run is bounded.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cloudflare_spectrum::fake::{FakeCloudflare, TOKEN, ZONE_ID};

mod examples_support;
use examples_support::{Run, finish};

/// The apps-as-code example binary.
fn example() -> Command {
    examples_support::example("apps_as_code")
}

fn run(mut command: Command, args: &[&str]) -> Run {
    finish(command.args(args).spawn().expect("the example starts"))
}

fn offline(args: &[&str]) -> Run {
    run(example(), args)
}

/// A fresh path under cargo's temporary directory for tests.
fn temp_file(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("apps_example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

/// The summary line of a plan: what it creates, updates, replaces, deletes.
fn summary(plan: &str) -> &str {
    plan.lines().find(|line| line.starts_with("Plan for zone ")).unwrap_or_else(|| panic!("no plan in {plan}"))
}

const NO_CHANGES: &str = "0 to create, 0 to update, 0 to replace, 0 to delete";

#[test]
fn an_export_planned_against_the_same_seed_shows_no_changes() {
    for name in ["exported.toml", "exported.json"] {
        let file = temp_file(name);
        let path = file.to_str().expect("a UTF-8 path");
        let export = offline(&["export", path]);
        assert!(export.status.success(), "{export:?}");
        assert!(export.stderr.contains("built-in fake"), "{export:?}");
        assert!(export.stdout.contains("Wrote 6 application(s)"), "{export:?}");
        let text = std::fs::read_to_string(&file).expect("the export");
        assert!(text.contains("ssh.example.com"), "{text}");
        if name.ends_with(".json") {
            assert!(text.trim_start().starts_with('{'), "{text}");
        } else {
            assert!(text.contains("[[apps]]"), "{text}");
        }

        let plan = offline(&["plan", path, "--prune"]);
        assert!(plan.status.success(), "{plan:?}");
        assert!(summary(&plan.stdout).contains(&format!("{NO_CHANGES} (6 unchanged, 0 unmanaged")), "{plan:?}");
        std::fs::remove_file(&file).expect("cleaned up");
    }
}

#[test]
fn the_sample_plan_shows_every_kind_of_change() {
    let plan = offline(&["plan", "examples/apps.toml"]);
    assert!(plan.status.success(), "{plan:?}");
    let out = &plan.stdout;
    assert!(
        summary(out).contains("1 to create, 1 to update, 1 to replace, 0 to delete (3 unchanged, 1 unmanaged"),
        "{plan:?}"
    );
    assert!(out.contains("+ create db.example.com tcp/5432"), "{plan:?}");
    assert!(out.contains("~ update ssh.example.com tcp/22"), "{plan:?}");
    assert!(out.contains("    ip_firewall: false → true"), "{plan:?}");
    assert!(out.contains("-/+ replace rdp.example.com tcp/3389"), "{plan:?}");
    assert!(out.contains("    because of edge_ips.type:"), "{plan:?}");
    assert!(out.contains("  unmanaged syslog.example.com udp/514"), "{plan:?}");
    assert!(!out.contains("- delete"), "{plan:?}");

    let pruned = offline(&["plan", "examples/apps.toml", "--prune"]);
    assert!(pruned.status.success(), "{pruned:?}");
    assert!(summary(&pruned.stdout).contains("1 to create, 1 to update, 1 to replace, 1 to delete"), "{pruned:?}");
    assert!(pruned.stdout.contains("- delete syslog.example.com udp/514"), "{pruned:?}");
}

#[test]
fn apply_ends_with_an_empty_plan() {
    let apply = offline(&["apply", "examples/apps.toml", "--prune"]);
    assert!(apply.status.success(), "{apply:?}");
    let (before, after) =
        apply.stdout.split_once("\nPlan after applying:\n").unwrap_or_else(|| panic!("no fresh plan: {apply:?}"));
    assert!(before.contains("-/+ replace rdp.example.com tcp/3389"), "{apply:?}");
    for done in [
        "done: Create db.example.com tcp/5432",
        "done: Update ssh.example.com tcp/22",
        "done: Replace rdp.example.com tcp/3389",
        "done: Delete syslog.example.com udp/514",
    ] {
        assert!(before.contains(done), "{done}: {apply:?}");
    }
    assert!(summary(after).contains(&format!("{NO_CHANGES} (6 unchanged, 0 unmanaged, 0 ambiguous)")), "{apply:?}");
    // Progress goes to stderr, as plain lines when it is not a terminal.
    assert!(apply.stderr.contains("applying changes: 4 of 4"), "{apply:?}");
    assert!(!apply.stderr.contains('\r'), "{apply:?}");
    assert!(!apply.stdout.contains("applying changes"), "{apply:?}");
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    for args in [
        &[][..],
        &["frobnicate", "apps.toml"],
        &["plan"],
        &["plan", "a.toml", "b.toml"],
        &["plan", "a.toml", "--force"],
        &["plan", "a.toml", "--yes"],
        &["export", "a.toml", "--prune"],
    ] {
        let run = offline(args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {run:?}");
        assert!(run.stderr.starts_with("error: "), "{args:?}: {run:?}");
        assert!(run.stderr.contains("usage: apps_as_code export FILE"), "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:?}");
    }
    let help = offline(&["--help"]);
    assert!(help.status.success(), "{help:?}");
    assert!(help.stdout.starts_with("usage: "), "{help:?}");
}

#[test]
fn a_missing_or_malformed_file_is_an_error_with_status_1() {
    let run = offline(&["plan", "examples/no-such-file.toml"]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    assert!(run.stderr.contains("no-such-file.toml"), "{run:?}");

    let file = temp_file("duplicate.toml");
    let app = "[[apps]]\nprotocol = \"tcp/22\"\norigin_direct = [\"tcp://192.0.2.1:22\"]\ndns = { name = \"ssh.example.com\" }\n";
    std::fs::write(&file, format!("{app}{app}")).expect("written");
    let run = offline(&["plan", file.to_str().expect("UTF-8")]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    assert!(run.stderr.contains("the same app"), "{run:?}");
    std::fs::remove_file(&file).expect("cleaned up");
}

#[test]
fn a_closed_stdout_ends_it_quietly() {
    let mut child = example().args(["apply", "examples/apps.toml"]).spawn().expect("the example starts");
    drop(child.stdout.take()); // the reader is gone before the first line
    let run = finish(child);
    assert!(run.status.success(), "{run:?}");
}

#[test]
fn credentials_without_a_zone_exit_2_naming_the_variable_not_the_secret() {
    let secret = "s3cr3t-token-never-printed";
    let mut command = example();
    command.env("CLOUDFLARE_API_TOKEN", secret).env("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9/client/v4");
    let run = run(command, &["plan", "examples/apps.toml"]);
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    assert!(run.stderr.contains("CLOUDFLARE_ZONE_ID is not"), "{run:?}");
    assert!(!run.stderr.contains(secret) && !run.stdout.contains(secret), "{run:?}");
}

/// The example in its real-API mode, aimed at a fake on 127.0.0.1.
fn against(fake: &FakeCloudflare, args: &[&str], stdin: &str) -> Run {
    let mut command = example();
    command
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .env("CLOUDFLARE_BASE_URL", fake.base_url())
        .env("CLOUDFLARE_ZONE_ID", ZONE_ID)
        .stdin(Stdio::piped())
        .args(args);
    let mut child = command.spawn().expect("the example starts");
    let mut input = child.stdin.take().expect("stdin");
    // The example may end before reading (nothing to apply): ignore EPIPE.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let run = finish(child);
    assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN), "{run:?}");
    run
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_credentials_apply_asks_first_and_only_yes_goes_on() {
    let fake = FakeCloudflare::start().await.expect("the fake starts");
    let fake = std::sync::Arc::new(fake);
    let blocking = |args: &'static [&'static str], stdin: &'static str| {
        let fake = std::sync::Arc::clone(&fake);
        tokio::task::spawn_blocking(move || against(&fake, args, stdin))
    };

    let no = blocking(&["apply", "examples/apps.toml"], "no\n").await.expect("ran");
    assert_eq!(no.status.code(), Some(1), "{no:?}");
    assert!(no.stderr.contains("Only 'yes' goes on"), "{no:?}");
    assert!(no.stderr.contains("apply not confirmed: nothing was changed"), "{no:?}");
    assert!(no.stdout.contains("6 to create"), "{no:?}");
    assert!(fake.spectrum_apps(ZONE_ID).is_empty(), "{no:?}");

    let yes = blocking(&["apply", "examples/apps.toml"], "yes\n").await.expect("ran");
    assert!(yes.status.success(), "{yes:?}");
    assert_eq!(fake.spectrum_apps(ZONE_ID).len(), 6, "{yes:?}");
    let (_, after) = yes.stdout.split_once("\nPlan after applying:\n").expect("a fresh plan");
    assert!(summary(after).contains(NO_CHANGES), "{yes:?}");

    let again = blocking(&["apply", "examples/apps.toml", "--yes"], "").await.expect("ran");
    assert!(again.status.success(), "{again:?}");
    assert!(again.stdout.contains("Nothing to apply."), "{again:?}");
    assert!(!again.stderr.contains("Only 'yes' goes on"), "{again:?}");
}
