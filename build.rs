//! Generates the crate's API from `openapi/spectrum.json`, into `$OUT_DIR`:
//!
//! * `types.rs`: every schema of the document as a Rust type, by typify
//!   (progenitor's type generator), with serde and schemars derives;
//! * `enums.rs`: every string enum, with its `KNOWN` values (`build/enums.rs`);
//! * `operations.rs`: every operation as a `Client` method, its query struct
//!   and the `OPERATIONS` table (`build/operations.rs`);
//! * `shapes.rs`: plain words for `oneOf` schemas, for decode errors;
//! * `checks.rs`: the document's limits on request bodies, checked before
//!   sending (`build/checks.rs`);
//! * `conversions.rs`: the `From` impls the document asks for with
//!   `x-rust-from` (`build/conversions.rs`);
//! * `apps.rs`: the identity, comparison and replacement rules of apps as
//!   code (`build/apps.rs`);
//! * with feature `mock`, `httpmock.rs`: progenitor's typed httpmock helpers
//!   plus the matchers and responders of `build/mock.rs`.
//!
//! Generated code is never edited by hand: change the document or the
//! settings here.
//!
//! # Why progenitor does not generate the client methods
//!
//! A progenitor method builds the request, sends it and decodes the body in
//! one function; its hooks can change the request and observe the outcome,
//! but not how the body is read or what the error carries. This crate must
//! read bodies with a bound counted after decompression, retry, decode the
//! envelope once, and give errors their status, headers, `cf-ray`, attempts
//! and the server's retry delay. On progenitor's send path that meant
//! stripping the `api-version` header it adds to every request (progenitor
//! PR #1120, for issue #564, with no setting to turn it off), reading and
//! rebuilding each response, and passing status and attempts back through a
//! mutex beside the generated error. So the methods are emitted here from the
//! same document and share one call path (`src/client/transport.rs`); typify
//! still generates every type, and progenitor the httpmock kit.

#[path = "build/apps.rs"]
mod apps;
#[path = "build/checks.rs"]
mod checks;
#[path = "build/conversions.rs"]
mod conversions;
#[path = "build/document.rs"]
mod document;
#[path = "build/enums.rs"]
mod enums;
#[cfg(feature = "mock")]
#[path = "build/mock.rs"]
mod mock;
#[path = "build/operations.rs"]
mod operations;
#[path = "build/shapes.rs"]
mod shapes;

use std::path::{Path, PathBuf};
use std::{env, fs};

use serde_json::Value;

/// The document; `CLOUDFLARE_SPECTRUM_SPEC` points the build at another copy
/// (the drill test in `xtask/tests/drill.rs` builds a changed one).
fn spec_path() -> PathBuf {
    println!("cargo:rerun-if-env-changed=CLOUDFLARE_SPECTRUM_SPEC");
    env::var_os("CLOUDFLARE_SPECTRUM_SPEC").map_or_else(|| PathBuf::from("openapi/spectrum.json"), PathBuf::from)
}

fn main() {
    let spec = spec_path();
    println!("cargo:rerun-if-changed={}", spec.display());
    println!("cargo:rerun-if-changed=build");
    let text = fs::read_to_string(&spec).unwrap_or_else(|e| panic!("reading {}: {e}", spec.display()));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", spec.display()));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

    let string_enums = enums::string_enums(&doc);
    let ops = document::operations(&doc);
    write(&out, "types.rs", &types(&doc, &string_enums));
    write(&out, "enums.rs", &enums::emit(&string_enums));
    write(&out, "operations.rs", &operations::emit(&ops));
    write(&out, "shapes.rs", &shapes::emit(&doc));
    write(&out, "checks.rs", &checks::emit(&doc, &ops));
    write(&out, "apps.rs", &apps::emit(&doc));
    write(&out, "conversions.rs", &conversions::emit(&doc));
    #[cfg(feature = "mock")]
    write(&out, "httpmock.rs", &httpmock(&doc, &string_enums, &ops));
}

/// Formats `code` (a syntax error here is a generator bug) and writes it.
fn write(out: &Path, name: &str, code: &str) {
    let file = syn::parse_file(code).unwrap_or_else(|e| panic!("build.rs emitted invalid Rust in {name}: {e}\n{code}"));
    fs::write(out.join(name), prettyplease::unparse(&file)).unwrap_or_else(|e| panic!("writing {name}: {e}"));
}

