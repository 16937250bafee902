//! Edits that `refresh --write` makes to the curated document.
//!
//! Every edit names the node it changes by a JSON pointer into the curated
//! document and touches nothing else, so curated-only keys (descriptions,
//! `x-open-enum`, `additionalProperties`, patterns, ...) are kept.

use serde_json::{Map, Value};

/// One change to the curated document.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Sets `key` of the node at `ptr` to `value`.
    SetKey {
        /// The node.
        ptr: String,
        /// The key.
        key: String,
        /// The new value.
        value: Value,
    },
    /// Adds a property to the object schema at `ptr`.
    AddProperty {
        /// The object schema.
        ptr: String,
        /// The property name.
        name: String,
        /// The property's schema, already curated.
        schema: Value,
        /// Whether the property is required.
        required: bool,
    },
    /// Removes a property (and its `required` entry).
    RemoveProperty {
        /// The object schema.
        ptr: String,
        /// The property name.
        name: String,
    },
    /// Marks a property required or optional.
    SetRequired {
        /// The object schema.
        ptr: String,
        /// The property name.
        name: String,
        /// Whether it is required.
        required: bool,
    },
    /// Appends an enum value (and a variant name if the schema has
    /// `x-enum-varnames`).
    AddEnumValue {
        /// The enum schema.
        ptr: String,
        /// The value.
        value: Value,
    },
    /// Removes an enum value (and its variant name).
    RemoveEnumValue {
        /// The enum schema.
        ptr: String,
        /// The value.
        value: Value,
    },
    /// Appends a parameter to an operation.
    AddParameter {
        /// The operation.
        ptr: String,
        /// The parameter, already curated.
        parameter: Value,
    },
    /// Removes an operation's own parameter.
    RemoveParameter {
        /// The operation.
        ptr: String,
        /// Where the parameter goes (`query`, `header`, ...).
        location: String,
        /// Its name.
        name: String,
    },
    /// Adds an operation listed in the manifest.
    AddOperation {
        /// The curated path.
        path: String,
        /// The lower-case method.
        method: String,
        /// The operation, already curated.
        operation: Value,
        /// Path-level parameters, used if the path is new.
        path_parameters: Vec<Value>,
    },
}

/// Applies `edits` in order to `doc`. Returns a message for each edit whose
/// target no longer exists.
pub fn apply(doc: &mut Value, edits: &[Edit]) -> Vec<String> {
    edits.iter().filter_map(|edit| apply_one(doc, edit).err()).collect()
}

fn object<'a>(doc: &'a mut Value, ptr: &str) -> Result<&'a mut Map<String, Value>, String> {
    doc.pointer_mut(ptr)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("no object at {ptr} in the curated document"))
}

fn list<'a>(obj: &'a mut Map<String, Value>, key: &str) -> &'a mut Vec<Value> {
    let entry = obj.entry(key).or_insert_with(|| Value::Array(Vec::new()));
    if !entry.is_array() {
        *entry = Value::Array(Vec::new());
    }
    entry.as_array_mut().expect("just made an array")
}

fn set_required(obj: &mut Map<String, Value>, name: &str, required: bool) {
    let list = list(obj, "required");
    let present = list.iter().any(|v| v == name);
    if required && !present {
        list.push(name.into());
    } else if !required {
        list.retain(|v| v != name);
        if list.is_empty() {
            obj.shift_remove("required");
        }
    }
}

