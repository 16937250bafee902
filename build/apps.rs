//! The rules of apps as code (`src/apps`), as data from the document:
//!
//! * `x-identity` on a configuration schema: the fields that identify an
//!   entry of a desired state (`["dns.name", "protocol"]`);
//! * how a field compares, by meaning: `format: hostname` (case and a
//!   trailing dot do not matter), `x-unordered: true` on a list (order does
//!   not matter), `x-compare: "port-range"` (`22` is `"22-22"`),
//!   `x-compare: "case-insensitive"`;
//! * `x-replace-on-change: "<reason>"`: a change of the field cannot be made
//!   in place, so the app is deleted and created again.
//!
//! Emitted as `IDENTITIES` and `FIELD_RULES`, paths in wire names.

use std::fmt::Write as _;

use serde_json::Value;

use super::document::{object, schema_of};

pub fn emit(doc: &Value) -> String {
    let mut identities = String::new();
    let mut rules = String::new();
    for (name, schema) in object(&doc["components"]["schemas"], "components.schemas") {
        let Some(fields) = schema["x-identity"].as_array() else {
            continue;
        };
        let fields: Vec<String> = fields.iter().filter_map(Value::as_str).map(|f| format!("{f:?}")).collect();
        let _ = writeln!(identities, "    ({name:?}, &[{}]),", fields.join(", "));
        walk(doc, name, schema, "", &mut rules, 0);
    }
    format!(
        "/// The fields that identify an entry, per configuration schema.\npub(crate) const IDENTITIES: &[(&str, &[&str])] = &[\n{identities}];\n\n/// How the fields of each configuration schema compare, and which cannot change in place.\npub(crate) const FIELD_RULES: &[crate::apps::FieldRule] = &[\n{rules}];\n"
    )
}

/// Rules for `schema` at `path`, and for its properties and items.
fn walk(doc: &Value, root: &str, schema: &Value, path: &str, out: &mut String, depth: usize) {
    assert!(depth < 16, "{root}.{path}: schemas nest too deep for build/apps.rs");
    // The property's own marks first, then those of the schema it refers to.
    let target = schema_of(doc, schema);
    let mark = |key: &str| schema.get(key).or_else(|| target.get(key));
    let compare = mark("x-compare").and_then(Value::as_str).unwrap_or_default();
    let items = schema_of(doc, &target["items"]);
    let hostname = mark("format") == Some(&Value::from("hostname")) || items["format"] == "hostname";
    let unordered = mark("x-unordered") == Some(&Value::Bool(true));
    let replace = mark("x-replace-on-change").and_then(Value::as_str);
    let known = ["", "port-range", "case-insensitive"];
    assert!(known.contains(&compare), "{root}.{path}: unknown x-compare {compare:?}");
    if !path.is_empty() && (hostname || unordered || replace.is_some() || !compare.is_empty()) {
        let _ = writeln!(
            out,
            "    crate::apps::FieldRule {{ schema: {root:?}, path: {path:?}, hostname: {hostname}, unordered: {unordered}, port_range: {}, case_insensitive: {}, replace: {:?} }},",
            compare == "port-range",
            compare == "case-insensitive",
            replace
        );
    }
    for (name, property) in target["properties"].as_object().into_iter().flatten() {
        let child = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        walk(doc, root, property, &child, out, depth + 1);
    }
}
