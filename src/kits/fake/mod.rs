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
//! * Every zone and account exists, initially empty. Unknown application
//!   ids are a 404 with [`codes::NOT_FOUND`], in the Cloudflare envelope
//!   (`success: false`, `errors`, `messages: []`, `result: null`).
//! * Creating an application assigns a random 32-hex id and RFC 3339
//!   `created_on`/`modified_on`; PUT replaces the configuration (keeping
//!   the id and `created_on`, and always moving `modified_on` forward). A
//!   DNS name already used in the zone is a 409 with
//!   [`codes::DUPLICATE_DNS_NAME`].
//! * For a full configuration (one with `traffic_type`) the fake fills in
//!   what the API fills in when it is not sent, as the reference's example
//!   responses show: dynamic edge IPs on all IP versions (for a CNAME
//!   record), TLS and PROXY protocol `off`, Argo Smart Routing and the IP
//!   firewall `false`. A pay-as-you-go configuration is stored as sent.
//! * Listing returns every application, oldest first, unless `page` is
//!   given: then one page (`per_page` 1 to 100, default 20) and
//!   `result_info`, as the real API does. `order` and `direction` sort
//!   (their values are the document's `SpectrumAppsOrder::KNOWN` and
//!   `SortDirection::KNOWN`).
//! * `protocols` is a fixed list (`tcp`, `udp`, `ssh`, `rdp`,
//!   `minecraft`), each item with its `ports` (empty for `tcp` and `udp`).
//! * Magic apps: create answers **201** (Cloudflare's published schema
//!   does); PUT replaces the app's lists (and its name and type when
//!   given), PATCH changes only the fields sent, DELETE returns the deleted
//!   app.
//! * Analytics are deterministic numbers derived from the applications
//!   present (see the `analytics` handlers' docs in the source): every app
//!   has traffic in colos SFO, LHR and SIN, for each event and IP version,
//!   at a constant hourly rate derived from a hash of its id. Every metric,
//!   dimension and `time_delta` the document lists is accepted; any other
//!   is a 400 with [`codes::INVALID_QUERY`].
//! * An operation of the document ([`crate::OPERATIONS`]) the fake has no
//!   handler for (or one turned off with [`FakeBuilder::disable_operation`])
//!   is a 404 with [`codes::NOT_IMPLEMENTED`] whose message names it and
//!   says it is "not implemented in the fake". A path outside the document
//!   is a 404 with [`codes::NO_ROUTE`], a method it does not list a 405
//!   with [`codes::METHOD_NOT_ALLOWED`].
//!
//! # What the fake refuses
//!
//! What the seed documentation pages say the API refuses, each a 400 with
//! the field at fault in `errors[0].source.pointer` (`""` for the body as a
//! whole), and nothing stored:
//!
//! | request | refused when | code |
//! |---|---|---|
//! | Spectrum app | `dns`, `dns.name` or `protocol` missing or blank | [`codes::MISSING_FIELD`] |
//! | | `protocol` not `transport/port` or `transport/first-last` (ports 1 to 65535) | [`codes::INVALID_FIELD`] |
//! | | a value of the wrong JSON type | [`codes::INVALID_FIELD`] |
//! | | `traffic_type`, `tls`, `proxy_protocol`, `edge_ips.connectivity`, `edge_ips.type`, `dns.type` or `origin_dns.type` not among the document's values (the generated types' `KNOWN`) | [`codes::UNKNOWN_VALUE`] |
//! | | `dns.name` or `origin_dns.name` not a host name (RFC 1123 labels; a leading `*.` and a trailing dot are allowed) | [`codes::INVALID_HOSTNAME`] |
//! | | no origin: neither `origin_direct` (not empty) nor `origin_dns` | [`codes::INVALID_ORIGIN`] |
//! | | an `origin_port` range (a string) holding another number of ports than `protocol`; a single port given as a number goes with any `protocol` | [`codes::INVALID_ORIGIN`] |
//! | | `origin_port` a string that is no port range | [`codes::INVALID_FIELD`] |
//! | | `origin_dns.ttl` below 600 | [`codes::INVALID_ORIGIN_DNS`] |
//! | | `edge_ips.type` `dynamic` with `dns.type` `ADDRESS`, or `static` with `CNAME` | [`codes::INCOMPATIBLE_SETTINGS`] |
//! | | `argo_smart_routing: true` with a transport other than `tcp`, or with a `traffic_type` other than `direct` | [`codes::INCOMPATIBLE_SETTINGS`] |
//! | | `ip_firewall: true` with a transport other than `tcp` | [`codes::INCOMPATIBLE_SETTINGS`] |
//! | Magic app create | `name` or `type` missing, `null` or blank | [`codes::MISSING_FIELD`] |
//! | | neither `hostnames` nor `ip_subnets` (or both empty) | [`codes::MISSING_FIELD`] |
//! | Magic app PUT, PATCH | no field at all (`{}`, or only `null`s) | [`codes::MISSING_FIELD`] |
//! | | `name: null` | [`codes::INVALID_FIELD`] |
//! | | `name` or `type` blank | [`codes::MISSING_FIELD`] |
//! | any Magic app | an `ip_subnets` or `source_subnets` item not an IPv4 CIDR (`192.0.2.0/24`; IPv6 is unsupported) | [`codes::INVALID_FIELD`] |
//! | any body | not a JSON object | [`codes::MALFORMED_BODY`] |
//!
//! Where the pages leave a case open the fake accepts it: no `dns.type`
//! goes with either kind of edge IPs, a missing `traffic_type` counts as
//! `direct` for Argo Smart Routing, only *enabling* Argo or the IP
//! firewall is checked, and a CIDR may have host bits set.
//!
//! # Where the fake is stricter than the document
//!
//! The document lets these through, the fake does not (each is what
//! Cloudflare answers, or a bound that keeps the fake small):
//!
//! * Identifiers (zone, account, application) must be 32 hexadecimal
//!   digits; the document only bounds them to 32 characters. Anything else
//!   is a 400 with [`codes::INVALID_IDENTIFIER`] (7003), which is what
//!   Cloudflare answers for a malformed id.
//! * Request bodies are at most 1 MiB ([`codes::BODY_TOO_LARGE`], 413).
//! * Analytics: `limit` is 1 to 10 000, `since` must be before `until`,
//!   sort fields must be among the metrics or dimensions, filters must be
//!   well formed, and a time series has at most 10 000 buckets.
//!
//! # Fault injection and the request log
//!
//! [`FakeCloudflare::script`] queues [`Scripted`] responses for the next
//! requests (status, headers, delay, body, or normal handling after a
//! delay); [`FakeCloudflare::requests`] lists what was received, credentials
//! redacted.

