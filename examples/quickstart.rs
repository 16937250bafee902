//! Quickstart: `cargo run --example quickstart`.
//!
//! * With no Cloudflare credentials in the environment, it starts the
//!   crate's in-process fake API on 127.0.0.1 and walks through a Spectrum
//!   application's life: create, list, get, analytics, delete.
//! * With `CLOUDFLARE_API_TOKEN` (or `CLOUDFLARE_EMAIL` and
//!   `CLOUDFLARE_API_KEY`) and `CLOUDFLARE_ZONE_ID` set, it reads from the
//!   real API instead, changing nothing: it lists the zone's applications
//!   and reads an analytics summary.
//!
//! Secrets are never printed, and the output can be piped (`| head -3`
//! stops it quietly).

use std::error::Error;
use std::io::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat, Utc};
use cloudflare_spectrum::CurrentQuery;
use cloudflare_spectrum::fake::{FakeCloudflare, ZONE_ID};
use cloudflare_spectrum::types::{
    AnalyticsDimension, AnalyticsMetric, SpectrumAnalyticsReport, SpectrumApp, SpectrumAppConfig, SpectrumDns,
    SpectrumDnsType, TlsMode, TrafficType,
};
use cloudflare_spectrum::{Client, EventsQuery, ListApps, env};

/// The zone the real-API mode reads.
const ZONE_VAR: &str = "CLOUDFLARE_ZONE_ID";

/// `println!` that ends the program quietly when the reader of its output
/// has gone (a closed pipe), instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    };
}

#[tokio::main]
async fn main() -> ExitCode {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    let credentials = [env::API_TOKEN, env::EMAIL, env::API_KEY, env::USER_SERVICE_KEY].into_iter().any(set);
    let result = if !credentials {
        if set(env::BASE_URL) {
            eprintln!(
                "note: {} is set but no credentials are, so it is not used: running against the built-in fake.\n\
                 (set {} as well to use that base URL)",
                env::BASE_URL,
                env::API_TOKEN
            );
        }
        offline().await
    } else if !set(ZONE_VAR) {
        eprintln!(
            "Cloudflare credentials are set but {ZONE_VAR} is not.\n\
             Set {ZONE_VAR} to the id of the zone to read (this quickstart only reads from the real API),\n\
             or unset {} / {} and {} to run against the built-in fake instead.",
            env::API_TOKEN,
            env::EMAIL,
            env::API_KEY
        );
        return ExitCode::from(2);
    } else {
        real_api().await
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The whole tour, against the fake.
async fn offline() -> Result<(), Box<dyn Error>> {
    let fake = FakeCloudflare::start().await?;
    say!("No Cloudflare credentials in the environment: using the built-in fake API at {}", fake.base_url());
    say!("(set {} and {ZONE_VAR} to read from the real API instead)\n", env::API_TOKEN);
    let client = fake.client()?;
    let zone = ZONE_ID;

    say!("1. Create a Spectrum application (ssh.example.com, tcp/22)");
    let dns = SpectrumDns {
        name: Some("ssh.example.com".to_owned()),
        type_: Some(SpectrumDnsType::Cname),
        ..Default::default()
    };
    let config = SpectrumAppConfig {
        traffic_type: Some(TrafficType::Direct),
        origin_direct: vec!["tcp://192.0.2.1:22".to_owned()],
        tls: Some(TlsMode::Off),
        ..SpectrumAppConfig::new(dns, "tcp/22")
    };
    let app = client.spectrum_apps_create(zone, &config).await?;
    let id = app.id.to_string();
    say!("   created {id} at {}", app.created_on.to_rfc3339_opts(SecondsFormat::Secs, true));

    say!("2. List the zone's applications");
    let page = client.spectrum_apps_list(zone, &ListApps::new().per_page(20)).await?;
    for app in &page.items {
        say!("   {}", describe(app));
    }

    say!("3. Get the application");
    let fetched = client.spectrum_apps_get(zone, &id).await?;
    say!("   {}", describe(&fetched));

    say!("4. Read an analytics summary (by application)");
    let query = EventsQuery::new()
        .metrics(vec![AnalyticsMetric::Count, AnalyticsMetric::BytesIngress, AnalyticsMetric::BytesEgress])
        .dimensions(vec![AnalyticsDimension::AppId]);
    let summary = client.spectrum_analytics_summary(zone, &query).await?;
    print_report(&summary);

    say!("5. Read the current aggregates");
    for row in client.spectrum_analytics_current(zone, &CurrentQuery::new()).await? {
        say!(
            "   app {}: {} connections, {} bytes in, {} bytes out, {:.1} ms average",
            row.app_id.as_str(),
            row.connections,
            row.bytes_ingress,
            row.bytes_egress,
            row.duration_avg
        );
    }

    say!("6. Delete the application");
    let deleted = client.spectrum_apps_delete(zone, &id).await?;
    say!("   deleted {}", deleted.id.as_str());
    match client.spectrum_apps_get(zone, &id).await {
        Err(e) if e.is_not_found() => say!("   getting it again: not found, as expected"),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err("the application is still there after deleting it".into()),
    }

    fake.stop().await;
    say!("\nDone. The fake is stopped; nothing was sent to Cloudflare.");
    Ok(())
}

/// Read-only calls against the real API (or `CLOUDFLARE_BASE_URL`).
async fn real_api() -> Result<(), Box<dyn Error>> {
    let client = Client::from_env()?;
    let zone = std::env::var(ZONE_VAR)?;
    let zone = zone.trim();
    say!("Using the Cloudflare API at {} with credentials from the environment.", client.base_url());
    say!("Read-only: listing applications and reading an analytics summary of zone {zone}.\n");

    say!("1. List the zone's Spectrum applications (first page)");
    let page = client.spectrum_apps_list(zone, &ListApps::new().per_page(20).page(1)).await?;
    if page.items.is_empty() {
        say!("   (none)");
    }
    for app in &page.items {
        say!("   {}", describe(app));
    }
    if let Some(total) = page.result_info.as_ref().and_then(|info| info.total_count) {
        say!("   {total} in all");
    }

    say!("2. Read an analytics summary of the last six hours");
    let summary = client.spectrum_analytics_summary(zone, &EventsQuery::default()).await?;
    print_report(&summary);
    say!("\nDone. Nothing was changed.");
    Ok(())
}

fn describe(app: &SpectrumApp) -> String {
    let traffic = app.traffic_type.as_ref().map_or("pay-as-you-go", |t| t.as_str());
    let dns = app.dns.name.as_deref().unwrap_or("(no name)");
    format!("{} {dns} {} ({traffic})", app.id.as_str(), app.protocol)
}

fn print_report(report: &SpectrumAnalyticsReport) {
    let time =
        |t: Option<DateTime<Utc>>| t.map_or_else(|| "?".to_owned(), |t| t.to_rfc3339_opts(SecondsFormat::Secs, true));
    say!("   {} row(s) from {} to {}", report.rows, time(report.query.since), time(report.query.until));
    for metric in &report.query.metrics {
        if let Some(total) = report.totals.0.get(metric.as_str()) {
            say!("   total {metric}: {total}");
        }
    }
}
