//! The convergence property of apps as code, against the fake: from a
//! random valid zone, applying the plan for a random valid desired state
//! (pruning) completes, and a new plan is empty. Bounded: 32 cases, no
//! failure files, bounded shrinking, each case under a timeout.

mod apps_support;

use apps_support::{ZONE, bounded, config, desired, fake, prune, seed};
use cloudflare_spectrum::apps::{self, ApplyOptions};
use cloudflare_spectrum::types::SpectrumAppConfig;
use proptest::prelude::*;
use proptest::sample::subsequence;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};

/// The DNS names apps may have: few, so that zones and states overlap.
const NAMES: [&str; 6] =
    ["a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com", "f.example.com"];
/// Edge protocols: a name with another protocol is another app.
const PROTOCOLS: [&str; 3] = ["tcp/22", "udp/53", "tcp/1000-1010"];

#[derive(Clone, Debug)]
enum Edge {
    /// Not set (a CNAME; the fake fills in dynamic/all for a full app).
    Unset,
    /// Dynamic with a connectivity (CNAME).
    Dynamic(usize),
    /// Static with these IPs (ADDRESS).
    Static(Vec<u8>),
}

#[derive(Clone, Debug)]
enum Origin {
    Direct(Vec<u8>),
    Dns { ttl: Option<u32>, port_number: bool },
}

/// One app's settings, valid whatever their combination.
#[derive(Clone, Debug)]
struct Shape {
    protocol: usize,
    full: bool,
    dns_type: bool,
    edge: Edge,
    origin: Origin,
    tls: Option<usize>,
    proxy: Option<usize>,
    traffic: usize,
    argo: bool,
    firewall: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    let edge = prop_oneof![
        Just(Edge::Unset),
        (0..3usize).prop_map(Edge::Dynamic),
        subsequence(vec![1u8, 2, 3, 4], 1..=3).prop_shuffle().prop_map(Edge::Static),
    ];
    let origin = prop_oneof![
        subsequence(vec![1u8, 2, 3], 1..=3).prop_shuffle().prop_map(Origin::Direct),
        (proptest::option::of(600u32..5000), any::<bool>())
            .prop_map(|(ttl, port_number)| Origin::Dns { ttl, port_number }),
    ];
    (
        0..PROTOCOLS.len(),
        any::<bool>(),
        any::<bool>(),
        edge,
        origin,
        proptest::option::of(0..4usize),
        proptest::option::of(0..4usize),
        0..3usize,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(protocol, full, dns_type, edge, origin, tls, proxy, traffic, argo, firewall)| Shape {
            protocol,
            full,
            dns_type,
            edge,
            origin,
            tls,
            proxy,
            traffic,
            argo,
            firewall,
        })
}