/// Spectrum analytics handlers.
mod analytics;
/// Spectrum application and protocol handlers.
mod apps;
/// The credential check.
mod auth;
pub mod codes;
/// Envelopes, errors and fallbacks.
mod envelope;
/// Request extractors: ids, query, body.
mod extract;
/// Scripted responses and the request log.
mod faults;
/// The middleware before every handler.
mod intercept;
/// The document's enum lists.
mod known;
/// Magic account app handlers.
mod magic;
/// The router, from `OPERATIONS`.
mod routes;
/// What the fake keeps in memory.
mod state;
/// Host names, CIDRs, ports, protocols.
mod syntax;
/// The rules bodies must follow.
mod validate;

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

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
    /// The port to listen on (0: any).
    port: u16,
    /// The credentials accepted.
    accepted: Accepted,
    /// Operations answered as not implemented despite their handler.
    disabled: Vec<String>,
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
            disabled: Vec::new(),
        }
    }
}

impl fmt::Debug for FakeBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeBuilder")
            .field("port", &self.port)
            .field("disabled", &self.disabled)
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

    /// Answers the operation named `operation_id` (an
    /// [`OperationInfo::operation_id`](crate::OperationInfo::operation_id)
    /// of [`crate::OPERATIONS`]) as one the fake does not implement: a 404
    /// with [`codes::NOT_IMPLEMENTED`] naming it, whatever is sent. To see
    /// how code copes without an operation, or to make sure it never calls
    /// one.
    ///
    /// ```
    /// use cloudflare_spectrum::fake::{FakeCloudflare, ZONE_ID, codes};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let fake = FakeCloudflare::builder().disable_operation("spectrum_protocols_list").start().await?;
    /// let error = fake.client()?.spectrum_protocols_list(ZONE_ID).await.unwrap_err();
    /// assert_eq!(error.codes(), [codes::NOT_IMPLEMENTED]);
    /// # Ok(()) }
    /// ```
    pub fn disable_operation(mut self, operation_id: impl Into<String>) -> Self {
        self.disabled.push(operation_id.into());
        self
    }

    /// Binds 127.0.0.1 and starts serving on the current Tokio runtime.
    pub async fn start(self) -> io::Result<FakeCloudflare> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(self.accepted));
        let app = routes::router(shared.clone(), routes::HANDLERS, &self.disabled);
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = signal.await;
                })
                .await
        });
        Ok(FakeCloudflare { addr, shared, shutdown: Some(shutdown), task: Some(task) })
    }
}

/// A running fake of the API; see the [module docs](self).
///
/// Stops when dropped (new connections are refused at once; requests in
/// progress finish in the background), or with [`stop`](Self::stop).
pub struct FakeCloudflare {
    /// The address listened on.
    addr: SocketAddr,
    /// The state the handlers share.
    shared: Arc<Shared>,
    /// Tells the server to stop (taken when stopping).
    shutdown: Option<oneshot::Sender<()>>,
    /// The server task (taken when stopping).
    task: Option<JoinHandle<io::Result<()>>>,
}

impl fmt::Debug for FakeCloudflare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeCloudflare").field("base_url", &self.base_url()).finish_non_exhaustive()
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
        Client::builder().base_url(self.base_url()).credentials(self.credentials())
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
        self.shared.data().spectrum.get(&zone_id.to_ascii_lowercase()).cloned().unwrap_or_default()
    }

    /// The Magic apps of an account, oldest first.
    pub fn magic_apps(&self, account_id: &str) -> Vec<MagicAccountApp> {
        self.shared.data().magic.get(&account_id.to_ascii_lowercase()).cloned().unwrap_or_default()
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
