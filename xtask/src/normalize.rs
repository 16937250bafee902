//! Normalisation of published schema nodes before they are compared:
//! `$ref`s are followed, `allOf`s are flattened into one object, and (where
//! the overlay says so) `oneOf`/`anyOf` unions of objects are merged into one
//! object holding every member's fields.

use serde_json::{Map, Value};

use crate::json::{ref_of, ref_target, string_list, strings};

/// How deep `allOf`/`$ref` chains are followed before giving up.
const MAX_DEPTH: usize = 32;

/// Follows the `$ref` chain from `node` and flattens `allOf`. Returns the
/// resulting node and the references followed (outermost first). A dangling
/// reference resolves to the empty schema.
pub fn resolve(doc: &Value, node: &Value) -> (Value, Vec<String>) {
    resolve_depth(doc, node, 0)
}

fn resolve_depth(doc: &Value, node: &Value, depth: usize) -> (Value, Vec<String>) {
    let mut refs = Vec::new();
    let mut current = node;
    while let Some(reference) = ref_of(current) {
        if refs.iter().any(|r| r == reference) || refs.len() > MAX_DEPTH {
            break;
        }
        refs.push(reference.to_owned());
        current = match ref_target(doc, reference) {
            Some(target) => target,
            None => return (Value::Object(Map::new()), refs),
        };
    }
    if ref_of(current).is_some() {
        return (Value::Object(Map::new()), refs);
    }
    (flatten_all_of(doc, current, depth), refs)
}

