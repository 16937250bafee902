//! Shared by the benchmarks: canned envelopes, a minimal canned-response
//! HTTP/1.1 server on 127.0.0.1, the hand-written baseline client, and small
//! measuring helpers. See BENCHMARKS.md.
#![allow(dead_code)]

use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use chrono::{DateTime, TimeZone as _, Utc};
use cloudflare_spectrum::types::{
    AnalyticsDimension, AnalyticsMetric, EdgeIps, EdgeIpsConnectivity, OriginDns, OriginPort, SpectrumAnalyticsReport,
    SpectrumAnalyticsReportResponse, SpectrumApp, SpectrumAppConfig, SpectrumAppDeleteResponse, SpectrumAppId,
    SpectrumAppListResponse, SpectrumAppResponse, SpectrumDns, SpectrumDnsType, TlsMode, TrafficType,
};
use cloudflare_spectrum::{Client, Credentials, EventsQuery, ListApps};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, USER_AGENT};
use serde_json::{Value, json};

pub const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// A zone whose app list is a single page.
pub const ONE_PAGE_ZONE: &str = "0000000000000000000000000000one1";
pub const APP: &str = "ea95132c15732412d22c1476fa83f27a";
pub const TOKEN: &str = "bench-token";
/// What the crate sends by default; the baseline sends the same.
pub const CRATE_USER_AGENT: &str = concat!("cloudflare-spectrum/", env!("CARGO_PKG_VERSION"));
pub const PER_PAGE: usize = 100;

// ---------------------------------------------------------------- fixtures

/// A full application (every documented field), with id number `n`.
pub fn app_json(n: usize) -> Value {
    json!({
        "id": format!("{n:032x}"),
        "created_on": "2014-01-01T05:20:00.12345Z",
        "modified_on": "2014-01-02T05:20:00Z",
        "dns": { "name": format!("ssh{n}.example.com"), "type": "CNAME" },
        "protocol": "tcp/22",
        "traffic_type": "direct",
        "argo_smart_routing": true,
        "edge_ips": { "connectivity": "all", "type": "dynamic" },
        "ip_firewall": false,
        "origin_direct": ["tcp://192.0.2.1:22"],
        "origin_dns": { "name": "origin.example.com", "ttl": 600, "type": "" },
        "origin_port": 22,
        "proxy_protocol": "off",
        "tls": "off"
    })
}

fn envelope(result: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result })
}

fn to_bytes(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).expect("serialises"))
}

/// `GET …/apps/{id}`, `PUT …/apps/{id}` and `POST …/apps`: one app.
pub fn app_body() -> Bytes {
    let mut app = app_json(0);
    app["id"] = json!(APP);
    to_bytes(&envelope(app))
}

/// `DELETE …/apps/{id}`: the id of the deleted app.
pub fn delete_body() -> Bytes {
    to_bytes(&envelope(json!({ "id": APP })))
}

/// Page `page` (from 1) of a list of `pages` pages of `PER_PAGE` apps, with
/// result_info; ids are unique across pages.
pub fn list_page_body(page: usize, pages: usize) -> Bytes {
    let apps: Vec<Value> = (0..PER_PAGE).map(|i| app_json((page - 1) * PER_PAGE + i + 1)).collect();
    let mut body = envelope(Value::Array(apps));
    body["result_info"] = json!({
        "page": page, "per_page": PER_PAGE, "count": PER_PAGE,
        "total_count": pages * PER_PAGE, "total_pages": pages
    });
    to_bytes(&body)
}

fn empty_page_body() -> Bytes {
    let mut body = envelope(json!([]));
    body["result_info"] = json!({ "page": 1, "per_page": PER_PAGE, "count": 0, "total_count": 0, "total_pages": 0 });
    to_bytes(&body)
}

