//! The one call path: every operation's [`Call`] is sent here, with the
//! client's headers and timeout, retried per the [`RetryPolicy`](crate::RetryPolicy),
//! its body read with a bound counted after decompression, and the response
//! decoded once (`decode.rs`).

use std::time::Instant;

use bytes::Bytes;
use reqwest::Request;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::client::call::Call;
use crate::client::decode::{self, Received};
use crate::client::retry::{Decision, Outcome};
use crate::types::ResultInfo;
use crate::{Client, Error, Response, Result};

impl Client {
    /// Sends `call` and decodes the result (with a list's `result_info`);
    /// a success without one stands for `empty()`, when that is `Some`.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        call: Call,
        empty: impl FnOnce() -> Option<T>,
    ) -> Result<(Response<T>, Option<ResultInfo>)> {
        let span = tracing::info_span!("cloudflare_spectrum", operation = call.operation, method = %call.method, path = call.path);
        let received = self.exchange(call).instrument(span).await?;
        decode::reply(received, empty)
    }

    /// Sends the request until it gets an answer the retry policy keeps.
    /// Each attempt's request is made from the call: no copy is kept for a
    /// retry that may not happen.
    async fn exchange(&self, call: Call) -> Result<Received> {
        // The base URL was parsed once; ids are checked and encoded and the
        // query form-encoded, so setting the rest cannot fail.
        let mut url = self.inner.base.clone();
        url.set_path(&call.path);
        url.set_query(Some(&call.query).filter(|q| !q.is_empty()).map(String::as_str));
        let request = || {
            let mut request = Request::new(call.method.clone(), url.clone());
            *request.headers_mut() = self.inner.headers.clone();
            if let Some(body) = &call.body {
                request.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                *request.body_mut() = Some(body.clone().into());
            }
            // A per-request timeout is stored in the request's extensions:
            // set it only when the call's differs from the client's own.
            if self.inner.client_timeout != Some(self.settings.timeout) {
                *request.timeout_mut() = Some(self.settings.timeout);
            }
            request
        };
        let (policy, operation) = (&self.settings.retry, call.operation);
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(limiter) = &self.inner.limiter {
                limiter.until_ready().await;
            }
            let started = Instant::now();
            let result = match self.inner.http.execute(request()).await {
                Ok(response) => self.read(response, attempt).await,
                Err(e) => Err(failed(e, attempt)),
            };
            let outcome = match &result {
                Ok(r) => Outcome::Response(r.status, &r.headers),
                Err(Error::BodyTooLarge { .. }) => return result,
                Err(Error::Transport { source, .. }) if source.is_connect() => Outcome::NotSent,
                Err(_) => Outcome::Failed,
            };
            let decision = policy.decide(&call.method, attempt, &outcome);
            tracing::debug!(
                operation,
                attempt,
                status = result.as_ref().ok().map(|r| r.status.as_u16()),
                cf_ray = result.as_ref().ok().and_then(|r| r.headers.get("cf-ray")?.to_str().ok()),
                error = result.as_ref().err().map(tracing::field::display),
                elapsed_ms = started.elapsed().as_millis() as u64,
                decision = ?decision,
                "attempt"
            );
            match decision {
                Decision::RetryAfter(delay) => tokio::time::sleep(delay).await,
                _ => return result,
            }
        }
    }

    /// Reads the whole body, decompressed, refusing it past the limit: from
    /// `Content-Length` alone when it says so, else as soon as the bytes
    /// read go past it (so memory stays near the limit whatever a small
    /// compressed body inflates to).
    async fn read(&self, mut response: reqwest::Response, attempts: u32) -> Result<Received> {
        let limit = self.inner.max_response_bytes;
        let status = response.status();
        let too_large = Error::BodyTooLarge { limit, attempts, status };
        if response.content_length().is_some_and(|length| length > limit as u64) {
            return Err(too_large);
        }
        let headers = std::mem::take(response.headers_mut());
        // A body in one chunk is kept as it is; one in several is copied
        // once, into a buffer of its exact size.
        let (mut chunks, mut read) = (Vec::<Bytes>::new(), 0);
        while let Some(chunk) = response.chunk().await.map_err(|e| failed(e, attempts))? {
            read += chunk.len();
            if read > limit {
                return Err(too_large);
            }
            chunks.push(chunk);
        }
        let body = if chunks.len() == 1 { chunks.swap_remove(0) } else { chunks.concat().into() };
        Ok(Received { status, headers, body, attempts })
    }
}

/// A request that failed, or a response that broke off.
fn failed(source: reqwest::Error, attempts: u32) -> Error {
    if source.is_timeout() { Error::Timeout { attempts } } else { Error::Transport { attempts, source } }
}
