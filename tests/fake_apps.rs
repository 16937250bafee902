//! The fake's Spectrum applications, through the real client.

use std::future::Future;
use std::time::Duration;

use cloudflare_spectrum::fake::{API_KEY, EMAIL, FakeCloudflare, USER_SERVICE_KEY, ZONE_ID, codes};
use cloudflare_spectrum::types::{SortDirection, SpectrumAppConfig, SpectrumAppsOrder, TlsMode, TrafficType};
use cloudflare_spectrum::{Client, Credentials, Error, ListApps};
use futures::TryStreamExt as _;
use serde_json::{Value, json};

/// Runs a test body with a time limit.
async fn bounded<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), body).await.expect("the test took longer than 60 s")
}

fn config(dns_name: &str) -> SpectrumAppConfig {
    serde_json::from_value(json!({
        "dns": { "type": "CNAME", "name": dns_name },
        "protocol": "tcp/22",
        "traffic_type": "direct",
        "origin_direct": ["tcp://192.0.2.1:22"],
    }))
    .expect("a valid configuration")
}

/// A client that never retries, so that errors come back at once.
fn client(fake: &FakeCloudflare) -> Client {
    fake.client_builder().max_retries(0).build().expect("a client")
}

/// The API error's status and codes.
fn api(error: Error) -> (u16, Vec<u64>) {
    match &error {
        Error::Api(e) => (e.meta.status.as_u16(), error.codes()),
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// A raw request with the accepted token; the status and JSON body.
async fn raw(fake: &FakeCloudflare, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
    let http = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = http.request(method, format!("{}{path}", fake.base_url())).bearer_auth(fake.token());
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_owned());
    }
    let response = request.send().await.expect("a response");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

fn error_code(body: &Value) -> u64 {
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["messages"], json!([]), "{body}");
    assert_eq!(body["result"], Value::Null, "{body}");
    body["errors"][0]["code"].as_u64().expect("an error code")
}

#[tokio::test]
async fn create_list_update_get_delete() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        assert!(fake.base_url().starts_with("http://127.0.0.1:") && fake.base_url().ends_with("/client/v4"));

        let created = client.spectrum_apps_create(ZONE_ID, &config("ssh.example.com")).await.unwrap();
        assert_eq!(created.id.len(), 32);
        assert!(created.id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(created.created_on, created.modified_on);
        assert_eq!(created.protocol, "tcp/22");
        assert_eq!(created.dns.name.as_deref(), Some("ssh.example.com"));
        assert_eq!(created.traffic_type, Some(TrafficType::Direct));

        let page = client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap();
        assert_eq!(page.items, vec![created.clone()]);
        assert_eq!(page.result_info, None, "no result_info without page");

        // A value the document does not list is refused, and nothing changes.
        let mut unknown = SpectrumAppConfig::from(created.clone());
        unknown.traffic_type = Some(TrafficType::from("worker"));
        let error = client.spectrum_apps_update(ZONE_ID, created.id.as_str(), &unknown).await.unwrap_err();
        assert_eq!(api(error), (400, vec![codes::UNKNOWN_VALUE]));
        assert_eq!(fake.spectrum_apps(ZONE_ID), vec![created.clone()]);

        let mut change = SpectrumAppConfig::from(created.clone());
        change.protocol = "tcp/2222".into();
        change.tls = Some(TlsMode::Strict);
        change.traffic_type = Some(TrafficType::Https);
        change.extra.insert("future_setting".into(), json!({ "kept": true })); // unknown fields are stored as sent
        let updated = client.spectrum_apps_update(ZONE_ID, created.id.as_str(), &change).await.unwrap();
        assert_eq!(updated.id, created.id);
        assert_eq!(updated.created_on, created.created_on);
        assert!(updated.modified_on >= created.modified_on);
        assert_eq!(updated.protocol, "tcp/2222");

        let fetched = client.spectrum_apps_get(ZONE_ID, created.id.as_str()).await.unwrap();
        assert_eq!(fetched, updated);
        assert_eq!(fetched.tls, Some(TlsMode::Strict));
        assert_eq!(fetched.traffic_type, Some(TrafficType::Https));
        assert_eq!(fetched.extra["future_setting"], json!({ "kept": true }));

        let deleted = client.spectrum_apps_delete(ZONE_ID, created.id.as_str()).await.unwrap();
        assert_eq!(deleted.id, created.id);

        let missing = client.spectrum_apps_get(ZONE_ID, created.id.as_str()).await.unwrap_err();
        assert!(missing.is_not_found(), "{missing:?}");
        assert_eq!(missing.codes(), vec![codes::NOT_FOUND]);
        assert!(client.spectrum_apps_delete(ZONE_ID, created.id.as_str()).await.unwrap_err().is_not_found());
        assert!(client.spectrum_apps_update(ZONE_ID, created.id.as_str(), &change).await.unwrap_err().is_not_found());
        assert!(fake.spectrum_apps(ZONE_ID).is_empty());
    })
    .await;
}

