//! One test per operation of `openapi/spectrum.json`: the exact request
//! (method, path, query, headers, body) and the exact decoded result.

mod common;

use std::num::NonZeroU16;

use chrono::{DateTime, TimeZone as _, Utc};
use cloudflare_spectrum::CurrentQuery;
use cloudflare_spectrum::types::*;
use cloudflare_spectrum::{EventsQuery, ListApps};
use common::*;
use httpmock::Method::{DELETE, GET, PATCH, POST, PUT};
use httpmock::{Method, MockServer, When};
use serde_json::{Value, json};

/// The matchers every request shares: method, exact path, credentials,
/// user agent, no `api-version`; and the capture of what was sent.
fn expect(when: When, method: Method, path: &str, capture: &Capture) -> When {
    when.method(method)
        .path(path)
        .header("authorization", "Bearer test-token")
        .header("user-agent", USER_AGENT)
        .header_missing("api-version")
        .is_true(capture.matcher())
}

/// Decodes `value` into `T` the way the client should.
fn decoded<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("fixture decodes")
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn port(n: u16) -> OriginPort {
    OriginPort::Number(OriginPortNumber(NonZeroU16::new(n).unwrap()))
}

#[tokio::test]
async fn spectrum_apps_list() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let info = json!({ "page": 2, "per_page": 20, "count": 2, "total_count": 22, "total_pages": 2 });
    let body = list_envelope(json!([full_app(), paygo_app()]), info.clone());
    let mock = server
        .mock_async(|when, then| {
            expect(when, GET, &format!("/zones/{ZONE}/spectrum/apps"), &capture)
                .query_param("page", "2")
                .query_param("per_page", "20")
                .query_param("order", "created_on")
                .query_param("direction", "desc");
            then.status(200).json_body(body.clone());
        })
        .await;

    let query = ListApps::new().per_page(20).order(SpectrumAppsOrder::CreatedOn).direction(SortDirection::Desc).page(2);
    let page = client(&server).spectrum_apps_list(ZONE, &query).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(
        sorted_query(&req),
        pairs(&[("page", "2"), ("per_page", "20"), ("order", "created_on"), ("direction", "desc")])
    );
    assert_exact_headers(&req, &get_headers());
    assert!(req.body_ref().is_empty());

    assert_eq!(page.items, vec![decoded::<SpectrumApp>(full_app()), decoded(paygo_app())]);
    assert_eq!(page.result_info, Some(decoded::<ResultInfo>(info)));
    let info = page.result_info.unwrap();
    assert_eq!((info.page, info.per_page, info.count), (Some(2), Some(20), Some(2)));
    assert_eq!((info.total_count, info.total_pages), (Some(22), Some(2)));
    assert_eq!(page.items[0].traffic_type, Some(TrafficType::Direct));
    assert_eq!(page.items[0].origin_dns.as_ref().unwrap().ttl, Some(600));
    assert_eq!(page.items[1].id.as_str(), "b4b3d6a2e7c94a1f8d5e6f7a8b9c0d1e");
    assert_eq!(page.items[1].traffic_type, None);
    assert_eq!(page.items[1].origin_direct, vec!["tcp://192.0.2.1:25565".to_owned()]);
}

#[tokio::test]
async fn spectrum_apps_get() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let mock = server
        .mock_async(|when, then| {
            expect(when, GET, &format!("/zones/{ZONE}/spectrum/apps/{APP}"), &capture);
            then.status(200).json_body(envelope(full_app()));
        })
        .await;

    let app = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(sorted_query(&req), pairs(&[]));
    assert!(!req.uri_str().contains('?'));
    assert_exact_headers(&req, &get_headers());
    assert!(req.body_ref().is_empty());

    assert_eq!(app, decoded::<SpectrumApp>(full_app()));
    assert_eq!(app.id.as_str(), APP);
    assert_eq!(
        app.created_on,
        Utc.with_ymd_and_hms(2014, 1, 1, 5, 20, 0).unwrap() + chrono::Duration::microseconds(123_450)
    );
    assert_eq!(app.modified_on, utc(2014, 1, 2, 5, 20, 0));
    assert_eq!(app.dns.name.as_deref(), Some("ssh.example.com"));
    assert_eq!(app.dns.type_, Some(SpectrumDnsType::Cname));
    assert_eq!(app.protocol, "tcp/22");
    assert_eq!(app.traffic_type, Some(TrafficType::Direct));
    assert_eq!(app.argo_smart_routing, Some(true));
    assert_eq!(app.ip_firewall, Some(false));
    let edge = app.edge_ips.as_ref().unwrap();
    assert_eq!(
        (edge.type_.clone(), edge.connectivity.clone()),
        (Some(EdgeIpsType::Dynamic), Some(EdgeIpsConnectivity::All))
    );
    let origin_dns = app.origin_dns.clone().unwrap();
    assert_eq!(origin_dns.name.as_deref(), Some("origin.example.com"));
    assert_eq!(origin_dns.ttl, Some(600));
    assert_eq!(origin_dns.type_, Some(OriginDnsType::Empty));
    assert_eq!(app.origin_port, Some(port(22)));
    assert_eq!(app.proxy_protocol, Some(ProxyProtocol::Off));
    assert_eq!(app.tls, Some(TlsMode::Off));
    assert!(app.extra.is_empty());
}