/// The configuration of `shape` named `name`, as a user would write it.
fn build(name: &str, shape: &Shape) -> SpectrumAppConfig {
    let protocol = PROTOCOLS[shape.protocol];
    let (transport, tcp, range) = (&protocol[..3], protocol.starts_with("tcp"), protocol.contains('-'));
    let direct = |hosts: &[u8]| -> Value {
        hosts
            .iter()
            .map(|h| Value::String(format!("{transport}://192.0.2.{h}:{}", if range { 1000 } else { 8080 })))
            .collect()
    };
    let mut app = Map::new();
    app.insert("protocol".into(), json!(protocol));
    if !shape.full {
        // Pay-as-you-go: dns, protocol, origin_direct only.
        let dns = if shape.dns_type { json!({ "type": "CNAME", "name": name }) } else { json!({ "name": name }) };
        app.insert("dns".into(), dns);
        let hosts = match &shape.origin {
            Origin::Direct(hosts) => hosts.clone(),
            Origin::Dns { .. } => vec![1],
        };
        app.insert("origin_direct".into(), direct(&hosts));
        return config(Value::Object(app));
    }
    let traffic = if tcp { ["direct", "http", "https"][shape.traffic] } else { "direct" };
    app.insert("traffic_type".into(), json!(traffic));
    // Set always, so that a state's traffic_type never meets a live Argo it
    // cannot go with (an unset field keeps its live value).
    app.insert("argo_smart_routing".into(), json!(shape.argo && tcp && traffic == "direct"));
    app.insert("ip_firewall".into(), json!(shape.firewall && tcp));
    let dns_type = match &shape.edge {
        Edge::Unset => "CNAME",
        Edge::Dynamic(connectivity) => {
            let connectivity = ["all", "ipv4", "ipv6"][*connectivity];
            app.insert("edge_ips".into(), json!({ "type": "dynamic", "connectivity": connectivity }));
            "CNAME"
        }
        Edge::Static(ips) => {
            let ips: Vec<String> = ips.iter().map(|i| format!("198.51.100.{i}")).collect();
            app.insert("edge_ips".into(), json!({ "type": "static", "ips": ips }));
            "ADDRESS"
        }
    };
    app.insert("dns".into(), json!({ "type": dns_type, "name": name }));
    match &shape.origin {
        Origin::Direct(hosts) => {
            app.insert("origin_direct".into(), direct(hosts));
        }
        Origin::Dns { ttl, port_number } => {
            let mut dns = json!({ "name": "origin.example.net" });
            if let Some(ttl) = ttl {
                dns["ttl"] = json!(ttl);
            }
            app.insert("origin_dns".into(), dns);
            let port = match (range, port_number) {
                (_, true) => json!(3000),
                (true, false) => json!("2000-2010"),
                (false, false) => json!("8080"),
            };
            app.insert("origin_port".into(), port);
        }
    }
    if let Some(tls) = shape.tls {
        app.insert("tls".into(), json!(["off", "flexible", "full", "strict"][tls]));
    }
    if let Some(proxy) = shape.proxy {
        app.insert("proxy_protocol".into(), json!(["off", "v1", "v2", "simple"][proxy]));
    }
    config(Value::Object(app))
}

/// A zone or a desired state: some of the names, each with its settings.
fn apps() -> impl Strategy<Value = Vec<SpectrumAppConfig>> {
    (
        subsequence((0..NAMES.len()).collect::<Vec<_>>(), 0..=NAMES.len()),
        proptest::collection::vec(shape(), NAMES.len()),
    )
        .prop_map(|(names, shapes)| names.into_iter().map(|i| build(NAMES[i], &shapes[i])).collect())
}

#[test]
fn apply_then_plan_is_empty_for_random_desired_states() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (fake, client) = runtime.block_on(fake());
    let config = Config {
        cases: 32,
        failure_persistence: None,
        max_shrink_iters: 200,
        max_shrink_time: 20_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let outcome = runner.run(&(apps(), apps()), |(zone, wanted)| {
        runtime.block_on(bounded(async {
            fake.reset();
            seed(&client, ZONE, &zone).await;
            let state = desired(wanted.clone());
            let plan = apps::plan(&client, ZONE, &state, &prune(), None)
                .await
                .map_err(|e| TestCaseError::fail(format!("plan: {e}")))?;
            let report = apps::apply(&client, &plan, &ApplyOptions::new())
                .await
                .map_err(|e| TestCaseError::fail(format!("apply: {e}")))?;
            prop_assert!(report.is_complete(), "plan:\n{plan}\nreport:\n{report}");
            prop_assert_eq!(report.done.len(), plan.change_count());
            let again = apps::plan(&client, ZONE, &state, &prune(), None)
                .await
                .map_err(|e| TestCaseError::fail(format!("re-plan: {e}")))?;
            prop_assert!(again.is_empty(), "after applying\n{plan}\nthe plan is still\n{again}");
            prop_assert_eq!(again.unchanged, wanted.len());
            prop_assert!(again.deletes.is_empty() && again.ambiguous.is_empty());
            prop_assert_eq!(fake.spectrum_apps(ZONE).len(), wanted.len());
            Ok(())
        }))
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
