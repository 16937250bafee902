//! Spectrum analytics, computed from the applications present.
//!
//! Every application has traffic in each of [`COLOS`], for each of
//! [`EVENTS`] and both IP versions: one *cell* per combination. A cell's
//! hourly count and byte rates, and its connection durations, are fixed
//! numbers derived from a hash of its dimension values, so reports are
//! deterministic: a sum metric over an interval is its rate times the
//! interval's length in hours (rounded), a duration metric is the mean over
//! the cells of a row. Time buckets start at `since` and last one
//! `time_delta` each (the last one ends at `until`).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use chrono::{DateTime, Months, SecondsFormat, TimeDelta, Utc};
use serde_json::Map;

use super::envelope::{FakeError, Ids, Params, lower, ok};
use super::state::Shared;
use crate::types::{
    AnalyticsDimension, AnalyticsMetric, AnalyticsMetricTotals, AnalyticsQuery, AnalyticsRow, AnalyticsRowMetrics,
    AnalyticsSeries, AnalyticsValues, SpectrumAnalyticsCurrent, SpectrumAnalyticsReport,
};

/// Colos every application has traffic in.
const COLOS: [&str; 3] = ["SFO", "LHR", "SIN"];
/// Connection events.
const EVENTS: [&str; 5] = ["connect", "progress", "disconnect", "originError", "clientFiltered"];
const IP_VERSIONS: [&str; 2] = ["4", "6"];
/// Dimensions, in the order of a cell's values.
const DIMENSIONS: [&str; 4] = ["event", "appID", "coloName", "ipVersion"];
const METRICS: [&str; 7] = [
    "count",
    "bytesIngress",
    "bytesEgress",
    "durationAvg",
    "durationMedian",
    "duration90th",
    "duration99th",
];
/// Metrics computed when the query names none.
const DEFAULT_METRICS: [&str; 3] = ["count", "bytesIngress", "bytesEgress"];
/// Most time buckets a report may have.
const MAX_BUCKETS: usize = 10_000;

/// One combination of dimension values, in the order of [`DIMENSIONS`].
type Cell<'a> = [&'a str; 4];
/// A time bucket: start and end.
type Bucket = (DateTime<Utc>, DateTime<Utc>);

/// A report row: dimension values, a number per metric over the whole
/// interval, and (time series) a series per metric.
struct Row<'a> {
    key: Vec<&'a str>,
    totals: Vec<f64>,
    series: Vec<Vec<f64>>,
}

/// `GET /zones/{zone_id}/spectrum/analytics/events/summary`: one number per
/// metric per row.
pub(crate) async fn summary(
    State(shared): State<Arc<Shared>>,
    Ids(zone): Ids<String>,
    uri: Uri,
) -> Result<Response, FakeError> {
    let query = Query::parse(&Params::from_uri(&uri)?)?;
    let app_ids = app_ids(&shared, zone);
    Ok(ok(query.report(&app_ids, None)))
}

/// `GET /zones/{zone_id}/spectrum/analytics/events/bytime`: one series per
/// metric per row, one number per time bucket.
pub(crate) async fn bytime(
    State(shared): State<Arc<Shared>>,
    Ids(zone): Ids<String>,
    uri: Uri,
) -> Result<Response, FakeError> {
    let params = Params::from_uri(&uri)?;
    let query = Query::parse(&params)?;
    let delta = params
        .get("time_delta")
        .ok_or_else(|| FakeError::query("time_delta is required"))?;
    let buckets = buckets(query.since, query.until, delta)?;
    let app_ids = app_ids(&shared, zone);
    Ok(ok(query.report(&app_ids, Some(&buckets))))
}

/// `GET /zones/{zone_id}/spectrum/analytics/aggregate/current`: one row
/// per application, optionally only those in `appID` (comma-separated) and
/// for one `colo_name`.
pub(crate) async fn current(
    State(shared): State<Arc<Shared>>,
    Ids(zone): Ids<String>,
    uri: Uri,
) -> Result<Response, FakeError> {
    let params = Params::from_uri(&uri)?;
    let wanted: Vec<String> = params.list("appID").into_iter().map(lower).collect();
    let colo = params.get("colo_name").unwrap_or("*");
    let apps = shared.data().spectrum.get(&lower(zone)).cloned().unwrap_or_default();
    let rows: Vec<SpectrumAnalyticsCurrent> = apps
        .into_iter()
        .filter(|app| wanted.is_empty() || wanted.iter().any(|id| id.eq_ignore_ascii_case(app.id.as_str())))
        .map(|app| {
            let value = |metric: &str, range: u64| (hash(&[app.id.as_str(), colo, metric]) % range) as f64;
            SpectrumAnalyticsCurrent {
                bytes_egress: value("bytesEgress", 5_000_000),
                bytes_ingress: value("bytesIngress", 1_000_000),
                connections: value("connections", 200),
                duration_avg: 20.0 + value("durationAvg", 5_000),
                app_id: app.id,
                extra: Map::new(),
            }
        })
        .collect();
    Ok(ok(rows))
}

