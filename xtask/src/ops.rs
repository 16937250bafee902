//! The operations of an OpenAPI document, and how operations of two
//! documents are matched.
//!
//! The curated document is the only list of the operations this crate
//! covers: each is its path, its method and its operationId. An operation
//! is matched with a published one by method and path, with every
//! `{parameter}` name normalised away, so `/zones/{zone}/spectrum/apps` in
//! the published schema matches `/zones/{zone_id}/spectrum/apps` in the
//! curated document.

use std::str::FromStr;

use indexmap::IndexMap;
use serde_json::Value;

/// The HTTP methods an OpenAPI path item can hold, in document order.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One operation of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The matching key, see [`op_key`].
    pub key: String,
    /// The lower-case method, as the path item names it.
    pub method: String,
    /// The path, as the document spells it.
    pub path: String,
    /// The operationId (empty if it has none).
    pub id: String,
    /// The operation's tags.
    pub tags: Vec<String>,
}

/// Every operation of `doc`, in document order (paths in order, methods
/// in [`METHODS`] order). Anything that is not an object is skipped.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method).filter(|op| op.is_object()) else {
                continue;
            };
            out.push(Operation {
                key: op_key(method, path),
                method: method.to_owned(),
                path: path.clone(),
                id: op["operationId"].as_str().unwrap_or_default().to_owned(),
                tags: crate::json::strings(op, "tags"),
            });
        }
    }
    out
}

/// The operations of `doc` by matching key, in document order; when two
/// paths normalise to the same key the first is kept (`check` reports it).
pub fn by_key(doc: &Value) -> IndexMap<String, Operation> {
    let mut out = IndexMap::new();
    for op in operations(doc) {
        if !out.contains_key(&op.key) {
            out.insert(op.key.clone(), op);
        }
    }
    out
}

/// Replaces every `{name}` in a path by `{}`.
pub fn normalise_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// The names of a path's `{parameters}`, in order.
pub fn path_params(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned())).collect()
}

/// The matching key of an operation: `METHOD normalised-path`.
pub fn op_key(method: &str, path: &str) -> String {
    format!("{} {}", method.to_uppercase(), normalise_path(path))
}

/// The curated operation whose path shares the most leading segments with
/// `path` (parameter names ignored), and how many it shares; the first in
/// document order on a tie, none if no operation shares a segment.
pub fn nearest<'a>(curated: impl IntoIterator<Item = &'a Operation>, path: &str) -> Option<(&'a Operation, usize)> {
    let wanted = normalise_path(path);
    let wanted: Vec<&str> = wanted.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<(&Operation, usize)> = None;
    for op in curated {
        let theirs = normalise_path(&op.path);
        let shared = theirs.split('/').filter(|s| !s.is_empty()).zip(&wanted).take_while(|(a, b)| a == *b).count();
        if shared > 0 && best.is_none_or(|(_, n)| shared > n) {
            best = Some((op, shared));
        }
    }
    best
}

/// A published path spelled with the curated document's parameter names
/// where it shares leading segments with a curated path, e.g.
/// `/zones/{zone}/spectrum/apps/{app_id}/restart` becomes
/// `/zones/{zone_id}/spectrum/apps/{app_id}/restart`.
pub fn curated_spelling<'a>(curated: impl IntoIterator<Item = &'a Operation>, published_path: &str) -> String {
    let Some((near, shared)) = nearest(curated, published_path) else {
        return published_path.to_owned();
    };
    let theirs: Vec<&str> = near.path.split('/').filter(|s| !s.is_empty()).collect();
    let mut out = String::new();
    for (i, segment) in published_path.split('/').filter(|s| !s.is_empty()).enumerate() {
        out.push('/');
        let renamed = theirs.get(i).filter(|s| i < shared && s.starts_with('{'));
        out.push_str(renamed.copied().unwrap_or(segment));
    }
    if out.is_empty() { "/".to_owned() } else { out }
}

/// An operation that `refresh --write --add` cuts in from the published
/// schema: `OPERATION_ID=METHOD PATH [TAG]`, e.g.
/// `spectrum_apps_restart=POST /zones/{zone_id}/spectrum/apps/{app_id}/restart`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOperation {
    /// The curated operationId.
    pub id: String,
    /// The lower-case method.
    pub method: String,
    /// The curated path, with the curated parameter names.
    pub path: String,
    /// The tag; when not given, the tags of the curated operation whose
    /// path shares the most leading segments are used.
    pub tag: Option<String>,
}

impl NewOperation {
    /// The matching key, see [`op_key`].
    pub fn key(&self) -> String {
        op_key(&self.method, &self.path)
    }
}