#[tokio::test]
async fn zones_are_separate() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        let other = "ffffffffffffffffffffffffffffffff";
        let app = client.spectrum_apps_create(ZONE_ID, &config("a.example.com")).await.unwrap();
        client.spectrum_apps_create(other, &config("a.example.com")).await.unwrap();
        assert!(client.spectrum_apps_get(other, app.id.as_str()).await.unwrap_err().is_not_found());
        assert_eq!(fake.spectrum_apps(other).len(), 1);
    })
    .await;
}

#[tokio::test]
async fn pages_of_250_apps() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        let mut ids = Vec::new();
        for i in 0..250 {
            ids.push(
                client.spectrum_apps_create(ZONE_ID, &config(&format!("app{i:03}.example.com"))).await.unwrap().id,
            );
        }

        let mut seen = Vec::new();
        for (page, expected) in [(1u32, 100u64), (2, 100), (3, 50), (4, 0)] {
            let query = ListApps::new().per_page(100).page(page);
            let result = client.spectrum_apps_list(ZONE_ID, &query).await.unwrap();
            let info = result.result_info.expect("result_info when page is sent");
            assert_eq!(info.page, Some(u64::from(page)));
            assert_eq!(info.per_page, Some(100));
            assert_eq!(info.count, Some(expected));
            assert_eq!(info.total_count, Some(250));
            assert_eq!(info.total_pages, Some(3));
            assert_eq!(result.items.len() as u64, expected);
            seen.extend(result.items.into_iter().map(|app| app.id));
        }
        assert_eq!(seen, ids, "pages in creation order, without overlap");

        fake.clear_requests();
        let all = client.spectrum_apps_list_all(ZONE_ID, &ListApps::new()).await.unwrap();
        assert_eq!(all.into_iter().map(|app| app.id).collect::<Vec<_>>(), ids);
        let pages: Vec<String> = fake.requests().iter().flat_map(|r| r.query_values("page")).collect();
        assert_eq!(pages, ["1", "2", "3"], "the stream stops after the last page");

        let streamed: Vec<_> =
            client.spectrum_apps_stream(ZONE_ID, &ListApps::new().per_page(30)).try_collect().await.unwrap();
        assert_eq!(streamed.len(), 250);

        let everything = client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap();
        assert_eq!(everything.items.len(), 250, "without page, every application");
        assert_eq!(everything.result_info, None);

        let defaults = client.spectrum_apps_list(ZONE_ID, &ListApps::new().page(2)).await.unwrap();
        assert_eq!(defaults.items.len(), 20);
        assert_eq!(defaults.result_info.and_then(|info| info.total_pages), Some(13));
    })
    .await;
}

