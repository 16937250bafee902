//! Lists: one [`Page`], or every page as a lazy stream, [`Pages`].

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream};
use futures::{Stream, StreamExt as _, TryStreamExt as _};

use crate::types::ResultInfo;
use crate::{Error, Result};

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of the page, in the order sent.
    pub items: Vec<T>,
    /// Pagination details, when the API sent them.
    pub result_info: Option<ResultInfo>,
}

/// The most pages a stream fetches unless told otherwise.
pub const DEFAULT_MAX_PAGES: u32 = 10_000;

pub(crate) type Fetch<T> = Arc<dyn Fn(u32, u32) -> BoxFuture<'static, Result<Page<T>>> + Send + Sync>;

/// Every item of a list, fetched page after page as the stream is polled
/// (one page in memory at a time), with the query it was made from
/// carried into every request.
///
/// It ends only on evidence that the list is complete:
///
/// * `result_info.total_pages` reached, or `total_count` items seen;
/// * without totals, a page shorter than the page size (the server's
///   `result_info.per_page`, else the one asked for);
/// * an empty page.
///
/// A full page without totals is followed by the next one, never taken as
/// the end. A server that repeats the previous page, contradicts its totals
/// (its last page arrives with fewer items than `total_count`), or sends more
/// than [`max_pages`](Self::max_pages) pages ends the stream with
/// [`Error::Pagination`]; any other failure ends it with that error.
#[must_use = "a stream does nothing until polled"]
pub struct Pages<T> {
    cursor: Option<Cursor<T>>,
    stream: Option<BoxStream<'static, Result<T>>>,
}

struct Cursor<T> {
    fetch: Fetch<T>,
    start: u32,
    page: u32,
    per_page: u32,
    max_pages: u32,
    seen: u64,
    /// First item, last item and length of the previous page.
    previous: Option<(T, T, usize)>,
    /// How the stream ends once the items already read are handed out:
    /// complete, or with this error.
    end: Option<Result<()>>,
}

impl<T: Clone + PartialEq + Send + 'static> Pages<T> {
    /// A stream from page `start` (default 1), `per_page` items a page
    /// (default 20, the API's), each fetched by `fetch(page, per_page)`.
    pub(crate) fn new(start: Option<u32>, per_page: Option<u32>, fetch: Fetch<T>) -> Self {
        let start = start.unwrap_or(1);
        Self {
            cursor: Some(Cursor {
                fetch,
                start,
                page: start,
                per_page: per_page.unwrap_or(20),
                max_pages: DEFAULT_MAX_PAGES,
                seen: 0,
                previous: None,
                end: None,
            }),
            stream: None,
        }
    }

    /// The most pages fetched (default [`DEFAULT_MAX_PAGES`]): a list with
    /// more ends with [`Error::Pagination`] instead of going on, which
    /// bounds the requests a misbehaving server can cause. Takes effect
    /// only before the first poll.
    pub fn max_pages(mut self, max_pages: u32) -> Self {
        if let Some(cursor) = &mut self.cursor {
            cursor.max_pages = max_pages;
        }
        self
    }
}

impl<T: Clone + PartialEq + Send + 'static> Cursor<T> {
    /// The next page's items, or `None` once the list is complete.
    async fn next(mut self) -> Result<Option<(Vec<T>, Self)>> {
        if let Some(end) = self.end.take() {
            return end.map(|()| None);
        }
        if self.page.saturating_sub(self.start) >= self.max_pages {
            return Err(Error::Pagination(format!("more than {} pages; raise Pages::max_pages", self.max_pages)));
        }
        let page = (self.fetch)(self.page, self.per_page).await?;
        let count = page.items.len();
        let (Some(first), Some(last)) = (page.items.first(), page.items.last()) else {
            return Ok(None);
        };
        if let Some((p_first, p_last, p_count)) = &self.previous
            && (p_first, p_last, *p_count) == (first, last, count)
        {
            return Err(Error::Pagination(format!("page {} repeats the previous page", self.page)));
        }
        self.previous = Some((first.clone(), last.clone(), count));
        self.seen += count as u64;
        self.end = self.complete(page.result_info.as_ref(), count).map(|done| done.then_some(())).transpose();
        self.page = self.page.saturating_add(1);
        Ok(Some((page.items, self)))
    }

    /// Whether the page just read, of `count` items, was the last one.
    fn complete(&self, info: Option<&ResultInfo>, count: usize) -> Result<bool> {
        let from_start = self.start == 1;
        let total_count = info.and_then(|i| i.total_count).filter(|_| from_start);
        if let Some(total_pages) = info.and_then(|i| i.total_pages)
            && u64::from(self.page) >= total_pages
        {
            return match total_count {
                Some(total) if self.seen < total => Err(Error::Pagination(format!(
                    "page {} is the last of {total_pages}, but only {} of the {total} items were sent",
                    self.page, self.seen
                ))),
                _ => Ok(true),
            };
        }
        if info.and_then(|i| i.total_pages).is_some() {
            return Ok(false);
        }
        if let Some(total) = total_count {
            return Ok(self.seen >= total);
        }
        let size = info.and_then(|i| i.per_page).unwrap_or(u64::from(self.per_page));
        Ok((count as u64) < size)
    }
}

impl<T: Clone + PartialEq + Send + Unpin + 'static> Stream for Pages<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(cursor) = self.cursor.take() {
            let items = stream::try_unfold(cursor, Cursor::next)
                .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
                .try_flatten();
            self.stream = Some(items.boxed());
        }
        match &mut self.stream {
            Some(stream) => stream.poll_next_unpin(cx),
            None => Poll::Ready(None),
        }
    }
}
