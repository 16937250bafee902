//! The fake's Magic account apps, through the real client.

use std::future::Future;
use std::time::Duration;

use cloudflare_spectrum::fake::{ACCOUNT_ID, FakeCloudflare, codes};
use cloudflare_spectrum::types::{MagicApp, MagicAppCreate, MagicAppUpdate};
use cloudflare_spectrum::{Client, Error};
use serde_json::{Value, json};

async fn bounded<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), body).await.expect("the test took longer than 60 s")
}

fn update(value: serde_json::Value) -> MagicAppUpdate {
    serde_json::from_value(value).expect("a valid update")
}

#[tokio::test]
async fn magic_apps_crud() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = fake.client_builder().max_retries(0).build().unwrap();
        assert!(client.magic_apps_list(ACCOUNT_ID).await.unwrap().is_empty());

        let new: MagicAppCreate = serde_json::from_value(json!({
            "name": "Cloudflare Dashboard",
            "type": "Development",
            "hostnames": ["auth.cloudflare.com"],
            "ip_subnets": ["192.0.2.0/24"],
        }))
        .unwrap();
        let created = client.magic_apps_create(ACCOUNT_ID, &new).await.unwrap();
        let id = created.account_app_id.clone();
        assert_eq!(id.len(), 32);
        assert_eq!(created.name.as_deref(), Some("Cloudflare Dashboard"));
        assert_eq!(created.type_.as_deref(), Some("Development"));
        assert_eq!(created.hostnames, ["auth.cloudflare.com"]);

        let listed = client.magic_apps_list(ACCOUNT_ID).await.unwrap();
        assert_eq!(listed, vec![MagicApp::AccountApp(created.clone())]);

        // PUT: the lists become those sent; name and type are kept when absent.
        let put = update(json!({ "type": "Productivity", "source_subnets": ["198.51.100.0/24"] }));
        let replaced = client.magic_apps_update(ACCOUNT_ID, &id, &put).await.unwrap();
        assert_eq!(replaced.name.as_deref(), Some("Cloudflare Dashboard"));
        assert_eq!(replaced.type_.as_deref(), Some("Productivity"));
        assert!(replaced.hostnames.is_empty() && replaced.ip_subnets.is_empty());
        assert_eq!(replaced.source_subnets, ["198.51.100.0/24"]);

        // PATCH: only the fields sent change.
        let patch = update(json!({ "name": "Dashboard", "hostnames": ["dash.cloudflare.com"] }));
        let patched = client.magic_apps_patch(ACCOUNT_ID, &id, &patch).await.unwrap();
        assert_eq!(patched.name.as_deref(), Some("Dashboard"));
        assert_eq!(patched.type_.as_deref(), Some("Productivity"));
        assert_eq!(patched.hostnames, ["dash.cloudflare.com"]);
        assert_eq!(patched.source_subnets, ["198.51.100.0/24"]);
        assert_eq!(fake.magic_apps(ACCOUNT_ID), vec![patched.clone()]);

        let deleted = client.magic_apps_delete(ACCOUNT_ID, &id).await.unwrap();
        assert_eq!(deleted, patched, "DELETE answers the deleted app");
        assert!(client.magic_apps_list(ACCOUNT_ID).await.unwrap().is_empty());
        let missing = client.magic_apps_delete(ACCOUNT_ID, &id).await.unwrap_err();
        assert!(missing.is_not_found());
        assert_eq!(missing.codes(), [codes::NOT_FOUND]);
        assert!(client.magic_apps_patch(ACCOUNT_ID, &id, &patch).await.unwrap_err().is_not_found());
        assert!(client.magic_apps_update(ACCOUNT_ID, &id, &put).await.unwrap_err().is_not_found());
    })
    .await;
}

#[tokio::test]
async fn magic_validation() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = fake.client_builder().max_retries(0).build().unwrap();
        let blank: MagicAppCreate = serde_json::from_value(json!({ "name": "App", "type": " " })).unwrap();
        let error = client.magic_apps_create(ACCOUNT_ID, &blank).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
        assert_eq!(error.codes(), [codes::MISSING_FIELD]);

        let response = reqwest::Client::new()
            .post(format!("{}/accounts/{ACCOUNT_ID}/magic/apps", fake.base_url()))
            .bearer_auth(fake.token())
            .json(&json!({ "name": "No type" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], codes::MISSING_FIELD);
        assert_eq!(body["errors"][0]["source"]["pointer"], "/type");

        let error = client.magic_apps_list("account").await.unwrap_err();
        assert_eq!(error.codes(), [codes::INVALID_IDENTIFIER]);
    })
    .await;
}

/// A client that never retries.
fn client(fake: &FakeCloudflare) -> Client {
    fake.client_builder().max_retries(0).build().unwrap()
}

/// A valid new app.
fn new_app() -> MagicAppCreate {
    MagicAppCreate { hostnames: vec!["auth.example.com".into()], ..MagicAppCreate::new("Dashboard", "Development") }
}

