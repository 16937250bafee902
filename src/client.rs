//! The client users hold, and per-call options.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::transport::{CallContext, CallSettings, Shared};
use crate::types::Identifier;
use crate::{ClientBuilder, Error, Result, generated};

/// A Cloudflare Spectrum and Magic apps API client.
///
/// Cheap to clone: clones share the connection pool. Each operation is one
/// `async` method returning the typed result (see the crate docs).
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    http: reqwest::Client,
    settings: CallSettings,
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
pub struct RequestOptions {
    timeout: Option<Duration>,
    max_retries: Option<u32>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Timeout of each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries after the first attempt; 0 disables them.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
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

    pub(crate) fn from_parts(shared: Arc<Shared>, http: reqwest::Client, settings: CallSettings) -> Self {
        Self { shared, http, settings }
    }

    /// A client sharing this one's pool whose calls use these overrides.
    pub fn with_options(&self, options: RequestOptions) -> Self {
        let mut settings = self.settings.clone();
        if let Some(timeout) = options.timeout {
            settings.timeout = timeout;
        }
        if let Some(retries) = options.max_retries {
            settings.retry.max_retries = retries;
        }
        Self {
            settings,
            ..self.clone()
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The generated client for one call, with a fresh [`CallContext`].
    pub(crate) fn raw(&self) -> generated::Client {
        let context = CallContext::new(self.shared.clone(), self.settings.clone());
        generated::Client::new_with_client(&self.shared.base_url, self.http.clone(), context)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("timeout", &self.settings.timeout)
            .field("retry", &self.settings.retry)
            .field("headers", &self.shared.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Checks a path identifier before anything is sent: the document's
/// `Identifier` pattern rejects values that would change the endpoint.
pub(crate) fn id(field: &'static str, value: &str) -> Result<Identifier> {
    Identifier::try_from(value).map_err(|e| Error::InvalidInput {
        field,
        message: e.to_string(),
    })
}
