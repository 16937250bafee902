//! Arbitrary ids, query values (filters, sort keys, metric and dimension
//! names, times, time deltas, app ids, colo, page numbers and sizes, order
//! and direction) through the query builders and a real client whose
//! requests go nowhere (`dry`): the URL the client builds keeps the base
//! path and the operation's segments, every query value decodes back
//! exactly as given (repeated keys for lists, app ids comma-joined, RFC 3339
//! times, lexicographic order of keys), and a value the document forbids
//! (an id that is not one, an app id holding a comma, a page below 1, a page
//! size outside 1 to 100) is refused, naming its field, with nothing sent.
#![no_main]

use chrono::{DateTime, Datelike, Utc};
use cloudflare_spectrum::types::{
    AnalyticsDimension, AnalyticsMetric, AnalyticsTimeDelta, Identifier, SortDirection, SpectrumAppsOrder,
};
use cloudflare_spectrum::{CurrentQuery, EventsQuery, ListApps};
use cloudflare_spectrum_fuzz::dry::{BASE_SEGMENTS, dry, invalid_field, sent_url};
use cloudflare_spectrum_fuzz::{changes_the_path, percent_decode};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    operation: u8,
    zone: String,
    app: String,
    filters: Option<String>,
    sort: Vec<String>,
    metrics: Vec<String>,
    dimensions: Vec<String>,
    since: Option<(i64, u32)>,
    until: Option<(i64, u32)>,
    time_delta: String,
    app_ids: Vec<String>,
    colo: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
    order: Option<u8>,
    direction: Option<u8>,
}

const VALID: &str = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";

type Pairs = Vec<(String, String)>;

/// An expected query pair: the key, and the value or the time it stands for.
type Want = (String, Option<String>, Option<DateTime<Utc>>);

fn pairs(url: &reqwest::Url) -> Pairs {
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn push(expected: &mut Pairs, key: &str, value: &str) {
    expected.push((key.to_owned(), value.to_owned()));
}

/// The path after the base, percent-decoded segment by segment.
fn path(url: &reqwest::Url) -> Vec<Vec<u8>> {
    let segments: Vec<&str> = url.path_segments().expect("a base").collect();
    assert_eq!(&segments[..2], BASE_SEGMENTS, "{url}");
    assert!(url.fragment().is_none(), "{url}");
    segments[2..].iter().map(|s| percent_decode(s)).collect()
}

fn segments(parts: &[&str]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.as_bytes().to_vec()).collect()
}

/// A time as sent: the same instant, in RFC 3339, whenever RFC 3339 can
/// write its year.
fn check_time(sent: &str, time: DateTime<Utc>) {
    if (0..=9999).contains(&time.year()) {
        let read = DateTime::parse_from_rfc3339(sent).unwrap_or_else(|e| panic!("{sent:?} for {time:?}: {e}"));
        assert_eq!(read.to_utc(), time, "{sent:?}");
    }
}

/// Compares the query with the expected pairs, where a time stands in as
/// `None` and is checked by [`check_time`].
fn check_query(url: &reqwest::Url, expected: &[Want]) {
    let got = pairs(url);
    assert_eq!(got.len(), expected.len(), "query {:?}, expected {expected:?}", url.query());
    for ((key, value), (want_key, want_value, time)) in got.iter().zip(expected) {
        assert_eq!(key, want_key, "query {:?}", url.query());
        match (want_value, time) {
            (Some(want), _) => assert_eq!(value, want, "query {:?}", url.query()),
            (None, Some(time)) => check_time(value, *time),
            (None, None) => unreachable!(),
        }
    }
}

fn time((secs, nanos): (i64, u32)) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, nanos)
}