#[tokio::test]
async fn order_and_direction() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        for name in ["b.example.com", "c.example.com", "a.example.com"] {
            client.spectrum_apps_create(ZONE_ID, &config(name)).await.unwrap();
        }
        let names = |query: ListApps| {
            let client = client.clone();
            async move {
                let page = client.spectrum_apps_list(ZONE_ID, &query).await.unwrap();
                page.items.into_iter().map(|app| app.dns.name.unwrap_or_default()).collect::<Vec<_>>()
            }
        };
        assert_eq!(names(ListApps::new()).await, ["b.example.com", "c.example.com", "a.example.com"]);
        let by_dns = ListApps::new().order(SpectrumAppsOrder::Dns).direction(SortDirection::Asc);
        assert_eq!(names(by_dns).await, ["a.example.com", "b.example.com", "c.example.com"]);
        let by_dns_desc = ListApps::new().order(SpectrumAppsOrder::Dns).direction(SortDirection::Desc);
        assert_eq!(names(by_dns_desc).await, ["c.example.com", "b.example.com", "a.example.com"]);
        let newest_first = ListApps::new().order(SpectrumAppsOrder::CreatedOn).direction(SortDirection::Desc);
        assert_eq!(names(newest_first).await, ["a.example.com", "c.example.com", "b.example.com"]);
    })
    .await;
}

