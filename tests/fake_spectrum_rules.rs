//! What the fake refuses in a Spectrum application's configuration, as the
//! seed documentation pages say Cloudflare does, and the valid forms next
//! to each rule that it accepts (so no rule is stricter than the API).
//!
//! Every refusal is checked on create (nothing stored) and on update (the
//! application unchanged), through the crate's own client.

use std::future::Future;
use std::time::Duration;

use cloudflare_spectrum::fake::{FakeCloudflare, ZONE_ID, codes};
use cloudflare_spectrum::types::{
    EdgeIpsConnectivity, EdgeIpsType, OriginDnsType, ProxyProtocol, SpectrumApp, SpectrumAppConfig, SpectrumDnsType,
    TlsMode, TrafficType,
};
use cloudflare_spectrum::{Client, Error, ListApps};
use serde_json::{Value, json};

/// Runs a test body with a time limit.
async fn bounded<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), body).await.expect("the test took longer than 60 s")
}

/// A client that never retries.
fn client(fake: &FakeCloudflare) -> Client {
    fake.client_builder().max_retries(0).build().expect("a client")
}

/// A valid configuration: `ssh.example.com`, CNAME, `tcp/22`, direct to one
/// origin address.
fn base() -> Value {
    json!({
        "dns": { "type": "CNAME", "name": "ssh.example.com" },
        "protocol": "tcp/22",
        "traffic_type": "direct",
        "origin_direct": ["tcp://192.0.2.1:22"],
    })
}

/// [`base`] with the top-level fields of `changes` set (`null` removes one).
fn with(changes: Value) -> SpectrumAppConfig {
    let mut config = base();
    let fields = config.as_object_mut().expect("an object");
    for (key, value) in changes.as_object().expect("an object of changes") {
        if value.is_null() {
            fields.remove(key);
        } else {
            fields.insert(key.clone(), value.clone());
        }
    }
    serde_json::from_value(config).expect("a configuration")
}

/// The applications of the zone, through the API.
async fn listed(client: &Client) -> Vec<SpectrumApp> {
    client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.expect("a list").items
}

/// The error is Cloudflare's envelope with status 400, this one code, and
/// this pointer.
fn assert_refused(error: &Error, code: u64, pointer: &str, case: &str) {
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{case}: {error:?}");
    assert_eq!(error.codes(), [code], "{case}: {error:?}");
    let source = error.errors()[0].source.as_ref().expect("a source");
    assert_eq!(source.pointer.as_deref(), Some(pointer), "{case}: {error:?}");
}

/// Creating `config` is refused with 400, `code` and `pointer`, and
/// nothing is stored; updating an existing application to it is refused
/// the same way, and the application stays as it was.
async fn refused(config: SpectrumAppConfig, code: u64, pointer: &str) {
    let case = serde_json::to_string(&config).unwrap();
    let fake = FakeCloudflare::start().await.unwrap();
    let client = client(&fake);
    let error = client.spectrum_apps_create(ZONE_ID, &config).await.unwrap_err();
    assert_refused(&error, code, pointer, &case);
    assert!(listed(&client).await.is_empty(), "{case}: nothing stored");

    let mut other = with(json!({}));
    other.dns.name = Some("existing.example.com".into());
    let existing = client.spectrum_apps_create(ZONE_ID, &other).await.unwrap();
    let error = client.spectrum_apps_update(ZONE_ID, existing.id.as_str(), &config).await.unwrap_err();
    assert_refused(&error, code, pointer, &case);
    assert_eq!(listed(&client).await, [existing], "{case}: unchanged");
}

/// Whether every field `sent` sets is stored as sent (the fake fills in the
/// server's defaults for the others).
fn stored_as_sent(stored: SpectrumAppConfig, sent: &SpectrumAppConfig) -> bool {
    fn within(sent: &Value, stored: &Value) -> bool {
        match (sent, stored) {
            (Value::Object(sent), Value::Object(stored)) => {
                sent.iter().all(|(key, value)| stored.get(key).is_some_and(|s| within(value, s)))
            }
            (sent, stored) => sent == stored,
        }
    }
    within(&serde_json::to_value(sent).unwrap(), &serde_json::to_value(stored).unwrap())
}

