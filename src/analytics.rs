//! Spectrum analytics: `/zones/{zone_id}/spectrum/analytics/…`.

use chrono::{DateTime, Utc};

use crate::client::id;
use crate::envelope::finish;
use crate::types::{
    AnalyticsDimension, AnalyticsMetric, AnalyticsTimeDelta, SpectrumAnalyticsCurrent, SpectrumAnalyticsReport,
};
use crate::{Client, Error, Result};

/// Query of the analytics event reports (summary and by time).
///
/// Lists are sent as repeated keys (`metrics=count&metrics=bytesIngress`);
/// `filters` and the times are percent-encoded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventsQuery {
    /// Metrics to compute (the API's default when empty).
    pub metrics: Vec<AnalyticsMetric>,
    /// Attributes to break the data down by.
    pub dimensions: Vec<AnalyticsDimension>,
    /// Sort fields, each among the metrics or dimensions (`-` for descending).
    pub sort: Vec<String>,
    /// Filter expression, such as `event==connect;coloName==SFO`.
    pub filters: Option<String>,
    /// Start of the interval (default: six hours before `until`).
    pub since: Option<DateTime<Utc>>,
    /// End of the interval (default: now).
    pub until: Option<DateTime<Utc>>,
}

/// `Some(items)` unless empty: an empty list is not sent at all.
fn non_empty<T>(items: &Vec<T>) -> Option<&Vec<T>> {
    (!items.is_empty()).then_some(items)
}

impl Client {
    /// Current aggregates per application
    /// (`GET /zones/{zone_id}/spectrum/analytics/aggregate/current`),
    /// optionally only for `app_ids` and one colo.
    pub async fn spectrum_analytics_current(
        &self,
        zone_id: &str,
        app_ids: &[&str],
        colo_name: Option<&str>,
    ) -> Result<Vec<SpectrumAnalyticsCurrent>> {
        let zone_id = id("zone_id", zone_id)?;
        for app_id in app_ids {
            // Sent comma-joined: a comma inside one id would make two.
            id("app_ids", app_id)?;
            if app_id.contains(',') {
                return Err(Error::InvalidInput {
                    field: "app_ids",
                    message: format!("{app_id:?} contains a comma"),
                });
            }
        }
        let app_ids = (!app_ids.is_empty()).then(|| app_ids.join(","));
        let raw = self.raw();
        let sent = raw
            .spectrum_analytics_current(&zone_id, app_ids.as_deref(), colo_name)
            .await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// A time series of events
    /// (`GET /zones/{zone_id}/spectrum/analytics/events/bytime`).
    pub async fn spectrum_analytics_bytime(
        &self,
        zone_id: &str,
        time_delta: AnalyticsTimeDelta,
        query: &EventsQuery,
    ) -> Result<SpectrumAnalyticsReport> {
        let zone_id = id("zone_id", zone_id)?;
        let raw = self.raw();
        let q = query;
        let sent = raw
            .spectrum_analytics_bytime(
                &zone_id,
                non_empty(&q.dimensions),
                q.filters.as_deref(),
                non_empty(&q.metrics),
                q.since.as_ref(),
                non_empty(&q.sort),
                &time_delta,
                q.until.as_ref(),
            )
            .await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// Events summed over the interval
    /// (`GET /zones/{zone_id}/spectrum/analytics/events/summary`).
    pub async fn spectrum_analytics_summary(
        &self,
        zone_id: &str,
        query: &EventsQuery,
    ) -> Result<SpectrumAnalyticsReport> {
        let zone_id = id("zone_id", zone_id)?;
        let raw = self.raw();
        let q = query;
        let sent = raw
            .spectrum_analytics_summary(
                &zone_id,
                non_empty(&q.dimensions),
                q.filters.as_deref(),
                non_empty(&q.metrics),
                q.since.as_ref(),
                non_empty(&q.sort),
                q.until.as_ref(),
            )
            .await;
        Ok(finish(&raw, sent).await?.result)
    }
}
