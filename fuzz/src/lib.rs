//! What the fuzz targets check, shared between them. Every check panics
//! (a crash for libFuzzer) when the crate breaks one of its promises.

use std::fmt::Debug;

use cloudflare_spectrum::types::{self, Identifier};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Whether floats must read back bit for bit. serde_json does so only with
/// its `float_roundtrip` feature, which the crate does not enable yet (see
/// tests/README.md); until then a float may come back a few ULPs off, and
/// the checks below allow that much and no more.
pub const EXACT_FLOATS: bool = true;

/// Decodes `data` as the client does (`serde_json::from_slice`, then, for
/// the error message, `serde_path_to_error` on the same bytes) into `T`.
/// Whatever decodes must also decode with the path-tracking decoder, and
/// write back and read back as the same value.
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
    let (first, second) = (
        serde_json::to_value(&value).unwrap(),
        serde_json::to_value(&again).unwrap(),
    );
    assert!(same(&first, &second), "changed in a round trip:\n{first}\n{second}");
    Some(value)
}

/// Decodes `data` into every envelope type of the API and its failure body.
pub fn decode_every_envelope(data: &[u8]) {
    decode::<types::SpectrumAppResponse>(data);
    decode::<types::SpectrumAppListResponse>(data);
    decode::<types::SpectrumAppDeleteResponse>(data);
    decode::<types::SpectrumAnalyticsCurrentResponse>(data);
    decode::<types::SpectrumAnalyticsReportResponse>(data);
    decode::<types::SpectrumProtocolListResponse>(data);
    decode::<types::MagicAppListResponse>(data);
    decode::<types::MagicAppResponse>(data);
    decode::<types::FailureResponse>(data);
    // The request bodies too: a fetched app goes back as a config.
    decode::<types::SpectrumAppConfig>(data);
    decode::<types::MagicAppCreate>(data);
    decode::<types::MagicAppUpdate>(data);
}

/// JSON equality, floats within a few ULPs unless [`EXACT_FLOATS`].
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
        || id
            .chars()
            .any(|c| matches!(c, '/' | '?' | '#' | '\\' | '%') || pattern_whitespace(c))
}

/// `Identifier` never accepts a value that could change the endpoint, and
/// what it accepts goes into a URL path as exactly one segment that reads
/// back as the value.
pub fn check_identifier(id: &str) {
    let parsed = Identifier::try_from(id);
    let decoded = serde_json::from_value::<Identifier>(Value::String(id.to_owned()));
    assert_eq!(
        parsed.is_ok(),
        decoded.is_ok(),
        "try_from and decoding disagree on {id:?}"
    );
    let Ok(parsed) = parsed else {
        return;
    };
    assert!(!changes_the_path(id), "accepted {id:?}");
    assert_eq!(parsed.as_str(), id);
    let segment = progenitor_client::encode_path(&parsed.to_string());
    let url = format!("https://api.cloudflare.com/client/v4/zones/{segment}/spectrum/apps");
    let url = reqwest::Url::parse(&url).unwrap_or_else(|e| panic!("{id:?} made a bad URL: {e}"));
    let segments: Vec<&str> = url.path_segments().expect("a base").collect();
    assert_eq!(segments.len(), 6, "{id:?} made {}", url.path());
    assert_eq!(&segments[..3], ["client", "v4", "zones"]);
    assert_eq!(&segments[4..], ["spectrum", "apps"]);
    assert_eq!(
        percent_decode(segments[3]),
        id.as_bytes(),
        "{id:?} read back differently from {}",
        url.path()
    );
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
