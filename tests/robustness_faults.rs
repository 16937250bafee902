//! Fault injection: a loopback server that misbehaves on purpose, one test
//! per distinct failure (listed in tests/README.md). Whatever comes over the
//! wire, the client answers `Ok` or a clear `Err` within its configured
//! time; every test is guarded by `tokio::time::timeout`.

mod support;

use std::time::{Duration, Instant};

use cloudflare_spectrum::CurrentQuery;
use cloudflare_spectrum::types::{OriginPort, SpectrumApp, SpectrumAppConfig, SpectrumDns};
use cloudflare_spectrum::{Error, EventsQuery, ListApps, Result};
use serde_json::{Value, json};
use support::{ACCOUNT, ACCOUNT_APP, APP, Act, Faulty, ZONE, app, fail, guarded, json, ok, response, target};

/// Every test finishes well within this, or fails.
const GUARD: Duration = Duration::from_secs(20);

/// "Promptly": well under any delay a misbehaving server could impose, yet
/// loose enough for a loaded 2-core machine.
const PROMPT: Duration = Duration::from_secs(5);

const HEAD_200: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n";

/// `GET` of [`APP`] through a client with `retries` retries.
async fn get(server: &Faulty, retries: u32) -> Result<SpectrumApp> {
    guarded(GUARD, server.client(retries).spectrum_apps_get(ZONE, APP)).await
}

/// A `GET` of an app whose body is `app` with `field` (a JSON pointer
/// below the app) replaced by `value`.
async fn get_with(pointer: &str, value: Value) -> Result<SpectrumApp> {
    let mut body = app(APP);
    body["origin_dns"] = json!({"name": "origin.example.com", "ttl": 600});
    *body.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} is not in the fixture")) = value;
    let server = Faulty::always(ok(body)).await;
    get(&server, 0).await
}

fn config() -> SpectrumAppConfig {
    SpectrumAppConfig::new(SpectrumDns { name: Some("ssh.example.com".into()), ..Default::default() }, "tcp/22")
}

