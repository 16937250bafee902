//! How every generated method's request goes over the wire.
//!
//! Progenitor calls [`ClientHooks::exec`] for each request; the generated
//! client's inner value is a [`CallContext`] made fresh for each call. The
//! hook adds the client's headers (credentials marked sensitive), removes the
//! `api-version` header progenitor adds (Cloudflare does not use it), sets a
//! per-request timeout when the call overrides the client's, reads the body
//! (bounded), retries per the [`RetryPolicy`](crate::RetryPolicy), and
//! records the status, `cf-ray` and attempts in the context for the wrapper
//! that turns the outcome into a plain `Result` (response headers are copied
//! only for [`with_metadata`](crate::with_metadata)).

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Request, Response, ResponseBuilderExt as _, StatusCode};
use tracing::Instrument as _;

use crate::retry::{Decision, Outcome, RetryPolicy};
use crate::{Error, generated};

/// The `cf-ray` response header, which identifies a request to Cloudflare.
pub(crate) const CF_RAY: reqwest::header::HeaderName = reqwest::header::HeaderName::from_static("cf-ray");

/// Settings shared by every call of a client.
pub(crate) struct Shared {
    /// Where requests go, without a trailing slash.
    pub(crate) base_url: String,
    /// Credentials (sensitive), user agent and the caller's extra headers.
    pub(crate) headers: HeaderMap,
    /// Largest response body read into memory.
    pub(crate) max_response_bytes: usize,
    /// The total timeout the reqwest client was built with, if this crate
    /// built it: calls with that timeout need no per-request one.
    pub(crate) client_timeout: Option<Duration>,
}

/// The resolved settings of one call.
#[derive(Clone, Debug)]
pub(crate) struct CallSettings {
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
}

/// The inner value of the generated client: one per call.
pub struct CallContext {
    pub(crate) shared: Arc<Shared>,
    pub(crate) settings: CallSettings,
    state: Mutex<CallState>,
}

/// What the transport learnt while making one call.
#[derive(Default)]
pub(crate) struct CallState {
    pub(crate) attempts: u32,
    pub(crate) status: Option<StatusCode>,
    /// The response's `cf-ray` header, for errors.
    pub(crate) cf_ray: Option<HeaderValue>,
    /// A failure found by the transport itself; it overrides whatever the
    /// generated code made of the (then empty) response.
    pub(crate) failure: Option<Error>,
    /// The server asked to wait longer than the policy allows.
    pub(crate) gave_up_after: Option<Duration>,
}

impl CallContext {
    pub(crate) fn new(shared: Arc<Shared>, settings: CallSettings) -> Self {
        Self {
            shared,
            settings,
            state: Mutex::default(),
        }
    }

