//! The test kits, for the tests of code that uses this crate: typed
//! httpmock helpers ([`mock`], feature `mock`) and an in-process fake of the
//! API ([`fake`], feature `fake`).

#[cfg(feature = "fake")]
pub mod fake;
#[cfg(feature = "mock")]
pub mod mock;