fn decode_message(result: Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(Error::Decode(e)) => {
            assert_eq!(e.meta.status, 200);
            e.message
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

fn assert_transport(result: Result<impl std::fmt::Debug>, attempts: u32) {
    match result {
        Err(Error::Transport { attempts: n, .. }) => assert_eq!(n, attempts),
        other => panic!("expected a transport error after {attempts} attempt(s), got {other:?}"),
    }
}

// ---- the connection breaks at every stage of the response ----

#[tokio::test]
async fn reset_before_the_status_line_is_a_transport_error() {
    let server = Faulty::always(vec![Act::Reset]).await;
    assert_transport(get(&server, 0).await, 1);
}

#[tokio::test]
async fn close_before_the_status_line_is_a_transport_error() {
    let server = Faulty::always(vec![]).await;
    assert_transport(get(&server, 0).await, 1);
}

#[tokio::test]
async fn reset_inside_the_status_line_is_a_transport_error() {
    let server = Faulty::always(vec![Act::Write(b"HTTP/1.1 20".to_vec()), Act::Reset]).await;
    assert_transport(get(&server, 0).await, 1);
}

#[tokio::test]
async fn reset_after_the_headers_is_a_transport_error() {
    let server = Faulty::always(vec![
        Act::Write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n".to_vec()),
        Act::Reset,
    ])
    .await;
    assert_transport(get(&server, 0).await, 1);
}

#[tokio::test]
async fn reset_mid_body_is_a_transport_error_after_every_retry() {
    let server = Faulty::always(vec![
        Act::Write(b"HTTP/1.1 200 OK\r\ncontent-length: 200\r\n\r\n{\"success\":true,\"res".to_vec()),
        Act::Reset,
    ])
    .await;
    assert_transport(get(&server, 2).await, 3);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn truncated_body_then_close_is_a_transport_error() {
    let server =
        Faulty::always(vec![Act::Write(b"HTTP/1.1 200 OK\r\ncontent-length: 200\r\n\r\n{\"success\":true".to_vec())])
            .await;
    assert_transport(get(&server, 0).await, 1);
}

#[tokio::test]
async fn chunked_body_cut_before_its_last_chunk_is_a_transport_error() {
    let server = Faulty::always(vec![Act::Write(
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10\r\n{\"success\":true,\r\n".to_vec(),
    )])
    .await;
    assert_transport(get(&server, 0).await, 1);
}

#[tokio::test]
async fn malformed_chunk_size_is_a_transport_error() {
    let server = Faulty::always(vec![Act::Write(
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".to_vec(),
    )])
    .await;
    assert_transport(get(&server, 0).await, 1);
}

#[tokio::test]
async fn garbage_instead_of_a_status_line_is_a_transport_error() {
    let server = Faulty::always(vec![Act::Write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec())]).await;
    assert_transport(get(&server, 0).await, 1);
}

#[tokio::test]
async fn a_flood_of_headers_is_a_transport_error() {
    let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..2000 {
        head.extend_from_slice(format!("x-filler-{i}: {}\r\n", "v".repeat(100)).as_bytes());
    }
    head.extend_from_slice(b"content-length: 2\r\n\r\n{}");
    let server = Faulty::always(vec![Act::Write(head)]).await;
    assert_transport(get(&server, 0).await, 1);
}

#[tokio::test]
async fn http_1_0_response_without_length_is_read_to_the_close() {
    let body = json!({"success": true, "errors": [], "messages": [], "result": app(APP)}).to_string();
    let reply = format!("HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n{body}");
    let server = Faulty::always(vec![Act::Write(reply.into_bytes())]).await;
    assert_eq!(get(&server, 0).await.unwrap().id.as_str(), APP);
}

#[tokio::test]
async fn switching_protocols_on_a_plain_request_is_an_http_error() {
    let reply = b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n".to_vec();
    let server = Faulty::always(vec![Act::Write(reply), Act::Stall]).await;
    match get(&server, 0).await {
        Err(Error::Http(e)) => assert_eq!((e.meta.status.as_u16(), e.excerpt.as_str()), (101, "")),
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn endless_informational_responses_are_a_timeout() {
    // 1xx responses are skipped while waiting for the final one: a server
    // that sends only those is stalling, and the attempt's timeout holds.
    let processing = b"HTTP/1.1 102 Processing\r\n\r\n".repeat(100);
    let server = Faulty::always(vec![Act::Drip(processing, Duration::from_millis(2))]).await;
    assert_times_out(&server, 0).await;
}

#[tokio::test]
async fn post_reset_after_it_was_sent_is_not_retried() {
    let server = Faulty::script(vec![vec![Act::Reset], ok(app(APP))]).await;
    let result = guarded(GUARD, server.client(3).spectrum_apps_create(ZONE, &config())).await;
    assert_transport(result, 1);
    assert_eq!(server.requests().len(), 1, "a create that may have arrived is never sent twice");
}

// ---- bodies that are not the documented JSON ----

#[tokio::test]
async fn truncated_json_on_200_is_a_decode_error() {
    let server = Faulty::always(vec![Act::Write(response(200, &[], br#"{"success":true,"result":{"id":"ab"#))]).await;
    let message = decode_message(get(&server, 2).await);
    assert!(message.contains("EOF"), "{message}");
    assert_eq!(server.requests().len(), 1, "decode errors are not retried");
}

#[tokio::test]
async fn plain_text_on_200_is_a_decode_error_with_an_excerpt() {
    let server = Faulty::always(vec![Act::Write(response(200, &[("content-type", "text/plain")], b"OK"))]).await;
    match get(&server, 0).await {
        Err(Error::Decode(e)) => assert_eq!(e.excerpt, "OK"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

const EDGE_HTML: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
    <body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>";

#[tokio::test]
async fn html_error_page_with_502_is_an_http_error_after_retries() {
    let page =
        response(502, &[("content-type", "text/html"), ("cf-ray", "8f1e2d3c4b5a6978-SFO")], EDGE_HTML.as_bytes());
    let server = Faulty::always(vec![Act::Write(page)]).await;
    match get(&server, 2).await {
        Err(Error::Http(e)) => {
            assert_eq!(e.meta.status, 502);
            assert!(e.excerpt.starts_with("<!DOCTYPE html>"), "{}", e.excerpt);
            assert_eq!(e.meta.cf_ray(), Some("8f1e2d3c4b5a6978-SFO"));
            assert_eq!(e.meta.attempts, 3);
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn html_page_with_200_is_a_decode_error_not_a_success() {
    let server =
        Faulty::always(vec![Act::Write(response(200, &[("content-type", "text/html")], EDGE_HTML.as_bytes()))]).await;
    let err = get(&server, 0).await.unwrap_err();
    assert!(matches!(&err, Error::Decode(e) if e.excerpt.contains("502 Bad Gateway")), "{err:?}");
}

#[tokio::test]
async fn empty_body_with_200_is_a_decode_error() {
    let server = Faulty::always(vec![Act::Write(response(200, &[], b""))]).await;
    let message = decode_message(get(&server, 0).await);
    assert_eq!(message, "the body is empty; expected a result (SpectrumApp)");
}

#[tokio::test]
async fn empty_body_with_200_on_delete_is_the_id_passed() {
    // The delete happened: the result the API would have sent is the id.
    let server = Faulty::always(vec![Act::Write(response(200, &[], b""))]).await;
    let deleted = guarded(GUARD, server.client(0).spectrum_apps_delete(ZONE, APP)).await.unwrap();
    assert_eq!(deleted.id.as_str(), APP);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn empty_body_with_500_is_an_http_error() {
    let server = Faulty::always(vec![Act::Write(response(500, &[], b""))]).await;
    match get(&server, 1).await {
        Err(Error::Http(e)) => {
            assert_eq!(e.meta.status, 500);
            assert_eq!(e.excerpt, "");
            assert_eq!(e.meta.attempts, 2);
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn corrupt_gzip_body_is_a_transport_error_not_a_success() {
    // Compressed responses are asked for; a gzip stream cut short (no
    // trailer) cannot be inflated, which is a failed transfer.
    let gzip =
        [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xab, 0xae, 0x05, 0x00, 0x43, 0xbf, 0xa6, 0xa3];
    let reply = response(200, &[("content-encoding", "gzip"), ("content-type", "application/json")], &gzip);
    let server = Faulty::always(vec![Act::Write(reply)]).await;
    let result = get(&server, 0).await;
    assert!(matches!(result, Err(Error::Transport { attempts: 1, .. })), "{result:?}");
    assert!(server.requests()[0].to_lowercase().contains("accept-encoding: gzip"));
}

#[tokio::test]
async fn json_null_body_is_a_decode_error() {
    let server = Faulty::always(vec![Act::Write(response(200, &[], b"null"))]).await;
    decode_message(get(&server, 0).await);
}

#[tokio::test]
async fn success_without_result_is_a_decode_error_naming_it() {
    let body = json!({"success": true, "errors": [], "messages": []});
    let server = Faulty::always(vec![Act::Write(json(200, &[], &body))]).await;
    let message = decode_message(get(&server, 0).await);
    assert!(message.contains("result"), "{message}");
}

#[tokio::test]
async fn duplicate_success_keys_are_a_decode_error() {
    let body = format!(r#"{{"success":false,"errors":[],"result":{},"success":true}}"#, app(APP));
    let server = Faulty::always(vec![Act::Write(response(200, &[], body.as_bytes()))]).await;
    let message = decode_message(get(&server, 0).await);
    assert!(message.contains("duplicate field `success`"), "{message}");
}

#[tokio::test]
async fn invalid_utf8_in_a_string_is_a_decode_error() {
    let mut body = br#"{"success":true,"errors":[],"result":{"id":""#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe]);
    body.extend_from_slice(br#""}}"#);
    let server = Faulty::always(vec![Act::Write(response(200, &[], &body))]).await;
    decode_message(get(&server, 0).await);
}

#[tokio::test]
async fn lone_surrogate_escape_is_a_decode_error() {
    let body = app(APP).to_string().replace("\"tcp/22\"", r#""tcp/22\ud800""#);
    let body = format!(r#"{{"success":true,"errors":[],"result":{body}}}"#);
    let server = Faulty::always(vec![Act::Write(response(200, &[], body.as_bytes()))]).await;
    let message = decode_message(get(&server, 0).await);
    assert!(message.starts_with("result.protocol:"), "{message}");
}

#[tokio::test]
async fn binary_error_page_excerpt_stays_within_the_limit() {
    // Every invalid byte becomes a three-byte U+FFFD: the excerpt is cut
    // again so that it stays within EXCERPT_LIMIT bytes.
    let server = Faulty::always(vec![Act::Write(response(502, &[], &[0xff; 4096]))]).await;
    match get(&server, 0).await {
        Err(Error::Http(e)) => {
            assert!(e.excerpt.len() <= cloudflare_spectrum::EXCERPT_LIMIT, "{} bytes", e.excerpt.len());
            assert!(e.excerpt.len() >= cloudflare_spectrum::EXCERPT_LIMIT - 3, "{} bytes", e.excerpt.len());
            assert!(e.excerpt.chars().all(|c| c == char::REPLACEMENT_CHARACTER));
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

// ---- bodies far larger than any real response ----

/// A client that buffers at most `limit` bytes of a body.
fn limited(server: &Faulty, limit: usize) -> cloudflare_spectrum::Client {
    server.builder(2).max_response_bytes(limit).build().unwrap()
}

#[tokio::test]
async fn content_length_over_the_limit_is_refused_without_reading() {
    // Claims 10 GB, sends nothing, and keeps the connection open: the
    // client must decide from the header alone.
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10000000000\r\n\r\n".to_vec();
    let server = Faulty::always(vec![Act::Write(head), Act::Stall]).await;
    let started = Instant::now();
    let result = guarded(GUARD, limited(&server, 64 * 1024).spectrum_apps_get(ZONE, APP)).await;
    assert!(matches!(result, Err(Error::BodyTooLarge { limit: 65536, attempts: 1, .. })), "{result:?}");
    assert!(started.elapsed() < PROMPT, "{:?}", started.elapsed());
    assert_eq!(server.requests().len(), 1, "an oversized body is not retried");
}

#[tokio::test]
async fn chunked_body_growing_past_the_limit_is_refused() {
    let mut head = HEAD_200.to_vec();
    head.extend_from_slice(b"transfer-encoding: chunked\r\n\r\n");
    let chunk = format!("{:x}\r\n{}\r\n", 8192, " ".repeat(8192)).into_bytes();
    let server = Faulty::always(vec![Act::Write(head), Act::Flood { chunk, cap: 256 << 20 }]).await;
    let result = guarded(GUARD, limited(&server, 1 << 20).spectrum_apps_get(ZONE, APP)).await;
    assert!(matches!(result, Err(Error::BodyTooLarge { limit: 1048576, attempts: 1, .. })), "{result:?}");
    // The client stopped reading soon after the limit: the server could
    // not push the 256 MiB it wanted (at most the limit plus socket buffers).
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.written() < 64 << 20, "the client kept reading: {} bytes", server.written());
}

#[tokio::test]
async fn body_without_length_growing_past_the_limit_is_refused() {
    let mut head = HEAD_200.to_vec();
    head.extend_from_slice(b"\r\n");
    let server = Faulty::always(vec![Act::Write(head), Act::Flood { chunk: vec![b' '; 8192], cap: 256 << 20 }]).await;
    let result = guarded(GUARD, limited(&server, 1 << 20).spectrum_apps_get(ZONE, APP)).await;
    assert!(matches!(result, Err(Error::BodyTooLarge { .. })), "{result:?}");
}

#[tokio::test]
async fn huge_error_page_is_refused_not_buffered() {
    let mut head = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html\r\nconnection: close\r\n".to_vec();
    head.extend_from_slice(b"transfer-encoding: chunked\r\n\r\n");
    let chunk = format!("{:x}\r\n{}\r\n", 4096, "<p>".repeat(4096 / 3 + 1).get(..4096).unwrap()).into_bytes();
    let server = Faulty::always(vec![Act::Write(head), Act::Flood { chunk, cap: 64 << 20 }]).await;
    let result = guarded(GUARD, limited(&server, 256 * 1024).spectrum_apps_get(ZONE, APP)).await;
    assert!(matches!(result, Err(Error::BodyTooLarge { .. })), "{result:?}");
}

#[tokio::test]
async fn body_exactly_at_the_limit_is_read_and_one_byte_more_is_refused() {
    let envelope = json!({"success": true, "errors": [], "messages": [], "result": app(APP)}).to_string();
    let at_limit = envelope.len();
    let server = Faulty::always(vec![Act::Write(response(200, &[], envelope.as_bytes()))]).await;
    let result = guarded(GUARD, limited(&server, at_limit).spectrum_apps_get(ZONE, APP)).await;
    assert_eq!(result.unwrap().id.as_str(), APP);
    let result = guarded(GUARD, limited(&server, at_limit - 1).spectrum_apps_get(ZONE, APP)).await;
    assert!(matches!(result, Err(Error::BodyTooLarge { .. })), "{result:?}");
}

// ---- pathological JSON ----

#[tokio::test]
async fn deeply_nested_arrays_are_a_decode_error_not_a_stack_overflow() {
    let body = "[".repeat(100_000);
    let server = Faulty::always(vec![Act::Write(response(200, &[], body.as_bytes()))]).await;
    // Rejected early (a struct is not an array of arrays), before any
    // recursion could get deep.
    decode_message(get(&server, 0).await);
}

#[tokio::test]
async fn deeply_nested_arrays_inside_an_unknown_field_are_a_decode_error() {
    let mut result = app(APP).to_string();
    result.pop(); // the closing brace
    let body = format!(
        r#"{{"success":true,"errors":[],"result":{result},"x_nested":{}{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let server = Faulty::always(vec![Act::Write(response(200, &[], body.as_bytes()))]).await;
    let message = decode_message(get(&server, 0).await);
    assert!(message.contains("recursion limit"), "{message}");
}

#[tokio::test]
async fn deeply_nested_objects_inside_an_unknown_field_are_a_decode_error() {
    let mut result = app(APP).to_string();
    result.pop(); // the closing brace
    let body = format!(
        r#"{{"success":true,"errors":[],"result":{result},"x_nested":{}{}}}}}"#,
        r#"{"a":"#.repeat(100_000),
        "}".repeat(100_000)
    );
    let server = Faulty::always(vec![Act::Write(response(200, &[], body.as_bytes()))]).await;
    let message = decode_message(get(&server, 0).await);
    assert!(message.contains("recursion limit"), "{message}");
}

#[tokio::test]
async fn deeply_nested_error_page_with_500_is_an_http_error() {
    let body = "[".repeat(100_000);
    let server = Faulty::always(vec![Act::Write(response(500, &[], body.as_bytes()))]).await;
    match get(&server, 0).await {
        Err(Error::Http(e)) => assert_eq!(e.excerpt.len(), cloudflare_spectrum::EXCERPT_LIMIT),
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

// ---- servers that stall or drip ----

/// A client whose attempts time out after 300 ms.
fn impatient(server: &Faulty, retries: u32) -> cloudflare_spectrum::Client {
    server.builder(retries).timeout(Duration::from_millis(300)).build().unwrap()
}

async fn assert_times_out(server: &Faulty, retries: u32) {
    let started = Instant::now();
    let result = guarded(GUARD, impatient(server, retries).spectrum_apps_get(ZONE, APP)).await;
    let elapsed = started.elapsed();
    match result {
        Err(Error::Timeout { attempts }) => assert_eq!(attempts, retries + 1),
        other => panic!("expected a timeout, got {other:?}"),
    }
    let bound = Duration::from_millis(300 * u64::from(retries + 1)) + PROMPT;
    assert!(elapsed < bound, "took {elapsed:?}, bound {bound:?}");
}

#[tokio::test]
async fn stall_before_the_headers_is_a_timeout_per_attempt() {
    let server = Faulty::always(vec![Act::Stall]).await;
    assert_times_out(&server, 1).await;
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn headers_dripped_slowly_are_a_timeout() {
    let head = response(200, &[("x-slow", "yes")], b"{}");
    let server = Faulty::always(vec![Act::Drip(head, Duration::from_millis(50))]).await;
    assert_times_out(&server, 0).await;
}

#[tokio::test]
async fn body_dripped_slowly_is_a_timeout() {
    let body = json!({"success": true, "errors": [], "result": app(APP)}).to_string();
    let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len());
    let server =
        Faulty::always(vec![Act::Write(head.into_bytes()), Act::Drip(body.into_bytes(), Duration::from_millis(20))])
            .await;
    assert_times_out(&server, 0).await;
}

#[tokio::test]
async fn stall_mid_body_is_a_timeout() {
    let server = Faulty::always(vec![
        Act::Write(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"success\":".to_vec()),
        Act::Stall,
    ])
    .await;
    assert_times_out(&server, 0).await;
}

#[tokio::test]
async fn post_that_timed_out_is_not_retried() {
    let server = Faulty::always(vec![Act::Stall]).await;
    let result = guarded(GUARD, impatient(&server, 3).spectrum_apps_create(ZONE, &config())).await;
    assert!(matches!(result, Err(Error::Timeout { attempts: 1 })), "{result:?}");
    assert_eq!(server.requests().len(), 1);
}

// ---- retry storms and absurd Retry-After values ----

#[tokio::test]
async fn a_503_storm_stops_after_max_retries() {
    let server = Faulty::always(fail(503, &[], 10000)).await;
    let started = Instant::now();
    let err = get(&server, 4).await.unwrap_err();
    assert_eq!(err.attempts(), 5);
    assert_eq!(server.requests().len(), 5);
    assert!(started.elapsed() < PROMPT, "{:?}", started.elapsed());
}

/// A 503 with this `Retry-After` (or other header) for every request; the
/// error after at most 3 attempts, and how long it took.
async fn retry_after(name: &str, value: &str) -> (Error, Duration, usize) {
    let server = Faulty::always(fail(503, &[(name, value)], 10000)).await;
    let started = Instant::now();
    let err = get(&server, 2).await.unwrap_err();
    (err, started.elapsed(), server.requests().len())
}

fn given_up_after(err: &Error) -> Option<Duration> {
    match err {
        Error::Api(e) => e.meta.retry_after,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn retry_after_beyond_any_duration_gives_up_at_once() {
    let (err, elapsed, requests) = retry_after("retry-after", "99999999999999999999").await;
    assert_eq!(requests, 1);
    assert_eq!(err.attempts(), 1);
    assert_eq!(given_up_after(&err), Some(Duration::MAX), "the delay saturates: {err:?}");
    assert!(elapsed < PROMPT);
}

#[tokio::test]
async fn retry_after_ms_beyond_any_duration_gives_up_at_once() {
    let (err, _, requests) = retry_after("retry-after-ms", "999999999999999999999999").await;
    assert_eq!(requests, 1);
    assert_eq!(given_up_after(&err), Some(Duration::MAX));
}

#[tokio::test]
async fn retry_after_far_future_date_gives_up_at_once() {
    let (err, elapsed, requests) = retry_after("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT").await;
    assert_eq!(requests, 1);
    let asked = given_up_after(&err).expect("the delay asked for");
    assert!(asked > Duration::from_secs(7000 * 365 * 86400), "{asked:?}");
    assert!(elapsed < PROMPT);
}

#[tokio::test]
async fn negative_retry_after_is_ignored_and_backoff_applies() {
    let (err, elapsed, requests) = retry_after("retry-after", "-5").await;
    assert_eq!(requests, 3);
    assert_eq!(given_up_after(&err), None);
    assert!(elapsed < PROMPT);
}

#[tokio::test]
async fn garbage_retry_after_is_ignored_and_backoff_applies() {
    for garbage in ["soon", "NaN", "inf", "1e999", "0x10", "12 seconds", "Mon, 99 Foo 2024 25:61:61 GMT", ""] {
        let (err, elapsed, requests) = retry_after("retry-after", garbage).await;
        assert_eq!(requests, 3, "{garbage:?}");
        assert_eq!(given_up_after(&err), None, "{garbage:?}");
        assert!(elapsed < PROMPT, "{garbage:?}: {elapsed:?}");
    }
}

#[tokio::test]
async fn garbage_retry_after_ms_falls_back_to_retry_after() {
    let server = Faulty::always(fail(503, &[("retry-after-ms", "-1"), ("retry-after", "120")], 10000)).await;
    let err = get(&server, 2).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(given_up_after(&err), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn success_with_x_should_retry_true_is_returned_not_sent_again() {
    let success = json!({"success": true, "errors": [], "messages": [], "result": app(APP)});
    let reply = vec![Act::Write(json(200, &[("x-should-retry", "true"), ("retry-after", "0")], &success))];
    let server = Faulty::always(reply).await;
    let created = guarded(GUARD, server.client(3).spectrum_apps_create(ZONE, &config())).await.unwrap();
    assert_eq!(created.id.as_str(), APP);
    assert_eq!(server.requests().len(), 1, "a create that succeeded is never sent again");
    get(&server, 3).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

// ---- numbers and timestamps at and beyond the edges of their types ----

#[tokio::test]
async fn error_code_u64_max_is_kept_exactly() {
    let server = Faulty::always(fail(400, &[], u64::MAX)).await;
    let err = get(&server, 0).await.unwrap_err();
    assert_eq!(err.codes(), vec![u64::MAX]);
}

/// An error entry that is not `{code, message}` (here a code beyond u64)
/// never hides the failure: the envelope still says `success: false`, so
/// the call is an API error, and the entry is kept as its JSON text.
#[tokio::test]
async fn error_code_beyond_u64_is_kept_as_text_in_an_api_error() {
    let body = br#"{"success":false,"errors":[{"code":18446744073709551616,"message":"m"},{"code":1003,"message":"Not found"}],"result":null}"#;
    for status in [400, 200] {
        let server = Faulty::always(vec![Act::Write(response(status, &[], body))]).await;
        match get(&server, 0).await {
            Err(Error::Api(e)) => {
                assert_eq!(e.meta.status, status);
                assert_eq!(e.errors.len(), 2);
                assert_eq!(e.errors[0].code, 0);
                assert_eq!(e.errors[0].message, r#"{"code":18446744073709551616,"message":"m"}"#);
                assert_eq!((e.errors[1].code, e.errors[1].message.as_str()), (1003, "Not found"));
            }
            other => panic!("HTTP {status}: expected an API error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn negative_ttl_is_a_decode_error_naming_the_field() {
    let message = decode_message(get_with("/origin_dns/ttl", json!(-1)).await);
    assert!(message.starts_with("result.origin_dns.ttl:"), "{message}");
}

#[tokio::test]
async fn ttl_beyond_u32_is_a_decode_error_not_a_wrap() {
    let message = decode_message(get_with("/origin_dns/ttl", json!(1u64 << 33)).await);
    assert!(message.starts_with("result.origin_dns.ttl:") && message.contains("8589934592"), "{message}");
}

#[tokio::test]
async fn fractional_ttl_is_a_decode_error() {
    let message = decode_message(get_with("/origin_dns/ttl", json!(600.5)).await);
    assert!(message.starts_with("result.origin_dns.ttl:"), "{message}");
}

#[tokio::test]
async fn ttl_at_u32_max_is_decoded() {
    let app = get_with("/origin_dns/ttl", json!(u32::MAX)).await.unwrap();
    assert_eq!(app.origin_dns.unwrap().ttl, Some(u32::MAX));
}

#[tokio::test]
async fn origin_port_zero_is_a_decode_error() {
    let message = decode_message(get_port(json!(0)).await);
    assert!(message.starts_with("result.origin_port:"), "{message}");
}

async fn get_port(port: Value) -> Result<SpectrumApp> {
    let mut body = app(APP);
    body["origin_port"] = port;
    let server = Faulty::always(ok(body)).await;
    get(&server, 0).await
}

#[tokio::test]
async fn origin_port_65536_is_a_decode_error() {
    let message = decode_message(get_port(json!(65536)).await);
    assert!(message.starts_with("result.origin_port:"), "{message}");
}

#[tokio::test]
async fn origin_port_negative_is_a_decode_error() {
    let message = decode_message(get_port(json!(-1)).await);
    assert!(message.starts_with("result.origin_port:"), "{message}");
}

#[tokio::test]
async fn origin_port_fractional_is_a_decode_error() {
    let message = decode_message(get_port(json!(22.5)).await);
    assert!(message.starts_with("result.origin_port:"), "{message}");
}

#[tokio::test]
async fn origin_port_at_the_edges_keeps_its_json_type() {
    for (sent, expected) in [(json!(1), json!(1)), (json!(65535), json!(65535)), (json!("0"), json!("0"))] {
        let app = get_port(sent).await.unwrap();
        let port = app.origin_port.expect("origin_port");
        assert_eq!(serde_json::to_value(&port).unwrap(), expected);
        assert_eq!(matches!(port, OriginPort::Range(_)), expected.is_string());
    }
}

#[tokio::test]
async fn created_on_in_year_10000_is_decoded_when_signed_and_an_error_otherwise() {
    // RFC 3339 has four-digit years; the ISO 8601 expanded form with a sign
    // is decoded exactly and sent back as it came.
    let app = get_with("/created_on", json!("+10000-01-01T00:00:00Z")).await.unwrap();
    assert_eq!(app.created_on.timestamp(), 253402300800);
    assert_eq!(serde_json::to_value(app.created_on).unwrap(), json!("+10000-01-01T00:00:00Z"));
    let message = decode_message(get_with("/created_on", json!("10000-01-01T00:00:00Z")).await);
    assert!(message.starts_with("result.created_on:"), "{message}");
}

#[tokio::test]
async fn created_on_garbage_is_a_decode_error_naming_the_field() {
    for garbage in [json!("yesterday"), json!(""), json!(1700000000), json!("2024-13-01T00:00:00Z"), json!(null)] {
        let message = decode_message(get_with("/created_on", garbage.clone()).await);
        assert!(message.starts_with("result.created_on:"), "{garbage}: {message}");
    }
}

#[tokio::test]
async fn created_on_at_the_edges_is_decoded_exactly() {
    for (sent, unix) in [
        ("9999-12-31T23:59:59.999999999Z", 253402300799),
        ("0000-01-01T00:00:00Z", -62167219200),
        ("2024-01-01T00:00:00+14:00", 1704016800),
    ] {
        let app = get_with("/created_on", json!(sent)).await.unwrap();
        assert_eq!(app.created_on.timestamp(), unix, "{sent}");
    }
}

#[tokio::test]
async fn result_info_count_beyond_u64_is_a_decode_error_naming_the_field() {
    let body =
        r#"{"success":true,"errors":[],"result":[],"result_info":{"page":1,"total_count":18446744073709551616}}"#;
    let server = Faulty::always(vec![Act::Write(response(200, &[], body.as_bytes()))]).await;
    let result = guarded(GUARD, server.client(0).spectrum_apps_list(ZONE, &ListApps::new())).await;
    let message = decode_message(result);
    assert!(message.starts_with("result_info.total_count:"), "{message}");
}

#[tokio::test]
async fn protocol_port_beyond_u16_is_a_decode_error_naming_the_field() {
    let server = Faulty::always(ok(json!([{"name": "tcp/22", "ports": [22, 65536]}]))).await;
    let result = guarded(GUARD, server.client(0).spectrum_protocols_list(ZONE)).await;
    let message = decode_message(result);
    assert!(message.starts_with("result[0].ports[1]:"), "{message}");
}

#[tokio::test]
async fn analytics_number_beyond_f64_is_a_decode_error() {
    let body = br#"{"success":true,"errors":[],"result":[{"appID":"a","bytesEgress":1e400,"bytesIngress":0,"connections":0,"durationAvg":0}]}"#;
    let server = Faulty::always(vec![Act::Write(response(200, &[], body))]).await;
    let result = guarded(GUARD, server.client(0).spectrum_analytics_current(ZONE, &CurrentQuery::new())).await;
    let message = decode_message(result);
    assert!(message.contains("number out of range"), "{message}");
}

// ---- the request line: ids, filters and times as they go on the wire ----

#[tokio::test]
async fn filters_and_times_are_percent_encoded_exactly() {
    let server = Faulty::always(ok(json!({
        "data": [], "data_lag": 0, "max": {}, "min": {}, "query": {}, "rows": 0, "totals": {}
    })))
    .await;
    let since = chrono::DateTime::parse_from_rfc3339("2024-01-02T03:04:05.123456789Z").unwrap().to_utc();
    let until = chrono::DateTime::parse_from_rfc3339("2024-01-02T09:04:05Z").unwrap().to_utc();
    let query = EventsQuery::new()
        .filters("event==connect;coloName==SFO,appID!=a b&c=d#e%f+g/h?i\u{e9}")
        .since(since)
        .until(until)
        .sort(["-count"]);
    guarded(GUARD, server.client(0).spectrum_analytics_summary(ZONE, &query)).await.unwrap();
    let requests = server.requests();
    assert_eq!(
        target(&requests[0]),
        "/zones/023e105f4ecef8ad9ca31a8372d0c353/spectrum/analytics/events/summary\
         ?filters=event%3D%3Dconnect%3BcoloName%3D%3DSFO%2CappID%21%3Da+b%26c%3Dd%23e%25f%2Bg%2Fh%3Fi%C3%A9\
         &since=2024-01-02T03%3A04%3A05.123456789Z\
         &sort=-count\
         &until=2024-01-02T09%3A04%3A05Z"
    );
}

#[tokio::test]
async fn current_analytics_app_ids_and_colo_are_percent_encoded_exactly() {
    let server = Faulty::always(ok(json!([]))).await;
    guarded(
        GUARD,
        server
            .client(0)
            .spectrum_analytics_current(ZONE, &CurrentQuery::new().app_ids(["a1", "b2&x=y"]).colo_name("SFO #1")),
    )
    .await
    .unwrap();
    assert_eq!(
        target(&server.requests()[0]),
        "/zones/023e105f4ecef8ad9ca31a8372d0c353/spectrum/analytics/aggregate/current\
         ?appID=a1%2Cb2%26x%3Dy&colo_name=SFO+%231"
    );
}

#[tokio::test]
async fn path_ids_with_unusual_but_allowed_characters_stay_one_segment() {
    let server = Faulty::always(ok(json!({"account_app_id": ACCOUNT_APP}))).await;
    let client = server.client(0);
    for (id, encoded) in [
        ("...", "..."),
        ("a;b=c", "a;b=c"),
        ("caf\u{e9}", "caf%C3%A9"),
        ("<x>", "%3Cx%3E"),
        ("a\u{1}b", "a%01b"),
        ("{`\"}", "%7B%60%22%7D"),
    ] {
        guarded(GUARD, client.magic_apps_delete(ACCOUNT, id)).await.unwrap();
        let requests = server.requests();
        let expected = format!("/accounts/{ACCOUNT}/magic/apps/{encoded}");
        assert_eq!(target(requests.last().unwrap()), expected, "{id:?}");
    }
}

#[tokio::test]
async fn documented_limits_are_checked_before_sending() {
    // per_page above the document's maximum of 100 is refused before
    // sending; the limit is data in the document, so a refresh that raises
    // it raises it here.
    let server = Faulty::always(ok(json!([]))).await;
    let query = ListApps::new().page(1).per_page(5000);
    let refused = guarded(GUARD, server.client(0).spectrum_apps_list(ZONE, &query)).await;
    assert!(
        matches!(&refused, Err(Error::InvalidInput { field: "per_page", message }) if message == "5000 is above the maximum of 100"),
        "{refused:?}"
    );
    assert!(server.requests().is_empty());
    let query = ListApps::new().page(1).per_page(100);
    guarded(GUARD, server.client(0).spectrum_apps_list(ZONE, &query)).await.unwrap();
    assert_eq!(
        target(&server.requests()[0]),
        "/zones/023e105f4ecef8ad9ca31a8372d0c353/spectrum/apps?page=1&per_page=100"
    );
    // The same for the body: a ttl under the document's minimum of 600.
    let server = Faulty::always(ok(app(APP))).await;
    let mut config = config();
    config.origin_dns = Some(cloudflare_spectrum::types::OriginDns { ttl: Some(599), ..Default::default() });
    let refused = guarded(GUARD, server.client(0).spectrum_apps_create(ZONE, &config)).await;
    assert!(
        matches!(&refused, Err(Error::InvalidInput { field: "origin_dns.ttl", message }) if message == "599 is below the minimum of 600"),
        "{refused:?}"
    );
    assert!(server.requests().is_empty());
    config.origin_dns.as_mut().unwrap().ttl = Some(600);
    guarded(GUARD, server.client(0).spectrum_apps_create(ZONE, &config)).await.unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn zero_page_is_rejected_before_anything_is_sent() {
    let server = Faulty::always(ok(json!([]))).await;
    let query = ListApps::new().per_page(0);
    let result = guarded(GUARD, server.client(0).spectrum_apps_list(ZONE, &query)).await;
    assert!(matches!(result, Err(Error::InvalidInput { field: "per_page", .. })), "{result:?}");
    assert!(server.requests().is_empty());
}