#[tokio::test]
async fn spectrum_apps_create() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let sent = json!({
        "dns": { "name": "ssh.example.com", "type": "CNAME" },
        "protocol": "tcp/22",
        "traffic_type": "direct",
        "argo_smart_routing": true,
        "edge_ips": { "connectivity": "all", "type": "dynamic" },
        "ip_firewall": false,
        "origin_direct": ["tcp://127.0.0.1:8080"],
        "proxy_protocol": "off",
        "tls": "off"
    });
    let mock = server
        .mock_async(|when, then| {
            expect(when, POST, &format!("/zones/{ZONE}/spectrum/apps"), &capture)
                .header("content-type", "application/json")
                .json_body(sent.clone());
            then.status(200).json_body(envelope(full_app()));
        })
        .await;

    let config = SpectrumAppConfig {
        argo_smart_routing: Some(true),
        dns: SpectrumDns {
            name: Some("ssh.example.com".into()),
            type_: Some(SpectrumDnsType::Cname),
            extra: Default::default(),
        },
        edge_ips: Some(EdgeIps {
            connectivity: Some(EdgeIpsConnectivity::All),
            ips: vec![],
            type_: Some(EdgeIpsType::Dynamic),
            extra: Default::default(),
        }),
        ip_firewall: Some(false),
        origin_direct: vec!["tcp://127.0.0.1:8080".into()],
        origin_dns: None,
        origin_port: None,
        protocol: "tcp/22".into(),
        proxy_protocol: Some(ProxyProtocol::Off),
        tls: Some(TlsMode::Off),
        traffic_type: Some(TrafficType::Direct),
        extra: Default::default(),
    };
    let app = client(&server).spectrum_apps_create(ZONE, &config).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(serde_json::from_slice::<Value>(req.body_ref()).unwrap(), sent);
    assert_eq!(sorted_query(&req), pairs(&[]));
    assert_exact_headers(&req, &body_headers());

    assert_eq!(app, decoded::<SpectrumApp>(full_app()));
    assert_eq!(app.traffic_type, Some(TrafficType::Direct));
    assert_eq!(app.origin_dns.unwrap().ttl, Some(600));
}

