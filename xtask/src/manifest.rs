//! The manifest: which published operations this crate covers.
//!
//! Operations are keyed by method and path, with every `{parameter}` name
//! normalised away, so `/zones/{zone}/spectrum/apps` in the published schema
//! matches `/zones/{zone_id}/spectrum/apps` in the curated document.

use std::path::Path;

use serde::Deserialize;

use crate::Result;

/// The contents of `openapi/manifest.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Free text for the people who edit the manifest.
    #[serde(default)]
    pub comment: Vec<String>,
    /// Normalised path prefixes (`{}` for parameters) of the API area this
    /// crate covers; published operations under them that the manifest lacks
    /// are reported as new.
    #[serde(default)]
    pub scope: Vec<String>,
    /// The operations this crate covers.
    pub operations: Vec<ManifestOperation>,
}

/// One covered operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestOperation {
    /// The curated operationId.
    #[serde(rename = "operationId")]
    pub operation_id: String,
    /// The HTTP method, lower case.
    pub method: String,
    /// The curated path, with the curated parameter names.
    pub path: String,
    /// The curated tag given to the operation when it is cut in.
    #[serde(default)]
    pub tag: Option<String>,
}

impl ManifestOperation {
    /// The method-and-path key used to match published operations.
    pub fn key(&self) -> String {
        op_key(&self.method, &self.path)
    }
}

impl Manifest {
    /// Reads and parses a manifest file.
    pub fn read(path: &Path) -> Result<Self> {
        let value = crate::json::read(path)?;
        serde_json::from_value(value).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Whether a normalised path lies in the manifest's scope.
    pub fn in_scope(&self, normalised_path: &str) -> bool {
        self.scope.iter().any(|p| normalised_path.starts_with(p))
    }
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
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// The matching key of an operation: `METHOD normalised-path`.
pub fn op_key(method: &str, path: &str) -> String {
    format!("{} {}", method.to_uppercase(), normalise_path(path))
}

/// The HTTP methods an OpenAPI path item can hold, in document order.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_parameter_names() {
        assert_eq!(
            normalise_path("/zones/{zone}/spectrum/apps/{app_id}"),
            "/zones/{}/spectrum/apps/{}"
        );
        assert_eq!(
            op_key("get", "/zones/{zone_id}/spectrum/apps"),
            op_key("GET", "/zones/{zone_identifier}/spectrum/apps")
        );
        assert_eq!(
            path_params("/accounts/{account_id}/magic/apps/{account_app_id}"),
            ["account_id", "account_app_id"]
        );
    }
}
