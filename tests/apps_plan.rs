//! Apps as code, reading: `apps::export` and `apps::plan` against the fake
//! (and, for what the fake refuses to hold, an httpmock server): export
//! then plan is empty, server defaults are not drift, values compare by
//! meaning, invalid desired states fail before any request, ambiguous live
//! zones are reported, unknown enum values are carried, and a plan makes
//! only the list pass.

mod apps_support;

use apps_support::*;
use cloudflare_spectrum::apps::{self, Desired, Plan, PlanOptions, Spectrum};
use cloudflare_spectrum::types::{EdgeIpsConnectivity, EdgeIpsType, ProxyProtocol, TlsMode, TrafficType};
use cloudflare_spectrum::{Client, Credentials, Error, mock};
use httpmock::MockServer;
use serde_json::{Value, json};

/// The list requests of one pass over `pages` pages of 100.
fn list_pass(pages: usize) -> Vec<String> {
    (1..=pages).map(|page| format!("GET /spectrum/apps?page={page}&per_page=100")).collect()
}

#[tokio::test]
async fn export_then_plan_is_empty_for_a_zone_of_a_thousand_mixed_apps() {
    bounded(async {
        let (fake, client) = fake().await;
        let minimal: Vec<_> = (0..1000).map(mixed_app).collect();
        seed(&client, ZONE, &minimal).await;
        fake.clear_requests();

        let export = apps::export::<Spectrum>(&client, ZONE, None).await.unwrap();
        assert_eq!(log(&fake), list_pass(10), "an export is one list pass, no per-app reads");
        assert!(export.skipped.is_empty());
        assert_eq!(export.desired.apps.len(), 1000);
        // The export holds the fields the server filled in: a full
        // configuration gains edge IPs, TLS, PROXY protocol, Argo and the
        // IP firewall; a pay-as-you-go one gains nothing.
        let full = &export.desired.apps[0];
        assert_eq!(full.tls, Some(TlsMode::Off));
        assert_eq!(full.proxy_protocol, Some(ProxyProtocol::Off));
        assert_eq!(full.argo_smart_routing, Some(false));
        assert_eq!(full.ip_firewall, Some(false));
        let edge = full.edge_ips.as_ref().unwrap();
        assert_eq!(
            (edge.type_.clone(), edge.connectivity.clone()),
            (Some(EdgeIpsType::Dynamic), Some(EdgeIpsConnectivity::All))
        );
        assert_eq!(export.desired.apps[1], minimal[1], "pay-as-you-go: exactly what was sent");
        assert_ne!(export.desired.apps[0], minimal[0]);
        // Every entry is the live app's configuration, in the list's order.
        let live: Vec<_> = fake.spectrum_apps(ZONE).into_iter().map(Into::into).collect();
        assert_eq!(export.desired.apps, live);

        fake.clear_requests();
        let plan = apps::plan(&client, ZONE, &export.desired, &prune(), None).await.unwrap();
        assert!(plan.is_empty(), "{plan}");
        assert_eq!(plan.unchanged, 1000);
        assert!(plan.unmanaged.is_empty() && plan.deletes.is_empty() && plan.ambiguous.is_empty());
        assert_eq!(log(&fake), list_pass(10), "a plan is one list pass");
        assert_eq!(
            plan.to_string(),
            format!(
                "Plan for zone {ZONE}: 0 to create, 0 to update, 0 to replace, 0 to delete \
                 (1000 unchanged, 0 unmanaged, 0 ambiguous)\n"
            )
        );

        // Only what the user set: the server's defaults are not drift.
        let plan = apps::plan(&client, ZONE, &desired(minimal.clone()), &prune(), None).await.unwrap();
        assert!(plan.is_empty(), "{plan}");
        assert_eq!(plan.unchanged, 1000);

        // Half of them, without pruning: the rest is unmanaged, not deleted.
        let half = desired(minimal.iter().step_by(2).cloned().collect());
        let plan = apps::plan(&client, ZONE, &half, &PlanOptions::new(), None).await.unwrap();
        assert!(plan.is_empty(), "{plan}");
        assert_eq!((plan.unchanged, plan.unmanaged.len(), plan.deletes.len()), (500, 500, 0));
        assert!(plan.unmanaged.iter().all(|u| u.identity.as_str().starts_with("app-") && !u.id.is_empty()));
    })
    .await;
}