#[tokio::test]
async fn spectrum_apps_update() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let sent = json!({
        "dns": { "name": "range.example.com", "type": "ADDRESS" },
        "protocol": "tcp/1000-2000",
        "traffic_type": "direct",
        "edge_ips": { "type": "static", "ips": ["192.0.2.1", "2001:db8::1"] },
        "origin_dns": { "name": "origin.example.com", "ttl": 1200, "type": "SRV" },
        "origin_port": "1000-2000",
        "proxy_protocol": "v2",
        "tls": "strict"
    });
    let mut returned = sent.clone();
    returned["id"] = json!(APP);
    returned["created_on"] = json!("2021-03-04T05:06:07Z");
    returned["modified_on"] = json!("2021-03-05T05:06:07Z");
    let mock = server
        .mock_async(|when, then| {
            expect(when, PUT, &format!("/zones/{ZONE}/spectrum/apps/{APP}"), &capture)
                .header("content-type", "application/json")
                .json_body(sent.clone());
            then.status(200).json_body(envelope(returned.clone()));
        })
        .await;

    let config = SpectrumAppConfig {
        argo_smart_routing: None,
        dns: SpectrumDns {
            name: Some("range.example.com".into()),
            type_: Some(SpectrumDnsType::Address),
            extra: Default::default(),
        },
        edge_ips: Some(EdgeIps {
            connectivity: None,
            ips: vec!["192.0.2.1".into(), "2001:db8::1".into()],
            type_: Some(EdgeIpsType::Static),
            extra: Default::default(),
        }),
        ip_firewall: None,
        origin_direct: vec![],
        origin_dns: Some(OriginDns {
            name: Some("origin.example.com".into()),
            ttl: Some(1200),
            type_: Some(OriginDnsType::Srv),
            extra: Default::default(),
        }),
        origin_port: Some(OriginPort::Range(OriginPortRange("1000-2000".into()))),
        protocol: "tcp/1000-2000".into(),
        proxy_protocol: Some(ProxyProtocol::V2),
        tls: Some(TlsMode::Strict),
        traffic_type: Some(TrafficType::Direct),
        extra: Default::default(),
    };
    let app = client(&server).spectrum_apps_update(ZONE, APP, &config).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(serde_json::from_slice::<Value>(req.body_ref()).unwrap(), sent);
    assert_eq!(sorted_query(&req), pairs(&[]));
    assert_exact_headers(&req, &body_headers());

    assert_eq!(app, decoded::<SpectrumApp>(returned));
    assert_eq!(app.created_on, utc(2021, 3, 4, 5, 6, 7));
    assert_eq!(app.origin_port, Some(OriginPort::Range(OriginPortRange("1000-2000".into()))));
    assert_eq!(app.tls, Some(TlsMode::Strict));
    assert_eq!(app.edge_ips.unwrap().ips, vec!["192.0.2.1".to_owned(), "2001:db8::1".to_owned()]);
    assert_eq!(app.origin_dns.unwrap().type_, Some(OriginDnsType::Srv));
}

#[tokio::test]
async fn spectrum_apps_delete() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let mock = server
        .mock_async(|when, then| {
            expect(when, DELETE, &format!("/zones/{ZONE}/spectrum/apps/{APP}"), &capture);
            then.status(200).json_body(envelope(json!({ "id": APP })));
        })
        .await;

    let deleted = client(&server).spectrum_apps_delete(ZONE, APP).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert!(req.body_ref().is_empty(), "DELETE must not carry a body");
    assert_eq!(sorted_query(&req), pairs(&[]));
    assert_exact_headers(&req, &get_headers());

    assert_eq!(deleted, decoded::<SpectrumAppId>(json!({ "id": APP })));
    assert_eq!(deleted.id.as_str(), APP);
}

#[tokio::test]
async fn spectrum_analytics_current() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let other = "40d67c87c6cd4b889a4fd57805225e85";
    let rows = json!([
        { "appID": APP, "bytesEgress": 1024, "bytesIngress": 2048.5, "connections": 3, "durationAvg": 12.25 },
        { "appID": other, "bytesEgress": 0, "bytesIngress": 0, "connections": 0, "durationAvg": 0 }
    ]);
    let mock = server
        .mock_async(|when, then| {
            expect(when, GET, &format!("/zones/{ZONE}/spectrum/analytics/aggregate/current"), &capture)
                .query_param("appID", format!("{APP},{other}"))
                .query_param("colo_name", "SFO");
            then.status(200).json_body(envelope(rows.clone()));
        })
        .await;

    let current = client(&server)
        .spectrum_analytics_current(ZONE, &CurrentQuery::new().app_ids([APP, other]).colo_name("SFO"))
        .await
        .unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(sorted_query(&req), pairs(&[("appID", &format!("{APP},{other}")), ("colo_name", "SFO")]));
    assert!(raw_query(&req).contains(&format!("appID={APP}%2C{other}")), "{}", raw_query(&req));
    assert_exact_headers(&req, &get_headers());

    assert_eq!(current, decoded::<Vec<SpectrumAnalyticsCurrent>>(rows));
    assert_eq!(current[0].app_id.as_str(), APP);
    assert_eq!(
        (current[0].bytes_egress, current[0].bytes_ingress, current[0].connections, current[0].duration_avg),
        (1024.0, 2048.5, 3.0, 12.25)
    );
    assert_eq!(current[1].app_id.as_str(), other);
}

