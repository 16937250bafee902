//! The typed httpmock helpers (feature `mock`) against the real `Client`:
//! every operation once, plus the error responders and the JSON builders.

use chrono::{TimeZone, Utc};
use cloudflare_spectrum::CurrentQuery;
use cloudflare_spectrum::mock::{self, MockServerExt};
use cloudflare_spectrum::types::{
    AnalyticsDimension, AnalyticsMetric, AnalyticsTimeDelta, FailureResponse, MagicAccountApp, MagicApp,
    MagicAppCreate, MagicAppUpdate, ResultInfo, SortDirection, SpectrumAnalyticsCurrent, SpectrumAnalyticsReport,
    SpectrumApp, SpectrumAppConfig, SpectrumAppId, SpectrumAppsOrder, SpectrumProtocol, SpectrumProtocolListResponse,
};
use cloudflare_spectrum::{Client, Credentials, Error, EventsQuery, ListApps};
use httpmock::MockServer;
use serde::de::DeserializeOwned;
use serde_json::json;

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const ACCOUNT: &str = "9a7806061c88ada191ed06f989cc3dac";
const APP: &str = "ea95132c15732412d22c1476fa83f27a";
const MAGIC_APP: &str = "ac60d3d0435248289d446cedd870bcf4";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::api_token("test-token"))
        .max_retries(0)
        .build()
        .expect("a client")
}

fn from<T: DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("valid test data")
}

fn app(id: &str, protocol: &str) -> SpectrumApp {
    from(json!({
        "id": id,
        "created_on": "2024-01-01T00:00:00Z",
        "modified_on": "2024-02-01T12:30:00Z",
        "dns": { "type": "CNAME", "name": "ssh.example.com" },
        "protocol": protocol,
        "traffic_type": "direct",
        "origin_direct": ["tcp://192.0.2.1:22"],
        "ip_firewall": true,
        "edge_ips": { "type": "dynamic", "connectivity": "all" },
        "future_field": { "kept": true },
    }))
}

fn config() -> SpectrumAppConfig {
    from(json!({
        "dns": { "type": "CNAME", "name": "ssh.example.com" },
        "protocol": "tcp/22",
        "origin_direct": ["tcp://192.0.2.1:22"],
        "proxy_protocol": "off",
    }))
}

fn magic_app(id: &str) -> MagicAccountApp {
    from(json!({
        "account_app_id": id,
        "name": "Internal wiki",
        "type": "Development",
        "hostnames": ["wiki.example.com"],
        "ip_subnets": ["192.0.2.0/24"],
    }))
}

fn report() -> SpectrumAnalyticsReport {
    from(json!({
        "data": [{ "dimensions": ["SFO"], "metrics": [12.0, 3400.0] }],
        "data_lag": 0.5,
        "max": { "count": 12.0 },
        "min": { "count": 12.0 },
        "totals": { "count": 12.0, "bytesIngress": 3400.0 },
        "rows": 1.0,
        "query": { "metrics": ["count", "bytesIngress"], "dimensions": ["coloName"] },
    }))
}

fn events_query() -> EventsQuery {
    EventsQuery::new()
        .metrics(vec![AnalyticsMetric::Count, AnalyticsMetric::BytesIngress])
        .dimensions(vec![AnalyticsDimension::ColoName, AnalyticsDimension::Event])
        .sort(["-count", "coloName"])
        .filters("event==connect;coloName==SFO")
        .since(Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap())
        .until(Utc.timestamp_millis_opt(1_714_608_000_250).unwrap())
}

