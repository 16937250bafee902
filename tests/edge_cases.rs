//! Edge cases: credentials, the envelope and error statuses, forward
//! compatibility of responses, path and query encoding, redirects.

mod common;

use std::num::NonZeroU16;

use chrono::{TimeZone as _, Utc};
use cloudflare_spectrum::CurrentQuery;
use cloudflare_spectrum::types::*;
use cloudflare_spectrum::{Credentials, EXCERPT_LIMIT, Error, EventsQuery, ListApps};
use common::*;
use httpmock::Method::{GET, PUT};
use httpmock::MockServer;
use serde_json::{Value, json};

/// A mock answering `GET` of [`APP`] with `body` and `status`.
async fn serve_get(server: &MockServer, status: u16, body: Value) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/zones/{ZONE}/spectrum/apps/{APP}"));
            then.status(status).header("content-type", "application/json").json_body(body);
        })
        .await
}

/// Fetches `app` through `get` and sends it back through `update`; returns
/// the decoded app and the JSON body the server received.
async fn round_trip(app: Value) -> (SpectrumApp, Value) {
    let server = MockServer::start_async().await;
    serve_get(&server, 200, envelope(app.clone())).await;
    let capture = Capture::new();
    let put = server
        .mock_async(|when, then| {
            when.method(PUT).path(format!("/zones/{ZONE}/spectrum/apps/{APP}")).is_true(capture.matcher());
            then.status(200).json_body(envelope(app.clone()));
        })
        .await;
    let client = client(&server);
    let fetched = client.spectrum_apps_get(ZONE, APP).await.unwrap();
    let updated = client.spectrum_apps_update(ZONE, APP, &SpectrumAppConfig::from(fetched.clone())).await.unwrap();
    assert_eq!(updated, fetched);
    put.assert_async().await;
    (fetched, serde_json::from_slice(capture.request_with_method("PUT").body_ref()).unwrap())
}

/// `app` without the fields only the API sets.
fn config_of(app: &Value) -> Value {
    let mut config = app.clone();
    for field in ["id", "created_on", "modified_on"] {
        config.as_object_mut().unwrap().remove(field);
    }
    config
}

fn api_error(err: Error) -> Box<cloudflare_spectrum::ApiError> {
    match err {
        Error::Api(e) => e,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

fn http_error(err: Error) -> Box<cloudflare_spectrum::HttpError> {
    match err {
        Error::Http(e) => e,
        other => panic!("expected Error::Http, got {other:?}"),
    }
}

// ---- credentials ----

async fn sent_headers(credentials: Credentials) -> httpmock::HttpMockRequest {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/zones/{ZONE}/spectrum/protocols")).is_true(capture.matcher());
            then.status(200).json_body(envelope(json!([])));
        })
        .await;
    let protocols = client_with(&server, credentials).spectrum_protocols_list(ZONE).await.unwrap();
    assert!(protocols.is_empty());
    mock.assert_async().await;
    capture.request()
}

#[tokio::test]
async fn api_token_is_sent_as_bearer_authorization() {
    let req = sent_headers(Credentials::api_token("test-token")).await;
    assert_exact_headers(
        &req,
        &[
            ("accept", "application/json"),
            ("accept-encoding", "gzip,deflate"),
            ("authorization", "Bearer test-token"),
            ("user-agent", USER_AGENT),
        ],
    );
}

#[tokio::test]
async fn global_key_is_sent_as_email_and_key_without_authorization() {
    let req = sent_headers(Credentials::global_key("user@example.com", "144c9defac04969c7bfad8efaa8ea194")).await;
    assert_exact_headers(
        &req,
        &[
            ("accept", "application/json"),
            ("accept-encoding", "gzip,deflate"),
            ("user-agent", USER_AGENT),
            ("x-auth-email", "user@example.com"),
            ("x-auth-key", "144c9defac04969c7bfad8efaa8ea194"),
        ],
    );
}

#[tokio::test]
async fn user_service_key_is_sent_alone() {
    let req = sent_headers(Credentials::user_service_key("v1.0-service-key")).await;
    assert_exact_headers(
        &req,
        &[
            ("accept", "application/json"),
            ("accept-encoding", "gzip,deflate"),
            ("user-agent", USER_AGENT),
            ("x-auth-user-service-key", "v1.0-service-key"),
        ],
    );
}