#[tokio::test]
async fn validation_errors() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        let apps = format!("/zones/{ZONE_ID}/spectrum/apps");

        // Missing fields can only be sent raw: the typed configuration requires them.
        let (status, body) = raw(&fake, "POST", &apps, Some(r#"{"dns":{"name":"a.example.com"}}"#)).await;
        assert_eq!((status, error_code(&body)), (400, codes::MISSING_FIELD));
        assert_eq!(body["errors"][0]["source"]["pointer"], "/protocol");
        let (status, body) = raw(&fake, "POST", &apps, Some(r#"{"protocol":"tcp/22"}"#)).await;
        assert_eq!((status, error_code(&body)), (400, codes::MISSING_FIELD));
        assert_eq!(body["errors"][0]["source"]["pointer"], "/dns");
        let (status, body) = raw(&fake, "POST", &apps, Some("{not json")).await;
        assert_eq!((status, error_code(&body)), (400, codes::MALFORMED_BODY));
        let (status, body) = raw(
            &fake,
            "POST",
            &apps,
            Some(r#"{"dns":{"name":"a.example.com"},"protocol":"tcp/22","ip_firewall":"yes"}"#),
        )
        .await;
        assert_eq!((status, error_code(&body)), (400, codes::INVALID_FIELD));

        let mut empty_protocol = config("a.example.com");
        empty_protocol.protocol = String::new();
        let error = client.spectrum_apps_create(ZONE_ID, &empty_protocol).await.unwrap_err();
        assert_eq!(api(error), (400, vec![codes::MISSING_FIELD]));
        let mut bad_protocol = config("a.example.com");
        bad_protocol.protocol = "tcp/0".into();
        let error = client.spectrum_apps_create(ZONE_ID, &bad_protocol).await.unwrap_err();
        assert_eq!(api(error), (400, vec![codes::INVALID_FIELD]));

        let mut low_ttl: SpectrumAppConfig = serde_json::from_value(json!({
            "dns": { "type": "CNAME", "name": "origin.example.com" },
            "protocol": "tcp/22",
            "origin_dns": { "name": "origin.example.net", "ttl": 599 },
            "origin_port": 22,
        }))
        .unwrap();
        // The client refuses it before sending; the fake refuses it too.
        let error = client.spectrum_apps_create(ZONE_ID, &low_ttl).await.unwrap_err();
        assert!(error.is_invalid_input(), "{error:?}");
        let body = serde_json::to_string(&low_ttl).unwrap();
        let (status, answer) = raw(&fake, "POST", &format!("/zones/{ZONE_ID}/spectrum/apps"), Some(&body)).await;
        assert_eq!((status, error_code(&answer)), (400, codes::INVALID_ORIGIN_DNS));
        if let Some(dns) = low_ttl.origin_dns.as_mut() {
            dns.ttl = Some(600);
        }
        client.spectrum_apps_create(ZONE_ID, &low_ttl).await.expect("ttl 600 is accepted");

        for per_page in [0, 101] {
            let query = ListApps::new().per_page(per_page).page(1);
            assert!(
                client.spectrum_apps_list(ZONE_ID, &query).await.unwrap_err().is_invalid_input(),
                "per_page {per_page} is refused by the client before sending"
            );
        }
        // The fake refuses them too, for clients that send them anyway.
        for query in
            ["per_page=0", "page=1&per_page=0", "page=1&per_page=101", "page=0", "page=x", "order=size", "direction=up"]
        {
            let (status, body) = raw(&fake, "GET", &format!("{apps}?{query}"), None).await;
            assert_eq!((status, error_code(&body)), (400, codes::INVALID_QUERY), "{query}");
        }

        let error = client.spectrum_apps_get(ZONE_ID, "not-an-id").await.unwrap_err();
        assert_eq!(api(error), (400, vec![codes::INVALID_IDENTIFIER]));
        let error = client.spectrum_apps_list("zone", &ListApps::new()).await.unwrap_err();
        assert_eq!(api(error), (400, vec![codes::INVALID_IDENTIFIER]));

        let first = client.spectrum_apps_create(ZONE_ID, &config("dup.example.com")).await.unwrap();
        let error = client.spectrum_apps_create(ZONE_ID, &config("DUP.example.com")).await.unwrap_err();
        assert_eq!(api(error), (409, vec![codes::DUPLICATE_DNS_NAME]));
        let second = client.spectrum_apps_create(ZONE_ID, &config("other.example.com")).await.unwrap();
        let error =
            client.spectrum_apps_update(ZONE_ID, second.id.as_str(), &config("dup.example.com")).await.unwrap_err();
        assert_eq!(api(error), (409, vec![codes::DUPLICATE_DNS_NAME]));
        client
            .spectrum_apps_update(ZONE_ID, first.id.as_str(), &config("dup.example.com"))
            .await
            .expect("its own name");

        let (status, body) = raw(&fake, "GET", "/nowhere", None).await;
        assert_eq!((status, error_code(&body)), (404, codes::NO_ROUTE));
        let (status, body) = raw(&fake, "PATCH", &format!("{apps}/{}", first.id.as_str()), Some("{}")).await;
        assert_eq!((status, error_code(&body)), (405, codes::METHOD_NOT_ALLOWED));
    })
    .await;
}

#[tokio::test]
async fn credentials() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let with = |credentials: Credentials| {
            Client::builder().base_url(fake.base_url()).credentials(credentials).max_retries(0).build().unwrap()
        };
        let list = |client: Client| async move { client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await };

        let response = reqwest::get(format!("{}/zones/{ZONE_ID}/spectrum/apps", fake.base_url())).await.unwrap();
        assert_eq!(response.status().as_u16(), 403);
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), codes::AUTHENTICATION_ERROR);

        let error = list(with(Credentials::api_token("wrong-token"))).await.unwrap_err();
        assert!(error.is_auth());
        assert_eq!(api(error), (403, vec![codes::INVALID_TOKEN]));
        let error = list(with(Credentials::global_key(EMAIL, "wrong-key"))).await.unwrap_err();
        assert_eq!(api(error), (403, vec![codes::INVALID_KEY]));
        let error = list(with(Credentials::user_service_key("wrong"))).await.unwrap_err();
        assert_eq!(api(error), (403, vec![codes::INVALID_TOKEN]));

        list(with(fake.credentials())).await.expect("the token");
        list(with(Credentials::global_key(EMAIL, API_KEY))).await.expect("the email and key");
        list(with(Credentials::user_service_key(USER_SERVICE_KEY))).await.expect("the user service key");

        let custom = FakeCloudflare::builder().token("custom-token").start().await.unwrap();
        let error = custom.client_builder().credentials(Credentials::api_token("fake-token")).build().unwrap();
        assert!(list(error).await.unwrap_err().is_auth());
        list(custom.client().unwrap()).await.expect("the configured token");
    })
    .await;
}

