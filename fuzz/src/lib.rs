//! What the fuzz targets check, shared between them. Every check panics
//! (a crash for libFuzzer) when the crate breaks one of its promises.
//!
//! * this file: decoding and round trips of the generated types, the path
//!   rules of `Identifier`;
//! * [`model`]: what the client must answer for a response (status and
//!   body), written from the crate's stated rules, not from its code;
//! * [`dry`]: a real `Client` whose requests go nowhere, so that a target
//!   can read the URL it built.

use std::borrow::Cow;
use std::fmt::Debug;

use cloudflare_spectrum::types::{self, Identifier};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub mod dry;
pub mod model;

/// Whether floats must read back bit for bit. serde_json does so only with
/// its `float_roundtrip` feature, which the crate enables; were it ever
/// dropped, a float could come back a few ULPs off, and the checks below
/// would allow that much and no more.
pub const EXACT_FLOATS: bool = true;

/// Decodes `data` into `T` as the client can: `serde_json::from_slice`,
/// and `serde_path_to_error` on the same bytes (the client's error
/// messages). Whatever decodes must also decode the other way to the same
/// value, write back and read back as the same value, and read the same
/// with its integral floats written as integers (the client's second try
/// rewrites the text so).
pub fn decode<T>(data: &[u8]) -> Option<T>
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let plain = serde_json::from_slice::<T>(data);
    let mut decoder = serde_json::Deserializer::from_slice(data);
    let tracked = serde_path_to_error::deserialize::<_, T>(&mut decoder);
    match (&plain, &tracked) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the two decoders disagree"),
        (Ok(_), Err(e)) => panic!("decoded plainly but not with paths: {e}"),
        // Trailing bytes after a value are only refused by `from_slice`.
        (Err(_), _) => {}
    }
    let value = plain.ok()?;
    let written = serde_json::to_vec(&value).expect("a decoded value always encodes");
    let again: T =
        serde_json::from_slice(&written).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&written)));
    let (first, second) = (to_value(&value), to_value(&again));
    assert!(same(&first, &second), "changed in a round trip:\n{first}\n{second}");
    // `1.0` read as `1`: the client's promise that number fields read such
    // a body the same either way.
    if let Cow::Owned(integers) = integral_floats_as_integers(data) {
        let read = serde_json::from_slice::<T>(&integers).unwrap_or_else(|e| {
            panic!("decoded, but not with its floats written as integers: {e}\n{}", String::from_utf8_lossy(&integers))
        });
        let (first, read) = (kept_text_rewritten(first), kept_text_rewritten(to_value(&read)));
        assert!(same(&first, &read), "integral floats read differently as integers:\n{first}\n{read}");
    }
    Some(value)
}