/// Creating `config` succeeds and stores it as sent; so does updating an
/// existing application to it.
async fn accepted(config: SpectrumAppConfig) {
    let case = serde_json::to_string(&config).unwrap();
    let fake = FakeCloudflare::start().await.unwrap();
    let client = client(&fake);
    let created = client.spectrum_apps_create(ZONE_ID, &config).await.unwrap_or_else(|e| panic!("{case}: {e}"));
    assert!(stored_as_sent(SpectrumAppConfig::from(created.clone()), &config), "{case}: stored as sent: {created:?}");
    assert_eq!(listed(&client).await, std::slice::from_ref(&created), "{case}");

    client.spectrum_apps_delete(ZONE_ID, created.id.as_str()).await.unwrap();
    let mut first = config.clone();
    first.dns.name = Some("first.example.com".into());
    let earlier = client.spectrum_apps_create(ZONE_ID, &first).await.unwrap_or_else(|e| panic!("{case}: {e}"));
    let updated = client
        .spectrum_apps_update(ZONE_ID, earlier.id.as_str(), &config)
        .await
        .unwrap_or_else(|e| panic!("{case}: update: {e}"));
    assert!(stored_as_sent(SpectrumAppConfig::from(updated.clone()), &config), "{case}: updated as sent: {updated:?}");
}

#[tokio::test]
async fn unknown_enum_values_are_refused() {
    bounded(async {
        let cases = [
            (json!({ "traffic_type": "worker" }), "/traffic_type"),
            (json!({ "tls": "on" }), "/tls"),
            (json!({ "proxy_protocol": "v3" }), "/proxy_protocol"),
            (json!({ "edge_ips": { "type": "dynamic", "connectivity": "ipv5" } }), "/edge_ips/connectivity"),
            (json!({ "edge_ips": { "type": "anycast" } }), "/edge_ips/type"),
            (json!({ "dns": { "type": "AAAA", "name": "ssh.example.com" } }), "/dns/type"),
            (
                json!({ "origin_direct": null, "origin_dns": { "name": "origin.example.com", "type": "MX" } }),
                "/origin_dns/type",
            ),
        ];
        for (changes, pointer) in cases {
            refused(with(changes), codes::UNKNOWN_VALUE, pointer).await;
        }
        // The typed way to send one: TrafficType::from keeps an unknown value.
        let config = SpectrumAppConfig { traffic_type: Some(TrafficType::from("x")), ..with(json!({})) };
        refused(config, codes::UNKNOWN_VALUE, "/traffic_type").await;
    })
    .await;
}

#[tokio::test]
async fn every_listed_enum_value_is_accepted() {
    bounded(async {
        for value in TrafficType::KNOWN {
            accepted(with(json!({ "traffic_type": value }))).await;
        }
        for value in TlsMode::KNOWN {
            accepted(with(json!({ "tls": value }))).await;
        }
        for value in ProxyProtocol::KNOWN {
            accepted(with(json!({ "proxy_protocol": value }))).await;
        }
        for value in EdgeIpsConnectivity::KNOWN {
            accepted(with(json!({ "edge_ips": { "type": "dynamic", "connectivity": value } }))).await;
        }
        for value in EdgeIpsType::KNOWN {
            let dns_type = match value {
                EdgeIpsType::Static => "ADDRESS",
                _ => "CNAME",
            };
            accepted(with(json!({
                "dns": { "type": dns_type, "name": "ssh.example.com" },
                "edge_ips": { "type": value },
            })))
            .await;
        }
        for value in SpectrumDnsType::KNOWN {
            accepted(with(json!({ "dns": { "type": value, "name": "ssh.example.com" } }))).await;
        }
        for value in OriginDnsType::KNOWN {
            accepted(with(json!({
                "origin_direct": null,
                "origin_dns": { "name": "origin.example.com", "type": value },
                "origin_port": 22,
            })))
            .await;
        }
    })
    .await;
}

#[tokio::test]
async fn an_app_without_an_origin_is_refused() {
    bounded(async {
        refused(with(json!({ "origin_direct": null })), codes::INVALID_ORIGIN, "").await;
        refused(with(json!({ "origin_direct": [] })), codes::INVALID_ORIGIN, "").await;
        refused(with(json!({ "origin_direct": null, "origin_port": 22 })), codes::INVALID_ORIGIN, "").await;
    })
    .await;
}