fn report(data: Vec<Value>, intervals: Option<Vec<Value>>) -> Value {
    let rows = data.len();
    let mut report = json!({
        "data": data,
        "data_lag": 60,
        "max": { "count": 2, "bytesIngress": 20.5 },
        "min": { "count": 1, "bytesIngress": 10 },
        "query": {
            "dimensions": ["appID"],
            "filters": "event==connect",
            "limit": 10000,
            "metrics": ["count", "bytesIngress"],
            "since": "2024-01-01T00:00:00Z",
            "sort": ["-count"],
            "until": "2024-01-01T06:00:00Z"
        },
        "rows": rows,
        "totals": { "count": 3000, "bytesIngress": 30500.5 }
    });
    if let Some(intervals) = intervals {
        report["time_intervals"] = Value::Array(intervals);
    }
    envelope(report)
}

/// `GET …/analytics/events/summary`: 10 rows (one per app) of 2 metrics.
pub fn summary_body() -> Bytes {
    let data = (0..10)
        .map(|i| json!({ "dimensions": [format!("{i:032x}")], "metrics": [i * 3 + 1, f64::from(i) * 1024.5] }))
        .collect();
    to_bytes(&report(data, None))
}

/// Number of time buckets of the bytime fixture.
pub const BYTIME_BUCKETS: usize = 6;

/// `GET …/analytics/events/bytime`: `rows` rows, each with 2 metrics of
/// `BYTIME_BUCKETS` hourly values.
pub fn bytime_body(rows: usize) -> Bytes {
    let data = (0..rows)
        .map(|i| {
            let count: Vec<Value> = (0..BYTIME_BUCKETS).map(|h| json!(i + h)).collect();
            let bytes: Vec<Value> = (0..BYTIME_BUCKETS).map(|h| json!((i * 1000 + h) as f64 + 0.5)).collect();
            json!({ "dimensions": [format!("{i:032x}")], "metrics": [count, bytes] })
        })
        .collect();
    let intervals = (0..BYTIME_BUCKETS)
        .map(|h| json!([format!("2024-01-01T{h:02}:00:00Z"), format!("2024-01-01T{:02}:00:00Z", h + 1)]))
        .collect();
    to_bytes(&report(data, Some(intervals)))
}

/// The body of the create benchmark: a full configuration.
pub fn app_config() -> SpectrumAppConfig {
    let dns =
        SpectrumDns { name: Some("ssh.example.com".into()), type_: Some(SpectrumDnsType::Cname), ..Default::default() };
    SpectrumAppConfig {
        traffic_type: Some(TrafficType::Direct),
        tls: Some(TlsMode::Off),
        edge_ips: Some(EdgeIps { connectivity: Some(EdgeIpsConnectivity::All), ..Default::default() }),
        origin_dns: Some(OriginDns { name: Some("origin.example.com".into()), ttl: Some(600), ..Default::default() }),
        origin_port: std::num::NonZeroU16::new(22).map(|port| OriginPort::Number(port.into())),
        ..SpectrumAppConfig::new(dns, "tcp/22")
    }
}

pub fn utc(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, hour, 0, 0).single().expect("valid date")
}

/// The analytics query of the summary benchmark.
pub fn events_query() -> EventsQuery {
    EventsQuery::new()
        .metrics(vec![AnalyticsMetric::Count, AnalyticsMetric::BytesIngress])
        .dimensions(vec![AnalyticsDimension::AppId])
        .sort(["-count"])
        .filters("event==connect")
        .since(utc(0))
        .until(utc(6))
}

/// The list query of the one-page benchmark (`?page=1&per_page=100`).
pub fn list_query() -> ListApps {
    ListApps::new().per_page(PER_PAGE as u32).page(1)
}

// ------------------------------------------------------------------ server

/// Every response the server can give, serialised once up front: serving is
/// a reference-count increment, the same for both clients.
pub struct Canned {
    pub app: Bytes,
    pub deleted: Bytes,
    pub summary: Bytes,
    pub bytime: Bytes,
    /// The pages of `ZONE`'s app list.
    pub pages: Vec<Bytes>,
    /// The one page of `ONE_PAGE_ZONE`.
    pub one_page: Bytes,
    empty_page: Bytes,
    not_found: Bytes,
    /// While set, the server keeps the headers of each request it gets
    /// (off while measuring: the check of both sides' headers only).
    record: AtomicBool,
    last_headers: Mutex<Vec<(String, String)>>,
}

