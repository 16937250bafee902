//! Spectrum applications and protocols.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::codes;
use super::envelope::{FakeError, Ids, Params, lower, object, ok, ok_page, required_str, typed};
use super::state::{Shared, new_id, now};
use crate::types::{Identifier, ResultInfo, SpectrumApp, SpectrumAppConfig, SpectrumAppId, SpectrumProtocol};

/// Page size when `page` is given without `per_page`.
const DEFAULT_PER_PAGE: u64 = 20;
const ORDERS: [&str; 5] = ["protocol", "app_id", "created_on", "modified_on", "dns"];

/// `GET /zones/{zone_id}/spectrum/apps`
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Ids(zone): Ids<String>,
    uri: Uri,
) -> Result<Response, FakeError> {
    let params = Params::from_uri(&uri)?;
    let page = params.int("page", 1, u64::from(u32::MAX))?;
    let per_page = params.int("per_page", 1, 100)?.unwrap_or(DEFAULT_PER_PAGE);
    let order = params.one_of("order", &ORDERS)?;
    let descending = params
        .one_of("direction", &["asc", "desc"])?
        .is_some_and(|d| d == "desc");
    let mut apps = shared.data().spectrum.get(&lower(zone)).cloned().unwrap_or_default();
    if let Some(order) = order {
        apps.sort_by(|a, b| compare(&order, a, b));
    }
    if descending {
        apps.reverse();
    }
    let Some(page) = page else { return Ok(ok(apps)) };
    let total = apps.len() as u64;
    let items: Vec<SpectrumApp> = apps
        .into_iter()
        .skip(((page - 1).saturating_mul(per_page)) as usize)
        .take(per_page as usize)
        .collect();
    let info = ResultInfo {
        page: Some(page),
        per_page: Some(per_page),
        count: Some(items.len() as u64),
        total_count: Some(total),
        total_pages: Some(total.div_ceil(per_page)),
        extra: Map::new(),
    };
    Ok(ok_page(items, Some(info)))
}

fn compare(order: &str, a: &SpectrumApp, b: &SpectrumApp) -> Ordering {
    match order {
        "protocol" => a.protocol.cmp(&b.protocol),
        "app_id" => a.id.as_str().cmp(b.id.as_str()),
        "modified_on" => a.modified_on.cmp(&b.modified_on),
        "dns" => a.dns.name.cmp(&b.dns.name),
        _ => a.created_on.cmp(&b.created_on),
    }
}

/// `POST /zones/{zone_id}/spectrum/apps`
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Ids(zone): Ids<String>,
    body: Bytes,
) -> Result<Response, FakeError> {
    let config = config(&body)?;
    let mut data = shared.data();
    let apps = data.spectrum.entry(lower(zone)).or_default();
    check_unique(apps, &config, None)?;
    let id = new_id(|id| apps.iter().any(|app| app.id.as_str() == id));
    let id = Identifier::try_from(id).map_err(|e| internal(e.to_string()))?;
    let created = now();
    let app = application(config, id, created, created);
    apps.push(app.clone());
    Ok(ok(app))
}

/// `GET /zones/{zone_id}/spectrum/apps/{app_id}`
pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    Ids((zone, app_id)): Ids<(String, String)>,
) -> Result<Response, FakeError> {
    let data = shared.data();
    let apps = data.spectrum.get(&lower(zone)).map(Vec::as_slice).unwrap_or_default();
    let app = apps.iter().find(|app| same_id(app, &app_id)).ok_or_else(not_found)?;
    Ok(ok(app))
}

/// `PUT /zones/{zone_id}/spectrum/apps/{app_id}`: replaces the configuration.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Ids((zone, app_id)): Ids<(String, String)>,
    body: Bytes,
) -> Result<Response, FakeError> {
    let config = config(&body)?;
    let mut data = shared.data();
    let apps = data.spectrum.entry(lower(zone)).or_default();
    let index = apps
        .iter()
        .position(|app| same_id(app, &app_id))
        .ok_or_else(not_found)?;
    check_unique(apps, &config, Some(index))?;
    let old = &apps[index];
    let modified = now().max(old.modified_on);
    let app = application(config, old.id.clone(), old.created_on, modified);
    apps[index] = app.clone();
    Ok(ok(app))
}

/// `DELETE /zones/{zone_id}/spectrum/apps/{app_id}`: answers the id.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    Ids((zone, app_id)): Ids<(String, String)>,
) -> Result<Response, FakeError> {
    let mut data = shared.data();
    let apps = data.spectrum.entry(lower(zone)).or_default();
    let index = apps
        .iter()
        .position(|app| same_id(app, &app_id))
        .ok_or_else(not_found)?;
    let app = apps.remove(index);
    Ok(ok(SpectrumAppId {
        id: app.id,
        extra: Map::new(),
    }))
}

