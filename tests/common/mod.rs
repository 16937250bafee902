//! Shared fixtures and helpers of the conformance and edge-case tests.
//!
//! Every server is an `httpmock` server on 127.0.0.1; nothing reaches the
//! internet.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use cloudflare_spectrum::{Client, Credentials};
use httpmock::{HttpMockRequest, MockServer};
use serde_json::{Value, json};

pub const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const APP: &str = "ea95132c15732412d22c1476fa83f27a";
pub const ACCOUNT: &str = "01a7362d577a6c3019a474fd6f485823";
pub const ACCOUNT_APP: &str = "ac60d3d0435248289d446cedd870bcf4";
pub const TOKEN: &str = "test-token";
pub const USER_AGENT: &str = "cloudflare-spectrum/0.1.0";

/// A client for `server` with an API token and no retries.
pub fn client(server: &MockServer) -> Client {
    client_with(server, Credentials::api_token(TOKEN))
}

/// A client for `server` with these credentials and no retries.
pub fn client_with(server: &MockServer, credentials: Credentials) -> Client {
    Client::builder().base_url(server.base_url()).credentials(credentials).max_retries(0).build().expect("client")
}

/// A successful envelope holding `result`.
pub fn envelope(result: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result })
}

/// A successful envelope holding `result` and `result_info`.
pub fn list_envelope(result: Value, result_info: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result, "result_info": result_info })
}

/// A full application, as in the API reference's example.
pub fn full_app() -> Value {
    json!({
        "id": APP,
        "created_on": "2014-01-01T05:20:00.12345Z",
        "modified_on": "2014-01-02T05:20:00Z",
        "dns": { "name": "ssh.example.com", "type": "CNAME" },
        "protocol": "tcp/22",
        "traffic_type": "direct",
        "argo_smart_routing": true,
        "edge_ips": { "connectivity": "all", "type": "dynamic" },
        "ip_firewall": false,
        "origin_direct": ["tcp://127.0.0.1:8080"],
        "origin_dns": { "name": "origin.example.com", "ttl": 600, "type": "" },
        "origin_port": 22,
        "proxy_protocol": "off",
        "tls": "off"
    })
}

/// A pay-as-you-go application: only id, timestamps, dns, protocol and
/// origin_direct.
pub fn paygo_app() -> Value {
    json!({
        "id": "b4b3d6a2e7c94a1f8d5e6f7a8b9c0d1e",
        "created_on": "2020-05-06T07:08:09Z",
        "modified_on": "2020-05-06T07:08:09Z",
        "dns": { "name": "game.example.com", "type": "CNAME" },
        "protocol": "tcp/25565",
        "origin_direct": ["tcp://192.0.2.1:25565"]
    })
}

/// A Magic account app, as in the API reference's example.
pub fn magic_app() -> Value {
    json!({
        "account_app_id": ACCOUNT_APP,
        "hostnames": ["auth.cloudflare.com"],
        "ip_subnets": ["192.0.2.0/24"],
        "name": "Cloudflare Dashboard",
        "source_subnets": ["192.0.2.0/24"],
        "type": "Development"
    })
}

/// Records every request a mock sees, for assertions on what went over the
/// wire (raw URI, the exact set of headers).
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<HttpMockRequest>>>);

impl Capture {
    pub fn new() -> Self {
        Self::default()
    }

    /// A matcher for `when.is_true(...)` that records the request and
    /// always matches.
    pub fn matcher(&self) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
        let seen = self.0.clone();
        move |req: &HttpMockRequest| {
            seen.lock().unwrap().push(req.clone());
            true
        }
    }

    /// The one request recorded (panics if none, or if different requests
    /// were recorded: httpmock may run the matcher more than once, or for
    /// a request another mock of the same server answers).
    pub fn request(&self) -> HttpMockRequest {
        self.only(|_| true)
    }

    /// The one request recorded with this method.
    pub fn request_with_method(&self, method: &str) -> HttpMockRequest {
        self.only(|req| req.method_str().eq_ignore_ascii_case(method))
    }

    fn only(&self, keep: impl Fn(&HttpMockRequest) -> bool) -> HttpMockRequest {
        let seen = self.0.lock().unwrap();
        let kept: Vec<&HttpMockRequest> = seen.iter().filter(|req| keep(req)).collect();
        let first = *kept.first().expect("the server saw the request");
        for other in &kept {
            let same = other.method_str() == first.method_str()
                && other.uri_str() == first.uri_str()
                && other.body_ref() == first.body_ref();
            assert!(same, "more than one distinct request: {first:?} and {other:?}");
        }
        first.clone()
    }
}

/// Asserts that the request carries exactly these headers (besides `host`
/// and, when there is a body, `content-length`), with these values.
pub fn assert_exact_headers(req: &HttpMockRequest, expected: &[(&str, &str)]) {
    let mut got: Vec<(String, String)> = req
        .headers_vec()
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .filter(|(k, _)| k != "host" && k != "content-length")
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> =
        expected.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect();
    want.sort();
    assert_eq!(got, want, "request headers");
}

/// The headers every JSON request without a body carries (compressed
/// responses are asked for, as the official SDKs do).
pub fn get_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("accept", "application/json"),
        ("accept-encoding", "gzip,deflate"),
        ("authorization", "Bearer test-token"),
        ("user-agent", USER_AGENT),
    ]
}

/// The headers every request with a JSON body carries.
pub fn body_headers() -> Vec<(&'static str, &'static str)> {
    let mut headers = get_headers();
    headers.push(("content-type", "application/json"));
    headers
}

/// The decoded query of a request, sorted by key (stable: repeated keys
/// keep their order).
pub fn sorted_query(req: &HttpMockRequest) -> Vec<(String, String)> {
    let mut pairs = req.query_params();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
}

/// `pairs` as owned, sorted the same way as [`sorted_query`].
pub fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
}

/// The raw query string of a request as sent (still percent-encoded).
pub fn raw_query(req: &HttpMockRequest) -> String {
    req.uri_str().split_once('?').map(|(_, q)| q.to_owned()).unwrap_or_default()
}
