//! What the fake answers: Cloudflare's envelope, around a result or an
//! error, and the fallbacks for requests no operation handles.

use axum::Json;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use super::codes;
use crate::OperationInfo;
use crate::types::ResultInfo;

/// A request the fake refuses, answered with a Cloudflare error envelope.
#[derive(Debug)]
pub(crate) struct FakeError {
    /// The HTTP status answered.
    pub(crate) status: StatusCode,
    /// The code of the one error in `errors` (see [`codes`]).
    pub(crate) code: u64,
    /// The error's message.
    pub(crate) message: String,
    /// A JSON pointer to the body field at fault (`""` for the whole body).
    pub(crate) pointer: Option<String>,
}

impl FakeError {
    /// An error with this status, code and message, about no field.
    pub(crate) fn new(status: StatusCode, code: u64, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), pointer: None }
    }

    /// A 400 about one body field, `pointer` being its JSON pointer.
    pub(crate) fn field(code: u64, pointer: &str, message: impl Into<String>) -> Self {
        Self { pointer: Some(pointer.to_owned()), ..Self::new(StatusCode::BAD_REQUEST, code, message) }
    }

    /// A 400 about a query parameter.
    pub(crate) fn query(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::INVALID_QUERY, message)
    }

    /// A 404 saying `what` (such as `Application`) does not exist.
    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, format!("{what} not found"))
    }

    /// A 500, for what should never happen.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL_ERROR, message)
    }
}

impl IntoResponse for FakeError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let (Some(pointer), Some(object)) = (self.pointer, error.as_object_mut()) {
            object.insert("source".into(), json!({ "pointer": pointer }));
        }
        let body = json!({ "success": false, "errors": [error], "messages": [], "result": null });
        (self.status, Json(body)).into_response()
    }
}

/// The body of a successful response.
#[derive(Serialize)]
struct Success<T> {
    /// Always `true`.
    success: bool,
    /// Always empty.
    errors: [Value; 0],
    /// Always empty.
    messages: [Value; 0],
    /// What the operation answers.
    result: T,
    /// Pagination, for lists asked for a page.
    #[serde(skip_serializing_if = "Option::is_none")]
    result_info: Option<ResultInfo>,
}

/// `200` with `result` in a successful envelope.
pub(crate) fn ok<T: Serialize>(result: T) -> Response {
    ok_page(result, None)
}

/// `201` with `result` in a successful envelope, for what was created.
pub(crate) fn created<T: Serialize>(result: T) -> Response {
    let mut response = ok(result);
    *response.status_mut() = StatusCode::CREATED;
    response
}

/// `200` with `result` and, when given, `result_info`.
pub(crate) fn ok_page<T: Serialize>(result: T, result_info: Option<ResultInfo>) -> Response {
    Json(Success { success: true, errors: [], messages: [], result, result_info }).into_response()
}

/// Fallback for paths outside the API.
pub(crate) async fn no_route(uri: Uri) -> FakeError {
    FakeError::new(StatusCode::NOT_FOUND, codes::NO_ROUTE, format!("No route for the URI {}", uri.path()))
}

/// Fallback for API paths called with a method they do not have.
pub(crate) async fn method_not_allowed() -> FakeError {
    FakeError::new(StatusCode::METHOD_NOT_ALLOWED, codes::METHOD_NOT_ALLOWED, "Method not allowed for this route")
}

/// The answer to an operation of the document the fake has no handler
/// for: a 404 naming it, with [`codes::NOT_IMPLEMENTED`].
pub(crate) fn not_implemented(operation: &OperationInfo) -> FakeError {
    FakeError::new(
        StatusCode::NOT_FOUND,
        codes::NOT_IMPLEMENTED,
        format!(
            "The operation {} ({} {}) is not implemented in the fake",
            operation.operation_id, operation.method, operation.path
        ),
    )
}
