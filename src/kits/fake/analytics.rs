//! Spectrum analytics, computed from the applications present.
//!
//! Every application has traffic in each of [`COLOS`], for each of
//! [`EVENTS`] and both IP versions: one *cell* per combination of the
//! values of the document's dimensions (`AnalyticsDimension::KNOWN`; a
//! dimension the fake has no data for has the one value [`OTHER`]). A
//! cell's hourly rate for each sum metric, and its mean connection
//! duration, are fixed numbers derived from a hash of its dimension values,
//! so reports are deterministic: a sum metric over an interval is its rate
//! times the interval's length in hours (rounded), a duration metric is the
//! mean over the cells of a row. Every metric the document lists
//! (`AnalyticsMetric::KNOWN`) is computed, by a rule chosen from its name
//! ([`Kind`]). Time buckets start at `since` and last one `time_delta` each
//! (the last one ends at `until`).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use chrono::{DateTime, Months, SecondsFormat, TimeDelta, Utc};
use serde_json::Map;

use super::envelope::{FakeError, ok};
use super::extract::{Ids, Params, lower};
use super::known::Known;
use super::state::Shared;
use crate::types::{
    AnalyticsDimension, AnalyticsMetric, AnalyticsMetricTotals, AnalyticsQuery, AnalyticsRow, AnalyticsRowMetrics,
    AnalyticsSeries, AnalyticsTimeDelta, AnalyticsValues, SpectrumAnalyticsCurrent, SpectrumAnalyticsReport,
};

/// Colos every application has traffic in.
const COLOS: [&str; 3] = ["SFO", "LHR", "SIN"];
/// Connection events.
const EVENTS: [&str; 5] = ["connect", "progress", "disconnect", "originError", "clientFiltered"];
/// IP versions of the clients.
const IP_VERSIONS: [&str; 2] = ["4", "6"];
/// The one value of a dimension the fake has no data for.
const OTHER: &str = "other";
/// Metrics computed when the query names none.
const DEFAULT_METRICS: [AnalyticsMetric; 3] =
    [AnalyticsMetric::Count, AnalyticsMetric::BytesIngress, AnalyticsMetric::BytesEgress];
/// Most time buckets a report may have.
const MAX_BUCKETS: usize = 10_000;

/// One combination of dimension values, one per dimension of
/// `AnalyticsDimension::KNOWN`, in its order.
type Cell<'a> = Vec<&'a str>;
/// A time bucket: start and end.
type Bucket = (DateTime<Utc>, DateTime<Utc>);

/// A report row: dimension values, a number per metric over the whole
/// interval, and (time series) a series per metric.
struct Row<'a> {
    /// The row's values of the query's dimensions.
    key: Vec<&'a str>,
    /// One number per metric of the query.
    totals: Vec<f64>,
    /// One series per metric of the query (time series only).
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
    let delta = params.get("time_delta").ok_or_else(|| FakeError::query("time_delta is required"))?;
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
    data.spectrum.get(&lower(zone)).map(|apps| apps.iter().map(|app| app.id.to_string()).collect()).unwrap_or_default()
}

/// An events query, checked.
struct Query {
    /// The metrics to compute, in the order asked.
    metrics: Vec<AnalyticsMetric>,
    /// The dimensions to break the data down by, in the order asked.
    dimensions: Vec<AnalyticsDimension>,
    /// Sort fields as sent.
    sort: Vec<String>,
    /// Sort fields parsed: field, descending.
    sort_keys: Vec<(String, bool)>,
    /// The filter expression as sent.
    filters: Option<String>,
    /// The filter expression parsed: alternatives of conjunctions.
    conditions: Vec<Vec<Condition>>,
    /// Start of the interval.
    since: DateTime<Utc>,
    /// End of the interval.
    until: DateTime<Utc>,
    /// Most rows answered.
    limit: Option<u64>,
}

