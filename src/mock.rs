//! Typed [httpmock](https://docs.rs/httpmock/0.9) helpers, to test code that
//! uses this crate's [`Client`](crate::Client) against a local mock server
//! (feature `mock`).
//!
//! * [`MockServerExt`] adds one method per operation to
//!   [`httpmock::MockServer`], named like the [`Client`](crate::Client)
//!   method (`spectrum_apps_get`, `magic_apps_patch`, …). Its closure gets
//!   the operation's typed matcher and responder from [`operations`].
//! * Matchers: one method per path parameter (`zone_id`, `app_id`, …, which
//!   take an [`Identifier`]: see [`id`]), query parameter and `body` (the
//!   typed request body, compared as JSON). For the list and analytics
//!   queries, `query(&ListApps)` and `query(&EventsQuery)` match exactly what
//!   the client sends for that value.
//! * Responders: `ok_result(&result)` answers 200 with the result in a
//!   successful Cloudflare envelope, `error(status, &[(code, message)])` with
//!   a failed one, and `ok_page(&items, &result_info)` (list of Spectrum
//!   applications) with a page. The generated `ok(&envelope)`,
//!   `client_error` and `server_error` take whole envelopes, and
//!   `into_inner()` gives the plain [`httpmock::Then`] for anything else.
//! * [`ok`], [`ok_page`] and [`error`] build the same envelopes as JSON for
//!   plain httpmock mocks.
//!
//! Point the client at [`MockServer::base_url`](httpmock::MockServer::base_url),
//! or at a path under it such as `server.url("/client/v4")`.
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
//! let zone = mock::id("023e105f4ecef8ad9ca31a8372d0c353");
//! let app: SpectrumApp = serde_json::from_value(serde_json::json!({
//!     "id": "ea95132c15732412d22c1476fa83f27a",
//!     "created_on": "2024-01-01T00:00:00Z",
//!     "modified_on": "2024-01-01T00:00:00Z",
//!     "dns": { "type": "CNAME", "name": "ssh.example.com" },
//!     "protocol": "tcp/22",
//! }))?;
//!
//! let get = server.spectrum_apps_get(|when, then| {
//!     when.zone_id(&zone).app_id(&app.id);
//!     then.ok_result(&app);
//! });
//! assert_eq!(client.spectrum_apps_get(&zone, &app.id).await?, app);
//! get.assert_async().await;
//!
//! let missing = mock::id("00000000000000000000000000000000");
//! server.spectrum_apps_get(|when, then| {
//!     when.zone_id(&zone).app_id(&missing);
//!     then.error(404, &[(1003, "Application not found")]);
//! });
//! let error = client.spectrum_apps_get(&zone, &missing).await.unwrap_err();
//! assert!(error.is_not_found());
//! assert_eq!(error.codes(), [1003]);
//! # Ok(()) }
//! ```

use serde::Serialize;
use serde_json::{Value, json};

use crate::types::{AnalyticsDimension, AnalyticsMetric, Identifier, ResultInfo};
use crate::{EventsQuery, ListApps};

/// Progenitor's httpmock output for `openapi/spectrum.json` (see `build.rs`).
#[allow(missing_docs, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/httpmock.rs"));
}

pub use generated::{MockServerExt, operations};

/// The names the generated code imports with `use crate::mock::scope::*`.
mod scope {
    pub use crate::generated::types;

    /// Stands in for the `regex` crate, which the generated code names but
    /// this crate does not depend on (httpmock compiles the pattern), and
    /// fixes the generated path patterns on the way.
    pub mod regex {
        /// A path pattern for httpmock's `path_matches`.
        pub struct Regex;