/// `value` with the text of each error or message entry that was kept as
/// its JSON text (code 0, `model::Envelope`) read with its integral floats
/// written as integers: the kept text is what the body said, so it changes
/// with the body, and means the same.
fn kept_text_rewritten(value: Value) -> Value {
    match value {
        Value::Object(mut map) => {
            if map.get("code") == Some(&Value::from(0))
                && let Some(Value::String(text)) = map.get_mut("message")
            {
                *text = String::from_utf8_lossy(&integral_floats_as_integers(text.as_bytes())).into_owned();
            }
            Value::Object(map.into_iter().map(|(k, v)| (k, kept_text_rewritten(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(kept_text_rewritten).collect()),
        other => other,
    }
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("a decoded value is JSON")
}

/// Decodes `data` into every envelope, result and request type of the API,
/// and, once more, with its integral floats written as integers (which the
/// client accepts).
pub fn decode_every_type(data: &[u8]) {
    decode_types(data);
    if let Cow::Owned(integers) = integral_floats_as_integers(data) {
        decode_types(&integers);
    }
}

fn decode_types(data: &[u8]) {
    // The generated envelopes, strict (the mock kit and users build them).
    decode::<types::SpectrumAppResponse>(data);
    decode::<types::SpectrumAppListResponse>(data);
    decode::<types::SpectrumAppDeleteResponse>(data);
    decode::<types::SpectrumAnalyticsCurrentResponse>(data);
    decode::<types::SpectrumAnalyticsReportResponse>(data);
    decode::<types::SpectrumProtocolListResponse>(data);
    decode::<types::MagicAppListResponse>(data);
    decode::<types::MagicAppResponse>(data);
    decode::<types::FailureResponse>(data);
    // Every operation's result inside the envelope the client reads:
    // `success`, `errors` and `messages` optional (the lists nullable),
    // `result` optional.
    decode::<model::Envelope<types::SpectrumApp>>(data);
    decode::<model::Envelope<Vec<types::SpectrumApp>>>(data);
    decode::<model::Envelope<types::SpectrumAppId>>(data);
    decode::<model::Envelope<Vec<types::SpectrumAnalyticsCurrent>>>(data);
    decode::<model::Envelope<types::SpectrumAnalyticsReport>>(data);
    decode::<model::Envelope<Vec<types::SpectrumProtocol>>>(data);
    decode::<model::Envelope<Vec<types::MagicApp>>>(data);
    decode::<model::Envelope<types::MagicAccountApp>>(data);
    decode::<model::Failure>(data);
    // The request bodies too: a fetched app goes back as a config.
    decode::<types::SpectrumAppConfig>(data);
    decode::<types::MagicAppCreate>(data);
    decode::<types::MagicAppUpdate>(data);
}

/// JSON equality, floats within a few ULPs unless [`EXACT_FLOATS`]; an
/// integer and a float are equal when they are the same number.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || (!EXACT_FLOATS && (x - y).abs() <= x.abs().max(y.abs()) * 1e-14)
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// `data` with every JSON number written as a float that is a whole number
/// an integer can hold (`1.0`, `2e0`, `-3.0E+0`) written as that integer,
/// as the client promises to read them: from 0 up to 2^64 as an unsigned
/// integer, from -2^63 up to 0 as a signed one (the value first read as an
/// `f64`, as serde_json reads it). Only whole number tokens outside strings
/// are changed, so a text that is not JSON stays so.
pub fn integral_floats_as_integers(data: &[u8]) -> Cow<'_, [u8]> {
    let delimiter = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b'[' | b']' | b'{' | b'}');
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if b == b'"' {
            i += 1;
            while i < data.len() && data[i] != b'"' {
                i += if data[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            continue;
        }
        if (b == b'-' || b.is_ascii_digit()) && (i == 0 || delimiter(data[i - 1])) {
            let start = i;
            while i < data.len() && matches!(data[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                i += 1;
            }
            let token = &data[start..i];
            if (i == data.len() || delimiter(data[i]))
                && let Some(integer) = whole_number(token)
            {
                let out = out.get_or_insert_with(|| Vec::with_capacity(data.len()));
                out.extend_from_slice(&data[copied..start]);
                out.extend_from_slice(integer.as_bytes());
                copied = i;
            }
            continue;
        }
        i += 1;
    }
    match out {
        Some(mut out) => {
            out.extend_from_slice(&data[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(data),
    }
}

/// The integer a JSON number token written as a float stands for.
fn whole_number(token: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(token).ok()?;
    if !is_json_number(text) || !text.contains(['.', 'e', 'E']) {
        return None;
    }
    let number: f64 = text.parse().ok()?;
    if !number.is_finite() || number.fract() != 0.0 {
        return None;
    }
    if (0.0..18_446_744_073_709_551_616.0).contains(&number) {
        Some((number as u64).to_string())
    } else if (-9_223_372_036_854_775_808.0..0.0).contains(&number) {
        Some((number as i64).to_string())
    } else {
        None
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Whitespace as the document's `Identifier` pattern sees it (`\s` of
/// ECMAScript regular expressions, plus U+0085 which the pattern lists):
/// Unicode White_Space and U+FEFF.
pub fn pattern_whitespace(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Whether `id` could change which endpoint a path hits.
pub fn changes_the_path(id: &str) -> bool {
    let length = id.chars().count();
    length == 0
        || length > 32
        || id == "."
        || id == ".."
        || id.chars().any(|c| matches!(c, '/' | '?' | '#' | '\\' | '%') || pattern_whitespace(c))
}

/// `Identifier` never accepts a value that could change the endpoint, and
/// its four ways in (`try_from` of `&str` and `String`, `parse`, decoding)
/// agree.
pub fn check_identifier(id: &str) -> bool {
    let parsed = Identifier::try_from(id);
    let decoded = serde_json::from_value::<Identifier>(Value::String(id.to_owned()));
    let owned = Identifier::try_from(id.to_owned());
    let from_str = id.parse::<Identifier>();
    assert_eq!(parsed.is_ok(), decoded.is_ok(), "try_from and decoding disagree on {id:?}");
    assert_eq!(parsed, owned, "try_from(&str) and try_from(String) disagree on {id:?}");
    assert_eq!(parsed, from_str, "try_from and parse disagree on {id:?}");
    let Ok(parsed) = parsed else {
        return false;
    };
    assert!(!changes_the_path(id), "accepted {id:?}");
    assert_eq!(parsed.as_str(), id);
    assert_eq!(decoded.unwrap(), parsed);
    true
}

/// Decodes `%XX` escapes.
pub fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_to_integers() {
        let cases: &[(&str, &str)] = &[
            (r#"{"a": 1.0, "b": [2e0, -3.0E+0, 1.5], "c": "1.0"}"#, r#"{"a": 1, "b": [2, -3, 1.5], "c": "1.0"}"#),
            ("1.0.0", "1.0.0"),
            ("01.0", "01.0"),
            (r#"["\"1.0", 1.0]"#, r#"["\"1.0", 1]"#),
            ("-0.0", "0"),
            ("1e400", "1e400"),
            ("18446744073709551616.0", "18446744073709551616.0"),
        ];
        for (input, output) in cases {
            assert_eq!(String::from_utf8_lossy(&integral_floats_as_integers(input.as_bytes())), *output);
        }
    }
}
