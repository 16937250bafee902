//! Applying a plan: one list pass to refuse a stale plan, then each change
//! with bounded concurrency, stopping at the first failure unless told not
//! to, and a report of what was done, what failed and what was not started.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use futures::StreamExt as _;
use futures::stream::FuturesUnordered;

use super::plan::{Existing, Plan};
use super::resource::Resource;
use super::rules::{self, Identity};
use super::{Progress, tell};
use crate::{Client, Error, Result};

/// How to apply.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApplyOptions {
    /// How many changes run at once (default 4; at least 1).
    pub concurrency: usize,
    /// Go on starting changes after one failed (default: stop).
    pub continue_on_error: bool,
    /// Told as changes complete.
    pub progress: Option<Arc<Progress<'static>>>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self { concurrency: 4, continue_on_error: false, progress: None }
    }
}

impl fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("concurrency", &self.concurrency)
            .field("continue_on_error", &self.continue_on_error)
            .finish_non_exhaustive()
    }
}

impl ApplyOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// How many changes run at once.
        concurrency(usize) => concurrency;
        /// Go on starting changes after one failed.
        continue_on_error(bool) => continue_on_error;
    }

    /// Told, after each change, how many are done of how many.
    pub fn progress(mut self, progress: impl Fn(&str, usize, Option<usize>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }
}

/// What a change does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// Creates an app.
    Create,
    /// Changes an app in place.
    Update,
    /// Deletes an app and creates it again.
    Replace,
    /// Deletes an app.
    Delete,
}

/// One change of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// What it does.
    pub action: Action,
    /// The app's identity.
    pub identity: Identity,
    /// The live app's id (none for a create).
    pub id: Option<String>,
}

/// A change that failed, and why.
#[derive(Debug)]
#[non_exhaustive]
pub struct Failed {
    /// The change.
    pub change: Change,
    /// The error of the request that failed.
    pub error: Error,
    /// For a replacement: the delete went through and the create failed, so
    /// the app is gone; a new plan creates it from the desired entry alone
    /// (the live settings the replacement would have kept are not known
    /// any more).
    pub deleted: bool,
}

/// What an apply did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct ApplyReport {
    /// Changes made, in the order they completed.
    pub done: Vec<Change>,
    /// Changes that failed.
    pub failed: Vec<Failed>,
    /// Changes not started (after a failure, or because the plan was stale).
    pub not_started: Vec<Change>,
    /// Apps that changed since the plan was made (their `modified_on`
    /// moved, they were deleted, or one with a planned create's identity
    /// appeared): when any, nothing was started.
    pub stale: Vec<Change>,
}

impl ApplyReport {
    /// Whether every change of the plan was made.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.not_started.is_empty() && self.stale.is_empty()
    }
}

impl fmt::Display for ApplyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, what: &str, change: &Change| {
            let id = change.id.as_deref().map(|id| format!(" ({id})")).unwrap_or_default();
            writeln!(f, "{what} {:?} {}{id}", change.action, change.identity)
        };
        for change in &self.stale {
            line(f, "stale:", change)?;
        }
        for change in &self.done {
            line(f, "done:", change)?;
        }
        for failed in &self.failed {
            line(f, "failed:", &failed.change)?;
            writeln!(f, "    {}", failed.error)?;
            if failed.deleted {
                writeln!(f, "    (deleted, not created again: a new plan creates it)")?;
            }
        }
        for change in &self.not_started {
            line(f, "not started:", change)?;
        }
        Ok(())
    }
}

/// One change to run.
enum Work<'a, R: Resource> {
    Create(&'a Identity, &'a R::Config),
    Update(&'a Existing, &'a R::Config),
    Replace(&'a Existing, &'a R::Config),
    Delete(&'a Existing),
}

