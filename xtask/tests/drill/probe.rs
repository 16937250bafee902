//! The probe crate: a small binary depending on the workspace's
//! `cloudflare-spectrum` (features `fake` and `mock`), written under
//! `target/drill` and built there, offline, with the workspace's
//! `Cargo.lock`.

use std::path::{Path, PathBuf};

/// The probe's `src/main.rs`.
const MAIN: &str = include_str!("probe_main.rs");

/// Writes `bytes` to `path` unless it already holds them, so that an
/// unchanged input keeps its modification time and cargo sees nothing
/// new on a warm run.
pub fn write_if_changed(path: &Path, bytes: &[u8]) {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// A TOML basic string holding `text`.
fn toml_string(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The probe's manifest. Its own empty `[workspace]` keeps cargo from
/// taking it for a member of the workspace it lies in; no debug info, to
/// build and link faster.
fn manifest(workspace: &Path) -> String {
    format!(
        r#"[package]
name = "drill-probe"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
cloudflare-spectrum = {{ path = {}, features = ["fake", "mock"] }}
tokio = {{ version = "1", features = ["macros", "rt", "time"] }}
httpmock = "0.9"
serde_json = "1"

[profile.dev]
debug = 0
"#,
        toml_string(&workspace.display().to_string())
    )
}

/// Writes the probe crate into `dir` and returns its manifest's path.
///
/// `Cargo.lock` is a copy of the workspace's, so every dependency has the
/// version the workspace uses, already in the local cache. Cargo then adds
/// the probe itself to it; the copy is made again only when the
/// workspace's lock changes (`Cargo.lock.seed` remembers the last one).
pub fn write(dir: &Path, workspace: &Path) -> PathBuf {
    write_if_changed(&dir.join("src/main.rs"), MAIN.as_bytes());
    let manifest_path = dir.join("Cargo.toml");
    write_if_changed(&manifest_path, manifest(workspace).as_bytes());
    let lock = std::fs::read(workspace.join("Cargo.lock")).expect("the workspace has a Cargo.lock");
    let seed = dir.join("Cargo.lock.seed");
    let seeded = std::fs::read(&seed).is_ok_and(|old| old == lock);
    if !seeded || !dir.join("Cargo.lock").exists() {
        write_if_changed(&dir.join("Cargo.lock"), &lock);
        write_if_changed(&seed, &lock);
    }
    manifest_path
}

#[test]
fn toml_strings_are_escaped() {
    assert_eq!(toml_string(r#"/a "b" \c"#), r#""/a \"b\" \\c""#);
}
