//! A loopback HTTP server that misbehaves on purpose, for the tests that
//! httpmock cannot serve: scripted sequences, resets, stalls and drips
//! (`tests/retries.rs`, `secrets.rs`, `robustness_*.rs`).
//!
//! Each connection reads one request (head and `content-length` body,
//! bounded), records its head, then performs the [`Act`]s the responder
//! returns for it: writing bytes, dripping them, stalling, flooding, or
//! resetting the connection. Connections are served concurrently and every
//! task stops when the server is dropped.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudflare_spectrum::{Client, Credentials, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const APP: &str = "ea95132c15732412d22c1476fa83f27a";
pub const ACCOUNT: &str = "01a7362d577a6c3019a474fd6f485823";
pub const ACCOUNT_APP: &str = "ac60d3d0435248289d446cedd870bcf4";

/// One step of a reply.
#[derive(Clone, Debug)]
pub enum Act {
    /// Write these bytes at once.
    Write(Vec<u8>),
    /// Write these bytes one at a time, pausing between them.
    Drip(Vec<u8>, Duration),
    /// Wait.
    Sleep(Duration),
    /// Write `chunk` again and again until the peer goes away or `cap`
    /// bytes were written.
    Flood { chunk: Vec<u8>, cap: usize },
    /// Abortive close: the peer sees a connection reset (RST).
    Reset,
    /// Keep the connection open, writing nothing, until the server is dropped.
    Stall,
}

type Responder = dyn Fn(usize, &str) -> Vec<Act> + Send + Sync;

/// The running server.
pub struct Faulty {
    pub url: String,
    requests: Arc<Mutex<Vec<String>>>,
    written: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Faulty {
    /// Answers the `n`-th connection (from 0) with `respond(n, request_head)`.
    pub async fn start(respond: impl Fn(usize, &str) -> Vec<Act> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let written = Arc::new(AtomicUsize::new(0));
        let respond: Arc<Responder> = Arc::new(respond);
        let (log, count) = (requests.clone(), written.clone());
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            let mut index = 0;
            while let Ok((socket, _)) = listener.accept().await {
                let (log, count, respond) = (log.clone(), count.clone(), respond.clone());
                connections.spawn(serve(socket, index, log, count, respond));
                index += 1;
            }
        });
        Self { url, requests, written, task }
    }

    /// The same acts for every connection.
    pub async fn always(acts: Vec<Act>) -> Self {
        Self::start(move |_, _| acts.clone()).await
    }

    /// `script[n]` for the `n`-th connection; the last entry repeats.
    pub async fn script(script: Vec<Vec<Act>>) -> Self {
        Self::start(move |n, _| script[n.min(script.len() - 1)].clone()).await
    }

    /// Request heads received so far (request line and headers).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// Response bytes written so far, over all connections.
    pub fn written(&self) -> usize {
        self.written.load(Ordering::SeqCst)
    }

    /// A client for this server: `retries` fast retries, a short timeout.
    pub fn client(&self, retries: u32) -> Client {
        self.builder(retries).build().unwrap()
    }

    /// A builder for a client of this server, to adjust further.
    pub fn builder(&self, retries: u32) -> cloudflare_spectrum::ClientBuilder {
        Client::builder()
            .base_url(&self.url)
            .credentials(Credentials::api_token("test-token"))
            .retry_policy(fast_retries(retries))
            .timeout(Duration::from_secs(5))
    }
}

impl Drop for Faulty {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every
        // connection task (stalled ones included).
        self.task.abort();
    }
}

async fn serve(
    mut socket: TcpStream,
    index: usize,
    log: Arc<Mutex<Vec<String>>>,
    written: Arc<AtomicUsize>,
    respond: Arc<Responder>,
) {
    let head = read_request(&mut socket).await;
    log.lock().unwrap().push(head.clone());
    for act in respond(index, &head) {
        match act {
            Act::Write(bytes) => {
                if socket.write_all(&bytes).await.is_err() {
                    return;
                }
                written.fetch_add(bytes.len(), Ordering::SeqCst);
            }
            Act::Drip(bytes, pause) => {
                for byte in bytes {
                    if socket.write_all(&[byte]).await.is_err() || socket.flush().await.is_err() {
                        return;
                    }
                    written.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(pause).await;
                }
            }
            Act::Sleep(pause) => tokio::time::sleep(pause).await,
            Act::Flood { chunk, cap } => {
                let mut sent = 0;
                while sent < cap {
                    if socket.write_all(&chunk).await.is_err() {
                        return;
                    }
                    sent += chunk.len();
                    written.fetch_add(chunk.len(), Ordering::SeqCst);
                }
            }
            Act::Reset => {
                let _ = socket.set_zero_linger();
                drop(socket);
                return;
            }
            Act::Stall => std::future::pending::<()>().await,
        }
    }
    let _ = socket.shutdown().await;
}

/// Reads one request head and its body (by `content-length`), bounded in
/// size and time; returns the head.
async fn read_request(socket: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let read = async {
        loop {
            let n = socket.read(&mut chunk).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = find(&buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                    .unwrap_or(0);
                if buf.len() >= end + 4 + length {
                    break;
                }
            }
            if buf.len() > 1 << 20 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), read).await;
    let end = find(&buf, b"\r\n\r\n").unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A retry policy with millisecond backoff and a 1 s cap on server delays.
pub fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(max_retries)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .max_retry_after(Duration::from_secs(1))
}

/// A complete response: status, headers, body, `content-length` and
/// `connection: close`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A JSON response.
pub fn json(status: u16, headers: &[(&str, &str)], body: &serde_json::Value) -> Vec<u8> {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    response(status, &all, body.to_string().as_bytes())
}

/// A success envelope around `result`, as one write.
pub fn ok(result: serde_json::Value) -> Vec<Act> {
    let body = serde_json::json!({"success": true, "errors": [], "messages": [], "result": result});
    vec![Act::Write(json(200, &[], &body))]
}

/// A failure envelope with one error.
pub fn fail(status: u16, headers: &[(&str, &str)], code: u64) -> Vec<Act> {
    let body = serde_json::json!({
        "success": false, "errors": [{"code": code, "message": "scripted"}], "messages": [], "result": null
    });
    vec![Act::Write(json(status, headers, &body))]
}

/// Headers promising 1000 bytes, a few of them, then the connection closes.
pub fn reset_mid_body() -> Vec<Act> {
    vec![Act::Write(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"succ".to_vec(),
    )]
}

/// A minimal valid Spectrum app.
pub fn app(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "created_on": "2014-01-01T05:20:00.12345Z",
        "modified_on": "2014-01-01T05:20:00.12345Z",
        "dns": {"name": "ssh.example.com", "type": "CNAME"},
        "protocol": "tcp/22",
        "traffic_type": "direct"
    })
}

/// The path and query of a recorded request head (`GET /a/b?c HTTP/1.1`).
pub fn target(head: &str) -> &str {
    head.split(' ').nth(1).unwrap_or_default()
}

/// Runs `future` with a guard: a hang fails the test instead of the suite.
pub async fn guarded<F: std::future::Future>(limit: Duration, future: F) -> F::Output {
    match tokio::time::timeout(limit, future).await {
        Ok(output) => output,
        Err(_) => panic!("did not finish within {limit:?}"),
    }
}