/// An analytics query with every parameter set, and what goes on the wire.
fn events_query() -> (EventsQuery, Vec<(String, String)>) {
    let query = EventsQuery::new()
        .metrics(vec![AnalyticsMetric::Count, AnalyticsMetric::BytesIngress])
        .dimensions(vec![AnalyticsDimension::ColoName, AnalyticsDimension::Event])
        .sort(["-count", "coloName"])
        .filters("event==connect")
        .since(utc(2024, 1, 1, 0, 0, 0))
        .until(utc(2024, 1, 1, 6, 0, 0));
    let wire = pairs(&[
        ("metrics", "count"),
        ("metrics", "bytesIngress"),
        ("dimensions", "coloName"),
        ("dimensions", "event"),
        ("sort", "-count"),
        ("sort", "coloName"),
        ("filters", "event==connect"),
        ("since", "2024-01-01T00:00:00Z"),
        ("until", "2024-01-01T06:00:00Z"),
    ]);
    (query, wire)
}

fn report(metrics: Value, time_intervals: Option<Value>) -> Value {
    let mut report = json!({
        "data": [{ "dimensions": ["SFO", "connect"], "metrics": metrics }],
        "data_lag": 60,
        "max": { "count": 2, "bytesIngress": 20.5 },
        "min": { "count": 1, "bytesIngress": 10 },
        "query": {
            "dimensions": ["coloName", "event"],
            "filters": "event==connect",
            "limit": 10000,
            "metrics": ["count", "bytesIngress"],
            "since": "2024-01-01T00:00:00Z",
            "sort": ["-count", "coloName"],
            "until": "2024-01-01T06:00:00Z"
        },
        "rows": 1,
        "totals": { "count": 3, "bytesIngress": 30.5 }
    });
    if let Some(intervals) = time_intervals {
        report["time_intervals"] = intervals;
    }
    report
}

#[tokio::test]
async fn spectrum_analytics_bytime() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let intervals =
        json!([["2024-01-01T00:00:00Z", "2024-01-01T03:00:00Z"], ["2024-01-01T03:00:00Z", "2024-01-01T06:00:00Z"]]);
    let body = report(json!([[1, 2], [10, 20.5]]), Some(intervals));
    let mock = server
        .mock_async(|when, then| {
            expect(when, GET, &format!("/zones/{ZONE}/spectrum/analytics/events/bytime"), &capture)
                .query_param("time_delta", "hour")
                .query_param_count("metrics", ".*", 2)
                .query_param("metrics", "count")
                .query_param("metrics", "bytesIngress");
            then.status(200).json_body(envelope(body.clone()));
        })
        .await;

    let (query, mut wire) = events_query();
    let result = client(&server).spectrum_analytics_bytime(ZONE, AnalyticsTimeDelta::Hour, &query).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    wire.push(("time_delta".into(), "hour".into()));
    wire.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(sorted_query(&req), wire);
    assert!(raw_query(&req).contains("metrics=count&metrics=bytesIngress"), "{}", raw_query(&req));
    assert!(!raw_query(&req).contains("%2C"), "arrays must not be comma-joined: {}", raw_query(&req));
    assert_exact_headers(&req, &get_headers());

    assert_eq!(result, decoded::<SpectrumAnalyticsReport>(body));
    assert_eq!(result.data[0].dimensions, vec!["SFO".to_owned(), "connect".to_owned()]);
    assert_eq!(
        result.data[0].metrics,
        Some(AnalyticsRowMetrics::Series(AnalyticsSeries(vec![vec![1.0, 2.0], vec![10.0, 20.5]])))
    );
    assert_eq!(result.totals.0.get("bytesIngress"), Some(&30.5));
    assert_eq!(result.time_intervals.len(), 2);
    assert_eq!(result.time_intervals[1], vec!["2024-01-01T03:00:00Z".to_owned(), "2024-01-01T06:00:00Z".to_owned()]);
    assert_eq!(result.query.since, Some(utc(2024, 1, 1, 0, 0, 0)));
    assert_eq!(result.query.metrics, vec![AnalyticsMetric::Count, AnalyticsMetric::BytesIngress]);
    assert_eq!((result.data_lag, result.rows), (60.0, 1.0));
}

