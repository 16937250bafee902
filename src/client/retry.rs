//! When to retry, and how long to wait.
//!
//! * Retried: connection errors, timeouts, 408, 409, 429 and 5xx, unless the
//!   server says `x-should-retry: false`; `x-should-retry: true` retries any
//!   other non-success response. Never retried: a 2xx (whatever its
//!   headers), other 4xx, decode errors, `success: false`.
//! * Writes are not duplicated: a POST is retried only when the request
//!   certainly did not reach the API (the connection could not be made), when
//!   the API answered 429 or 503 with a `Retry-After`, or when it said
//!   `x-should-retry: true`.
//! * Delay: `retry-after-ms`, else `Retry-After` (seconds or HTTP date),
//!   else exponential backoff from 0.5 s capped at 8 s with jitter. A
//!   server delay above [`RetryPolicy::max_retry_after`] ends the retries;
//!   a whole number of seconds too large for a `Duration` counts as the
//!   longest delay, not as garbage.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// Retry settings of a client (and of one call, through
/// [`RequestOptions`](crate::RequestOptions)).
///
/// ```
/// use std::time::Duration;
/// let policy = cloudflare_spectrum::RetryPolicy::new().max_retries(4).max_backoff(Duration::from_secs(2));
/// assert_eq!(policy.max_retries, 4);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retries. Default 2.
    pub max_retries: u32,
    /// First backoff delay. Default 0.5 s.
    pub initial_backoff: Duration,
    /// Largest backoff delay. Default 8 s.
    pub max_backoff: Duration,
    /// Largest server-requested delay honoured; beyond it the client gives
    /// up and returns the error with the delay asked for. Default 60 s.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Retries after the first attempt; 0 disables retries.
        max_retries(u32) => max_retries;
        /// First backoff delay.
        initial_backoff(Duration) => initial_backoff;
        /// Largest backoff delay.
        max_backoff(Duration) => max_backoff;
        /// Largest server-requested delay honoured.
        max_retry_after(Duration) => max_retry_after;
    }
}

/// What to do after an attempt.
#[derive(Debug, PartialEq)]
pub(crate) enum Decision {
    /// Return this outcome to the caller.
    Stop,
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// The server asked for a delay above the cap: stop, reporting it.
    GiveUp(Duration),
}

/// How an attempt ended, as far as the retry policy cares.
pub(crate) enum Outcome<'a> {
    /// A response arrived with this status and headers.
    Response(StatusCode, &'a HeaderMap),
    /// No connection could be made: the request never reached the server.
    NotSent,
    /// The request may have reached the server (timeout, reset, body error).
    Failed,
}

impl RetryPolicy {
    /// Decides what follows attempt number `attempt` (1-based).
    pub(crate) fn decide(&self, method: &Method, attempt: u32, outcome: &Outcome<'_>) -> Decision {
        if attempt > self.max_retries {
            return Decision::Stop;
        }
        let idempotent = *method != Method::POST;
        let (retry, server_delay) = match outcome {
            Outcome::NotSent => (true, None),
            Outcome::Failed => (idempotent, None),
            // A success is final whatever the headers say: retrying it would
            // discard the result (and repeat a create).
            Outcome::Response(status, _) if status.is_success() => (false, None),
            Outcome::Response(status, headers) => {
                let delay = server_delay(headers);
                let retry = match should_retry_header(headers) {
                    Some(said) => said,
                    None if idempotent => retryable_status(*status),
                    None => {
                        delay.is_some()
                            && matches!(*status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE)
                    }
                };
                (retry, delay)
            }
        };
        match (retry, server_delay) {
            (false, _) => Decision::Stop,
            (true, Some(delay)) if delay > self.max_retry_after => Decision::GiveUp(delay),
            (true, Some(delay)) => Decision::RetryAfter(delay),
            (true, None) => Decision::RetryAfter(self.backoff(attempt)),
        }
    }

    /// Exponential backoff for attempt `attempt` (1-based), with up to 25 %
    /// of it taken off at random so that clients do not retry in step.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_backoff);
        capped.mul_f64(1.0 - 0.25 * fastrand::f64())
    }
}

/// Statuses worth retrying on an idempotent request.
fn retryable_status(status: StatusCode) -> bool {
    matches!(status, StatusCode::REQUEST_TIMEOUT | StatusCode::CONFLICT | StatusCode::TOO_MANY_REQUESTS)
        || status.is_server_error()
}

/// `x-should-retry: true` or `false` (anything else says nothing).
fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    headers.get("x-should-retry")?.to_str().ok()?.parse().ok()
}

