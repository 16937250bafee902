//! The rules a request body must follow beyond its JSON shape, as the seed
//! documentation pages state them; each broken rule is a 400 naming the
//! field at fault (a JSON pointer, `""` for the body as a whole).
//!
//! The fake refuses what Cloudflare documents it refuses, and no more:
//! where the text leaves a case open, the request is accepted.

use serde_json::{Map, Value};

use super::codes;
use super::envelope::FakeError;
use super::known::Known;
use super::syntax::{Ports, Protocol, is_hostname, is_ipv4_cidr};
use crate::types::{
    EdgeIpsType, MagicAppCreate, MagicAppUpdate, OriginPort, SpectrumAppConfig, SpectrumDnsType, TrafficType,
};

/// Checks a Spectrum application's configuration (create or update) whose
/// `protocol` is already known to be well formed.
pub(crate) fn spectrum_app(config: &SpectrumAppConfig) -> Result<(), FakeError> {
    listed_values(config)?;
    host_names(config)?;
    origin(config)?;
    let Some(protocol) = Protocol::parse(&config.protocol) else {
        return Err(invalid_protocol(&config.protocol));
    };
    origin_port(config, protocol)?;
    edge_ips(config)?;
    tcp_only(config, protocol)
}

/// The 400 for a `protocol` that is not `transport/port` or
/// `transport/first-last`.
pub(crate) fn invalid_protocol(protocol: &str) -> FakeError {
    let message = format!("protocol must look like tcp/22 or udp/1000-2000, not {protocol:?}");
    FakeError::field(codes::INVALID_FIELD, "/protocol", message)
}

/// Every enum value is one the document lists: `traffic_type`, `tls`,
/// `proxy_protocol`, `edge_ips.connectivity`, `edge_ips.type`, `dns.type`
/// and `origin_dns.type`.
fn listed_values(config: &SpectrumAppConfig) -> Result<(), FakeError> {
    let edge_ips = config.edge_ips.as_ref();
    listed("/traffic_type", config.traffic_type.as_ref())?;
    listed("/tls", config.tls.as_ref())?;
    listed("/proxy_protocol", config.proxy_protocol.as_ref())?;
    listed("/edge_ips/connectivity", edge_ips.and_then(|e| e.connectivity.as_ref()))?;
    listed("/edge_ips/type", edge_ips.and_then(|e| e.type_.as_ref()))?;
    listed("/dns/type", config.dns.type_.as_ref())?;
    listed("/origin_dns/type", config.origin_dns.as_ref().and_then(|o| o.type_.as_ref()))
}

/// A 400 with [`codes::UNKNOWN_VALUE`] when `value` is not in `T::KNOWN`.
fn listed<T: Known>(pointer: &str, value: Option<&T>) -> Result<(), FakeError> {
    match value {
        Some(value) if !value.is_listed() => Err(FakeError::field(
            codes::UNKNOWN_VALUE,
            pointer,
            format!("{} must be one of {}, not {:?}", field_name(pointer), T::listing(), value.name()),
        )),
        _ => Ok(()),
    }
}

/// `dns.name` and `origin_dns.name`, when given, are host names (the
/// document's `format: hostname`).
fn host_names(config: &SpectrumAppConfig) -> Result<(), FakeError> {
    let names = [
        ("/dns/name", config.dns.name.as_deref()),
        ("/origin_dns/name", config.origin_dns.as_ref().and_then(|o| o.name.as_deref())),
    ];
    for (pointer, name) in names {
        if let Some(name) = name.filter(|name| !is_hostname(name)) {
            let message = format!("{} must be a host name, not {name:?}", field_name(pointer));
            return Err(FakeError::field(codes::INVALID_HOSTNAME, pointer, message));
        }
    }
    Ok(())
}

/// There is an origin: `origin_direct` (not empty) or `origin_dns`.
fn origin(config: &SpectrumAppConfig) -> Result<(), FakeError> {
    if config.origin_direct.is_empty() && config.origin_dns.is_none() {
        return Err(FakeError::field(
            codes::INVALID_ORIGIN,
            "",
            "The origin configuration is invalid: set origin_direct or origin_dns",
        ));
    }
    Ok(())
}

/// An `origin_port` range (a string) holds as many ports as the
/// protocol's: "If specifying a port range, the number of ports in the
/// range must match the number of ports specified in the protocol field."
///
/// A string is a range, so `"2000-2005"` with `tcp/22` is refused (6 ports
/// against 1), and so is `"2000"` with `tcp/1000-1010` (1 against 11). A
/// single port as a number is not a range: the text puts no condition on
/// it, so it is accepted with any protocol.
fn origin_port(config: &SpectrumAppConfig, protocol: Protocol<'_>) -> Result<(), FakeError> {
    let Some(OriginPort::Range(range)) = &config.origin_port else {
        return Ok(());
    };
    let Some(origin) = Ports::parse(range) else {
        let message =
            format!("origin_port must be a port from 1 to 65535 or a range such as \"1000-2000\", not {range:?}");
        return Err(FakeError::field(codes::INVALID_FIELD, "/origin_port", message));
    };
    let (origin, edge) = (origin.count(), protocol.ports.count());
    if origin != edge {
        let message = format!(
            "The origin configuration is invalid: origin_port {range:?} holds {origin} port(s) but protocol {:?} \
             holds {edge}; a range of origin ports must hold as many as the protocol",
            config.protocol
        );
        return Err(FakeError::field(codes::INVALID_ORIGIN, "/origin_port", message));
    }
    Ok(())
}

