//! Plain words for the shapes serde can only name by type: a decode error on
//! a `oneOf` schema says "data did not match any variant of untagged enum
//! OriginPort", so `SHAPES` gives each such schema a description written
//! from the document ("a single origin port (an integer from 1 to 65535) or
//! …"), which `src/core/decode.rs` puts in its place.

use std::fmt::Write as _;

use serde_json::Value;

use super::document::{object, schema_of};

pub fn emit(doc: &Value) -> String {
    let mut out = String::from(
        "/// Each `oneOf` schema of the document, with the shapes it accepts in plain words.\npub(crate) const SHAPES: &[(&str, &str)] = &[\n",
    );
    for (name, schema) in object(&doc["components"]["schemas"], "components.schemas") {
        if let Some(members) = schema["oneOf"].as_array() {
            let words: Vec<String> = members.iter().map(|m| member(doc, m)).collect();
            let _ = writeln!(out, "    ({name:?}, {:?}),", words.join(" or "));
        }
    }
    out.push_str("];\n");
    out
}

/// A member: its own description, then its type (`a single origin port (an
/// integer from 1 to 65535)`).
fn member(doc: &Value, schema: &Value) -> String {
    let target = schema_of(doc, schema);
    let kind = kind(doc, target);
    match target["description"].as_str() {
        Some(text) => {
            let text = text.trim_end_matches('.');
            let mut chars = text.chars();
            let first = chars.next().map(|c| c.to_lowercase().to_string()).unwrap_or_default();
            format!("{first}{} ({kind})", chars.as_str())
        }
        None => kind,
    }
}

/// A schema's type in words.
fn kind(doc: &Value, schema: &Value) -> String {
    let schema = schema_of(doc, schema);
    let range = match (schema["minimum"].as_i64(), schema["maximum"].as_i64()) {
        (Some(min), Some(max)) => format!(" from {min} to {max}"),
        (Some(min), None) => format!(" of at least {min}"),
        (None, Some(max)) => format!(" of at most {max}"),
        (None, None) => String::new(),
    };
    match schema["type"].as_str() {
        Some("integer") => format!("an integer{range}"),
        Some("number") => format!("a number{range}"),
        Some("boolean") => "true or false".into(),
        Some("string") => "a string".into(),
        Some("array") => format!("a list of {}", plural(&kind(doc, &schema["items"]))),
        Some("object") => match schema["required"].as_array() {
            Some(required) if !required.is_empty() => {
                let names: Vec<&str> = required.iter().filter_map(Value::as_str).collect();
                format!("an object with {}", names.join(", "))
            }
            _ => "an object".into(),
        },
        _ => "a value".into(),
    }
}

fn plural(kind: &str) -> String {
    let bare = kind.trim_start_matches("an ").trim_start_matches("a ");
    match bare.split_once(' ') {
        Some((noun, rest)) => format!("{noun}s {rest}"),
        None => format!("{bare}s"),
    }
}