impl Query {
    /// The query of the request, or a 400 saying what is wrong with it.
    fn parse(params: &Params) -> Result<Self, FakeError> {
        let mut metrics: Vec<AnalyticsMetric> = listed(params, "metrics", "metric")?;
        if metrics.is_empty() {
            metrics = DEFAULT_METRICS.to_vec();
        }
        let dimensions: Vec<AnalyticsDimension> = listed(params, "dimensions", "dimension")?;
        let sort = params.list("sort");
        let mut sort_keys = Vec::new();
        for field in &sort {
            let (name, descending) = match field.strip_prefix('-') {
                Some(name) => (name, true),
                None => (field.strip_prefix('+').unwrap_or(field), false),
            };
            let names = metrics.iter().map(Known::name).chain(dimensions.iter().map(Known::name));
            if !names.into_iter().any(|known| known == name) {
                return Err(FakeError::query(format!("sort field {name:?} is not among the metrics or dimensions")));
            }
            sort_keys.push((name.to_owned(), descending));
        }
        let filters = params.get("filters").filter(|f| !f.trim().is_empty()).map(str::to_owned);
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
        Ok(Self { metrics, dimensions, sort, sort_keys, filters, conditions, since, until, limit })
    }

    /// The report over `app_ids`: a summary, or a time series over `buckets`.
    fn report(&self, app_ids: &[String], buckets: Option<&[Bucket]>) -> SpectrumAnalyticsReport {
        let cells: Vec<Cell<'_>> = cells(app_ids).into_iter().filter(|cell| self.matches(cell)).collect();
        let positions: Vec<usize> = self.dimensions.iter().filter_map(position).collect();
        let mut groups: BTreeMap<Vec<&str>, Vec<Cell<'_>>> = BTreeMap::new();
        for cell in &cells {
            groups.entry(positions.iter().map(|&p| cell[p]).collect()).or_default().push(cell.clone());
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
                        .map(|m| buckets.iter().map(|(a, b)| aggregate(&members, m, hours(*a, *b))).collect())
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
            let name = metric.name().to_owned();
            max.insert(name.clone(), values.iter().copied().reduce(f64::max).unwrap_or(0.0));
            min.insert(name.clone(), values.iter().copied().reduce(f64::min).unwrap_or(0.0));
            totals.insert(name, aggregate(&cells, metric, span));
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
            time_intervals: buckets.unwrap_or_default().iter().map(|(a, b)| vec![time(a), time(b)]).collect(),
            query: AnalyticsQuery {
                dimensions: self.dimensions.clone(),
                filters: self.filters.clone(),
                limit: self.limit.map(|l| l as f64),
                metrics: self.metrics.clone(),
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
            let order = if let Some(i) = self.metrics.iter().position(|m| m.name() == field) {
                a.totals[i].total_cmp(&b.totals[i])
            } else if let Some(i) = self.dimensions.iter().position(|d| d.name() == field) {
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
    /// The dimension compared: its position in a cell.
    dimension: usize,
    /// `==`, `!=`, `>=`, `<=`, `>` or `<`.
    operator: &'static str,
    /// The value compared with.
    value: String,
}

impl Condition {
    /// Whether the cell's value of the dimension compares as asked
    /// (numerically when both sides are numbers).
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
    normalised.split(',').map(|any| any.split(';').map(parse_condition).collect()).collect()
}

/// One comparison: a dimension, an operator and a value.
fn parse_condition(term: &str) -> Result<Condition, FakeError> {
    let invalid = || {
        FakeError::query(format!("invalid filter {term:?}: expected a dimension, ==, !=, >, <, >= or <=, and a value"))
    };
    /// Two-character operators first, so `>=` is not read as `>`.
    const OPERATORS: [&str; 6] = ["==", "!=", ">=", "<=", ">", "<"];
    let (at, operator) = term
        .char_indices()
        .find_map(|(i, _)| OPERATORS.iter().find(|op| term[i..].starts_with(**op)).map(|op| (i, *op)))
        .ok_or_else(invalid)?;
    let name = term[..at].trim();
    let value = term[at + operator.len()..].trim().trim_matches(|c| c == '\'' || c == '"');
    let dimension = AnalyticsDimension::parse(name).as_ref().and_then(position).ok_or_else(invalid)?;
    if value.is_empty() {
        return Err(invalid());
    }
    Ok(Condition { dimension, operator, value: value.to_owned() })
}

/// How long one bucket of a time series lasts.
#[derive(Clone, Copy)]
enum Step {
    /// A fixed duration.
    Fixed(TimeDelta),
    /// Calendar months.
    Months(u32),
}

/// The step of a `time_delta` the document lists; `None` for one the fake
/// does not know how to step by.
fn step_of(delta: &AnalyticsTimeDelta) -> Option<Step> {
    Some(match delta {
        AnalyticsTimeDelta::Minute => Step::Fixed(TimeDelta::minutes(1)),
        AnalyticsTimeDelta::Dekaminute => Step::Fixed(TimeDelta::minutes(10)),
        AnalyticsTimeDelta::Hour => Step::Fixed(TimeDelta::hours(1)),
        AnalyticsTimeDelta::Day => Step::Fixed(TimeDelta::days(1)),
        AnalyticsTimeDelta::Week => Step::Fixed(TimeDelta::weeks(1)),
        AnalyticsTimeDelta::Month => Step::Months(1),
        AnalyticsTimeDelta::Quarter => Step::Months(3),
        AnalyticsTimeDelta::Year => Step::Months(12),
        _ => return None,
    })
}

/// `[start, end]` of each bucket from `since` to `until`.
fn buckets(since: DateTime<Utc>, until: DateTime<Utc>, delta: &str) -> Result<Vec<Bucket>, FakeError> {
    let listed = AnalyticsTimeDelta::parse(delta).ok_or_else(|| {
        FakeError::query(format!("time_delta must be one of {}, not {delta:?}", AnalyticsTimeDelta::listing()))
    })?;
    let step = step_of(&listed)
        .ok_or_else(|| FakeError::query(format!("time_delta {delta:?} is not supported by the fake")))?;
    let next = |t: DateTime<Utc>| match step {
        Step::Fixed(length) => t.checked_add_signed(length),
        Step::Months(months) => t.checked_add_months(Months::new(months)),
    };
    let mut buckets = Vec::new();
    let mut start = since;
    while start < until {
        if buckets.len() == MAX_BUCKETS {
            return Err(FakeError::query(format!("more than {MAX_BUCKETS} time intervals: use a larger time_delta")));
        }
        let end = next(start).unwrap_or(until).min(until);
        buckets.push((start, end));
        start = end;
    }
    Ok(buckets)
}

/// The length of an interval in hours.
fn hours(since: DateTime<Utc>, until: DateTime<Utc>) -> f64 {
    (until - since).num_milliseconds() as f64 / 3_600_000.0
}

/// How the fake computes a metric, decided from its name alone, so that
/// any metric the document lists gets numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// A sum over events (`count`, `bytesIngress`, …): each cell has an
    /// hourly rate of `base` plus a hash below `spread`.
    Sum {
        /// The smallest hourly rate.
        base: f64,
        /// The hourly rates' spread above `base`.
        spread: u64,
    },
    /// A statistic of connection durations in milliseconds (`duration…`):
    /// this factor times the cell's mean duration.
    Duration(f64),
}

impl Kind {
    /// The kind of `metric`: names starting with `duration` are durations
    /// ([`duration_factor`]), names starting with `bytes` are byte sums,
    /// every other name is a count of events.
    fn of(metric: &AnalyticsMetric) -> Self {
        let name = metric.name();
        match name.strip_prefix("duration") {
            Some(statistic) => Self::Duration(duration_factor(statistic)),
            None if name.starts_with("bytes") => Self::Sum { base: 1_000.0, spread: 20_000_000 },
            None => Self::Sum { base: 10.0, spread: 990 },
        }
    }
}

/// The factor of the mean for a duration statistic, connection durations
/// being exponentially distributed: `Median` is ln 2 ≈ 0.69, a percentile
/// `N`th (`90th`, `99th`, any ordinal) is −ln(1 − N/100), and anything
/// else (`Avg`) is the mean itself.
fn duration_factor(statistic: &str) -> f64 {
    let percentile = match statistic {
        "Median" => 50.0,
        other => match other.trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse::<f64>() {
            Ok(n) if (0.0..100.0).contains(&n) => n,
            _ => return 1.0,
        },
    };
    -(1.0 - percentile / 100.0).ln()
}

/// A metric over `hours` for a group of cells: sums scale with time and
/// add up over the cells, durations are the mean over the cells.
fn aggregate(cells: &[Cell<'_>], metric: &AnalyticsMetric, hours: f64) -> f64 {
    if cells.is_empty() {
        return 0.0;
    }
    let kind = Kind::of(metric);
    let values = cells.iter().map(|cell| hourly(cell, metric.name(), kind));
    match kind {
        Kind::Sum { .. } => (values.sum::<f64>() * hours).round(),
        Kind::Duration(_) => (values.sum::<f64>() / cells.len() as f64 * 10.0).round() / 10.0,
    }
}

/// A cell's hourly rate (sums) or its duration in milliseconds (all the
/// duration statistics of a cell derive from one mean duration).
fn hourly(cell: &Cell<'_>, metric: &str, kind: Kind) -> f64 {
    let hash_with = |last: &str| hash(&[cell.as_slice(), &[last][..]].concat());
    match kind {
        Kind::Sum { base, spread } => base + (hash_with(metric) % spread) as f64,
        Kind::Duration(factor) => (20.0 + (hash_with("duration") % 5_000) as f64) * factor,
    }
}

/// Every cell: each combination of the values of the dimensions of
/// `AnalyticsDimension::KNOWN`, over the applications `app_ids`.
fn cells(app_ids: &[String]) -> Vec<Cell<'_>> {
    AnalyticsDimension::KNOWN.iter().fold(vec![Vec::new()], |cells: Vec<Cell<'_>>, dimension| {
        let values = dimension_values(dimension, app_ids);
        cells
            .into_iter()
            .flat_map(|cell| {
                values.iter().map(move |value| {
                    let mut cell = cell.clone();
                    cell.push(*value);
                    cell
                })
            })
            .collect()
    })
}

/// The values the fake has traffic for in a dimension; one, [`OTHER`], for
/// a dimension it has no data for.
fn dimension_values<'a>(dimension: &AnalyticsDimension, app_ids: &'a [String]) -> Vec<&'a str> {
    match dimension {
        AnalyticsDimension::Event => EVENTS.to_vec(),
        AnalyticsDimension::AppId => app_ids.iter().map(String::as_str).collect(),
        AnalyticsDimension::ColoName => COLOS.to_vec(),
        AnalyticsDimension::IpVersion => IP_VERSIONS.to_vec(),
        _ => vec![OTHER],
    }
}