/// Dynamic edge IPs are "only valid with CNAME DNS names", static ones
/// "only valid with ADDRESS DNS names". Without a `dns.type` nothing is
/// refused (the document gives no default).
fn edge_ips(config: &SpectrumAppConfig) -> Result<(), FakeError> {
    let edge_type = config.edge_ips.as_ref().and_then(|e| e.type_.as_ref());
    let wanted = match edge_type {
        Some(EdgeIpsType::Dynamic) => SpectrumDnsType::Cname,
        Some(EdgeIpsType::Static) => SpectrumDnsType::Address,
        _ => return Ok(()),
    };
    match &config.dns.type_ {
        Some(dns_type) if *dns_type != wanted => Err(FakeError::field(
            codes::INCOMPATIBLE_SETTINGS,
            "/edge_ips/type",
            format!(
                "{} edge IPs are only valid with {} DNS names, not {}",
                edge_type.map_or("", |t| t.as_str()),
                wanted.as_str(),
                dns_type.as_str()
            ),
        )),
        _ => Ok(()),
    }
}

/// Argo Smart Routing is "only available for TCP applications with
/// traffic_type set to direct" (a missing `traffic_type` is taken as
/// `direct`, the pay-as-you-go default); the IP firewall is "only
/// available for TCP applications". Only enabling them is refused.
fn tcp_only(config: &SpectrumAppConfig, protocol: Protocol<'_>) -> Result<(), FakeError> {
    let incompatible =
        |pointer: &str, message: String| Err(FakeError::field(codes::INCOMPATIBLE_SETTINGS, pointer, message));
    if config.argo_smart_routing == Some(true) {
        if !protocol.is_tcp() {
            return incompatible(
                "/argo_smart_routing",
                format!("Argo Smart Routing is only available for TCP applications, not {:?}", config.protocol),
            );
        }
        if let Some(traffic) = config.traffic_type.as_ref().filter(|t| **t != TrafficType::Direct) {
            return incompatible(
                "/argo_smart_routing",
                format!(
                    "Argo Smart Routing is only available with traffic_type \"direct\", not {:?}",
                    traffic.as_str()
                ),
            );
        }
    }
    if config.ip_firewall == Some(true) && !protocol.is_tcp() {
        return incompatible(
            "/ip_firewall",
            format!("The IP firewall is only available for TCP applications, not {:?}", config.protocol),
        );
    }
    Ok(())
}

/// Checks a new Magic app: it has `hostnames` or `ip_subnets` (one not
/// empty), and its subnets are IPv4 CIDRs.
pub(crate) fn magic_create(new: &MagicAppCreate) -> Result<(), FakeError> {
    if new.hostnames.is_empty() && new.ip_subnets.is_empty() {
        return Err(FakeError::field(codes::MISSING_FIELD, "", "hostnames or ip_subnets is required"));
    }
    subnets("/ip_subnets", &new.ip_subnets)?;
    subnets("/source_subnets", &new.source_subnets)
}

/// Checks a Magic app update (PUT or PATCH) as sent (`object`) and typed:
/// it sets at least one field, `name` is not `null`, and its subnets are
/// IPv4 CIDRs.
pub(crate) fn magic_update(object: &Map<String, Value>, change: &MagicAppUpdate) -> Result<(), FakeError> {
    if object.get("name").is_some_and(Value::is_null) {
        return Err(FakeError::field(codes::INVALID_FIELD, "/name", "name must be a string, not null"));
    }
    if object.values().all(Value::is_null) {
        return Err(FakeError::field(codes::MISSING_FIELD, "", "An update must set at least one field"));
    }
    subnets("/ip_subnets", &change.ip_subnets)?;
    subnets("/source_subnets", &change.source_subnets)
}

/// Each of `subnets` is an IPv4 CIDR ("IPv6 CIDRs are currently
/// unsupported").
fn subnets(pointer: &str, subnets: &[String]) -> Result<(), FakeError> {
    match subnets.iter().position(|subnet| !is_ipv4_cidr(subnet)) {
        Some(i) => Err(FakeError::field(
            codes::INVALID_FIELD,
            &format!("{pointer}/{i}"),
            format!(
                "{} must be IPv4 CIDRs such as 192.0.2.0/24 (IPv6 is not supported), not {:?}",
                field_name(pointer),
                subnets[i]
            ),
        )),
        None => Ok(()),
    }
}

/// `a.b` for the pointer `/a/b`.
fn field_name(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}
