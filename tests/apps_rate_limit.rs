//! `ClientBuilder::rate_limit`: one limiter shared by a client and all its
//! clones; the first `requests` go at once, the next waits its turn (never
//! a claim about speed: only that it has not gone yet).

mod apps_support;

use std::time::Duration;

use apps_support::{ZONE, bounded};
use cloudflare_spectrum::fake::{FakeCloudflare, Scripted};
use cloudflare_spectrum::{Error, ListApps, RetryPolicy};

#[tokio::test]
async fn three_requests_a_minute_go_at_once_across_clones_and_a_fourth_waits() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let client = fake.client_builder().max_retries(0).rate_limit(3, Duration::from_secs(60)).build().unwrap();
        let clone = client.clone();
        let everything = ListApps::new();
        let (first, second, third) = tokio::join!(
            client.spectrum_protocols_list(ZONE),
            clone.spectrum_protocols_list(ZONE),
            clone.spectrum_apps_list(ZONE, &everything),
        );
        assert_eq!(first.unwrap().len(), 5);
        assert_eq!(second.unwrap().len(), 5);
        assert!(third.unwrap().items.is_empty());
        assert_eq!(fake.requests().len(), 3);

        // The fourth, from either clone, waits for the limiter (the next
        // slot is 20 s away): after 500 ms it has neither completed nor
        // been sent.
        let fourth = tokio::spawn(async move { clone.spectrum_protocols_list(ZONE).await });
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!fourth.is_finished(), "the fourth request did not wait its turn");
        assert_eq!(fake.requests().len(), 3, "the fourth request was sent");
        fourth.abort();
        assert!(fourth.await.unwrap_err().is_cancelled());

        // A client of its own has a limiter of its own.
        let other = fake.client_builder().rate_limit(3, Duration::from_secs(60)).build().unwrap();
        assert_eq!(other.spectrum_protocols_list(ZONE).await.unwrap().len(), 5);
        assert_eq!(fake.requests().len(), 4);
    })
    .await;
}

#[tokio::test]
async fn a_retry_waits_its_turn_like_any_attempt() {
    bounded(async {
        let fake = FakeCloudflare::start().await.unwrap();
        let policy = RetryPolicy::new()
            .max_retries(3)
            .initial_backoff(Duration::from_millis(1))
            .max_backoff(Duration::from_millis(1));
        let client = fake.client_builder().retry_policy(policy).rate_limit(2, Duration::from_secs(60)).build().unwrap();
        // Two 503s: the first attempt and the first retry take the two
        // slots; the second retry waits for the limiter.
        fake.script([Scripted::status(503), Scripted::status(503)]);
        let call = tokio::spawn(async move { client.spectrum_protocols_list(ZONE).await });
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!call.is_finished(), "the second retry did not wait its turn");
        let statuses: Vec<_> = fake.requests().iter().map(|r| r.status).collect();
        assert_eq!(statuses, [Some(503), Some(503)]);
        call.abort();
    })
    .await;
}

#[test]
fn a_rate_limit_of_nothing_is_a_configuration_error() {
    for (requests, per) in [(0, Duration::from_secs(1)), (3, Duration::ZERO)] {
        let error = cloudflare_spectrum::Client::builder()
            .credentials(cloudflare_spectrum::Credentials::api_token("t"))
            .rate_limit(requests, per)
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{requests} per {per:?}: {error}");
    }
}
