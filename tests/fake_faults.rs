//! Fault injection, the request log, and stopping the fake.

use std::future::Future;
use std::time::Duration;

use cloudflare_spectrum::fake::{API_KEY, EMAIL, FakeCloudflare, REDACTED, Scripted, ZONE_ID, codes};
use cloudflare_spectrum::{Client, Credentials, Error, ListApps, RequestOptions};

async fn bounded<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), body).await.expect("the test took longer than 60 s")
}

const APP: &str = "ea95132c15732412d22c1476fa83f27a";

#[tokio::test]
async fn a_503_then_success_is_retried() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = fake.client().unwrap().with_options(RequestOptions::new().max_retries(1));
        fake.script([Scripted::status(503).header("retry-after", "0")]);
        assert_eq!(fake.scripted_remaining(), 1);

        let response = client.with_metadata().spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap();
        let (page, meta) = (response.value, response.meta);
        assert!(page.items.is_empty());
        assert_eq!(meta.attempts, 2);
        assert_eq!(meta.status.as_u16(), 200);
        assert!(meta.cf_ray().is_some_and(|ray| ray.ends_with("-FAKE")));
        assert_eq!(fake.scripted_remaining(), 0);

        let log = fake.requests();
        assert_eq!(log.len(), 2);
        assert_eq!((log[0].status, log[0].scripted), (Some(503), true));
        assert_eq!((log[1].status, log[1].scripted), (Some(200), false));
    })
    .await;
}

#[tokio::test]
async fn scripted_failures_reach_the_caller() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = fake.client_builder().max_retries(0).build().unwrap();
        fake.script([
            Scripted::raw(502, "<html>Bad gateway</html>").header("content-type", "text/html"),
            Scripted::error(429, 10429, "rate limited").header("retry-after", "7"),
            Scripted::json(200, serde_json::json!({ "success": true, "errors": [], "messages": [], "result": 5 })),
        ]);
        match client.spectrum_apps_get(ZONE_ID, APP).await.unwrap_err() {
            Error::Http(e) => {
                assert_eq!((e.meta.status.as_u16(), e.excerpt.as_str()), (502, "<html>Bad gateway</html>"))
            }
            other => panic!("expected Error::Http, got {other:?}"),
        }
        let limited = client.spectrum_apps_get(ZONE_ID, APP).await.unwrap_err();
        assert!(limited.is_rate_limited());
        assert_eq!(limited.codes(), [10429]);
        assert!(matches!(client.spectrum_apps_get(ZONE_ID, APP).await.unwrap_err(), Error::Decode(_)));
        let after = client.spectrum_apps_get(ZONE_ID, APP).await.unwrap_err();
        assert_eq!(after.codes(), [codes::NOT_FOUND], "normal handling once the script is used up");
    })
    .await;
}

#[tokio::test]
async fn a_delay_exercises_timeouts() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = fake.client_builder().max_retries(0).timeout(Duration::from_millis(200)).build().unwrap();
        fake.script([Scripted::delayed(Duration::from_secs(2))]);
        let error = client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap_err();
        assert!(error.is_timeout(), "{error:?}");

        fake.script([Scripted::delayed(Duration::from_millis(50)).header("x-fake", "yes")]);
        let response = client.with_metadata().spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap();
        let (_, meta) = (response.value, response.meta);
        assert_eq!(meta.header("x-fake"), Some("yes"), "a delayed request is handled normally");

        fake.script([Scripted::status(500).delay(Duration::from_millis(20))]);
        let error = client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap_err();
        assert_eq!(error.codes(), [codes::SCRIPTED]);
    })
    .await;
}

#[tokio::test]
async fn the_log_redacts_credentials() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        fake.client().unwrap().spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap();
        let keyed = Client::builder()
            .base_url(fake.base_url())
            .credentials(Credentials::global_key(EMAIL, API_KEY))
            .header("x-team", "edge")
            .build()
            .unwrap();
        keyed.spectrum_protocols_list(ZONE_ID).await.unwrap();

        let log = fake.requests();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].method, "GET");
        assert_eq!(log[0].path, format!("/client/v4/zones/{ZONE_ID}/spectrum/apps"));
        assert_eq!(log[0].header("authorization"), Some("Bearer [REDACTED]"));
        assert_eq!(log[1].header("x-auth-key"), Some(REDACTED));
        assert_eq!(log[1].header("x-auth-email"), Some(REDACTED));
        assert_eq!(log[1].header("x-team"), Some("edge"));
        let everything = format!("{log:?}");
        assert!(!everything.contains(fake.token()) && !everything.contains(API_KEY), "{everything}");

        fake.clear_requests();
        assert!(fake.requests().is_empty());
    })
    .await;
}

#[tokio::test]
async fn stop_and_drop_close_the_port() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = fake.client_builder().max_retries(0).timeout(Duration::from_secs(5)).build().unwrap();
        client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap();
        fake.stop().await;
        let error = client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. }), "{error:?}");

        let fake = FakeCloudflare::start().await.unwrap();
        let client = fake.client_builder().max_retries(0).timeout(Duration::from_secs(5)).build().unwrap();
        drop(fake);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let error = client.spectrum_apps_list(ZONE_ID, &ListApps::new()).await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    })
    .await;
}