#[tokio::test]
async fn repeated_custom_header_sends_every_value() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    server
        .mock_async(|when, then| {
            when.any_request().is_true(capture.matcher());
            then.status(200).json_body(envelope(json!([])));
        })
        .await;
    let client = cloudflare_spectrum::Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::api_token(TOKEN))
        .max_retries(0)
        .header("x-team", "edge")
        .header("x-team", "core")
        .build()
        .unwrap();
    client.spectrum_protocols_list(ZONE).await.unwrap();
    let req = capture.request();
    let values: Vec<&str> =
        req.headers_vec().iter().filter(|(k, _)| k.eq_ignore_ascii_case("x-team")).map(|(_, v)| v.as_str()).collect();
    assert_eq!(values, vec!["edge", "core"]);
}

// ---- the envelope and error statuses ----

#[tokio::test]
async fn success_false_on_200_with_null_result_is_an_api_error() {
    let server = MockServer::start_async().await;
    let body = json!({
        "success": false,
        "errors": [{ "code": 10000, "message": "Authentication error" }],
        "messages": [],
        "result": null
    });
    serve_get(&server, 200, body).await;
    let err = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::OK));
    assert_eq!(err.codes(), vec![10000]);
    let e = api_error(err);
    assert_eq!(e.meta.status, 200);
    assert_eq!(e.errors[0].message, "Authentication error");
}

#[tokio::test]
async fn success_false_on_200_with_a_valid_result_is_an_api_error() {
    let server = MockServer::start_async().await;
    let body = json!({
        "success": false,
        "errors": [{ "code": 11001, "message": "app is being provisioned" }],
        "messages": [{ "code": 11002, "message": "try again later" }],
        "result": full_app()
    });
    serve_get(&server, 200, body).await;
    let e = api_error(client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err());
    assert_eq!(e.meta.status, 200);
    assert_eq!(e.errors.iter().map(|m| m.code).collect::<Vec<_>>(), vec![11001]);
    assert_eq!(e.messages.iter().map(|m| m.message.as_str()).collect::<Vec<_>>(), vec!["try again later"]);
}

#[tokio::test]
async fn success_false_on_200_in_a_list_is_an_api_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/zones/{ZONE}/spectrum/apps"));
            then.status(200).json_body(json!({
                "success": false, "errors": [{ "code": 10000, "message": "denied" }], "messages": [], "result": []
            }));
        })
        .await;
    let err = client(&server).spectrum_apps_list(ZONE, &ListApps::new()).await.unwrap_err();
    assert_eq!((err.status(), err.codes()), (Some(http::StatusCode::OK), vec![10000]));
    assert!(matches!(err, Error::Api(_)));
}

#[tokio::test]
async fn bad_request_keeps_every_error_in_order() {
    let server = MockServer::start_async().await;
    let body = json!({
        "success": false,
        "errors": [
            {
                "code": 1004,
                "message": "DNS Validation Error",
                "documentation_url": "https://developers.cloudflare.com/spectrum/",
                "source": { "pointer": "/dns/name" }
            },
            { "code": 100000, "message": "origin_port does not match protocol", "source": { "pointer": "/origin_port" } }
        ],
        "messages": [{ "code": 1001, "message": "see the documentation" }],
        "result": null
    });
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/zones/{ZONE}/spectrum/apps/{APP}"));
            then.status(400).header("cf-ray", "8d5f1c2b3a4e5f60-SFO").json_body(body);
        })
        .await;

    let err = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err();

    assert_eq!(err.codes(), vec![1004, 100000]);
    assert_eq!(err.cf_ray(), Some("8d5f1c2b3a4e5f60-SFO"));
    assert_eq!(err.status(), Some(http::StatusCode::BAD_REQUEST));
    assert_eq!(err.attempts(), 1);
    assert!(!err.is_not_found() && !err.is_auth());
    let e = api_error(err);
    let messages: Vec<&str> = e.errors.iter().map(|m| m.message.as_str()).collect();
    assert_eq!(messages, vec!["DNS Validation Error", "origin_port does not match protocol"]);
    assert_eq!(e.errors[0].documentation_url.as_deref(), Some("https://developers.cloudflare.com/spectrum/"));
    assert_eq!(e.errors[0].source.as_ref().unwrap().pointer.as_deref(), Some("/dns/name"));
    assert_eq!(e.errors[1].source.as_ref().unwrap().pointer.as_deref(), Some("/origin_port"));
    assert_eq!(e.errors[1].documentation_url, None);
    assert_eq!(e.messages.len(), 1);
    assert_eq!((e.messages[0].code, e.messages[0].message.as_str()), (1001, "see the documentation"));
    let text = e.to_string();
    assert!(text.contains("[1004] DNS Validation Error") && text.contains("[100000]"), "{text}");
}

