//! Every string enum of `components.schemas` is emitted here rather than by
//! typify, so that each gets its `KNOWN` list straight from the document:
//!
//! * open when the schema is marked `x-open-enum`: the API adds values over
//!   time (`traffic_type: "worker"` is one), so a value the document does not
//!   list is kept verbatim in `Unknown` and sent back unchanged;
//! * closed otherwise (request-only vocabularies such as `SortDirection`):
//!   an unlisted value is an error naming the ones allowed.

use std::fmt::Write as _;

use heck::ToUpperCamelCase;
use serde_json::Value;

/// A string enum of the document.
pub struct StringEnum {
    pub name: String,
    pub open: bool,
    pub description: String,
    /// (variant, value), in document order.
    pub values: Vec<(String, String)>,
}

pub fn string_enums(doc: &Value) -> Vec<StringEnum> {
    super::document::object(&doc["components"]["schemas"], "components.schemas")
        .filter(|(_, s)| s["type"] == "string" && s["enum"].is_array())
        .map(|(name, s)| string_enum(name, s))
        .collect()
}

fn string_enum(name: &str, schema: &Value) -> StringEnum {
    let values: Vec<String> = schema["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_str().unwrap_or_else(|| panic!("{name}: enum values must be strings")).to_owned())
        .collect();
    let names: Vec<String> = match schema["x-enum-varnames"].as_array() {
        Some(names) => names.iter().map(|n| n.as_str().unwrap_or_default().to_owned()).collect(),
        None => values.iter().map(|v| v.to_upper_camel_case()).collect(),
    };
    assert_eq!(names.len(), values.len(), "{name}: x-enum-varnames must match enum");
    for (variant, value) in names.iter().zip(&values) {
        assert!(!variant.is_empty(), "{name}: value {value:?} needs an x-enum-varnames entry");
    }
    StringEnum {
        name: name.to_owned(),
        open: schema["x-open-enum"] == true,
        description: schema["description"].as_str().unwrap_or(name).to_owned(),
        values: names.into_iter().zip(values).collect(),
    }
}

/// Each enum with its impls: `KNOWN`, `as_str`, `Display`, serde,
/// `schemars`, and the conversions from
/// text: infallible for an open enum (`Unknown` keeps the text), `FromStr`
/// failing with [`UnknownValue`](crate::types::UnknownValue) for a closed one.
pub fn emit(enums: &[StringEnum]) -> String {
    let mut out = String::new();
    for e in enums {
        let name = &e.name;
        let variants: String = e
            .values
            .iter()
            .map(|(v, value)| format!("    #[doc = {:?}]\n    {v},\n", format!("`{value:?}`")))
            .collect();
        let known: Vec<String> = e.values.iter().map(|(v, _)| format!("Self::{v}")).collect();
        let texts: Vec<String> = e.values.iter().map(|(_, value)| format!("{value:?}")).collect();
        let as_str: String =
            e.values.iter().map(|(v, value)| format!("            Self::{v} => {value:?},\n")).collect();
        let parse: String =
            e.values.iter().map(|(v, value)| format!("            {value:?} => Ok(Self::{v}),\n")).collect();
        let known_arms: String =
            e.values.iter().map(|(v, value)| format!("            {value:?} => Self::{v},\n")).collect();
        let doc = format!("{:?}", e.description);
        if e.open {
            let _ = write!(
                out,
                "#[doc = {doc}]\n///\n/// Values this version of the crate does not know are kept in `Unknown`\n/// and sent back unchanged.\n#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\n#[non_exhaustive]\npub enum {name} {{\n{variants}    /// A value not (yet) in the document, kept verbatim.\n    Unknown(::std::string::String),\n}}\n\n"
            );
        } else {
            let _ = write!(
                out,
                "#[doc = {doc}]\n#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum {name} {{\n{variants}}}\n\n"
            );
        }
        let unknown_arm = if e.open { "            Self::Unknown(other) => other,\n" } else { "" };
        let _ = write!(
            out,
            "impl {name} {{\n    /// Every value the document lists, in its order.\n    pub const KNOWN: &'static [Self] = &[{known}];\n\n    /// The value as it appears on the wire.\n    pub fn as_str(&self) -> &str {{\n        match self {{\n{as_str}{unknown_arm}        }}\n    }}\n}}\n\nimpl ::std::fmt::Display for {name} {{\n    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n\nimpl ::serde::Serialize for {name} {{\n    fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {{\n        s.serialize_str(self.as_str())\n    }}\n}}\n\n",
            known = known.join(", ")
        );
        if e.open {
            let _ = write!(
                out,
                "impl {name} {{\n    /// Whether this value is one the document does not list.\n    pub fn is_unknown(&self) -> bool {{\n        matches!(self, Self::Unknown(_))\n    }}\n}}\n\nimpl ::std::convert::From<&str> for {name} {{\n    fn from(value: &str) -> Self {{\n        match value {{\n{known_arms}            other => Self::Unknown(other.to_owned()),\n        }}\n    }}\n}}\n\nimpl ::std::convert::From<::std::string::String> for {name} {{\n    fn from(value: ::std::string::String) -> Self {{\n        match Self::from(value.as_str()) {{\n            Self::Unknown(_) => Self::Unknown(value),\n            known => known,\n        }}\n    }}\n}}\n\nimpl ::std::str::FromStr for {name} {{\n    type Err = ::std::convert::Infallible;\n    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {{\n        Ok(Self::from(value))\n    }}\n}}\n\nimpl<'de> ::serde::Deserialize<'de> for {name} {{\n    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {{\n        // The text is looked at where the decoder holds it: a known value\n        // costs no allocation.\n        struct Text;\n        impl ::serde::de::Visitor<'_> for Text {{\n            type Value = {name};\n            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n                f.write_str(\"a string\")\n            }}\n            fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<{name}, E> {{\n                Ok({name}::from(value))\n            }}\n            fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<{name}, E> {{\n                Ok({name}::from(value))\n            }}\n        }}\n        d.deserialize_str(Text)\n    }}\n}}\n\nimpl ::schemars::JsonSchema for {name} {{\n    fn schema_name() -> ::std::string::String {{\n        {name:?}.to_owned()\n    }}\n    fn json_schema(generator: &mut ::schemars::r#gen::SchemaGenerator) -> ::schemars::schema::Schema {{\n        // Any string: values beyond the document's are accepted.\n        <::std::string::String as ::schemars::JsonSchema>::json_schema(generator)\n    }}\n}}\n\n"
            );
        } else {
            let _ = write!(
                out,
                "impl ::std::str::FromStr for {name} {{\n    type Err = crate::types::UnknownValue;\n    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {{\n        match value {{\n{parse}            other => Err(crate::types::UnknownValue {{ value: other.to_owned(), expected: &[{texts}] }}),\n        }}\n    }}\n}}\n\nimpl ::std::convert::TryFrom<&str> for {name} {{\n    type Error = crate::types::UnknownValue;\n    fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {{\n        value.parse()\n    }}\n}}\n\nimpl<'de> ::serde::Deserialize<'de> for {name} {{\n    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {{\n        struct Text;\n        impl ::serde::de::Visitor<'_> for Text {{\n            type Value = {name};\n            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n                f.write_str(\"a string\")\n            }}\n            fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<{name}, E> {{\n                value.parse().map_err(E::custom)\n            }}\n        }}\n        d.deserialize_str(Text)\n    }}\n}}\n\nimpl ::schemars::JsonSchema for {name} {{\n    fn schema_name() -> ::std::string::String {{\n        {name:?}.to_owned()\n    }}\n    fn json_schema(_: &mut ::schemars::r#gen::SchemaGenerator) -> ::schemars::schema::Schema {{\n        ::schemars::schema::SchemaObject {{\n            instance_type: Some(::schemars::schema::InstanceType::String.into()),\n            enum_values: Some(vec![{texts_values}]),\n            ..Default::default()\n        }}\n        .into()\n    }}\n}}\n\n",
                texts = texts.join(", "),
                texts_values = texts.iter().map(|t| format!("{t}.into()")).collect::<Vec<_>>().join(", ")
            );
        }
    }
    out
}
