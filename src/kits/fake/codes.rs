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
/// 400: a DNS name (`dns.name`, `origin_dns.name`) is not a host name (*fake*).
pub const INVALID_HOSTNAME: u64 = 1007;
/// 400: an enum field has a value the document does not list (*fake*).
pub const UNKNOWN_VALUE: u64 = 1008;
/// 400: settings that do not go together: edge IPs of the other kind than
/// the DNS record's type, Argo Smart Routing or the IP firewall on a
/// non-TCP application, Argo Smart Routing with a `traffic_type` other
/// than `direct` (*fake*).
pub const INCOMPATIBLE_SETTINGS: u64 = 1009;
/// 404: an operation of the document the fake has no handler for (*fake*).
pub const NOT_IMPLEMENTED: u64 = 1010;
/// 400: the origin configuration is invalid: no origin at all, or an
/// `origin_port` range that does not hold as many ports as `protocol`
/// (Cloudflare's "The origin configuration is invalid.").
pub const INVALID_ORIGIN: u64 = 11000;
/// 400: the origin DNS configuration is invalid (`origin_dns.ttl` below 600).
pub const INVALID_ORIGIN_DNS: u64 = 11001;
/// 500: an unexpected internal error.
pub const INTERNAL_ERROR: u64 = 10002;
/// The code of the envelope [`Scripted::status`](super::Scripted::status)
/// sends (*fake*).
pub const SCRIPTED: u64 = 1999;