    /// The recorded state; a poisoned lock still holds usable data.
    pub(crate) fn state(&self) -> MutexGuard<'_, CallState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn prepare(&self, request: &mut Request) {
        let headers = request.headers_mut();
        headers.remove("api-version");
        for name in self.shared.headers.keys() {
            headers.remove(name);
        }
        for (name, value) in &self.shared.headers {
            headers.append(name, value.clone());
        }
        // A per-request timeout lives in the request's extensions (two
        // allocations, and two more for the retry copy): only set it when
        // the client's own differs.
        if self.shared.client_timeout != Some(self.settings.timeout) {
            *request.timeout_mut() = Some(self.settings.timeout);
        }
    }

    async fn send(&self, http: &reqwest::Client, request: Request, operation: &str) -> reqwest::Result<Response> {
        let method = request.method().clone();
        let mut current = request;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            self.state().attempts = attempt;
            // Generated requests carry in-memory bodies, which always clone;
            // should one not, it is sent once.
            let spare = current.try_clone();
            let started = Instant::now();
            let result = match http.execute(current).await {
                Ok(response) => self.read(response).await,
                Err(e) => Err(e),
            };
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let decision = match &result {
                Ok(response) => {
                    let status = response.status();
                    // Field values are only computed when the event is enabled.
                    tracing::debug!(
                        operation,
                        attempt,
                        status = status.as_u16(),
                        cf_ray = response.headers().get(CF_RAY).and_then(|v| v.to_str().ok()),
                        elapsed_ms,
                        "response"
                    );
                    let mut state = self.state();
                    state.status = Some(status);
                    state.cf_ray = response.headers().get(CF_RAY).cloned();
                    if state.failure.is_some() {
                        return result;
                    }
                    drop(state);
                    self.settings
                        .retry
                        .decide(&method, attempt, &Outcome::Response(status, response.headers()))
                }
                Err(e) => {
                    tracing::debug!(operation, attempt, error = %e, elapsed_ms, "request failed");
                    let outcome = if e.is_connect() {
                        Outcome::NotSent
                    } else {
                        Outcome::Failed
                    };
                    self.settings.retry.decide(&method, attempt, &outcome)
                }
            };
            match (decision, spare) {
                (Decision::RetryAfter(delay), Some(next)) => {
                    tracing::debug!(operation, attempt, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                    current = next;
                }
                (Decision::GiveUp(delay), _) => {
                    tracing::debug!(
                        operation,
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        "server delay above the cap"
                    );
                    self.state().gave_up_after = Some(delay);
                    return result;
                }
                _ => return result,
            }
        }
    }

    fn fail_too_large(&self, limit: usize) {
        let mut state = self.state();
        state.failure = Some(Error::BodyTooLarge {
            limit,
            attempts: state.attempts,
        });
    }

    /// Reads the whole body (at most `max_response_bytes`) and hands the
    /// generated code a response that holds it in memory.
    async fn read(&self, mut response: Response) -> reqwest::Result<Response> {
        let limit = self.shared.max_response_bytes;
        let length = response.content_length();
        let too_large = length.is_some_and(|len| len > limit as u64);
        // A body that arrives in one chunk is kept as is; longer ones are
        // gathered in a buffer sized from Content-Length.
        let mut first: Option<Bytes> = None;
        let mut rest = Vec::new();
        let mut read = 0usize;
        if !too_large {
            while let Some(chunk) = response.chunk().await? {
                read += chunk.len();
                if read > limit {
                    (first, rest) = (None, Vec::new());
                    self.fail_too_large(limit);
                    break;
                }
                match first.take() {
                    None if rest.is_empty() => first = Some(chunk),
                    earlier => {
                        if let Some(earlier) = earlier {
                            rest.reserve(length.map_or(0, |len| len as usize).max(read));
                            rest.extend_from_slice(&earlier);
                        }
                        rest.extend_from_slice(&chunk);
                    }
                }
            }
        } else {
            self.fail_too_large(limit);
        }
        let body = first.unwrap_or_else(|| Bytes::from(rest));
        // The URL can only be attached through the builder; carrying it over
        // spares reqwest parsing a placeholder. Status, version and headers
        // are set outside the (infallible here) builder so no path drops them.
        let mut rebuilt = http::Response::builder()
            .url(response.url().clone())
            .body(body.clone())
            .unwrap_or_else(|_| http::Response::new(body));
        *rebuilt.status_mut() = response.status();
        *rebuilt.version_mut() = response.version();
        *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
        Ok(Response::from(rebuilt))
    }
}

/// A clone starts with no recorded state (the generated client derives
/// `Clone`; this crate never clones a context mid-call).
impl Clone for CallContext {
    fn clone(&self) -> Self {
        Self::new(self.shared.clone(), self.settings.clone())
    }
}

/// Shows the settings only: never the headers, which hold credentials.
impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl ClientHooks<CallContext> for generated::Client {
    async fn exec(&self, mut request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let context = self.inner();
        context.prepare(&mut request);
        let span = tracing::info_span!(
            "cloudflare_spectrum",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
        );
        context
            .send(self.client(), request, info.operation_id)
            .instrument(span)
            .await
    }
}
