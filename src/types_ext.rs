//! What the generator cannot give the types: constructors for structs with
//! required fields (typify derives no `Default` for them, and its builders
//! also ask for the `extra` map), and the fetched-app-to-config conversion.

use crate::types::{MagicAppCreate, SpectrumApp, SpectrumAppConfig, SpectrumDns};

impl SpectrumAppConfig {
    /// A configuration with only the required fields; set the others with
    /// struct update syntax:
    ///
    /// ```
    /// use cloudflare_spectrum::types::{SpectrumAppConfig, SpectrumDns, SpectrumDnsType, TrafficType};
    /// let dns = SpectrumDns { name: Some("ssh.example.com".into()), type_: Some(SpectrumDnsType::Cname), ..Default::default() };
    /// let config = SpectrumAppConfig {
    ///     traffic_type: Some(TrafficType::Direct),
    ///     origin_direct: vec!["tcp://192.0.2.1:22".into()],
    ///     ..SpectrumAppConfig::new(dns, "tcp/22")
    /// };
    /// assert_eq!(config.protocol, "tcp/22");
    /// ```
    pub fn new(dns: SpectrumDns, protocol: impl Into<String>) -> Self {
        Self {
            argo_smart_routing: None,
            dns,
            edge_ips: None,
            ip_firewall: None,
            origin_direct: Vec::new(),
            origin_dns: None,
            origin_port: None,
            protocol: protocol.into(),
            proxy_protocol: None,
            tls: None,
            traffic_type: None,
            extra: Default::default(),
        }
    }
}

impl MagicAppCreate {
    /// A new custom app with only its required name and category.
    pub fn new(name: impl Into<String>, type_: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            type_: type_.into(),
            hostnames: Vec::new(),
            ip_subnets: Vec::new(),
            source_subnets: Vec::new(),
            extra: Default::default(),
        }
    }
}

impl From<SpectrumApp> for SpectrumAppConfig {
    /// The configuration of a fetched application, ready to send back with
    /// [`Client::spectrum_apps_update`](crate::Client::spectrum_apps_update):
    /// every field, known or not, is kept.
    fn from(app: SpectrumApp) -> Self {
        Self {
            argo_smart_routing: app.argo_smart_routing,
            dns: app.dns,
            edge_ips: app.edge_ips,
            ip_firewall: app.ip_firewall,
            origin_direct: app.origin_direct,
            origin_dns: app.origin_dns,
            origin_port: app.origin_port,
            protocol: app.protocol,
            proxy_protocol: app.proxy_protocol,
            tls: app.tls,
            traffic_type: app.traffic_type,
            extra: app.extra,
        }
    }
}