#[tokio::test]
async fn spectrum_analytics_summary() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let body = report(json!([3, 30.5]), None);
    let mock = server
        .mock_async(|when, then| {
            expect(when, GET, &format!("/zones/{ZONE}/spectrum/analytics/events/summary"), &capture)
                .query_param_missing("time_delta")
                .query_param("dimensions", "coloName")
                .query_param("dimensions", "event");
            then.status(200).json_body(envelope(body.clone()));
        })
        .await;

    let (query, wire) = events_query();
    let result = client(&server).spectrum_analytics_summary(ZONE, &query).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(sorted_query(&req), wire);
    assert!(raw_query(&req).contains("dimensions=coloName&dimensions=event"), "{}", raw_query(&req));
    assert_exact_headers(&req, &get_headers());

    assert_eq!(result, decoded::<SpectrumAnalyticsReport>(body));
    assert_eq!(result.data[0].metrics, Some(AnalyticsRowMetrics::Values(AnalyticsValues(vec![3.0, 30.5]))));
    assert_eq!(result.max.0.get("count"), Some(&2.0));
    assert_eq!(result.min.0.get("bytesIngress"), Some(&10.0));
    assert!(result.time_intervals.is_empty());
    assert_eq!(result.query.filters.as_deref(), Some("event==connect"));
    assert_eq!(result.query.limit, Some(10000.0));
}

#[tokio::test]
async fn spectrum_protocols_list() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let protocols = json!([
        { "name": "minecraft", "description": "Minecraft", "transport": "tcp", "ports": [25565] },
        { "name": "ssh", "description": "Secure Shell", "transport": "tcp", "ports": [22] },
        { "name": "rdp" }
    ]);
    let mock = server
        .mock_async(|when, then| {
            expect(when, GET, &format!("/zones/{ZONE}/spectrum/protocols"), &capture);
            then.status(200).json_body(envelope(protocols.clone()));
        })
        .await;

    let result = client(&server).spectrum_protocols_list(ZONE).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(sorted_query(&req), pairs(&[]));
    assert_exact_headers(&req, &get_headers());

    assert_eq!(result, decoded::<Vec<SpectrumProtocol>>(protocols));
    assert_eq!(result.len(), 3);
    assert_eq!(result[0].name, "minecraft");
    assert_eq!(result[0].description.as_deref(), Some("Minecraft"));
    assert_eq!(result[0].transport.as_deref(), Some("tcp"));
    assert_eq!(result[0].ports, vec![25565]);
    assert_eq!((result[2].name.as_str(), result[2].transport.as_deref()), ("rdp", None));
}

#[tokio::test]
async fn magic_apps_list() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let managed = json!({
        "managed_app_id": "cloudflare-dashboard",
        "name": "Cloudflare Dashboard (managed)",
        "type": "Productivity",
        "hostnames": ["dash.cloudflare.com"]
    });
    let apps = json!([magic_app(), managed]);
    let mock = server
        .mock_async(|when, then| {
            expect(when, GET, &format!("/accounts/{ACCOUNT}/magic/apps"), &capture);
            then.status(200).json_body(envelope(apps.clone()));
        })
        .await;

    let result = client(&server).magic_apps_list(ACCOUNT).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(sorted_query(&req), pairs(&[]));
    assert_exact_headers(&req, &get_headers());

    assert_eq!(result, decoded::<Vec<MagicApp>>(apps));
    match &result[0] {
        MagicApp::AccountApp(app) => {
            assert_eq!(app.account_app_id, ACCOUNT_APP);
            assert_eq!(app.type_.as_deref(), Some("Development"));
            assert_eq!(app.ip_subnets, vec!["192.0.2.0/24".to_owned()]);
        }
        other => panic!("expected an account app, got {other:?}"),
    }
    match &result[1] {
        MagicApp::ManagedApp(app) => {
            assert_eq!(app.managed_app_id, "cloudflare-dashboard");
            assert_eq!(app.hostnames, vec!["dash.cloudflare.com".to_owned()]);
        }
        other => panic!("expected a managed app, got {other:?}"),
    }
}