#[tokio::test]
async fn not_found_is_reported_as_such() {
    let server = MockServer::start_async().await;
    let body = json!({ "success": false, "errors": [{ "code": 10006, "message": "app not found" }], "messages": [], "result": null });
    serve_get(&server, 404, body).await;
    let err = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.codes(), vec![10006]);
    assert!(matches!(err, Error::Api(_)));

    // Without an envelope, too.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(404).header("content-type", "text/plain").body("404 page not found");
        })
        .await;
    let err = client(&server).magic_apps_list(ACCOUNT).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(http_error(err).excerpt, "404 page not found");
}

const BAD_GATEWAY_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
<body><h1>Bad gateway</h1><p>Cloudflare could not reach the origin.</p></body></html>";

#[tokio::test]
async fn html_error_page_is_an_http_error_with_an_excerpt() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/zones/{ZONE}/spectrum/apps/{APP}"));
            then.status(502)
                .header("content-type", "text/html")
                .header("cf-ray", "8d5f1c2b3a4e5f61-LHR")
                .body(BAD_GATEWAY_PAGE);
        })
        .await;
    let err = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert_eq!(err.cf_ray(), Some("8d5f1c2b3a4e5f61-LHR"));
    let e = http_error(err);
    assert_eq!(e.meta.status, 502);
    assert_eq!(e.excerpt, BAD_GATEWAY_PAGE);
    assert!(e.excerpt.starts_with("<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>"));
}

#[tokio::test]
async fn huge_html_error_page_is_cut_to_the_excerpt_limit() {
    let server = MockServer::start_async().await;
    let page = format!("<!DOCTYPE html><html><body>{}</body></html>", "<p>upstream failure</p>".repeat(10_000));
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(502).header("content-type", "text/html").body(page.clone());
        })
        .await;
    let e = http_error(client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err());
    assert_eq!(e.meta.status, 502);
    assert_eq!(e.excerpt.len(), EXCERPT_LIMIT);
    assert_eq!(e.excerpt, page[..EXCERPT_LIMIT]);
}

#[tokio::test]
async fn excerpt_cut_inside_a_character_stays_within_the_limit() {
    // 3-byte characters: the limit falls inside one of them.
    let server = MockServer::start_async().await;
    let page = "€".repeat(1_000);
    assert!(!page.is_char_boundary(EXCERPT_LIMIT));
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(503).header("content-type", "text/html; charset=utf-8").body(page.clone());
        })
        .await;
    let e = http_error(client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err());
    assert_eq!(e.meta.status, 503);
    assert!(e.excerpt.len() <= EXCERPT_LIMIT, "excerpt is {} bytes, above {EXCERPT_LIMIT}", e.excerpt.len());
    assert!(e.excerpt.starts_with("€€€"));
}

#[tokio::test]
async fn null_result_on_success_is_a_decode_error() {
    let server = MockServer::start_async().await;
    serve_get(&server, 200, envelope(Value::Null)).await;
    let err = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    match err {
        Error::Decode(e) => {
            assert_eq!(e.meta.status, 200);
            assert!(e.excerpt.contains("\"result\":null"), "{}", e.excerpt);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }

    // The same for a list. A delete is the exception: it happened, so a
    // Magic delete answers the app holding only the id passed.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(envelope(Value::Null));
        })
        .await;
    let client = client(&server);
    assert!(matches!(client.spectrum_apps_list(ZONE, &ListApps::new()).await, Err(Error::Decode(_))));
    let deleted = client.magic_apps_delete(ACCOUNT, ACCOUNT_APP).await.unwrap();
    assert_eq!(deleted.account_app_id, ACCOUNT_APP);
    assert_eq!((deleted.name, deleted.hostnames.len()), (None, 0));
}

