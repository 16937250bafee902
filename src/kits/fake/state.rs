//! What the fake keeps in memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};

use super::faults::Faults;
use crate::types::{MagicAccountApp, SpectrumApp};

/// The credentials the fake accepts.
#[derive(Clone)]
pub(crate) struct Accepted {
    /// The API token.
    pub(crate) token: String,
    /// The account email, with `api_key`.
    pub(crate) email: String,
    /// The Global API key, with `email`.
    pub(crate) api_key: String,
    /// The user service key.
    pub(crate) user_service_key: String,
}

/// Applications, by lower-case zone or account id, oldest first.
#[derive(Default)]
pub(crate) struct Data {
    /// Spectrum applications, by zone.
    pub(crate) spectrum: HashMap<String, Vec<SpectrumApp>>,
    /// Magic account apps, by account.
    pub(crate) magic: HashMap<String, Vec<MagicAccountApp>>,
}

/// State shared by the handlers of one fake.
pub(crate) struct Shared {
    /// The credentials accepted.
    pub(crate) accepted: Accepted,
    /// The applications.
    data: Mutex<Data>,
    /// The script and the request log.
    faults: Mutex<Faults>,
    /// The next `cf-ray` number.
    rays: AtomicU64,
}

impl Shared {
    /// Empty state accepting these credentials.
    pub(crate) fn new(accepted: Accepted) -> Self {
        Self { accepted, data: Mutex::default(), faults: Mutex::default(), rays: AtomicU64::new(fastrand::u64(..)) }
    }

    /// The applications (the lock is never held across an `await`).
    pub(crate) fn data(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The script and the request log.
    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A `cf-ray` value for the next response.
    pub(crate) fn next_ray(&self) -> String {
        format!("{:016x}-FAKE", self.rays.fetch_add(1, Ordering::Relaxed))
    }
}

/// Whether `value` is a Cloudflare identifier: 32 hexadecimal digits.
pub(crate) fn is_id(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A new random identifier, distinct from `taken`.
pub(crate) fn new_id(taken: impl Fn(&str) -> bool) -> String {
    loop {
        let id = format!("{:032x}", fastrand::u128(..));
        if !taken(&id) {
            return id;
        }
    }
}

/// The current time to the microsecond, as the API reports it.
pub(crate) fn now() -> DateTime<Utc> {
    use chrono::SubsecRound as _;
    Utc::now().trunc_subsecs(6)
}
