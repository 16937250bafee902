//! Spectrum applications and protocols: `/zones/{zone_id}/spectrum/apps…`
//! and `/zones/{zone_id}/spectrum/protocols`.

use crate::client::id;
use crate::envelope::finish;
use crate::types::{SortDirection, SpectrumApp, SpectrumAppConfig, SpectrumAppId, SpectrumAppsOrder, SpectrumProtocol};
use crate::{Client, Error, Page, Result};

/// Query of [`Client::spectrum_apps_list`] and of the list stream.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListApps {
    /// Page to fetch, from 1 (the stream starts here; default 1).
    pub page: Option<u32>,
    /// Applications per page (the API accepts 1 to 100; the stream defaults
    /// to 100).
    pub per_page: Option<u32>,
    /// Field to order by.
    pub order: Option<SpectrumAppsOrder>,
    /// Direction of the order.
    pub direction: Option<SortDirection>,
    /// Most pages the stream fetches before it stops with
    /// [`Error::Pagination`] (default 10,000).
    pub max_pages: Option<u32>,
}

impl ListApps {
    /// The default query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size.
    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Sets the order and its direction.
    pub fn order(mut self, order: SpectrumAppsOrder, direction: SortDirection) -> Self {
        self.order = Some(order);
        self.direction = Some(direction);
        self
    }
}

/// A page number or size must be at least 1 (the type's contract); the
/// upper limit of `per_page` is left to the API, which may raise it.
fn at_least_one(field: &'static str, value: Option<u32>) -> Result<Option<std::num::NonZeroU32>> {
    value
        .map(|v| {
            std::num::NonZeroU32::new(v).ok_or(Error::InvalidInput {
                field,
                message: "must be at least 1".into(),
            })
        })
        .transpose()
}

impl Client {
    /// Lists one page of a zone's Spectrum applications
    /// (`GET /zones/{zone_id}/spectrum/apps`). `result_info` is present when
    /// `page` is set. To walk every page, use
    /// [`spectrum_apps_stream`](Self::spectrum_apps_stream).
    pub async fn spectrum_apps_list(&self, zone_id: &str, query: &ListApps) -> Result<Page<SpectrumApp>> {
        let zone_id = id("zone_id", zone_id)?;
        let page = at_least_one("page", query.page)?;
        let per_page = at_least_one("per_page", query.per_page)?;
        let raw = self.raw();
        let sent = raw
            .spectrum_apps_list(&zone_id, query.direction, query.order, page, per_page)
            .await;
        let parts = finish(&raw, sent).await?;
        Ok(Page {
            items: parts.result,
            result_info: parts.result_info,
        })
    }

    /// Gets one Spectrum application (`GET /zones/{zone_id}/spectrum/apps/{app_id}`).
    pub async fn spectrum_apps_get(&self, zone_id: &str, app_id: &str) -> Result<SpectrumApp> {
        let (zone_id, app_id) = (id("zone_id", zone_id)?, id("app_id", app_id)?);
        let raw = self.raw();
        let sent = raw.spectrum_apps_get(&zone_id, &app_id).await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// Creates a Spectrum application (`POST /zones/{zone_id}/spectrum/apps`)
    /// from a full or a pay-as-you-go configuration.
    pub async fn spectrum_apps_create(&self, zone_id: &str, config: &SpectrumAppConfig) -> Result<SpectrumApp> {
        let zone_id = id("zone_id", zone_id)?;
        let raw = self.raw();
        let sent = raw.spectrum_apps_create(&zone_id, config).await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// Replaces a Spectrum application's configuration
    /// (`PUT /zones/{zone_id}/spectrum/apps/{app_id}`). A fetched
    /// [`SpectrumApp`] converts into the body with `SpectrumAppConfig::from`,
    /// keeping fields and values this crate does not know.
    pub async fn spectrum_apps_update(
        &self,
        zone_id: &str,
        app_id: &str,
        config: &SpectrumAppConfig,
    ) -> Result<SpectrumApp> {
        let (zone_id, app_id) = (id("zone_id", zone_id)?, id("app_id", app_id)?);
        let raw = self.raw();
        let sent = raw.spectrum_apps_update(&zone_id, &app_id, config).await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// Deletes a Spectrum application
    /// (`DELETE /zones/{zone_id}/spectrum/apps/{app_id}`); returns its id.
    pub async fn spectrum_apps_delete(&self, zone_id: &str, app_id: &str) -> Result<SpectrumAppId> {
        let (zone_id, app_id) = (id("zone_id", zone_id)?, id("app_id", app_id)?);
        let raw = self.raw();
        let sent = raw.spectrum_apps_delete(&zone_id, &app_id).await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// Lists the protocols Spectrum can proxy for a zone
    /// (`GET /zones/{zone_id}/spectrum/protocols`).
    pub async fn spectrum_protocols_list(&self, zone_id: &str) -> Result<Vec<SpectrumProtocol>> {
        let zone_id = id("zone_id", zone_id)?;
        let raw = self.raw();
        let sent = raw.spectrum_protocols_list(&zone_id).await;
        Ok(finish(&raw, sent).await?.result)
    }
}
