//! The HTTP status and headers of a call, for callers who want them.

use std::cell::RefCell;
use std::future::Future;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::types::ResponseInfo;
use crate::{Error, Result};

/// What came back with a successful response besides its result.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers (`cf-ray`, rate-limit headers, …).
    pub headers: HeaderMap,
    /// How many attempts the call took.
    pub attempts: u32,
    /// Informational messages from the envelope.
    pub messages: Vec<ResponseInfo>,
}

impl ResponseMeta {
    /// The `cf-ray` header, which identifies the request to Cloudflare.
    pub fn cf_ray(&self) -> Option<&str> {
        self.header("cf-ray")
    }

    /// A response header as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

tokio::task_local! {
    static SLOT: RefCell<Option<ResponseMeta>>;
}

/// Runs `call` and returns its result with the [`ResponseMeta`] of the
/// (last) request it made.
///
/// ```no_run
/// # async fn demo(client: cloudflare_spectrum::Client) -> cloudflare_spectrum::Result<()> {
/// use cloudflare_spectrum::with_metadata;
/// let (app, meta) = with_metadata(client.spectrum_apps_get("023e105f4ecef8ad9ca31a8372d0c353", "ea95132c15732412d22c1476fa83f27a")).await?;
/// println!("{} via ray {:?}, rate limit left {:?}", app.protocol, meta.cf_ray(), meta.header("ratelimit-remaining"));
/// # Ok(()) }
/// ```
pub async fn with_metadata<T>(call: impl Future<Output = Result<T>>) -> Result<(T, ResponseMeta)> {
    let (result, meta) = SLOT
        .scope(RefCell::new(None), async {
            let result = call.await;
            (result, SLOT.with(|slot| slot.borrow_mut().take()))
        })
        .await;
    let value = result?;
    let meta = meta.ok_or_else(|| Error::InvalidInput {
        field: "call",
        message: "with_metadata was given a future that made no request".into(),
    })?;
    Ok((value, meta))
}

/// Whether the call runs inside [`with_metadata`].
pub(crate) fn wanted() -> bool {
    SLOT.try_with(|_| ()).is_ok()
}

/// Stores `meta` for an enclosing [`with_metadata`], if any.
pub(crate) fn record(meta: ResponseMeta) {
    let _ = SLOT.try_with(|slot| *slot.borrow_mut() = Some(meta));
}