impl Canned {
    /// `pages` pages of 100 apps in `ZONE`, one page in `ONE_PAGE_ZONE`.
    pub fn new(pages: usize) -> Self {
        Self::with_bytime(pages, 1_000)
    }

    /// As `new`, with a bytime report of `rows` rows (the instruction
    /// counts, run under valgrind, use none).
    pub fn with_bytime(pages: usize, rows: usize) -> Self {
        Self {
            app: app_body(),
            deleted: delete_body(),
            summary: summary_body(),
            bytime: bytime_body(rows),
            pages: (1..=pages).map(|page| list_page_body(page, pages)).collect(),
            one_page: list_page_body(1, 1),
            empty_page: empty_page_body(),
            not_found: to_bytes(&json!({
                "success": false, "errors": [{ "code": 10000, "message": "not found" }], "messages": [], "result": null
            })),
            record: AtomicBool::new(false),
            last_headers: Mutex::new(Vec::new()),
        }
    }

    fn route(&self, method: &Method, path: &str, query: Option<&str>) -> (StatusCode, Bytes) {
        let Some(rest) = path.strip_prefix("/zones/") else {
            return (StatusCode::NOT_FOUND, self.not_found.clone());
        };
        let (zone, rest) = rest.split_once('/').unwrap_or((rest, ""));
        match (method, rest) {
            (&Method::GET, "spectrum/apps") => {
                let page = query
                    .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("page=")))
                    .and_then(|p| p.parse::<usize>().ok())
                    .unwrap_or(1);
                let body = match zone {
                    ONE_PAGE_ZONE if page == 1 => &self.one_page,
                    ZONE => self.pages.get(page.wrapping_sub(1)).unwrap_or(&self.empty_page),
                    _ => &self.empty_page,
                };
                (StatusCode::OK, body.clone())
            }
            (&Method::POST, "spectrum/apps") => (StatusCode::OK, self.app.clone()),
            (&Method::GET, "spectrum/analytics/events/summary") => (StatusCode::OK, self.summary.clone()),
            (&Method::GET, "spectrum/analytics/events/bytime") => (StatusCode::OK, self.bytime.clone()),
            (&Method::GET | &Method::PUT, app) if app.starts_with("spectrum/apps/") => {
                (StatusCode::OK, self.app.clone())
            }
            (&Method::DELETE, app) if app.starts_with("spectrum/apps/") => (StatusCode::OK, self.deleted.clone()),
            _ => (StatusCode::NOT_FOUND, self.not_found.clone()),
        }
    }
}

async fn serve(canned: Arc<Canned>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    if canned.record.load(Ordering::SeqCst) {
        let mut headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        headers.sort();
        *canned.last_headers.lock().expect("headers lock") = headers;
    }
    // Read (and drop) any request body so the connection stays reusable.
    let _ = body.collect().await;
    let (status, body) = canned.route(&parts.method, parts.uri.path(), parts.uri.query());
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("cf-ray", HeaderValue::from_static("8f0a0b0c0d0e0f10-SJC"));
    Ok(response)
}

/// The canned-response server: HTTP/1.1 with keep-alive on 127.0.0.1, on
/// its own thread running its own single-threaded tokio runtime, so none of
/// its work runs on (or is charged to) the client's thread.
pub struct Server {
    pub addr: SocketAddr,
    canned: Arc<Canned>,
}