/// The ids of a zone's applications.
fn app_ids(shared: &Shared, zone: String) -> Vec<String> {
    let data = shared.data();
    data.spectrum
        .get(&lower(zone))
        .map(|apps| apps.iter().map(|app| app.id.to_string()).collect())
        .unwrap_or_default()
}

/// An events query, checked.
struct Query {
    metrics: Vec<String>,
    dimensions: Vec<String>,
    /// Sort fields as sent, and parsed: field, descending.
    sort: Vec<String>,
    sort_keys: Vec<(String, bool)>,
    filters: Option<String>,
    conditions: Vec<Vec<Condition>>,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: Option<u64>,
}

impl Query {
    fn parse(params: &Params) -> Result<Self, FakeError> {
        let mut metrics = params.list("metrics");
        if let Some(bad) = metrics.iter().find(|m| !METRICS.contains(&m.as_str())) {
            return Err(FakeError::query(format!(
                "unknown metric {bad:?}; known: {}",
                METRICS.join(", ")
            )));
        }
        if metrics.is_empty() {
            metrics = DEFAULT_METRICS.iter().map(|m| m.to_string()).collect();
        }
        let dimensions = params.list("dimensions");
        if let Some(bad) = dimensions.iter().find(|d| !DIMENSIONS.contains(&d.as_str())) {
            return Err(FakeError::query(format!(
                "unknown dimension {bad:?}; known: {}",
                DIMENSIONS.join(", ")
            )));
        }
        let sort = params.list("sort");
        let mut sort_keys = Vec::new();
        for field in &sort {
            let (name, descending) = match field.strip_prefix('-') {
                Some(name) => (name, true),
                None => (field.strip_prefix('+').unwrap_or(field), false),
            };
            if !metrics.iter().chain(&dimensions).any(|m| m == name) {
                return Err(FakeError::query(format!(
                    "sort field {name:?} is not among the metrics or dimensions"
                )));
            }
            sort_keys.push((name.to_owned(), descending));
        }
        let filters = params
            .get("filters")
            .filter(|f| !f.trim().is_empty())
            .map(str::to_owned);
        let conditions = filters.as_deref().map(parse_filters).transpose()?.unwrap_or_default();
        let time = |key: &str| {
            params
                .get(key)
                .map(|t| {
                    DateTime::parse_from_rfc3339(t)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|_| FakeError::query(format!("{key} must be an RFC 3339 time, not {t:?}")))
                })
                .transpose()
        };
        let until = time("until")?.unwrap_or_else(|| chrono::SubsecRound::trunc_subsecs(Utc::now(), 0));
        let since = time("since")?.unwrap_or(until - TimeDelta::hours(6));
        if since >= until {
            return Err(FakeError::query("since must be before until"));
        }
        let limit = params.int("limit", 1, 10_000)?;
        Ok(Self {
            metrics,
            dimensions,
            sort,
            sort_keys,
            filters,
            conditions,
            since,
            until,
            limit,
        })
    }

    /// The report over `app_ids`: a summary, or a time series over `buckets`.
    fn report(&self, app_ids: &[String], buckets: Option<&[Bucket]>) -> SpectrumAnalyticsReport {
        let cells: Vec<Cell<'_>> = app_ids
            .iter()
            .flat_map(|app| {
                EVENTS.iter().flat_map(move |event| {
                    COLOS
                        .iter()
                        .flat_map(move |colo| IP_VERSIONS.iter().map(move |ip| [*event, app.as_str(), *colo, *ip]))
                })
            })
            .filter(|cell| self.matches(cell))
            .collect();
        let positions: Vec<usize> = self
            .dimensions
            .iter()
            .filter_map(|d| DIMENSIONS.iter().position(|known| known == d))
            .collect();
        let mut groups: BTreeMap<Vec<&str>, Vec<Cell<'_>>> = BTreeMap::new();
        for cell in &cells {
            groups
                .entry(positions.iter().map(|&p| cell[p]).collect())
                .or_default()
                .push(*cell);
        }
        let span = hours(self.since, self.until);
        let mut rows: Vec<Row<'_>> = groups
            .into_iter()
            .map(|(key, members)| {
                let totals = self.metrics.iter().map(|m| aggregate(&members, m, span)).collect();
                let series = match buckets {
                    Some(buckets) => self
                        .metrics
                        .iter()
                        .map(|m| {
                            buckets
                                .iter()
                                .map(|(a, b)| aggregate(&members, m, hours(*a, *b)))
                                .collect()
                        })
                        .collect(),
                    None => Vec::new(),
                };
                Row { key, totals, series }
            })
            .collect();
        rows.sort_by(|a, b| self.compare(a, b));
        if let Some(limit) = self.limit {
            rows.truncate(limit as usize);
        }
        let mut max = BTreeMap::new();
        let mut min = BTreeMap::new();
        let mut totals = BTreeMap::new();
        for (i, metric) in self.metrics.iter().enumerate() {
            let values: Vec<f64> = match buckets {
                Some(_) => rows.iter().flat_map(|row| row.series[i].iter().copied()).collect(),
                None => rows.iter().map(|row| row.totals[i]).collect(),
            };
            max.insert(metric.clone(), values.iter().copied().reduce(f64::max).unwrap_or(0.0));
            min.insert(metric.clone(), values.iter().copied().reduce(f64::min).unwrap_or(0.0));
            totals.insert(metric.clone(), aggregate(&cells, metric, span));
        }
        let data: Vec<AnalyticsRow> = rows
            .into_iter()
            .map(|row| AnalyticsRow {
                dimensions: row.key.into_iter().map(str::to_owned).collect(),
                metrics: Some(match buckets {
                    Some(_) => AnalyticsRowMetrics::Series(AnalyticsSeries(row.series)),
                    None => AnalyticsRowMetrics::Values(AnalyticsValues(row.totals)),
                }),
                extra: Map::new(),
            })
            .collect();
        let time = |t: &DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        SpectrumAnalyticsReport {
            rows: data.len() as f64,
            data,
            data_lag: 0.0,
            max: AnalyticsMetricTotals(max),
            min: AnalyticsMetricTotals(min),
            totals: AnalyticsMetricTotals(totals),
            time_intervals: buckets
                .unwrap_or_default()
                .iter()
                .map(|(a, b)| vec![time(a), time(b)])
                .collect(),
            query: AnalyticsQuery {
                dimensions: self
                    .dimensions
                    .iter()
                    .map(|d| AnalyticsDimension::from(d.as_str()))
                    .collect(),
                filters: self.filters.clone(),
                limit: self.limit.map(|l| l as f64),
                metrics: self.metrics.iter().map(|m| AnalyticsMetric::from(m.as_str())).collect(),
                since: Some(self.since),
                sort: self.sort.clone(),
                until: Some(self.until),
                extra: Map::new(),
            },
            extra: Map::new(),
        }
    }

    /// Row order: the sort fields, then the dimension values.
    fn compare(&self, a: &Row<'_>, b: &Row<'_>) -> Ordering {
        for (field, descending) in &self.sort_keys {
            let order = if let Some(i) = self.metrics.iter().position(|m| m == field) {
                a.totals[i].total_cmp(&b.totals[i])
            } else if let Some(i) = self.dimensions.iter().position(|d| d == field) {
                a.key[i].cmp(b.key[i])
            } else {
                Ordering::Equal
            };
            let order = if *descending { order.reverse() } else { order };
            if order != Ordering::Equal {
                return order;
            }
        }
        a.key.cmp(&b.key)
    }

    /// Whether a cell passes the filters (any alternative, all its terms).
    fn matches(&self, cell: &Cell<'_>) -> bool {
        self.conditions.is_empty() || self.conditions.iter().any(|all| all.iter().all(|c| c.holds(cell)))
    }
}