#[tokio::test]
async fn spectrum_apps_list_page() {
    let server = MockServer::start_async().await;
    let apps = vec![app(APP, "tcp/22"), app("f1b2c3d4e5f60718293a4b5c6d7e8f90", "tcp/3389")];
    let info: ResultInfo = from(json!({ "page": 2, "per_page": 2, "count": 2, "total_count": 5, "total_pages": 3 }));
    let query = ListApps::new().per_page(2).page(2).order(SpectrumAppsOrder::CreatedOn).direction(SortDirection::Desc);
    let mock = server.spectrum_apps_list(|when, then| {
        when.zone_id(ZONE).query(&query);
        then.ok_page(&apps, &info);
    });
    let page = client(&server).spectrum_apps_list(ZONE, &query).await.unwrap();
    assert_eq!(page.items, apps);
    assert_eq!(page.result_info, Some(info));
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_apps_list_without_query() {
    let server = MockServer::start_async().await;
    let apps = vec![app(APP, "tcp/22")];
    let mock = server.spectrum_apps_list(|when, then| {
        when.zone_id(ZONE).query(&ListApps::new());
        then.ok_result(&apps);
    });
    let page = client(&server).spectrum_apps_list(ZONE, &ListApps::new()).await.unwrap();
    assert_eq!(page.items, apps);
    assert_eq!(page.result_info, None);
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_apps_create() {
    let server = MockServer::start_async().await;
    let created = app(APP, "tcp/22");
    let mock = server.spectrum_apps_create(|when, then| {
        when.zone_id(ZONE).body(&config());
        then.ok_result(&created);
    });
    let result = client(&server).spectrum_apps_create(ZONE, &config()).await.unwrap();
    assert_eq!(result, created);
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_apps_get() {
    let server = MockServer::start_async().await;
    let expected = app(APP, "tcp/22");
    let mock = server.spectrum_apps_get(|when, then| {
        when.zone_id(ZONE).app_id(&expected.id);
        then.ok_result(&expected);
    });
    let result = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap();
    assert_eq!(result, expected);
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_apps_update() {
    let server = MockServer::start_async().await;
    let current = app(APP, "tcp/22");
    let mut body = SpectrumAppConfig::from(current.clone());
    body.protocol = "tcp/2222".into();
    let updated = app(APP, "tcp/2222");
    let mock = server.spectrum_apps_update(|when, then| {
        when.zone_id(ZONE).app_id(APP).body(&body);
        then.ok_result(&updated);
    });
    let result = client(&server).spectrum_apps_update(ZONE, APP, &body).await.unwrap();
    assert_eq!(result, updated);
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_apps_delete() {
    let server = MockServer::start_async().await;
    let deleted: SpectrumAppId = from(json!({ "id": APP }));
    let mock = server.spectrum_apps_delete(|when, then| {
        when.zone_id(ZONE).app_id(APP);
        then.ok_result(&deleted);
    });
    let result = client(&server).spectrum_apps_delete(ZONE, APP).await.unwrap();
    assert_eq!(result, deleted);
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_protocols_list() {
    let server = MockServer::start_async().await;
    let protocols: Vec<SpectrumProtocol> = from(json!([
        { "name": "minecraft", "description": "Minecraft", "transport": "tcp", "ports": [25565] },
        { "name": "rdp", "transport": "tcp", "ports": [3389] },
    ]));
    let mock = server.spectrum_protocols_list(|when, then| {
        when.zone_id(ZONE);
        then.ok_result(&protocols);
    });
    let result = client(&server).spectrum_protocols_list(ZONE).await.unwrap();
    assert_eq!(result, protocols);
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_analytics_current() {
    let server = MockServer::start_async().await;
    let rows: Vec<SpectrumAnalyticsCurrent> = from(json!([
        { "appID": APP, "bytesEgress": 10.0, "bytesIngress": 20.0, "connections": 3.0, "durationAvg": 1.5 },
    ]));
    let other = "f1b2c3d4e5f60718293a4b5c6d7e8f90";
    let mock = server.spectrum_analytics_current(|when, then| {
        when.zone_id(ZONE).app_ids(&[APP, other]).colo_name("SFO");
        then.ok_result(&rows);
    });
    let result = client(&server)
        .spectrum_analytics_current(ZONE, &CurrentQuery::new().app_ids([APP, other]).colo_name("SFO"))
        .await
        .unwrap();
    assert_eq!(result, rows);
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_analytics_current_without_filters() {
    let server = MockServer::start_async().await;
    let mock = server.spectrum_analytics_current(|when, then| {
        when.zone_id(ZONE).app_ids::<&str>(&[]).colo_name(None);
        then.ok_result(&[]);
    });
    let result = client(&server).spectrum_analytics_current(ZONE, &CurrentQuery::new()).await.unwrap();
    assert!(result.is_empty());
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_analytics_bytime() {
    let server = MockServer::start_async().await;
    let query = events_query();
    let expected = report();
    let mock = server.spectrum_analytics_bytime(|when, then| {
        when.zone_id(ZONE).time_delta(&AnalyticsTimeDelta::Hour).query(&query);
        then.ok_result(&expected);
    });
    let result = client(&server).spectrum_analytics_bytime(ZONE, AnalyticsTimeDelta::Hour, &query).await.unwrap();
    assert_eq!(result, expected);
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_analytics_summary() {
    let server = MockServer::start_async().await;
    let expected = report();
    let mock = server.spectrum_analytics_summary(|when, then| {
        when.zone_id(ZONE).query(&EventsQuery::default());
        then.ok_result(&expected);
    });
    let result = client(&server).spectrum_analytics_summary(ZONE, &EventsQuery::default()).await.unwrap();
    assert_eq!(result, expected);
    mock.assert_async().await;
}

#[tokio::test]
async fn spectrum_analytics_summary_single_matchers() {
    let server = MockServer::start_async().await;
    let query = events_query();
    let expected = report();
    let mock = server.spectrum_analytics_summary(|when, then| {
        when.zone_id(ZONE)
            .metrics(&query.metrics)
            .dimensions(&query.dimensions)
            .sort(&["-count", "coloName"])
            .filters("event==connect;coloName==SFO")
            .since(query.since)
            .until(query.until);
        then.ok_result(&expected);
    });
    let result = client(&server).spectrum_analytics_summary(ZONE, &query).await.unwrap();
    assert_eq!(result, expected);
    mock.assert_async().await;
}

#[tokio::test]
async fn magic_apps_list() {
    let server = MockServer::start_async().await;
    let apps: Vec<MagicApp> = vec![
        magic_app(MAGIC_APP).into(),
        from(json!({ "managed_app_id": "cloudflare-zero-trust", "name": "Zero Trust", "type": "Security" })),
    ];
    let mock = server.magic_apps_list(|when, then| {
        when.account_id(ACCOUNT);
        then.ok_result(&apps);
    });
    let result = client(&server).magic_apps_list(ACCOUNT).await.unwrap();
    assert_eq!(result, apps);
    mock.assert_async().await;
}

#[tokio::test]
async fn magic_apps_create() {
    let server = MockServer::start_async().await;
    let body: MagicAppCreate =
        from(json!({ "name": "Internal wiki", "type": "Development", "hostnames": ["wiki.example.com"] }));
    let created = magic_app(MAGIC_APP);
    let mock = server.magic_apps_create(|when, then| {
        when.account_id(ACCOUNT).body(&body);
        then.ok_result(&created);
    });
    let result = client(&server).magic_apps_create(ACCOUNT, &body).await.unwrap();
    assert_eq!(result, created);
    mock.assert_async().await;
}

#[tokio::test]
async fn magic_apps_update() {
    let server = MockServer::start_async().await;
    let body: MagicAppUpdate = from(json!({ "name": "Wiki", "type": "Development", "hostnames": [] }));
    let updated = magic_app(MAGIC_APP);
    let mock = server.magic_apps_update(|when, then| {
        when.account_id(ACCOUNT).account_app_id(MAGIC_APP).body(&body);
        then.ok_result(&updated);
    });
    let result = client(&server).magic_apps_update(ACCOUNT, MAGIC_APP, &body).await.unwrap();
    assert_eq!(result, updated);
    mock.assert_async().await;
}

#[tokio::test]
async fn magic_apps_patch() {
    let server = MockServer::start_async().await;
    let body: MagicAppUpdate = from(json!({ "ip_subnets": ["198.51.100.0/24"] }));
    let patched = magic_app(MAGIC_APP);
    let mock = server.magic_apps_patch(|when, then| {
        when.account_id(ACCOUNT).account_app_id(MAGIC_APP).body(&body);
        then.ok_result(&patched);
    });
    let result = client(&server).magic_apps_patch(ACCOUNT, MAGIC_APP, &body).await.unwrap();
    assert_eq!(result, patched);
    mock.assert_async().await;
}

#[tokio::test]
async fn magic_apps_delete() {
    let server = MockServer::start_async().await;
    let deleted = magic_app(MAGIC_APP);
    let mock = server.magic_apps_delete(|when, then| {
        when.account_id(ACCOUNT).account_app_id(MAGIC_APP);
        then.ok_result(&deleted);
    });
    let result = client(&server).magic_apps_delete(ACCOUNT, MAGIC_APP).await.unwrap();
    assert_eq!(result, deleted);
    mock.assert_async().await;
}

#[tokio::test]
async fn error_helper_keeps_status_and_codes() {
    let server = MockServer::start_async().await;
    let mock = server.spectrum_apps_get(|when, then| {
        when.zone_id(ZONE).app_id(APP);
        then.error(404, &[(1003, "Application not found"), (10013, "Zone mismatch")]);
    });
    let error = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(error.codes(), [1003, 10013]);
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.errors[0].message, "Application not found");
    assert_eq!(api.errors[1].message, "Zone mismatch");
    mock.assert_async().await;
}

#[tokio::test]
async fn error_helper_with_a_success_status() {
    let server = MockServer::start_async().await;
    let mock = server.magic_apps_delete(|when, then| {
        when.account_id(ACCOUNT).account_app_id(MAGIC_APP);
        then.error(200, &[(1002, "App is in use")]);
    });
    let error = client(&server).magic_apps_delete(ACCOUNT, MAGIC_APP).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.codes(), [1002]);
    mock.assert_async().await;
}

#[tokio::test]
async fn error_helper_server_error_is_retried_like_the_real_api() {
    let server = MockServer::start_async().await;
    let mock = server.spectrum_protocols_list(|when, then| {
        when.zone_id(ZONE);
        then.error(503, &[(10000, "Service unavailable")]);
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::api_token("test-token"))
        .retry_policy(
            cloudflare_spectrum::RetryPolicy::new().max_retries(1).initial_backoff(std::time::Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let error = client.spectrum_protocols_list(ZONE).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.codes(), [10000]);
    mock.assert_calls_async(2).await;
}

/// The generated responders, which take whole envelopes, work too.
#[tokio::test]
async fn generated_envelope_responders() {
    let server = MockServer::start_async().await;
    let protocols: Vec<SpectrumProtocol> = from(json!([{ "name": "ssh", "ports": [22] }]));
    let envelope =
        SpectrumProtocolListResponse { success: true, errors: vec![], messages: vec![], result: protocols.clone() };
    let ok = server.spectrum_protocols_list(|when, then| {
        when.zone_id(ZONE);
        then.ok(&envelope);
    });
    assert_eq!(client(&server).spectrum_protocols_list(ZONE).await.unwrap(), protocols);
    ok.assert_async().await;

    let failure: FailureResponse =
        from(json!({ "success": false, "errors": [{ "code": 10000, "message": "Authentication error" }] }));
    let denied = server.spectrum_apps_get(|when, then| {
        when.zone_id(ZONE).app_id(APP);
        then.client_error(403, &failure);
    });
    let error = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert!(error.is_auth());
    assert_eq!(error.codes(), [10000]);
    denied.assert_async().await;
}

/// The matchers are not vacuous: a request for another zone, app, body or
/// query is not answered by the mock.
#[tokio::test]
async fn matchers_discriminate() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let get = server.spectrum_apps_get(|when, then| {
        when.zone_id(ZONE).app_id(APP);
        then.ok_result(&app(APP, "tcp/22"));
    });
    let create = server.spectrum_apps_create(|when, then| {
        when.zone_id(ZONE).body(&config());
        then.ok_result(&app(APP, "tcp/22"));
    });
    let summary = server.spectrum_analytics_summary(|when, then| {
        when.zone_id(ZONE).query(&events_query());
        then.ok_result(&report());
    });
    let list = server.spectrum_apps_list(|when, then| {
        when.zone_id(ZONE).query(&ListApps::new().per_page(10));
        then.ok_result(&[]);
    });

    let other = "f1b2c3d4e5f60718293a4b5c6d7e8f90";
    assert!(client.spectrum_apps_get(other, APP).await.unwrap_err().is_not_found());
    assert!(client.spectrum_apps_get(ZONE, other).await.unwrap_err().is_not_found());
    let mut changed = config();
    changed.protocol = "tcp/23".into();
    assert!(client.spectrum_apps_create(ZONE, &changed).await.unwrap_err().is_not_found());
    let fewer = events_query().metrics(vec![AnalyticsMetric::Count]);
    assert!(client.spectrum_analytics_summary(ZONE, &fewer).await.unwrap_err().is_not_found());
    let more = events_query().metrics(vec![
        AnalyticsMetric::Count,
        AnalyticsMetric::BytesIngress,
        AnalyticsMetric::BytesEgress,
    ]);
    assert!(client.spectrum_analytics_summary(ZONE, &more).await.unwrap_err().is_not_found());
    let later = events_query().until(Utc.with_ymd_and_hms(2024, 5, 3, 0, 0, 0).unwrap());
    assert!(client.spectrum_analytics_summary(ZONE, &later).await.unwrap_err().is_not_found());
    assert!(client.spectrum_apps_list(ZONE, &ListApps::new()).await.unwrap_err().is_not_found());
    assert!(client.spectrum_apps_list(ZONE, &ListApps::new().per_page(20)).await.unwrap_err().is_not_found());

    get.assert_calls_async(0).await;
    create.assert_calls_async(0).await;
    summary.assert_calls_async(0).await;
    list.assert_calls_async(0).await;
}

/// The JSON builders, with plain httpmock mocks.
#[tokio::test]
async fn builders_with_plain_httpmock() {
    let server = MockServer::start_async().await;
    let apps = vec![app(APP, "tcp/22")];
    let info: ResultInfo = from(json!({ "page": 1, "per_page": 20, "count": 1, "total_count": 1 }));
    assert_eq!(
        mock::ok_page(&apps, &info),
        json!({
            "success": true, "errors": [], "messages": [],
            "result": serde_json::to_value(&apps).unwrap(),
            "result_info": { "page": 1, "per_page": 20, "count": 1, "total_count": 1 },
        })
    );
    let list = server
        .mock_async(|when, then| {
            when.method("GET").path(format!("/zones/{ZONE}/spectrum/apps"));
            then.status(200).json_body(mock::ok_page(&apps, &info));
        })
        .await;
    let page = client(&server).spectrum_apps_list(ZONE, &ListApps::new()).await.unwrap();
    assert_eq!((page.items, page.result_info), (apps.clone(), Some(info)));
    list.assert_async().await;

    let get = server
        .mock_async(|when, then| {
            when.method("GET").path(format!("/zones/{ZONE}/spectrum/apps/{APP}"));
            then.status(200).json_body(mock::ok(&apps[0]));
        })
        .await;
    assert_eq!(client(&server).spectrum_apps_get(ZONE, APP).await.unwrap(), apps[0]);
    get.assert_async().await;

    let (status, body) = mock::error(429, &[(10429, "Rate limited")]);
    assert_eq!(
        body,
        json!({
            "success": false,
            "errors": [{ "code": 10429, "message": "Rate limited" }],
            "messages": [],
            "result": null,
        })
    );
    let limited = server
        .mock_async(|when, then| {
            when.method("DELETE").path(format!("/zones/{ZONE}/spectrum/apps/{APP}"));
            then.status(status).json_body(body);
        })
        .await;
    let error = client(&server).spectrum_apps_delete(ZONE, APP).await.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.codes(), [10429]);
    limited.assert_async().await;
}

/// Path matchers compare an identifier with the path as the client encodes
/// it: regex meta characters and non-ASCII text match themselves only.
#[tokio::test]
async fn path_matchers_take_identifiers_literally() {
    for id in ["a+b", "a.b", "x(y", "a$b", "caf\u{e9}", "a<b>", "a:b", "[ab]*", "a{2}|b"] {
        let server = MockServer::start_async().await;
        let mock = server.spectrum_apps_get(|when, then| {
            when.zone_id(ZONE).app_id(mock::id(id));
            then.ok_result(&app(APP, "tcp/22"));
        });
        let client = client(&server);
        assert_eq!(client.spectrum_apps_get(ZONE, id).await.unwrap(), app(APP, "tcp/22"), "{id:?}");
        mock.assert_async().await;
    }
    let server = MockServer::start_async().await;
    let mock = server.magic_apps_delete(|when, then| {
        when.account_id("a.b").account_app_id("c+d");
        then.ok_result(&magic_app(MAGIC_APP));
    });
    let client = client(&server);
    assert!(client.magic_apps_delete("axb", "c+d").await.unwrap_err().is_not_found());
    assert!(client.magic_apps_delete("a.b", "ccd").await.unwrap_err().is_not_found());
    mock.assert_calls_async(0).await;
    client.magic_apps_delete("a.b", "c+d").await.unwrap();
    mock.assert_async().await;
}

/// A base URL with a path, like the real API's `/client/v4`, works too.
#[tokio::test]
async fn base_url_with_a_path() {
    let server = MockServer::start_async().await;
    let mock = server.spectrum_protocols_list(|when, then| {
        when.zone_id(ZONE);
        then.ok_result(&[]);
    });
    let client = Client::builder()
        .base_url(server.url("/client/v4"))
        .credentials(Credentials::api_token("test-token"))
        .build()
        .unwrap();
    assert!(client.spectrum_protocols_list(ZONE).await.unwrap().is_empty());
    mock.assert_async().await;
}
