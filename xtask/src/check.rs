//! `cargo xtask check`: validate the curated document (run by CI).
//!
//! * it parses as OpenAPI 3.0 (`openapiv3`) and every `$ref` resolves;
//! * every operation has an operationId, a snake_case one (client methods,
//!   mock helpers and tests are named after it) used by no other operation,
//!   and `200`, `4XX` and `5XX` responses; no two paths differ only in
//!   their parameter names;
//! * every operation lies in the scope of `openapi/manifest.json`, so
//!   `cargo xtask refresh` reports the published operations next to it;
//! * every operation has a conformance test in `tests/conformance.rs`: a
//!   test function named exactly like its operationId
//!   (`#[tokio::test] async fn spectrum_apps_get()`), not `#[ignore]`d; see
//!   [`crate::conformance`] for how test functions are recognised;
//! * every `x-open-enum` schema has an `enum`, and every `x-enum-varnames`
//!   list is as long as its `enum`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Result;
use crate::conformance::{Function, functions, named};
use crate::json::escape;
use crate::manifest::Manifest;
use crate::ops::{Operation, is_snake_case, operations};

/// The file of conformance tests, under `tests/`.
pub const CONFORMANCE_FILE: &str = "conformance.rs";

/// What `cargo xtask check` checks.
#[derive(Debug, Clone)]
pub struct Options {
    /// The curated document.
    pub spec: PathBuf,
    /// The manifest (the scope).
    pub manifest: PathBuf,
    /// The conformance test file, or a directory holding it as
    /// [`CONFORMANCE_FILE`].
    pub tests: PathBuf,
}

/// The conformance test file: where it is and what it holds.
#[derive(Debug, Clone)]
pub struct Conformance {
    /// The file, for messages.
    pub path: PathBuf,
    /// Its text, or why it could not be read.
    pub source: std::result::Result<String, String>,
}

impl Conformance {
    /// Reads `path`, or [`CONFORMANCE_FILE`] in it if it is a directory.
    pub fn read(path: &Path) -> Self {
        let path = if path.is_dir() { path.join(CONFORMANCE_FILE) } else { path.to_path_buf() };
        let source = std::fs::read_to_string(&path).map_err(|e| e.to_string());
        Conformance { path, source }
    }

    /// A conformance file holding `source`, as if read from `path`.
    pub fn new(path: impl Into<PathBuf>, source: impl Into<String>) -> Self {
        Conformance { path: path.into(), source: Ok(source.into()) }
    }
}

/// Runs every check; `Ok` holds a summary, `Err` every problem found.
pub fn run(options: &Options) -> Result<String> {
    let text =
        std::fs::read_to_string(&options.spec).map_err(|e| format!("cannot read {}: {e}", options.spec.display()))?;
    let manifest = Manifest::read(&options.manifest)?;
    let conformance = Conformance::read(&options.tests);
    let found = problems(&text, &manifest, &conformance);
    let spec = options.spec.display();
    if found.is_empty() {
        let count = serde_json::from_str(&text).map_or(0, |doc: Value| operations(&doc).len());
        Ok(format!("{spec}: OK ({count} operations, each with a test in {})\n", shown(&conformance.path)))
    } else {
        let mut message = format!("{spec}: {} problem(s)\n", found.len());
        for problem in found {
            message.push_str(&format!("  - {problem}\n"));
        }
        Err(message)
    }
}

/// A path as messages show it: relative to the workspace when inside it.
fn shown(path: &Path) -> String {
    let root = crate::workspace_root();
    path.strip_prefix(&root).unwrap_or(path).display().to_string()
}

/// Every problem of the document `text`, whose operations must lie in the
/// scope of `manifest` and have their tests in `conformance`.
pub fn problems(text: &str, manifest: &Manifest, conformance: &Conformance) -> Vec<String> {
    let mut out = Vec::new();
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("is not valid JSON: {e}")],
    };
    if let Err(e) = serde_json::from_str::<openapiv3::OpenAPI>(text) {
        out.push(format!("does not parse as OpenAPI 3.0: {e}"));
    }
    if !doc["openapi"].as_str().unwrap_or_default().starts_with("3.0.") {
        out.push(format!("declares openapi {}, not 3.0.x", doc["openapi"]));
    }
    for (at, reference) in crate::json::dangling_refs(&doc) {
        out.push(format!("the $ref {reference} at {at} does not resolve; point it at an existing component"));
    }
    let ops = operations(&doc);
    responses(&doc, &ops, &mut out);
    names(&ops, &mut out);
    scope(&ops, manifest, &mut out);
    tests(&ops, conformance, &mut out);
    enums(&doc, String::new(), &mut out);
    out
}