/// One comparison of a filter expression.
struct Condition {
    dimension: usize,
    operator: &'static str,
    value: String,
}

impl Condition {
    fn holds(&self, cell: &Cell<'_>) -> bool {
        let actual = cell[self.dimension];
        let order = match (actual.parse::<f64>(), self.value.parse::<f64>()) {
            (Ok(a), Ok(b)) => a.total_cmp(&b),
            _ => actual.cmp(self.value.as_str()),
        };
        match self.operator {
            "==" => actual == self.value,
            "!=" => actual != self.value,
            ">=" => order != Ordering::Less,
            "<=" => order != Ordering::Greater,
            ">" => order == Ordering::Greater,
            _ => order == Ordering::Less,
        }
    }
}

/// `a==b;c!=d,e>f`: alternatives (`,` or ` OR `) of conjunctions (`;` or
/// ` AND `) of comparisons of a dimension with a value.
fn parse_filters(text: &str) -> Result<Vec<Vec<Condition>>, FakeError> {
    let normalised = text.replace(" OR ", ",").replace(" AND ", ";");
    normalised
        .split(',')
        .map(|any| any.split(';').map(parse_condition).collect())
        .collect()
}

fn parse_condition(term: &str) -> Result<Condition, FakeError> {
    let invalid = || {
        FakeError::query(format!(
            "invalid filter {term:?}: expected a dimension, ==, !=, >, <, >= or <=, and a value"
        ))
    };
    const OPERATORS: [&str; 6] = ["==", "!=", ">=", "<=", ">", "<"];
    let (at, operator) = term
        .char_indices()
        .find_map(|(i, _)| {
            OPERATORS
                .iter()
                .find(|op| term[i..].starts_with(**op))
                .map(|op| (i, *op))
        })
        .ok_or_else(invalid)?;
    let name = term[..at].trim();
    let value = term[at + operator.len()..]
        .trim()
        .trim_matches(|c| c == '\'' || c == '"');
    let dimension = DIMENSIONS.iter().position(|d| *d == name).ok_or_else(invalid)?;
    if value.is_empty() {
        return Err(invalid());
    }
    Ok(Condition {
        dimension,
        operator,
        value: value.to_owned(),
    })
}

