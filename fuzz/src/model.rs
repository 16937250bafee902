//! What the client must answer for a response, from the crate's stated
//! rules (README, `src/client/decode.rs` docs), written independently of
//! its code:
//!
//! * any 2xx is a success status;
//! * `success: false` is `Error::Api` whatever the status;
//! * a 2xx with no body (a 204, an empty or blank body) or without a result
//!   (`result` absent or `null`) is `Ok` for the operations that say what
//!   stands for it (the two deletes) and `Error::Decode` for the others;
//! * a 2xx whose body is not an envelope of the operation (anything but a
//!   JSON object, or an object of the wrong shape) is `Error::Decode`;
//! * an error status whose body is an envelope with `success: false` or
//!   non-empty `errors` is `Error::Api`, otherwise `Error::Http`;
//! * `errors` and `messages` may be `null` or absent, `success` absent;
//!   an entry that is not `{code, message}` is kept as its JSON text, with
//!   code 0;
//! * integers written as floats (`1.0`, `2e0`) are read as integers
//!   (modelled by rewriting the text, [`integral_floats_as_integers`]).

use std::borrow::Cow;

use cloudflare_spectrum::types::{ResponseInfo, ResultInfo};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::integral_floats_as_integers;

/// Cloudflare's envelope as the client reads it.
#[derive(Debug, Deserialize, PartialEq, Serialize)]
pub struct Envelope<T> {
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub errors: Vec<ResponseInfo>,
    #[serde(default, deserialize_with = "nullable")]
    pub messages: Vec<ResponseInfo>,
    #[serde(default = "Option::default")]
    pub result: Option<T>,
    #[serde(default)]
    pub result_info: Option<ResultInfo>,
}

/// An envelope that failed: only its status lists matter.
#[derive(Debug, Deserialize, PartialEq, Serialize)]
pub struct Failure {
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub errors: Vec<ResponseInfo>,
    #[serde(default, deserialize_with = "nullable")]
    pub messages: Vec<ResponseInfo>,
}

/// `errors` or `messages`: `null` is empty; an entry (or a whole value
/// that is not a list) that is not a `{code, message}` object is kept as
/// its JSON text with code 0.
fn nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ResponseInfo>, D::Error> {
    let entry = |raw: &RawValue| {
        parse::<ResponseInfo>(raw.get().as_bytes()).unwrap_or_else(|| ResponseInfo::new(0u64, raw.get()))
    };
    Ok(match Option::<Box<RawValue>>::deserialize(d)? {
        None => Vec::new(),
        Some(raw) => match serde_json::from_str::<Option<Vec<Box<RawValue>>>>(raw.get()) {
            Ok(entries) => entries.into_iter().flatten().map(|e| entry(&e)).collect(),
            Err(_) => vec![entry(&raw)],
        },
    })
}

/// What the client must answer.
#[derive(Debug)]
pub enum Expected {
    /// The result (as JSON), the page details and the envelope's messages.
    Ok { value: Value, result_info: Option<Value>, messages: Value },
    /// `Error::Api` with these errors and messages.
    Api { errors: Value, messages: Value },
    /// `Error::Http`.
    Http,
    /// `Error::Decode`.
    Decode,
}

/// `body` decoded as `T`, or else with its integral floats written as
/// integers.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    match serde_json::from_slice(body) {
        Ok(value) => Some(value),
        Err(_) => match integral_floats_as_integers(body) {
            Cow::Owned(integers) => serde_json::from_slice(&integers).ok(),
            Cow::Borrowed(_) => None,
        },
    }
}

fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("a decoded value is JSON")
}

/// The answer to `status` and `body` (as inflated) of an operation whose
/// result is `T` and which answers `empty` for a success without one.
pub fn expect<T: DeserializeOwned + Serialize>(status: u16, body: &[u8], empty: Option<Value>) -> Expected {
    // Only a JSON object is an envelope (serde would read an array as a
    // struct whose fields all have defaults).
    let object = body.trim_ascii_start().starts_with(b"{");
    if !(200..=299).contains(&status) {
        return match parse::<Failure>(body).filter(|_| object) {
            Some(f) if f.success == Some(false) || !f.errors.is_empty() => {
                Expected::Api { errors: json(&f.errors), messages: json(&f.messages) }
            }
            _ => Expected::Http,
        };
    }
    if status == 204 || body.trim_ascii().is_empty() {
        return match empty {
            Some(value) => Expected::Ok { value, result_info: None, messages: Value::Array(Vec::new()) },
            None => Expected::Decode,
        };
    }
    if !object {
        return Expected::Decode;
    }
    match parse::<Envelope<T>>(body) {
        Some(envelope) if envelope.success == Some(false) => {
            Expected::Api { errors: json(&envelope.errors), messages: json(&envelope.messages) }
        }
        Some(envelope) => match envelope.result.as_ref().map(json).or(empty) {
            Some(value) => Expected::Ok {
                value,
                result_info: envelope.result_info.as_ref().map(json),
                messages: json(&envelope.messages),
            },
            None => Expected::Decode,
        },
        None => match parse::<Failure>(body) {
            Some(f) if f.success == Some(false) => {
                Expected::Api { errors: json(&f.errors), messages: json(&f.messages) }
            }
            _ => Expected::Decode,
        },
    }
}
