//! The fake's Spectrum analytics, through the real client.

use std::future::Future;
use std::time::Duration;

use chrono::{TimeZone as _, Utc};
use cloudflare_spectrum::CurrentQuery;
use cloudflare_spectrum::fake::{FakeCloudflare, ZONE_ID, codes};
use cloudflare_spectrum::types::{
    AnalyticsDimension, AnalyticsMetric, AnalyticsRowMetrics, AnalyticsTimeDelta, SpectrumAnalyticsReport,
    SpectrumAppConfig,
};
use cloudflare_spectrum::{Client, Error, EventsQuery};
use serde_json::json;

async fn bounded<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), body).await.expect("the test took longer than 60 s")
}

/// A fake with three applications, a client, and their ids.
async fn setup() -> (FakeCloudflare, Client, Vec<String>) {
    let fake = FakeCloudflare::start().await.unwrap();
    let client = fake.client_builder().max_retries(0).build().unwrap();
    let mut ids = Vec::new();
    for name in ["a", "b", "c"] {
        let config: SpectrumAppConfig = serde_json::from_value(json!({
            "dns": { "type": "CNAME", "name": format!("{name}.example.com") },
            "protocol": "tcp/22",
            "origin_direct": ["tcp://192.0.2.1:22"],
        }))
        .unwrap();
        ids.push(client.spectrum_apps_create(ZONE_ID, &config).await.unwrap().id.to_string());
    }
    (fake, client, ids)
}

fn values(report: &SpectrumAnalyticsReport, row: usize) -> Vec<f64> {
    match &report.data[row].metrics {
        Some(AnalyticsRowMetrics::Values(values)) => values.0.clone(),
        other => panic!("expected one number per metric, got {other:?}"),
    }
}

fn series(report: &SpectrumAnalyticsReport, row: usize) -> Vec<Vec<f64>> {
    match &report.data[row].metrics {
        Some(AnalyticsRowMetrics::Series(series)) => series.0.clone(),
        other => panic!("expected a series per metric, got {other:?}"),
    }
}

fn six_hours() -> EventsQuery {
    EventsQuery::new()
        .since(Utc.with_ymd_and_hms(2024, 5, 1, 6, 0, 0).unwrap())
        .until(Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap())
}

#[tokio::test]
async fn summary_by_app() {
    bounded(async {
        let (fake, client, ids) = setup().await;
        let query = six_hours()
            .metrics(vec![AnalyticsMetric::BytesEgress, AnalyticsMetric::Count, AnalyticsMetric::DurationAvg])
            .dimensions(vec![AnalyticsDimension::AppId]);
        fake.clear_requests();
        let report = client.spectrum_analytics_summary(ZONE_ID, &query).await.unwrap();
        let sent = &fake.requests()[0];
        assert_eq!(sent.query_values("metrics"), ["bytesEgress", "count", "durationAvg"], "repeated keys, in order");

        assert_eq!(report.query.metrics, query.metrics);
        assert_eq!(report.query.dimensions, query.dimensions);
        assert_eq!((report.query.since, report.query.until), (query.since, query.until));
        assert_eq!(report.rows, 3.0);
        assert_eq!(report.data.len(), 3);
        assert!(report.time_intervals.is_empty());
        let mut row_ids: Vec<String> = report.data.iter().map(|row| row.dimensions.join(",")).collect();
        row_ids.sort();
        let mut expected = ids.clone();
        expected.sort();
        assert_eq!(row_ids, expected);
        let mut count_total = 0.0;
        for row in 0..3 {
            let v = values(&report, row);
            assert_eq!(v.len(), 3, "one number per metric");
            assert!(v.iter().all(|x| *x > 0.0), "{v:?}");
            count_total += v[1];
            assert!(report.max.0["count"] >= v[1] && report.min.0["count"] <= v[1]);
        }
        assert_eq!(report.totals.0["count"], count_total);
        let keys: Vec<&str> = report.totals.0.keys().map(String::as_str).collect();
        assert_eq!(keys, ["bytesEgress", "count", "durationAvg"]);

        let again = client.spectrum_analytics_summary(ZONE_ID, &query).await.unwrap();
        assert_eq!(again, report, "deterministic");
    })
    .await;
}

