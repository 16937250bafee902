//! Retry policy through the real transport: what is retried, how often, how
//! long it waits, and that writes are not duplicated.

mod support;

use std::time::{Duration, Instant, SystemTime};

use cloudflare_spectrum::types::{SpectrumAppConfig, SpectrumDns};
use cloudflare_spectrum::{Error, RequestOptions, RetryPolicy};
use support::{APP, Act, Faulty, ZONE, app, fail, ok, reset_mid_body};

fn config() -> SpectrumAppConfig {
    let dns = SpectrumDns { name: Some("ssh.example.com".into()), ..Default::default() };
    SpectrumAppConfig::new(dns, "tcp/22")
}

#[tokio::test]
async fn each_retryable_status_is_retried_until_success() {
    for status in [408u16, 409, 429, 500, 502, 503, 504] {
        let server = Faulty::script(vec![fail(status, &[], 10001), fail(status, &[], 10001), ok(app(APP))]).await;
        let response = server.client(2).with_metadata().spectrum_apps_get(ZONE, APP).await.unwrap();
        let (app, meta) = (response.value, response.meta);
        assert_eq!(app.id.as_str(), APP, "status {status}");
        assert_eq!(meta.attempts, 3, "status {status}");
        assert_eq!(server.requests().len(), 3, "status {status}");
    }
}

#[tokio::test]
async fn retries_stop_at_max_and_the_error_counts_attempts() {
    let server = Faulty::script(vec![fail(502, &[], 1), fail(502, &[], 2), fail(502, &[], 3), ok(app(APP))]).await;
    let err = server.client(2).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.codes(), vec![3]);
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400u16, 401, 403, 404, 422] {
        let server = Faulty::script(vec![fail(status, &[], 7003), ok(app(APP))]).await;
        let err = server.client(3).spectrum_apps_get(ZONE, APP).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.requests().len(), 1, "status {status} was retried");
        assert_eq!(err.attempts(), 1);
    }
}

#[tokio::test]
async fn success_false_on_200_is_not_retried() {
    let body = serde_json::json!({"success": false, "errors": [{"code": 1234, "message": "no"}], "messages": [], "result": null});
    let server = Faulty::script(vec![vec![Act::Write(support::json(200, &[], &body))], ok(app(APP))]).await;
    let err = server.client(3).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert!(matches!(err, Error::Api(ref e) if e.meta.status == 200 && e.meta.attempts == 1), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn decode_errors_are_not_retried() {
    let server = Faulty::script(vec![
        vec![Act::Write(support::json(200, &[], &serde_json::json!({"unexpected": true})))],
        ok(app(APP)),
    ])
    .await;
    let err = server.client(3).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn x_should_retry_overrides_the_status() {
    let server = Faulty::script(vec![fail(503, &[("x-should-retry", "false")], 1), ok(app(APP))]).await;
    server.client(3).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);

    let server = Faulty::script(vec![fail(400, &[("x-should-retry", "true")], 1), ok(app(APP))]).await;
    server.client(3).spectrum_apps_get(ZONE, APP).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = Faulty::script(vec![fail(429, &[("retry-after-ms", "150")], 1), ok(app(APP))]).await;
    let started = Instant::now();
    server.client(1).spectrum_apps_get(ZONE, APP).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150), "waited only {:?}", started.elapsed());
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = Faulty::script(vec![fail(503, &[("retry-after", "1")], 1), ok(app(APP))]).await;
    let started = Instant::now();
    patient(&server).spectrum_apps_get(ZONE, APP).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited only {:?}", started.elapsed());
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    // HTTP dates have whole seconds: a date 2 s ahead is 1 to 2 s away.
    let date = httpdate_in(Duration::from_secs(2));
    let server = Faulty::script(vec![fail(429, &[("retry-after", &date)], 1), ok(app(APP))]).await;
    let started = Instant::now();
    patient(&server).spectrum_apps_get(ZONE, APP).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900), "waited only {:?}", started.elapsed());
}