impl Server {
    pub fn start(canned: Canned) -> Self {
        let canned = Arc::new(canned);
        let shared = canned.clone();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        std::thread::Builder::new()
            .name("canned-server".into())
            .spawn(move || {
                let runtime =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        let _ = stream.set_nodelay(true);
                        let canned = canned.clone();
                        tokio::spawn(async move {
                            let service = hyper::service::service_fn(move |request| serve(canned.clone(), request));
                            let io = hyper_util::rt::TokioIo::new(stream);
                            let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                        });
                    }
                });
            })
            .expect("server thread");
        Self { addr, canned: shared }
    }

    /// The headers of the request `send` makes, as the server got them
    /// (sorted name, value pairs).
    pub fn headers_of<T>(&self, send: impl FnOnce() -> T) -> Vec<(String, String)> {
        self.canned.record.store(true, Ordering::SeqCst);
        send();
        self.canned.record.store(false, Ordering::SeqCst);
        std::mem::take(&mut *self.canned.last_headers.lock().expect("headers lock"))
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

// ----------------------------------------------------------------- clients

/// The crate's client with its defaults (60 s timeout, 5 s connect timeout,
/// no redirects, 2 retries), an API token, pointed at `base_url`.
pub fn crate_client(base_url: &str) -> Client {
    Client::builder().base_url(base_url).credentials(Credentials::api_token(TOKEN)).build().expect("client")
}

/// The failures of the baseline: what a careful hand-written client checks.
#[derive(Debug)]
pub enum BaselineError {
    Transport(reqwest::Error),
    Status(StatusCode),
    Decode(serde_json::Error),
    NotSuccess,
}

impl From<reqwest::Error> for BaselineError {
    fn from(e: reqwest::Error) -> Self {
        Self::Transport(e)
    }
}

/// A careful hand-written client: the same `reqwest::Client` settings and
/// headers as the crate, built once; per request it builds the request,
/// sends it, reads the bytes, checks the status, decodes the envelope into
/// the same generated types with `serde_json::from_slice` and checks
/// `success`. It checks no id and tolerates no odd envelope: it is the
/// floor the crate is held to.
#[derive(Clone)]
pub struct Baseline {
    http: reqwest::Client,
    base: String,
    headers: HeaderMap,
}

const TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The `reqwest::Client` the crate builds for `base_url`, written out:
/// 60 s timeout (on the client, so no request needs its own), 5 s connect
/// timeout, no redirects, and, for an `http://` URL, no CA store (such a
/// client never makes a TLS connection). The floor of building a client.
pub fn floor_http_client(base_url: &str) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none());
    let builder = if base_url.starts_with("https://") { builder } else { builder.tls_certs_only(std::iter::empty()) };
    builder.build().expect("reqwest client")
}

/// The same settings with reqwest's default TLS configuration (the
/// platform's CA store): what a client costs when nobody thinks of it.
pub fn default_tls_http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

impl Baseline {
    pub fn new(base_url: &str) -> Self {
        let http = floor_http_client(base_url);
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("header value");
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        headers.insert(USER_AGENT, HeaderValue::from_static(CRATE_USER_AGENT));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        Self { http, base: base_url.to_owned(), headers }
    }