#[tokio::test]
async fn summary_dimensions_sort_and_filters() {
    bounded(async {
        let (_fake, client, _ids) = setup().await;
        let whole = client.spectrum_analytics_summary(ZONE_ID, &six_hours()).await.unwrap();
        assert_eq!(whole.data.len(), 1, "no dimensions: one row");
        assert!(whole.data[0].dimensions.is_empty());
        let default_metrics: Vec<&str> = whole.query.metrics.iter().map(|m| m.as_str()).collect();
        assert_eq!(default_metrics, ["count", "bytesIngress", "bytesEgress"]);
        assert_eq!(values(&whole, 0).len(), 3);

        let query = six_hours()
            .metrics(vec![AnalyticsMetric::Count])
            .dimensions(vec![AnalyticsDimension::Event, AnalyticsDimension::ColoName])
            .sort(["-count"]);
        let report = client.spectrum_analytics_summary(ZONE_ID, &query).await.unwrap();
        assert_eq!(report.data.len(), 15, "5 events × 3 colos");
        let counts: Vec<f64> = (0..15).map(|row| values(&report, row)[0]).collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "sorted by -count: {counts:?}");
        assert_eq!(report.query.sort, ["-count"]);

        let filtered = six_hours()
            .filters("coloName==SFO;event!=connect")
            .dimensions(vec![AnalyticsDimension::ColoName, AnalyticsDimension::Event]);
        let report = client.spectrum_analytics_summary(ZONE_ID, &filtered).await.unwrap();
        assert_eq!(report.data.len(), 4);
        assert!(report.data.iter().all(|row| row.dimensions[0] == "SFO" && row.dimensions[1] != "connect"));
        assert_eq!(report.query.filters.as_deref(), Some("coloName==SFO;event!=connect"));

        let either = six_hours()
            .filters("ipVersion==4,coloName==LHR")
            .dimensions(vec![AnalyticsDimension::IpVersion, AnalyticsDimension::ColoName]);
        let report = client.spectrum_analytics_summary(ZONE_ID, &either).await.unwrap();
        assert_eq!(report.data.len(), 4, "ipv4 in 3 colos, plus ipv6 in LHR");
    })
    .await;
}

#[tokio::test]
async fn bytime_buckets() {
    bounded(async {
        let (_fake, client, _ids) = setup().await;
        let query = six_hours()
            .metrics(vec![AnalyticsMetric::Count, AnalyticsMetric::BytesIngress])
            .dimensions(vec![AnalyticsDimension::AppId]);
        let report = client.spectrum_analytics_bytime(ZONE_ID, AnalyticsTimeDelta::Hour, &query).await.unwrap();
        assert_eq!(report.time_intervals.len(), 6);
        assert_eq!(report.time_intervals[0], ["2024-05-01T06:00:00Z", "2024-05-01T07:00:00Z"]);
        assert_eq!(report.time_intervals[5], ["2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z"]);
        assert_eq!(report.data.len(), 3);
        let summary = client.spectrum_analytics_summary(ZONE_ID, &query).await.unwrap();
        for row in 0..3 {
            let s = series(&report, row);
            assert_eq!(s.len(), 2, "one series per metric");
            assert!(s.iter().all(|one| one.len() == 6), "one number per interval");
            let row_in_summary = summary.data.iter().position(|r| r.dimensions == report.data[row].dimensions).unwrap();
            let summed: f64 = s[0].iter().sum();
            assert!((summed - values(&summary, row_in_summary)[0]).abs() <= 6.0, "the series add up to the summary");
        }
        let all: Vec<f64> = (0..3).flat_map(|row| series(&report, row)[0].clone()).collect();
        assert_eq!(report.max.0["count"], all.iter().copied().fold(f64::MIN, f64::max));
        assert_eq!(report.min.0["count"], all.iter().copied().fold(f64::MAX, f64::min));

        let minutes = client.spectrum_analytics_bytime(ZONE_ID, AnalyticsTimeDelta::Dekaminute, &query).await.unwrap();
        assert_eq!(minutes.time_intervals.len(), 36);
        let days = client.spectrum_analytics_bytime(ZONE_ID, AnalyticsTimeDelta::Day, &query).await.unwrap();
        assert_eq!(days.time_intervals, [["2024-05-01T06:00:00Z", "2024-05-01T12:00:00Z"]], "clipped to until");
        let defaults =
            client.spectrum_analytics_bytime(ZONE_ID, AnalyticsTimeDelta::Hour, &EventsQuery::default()).await;
        assert_eq!(defaults.unwrap().time_intervals.len(), 6, "six hours up to now by default");
    })
    .await;
}

