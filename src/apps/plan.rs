//! A plan: what it takes to make a scope match a desired state.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use super::desired::Desired;
use super::resource::Resource;
use super::rules::{self, FieldChange, Identity};
use super::{Progress, tell};
use crate::{Client, Result};

/// How to plan.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Delete the live apps the desired state does not hold (default: list
    /// them as unmanaged).
    pub prune: bool,
}

impl PlanOptions {
    /// The defaults: no pruning.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to delete the apps the desired state does not hold.
    pub fn prune(mut self, prune: bool) -> Self {
        self.prune = prune;
        self
    }
}

/// A live app the plan acts on: its id and the version it had when planned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Existing {
    /// The app's identity.
    pub identity: Identity,
    /// The app's id.
    pub id: String,
    /// Its `modified_on` (or, for Magic apps, the whole app) when planned.
    pub version: String,
}

/// An app to create.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Create<R: Resource> {
    /// The app's identity.
    pub identity: Identity,
    /// Its configuration, as desired.
    pub config: R::Config,
}

/// An app to change in place, or (with `reasons`) to delete and create again.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Update<R: Resource> {
    /// The live app.
    pub existing: Existing,
    /// The fields that change.
    pub changes: Vec<FieldChange>,
    /// The body sent: the live configuration with the desired fields
    /// written over it (fields the desired state leaves unset keep their
    /// live value). For a replacement, the objects holding a field that
    /// cannot change in place (`dns`, `edge_ips`) are as desired, nothing
    /// of the old app's kept in them.
    pub config: R::Config,
    /// For a replacement, each field that cannot change in place and why.
    pub reasons: Vec<(String, &'static str)>,
}

/// Several live apps with one identity: reported, never guessed at.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ambiguous {
    /// The identity they share.
    pub identity: Identity,
    /// Their ids.
    pub ids: Vec<String>,
}

/// What it takes to make a scope match a desired state.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Plan<R: Resource> {
    /// The zone or account.
    pub scope: String,
    /// Apps to create.
    pub creates: Vec<Create<R>>,
    /// Apps to change in place.
    pub updates: Vec<Update<R>>,
    /// Apps to delete and create again, each with its reasons.
    pub replacements: Vec<Update<R>>,
    /// Apps to delete (only when pruning).
    pub deletes: Vec<Existing>,
    /// Live apps the desired state does not hold, left alone (when not
    /// pruning).
    pub unmanaged: Vec<Existing>,
    /// Identities several live apps share: nothing is planned for them.
    pub ambiguous: Vec<Ambiguous>,
    /// How many desired apps already match.
    pub unchanged: usize,
}

impl<R: Resource> Plan<R> {
    /// Whether there is nothing to do. Ambiguous identities are not
    /// changes: see [`is_in_sync`](Self::is_in_sync).
    pub fn is_empty(&self) -> bool {
        self.change_count() == 0
    }

    /// Whether the live apps match the desired state: nothing to do, and no
    /// identity shared by several live apps.
    pub fn is_in_sync(&self) -> bool {
        self.is_empty() && self.ambiguous.is_empty()
    }

    /// How many changes the plan makes (a replacement is one change, of two
    /// requests).
    pub fn change_count(&self) -> usize {
        self.creates.len() + self.updates.len() + self.replacements.len() + self.deletes.len()
    }

