//! The crate's one error type.

use std::time::Duration;

use reqwest::StatusCode;

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
    /// Cloudflare answered with its envelope and `success: false`, whatever
    /// the HTTP status (a `200` with `success: false` lands here too).
    #[error("{0}")]
    Api(Box<ApiError>),
    /// An HTTP error status without a Cloudflare envelope (an HTML error
    /// page from the edge, a redirect, an empty body).
    #[error("{0}")]
    Http(Box<HttpError>),
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
    /// A response could not be decoded into the documented type.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The response body was larger than the configured limit.
    #[error("response body exceeds the limit of {limit} bytes{}", attempts_note(*.attempts))]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A value passed by the caller was rejected before anything was sent.
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The parameter or field at fault.
        field: &'static str,
        /// Why it was rejected.
        message: String,
    },
    /// The client could not be configured (missing or conflicting
    /// credentials, an unusable base URL or header).
    #[error("configuration error: {0}")]
    Config(String),
    /// Pagination stopped because the server kept sending pages past a
    /// bound (a repeated page, or more pages than the cap).
    #[error("pagination stopped: {0}")]
    Pagination(String),
}

/// A failure reported by Cloudflare in its envelope.
#[derive(Debug, Clone, thiserror::Error)]
#[error("Cloudflare API error (HTTP {status}{}): {}{}", ray(.cf_ray), describe(.errors), attempts_note(*.attempts))]
pub struct ApiError {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// Cloudflare's errors, in the order sent (codes can exceed 65,535).
    pub errors: Vec<ResponseInfo>,
    /// Informational messages sent alongside.
    pub messages: Vec<ResponseInfo>,
    /// The `cf-ray` header, which Cloudflare support asks for.
    pub cf_ray: Option<String>,
    /// How many attempts were made.
    pub attempts: u32,
    /// Set when the client gave up because the server asked to wait longer
    /// than the retry policy allows: the delay the server asked for.
    pub retry_after: Option<Duration>,
}

/// An HTTP error status whose body is not a Cloudflare envelope.
#[derive(Debug, Clone, thiserror::Error)]
#[error("HTTP {status}{}: {excerpt:?}{}", ray(.cf_ray), attempts_note(*.attempts))]
pub struct HttpError {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The start of the body (at most [`EXCERPT_LIMIT`] bytes, lossy UTF-8).
    pub excerpt: String,
    /// The `cf-ray` header.
    pub cf_ray: Option<String>,
    /// How many attempts were made.
    pub attempts: u32,
    /// Set when the client gave up because the server asked to wait longer
    /// than the retry policy allows: the delay the server asked for.
    pub retry_after: Option<Duration>,
}

/// A response body that does not match the documented type.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot decode the response (HTTP {status}{}): {message}; body starts {excerpt:?}{}", ray(.cf_ray), attempts_note(*.attempts))]
pub struct DecodeError {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// What the decoder said, with the position or field at fault.
    pub message: String,
    /// The start of the body (at most [`EXCERPT_LIMIT`] bytes, lossy UTF-8).
    pub excerpt: String,
    /// The `cf-ray` header.
    pub cf_ray: Option<String>,
    /// How many attempts were made.
    pub attempts: u32,
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

fn ray(cf_ray: &Option<String>) -> String {
    cf_ray.as_ref().map(|r| format!(", cf-ray {r}")).unwrap_or_default()
}

fn attempts_note(n: u32) -> String {
    if n > 1 {
        format!(" (after {n} attempts)")
    } else {
        String::new()
    }
}

fn describe(errors: &[ResponseInfo]) -> String {
    if errors.is_empty() {
        return "no error details".to_owned();
    }
    let parts: Vec<String> = errors.iter().map(|e| format!("[{}] {}", e.code, e.message)).collect();
    parts.join("; ")
}

impl Error {
    /// The HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Http(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// Cloudflare's error codes, in order (empty when there are none).
    pub fn codes(&self) -> Vec<u64> {
        match self {
            Error::Api(e) => e.errors.iter().map(|m| m.code).collect(),
            _ => Vec::new(),
        }
    }

    /// The `cf-ray` header of the response, when there was one.
    pub fn cf_ray(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.cf_ray.as_deref(),
            Error::Http(e) => e.cf_ray.as_deref(),
            Error::Decode(e) => e.cf_ray.as_deref(),
            _ => None,
        }
    }

    /// How many attempts were made before this error (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(e) => e.attempts,
            Error::Http(e) => e.attempts,
            Error::Decode(e) => e.attempts,
            Error::Timeout { attempts } | Error::Transport { attempts, .. } => *attempts,
            Error::BodyTooLarge { attempts, .. } => *attempts,
            Error::Pagination(_) => 1,
            Error::InvalidInput { .. } | Error::Config(_) => 0,
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

    /// The caller's input was rejected before sending.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput { .. })
    }
}
