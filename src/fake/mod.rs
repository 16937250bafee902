//! An in-process fake of the Cloudflare Spectrum and Magic apps API, for
//! tests and demos (feature `fake`).
//!
//! [`FakeCloudflare::start`] serves the API on `127.0.0.1` (never another
//! interface) at an ephemeral port and keeps Spectrum applications per zone
//! and Magic account apps per account in memory. Point a [`Client`] at
//! [`base_url`](FakeCloudflare::base_url), or take one ready-made from
//! [`client`](FakeCloudflare::client).
//!
//! ```
//! use cloudflare_spectrum::fake::{FakeCloudflare, ZONE_ID};
//! use cloudflare_spectrum::ListApps;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeCloudflare::start().await?;
//! let client = fake.client()?;
//! let page = client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await?;
//! assert!(page.items.is_empty());
//! fake.stop().await;
//! # Ok(()) }
//! ```
//!
//! # Credentials
//!
//! Every request must carry one of these (configurable with
//! [`FakeCloudflare::builder`]):
//!
//! * `Authorization: Bearer fake-token` ([`TOKEN`]);
//! * `X-Auth-Email: fake@example.com` ([`EMAIL`]) with
//!   `X-Auth-Key: fake-api-key` ([`API_KEY`]);
//! * `X-Auth-User-Service-Key: v1.0-fake-user-service-key`
//!   ([`USER_SERVICE_KEY`]).
//!
//! None of them → 403 with code [`codes::AUTHENTICATION_ERROR`] (10000); a
//! wrong token or user service key → 403 with [`codes::INVALID_TOKEN`]
//! (9109); a wrong email or key → 403 with [`codes::INVALID_KEY`] (9103).
//!
//! # Behaviour
//!
//! * Identifiers (zone, account, application) are 32 hexadecimal digits;
//!   anything else is a 400 with [`codes::INVALID_IDENTIFIER`]. Every zone
//!   and account exists, initially empty.
//! * Creating an application assigns a random 32-hex id and RFC 3339
//!   `created_on`/`modified_on`; the body needs `dns.name` and `protocol`
//!   (`tcp/22`, `udp/1000-2000`, …), and `origin_dns.ttl` must be at least
//!   600. Enum values the fake does not know are stored as sent. A DNS name
//!   already used in the zone is a 409 with [`codes::DUPLICATE_DNS_NAME`].
//! * Listing returns every application, oldest first, unless `page` is
//!   given: then one page (`per_page` 1 to 100, default 20) and
//!   `result_info`, as the real API does. `order` and `direction` sort.
//! * Unknown ids are a 404 with [`codes::NOT_FOUND`], in the Cloudflare
//!   envelope (`success: false`, `errors`, `messages: []`, `result: null`).
//! * Magic apps: `name` and `type` are required on create; PUT replaces the
//!   app's lists (and its name and type when given), PATCH changes only the
//!   fields sent, DELETE returns the deleted app.
//! * Analytics are deterministic numbers derived from the applications
//!   present (see the `analytics` handlers' docs in the source): every app
//!   has traffic in colos SFO, LHR and SIN, for each event and IP version,
//!   at a constant hourly rate derived from a hash of its id.
//!
//! # Fault injection and the request log
//!
//! [`FakeCloudflare::script`] queues [`Scripted`] responses for the next
//! requests (status, headers, delay, body, or normal handling after a
//! delay); [`FakeCloudflare::requests`] lists what was received, credentials
//! redacted.

mod analytics;
mod apps;
mod auth;
pub mod codes;
mod envelope;
mod faults;
mod magic;
mod state;

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{REDACTED, RecordedRequest, Scripted};

use crate::types::{MagicAccountApp, SpectrumApp};
use crate::{Client, ClientBuilder, Credentials};
use state::{Accepted, Shared};

/// The API token the fake accepts by default.
pub const TOKEN: &str = "fake-token";
/// The account email the fake accepts by default, with [`API_KEY`].
pub const EMAIL: &str = "fake@example.com";
/// The Global API key the fake accepts by default, with [`EMAIL`].
pub const API_KEY: &str = "fake-api-key";
/// The user service key the fake accepts by default.
pub const USER_SERVICE_KEY: &str = "v1.0-fake-user-service-key";
/// A zone id for examples (any 32 hexadecimal digits work).
pub const ZONE_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// An account id for examples (any 32 hexadecimal digits work).
pub const ACCOUNT_ID: &str = "01a7362d577a6c3019a474fd6f485823";

/// How long [`FakeCloudflare::stop`] waits for requests in progress.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Configures a [`FakeCloudflare`] before starting it.
#[derive(Clone)]
pub struct FakeBuilder {
    port: u16,
    accepted: Accepted,
}

impl Default for FakeBuilder {
    fn default() -> Self {
        Self {
            port: 0,
            accepted: Accepted {
                token: TOKEN.to_owned(),
                email: EMAIL.to_owned(),
                api_key: API_KEY.to_owned(),
                user_service_key: USER_SERVICE_KEY.to_owned(),
            },
        }
    }
}

