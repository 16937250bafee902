//! The fake's router is built from `cloudflare_spectrum::OPERATIONS`: every
//! operation of the document is routed, and one without a handler is a
//! 404 naming it as not implemented in the fake.

use std::future::Future;
use std::time::Duration;

use cloudflare_spectrum::fake::{ACCOUNT_ID, FakeCloudflare, ZONE_ID, codes};
use cloudflare_spectrum::types::SpectrumAppConfig;
use cloudflare_spectrum::{ListApps, OPERATIONS};
use serde_json::{Value, json};

/// Runs a test body with a time limit.
async fn bounded<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), body).await.expect("the test took longer than 60 s")
}

/// An application id for paths (any 32 hexadecimal digits).
const APP_ID: &str = "ea95132c15732412d22c1476fa83f27a";

/// The operation's path with identifiers in its parameters.
fn path_of(template: &str) -> String {
    template
        .replace("{zone_id}", ZONE_ID)
        .replace("{account_id}", ACCOUNT_ID)
        .replace("{app_id}", APP_ID)
        .replace("{account_app_id}", APP_ID)
}

/// A raw request with the accepted token: status and JSON body.
async fn raw(fake: &FakeCloudflare, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", fake.base_url()))
        .header("authorization", "Bearer fake-token");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn every_operation_of_the_document_is_routed_to_a_handler() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        assert!(!OPERATIONS.is_empty());
        for operation in OPERATIONS {
            let body = matches!(operation.method, "POST" | "PUT" | "PATCH").then(|| json!({}));
            let (status, body) = raw(&fake, operation.method, &path_of(operation.path), body).await;
            let code = body["errors"][0]["code"].as_u64();
            let id = operation.operation_id;
            assert_ne!(status, 405, "{id}: {body}");
            assert_ne!(code, Some(codes::NO_ROUTE), "{id}: {body}");
            assert_ne!(code, Some(codes::NOT_IMPLEMENTED), "{id}: {body}");
            assert!(status < 500, "{id}: {body}");
        }
    })
    .await;
}

#[tokio::test]
async fn an_operation_without_a_handler_is_not_implemented() {
    bounded(async {
        let fake = FakeCloudflare::builder()
            .disable_operation("spectrum_apps_delete")
            .start()
            .await
            .unwrap();
        let client = fake.client_builder().max_retries(0).build().unwrap();
        let config: SpectrumAppConfig = serde_json::from_value(json!({
            "dns": { "type": "CNAME", "name": "ssh.example.com" },
            "protocol": "tcp/22",
            "origin_direct": ["tcp://192.0.2.1:22"],
        }))
        .unwrap();
        let app = client.spectrum_apps_create(ZONE_ID, &config).await.unwrap();

        let error = client.spectrum_apps_delete(ZONE_ID, app.id.as_str()).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error:?}");
        assert_eq!(error.codes(), [codes::NOT_IMPLEMENTED]);
        let message = &error.errors()[0].message;
        assert!(message.contains("spectrum_apps_delete"), "{message}");
        assert!(message.contains("not implemented in the fake"), "{message}");

        let (status, body) = raw(&fake, "DELETE", &path_of("/zones/{zone_id}/spectrum/apps/{app_id}"), None).await;
        assert_eq!(status, 404);
        assert_eq!(
            body,
            json!({
                "success": false,
                "errors": [{
                    "code": codes::NOT_IMPLEMENTED,
                    "message": "The operation spectrum_apps_delete (DELETE /zones/{zone_id}/spectrum/apps/{app_id}) is not implemented in the fake",
                }],
                "messages": [],
                "result": null,
            })
        );

        // The other operations of the same path still work, and nothing was deleted.
        let fetched = client.spectrum_apps_get(ZONE_ID, app.id.as_str()).await.unwrap();
        assert_eq!(fetched, app);
        let listed = client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap();
        assert_eq!(listed.items, [app]);
    })
    .await;
}

#[tokio::test]
async fn paths_and_methods_outside_the_document() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let (status, body) = raw(&fake, "GET", "/zones/nowhere", None).await;
        assert_eq!((status, body["errors"][0]["code"].as_u64()), (404, Some(codes::NO_ROUTE)));
        let (status, body) = raw(&fake, "PATCH", &path_of("/zones/{zone_id}/spectrum/apps/{app_id}"), None).await;
        assert_eq!((status, body["errors"][0]["code"].as_u64()), (405, Some(codes::METHOD_NOT_ALLOWED)));
    })
    .await;
}
