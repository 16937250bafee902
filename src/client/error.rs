//! The crate's one error type.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::ResponseMeta;
use crate::types::ResponseInfo;

/// Result of every fallible operation in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling the API.
///
/// No variant ever holds a credential: they are kept in secret types and
/// only ever written into (sensitive) request headers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Cloudflare answered with its envelope and `success: false`, or an
    /// error status with its envelope (a `200` with `success: false` too).
    #[error("{0}")]
    Api(Box<ApiError>),
    /// An error status without a Cloudflare envelope (an HTML error page
    /// from the edge, a redirect, an empty body).
    #[error("{0}")]
    Http(Box<HttpError>),
    /// A success whose body is not the documented shape.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The request did not complete within the configured timeout.
    #[error("request timed out after {attempts} attempt(s)")]
    Timeout {
        /// How many attempts were made.
        attempts: u32,
    },
    /// The connection failed (refused, reset, DNS, TLS).
    #[error("transport error after {attempts} attempt(s): {source}")]
    Transport {
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The response body, decompressed, was larger than the configured limit.
    #[error("the response body (HTTP {status}) exceeds the limit of {limit} bytes{}", attempts_note(*.attempts))]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
        /// How many attempts were made.
        attempts: u32,
        /// The status of the response.
        status: StatusCode,
    },
    /// A value passed by the caller was refused before anything was sent:
    /// an id, a query value, a body that does not serialize, or a credential
    /// (named, never shown).
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The parameter, field or credential at fault.
        field: &'static str,
        /// Why it was refused.
        message: String,
    },
    /// The client could not be configured (missing or conflicting
    /// credentials, an unusable base URL or header).
    #[error("configuration error: {0}")]
    Config(String),
    /// A list could not be walked to its end with evidence that it was
    /// complete: the server repeated a page, sent more pages than the cap,
    /// or contradicted its own totals.
    #[error("pagination stopped: {0}")]
    Pagination(String),
}

/// A failure reported by Cloudflare in its envelope.
#[derive(Debug, Clone, thiserror::Error)]
#[error("Cloudflare API error (HTTP {}{}): {}{}", .meta.status, ray(.meta), describe(.errors), attempts_note(.meta.attempts))]
#[non_exhaustive]
pub struct ApiError {
    /// Status, headers, attempts and the server's retry delay.
    pub meta: ResponseMeta,
    /// Cloudflare's errors, in the order sent (codes can exceed 65,535).
    pub errors: Vec<ResponseInfo>,
    /// Informational messages sent alongside.
    pub messages: Vec<ResponseInfo>,
}

/// An HTTP error status whose body is not a Cloudflare envelope.
#[derive(Debug, Clone, thiserror::Error)]
#[error("HTTP {}{}: {excerpt:?}{}", .meta.status, ray(.meta), attempts_note(.meta.attempts))]
#[non_exhaustive]
pub struct HttpError {
    /// Status, headers, attempts and the server's retry delay.
    pub meta: ResponseMeta,
    /// The start of the body (at most [`EXCERPT_LIMIT`] bytes, lossy UTF-8).
    pub excerpt: String,
}

/// A success body that does not match the documented type.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot decode the response (HTTP {}{}): {message}; body starts {excerpt:?}{}", .meta.status, ray(.meta), attempts_note(.meta.attempts))]
#[non_exhaustive]
pub struct DecodeError {
    /// Status, headers and attempts.
    pub meta: ResponseMeta,
    /// What is wrong, naming the field at fault and the shape expected.
    pub message: String,
    /// The start of the body (at most [`EXCERPT_LIMIT`] bytes, lossy UTF-8).
    pub excerpt: String,
}

/// How many bytes of a body an error keeps.
pub const EXCERPT_LIMIT: usize = 512;

/// The first [`EXCERPT_LIMIT`] bytes of `body` as (lossy) text.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let mut end = body.len().min(EXCERPT_LIMIT);
    // A character cut in two at the limit is dropped, not replaced by
    // U+FFFD, which would take the excerpt over the limit.
    if let Err(e) = std::str::from_utf8(&body[..end])
        && e.error_len().is_none()
    {
        end = e.valid_up_to();
    }
    let mut text = String::from_utf8_lossy(&body[..end]).into_owned();
    // Invalid bytes became three-byte U+FFFD each: cut again to the limit.
    if text.len() > EXCERPT_LIMIT {
        let mut cut = EXCERPT_LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

fn ray(meta: &ResponseMeta) -> String {
    meta.cf_ray().map(|r| format!(", cf-ray {r}")).unwrap_or_default()
}

fn attempts_note(n: u32) -> String {
    if n > 1 { format!(" (after {n} attempts)") } else { String::new() }
}

fn describe(errors: &[ResponseInfo]) -> String {
    if errors.is_empty() {
        return "no error details".to_owned();
    }
    let parts: Vec<String> = errors.iter().map(|e| format!("[{}] {}", e.code, e.message)).collect();
    parts.join("; ")
}

impl Error {
    /// Status, headers, attempts and retry delay of the response the error
    /// came from (`None` when there was none).
    pub fn meta(&self) -> Option<&ResponseMeta> {
        match self {
            Error::Api(e) => Some(&e.meta),
            Error::Http(e) => Some(&e.meta),
            Error::Decode(e) => Some(&e.meta),
            _ => None,
        }
    }

    /// The HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::BodyTooLarge { status, .. } => Some(*status),
            _ => self.meta().map(|m| m.status),
        }
    }

    /// The response headers (rate-limit headers among them), when the error
    /// came from a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.meta().map(|m| &m.headers)
    }

    /// The delay the server asked for before another try (`retry-after-ms`,
    /// or `Retry-After` in seconds or as an HTTP date), whatever the retry
    /// settings: with retries off the caller can schedule its own.
    pub fn retry_after(&self) -> Option<Duration> {
        self.meta().and_then(|m| m.retry_after)
    }

    /// Cloudflare's errors, in order (empty when there are none).
    pub fn errors(&self) -> &[ResponseInfo] {
        match self {
            Error::Api(e) => &e.errors,
            _ => &[],
        }
    }

    /// Cloudflare's error codes, in order (empty when there are none).
    pub fn codes(&self) -> Vec<u64> {
        self.errors().iter().map(|m| m.code).collect()
    }

    /// The informational messages of Cloudflare's envelope.
    pub fn messages(&self) -> &[ResponseInfo] {
        match self {
            Error::Api(e) => &e.messages,
            _ => &[],
        }
    }

    /// The `cf-ray` header of the response, which Cloudflare support asks for.
    pub fn cf_ray(&self) -> Option<&str> {
        self.meta().and_then(ResponseMeta::cf_ray)
    }

    /// How many attempts were made before this error (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Timeout { attempts } | Error::Transport { attempts, .. } => *attempts,
            Error::BodyTooLarge { attempts, .. } => *attempts,
            Error::Pagination(_) => 1,
            Error::InvalidInput { .. } | Error::Config(_) => 0,
            _ => self.meta().map_or(0, |m| m.attempts),
        }
    }

    /// The resource does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// The credentials were missing, invalid or lacked permission (401/403).
    pub fn is_auth(&self) -> bool {
        matches!(self.status(), Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN))
    }

    /// The request was rate limited (HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// The caller's input (an id, a query value, a credential) was refused
    /// before anything was sent.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput { .. })
    }
}
