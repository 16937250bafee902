//! The real client against an in-process server on 127.0.0.1 that answers
//! with an arbitrary status, one arbitrary header (Retry-After,
//! x-should-retry, content-encoding, …) and an arbitrary body, sent as is,
//! gzip- or deflate-compressed, or chunked: the whole path a response takes
//! (transport, retries, the body limit counted after inflation, the
//! envelope, the generated decoding) gives what `model::expect` says the
//! crate's rules give, with the status, attempts and messages it came
//! with, and never a panic or a hang.
//!
//! Input: 2 bytes status selector, 1 byte operation, 1 byte header name
//! (low 3 bits) and framing (bits 3–4: 1 gzip, 2 deflate, else none; bit 5:
//! chunked), then the header value up to a NUL byte, then the body (as the
//! client must read it, before compression).
#![no_main]

use std::io::Write as _;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use cloudflare_spectrum::types::{
    self, AnalyticsTimeDelta, MagicAppCreate, MagicAppUpdate, ResponseInfo, SpectrumAppConfig, SpectrumDns,
};
use cloudflare_spectrum::{
    Client, Credentials, CurrentQuery, EXCERPT_LIMIT, Error, EventsQuery, ListApps, Page, Response, ResponseMeta,
    RetryPolicy,
};
use cloudflare_spectrum_fuzz::model::{Expected, expect};
use cloudflare_spectrum_fuzz::same;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LIMIT: usize = 3000;
const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const ACCOUNT: &str = "01a7362d577a6c3019a474fd6f485823";
const APP: &str = "ea95132c15732412d22c1476fa83f27a";
const HEADERS: [&str; 8] =
    ["retry-after", "retry-after-ms", "x-should-retry", "content-type", "cf-ray", "content-encoding", "x-other", ""];
const STATUSES: [u16; 20] =
    [200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504, 599];
/// serde's message for a value no variant of an untagged enum (a `oneOf`)
/// accepts, which the client promises to replace by the shapes it accepts.
const UNTAGGED: &str = "did not match any variant of untagged enum";
/// How many operations `call` knows.
const OPERATIONS: u8 = 14;

/// The response the server writes next.
static REPLY: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct World {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

/// Reads one request (head, and body by its `content-length`) so that
/// closing the connection after the reply never resets it.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if head.len() > 1 << 16 {
            return None;
        }
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let length: usize =
        text.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    let mut read = head.len() - end;
    while read < length {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => read += n,
        }
    }
    Some(())
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    if read_request(&mut socket).await.is_none() {
                        return;
                    }
                    let reply = REPLY.lock().unwrap().clone();
                    let _ = socket.write_all(&reply).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        // One retry, no waiting: a server delay above zero ends the retries.
        let policy = RetryPolicy::new()
            .max_retries(1)
            .initial_backoff(Duration::ZERO)
            .max_backoff(Duration::ZERO)
            .max_retry_after(Duration::ZERO);
        let client = Client::builder()
            .base_url(url)
            .credentials(Credentials::api_token("fuzz"))
            .retry_policy(policy)
            .timeout(Duration::from_secs(10))
            .max_response_bytes(LIMIT)
            .build()
            .unwrap();
        World { runtime, client }
    })
}

/// A success as the harness compares it.
struct Got {
    value: Value,
    result_info: Option<Value>,
    messages: Vec<ResponseInfo>,
    meta: ResponseMeta,
}

fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn got<T: Serialize>(response: Response<T>) -> Got {
    Got { value: json(&response.value), result_info: None, messages: response.messages, meta: response.meta }
}

fn got_page<T: Serialize>(response: Response<Page<T>>) -> Got {
    Got {
        value: json(&response.value.items),
        result_info: response.value.result_info.as_ref().map(json),
        messages: response.messages,
        meta: response.meta,
    }
}

/// What the server sends, and how the client must read it.
struct Case {
    status: u16,
    /// POST: not retried on a response unless the server says so.
    post: bool,
    header: &'static str,
    /// The header value, as the client sees it (surrounding blanks gone).
    value: String,
    /// The body the client must read (inflated); `None` when the fuzzer's
    /// own `content-encoding` makes it a stream that does not inflate.
    body: Option<Vec<u8>>,
    /// The fuzzer's `content-encoding` asked for inflating what it sent:
    /// a broken stream may end the read (`Transport`) anywhere.
    declared: bool,
}

impl Case {
    fn informational(&self) -> bool {
        (100..=199).contains(&self.status)
    }