#[tokio::test]
async fn a_plan_of_250_apps_makes_three_list_requests_and_nothing_else() {
    bounded(async {
        let (fake, client) = fake().await;
        let minimal: Vec<_> = (0..250).map(mixed_app).collect();
        seed(&client, ZONE, &minimal).await;
        fake.clear_requests();
        let mut changed = minimal.clone();
        changed[7].tls = Some(TlsMode::Strict);
        changed.push(mixed_app(250));
        // The callback must be 'static (Progress is a `dyn Fn` alias).
        let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let progress = {
            let told = told.clone();
            move |what: &str, done: usize, total: Option<usize>| {
                told.lock().unwrap().push((what.to_owned(), done, total));
            }
        };
        let plan = apps::plan(&client, ZONE, &desired(changed), &PlanOptions::new(), Some(&progress)).await.unwrap();
        assert_eq!((plan.creates.len(), plan.updates.len(), plan.unchanged), (1, 1, 249));
        assert_eq!(log(&fake), list_pass(3));
        assert!(fake.requests().iter().all(|r| r.status == Some(200)));
        let read = |n| ("read".to_owned(), n, None);
        assert_eq!(*told.lock().unwrap(), [read(100), read(200), read(250)]);
    })
    .await;
}

#[tokio::test]
async fn values_compare_by_meaning() {
    bounded(async {
        let (fake, client) = fake().await;
        let live = vec![
            config(json!({
                "dns": { "type": "CNAME", "name": "number.example.com" },
                "protocol": "tcp/22",
                "origin_dns": { "name": "origin.example.net" },
                "origin_port": 22,
            })),
            config(json!({
                "dns": { "type": "CNAME", "name": "range.example.com" },
                "protocol": "tcp/22",
                "origin_dns": { "name": "origin.example.net" },
                "origin_port": "22-22",
            })),
            config(json!({
                "dns": { "type": "CNAME", "name": "origins.example.com" },
                "protocol": "tcp/22",
                "origin_direct": ["tcp://192.0.2.1:22", "tcp://192.0.2.2:22", "tcp://192.0.2.3:22"],
            })),
            config(json!({
                "dns": { "type": "CNAME", "name": "ssh.example.com" },
                "protocol": "tcp/22",
                "origin_direct": ["tcp://192.0.2.1:22"],
            })),
            config(json!({
                "dns": { "type": "ADDRESS", "name": "static.example.com" },
                "protocol": "tcp/22",
                "edge_ips": { "type": "static", "ips": ["198.51.100.1", "198.51.100.2"] },
                "origin_direct": ["tcp://192.0.2.1:22"],
            })),
        ];
        seed(&client, ZONE, &live).await;
        let mut wanted = live.clone();
        wanted[0].origin_port = Some(serde_json::from_value(json!("22-22")).unwrap());
        wanted[1].origin_port = Some(serde_json::from_value(json!(22)).unwrap());
        wanted[2].origin_direct.reverse();
        wanted[3].dns.name = Some("SSH.Example.COM.".into());
        wanted[3].protocol = "TCP/22".into();
        wanted[4].dns.name = Some("static.example.com.".into());
        wanted[4].edge_ips.as_mut().unwrap().ips.reverse();
        fake.clear_requests();
        let plan = apps::plan(&client, ZONE, &desired(wanted.clone()), &prune(), None).await.unwrap();
        assert!(plan.is_empty(), "{plan}");
        assert_eq!((plan.unchanged, plan.deletes.len()), (5, 0));
        assert_eq!(log(&fake), list_pass(1));

        // A different meaning is a change, shown as the values were written.
        wanted[0].origin_port = Some(serde_json::from_value(json!("23-23")).unwrap());
        wanted[3].origin_direct = vec!["tcp://192.0.2.9:22".into()];
        let plan = apps::plan(&client, ZONE, &desired(wanted), &prune(), None).await.unwrap();
        assert_eq!(plan.updates.len(), 2, "{plan}");
        assert_eq!(changes(&plan.updates[0].changes), [change("origin_port", Some(json!(22)), json!("23-23"))]);
        assert_eq!(
            changes(&plan.updates[1].changes),
            [change("origin_direct", Some(json!(["tcp://192.0.2.1:22"])), json!(["tcp://192.0.2.9:22"]))]
        );
        assert_eq!(plan.updates[1].existing.identity.as_str(), "SSH.Example.COM. TCP/22");
        assert_eq!(plan.updates[1].existing.id, live_id(&fake, "ssh.example.com"));
    })
    .await;
}