    async fn call<E: serde::de::DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<E, BaselineError> {
        let response = request.headers(self.headers.clone()).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            return Err(BaselineError::Status(status));
        }
        serde_json::from_slice(&body).map_err(BaselineError::Decode)
    }

    pub async fn spectrum_apps_get(&self, zone: &str, app: &str) -> Result<SpectrumApp, BaselineError> {
        let request = self.http.get(format!("{}/zones/{zone}/spectrum/apps/{app}", self.base));
        let envelope: SpectrumAppResponse = self.call(request).await?;
        if !envelope.success {
            return Err(BaselineError::NotSuccess);
        }
        Ok(envelope.result)
    }

    pub async fn spectrum_apps_create(
        &self,
        zone: &str,
        config: &SpectrumAppConfig,
    ) -> Result<SpectrumApp, BaselineError> {
        let request = self.http.post(format!("{}/zones/{zone}/spectrum/apps", self.base)).json(config);
        let envelope: SpectrumAppResponse = self.call(request).await?;
        if !envelope.success {
            return Err(BaselineError::NotSuccess);
        }
        Ok(envelope.result)
    }

    pub async fn spectrum_apps_update(
        &self,
        zone: &str,
        app: &str,
        config: &SpectrumAppConfig,
    ) -> Result<SpectrumApp, BaselineError> {
        let request = self.http.put(format!("{}/zones/{zone}/spectrum/apps/{app}", self.base)).json(config);
        let envelope: SpectrumAppResponse = self.call(request).await?;
        if !envelope.success {
            return Err(BaselineError::NotSuccess);
        }
        Ok(envelope.result)
    }

    pub async fn spectrum_apps_delete(&self, zone: &str, app: &str) -> Result<SpectrumAppId, BaselineError> {
        let request = self.http.delete(format!("{}/zones/{zone}/spectrum/apps/{app}", self.base));
        let envelope: SpectrumAppDeleteResponse = self.call(request).await?;
        if !envelope.success {
            return Err(BaselineError::NotSuccess);
        }
        Ok(envelope.result)
    }

    pub async fn spectrum_analytics_summary(
        &self,
        zone: &str,
        query: &EventsQuery,
    ) -> Result<SpectrumAnalyticsReport, BaselineError> {
        let rfc3339 = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        let (since, until) = (query.since.as_ref().map(rfc3339), query.until.as_ref().map(rfc3339));
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(8);
        pairs.extend(query.dimensions.iter().map(|d| ("dimensions", d.as_str())));
        pairs.extend(query.filters.as_deref().map(|f| ("filters", f)));
        pairs.extend(query.metrics.iter().map(|m| ("metrics", m.as_str())));
        pairs.extend(since.as_deref().map(|t| ("since", t)));
        pairs.extend(query.sort.iter().map(|s| ("sort", s.as_str())));
        pairs.extend(until.as_deref().map(|t| ("until", t)));
        let request =
            self.http.get(format!("{}/zones/{zone}/spectrum/analytics/events/summary", self.base)).query(&pairs);
        let envelope: SpectrumAnalyticsReportResponse = self.call(request).await?;
        if !envelope.success {
            return Err(BaselineError::NotSuccess);
        }
        Ok(envelope.result)
    }

    pub async fn spectrum_apps_list(
        &self,
        zone: &str,
        page: u32,
        per_page: u32,
    ) -> Result<Vec<SpectrumApp>, BaselineError> {
        let request = self
            .http
            .get(format!("{}/zones/{zone}/spectrum/apps", self.base))
            .query(&[("page", page), ("per_page", per_page)]);
        let envelope: SpectrumAppListResponse = self.call(request).await?;
        if !envelope.success {
            return Err(BaselineError::NotSuccess);
        }
        Ok(envelope.result)
    }
}

// ------------------------------------------------------------- operations

/// The operations compared, each one request.
#[derive(Clone, Copy)]
pub enum Op {
    GetApp,
    CreateApp,
    UpdateApp,
    DeleteApp,
    AnalyticsSummary,
    ListPage,
}

/// The operations, with the names used in benchmark ids.
pub const OPS: [(Op, &str); 6] = [
    (Op::GetApp, "get_app"),
    (Op::CreateApp, "create_app"),
    (Op::UpdateApp, "update_app"),
    (Op::DeleteApp, "delete_app"),
    (Op::AnalyticsSummary, "analytics_summary"),
    (Op::ListPage, "list_page_100"),
];

/// Which client makes the request.
#[derive(Clone, Copy, PartialEq)]
pub enum Side {
    Crate,
    Baseline,
}

/// Both clients, pointed at the same server, and the inputs of every
/// operation.
pub struct Bench {
    client: Client,
    baseline: Baseline,
    config: SpectrumAppConfig,
    query: EventsQuery,
    list: ListApps,
}

impl Bench {
    pub fn new(base_url: &str) -> Self {
        Self {
            client: crate_client(base_url),
            baseline: Baseline::new(base_url),
            config: app_config(),
            query: events_query(),
            list: list_query(),
        }
    }

