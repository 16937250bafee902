//! The operation level of the alignment: parameters (path parameters
//! matched by position, others by location and name), request bodies and
//! success responses.

use serde_json::Value;

use super::{Aligner, Pending};
use crate::apply::Edit;
use crate::convert::{published_params, success_response};
use crate::json::{escape, ref_of, ref_target};
use crate::normalize::resolve;
use crate::ops::{Operation, path_params};
use crate::report::{Drift, Sign};

/// A parameter of either document, resolved.
struct Param {
    key: String,
    name: String,
    location: String,
    value: Value,
    /// Pointer of the curated parameter object (curated side only).
    ptr: String,
    /// Whether it belongs to the operation itself, not the path item.
    own: bool,
}

impl Aligner<'_> {
    /// Aligns one operation present in both documents.
    pub(super) fn operation(&mut self, id: &str, curated: &Operation, published: &Operation) {
        let c_item_ptr = format!("/paths/{}", escape(&curated.path));
        let c_ptr = format!("{c_item_ptr}/{}", curated.method);
        let c_item = &self.curated["paths"][&curated.path];
        let c_op = &c_item[&curated.method];
        let p_item = &self.published["paths"][&published.path];
        let p_op = &p_item[&published.method];
        let c_params = self.curated_params(&c_item_ptr, &c_ptr, &curated.path);
        let p_params = published_param_list(self.published, p_item, p_op, &published.path);
        self.parameters(id, &c_ptr, &c_params, &p_params);
        self.request_body(id, &c_ptr, c_op, p_op);
        self.response(id, &c_ptr, c_op, p_op);
    }

    fn curated_params(&self, item_ptr: &str, op_ptr: &str, path: &str) -> Vec<Param> {
        let names = path_params(path);
        let mut out = Vec::new();
        for (base, own) in [(item_ptr, false), (op_ptr, true)] {
            let list = self.curated.pointer(&format!("{base}/parameters"));
            for (i, p) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
                let (ptr, value) = match ref_of(p) {
                    Some(r) => {
                        (r.trim_start_matches('#').to_owned(), ref_target(self.curated, r).cloned().unwrap_or_default())
                    }
                    None => (format!("{base}/parameters/{i}"), p.clone()),
                };
                out.push(param(value, ptr, own, &names));
            }
        }
        out
    }

    fn parameters(&mut self, id: &str, op_ptr: &str, curated: &[Param], published: &[Param]) {
        for c in curated {
            let at = format!("{id}.{}.{}", c.location, c.name);
            let Some(p) = published.iter().find(|p| p.key == c.key) else {
                let mut d = Drift::new(Sign::Removed, at, "parameter", "parameter no longer published");
                if c.own {
                    d = d.with_edit(Edit::RemoveParameter {
                        ptr: op_ptr.to_owned(),
                        location: c.location.clone(),
                        name: c.name.clone(),
                    });
                }
                self.drift.push(d);
                continue;
            };
            let (c_req, p_req) = (is_true(&c.value["required"]), is_true(&p.value["required"]));
            if c_req != p_req {
                let mut d = Drift::new(
                    Sign::Changed,
                    at.clone(),
                    "required",
                    if p_req { "now required" } else { "no longer required" },
                );
                if c.own {
                    d = d.with_edit(Edit::SetKey { ptr: c.ptr.clone(), key: "required".into(), value: p_req.into() });
                }
                self.drift.push(d);
            }
            if let Some(schema) = p.value.get("schema") {
                self.visit(format!("{}/schema", c.ptr), at, schema, id);
            }
        }
        for p in published {
            if curated.iter().any(|c| c.key == p.key) {
                continue;
            }
            self.pending
                .push((self.drift.len(), Pending::Parameter { op_ptr: op_ptr.to_owned(), raw: p.value.clone() }));
            self.drift.push(Drift::new(
                Sign::Added,
                format!("{id}.{}.{}", p.location, p.name),
                "parameter",
                "new parameter",
            ));
        }
    }

    fn request_body(&mut self, id: &str, op_ptr: &str, c_op: &Value, p_op: &Value) {
        let at = format!("{id}.request");
        let c_body = c_op.get("requestBody");
        let p_body = p_op.get("requestBody").map(|b| resolve(self.published, b).0);
        match (c_body, p_body) {
            (None, None) => {}
            (None, Some(p)) => self.drift.push(Drift::new(
                Sign::Attention,
                at,
                "request-body",
                format!(
                    "the published schema declares a{} request body; the curated operation has none",
                    if is_true(&p["required"]) { " required" } else { "n optional" }
                ),
            )),
            (Some(_), None) => self.drift.push(Drift::new(
                Sign::Attention,
                at,
                "request-body",
                "the published schema declares no request body",
            )),
            (Some(c), Some(p)) => {
                let (c_req, p_req) = (is_true(&c["required"]), is_true(&p["required"]));
                if c_req != p_req {
                    self.drift.push(
                        Drift::new(
                            Sign::Changed,
                            at.clone(),
                            "required",
                            if p_req { "the body is now required" } else { "the body is now optional" },
                        )
                        .with_edit(Edit::SetKey {
                            ptr: format!("{op_ptr}/requestBody"),
                            key: "required".into(),
                            value: p_req.into(),
                        }),
                    );
                }
                match p.pointer("/content/application~1json/schema") {
                    Some(schema) => {
                        let ptr = format!("{op_ptr}/requestBody/content/application~1json/schema");
                        self.visit(ptr, at, schema, id);
                    }
                    None => self.drift.push(Drift::new(
                        Sign::Attention,
                        at,
                        "untyped",
                        "the published request body has no JSON schema",
                    )),
                }
            }
        }
    }

    fn response(&mut self, id: &str, op_ptr: &str, c_op: &Value, p_op: &Value) {
        let at = format!("{id}.response");
        let Some((code, p_resp)) = success_response(p_op) else {
            self.drift.push(Drift::new(Sign::Attention, at, "status", "no success response is published"));
            return;
        };
        if code != "200" {
            self.drift.push(Drift::new(
                Sign::Changed,
                at.clone(),
                "status",
                format!("the published success status is {code}, the curated one 200"),
            ));
        }
        self.other_successes(id, c_op, p_op, code);
        let mut c_ptr = format!("{op_ptr}/responses/200");
        if let Some(r) = c_op.pointer("/responses/200").and_then(ref_of) {
            c_ptr = r.trim_start_matches('#').to_owned();
        }
        let (p_resp, _) = resolve(self.published, p_resp);
        match p_resp.pointer("/content/application~1json/schema") {
            Some(schema) => {
                let ptr = format!("{c_ptr}/content/application~1json/schema");
                if self.curated.pointer(&ptr).is_some() {
                    self.visit(ptr, at, schema, id);
                }
            }
            None => self.drift.push(Drift::new(
                Sign::Attention,
                at,
                "untyped",
                "the published success response has no JSON schema",
            )),
        }
    }
}