impl FromStr for NewOperation {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let usage = "expected OPERATION_ID=METHOD PATH [TAG], e.g. spectrum_apps_restart=POST /zones/{zone_id}/spectrum/apps/{app_id}/restart";
        let (id, rest) = text.split_once('=').ok_or_else(|| format!("{text:?}: {usage}"))?;
        let id = id.trim();
        if !is_snake_case(id) {
            return Err(format!(
                "{text:?}: the operationId {id:?} must be snake_case (lower-case letters, digits and _, starting with a letter): client methods, mock helpers and conformance tests are named after it"
            ));
        }
        let words: Vec<&str> = rest.split_whitespace().collect();
        let (method, path, tag) = match words.as_slice() {
            [method, path] => (method, path, None),
            [method, path, tag] => (method, path, Some((*tag).to_owned())),
            _ => return Err(format!("{text:?}: {usage}")),
        };
        let method = method.to_ascii_lowercase();
        if !METHODS.contains(&method.as_str()) {
            return Err(format!("{text:?}: {method:?} is not an HTTP method ({})", METHODS.join(", ")));
        }
        if !path.starts_with('/') {
            return Err(format!("{text:?}: the path must start with /"));
        }
        Ok(NewOperation { id: id.to_owned(), method, path: (*path).to_owned(), tag })
    }
}

/// Whether `name` is a snake_case Rust identifier: a lower-case ASCII
/// letter, then lower-case letters, digits and underscores.
pub fn is_snake_case(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn normalises_parameter_names() {
        assert_eq!(normalise_path("/zones/{zone}/spectrum/apps/{app_id}"), "/zones/{}/spectrum/apps/{}");
        assert_eq!(
            op_key("get", "/zones/{zone_id}/spectrum/apps"),
            op_key("GET", "/zones/{zone_identifier}/spectrum/apps")
        );
        assert_eq!(path_params("/accounts/{account_id}/magic/apps/{account_app_id}"), ["account_id", "account_app_id"]);
    }

    #[test]
    fn lists_operations_in_document_order() {
        let doc = json!({"paths": {
            "/a/{x}": {"parameters": [], "delete": {"operationId": "a_delete"}, "get": {"operationId": "a_get", "tags": ["t"]}},
            "/b": {"post": {}, "summary": "not an operation", "get": "not an object"}
        }});
        let ops = operations(&doc);
        let ids: Vec<(&str, &str)> = ops.iter().map(|o| (o.key.as_str(), o.id.as_str())).collect();
        assert_eq!(ids, [("GET /a/{}", "a_get"), ("DELETE /a/{}", "a_delete"), ("POST /b", "")]);
        assert_eq!(ops[0].tags, ["t"]);
    }

    #[test]
    fn spells_published_paths_the_curated_way() {
        let doc = json!({"paths": {
            "/zones/{zone_id}/spectrum/apps": {"get": {"operationId": "list"}},
            "/zones/{zone_id}/spectrum/apps/{app_id}": {"get": {"operationId": "get"}},
            "/accounts/{account_id}/magic/apps": {"get": {"operationId": "magic"}}
        }});
        let ops = operations(&doc);
        assert_eq!(
            curated_spelling(&ops, "/zones/{zone}/spectrum/apps/{app}/restart"),
            "/zones/{zone_id}/spectrum/apps/{app_id}/restart"
        );
        assert_eq!(
            curated_spelling(&ops, "/zones/{zone}/spectrum/widgets/{widget}"),
            "/zones/{zone_id}/spectrum/widgets/{widget}"
        );
        assert_eq!(curated_spelling(&ops, "/users/{user}"), "/users/{user}");
        assert_eq!(nearest(&ops, "/zones/{z}/spectrum/apps/{a}").unwrap().0.id, "get");
    }

    #[test]
    fn parses_operations_to_add() {
        let new: NewOperation =
            "spectrum_apps_restart=POST /zones/{zone_id}/spectrum/apps/{app_id}/restart".parse().unwrap();
        assert_eq!(new.method, "post");
        assert_eq!(new.key(), "POST /zones/{}/spectrum/apps/{}/restart");
        assert_eq!(new.tag, None);
        let tagged: NewOperation = "x_y = get /x spectrum".parse().unwrap();
        assert_eq!((tagged.id.as_str(), tagged.tag.as_deref()), ("x_y", Some("spectrum")));
        for bad in ["no_equals POST /x", "Bad=GET /x", "x=FETCH /x", "x=GET x", "x=GET", "x=GET /x a b"] {
            assert!(bad.parse::<NewOperation>().is_err(), "{bad}");
        }
    }
}