    /// One request of `op` through the crate.
    pub async fn via_crate(&self, op: Op) {
        let client = &self.client;
        match op {
            Op::GetApp => drop(black_box(client.spectrum_apps_get(ZONE, APP).await.expect("get"))),
            Op::CreateApp => drop(black_box(client.spectrum_apps_create(ZONE, &self.config).await.expect("create"))),
            Op::UpdateApp => {
                drop(black_box(client.spectrum_apps_update(ZONE, APP, &self.config).await.expect("update")))
            }
            Op::DeleteApp => drop(black_box(client.spectrum_apps_delete(ZONE, APP).await.expect("delete"))),
            Op::AnalyticsSummary => {
                drop(black_box(client.spectrum_analytics_summary(ZONE, &self.query).await.expect("summary")))
            }
            Op::ListPage => drop(black_box(client.spectrum_apps_list(ZONE, &self.list).await.expect("list"))),
        }
    }

    /// One request of `op` through the hand-written baseline.
    pub async fn via_baseline(&self, op: Op) {
        let baseline = &self.baseline;
        match op {
            Op::GetApp => drop(black_box(baseline.spectrum_apps_get(ZONE, APP).await.expect("get"))),
            Op::CreateApp => drop(black_box(baseline.spectrum_apps_create(ZONE, &self.config).await.expect("create"))),
            Op::UpdateApp => {
                drop(black_box(baseline.spectrum_apps_update(ZONE, APP, &self.config).await.expect("update")))
            }
            Op::DeleteApp => drop(black_box(baseline.spectrum_apps_delete(ZONE, APP).await.expect("delete"))),
            Op::AnalyticsSummary => {
                drop(black_box(baseline.spectrum_analytics_summary(ZONE, &self.query).await.expect("summary")))
            }
            Op::ListPage => {
                let per_page = PER_PAGE as u32;
                drop(black_box(baseline.spectrum_apps_list(ZONE, 1, per_page).await.expect("list")))
            }
        }
    }

    /// `count` requests of `op` by `side`.
    pub async fn run(&self, side: Side, op: Op, count: usize) {
        for _ in 0..count {
            match side {
                Side::Crate => self.via_crate(op).await,
                Side::Baseline => self.via_baseline(op).await,
            }
        }
    }

    /// Both sides must do the same work: same results for every operation.
    pub async fn check(&self) {
        let client = &self.client;
        let baseline = &self.baseline;
        assert_eq!(
            client.spectrum_apps_get(ZONE, APP).await.unwrap(),
            baseline.spectrum_apps_get(ZONE, APP).await.unwrap()
        );
        assert_eq!(
            client.spectrum_apps_create(ZONE, &self.config).await.unwrap(),
            baseline.spectrum_apps_create(ZONE, &self.config).await.unwrap()
        );
        assert_eq!(
            client.spectrum_apps_update(ZONE, APP, &self.config).await.unwrap(),
            baseline.spectrum_apps_update(ZONE, APP, &self.config).await.unwrap()
        );
        assert_eq!(
            client.spectrum_apps_delete(ZONE, APP).await.unwrap(),
            baseline.spectrum_apps_delete(ZONE, APP).await.unwrap()
        );
        assert_eq!(
            client.spectrum_analytics_summary(ZONE, &self.query).await.unwrap(),
            baseline.spectrum_analytics_summary(ZONE, &self.query).await.unwrap()
        );
        let page = client.spectrum_apps_list(ZONE, &self.list).await.unwrap();
        assert_eq!(page.items.len(), PER_PAGE);
        assert_eq!(page.items, baseline.spectrum_apps_list(ZONE, 1, PER_PAGE as u32).await.unwrap());
    }

    /// Both sides must send the same request: for every operation, the
    /// headers the server got from each (sorted), which must be equal.
    /// Returns those of each operation, for the record.
    pub fn check_headers(
        &self,
        runtime: &tokio::runtime::Runtime,
        server: &Server,
    ) -> Vec<(&'static str, Vec<(String, String)>)> {
        let mut all = Vec::new();
        for (op, name) in OPS {
            let ours = server.headers_of(|| runtime.block_on(self.via_crate(op)));
            let theirs = server.headers_of(|| runtime.block_on(self.via_baseline(op)));
            assert!(!ours.is_empty(), "{name}: no headers recorded");
            assert_eq!(ours, theirs, "{name}: the crate and the baseline send different headers");
            all.push((name, ours));
        }
        all
    }
}