#[tokio::test]
async fn html_on_success_status_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).header("content-type", "text/html").body("<html>captive portal</html>");
        })
        .await;
    match client(&server).spectrum_protocols_list(ZONE).await.unwrap_err() {
        Error::Decode(e) => {
            assert_eq!((e.meta.status.as_u16(), e.excerpt.as_str()), (200, "<html>captive portal</html>"))
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

// ---- forward compatibility of responses ----

#[tokio::test]
async fn unknown_values_and_fields_round_trip() {
    let mut app = full_app();
    app["traffic_type"] = json!("worker");
    app["tls"] = json!("quantum");
    app["edge_ips"] = json!({ "type": "dynamic", "connectivity": "ipv7" });
    app["origin_worker_id"] = json!("w1");
    app["dns"] = json!({ "name": "ssh.example.com", "type": "CNAME", "zone_tag": "x" });

    let (fetched, sent) = round_trip(app.clone()).await;

    assert_eq!(fetched.traffic_type, Some(TrafficType::Unknown("worker".into())));
    assert_eq!(fetched.tls, Some(TlsMode::Unknown("quantum".into())));
    let edge = fetched.edge_ips.as_ref().unwrap();
    assert_eq!(edge.connectivity, Some(EdgeIpsConnectivity::Unknown("ipv7".into())));
    assert_eq!(fetched.extra.get("origin_worker_id"), Some(&json!("w1")));
    assert_eq!(fetched.extra.len(), 1);
    assert_eq!(fetched.dns.extra.get("zone_tag"), Some(&json!("x")));
    assert_eq!(fetched.dns.type_, Some(SpectrumDnsType::Cname));
    assert_eq!(sent, config_of(&app));
    assert_eq!(sent["traffic_type"], "worker");
    assert_eq!(sent["origin_worker_id"], "w1");
    assert_eq!(sent["dns"]["zone_tag"], "x");
}

#[tokio::test]
async fn full_paygo_and_untyped_apps_in_one_page() {
    let server = MockServer::start_async().await;
    let third = json!({
        "id": "c0ffee00c0ffee00c0ffee00c0ffee00",
        "created_on": "2022-02-02T02:02:02Z",
        "modified_on": "2022-02-03T02:02:02Z",
        "dns": { "name": "rdp.example.com", "type": "ADDRESS" },
        "protocol": "tcp/3389",
        "tls": "full",
        "origin_dns": { "name": "rdp-origin.example.com", "ttl": 1800, "type": "A" },
        "origin_port": 3389
    });
    let page = json!([full_app(), paygo_app(), third]);
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/zones/{ZONE}/spectrum/apps"));
            then.status(200).json_body(list_envelope(
                page.clone(),
                json!({ "page": 1, "per_page": 20, "count": 3, "total_count": 3 }),
            ));
        })
        .await;

    let listed = client(&server).spectrum_apps_list(ZONE, &ListApps::new()).await.unwrap();

    assert_eq!(listed.items.len(), 3);
    let [full, paygo, untyped] = [&listed.items[0], &listed.items[1], &listed.items[2]];
    // Full: every field.
    assert_eq!(full.id.as_str(), APP);
    assert_eq!(full.traffic_type, Some(TrafficType::Direct));
    assert_eq!(full.tls, Some(TlsMode::Off));
    assert_eq!(full.argo_smart_routing, Some(true));
    assert_eq!(full.ip_firewall, Some(false));
    assert_eq!(full.proxy_protocol, Some(ProxyProtocol::Off));
    assert_eq!(full.origin_direct, vec!["tcp://127.0.0.1:8080".to_owned()]);
    let edge = full.edge_ips.as_ref().unwrap();
    assert_eq!((&edge.type_, &edge.connectivity), (&Some(EdgeIpsType::Dynamic), &Some(EdgeIpsConnectivity::All)));
    let origin_dns = full.origin_dns.as_ref().unwrap();
    assert_eq!(
        (origin_dns.name.as_deref(), origin_dns.ttl, &origin_dns.type_),
        (Some("origin.example.com"), Some(600), &Some(OriginDnsType::Empty))
    );
    assert_eq!(full.origin_port, Some(OriginPort::Number(OriginPortNumber(NonZeroU16::new(22).unwrap()))));
    // Pay-as-you-go: its fields, nothing invented.
    assert_eq!(paygo.id.as_str(), "b4b3d6a2e7c94a1f8d5e6f7a8b9c0d1e");
    assert_eq!(paygo.created_on, Utc.with_ymd_and_hms(2020, 5, 6, 7, 8, 9).unwrap());
    assert_eq!(paygo.dns.name.as_deref(), Some("game.example.com"));
    assert_eq!(paygo.protocol, "tcp/25565");
    assert_eq!(paygo.origin_direct, vec!["tcp://192.0.2.1:25565".to_owned()]);
    assert_eq!((&paygo.traffic_type, &paygo.tls, &paygo.edge_ips, &paygo.origin_dns), (&None, &None, &None, &None));
    assert!(paygo.extra.is_empty());
    // No traffic_type, yet tls, origin_dns and origin_port typed, not lost.
    assert_eq!(untyped.traffic_type, None);
    assert_eq!(untyped.tls, Some(TlsMode::Full));
    let origin_dns = untyped.origin_dns.as_ref().unwrap();
    assert_eq!(
        (origin_dns.name.as_deref(), origin_dns.ttl, &origin_dns.type_),
        (Some("rdp-origin.example.com"), Some(1800), &Some(OriginDnsType::A))
    );
    assert_eq!(untyped.origin_port, Some(OriginPort::Number(OriginPortNumber(NonZeroU16::new(3389).unwrap()))));
    assert!(untyped.extra.is_empty(), "typed fields leaked into extra: {:?}", untyped.extra);
    // And each is exactly what the document says it is.
    assert_eq!(listed.items, serde_json::from_value::<Vec<SpectrumApp>>(page).unwrap());
    assert_eq!(listed.result_info.unwrap().total_count, Some(3));
}

