//! Rate limits a caller can act on: every error that came from a response
//! carries the delay the server asked for, its headers and its messages,
//! whatever the retry settings, and survives a hand-over across tasks.

mod support;

use std::time::{Duration, SystemTime};

use cloudflare_spectrum::Error;
use serde_json::json;
use support::{APP, Act, Faulty, ZONE, guarded, json as reply};

const GUARD: Duration = Duration::from_secs(20);

fn throttled(status: u16, headers: &[(&str, &str)]) -> Vec<Act> {
    vec![Act::Write(reply(
        status,
        headers,
        &json!({
            "success": false,
            "errors": [{ "code": 10429, "message": "Rate limited" }],
            "messages": [{ "code": 10001, "message": "slow down" }],
            "result": null
        }),
    ))]
}

#[tokio::test]
async fn with_retries_off_a_429_carries_the_delay_headers_and_messages() {
    let server =
        Faulty::always(throttled(429, &[("retry-after", "7"), ("ratelimit-remaining", "0"), ("cf-ray", "8f1e-SFO")]))
            .await;
    let err = guarded(GUARD, server.client(0).spectrum_apps_get(ZONE, APP)).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.requests().len(), 1);
    let headers = err.headers().expect("headers");
    assert_eq!(headers.get("ratelimit-remaining").unwrap(), "0");
    assert_eq!(err.cf_ray(), Some("8f1e-SFO"));
    assert_eq!(err.codes(), [10429]);
    assert_eq!(err.messages()[0].message, "slow down");
}

#[tokio::test]
async fn a_503_carries_retry_after_ms() {
    let server = Faulty::always(throttled(503, &[("retry-after-ms", "1500")])).await;
    let err = guarded(GUARD, server.client(0).spectrum_apps_get(ZONE, APP)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.retry_after(), Some(Duration::from_millis(1500)));
}

#[tokio::test]
async fn a_retry_after_date_is_a_delay_from_now() {
    let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
    let server = Faulty::always(throttled(429, &[("retry-after", &later)])).await;
    let err = guarded(GUARD, server.client(0).spectrum_apps_get(ZONE, APP)).await.unwrap_err();
    let delay = err.retry_after().unwrap();
    assert!(delay > Duration::from_secs(27) && delay <= Duration::from_secs(30), "{delay:?}");
}

#[tokio::test]
async fn an_edge_page_without_an_envelope_carries_the_delay_too() {
    let page = support::response(503, &[("retry-after", "3"), ("content-type", "text/html")], b"<html>busy</html>");
    let server = Faulty::always(vec![Act::Write(page)]).await;
    let err = guarded(GUARD, server.client(0).spectrum_apps_get(ZONE, APP)).await.unwrap_err();
    assert!(matches!(&err, Error::Http(e) if e.excerpt == "<html>busy</html>"), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
}

#[tokio::test]
async fn with_retries_on_the_last_error_carries_the_delay() {
    // Retried twice (the delay is within the cap), then reported.
    let server = Faulty::always(throttled(429, &[("retry-after", "0")])).await;
    let err = guarded(GUARD, server.client(2).spectrum_apps_get(ZONE, APP)).await.unwrap_err();
    assert_eq!((err.attempts(), server.requests().len()), (3, 3));
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    // A delay above the cap is not waited for: one attempt, and the delay.
    let server = Faulty::always(throttled(429, &[("retry-after", "120")])).await;
    let err = guarded(GUARD, server.client(2).spectrum_apps_get(ZONE, APP)).await.unwrap_err();
    assert_eq!((err.attempts(), server.requests().len()), (1, 1));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn errors_and_metadata_survive_a_spawned_call() {
    let server = Faulty::always(throttled(429, &[("retry-after", "9"), ("x-trace", "abc")])).await;
    let client = server.client(0);
    let handle = tokio::spawn(async move { client.spectrum_apps_get(ZONE, APP).await });
    let err = guarded(GUARD, handle).await.unwrap().unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(9)));
    assert_eq!(err.headers().unwrap().get("x-trace").unwrap(), "abc");

    let ok = Faulty::always(support::ok(support::app(APP))).await;
    let client = ok.client(0);
    let handle = tokio::spawn(async move { client.with_metadata().spectrum_apps_get(ZONE, APP).await });
    let got = guarded(GUARD, handle).await.unwrap().unwrap();
    assert_eq!((got.value.id.as_str(), got.meta.status.as_u16(), got.meta.attempts), (APP, 200, 1));
}
