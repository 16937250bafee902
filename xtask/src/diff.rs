//! Comparing each aligned curated node with the published nodes matched
//! with it.
//!
//! Compared: properties (added, removed), `required`, enum values, and the
//! keys in [`FACETS`] (type, format, limits). A key the published schema
//! leaves out is curation, not drift (the curated document may add a format
//! or a limit). Descriptions, examples and extensions are never compared.
//! The limits and type of a union are compared on its members.

use serde_json::{Map, Value};

use crate::align::{Instance, Slot};
use crate::apply::Edit;
use crate::convert::Converter;
use crate::normalize::union_members;
use crate::overlay::Overlay;
use crate::report::{Drift, Sign};

/// The scalar keys compared between matched schemas.
pub const FACETS: [&str; 12] = [
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
];

/// Compares one slot; `convert` copies new published properties.
pub fn slot(curated_doc: &Value, slot: &Slot, overlay: &Overlay, convert: &Converter) -> Vec<Drift> {
    let mut out = Vec::new();
    let Some(curated) = curated_doc.pointer(&slot.ptr) else {
        return out;
    };
    let label = slot.label.as_str();
    let untyped: Vec<&str> =
        slot.instances.iter().filter(|i| i.untyped).flat_map(|i| i.origins.iter().map(String::as_str)).collect();
    if !untyped.is_empty() {
        out.push(Drift::new(
            Sign::Attention,
            label,
            "untyped",
            format!("the published schema leaves it untyped ({})", dedup(&untyped).join(", ")),
        ));
    }
    let typed: Vec<&Instance> = slot.instances.iter().filter(|i| !i.untyped).collect();
    if typed.is_empty() {
        return out;
    }
    let published = merge_instances(&typed, label, &mut out);
    let c_union = curated.get("oneOf").or_else(|| curated.get("anyOf"));
    let p_union = union_members(&published);
    match (c_union.and_then(Value::as_array), p_union) {
        (None, Some(members)) if curated.get("properties").is_some() => {
            out.push(Drift::new(
                Sign::Attention,
                label,
                "shape",
                format!(
                    "published as a union of {} schemas, curated as one object; list {label} under merge_one_of in the overlay to merge them",
                    members.len()
                ),
            ));
            return out;
        }
        (Some(_), None) if published.get("properties").is_some() => {
            out.push(Drift::new(Sign::Attention, label, "shape", "published as one object, curated as a union"));
            return out;
        }
        (Some(c), Some(p)) => {
            if c.len() != p.len() {
                out.push(Drift::new(
                    Sign::Attention,
                    label,
                    "members",
                    format!("the published union has {} members, the curated one {}", p.len(), c.len()),
                ));
            }
            return out;
        }
        _ => {}
    }
    facets(curated, &published, slot, overlay, &mut out);
    enum_values(curated, &published, slot, &mut out);
    properties(curated, &published, slot, convert, &mut out);
    out
}

fn dedup<'a>(items: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for item in items {
        if !out.contains(item) {
            out.push(item);
        }
    }
    out
}

