//! Arbitrary ids, filters, sort keys, metrics, times, app ids and colo as
//! an analytics request: built exactly as the generated code builds it
//! (`encode_path` for the path, `QueryParam` through reqwest's query
//! serializer), the path has its five segments and every query value reads
//! back exactly as given.
#![no_main]

use std::sync::OnceLock;

use cloudflare_spectrum::types::{AnalyticsDimension, AnalyticsMetric, Identifier};
use cloudflare_spectrum_fuzz::{changes_the_path, percent_decode};
use libfuzzer_sys::fuzz_target;
use progenitor_client::{QueryParam, encode_path};

type Input = (
    String,
    String,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    i64,
    u32,
    Vec<String>,
    Option<String>,
);

fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(reqwest::Client::new)
}

fn build(path: &str, query: impl Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> reqwest::Url {
    let url = format!("https://api.cloudflare.com/client/v4{path}");
    let request = query(http().get(url))
        .build()
        .expect("a request with any query values builds");
    request.url().clone()
}

fn pairs(url: &reqwest::Url) -> Vec<(String, String)> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fuzz_target!(|input: Input| {
    let (zone, filters, sort, metrics, dimensions, secs, nanos, app_ids, colo) = input;
    if Identifier::try_from(zone.as_str()).is_ok() {
        assert!(!changes_the_path(&zone), "accepted {zone:?}");
    }
    let zone = Identifier::try_from(zone.as_str())
        .map(String::from)
        .unwrap_or_else(|_| "z".repeat(32));
    let zone_segment = encode_path(&zone);
    let since = chrono::DateTime::from_timestamp(secs, nanos);
    let metrics: Vec<AnalyticsMetric> = metrics.iter().map(|m| AnalyticsMetric::from(m.as_str())).collect();
    let dimensions: Vec<AnalyticsDimension> = dimensions
        .iter()
        .map(|d| AnalyticsDimension::from(d.as_str()))
        .collect();
    let (metrics, dimensions, sort) = (
        (!metrics.is_empty()).then_some(metrics),
        (!dimensions.is_empty()).then_some(dimensions),
        (!sort.is_empty()).then_some(sort),
    );
    let filters = Some(filters);

    // events/summary: dimensions, filters, metrics, since, sort, until.
    let url = build(
        &format!("/zones/{zone_segment}/spectrum/analytics/events/summary"),
        |r| {
            r.query(&QueryParam::new("dimensions", &dimensions))
                .query(&QueryParam::new("filters", &filters))
                .query(&QueryParam::new("metrics", &metrics))
                .query(&QueryParam::new("since", &since))
                .query(&QueryParam::new("sort", &sort))
                .query(&QueryParam::new("until", &since))
        },
    );
    let segments: Vec<&str> = url.path_segments().expect("a base").collect();
    assert_eq!(segments.len(), 8, "{}", url.path());
    assert_eq!(percent_decode(segments[3]), zone.as_bytes());
    let mut expected = Vec::new();
    for d in dimensions.iter().flatten() {
        expected.push(("dimensions".to_owned(), d.as_str().to_owned()));
    }
    expected.push(("filters".to_owned(), filters.clone().unwrap_or_default()));
    for m in metrics.iter().flatten() {
        expected.push(("metrics".to_owned(), m.as_str().to_owned()));
    }
    let time = since.map(|t| serde_json::to_value(t).unwrap().as_str().unwrap().to_owned());
    if let Some(time) = &time {
        expected.push(("since".to_owned(), time.clone()));
        // A time the API can read reads back as the same instant.
        if let Ok(read) = chrono::DateTime::parse_from_rfc3339(time) {
            assert_eq!(Some(read.to_utc()), since);
        }
    }
    for s in sort.iter().flatten() {
        expected.push(("sort".to_owned(), s.clone()));
    }
    if let Some(time) = &time {
        expected.push(("until".to_owned(), time.clone()));
    }
    assert_eq!(pairs(&url), expected, "query {:?}", url.query());
    assert!(url.fragment().is_none(), "{url}");

    // aggregate/current: appID (joined with commas, as the client does), colo_name.
    let app_id = (!app_ids.is_empty()).then(|| app_ids.join(","));
    let url = build(
        &format!("/zones/{zone_segment}/spectrum/analytics/aggregate/current"),
        |r| {
            r.query(&QueryParam::new("appID", &app_id))
                .query(&QueryParam::new("colo_name", &colo))
        },
    );
    let mut expected = Vec::new();
    if let Some(app_id) = &app_id {
        expected.push(("appID".to_owned(), app_id.clone()));
    }
    if let Some(colo) = &colo {
        expected.push(("colo_name".to_owned(), colo.clone()));
    }
    assert_eq!(pairs(&url), expected, "query {:?}", url.query());
    assert_eq!(url.path_segments().expect("a base").count(), 8, "{}", url.path());
});
