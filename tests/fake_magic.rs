//! The fake's Magic account apps, through the real client.

use std::future::Future;
use std::time::Duration;

use cloudflare_spectrum::fake::{ACCOUNT_ID, FakeCloudflare, codes};
use cloudflare_spectrum::types::{MagicApp, MagicAppCreate, MagicAppUpdate};
use serde_json::json;

async fn bounded<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("the test took longer than 60 s")
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
        assert!(
            client
                .magic_apps_patch(ACCOUNT_ID, &id, &patch)
                .await
                .unwrap_err()
                .is_not_found()
        );
        assert!(
            client
                .magic_apps_update(ACCOUNT_ID, &id, &put)
                .await
                .unwrap_err()
                .is_not_found()
        );
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