#[tokio::test]
async fn an_origin_direct_or_an_origin_dns_is_enough() {
    bounded(async {
        accepted(with(json!({}))).await;
        accepted(with(json!({ "origin_direct": ["tcp://192.0.2.1:22", "tcp://192.0.2.2:22"] }))).await;
        accepted(with(json!({
            "origin_direct": null,
            "origin_dns": { "name": "origin.example.com", "ttl": 600 },
            "origin_port": 22,
        })))
        .await;
        // The pay-as-you-go shape: dns, protocol and origin_direct only.
        accepted(with(json!({ "traffic_type": null }))).await;
    })
    .await;
}

/// An origin by DNS name with this `protocol` and `origin_port`.
fn ports(protocol: &str, origin_port: Value) -> SpectrumAppConfig {
    with(json!({
        "protocol": protocol,
        "origin_direct": null,
        "origin_dns": { "name": "origin.example.com" },
        "origin_port": origin_port,
    }))
}

#[tokio::test]
async fn an_origin_port_range_must_hold_as_many_ports_as_the_protocol() {
    bounded(async {
        // 11 edge ports, 6 origin ports.
        refused(ports("tcp/1000-1010", json!("2000-2005")), codes::INVALID_ORIGIN, "/origin_port").await;
        // A single edge port with a range of origin ports.
        refused(ports("tcp/22", json!("2000-2005")), codes::INVALID_ORIGIN, "/origin_port").await;
        // A range of edge ports with a one-port range (a string is a range).
        refused(ports("udp/1000-1010", json!("2000")), codes::INVALID_ORIGIN, "/origin_port").await;
        // A string that is no range at all.
        for malformed in ["ssh", "2005-2000", "0-10", "1000-70000", ""] {
            refused(ports("tcp/22", json!(malformed)), codes::INVALID_FIELD, "/origin_port").await;
        }
    })
    .await;
}

#[tokio::test]
async fn matching_origin_ports_are_accepted() {
    bounded(async {
        accepted(ports("tcp/1000-1010", json!("2000-2010"))).await;
        accepted(ports("tcp/1000-2000", json!("1000-2000"))).await;
        accepted(ports("tcp/22", json!(2222))).await;
        accepted(ports("tcp/22", json!("2222"))).await;
        accepted(ports("tcp/22", json!("2222-2222"))).await;
        // A single port given as a number: the seed pages put no condition on
        // it, so it goes with a range of edge ports too.
        accepted(ports("tcp/1000-1010", json!(2000))).await;
    })
    .await;
}