#[tokio::test]
async fn origin_port_keeps_its_json_type() {
    let cases = [
        (json!(22), OriginPort::Number(OriginPortNumber(NonZeroU16::new(22).unwrap()))),
        (json!("1000-2000"), OriginPort::Range(OriginPortRange("1000-2000".into()))),
        (json!("22"), OriginPort::Range(OriginPortRange("22".into()))),
    ];
    for (wire, expected) in cases {
        let mut app = full_app();
        app["origin_port"] = wire.clone();
        let (fetched, sent) = round_trip(app).await;
        assert_eq!(fetched.origin_port, Some(expected), "{wire}");
        assert_eq!(sent["origin_port"], wire, "sent back as the same JSON type");
    }
}

#[tokio::test]
async fn edge_ips_static_and_dynamic_keep_every_field() {
    let cases = [
        (
            json!({ "type": "static", "ips": ["192.0.2.1", "2001:db8::1"] }),
            EdgeIps {
                connectivity: None,
                ips: vec!["192.0.2.1".into(), "2001:db8::1".into()],
                type_: Some(EdgeIpsType::Static),
                extra: Default::default(),
            },
        ),
        (
            json!({ "type": "dynamic", "connectivity": "ipv6" }),
            EdgeIps {
                connectivity: Some(EdgeIpsConnectivity::Ipv6),
                ips: vec![],
                type_: Some(EdgeIpsType::Dynamic),
                extra: Default::default(),
            },
        ),
    ];
    for (wire, expected) in cases {
        let mut app = full_app();
        app["edge_ips"] = wire.clone();
        let (fetched, sent) = round_trip(app).await;
        assert_eq!(fetched.edge_ips, Some(expected));
        assert_eq!(sent["edge_ips"], wire);
    }
}

#[tokio::test]
async fn origin_dns_empty_type_means_a_and_aaaa() {
    let (fetched, sent) = round_trip(full_app()).await;
    assert_eq!(fetched.origin_dns.as_ref().unwrap().type_, Some(OriginDnsType::Empty));
    assert_eq!(sent["origin_dns"], json!({ "name": "origin.example.com", "ttl": 600, "type": "" }));
    assert_eq!(serde_json::to_value(OriginDnsType::Empty).unwrap(), json!(""));
    assert_eq!(OriginDnsType::from(""), OriginDnsType::Empty);
}

// ---- path and query encoding ----

