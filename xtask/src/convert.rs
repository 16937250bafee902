//! Copying published schemas into the curated document.
//!
//! A published schema that was matched with a curated one becomes a `$ref`
//! to it; anything else is copied inline, with `allOf` flattened, published
//! extensions and the overlay's `drop_keys` left out, and the overlay's
//! `new_schemas` curation added (e.g. `additionalProperties: {}` on objects,
//! `x-open-enum` on string enums).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::json::ref_of;
use crate::normalize::resolve;
use crate::ops::{NewOperation, path_params};
use crate::overlay::Overlay;

/// Keys first in this order in a copied schema; the rest keep their order.
const KEY_ORDER: [&str; 19] = [
    "description",
    "type",
    "format",
    "nullable",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "x-open-enum",
    "enum",
    "required",
    "properties",
    "items",
    "additionalProperties",
];

/// Turns published schemas into curated ones.
pub struct Converter<'a> {
    /// The published document.
    pub published: &'a Value,
    /// Published `$ref`s known to stand for a curated schema, by name.
    pub known: &'a BTreeMap<String, String>,
    /// The overlay, for `new_schemas`.
    pub overlay: &'a Overlay,
}

impl Converter<'_> {
    /// A curated copy of a published schema node.
    pub fn schema(&self, node: &Value) -> Value {
        self.schema_depth(node, 0)
    }

    fn schema_depth(&self, node: &Value, depth: usize) -> Value {
        if let Some(name) = ref_of(node).and_then(|r| self.known.get(r)) {
            return serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
        }
        let (node, _) = resolve(self.published, node);
        let Some(obj) = node.as_object() else {
            return node;
        };
        if depth > 32 {
            return Value::Object(Map::new());
        }
        let mut out = Map::new();
        for (key, value) in obj {
            if key.starts_with("x-") || self.overlay.new_schemas.drop_keys.contains(key) {
                continue;
            }
            let value = match key.as_str() {
                "properties" => Value::Object(
                    value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), self.schema_depth(v, depth + 1)))
                        .collect(),
                ),
                "items" | "not" => self.schema_depth(value, depth + 1),
                "additionalProperties" if value.is_object() => self.schema_depth(value, depth + 1),
                "oneOf" | "anyOf" => Value::Array(
                    value.as_array().into_iter().flatten().map(|m| self.schema_depth(m, depth + 1)).collect(),
                ),
                _ => value.clone(),
            };
            out.insert(key.clone(), value);
        }
        let defaults = &self.overlay.new_schemas;
        if out.get("properties").is_some_and(Value::is_object) {
            for (k, v) in &defaults.object {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        if out.get("type") == Some(&Value::from("string")) && out.contains_key("enum") {
            for (k, v) in &defaults.string_enum {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        Value::Object(ordered(out))
    }

    /// A curated copy of a published parameter.
    pub fn parameter(&self, param: &Value) -> Value {
        let (param, _) = resolve(self.published, param);
        let mut out = Map::new();
        for key in ["name", "in", "required", "description", "style", "explode"] {
            if let Some(v) = param.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
        if let Some(schema) = param.get("schema") {
            out.insert("schema".into(), self.schema(schema));
        }
        Value::Object(out)
    }

    /// A curated operation cut in from a published one, named and tagged
    /// as `entry` and `tags` say, and the path-level parameters its path
    /// needs if the path is new to the curated document.
    pub fn operation(
        &self,
        curated: &Value,
        entry: &NewOperation,
        tags: &[String],
        published_item: &Value,
        published_op: &Value,
    ) -> (Value, Vec<Value>) {
        let mut op = Map::new();
        op.insert("operationId".into(), entry.id.clone().into());
        if !tags.is_empty() {
            op.insert("tags".into(), tags.to_vec().into());
        }
        for key in ["summary", "description"] {
            if let Some(v) = published_op.get(key) {
                op.insert(key.into(), v.clone());
            }
        }
        let params: Vec<Value> = published_params(published_item, published_op)
            .filter(|p| resolve(self.published, p).0["in"] != "path")
            .map(|p| self.parameter(p))
            .collect();
        if !params.is_empty() {
            op.insert("parameters".into(), params.into());
        }
        let body_schema = published_op
            .get("requestBody")
            .map(|b| resolve(self.published, b).0)
            .and_then(|b| b.pointer("/content/application~1json/schema").cloned());
        if let Some(schema) = body_schema {
            op.insert(
                "requestBody".into(),
                serde_json::json!({"required": true, "content": {"application/json": {"schema": self.schema(&schema)}}}),
            );
        }
        let mut ok = Map::new();
        let success = success_response(published_op).map(|(_, r)| resolve(self.published, r).0);
        let description =
            success.as_ref().and_then(|r| r.get("description").cloned()).unwrap_or_else(|| "Success.".into());
        ok.insert("description".into(), description);
        if let Some(schema) = success.as_ref().and_then(|r| r.pointer("/content/application~1json/schema")) {
            ok.insert("content".into(), serde_json::json!({"application/json": {"schema": self.schema(schema)}}));
        }
        let failure = serde_json::json!({"$ref": "#/components/responses/Failure"});
        op.insert("responses".into(), serde_json::json!({"200": ok, "4XX": failure, "5XX": failure}));
        let published_path_params: Vec<Value> = published_params(published_item, published_op)
            .map(|p| resolve(self.published, p).0)
            .filter(|p| p["in"] == "path")
            .collect();
        let path_parameters = path_params(&entry.path)
            .iter()
            .enumerate()
            .map(|(i, name)| {
                if curated.pointer(&format!("/components/parameters/{name}")).is_some() {
                    return serde_json::json!({"$ref": format!("#/components/parameters/{name}")});
                }
                let schema = self
                    .overlay
                    .new_schemas
                    .path_parameter_schema
                    .clone()
                    .or_else(|| published_path_params.get(i).and_then(|p| p.get("schema")).map(|s| self.schema(s)))
                    .unwrap_or_else(|| serde_json::json!({"type": "string"}));
                serde_json::json!({"name": name, "in": "path", "required": true, "schema": schema})
            })
            .collect();
        (Value::Object(op), path_parameters)
    }
}

/// The parameters of a published operation: the path item's, then its own.
pub fn published_params<'a>(item: &'a Value, op: &'a Value) -> impl Iterator<Item = &'a Value> {
    let of = |v: &'a Value| v.get("parameters").and_then(Value::as_array).into_iter().flatten();
    of(item).chain(of(op))
}

/// The success response of an operation: `200`, else the first `2XX` one.
pub fn success_response(op: &Value) -> Option<(&str, &Value)> {
    let responses = op.get("responses")?.as_object()?;
    if let Some(r) = responses.get("200") {
        return Some(("200", r));
    }
    responses.iter().find(|(code, _)| code.starts_with('2')).map(|(code, r)| (code.as_str(), r))
}

/// Puts a schema's keys in the curated document's usual order.
fn ordered(mut obj: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for key in KEY_ORDER {
        if let Some(v) = obj.shift_remove(key) {
            out.insert(key.into(), v);
        }
    }
    out.extend(obj);
    out
}
