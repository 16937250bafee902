//! Generates the API types and client methods from `openapi/spectrum.json`.
//!
//! * `$OUT_DIR/codegen.rs`: progenitor's output (types, builders, client).
//! * `$OUT_DIR/open_enums.rs`: one `open_enum!` per string enum marked
//!   `x-open-enum` in the document; typify is told to use these instead of
//!   closed enums (see `open_enum.rs` for why).
//!
//! Generated code is never edited by hand: change the document or the
//! settings below.

use std::{env, fmt::Write as _, fs, path::Path};

use heck::ToUpperCamelCase;
use serde_json::Value;

const SPEC: &str = "openapi/spectrum.json";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = fs::read_to_string(SPEC).unwrap_or_else(|e| panic!("reading {SPEC}: {e}"));
    let raw: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {SPEC}: {e}"));
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{SPEC} is not OpenAPI 3.0: {e}"));

    let open_enums = open_enums(&raw);
    let mut settings = progenitor::GenerationSettings::default();
    settings
        // Positional methods: the handwritten wrappers are the public API,
        // and the builder style would also give every type a typify builder
        // that cannot be completed without naming the `extra` map.
        .with_interface(progenitor::InterfaceStyle::Positional)
        // The handwritten layer (src/transport.rs) must supply the hooks
        // that add credentials, retries and timeouts: fail to build if not.
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type("crate::transport::CallContext".parse().expect("a type path"))
        // Tests and users compare values; users derive schemas of configs.
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema")
        // Deterministic key order for maps (analytics totals).
        .with_map_type("::std::collections::BTreeMap");
    // Identifiers are checked by hand (src/identifier.rs): the same rule as
    // the pattern, without a regular expression on every conversion.
    settings.with_replacement(
        "Identifier",
        "crate::types::Identifier",
        [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
    );
    for (name, _) in &open_enums {
        settings.with_replacement(
            name,
            format!("crate::types::{name}"),
            [
                progenitor::TypeImpl::Display,
                progenitor::TypeImpl::FromStr,
                progenitor::TypeImpl::FromStringIrrefutable,
            ]
            .into_iter(),
        );
    }

    // typify gives no `Default` to a struct holding the flattened `extra`
    // map, so objects with no required field get a derived one, letting
    // users write `EdgeIps { ips: …, ..Default::default() }`.
    for name in all_optional_objects(&raw) {
        settings.with_patch(&name, progenitor::TypePatch::default().with_derive("Default"));
    }

    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("generating the client from {SPEC}: {e}"));
    let file: syn::File = syn::parse2(tokens).expect("progenitor emits valid Rust");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).to_path_buf();
    fs::write(out.join("codegen.rs"), prettyplease::unparse(&file)).expect("writing codegen.rs");

    let mut enums = String::new();
    for (name, schema) in &open_enums {
        write_open_enum(&mut enums, name, schema);
    }
    fs::write(out.join("open_enums.rs"), enums).expect("writing open_enums.rs");

    // ---- mock feature (owned by src/mock.rs): begin ----
    // `$OUT_DIR/httpmock.rs`: progenitor's typed httpmock helpers, included
    // by `src/mock.rs`. `crate::mock::scope` supplies the names the
    // generated code expects (`types`, and a `regex` shim so no direct
    // dependency on the regex crate is needed).
    if env::var_os("CARGO_FEATURE_MOCK").is_some() {
        let tokens = generator
            .httpmock(&mock_spec(&raw), "crate::mock::scope")
            .unwrap_or_else(|e| panic!("generating httpmock helpers from {SPEC}: {e}"));
        let file: syn::File = syn::parse2(tokens).expect("progenitor emits valid Rust");
        fs::write(out.join("httpmock.rs"), prettyplease::unparse(&file)).expect("writing httpmock.rs");
    }
    // ---- mock feature: end ----
}

/// The schemas marked `x-open-enum: true`, in document order.
fn open_enums(spec: &Value) -> Vec<(String, Value)> {
    let schemas = spec["components"]["schemas"].as_object().expect("components.schemas");
    schemas
        .iter()
        .filter(|(_, s)| s["x-open-enum"] == Value::Bool(true))
        .map(|(name, s)| (name.clone(), s.clone()))
        .collect()
}

/// Object schemas with properties and no `required` list.
fn all_optional_objects(spec: &Value) -> Vec<String> {
    let schemas = spec["components"]["schemas"].as_object().expect("components.schemas");
    schemas
        .iter()
        .filter(|(_, s)| s["type"] == "object" && s["properties"].is_object() && s.get("required").is_none())
        .map(|(name, _)| name.clone())
        .collect()
}

/// Emits `open_enum! { Name { Variant = "value", ... } }` with the schema's
/// description; variant names come from `x-enum-varnames` when present.
fn write_open_enum(out: &mut String, name: &str, schema: &Value) {
    let values: Vec<&str> = schema["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: x-open-enum needs an enum"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{name}: enum values must be strings"))
        })
        .collect();
    let names: Vec<String> = match schema["x-enum-varnames"].as_array() {
        Some(names) => names.iter().map(|n| n.as_str().expect("string").to_owned()).collect(),
        None => values.iter().map(|v| v.to_upper_camel_case()).collect(),
    };
    assert_eq!(names.len(), values.len(), "{name}: x-enum-varnames must match enum");
    let doc = schema["description"].as_str().unwrap_or(name);
    let _ = writeln!(out, "open_enum! {{\n    #[doc = {doc:?}]\n    {name} {{");
    for (variant, value) in names.iter().zip(&values) {
        assert!(
            !variant.is_empty(),
            "{name}: value {value:?} needs an x-enum-varnames entry"
        );
        let _ = writeln!(out, "        {variant} = {value:?},");
    }
    let _ = writeln!(out, "    }}\n}}");
}

// ---- mock feature (owned by src/mock.rs): begin ----
/// The document given to progenitor's httpmock generator: the same, minus
/// the query parameters its matchers get wrong, which `src/mock.rs` matches by
/// hand. Progenitor 0.15.1 matches a query parameter with
/// `query_param(name, value.to_string())`, which does not compile for arrays
/// (`Vec<T>` has no `Display`; ours are repeated keys) and, for date-times,
/// expects chrono's `Display` (`2024-01-01 00:00:00 UTC`) where the client
/// sends RFC 3339 (`2024-01-01T00:00:00Z`), so it never matches.
fn mock_spec(raw: &Value) -> openapiv3::OpenAPI {
    let mut raw = raw.clone();
    let shared = raw["components"]["parameters"].clone();
    let hand_matched = |parameter: &Value| {
        let parameter = match parameter["$ref"].as_str() {
            Some(path) => &shared[path.trim_start_matches("#/components/parameters/")],
            None => parameter,
        };
        parameter["in"] == "query"
            && (parameter["schema"]["type"] == "array" || parameter["schema"]["format"] == "date-time")
    };
    for item in raw["paths"].as_object_mut().expect("paths").values_mut() {
        for operation in item.as_object_mut().expect("a path item").values_mut() {
            if let Some(parameters) = operation.get_mut("parameters").and_then(Value::as_array_mut) {
                parameters.retain(|p| !hand_matched(p));
            }
        }
    }
    serde_json::from_value(raw).unwrap_or_else(|e| panic!("{SPEC} without hand-matched parameters: {e}"))
}
// ---- mock feature: end ----