fn apply_one(doc: &mut Value, edit: &Edit) -> Result<(), String> {
    match edit {
        Edit::SetKey { ptr, key, value } => {
            object(doc, ptr)?.insert(key.clone(), value.clone());
        }
        Edit::AddProperty { ptr, name, schema, required } => {
            let obj = object(doc, ptr)?;
            let props = obj.entry("properties").or_insert_with(|| Value::Object(Map::new()));
            if let Some(props) = props.as_object_mut() {
                props.insert(name.clone(), schema.clone());
            }
            if *required {
                set_required(obj, name, true);
            }
        }
        Edit::RemoveProperty { ptr, name } => {
            let obj = object(doc, ptr)?;
            if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
                props.shift_remove(name);
            }
            if obj.contains_key("required") {
                set_required(obj, name, false);
            }
        }
        Edit::SetRequired { ptr, name, required } => set_required(object(doc, ptr)?, name, *required),
        Edit::AddEnumValue { ptr, value } => {
            let obj = object(doc, ptr)?;
            let values = list(obj, "enum");
            if values.contains(value) {
                return Ok(());
            }
            values.push(value.clone());
            if obj.contains_key("x-enum-varnames") {
                list(obj, "x-enum-varnames").push(variant_name(value).into());
            }
        }
        Edit::RemoveEnumValue { ptr, value } => {
            let obj = object(doc, ptr)?;
            let values = list(obj, "enum");
            let Some(index) = values.iter().position(|v| v == value) else {
                return Ok(());
            };
            values.remove(index);
            if let Some(names) = obj.get_mut("x-enum-varnames").and_then(Value::as_array_mut)
                && index < names.len()
            {
                names.remove(index);
            }
        }
        Edit::AddParameter { ptr, parameter } => {
            list(object(doc, ptr)?, "parameters").push(parameter.clone());
        }
        Edit::RemoveParameter { ptr, location, name } => {
            let obj = object(doc, ptr)?;
            let params = list(obj, "parameters");
            params.retain(|p| !(p["in"] == location.as_str() && p["name"] == name.as_str()));
            if params.is_empty() {
                obj.shift_remove("parameters");
            }
        }
        Edit::AddOperation { path, method, operation, path_parameters } => {
            let paths = object(doc, "/paths")?;
            let item = paths.entry(path.clone()).or_insert_with(|| {
                let mut item = Map::new();
                if !path_parameters.is_empty() {
                    item.insert("parameters".into(), path_parameters.clone().into());
                }
                Value::Object(item)
            });
            if let Some(item) = item.as_object_mut() {
                item.insert(method.clone(), operation.clone());
            }
        }
    }
    Ok(())
}

/// A Rust variant name for an enum value: each alphanumeric run capitalised
/// (`"AAAA"` → `Aaaa`, `"ipv4"` → `Ipv4`), `Empty` for the empty string.
pub fn variant_name(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut name = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if name.is_empty() {
        name.push_str("Empty");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn variant_names() {
        assert_eq!(variant_name(&json!("AAAA")), "Aaaa");
        assert_eq!(variant_name(&json!("worker")), "Worker");
        assert_eq!(variant_name(&json!("")), "Empty");
        assert_eq!(variant_name(&json!("4")), "V4");
    }

    #[test]
    fn enum_edits_keep_varnames_in_step() {
        let mut doc = json!({"s": {"enum": ["", "A"], "x-enum-varnames": ["AAndAaaa", "A"]}});
        let errors = apply(
            &mut doc,
            &[
                Edit::AddEnumValue { ptr: "/s".into(), value: json!("TXT") },
                Edit::RemoveEnumValue { ptr: "/s".into(), value: json!("") },
            ],
        );
        assert!(errors.is_empty());
        assert_eq!(doc["s"]["enum"], json!(["A", "TXT"]));
        assert_eq!(doc["s"]["x-enum-varnames"], json!(["A", "Txt"]));
    }

    #[test]
    fn property_edits_keep_order_and_required() {
        let mut doc = json!({"o": {"required": ["a"], "properties": {"a": {}, "b": {}, "c": {}}}});
        apply(
            &mut doc,
            &[
                Edit::RemoveProperty { ptr: "/o".into(), name: "a".into() },
                Edit::AddProperty { ptr: "/o".into(), name: "d".into(), schema: json!({}), required: true },
            ],
        );
        let keys: Vec<_> = doc["o"]["properties"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["b", "c", "d"]);
        assert_eq!(doc["o"]["required"], json!(["d"]));
    }
}
