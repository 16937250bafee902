//! A scripted HTTP/1.1 server on 127.0.0.1 for resilience tests: each
//! connection gets the next scripted reply (then is closed), and every
//! request head is recorded. Bounded: it serves at most the script's length
//! (plus a few "no more replies" 500s) and stops when dropped.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudflare_spectrum::{Client, Credentials, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One scripted reply.
#[derive(Clone)]
pub enum Reply {
    /// Raw bytes written as the response, then the connection is closed.
    Raw(Vec<u8>),
    /// Wait, then write the bytes.
    Delayed(Duration, Vec<u8>),
}

/// A complete response with a JSON body.
pub fn json(status: u16, headers: &[(&str, &str)], body: &serde_json::Value) -> Reply {
    let body = body.to_string();
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    Reply::Raw(format!("{head}connection: close\r\n\r\n{body}").into_bytes())
}

/// A success envelope around `result`.
pub fn ok(result: serde_json::Value) -> Reply {
    json(
        200,
        &[],
        &serde_json::json!({"success": true, "errors": [], "messages": [], "result": result}),
    )
}

/// A failure envelope with one error.
pub fn fail(status: u16, headers: &[(&str, &str)], code: u64) -> Reply {
    let body = serde_json::json!({
        "success": false, "errors": [{"code": code, "message": "scripted"}], "messages": [], "result": null
    });
    json(status, headers, &body)
}

/// Headers promising 1000 bytes, a few of them, then the connection closes.
pub fn reset_mid_body() -> Reply {
    Reply::Raw(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"succ".to_vec())
}

/// The running server.
pub struct Scripted {
    pub url: String,
    requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Scripted {
    pub async fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let task = tokio::spawn(async move {
            let extra = 4;
            for index in 0..script.len() + extra {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let head = read_request(&mut socket).await;
                log.lock().unwrap().push(head);
                let reply = script
                    .get(index)
                    .cloned()
                    .unwrap_or_else(|| json(500, &[], &serde_json::json!("script exhausted")));
                let bytes = match reply {
                    Reply::Raw(bytes) => bytes,
                    Reply::Delayed(delay, bytes) => {
                        tokio::time::sleep(delay).await;
                        bytes
                    }
                };
                let _ = socket.write_all(&bytes).await;
                let _ = socket.shutdown().await;
            }
        });
        Self { url, requests, task }
    }

    /// Request heads received so far (request line and headers).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// A client for this server with fast, deterministic-enough backoff.
    pub fn client(&self, retries: u32) -> Client {
        Client::builder()
            .base_url(&self.url)
            .credentials(Credentials::api_token("test-token"))
            .retry_policy(fast_retries(retries))
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A retry policy with millisecond backoff, for tests.
pub fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

/// Reads one request head and its body (by content-length), with a bound.
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
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
                    .find_map(|l| {
                        l.strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
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

/// A minimal valid Spectrum app.
pub fn app(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "created_on": "2014-01-01T05:20:00.12345Z",
        "modified_on": "2014-01-01T05:20:00.12345Z",
        "dns": {"name": format!("{id}.example.com"), "type": "CNAME"},
        "protocol": "tcp/22",
        "traffic_type": "direct"
    })
}

pub const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const APP: &str = "ea95132c15732412d22c1476fa83f27a";
