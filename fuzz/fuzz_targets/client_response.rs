//! The real client against an in-process server on 127.0.0.1 that answers
//! with an arbitrary status, one arbitrary header (Retry-After,
//! x-should-retry, content-type, …) and an arbitrary body: the whole path a
//! response takes (transport, retries, generated decoding, the envelope)
//! gives `Ok` exactly when the body is a success envelope of the
//! operation, and otherwise the matching error, never a panic or a hang.
//!
//! Input: 2 bytes status selector, 1 byte operation, 1 byte header name,
//! then the header value up to a NUL byte, then the body.
#![no_main]

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use cloudflare_spectrum::types::{self, FailureResponse};
use cloudflare_spectrum::{Client, Credentials, EXCERPT_LIMIT, Error, ListApps, RetryPolicy};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LIMIT: usize = 3000;
const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const APP: &str = "ea95132c15732412d22c1476fa83f27a";
const HEADERS: [&str; 8] = [
    "retry-after",
    "retry-after-ms",
    "x-should-retry",
    "content-type",
    "cf-ray",
    "content-encoding",
    "x-other",
    "",
];
const STATUSES: [u16; 20] = [
    200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504, 599,
];

/// The response the server writes next.
static REPLY: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct World {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 1 << 16 {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let reply = REPLY.lock().unwrap().clone();
                    let _ = socket.write_all(&reply).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        let policy = RetryPolicy {
            max_retries: 1,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            max_retry_after: Duration::ZERO,
        };
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

/// What the client must have answered for `status` and `body`.
fn check<E: DeserializeOwned>(
    status: u16,
    body: &[u8],
    ok_result: impl Fn(E) -> Option<Value>,
    got: Result<Value, Error>,
) {
    let failure = serde_json::from_slice::<FailureResponse>(body).ok();
    let expected_ok = if status == 200 {
        serde_json::from_slice::<E>(body).ok().and_then(ok_result)
    } else {
        None
    };
    let bodyless = matches!(status, 100..=199 | 204 | 304);
    match got {
        Ok(result) => {
            assert!(body.len() <= LIMIT);
            let expected = expected_ok.expect("Ok without a success envelope");
            assert!(
                cloudflare_spectrum_fuzz::same(&result, &expected),
                "result differs from the body"
            );
        }
        Err(Error::Api(e)) => {
            assert_eq!(e.status.as_u16(), status);
            assert!(expected_ok.is_none(), "an error for a success envelope");
            let fits = match &failure {
                Some(f) if !f.success => f.errors == e.errors,
                Some(f) => (400..=599).contains(&status) && f.errors == e.errors,
                None => status == 200,
            };
            assert!(fits, "an API error from a body that is not a failure envelope");
        }
        Err(Error::Http(e)) => {
            assert_eq!(e.status.as_u16(), status);
            assert_ne!(status, 200);
            assert!(e.excerpt.len() <= EXCERPT_LIMIT);
            if !bodyless {
                let whole = String::from_utf8_lossy(body);
                assert!(
                    whole.starts_with(&e.excerpt),
                    "the excerpt is not the start of the body"
                );
                assert!(
                    e.excerpt.len() + 3 >= whole.len().min(EXCERPT_LIMIT),
                    "the excerpt is too short"
                );
            }
        }
        Err(Error::Decode(e)) => {
            assert_eq!(e.status.as_u16(), 200);
            assert_eq!(status, 200);
            assert!(expected_ok.is_none());
            assert!(e.excerpt.len() <= EXCERPT_LIMIT);
            assert!(!e.message.is_empty());
        }
        Err(Error::BodyTooLarge { limit }) => assert!(limit == LIMIT && body.len() > LIMIT),
        Err(Error::Transport { .. }) if (100..=199).contains(&status) => {}
        Err(other) => panic!("HTTP {status}: unexpected {other:?}"),
    }
}

fn value<T: serde::Serialize>(t: T) -> Value {
    serde_json::to_value(t).unwrap()
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
    let operation = data[2] % 6;
    let name = HEADERS[usize::from(data[3]) % HEADERS.len()];
    let rest = &data[4..];
    let split = rest.iter().position(|&b| b == 0).unwrap_or(0);
    let header_value: Vec<u8> = rest[..split]
        .iter()
        .copied()
        .filter(|&b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80)
        .collect();
    let body = rest.get(split + 1..).unwrap_or_default();

    let mut reply = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    )
    .into_bytes();
    if !name.is_empty() {
        reply.extend_from_slice(name.as_bytes());
        reply.extend_from_slice(b": ");
        reply.extend_from_slice(&header_value);
        reply.extend_from_slice(b"\r\n");
    }
    reply.extend_from_slice(b"\r\n");
    reply.extend_from_slice(body);
    *REPLY.lock().unwrap() = reply;

    let World { runtime, client } = world();
    runtime.block_on(async {
        let guard = Duration::from_secs(30);
        let call = async {
            match operation {
                0 => check::<types::SpectrumAppResponse>(
                    status,
                    body,
                    |e| e.success.then(|| value(e.result)),
                    client.spectrum_apps_get(ZONE, APP).await.map(value),
                ),
                1 => check::<types::SpectrumAppListResponse>(
                    status,
                    body,
                    |e| e.success.then(|| value(e.result)),
                    client
                        .spectrum_apps_list(ZONE, &ListApps::new())
                        .await
                        .map(|p| value(p.items)),
                ),
                2 => check::<types::SpectrumAppDeleteResponse>(
                    status,
                    body,
                    |e| e.success.then(|| value(e.result)),
                    client.spectrum_apps_delete(ZONE, APP).await.map(value),
                ),
                3 => check::<types::SpectrumAnalyticsReportResponse>(
                    status,
                    body,
                    |e| e.success.then(|| value(e.result)),
                    client
                        .spectrum_analytics_summary(ZONE, &Default::default())
                        .await
                        .map(value),
                ),
                4 => check::<types::MagicAppListResponse>(
                    status,
                    body,
                    |e| e.success.then(|| value(e.result)),
                    client.magic_apps_list(ZONE).await.map(value),
                ),
                _ => check::<types::SpectrumProtocolListResponse>(
                    status,
                    body,
                    |e| e.success.then(|| value(e.result)),
                    client.spectrum_protocols_list(ZONE).await.map(value),
                ),
            }
        };
        tokio::time::timeout(guard, call).await.expect("the call hung");
    });
});