    /// Attempts made for an answer with this status, when known.
    fn attempts(&self) -> Option<u32> {
        if (200..=299).contains(&self.status) {
            return Some(1);
        }
        match self.header {
            "x-should-retry" if self.value == "true" => return Some(2),
            "x-should-retry" if self.value == "false" => return Some(1),
            // A server delay: 0 retries at once, more ends the retries.
            "retry-after" | "retry-after-ms" => return None,
            _ => {}
        }
        let retryable = matches!(self.status, 408 | 409 | 429 | 500..=599);
        Some(if retryable && !self.post { 2 } else { 1 })
    }

    fn check_meta(&self, meta: &ResponseMeta) {
        assert_eq!(meta.status.as_u16(), self.status);
        match self.attempts() {
            Some(n) => assert_eq!(meta.attempts, n, "attempts for HTTP {} {}", self.status, self.header),
            None => assert!((1..=2).contains(&meta.attempts)),
        }
        let digits = !self.value.is_empty() && self.value.len() <= 12 && self.value.bytes().all(|b| b.is_ascii_digit());
        let number = || self.value.parse::<u64>().unwrap();
        // Within a microsecond: the client computes delays in f64 seconds,
        // which for a large number of milliseconds is a few ns off.
        let near = |want: Duration| {
            let got = meta.retry_after.unwrap_or_else(|| panic!("no delay from {}: {:?}", self.header, self.value));
            assert!(got.abs_diff(want) <= Duration::from_micros(1), "{got:?} for {want:?}");
        };
        match self.header {
            "retry-after" if digits => near(Duration::from_secs(number())),
            "retry-after-ms" if digits => near(Duration::from_millis(number())),
            "retry-after" | "retry-after-ms" => {}
            _ => assert_eq!(meta.retry_after, None, "a delay from {}", self.header),
        }
        if self.header == "cf-ray" && self.value.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            assert_eq!(meta.cf_ray(), Some(self.value.as_str()));
        }
    }

    fn check_excerpt(&self, excerpt: &str, body: &[u8]) {
        assert!(excerpt.len() <= EXCERPT_LIMIT);
        let whole = String::from_utf8_lossy(body);
        assert!(whole.starts_with(excerpt), "the excerpt is not the start of the body");
        assert!(excerpt.len() + 3 >= whole.len().min(EXCERPT_LIMIT), "the excerpt is too short");
    }

    fn check(&self, model: Model, got: Result<Got, Error>) {
        let status = self.status;
        if let Err(e) = &got {
            // Accessors and Display agree with the variant and never panic.
            let _ = e.to_string();
            if let Some(meta) = e.meta() {
                assert_eq!(e.status(), Some(meta.status));
                assert_eq!(e.attempts(), meta.attempts);
                assert_eq!(e.retry_after(), meta.retry_after);
            }
        }
        let got = match got {
            Err(Error::Transport { attempts, .. }) => {
                assert!(
                    self.informational() || self.declared,
                    "HTTP {status}: a transport error for a well-formed response"
                );
                assert!((1..=2).contains(&attempts));
                return;
            }
            Err(Error::BodyTooLarge { limit, attempts, status: s }) => {
                assert_eq!(limit, LIMIT);
                assert_eq!(s.as_u16(), status);
                assert_eq!(attempts, 1, "a body over the limit was retried");
                assert!(self.body.as_ref().is_none_or(|b| b.len() > LIMIT), "a body within the limit refused");
                return;
            }
            other => other,
        };
        let Some(body) = &self.body else {
            // A broken stream the client read anyway: whatever it answered
            // came from a response with this status.
            if let Err(e) = &got {
                assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{e:?}");
            }
            return;
        };
        assert!(body.len() <= LIMIT, "a body over the limit was read: {:?}", got.map(|g| g.meta));
        let expected = model(status, body);
        if !agrees(&got, &expected) {
            match &got {
                Ok(got) => panic!("HTTP {status}: Ok({}), expected {expected:?}", got.value),
                Err(e) => panic!("HTTP {status}: {e:?}, expected {expected:?}"),
            }
        }
        match got {
            Ok(got) => self.check_meta(&got.meta),
            Err(Error::Api(e)) => self.check_meta(&e.meta),
            Err(Error::Http(e)) => {
                self.check_meta(&e.meta);
                self.check_excerpt(&e.excerpt, body);
            }
            Err(Error::Decode(e)) => {
                self.check_meta(&e.meta);
                assert!((200..=299).contains(&status));
                assert!(!e.message.is_empty());
                // A `oneOf` that does not match is named by the shapes it
                // accepts, not serde's words (unless the body itself holds
                // them, in a key the message's path names).
                assert!(
                    !e.message.contains(UNTAGGED) || body.windows(UNTAGGED.len()).any(|w| w == UNTAGGED.as_bytes()),
                    "serde's words for a oneOf: {}",
                    e.message
                );
                self.check_excerpt(&e.excerpt, body);
            }
            Err(other) => unreachable!("{other:?}"),
        }
    }
}