/// `GET /zones/{zone_id}/spectrum/protocols`: a fixed list.
pub(crate) async fn protocols(Ids(_zone): Ids<String>) -> Response {
    let protocol = |name: &str, description: &str, transport: &str, ports: &[u16]| SpectrumProtocol {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        transport: Some(transport.to_owned()),
        ports: ports.to_vec(),
        extra: Map::new(),
    };
    ok(vec![
        protocol("tcp", "Any TCP port", "tcp", &[]),
        protocol("udp", "Any UDP port", "udp", &[]),
        protocol("ssh", "Secure Shell", "tcp", &[22]),
        protocol("rdp", "Remote Desktop Protocol", "tcp", &[3389]),
        protocol("minecraft", "Minecraft: Java Edition", "tcp", &[25565]),
    ])
}

/// The request body as a configuration, refusing what the API refuses:
/// a missing `dns`, `dns.name` or `protocol`, a malformed `protocol`,
/// `origin_dns.ttl` below 600, and values of the wrong JSON type.
fn config(body: &[u8]) -> Result<SpectrumAppConfig, FakeError> {
    let object = object(body)?;
    match object.get("dns") {
        None | Some(Value::Null) => return Err(FakeError::field(codes::MISSING_FIELD, "/dns", "dns is required")),
        Some(Value::Object(_)) => {}
        Some(_) => return Err(FakeError::field(codes::INVALID_FIELD, "/dns", "dns must be an object")),
    }
    required_str(&object, "/dns/name")?;
    let protocol = required_str(&object, "/protocol")?;
    if !valid_protocol(protocol) {
        let message = format!("protocol must look like tcp/22 or udp/1000-2000, not {protocol:?}");
        return Err(FakeError::field(codes::INVALID_FIELD, "/protocol", message));
    }
    let ttl = object
        .get("origin_dns")
        .and_then(|dns| dns.get("ttl"))
        .filter(|ttl| !ttl.is_null());
    if let Some(ttl) = ttl.filter(|ttl| ttl.as_u64().is_none_or(|ttl| ttl < 600)) {
        let message = format!("origin_dns.ttl must be an integer of at least 600, not {ttl}");
        return Err(FakeError::field(codes::INVALID_ORIGIN_DNS, "/origin_dns/ttl", message));
    }
    typed(object)
}

/// `transport/port` or `transport/first-last`, ports from 1 to 65535.
fn valid_protocol(protocol: &str) -> bool {
    let Some((transport, ports)) = protocol.split_once('/') else {
        return false;
    };
    let port = |p: &str| p.parse::<u16>().ok().filter(|p| *p > 0);
    let ports_ok = match ports.split_once('-') {
        Some((first, last)) => port(first).zip(port(last)).is_some_and(|(a, b)| a <= b),
        None => port(ports).is_some(),
    };
    !transport.is_empty() && transport.bytes().all(|b| b.is_ascii_alphanumeric()) && ports_ok
}

/// A 409 when another application (not the one at `except`) has the DNS name.
fn check_unique(apps: &[SpectrumApp], config: &SpectrumAppConfig, except: Option<usize>) -> Result<(), FakeError> {
    let Some(name) = config.dns.name.as_deref() else {
        return Ok(());
    };
    let taken = apps
        .iter()
        .enumerate()
        .any(|(i, app)| Some(i) != except && app.dns.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)));
    if taken {
        let message = format!("An application with the DNS name {name} already exists in this zone");
        let error = FakeError::field(codes::DUPLICATE_DNS_NAME, "/dns/name", message);
        return Err(FakeError {
            status: StatusCode::CONFLICT,
            ..error
        });
    }
    Ok(())
}

/// The stored application: the configuration as sent (unknown fields and
/// values included, except those the fake sets itself) with its id and times.
fn application(
    config: SpectrumAppConfig,
    id: Identifier,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
) -> SpectrumApp {
    let mut extra = config.extra;
    extra.retain(|key, _| !matches!(key.as_str(), "id" | "created_on" | "modified_on"));
    SpectrumApp {
        id,
        created_on: created,
        modified_on: modified,
        argo_smart_routing: config.argo_smart_routing,
        dns: config.dns,
        edge_ips: config.edge_ips,
        ip_firewall: config.ip_firewall,
        origin_direct: config.origin_direct,
        origin_dns: config.origin_dns,
        origin_port: config.origin_port,
        protocol: config.protocol,
        proxy_protocol: config.proxy_protocol,
        tls: config.tls,
        traffic_type: config.traffic_type,
        extra,
    }
}

fn same_id(app: &SpectrumApp, id: &str) -> bool {
    app.id.as_str().eq_ignore_ascii_case(id)
}

fn not_found() -> FakeError {
    FakeError::not_found("Application")
}

fn internal(message: String) -> FakeError {
    FakeError::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL_ERROR, message)
}
