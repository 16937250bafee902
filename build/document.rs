//! The curated document as the generator sees it: operations with their
//! parameters, body and result, read from `openapi/spectrum.json`.
//!
//! Anything the generator cannot express is a build failure that names the
//! operation and the parameter, never a silent guess.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

/// A Rust scalar a parameter maps to.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    U32,
    U64,
    I64,
    F64,
    Bool,
    Str,
    DateTime,
    /// The document's `Identifier`: held as text, checked before sending.
    Id,
    /// A string enum of `components.schemas`, by name.
    Enum(String),
}

impl Scalar {
    /// The owned Rust type.
    pub fn rust(&self) -> String {
        match self {
            Scalar::U32 => "u32".into(),
            Scalar::U64 => "u64".into(),
            Scalar::I64 => "i64".into(),
            Scalar::F64 => "f64".into(),
            Scalar::Bool => "bool".into(),
            Scalar::Str | Scalar::Id => "::std::string::String".into(),
            Scalar::DateTime => "::chrono::DateTime<::chrono::Utc>".into(),
            Scalar::Enum(name) => format!("crate::types::{name}"),
        }
    }

    /// An expression of the text sent for `v`, a reference to this scalar,
    /// as a `&str`.
    pub fn text(&self, v: &str) -> String {
        match self {
            Scalar::Str | Scalar::Id => v.to_owned(),
            Scalar::Enum(_) => format!("{v}.as_str()"),
            Scalar::DateTime => format!("&crate::client::rfc3339({v})"),
            _ => format!("&{v}.to_string()"),
        }
    }

    /// The same text, owned.
    #[cfg_attr(not(feature = "mock"), allow(dead_code))]
    pub fn owned_text(&self, v: &str) -> String {
        match self {
            Scalar::DateTime => format!("crate::client::rfc3339({v})"),
            _ => format!("{}.to_owned()", self.text(v).trim_start_matches('&')),
        }
    }

    pub fn is_int(&self) -> bool {
        matches!(self, Scalar::U32 | Scalar::U64 | Scalar::I64)
    }
}

/// How a query parameter travels.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    One(Scalar),
    /// `name=a&name=b` (`explode: true`, the default).
    Repeated(Scalar),
    /// `name=a,b` (`explode: false`).
    Joined(Scalar),
}

impl Shape {
    pub fn scalar(&self) -> &Scalar {
        match self {
            Shape::One(s) | Shape::Repeated(s) | Shape::Joined(s) => s,
        }
    }

    #[cfg_attr(not(feature = "mock"), allow(dead_code))]
    pub fn is_list(&self) -> bool {
        !matches!(self, Shape::One(_))
    }
}

#[derive(Clone, Debug)]
pub struct Param {
    /// The name on the wire (`appID`).
    pub wire: String,
    /// The Rust name (`app_id`).
    pub rust: String,
    pub shape: Shape,
    pub description: String,
    pub required: bool,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
}

/// What a successful response holds.
#[derive(Clone, Debug)]
pub struct Output {
    /// The Rust type of `result` (`crate::types::SpectrumApp`,
    /// `Vec<crate::types::MagicApp>`).
    pub result: String,
    /// For lists with `result_info`: the item type.
    pub page_item: Option<String>,
    /// `x-result-if-empty`: result fields filled from path parameters when
    /// a success carries no result.
    pub if_empty: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// In the order of the path template.
    pub path_params: Vec<Param>,
    pub query: Vec<Param>,
    /// The query struct of the optional query parameters, if any.
    pub query_struct: Option<String>,
    /// The request body's schema name.
    pub body: Option<String>,
    pub output: Output,
}

impl Operation {
    #[cfg_attr(not(feature = "mock"), allow(dead_code))]
    pub fn camel(&self) -> String {
        self.id.to_upper_camel_case()
    }

    pub fn required_query(&self) -> impl Iterator<Item = &Param> {
        self.query.iter().filter(|p| p.required)
    }

    pub fn optional_query(&self) -> impl Iterator<Item = &Param> {
        self.query.iter().filter(|p| !p.required)
    }