fn live_id(fake: &cloudflare_spectrum::fake::FakeCloudflare, name: &str) -> String {
    live(fake, name).id.to_string()
}

#[tokio::test]
async fn duplicate_identities_are_an_error_before_any_request() {
    bounded(async {
        let (fake, client) = fake().await;
        let a = config(json!({
            "dns": { "type": "CNAME", "name": "dup.example.com" },
            "protocol": "tcp/22",
            "origin_direct": ["tcp://192.0.2.1:22"],
        }));
        let mut b = a.clone();
        b.dns.name = Some("DUP.example.com.".into());
        b.protocol = "TCP/22".into();
        b.origin_direct = vec!["tcp://192.0.2.2:22".into()];
        let other = mixed_app(1);
        let state = desired(vec![a.clone(), other, b]);
        let error = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap_err();
        let Error::InvalidInput { field, message } = &error else {
            panic!("expected InvalidInput, got {error:?}");
        };
        assert_eq!(*field, "desired state");
        assert_eq!(
            message,
            "entries 0 and 2 are the same app (DUP.example.com. TCP/22): each dns.name and protocol may appear once"
        );
        assert!(error.is_invalid_input());
        assert_eq!(fake.requests(), [], "nothing may be sent for an invalid desired state");
        // The pure computation refuses it the same way.
        assert!(matches!(Plan::compute(ZONE, &state, &[], &PlanOptions::new()), Err(Error::InvalidInput { .. })));

        // An entry without an identity is refused the same way.
        let mut nameless = a;
        nameless.dns.name = Some("  ".into());
        let error =
            apps::plan(&client, ZONE, &desired(vec![mixed_app(0), nameless]), &prune(), None).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid desired state: entry 1 has no dns.name and protocol, which identify an app"
        );
        assert_eq!(fake.requests(), []);
    })
    .await;
}

/// A live Spectrum app as the API lists it.
fn listed(id: &str, name: &str, protocol: &str, extra: Value) -> Value {
    let mut app = json!({
        "id": id,
        "created_on": "2024-01-01T00:00:00Z",
        "modified_on": "2024-01-02T00:00:00Z",
        "dns": { "type": "CNAME", "name": name },
        "protocol": protocol,
        "origin_direct": ["tcp://192.0.2.1:22"],
    });
    app.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    app
}

/// Makes `server` list `apps` (one page, a plain envelope).
async fn listing(server: &MockServer, apps: Vec<Value>) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method("GET").path(format!("/zones/{ZONE}/spectrum/apps"));
            then.status(200).json_body(mock::ok(apps));
        })
        .await
}

/// A client for `server` with retries off.
fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::api_token("test-token"))
        .max_retries(0)
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_ambiguous_live_zone_is_reported_not_guessed() {
    bounded(async {
        let first = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let second = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        let other = "cccccccccccccccccccccccccccccccc";
        let server = MockServer::start_async().await;
        let client = client_for(&server);
        let list = listing(
            &server,
            vec![
                listed(first, "dup.example.com", "tcp/22", json!({})),
                listed(second, "Dup.Example.com.", "TCP/22", json!({ "tls": "full" })),
                listed(other, "other.example.com", "tcp/22", json!({})),
            ],
        )
        .await;
        let wanted = config(json!({
            "dns": { "type": "CNAME", "name": "dup.example.com" },
            "protocol": "tcp/22",
            "origin_direct": ["tcp://192.0.2.7:22"],
        }));
        let plan = apps::plan(&client, ZONE, &desired(vec![wanted]), &PlanOptions::new(), None).await.unwrap();
        assert_eq!(list.calls_async().await, 1, "only the list pass");
        assert_eq!(plan.ambiguous.len(), 1, "{plan}");
        assert_eq!(plan.ambiguous[0].identity.as_str(), "dup.example.com tcp/22");
        assert_eq!(plan.ambiguous[0].ids, [first, second]);
        assert_eq!(plan.change_count(), 0, "nothing is planned for an ambiguous identity");
        assert_eq!(plan.unchanged, 0);
        assert_eq!(plan.unmanaged.len(), 1);
        assert_eq!(plan.unmanaged[0].id, other);
        assert!(plan.to_string().contains(&format!(
            "! ambiguous dup.example.com tcp/22: 2 live apps ({first}, {second}), nothing planned\n"
        )));
    })
    .await;
}