#[tokio::test]
async fn magic_apps_create() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let sent = json!({
        "name": "Cloudflare Dashboard",
        "type": "Development",
        "hostnames": ["auth.cloudflare.com"],
        "ip_subnets": ["192.0.2.0/24"],
        "source_subnets": ["192.0.2.0/24"]
    });
    let mock = server
        .mock_async(|when, then| {
            expect(when, POST, &format!("/accounts/{ACCOUNT}/magic/apps"), &capture)
                .header("content-type", "application/json")
                .json_body(sent.clone());
            then.status(200).json_body(envelope(magic_app()));
        })
        .await;

    let create = MagicAppCreate {
        hostnames: vec!["auth.cloudflare.com".into()],
        ip_subnets: vec!["192.0.2.0/24".into()],
        name: "Cloudflare Dashboard".into(),
        source_subnets: vec!["192.0.2.0/24".into()],
        type_: "Development".into(),
        extra: Default::default(),
    };
    let app = client(&server).magic_apps_create(ACCOUNT, &create).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(serde_json::from_slice::<Value>(req.body_ref()).unwrap(), sent);
    assert_exact_headers(&req, &body_headers());

    assert_eq!(app, decoded::<MagicAccountApp>(magic_app()));
    assert_eq!(app.account_app_id, ACCOUNT_APP);
    assert_eq!(app.name.as_deref(), Some("Cloudflare Dashboard"));
    assert_eq!(app.hostnames, vec!["auth.cloudflare.com".to_owned()]);
}

#[tokio::test]
async fn magic_apps_update() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let sent = json!({ "name": "Cloudflare Dashboard", "type": "Development" });
    let mock = server
        .mock_async(|when, then| {
            expect(when, PUT, &format!("/accounts/{ACCOUNT}/magic/apps/{ACCOUNT_APP}"), &capture)
                .header("content-type", "application/json")
                .json_body(sent.clone());
            then.status(200).json_body(envelope(magic_app()));
        })
        .await;

    let update = MagicAppUpdate {
        name: Some("Cloudflare Dashboard".into()),
        type_: Some("Development".into()),
        hostnames: vec![],
        ip_subnets: vec![],
        source_subnets: vec![],
        extra: Default::default(),
    };
    let app = client(&server).magic_apps_update(ACCOUNT, ACCOUNT_APP, &update).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(serde_json::from_slice::<Value>(req.body_ref()).unwrap(), sent);
    assert_exact_headers(&req, &body_headers());

    assert_eq!(app, decoded::<MagicAccountApp>(magic_app()));
    assert_eq!(app.type_.as_deref(), Some("Development"));
    assert_eq!(app.source_subnets, vec!["192.0.2.0/24".to_owned()]);
}

#[tokio::test]
async fn magic_apps_patch() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let sent = json!({ "hostnames": ["auth.cloudflare.com", "dash.cloudflare.com"] });
    let mut returned = magic_app();
    returned["hostnames"] = sent["hostnames"].clone();
    let mock = server
        .mock_async(|when, then| {
            expect(when, PATCH, &format!("/accounts/{ACCOUNT}/magic/apps/{ACCOUNT_APP}"), &capture)
                .header("content-type", "application/json")
                .json_body(sent.clone());
            then.status(200).json_body(envelope(returned.clone()));
        })
        .await;

    let patch = MagicAppUpdate {
        hostnames: vec!["auth.cloudflare.com".into(), "dash.cloudflare.com".into()],
        ..decoded::<MagicAppUpdate>(json!({}))
    };
    let app = client(&server).magic_apps_patch(ACCOUNT, ACCOUNT_APP, &patch).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert_eq!(serde_json::from_slice::<Value>(req.body_ref()).unwrap(), sent, "only the fields set are sent");
    assert_exact_headers(&req, &body_headers());

    assert_eq!(app, decoded::<MagicAccountApp>(returned));
    assert_eq!(app.hostnames, vec!["auth.cloudflare.com".to_owned(), "dash.cloudflare.com".to_owned()]);
    assert_eq!(app.name.as_deref(), Some("Cloudflare Dashboard"));
}

#[tokio::test]
async fn magic_apps_delete() {
    let server = MockServer::start_async().await;
    let capture = Capture::new();
    let mock = server
        .mock_async(|when, then| {
            expect(when, DELETE, &format!("/accounts/{ACCOUNT}/magic/apps/{ACCOUNT_APP}"), &capture);
            then.status(200).json_body(envelope(magic_app()));
        })
        .await;

    let app = client(&server).magic_apps_delete(ACCOUNT, ACCOUNT_APP).await.unwrap();

    mock.assert_async().await;
    let req = capture.request();
    assert!(req.body_ref().is_empty(), "DELETE must not carry a body");
    assert_eq!(sorted_query(&req), pairs(&[]));
    assert_exact_headers(&req, &get_headers());

    assert_eq!(app, decoded::<MagicAccountApp>(magic_app()));
    assert_eq!(app.account_app_id, ACCOUNT_APP);
}
