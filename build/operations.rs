//! The client surface of every operation, emitted from the document:
//!
//! * a query struct (with a builder method per field) for the optional query
//!   parameters, named by the operation's `x-rust-query` (shared when two
//!   operations name the same one) or `<OperationId>Query`;
//! * `WithMetadata::<operation_id>`: checks the ids and query, builds the
//!   request and hands it to the one call path (`src/core/transport.rs`),
//!   answering the typed `result` with the response's status and headers;
//! * `Client::<operation_id>`: the same, answering the `result` alone;
//! * for pageable lists, `<list>_stream` and `<list>_all`;
//! * `OPERATIONS`, the table of every operation.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::document::{Operation, Param, Scalar, Shape, template_literals};

pub fn emit(ops: &[Operation]) -> String {
    let mut out = String::new();
    let mut structs: BTreeMap<String, (&Operation, Vec<&Param>)> = BTreeMap::new();
    for op in ops {
        let Some(name) = &op.query_struct else { continue };
        let fields: Vec<&Param> = op.optional_query().collect();
        match structs.get(name) {
            Some((first, theirs)) => assert!(
                theirs.iter().map(|p| (&p.wire, &p.shape)).eq(fields.iter().map(|p| (&p.wire, &p.shape))),
                "{} and {} share the query struct {name} but not its optional parameters",
                first.id,
                op.id
            ),
            None => {
                structs.insert(name.clone(), (op, fields));
            }
        }
    }
    for (name, (_, fields)) in &structs {
        let users: Vec<String> = ops
            .iter()
            .filter(|o| o.query_struct.as_ref() == Some(name))
            .map(|o| format!("[`Client::{0}`](crate::Client::{0})", o.id))
            .collect();
        query_struct(&mut out, name, &users.join(", "), fields);
    }
    out.push_str("impl crate::WithMetadata<'_> {\n");
    for op in ops {
        detailed_method(&mut out, op);
    }
    out.push_str("}\n\nimpl crate::Client {\n");
    for op in ops {
        plain_method(&mut out, op);
        if op.pageable() {
            stream_methods(&mut out, op);
        }
    }
    out.push_str("}\n\n");
    table(&mut out, ops);
    out
}

fn doc(out: &mut String, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "    #[doc = {:?}]", format!(" {line}"));
    }
}

/// `zone_id: &str, time_delta: …, query: &ListApps, body: &…`
fn arguments(op: &Operation, typed: bool) -> String {
    let mut args = Vec::new();
    for p in &op.path_params {
        args.push(if typed { format!("{}: &str", p.rust) } else { p.rust.clone() });
    }
    for p in op.required_query() {
        assert!(!matches!(p.rust.as_str(), "query" | "body"), "{}: a parameter may not be called {}", op.id, p.rust);
        args.push(if typed { format!("{}: {}", p.rust, argument_type(&p.shape)) } else { p.rust.clone() });
    }
    if let Some(name) = &op.query_struct {
        args.push(if typed { format!("query: &crate::{name}") } else { "query".into() });
    }
    if let Some(body) = &op.body {
        args.push(if typed { format!("body: &crate::types::{body}") } else { "body".into() });
    }
    args.join(", ")
}

/// A required query parameter's argument type.
fn argument_type(shape: &Shape) -> String {
    match shape {
        Shape::One(Scalar::Str | Scalar::Id) => "&str".into(),
        Shape::One(s) => s.rust(),
        Shape::Repeated(s) | Shape::Joined(s) => format!("&[{}]", s.rust()),
    }
}

fn result_type(op: &Operation) -> String {
    match &op.output.page_item {
        Some(item) => format!("crate::Page<{item}>"),
        None => op.output.result.clone(),
    }
}

fn method_doc(out: &mut String, op: &Operation, extra: &str) {
    let mut text = op.summary.clone();
    if !op.description.is_empty() {
        let _ = write!(text, "\n\n{}", op.description);
    }
    let _ = write!(text, "\n\n`{} {}`{extra}", op.method, op.path);
    let ids: Vec<String> = op.path_params.iter().map(|p| format!("`{}`", p.rust)).collect();
    if !ids.is_empty() {
        let (subject, be) = if ids.len() == 1 {
            (ids[0].clone(), "must be an identifier")
        } else {
            (ids.join(" and "), "must be identifiers")
        };
        let _ = write!(
            text,
            "\n\n{subject} {be} (see [`Identifier`](crate::types::Identifier)): anything else is [`Error::InvalidInput`](crate::Error::InvalidInput), with nothing sent.",
        );
    }
    doc(out, &text);
}