#[tokio::test]
async fn unknown_enum_values_are_carried_through_export_plan_toml_and_json() {
    bounded(async {
        let id = "dddddddddddddddddddddddddddddddd";
        let server = MockServer::start_async().await;
        let client = client_for(&server);
        let list = listing(
            &server,
            vec![listed(
                id,
                "worker.example.com",
                "tcp/443",
                json!({
                    "traffic_type": "worker",
                    "tls": "post-quantum",
                    "edge_ips": { "type": "dynamic", "connectivity": "ipv8" },
                    "origin_worker_id": "x",
                }),
            )],
        )
        .await;
        let export = apps::export::<Spectrum>(&client, ZONE, None).await.unwrap();
        let entry = &export.desired.apps[0];
        assert_eq!(entry.traffic_type, Some(TrafficType::Unknown("worker".into())));
        assert_eq!(entry.tls, Some(TlsMode::Unknown("post-quantum".into())));
        assert_eq!(entry.edge_ips.as_ref().unwrap().connectivity, Some(EdgeIpsConnectivity::Unknown("ipv8".into())));
        assert_eq!(entry.extra.get("origin_worker_id"), Some(&json!("x")));

        let toml = export.desired.to_toml().unwrap();
        assert!(toml.contains("traffic_type = \"worker\""), "{toml}");
        assert!(toml.contains("origin_worker_id = \"x\""), "{toml}");
        let from_toml = Desired::<Spectrum>::from_toml(&toml).unwrap();
        assert_eq!(from_toml, export.desired);
        let from_json = Desired::<Spectrum>::from_json(&export.desired.to_json()).unwrap();
        assert_eq!(from_json, export.desired);

        for state in [&export.desired, &from_toml, &from_json] {
            let plan = apps::plan(&client, ZONE, state, &prune(), None).await.unwrap();
            assert!(plan.is_empty(), "{plan}");
            assert_eq!(plan.unchanged, 1);
        }
        // A known value against the unknown one is a change, shown as JSON.
        let mut direct = from_toml.clone();
        direct.apps[0].traffic_type = Some(TrafficType::Direct);
        let plan = apps::plan(&client, ZONE, &direct, &prune(), None).await.unwrap();
        assert_eq!(changes(&plan.updates[0].changes), [change("traffic_type", Some(json!("worker")), json!("direct"))]);
        // The body of that update keeps every unknown value it leaves alone.
        assert_eq!(
            value(&plan.updates[0].config),
            json!({
                "dns": { "type": "CNAME", "name": "worker.example.com" },
                "protocol": "tcp/443",
                "origin_direct": ["tcp://192.0.2.1:22"],
                "traffic_type": "direct",
                "tls": "post-quantum",
                "edge_ips": { "type": "dynamic", "connectivity": "ipv8" },
                "origin_worker_id": "x",
            })
        );
        assert_eq!(list.calls_async().await, 5);
    })
    .await;
}

#[tokio::test]
async fn live_apps_without_an_identity_are_skipped_by_export_and_only_pruning_deletes_them() {
    bounded(async {
        let nameless = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        let named = "ffffffffffffffffffffffffffffffff";
        let server = MockServer::start_async().await;
        let client = client_for(&server);
        let mut app = listed(nameless, "x", "tcp/22", json!({}));
        app["dns"] = json!({ "type": "CNAME" });
        let list = listing(&server, vec![app, listed(named, "named.example.com", "tcp/22", json!({}))]).await;
        let export = apps::export::<Spectrum>(&client, ZONE, None).await.unwrap();
        assert_eq!(export.skipped, [nameless]);
        assert_eq!(export.desired.apps.len(), 1);
        let plan = apps::plan(&client, ZONE, &export.desired, &PlanOptions::new(), None).await.unwrap();
        assert!(plan.is_empty(), "{plan}");
        assert_eq!(plan.unmanaged.len(), 1);
        assert_eq!(plan.unmanaged[0].id, nameless);
        assert_eq!(plan.unmanaged[0].identity.as_str(), format!("(no identity, id {nameless})"));
        let plan = apps::plan(&client, ZONE, &export.desired, &prune(), None).await.unwrap();
        assert_eq!(plan.deletes.len(), 1);
        assert_eq!(plan.deletes[0].id, nameless);
        assert_eq!(list.calls_async().await, 3);
    })
    .await;
}
