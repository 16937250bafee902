//! The Cloudflare envelope, errors, and what handlers extract from requests.

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, RawPathParams};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::codes;
use super::state::is_id;
use crate::types::ResultInfo;

/// A request the fake refuses, answered with a Cloudflare error envelope.
#[derive(Debug)]
pub(crate) struct FakeError {
    pub(crate) status: StatusCode,
    pub(crate) code: u64,
    pub(crate) message: String,
    /// A JSON pointer to the body field at fault.
    pub(crate) pointer: Option<String>,
}

impl FakeError {
    pub(crate) fn new(status: StatusCode, code: u64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            pointer: None,
        }
    }

    /// A 400 about one body field.
    pub(crate) fn field(code: u64, pointer: &str, message: impl Into<String>) -> Self {
        Self {
            pointer: Some(pointer.to_owned()),
            ..Self::new(StatusCode::BAD_REQUEST, code, message)
        }
    }

    /// A 400 about a query parameter.
    pub(crate) fn query(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::INVALID_QUERY, message)
    }

    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, format!("{what} not found"))
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
    success: bool,
    errors: [Value; 0],
    messages: [Value; 0],
    result: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    result_info: Option<ResultInfo>,
}

/// `200` with `result` in a successful envelope.
pub(crate) fn ok<T: Serialize>(result: T) -> Response {
    ok_page(result, None)
}

/// `200` with `result` and, when given, `result_info`.
pub(crate) fn ok_page<T: Serialize>(result: T, result_info: Option<ResultInfo>) -> Response {
    Json(Success {
        success: true,
        errors: [],
        messages: [],
        result,
        result_info,
    })
    .into_response()
}

/// Fallback for paths outside the API.
pub(crate) async fn no_route(uri: Uri) -> FakeError {
    FakeError::new(
        StatusCode::NOT_FOUND,
        codes::NO_ROUTE,
        format!("No route for the URI {}", uri.path()),
    )
}

/// Fallback for API paths called with a method they do not have.
pub(crate) async fn method_not_allowed() -> FakeError {
    FakeError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "Method not allowed for this route",
    )
}

/// Path parameters, each checked to be a Cloudflare identifier and
/// lower-cased: `Ids<String>` for one, `Ids<(String, String)>` for two.
pub(crate) struct Ids<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Ids<T> {
    type Rejection = FakeError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, FakeError> {
        let invalid = |parts: &Parts| {
            FakeError::new(
                StatusCode::BAD_REQUEST,
                codes::INVALID_IDENTIFIER,
                format!(
                    "Could not route to {}, perhaps your object identifier is invalid?",
                    parts.uri.path()
                ),
            )
        };
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| invalid(parts))?;
        if !raw.iter().all(|(_, value)| is_id(value)) {
            return Err(invalid(parts));
        }
        let Path(ids) = Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(|_| invalid(parts))?;
        Ok(Ids(ids))
    }
}

/// A lower-cased identifier (ids are compared without regard to case).
pub(crate) fn lower(id: String) -> String {
    id.to_ascii_lowercase()
}

/// Query parameters in the order sent; keys may repeat.
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn from_uri(uri: &Uri) -> Result<Self, FakeError> {
        Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map(|Query(pairs)| Self(pairs))
            .map_err(|_| FakeError::query("the query string is not valid"))
    }

    /// The last value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, a repeated key or comma-separated lists, in order.
    pub(crate) fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// An optional integer within `min..=max`.
    pub(crate) fn int(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, FakeError> {
        let Some(text) = self.get(key) else { return Ok(None) };
        match text.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(FakeError::query(format!(
                "{key} must be an integer from {min} to {max}, not {text:?}"
            ))),
        }
    }

    /// An optional value among `allowed`.
    pub(crate) fn one_of(&self, key: &str, allowed: &[&str]) -> Result<Option<String>, FakeError> {
        match self.get(key) {
            None => Ok(None),
            Some(value) if allowed.contains(&value) => Ok(Some(value.to_owned())),
            Some(value) => Err(FakeError::query(format!(
                "{key} must be one of {}, not {value:?}",
                allowed.join(", ")
            ))),
        }
    }
}

/// The body as a JSON object.
pub(crate) fn object(body: &[u8]) -> Result<Map<String, Value>, FakeError> {
    let malformed = |detail: String| {
        FakeError::new(
            StatusCode::BAD_REQUEST,
            codes::MALFORMED_BODY,
            format!("Malformed JSON in request body: {detail}"),
        )
    };
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(malformed("expected an object".into())),
        Err(e) => Err(malformed(e.to_string())),
    }
}

/// A string field that must be present and not blank.
pub(crate) fn required_str<'a>(object: &'a Map<String, Value>, pointer: &str) -> Result<&'a str, FakeError> {
    let mut value = None;
    for (i, key) in pointer.trim_start_matches('/').split('/').enumerate() {
        value = if i == 0 {
            object.get(key)
        } else {
            value.and_then(|v: &Value| v.get(key))
        };
    }
    let name = pointer.trim_start_matches('/').replace('/', ".");
    match value {
        None | Some(Value::Null) => Err(FakeError::field(
            codes::MISSING_FIELD,
            pointer,
            format!("{name} is required"),
        )),
        Some(Value::String(s)) if s.trim().is_empty() => Err(FakeError::field(
            codes::MISSING_FIELD,
            pointer,
            format!("{name} must not be empty"),
        )),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(FakeError::field(
            codes::INVALID_FIELD,
            pointer,
            format!("{name} must be a string"),
        )),
    }
}

/// The body object as the document's type, or a 400 saying why not.
pub(crate) fn typed<T: DeserializeOwned>(object: Map<String, Value>) -> Result<T, FakeError> {
    serde_json::from_value(Value::Object(object)).map_err(|e| {
        FakeError::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_FIELD,
            format!("Invalid request body: {e}"),
        )
    })
}