        impl Regex {
            /// `pattern` is `^/segment/…$`, where progenitor put each path
            /// parameter's value as is, and `.*` or `[^/]*` for the others.
            /// The values are percent-encoded as the client sends them and
            /// regex-escaped, so that an identifier such as `a+b`, `x(y` or
            /// `café` matches itself only (an identifier spelt `.*` stays a
            /// wildcard; identifiers never contain `/`), and the path may
            /// follow a base path.
            #[allow(clippy::new_ret_no_self)]
            pub fn new(pattern: &str) -> Result<String, std::convert::Infallible> {
                let mut rest = pattern
                    .strip_prefix('^')
                    .and_then(|p| p.strip_suffix('$'))
                    .unwrap_or(pattern);
                // Any base path may come first (such as `/client/v4`).
                let mut fixed = String::from("^(?:/.*)?");
                while let Some(after_slash) = rest.strip_prefix('/') {
                    fixed.push('/');
                    let end = if after_slash.starts_with("[^/]*") {
                        5
                    } else {
                        after_slash.find('/').unwrap_or(after_slash.len())
                    };
                    let (segment, next) = after_slash.split_at(end);
                    match segment {
                        ".*" | "[^/]*" => fixed.push_str(segment),
                        literal => fixed.push_str(&escape(&progenitor_client::encode_path(literal))),
                    }
                    rest = next;
                }
                fixed.push_str(rest);
                fixed.push('$');
                Ok(fixed)
            }
        }

