//! Scripted responses, the request log, and the middleware that applies
//! both (and the credential check) before any handler runs.

use std::collections::VecDeque;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::codes;

/// Most requests the log keeps (the oldest are dropped).
const LOG_LIMIT: usize = 10_000;
/// Headers whose values are never recorded.
const SECRET_HEADERS: [&str; 6] =
    ["authorization", "proxy-authorization", "cookie", "x-auth-email", "x-auth-key", "x-auth-user-service-key"];
/// What a recorded secret looks like.
pub const REDACTED: &str = "[REDACTED]";

/// A response the fake gives to one upcoming request instead of (or before)
/// handling it; queue them with
/// [`FakeCloudflare::script`](super::FakeCloudflare::script).
///
/// ```
/// use std::time::Duration;
/// use cloudflare_spectrum::fake::Scripted;
/// let throttled = Scripted::error(429, 10429, "rate limited").header("retry-after", "1");
/// let edge_page = Scripted::raw(502, "<html>Bad gateway</html>").header("content-type", "text/html");
/// let slow = Scripted::delayed(Duration::from_millis(200));
/// let slow_failure = Scripted::status(500).delay(Duration::from_millis(50));
/// # let _ = (throttled, edge_page, slow, slow_failure);
/// ```
#[derive(Clone, Debug)]
pub struct Scripted {
    /// The status answered.
    status: u16,
    /// Headers set on the response.
    headers: Vec<(String, String)>,
    /// How long to wait before answering.
    pub(crate) delay: Duration,
    /// `None`: handle the request normally (after the delay).
    body: Option<Bytes>,
}

impl Scripted {
    /// `status` with a Cloudflare error envelope (code [`codes::SCRIPTED`]).
    /// A status outside 100 to 999 is sent as 500.
    pub fn status(status: u16) -> Self {
        let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
        Self::error(status, codes::SCRIPTED, format!("Scripted response: {status} {reason}").trim_end())
    }

    /// `status` with a Cloudflare error envelope holding one error.
    pub fn error(status: u16, code: u64, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Self::json(
            status,
            json!({ "success": false, "errors": [{ "code": code, "message": message }], "messages": [], "result": null }),
        )
    }

    /// `status` with a JSON body.
    pub fn json(status: u16, body: Value) -> Self {
        Self::raw(status, body.to_string()).header("content-type", "application/json")
    }

    /// `status` with exactly this body (and no content type unless set with
    /// [`header`](Self::header)).
    pub fn raw(status: u16, body: impl Into<Bytes>) -> Self {
        Self { status, headers: Vec::new(), delay: Duration::ZERO, body: Some(body.into()) }
    }

    /// Normal handling of the request, after `delay` (to exercise timeouts).
    pub fn delayed(delay: Duration) -> Self {
        Self { status: 200, headers: Vec::new(), delay, body: None }
    }

    /// Sets a response header, replacing one of the same name; invalid names
    /// or values are left out. With [`delayed`](Self::delayed) it is added
    /// to the normal response.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into().to_ascii_lowercase();
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.into()));
        self
    }

    /// Waits this long before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The scripted answer, or `None` to handle the request normally.
    pub(crate) fn reply(&self) -> Option<Response> {
        let bytes = self.body.as_ref()?;
        let mut response = Response::new(axum::body::Body::from(bytes.clone()));
        *response.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Some(response)
    }

    /// Sets the scripted headers on `response`.
    pub(crate) fn add_headers(&self, response: &mut Response) {
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
                response.headers_mut().insert(name, value);
            }
        }
    }
}

/// A request the fake received.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method, such as `GET`.
    pub method: String,
    /// The path, such as `/client/v4/zones/…/spectrum/apps`.
    pub path: String,
    /// The raw query string, without `?` (empty when there was none).
    pub query: String,
    /// Every header (lower-case names) in the order received; credentials
    /// (`authorization`, `x-auth-*`, cookies) read [`REDACTED`], the
    /// authorization scheme kept (`Bearer [REDACTED]`).
    pub headers: Vec<(String, String)>,
    /// The body, as text (lossy UTF-8).
    pub body: String,
    /// The status answered, once the response is ready.
    pub status: Option<u16>,
    /// Whether a [`Scripted`] response was used for it.
    pub scripted: bool,
    /// The request's number, to find it again when its answer is ready.
    seq: u64,
}

impl RecordedRequest {
    /// The record of a request, credentials redacted.
    fn new(request: &axum::http::request::Parts, body: &[u8], seq: u64, scripted: bool) -> Self {
        let headers = request
            .headers
            .iter()
            .map(|(name, value)| {
                let name = name.as_str().to_owned();
                let text = String::from_utf8_lossy(value.as_bytes());
                let shown = match name.as_str() {
                    "authorization" if text.starts_with("Bearer ") => format!("Bearer {REDACTED}"),
                    secret if SECRET_HEADERS.contains(&secret) => REDACTED.to_owned(),
                    _ => text.into_owned(),
                };
                (name, shown)
            })
            .collect();
        Self {
            method: request.method.to_string(),
            path: request.uri.path().to_owned(),
            query: request.uri.query().unwrap_or_default().to_owned(),
            headers,
            body: String::from_utf8_lossy(body).into_owned(),
            status: None,
            scripted,
            seq,
        }
    }

    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every value of a query parameter, decoded, in the order sent.
    pub fn query_values(&self, key: &str) -> Vec<String> {
        let uri: Uri = format!("/?{}", self.query).parse().unwrap_or_default();
        let pairs = Query::<Vec<(String, String)>>::try_from_uri(&uri).map(|q| q.0).unwrap_or_default();
        pairs.into_iter().filter(|(k, _)| k == key).map(|(_, v)| v).collect()
    }
}

/// The script and the log.
#[derive(Default)]
pub(crate) struct Faults {
    /// Responses for the next requests, in order.
    pub(crate) script: VecDeque<Scripted>,
    /// The requests received, oldest first.
    pub(crate) log: Vec<RecordedRequest>,
    /// The number of the last request received.
    seq: u64,
}

impl Faults {
    /// Logs a request (dropping the oldest past [`LOG_LIMIT`]) and takes the
    /// scripted response for it, if any; the number is for [`Faults::answered`].
    pub(crate) fn received(&mut self, request: &axum::http::request::Parts, body: &[u8]) -> (u64, Option<Scripted>) {
        let scripted = self.script.pop_front();
        self.seq += 1;
        if self.log.len() >= LOG_LIMIT {
            self.log.remove(0);
        }
        self.log.push(RecordedRequest::new(request, body, self.seq, scripted.is_some()));
        (self.seq, scripted)
    }

    /// Records the status answered to request number `seq`.
    pub(crate) fn answered(&mut self, seq: u64, status: u16) {
        if let Some(recorded) = self.log.iter_mut().rev().find(|r| r.seq == seq) {
            recorded.status = Some(status);
        }
    }
}
