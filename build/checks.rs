//! The limits the document sets on request bodies (`minimum`, `maximum`,
//! `minLength`, `maxLength`), checked before sending: one
//! `impl Check for <body type>` per schema used as a request body, walking
//! its properties through `$ref`s. Limits the Rust type already enforces
//! (a `NonZeroU16` for a `uint16` with minimum 1) are left to it.

use std::fmt::Write as _;

use serde_json::Value;

use super::document::{Operation, rust_name, schema_of};

pub fn emit(doc: &Value, ops: &[Operation]) -> String {
    let mut bodies: Vec<&str> = ops.iter().filter_map(|op| op.body.as_deref()).collect();
    bodies.sort_unstable();
    bodies.dedup();
    let mut out = String::new();
    for body in bodies {
        let mut checks = String::new();
        properties(doc, &doc["components"]["schemas"][body], "self", "", &mut checks, 0);
        let _ = writeln!(
            out,
            "impl crate::client::Check for crate::types::{body} {{\n    fn check(&self) -> crate::Result<()> {{\n{checks}        Ok(())\n    }}\n}}\n"
        );
    }
    out
}

/// The checks of the properties of the object `schema`, held in `value`
/// (a Rust expression), at the JSON path `path`.
fn properties(doc: &Value, schema: &Value, value: &str, path: &str, out: &mut String, depth: usize) {
    assert!(depth < 16, "{path}: request body schemas nest too deep for build/checks.rs");
    let schema = schema_of(doc, schema);
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let field = format!("{value}.{}", rust_name(name));
        let at = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        let target = schema_of(doc, property);
        let mut inner = String::new();
        let binding = format!("v{depth}");
        match target["type"].as_str() {
            Some("object") => properties(doc, target, &binding, &at, &mut inner, depth + 1),
            Some("integer" | "number") => number(target, &binding, &at, &mut inner),
            Some("string") => length(target, &binding, &at, &mut inner),
            _ => {}
        }
        if inner.is_empty() {
            continue;
        }
        // typify makes an optional property an `Option` (a list stays a `Vec`).
        if required.contains(&name.as_str()) {
            let _ = write!(out, "        {{ let {binding} = &{field};\n{inner}        }}\n");
        } else {
            let _ = write!(out, "        if let Some({binding}) = &{field} {{\n{inner}        }}\n");
        }
    }
}

fn number(schema: &Value, value: &str, path: &str, out: &mut String) {
    let (min, max) = (schema["minimum"].as_i64(), schema["maximum"].as_i64());
    let type_max = match schema["format"].as_str() {
        Some("uint8") => Some(255),
        Some("uint16") => Some(65_535),
        Some("uint32") => Some(4_294_967_295),
        _ => None,
    };
    let unsigned = schema["format"].as_str().is_some_and(|f| f.starts_with("uint"));
    // A minimum of 1 on an unsigned integer is a NonZero type; 0 is implied.
    let min = min.filter(|m| !(unsigned && *m <= 1));
    let max = max.filter(|m| type_max != Some(*m));
    if min.is_none() && max.is_none() {
        return;
    }
    let bound = |b: Option<i64>| b.map_or("None".to_owned(), |b| format!("Some({b})"));
    let _ = writeln!(
        out,
        "            crate::client::check_range({path:?}, *{value} as f64, \"\", {}, {})?;",
        bound(min),
        bound(max)
    );
}

fn length(schema: &Value, value: &str, path: &str, out: &mut String) {
    let (min, max) = (schema["minLength"].as_u64(), schema["maxLength"].as_u64());
    if min.is_none() && max.is_none() {
        return;
    }
    let bound = |b: Option<u64>| b.map_or("None".to_owned(), |b| format!("Some({b})"));
    let _ = writeln!(
        out,
        "            crate::client::check_range({path:?}, {value}.chars().count() as f64, \" characters\", {}, {})?;",
        bound(min),
        bound(max)
    );
}
