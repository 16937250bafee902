//! The Cloudflare envelope (`success`, `errors`, `messages`, `result`,
//! `result_info`) turned into a plain result, read once.
//!
//! Tolerant of what still means "it worked": `errors` or `messages` that
//! are `null`, absent or malformed (an entry that is not `{code, message}`
//! is kept as its JSON text), a missing `success` on a 2xx, integers
//! written as floats (`1.0`, `2e0`), and, for operations that say what
//! stands for it, a success with no result (a 204, an empty body,
//! `result: null`). Strict where a value is unusable: `success: false` is an
//! [`Error::Api`] whatever the status, a required `result` that is absent is
//! an [`Error::Decode`], and an error status is an [`Error::Api`] when its
//! body is an envelope that failed, an [`Error::Http`] with a bounded
//! excerpt otherwise. Only a JSON object is an envelope (serde would read an
//! array as a struct of defaults).

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;
use serde_json::value::RawValue;
use serde_path_to_error::Segment;

use crate::client::error::{ApiError, DecodeError, HttpError, excerpt};
use crate::types::{ResponseInfo, ResultInfo};
use crate::{Error, Response, ResponseMeta, Result};

/// A response read in full, what [`reply`] decodes.
pub(crate) struct Received {
    pub(crate) status: reqwest::StatusCode,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: bytes::Bytes,
    pub(crate) attempts: u32,
}

#[derive(Deserialize)]
struct Envelope<T, I = ResultInfo> {
    success: Option<bool>,
    #[serde(default, deserialize_with = "list")]
    errors: Vec<ResponseInfo>,
    #[serde(default, deserialize_with = "list")]
    messages: Vec<ResponseInfo>,
    result: Option<T>,
    result_info: Option<I>,
}

/// An envelope read only for whether it failed, and why.
type Failure = Envelope<IgnoredAny, IgnoredAny>;

/// `errors` or `messages`, read so that they never make a response
/// unreadable: `null` is an empty list, and an entry that is not a
/// `{code, message}` object is kept as its JSON text, with code 0.
fn list<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<ResponseInfo>, D::Error> {
    // `null` and the usual `[]` need no second parse.
    let Some(raw) = Option::<Box<RawValue>>::deserialize(d)?.filter(|raw| raw.get() != "[]") else {
        return Ok(Vec::new());
    };
    Ok(match serde_json::from_str::<Option<Vec<Box<RawValue>>>>(raw.get()) {
        Ok(entries) => entries.into_iter().flatten().map(|e| response_info(&e)).collect(),
        Err(_) => vec![response_info(&raw)],
    })
}

fn response_info(entry: &RawValue) -> ResponseInfo {
    parse(entry.get().as_bytes()).unwrap_or_else(|_| ResponseInfo::new(0u64, entry.get()))
}

/// Turns a response into the typed result (and a list's `result_info`), or
/// the error that says what went wrong; `empty()` is what a success without
/// a result stands for, if anything.
pub(crate) fn reply<T: DeserializeOwned>(
    received: Received,
    empty: impl FnOnce() -> Option<T>,
) -> Result<(Response<T>, Option<ResultInfo>)> {
    let Received { status, headers, body, attempts } = received;
    let meta = ResponseMeta::new(status, headers, attempts);
    let object = body.trim_ascii_start().starts_with(b"{");
    let failed = |meta, message: Option<String>| match parse::<Failure>(&body).ok().filter(|_| object) {
        Some(f) if f.success == Some(false) || (message.is_none() && !f.errors.is_empty()) => api_error(meta, f),
        _ => match message {
            Some(message) => decode_error(meta, &body, message),
            None => Error::Http(Box::new(HttpError { excerpt: excerpt(&body), meta })),
        },
    };
    if !status.is_success() {
        return Err(failed(meta, None));
    }
    let bodyless = status == reqwest::StatusCode::NO_CONTENT || body.trim_ascii().is_empty();
    let envelope = if bodyless {
        Envelope { success: None, errors: Vec::new(), messages: Vec::new(), result: None, result_info: None }
    } else if !object {
        return Err(failed(meta, Some("the body is not a JSON object (the Cloudflare envelope)".into())));
    } else {
        match parse::<Envelope<T>>(&body) {
            Ok(envelope) => envelope,
            Err(message) => return Err(failed(meta, Some(message))),
        }
    };
    if envelope.success == Some(false) {
        return Err(api_error(meta, envelope));
    }
    let Some(value) = envelope.result.or_else(empty) else {
        let what = if bodyless { "the body is empty" } else { "result is absent or null" };
        let expected = std::any::type_name::<T>().rsplit("::").next().unwrap_or("value");
        return Err(decode_error(meta, &body, format!("{what}; expected a result ({expected})")));
    };
    Ok((Response { value, meta, messages: envelope.messages }, envelope.result_info))
}

