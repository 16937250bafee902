//! Building a [`Client`]: explicitly, or from the environment.

use std::fmt;
use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderName, HeaderValue, USER_AGENT};

use crate::client::auth;
use crate::client::{CallSettings, Inner};
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

/// What to set when no credentials are given.
const SET_CREDENTIALS: &str =
    "set CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY, or CLOUDFLARE_API_USER_SERVICE_KEY";

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
    rate_limit: Option<(u32, Duration)>,
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
            rate_limit: None,
        }
    }
}

/// Shows no secret: credentials redacted, extra headers by name only.
impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&String> = self.headers.iter().map(|(name, _)| name).collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("extra_headers", &names)
            .field("custom_http_client", &self.http.is_some())
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl ClientBuilder {
    setters! {
        /// Where requests go (default [`DEFAULT_BASE_URL`]); e.g. a local fake.
        base_url(impl Into<String>) => base_url;
        /// How requests are authenticated (required).
        credentials(Credentials) => credentials;
        /// Timeout of each attempt, from connecting to the end of the body.
        timeout(Duration) => timeout;
        /// Connect timeout (ignored when [`http_client`](Self::http_client) is set).
        connect_timeout(Duration) => connect_timeout;
        /// Retries after the first attempt; 0 disables them.
        max_retries(u32) => retry.max_retries;
        /// The whole retry policy (backoff and caps as well as the count).
        retry_policy(RetryPolicy) => retry;
        /// The `User-Agent` header (default `cloudflare-spectrum/<version>`).
        user_agent(impl Into<String>) => user_agent;
        /// Largest response body read into memory, counted after
        /// decompression (default 16 MiB).
        max_response_bytes(usize) => max_response_bytes;
        /// Uses your own `reqwest::Client` (pool, TLS, proxy). Configure it
        /// with `redirect(Policy::none())`: the client this crate builds never
        /// follows redirects, so credentials can never be sent to another host.
        http_client(reqwest::Client) => http;
    }

    /// At most `requests` requests every `per`, counted over this client and
    /// all its clones (off by default): every attempt, retries included,
    /// waits its turn, so work across many zones paces itself instead of
    /// meeting a storm of 429s. Cloudflare's published global limit is
    /// 1,200 requests per 5 minutes per user: `rate_limit(1200,
    /// Duration::from_secs(300))`. The first `requests` go at once, then one
    /// every `per / requests`.
    pub fn rate_limit(mut self, requests: u32, per: Duration) -> Self {
        self.rate_limit = Some((requests, per));
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Builds the client, or says what is wrong with the configuration:
    /// [`Error::InvalidInput`] for a malformed credential (named, never
    /// shown), [`Error::Config`] for anything else. Nothing is sent.
    ///
    /// For an `http://` base URL (a local fake or proxy) the HTTP client is
    /// built without the platform's CA store, whose loading is most of the
    /// cost of building a client: such a client never makes a TLS
    /// connection, as it follows no redirects.
    pub fn build(self) -> Result<Client> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(format!("no credentials: call ClientBuilder::credentials, or {SET_CREDENTIALS}"))
        })?;
        let mut headers = credentials.headers()?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let base = match reqwest::Url::parse(&base_url) {
            Ok(url)
                if matches!(url.scheme(), "http" | "https") && url.query().is_none() && url.fragment().is_none() =>
            {
                url
            }
            _ => return Err(Error::Config(format!("the base URL {base_url:?} is not an http(s) URL without a query"))),
        };
        let config = |what: String| Error::Config(format!("{what} is not a valid header value"));
        headers
            .insert(USER_AGENT, HeaderValue::from_str(&self.user_agent).map_err(|_| config("the user agent".into()))?);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("{name:?} is not a valid header name")))?;
            headers.append(
                header,
                HeaderValue::from_str(value).map_err(|_| config(format!("the value of header {name:?}")))?,
            );
        }
        let (http, client_timeout) = match self.http {
            Some(http) => (http, None),
            None => {
                let builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    .redirect(reqwest::redirect::Policy::none());
                let builder =
                    if base.scheme() == "https" { builder } else { builder.tls_certs_only(std::iter::empty()) };
                let http = builder.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
                (http, Some(self.timeout))
            }
        };
        let limiter = match self.rate_limit {
            None => None,
            Some((requests, per)) => {
                let burst = std::num::NonZeroU32::new(requests)
                    .ok_or_else(|| Error::Config("a rate limit needs at least one request".into()))?;
                let quota = governor::Quota::with_period(per / requests)
                    .ok_or_else(|| Error::Config("a rate limit needs a period longer than zero".into()))?;
                Some(governor::RateLimiter::direct(quota.allow_burst(burst)))
            }
        };
        let inner = Inner {
            base_url,
            base,
            headers,
            http,
            max_response_bytes: self.max_response_bytes,
            client_timeout,
            limiter,
        };
        let settings = CallSettings { timeout: self.timeout, retry: self.retry };
        Ok(Client { inner: std::sync::Arc::new(inner), settings })
    }

    /// Fills credentials and base URL from the environment (see
    /// [`Client::from_env`]).
    pub fn from_env(self) -> Result<Self> {
        self.from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with a custom variable lookup.
    ///
    /// A variable that is set counts, even when empty: an empty, blank or
    /// non-ASCII credential is [`Error::InvalidInput`] naming the variable.
    /// `CLOUDFLARE_BASE_URL` is applied whenever it is set.
    pub fn from_lookup(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &'static str| lookup(name).map(|v| auth::check(name, &v).map(|()| v)).transpose();
        let base_url = lookup(env::BASE_URL).filter(|url| !url.trim().is_empty());
        let (token, email, key, service) =
            (get(env::API_TOKEN)?, get(env::EMAIL)?, get(env::API_KEY)?, get(env::USER_SERVICE_KEY)?);
        let only = |set: &str, unset: &str| Err(Error::Config(format!("{set} is set but {unset} is not")));
        let global_key = match (email, key) {
            (Some(email), Some(key)) => Some(Credentials::global_key(email, key)),
            (Some(_), None) => return only(env::EMAIL, env::API_KEY),
            (None, Some(_)) => return only(env::API_KEY, env::EMAIL),
            (None, None) => None,
        };
        let mut found: Vec<(&str, Credentials)> = [
            (env::API_TOKEN, token.map(Credentials::api_token)),
            (env::API_KEY, global_key),
            (env::USER_SERVICE_KEY, service.map(Credentials::user_service_key)),
        ]
        .into_iter()
        .filter_map(|(name, credentials)| Some((name, credentials?)))
        .collect();
        if found.len() > 1 {
            let names: Vec<&str> = found.iter().map(|(name, _)| *name).collect();
            return Err(Error::Config(format!(
                "conflicting credentials in the environment ({}): set only one kind",
                names.join(", ")
            )));
        }
        let Some((_, credentials)) = found.pop() else {
            let base = match base_url {
                Some(_) => format!(" ({} is set, but a base URL is not a credential)", env::BASE_URL),
                None => String::new(),
            };
            return Err(Error::Config(format!("no credentials in the environment: {SET_CREDENTIALS}{base}")));
        };
        self.credentials = Some(credentials);
        if let Some(url) = base_url {
            self.base_url = url;
        }
        Ok(self)
    }
}
