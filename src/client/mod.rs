//! The client core: configuration, credentials, the one call path
//! (request, retries, bounded body, decoding) and errors. It knows no
//! operation of the API: `src/api` (generated from the document) does.

/// Builder methods `name(value)` that set a field and return `self`.
macro_rules! setters {
    ($($(#[doc = $doc:literal])* $name:ident($value:ty) => $($field:ident).+;)+) => {$(
        $(#[doc = $doc])*
        pub fn $name(mut self, value: $value) -> Self {
            self.$($field).+ = value.into();
            self
        }
    )+};
}

pub(crate) mod auth;
mod call;
pub(crate) mod config;
mod decode;
pub(crate) mod enums;
pub(crate) mod error;
pub(crate) mod identifier;
pub(crate) mod response;
pub(crate) mod retry;
mod transport;

#[cfg(feature = "mock")]
pub(crate) use call::PATH_SET;
#[allow(unused_imports)]
pub(crate) use call::{Check, check_range, from_fields, joined, rfc3339};
pub(crate) use identifier::check_id;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::{ClientBuilder, Result, RetryPolicy};

/// A Cloudflare Spectrum and Magic apps API client.
///
/// Cheap to clone: clones share the connection pool. Each operation of the
/// document is one `async` method named after its operationId, returning
/// the typed `result` (see the crate docs); [`with_metadata`](Self::with_metadata)
/// gives the same operations with the response's status and headers.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    pub(crate) settings: CallSettings,
}

/// What every call of a client (and of its clones) shares.
pub(crate) struct Inner {
    /// Where requests go, without a trailing slash.
    pub(crate) base_url: String,
    /// The base URL parsed once: each call sets its path and query.
    pub(crate) base: reqwest::Url,
    /// Credentials (sensitive), user agent, `Accept` and the caller's headers.
    pub(crate) headers: HeaderMap,
    pub(crate) http: reqwest::Client,
    /// Largest response body read into memory, counted after decompression.
    pub(crate) max_response_bytes: usize,
    /// The timeout the reqwest client was built with, if this crate built
    /// it: calls with that timeout need no per-request one.
    pub(crate) client_timeout: Option<Duration>,
    /// The rate limit every attempt waits for, shared by all clones.
    pub(crate) limiter: Option<governor::DefaultDirectRateLimiter>,
}

/// The resolved settings of one call.
#[derive(Clone, Debug)]
pub(crate) struct CallSettings {
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
}

/// Overrides for the calls made through [`Client::with_options`].
///
/// ```
/// # fn demo(client: &cloudflare_spectrum::Client) {
/// use std::time::Duration;
/// use cloudflare_spectrum::RequestOptions;
/// let patient = client.with_options(RequestOptions::new().timeout(Duration::from_secs(120)).max_retries(5));
/// # }
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    timeout: Option<Duration>,
    max_retries: Option<u32>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Timeout of each attempt.
        timeout(Duration) => timeout;
        /// Retries after the first attempt; 0 disables them.
        max_retries(u32) => max_retries;
    }
}

impl Client {
    /// A builder with the defaults (60 s timeout, 5 s connect timeout, 2
    /// retries, the real API's base URL); credentials are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `CLOUDFLARE_API_TOKEN`, or
    /// `CLOUDFLARE_EMAIL` with `CLOUDFLARE_API_KEY`, or
    /// `CLOUDFLARE_API_USER_SERVICE_KEY` (exactly one kind), and optionally
    /// `CLOUDFLARE_BASE_URL`.
    pub fn from_env() -> Result<Self> {
        ClientBuilder::default().from_env()?.build()
    }

    /// A client sharing this one's pool whose calls use these overrides.
    pub fn with_options(&self, options: RequestOptions) -> Self {
        let mut settings = self.settings.clone();
        settings.timeout = options.timeout.unwrap_or(settings.timeout);
        settings.retry.max_retries = options.max_retries.unwrap_or(settings.retry.max_retries);
        Self { inner: self.inner.clone(), settings }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.settings.timeout)
            .field("retry", &self.settings.retry)
            .field("headers", &self.inner.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}