#[tokio::test]
async fn path_ids_that_would_change_the_endpoint_are_rejected() {
    let server = MockServer::start_async().await;
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(envelope(full_app()));
        })
        .await;
    let client = client(&server);
    let long = "a".repeat(33);
    let bad = ["", ".", "..", "a/b", "a?b", "a#b", "a\\b", "a%2e", "has space", long.as_str()];

    for id in bad {
        let results = [
            ("zone_id", client.spectrum_apps_get(id, APP).await.map(drop)),
            ("app_id", client.spectrum_apps_get(ZONE, id).await.map(drop)),
            ("account_id", client.magic_apps_list(id).await.map(drop)),
            ("account_app_id", client.magic_apps_delete(ACCOUNT, id).await.map(drop)),
        ];
        for (expected, result) in results {
            match result {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, expected, "id {id:?}"),
                other => panic!("id {id:?} as {expected}: expected InvalidInput, got {other:?}"),
            }
        }
    }
    assert_eq!(catch_all.calls_async().await, 0);

    let hex = "0123456789abcdef0123456789abcdef";
    assert_eq!(hex.len(), 32);
    assert!(client.spectrum_apps_get(hex, hex).await.is_ok());
    assert_eq!(catch_all.calls_async().await, 1);
}

#[tokio::test]
async fn analytics_query_is_percent_encoded() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/zones/{ZONE}/spectrum/analytics/events/summary"))
                .query_param("filters", "event==connect;coloName==SFO")
                .query_param("since", "2024-01-02T03:04:05Z")
                .query_param("until", "2024-01-02T09:04:05.250Z")
                .is_true(capture.matcher());
            then.status(200).json_body(envelope(json!({
                "data": [], "data_lag": 0, "max": {}, "min": {}, "query": {}, "rows": 0, "totals": {}
            })));
        })
        .await;
    let query = EventsQuery::new()
        .filters("event==connect;coloName==SFO")
        .since(Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap())
        .until(Utc.with_ymd_and_hms(2024, 1, 2, 9, 4, 5).unwrap() + chrono::Duration::milliseconds(250));

    let report = client(&server).spectrum_analytics_summary(ZONE, &query).await.unwrap();

    mock.assert_async().await;
    assert_eq!(report.rows, 0.0);
    let raw = raw_query(&capture.request());
    let mut parts: Vec<&str> = raw.split('&').collect();
    parts.sort();
    assert_eq!(
        parts,
        vec![
            "filters=event%3D%3Dconnect%3BcoloName%3D%3DSFO",
            "since=2024-01-02T03%3A04%3A05Z",
            "until=2024-01-02T09%3A04%3A05.250Z",
        ]
    );
    assert!(!raw.contains(';') && !raw.contains('+'), "{raw}");
}

#[tokio::test]
async fn analytics_metrics_as_series_or_values_and_float_maps() {
    let server = MockServer::start_async().await;
    let report = |metrics: Value| {
        json!({
            "data": [
                { "dimensions": ["SFO"], "metrics": metrics },
                { "dimensions": ["LHR"] }
            ],
            "data_lag": 1.5,
            "max": { "count": 7, "durationAvg": 0.25 },
            "min": { "count": 0, "durationAvg": 0.125 },
            "query": { "metrics": ["count", "durationAvg"], "limit": 100 },
            "rows": 2,
            "totals": { "count": 12345678901.0, "durationAvg": 1e-3 }
        })
    };
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/zones/{ZONE}/spectrum/analytics/events/bytime"));
            then.status(200).json_body(envelope(report(json!([[1, 2.5], [0, 7]]))));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/zones/{ZONE}/spectrum/analytics/events/summary"));
            then.status(200).json_body(envelope(report(json!([3, 0.25]))));
        })
        .await;
    let client = client(&server);

    let bytime =
        client.spectrum_analytics_bytime(ZONE, AnalyticsTimeDelta::Minute, &EventsQuery::default()).await.unwrap();
    let summary = client.spectrum_analytics_summary(ZONE, &EventsQuery::default()).await.unwrap();

    assert_eq!(
        bytime.data[0].metrics,
        Some(AnalyticsRowMetrics::Series(AnalyticsSeries(vec![vec![1.0, 2.5], vec![0.0, 7.0]])))
    );
    assert_eq!(summary.data[0].metrics, Some(AnalyticsRowMetrics::Values(AnalyticsValues(vec![3.0, 0.25]))));
    for report in [&bytime, &summary] {
        assert_eq!(report.data[1].metrics, None);
        assert_eq!(report.data[1].dimensions, vec!["LHR".to_owned()]);
        assert_eq!(report.max.0.get("count"), Some(&7.0));
        assert_eq!(report.max.0.get("durationAvg"), Some(&0.25));
        assert_eq!(report.min.0.get("durationAvg"), Some(&0.125));
        assert_eq!(report.totals.0.get("count"), Some(&12345678901.0));
        assert_eq!(report.totals.0.get("durationAvg"), Some(&1e-3));
        assert_eq!(report.totals.0.len(), 2);
        assert_eq!((report.data_lag, report.rows), (1.5, 2.0));
        assert_eq!(report.query.metrics, vec![AnalyticsMetric::Count, AnalyticsMetric::DurationAvg]);
    }
}

