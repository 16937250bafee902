//! Typed [httpmock](https://docs.rs/httpmock/0.9) helpers, to test code that
//! uses this crate's [`Client`](crate::Client) against a local mock server
//! (feature `mock`).
//!
//! * [`MockServerExt`] adds one method per operation of the document to
//!   [`httpmock::MockServer`], named like the [`Client`](crate::Client)
//!   method (`spectrum_apps_get`, `magic_apps_patch`, …). Its closure gets
//!   the operation's typed matcher and responder from [`operations`].
//! * Matchers: one method per path parameter (`zone_id`, `app_id`, …: that
//!   identifier exactly, whatever characters it holds), per query parameter
//!   and `body` (the typed request body, compared as JSON); for an
//!   operation with a query struct, `query(&ListApps)` matches exactly what
//!   the client sends for that value.
//! * Responders: `ok_result(&result)` answers 200 with the result in a
//!   successful Cloudflare envelope, `error(status, &[(code, message)])` with
//!   a failed one, `ok_page(&items, &result_info)` (lists) with a page, and
//!   `no_content()` (deletes) with a 204. The `ok(&envelope)`,
//!   `client_error` and `server_error` of progenitor take whole envelopes,
//!   and `into_inner()` gives the plain [`httpmock::Then`] for anything else.
//! * [`ok`], [`ok_page`] and [`error`] build the same envelopes as JSON for
//!   plain httpmock mocks.
//!
//! Both progenitor's part and the one `build.rs` adds are generated from
//! the document (see `build/mock.rs` for what progenitor gets wrong and how
//! it is fixed). Point the client at
//! [`MockServer::base_url`](httpmock::MockServer::base_url), or at a path
//! under it such as `server.url("/client/v4")`.
//!
//! ```
//! use cloudflare_spectrum::mock::{self, MockServerExt};
//! use cloudflare_spectrum::types::SpectrumApp;
//! use cloudflare_spectrum::{Client, Credentials};
//! use httpmock::MockServer;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start_async().await;
//! let client = Client::builder()
//!     .base_url(server.base_url())
//!     .credentials(Credentials::api_token("test-token"))
//!     .build()?;
//! let zone = "023e105f4ecef8ad9ca31a8372d0c353";
//! let app: SpectrumApp = serde_json::from_value(serde_json::json!({
//!     "id": "ea95132c15732412d22c1476fa83f27a",
//!     "created_on": "2024-01-01T00:00:00Z",
//!     "modified_on": "2024-01-01T00:00:00Z",
//!     "dns": { "type": "CNAME", "name": "ssh.example.com" },
//!     "protocol": "tcp/22",
//! }))?;
//!
//! let get = server.spectrum_apps_get(|when, then| {
//!     when.zone_id(zone).app_id(&app.id);
//!     then.ok_result(&app);
//! });
//! assert_eq!(client.spectrum_apps_get(zone, &app.id).await?, app);
//! get.assert_async().await;
//!
//! let missing = "00000000000000000000000000000000";
//! server.spectrum_apps_get(|when, then| {
//!     when.zone_id(zone).app_id(missing);
//!     then.error(404, &[(1003, "Application not found")]);
//! });
//! let error = client.spectrum_apps_get(zone, missing).await.unwrap_err();
//! assert!(error.is_not_found());
//! assert_eq!(error.codes(), [1003]);
//! # Ok(()) }
//! ```

use percent_encoding::utf8_percent_encode;
use serde::Serialize;
use serde_json::{Value, json};

use crate::types::{Identifier, ResultInfo};

/// Progenitor's httpmock output and the matchers and responders `build.rs`
/// adds, for `openapi/spectrum.json`.
#[allow(missing_docs, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/httpmock.rs"));
}

pub use generated::{MockServerExt, operations};

/// The names the generated code imports with `use …::scope::*`.
mod scope {
    pub use crate::types;
    pub use ::regex;
}

