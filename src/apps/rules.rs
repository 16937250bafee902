//! Identity, comparison by meaning, and merging, on configurations as JSON
//! values, driven by the rules `build.rs` reads from the document
//! (`x-identity`, `format: hostname`, `x-unordered`, `x-compare`,
//! `x-replace-on-change`; see `build/apps.rs`).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde_json::{Map, Value};

use crate::api::{FIELD_RULES, IDENTITIES};

/// How one field of a configuration schema compares, and whether it can
/// change in place (emitted by `build.rs`).
#[derive(Debug)]
pub(crate) struct FieldRule {
    pub(crate) schema: &'static str,
    pub(crate) path: &'static str,
    pub(crate) hostname: bool,
    pub(crate) unordered: bool,
    pub(crate) port_range: bool,
    pub(crate) case_insensitive: bool,
    pub(crate) replace: Option<&'static str>,
}

/// What identifies an app: the values of the identity fields, compared by
/// meaning (a DNS name as DNS compares it: case-insensitive, trailing dot
/// ignored).
#[derive(Clone, Debug)]
pub struct Identity {
    key: String,
    shown: String,
}

impl Identity {
    /// The identity as written, such as `ssh.example.com tcp/22`.
    pub fn as_str(&self) -> &str {
        &self.shown
    }

    /// A live app without the identity fields, told apart by its id.
    pub(crate) fn nameless(id: &str) -> Self {
        Self { key: format!("\u{0}{id}"), shown: format!("(no identity, id {id})") }
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl PartialEq for Identity {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Identity {}

impl Hash for Identity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl PartialOrd for Identity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Identity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// The fields that identify an entry of `schema` (`dns.name`, `protocol`).
pub(crate) fn identity_fields(schema: &str) -> &'static [&'static str] {
    IDENTITIES.iter().find(|(name, _)| *name == schema).map_or(&[], |(_, fields)| fields)
}

fn rule(schema: &str, path: &str) -> Option<&'static FieldRule> {
    FIELD_RULES.iter().find(|r| r.schema == schema && r.path == path)
}

/// The value at a dotted path.
fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(value, |value, key| value.get(key).unwrap_or(&Value::Null))
}

/// The identity of a configuration, or `None` when an identity field is
/// missing or empty.
pub(crate) fn identity(schema: &str, config: &Value) -> Option<Identity> {
    let mut key = Vec::new();
    let mut shown = Vec::new();
    for path in identity_fields(schema) {
        let value = at(config, path);
        let text = value.as_str().filter(|t| !t.trim().is_empty())?;
        key.push(normalize(schema, path, value).to_string());
        shown.push(text.to_owned());
    }
    (!key.is_empty()).then(|| Identity { key: key.join("\u{1f}"), shown: shown.join(" ") })
}

/// A value as it compares: a host name lower-cased without its trailing
/// dot, a case-insensitive text lower-cased, a port range as `first-last`,
/// an unordered list sorted (its items normalized the same way).
pub(crate) fn normalize(schema: &str, path: &str, value: &Value) -> Value {
    let Some(rule) = rule(schema, path) else {
        return value.clone();
    };
    normalized(rule, value, rule.unordered)
}

fn normalized(rule: &FieldRule, value: &Value, unordered: bool) -> Value {
    match value {
        Value::Array(items) if unordered => {
            let mut items: Vec<Value> = items.iter().map(|item| normalized(rule, item, false)).collect();
            items.sort_by_cached_key(Value::to_string);
            Value::Array(items)
        }
        Value::Number(port) if rule.port_range => Value::String(format!("{port}-{port}")),
        Value::String(text) if rule.port_range => {
            let text = text.trim();
            Value::String(if text.contains('-') { text.to_owned() } else { format!("{text}-{text}") })
        }
        Value::String(text) if rule.hostname => Value::String(text.trim_end_matches('.').to_ascii_lowercase()),
        Value::String(text) if rule.case_insensitive => Value::String(text.to_ascii_lowercase()),
        other => other.clone(),
    }
}

/// A field the desired state sets to another value than the live app.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FieldChange {
    /// The field, as a dotted path of wire names (`origin_dns.ttl`).
    pub field: String,
    /// The live value (`None` when the live app does not have the field).
    pub old: Option<Value>,
    /// The desired value.
    pub new: Value,
}

/// The fields `desired` sets (not `null`) whose value differs by meaning
/// from `live`'s; fields it leaves unset are not compared.
pub(crate) fn diff(schema: &str, desired: &Value, live: &Value, path: &str, out: &mut Vec<FieldChange>) {
    match desired {
        Value::Null => {}
        Value::Object(fields) if live.is_object() || live.is_null() => {
            for (key, value) in fields {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                diff(schema, value, live.get(key).unwrap_or(&Value::Null), &child, out);
            }
        }
        _ if normalize(schema, path, desired) == normalize(schema, path, live) => {}
        _ => out.push(FieldChange {
            field: path.to_owned(),
            old: (!live.is_null()).then(|| live.clone()),
            new: desired.clone(),
        }),
    }
}

/// Why `changes` cannot be made in place, per the document: one reason for
/// each field changed that has one.
pub(crate) fn replacement_reasons(schema: &str, changes: &[FieldChange]) -> Vec<(String, &'static str)> {
    changes
        .iter()
        .filter_map(|change| {
            let why = FIELD_RULES
                .iter()
                .find(|r| {
                    r.schema == schema && (change.field == r.path || r.path.starts_with(&format!("{}.", change.field)))
                })?
                .replace?;
            Some((change.field.clone(), why))
        })
        .collect()
}

/// For a replacement: removes from `live` each object that holds a field
/// which cannot change in place (a Spectrum app's `dns` and `edge_ips`;
/// the field itself when it is not nested), so that the new app gets those
/// objects exactly as desired. The old app's values there belong to the
/// kind of app being replaced: kept, a dynamic app's `connectivity` would
/// go to a static one, or its static `ips` to a CNAME app, which the API
/// refuses (after the old app is deleted).
pub(crate) fn forget_replaced(schema: &str, live: &mut Value) {
    for rule in FIELD_RULES.iter().filter(|r| r.schema == schema && r.replace.is_some()) {
        let group = rule.path.rsplit_once('.').map_or(rule.path, |(parent, _)| parent);
        let (parent, key) = match group.rsplit_once('.') {
            Some((parent, key)) => (live.pointer_mut(&format!("/{}", parent.replace('.', "/"))), key),
            None => (Some(&mut *live), group),
        };
        if let Some(Value::Object(fields)) = parent {
            fields.remove(key);
        }
    }
}

/// `live` with every field `desired` sets written over it (objects field by
/// field): the body that changes what the desired state says and keeps the
/// rest of the live app, unknown fields included.
pub(crate) fn merge(live: &mut Value, desired: &Value) {
    match (live, desired) {
        (Value::Object(live), Value::Object(desired)) => {
            for (key, value) in desired {
                if value.is_null() {
                    continue;
                }
                match live.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        live.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (live, desired) => *live = desired.clone(),
    }
}

/// A configuration as a JSON object.
pub(crate) fn object<T: serde::Serialize>(config: &T) -> Value {
    serde_json::to_value(config).unwrap_or_else(|_| Value::Object(Map::new()))
}