    /// Pageable: a list with `result_info` and a `page` query parameter.
    pub fn pageable(&self) -> bool {
        self.output.page_item.is_some() && self.optional_query().any(|p| p.wire == "page")
    }

    /// The largest `per_page` the document allows, the stream's page size.
    pub fn max_per_page(&self) -> Option<i64> {
        self.optional_query().find(|p| p.wire == "per_page").and_then(|p| p.maximum)
    }
}

pub const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every operation of the document, in document order.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in object(&doc["paths"], "paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push(operation(doc, path, method, item, op));
            }
        }
    }
    out
}

fn operation(doc: &Value, path: &str, method: &str, item: &Value, op: &Value) -> Operation {
    let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId")).to_owned();
    let parameters: Vec<&Value> =
        list(&item["parameters"]).chain(list(&op["parameters"])).map(|p| resolve(doc, p)).collect();
    let mut path_params = Vec::new();
    for name in template_names(path) {
        let p = parameters
            .iter()
            .find(|p| p["in"] == "path" && p["name"] == name.as_str())
            .unwrap_or_else(|| panic!("{id}: path parameter {{{name}}} is not declared"));
        path_params.push(param(doc, &id, p));
    }
    let query: Vec<Param> = parameters.iter().filter(|p| p["in"] == "query").map(|p| param(doc, &id, p)).collect();
    if let Some(p) = parameters.iter().find(|p| !matches!(p["in"].as_str(), Some("path" | "query"))) {
        panic!("{id}: parameters in {} are not supported by build.rs", p["in"]);
    }
    let query_struct = query.iter().any(|p| !p.required).then(|| {
        op["x-rust-query"].as_str().map(str::to_owned).unwrap_or_else(|| format!("{}Query", id.to_upper_camel_case()))
    });
    let body = op.pointer("/requestBody/content/application~1json/schema/$ref").map(|r| {
        ref_name(r.as_str().unwrap_or_default())
            .unwrap_or_else(|| panic!("{id}: the request body must be a $ref to a component schema"))
    });
    Operation {
        output: output(doc, &id, op, &path_params),
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        summary: text(&op["summary"]),
        description: text(&op["description"]),
        id,
        path_params,
        query,
        query_struct,
        body,
    }
}

fn output(doc: &Value, id: &str, op: &Value, path_params: &[Param]) -> Output {
    let envelope = ["200", "201"]
        .iter()
        .find_map(|code| op.pointer(&format!("/responses/{code}/content/application~1json/schema/$ref")))
        .and_then(Value::as_str)
        .and_then(ref_name)
        .unwrap_or_else(|| panic!("{id}: a 200 or 201 response must $ref an envelope schema"));
    let schema = &doc["components"]["schemas"][&envelope];
    let result = &schema["properties"]["result"];
    let result_type =
        value_type(result).unwrap_or_else(|| panic!("{id}: {envelope}.result must be a $ref or an array of $ref"));
    let page_item = schema["properties"].get("result_info").map(|_| {
        value_type(&result["items"]).unwrap_or_else(|| panic!("{id}: {envelope} has result_info but no array result"))
    });
    let if_empty = object_or_empty(&op["x-result-if-empty"])
        .map(|(field, param)| {
            let param = param.as_str().unwrap_or_default();
            assert!(
                path_params.iter().any(|p| p.wire == param),
                "{id}: x-result-if-empty names {param:?}, which is not a path parameter"
            );
            (field.clone(), param.to_owned())
        })
        .collect();
    Output { result: result_type, page_item, if_empty }
}

/// The Rust type of a response value: a component, or an array of them.
fn value_type(schema: &Value) -> Option<String> {
    if let Some(name) = schema["$ref"].as_str().and_then(ref_name) {
        return Some(format!("crate::types::{name}"));
    }
    if schema["type"] == "array" {
        return value_type(&schema["items"]).map(|item| format!("::std::vec::Vec<{item}>"));
    }
    None
}

