//! Checks the credentials of a request against the accepted ones.

use axum::http::{HeaderMap, StatusCode};

use super::codes;
use super::envelope::FakeError;
use super::state::Accepted;

/// `Ok` when the request carries accepted credentials; otherwise the 403
/// the fake answers (10000 when none were sent, 9109 or 9103 when wrong).
pub(crate) fn check(headers: &HeaderMap, accepted: &Accepted) -> Result<(), FakeError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty());
    let forbidden = |code, message: &str| Err(FakeError::new(StatusCode::FORBIDDEN, code, message));
    if let Some(authorization) = header("authorization") {
        return match authorization.strip_prefix("Bearer ") {
            Some(token) if token.trim() == accepted.token => Ok(()),
            _ => forbidden(codes::INVALID_TOKEN, "Invalid access token"),
        };
    }
    match (header("x-auth-email"), header("x-auth-key")) {
        (Some(email), Some(key)) if email.eq_ignore_ascii_case(&accepted.email) && key == accepted.api_key => {
            return Ok(());
        }
        (Some(_), Some(_)) => return forbidden(codes::INVALID_KEY, "Unknown X-Auth-Key or X-Auth-Email"),
        _ => {}
    }
    match header("x-auth-user-service-key") {
        Some(key) if key == accepted.user_service_key => Ok(()),
        Some(_) => forbidden(codes::INVALID_TOKEN, "Invalid user service key"),
        None => forbidden(codes::AUTHENTICATION_ERROR, "Authentication error"),
    }
}