/// What the model says for a status and body.
type Model = fn(u16, &[u8]) -> Expected;

/// Whether the client's answer is the one expected (variant and values;
/// status, attempts and excerpts are checked apart).
fn agrees(got: &Result<Got, Error>, expected: &Expected) -> bool {
    match (got, expected) {
        (Ok(got), Expected::Ok { value, result_info, messages }) => {
            let info = match (&got.result_info, result_info) {
                (Some(a), Some(b)) => same(a, b),
                (None, _) => true,
                (Some(_), None) => false,
            };
            same(&got.value, value) && info && same(&json(&got.messages), messages)
        }
        (Err(Error::Api(e)), Expected::Api { errors, messages }) => {
            same(&json(&e.errors), errors) && same(&json(&e.messages), messages)
        }
        (Err(Error::Http(_)), Expected::Http) | (Err(Error::Decode(_)), Expected::Decode) => true,
        _ => false,
    }
}

/// Calls operation `operation`; answers what it answered, the model of
/// what it must answer, and whether it is a POST.
async fn call(client: &Client, operation: u8) -> (Result<Got, Error>, Model, bool) {
    let api = client.with_metadata();
    // Each arm's closure, as the model of its operation.
    let model = |f: Model| f;
    match operation {
        0 => (
            api.spectrum_apps_get(ZONE, APP).await.map(got),
            model(|s, b| expect::<types::SpectrumApp>(s, b, None)),
            false,
        ),
        1 => (
            api.spectrum_apps_list(ZONE, &ListApps::new()).await.map(got_page),
            model(|s, b| expect::<Vec<types::SpectrumApp>>(s, b, None)),
            false,
        ),
        2 => (
            api.spectrum_apps_delete(ZONE, APP).await.map(got),
            model(|s, b| expect::<types::SpectrumAppId>(s, b, Some(json!({ "id": APP })))),
            false,
        ),
        3 => (
            api.spectrum_analytics_summary(ZONE, &EventsQuery::new()).await.map(got),
            model(|s, b| expect::<types::SpectrumAnalyticsReport>(s, b, None)),
            false,
        ),
        4 => (
            api.magic_apps_list(ACCOUNT).await.map(got),
            model(|s, b| expect::<Vec<types::MagicApp>>(s, b, None)),
            false,
        ),
        5 => (
            api.spectrum_protocols_list(ZONE).await.map(got),
            model(|s, b| expect::<Vec<types::SpectrumProtocol>>(s, b, None)),
            false,
        ),
        6 => (
            api.magic_apps_delete(ACCOUNT, APP).await.map(got),
            model(|s, b| expect::<types::MagicAccountApp>(s, b, Some(json!({ "account_app_id": APP })))),
            false,
        ),
        7 => (
            api.spectrum_analytics_current(ZONE, &CurrentQuery::new()).await.map(got),
            model(|s, b| expect::<Vec<types::SpectrumAnalyticsCurrent>>(s, b, None)),
            false,
        ),
        8 => (
            api.spectrum_analytics_bytime(ZONE, AnalyticsTimeDelta::Hour, &EventsQuery::new()).await.map(got),
            model(|s, b| expect::<types::SpectrumAnalyticsReport>(s, b, None)),
            false,
        ),
        9 => (
            api.spectrum_apps_create(ZONE, &config()).await.map(got),
            model(|s, b| expect::<types::SpectrumApp>(s, b, None)),
            true,
        ),
        10 => (
            api.spectrum_apps_update(ZONE, APP, &config()).await.map(got),
            model(|s, b| expect::<types::SpectrumApp>(s, b, None)),
            false,
        ),
        11 => (
            api.magic_apps_create(ACCOUNT, &MagicAppCreate::new("fuzz", "Development")).await.map(got),
            model(|s, b| expect::<types::MagicAccountApp>(s, b, None)),
            true,
        ),
        12 => (
            api.magic_apps_update(ACCOUNT, APP, &MagicAppUpdate::default()).await.map(got),
            model(|s, b| expect::<types::MagicAccountApp>(s, b, None)),
            false,
        ),
        _ => (
            api.magic_apps_patch(ACCOUNT, APP, &MagicAppUpdate::default()).await.map(got),
            model(|s, b| expect::<types::MagicAccountApp>(s, b, None)),
            false,
        ),
    }
}

