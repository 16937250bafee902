//! Maintenance tasks for the `cloudflare-spectrum` crate, run as `cargo xtask`.
//!
//! The curated document `openapi/spectrum.json` is the only list of the
//! operations the crate covers ([`ops`]); `openapi/manifest.json` holds only
//! the scope, the API area around them ([`manifest`]).
//!
//! * [`refresh`] cuts the document's operations (matched by method and
//!   path) and those in the scope out of Cloudflare's published OpenAPI
//!   schema, reports how they drift from the curated document, and can
//!   write the structural changes into it while keeping the curation
//!   described by `openapi/overlay.json`.
//! * [`check`] validates the curated document (used by CI), including that
//!   every operation has a test named after it in `tests/conformance.rs`
//!   ([`conformance`]).

pub mod align;
pub mod apply;
pub mod check;
pub mod conformance;
pub mod convert;
pub mod cut;
pub mod diff;
pub mod json;
pub mod manifest;
pub mod normalize;
pub mod ops;
pub mod overlay;
pub mod refresh;
pub mod report;
pub mod source;

/// Errors are plain messages meant for the person running the task.
pub type Result<T> = std::result::Result<T, String>;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}
