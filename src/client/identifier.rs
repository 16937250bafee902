//! [`Identifier`]: a path identifier, checked by hand, and the check every
//! id a caller passes goes through before anything is sent ([`check_id`]).
//!
//! The document's `Identifier` schema has a `pattern` ([`PATTERN`]). typify
//! would check it with a regular expression (regress) on every conversion
//! and every decoded app id: thousands of instructions and several
//! allocations a time, more than the rest of this crate's per-request work
//! (see BENCHMARKS.md). `build.rs` replaces the generated type with this
//! one, whose check is the same rule written out (`check`). The unit test
//! below fails if the document's pattern changes, and holds `check` to the
//! pattern, run by regress, over every code point that matters.

/// The document's pattern for identifiers (`components.schemas.Identifier`).
pub(crate) const PATTERN: &str = r"^(?!\.{1,2}$)[^/?#\\%\s\u0085]{1,32}$";
const MAX_CHARS: usize = 32;

/// A Cloudflare identifier (zone, account, Spectrum app or Magic account
/// app), at most 32 characters. Values that would change the request path
/// (empty, ".", "..", or containing / ? # \ % or white space) are rejected.
#[derive(
    Clone,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd,
    serde::Serialize,
    schemars::JsonSchema,
    derive_more::AsRef,
    derive_more::Deref,
    derive_more::Display,
    derive_more::Into,
)]
#[as_ref(forward)]
pub struct Identifier(#[schemars(length(max = 32), regex(pattern = r"^(?!\.{1,2}$)[^/?#\\%\s\u0085]{1,32}$"))] String);

/// Why a value is not an [`Identifier`] (typify's messages).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    /// More than 32 characters.
    #[error("longer than 32 characters")]
    TooLong,
    /// Empty, `.`, `..`, or a character that would change the path.
    #[error("doesn't match pattern \"{}\"", PATTERN)]
    Pattern,
}

/// ECMAScript's `\s` (WhiteSpace and LineTerminator), which the pattern's
/// `\s` means (Rust's `char::is_whitespace` has U+0085, which the pattern
/// lists on its own, and lacks U+FEFF).
fn is_ecma_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// An identifier of ASCII letters, digits, `-` and `_` (as every real one
/// is): accepted at once, and put into a path as it is.
pub(crate) fn is_plain(value: &str) -> bool {
    (1..=MAX_CHARS).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `value` matches [`PATTERN`]; the messages are typify's.
fn check(value: &str) -> Result<(), IdentifierError> {
    if is_plain(value) {
        return Ok(());
    }
    // Every real identifier is ASCII: one pass over the bytes.
    let (length, allowed) = if value.is_ascii() {
        let forbidden =
            |b: &u8| matches!(b, b'/' | b'?' | b'#' | b'\\' | b'%' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
        (value.len(), !value.as_bytes().iter().any(forbidden))
    } else {
        let forbidden = |c: char| matches!(c, '/' | '?' | '#' | '\\' | '%' | '\u{85}') || is_ecma_space(c);
        (value.chars().count(), !value.chars().any(forbidden))
    };
    if length > MAX_CHARS {
        return Err(IdentifierError::TooLong);
    }
    if length == 0 || !allowed || value == "." || value == ".." {
        return Err(IdentifierError::Pattern);
    }
    Ok(())
}

impl Identifier {
    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks an id the caller passed (`field` names it in the error).
pub(crate) fn check_id(field: &'static str, value: &str) -> crate::Result<()> {
    check(value)
        .map_err(|e| crate::Error::InvalidInput { field, message: format!("{value:?} is not an identifier: {e}") })
}

impl std::str::FromStr for Identifier {
    type Err = IdentifierError;
    fn from_str(value: &str) -> Result<Self, IdentifierError> {
        Self::try_from(value.to_owned())
    }
}

impl TryFrom<&str> for Identifier {
    type Error = IdentifierError;
    fn try_from(value: &str) -> Result<Self, IdentifierError> {
        value.parse()
    }
}

impl TryFrom<String> for Identifier {
    type Error = IdentifierError;
    fn try_from(value: String) -> Result<Self, IdentifierError> {
        check(&value).map(|()| Self(value))
    }
}

impl<'de> serde::Deserialize<'de> for Identifier {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::try_from(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pattern is still the document's.
    #[test]
    fn pattern_is_the_documents() {
        let document: serde_json::Value =
            serde_json::from_str(include_str!("../../openapi/spectrum.json")).expect("the document is JSON");
        let schema = &document["components"]["schemas"]["Identifier"];
        assert_eq!(
            schema["pattern"].as_str(),
            Some(PATTERN),
            "the document's Identifier pattern changed: update PATTERN and `check` in src/client/identifier.rs"
        );
        assert_eq!(schema["maxLength"].as_u64(), Some(MAX_CHARS as u64));
        let ours = serde_json::to_value(schemars::schema_for!(Identifier)).unwrap();
        assert_eq!((&ours["pattern"], &ours["maxLength"]), (&schema["pattern"], &schema["maxLength"]), "the derive's");
    }

    /// The hand-written check accepts exactly what the pattern accepts.
    #[test]
    fn same_as_the_pattern() {
        let regex = regress::Regex::new(PATTERN).unwrap();
        let special = [
            "",
            ".",
            "..",
            "...",
            ".a",
            "a.",
            "a/b",
            "a?b",
            "a#b",
            "a\\b",
            "a%b",
            "a b",
            "\t",
            "\u{85}",
            "\u{a0}",
            "\u{1680}",
            "\u{2000}",
            "\u{200a}",
            "\u{200b}",
            "\u{2028}",
            "\u{2029}",
            "\u{202f}",
            "\u{205f}",
            "\u{3000}",
            "\u{feff}",
            "\u{b}",
            "\u{c}",
            "\u{0}",
            "é",
            "𝔸",
            "023e105f4ecef8ad9ca31a8372d0c353",
        ];
        let mut cases: Vec<String> = special.iter().map(|s| (*s).to_owned()).collect();
        for c in (0..=0x3100u32).chain(0xfe00..=0xffff).filter_map(char::from_u32) {
            cases.push(c.to_string());
            cases.push(format!("a{c}b"));
        }
        for n in [31, 32, 33] {
            cases.push("a".repeat(n));
            cases.push("𝔸".repeat(n));
        }
        for case in &cases {
            let expected = case.chars().count() <= MAX_CHARS && regex.find(case).is_some();
            assert_eq!(case.parse::<Identifier>().is_ok(), expected, "{case:?}");
        }
    }
}