/// One fast retry, honouring server delays up to the default 60 s cap.
fn patient(server: &Faulty) -> cloudflare_spectrum::Client {
    let policy = support::fast_retries(1).max_retry_after(RetryPolicy::default().max_retry_after);
    server.builder(1).retry_policy(policy).build().unwrap()
}

fn httpdate_in(delay: Duration) -> String {
    // Format by hand to avoid another dev-dependency: IMF-fixdate via chrono.
    let when: chrono::DateTime<chrono::Utc> = (SystemTime::now() + delay).into();
    when.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[tokio::test]
async fn retry_after_beyond_the_cap_gives_up_with_the_delay() {
    let server = Faulty::script(vec![fail(429, &[("retry-after", "120")], 10013), ok(app(APP))]).await;
    let started = Instant::now();
    let err = server.client(2).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(server.requests().len(), 1);
    match err {
        Error::Api(e) => {
            assert_eq!(e.meta.retry_after, Some(Duration::from_secs(120)));
            assert_eq!(e.meta.status, 429);
            assert_eq!(e.meta.attempts, 1);
        }
        other => panic!("expected Api, got {other:?}"),
    }
}

#[tokio::test]
async fn a_429_storm_stops_after_max_retries() {
    let storm = (0..10).map(|_| fail(429, &[("retry-after-ms", "1")], 10013)).collect();
    let server = Faulty::script(storm).await;
    let err = server.client(3).spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.attempts(), 4);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn post_is_not_retried_on_5xx_or_after_a_reset_mid_response() {
    let server = Faulty::script(vec![fail(502, &[], 1), ok(app(APP))]).await;
    let err = server.client(3).spectrum_apps_create(ZONE, &config()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(server.requests().len(), 1);

    let server = Faulty::script(vec![reset_mid_body(), ok(app(APP))]).await;
    let err = server.client(3).spectrum_apps_create(ZONE, &config()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 1, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn post_is_retried_on_429_or_503_with_retry_after() {
    for status in [429u16, 503] {
        let server = Faulty::script(vec![fail(status, &[("retry-after", "0")], 1), ok(app(APP))]).await;
        let created = server.client(2).spectrum_apps_create(ZONE, &config()).await.unwrap();
        assert_eq!(created.id.as_str(), APP);
        assert_eq!(server.requests().len(), 2);
    }
    // Without Retry-After, a 429 on a POST is not retried.
    let server = Faulty::script(vec![fail(429, &[], 1), ok(app(APP))]).await;
    server.client(2).spectrum_apps_create(ZONE, &config()).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn post_is_retried_when_the_connection_is_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = cloudflare_spectrum::Client::builder()
        .base_url(url)
        .credentials(cloudflare_spectrum::Credentials::api_token("t"))
        .retry_policy(support::fast_retries(2))
        .build()
        .unwrap();
    let err = client.spectrum_apps_create(ZONE, &config()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 3, .. }), "{err:?}");
}

#[tokio::test]
async fn get_is_retried_after_a_reset_mid_response() {
    let server = Faulty::script(vec![reset_mid_body(), ok(app(APP))]).await;
    let app = server.client(1).spectrum_apps_get(ZONE, APP).await.unwrap();
    assert_eq!(app.id.as_str(), APP);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_timeout_fires_and_can_be_overridden_per_call() {
    let slow =
        vec![Act::Sleep(Duration::from_secs(3)), Act::Write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_vec())];
    let server = Faulty::script(vec![slow]).await;
    let client = server.client(0).with_options(RequestOptions::new().timeout(Duration::from_millis(200)));
    let started = Instant::now();
    let err = client.spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn per_call_retries_override_the_client() {
    let server = Faulty::script(vec![fail(503, &[], 1), fail(503, &[], 1), ok(app(APP))]).await;
    let err = server.client(5).with_options(RequestOptions::new().max_retries(0)).spectrum_apps_get(ZONE, APP).await;
    assert_eq!(err.unwrap_err().attempts(), 1);
    assert_eq!(server.requests().len(), 1);
}
