//! The mock kit (feature `mock`): progenitor's httpmock output, plus the
//! matchers and responders it lacks, emitted here from the same document.
//!
//! Progenitor 0.15's httpmock generator gets two kinds of parameters wrong,
//! so [`httpmock_spec`] leaves them out of the copy of the document it is
//! given, and [`emit`] matches them by hand, in one place:
//!
//! * **Path parameters**: the value goes into the path regex as is, neither
//!   percent-encoded nor regex-escaped (`as_wildcard_param` in
//!   progenitor-impl's `template.rs`), so an identifier such as `.*` matches
//!   every path and `a+b` or `café` never matches what the client sends. No
//!   upstream issue reports this yet.
//! * **Paths under a base path**: the path regex is anchored at the
//!   server's root (`^/zones/…`), so a client aimed at `/client/v4` on the
//!   mock server, as on the real API, never matched. The regex is built from
//!   the template's literal parts as they are, so the copy's paths open on
//!   [`BASE_PATH`], a pattern matching any base path; [`httpmock_spec`]
//!   checks that no other literal holds a regex character.
//! * **Array and date-time query parameters**: matched with
//!   `query_param(name, value.to_string())`, which does not compile for
//!   `Vec<T>` and never matches a date-time (chrono's `Display` is not the
//!   RFC 3339 text the client sends): progenitor issue #1260, fixed by the
//!   still open PR #1261.

use std::fmt::Write as _;

use serde_json::Value;

use super::document::{Operation, Param, Scalar, Shape, template_literals};

/// What any base path (`/client/v4/`) or none matches, after the first `/`.
pub const BASE_PATH: &str = "(?:.*/)?";

/// The document given to progenitor's httpmock generator: the same, with
/// each path opening on [`BASE_PATH`], and minus the parameters whose
/// matchers [`emit`] writes instead.
pub fn httpmock_spec(raw: &Value) -> openapiv3::OpenAPI {
    let mut raw = raw.clone();
    let shared = raw["components"]["parameters"].clone();
    let matched_here = |parameter: &Value| {
        let parameter = match parameter["$ref"].as_str() {
            Some(path) => &shared[path.trim_start_matches("#/components/parameters/")],
            None => parameter,
        };
        parameter["in"] == "path" || (parameter["in"] == "query" && by_hand(&parameter["schema"]))
    };
    let mut paths = serde_json::Map::new();
    for (path, item) in raw["paths"].as_object().into_iter().flatten() {
        let literals = template_literals(path).concat();
        assert!(
            !literals.contains(|c: char| "\\.+*?()|[]^$#&-~".contains(c)),
            "{path}: a regex character in the path, which progenitor's path regex would not escape"
        );
        let mut item = item.clone();
        for entry in item.as_object_mut().into_iter().flat_map(|item| item.values_mut()) {
            // The path item's own `parameters`, and each operation's.
            let parameters = match entry {
                Value::Array(list) => Some(list),
                other => other.get_mut("parameters").and_then(Value::as_array_mut),
            };
            if let Some(parameters) = parameters {
                parameters.retain(|p| !matched_here(p));
            }
        }
        paths.insert(format!("/{BASE_PATH}{}", &path[1..]), item);
    }
    raw["paths"] = Value::Object(paths);
    serde_json::from_value(raw).unwrap_or_else(|e| panic!("the document without hand-matched parameters: {e}"))
}

/// Query parameters progenitor matches wrongly (#1260).
fn by_hand(schema: &Value) -> bool {
    schema["type"] == "array" || schema["format"] == "date-time"
}

fn is_by_hand(p: &Param) -> bool {
    p.shape.is_list() || *p.shape.scalar() == Scalar::DateTime
}

/// Matchers and responders for every operation.
pub fn emit(ops: &[Operation]) -> String {
    let mut out = String::new();
    for op in ops {
        when(&mut out, op);
        then(&mut out, op);
    }
    out
}

