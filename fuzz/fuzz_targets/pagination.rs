//! `spectrum_apps_stream` (the `Pages` stream) against a server that answers
//! each page request with an arbitrary page: any number of items (ids that
//! may repeat the previous page's), `result_info` with or without
//! `total_pages`, `total_count` and `per_page`, or a failure. Never a panic
//! or a hang; at most `max_pages` requests, asking pages `start`,
//! `start + 1`, … with the page size asked for; `Ok` only with every item
//! of every page fetched, in order, and only when the last page fetched is
//! evidence of the end (empty, shorter than the page size, `total_pages`
//! reached or `total_count` items seen); a full page without totals is
//! never taken as the end; `Error::Pagination` only after a repeated page,
//! `max_pages` pages, or totals the pages contradict.
#![no_main]

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use cloudflare_spectrum::{Client, Credentials, Error, ListApps};
use futures::TryStreamExt as _;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";

#[derive(Arbitrary, Debug, Clone)]
struct PageSpec {
    /// Items on the page (taken modulo 41).
    items: u8,
    /// Where its ids start: equal to the previous page's, a repeat.
    first_id: u8,
    fail: bool,
    info: bool,
    total_pages: Option<u8>,
    total_count: Option<u8>,
    per_page: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    start: Option<u8>,
    per_page: Option<u8>,
    max_pages: u8,
    pages: Vec<PageSpec>,
}

/// The pages the server answers, in request order, and the request lines.
static SCRIPT: Mutex<(Vec<Vec<u8>>, Vec<String>)> = Mutex::new((Vec::new(), Vec::new()));

struct World {
    runtime: tokio::runtime::Runtime,
    client: Client,
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
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let line = String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_owned();
                    let reply = {
                        let mut script = SCRIPT.lock().unwrap();
                        let n = script.1.len();
                        script.1.push(line);
                        script.0.get(n).cloned()
                    };
                    let reply = reply.unwrap_or_else(|| {
                        b"HTTP/1.1 599 X\r\nconnection: close\r\ncontent-length: 0\r\n\r\n".to_vec()
                    });
                    let _ = socket.write_all(&reply).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        let client = Client::builder()
            .base_url(url)
            .credentials(Credentials::api_token("fuzz"))
            .max_retries(0)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        World { runtime, client }
    })
}

fn app(id: u32) -> Value {
    json!({
        "id": format!("{id:032x}"),
        "created_on": "2014-01-01T05:20:00Z",
        "modified_on": "2014-01-02T05:20:00Z",
        "dns": {},
        "protocol": "tcp/22",
    })
}

fn ids(spec: &PageSpec) -> Vec<u32> {
    (0..u32::from(spec.items % 41)).map(|i| u32::from(spec.first_id) * 64 + i).collect()
}

fn reply(spec: &PageSpec) -> Vec<u8> {
    let (status, body) = if spec.fail {
        (500, json!({"success": false, "errors": [{"code": 10000, "message": "x"}]}))
    } else {
        let mut body = json!({"success": true, "errors": [], "messages": [], "result": ids(spec).into_iter().map(app).collect::<Vec<_>>()});
        if spec.info {
            let mut info = serde_json::Map::new();
            if let Some(n) = spec.total_pages {
                info.insert("total_pages".into(), n.into());
            }
            if let Some(n) = spec.total_count {
                info.insert("total_count".into(), n.into());
            }
            if let Some(n) = spec.per_page {
                info.insert("per_page".into(), n.into());
            }
            body["result_info"] = Value::Object(info);
        }
        (200, body)
    };
    let body = serde_json::to_vec(&body).unwrap();
    let mut out =
        format!("HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(&body);
    out
}

/// The value of `key` in a request line's query.
fn query_value(line: &str, key: &str) -> Option<u32> {
    let target = line.split(' ').nth(1)?;
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| pair.strip_prefix(key)?.strip_prefix('=')).and_then(|v| v.parse().ok())
}

fuzz_target!(|input: Input| {
    let start = input.start.map(|s| u32::from(s % 200) + 1);
    let per_page = input.per_page.map(|p| u32::from(p % 100) + 1);
    let max_pages = u32::from(input.max_pages % 24) + 1;
    let pages: Vec<PageSpec> = input.pages.into_iter().take(30).collect();
    *SCRIPT.lock().unwrap() = (pages.iter().map(reply).collect(), Vec::new());

    let World { runtime, client } = world();
    let mut query = ListApps::new();
    if let Some(start) = start {
        query = query.page(start);
    }
    if let Some(per_page) = per_page {
        query = query.per_page(per_page);
    }
    let stream = client.spectrum_apps_stream(ZONE, &query).max_pages(max_pages);
    let result = runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(60), stream.try_collect::<Vec<_>>()).await.expect("the stream hung")
    });
    let requests = std::mem::take(&mut SCRIPT.lock().unwrap().1);

    // The requests: at most max_pages, pages in order from the start, the
    // page size asked for (or the default), never past the script.
    let first = start.unwrap_or(1);
    // The default page size is the document's maximum.
    let size = per_page.unwrap_or(100);
    assert!(requests.len() as u32 <= max_pages, "{} requests, cap {max_pages}", requests.len());
    assert!(requests.len() <= pages.len() + 1);
    for (k, line) in requests.iter().enumerate() {
        assert_eq!(query_value(line, "page"), Some(first + k as u32), "{line}");
        assert_eq!(query_value(line, "per_page"), Some(size), "{line}");
    }
    let fetched = &pages[..requests.len().min(pages.len())];
    let seen: usize = fetched.iter().map(|p| ids(p).len()).sum();
    match result {
        Ok(items) => {
            let got: Vec<String> = items.iter().map(|a| a.id.to_string()).collect();
            let want: Vec<String> = fetched.iter().flat_map(ids).map(|i| format!("{i:032x}")).collect();
            assert_eq!(got, want, "not every item of the pages fetched, in order");
            let last = fetched.last().expect("Ok without a request");
            assert!(!last.fail);
            let count = ids(last).len() as u64;
            let info = last.info.then_some(last);
            let page = u64::from(first) + fetched.len() as u64 - 1;
            let evidence = count == 0
                || info.and_then(|i| i.total_pages).is_some_and(|t| page >= u64::from(t))
                || info.and_then(|i| i.total_count).is_some_and(|t| seen as u64 >= u64::from(t))
                || count < info.and_then(|i| i.per_page).map_or(u64::from(size), u64::from);
            assert!(evidence, "ended after page {page} without evidence of the end: {last:?}");
        }
        Err(Error::Pagination(message)) => {
            // A repeat of the previous page, the cap, or contradicted totals.
            let repeat = fetched.len() >= 2 && {
                let (a, b) = (&fetched[fetched.len() - 2], &fetched[fetched.len() - 1]);
                !ids(b).is_empty() && ids(a) == ids(b)
            };
            let capped = fetched.len() as u32 == max_pages;
            let totals = fetched.last().is_some_and(|p| p.info && p.total_count.is_some() && p.total_pages.is_some());
            assert!(repeat || capped || totals, "{message}: {fetched:?}");
        }
        Err(Error::Api(e)) => {
            assert!(fetched.last().is_some_and(|p| p.fail), "{e}");
            assert_eq!(e.meta.status.as_u16(), 500);
        }
        // Past the script: the server's empty 599.
        Err(Error::Http(e)) => {
            assert_eq!(e.meta.status.as_u16(), 599);
            assert_eq!(requests.len(), pages.len() + 1);
        }
        Err(other) => panic!("{other:?}"),
    }
});