/// Every operation has the responses the generator and the client need.
fn responses(doc: &Value, ops: &[Operation], out: &mut Vec<String>) {
    for op in ops {
        let key = &op.key;
        for code in ["200", "4XX", "5XX"] {
            let pointer = format!("/paths/{}/{}/responses/{code}", escape(&op.path), op.method);
            if doc.pointer(&pointer).is_none() {
                out.push(format!(
                    "operation {key} has no {code} response; add one (errors use #/components/responses/Failure)"
                ));
            }
        }
    }
}

/// Every operation has its own snake_case operationId, and its own path.
fn names(ops: &[Operation], out: &mut Vec<String>) {
    let mut by_id: HashMap<&str, &Operation> = HashMap::new();
    let mut by_key: HashMap<&str, &Operation> = HashMap::new();
    for op in ops {
        let key = &op.key;
        if let Some(first) = by_key.insert(&op.key, op) {
            out.push(format!(
                "{key} is declared twice, as {} and {}; the paths differ only in parameter names, so keep one",
                first.path, op.path
            ));
        }
        let id = op.id.as_str();
        if id.is_empty() {
            out.push(format!("operation {key} has no operationId; give it one"));
            continue;
        }
        if !is_snake_case(id) {
            out.push(format!(
                "operation {key} has the operationId {id:?}, which is not snake_case; client methods, mock helpers and conformance tests are named after it, so use lower-case letters, digits and _, starting with a letter"
            ));
        }
        if let Some(first) = by_id.insert(id, op) {
            out.push(format!(
                "the operationId {id} names both {} and {key}; client methods, mock helpers and conformance tests are named after it, so give each operation its own",
                first.key
            ));
        }
    }
}

/// Every operation lies in the manifest's scope.
fn scope(ops: &[Operation], manifest: &Manifest, out: &mut Vec<String>) {
    for op in ops {
        let normalised = op.key.split_once(' ').map_or("", |(_, p)| p);
        if !manifest.in_scope(normalised) {
            out.push(format!(
                "operation {} ({}) lies outside the scope of openapi/manifest.json, so `cargo xtask refresh` would not report the published operations next to it; add a prefix of {normalised} to scope there",
                op.id, op.key
            ));
        }
    }
}

/// Every operation has a test named after it in the conformance file.
fn tests(ops: &[Operation], conformance: &Conformance, out: &mut Vec<String>) {
    let file = shown(&conformance.path);
    let source = match &conformance.source {
        Ok(source) => source,
        Err(e) => {
            let example = ops.first().map_or("spectrum_apps_list", |op| op.id.as_str());
            out.push(format!(
                "{file} cannot be read ({e}); it must hold one conformance test per operation, named after its operationId (#[tokio::test] async fn {example}() {{ … }})"
            ));
            return;
        }
    };
    let found: Vec<Function> = functions(source);
    for op in ops.iter().filter(|op| !op.id.is_empty()) {
        let id = op.id.as_str();
        let candidates: Vec<&Function> = named(&found, id).collect();
        let tests: Vec<&&Function> = candidates.iter().filter(|f| f.is_test).collect();
        if let Some(f) = candidates.iter().find(|_| tests.is_empty()) {
            out.push(format!(
                "{file}:{}: fn {id} is not a test; mark it #[tokio::test] (or #[test]) so it runs as the conformance test of operation {id}",
                f.line
            ));
        } else if candidates.is_empty() {
            out.push(format!(
                "operation {id} ({}) has no test in {file}: add `#[tokio::test] async fn {id}()` there, calling client.{id}(…) against a mock server and checking the request sent and the typed result",
                op.key
            ));
        } else if let Some(f) = tests.iter().find(|f| f.ignored).filter(|_| tests.iter().all(|f| f.ignored)) {
            out.push(format!(
                "{file}:{}: the conformance test {id} is #[ignore]d, so CI does not run it; remove #[ignore]",
                f.line
            ));
        }
    }
}

/// Checks open enums and enum variant names everywhere under `node`.
fn enums(node: &Value, at: String, out: &mut Vec<String>) {
    match node {
        Value::Object(obj) => {
            let values = obj.get("enum").and_then(Value::as_array);
            if obj.contains_key("x-open-enum") && values.is_none_or(|v| v.is_empty()) {
                out.push(format!("{at} is marked x-open-enum but has no enum values; add them or drop the mark"));
            }
            if let Some(names) = obj.get("x-enum-varnames") {
                let names = names.as_array().map_or(0, Vec::len);
                let count = values.map_or(0, Vec::len);
                if names != count {
                    out.push(format!(
                        "{at} has {count} enum values but {names} x-enum-varnames; give every value one name, in order"
                    ));
                }
            }
            for (key, value) in obj {
                enums(value, format!("{at}/{}", escape(key)), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                enums(item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}