    /// The plan for `desired` against the `live` apps of `scope`, worked out
    /// without a request. An entry without an identity, or two with the
    /// same, is an error.
    pub fn compute(scope: &str, desired: &Desired<R>, live: &[R::Live], options: &PlanOptions) -> Result<Self> {
        let identities = desired.identities()?;
        let mut by_identity: HashMap<Identity, Vec<&R::Live>> = HashMap::new();
        let mut plan = Plan {
            scope: scope.to_owned(),
            creates: Vec::new(),
            updates: Vec::new(),
            replacements: Vec::new(),
            deletes: Vec::new(),
            unmanaged: Vec::new(),
            ambiguous: Vec::new(),
            unchanged: 0,
        };
        let mut nameless = Vec::new();
        for app in live {
            match rules::identity(R::SCHEMA, &rules::object(&R::config(app))) {
                Some(identity) => by_identity.entry(identity).or_default().push(app),
                None => nameless.push(app),
            }
        }
        let existing = |identity: &Identity, app: &R::Live| Existing {
            identity: identity.clone(),
            id: R::id(app),
            version: R::version(app),
        };
        for (config, identity) in desired.apps.iter().zip(&identities) {
            match by_identity.remove(identity).as_deref() {
                None | Some([]) => plan.creates.push(Create { identity: identity.clone(), config: config.clone() }),
                Some([app]) => {
                    let (wanted, mut body) = (rules::object(config), rules::object(&R::config(app)));
                    let mut changes = Vec::new();
                    rules::diff(R::SCHEMA, &wanted, &body, "", &mut changes);
                    // By field, whatever order the maps keep their keys in
                    // (serde_json's `preserve_order` may be on).
                    changes.sort_by(|a, b| a.field.cmp(&b.field));
                    if changes.is_empty() {
                        plan.unchanged += 1;
                        continue;
                    }
                    let reasons = rules::replacement_reasons(R::SCHEMA, &changes);
                    if !reasons.is_empty() {
                        rules::forget_replaced(R::SCHEMA, &mut body);
                    }
                    rules::merge(&mut body, &wanted);
                    let update = Update {
                        existing: existing(identity, app),
                        reasons,
                        config: serde_json::from_value(body).unwrap_or_else(|_| config.clone()),
                        changes,
                    };
                    if update.reasons.is_empty() { plan.updates.push(update) } else { plan.replacements.push(update) }
                }
                Some(apps) => plan
                    .ambiguous
                    .push(Ambiguous { identity: identity.clone(), ids: apps.iter().map(|app| R::id(app)).collect() }),
            }
        }
        let mut rest: Vec<Existing> = by_identity
            .iter()
            .flat_map(|(identity, apps)| apps.iter().map(|app| existing(identity, app)))
            .chain(nameless.into_iter().map(|app| existing(&Identity::nameless(&R::id(app)), app)))
            .collect();
        rest.sort_by(|a, b| (&a.identity, &a.id).cmp(&(&b.identity, &b.id)));
        if options.prune {
            plan.deletes = rest
        } else {
            plan.unmanaged = rest
        }
        Ok(plan)
    }
}

/// The plan for `desired` against `scope`: the desired state is checked
/// first (no request when it is invalid), then the scope is read in one
/// list pass.
pub async fn plan<R: Resource>(
    client: &Client,
    scope: &str,
    desired: &Desired<R>,
    options: &PlanOptions,
    progress: Option<&Progress<'_>>,
) -> Result<Plan<R>> {
    desired.identities()?;
    let live = R::list(client, scope, &|n| tell(progress, "read", n, None)).await?;
    Plan::compute(scope, desired, &live, options)
}

fn show(value: &Option<Value>) -> String {
    value.as_ref().map_or("(unset)".to_owned(), Value::to_string)
}

/// A readable diff: `+ create`, `~ update` with `field: old → new`,
/// `-/+ replace` with its reasons, `- delete`, then what is left alone.
impl<R: Resource> fmt::Display for Plan<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Plan for {} {}: {} to create, {} to update, {} to replace, {} to delete ({} unchanged, {} unmanaged, {} ambiguous)",
            R::SCOPE,
            self.scope,
            self.creates.len(),
            self.updates.len(),
            self.replacements.len(),
            self.deletes.len(),
            self.unchanged,
            self.unmanaged.len(),
            self.ambiguous.len()
        )?;
        for create in &self.creates {
            writeln!(f, "+ create {}", create.identity)?;
        }
        for (sign, updates) in [("~ update", &self.updates), ("-/+ replace", &self.replacements)] {
            for update in updates {
                writeln!(f, "{sign} {} ({})", update.existing.identity, update.existing.id)?;
                for change in &update.changes {
                    writeln!(f, "    {}: {} → {}", change.field, show(&change.old), change.new)?;
                }
                for (field, why) in &update.reasons {
                    writeln!(f, "    because of {field}: {why}")?;
                }
            }
        }
        for delete in &self.deletes {
            writeln!(f, "- delete {} ({})", delete.identity, delete.id)?;
        }
        for ambiguous in &self.ambiguous {
            writeln!(
                f,
                "! ambiguous {}: {} live apps ({}), nothing planned",
                ambiguous.identity,
                ambiguous.ids.len(),
                ambiguous.ids.join(", ")
            )?;
        }
        for unmanaged in &self.unmanaged {
            writeln!(f, "  unmanaged {} ({})", unmanaged.identity, unmanaged.id)?;
        }
        Ok(())
    }
}
