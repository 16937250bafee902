//! JSON helpers: reading, deterministic writing, `$ref` resolution and
//! location patterns.

use std::path::Path;

use serde_json::Value;

use crate::Result;

/// Reads and parses a JSON file.
pub fn read(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text, &path.display().to_string())
}

/// Parses JSON text; `what` names the input in the error message.
pub fn parse(text: &str, what: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| format!("{what} is not valid JSON: {e}"))
}

/// Renders a value the way the curated document is stored: two-space
/// indentation, keys in document order, and a trailing newline.
pub fn to_pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// Writes `value` to `path` with [`to_pretty`].
pub fn write(path: &Path, value: &Value) -> Result<()> {
    std::fs::write(path, to_pretty(value)).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The node a local `$ref` (`#/...`) points at, if any.
pub fn ref_target<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    reference.strip_prefix('#').and_then(|pointer| doc.pointer(pointer))
}

/// The `$ref` string of a node, if it is a reference.
pub fn ref_of(node: &Value) -> Option<&str> {
    node.get("$ref").and_then(Value::as_str)
}

/// The schema name of a `#/components/schemas/NAME` reference.
pub fn schema_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// Escapes one JSON pointer segment (`~` and `/`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Matches `text` against a pattern in which `*` stands for any run of
/// characters (possibly empty) and every other character for itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len()).filter(|&i| tail.is_char_boundary(i)).any(|i| glob_match(rest, &tail[i..]))
        }
    }
}

/// The string items of an array member `key` of `node` (empty if absent).
pub fn strings(node: &Value, key: &str) -> Vec<String> {
    node.get(key).map(string_list).unwrap_or_default()
}

/// The string items of an array (empty if it is not one).
pub fn string_list(list: &Value) -> Vec<String> {
    list.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
}

/// Every `$ref` under `doc` that does not resolve, with where it is (as a
/// JSON pointer).
pub fn dangling_refs(doc: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    dangling(doc, doc, String::new(), &mut out);
    out
}

fn dangling(doc: &Value, node: &Value, at: String, out: &mut Vec<(String, Value)>) {
    match node {
        Value::Object(obj) => {
            for (key, value) in obj {
                let here = format!("{at}/{}", escape(key));
                if key == "$ref" {
                    if value.as_str().and_then(|r| ref_target(doc, r)).is_none() {
                        out.push((here, value.clone()));
                    }
                } else {
                    dangling(doc, value, here, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                dangling(doc, item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*Response", "SpectrumAppResponse"));
        assert!(glob_match("*Response.*", "MagicAppResponse.success"));
        assert!(!glob_match("*Response", "SpectrumAppResponse.success"));
        assert!(glob_match("Identifier", "Identifier"));
        assert!(!glob_match("Identifier", "Identifiers"));
    }
}
