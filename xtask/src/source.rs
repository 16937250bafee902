//! Loading the published schema from a file or an `http(s)://` URL.

use std::time::Duration;

use crate::Result;

/// The largest published schema accepted from a URL (the real one is a few MB).
const MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

/// Reads the text of `from`: a URL starting with `https://` or `http://`, or
/// a file path.
pub fn load(from: &str) -> Result<String> {
    if from.starts_with("https://") || from.starts_with("http://") {
        fetch(from)
    } else {
        std::fs::read_to_string(from).map_err(|e| format!("cannot read {from}: {e}"))
    }
}

/// Downloads `url` with a blocking client and a two-minute overall timeout.
fn fetch(url: &str) -> Result<String> {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(120))).build().into();
    let mut response = agent.get(url).call().map_err(|e| format!("cannot download {url}: {e}"))?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .read_to_string()
        .map_err(|e| format!("cannot read the body of {url}: {e}"))
}