/// A raw request with the accepted token and a JSON body: status and body.
async fn raw(fake: &FakeCloudflare, method: &str, path: &str, body: Value) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let response = reqwest::Client::new()
        .request(method, format!("{}{path}", fake.base_url()))
        .header("authorization", "Bearer fake-token")
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// A 400 with this one code and pointer, from the client.
fn assert_refused(error: &Error, code: u64, pointer: &str) {
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error:?}");
    assert_eq!(error.codes(), [code], "{error:?}");
    let pointer_sent = error.errors()[0].source.as_ref().and_then(|s| s.pointer.as_deref());
    assert_eq!(pointer_sent, Some(pointer), "{error:?}");
}

/// A 400 Cloudflare envelope with this one code and pointer, raw.
fn assert_refused_raw((status, body): &(u16, Value), code: u64, pointer: &str) {
    assert_eq!(*status, 400, "{body}");
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["messages"], json!([]), "{body}");
    assert_eq!(body["result"], Value::Null, "{body}");
    assert_eq!(body["errors"][0]["code"], code, "{body}");
    assert_eq!(body["errors"][0]["source"]["pointer"], pointer, "{body}");
}

#[tokio::test]
async fn magic_create_answers_201_and_the_client_returns_ok() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        let response =
            client.with_metadata().magic_apps_create(ACCOUNT_ID, &new_app()).await.expect("a 201 is a success");
        assert_eq!(response.meta.status.as_u16(), 201);
        assert_eq!(response.value.name.as_deref(), Some("Dashboard"));
        assert_eq!(fake.magic_apps(ACCOUNT_ID), vec![response.value.clone()]);

        let body = json!({ "name": "Raw", "type": "Development", "ip_subnets": ["192.0.2.0/24"] });
        let (status, body) = raw(&fake, "POST", &format!("/accounts/{ACCOUNT_ID}/magic/apps"), body).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["success"], true);
        assert_eq!(body["result"]["ip_subnets"], json!(["192.0.2.0/24"]));
        assert_eq!(fake.requests().last().and_then(|r| r.status), Some(201));
    })
    .await;
}

#[tokio::test]
async fn magic_create_needs_hostnames_or_ip_subnets() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        let neither = MagicAppCreate::new("Dashboard", "Development");
        let error = client.magic_apps_create(ACCOUNT_ID, &neither).await.unwrap_err();
        assert_refused(&error, codes::MISSING_FIELD, "");
        let only_sources = MagicAppCreate {
            source_subnets: vec!["192.0.2.0/24".into()],
            ..MagicAppCreate::new("Dashboard", "Development")
        };
        let error = client.magic_apps_create(ACCOUNT_ID, &only_sources).await.unwrap_err();
        assert_refused(&error, codes::MISSING_FIELD, "");
        let empty_lists = json!({ "name": "Dashboard", "type": "Development", "hostnames": [], "ip_subnets": [] });
        let answer = raw(&fake, "POST", &format!("/accounts/{ACCOUNT_ID}/magic/apps"), empty_lists).await;
        assert_refused_raw(&answer, codes::MISSING_FIELD, "");
        assert!(client.magic_apps_list(ACCOUNT_ID).await.unwrap().is_empty(), "nothing stored");

        // Either one is enough.
        client.magic_apps_create(ACCOUNT_ID, &new_app()).await.expect("hostnames only");
        let subnets_only =
            MagicAppCreate { ip_subnets: vec!["192.0.2.0/24".into()], ..MagicAppCreate::new("Subnets", "Development") };
        client.magic_apps_create(ACCOUNT_ID, &subnets_only).await.expect("ip_subnets only");
        assert_eq!(client.magic_apps_list(ACCOUNT_ID).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn magic_updates_need_a_field() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        let app = client.magic_apps_create(ACCOUNT_ID, &new_app()).await.unwrap();
        let id = app.account_app_id.clone();
        let path = format!("/accounts/{ACCOUNT_ID}/magic/apps/{id}");

        let nothing = MagicAppUpdate::default();
        let error = client.magic_apps_update(ACCOUNT_ID, &id, &nothing).await.unwrap_err();
        assert_refused(&error, codes::MISSING_FIELD, "");
        let error = client.magic_apps_patch(ACCOUNT_ID, &id, &nothing).await.unwrap_err();
        assert_refused(&error, codes::MISSING_FIELD, "");
        for method in ["PUT", "PATCH"] {
            let answer = raw(&fake, method, &path, json!({ "type": null })).await;
            assert_refused_raw(&answer, codes::MISSING_FIELD, "");
        }
        assert_eq!(fake.magic_apps(ACCOUNT_ID), vec![app.clone()], "unchanged");

        // One field is enough, a field the document does not list too.
        let rename = update(json!({ "name": "Renamed" }));
        let renamed = client.magic_apps_patch(ACCOUNT_ID, &id, &rename).await.unwrap();
        assert_eq!(renamed.name.as_deref(), Some("Renamed"));
        assert_eq!(renamed.hostnames, app.hostnames);
        let future = update(json!({ "future_setting": 1 }));
        let patched = client.magic_apps_patch(ACCOUNT_ID, &id, &future).await.unwrap();
        assert_eq!(patched.extra["future_setting"], 1);
        let retype = update(json!({ "type": "Productivity", "hostnames": ["auth.example.com"] }));
        let replaced = client.magic_apps_update(ACCOUNT_ID, &id, &retype).await.unwrap();
        assert_eq!(replaced.type_.as_deref(), Some("Productivity"));
    })
    .await;
}