/// Merges the members of an `allOf` into the node holding it. A property
/// defined by several members takes the last definition that has a shape
/// (so an envelope's specific `result` replaces the generic one).
fn flatten_all_of(doc: &Value, node: &Value, depth: usize) -> Value {
    let Some(members) = node.get("allOf").and_then(Value::as_array) else {
        return node.clone();
    };
    let mut acc = node.as_object().cloned().unwrap_or_default();
    acc.remove("allOf");
    if depth > MAX_DEPTH {
        return Value::Object(acc);
    }
    for member in members {
        let (member, _) = resolve_depth(doc, member, depth + 1);
        let Some(member) = member.as_object() else {
            continue;
        };
        for (key, value) in member {
            match key.as_str() {
                "properties" => {
                    let props = acc.entry("properties").or_insert_with(|| Value::Object(Map::new()));
                    let Some(props) = props.as_object_mut() else {
                        continue;
                    };
                    for (name, schema) in value.as_object().into_iter().flatten() {
                        let keep_old =
                            props.get(name).is_some_and(|old| has_shape(doc, old) && !has_shape(doc, schema));
                        if !keep_old {
                            props.insert(name.clone(), schema.clone());
                        }
                    }
                }
                "required" => {
                    let mut required = acc.get("required").map(string_list).unwrap_or_default();
                    for name in value.as_array().into_iter().flatten().filter_map(Value::as_str) {
                        if !required.iter().any(|r| r == name) {
                            required.push(name.to_owned());
                        }
                    }
                    acc.insert("required".into(), required.into());
                }
                _ => {
                    acc.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
        }
    }
    Value::Object(acc)
}

/// The members of a `oneOf` or `anyOf` union, if the node is one. A node
/// that also has `properties` is an object whose `anyOf` only constrains
/// which fields must be present, so it is not treated as a union.
pub fn union_members(node: &Value) -> Option<&Vec<Value>> {
    if node.get("properties").is_some_and(|p| p.as_object().is_some_and(|p| !p.is_empty())) {
        return None;
    }
    node.get("oneOf").or_else(|| node.get("anyOf")).and_then(Value::as_array).filter(|members| !members.is_empty())
}

/// Merges the members of a union into one object: every member's
/// properties (same-named ones merged, enum values united), and as required
/// only what every member requires.
pub fn merge_union(doc: &Value, node: &Value, members: &[Value]) -> Value {
    let mut acc = node.as_object().cloned().unwrap_or_default();
    acc.remove("oneOf");
    acc.remove("anyOf");
    acc.insert("type".into(), "object".into());
    let mut props = Map::new();
    let mut required: Option<Vec<String>> = None;
    for member in members {
        let (member, _) = resolve(doc, member);
        for (name, schema) in member.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let merged = match props.get(name) {
                Some(old) => merge_schemas(doc, old, schema),
                None => schema.clone(),
            };
            props.insert(name.clone(), merged);
        }
        let names = strings(&member, "required");
        required = Some(match required {
            None => names,
            Some(acc) => acc.into_iter().filter(|n| names.contains(n)).collect(),
        });
    }
    acc.insert("properties".into(), Value::Object(props));
    if let Some(required) = required.filter(|r| !r.is_empty()) {
        acc.insert("required".into(), required.into());
    }
    Value::Object(acc)
}

/// Merges two definitions of the same property from different union
/// members: enum values and properties are united, other keys come from the
/// first definition.
fn merge_schemas(doc: &Value, a: &Value, b: &Value) -> Value {
    let (ra, _) = resolve(doc, a);
    let (rb, _) = resolve(doc, b);
    if ra == rb {
        return a.clone();
    }
    let (Some(oa), Some(ob)) = (ra.as_object(), rb.as_object()) else {
        return ra;
    };
    let mut out = oa.clone();
    if let Some(values) = ob.get("enum").and_then(Value::as_array) {
        let list = out.entry("enum").or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = list.as_array_mut() {
            for v in values {
                if !list.contains(v) {
                    list.push(v.clone());
                }
            }
        }
    }
    if let Some(pb) = ob.get("properties").and_then(Value::as_object) {
        let pa = out.entry("properties").or_insert_with(|| Value::Object(Map::new()));
        if let Some(pa) = pa.as_object_mut() {
            for (name, schema) in pb {
                let merged = match pa.get(name) {
                    Some(old) => merge_schemas(doc, old, schema),
                    None => schema.clone(),
                };
                pa.insert(name.clone(), merged);
            }
        }
    }
    for (key, value) in ob {
        out.entry(key.clone()).or_insert_with(|| value.clone());
    }
    Value::Object(out)
}

/// Whether a schema says anything beyond basic JSON types: it has
/// properties, an enum, or items, map values or union members that do.
/// `{"type": "object"}` or `anyOf: [{"type": "object"}, {"type": "string"}]`
/// have no shape: they leave the value untyped.
pub fn has_shape(doc: &Value, node: &Value) -> bool {
    shape_depth(doc, node, 0)
}

fn shape_depth(doc: &Value, node: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let (node, _) = resolve(doc, node);
    let Some(obj) = node.as_object() else {
        return false;
    };
    let non_empty = |key: &str| obj.get(key).and_then(Value::as_object).is_some_and(|m| !m.is_empty());
    if non_empty("properties") || obj.contains_key("enum") {
        return true;
    }
    let nested = |key: &str| obj.get(key).filter(|v| v.is_object()).is_some_and(|v| shape_depth(doc, v, depth + 1));
    if nested("items") || nested("additionalProperties") {
        return true;
    }
    ["oneOf", "anyOf"].iter().any(|key| {
        obj.get(*key)
            .and_then(Value::as_array)
            .is_some_and(|members| members.iter().any(|m| shape_depth(doc, m, depth + 1)))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn flattens_envelopes_and_keeps_the_specific_result() {
        let doc = json!({"components": {"schemas": {
            "common": {"type": "object", "required": ["success"], "properties": {
                "success": {"type": "boolean"},
                "result": {"anyOf": [{"type": "object"}, {"type": "string"}]}
            }},
            "app": {"type": "object", "properties": {"id": {"type": "string"}}}
        }}});
        let node = json!({"allOf": [
            {"$ref": "#/components/schemas/common"},
            {"properties": {"result": {"$ref": "#/components/schemas/app"}}}
        ]});
        let (flat, _) = resolve(&doc, &node);
        assert_eq!(flat["required"], json!(["success"]));
        assert_eq!(flat["properties"]["result"]["$ref"], "#/components/schemas/app");
        let generic = json!({"allOf": [
            {"properties": {"result": {"$ref": "#/components/schemas/app"}}},
            {"$ref": "#/components/schemas/common"}
        ]});
        let (flat, _) = resolve(&doc, &generic);
        assert_eq!(flat["properties"]["result"]["$ref"], "#/components/schemas/app");
    }

    #[test]
    fn merges_unions_uniting_enums_and_intersecting_required() {
        let doc = json!({});
        let node = json!({"oneOf": [
            {"type": "object", "required": ["type", "connectivity"], "properties": {
                "type": {"type": "string", "enum": ["dynamic"]},
                "connectivity": {"type": "string"}}},
            {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string", "enum": ["static"]},
                "ips": {"type": "array"}}}
        ]});
        let members = union_members(&node).unwrap().clone();
        let merged = merge_union(&doc, &node, &members);
        assert_eq!(merged["properties"]["type"]["enum"], json!(["dynamic", "static"]));
        assert_eq!(merged["required"], json!(["type"]));
        let keys: Vec<_> = merged["properties"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["type", "connectivity", "ips"]);
    }

    #[test]
    fn shapes() {
        let doc = json!({});
        assert!(!has_shape(&doc, &json!({"type": "object"})));
        assert!(!has_shape(&doc, &json!({"anyOf": [{"type": "object"}, {"type": "string"}]})));
        assert!(!has_shape(&doc, &json!({"type": "array", "items": {"type": "object"}})));
        assert!(has_shape(&doc, &json!({"type": "string", "enum": ["a"]})));
        assert!(has_shape(&doc, &json!({"items": {"properties": {"a": {}}}})));
    }
}
