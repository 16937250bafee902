//! Compressed responses: asked for (gzip, deflate), inflated as they are
//! read, and bounded by the limit counted on the inflated bytes, with
//! memory staying near the limit whatever a small body inflates to.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cloudflare_spectrum::Error;
use flate2::Compression;
use flate2::write::{GzEncoder, ZlibEncoder};
use serde_json::json;
use support::{APP, Act, Faulty, ZONE, app, guarded, response};

/// Counts the bytes allocated and not yet freed, and their peak, so a test
/// can tell how much memory the client held.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const GUARD: Duration = Duration::from_secs(30);

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn envelope() -> Vec<u8> {
    json!({ "success": true, "errors": [], "messages": [], "result": app(APP) }).to_string().into_bytes()
}

fn compressed(encoding: &str, body: &[u8]) -> Vec<Act> {
    vec![Act::Write(response(200, &[("content-encoding", encoding), ("content-type", "application/json")], body))]
}

#[tokio::test]
async fn gzip_and_deflate_bodies_are_asked_for_and_inflated() {
    for (encoding, body) in [("gzip", gzip(&envelope())), ("deflate", zlib(&envelope()))] {
        let server = Faulty::always(compressed(encoding, &body)).await;
        let got = guarded(GUARD, server.client(0).spectrum_apps_get(ZONE, APP)).await.unwrap();
        assert_eq!(got.id.as_str(), APP, "{encoding}");
        let head = server.requests()[0].to_ascii_lowercase();
        assert!(
            head.contains("accept-encoding: gzip, deflate") || head.contains("accept-encoding: gzip,deflate"),
            "{head}"
        );
    }
}

#[tokio::test]
async fn the_limit_counts_inflated_bytes() {
    // 2,000 bytes inflated from far fewer: over a limit of 1,999, within 2,000.
    let mut body = envelope();
    let pad = 2_000 - body.len();
    body.truncate(body.len() - 1);
    body.extend(std::iter::repeat_n(b' ', pad));
    body.push(b'}');
    assert_eq!(body.len(), 2_000);
    let small = gzip(&body);
    assert!(small.len() < 1_000, "{} compressed bytes", small.len());
    let server = Faulty::always(compressed("gzip", &small)).await;
    let refused =
        guarded(GUARD, server.builder(0).max_response_bytes(1_999).build().unwrap().spectrum_apps_get(ZONE, APP)).await;
    assert!(matches!(refused, Err(Error::BodyTooLarge { limit: 1_999, attempts: 1, .. })), "{refused:?}");
    let within =
        guarded(GUARD, server.builder(0).max_response_bytes(2_000).build().unwrap().spectrum_apps_get(ZONE, APP)).await;
    assert_eq!(within.unwrap().id.as_str(), APP);
}

#[tokio::test]
async fn a_small_body_inflating_far_past_the_limit_is_refused_with_bounded_memory() {
    // 64 MiB of JSON white space behind an opening brace: a few tens of
    // KiB compressed. With a limit of 1 MiB the client must stop reading
    // near 1 MiB, never hold the 64 MiB.
    let mut inflated = vec![b' '; 64 << 20];
    inflated[0] = b'{';
    let bomb = gzip(&inflated);
    drop(inflated);
    assert!(bomb.len() < 256 << 10, "{} compressed bytes", bomb.len());
    let server = Faulty::always(compressed("gzip", &bomb)).await;
    let client = server.builder(0).max_response_bytes(1 << 20).build().unwrap();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = guarded(GUARD, client.spectrum_apps_get(ZONE, APP)).await;
    let held = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    assert!(matches!(result, Err(Error::BodyTooLarge { limit: 1_048_576, .. })), "{result:?}");
    // The limit, plus a chunk or two of inflation buffers.
    assert!(held < 3 << 20, "held {held} bytes at most while reading");
}
