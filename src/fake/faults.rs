//! Scripted responses, the request log, and the middleware that applies
//! both (and the credential check) before any handler runs.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::envelope::FakeError;
use super::state::Shared;
use super::{auth, codes};

/// Largest request body the fake reads.
const BODY_LIMIT: usize = 1024 * 1024;
/// Most requests the log keeps (the oldest are dropped).
const LOG_LIMIT: usize = 10_000;
/// Headers whose values are never recorded.
const SECRET_HEADERS: [&str; 6] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-auth-email",
    "x-auth-key",
    "x-auth-user-service-key",
];
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
    status: u16,
    headers: Vec<(String, String)>,
    delay: Duration,
    /// `None`: handle the request normally (after the delay).
    body: Option<Bytes>,
}

impl Scripted {
    /// `status` with a Cloudflare error envelope (code [`codes::SCRIPTED`]).
    /// A status outside 100 to 999 is sent as 500.
    pub fn status(status: u16) -> Self {
        let reason = StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        Self::error(
            status,
            codes::SCRIPTED,
            format!("Scripted response: {status} {reason}").trim_end(),
        )
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
        Self {
            status,
            headers: Vec::new(),
            delay: Duration::ZERO,
            body: Some(body.into()),
        }
    }

    /// Normal handling of the request, after `delay` (to exercise timeouts).
    pub fn delayed(delay: Duration) -> Self {
        Self {
            status: 200,
            headers: Vec::new(),
            delay,
            body: None,
        }
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

    fn add_headers(&self, response: &mut Response) {
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
    seq: u64,
}

impl RecordedRequest {
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
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a query parameter, decoded, in the order sent.
    pub fn query_values(&self, key: &str) -> Vec<String> {
        let uri: Uri = format!("/?{}", self.query).parse().unwrap_or_default();
        let pairs = Query::<Vec<(String, String)>>::try_from_uri(&uri)
            .map(|q| q.0)
            .unwrap_or_default();
        pairs.into_iter().filter(|(k, _)| k == key).map(|(_, v)| v).collect()
    }
}

/// The script and the log.
#[derive(Default)]
pub(crate) struct Faults {
    pub(crate) script: VecDeque<Scripted>,
    pub(crate) log: Vec<RecordedRequest>,
    seq: u64,
}

/// Logs the request, applies the next scripted response if any, checks the
/// credentials, then lets the router handle it; adds a `cf-ray` header.
pub(crate) async fn intercept(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, BODY_LIMIT).await;
    let (seq, scripted) = {
        let mut faults = shared.faults();
        let scripted = faults.script.pop_front();
        faults.seq += 1;
        let seq = faults.seq;
        let recorded = RecordedRequest::new(&parts, body.as_deref().unwrap_or_default(), seq, scripted.is_some());
        if faults.log.len() >= LOG_LIMIT {
            faults.log.remove(0);
        }
        faults.log.push(recorded);
        (seq, scripted)
    };
    let mut response = match &scripted {
        Some(script) => {
            tokio::time::sleep(script.delay).await;
            match &script.body {
                Some(bytes) => {
                    let mut response = Response::new(Body::from(bytes.clone()));
                    *response.status_mut() =
                        StatusCode::from_u16(script.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    response
                }
                None => handle(&shared, parts, body.ok(), next).await,
            }
        }
        None => handle(&shared, parts, body.ok(), next).await,
    };
    if let Some(script) = &scripted {
        script.add_headers(&mut response);
    }
    if let Ok(ray) = HeaderValue::from_str(&shared.next_ray()) {
        response.headers_mut().entry("cf-ray").or_insert(ray);
    }
    let status = response.status().as_u16();
    if let Some(recorded) = shared.faults().log.iter_mut().rev().find(|r| r.seq == seq) {
        recorded.status = Some(status);
    }
    response
}

/// Normal handling: the body limit, the credentials, then the router.
async fn handle(shared: &Shared, parts: axum::http::request::Parts, body: Option<Bytes>, next: Next) -> Response {
    let Some(body) = body else {
        let message = format!("The request body is larger than {BODY_LIMIT} bytes");
        return FakeError::new(StatusCode::PAYLOAD_TOO_LARGE, codes::BODY_TOO_LARGE, message).into_response();
    };
    if let Err(refused) = auth::check(&parts.headers, &shared.accepted) {
        return refused.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(body))).await
}