impl Aligner<'_> {
    /// Compares the success statuses (`2..`) of both operations besides the
    /// one whose body is compared (`matched` published, `200` curated):
    /// each one only the curated operation accepts, or only the published
    /// one documents, at `{id}.response.{code}`. Nothing is written: a
    /// person decides whether the client should accept another status.
    fn other_successes(&mut self, id: &str, c_op: &Value, p_op: &Value, matched: &str) {
        let successes = |op: &Value| -> Vec<String> {
            let codes = op.get("responses").and_then(Value::as_object).into_iter().flatten();
            codes
                .map(|(code, _)| code.clone())
                .filter(|code| code.starts_with('2') && code != "200" && code != matched)
                .collect()
        };
        let (curated, published) = (successes(c_op), successes(p_op));
        for code in curated.iter().filter(|c| !published.contains(c)) {
            self.drift.push(Drift::new(
                Sign::Removed,
                format!("{id}.response.{code}"),
                "status",
                format!("the curated operation documents {code} as a success; the published schema does not"),
            ));
        }
        for code in published.iter().filter(|c| !curated.contains(c)) {
            self.drift.push(Drift::new(
                Sign::Added,
                format!("{id}.response.{code}"),
                "status",
                format!("the published schema also documents {code}; add it to the curated operation if the client should accept it"),
            ));
        }
    }
}

fn is_true(v: &Value) -> bool {
    v.as_bool() == Some(true)
}

fn param(value: Value, ptr: String, own: bool, path_names: &[String]) -> Param {
    let name = value["name"].as_str().unwrap_or_default().to_owned();
    let location = value["in"].as_str().unwrap_or_default().to_owned();
    let key = match path_names.iter().position(|n| *n == name) {
        Some(i) if location == "path" => format!("path#{i}"),
        _ => format!("{location}:{name}"),
    };
    Param { key, name, location, value, ptr, own }
}

fn published_param_list(doc: &Value, item: &Value, op: &Value, path: &str) -> Vec<Param> {
    let names = path_params(path);
    let mut out: Vec<Param> = Vec::new();
    for p in published_params(item, op) {
        let (value, _) = resolve(doc, p);
        let p = param(value, String::new(), true, &names);
        // An operation's own parameter overrides the path item's.
        out.retain(|q| q.key != p.key);
        out.push(p);
    }
    out
}
