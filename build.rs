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
        // Builders for every type, so users can fill in only what they need.
        .with_interface(progenitor::InterfaceStyle::Builder)
        // The handwritten layer (src/transport.rs) must supply the hooks
        // that add credentials, retries and timeouts: fail to build if not.
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type("crate::transport::CallContext".parse().expect("a type path"))
        // Tests and users compare values; users derive schemas of configs.
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema")
        // Deterministic key order for maps (analytics totals).
        .with_map_type("::std::collections::BTreeMap");
    for (name, _) in &open_enums {
        settings.with_replacement(
            name,
            format!("crate::types::{name}"),
            [
                progenitor::TypeImpl::Display,
                progenitor::TypeImpl::FromStr,
                progenitor::TypeImpl::FromStringIrrefutable,
            ].into_iter(),
        );
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

/// Emits `open_enum! { Name { Variant = "value", ... } }` with the schema's
/// description; variant names come from `x-enum-varnames` when present.
fn write_open_enum(out: &mut String, name: &str, schema: &Value) {
    let values: Vec<&str> = schema["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: x-open-enum needs an enum"))
        .iter()
        .map(|v| v.as_str().unwrap_or_else(|| panic!("{name}: enum values must be strings")))
        .collect();
    let names: Vec<String> = match schema["x-enum-varnames"].as_array() {
        Some(names) => names.iter().map(|n| n.as_str().expect("string").to_owned()).collect(),
        None => values.iter().map(|v| v.to_upper_camel_case()).collect(),
    };
    assert_eq!(names.len(), values.len(), "{name}: x-enum-varnames must match enum");
    let doc = schema["description"].as_str().unwrap_or(name);
    let _ = writeln!(out, "open_enum! {{\n    #[doc = {doc:?}]\n    {name} {{");
    for (variant, value) in names.iter().zip(&values) {
        assert!(!variant.is_empty(), "{name}: value {value:?} needs an x-enum-varnames entry");
        let _ = writeln!(out, "        {variant} = {value:?},");
    }
    let _ = writeln!(out, "    }}\n}}");
}
