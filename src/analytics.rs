//! Spectrum analytics: `/zones/{zone_id}/spectrum/analytics/…`.

use chrono::{DateTime, Utc};

use crate::client::id;
use crate::envelope::finish;
use crate::types::{AnalyticsDimension, AnalyticsMetric, AnalyticsTimeDelta, SpectrumAnalyticsCurrent, SpectrumAnalyticsReport};
use crate::{Client, Result};

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

/// Sets the parts of an [`EventsQuery`] that are present on a generated
/// request builder (the bytime and summary builders are distinct types).
macro_rules! with_events_query {
    ($request:expr, $query:expr) => {{
        let (mut request, query) = ($request, $query);
        if !query.metrics.is_empty() {
            request = request.metrics(query.metrics.clone());
        }
        if !query.dimensions.is_empty() {
            request = request.dimensions(query.dimensions.clone());
        }
        if !query.sort.is_empty() {
            request = request.sort(query.sort.clone());
        }
        if let Some(filters) = &query.filters {
            request = request.filters(filters.clone());
        }
        if let Some(since) = query.since {
            request = request.since(since);
        }
        if let Some(until) = query.until {
            request = request.until(until);
        }
        request
    }};
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
        let raw = self.raw();
        let mut request = raw.spectrum_analytics_current().zone_id(zone_id);
        if !app_ids.is_empty() {
            request = request.app_id(app_ids.join(","));
        }
        if let Some(colo) = colo_name {
            request = request.colo_name(colo);
        }
        Ok(finish(&raw, request.send().await).await?.result)
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
        let request = raw.spectrum_analytics_bytime().zone_id(zone_id).time_delta(time_delta);
        let sent = with_events_query!(request, query).send().await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// Events summed over the interval
    /// (`GET /zones/{zone_id}/spectrum/analytics/events/summary`).
    pub async fn spectrum_analytics_summary(&self, zone_id: &str, query: &EventsQuery) -> Result<SpectrumAnalyticsReport> {
        let zone_id = id("zone_id", zone_id)?;
        let raw = self.raw();
        let request = raw.spectrum_analytics_summary().zone_id(zone_id);
        let sent = with_events_query!(request, query).send().await;
        Ok(finish(&raw, sent).await?.result)
    }
}