fn config() -> SpectrumAppConfig {
    SpectrumAppConfig::new(SpectrumDns::default(), "tcp/22")
}

fn compress(gzip: bool, body: &[u8]) -> Vec<u8> {
    if gzip {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(body).unwrap();
        e.finish().unwrap()
    } else {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(body).unwrap();
        e.finish().unwrap()
    }
}

/// What a client inflating `body` as `gzip` (or zlib, for `deflate`) reads:
/// one whole stream and nothing after it, else `None`.
fn inflate(gzip: bool, body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let mut out = Vec::new();
    let consumed = if gzip {
        let mut d = flate2::bufread::GzDecoder::new(body);
        d.read_to_end(&mut out).ok()?;
        body.len() - d.into_inner().len()
    } else {
        let mut d = flate2::bufread::ZlibDecoder::new(body);
        d.read_to_end(&mut out).ok()?;
        body.len() - d.into_inner().len()
    };
    (consumed == body.len()).then_some(out)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let selector = u16::from_le_bytes([data[0], data[1]]);
    let status = if selector & 0x8000 == 0 {
        STATUSES[usize::from(selector) % STATUSES.len()]
    } else {
        100 + (selector & 0x7fff) % 900
    };
    let operation = data[2] % OPERATIONS;
    let header = HEADERS[usize::from(data[3] & 7)];
    let rest = &data[4..];
    let split = rest.iter().position(|&b| b == 0).unwrap_or(0);
    let header_value: Vec<u8> =
        rest[..split].iter().copied().filter(|&b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80).collect();
    let body = rest.get(split + 1..).unwrap_or_default();
    let bodyless = matches!(status, 100..=199 | 204 | 304);
    let seen_value = String::from_utf8_lossy(&header_value).trim_matches([' ', '\t']).to_owned();
    let declared = header == "content-encoding" && matches!(seen_value.as_str(), "gzip" | "deflate");
    // The fuzzer's content-encoding stands alone: no framing of ours then.
    let encoding = match (data[3] >> 3) & 3 {
        _ if bodyless || header == "content-encoding" => None,
        1 => Some(true),
        2 => Some(false),
        _ => None,
    };
    let chunked = data[3] & 0x20 != 0 && !bodyless;

    let wire = match encoding {
        Some(gzip) => compress(gzip, body),
        None => body.to_vec(),
    };
    let mut reply = format!("HTTP/1.1 {status} X\r\nconnection: close\r\n").into_bytes();
    match encoding {
        Some(true) => reply.extend_from_slice(b"content-encoding: gzip\r\n"),
        Some(false) => reply.extend_from_slice(b"content-encoding: deflate\r\n"),
        None => {}
    }
    if chunked {
        reply.extend_from_slice(b"transfer-encoding: chunked\r\n");
    } else {
        reply.extend_from_slice(format!("content-length: {}\r\n", wire.len()).as_bytes());
    }
    if !header.is_empty() {
        reply.extend_from_slice(header.as_bytes());
        reply.extend_from_slice(b": ");
        reply.extend_from_slice(&header_value);
        reply.extend_from_slice(b"\r\n");
    }
    reply.extend_from_slice(b"\r\n");
    if chunked {
        for chunk in wire.chunks(1000) {
            reply.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            reply.extend_from_slice(chunk);
            reply.extend_from_slice(b"\r\n");
        }
        reply.extend_from_slice(b"0\r\n\r\n");
    } else {
        reply.extend_from_slice(&wire);
    }
    *REPLY.lock().unwrap() = reply;

    // The body the client must read.
    let read = if bodyless {
        Some(Vec::new())
    } else if declared {
        inflate(seen_value == "gzip", body)
    } else {
        Some(body.to_vec())
    };

    let World { runtime, client } = world();
    runtime.block_on(async {
        let guard = Duration::from_secs(30);
        let (got, model, post) = tokio::time::timeout(guard, call(client, operation)).await.expect("the call hung");
        let case = Case { status, post, header, value: seen_value, body: read, declared };
        case.check(model, got);
    });
});
