//! The overlay: this crate's curation of the published schema, kept as data.
//!
//! The curated document is aligned with the published schema by walking both
//! from each operation, so most of the mapping between published and curated
//! schemas needs no listing. The overlay records what the walk cannot know:
//! which published unions are merged into one object, where the curated
//! document deliberately differs (curated-only keys, envelope shape, fixes
//! for defects of the published schema), which published values are
//! equivalent to curated ones, and the curation given to schemas that are
//! newly cut in.

use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::Result;
use crate::json::glob_match;

/// The contents of `openapi/overlay.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Free text for the people who edit the overlay.
    #[serde(default)]
    pub comment: Vec<String>,
    /// Curated schemas that are one object where the published schema has a
    /// `oneOf`/`anyOf` of objects.
    #[serde(default)]
    pub merge_one_of: Vec<Merge>,
    /// Differences that are deliberate curation: reported as kept, never
    /// written.
    #[serde(default)]
    pub keep: Vec<Keep>,
    /// Published values that are equivalent to curated ones for one key.
    #[serde(default)]
    pub equivalent: Vec<Equivalent>,
    /// Curation given to schemas copied in from the published schema.
    #[serde(default)]
    pub new_schemas: NewSchemas,
}

/// A curated object that merges the members of a published union.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Merge {
    /// The curated schema name.
    pub schema: String,
    /// Why the members are merged.
    pub why: String,
}

/// A deliberate difference between the curated and the published schema.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keep {
    /// The curated location (as printed in drift reports); `*` matches any
    /// run of characters.
    pub at: String,
    /// The kind of difference kept: a compared key such as `required`,
    /// `enum`, `type` or `pattern`, or one of `property`, `parameter`,
    /// `operation`, `request-body`, `status`, `untyped`, `shape`.
    pub what: String,
    /// Why the curated document differs.
    pub why: String,
}

/// A published value that stands for a curated one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equivalent {
    /// The compared key, such as `type`.
    pub what: String,
    /// The published value.
    pub published: Value,
    /// The curated value it is equivalent to.
    pub curated: Value,
    /// Why they are equivalent.
    pub why: String,
}

/// Curation applied to schemas copied in from the published schema.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSchemas {
    /// Keys added to every object schema with properties.
    #[serde(default)]
    pub object: Map<String, Value>,
    /// Keys added to every string schema with an enum.
    #[serde(default)]
    pub string_enum: Map<String, Value>,
    /// The schema of path parameters that have no curated parameter yet.
    #[serde(default)]
    pub path_parameter_schema: Option<Value>,
    /// Published keys not copied (besides every `x-` extension).
    #[serde(default)]
    pub drop_keys: Vec<String>,
}

impl Overlay {
    /// Reads and parses an overlay file.
    pub fn read(path: &Path) -> Result<Self> {
        let value = crate::json::read(path)?;
        serde_json::from_value(value).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Whether the curated schema `name` merges a published union.
    pub fn merges(&self, name: &str) -> bool {
        self.merge_one_of.iter().any(|m| m.schema == name)
    }

    /// The index of the first keep entry covering a difference.
    pub fn kept(&self, at: &str, what: &str) -> Option<usize> {
        self.keep.iter().position(|k| k.what == what && glob_match(&k.at, at))
    }

    /// Whether a published value is equivalent to a curated one for `what`.
    pub fn equivalent(&self, what: &str, published: &Value, curated: &Value) -> bool {
        self.equivalent.iter().any(|e| e.what == what && &e.published == published && &e.curated == curated)
    }
}