/// The delay the server asked for: `retry-after-ms`, else `Retry-After` as
/// (possibly fractional) seconds or as an HTTP date.
pub(crate) fn server_delay(headers: &HeaderMap) -> Option<Duration> {
    // Names made once: a `&str` name is parsed at every lookup.
    static RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");
    let text = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(delay) = text(&RETRY_AFTER_MS).and_then(|v| delay_of(v, 1000.0)) {
        return Some(delay);
    }
    let value = text(&RETRY_AFTER)?;
    if value.parse::<f64>().is_ok() {
        return delay_of(value, 1.0);
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// The delay `value / per_second` seconds, for a non-negative number. A
/// whole number too large for a `Duration` is still a delay, the longest
/// one (RFC 9110 §1.2.1 saturates delta-seconds), not garbage to ignore.
fn delay_of(value: &str, per_second: f64) -> Option<Duration> {
    let number = value.parse::<f64>().ok()?;
    match Duration::try_from_secs_f64(number / per_second) {
        Ok(delay) => Some(delay),
        Err(_) if value.bytes().all(|b| b.is_ascii_digit()) => Some(Duration::MAX),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn server_delay_formats() {
        assert_eq!(server_delay(&headers(&[("retry-after", "3")])), Some(Duration::from_secs(3)));
        assert_eq!(server_delay(&headers(&[("retry-after", "1.5")])), Some(Duration::from_millis(1500)));
        assert_eq!(
            server_delay(&headers(&[("retry-after-ms", "250"), ("retry-after", "9")])),
            Some(Duration::from_millis(250))
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        assert_eq!(server_delay(&headers(&[("retry-after", &past)])), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let d = server_delay(&headers(&[("retry-after", &later)])).unwrap();
        assert!(d > Duration::from_secs(28) && d <= Duration::from_secs(30), "{d:?}");
        assert_eq!(server_delay(&headers(&[("retry-after", "-1")])), None);
        assert_eq!(server_delay(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(server_delay(&headers(&[("retry-after", "1e300")])), None);
    }

    #[test]
    fn absurd_server_delays_saturate_or_are_ignored() {
        let huge = "99999999999999999999";
        assert_eq!(server_delay(&headers(&[("retry-after", huge)])), Some(Duration::MAX));
        assert_eq!(server_delay(&headers(&[("retry-after-ms", "9999999999999999999999999")])), Some(Duration::MAX));
        assert_eq!(
            server_delay(&headers(&[("retry-after-ms", "-1"), ("retry-after", "2")])),
            Some(Duration::from_secs(2))
        );
        for garbage in ["NaN", "inf", "-inf", "1e999", "-99999999999999999999"] {
            assert_eq!(server_delay(&headers(&[("retry-after", garbage)])), None, "{garbage}");
        }
        let p = RetryPolicy::default();
        let outcome = headers(&[("retry-after", huge)]);
        assert_eq!(
            p.decide(&Method::GET, 1, &Outcome::Response(StatusCode::SERVICE_UNAVAILABLE, &outcome)),
            Decision::GiveUp(Duration::MAX)
        );
    }

    #[test]
    fn a_success_is_never_retried_whatever_the_headers_say() {
        let p = RetryPolicy::default();
        let yes = headers(&[("x-should-retry", "true"), ("retry-after", "1")]);
        for method in [Method::GET, Method::POST] {
            for code in [200, 201, 204] {
                let s = StatusCode::from_u16(code).unwrap();
                assert_eq!(p.decide(&method, 1, &Outcome::Response(s, &yes)), Decision::Stop, "{method} {code}");
            }
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 1..=40 {
            let d = p.backoff(attempt);
            let full = Duration::from_millis(500).saturating_mul(1 << (attempt - 1).min(16)).min(p.max_backoff);
            assert!(d <= full && d >= full.mul_f64(0.75), "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn post_is_retried_only_when_safe() {
        let p = RetryPolicy::default();
        let none = HeaderMap::new();
        let after = headers(&[("retry-after", "1")]);
        let post = Method::POST;
        assert_eq!(p.decide(&post, 1, &Outcome::Failed), Decision::Stop);
        assert!(matches!(p.decide(&post, 1, &Outcome::NotSent), Decision::RetryAfter(_)));
        assert_eq!(p.decide(&post, 1, &Outcome::Response(StatusCode::BAD_GATEWAY, &none)), Decision::Stop);
        assert_eq!(p.decide(&post, 1, &Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &none)), Decision::Stop);
        assert_eq!(
            p.decide(&post, 1, &Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &after)),
            Decision::RetryAfter(Duration::from_secs(1))
        );
        assert_eq!(
            p.decide(&post, 1, &Outcome::Response(StatusCode::SERVICE_UNAVAILABLE, &after)),
            Decision::RetryAfter(Duration::from_secs(1))
        );
        assert_eq!(p.decide(&post, 1, &Outcome::Response(StatusCode::BAD_GATEWAY, &after)), Decision::Stop);
    }

    #[test]
    fn statuses_and_headers() {
        let p = RetryPolicy::default();
        let none = HeaderMap::new();
        for code in [408, 409, 429, 500, 502, 503, 504, 599] {
            let s = StatusCode::from_u16(code).unwrap();
            assert!(
                matches!(p.decide(&Method::GET, 1, &Outcome::Response(s, &none)), Decision::RetryAfter(_)),
                "{code}"
            );
        }
        for code in [200, 301, 400, 401, 403, 404, 422] {
            let s = StatusCode::from_u16(code).unwrap();
            assert_eq!(p.decide(&Method::GET, 1, &Outcome::Response(s, &none)), Decision::Stop, "{code}");
        }
        let no = headers(&[("x-should-retry", "false")]);
        assert_eq!(p.decide(&Method::GET, 1, &Outcome::Response(StatusCode::BAD_GATEWAY, &no)), Decision::Stop);
        let yes = headers(&[("x-should-retry", "true")]);
        assert!(matches!(
            p.decide(&Method::POST, 1, &Outcome::Response(StatusCode::BAD_REQUEST, &yes)),
            Decision::RetryAfter(_)
        ));
        assert_eq!(p.decide(&Method::GET, 3, &Outcome::NotSent), Decision::Stop);
        let long = headers(&[("retry-after", "120")]);
        assert_eq!(
            p.decide(&Method::GET, 1, &Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &long)),
            Decision::GiveUp(Duration::from_secs(120))
        );
    }
}
