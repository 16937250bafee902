//! The error codes the fake puts in its error envelopes.
//!
//! Codes Cloudflare documents are reused with their meaning; the others
//! (marked *fake*) are this fake's own choice, stable across versions.

/// 403: no credentials were sent (Cloudflare's "Authentication error").
pub const AUTHENTICATION_ERROR: u64 = 10000;
/// 403: the API token or user service key is not the accepted one.
pub const INVALID_TOKEN: u64 = 9109;
/// 403: the email or Global API key is not the accepted one.
pub const INVALID_KEY: u64 = 9103;
/// 404: no route for that URI.
pub const NO_ROUTE: u64 = 7000;
/// 405: the route exists but not with this method.
pub const METHOD_NOT_ALLOWED: u64 = 7001;
/// 400: a path identifier is not 32 hexadecimal digits.
pub const INVALID_IDENTIFIER: u64 = 7003;
/// 400: the body is not a JSON object.
pub const MALFORMED_BODY: u64 = 6007;
/// 400: a required body field is missing or empty (*fake*).
pub const MISSING_FIELD: u64 = 1001;
/// 400: a body field has an invalid value or type (*fake*).
pub const INVALID_FIELD: u64 = 1002;
/// 400: a query parameter is invalid (*fake*).
pub const INVALID_QUERY: u64 = 1003;
/// 404: the application does not exist (*fake*).
pub const NOT_FOUND: u64 = 1004;
/// 409: another application of the zone has this DNS name (*fake*).
pub const DUPLICATE_DNS_NAME: u64 = 1005;
/// 413: the body is larger than 1 MiB (*fake*).
pub const BODY_TOO_LARGE: u64 = 1006;
/// 400: the origin DNS configuration is invalid (`origin_dns.ttl` below 600).
pub const INVALID_ORIGIN_DNS: u64 = 11001;
/// 500: an unexpected internal error.
pub const INTERNAL_ERROR: u64 = 10002;
/// The code of the envelope [`Scripted::status`](super::Scripted::status)
/// sends (*fake*).
pub const SCRIPTED: u64 = 1999;