#[tokio::test]
async fn magic_name_null_is_refused() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        let apps = format!("/accounts/{ACCOUNT_ID}/magic/apps");
        let body = json!({ "name": null, "type": "Development", "hostnames": ["auth.example.com"] });
        let answer = raw(&fake, "POST", &apps, body).await;
        assert_refused_raw(&answer, codes::MISSING_FIELD, "/name");
        assert!(fake.magic_apps(ACCOUNT_ID).is_empty(), "nothing stored");

        let app = client.magic_apps_create(ACCOUNT_ID, &new_app()).await.unwrap();
        let path = format!("{apps}/{}", app.account_app_id);
        for method in ["PUT", "PATCH"] {
            let answer = raw(&fake, method, &path, json!({ "name": null })).await;
            assert_refused_raw(&answer, codes::INVALID_FIELD, "/name");
            let answer = raw(&fake, method, &path, json!({ "name": null, "type": "Other" })).await;
            assert_refused_raw(&answer, codes::INVALID_FIELD, "/name");
        }
        assert_eq!(client.magic_apps_list(ACCOUNT_ID).await.unwrap(), vec![MagicApp::AccountApp(app)]);

        let (status, body) = raw(&fake, "PATCH", &path, json!({ "name": "Named" })).await;
        assert_eq!((status, &body["result"]["name"]), (200, &json!("Named")), "{body}");
    })
    .await;
}

#[tokio::test]
async fn magic_subnets_must_be_ipv4_cidrs() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = client(&fake);
        let cases = [
            (vec!["2001:db8::/32"], vec![], "/ip_subnets/0"),
            (vec!["192.0.2.0/24", "192.0.2.0/33"], vec![], "/ip_subnets/1"),
            (vec!["192.0.2.0"], vec![], "/ip_subnets/0"),
            (vec!["192.0.2.0/24"], vec!["2001:db8::/48"], "/source_subnets/0"),
            (vec!["192.0.2.0/24"], vec!["example.com"], "/source_subnets/0"),
        ];
        for (ip_subnets, source_subnets, pointer) in &cases {
            let new = MagicAppCreate {
                ip_subnets: ip_subnets.iter().map(|s| s.to_string()).collect(),
                source_subnets: source_subnets.iter().map(|s| s.to_string()).collect(),
                ..MagicAppCreate::new("Subnets", "Development")
            };
            let error = client.magic_apps_create(ACCOUNT_ID, &new).await.unwrap_err();
            assert_refused(&error, codes::INVALID_FIELD, pointer);
        }
        assert!(client.magic_apps_list(ACCOUNT_ID).await.unwrap().is_empty(), "nothing stored");

        let app = client.magic_apps_create(ACCOUNT_ID, &new_app()).await.unwrap();
        let id = app.account_app_id.clone();
        let ipv6 = update(json!({ "ip_subnets": ["2001:db8::/32"] }));
        let error = client.magic_apps_patch(ACCOUNT_ID, &id, &ipv6).await.unwrap_err();
        assert_refused(&error, codes::INVALID_FIELD, "/ip_subnets/0");
        let ipv6 = update(json!({ "hostnames": ["a.example.com"], "source_subnets": ["::/0"] }));
        let error = client.magic_apps_update(ACCOUNT_ID, &id, &ipv6).await.unwrap_err();
        assert_refused(&error, codes::INVALID_FIELD, "/source_subnets/0");
        assert_eq!(fake.magic_apps(ACCOUNT_ID), vec![app], "unchanged");

        // IPv4 CIDRs of any prefix length, host bits set or not.
        let subnets = ["192.0.2.0/24", "0.0.0.0/0", "198.51.100.7/32", "10.1.2.3/8"];
        let valid = MagicAppCreate {
            ip_subnets: subnets.iter().map(|s| s.to_string()).collect(),
            source_subnets: subnets.iter().map(|s| s.to_string()).collect(),
            ..MagicAppCreate::new("Subnets", "Development")
        };
        let created = client.magic_apps_create(ACCOUNT_ID, &valid).await.unwrap();
        assert_eq!(created.ip_subnets, subnets);
        let change = update(json!({ "source_subnets": ["203.0.113.0/24"] }));
        let patched = client.magic_apps_patch(ACCOUNT_ID, &created.account_app_id, &change).await.unwrap();
        assert_eq!(patched.source_subnets, ["203.0.113.0/24"]);
    })
    .await;
}