#[tokio::test]
async fn invalid_queries() {
    bounded(async {
        let (_fake, client, _ids) = setup().await;
        let invalid = |error: Error| {
            assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error:?}");
            assert_eq!(error.codes(), [codes::INVALID_QUERY]);
        };
        let unknown_metric = six_hours().metrics(vec![AnalyticsMetric::from("bytesTotal")]);
        invalid(client.spectrum_analytics_summary(ZONE_ID, &unknown_metric).await.unwrap_err());
        let bad_sort = six_hours().sort(["coloName"]);
        invalid(client.spectrum_analytics_summary(ZONE_ID, &bad_sort).await.unwrap_err());
        let backwards = {
            let mut q = EventsQuery::new();
            q.since = six_hours().until;
            q.until = six_hours().since;
            q
        };
        invalid(client.spectrum_analytics_summary(ZONE_ID, &backwards).await.unwrap_err());
        let bad_filter = six_hours().filters("colour==red");
        invalid(client.spectrum_analytics_summary(ZONE_ID, &bad_filter).await.unwrap_err());
        let delta = AnalyticsTimeDelta::from("fortnight");
        invalid(client.spectrum_analytics_bytime(ZONE_ID, delta, &six_hours()).await.unwrap_err());
        let year = six_hours().since(Utc.with_ymd_and_hms(2023, 1, 1, 0, 0, 0).unwrap());
        invalid(client.spectrum_analytics_bytime(ZONE_ID, AnalyticsTimeDelta::Minute, &year).await.unwrap_err());
    })
    .await;
}

#[tokio::test]
async fn current_aggregates() {
    bounded(async {
        let (_fake, client, ids) = setup().await;
        let all = client.spectrum_analytics_current(ZONE_ID, &CurrentQuery::new()).await.unwrap();
        let app_ids: Vec<&str> = all.iter().map(|row| row.app_id.as_str()).collect();
        assert_eq!(app_ids, ids, "one row per application");
        assert!(all.iter().all(|row| row.duration_avg > 0.0));

        let two =
            client.spectrum_analytics_current(ZONE_ID, &CurrentQuery::new().app_ids([&ids[2], &ids[0]])).await.unwrap();
        let two_ids: Vec<&str> = two.iter().map(|row| row.app_id.as_str()).collect();
        assert_eq!(two_ids, [&ids[0], &ids[2]]);

        let sfo = client.spectrum_analytics_current(ZONE_ID, &CurrentQuery::new().colo_name("SFO")).await.unwrap();
        assert_eq!(sfo.len(), 3);
        assert_ne!(sfo, all, "per colo numbers");
        assert_eq!(
            client.spectrum_analytics_current(ZONE_ID, &CurrentQuery::new().colo_name("SFO")).await.unwrap(),
            sfo
        );

        let empty = "00000000000000000000000000000000";
        assert!(client.spectrum_analytics_current(empty, &CurrentQuery::new()).await.unwrap().is_empty());
        let report = client.spectrum_analytics_summary(empty, &six_hours()).await.unwrap();
        assert_eq!((report.rows, report.data.len()), (0.0, 0));
        assert_eq!(report.totals.0["count"], 0.0);
    })
    .await;
}

#[tokio::test]
async fn every_listed_metric_dimension_and_time_delta_is_computed() {
    bounded(async {
        let (_fake, client, _ids) = setup().await;
        let everything =
            six_hours().metrics(AnalyticsMetric::KNOWN.to_vec()).dimensions(AnalyticsDimension::KNOWN.to_vec());
        let report = client.spectrum_analytics_summary(ZONE_ID, &everything).await.unwrap();
        assert_eq!(report.query.metrics, AnalyticsMetric::KNOWN);
        assert_eq!(report.query.dimensions, AnalyticsDimension::KNOWN);
        assert_eq!(report.data.len(), 5 * 3 * 3 * 2, "5 events × 3 apps × 3 colos × 2 IP versions");
        for metric in AnalyticsMetric::KNOWN {
            assert!(report.totals.0[metric.as_str()] > 0.0, "{metric}");
        }
        for row in 0..report.data.len() {
            assert_eq!(values(&report, row).len(), AnalyticsMetric::KNOWN.len());
        }

        // Durations follow one distribution per cell: median < mean < 90th < 99th.
        let durations = six_hours().metrics(vec![
            AnalyticsMetric::DurationMedian,
            AnalyticsMetric::DurationAvg,
            AnalyticsMetric::Duration90th,
            AnalyticsMetric::Duration99th,
        ]);
        let whole = client.spectrum_analytics_summary(ZONE_ID, &durations).await.unwrap();
        let v = values(&whole, 0);
        assert!(v.windows(2).all(|w| w[0] < w[1]), "{v:?}");

        for delta in AnalyticsTimeDelta::KNOWN {
            let query = six_hours().metrics(vec![AnalyticsMetric::Count]);
            let report = client
                .spectrum_analytics_bytime(ZONE_ID, delta.clone(), &query)
                .await
                .unwrap_or_else(|e| panic!("{delta}: {e}"));
            assert!(!report.time_intervals.is_empty(), "{delta}");
        }
    })
    .await;
}
