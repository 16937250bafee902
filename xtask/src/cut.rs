//! Cutting the covered operations out of the published schema.
//!
//! The cut keeps the published operations that the curated document has
//! (matched by method and path), those `--add` asks for, and those in the
//! manifest's scope, with every component they reference, transitively, in
//! the published document's order. It is what `refresh` compares, and
//! `refresh --cut PATH` saves it for reading.

use std::collections::{BTreeSet, VecDeque};

use serde_json::{Map, Value};

use crate::json::ref_of;
use crate::manifest::Manifest;
use crate::ops::{METHODS, NewOperation, normalise_path, op_key};

/// Which published operations concern this crate.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Matching keys of the curated operations and of those to add.
    keys: BTreeSet<String>,
    /// The manifest's scope.
    scope: Vec<String>,
}

impl Coverage {
    /// The operations of `curated` and `add`, and the scope of `manifest`.
    pub fn new(curated: &Value, manifest: &Manifest, add: &[NewOperation]) -> Self {
        let mut keys: BTreeSet<String> = crate::ops::operations(curated).into_iter().map(|o| o.key).collect();
        keys.extend(add.iter().map(NewOperation::key));
        Coverage { keys, scope: manifest.scope.clone() }
    }

    /// Whether the operation `method path` of the published schema concerns
    /// this crate.
    pub fn covers(&self, method: &str, path: &str) -> bool {
        let normalised = normalise_path(path);
        self.scope.iter().any(|p| normalised.starts_with(p)) || self.keys.contains(&op_key(method, path))
    }
}

/// The part of `published` that concerns the operations of `coverage`.
pub fn cut(published: &Value, coverage: &Coverage) -> Value {
    let mut paths = Map::new();
    for (path, item) in published["paths"].as_object().into_iter().flatten() {
        let mut kept = Map::new();
        for (key, value) in item.as_object().into_iter().flatten() {
            let is_method = METHODS.contains(&key.as_str());
            if !is_method || coverage.covers(key, path) {
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
            let reference = format!("#/components/{}/{}", crate::json::escape(kind), crate::json::escape(name));
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