fuzz_target!(|input: Input| {
    let dry = dry();
    fn run<F: std::future::Future>(f: F) -> F::Output {
        cloudflare_spectrum_fuzz::dry::dry().runtime.block_on(f)
    }
    // An id is checked before anything else; an invalid one is replaced by
    // a valid one so that the query is reached as often.
    let zone_ok = Identifier::try_from(input.zone.as_str()).is_ok();
    if zone_ok {
        assert!(!changes_the_path(&input.zone), "accepted {:?}", input.zone);
    } else {
        let e = run(dry.client.spectrum_protocols_list(&input.zone)).expect_err("an invalid zone id was accepted");
        assert_eq!(invalid_field(&e), "zone_id");
    }
    let zone = if zone_ok { input.zone.as_str() } else { VALID };
    let app_ok = Identifier::try_from(input.app.as_str()).is_ok();
    let app = input.app.as_str();

    let metrics: Vec<AnalyticsMetric> = input.metrics.iter().map(|m| AnalyticsMetric::from(m.as_str())).collect();
    let dimensions: Vec<AnalyticsDimension> =
        input.dimensions.iter().map(|d| AnalyticsDimension::from(d.as_str())).collect();
    let since = input.since.and_then(time);
    let until = input.until.and_then(time);
    let mut events =
        EventsQuery::new().metrics(metrics.clone()).dimensions(dimensions.clone()).sort(input.sort.clone());
    if let Some(filters) = &input.filters {
        events = events.filters(filters.clone());
    }
    if let Some(since) = since {
        events = events.since(since);
    }
    if let Some(until) = until {
        events = events.until(until);
    }
    let time_delta = AnalyticsTimeDelta::from(input.time_delta.as_str());
    assert_eq!(time_delta.as_str(), input.time_delta);

    // The events queries, in lexicographic order of keys.
    let events_expected = |delta: Option<&str>| {
        let mut expected: Vec<Want> = Vec::new();
        let mut add =
            |k: &str, v: Option<&str>, t: Option<DateTime<Utc>>| expected.push((k.to_owned(), v.map(str::to_owned), t));
        for (d, text) in dimensions.iter().zip(&input.dimensions) {
            assert_eq!(d.as_str(), text);
            add("dimensions", Some(text), None);
        }
        if let Some(filters) = &input.filters {
            add("filters", Some(filters), None);
        }
        for (m, text) in metrics.iter().zip(&input.metrics) {
            assert_eq!(m.as_str(), text);
            add("metrics", Some(text), None);
        }
        if let Some(since) = since {
            add("since", None, Some(since));
        }
        for s in &input.sort {
            add("sort", Some(s), None);
        }
        if let Some(delta) = delta {
            add("time_delta", Some(delta), None);
        }
        if let Some(until) = until {
            add("until", None, Some(until));
        }
        expected
    };

    match input.operation % 6 {
        0 => {
            let url = sent_url(run(dry.client.spectrum_analytics_summary(zone, &events))).expect("nothing to refuse");
            assert_eq!(path(&url), segments(&["zones", zone, "spectrum", "analytics", "events", "summary"]));
            check_query(&url, &events_expected(None));
        }
        1 => {
            let url = sent_url(run(dry.client.spectrum_analytics_bytime(zone, time_delta, &events)))
                .expect("nothing to refuse");
            assert_eq!(path(&url), segments(&["zones", zone, "spectrum", "analytics", "events", "bytime"]));
            check_query(&url, &events_expected(Some(&input.time_delta)));
        }
        2 => {
            let mut query = CurrentQuery::new().app_ids(input.app_ids.clone());
            if let Some(colo) = &input.colo {
                query = query.colo_name(colo.clone());
            }
            let refused = input.app_ids.iter().any(|id| id.contains(',') || Identifier::try_from(id.as_str()).is_err());
            match sent_url(run(dry.client.spectrum_analytics_current(zone, &query))) {
                Err(e) => {
                    assert!(refused, "refused {:?}: {e}", input.app_ids);
                    assert_eq!(invalid_field(&e), "app_ids");
                }
                Ok(url) => {
                    assert!(!refused, "sent {:?} as {url}", input.app_ids);
                    assert_eq!(path(&url), segments(&["zones", zone, "spectrum", "analytics", "aggregate", "current"]));
                    let mut expected = Vec::new();
                    if !input.app_ids.is_empty() {
                        push(&mut expected, "appID", &input.app_ids.join(","));
                        // The API reads the list back by splitting on commas.
                        let sent = &pairs(&url)[0].1;
                        assert_eq!(sent.split(',').collect::<Vec<_>>(), input.app_ids);
                    }
                    if let Some(colo) = &input.colo {
                        push(&mut expected, "colo_name", colo);
                    }
                    assert_eq!(pairs(&url), expected, "query {:?}", url.query());
                }
            }
        }
        3 => {
            let mut query = ListApps::new();
            let order = input.order.map(|i| SpectrumAppsOrder::KNOWN[usize::from(i) % SpectrumAppsOrder::KNOWN.len()]);
            let direction = input.direction.map(|i| SortDirection::KNOWN[usize::from(i) % SortDirection::KNOWN.len()]);
            if let Some(page) = input.page {
                query = query.page(page);
            }
            if let Some(per_page) = input.per_page {
                query = query.per_page(per_page);
            }
            if let Some(order) = order {
                query = query.order(order);
            }
            if let Some(direction) = direction {
                query = query.direction(direction);
            }
            let bad_page = input.page == Some(0);
            let bad_size = input.per_page.is_some_and(|n| !(1..=100).contains(&n));
            match sent_url(run(dry.client.spectrum_apps_list(zone, &query))) {
                Err(e) => {
                    let field = invalid_field(&e);
                    assert!(
                        (field == "page" && bad_page) || (field == "per_page" && bad_size && !bad_page),
                        "refused {field}: {e}"
                    );
                }
                Ok(url) => {
                    assert!(!bad_page && !bad_size, "sent {url}");
                    assert_eq!(path(&url), segments(&["zones", zone, "spectrum", "apps"]));
                    let mut expected = Vec::new();
                    if let Some(direction) = direction {
                        push(&mut expected, "direction", direction.as_str());
                    }
                    if let Some(order) = order {
                        push(&mut expected, "order", order.as_str());
                    }
                    if let Some(page) = input.page {
                        push(&mut expected, "page", &page.to_string());
                    }
                    if let Some(per_page) = input.per_page {
                        push(&mut expected, "per_page", &per_page.to_string());
                    }
                    assert_eq!(pairs(&url), expected, "query {:?}", url.query());
                    // Closed enums read back as themselves.
                    for (key, value) in pairs(&url) {
                        match key.as_str() {
                            "order" => assert_eq!(Some(value.parse::<SpectrumAppsOrder>().unwrap()), order),
                            "direction" => assert_eq!(Some(value.parse::<SortDirection>().unwrap()), direction),
                            _ => {}
                        }
                    }
                }
            }
        }
        4 => {
            // Two ids: the zone, then the app.
            match sent_url(run(dry.client.spectrum_apps_delete(zone, app))) {
                Err(e) => {
                    assert!(!app_ok, "refused {app:?}: {e}");
                    assert_eq!(invalid_field(&e), "app_id");
                }
                Ok(url) => {
                    assert!(app_ok, "sent {app:?} as {url}");
                    assert_eq!(path(&url), segments(&["zones", zone, "spectrum", "apps", app]));
                    assert!(url.query().is_none());
                }
            }
        }
        _ => {
            // The account paths; the first id is checked first.
            let result = run(dry.client.magic_apps_delete(&input.zone, app));
            match sent_url(result) {
                Err(e) => {
                    let field = invalid_field(&e);
                    let fits = (field == "account_id" && !zone_ok) || (field == "account_app_id" && zone_ok && !app_ok);
                    assert!(fits, "refused {field}: {e}");
                }
                Ok(url) => {
                    assert!(zone_ok && app_ok, "sent {url}");
                    assert_eq!(path(&url), segments(&["accounts", &input.zone, "magic", "apps", app]));
                    assert!(url.query().is_none());
                }
            }
        }
    }
});