impl<R: Resource> Work<'_, R> {
    fn change(&self) -> Change {
        let (action, identity, id) = match self {
            Work::Create(identity, _) => (Action::Create, *identity, None),
            Work::Update(e, _) => (Action::Update, &e.identity, Some(e.id.clone())),
            Work::Replace(e, _) => (Action::Replace, &e.identity, Some(e.id.clone())),
            Work::Delete(e) => (Action::Delete, &e.identity, Some(e.id.clone())),
        };
        Change { action, identity: identity.clone(), id }
    }

    /// Makes the change; on failure, the error and whether an app was
    /// deleted on the way (a replacement's first half).
    async fn run(&self, client: &Client, scope: &str) -> std::result::Result<(), (Error, bool)> {
        let alone = |e| (e, false);
        match self {
            Work::Create(_, config) => R::create(client, scope, config).await.map(drop).map_err(alone),
            Work::Update(e, config) => R::update(client, scope, &e.id, config).await.map(drop).map_err(alone),
            Work::Replace(e, config) => {
                R::delete(client, scope, &e.id).await.map_err(alone)?;
                R::create(client, scope, config).await.map(drop).map_err(|e| (e, true))
            }
            Work::Delete(e) => R::delete(client, scope, &e.id).await.map_err(alone),
        }
    }
}

/// Runs `plan`: reads the scope once and refuses a stale plan (the API has
/// no ETags, so `modified_on` is the only guard against overwriting someone
/// else's change); then deletes and replacements, then updates and creates
/// (so a name a delete frees can be taken), each phase with at most
/// `concurrency` changes at once. Retries are the client's: a create is
/// never sent twice.
pub async fn apply<R: Resource>(client: &Client, plan: &Plan<R>, options: &ApplyOptions) -> Result<ApplyReport> {
    let live = R::list(client, &plan.scope, &|_| {}).await?;
    let versions: HashMap<String, String> = live.iter().map(|app| (R::id(app), R::version(app))).collect();
    let identities: HashSet<Identity> =
        live.iter().filter_map(|app| rules::identity(R::SCHEMA, &rules::object(&R::config(app)))).collect();
    let first: Vec<Work<'_, R>> = plan
        .deletes
        .iter()
        .map(Work::Delete)
        .chain(plan.replacements.iter().map(|u| Work::Replace(&u.existing, &u.config)))
        .collect();
    let second: Vec<Work<'_, R>> = plan
        .updates
        .iter()
        .map(|u| Work::Update(&u.existing, &u.config))
        .chain(plan.creates.iter().map(|c| Work::Create(&c.identity, &c.config)))
        .collect();
    let mut report = ApplyReport::default();
    for work in first.iter().chain(&second) {
        let stale = match work {
            Work::Create(identity, _) => identities.contains(*identity),
            Work::Update(e, _) | Work::Replace(e, _) | Work::Delete(e) => versions.get(&e.id) != Some(&e.version),
        };
        if stale {
            report.stale.push(work.change());
        }
    }
    if !report.stale.is_empty() {
        report.not_started = first.iter().chain(&second).map(Work::change).collect();
        return Ok(report);
    }
    let total = first.len() + second.len();
    for phase in [first, second] {
        let mut queue = phase.into_iter();
        let mut running = FuturesUnordered::new();
        loop {
            let stopped = !report.failed.is_empty() && !options.continue_on_error;
            while !stopped && running.len() < options.concurrency.max(1) {
                let Some(work) = queue.next() else { break };
                running.push(async move {
                    let outcome = work.run(client, &plan.scope).await;
                    (work.change(), outcome)
                });
            }
            let Some((change, outcome)) = running.next().await else {
                break;
            };
            match outcome {
                Ok(()) => report.done.push(change),
                Err((error, deleted)) => report.failed.push(Failed { change, error, deleted }),
            }
            let finished = report.done.len() + report.failed.len();
            tell(options.progress.as_deref(), "applied", finished, Some(total));
        }
        report.not_started.extend(queue.map(|work| work.change()));
    }
    Ok(report)
}
