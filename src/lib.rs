//! A Rust client for the Cloudflare Spectrum and Magic account apps APIs.
//!
//! Every type and every operation comes from the curated OpenAPI document
//! `openapi/spectrum.json`, generated at build time (`build.rs`): each
//! operation is one `async` method of [`Client`] named after its
//! operationId, returning the typed `result` of Cloudflare's envelope. The
//! handwritten layer adds authentication, timeouts, safe retries, bounded
//! (decompressed) bodies, tolerant decoding, typed errors, pagination and
//! tracing.
//!
//! ```no_run
//! use cloudflare_spectrum::{Client, ListApps};
//!
//! # async fn demo() -> cloudflare_spectrum::Result<()> {
//! let client = Client::from_env()?; // CLOUDFLARE_API_TOKEN, …
//! let zone = "023e105f4ecef8ad9ca31a8372d0c353";
//! let page = client.spectrum_apps_list(zone, &ListApps::new().page(1).per_page(20)).await?;
//! for app in &page.items {
//!     println!("{} {} {:?}", app.id, app.protocol, app.traffic_type);
//! }
//! # Ok(()) }
//! ```
//!
//! The layers, each in a folder of its own:
//!
//! * `client/`: the core (configuration, credentials, the one call path,
//!   errors), which knows no operation;
//! * `api/`: the operations, generated, with the pagination stream;
//! * `apps/`: apps as code (export, plan, apply), on top of the API;
//! * `kits/`: the test kits, [`mock`] and [`fake`] (features of the same
//!   names).
#![warn(missing_docs)]

// `setters!` (client/mod.rs) serves the modules after it.
#[macro_use]
mod client;
mod api;
pub mod apps;
mod kits;

/// Every request and response type, generated from the document.
#[allow(missing_docs, clippy::all)]
pub mod types {
    include!(concat!(env!("OUT_DIR"), "/types.rs"));
    include!(concat!(env!("OUT_DIR"), "/enums.rs"));
    pub use crate::client::enums::UnknownValue;
    pub use crate::client::identifier::{Identifier, IdentifierError};
}

pub use api::*;
pub use client::auth::Credentials;
pub use client::config::{
    ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, env,
};
pub use client::error::{ApiError, DecodeError, EXCERPT_LIMIT, Error, HttpError, Result};
pub use client::response::{Response, ResponseMeta, WithMetadata};
pub use client::retry::RetryPolicy;
pub use client::{Client, RequestOptions};
#[cfg(feature = "fake")]
pub use kits::fake;
#[cfg(feature = "mock")]
pub use kits::mock;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