fn param(doc: &Value, id: &str, p: &Value) -> Param {
    let wire = p["name"].as_str().unwrap_or_else(|| panic!("{id}: a parameter has no name"));
    let schema = &p["schema"];
    let in_query = p["in"] == "query";
    let unsupported = || -> ! {
        panic!(
            "{id}: parameter {wire}: schema {schema} is not supported by build.rs (scalars, string enums, Identifier, date-times, or arrays of them)"
        )
    };
    let shape = if schema["type"] == "array" {
        let item = scalar(doc, &schema["items"]).unwrap_or_else(|| unsupported());
        match p["explode"].as_bool() {
            Some(false) => Shape::Joined(item),
            _ => Shape::Repeated(item),
        }
    } else {
        Shape::One(scalar(doc, schema).unwrap_or_else(|| unsupported()))
    };
    if !in_query && shape != Shape::One(Scalar::Id) {
        panic!("{id}: path parameter {wire} must be an Identifier");
    }
    let bound = |key: &str| schema[key].as_i64().or_else(|| schema["items"][key].as_i64());
    Param {
        wire: wire.to_owned(),
        rust: p["x-rust-name"].as_str().map_or_else(|| rust_name(wire), str::to_owned),
        description: text(&p["description"]),
        required: p["required"] == true,
        minimum: bound("minimum"),
        maximum: bound("maximum"),
        shape,
    }
}

fn scalar(doc: &Value, schema: &Value) -> Option<Scalar> {
    if let Some(name) = schema["$ref"].as_str().and_then(ref_name) {
        if name == "Identifier" {
            return Some(Scalar::Id);
        }
        let target = &doc["components"]["schemas"][&name];
        return (target["type"] == "string" && target["enum"].is_array()).then_some(Scalar::Enum(name));
    }
    Some(match (schema["type"].as_str()?, schema["format"].as_str()) {
        ("integer", Some("uint32")) => Scalar::U32,
        ("integer", Some("uint64")) => Scalar::U64,
        ("integer", _) => Scalar::I64,
        ("number", _) => Scalar::F64,
        ("boolean", _) => Scalar::Bool,
        ("string", Some("date-time")) => Scalar::DateTime,
        ("string", _) => Scalar::Str,
        _ => return None,
    })
}

/// A Rust identifier for a wire name (`appID` → `app_id`, `type` → `type_`).
pub fn rust_name(wire: &str) -> String {
    let name = wire.to_snake_case();
    match name.as_str() {
        "type" | "ref" | "self" | "match" | "loop" | "move" | "where" | "use" | "mod" => format!("{name}_"),
        _ => name,
    }
}

/// `{name}` placeholders of a path template, in order.
pub fn template_names(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|s| s.split_once('}')).map(|(n, _)| n.to_owned()).collect()
}

/// The literal pieces between a template's placeholders.
pub fn template_literals(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some((literal, after)) = rest.split_once('{') {
        out.push(literal.to_owned());
        rest = after.split_once('}').map_or("", |(_, tail)| tail);
    }
    out.push(rest.to_owned());
    out
}

fn resolve<'a>(doc: &'a Value, p: &'a Value) -> &'a Value {
    match p["$ref"].as_str() {
        Some(r) => {
            let name = r.trim_start_matches("#/components/parameters/");
            let target = &doc["components"]["parameters"][name];
            assert!(target.is_object(), "the parameter $ref {r} does not resolve");
            target
        }
        None => p,
    }
}

/// The schema `schema` refers to with a `$ref`, or `schema` itself.
pub fn schema_of<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(ref_name) {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    }
}

pub fn ref_name(reference: &str) -> Option<String> {
    reference.strip_prefix("#/components/schemas/").map(str::to_owned)
}

pub fn object<'a>(value: &'a Value, what: &str) -> impl Iterator<Item = (&'a String, &'a Value)> {
    value.as_object().unwrap_or_else(|| panic!("{what} must be an object")).iter()
}

fn object_or_empty(value: &Value) -> impl Iterator<Item = (&String, &Value)> {
    value.as_object().into_iter().flatten()
}

fn list(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

pub fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}
