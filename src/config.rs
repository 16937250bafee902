//! Building a [`Client`]: explicitly, or from the environment.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::transport::{CallSettings, Shared};
use crate::{Client, Credentials, Error, Result, RetryPolicy};

/// The Cloudflare API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";
/// Default timeout of one attempt, from connecting to the end of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default largest response body read into memory (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Environment variables [`Client::from_env`] reads.
pub mod env {
    /// An API token.
    pub const API_TOKEN: &str = "CLOUDFLARE_API_TOKEN";
    /// The account email, used with [`API_KEY`].
    pub const EMAIL: &str = "CLOUDFLARE_EMAIL";
    /// The Global API key, used with [`EMAIL`].
    pub const API_KEY: &str = "CLOUDFLARE_API_KEY";
    /// A user service key.
    pub const USER_SERVICE_KEY: &str = "CLOUDFLARE_API_USER_SERVICE_KEY";
    /// Overrides the base URL.
    pub const BASE_URL: &str = "CLOUDFLARE_BASE_URL";
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use cloudflare_spectrum::{Client, Credentials};
///
/// let client = Client::builder()
///     .credentials(Credentials::api_token("my-token"))
///     .timeout(Duration::from_secs(30))
///     .max_retries(4)
///     .header("x-team", "edge")
///     .build()?;
/// # Ok::<(), cloudflare_spectrum::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    headers: Vec<(String, String)>,
    http: Option<reqwest::Client>,
    max_response_bytes: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            credentials: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: concat!("cloudflare-spectrum/", env!("CARGO_PKG_VERSION")).to_owned(),
            headers: Vec::new(),
            http: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field(
                "extra_headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("custom_http_client", &self.http.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// Where requests go (default [`DEFAULT_BASE_URL`]); e.g. a local fake.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// How requests are authenticated (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Timeout of each attempt, from connecting to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout (ignored when [`http_client`](Self::http_client) is set).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries after the first attempt; 0 disables them.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The whole retry policy (backoff and caps as well as the count).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header (default `cloudflare-spectrum/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Largest response body read into memory (default 16 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Uses your own `reqwest::Client` (pool, TLS, proxy). Configure it with
    /// `redirect(Policy::none())`: the client this crate builds never follows
    /// redirects, so credentials can never be sent to another host.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client, or says what is wrong with the configuration.
    pub fn build(self) -> Result<Client> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(format!(
                "no credentials: call ClientBuilder::credentials, or set {} (or {} and {}, or {})",
                env::API_TOKEN,
                env::EMAIL,
                env::API_KEY,
                env::USER_SERVICE_KEY
            ))
        })?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.query().is_none() => {}
            _ => {
                return Err(Error::Config(format!(
                    "the base URL {base_url:?} is not an http(s) URL without a query"
                )));
            }
        }
        let mut headers = credentials.headers()?;
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config("the user agent is not a valid header value".into()))?;
        headers.insert(USER_AGENT, user_agent);
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("{name:?} is not a valid header name")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::Config(format!("the value of header {name:?} is not valid")))?;
            headers.append(header, value);
        }
        let (http, client_timeout) = match self.http {
            Some(http) => (http, None),
            None => (
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
                Some(self.timeout),
            ),
        };
        let shared = Shared {
            base_url,
            headers: HeaderMap::clone(&headers),
            max_response_bytes: self.max_response_bytes,
            client_timeout,
        };
        Ok(Client::from_parts(
            Arc::new(shared),
            http,
            CallSettings {
                timeout: self.timeout,
                retry: self.retry,
            },
        ))
    }

    /// Fills credentials and base URL from the environment (see
    /// [`Client::from_env`]).
    pub fn from_env(self) -> Result<Self> {
        self.from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with a custom variable lookup.
    pub fn from_lookup(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let token = get(env::API_TOKEN);
        let email = get(env::EMAIL);
        let key = get(env::API_KEY);
        let service = get(env::USER_SERVICE_KEY);
        let mut found = Vec::new();
        if let Some(token) = token {
            found.push((env::API_TOKEN, Credentials::api_token(token)));
        }
        match (email, key) {
            (Some(email), Some(key)) => found.push((env::API_KEY, Credentials::global_key(email, key))),
            (Some(_), None) => {
                return Err(Error::Config(format!(
                    "{} is set but {} is not",
                    env::EMAIL,
                    env::API_KEY
                )));
            }
            (None, Some(_)) => {
                return Err(Error::Config(format!(
                    "{} is set but {} is not",
                    env::API_KEY,
                    env::EMAIL
                )));
            }
            (None, None) => {}
        }
        if let Some(service) = service {
            found.push((env::USER_SERVICE_KEY, Credentials::user_service_key(service)));
        }
        if found.len() > 1 {
            let names: Vec<&str> = found.iter().map(|(name, _)| *name).collect();
            return Err(Error::Config(format!(
                "conflicting credentials in the environment ({}): set only one kind",
                names.join(", ")
            )));
        }
        let Some((_, credentials)) = found.pop() else {
            return Err(Error::Config(format!(
                "no credentials in the environment: set {}, or {} and {}, or {}",
                env::API_TOKEN,
                env::EMAIL,
                env::API_KEY,
                env::USER_SERVICE_KEY
            )));
        };
        self.credentials = Some(credentials);
        if let Some(url) = get(env::BASE_URL) {
            self.base_url = url;
        }
        Ok(self)
    }
}