#[tokio::test]
async fn a_dns_name_must_be_a_host_name() {
    bounded(async {
        let too_long = format!("{}.example.com", "a".repeat(64));
        for name in [
            "not a host",
            "-ssh.example.com",
            "ssh-.example.com",
            "ssh..example.com",
            "ssh.example.com/22",
            "tcp://ssh.example.com",
            "ssh_1.example.com",
            too_long.as_str(),
        ] {
            refused(with(json!({ "dns": { "type": "CNAME", "name": name } })), codes::INVALID_HOSTNAME, "/dns/name")
                .await;
        }
        refused(
            with(json!({ "origin_direct": null, "origin_dns": { "name": "origin example" } })),
            codes::INVALID_HOSTNAME,
            "/origin_dns/name",
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn host_names_are_accepted() {
    bounded(async {
        let longest_label = format!("{}.example.com", "a".repeat(63));
        for name in [
            "ssh.example.com",
            "ssh.example.com.",
            "*.example.com",
            "xn--bcher-kva.example",
            "a-1.b-2.example",
            "localhost",
            longest_label.as_str(),
        ] {
            accepted(with(json!({ "dns": { "type": "CNAME", "name": name } }))).await;
        }
    })
    .await;
}

#[tokio::test]
async fn edge_ips_must_match_the_dns_type() {
    bounded(async {
        refused(
            with(json!({
                "dns": { "type": "ADDRESS", "name": "ssh.example.com" },
                "edge_ips": { "type": "dynamic", "connectivity": "all" },
            })),
            codes::INCOMPATIBLE_SETTINGS,
            "/edge_ips/type",
        )
        .await;
        refused(
            with(json!({
                "dns": { "type": "CNAME", "name": "ssh.example.com" },
                "edge_ips": { "type": "static", "ips": ["198.51.100.1"] },
            })),
            codes::INCOMPATIBLE_SETTINGS,
            "/edge_ips/type",
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn edge_ips_of_the_dns_type_are_accepted() {
    bounded(async {
        accepted(with(json!({
            "dns": { "type": "CNAME", "name": "ssh.example.com" },
            "edge_ips": { "type": "dynamic", "connectivity": "ipv4" },
        })))
        .await;
        accepted(with(json!({
            "dns": { "type": "ADDRESS", "name": "ssh.example.com" },
            "edge_ips": { "type": "static", "ips": ["198.51.100.1"] },
        })))
        .await;
        // Without a DNS type the pages give nothing to check against.
        accepted(with(json!({
            "dns": { "name": "ssh.example.com" },
            "edge_ips": { "type": "static", "ips": ["198.51.100.1"] },
        })))
        .await;
    })
    .await;
}

#[tokio::test]
async fn argo_smart_routing_is_only_for_tcp_with_direct_traffic() {
    bounded(async {
        refused(
            with(json!({ "protocol": "udp/53", "argo_smart_routing": true })),
            codes::INCOMPATIBLE_SETTINGS,
            "/argo_smart_routing",
        )
        .await;
        for traffic in ["http", "https"] {
            refused(
                with(json!({ "protocol": "tcp/443", "traffic_type": traffic, "argo_smart_routing": true })),
                codes::INCOMPATIBLE_SETTINGS,
                "/argo_smart_routing",
            )
            .await;
        }
    })
    .await;
}

#[tokio::test]
async fn argo_smart_routing_on_tcp_direct_is_accepted() {
    bounded(async {
        accepted(with(json!({ "argo_smart_routing": true }))).await;
        accepted(with(json!({ "protocol": "TCP/1000-2000", "argo_smart_routing": true }))).await;
        // No traffic_type: direct, the default.
        accepted(with(json!({ "traffic_type": null, "argo_smart_routing": true }))).await;
        // Turning it off is always possible.
        accepted(with(json!({ "protocol": "udp/53", "argo_smart_routing": false }))).await;
        accepted(with(json!({ "protocol": "tcp/443", "traffic_type": "https", "argo_smart_routing": false }))).await;
    })
    .await;
}

#[tokio::test]
async fn the_ip_firewall_is_only_for_tcp() {
    bounded(async {
        refused(
            with(json!({ "protocol": "udp/53", "ip_firewall": true })),
            codes::INCOMPATIBLE_SETTINGS,
            "/ip_firewall",
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn the_ip_firewall_on_tcp_is_accepted() {
    bounded(async {
        accepted(with(json!({ "ip_firewall": true }))).await;
        accepted(with(json!({ "protocol": "tcp/443", "traffic_type": "https", "ip_firewall": true }))).await;
        accepted(with(json!({ "protocol": "udp/53", "ip_firewall": false }))).await;
    })
    .await;
}

#[tokio::test]
async fn refusals_are_cloudflare_envelopes() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let body = json!({
            "dns": { "type": "CNAME", "name": "ssh.example.com" },
            "protocol": "tcp/1000-1010",
            "origin_dns": { "name": "origin.example.com" },
            "origin_port": "2000-2005",
        });
        let response = reqwest::Client::new()
            .post(format!("{}/zones/{ZONE_ID}/spectrum/apps", fake.base_url()))
            .header("authorization", "Bearer fake-token")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let body: Value = response.json().await.unwrap();
        let message = body["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
        assert!(message.contains("holds 6 port(s)") && message.contains("holds 11"), "{message}");
        assert_eq!(
            body,
            json!({
                "success": false,
                "errors": [{
                    "code": codes::INVALID_ORIGIN,
                    "message": message,
                    "source": { "pointer": "/origin_port" },
                }],
                "messages": [],
                "result": null,
            })
        );
        assert!(fake.spectrum_apps(ZONE_ID).is_empty());
    })
    .await;
}