#[tokio::test]
async fn protocols() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let protocols = client(&fake).spectrum_protocols_list(ZONE_ID).await.unwrap();
        let listed: Vec<(&str, Option<&str>, &[u16])> =
            protocols.iter().map(|p| (p.name.as_str(), p.transport.as_deref(), p.ports.as_slice())).collect();
        assert_eq!(
            listed,
            [
                ("tcp", Some("tcp"), &[][..]),
                ("udp", Some("udp"), &[][..]),
                ("ssh", Some("tcp"), &[22][..]),
                ("rdp", Some("tcp"), &[3389][..]),
                ("minecraft", Some("tcp"), &[25565][..]),
            ]
        );

        // On the wire every item carries its ports, an empty list included.
        let (status, body) = raw(&fake, "GET", &format!("/zones/{ZONE_ID}/spectrum/protocols"), None).await;
        assert_eq!(status, 200);
        let items = body["result"].as_array().expect("a list");
        assert_eq!(items.len(), 5);
        for item in items {
            assert!(item["ports"].is_array(), "{item}");
        }
        assert_eq!(items[2]["ports"], json!([22]));
    })
    .await;
}

#[tokio::test]
async fn hostile_input_gets_error_envelopes() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let zone = format!("/zones/{ZONE_ID}/spectrum");
        let app = format!("{zone}/apps/ea95132c15732412d22c1476fa83f27a");
        let magic = "/accounts/01a7362d577a6c3019a474fd6f485823/magic/apps";
        let cases: Vec<(&str, String, Option<&str>)> = vec![
            ("GET", format!("{zone}/apps?page=99999999999999999999999&per_page=100"), None),
            ("GET", format!("{zone}/apps?page=4294967295&per_page=100"), None),
            ("GET", format!("{zone}/apps?per_page=-1"), None),
            ("GET", format!("{zone}/apps/%ZZ"), None),
            ("GET", format!("{zone}/apps/%C3%A9%C3%A9%C3%A9"), None),
            ("GET", "/zones/..%2F..%2Fetc/spectrum/apps".to_owned(), None),
            ("POST", format!("{zone}/apps"), Some("")),
            ("POST", format!("{zone}/apps"), Some("[]")),
            ("POST", format!("{zone}/apps"), Some("null")),
            ("POST", format!("{zone}/apps"), Some(r#"{"dns":"x","protocol":"tcp/22"}"#)),
            ("POST", format!("{zone}/apps"), Some(r#"{"dns":{"name":5},"protocol":"tcp/22"}"#)),
            ("POST", format!("{zone}/apps"), Some(r#"{"dns":{"name":"a.b"},"protocol":"tcp/2-1"}"#)),
            ("POST", format!("{zone}/apps"), Some(r#"{"dns":{"name":"a.b"},"protocol":"tcp/22","origin_port":0}"#)),
            (
                "POST",
                format!("{zone}/apps"),
                Some(r#"{"dns":{"name":"a.b"},"protocol":"tcp/22","origin_dns":{"ttl":-5}}"#),
            ),
            (
                "POST",
                format!("{zone}/apps"),
                Some(r#"{"dns":{"name":"a.b"},"protocol":"tcp/22","origin_dns":{"ttl":1e99}}"#),
            ),
            ("PUT", app.clone(), Some("{\"dns\":")),
            ("GET", format!("{zone}/analytics/events/summary?since=yesterday"), None),
            (
                "GET",
                format!("{zone}/analytics/events/summary?since=0000-01-01T00:00:00Z&until=0000-01-01T06:00:00Z"),
                None,
            ),
            ("GET", format!("{zone}/analytics/events/summary?filters=%3D%3D%3D"), None),
            ("GET", format!("{zone}/analytics/events/summary?filters=%C3%A9%3E%3C"), None),
            ("GET", format!("{zone}/analytics/events/summary?sort=-"), None),
            ("GET", format!("{zone}/analytics/events/summary?limit=0"), None),
            ("GET", format!("{zone}/analytics/events/bytime"), None),
            ("GET", format!("{zone}/analytics/events/bytime?time_delta=year&since=0000-01-01T00:00:00Z"), None),
            ("GET", format!("{zone}/analytics/events/bytime?time_delta=minute&since=0000-01-01T00:00:00Z"), None),
            ("POST", magic.to_owned(), Some(r#"{"name":"a","type":"b","hostnames":"x"}"#)),
            ("PATCH", format!("{magic}/ea95132c15732412d22c1476fa83f27a"), Some(r#"{"name":""}"#)),
            ("DELETE", format!("{magic}/nope"), None),
        ];
        for (method, path, body) in cases {
            let (status, value) = raw(&fake, method, &path, body).await;
            assert!((200..500).contains(&status), "{method} {path}: {status} {value}");
            if status >= 400 {
                error_code(&value);
            }
        }
        let client = client(&fake);
        assert!(
            client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap().items.is_empty(),
            "nothing was stored"
        );
    })
    .await;
}

/// Like the API (its reference examples show them), the fake fills in the
/// settings of a full configuration that were not sent; a pay-as-you-go
/// one, or one whose record is an ADDRESS, gets no edge IPs made up.
#[tokio::test]
async fn the_server_fills_in_defaults_for_full_configurations() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        let full = client.spectrum_apps_create(ZONE_ID, &config("full.example.com")).await.unwrap();
        let stored = serde_json::to_value(&full).unwrap();
        assert_eq!(stored["tls"], "off");
        assert_eq!(stored["proxy_protocol"], "off");
        assert_eq!((stored["argo_smart_routing"].clone(), stored["ip_firewall"].clone()), (json!(false), json!(false)));
        assert_eq!(stored["edge_ips"], json!({ "type": "dynamic", "connectivity": "all" }));

        let paygo: SpectrumAppConfig = serde_json::from_value(json!({
            "dns": { "type": "CNAME", "name": "paygo.example.com" },
            "protocol": "tcp/25565",
            "origin_direct": ["tcp://192.0.2.1:25565"],
        }))
        .unwrap();
        let stored = serde_json::to_value(client.spectrum_apps_create(ZONE_ID, &paygo).await.unwrap()).unwrap();
        for field in ["tls", "proxy_protocol", "argo_smart_routing", "ip_firewall", "edge_ips", "traffic_type"] {
            assert!(stored.get(field).is_none(), "{field} made up for a pay-as-you-go app: {stored}");
        }

        let mut address = config("static.example.com");
        address.dns.type_ = Some(cloudflare_spectrum::types::SpectrumDnsType::Address);
        let stored = serde_json::to_value(client.spectrum_apps_create(ZONE_ID, &address).await.unwrap()).unwrap();
        assert!(stored.get("edge_ips").is_none(), "{stored}");
        assert_eq!(stored["tls"], "off");
    })
    .await;
}

/// Every change moves `modified_on`, however quickly the next one comes:
/// it is what apps as code guards stale plans with.
#[tokio::test]
async fn modified_on_moves_on_every_update() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        let app = client.spectrum_apps_create(ZONE_ID, &config("ssh.example.com")).await.unwrap();
        let mut last = app.modified_on;
        for _ in 0..20 {
            let updated = client.spectrum_apps_update(ZONE_ID, &app.id, &config("ssh.example.com")).await.unwrap();
            assert!(updated.modified_on > last, "{} after {}", updated.modified_on, last);
            assert_eq!(updated.created_on, app.created_on);
            last = updated.modified_on;
        }
    })
    .await;
}
