//! The middleware every request goes through before a handler: the
//! request log, the scripted response (if one is queued), the body limit
//! and the credential check; a `cf-ray` header on every answer.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::envelope::FakeError;
use super::state::Shared;
use super::{auth, codes};

/// Largest request body the fake reads.
const BODY_LIMIT: usize = 1024 * 1024;

/// Logs the request, applies the next scripted response if any, checks the
/// credentials, then lets the router handle it; adds a `cf-ray` header.
pub(crate) async fn intercept(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, BODY_LIMIT).await;
    let (seq, scripted) = shared.faults().received(&parts, body.as_deref().unwrap_or_default());
    let mut response = match &scripted {
        Some(script) => {
            tokio::time::sleep(script.delay).await;
            match script.reply() {
                Some(response) => response,
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
    shared.faults().answered(seq, response.status().as_u16());
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
