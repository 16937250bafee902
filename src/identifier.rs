//! [`Identifier`]: a path identifier, checked by hand.
//!
//! The document's `Identifier` schema has a `pattern` ([`PATTERN`]). typify
//! would check it with a regular expression (regress) on every conversion
//! and every decoded app id: thousands of instructions and several
//! allocations a time, more than the rest of this crate's per-request work
//! (see BENCHMARKS.md). `build.rs` replaces the generated type with this
//! one, whose check is the same rule written out (`check`). The unit test
//! below fails if the document's pattern changes, and holds `check` to the
//! pattern, run by regress, over every code point that matters.

use std::fmt;

/// The document's pattern for identifiers (`components.schemas.Identifier`).
pub(crate) const PATTERN: &str = r"^(?!\.{1,2}$)[^/?#\\%\s\u0085]{1,32}$";
const MAX_CHARS: usize = 32;

/// A Cloudflare identifier (zone, account, Spectrum app or Magic account
/// app), at most 32 characters. Values that would change the request path
/// (empty, ".", "..", or containing / ? # \ % or white space) are rejected.
#[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd, serde::Serialize)]
#[serde(transparent)]
pub struct Identifier(String);

/// Why a value is not an [`Identifier`] (typify's messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentifierError {
    /// More than 32 characters.
    TooLong,
    /// Empty, `.`, `..`, or a character that would change the path.
    Pattern,
}

impl fmt::Display for IdentifierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong => f.write_str("longer than 32 characters"),
            Self::Pattern => write!(f, "doesn't match pattern \"{PATTERN}\""),
        }
    }
}

impl std::error::Error for IdentifierError {}

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

/// Whether `value` matches [`PATTERN`]; the messages are typify's.
fn check(value: &str) -> Result<(), IdentifierError> {
    // Every real identifier is ASCII: one pass over the bytes.
    let (length, allowed) = if value.is_ascii() {
        let forbidden = |b: &u8| {
            matches!(
                b,
                b'/' | b'?' | b'#' | b'\\' | b'%' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' '
            )
        };
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

impl std::ops::Deref for Identifier {
    type Target = String;
    fn deref(&self) -> &String {
        &self.0
    }
}

impl From<Identifier> for String {
    fn from(value: Identifier) -> Self {
        value.0
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Identifier {
    type Err = IdentifierError;
    fn from_str(value: &str) -> Result<Self, IdentifierError> {
        check(value)?;
        Ok(Self(value.to_owned()))
    }
}

impl TryFrom<&str> for Identifier {
    type Error = IdentifierError;
    fn try_from(value: &str) -> Result<Self, IdentifierError> {
        value.parse()
    }
}

impl TryFrom<&String> for Identifier {
    type Error = IdentifierError;
    fn try_from(value: &String) -> Result<Self, IdentifierError> {
        value.parse()
    }
}

impl TryFrom<String> for Identifier {
    type Error = IdentifierError;
    fn try_from(value: String) -> Result<Self, IdentifierError> {
        check(&value)?;
        Ok(Self(value))
    }
}

impl<'de> serde::Deserialize<'de> for Identifier {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Borrows the text when the decoder can (no escapes), so a valid
        // identifier costs one allocation.
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Identifier;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an identifier")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Identifier, E> {
                value.parse().map_err(E::custom)
            }
            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Identifier, E> {
                Identifier::try_from(value).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl schemars::JsonSchema for Identifier {
    fn schema_name() -> String {
        "Identifier".to_owned()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, SchemaObject, StringValidation};
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            string: Some(Box::new(StringValidation {
                max_length: Some(MAX_CHARS as u32),
                min_length: None,
                pattern: Some(PATTERN.to_owned()),
            })),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pattern is still the document's.
    #[test]
    fn pattern_is_the_documents() {
        let document: serde_json::Value =
            serde_json::from_str(include_str!("../openapi/spectrum.json")).expect("the document is JSON");
        let schema = &document["components"]["schemas"]["Identifier"];
        assert_eq!(
            schema["pattern"].as_str(),
            Some(PATTERN),
            "the document's Identifier pattern changed: update PATTERN and `check` in src/identifier.rs"
        );
        assert_eq!(schema["maxLength"].as_u64(), Some(MAX_CHARS as u64));
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
