//! What comes back besides the result: [`ResponseMeta`], on every success
//! ([`Response`], through [`Client::with_metadata`]) and on every error that
//! came from a response ([`Error::meta`](crate::Error::meta)).

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::Client;
use crate::types::ResponseInfo;

/// The status, headers and attempts of a response.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers (`cf-ray`, rate-limit headers, …).
    pub headers: HeaderMap,
    /// How many attempts the call took.
    pub attempts: u32,
    /// The delay the server asked for before another try, read when the
    /// response arrived: `retry-after-ms`, else `Retry-After` in seconds or
    /// as an HTTP date.
    pub retry_after: Option<Duration>,
}

impl ResponseMeta {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, attempts: u32) -> Self {
        let retry_after = crate::client::retry::server_delay(&headers);
        Self { status, headers, attempts, retry_after }
    }

    /// The `cf-ray` header, which identifies the request to Cloudflare.
    pub fn cf_ray(&self) -> Option<&str> {
        self.header("cf-ray")
    }

    /// A response header as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A result with the [`ResponseMeta`] and envelope messages it came with.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Response<T> {
    /// The typed `result` of the envelope.
    pub value: T,
    /// Status, headers, attempts and retry delay.
    pub meta: ResponseMeta,
    /// Informational messages of the envelope.
    pub messages: Vec<ResponseInfo>,
}

impl<T> Response<T> {
    /// The result alone.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The same response with its value changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { value: f(self.value), meta: self.meta, messages: self.messages }
    }
}

/// Every operation of [`Client`], answering [`Response`]: the result with
/// its status, headers, attempts and messages. Made by
/// [`Client::with_metadata`]; what it returns is an ordinary value, so it
/// survives `tokio::spawn` and any other hand-over.
///
/// ```no_run
/// # async fn demo(client: cloudflare_spectrum::Client) -> cloudflare_spectrum::Result<()> {
/// let zone = "023e105f4ecef8ad9ca31a8372d0c353";
/// let got = client.with_metadata().spectrum_apps_get(zone, "ea95132c15732412d22c1476fa83f27a").await?;
/// println!("{} via ray {:?} after {} attempt(s)", got.value.protocol, got.meta.cf_ray(), got.meta.attempts);
/// println!("rate limit left: {:?}", got.meta.header("ratelimit-remaining"));
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct WithMetadata<'a> {
    pub(crate) client: &'a Client,
}

impl Client {
    /// The operations of this client, answering their results with the
    /// response's status and headers (see [`WithMetadata`]).
    pub fn with_metadata(&self) -> WithMetadata<'_> {
        WithMetadata { client: self }
    }
}
