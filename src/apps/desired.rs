//! A desired state: the apps a zone (or an account) should have, read and
//! written as JSON or TOML; and its export from what is live.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::resource::Resource;
use super::rules::{self, Identity};
use super::{Progress, tell};
use crate::{Client, Error, Result};

/// The apps a scope should have. Each entry is the configuration type of
/// create and update, so nothing a user can set is lost.
///
/// As TOML, each app is an `[[apps]]` table:
///
/// ```toml
/// [[apps]]
/// protocol = "tcp/22"
/// traffic_type = "direct"
/// origin_direct = ["tcp://192.0.2.1:22"]
/// dns = { type = "CNAME", name = "ssh.example.com" }
/// ```
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Desired<R: Resource> {
    /// The apps, each identified by its identity fields.
    #[serde(default)]
    pub apps: Vec<R::Config>,
}

impl<R: Resource> Clone for Desired<R> {
    fn clone(&self) -> Self {
        Self { apps: self.apps.clone() }
    }
}

impl<R: Resource> std::fmt::Debug for Desired<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desired").field("apps", &self.apps).finish()
    }
}

impl<R: Resource> PartialEq for Desired<R> {
    fn eq(&self, other: &Self) -> bool {
        self.apps == other.apps
    }
}

impl<R: Resource> Default for Desired<R> {
    fn default() -> Self {
        Self { apps: Vec::new() }
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidInput { field: "desired state", message }
}

impl<R: Resource> Desired<R> {
    /// A desired state of these apps.
    pub fn new(apps: Vec<R::Config>) -> Self {
        Self { apps }
    }

    /// Reads a desired state from JSON.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| invalid(format!("not a desired state in JSON: {e}")))
    }

    /// Reads a desired state from TOML.
    pub fn from_toml(text: &str) -> Result<Self> {
        toml::from_str(text).map_err(|e| invalid(format!("not a desired state in TOML: {e}")))
    }

    /// Writes the desired state as (pretty) JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Writes the desired state as TOML; fails on a value TOML cannot hold
    /// (a `null` in an unknown field).
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| invalid(format!("cannot be written as TOML: {e}")))
    }

    /// Reads a file, TOML when its name ends in `.toml`, JSON otherwise.
    pub fn read(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
        if is_toml(path) { Self::from_toml(&text) } else { Self::from_json(&text) }
    }

    /// Writes a file, TOML when its name ends in `.toml`, JSON otherwise.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let text = if is_toml(path) { self.to_toml()? } else { self.to_json() };
        std::fs::write(path, text).map_err(|e| invalid(format!("cannot write {}: {e}", path.display())))
    }

    /// The identity of each entry, in order; an entry without one, or two
    /// with the same, is an error naming them.
    pub fn identities(&self) -> Result<Vec<Identity>> {
        let fields = rules::identity_fields(R::SCHEMA).join(" and ");
        let mut seen: HashMap<Identity, usize> = HashMap::new();
        let mut out = Vec::with_capacity(self.apps.len());
        for (index, app) in self.apps.iter().enumerate() {
            let identity = rules::identity(R::SCHEMA, &rules::object(app))
                .ok_or_else(|| invalid(format!("entry {index} has no {fields}, which identify an app")))?;
            if let Some(first) = seen.insert(identity.clone(), index) {
                return Err(invalid(format!(
                    "entries {first} and {index} are the same app ({identity}): each {fields} may appear once"
                )));
            }
            out.push(identity);
        }
        Ok(out)
    }
}

fn is_toml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// What is live, as a desired state.
#[derive(Debug)]
#[non_exhaustive]
pub struct Export<R: Resource> {
    /// Every live app that has an identity, with every field a user can set.
    pub desired: Desired<R>,
    /// The ids of live apps without an identity, which a desired state
    /// cannot hold.
    pub skipped: Vec<String>,
}

/// Reads every app of `scope` (one list pass, no per-app reads) as a
/// desired state. Planning it against the same scope shows no changes.
pub async fn export<R: Resource>(client: &Client, scope: &str, progress: Option<&Progress<'_>>) -> Result<Export<R>> {
    let live = R::list(client, scope, &|n| tell(progress, "read", n, None)).await?;
    let mut export = Export { desired: Desired::default(), skipped: Vec::new() };
    for app in &live {
        let config = R::config(app);
        match rules::identity(R::SCHEMA, &rules::object(&config)) {
            Some(_) => export.desired.apps.push(config),
            None => export.skipped.push(R::id(app)),
        }
    }
    Ok(export)
}
