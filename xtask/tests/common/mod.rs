//! Helpers shared by the xtask tests.

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;
use xtask::manifest::Manifest;
use xtask::overlay::Overlay;
use xtask::report::Report;

/// A path in the workspace.
pub fn workspace(path: &str) -> PathBuf {
    xtask::workspace_root().join(path)
}

/// A path in `xtask/tests/fixtures`.
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)
}

/// The curated document.
pub fn curated() -> Value {
    xtask::json::read(&workspace("openapi/spectrum.json")).unwrap()
}

/// The manifest (the scope).
pub fn manifest() -> Manifest {
    Manifest::read(&workspace("openapi/manifest.json")).unwrap()
}

/// The overlay.
pub fn overlay() -> Overlay {
    Overlay::read(&workspace("openapi/overlay.json")).unwrap()
}

/// A published-schema fixture.
pub fn published(name: &str) -> Value {
    xtask::json::read(&fixture(name)).unwrap()
}

/// Compares a published-schema fixture with the curated document.
pub fn compare(name: &str) -> Report {
    xtask::refresh::compare(&curated(), &published(name), &manifest(), &overlay())
}

/// The operationIds of a document, in document order.
pub fn operation_ids(doc: &Value) -> Vec<String> {
    xtask::ops::operations(doc).into_iter().map(|o| o.id).collect()
}

/// A conformance file with a `#[tokio::test]` named after each of `ids`.
pub fn conformance_for(ids: &[String]) -> xtask::check::Conformance {
    let tests: Vec<String> = ids
        .iter()
        .map(|id| format!("#[tokio::test]\nasync fn {id}() {{\n    let _ = client.{id}();\n}}\n\n"))
        .collect();
    xtask::check::Conformance::new("tests/conformance.rs", tests.concat())
}

/// A fresh scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The drift the `published-drift.json` fixture must produce, exactly.
pub const EXPECTED_DRIFT: [&str; 3] = [
    "+ POST /zones/{zone}/spectrum/apps/{app_id}/restart: new published operation spectrum-applications-restart-spectrum-application in scope; to cover it, refresh with --write --add '<operation_id>=POST /zones/{zone_id}/spectrum/apps/{app_id}/restart'",
    "+ SpectrumApp.origin_worker_id: new property",
    "+ TrafficType: new enum value \"worker\"",
];
