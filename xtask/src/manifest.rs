//! The manifest, `openapi/manifest.json`: the API area this crate covers.
//!
//! The covered operations are not listed here: they are the curated
//! document's own (its paths, methods and operationIds, see [`crate::ops`]).
//! The manifest says only what the document cannot: the `scope`, the
//! normalised path prefixes (`{}` for parameters) under which
//! `cargo xtask refresh` reports published operations the document lacks.

use std::path::Path;

use serde::Deserialize;

use crate::Result;

/// The contents of `openapi/manifest.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Free text for the people who edit the manifest.
    #[serde(default)]
    pub comment: Vec<String>,
    /// Normalised path prefixes (`{}` for parameters) of the API area this
    /// crate covers, such as `/zones/{}/spectrum/`.
    #[serde(default)]
    pub scope: Vec<String>,
}

impl Manifest {
    /// Reads and parses a manifest file.
    pub fn read(path: &Path) -> Result<Self> {
        let value = crate::json::read(path)?;
        Self::from_value(value).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses a manifest; a list of `operations` (the old format) is an
    /// error that says what to do.
    pub fn from_value(value: serde_json::Value) -> Result<Self> {
        if value.get("operations").is_some() {
            return Err("`operations` is no longer read: the covered operations are the curated document's own \
                 (its paths, methods and operationIds); delete the list and keep `scope`"
                .to_owned());
        }
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    /// Whether a normalised path lies in the manifest's scope.
    pub fn in_scope(&self, normalised_path: &str) -> bool {
        self.scope.iter().any(|p| normalised_path.starts_with(p))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn scope_only() {
        let manifest = Manifest::from_value(json!({"scope": ["/zones/{}/spectrum/"]})).unwrap();
        assert!(manifest.in_scope("/zones/{}/spectrum/apps"));
        assert!(!manifest.in_scope("/zones/{}/dns_records"));
        let old = Manifest::from_value(json!({"scope": [], "operations": []})).unwrap_err();
        assert!(old.contains("delete the list and keep `scope`"), "{old}");
        let unknown = Manifest::from_value(json!({"scopes": []})).unwrap_err();
        assert!(unknown.contains("unknown field `scopes`"), "{unknown}");
    }
}