/// `[start, end]` of each bucket from `since` to `until`.
fn buckets(since: DateTime<Utc>, until: DateTime<Utc>, delta: &str) -> Result<Vec<Bucket>, FakeError> {
    let step = |t: DateTime<Utc>| -> Option<DateTime<Utc>> {
        match delta {
            "minute" => t.checked_add_signed(TimeDelta::minutes(1)),
            "dekaminute" => t.checked_add_signed(TimeDelta::minutes(10)),
            "hour" => t.checked_add_signed(TimeDelta::hours(1)),
            "day" => t.checked_add_signed(TimeDelta::days(1)),
            "week" => t.checked_add_signed(TimeDelta::weeks(1)),
            "month" => t.checked_add_months(Months::new(1)),
            "quarter" => t.checked_add_months(Months::new(3)),
            "year" => t.checked_add_months(Months::new(12)),
            _ => None,
        }
    };
    if step(since).is_none() {
        return Err(FakeError::query(format!(
            "time_delta must be one of year, quarter, month, week, day, hour, dekaminute, minute, not {delta:?}"
        )));
    }
    let mut buckets = Vec::new();
    let mut start = since;
    while start < until {
        if buckets.len() == MAX_BUCKETS {
            return Err(FakeError::query(format!(
                "more than {MAX_BUCKETS} time intervals: use a larger time_delta"
            )));
        }
        let end = step(start).unwrap_or(until).min(until);
        buckets.push((start, end));
        start = end;
    }
    Ok(buckets)
}

fn hours(since: DateTime<Utc>, until: DateTime<Utc>) -> f64 {
    (until - since).num_milliseconds() as f64 / 3_600_000.0
}

/// A metric over `hours` for a group of cells: sums scale with time,
/// durations are the mean over the cells.
fn aggregate(cells: &[Cell<'_>], metric: &str, hours: f64) -> f64 {
    if cells.is_empty() {
        return 0.0;
    }
    let rates = cells.iter().map(|cell| hourly(cell, metric));
    match metric {
        "count" | "bytesIngress" | "bytesEgress" => (rates.sum::<f64>() * hours).round(),
        _ => (rates.sum::<f64>() / cells.len() as f64 * 10.0).round() / 10.0,
    }
}

/// A cell's hourly rate (sums) or its duration in milliseconds.
fn hourly(cell: &Cell<'_>, metric: &str) -> f64 {
    let rate = |range: u64| (hash(&[cell[0], cell[1], cell[2], cell[3], metric]) % range) as f64;
    let average = 20.0 + (hash(&[cell[0], cell[1], cell[2], cell[3], "duration"]) % 5_000) as f64;
    match metric {
        "count" => 10.0 + rate(990),
        "bytesIngress" => 1_000.0 + rate(9_000_000),
        "bytesEgress" => 1_000.0 + rate(40_000_000),
        "durationMedian" => average * 0.8,
        "duration90th" => average * 2.5,
        "duration99th" => average * 4.0,
        _ => average,
    }
}

/// FNV-1a over the parts, separated: stable across runs and platforms.
fn hash(parts: &[&str]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for part in parts {
        for byte in part.bytes().chain([0x1f]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}