/// Where a dimension's value is in a cell.
fn position(dimension: &AnalyticsDimension) -> Option<usize> {
    AnalyticsDimension::KNOWN.iter().position(|known| known == dimension)
}

/// The values of a list parameter (`metrics`, `dimensions`), each one the
/// document lists for `T`, or a 400 naming the first that is not.
fn listed<T: Known>(params: &Params, key: &str, what: &str) -> Result<Vec<T>, FakeError> {
    params
        .list(key)
        .iter()
        .map(|text| {
            T::parse(text).ok_or_else(|| FakeError::query(format!("unknown {what} {text:?}; known: {}", T::listing())))
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Metrics are computed by a rule chosen from their name, so one the
    /// document adds later (here as `Unknown`) gets numbers too.
    #[test]
    fn a_metric_new_to_the_document_is_computed() {
        assert_eq!(Kind::of(&AnalyticsMetric::from("bytesTotal")), Kind::Sum { base: 1_000.0, spread: 20_000_000 });
        assert_eq!(Kind::of(&AnalyticsMetric::from("packets")), Kind::Sum { base: 10.0, spread: 990 });
        assert_eq!(Kind::of(&AnalyticsMetric::from("durationMax")), Kind::Duration(1.0));
        let median = duration_factor("Median");
        assert!((median - std::f64::consts::LN_2).abs() < 1e-12);
        assert_eq!(duration_factor("50th"), median);
        assert!(duration_factor("75th") > 1.0 && duration_factor("75th") < duration_factor("90th"));

        let apps = ["0123456789abcdef0123456789abcdef".to_owned()];
        let cells = cells(&apps);
        assert_eq!(cells.len(), EVENTS.len() * COLOS.len() * IP_VERSIONS.len());
        for name in ["bytesTotal", "packets", "durationMax", "duration95th"] {
            assert!(aggregate(&cells, &AnalyticsMetric::from(name), 6.0) > 0.0, "{name}");
        }
    }
}
