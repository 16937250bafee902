//! Lists: one page, or every page as a lazy stream.

use futures::{Stream, StreamExt as _, TryStreamExt as _, stream};

use crate::spectrum_apps::ListApps;
use crate::types::{Identifier, ResultInfo, SpectrumApp};
use crate::{Client, Error, Result};

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of the page, in the order sent.
    pub items: Vec<T>,
    /// Pagination details, when the API sent them.
    pub result_info: Option<ResultInfo>,
}

const DEFAULT_PER_PAGE: u32 = 100;
const DEFAULT_MAX_PAGES: u32 = 10_000;

struct Cursor {
    client: Client,
    zone_id: String,
    query: ListApps,
    page: u32,
    seen: u64,
    previous: Vec<Identifier>,
    done: bool,
}

impl Cursor {
    /// Fetches the next page, or `None` once the list is exhausted.
    async fn next(mut self) -> Result<Option<(Vec<SpectrumApp>, Cursor)>> {
        let max_pages = self.query.max_pages.unwrap_or(DEFAULT_MAX_PAGES);
        if self.done {
            return Ok(None);
        }
        if self.page >= self.query.page.unwrap_or(1).saturating_add(max_pages) {
            return Err(Error::Pagination(format!(
                "more than {max_pages} pages; raise ListApps::max_pages"
            )));
        }
        let query = ListApps {
            page: Some(self.page),
            ..self.query.clone()
        };
        let page = self.client.spectrum_apps_list(&self.zone_id, &query).await?;
        let count = page.items.len();
        if count == 0 {
            return Ok(None);
        }
        let ids: Vec<Identifier> = page.items.iter().map(|app| app.id.clone()).collect();
        if ids == self.previous {
            return Err(Error::Pagination(format!(
                "page {} repeats the previous page",
                self.page
            )));
        }
        self.seen += count as u64;
        // Totals are authoritative; without them a page shorter than the
        // page size (the server's, else the one asked for) is the last one.
        self.done = match &page.result_info {
            None => true,
            Some(info) => match (info.total_pages, info.total_count) {
                (Some(total), _) => u64::from(self.page) >= total,
                (None, Some(total)) => self.seen >= total,
                (None, None) => {
                    let per_page = info
                        .per_page
                        .unwrap_or(u64::from(query.per_page.unwrap_or(DEFAULT_PER_PAGE)));
                    (count as u64) < per_page
                }
            },
        };
        self.previous = ids;
        self.page = self.page.saturating_add(1);
        Ok(Some((page.items, self)))
    }
}

impl Client {
    /// Every Spectrum application of a zone, fetched page after page as the
    /// stream is polled (one page in memory at a time).
    ///
    /// Stops after the last page: by `result_info.total_pages` or
    /// `total_count` when sent, else at a page shorter than the page size,
    /// or at an empty page. A server that repeats a page, or more pages than
    /// [`ListApps::max_pages`], ends the stream with [`Error::Pagination`].
    ///
    /// ```no_run
    /// # async fn demo(client: cloudflare_spectrum::Client) -> cloudflare_spectrum::Result<()> {
    /// use futures::TryStreamExt;
    /// use cloudflare_spectrum::ListApps;
    /// let mut apps = client.spectrum_apps_stream("023e105f4ecef8ad9ca31a8372d0c353", ListApps::new().per_page(50));
    /// while let Some(app) = apps.try_next().await? {
    ///     println!("{} {}", app.id.as_str(), app.protocol);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn spectrum_apps_stream(
        &self,
        zone_id: &str,
        query: ListApps,
    ) -> impl Stream<Item = Result<SpectrumApp>> + Send + 'static {
        let query = ListApps {
            per_page: Some(query.per_page.unwrap_or(DEFAULT_PER_PAGE)),
            ..query
        };
        let cursor = Cursor {
            client: self.clone(),
            zone_id: zone_id.to_owned(),
            page: query.page.unwrap_or(1),
            query,
            seen: 0,
            previous: Vec::new(),
            done: false,
        };
        stream::try_unfold(cursor, Cursor::next)
            .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every Spectrum application of a zone, collected (see
    /// [`spectrum_apps_stream`](Self::spectrum_apps_stream)).
    pub async fn spectrum_apps_list_all(&self, zone_id: &str, query: ListApps) -> Result<Vec<SpectrumApp>> {
        self.spectrum_apps_stream(zone_id, query).try_collect().await
    }
}
