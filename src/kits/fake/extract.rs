//! What handlers take from a request: checked path identifiers, query
//! parameters, and the JSON body.

use axum::extract::{FromRequestParts, Path, Query, RawPathParams};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::codes;
use super::envelope::FakeError;
use super::known::Known;
use super::state::is_id;

/// Path parameters, each checked to be a Cloudflare identifier (32
/// hexadecimal digits): `Ids<String>` for one, `Ids<(String, String)>` for
/// two. Anything else is a 400 with [`codes::INVALID_IDENTIFIER`].
pub(crate) struct Ids<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Ids<T> {
    type Rejection = FakeError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, FakeError> {
        let invalid = |parts: &Parts| {
            FakeError::new(
                StatusCode::BAD_REQUEST,
                codes::INVALID_IDENTIFIER,
                format!("Could not route to {}, perhaps your object identifier is invalid?", parts.uri.path()),
            )
        };
        let raw = RawPathParams::from_request_parts(parts, state).await.map_err(|_| invalid(parts))?;
        if !raw.iter().all(|(_, value)| is_id(value)) {
            return Err(invalid(parts));
        }
        let Path(ids) = Path::<T>::from_request_parts(parts, state).await.map_err(|_| invalid(parts))?;
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
    /// The query of `uri`, or a 400 when it cannot be decoded.
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
            _ => Err(FakeError::query(format!("{key} must be an integer from {min} to {max}, not {text:?}"))),
        }
    }

    /// An optional value among those the document lists for `T`.
    pub(crate) fn one_of<T: Known>(&self, key: &str) -> Result<Option<T>, FakeError> {
        let Some(text) = self.get(key) else { return Ok(None) };
        T::parse(text)
            .map(Some)
            .ok_or_else(|| FakeError::query(format!("{key} must be one of {}, not {text:?}", T::listing())))
    }
}

/// The body as a JSON object, or a 400 with [`codes::MALFORMED_BODY`].
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

/// A string field that must be present and not blank, at `pointer`.
pub(crate) fn required_str<'a>(object: &'a Map<String, Value>, pointer: &str) -> Result<&'a str, FakeError> {
    let mut value = None;
    for (i, key) in pointer.trim_start_matches('/').split('/').enumerate() {
        value = if i == 0 { object.get(key) } else { value.and_then(|v: &Value| v.get(key)) };
    }
    let name = pointer.trim_start_matches('/').replace('/', ".");
    match value {
        None | Some(Value::Null) => Err(FakeError::field(codes::MISSING_FIELD, pointer, format!("{name} is required"))),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(FakeError::field(codes::MISSING_FIELD, pointer, format!("{name} must not be empty")))
        }
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(FakeError::field(codes::INVALID_FIELD, pointer, format!("{name} must be a string"))),
    }
}

/// The body object as the document's type, or a 400 saying why not.
pub(crate) fn typed<T: DeserializeOwned>(object: Map<String, Value>) -> Result<T, FakeError> {
    serde_json::from_value(Value::Object(object)).map_err(|e| {
        FakeError::new(StatusCode::BAD_REQUEST, codes::INVALID_FIELD, format!("Invalid request body: {e}"))
    })
}