fn detailed_method(out: &mut String, op: &Operation) {
    method_doc(out, op, ", answered with the response's status, headers and messages.");
    let _ = writeln!(
        out,
        "    pub async fn {}(&self, {}) -> crate::Result<crate::Response<{}>> {{",
        op.id,
        arguments(op, true),
        result_type(op)
    );
    let _ = writeln!(out, "        let mut call = self.client.call({:?}, ::reqwest::Method::{});", op.id, op.method);
    let literals = template_literals(&op.path);
    for (i, literal) in literals.iter().enumerate() {
        if !literal.is_empty() {
            let _ = writeln!(out, "        call.path({literal:?});");
        }
        if let Some(p) = op.path_params.get(i) {
            let _ = writeln!(out, "        call.id({:?}, {})?;", p.wire, p.rust);
        }
    }
    // In lexicographic order, as progenitor sent them.
    let mut query: Vec<&Param> = op.query.iter().collect();
    query.sort_by(|a, b| a.wire.cmp(&b.wire));
    for p in query {
        let value = if p.required { p.rust.clone() } else { format!("query.{}", p.rust) };
        write_param(out, p, &value, "        ", !p.required);
    }
    if op.body.is_some() {
        out.push_str("        call.json(body)?;\n");
    }
    let send = if op.output.if_empty.is_empty() {
        "self.client.send(call, || None).await?".to_owned()
    } else {
        let fields: Vec<String> = op
            .output
            .if_empty
            .iter()
            .map(|(field, param)| format!("({field:?}, {})", super::document::rust_name(param)))
            .collect();
        format!("self.client.send(call, || crate::client::from_fields(&[{}])).await?", fields.join(", "))
    };
    match &op.output.page_item {
        Some(_) => {
            let _ = writeln!(
                out,
                "        let (response, result_info) = {send};\n        Ok(response.map(|items| crate::Page {{ items, result_info }}))"
            );
        }
        None => {
            let _ = writeln!(out, "        Ok({send}.0)");
        }
    }
    out.push_str("    }\n\n");
}

fn plain_method(out: &mut String, op: &Operation) {
    let extra = if op.output.if_empty.is_empty() {
        String::new()
    } else {
        let fields: Vec<String> =
            op.output.if_empty.iter().map(|(f, p)| format!("`{f}` = `{}`", super::document::rust_name(p))).collect();
        format!(
            "\n\nA success without a result (a 204, an empty body, `result: null`) answers the result holding only {}.",
            fields.join(", ")
        )
    };
    method_doc(out, op, &extra);
    let _ = writeln!(
        out,
        "    pub async fn {}(&self, {}) -> crate::Result<{}> {{\n        Ok(self.with_metadata().{}({}).await?.value)\n    }}\n",
        op.id,
        arguments(op, true),
        result_type(op),
        op.id,
        arguments(op, false)
    );
}

/// `spectrum_apps_list` → (`spectrum_apps_stream`, `spectrum_apps_list_all`).
pub fn stream_names(id: &str) -> (String, String) {
    let stem = id.strip_suffix("_list").unwrap_or(id);
    (format!("{stem}_stream"), format!("{id}_all"))
}

fn stream_methods(out: &mut String, op: &Operation) {
    let (stream, all) = stream_names(&op.id);
    let item = op.output.page_item.as_deref().unwrap_or_default();
    let ids: Vec<&str> = op.path_params.iter().map(|p| p.rust.as_str()).collect();
    let per_page = match op.max_per_page() {
        Some(max) => format!("Some({max})"),
        None => "None".into(),
    };
    let _ = writeln!(
        out,
        "    #[doc = \" Every item of [`{id}`](Self::{id}), fetched page after page as the stream is polled (see [`Pages`](crate::Pages) for when it stops).\"]\n    pub fn {stream}(&self, {args}) -> crate::Pages<{item}> {{",
        id = op.id,
        args = arguments(op, true),
    );
    out.push_str("        let client = self.clone();\n");
    for id in &ids {
        let _ = writeln!(out, "        let {id} = {id}.to_owned();");
    }
    let _ = writeln!(
        out,
        "        let query = query.clone();\n        crate::Pages::new(query.page, query.per_page.or({per_page}), ::std::sync::Arc::new(move |page, per_page| {{\n            let client = client.clone();"
    );
    for id in &ids {
        let _ = writeln!(out, "            let {id} = {id}.clone();");
    }
    let call_args: Vec<String> = ids.iter().map(|id| format!("&{id}")).chain(["&query".to_owned()]).collect();
    let _ = writeln!(
        out,
        "            let query = query.clone().page(page).per_page(per_page);\n            ::std::boxed::Box::pin(async move {{ client.{id}({args}).await }})\n        }}))\n    }}\n",
        id = op.id,
        args = call_args.join(", ")
    );
    let _ = writeln!(
        out,
        "    #[doc = \" Every item of [`{id}`](Self::{id}), collected (see [`{stream}`](Self::{stream})).\"]\n    pub async fn {all}(&self, {args}) -> crate::Result<::std::vec::Vec<{item}>> {{\n        ::futures::TryStreamExt::try_collect(self.{stream}({fwd})).await\n    }}\n",
        id = op.id,
        args = arguments(op, true),
        fwd = arguments(op, false),
    );
}

