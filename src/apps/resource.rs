//! The two kinds of apps the engine manages, behind one trait: Spectrum
//! applications of a zone, and Magic custom apps of an account.

use std::fmt::Debug;
use std::future::Future;

use futures::TryStreamExt as _;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::types::{MagicAccountApp, MagicApp, MagicAppCreate, SpectrumApp, SpectrumAppConfig};
use crate::{Client, ListApps, Result};

/// A kind of app the engine can export, plan and apply: [`Spectrum`] or
/// [`Magic`]. Each names its configuration schema in the document, where the
/// identity and comparison rules are (see the [module docs](super)).
pub trait Resource: Sized + Send + Sync + 'static {
    /// An app as the API returns it.
    type Live: Clone + Debug + Serialize + Send + Sync + 'static;
    /// An app's configuration: an entry of a desired state, and the body
    /// of a create or an update.
    type Config: Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static;
    /// The configuration schema of the document.
    const SCHEMA: &'static str;
    /// What the scope is, for messages (`zone`, `account`).
    const SCOPE: &'static str;

    /// Every app of `scope`, in one list pass; `seen(n)` after each page.
    fn list(
        client: &Client,
        scope: &str,
        seen: &(dyn Fn(usize) + Sync),
    ) -> impl Future<Output = Result<Vec<Self::Live>>> + Send;
    /// Creates an app.
    fn create(client: &Client, scope: &str, config: &Self::Config) -> impl Future<Output = Result<Self::Live>> + Send;
    /// Replaces an app's configuration.
    fn update(
        client: &Client,
        scope: &str,
        id: &str,
        config: &Self::Config,
    ) -> impl Future<Output = Result<Self::Live>> + Send;
    /// Deletes an app.
    fn delete(client: &Client, scope: &str, id: &str) -> impl Future<Output = Result<()>> + Send;
    /// The app's id.
    fn id(live: &Self::Live) -> String;
    /// What changes whenever the app does (`modified_on`, or the whole app
    /// when the API has no such field): the guard against stale plans.
    fn version(live: &Self::Live) -> String;
    /// The configuration of a live app: every field a user can set.
    fn config(live: &Self::Live) -> Self::Config;
}

/// Spectrum applications of a zone; identity `dns.name` and `protocol`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spectrum;

impl Resource for Spectrum {
    type Live = SpectrumApp;
    type Config = SpectrumAppConfig;
    const SCHEMA: &'static str = "SpectrumAppConfig";
    const SCOPE: &'static str = "zone";

    async fn list(client: &Client, zone: &str, seen: &(dyn Fn(usize) + Sync)) -> Result<Vec<SpectrumApp>> {
        let mut apps = Vec::new();
        let mut stream = client.spectrum_apps_stream(zone, &ListApps::new());
        while let Some(app) = stream.try_next().await? {
            apps.push(app);
            if apps.len() % 100 == 0 {
                seen(apps.len());
            }
        }
        if apps.len() % 100 != 0 || apps.is_empty() {
            seen(apps.len());
        }
        Ok(apps)
    }

    async fn create(client: &Client, zone: &str, config: &SpectrumAppConfig) -> Result<SpectrumApp> {
        client.spectrum_apps_create(zone, config).await
    }

    async fn update(client: &Client, zone: &str, id: &str, config: &SpectrumAppConfig) -> Result<SpectrumApp> {
        client.spectrum_apps_update(zone, id, config).await
    }

    async fn delete(client: &Client, zone: &str, id: &str) -> Result<()> {
        client.spectrum_apps_delete(zone, id).await.map(drop)
    }

    fn id(app: &SpectrumApp) -> String {
        app.id.to_string()
    }

    fn version(app: &SpectrumApp) -> String {
        app.modified_on.to_rfc3339()
    }

    fn config(app: &SpectrumApp) -> SpectrumAppConfig {
        app.clone().into()
    }
}

/// Magic custom apps of an account (Cloudflare's managed apps are left
/// alone); identity `name`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Magic;

impl Resource for Magic {
    type Live = MagicAccountApp;
    type Config = MagicAppCreate;
    const SCHEMA: &'static str = "MagicAppCreate";
    const SCOPE: &'static str = "account";

    async fn list(client: &Client, account: &str, seen: &(dyn Fn(usize) + Sync)) -> Result<Vec<MagicAccountApp>> {
        let apps: Vec<MagicAccountApp> = client
            .magic_apps_list(account)
            .await?
            .into_iter()
            .filter_map(|app| match app {
                MagicApp::AccountApp(app) => Some(app),
                MagicApp::ManagedApp(_) => None,
            })
            .collect();
        seen(apps.len());
        Ok(apps)
    }

    async fn create(client: &Client, account: &str, config: &MagicAppCreate) -> Result<MagicAccountApp> {
        client.magic_apps_create(account, config).await
    }

    async fn update(client: &Client, account: &str, id: &str, config: &MagicAppCreate) -> Result<MagicAccountApp> {
        client.magic_apps_update(account, id, &convert(config)).await
    }

    async fn delete(client: &Client, account: &str, id: &str) -> Result<()> {
        client.magic_apps_delete(account, id).await.map(drop)
    }

    fn id(app: &MagicAccountApp) -> String {
        app.account_app_id.clone()
    }

    fn version(app: &MagicAccountApp) -> String {
        serde_json::to_string(app).unwrap_or_default()
    }

    fn config(app: &MagicAccountApp) -> MagicAppCreate {
        // A nameless app has no identity: the engine leaves it out of exports.
        let name = app.name.clone().unwrap_or_default();
        MagicAppCreate {
            hostnames: app.hostnames.clone(),
            ip_subnets: app.ip_subnets.clone(),
            source_subnets: app.source_subnets.clone(),
            extra: app.extra.clone(),
            ..MagicAppCreate::new(name, app.type_.clone().unwrap_or_default())
        }
    }
}

/// One configuration type as another with the same fields (a Magic
/// create body as an update body).
fn convert<T: Serialize, U: DeserializeOwned + Default>(value: &T) -> U {
    serde_json::to_value(value).ok().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
}