/// The replacements both generators share: the hand-checked `Identifier`
/// (`src/core/identifier.rs`) and the string enums of `enums.rs`.
fn replacements(string_enums: &[enums::StringEnum]) -> Vec<(String, String, Vec<typify::TypeSpaceImpl>)> {
    use typify::TypeSpaceImpl::{Display, FromStr, FromStringIrrefutable};
    let mut out = vec![("Identifier".to_owned(), "crate::types::Identifier".to_owned(), vec![Display, FromStr])];
    for e in string_enums {
        let mut impls = vec![Display, FromStr];
        if e.open {
            impls.push(FromStringIrrefutable);
        }
        out.push((e.name.clone(), format!("crate::types::{}", e.name), impls));
    }
    out
}

/// Object schemas with properties and no `required` list: typify gives no
/// `Default` to a struct holding the flattened `extra` map, and these get a
/// derived one, so users can write `EdgeIps { ips, ..Default::default() }`.
fn all_optional_objects(doc: &Value) -> Vec<String> {
    document::object(&doc["components"]["schemas"], "components.schemas")
        .filter(|(_, s)| s["type"] == "object" && s["properties"].is_object() && s.get("required").is_none())
        .map(|(name, _)| name.clone())
        .collect()
}

fn types(doc: &Value, string_enums: &[enums::StringEnum]) -> String {
    let mut settings = typify::TypeSpaceSettings::default();
    settings
        .with_type_mod("types")
        .with_struct_builder(false)
        // Tests and users compare values; users derive schemas of configs.
        .with_derive("PartialEq".to_owned())
        .with_derive("schemars::JsonSchema".to_owned())
        // Deterministic key order for maps (analytics totals).
        .with_map_type("::std::collections::BTreeMap");
    for (name, path, impls) in replacements(string_enums) {
        settings.with_replacement(name, path, impls.into_iter());
    }
    for name in all_optional_objects(doc) {
        settings.with_patch(name, typify::TypeSpacePatch::default().with_derive("Default"));
    }
    let mut space = typify::TypeSpace::new(&settings);
    let schemas = document::object(&doc["components"]["schemas"], "components.schemas").map(|(name, schema)| {
        let schema: schemars::schema::Schema =
            serde_json::from_value(schema.clone()).unwrap_or_else(|e| panic!("schema {name}: {e}"));
        (name.clone(), schema)
    });
    space.add_ref_types(schemas).unwrap_or_else(|e| panic!("generating types: {e}"));
    format!("{}\n{}", space.to_stream(), constructors(doc, &space))
}

/// `T::new(required…)` for every object with required fields: typify gives
/// such a struct no `Default`, so this is how a value is made, the other
/// fields set with struct update syntax (`T { ips, ..T::new(…) }`).
fn constructors(doc: &Value, space: &typify::TypeSpace) -> String {
    let mut out = String::new();
    for ty in space.iter_types() {
        let typify::TypeDetails::Struct(details) = ty.details() else {
            continue;
        };
        let name = ty.name();
        let required: Vec<String> = doc["components"]["schemas"][&name]["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(document::rust_name)
            .collect();
        if required.is_empty() {
            continue;
        }
        let mut arguments = Vec::new();
        let mut fields = Vec::new();
        for property in details.properties_info() {
            let field = property.name.to_owned();
            if required.contains(&field) {
                let ty = space.get_type(&property.type_id).map(|t| t.ident().to_string()).unwrap_or_default();
                // typify names a sibling type `types::X`; here is `crate::types`.
                let ty = format!(" {ty}")
                    .replace(" types ::", " crate :: types ::")
                    .replace("crate :: crate ::", "crate ::");
                arguments.push(format!("{field}: impl ::std::convert::Into<{ty}>"));
                fields.push(format!("{field}: {field}.into()"));
            } else {
                fields.push(format!("{field}: ::std::default::Default::default()"));
            }
        }
        out.push_str(&format!(
            "impl {name} {{\n    /// A value with only the required fields; set the others with struct update syntax.\n    pub fn new({}) -> Self {{\n        Self {{ {} }}\n    }}\n}}\n",
            arguments.join(", "),
            fields.join(", ")
        ));
    }
    out
}

#[cfg(feature = "mock")]
fn httpmock(doc: &Value, string_enums: &[enums::StringEnum], ops: &[document::Operation]) -> String {
    let mut settings = progenitor::GenerationSettings::default();
    settings.with_interface(progenitor::InterfaceStyle::Positional);
    for (name, path, impls) in replacements(string_enums) {
        settings.with_replacement(name, path, impls.into_iter());
    }
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator
        .httpmock(&mock::httpmock_spec(doc), "crate::kits::mock::scope")
        .unwrap_or_else(|e| panic!("generating httpmock helpers: {e}"));
    format!("{tokens}\n{}", mock::emit(ops))
}