/// Writes one query parameter held in `value` (an `Option` or `Vec` field
/// of the query struct when `optional`, else an argument): its checks (an
/// identifier, the document's bounds), then its text.
fn write_param(out: &mut String, p: &Param, value: &str, indent: &str, optional: bool) {
    let scalar = p.shape.scalar();
    let (name, field) = (&p.wire, &p.rust);
    let check = match scalar {
        Scalar::Id => format!("crate::client::check_id({field:?}, v)?; "),
        s if s.is_int() && (p.minimum.is_some() || p.maximum.is_some()) => {
            format!(
                "crate::client::check_range({field:?}, *v as f64, \"\", {}, {})?; ",
                bound(p.minimum),
                bound(p.maximum)
            )
        }
        _ => String::new(),
    };
    let one = format!("{check}call.query({name:?}, {});", scalar.text("v"));
    let by_ref = if matches!(scalar, Scalar::Str | Scalar::Id) && !optional { "" } else { "&" };
    let line = match &p.shape {
        Shape::One(_) if optional => format!("if let Some(v) = &{value} {{ {one} }}"),
        Shape::One(_) => format!("{{ let v = {by_ref}{value}; {one} }}"),
        Shape::Repeated(_) => format!("for v in {value}.iter() {{ {one} }}"),
        Shape::Joined(_) => format!(
            "if !{value}.is_empty() {{ for v in {value}.iter() {{ {check} }} call.query({name:?}, &crate::client::joined({field:?}, {value}.iter().map(|v| {}))?); }}",
            scalar.text("v")
        ),
    };
    let _ = writeln!(out, "{indent}{line}");
}

fn bound(value: Option<i64>) -> String {
    value.map_or("None".into(), |v| format!("Some({v})"))
}

fn query_struct(out: &mut String, name: &str, users: &str, fields: &[&Param]) {
    let _ = writeln!(
        out,
        "#[doc = \" The optional query parameters of {users}; unset fields are not sent.\"]\n#[derive(Clone, Debug, Default, PartialEq)]\n#[non_exhaustive]\npub struct {name} {{"
    );
    for p in fields {
        doc(out, &field_doc(p));
        let _ = writeln!(out, "    pub {}: {},", p.rust, field_type(&p.shape));
    }
    let _ = writeln!(
        out,
        "}}\n\nimpl {name} {{\n    #[doc = \" Nothing set: the API's defaults.\"]\n    pub fn new() -> Self {{\n        Self::default()\n    }}\n"
    );
    for p in fields {
        doc(out, &format!("Sets `{}`.", p.wire));
        let (arg, set) = setter(&p.shape);
        let _ = writeln!(
            out,
            "    pub fn {f}(mut self, {f}: {arg}) -> Self {{\n        self.{f} = {};\n        self\n    }}\n",
            set.replace("VALUE", &p.rust),
            f = p.rust
        );
    }
    out.push_str("}\n\n");
}

fn field_doc(p: &Param) -> String {
    let mut text = format!("`{}`: {}", p.wire, p.description);
    match (p.minimum, p.maximum) {
        (Some(min), Some(max)) => {
            let _ = write!(text, " From {min} to {max}.");
        }
        (Some(min), None) => {
            let _ = write!(text, " At least {min}.");
        }
        (None, Some(max)) => {
            let _ = write!(text, " At most {max}.");
        }
        (None, None) => {}
    }
    if let Shape::Joined(Scalar::Id) | Shape::Repeated(Scalar::Id) | Shape::One(Scalar::Id) = p.shape {
        text.push_str(" Each must be an identifier (checked before sending).");
    }
    text
}

fn field_type(shape: &Shape) -> String {
    match shape {
        Shape::One(s) => format!("::std::option::Option<{}>", s.rust()),
        Shape::Repeated(s) | Shape::Joined(s) => format!("::std::vec::Vec<{}>", s.rust()),
    }
}

/// The setter's argument type and the assignment (`VALUE` is the argument).
fn setter(shape: &Shape) -> (String, &'static str) {
    match shape {
        Shape::One(Scalar::Str | Scalar::Id) => {
            ("impl ::std::convert::Into<::std::string::String>".into(), "Some(VALUE.into())")
        }
        Shape::One(s) => (s.rust(), "Some(VALUE)"),
        Shape::Repeated(Scalar::Str | Scalar::Id) | Shape::Joined(Scalar::Str | Scalar::Id) => (
            "impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>".into(),
            "VALUE.into_iter().map(::std::convert::Into::into).collect()",
        ),
        Shape::Repeated(s) | Shape::Joined(s) => {
            (format!("impl ::std::iter::IntoIterator<Item = {}>", s.rust()), "VALUE.into_iter().collect()")
        }
    }
}

fn table(out: &mut String, ops: &[Operation]) {
    out.push_str(
        "/// Every operation of the document, in document order.\npub const OPERATIONS: &[crate::OperationInfo] = &[\n",
    );
    for op in ops {
        let _ = writeln!(
            out,
            "    crate::OperationInfo {{ operation_id: {:?}, method: {:?}, path: {:?} }},",
            op.id, op.method, op.path
        );
    }
    out.push_str("];\n");
}
