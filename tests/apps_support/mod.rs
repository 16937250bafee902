//! Shared fixtures of the apps-as-code tests (`tests/apps_*.rs`): clients
//! for the in-process fake (loopback only, retries off), configurations of
//! every shape the engine must round-trip, seeding a zone, and the request
//! log in short form.
#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

use cloudflare_spectrum::Client;
use cloudflare_spectrum::apps::{Desired, PlanOptions, Spectrum};
use cloudflare_spectrum::fake::{FakeCloudflare, RecordedRequest};
use cloudflare_spectrum::types::{SpectrumApp, SpectrumAppConfig};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};

pub use cloudflare_spectrum::fake::{ACCOUNT_ID as ACCOUNT, ZONE_ID as ZONE};

/// How long any one test may take before it fails instead of hanging.
pub const GUARD: Duration = Duration::from_secs(60);

/// Runs `future`, failing the test if it takes longer than [`GUARD`].
pub async fn bounded<F: Future>(future: F) -> F::Output {
    match tokio::time::timeout(GUARD, future).await {
        Ok(output) => output,
        Err(_) => panic!("the test did not finish within {GUARD:?}"),
    }
}

/// A fake on 127.0.0.1 and a client for it with retries off.
pub async fn fake() -> (FakeCloudflare, Client) {
    let fake = FakeCloudflare::start().await.expect("the fake starts");
    let client = fake.client_builder().max_retries(0).build().expect("a client");
    (fake, client)
}

/// A configuration from its JSON (a test's literal).
pub fn config(value: Value) -> SpectrumAppConfig {
    serde_json::from_value(value).expect("a valid SpectrumAppConfig literal")
}

/// A desired state of these configurations.
pub fn desired(apps: Vec<SpectrumAppConfig>) -> Desired<Spectrum> {
    Desired::new(apps)
}

/// Pruning on.
pub fn prune() -> PlanOptions {
    PlanOptions::new().prune(true)
}

/// The `i`th app of a zone of mixed shapes, each as a user would write it
/// (only what they set; the fake fills in the server defaults of the full
/// ones), with a DNS name of its own:
///
/// * 0: full, CNAME, only `traffic_type` and `origin_direct` set (the
///   server fills in dynamic/all edge IPs, TLS and PROXY protocol off, Argo
///   and the IP firewall off);
/// * 1: pay-as-you-go: `dns`, `protocol`, `origin_direct` only;
/// * 2: a port range `tcp/1000-1010` to `origin_dns` port `"2000-2010"`;
/// * 3: static edge IPs (`ADDRESS`, `edge_ips {type: static, ips}`);
/// * 4: dynamic IPv4 edge IPs, Argo on, TLS full, PROXY protocol v1, and
///   `origin_port` as a number.
/// * 5: UDP, full, with several origins.
pub fn mixed_app(i: usize) -> SpectrumAppConfig {
    let name = format!("app-{i}.example.com");
    let port = 1 + (i % 60_000);
    let octet = 1 + (i % 250);
    config(match i % 6 {
        0 => json!({
            "dns": { "type": "CNAME", "name": name },
            "protocol": format!("tcp/{port}"),
            "traffic_type": "direct",
            "origin_direct": [format!("tcp://192.0.2.{octet}:{port}")],
        }),
        1 => json!({
            "dns": { "type": "CNAME", "name": name },
            "protocol": format!("tcp/{port}"),
            "origin_direct": [format!("tcp://192.0.2.{octet}:22")],
        }),
        2 => json!({
            "dns": { "type": "CNAME", "name": name },
            "protocol": "tcp/1000-1010",
            "traffic_type": "direct",
            "origin_dns": { "name": format!("origin-{i}.example.net"), "ttl": 600 },
            "origin_port": "2000-2010",
        }),
        3 => json!({
            "dns": { "type": "ADDRESS", "name": name },
            "protocol": format!("tcp/{port}"),
            "traffic_type": "direct",
            "edge_ips": { "type": "static", "ips": [format!("198.51.100.{octet}"), format!("2001:db8::{octet:x}")] },
            "origin_direct": [format!("tcp://192.0.2.{octet}:{port}")],
        }),
        4 => json!({
            "dns": { "type": "CNAME", "name": name },
            "protocol": format!("tcp/{port}"),
            "traffic_type": "direct",
            "argo_smart_routing": true,
            "edge_ips": { "type": "dynamic", "connectivity": "ipv4" },
            "tls": "full",
            "proxy_protocol": "v1",
            "origin_dns": { "name": format!("origin-{i}.example.net") },
            "origin_port": 8443,
        }),
        _ => json!({
            "dns": { "type": "CNAME", "name": name },
            "protocol": format!("udp/{port}"),
            "traffic_type": "direct",
            "origin_direct": [format!("udp://192.0.2.{octet}:{port}"), format!("udp://203.0.113.{octet}:{port}")],
        }),
    })
}

/// Creates every configuration in `zone` (up to 8 at once) and answers the
/// apps created, in the order given.
pub async fn seed(client: &Client, zone: &str, configs: &[SpectrumAppConfig]) -> Vec<SpectrumApp> {
    futures::stream::iter(configs)
        .map(|config| client.spectrum_apps_create(zone, config))
        .buffered(8)
        .try_collect()
        .await
        .expect("the fake accepts every seeded app")
}

/// One request in short form: the method and the path after
/// `/client/v4/zones/{zone}` (or `/accounts/{account}`), with the query
/// when there is one: `GET /spectrum/apps?page=1&per_page=100`,
/// `PUT /spectrum/apps/{id}`.
pub fn short(request: &RecordedRequest) -> String {
    let path = request.path.strip_prefix("/client/v4").unwrap_or(&request.path);
    let rest = path
        .strip_prefix(&format!("/zones/{ZONE}"))
        .or_else(|| path.strip_prefix(&format!("/accounts/{ACCOUNT}")))
        .unwrap_or(path);
    if request.query.is_empty() {
        format!("{} {rest}", request.method)
    } else {
        format!("{} {rest}?{}", request.method, request.query)
    }
}

/// The request log in short form.
pub fn log(fake: &FakeCloudflare) -> Vec<String> {
    fake.requests().iter().map(short).collect()
}

/// A request's body as JSON.
pub fn body(request: &RecordedRequest) -> Value {
    serde_json::from_str(&request.body).expect("a JSON body")
}

/// The live app of `zone` named `name`, from the fake's state.
pub fn live(fake: &FakeCloudflare, name: &str) -> SpectrumApp {
    fake.spectrum_apps(ZONE)
        .into_iter()
        .find(|app| app.dns.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no live app named {name}"))
}

/// An app as JSON (to compare values whatever their types).
pub fn value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serializes")
}

/// A field change as a tuple (field, old, new), to compare with [`change`].
pub fn changes(changes: &[cloudflare_spectrum::apps::FieldChange]) -> Vec<(String, Option<Value>, Value)> {
    changes.iter().map(|c| (c.field.clone(), c.old.clone(), c.new.clone())).collect()
}

/// The field change `field: old → new`, as [`changes`] gives it.
pub fn change(field: &str, old: Option<Value>, new: Value) -> (String, Option<Value>, Value) {
    (field.to_owned(), old, new)
}