fn when(out: &mut String, op: &Operation) {
    let _ = writeln!(out, "impl operations::{}When {{", op.camel());
    let literals = template_literals(&op.path);
    for (i, p) in op.path_params.iter().enumerate() {
        let values: Vec<String> = (0..op.path_params.len())
            .map(|j| if i == j { "Some(value.as_ref())".into() } else { "None".into() })
            .collect();
        let _ = writeln!(
            out,
            "    #[doc = \" Matches `{{{}}}`: exactly this identifier, percent-encoded as the client sends it (never a pattern).\"]\n    pub fn {}(self, value: impl AsRef<str>) -> Self {{\n        let path = crate::kits::mock::path_regex(&{:?}, &[{}]);\n        Self::new(self.into_inner().path_matches(path))\n    }}\n",
            p.wire,
            p.rust,
            literals,
            values.join(", ")
        );
    }
    for p in op.query.iter().filter(|p| is_by_hand(p)) {
        matcher(out, p);
    }
    if let Some(name) = &op.query_struct {
        let _ = writeln!(
            out,
            "    #[doc = \" Matches exactly what the client sends for `query`: every field set, and no other of them.\"]\n    pub fn query(self, query: &crate::{name}) -> Self {{\n        let when = self.into_inner();"
        );
        for p in op.optional_query() {
            let value = format!("query.{}", p.rust);
            let line = match &p.shape {
                Shape::One(s) => format!(
                    "crate::kits::mock::optional(when, {:?}, {value}.as_ref().map(|v| {}))",
                    p.wire,
                    s.owned_text("v")
                ),
                Shape::Repeated(s) => format!(
                    "crate::kits::mock::repeated(when, {:?}, {value}.iter().map(|v| {}).collect())",
                    p.wire,
                    s.owned_text("v")
                ),
                Shape::Joined(s) => format!(
                    "crate::kits::mock::optional(when, {:?}, crate::kits::mock::joined({value}.iter().map(|v| {})))",
                    p.wire,
                    s.owned_text("v")
                ),
            };
            let _ = writeln!(out, "        let when = {line};");
        }
        out.push_str("        Self::new(when)\n    }\n");
    }
    out.push_str("}\n\n");
}

/// A hand-written matcher for one array or date-time query parameter.
fn matcher(out: &mut String, p: &Param) {
    let text_like = matches!(p.shape.scalar(), Scalar::Str | Scalar::Id);
    let item = p.shape.scalar().rust();
    let (generics, arg, values) = match (&p.shape, text_like) {
        (Shape::One(_), _) => (
            String::new(),
            format!("value: impl Into<Option<{item}>>"),
            format!("value.into().as_ref().map(|v| {})", p.shape.scalar().owned_text("v")),
        ),
        (_, true) => {
            ("<S: AsRef<str>>".into(), "values: &[S]".into(), "values.iter().map(|v| v.as_ref().to_owned())".to_owned())
        }
        (_, false) => (
            String::new(),
            format!("values: &[{item}]"),
            format!("values.iter().map(|v| {})", p.shape.scalar().owned_text("v")),
        ),
    };
    let body = match &p.shape {
        Shape::One(_) => format!("crate::kits::mock::optional(self.into_inner(), {:?}, {values})", p.wire),
        Shape::Repeated(_) => {
            format!("crate::kits::mock::repeated(self.into_inner(), {:?}, {values}.collect())", p.wire)
        }
        Shape::Joined(_) => {
            format!("crate::kits::mock::optional(self.into_inner(), {:?}, crate::kits::mock::joined({values}))", p.wire)
        }
    };
    let what = match &p.shape {
        Shape::One(_) => "this value as the client sends it, or its absence for `None`",
        Shape::Repeated(_) => "these values as repeated keys, in any order; absent when empty",
        Shape::Joined(_) => "these values joined with commas, in this order; absent when empty",
    };
    let _ = writeln!(
        out,
        "    #[doc = \" Matches `{}`: {what}.\"]\n    pub fn {}{generics}(self, {arg}) -> Self {{\n        Self::new({body})\n    }}\n",
        p.wire, p.rust
    );
}

fn then(out: &mut String, op: &Operation) {
    let result = match op.output.result.strip_prefix("::std::vec::Vec<") {
        Some(item) => format!("[{}", item.replacen('>', "]", 1)),
        None => op.output.result.clone(),
    };
    let _ = writeln!(
        out,
        "impl operations::{}Then {{\n    #[doc = \" Answers 200 with `result` in a successful Cloudflare envelope (see [`ok`](crate::mock::ok)).\"]\n    pub fn ok_result(self, result: &{result}) -> Self {{\n        Self::new(crate::kits::mock::respond(self.into_inner(), 200, crate::mock::ok(result)))\n    }}\n\n    #[doc = \" Answers `status` (any, even 200) with a failed Cloudflare envelope holding these `(code, message)` errors (see [`error`](crate::mock::error)).\"]\n    pub fn error(self, status: u16, errors: &[(u64, &str)]) -> Self {{\n        let (status, body) = crate::mock::error(status, errors);\n        Self::new(crate::kits::mock::respond(self.into_inner(), status, body))\n    }}",
        op.camel()
    );
    if let Some(item) = &op.output.page_item {
        let _ = writeln!(
            out,
            "\n    #[doc = \" Answers 200 with one page of items and its `result_info` (see [`ok_page`](crate::mock::ok_page)).\"]\n    pub fn ok_page(self, items: &[{item}], result_info: &crate::types::ResultInfo) -> Self {{\n        Self::new(crate::kits::mock::respond(self.into_inner(), 200, crate::mock::ok_page(items, result_info)))\n    }}"
        );
    }
    out.push_str("}\n\n");
}