fn api_error<T, I>(meta: ResponseMeta, failed: Envelope<T, I>) -> Error {
    Error::Api(Box::new(ApiError { meta, errors: failed.errors, messages: failed.messages }))
}

fn decode_error(meta: ResponseMeta, body: &[u8], message: String) -> Error {
    Error::Decode(Box::new(DecodeError { meta, message, excerpt: excerpt(body) }))
}

/// Decodes `body` as `T`. If that fails, once more with every whole number
/// written as a float (`1.0`, `2e0`) written as an integer, which integer
/// fields then accept and number fields read the same: the text is
/// rewritten, never read into a tree, so what the typed decode refuses (a
/// repeated key) stays refused. Otherwise, the complaint naming the field at
/// fault and, for a `oneOf`, the shapes it accepts in plain words.
fn parse<T: DeserializeOwned>(body: &[u8]) -> std::result::Result<T, String> {
    let first = match serde_json::from_slice(body) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let rewritten = whole_floats_as_integers(body);
    let body = match &rewritten {
        Some(text) => match serde_json::from_slice(text) {
            Ok(value) => return Ok(value),
            Err(_) => text.as_slice(),
        },
        None => body,
    };
    let Err(e) = serde_path_to_error::deserialize::<_, T>(&mut serde_json::Deserializer::from_slice(body)) else {
        return Err(first.to_string());
    };
    let (path, mut message) = (e.path().clone(), e.into_inner().to_string());
    if let Some(name) = message.split("untagged enum ").nth(1).and_then(|m| m.split_whitespace().next()) {
        let whole = serde_json::from_slice::<Value>(body).ok();
        let at = whole.as_ref().and_then(|whole| {
            path.iter().try_fold(whole, |at, segment| match segment {
                Segment::Seq { index } => at.get(index),
                Segment::Map { key } => at.get(key),
                _ => Some(at),
            })
        });
        if let Some(words) = plain_words(name, at) {
            message = words;
        }
    }
    // `.` is the root; `?` a place the decoder could not name.
    Err(match path.to_string().as_str() {
        "." | "?" => message,
        path => format!("{path}: {message}"),
    })
}

/// `body` with each number outside strings that is written as a float but
/// is a whole number an integer can hold written as that integer (`None`
/// when there is none).
fn whole_floats_as_integers(body: &[u8]) -> Option<Vec<u8>> {
    let (mut out, mut changed, mut in_string, mut i) = (Vec::with_capacity(body.len()), false, false, 0);
    while let Some(&byte) = body.get(i) {
        let (number, rest) = (!in_string && matches!(byte, b'-' | b'0'..=b'9'), &body[i..]);
        let length = match number {
            true => rest.iter().position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')),
            false => Some(1 + usize::from(in_string && byte == b'\\')),
        };
        let token = &rest[..length.unwrap_or(rest.len()).min(rest.len())];
        let replaced = number.then(|| integer(token)).flatten();
        changed |= replaced.is_some();
        out.extend_from_slice(replaced.as_deref().map_or(token, str::as_bytes));
        in_string ^= byte == b'"';
        i += token.len();
    }
    changed.then_some(out)
}

/// The integer a number written as a float (`1.0`, `2e0`) stands for, when
/// it is a whole one an integer can hold; JSON's grammar, by serde_json.
fn integer(token: &[u8]) -> Option<String> {
    let float = token.iter().any(|b| matches!(b, b'.' | b'e' | b'E'));
    let f = serde_json::from_slice::<f64>(token).ok().filter(|f| float && f.fract() == 0.0)?;
    if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
        Some((f as u64).to_string())
    } else {
        (-9_223_372_036_854_775_808.0..0.0).contains(&f).then(|| (f as i64).to_string())
    }
}

/// What a `oneOf` schema accepts, in plain words (from the document, see
/// `build/shapes.rs`), and the value that is not one of them.
fn plain_words(schema: &str, value: Option<&Value>) -> Option<String> {
    let (_, shapes) = crate::api::SHAPES.iter().find(|(name, _)| *name == schema)?;
    Some(match value {
        Some(value) => format!("expected {shapes}, not {}", value.to_string().chars().take(80).collect::<String>()),
        None => format!("expected {shapes}"),
    })
}