        /// Escapes the regex meta characters (those of the regex crate's
        /// `escape`).
        fn escape(text: &str) -> String {
            let mut escaped = String::with_capacity(text.len());
            for c in text.chars() {
                if "\\.+*?()|[]{}^$#&-~".contains(c) {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            escaped
        }
    }
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
    let errors: Vec<Value> = errors
        .iter()
        .map(|(code, message)| json!({ "code": code, "message": message }))
        .collect();
    (
        status,
        json!({ "success": false, "errors": errors, "messages": [], "result": null }),
    )
}

/// An [`Identifier`] for the path matchers (`zone_id`, `app_id`, …).
///
/// # Panics
///
/// If `value` is not a valid identifier (this is a test helper).
pub fn id(value: &str) -> Identifier {
    value
        .parse()
        .unwrap_or_else(|e| panic!("{value:?} is not a valid identifier: {e}"))
}

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("a mock value serializes to JSON")
}

/// A value as the client writes it in a query string (serde, as
/// progenitor's client does).
fn wire(value: &impl Serialize) -> String {
    match to_json(value) {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

fn respond(then: httpmock::Then, status: u16, body: Value) -> httpmock::Then {
    then.status(status)
        .header("content-type", "application/json")
        .json_body(body)
}

/// Requires the values of a repeated key (`name=a&name=b`): each value, and
/// exactly as many as given (their order is not checked); none means the
/// key is absent, as the client sends an empty list.
fn repeated(when: httpmock::When, name: &str, values: Vec<String>) -> httpmock::When {
    if values.is_empty() {
        return when.query_param_missing(name);
    }
    let count = values.len();
    let when = values
        .into_iter()
        .fold(when, |when, value| when.query_param(name, value));
    when.query_param_count(format!("^{name}$"), ".*", count)
}

/// Requires `name=value`, or that `name` is absent when `value` is `None`.
fn optional(when: httpmock::When, name: &str, value: Option<String>) -> httpmock::When {
    match value {
        Some(value) => when.query_param(name, value),
        None => when.query_param_missing(name),
    }
}

macro_rules! responders {
    ($($then:ident => $result:ty;)+) => {$(
        impl operations::$then {
            /// Answers 200 with `result` in a successful Cloudflare envelope
            /// (see [`ok`](crate::mock::ok)).
            pub fn ok_result(self, result: &$result) -> Self {
                Self::new(respond(self.into_inner(), 200, ok(result)))
            }

            /// Answers `status` with a failed Cloudflare envelope holding
            /// these `(code, message)` errors (see
            /// [`error`](crate::mock::error)); any status, even 200.
            pub fn error(self, status: u16, errors: &[(u64, &str)]) -> Self {
                let (status, body) = error(status, errors);
                Self::new(respond(self.into_inner(), status, body))
            }
        }
    )+};
}

responders! {
    SpectrumAppsListThen => [crate::types::SpectrumApp];
    SpectrumAppsCreateThen => crate::types::SpectrumApp;
    SpectrumAppsGetThen => crate::types::SpectrumApp;
    SpectrumAppsUpdateThen => crate::types::SpectrumApp;
    SpectrumAppsDeleteThen => crate::types::SpectrumAppId;
    SpectrumProtocolsListThen => [crate::types::SpectrumProtocol];
    SpectrumAnalyticsCurrentThen => [crate::types::SpectrumAnalyticsCurrent];
    SpectrumAnalyticsBytimeThen => crate::types::SpectrumAnalyticsReport;
    SpectrumAnalyticsSummaryThen => crate::types::SpectrumAnalyticsReport;
    MagicAppsListThen => [crate::types::MagicApp];
    MagicAppsCreateThen => crate::types::MagicAccountApp;
    MagicAppsUpdateThen => crate::types::MagicAccountApp;
    MagicAppsPatchThen => crate::types::MagicAccountApp;
    MagicAppsDeleteThen => crate::types::MagicAccountApp;
}

impl operations::SpectrumAppsListThen {
    /// Answers 200 with one page of applications and its `result_info`
    /// (see [`ok_page`](crate::mock::ok_page)).
    pub fn ok_page(self, items: &[crate::types::SpectrumApp], result_info: &ResultInfo) -> Self {
        Self::new(respond(self.into_inner(), 200, ok_page(items, result_info)))
    }
}

impl operations::SpectrumAppsListWhen {
    /// Matches the query [`Client::spectrum_apps_list`](crate::Client::spectrum_apps_list)
    /// sends for `query`: `page`, `per_page`, `order` and `direction` as
    /// given, each absent when unset.
    pub fn query(self, query: &ListApps) -> Self {
        let when = self.into_inner();
        let when = optional(when, "page", query.page.map(|page| page.to_string()));
        let when = optional(when, "per_page", query.per_page.map(|per_page| per_page.to_string()));
        let when = optional(when, "order", query.order.as_ref().map(wire));
        let when = optional(when, "direction", query.direction.as_ref().map(wire));
        Self::new(when)
    }
}

impl operations::SpectrumAnalyticsCurrentWhen {
    /// Matches the `appID` list as
    /// [`Client::spectrum_analytics_current`](crate::Client::spectrum_analytics_current)
    /// sends it (comma-separated; absent when empty).
    pub fn app_ids(self, app_ids: &[&str]) -> Self {
        let joined = (!app_ids.is_empty()).then(|| app_ids.join(","));
        Self::new(optional(self.into_inner(), "appID", joined))
    }
}

macro_rules! events_matchers {
    ($($when:ident),+) => {$(
        impl operations::$when {
            /// Matches everything the client sends for `query`: `metrics`,
            /// `dimensions` and `sort` as repeated keys, `filters`, `since`
            /// and `until` (RFC 3339); each absent when empty or unset.
            pub fn query(self, query: &EventsQuery) -> Self {
                self.metrics(&query.metrics)
                    .dimensions(&query.dimensions)
                    .sort(&query.sort)
                    .filters(query.filters.as_deref())
                    .since(query.since)
                    .until(query.until)
            }

            /// Matches the `metrics` keys: these values, in any order
            /// (absent when empty).
            pub fn metrics(self, metrics: &[AnalyticsMetric]) -> Self {
                Self::new(repeated(self.into_inner(), "metrics", metrics.iter().map(wire).collect()))
            }

            /// Matches the `dimensions` keys: these values, in any order
            /// (absent when empty).
            pub fn dimensions(self, dimensions: &[AnalyticsDimension]) -> Self {
                Self::new(repeated(self.into_inner(), "dimensions", dimensions.iter().map(wire).collect()))
            }

            /// Matches the `sort` keys: these values, in any order (absent
            /// when empty).
            pub fn sort<S: AsRef<str>>(self, sort: &[S]) -> Self {
                let values = sort.iter().map(|s| s.as_ref().to_owned()).collect();
                Self::new(repeated(self.into_inner(), "sort", values))
            }

            /// Matches `since` as the client sends it (RFC 3339), or its
            /// absence for `None`.
            pub fn since(self, since: impl Into<Option<chrono::DateTime<chrono::Utc>>>) -> Self {
                Self::new(optional(self.into_inner(), "since", since.into().as_ref().map(wire)))
            }

            /// Matches `until` as the client sends it (RFC 3339), or its
            /// absence for `None`.
            pub fn until(self, until: impl Into<Option<chrono::DateTime<chrono::Utc>>>) -> Self {
                Self::new(optional(self.into_inner(), "until", until.into().as_ref().map(wire)))
            }
        }
    )+};
}

events_matchers!(SpectrumAnalyticsBytimeWhen, SpectrumAnalyticsSummaryWhen);