// ---------------------------------------------------------------- measuring

/// The single-threaded runtime every client runs on: the client's whole
/// work (request building, hyper's connection task, decoding) then runs on
/// the calling thread, so `RUSAGE_THREAD` of that thread is the client's CPU.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime")
}

/// User + system CPU time consumed so far by the calling thread.
pub fn thread_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        assert_eq!(libc::getrusage(libc::RUSAGE_THREAD, &mut usage), 0, "getrusage");
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1_000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// The command line's positional arguments (criterion's filters), so the
/// hand-timed sections can be skipped like criterion's groups.
pub struct Args {
    filters: Vec<String>,
    /// `--test`: run everything once, quickly (`cargo bench -- --test`).
    pub test_mode: bool,
    /// `--list`: list only.
    pub list_mode: bool,
}

impl Args {
    pub fn parse() -> Self {
        const WITH_VALUE: &[&str] = &[
            "--save-baseline",
            "-s",
            "--baseline",
            "-b",
            "--baseline-lenient",
            "--load-baseline",
            "--sample-size",
            "--warm-up-time",
            "--measurement-time",
            "--nresamples",
            "--noise-threshold",
            "--confidence-level",
            "--significance-level",
            "--profile-time",
            "--color",
            "-c",
            "--output-format",
            "--format",
            "--plotting-backend",
            "--logfile",
        ];
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut filters = Vec::new();
        let mut skip = false;
        for arg in &args {
            if skip {
                skip = false;
            } else if WITH_VALUE.contains(&arg.as_str()) {
                skip = true;
            } else if !arg.starts_with('-') {
                filters.push(arg.clone());
            }
        }
        Self { filters, test_mode: args.iter().any(|a| a == "--test"), list_mode: args.iter().any(|a| a == "--list") }
    }

    /// Whether the hand-timed section `name` runs (no filter, or a filter
    /// that is a substring of `name`).
    pub fn selected(&self, name: &str) -> bool {
        !self.list_mode && (self.filters.is_empty() || self.filters.iter().any(|f| name.contains(f.as_str())))
    }
}

/// Where criterion writes its results (its own rule: `CRITERION_HOME`,
/// `$CARGO_TARGET_DIR/criterion`, else the target directory this binary was
/// built in).
pub fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    // …/target/release/deps/<bench>-<hash>
    let exe = std::env::current_exe().expect("current exe");
    exe.ancestors().nth(3).map(|target| target.join("criterion")).unwrap_or_else(|| "target/criterion".into())
}

/// Criterion's median estimate (ns) and its 95 % bounds for `group/function`,
/// if written by this run (after `since`).
pub fn criterion_median(group: &str, function: &str, since: SystemTime) -> Option<(f64, f64, f64)> {
    let path = criterion_home().join(group).join(function).join("new").join("estimates.json");
    let fresh = std::fs::metadata(&path).and_then(|m| m.modified()).is_ok_and(|t| t >= since);
    if !fresh {
        return None;
    }
    let estimates: Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    let median = &estimates["median"];
    Some((
        median["point_estimate"].as_f64()?,
        median["confidence_interval"]["lower_bound"].as_f64()?,
        median["confidence_interval"]["upper_bound"].as_f64()?,
    ))
}

/// Median, minimum and maximum of some samples.
pub fn spread(samples: &[f64]) -> (f64, f64, f64) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
    (median, sorted[0], sorted[n - 1])
}

/// Times `f`; returns wall and client-thread CPU.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let (cpu, wall) = (thread_cpu(), Instant::now());
    let out = f();
    (out, wall.elapsed(), thread_cpu() - cpu)
}
