//! Conversions between schemas, as the document asks for them:
//! `x-rust-from: {"<Source>": "<doc>"}` on a schema emits
//! `impl From<Source> for Schema`, every property of the schema taken from
//! the source's field of the same name (and its unknown fields, when both
//! keep them). A property the source lacks fails the build, naming it.

use std::fmt::Write as _;

use serde_json::Value;

use super::document::{object, rust_name};

pub fn emit(doc: &Value) -> String {
    let schemas = &doc["components"]["schemas"];
    let mut out = String::new();
    for (name, schema) in object(schemas, "components.schemas") {
        for (source, doc_text) in schema["x-rust-from"].as_object().into_iter().flatten() {
            let from = &schemas[source];
            let mut fields = String::new();
            for (property, _) in object(&schema["properties"], "properties") {
                assert!(
                    from["properties"].get(property).is_some(),
                    "{name}: x-rust-from {source}: {source} has no property {property}"
                );
                let field = rust_name(property);
                let _ = writeln!(fields, "            {field}: value.{field},");
            }
            let keeps = |s: &Value| s.get("additionalProperties").is_some_and(|a| a != false);
            match (keeps(schema), keeps(from)) {
                (true, true) => fields.push_str("            extra: value.extra,\n"),
                (true, false) => fields.push_str("            extra: ::std::default::Default::default(),\n"),
                _ => {}
            }
            let doc_text = doc_text.as_str().unwrap_or_default();
            let _ = writeln!(
                out,
                "impl ::std::convert::From<crate::types::{source}> for crate::types::{name} {{\n    /// {doc_text}\n    fn from(value: crate::types::{source}) -> Self {{\n        Self {{\n{fields}        }}\n    }}\n}}\n"
            );
        }
    }
    out
}
