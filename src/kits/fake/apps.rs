//! Spectrum applications and protocols.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::envelope::{FakeError, ok, ok_page};
use super::extract::{Ids, Params, lower, object, required_str, typed};
use super::state::{Shared, new_id, now};
use super::syntax::Protocol;
use super::{codes, validate};
use crate::types::{
    EdgeIps, EdgeIpsConnectivity, EdgeIpsType, Identifier, ProxyProtocol, ResultInfo, SortDirection, SpectrumApp,
    SpectrumAppConfig, SpectrumAppId, SpectrumAppsOrder, SpectrumDnsType, TlsMode,
};

/// Page size when `page` is given without `per_page`.
const DEFAULT_PER_PAGE: u64 = 20;

/// `GET /zones/{zone_id}/spectrum/apps`
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Ids(zone): Ids<String>,
    uri: Uri,
) -> Result<Response, FakeError> {
    let params = Params::from_uri(&uri)?;
    let page = params.int("page", 1, u64::from(u32::MAX))?;
    let per_page = params.int("per_page", 1, 100)?.unwrap_or(DEFAULT_PER_PAGE);
    let order = params.one_of::<SpectrumAppsOrder>("order")?;
    let descending = params.one_of::<SortDirection>("direction")? == Some(SortDirection::Desc);
    let mut apps = shared.data().spectrum.get(&lower(zone)).cloned().unwrap_or_default();
    if let Some(order) = order {
        apps.sort_by(|a, b| compare(order, a, b));
    }
    if descending {
        apps.reverse();
    }
    let Some(page) = page else { return Ok(ok(apps)) };
    let total = apps.len() as u64;
    let items: Vec<SpectrumApp> =
        apps.into_iter().skip(((page - 1).saturating_mul(per_page)) as usize).take(per_page as usize).collect();
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

/// How two applications compare in the `order` asked for.
fn compare(order: SpectrumAppsOrder, a: &SpectrumApp, b: &SpectrumApp) -> Ordering {
    match order {
        SpectrumAppsOrder::Protocol => a.protocol.cmp(&b.protocol),
        SpectrumAppsOrder::AppId => a.id.as_str().cmp(b.id.as_str()),
        SpectrumAppsOrder::CreatedOn => a.created_on.cmp(&b.created_on),
        SpectrumAppsOrder::ModifiedOn => a.modified_on.cmp(&b.modified_on),
        SpectrumAppsOrder::Dns => a.dns.name.cmp(&b.dns.name),
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
    let id = Identifier::try_from(id).map_err(|e| FakeError::internal(e.to_string()))?;
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
    let index = apps.iter().position(|app| same_id(app, &app_id)).ok_or_else(not_found)?;
    check_unique(apps, &config, Some(index))?;
    let old = &apps[index];
    // Strictly later, so that a change always shows in `modified_on`.
    let modified = now().max(old.modified_on + chrono::TimeDelta::microseconds(1));
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
    let index = apps.iter().position(|app| same_id(app, &app_id)).ok_or_else(not_found)?;
    let app = apps.remove(index);
    Ok(ok(SpectrumAppId { id: app.id, extra: Map::new() }))
}

/// `GET /zones/{zone_id}/spectrum/protocols`: a fixed list, every item
/// with its `ports` (empty for `tcp` and `udp`, which take any port).
pub(crate) async fn protocols(Ids(_zone): Ids<String>) -> Response {
    ok(vec![
        protocol("tcp", "Any TCP port", "tcp", &[]),
        protocol("udp", "Any UDP port", "udp", &[]),
        protocol("ssh", "Secure Shell", "tcp", &[22]),
        protocol("rdp", "Remote Desktop Protocol", "tcp", &[3389]),
        protocol("minecraft", "Minecraft: Java Edition", "tcp", &[25565]),
    ])
}

/// One item of the protocol list, `ports` always present.
fn protocol(name: &str, description: &str, transport: &str, ports: &[u16]) -> Value {
    json!({
        "name": name,
        "description": description,
        "transport": transport,
        "ports": ports,
    })
}

/// The request body as a configuration, refusing what the API refuses:
/// a missing `dns`, `dns.name` or `protocol`, a malformed `protocol`,
/// `origin_dns.ttl` below 600, values of the wrong JSON type, and what
/// [`validate::spectrum_app`] refuses.
fn config(body: &[u8]) -> Result<SpectrumAppConfig, FakeError> {
    let object = object(body)?;
    match object.get("dns") {
        None | Some(Value::Null) => return Err(FakeError::field(codes::MISSING_FIELD, "/dns", "dns is required")),
        Some(Value::Object(_)) => {}
        Some(_) => return Err(FakeError::field(codes::INVALID_FIELD, "/dns", "dns must be an object")),
    }
    required_str(&object, "/dns/name")?;
    let protocol = required_str(&object, "/protocol")?;
    if Protocol::parse(protocol).is_none() {
        return Err(validate::invalid_protocol(protocol));
    }
    let ttl = object.get("origin_dns").and_then(|dns| dns.get("ttl")).filter(|ttl| !ttl.is_null());
    if let Some(ttl) = ttl.filter(|ttl| ttl.as_u64().is_none_or(|ttl| ttl < 600)) {
        let message = format!("origin_dns.ttl must be an integer of at least 600, not {ttl}");
        return Err(FakeError::field(codes::INVALID_ORIGIN_DNS, "/origin_dns/ttl", message));
    }
    let config = typed(object)?;
    validate::spectrum_app(&config)?;
    Ok(config)
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
        return Err(FakeError { status: StatusCode::CONFLICT, ..error });
    }
    Ok(())
}

/// The stored application: the configuration as sent (unknown fields and
/// values included, except those the fake sets itself) with its id and
/// times, and, for a full configuration (one with `traffic_type`), the
/// settings the API fills in when they are not sent, as its reference
/// examples show: dynamic edge IPs on all IP versions (for a CNAME record),
/// TLS and PROXY protocol off, Argo Smart Routing and the IP firewall off.
fn application(
    config: SpectrumAppConfig,
    id: Identifier,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
) -> SpectrumApp {
    let mut extra = config.extra;
    extra.retain(|key, _| !matches!(key.as_str(), "id" | "created_on" | "modified_on"));
    let full = config.traffic_type.is_some();
    let fill = |value: Option<bool>| value.or(full.then_some(false));
    let cname = config.dns.type_.as_ref().is_none_or(|t| *t == SpectrumDnsType::Cname);
    let edge_ips = config.edge_ips.or_else(|| {
        (full && cname).then(|| EdgeIps {
            type_: Some(EdgeIpsType::Dynamic),
            connectivity: Some(EdgeIpsConnectivity::All),
            ..Default::default()
        })
    });
    SpectrumApp {
        id,
        created_on: created,
        modified_on: modified,
        argo_smart_routing: fill(config.argo_smart_routing),
        dns: config.dns,
        edge_ips,
        ip_firewall: fill(config.ip_firewall),
        origin_direct: config.origin_direct,
        origin_dns: config.origin_dns,
        origin_port: config.origin_port,
        protocol: config.protocol,
        proxy_protocol: config.proxy_protocol.or(full.then_some(ProxyProtocol::Off)),
        tls: config.tls.or(full.then_some(TlsMode::Off)),
        traffic_type: config.traffic_type,
        extra,
    }
}

/// Whether `app` has the id `id` (in any case).
fn same_id(app: &SpectrumApp, id: &str) -> bool {
    app.id.as_str().eq_ignore_ascii_case(id)
}

/// The 404 for an application that does not exist.
fn not_found() -> FakeError {
    FakeError::not_found("Application")
}
