//! Cutting the covered operations out of the published schema.
//!
//! The cut keeps the published operations that the manifest lists or that
//! lie in its scope, and every component they reference, transitively, in
//! the published document's order. It is what `refresh` compares, and
//! `refresh --cut PATH` saves it for reading.

use std::collections::{BTreeSet, VecDeque};

use serde_json::{Map, Value};

use crate::json::ref_of;
use crate::manifest::{METHODS, Manifest, normalise_path, op_key};

/// The part of `published` that concerns the manifest's operations.
pub fn cut(published: &Value, manifest: &Manifest) -> Value {
    let listed: BTreeSet<String> = manifest.operations.iter().map(|o| o.key()).collect();
    let mut paths = Map::new();
    for (path, item) in published["paths"].as_object().into_iter().flatten() {
        let in_scope = manifest.in_scope(&normalise_path(path));
        let mut kept = Map::new();
        for (key, value) in item.as_object().into_iter().flatten() {
            let is_method = METHODS.contains(&key.as_str());
            if !is_method || in_scope || listed.contains(&op_key(key, path)) {
                kept.insert(key.clone(), value.clone());
            }
        }
        if kept.keys().any(|k| METHODS.contains(&k.as_str())) {
            paths.insert(path.clone(), Value::Object(kept));
        }
    }
    let mut out = Map::new();
    for key in ["openapi", "info", "servers"] {
        if let Some(v) = published.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    let paths = Value::Object(paths);
    let components = referenced_components(published, &paths);
    out.insert("paths".into(), paths);
    out.insert("components".into(), components);
    Value::Object(out)
}

/// The components referenced from `root`, transitively, plus the security
/// schemes (which are named, not referenced).
fn referenced_components(published: &Value, root: &Value) -> Value {
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<&Value> = VecDeque::from([root]);
    while let Some(node) = queue.pop_front() {
        refs_in(node, &mut |reference| {
            if wanted.insert(reference.to_owned())
                && let Some(target) = crate::json::ref_target(published, reference)
            {
                queue.push_back(target);
            }
        });
    }
    let mut components = Map::new();
    for (kind, entries) in published["components"].as_object().into_iter().flatten() {
        let mut kept = Map::new();
        for (name, value) in entries.as_object().into_iter().flatten() {
            let reference = format!(
                "#/components/{}/{}",
                crate::json::escape(kind),
                crate::json::escape(name)
            );
            if kind == "securitySchemes" || wanted.contains(&reference) {
                kept.insert(name.clone(), value.clone());
            }
        }
        if !kept.is_empty() {
            components.insert(kind.clone(), Value::Object(kept));
        }
    }
    Value::Object(components)
}

/// Calls `found` with every `$ref` string under `node`.
fn refs_in(node: &Value, found: &mut dyn FnMut(&str)) {
    if let Some(reference) = ref_of(node) {
        found(reference);
    }
    match node {
        Value::Object(obj) => obj.values().for_each(|v| refs_in(v, found)),
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, found)),
        _ => {}
    }
}