/// Unites the published nodes matched with one curated node: properties
/// and enum values of all, required only what all require, other keys from
/// the first that has them (a disagreement is reported).
fn merge_instances(instances: &[&Instance], label: &str, out: &mut Vec<Drift>) -> Value {
    if let [one] = instances {
        return one.value.clone();
    }
    let mut acc = Map::new();
    let mut required: Option<Vec<Value>> = None;
    for instance in instances {
        let Some(obj) = instance.value.as_object() else {
            continue;
        };
        for (key, value) in obj {
            match key.as_str() {
                "properties" => {
                    let props = acc.entry("properties").or_insert_with(|| Value::Object(Map::new()));
                    if let (Some(props), Some(new)) = (props.as_object_mut(), value.as_object()) {
                        for (k, v) in new {
                            props.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                }
                "enum" => {
                    let values = acc.entry("enum").or_insert_with(|| Value::Array(Vec::new()));
                    if let (Some(values), Some(new)) = (values.as_array_mut(), value.as_array()) {
                        for v in new {
                            if !values.contains(v) {
                                values.push(v.clone());
                            }
                        }
                    }
                }
                "required" => {}
                _ => match acc.get(key) {
                    Some(old) if old != value && FACETS.contains(&key.as_str()) => {
                        out.push(Drift::new(
                            Sign::Attention,
                            label,
                            key,
                            format!("published definitions disagree on {key}: {old} and {value}"),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        acc.insert(key.clone(), value.clone());
                    }
                },
            }
        }
        let names = obj.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        required = Some(match required {
            None => names,
            Some(acc) => acc.into_iter().filter(|n| names.contains(n)).collect(),
        });
    }
    if let Some(required) = required.filter(|r| !r.is_empty()) {
        acc.insert("required".into(), required.into());
    }
    Value::Object(acc)
}

fn facets(curated: &Value, published: &Value, slot: &Slot, overlay: &Overlay, out: &mut Vec<Drift>) {
    for key in FACETS {
        let Some(p) = published.get(key) else {
            continue;
        };
        let c = curated.get(key);
        if c == Some(p) || c.is_some_and(|c| overlay.equivalent(key, p, c)) {
            continue;
        }
        let message = match c {
            Some(c) => format!("{key} is {p} in the published schema, {c} here"),
            None => format!("{key} {p} is published, not curated"),
        };
        out.push(Drift::new(Sign::Changed, slot.label.clone(), key, message).with_edit(Edit::SetKey {
            ptr: slot.ptr.clone(),
            key: key.into(),
            value: p.clone(),
        }));
    }
}

fn enum_values(curated: &Value, published: &Value, slot: &Slot, out: &mut Vec<Drift>) {
    let Some(p_values) = published.get("enum").and_then(Value::as_array) else {
        return;
    };
    let empty = Vec::new();
    let c_values = curated.get("enum").and_then(Value::as_array).unwrap_or(&empty);
    for v in p_values.iter().filter(|v| !c_values.contains(v)) {
        out.push(
            Drift::new(Sign::Added, slot.label.clone(), "enum", format!("new enum value {v}"))
                .with_edit(Edit::AddEnumValue { ptr: slot.ptr.clone(), value: v.clone() }),
        );
    }
    for v in c_values.iter().filter(|v| !p_values.contains(v)) {
        out.push(
            Drift::new(Sign::Removed, slot.label.clone(), "enum", format!("enum value {v} is no longer published"))
                .with_edit(Edit::RemoveEnumValue { ptr: slot.ptr.clone(), value: v.clone() }),
        );
    }
}

fn properties(curated: &Value, published: &Value, slot: &Slot, convert: &Converter, out: &mut Vec<Drift>) {
    let Some(p_props) = published.get("properties").and_then(Value::as_object).filter(|p| !p.is_empty()) else {
        return;
    };
    let empty = Map::new();
    let c_props = curated.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let p_required = crate::json::strings(published, "required");
    let c_required = crate::json::strings(curated, "required");
    for (name, schema) in p_props {
        let at = format!("{}.{name}", slot.label);
        let required = p_required.contains(name);
        if !c_props.contains_key(name) {
            let message = if required { "new required property" } else { "new property" };
            out.push(Drift::new(Sign::Added, at, "property", message).with_edit(Edit::AddProperty {
                ptr: slot.ptr.clone(),
                name: name.clone(),
                schema: convert.schema(schema),
                required,
            }));
        } else if required != c_required.contains(name) {
            let message = if required { "now required" } else { "no longer required" };
            out.push(Drift::new(Sign::Changed, at, "required", message).with_edit(Edit::SetRequired {
                ptr: slot.ptr.clone(),
                name: name.clone(),
                required,
            }));
        }
    }
    for name in c_props.keys().filter(|n| !p_props.contains_key(*n)) {
        out.push(
            Drift::new(Sign::Removed, format!("{}.{name}", slot.label), "property", "property no longer published")
                .with_edit(Edit::RemoveProperty { ptr: slot.ptr.clone(), name: name.clone() }),
        );
    }
}