#[tokio::test]
async fn zero_page_or_per_page_is_rejected_before_sending() {
    let server = MockServer::start_async().await;
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(list_envelope(json!([]), json!({})));
        })
        .await;
    let client = client(&server);
    let zero_page = ListApps::new().page(0);
    let zero_size = ListApps::new().per_page(0);
    for (query, expected) in [(zero_page, "page"), (zero_size, "per_page")] {
        match client.spectrum_apps_list(ZONE, &query).await {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, expected),
            other => panic!("expected InvalidInput for {expected}, got {other:?}"),
        }
    }
    assert_eq!(catch_all.calls_async().await, 0);
}

// ---- the base URL, limits and timeouts ----

#[tokio::test]
async fn base_url_path_prefix_and_trailing_slash() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/client/v4/zones/{ZONE}/spectrum/protocols"));
            then.status(200).json_body(envelope(json!([{ "name": "ssh" }])));
        })
        .await;
    let client = cloudflare_spectrum::Client::builder()
        .base_url(server.url("/client/v4/"))
        .credentials(Credentials::api_token(TOKEN))
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), server.url("/client/v4"));
    let protocols = client.spectrum_protocols_list(ZONE).await.unwrap();
    assert_eq!(protocols[0].name, "ssh");
    mock.assert_async().await;
}

#[tokio::test]
async fn response_above_the_size_limit_is_refused() {
    let server = MockServer::start_async().await;
    let protocols: Vec<Value> = (0..200).map(|i| json!({ "name": format!("protocol-{i}") })).collect();
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(envelope(json!(protocols)));
        })
        .await;
    let client = cloudflare_spectrum::Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::api_token(TOKEN))
        .max_retries(0)
        .max_response_bytes(1024)
        .build()
        .unwrap();
    match client.spectrum_protocols_list(ZONE).await {
        Err(Error::BodyTooLarge { limit, attempts, .. }) => assert_eq!((limit, attempts), (1024, 1)),
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_response_is_a_timeout() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).delay(std::time::Duration::from_secs(3)).json_body(envelope(json!([])));
        })
        .await;
    let client = cloudflare_spectrum::Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::api_token(TOKEN))
        .max_retries(0)
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client.spectrum_protocols_list(ZONE).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), 1);
}

// ---- redirects ----

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = MockServer::start_async().await;
    let target = elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(envelope(full_app()));
        })
        .await;
    let server = MockServer::start_async().await;
    let location = format!("{}/zones/{ZONE}/spectrum/apps/{APP}", elsewhere.base_url());
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(302).header("location", location.clone());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PUT);
            then.status(307).header("location", location.clone());
        })
        .await;
    let client = client(&server);

    let e = http_error(client.spectrum_apps_get(ZONE, APP).await.unwrap_err());
    assert_eq!(e.meta.status, 302);
    let config = SpectrumAppConfig::from(serde_json::from_value::<SpectrumApp>(full_app()).unwrap());
    let e = http_error(client.spectrum_apps_update(ZONE, APP, &config).await.unwrap_err());
    assert_eq!(e.meta.status, 307);
    assert_eq!(target.calls_async().await, 0, "the other host must never be contacted");
}

#[tokio::test]
async fn analytics_app_ids_with_a_comma_or_a_bad_id_are_rejected_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(envelope(serde_json::json!([])));
        })
        .await;
    let client = client(&server);
    for app_ids in [&["a,b"][..], &[APP, ".."][..], &[""][..]] {
        let err = client
            .spectrum_analytics_current(ZONE, &CurrentQuery::new().app_ids(app_ids.iter().copied()))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput { field: "app_ids", .. }), "{app_ids:?}: {err:?}");
    }
    assert_eq!(any.calls_async().await, 0);
}