/// A successful Cloudflare envelope: `{"success": true, "errors": [],
/// "messages": [], "result": result}`.
///
/// ```
/// # use httpmock::MockServer;
/// # let server = MockServer::start();
/// server.mock(|when, then| {
///     when.method("GET").path("/zones/023e105f4ecef8ad9ca31a8372d0c353/spectrum/protocols");
///     then.status(200).json_body(cloudflare_spectrum::mock::ok(serde_json::json!([{ "name": "minecraft" }])));
/// });
/// ```
pub fn ok(result: impl Serialize) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": to_json(&result) })
}

/// A successful envelope holding one page of a list, with its
/// `result_info`.
pub fn ok_page(items: impl Serialize, result_info: &ResultInfo) -> Value {
    let mut envelope = ok(items);
    envelope["result_info"] = to_json(result_info);
    envelope
}

/// A failed envelope (`"success": false`, `"result": null`) with these
/// Cloudflare errors, and the status to send it with: feed the pair to
/// `then.status(status).json_body(body)`.
///
/// ```
/// # use httpmock::MockServer;
/// # let server = MockServer::start();
/// let (status, body) = cloudflare_spectrum::mock::error(403, &[(10000, "Authentication error")]);
/// server.mock(|_, then| {
///     then.status(status).json_body(body);
/// });
/// ```
pub fn error(status: u16, errors: &[(u64, &str)]) -> (u16, Value) {
    let errors: Vec<Value> = errors.iter().map(|(code, message)| json!({ "code": code, "message": message })).collect();
    (status, json!({ "success": false, "errors": errors, "messages": [], "result": null }))
}

/// An [`Identifier`], for fixtures.
///
/// # Panics
///
/// If `value` is not a valid identifier (this is a test helper).
pub fn id(value: &str) -> Identifier {
    value.parse().unwrap_or_else(|e| panic!("{value:?} is not a valid identifier: {e}"))
}

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("a mock value serializes to JSON")
}

/// The path regex of an operation: its template's `literals` around
/// `values`, each value percent-encoded as the client sends it and then
/// regex-escaped, so that it matches itself only; `None` matches any one
/// segment. Any base path may come first, as in progenitor's part (see
/// `build/mock.rs`).
pub(crate) fn path_regex(literals: &[&str], values: &[Option<&str>]) -> regex::Regex {
    let mut pattern = String::from("^(?:/.*)?");
    for (i, literal) in literals.iter().enumerate() {
        pattern.push_str(&regex::escape(literal));
        match values.get(i) {
            Some(Some(value)) => {
                pattern.push_str(&regex::escape(&utf8_percent_encode(value, crate::client::PATH_SET).to_string()))
            }
            Some(None) => pattern.push_str("[^/]+"),
            None => {}
        }
    }
    pattern.push('$');
    regex::Regex::new(&pattern).expect("escaped parts form a valid regex")
}

pub(crate) fn respond(then: httpmock::Then, status: u16, body: Value) -> httpmock::Then {
    then.status(status).header("content-type", "application/json").json_body(body)
}

/// Requires the values of a repeated key (`name=a&name=b`): each value, and
/// exactly as many as given (their order is not checked); none means the
/// key is absent, as the client sends an empty list.
pub(crate) fn repeated(when: httpmock::When, name: &str, values: Vec<String>) -> httpmock::When {
    if values.is_empty() {
        return when.query_param_missing(name);
    }
    let count = values.len();
    let when = values.into_iter().fold(when, |when, value| when.query_param(name, value));
    when.query_param_count(format!("^{}$", regex::escape(name)), ".*", count)
}

/// Requires `name=value`, or that `name` is absent when `value` is `None`.
pub(crate) fn optional(when: httpmock::When, name: &str, value: Option<String>) -> httpmock::When {
    match value {
        Some(value) => when.query_param(name, value),
        None => when.query_param_missing(name),
    }
}

/// The values joined with commas, as the client sends such a list; `None`
/// when there are none.
pub(crate) fn joined(values: impl Iterator<Item = String>) -> Option<String> {
    let values: Vec<String> = values.collect();
    (!values.is_empty()).then(|| values.join(","))
}
