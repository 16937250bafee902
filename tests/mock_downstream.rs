//! How a user of the crate tests their own code with the `mock` feature:
//! only the public API, as a dependent crate sees it.

use cloudflare_spectrum::mock::MockServerExt;
use cloudflare_spectrum::types::{SpectrumApp, SpectrumAppConfig, SpectrumDns, SpectrumDnsType, TrafficType};
use cloudflare_spectrum::{Client, Credentials, ListApps, Result};
use httpmock::MockServer;

// ---- the user's code ----

/// The configuration of an SSH application forwarding to `origin`.
fn ssh_config(hostname: &str, origin: &str) -> SpectrumAppConfig {
    let dns = SpectrumDns { type_: Some(SpectrumDnsType::Cname), name: Some(hostname.into()), ..Default::default() };
    SpectrumAppConfig {
        traffic_type: Some(TrafficType::Direct),
        origin_direct: vec![format!("tcp://{origin}:22")],
        ..SpectrumAppConfig::new(dns, "tcp/22")
    }
}

/// Returns the zone's SSH application, creating it if there is none.
async fn ensure_ssh_app(client: &Client, zone: &str) -> Result<SpectrumApp> {
    let apps = client.spectrum_apps_list_all(zone, &ListApps::new()).await?;
    if let Some(app) = apps.into_iter().find(|app| app.protocol == "tcp/22") {
        return Ok(app);
    }
    client.spectrum_apps_create(zone, &ssh_config("ssh.example.com", "192.0.2.1")).await
}

// ---- the user's tests ----

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.base_url()).credentials(Credentials::api_token("test")).build().unwrap()
}

fn app(id: &str, protocol: &str) -> SpectrumApp {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "created_on": "2024-01-01T00:00:00Z",
        "modified_on": "2024-01-01T00:00:00Z",
        "dns": { "type": "CNAME", "name": "ssh.example.com" },
        "protocol": protocol,
    }))
    .unwrap()
}

#[tokio::test]
async fn keeps_the_existing_ssh_app() {
    let server = MockServer::start_async().await;
    let existing = app("ea95132c15732412d22c1476fa83f27a", "tcp/22");
    let list = server.spectrum_apps_list(|when, then| {
        when.zone_id(ZONE);
        then.ok_result(&[app("f1b2c3d4e5f60718293a4b5c6d7e8f90", "tcp/3389"), existing.clone()]);
    });
    let create = server.spectrum_apps_create(|when, then| {
        when.zone_id(ZONE);
        then.error(500, &[(10000, "must not be called")]);
    });

    assert_eq!(ensure_ssh_app(&client(&server), ZONE).await.unwrap(), existing);
    list.assert_async().await;
    create.assert_calls_async(0).await;
}

#[tokio::test]
async fn creates_the_ssh_app_when_missing() {
    let server = MockServer::start_async().await;
    let created = app("ea95132c15732412d22c1476fa83f27a", "tcp/22");
    let list = server.spectrum_apps_list(|when, then| {
        when.zone_id(ZONE);
        then.ok_result(&[app("f1b2c3d4e5f60718293a4b5c6d7e8f90", "tcp/3389")]);
    });
    let create = server.spectrum_apps_create(|when, then| {
        when.zone_id(ZONE).body(&ssh_config("ssh.example.com", "192.0.2.1"));
        then.ok_result(&created);
    });

    assert_eq!(ensure_ssh_app(&client(&server), ZONE).await.unwrap(), created);
    list.assert_async().await;
    create.assert_async().await;
}

#[tokio::test]
async fn reports_cloudflare_errors() {
    let server = MockServer::start_async().await;
    server.spectrum_apps_list(|when, then| {
        when.zone_id(ZONE);
        then.error(403, &[(10000, "Authentication error")]);
    });

    let error = ensure_ssh_app(&client(&server), ZONE).await.unwrap_err();
    assert!(error.is_auth());
    assert_eq!(error.codes(), [10000]);
}
