//! `cargo xtask check`: validate the curated document (run by CI).
//!
//! * it parses as OpenAPI 3.0 (`openapiv3`) and every `$ref` resolves;
//! * every operation has an operationId and `200`, `4XX` and `5XX` responses;
//! * every operation of the manifest is present, under its operationId;
//! * every operation has a conformance test: some file under `tests/`
//!   contains its operationId as a whole word (`"spectrum_apps_list"` or a
//!   call `.spectrum_apps_list(`);
//! * every `x-open-enum` schema has an `enum`, and every `x-enum-varnames`
//!   list is as long as its `enum`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Result;
use crate::json::escape;
use crate::manifest::{METHODS, Manifest, op_key};

/// What `cargo xtask check` checks.
#[derive(Debug, Clone)]
pub struct Options {
    /// The curated document.
    pub spec: PathBuf,
    /// The manifest.
    pub manifest: PathBuf,
    /// The directory holding the conformance tests.
    pub tests: PathBuf,
}

/// Runs every check; `Ok` holds a summary, `Err` every problem found.
pub fn run(options: &Options) -> Result<String> {
    let text =
        std::fs::read_to_string(&options.spec).map_err(|e| format!("cannot read {}: {e}", options.spec.display()))?;
    let manifest = Manifest::read(&options.manifest)?;
    let tests = read_tests(&options.tests);
    let found = problems(&text, &manifest, &tests, &options.tests);
    let spec = options.spec.display();
    if found.is_empty() {
        Ok(format!(
            "{spec}: OK ({} manifest operations, all present and tested)\n",
            manifest.operations.len()
        ))
    } else {
        let mut message = format!("{spec}: {} problem(s)\n", found.len());
        for problem in found {
            message.push_str(&format!("  - {problem}\n"));
        }
        Err(message)
    }
}

/// The text of every file under `dir`, by path (none if it is absent).
pub fn read_tests(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path, text));
            }
        }
    }
    out
}

/// Every problem of the document `text`; `tests` are the files of
/// `tests_dir`.
pub fn problems(text: &str, manifest: &Manifest, tests: &[(PathBuf, String)], tests_dir: &Path) -> Vec<String> {
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
        out.push(format!(
            "the $ref {reference} at {at} does not resolve; point it at an existing component"
        ));
    }
    let ids = operations(&doc, &mut out);
    for entry in &manifest.operations {
        let key = entry.key();
        match ids.iter().find(|(k, _)| *k == key) {
            None => out.push(format!(
                "operation {} ({key}) of openapi/manifest.json is missing; cut it in with `cargo xtask refresh --from <published schema> --write` or add it by hand",
                entry.operation_id
            )),
            Some((_, id)) if *id != entry.operation_id => out.push(format!(
                "operation {key} is named {id} but openapi/manifest.json names it {}; rename one of them",
                entry.operation_id
            )),
            Some(_) => {}
        }
    }
    if tests.is_empty() {
        out.push(format!(
            "{} has no test files, so no operation has a conformance test; add tests there",
            tests_dir.display()
        ));
    } else {
        for (_, id) in &ids {
            if !id.is_empty() && !tests.iter().any(|(_, t)| contains_word(t, id)) {
                out.push(format!(
                    "operation {id} has no conformance test: add a test under {} that exercises it (the check looks for the word {id} there)",
                    tests_dir.display()
                ));
            }
        }
    }
    enums(&doc, String::new(), &mut out);
    out
}

/// Checks every operation and returns their keys and operationIds.
fn operations(doc: &Value, out: &mut Vec<String>) -> Vec<(String, String)> {
    let mut ids = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let key = op_key(method, path);
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            if id.is_empty() {
                out.push(format!("operation {key} has no operationId; give it one"));
            }
            for code in ["200", "4XX", "5XX"] {
                if op.pointer(&format!("/responses/{code}")).is_none() {
                    out.push(format!(
                        "operation {key} has no {code} response; add one (errors use #/components/responses/Failure)"
                    ));
                }
            }
            ids.push((key, id));
        }
    }
    ids
}

/// Checks open enums and enum variant names everywhere under `node`.
fn enums(node: &Value, at: String, out: &mut Vec<String>) {
    match node {
        Value::Object(obj) => {
            let values = obj.get("enum").and_then(Value::as_array);
            if obj.contains_key("x-open-enum") && values.is_none_or(|v| v.is_empty()) {
                out.push(format!(
                    "{at} is marked x-open-enum but has no enum values; add them or drop the mark"
                ));
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

/// Whether `word` occurs in `text` with no identifier character on either
/// side.
pub fn contains_word(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert!(contains_word("client.spectrum_apps_list(zone)", "spectrum_apps_list"));
        assert!(contains_word("\"spectrum_apps_list\"", "spectrum_apps_list"));
        assert!(!contains_word("spectrum_apps_list_all()", "spectrum_apps_list"));
        assert!(!contains_word("my_spectrum_apps_list", "spectrum_apps_list"));
    }
}