impl fmt::Debug for FakeBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeBuilder")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl FakeBuilder {
    /// The port on 127.0.0.1 to listen on (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The API token accepted (default [`TOKEN`]).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.accepted.token = token.into();
        self
    }

    /// The email and Global API key accepted (default [`EMAIL`], [`API_KEY`]).
    pub fn global_key(mut self, email: impl Into<String>, key: impl Into<String>) -> Self {
        self.accepted.email = email.into();
        self.accepted.api_key = key.into();
        self
    }

    /// The user service key accepted (default [`USER_SERVICE_KEY`]).
    pub fn user_service_key(mut self, key: impl Into<String>) -> Self {
        self.accepted.user_service_key = key.into();
        self
    }

    /// Binds 127.0.0.1 and starts serving on the current Tokio runtime.
    pub async fn start(self) -> io::Result<FakeCloudflare> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(self.accepted));
        let app = router(shared.clone());
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = signal.await;
                })
                .await
        });
        Ok(FakeCloudflare {
            addr,
            shared,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }
}

/// A running fake of the API; see the [module docs](self).
///
/// Stops when dropped (new connections are refused at once; requests in
/// progress finish in the background), or with [`stop`](Self::stop).
pub struct FakeCloudflare {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl fmt::Debug for FakeCloudflare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeCloudflare")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl FakeCloudflare {
    /// Starts a fake with the default credentials on a free port.
    pub async fn start() -> io::Result<Self> {
        FakeBuilder::default().start().await
    }

    /// A builder, to choose the port or the accepted credentials.
    pub fn builder() -> FakeBuilder {
        FakeBuilder::default()
    }

    /// The address listened on (always 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API's base URL, such as `http://127.0.0.1:41234/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}/client/v4", self.addr)
    }

    /// The API token accepted.
    pub fn token(&self) -> &str {
        &self.shared.accepted.token
    }

    /// Credentials the fake accepts (its API token).
    pub fn credentials(&self) -> Credentials {
        Credentials::api_token(self.token())
    }

    /// A client builder aimed at the fake with accepted credentials.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.base_url())
            .credentials(self.credentials())
    }

    /// A client aimed at the fake with accepted credentials.
    pub fn client(&self) -> crate::Result<Client> {
        self.client_builder().build()
    }

    /// Queues responses for the next requests, one each, after any already
    /// queued; once they are used up, requests are handled normally again.
    ///
    /// ```
    /// # async fn demo(fake: &cloudflare_spectrum::fake::FakeCloudflare) {
    /// use cloudflare_spectrum::fake::Scripted;
    /// fake.script([Scripted::status(503).header("retry-after", "0"), Scripted::delayed(std::time::Duration::from_millis(50))]);
    /// # }
    /// ```
    pub fn script(&self, responses: impl IntoIterator<Item = Scripted>) {
        self.shared.faults().script.extend(responses);
    }

    /// How many scripted responses are still queued.
    pub fn scripted_remaining(&self) -> usize {
        self.shared.faults().script.len()
    }

    /// The requests received so far, oldest first, credentials redacted.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.faults().log.clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.shared.faults().log.clear();
    }

    /// The Spectrum applications of a zone, oldest first.
    pub fn spectrum_apps(&self, zone_id: &str) -> Vec<SpectrumApp> {
        self.shared
            .data()
            .spectrum
            .get(&zone_id.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default()
    }

    /// The Magic apps of an account, oldest first.
    pub fn magic_apps(&self, account_id: &str) -> Vec<MagicAccountApp> {
        self.shared
            .data()
            .magic
            .get(&account_id.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default()
    }

    /// Deletes every application, the script and the request log.
    pub fn reset(&self) {
        *self.shared.data() = state::Data::default();
        *self.shared.faults() = faults::Faults::default();
    }

    /// Stops listening and waits (up to 5 s) for requests in progress.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(STOP_GRACE, &mut task).await.is_err()
        {
            task.abort();
        }
    }
}

impl Drop for FakeCloudflare {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// One route per operation of the document, under `/client/v4`.
fn router(shared: Arc<Shared>) -> Router {
    let zone = "/zones/{zone_id}/spectrum";
    let api = Router::new()
        .route(&format!("{zone}/apps"), get(apps::list).post(apps::create))
        .route(
            &format!("{zone}/apps/{{app_id}}"),
            get(apps::get).put(apps::update).delete(apps::delete),
        )
        .route(&format!("{zone}/protocols"), get(apps::protocols))
        .route(&format!("{zone}/analytics/aggregate/current"), get(analytics::current))
        .route(&format!("{zone}/analytics/events/bytime"), get(analytics::bytime))
        .route(&format!("{zone}/analytics/events/summary"), get(analytics::summary))
        .route(
            "/accounts/{account_id}/magic/apps",
            get(magic::list).post(magic::create),
        )
        .route(
            "/accounts/{account_id}/magic/apps/{account_app_id}",
            axum::routing::put(magic::update)
                .patch(magic::patch)
                .delete(magic::delete),
        )
        .method_not_allowed_fallback(envelope::method_not_allowed);
    Router::new()
        .nest("/client/v4", api)
        .fallback(envelope::no_route)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), faults::intercept))
        .with_state(shared)
}
