//! Apps as code, writing: `apps::apply` of each kind of change against the
//! fake, with the exact field changes, bodies and requests; pruning; stale
//! plans refused; a failure part-way and the re-plan that shows exactly
//! what is left; unknown fields carried through export, plan and apply.

mod apps_support;

use apps_support::*;
use cloudflare_spectrum::Error;
use cloudflare_spectrum::apps::{self, Action, ApplyOptions, Change, PlanOptions, Spectrum};
use cloudflare_spectrum::fake::Scripted;
use cloudflare_spectrum::types::{SpectrumAppConfig, TlsMode};
use serde_json::json;
use std::time::Duration;

/// `x-replace-on-change` of `dns.type` in the document.
const DNS_TYPE_REASON: &str = "The DNS record type decides which kind of edge IPs the application has (dynamic only \
                               with CNAME, static only with ADDRESS), and those cannot change in place: the \
                               application is deleted and created again.";
/// `x-replace-on-change` of `edge_ips.type` in the document.
const EDGE_TYPE_REASON: &str = "Cloudflare cannot switch an application's edge IPs between dynamic and static in \
                                place (terraform-provider-cloudflare issue #2786): the application is deleted and \
                                created again.";

fn one_at_a_time() -> ApplyOptions {
    ApplyOptions::new().concurrency(1)
}

fn keep() -> SpectrumAppConfig {
    config(json!({
        "dns": { "type": "CNAME", "name": "keep.example.com" },
        "protocol": "tcp/22",
        "origin_direct": ["tcp://192.0.2.1:22"],
    }))
}

/// A full app (the fake fills in its defaults) with an unknown field.
fn to_update() -> SpectrumAppConfig {
    config(json!({
        "dns": { "type": "CNAME", "name": "update.example.com" },
        "protocol": "tcp/3389",
        "traffic_type": "direct",
        "origin_direct": ["tcp://192.0.2.2:3389"],
        "origin_worker_id": "x",
    }))
}

/// A full app with (server default) dynamic edge IPs.
fn to_replace() -> SpectrumAppConfig {
    config(json!({
        "dns": { "type": "CNAME", "name": "replace.example.com" },
        "protocol": "tcp/443",
        "traffic_type": "direct",
        "tls": "full",
        "origin_direct": ["tcp://192.0.2.3:443"],
    }))
}

fn to_delete() -> SpectrumAppConfig {
    config(json!({
        "dns": { "type": "CNAME", "name": "delete.example.com" },
        "protocol": "udp/53",
        "origin_direct": ["udp://192.0.2.4:53"],
    }))
}

fn to_create() -> SpectrumAppConfig {
    config(json!({
        "dns": { "type": "CNAME", "name": "create.example.com" },
        "protocol": "tcp/25565",
        "traffic_type": "direct",
        "origin_dns": { "name": "mc.example.net", "ttl": 600 },
        "origin_port": 25565,
    }))
}

/// What the user wants of the zone seeded with keep, update, replace and
/// delete: keep as it is; update with other origins and TLS; replace with
/// static edge IPs; a new app; delete left out.
fn wanted() -> Vec<SpectrumAppConfig> {
    vec![
        keep(),
        config(json!({
            "dns": { "name": "update.example.com" },
            "protocol": "tcp/3389",
            "origin_direct": ["tcp://198.51.100.2:3389"],
            "tls": "full",
        })),
        config(json!({
            "dns": { "type": "ADDRESS", "name": "replace.example.com" },
            "protocol": "tcp/443",
            "edge_ips": { "type": "static", "ips": ["198.51.100.10"] },
        })),
        to_create(),
    ]
}

#[tokio::test]
async fn each_change_kind_is_planned_and_applied_exactly() {
    bounded(async {
        let (fake, client) = fake().await;
        seed(&client, ZONE, &[keep(), to_update(), to_replace(), to_delete()]).await;
        let (update_id, replace_id, delete_id) = (
            live(&fake, "update.example.com").id.to_string(),
            live(&fake, "replace.example.com").id.to_string(),
            live(&fake, "delete.example.com").id.to_string(),
        );
        let state = desired(wanted());

        // Without pruning, the app the state leaves out is unmanaged.
        let plan = apps::plan(&client, ZONE, &state, &PlanOptions::new(), None).await.unwrap();
        assert!(plan.deletes.is_empty());
        assert_eq!(plan.unmanaged.len(), 1);
        assert_eq!(plan.unmanaged[0].identity.as_str(), "delete.example.com udp/53");
        assert_eq!(plan.unmanaged[0].id, delete_id);

        let plan = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert_eq!(plan.unchanged, 1);
        assert!(plan.unmanaged.is_empty() && plan.ambiguous.is_empty());
        assert_eq!(plan.change_count(), 4);

        assert_eq!(plan.creates.len(), 1);
        assert_eq!(plan.creates[0].identity.as_str(), "create.example.com tcp/25565");
        assert_eq!(plan.creates[0].config, to_create());

        assert_eq!(plan.updates.len(), 1);
        let update = &plan.updates[0];
        assert_eq!(update.existing.id, update_id);
        assert_eq!(update.existing.version, live(&fake, "update.example.com").modified_on.to_rfc3339());
        assert!(update.reasons.is_empty());
        assert_eq!(
            changes(&update.changes),
            [
                change("origin_direct", Some(json!(["tcp://192.0.2.2:3389"])), json!(["tcp://198.51.100.2:3389"])),
                change("tls", Some(json!("off")), json!("full")),
            ]
        );
        // The body: the live configuration (server defaults and the unknown
        // field included) with the desired fields written over it.
        let update_body = json!({
            "argo_smart_routing": false,
            "dns": { "type": "CNAME", "name": "update.example.com" },
            "edge_ips": { "type": "dynamic", "connectivity": "all" },
            "ip_firewall": false,
            "origin_direct": ["tcp://198.51.100.2:3389"],
            "protocol": "tcp/3389",
            "proxy_protocol": "off",
            "tls": "full",
            "traffic_type": "direct",
            "origin_worker_id": "x",
        });
        assert_eq!(value(&update.config), update_body);

        assert_eq!(plan.replacements.len(), 1);
        let replacement = &plan.replacements[0];
        assert_eq!(replacement.existing.id, replace_id);
        assert_eq!(
            changes(&replacement.changes),
            [
                change("dns.type", Some(json!("CNAME")), json!("ADDRESS")),
                change("edge_ips.ips", None, json!(["198.51.100.10"])),
                change("edge_ips.type", Some(json!("dynamic")), json!("static")),
            ]
        );
        assert_eq!(
            replacement.reasons,
            [("dns.type".to_owned(), DNS_TYPE_REASON), ("edge_ips.type".to_owned(), EDGE_TYPE_REASON)]
        );
        // The new app: static edge IPs as desired (nothing of the old
        // dynamic ones), the rest of the live configuration kept.
        let replace_body = json!({
            "argo_smart_routing": false,
            "dns": { "type": "ADDRESS", "name": "replace.example.com" },
            "edge_ips": { "type": "static", "ips": ["198.51.100.10"] },
            "ip_firewall": false,
            "origin_direct": ["tcp://192.0.2.3:443"],
            "protocol": "tcp/443",
            "proxy_protocol": "off",
            "tls": "full",
            "traffic_type": "direct",
        });
        assert_eq!(value(&replacement.config), replace_body);

        assert_eq!(plan.deletes.len(), 1);
        assert_eq!(plan.deletes[0].id, delete_id);
        assert_eq!(plan.deletes[0].identity.as_str(), "delete.example.com udp/53");

        let shown = plan.to_string();
        for line in [
            format!(
                "Plan for zone {ZONE}: 1 to create, 1 to update, 1 to replace, 1 to delete (1 unchanged, 0 \
                 unmanaged, 0 ambiguous)\n"
            ),
            "+ create create.example.com tcp/25565\n".to_owned(),
            format!("~ update update.example.com tcp/3389 ({update_id})\n"),
            "    tls: \"off\" → \"full\"\n".to_owned(),
            format!("-/+ replace replace.example.com tcp/443 ({replace_id})\n"),
            "    edge_ips.ips: (unset) → [\"198.51.100.10\"]\n".to_owned(),
            format!("    because of edge_ips.type: {EDGE_TYPE_REASON}\n"),
            format!("- delete delete.example.com udp/53 ({delete_id})\n"),
        ] {
            assert!(shown.contains(&line), "{line:?} missing from:\n{shown}");
        }

        fake.clear_requests();
        let report = apps::apply(&client, &plan, &one_at_a_time()).await.unwrap();
        assert!(report.is_complete(), "{report}");
        let made = |action, identity: &str, id: Option<&str>| (action, identity.to_owned(), id.map(str::to_owned));
        let done: Vec<_> = report.done.iter().map(|c| (c.action, c.identity.to_string(), c.id.clone())).collect();
        assert_eq!(
            done,
            [
                made(Action::Delete, "delete.example.com udp/53", Some(delete_id.as_str())),
                made(Action::Replace, "replace.example.com tcp/443", Some(replace_id.as_str())),
                made(Action::Update, "update.example.com tcp/3389", Some(update_id.as_str())),
                made(Action::Create, "create.example.com tcp/25565", None),
            ]
        );
        // One list pass, one request per change, two for the replacement.
        assert_eq!(
            log(&fake),
            [
                "GET /spectrum/apps?page=1&per_page=100".to_owned(),
                format!("DELETE /spectrum/apps/{delete_id}"),
                format!("DELETE /spectrum/apps/{replace_id}"),
                "POST /spectrum/apps".to_owned(),
                format!("PUT /spectrum/apps/{update_id}"),
                "POST /spectrum/apps".to_owned(),
            ]
        );
        let requests = fake.requests();
        assert!(requests.iter().all(|r| r.status == Some(200)), "{requests:?}");
        assert_eq!(body(&requests[3]), replace_body);
        assert_eq!(body(&requests[4]), update_body);
        assert_eq!(body(&requests[5]), value(&to_create()));

        let names: Vec<_> = fake.spectrum_apps(ZONE).iter().map(|a| a.dns.name.clone().unwrap()).collect();
        assert_eq!(names, ["keep.example.com", "update.example.com", "replace.example.com", "create.example.com"]);
        assert_ne!(live(&fake, "replace.example.com").id.to_string(), replace_id);
        assert_eq!(live(&fake, "update.example.com").id.to_string(), update_id);
        assert_eq!(live(&fake, "update.example.com").extra.get("origin_worker_id"), Some(&json!("x")));

        let again = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert!(again.is_empty(), "{again}");
        assert_eq!(again.unchanged, 4);
    })
    .await;
}

#[tokio::test]
async fn a_replacement_from_static_edge_ips_to_a_cname_creates_the_app_again() {
    bounded(async {
        let (fake, client) = fake().await;
        let statik = config(json!({
            "dns": { "type": "ADDRESS", "name": "static.example.com" },
            "protocol": "tcp/22",
            "traffic_type": "direct",
            "edge_ips": { "type": "static", "ips": ["198.51.100.1"] },
            "origin_direct": ["tcp://192.0.2.1:22"],
        }));
        seed(&client, ZONE, &[statik]).await;
        let old_id = live(&fake, "static.example.com").id.to_string();
        // Back to a CNAME: the user says nothing of edge IPs.
        let cname = config(json!({
            "dns": { "type": "CNAME", "name": "static.example.com" },
            "protocol": "tcp/22",
            "origin_direct": ["tcp://192.0.2.1:22"],
        }));
        let state = desired(vec![cname]);
        let plan = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert_eq!(plan.replacements.len(), 1, "{plan}");
        let replacement = &plan.replacements[0];
        assert_eq!(changes(&replacement.changes), [change("dns.type", Some(json!("ADDRESS")), json!("CNAME"))]);
        assert_eq!(replacement.reasons, [("dns.type".to_owned(), DNS_TYPE_REASON)]);
        // The new app must not get the old static edge IPs: with a CNAME
        // they are refused, after the old app was deleted.
        let created = json!({
            "argo_smart_routing": false,
            "dns": { "type": "CNAME", "name": "static.example.com" },
            "ip_firewall": false,
            "origin_direct": ["tcp://192.0.2.1:22"],
            "protocol": "tcp/22",
            "proxy_protocol": "off",
            "tls": "off",
            "traffic_type": "direct",
        });
        assert_eq!(value(&replacement.config), created);

        fake.clear_requests();
        let report = apps::apply(&client, &plan, &ApplyOptions::new()).await.unwrap();
        assert!(report.is_complete(), "{report}");
        assert_eq!(
            log(&fake),
            [
                "GET /spectrum/apps?page=1&per_page=100".to_owned(),
                format!("DELETE /spectrum/apps/{old_id}"),
                "POST /spectrum/apps".to_owned(),
            ]
        );
        assert_eq!(body(&fake.requests()[2]), created);
        let now = live(&fake, "static.example.com");
        assert_ne!(now.id.to_string(), old_id);
        assert_eq!(value(&now.edge_ips), json!({ "type": "dynamic", "connectivity": "all" }));
        let again = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert!(again.is_empty(), "{again}");
    })
    .await;
}

#[tokio::test]
async fn without_pruning_apply_deletes_nothing_the_state_leaves_out() {
    bounded(async {
        let (fake, client) = fake().await;
        seed(&client, ZONE, &[keep(), to_update(), to_replace(), to_delete()]).await;
        let delete_id = live(&fake, "delete.example.com").id.to_string();
        let state = desired(wanted());
        let plan = apps::plan(&client, ZONE, &state, &PlanOptions::new(), None).await.unwrap();
        fake.clear_requests();
        let report = apps::apply(&client, &plan, &one_at_a_time()).await.unwrap();
        assert!(report.is_complete(), "{report}");
        assert_eq!(report.done.len(), 3);
        let deletes: Vec<_> = log(&fake).into_iter().filter(|r| r.starts_with("DELETE")).collect();
        assert_eq!(deletes.len(), 1, "only the replacement's delete: {deletes:?}");
        assert!(!deletes[0].ends_with(&delete_id));
        assert_eq!(live(&fake, "delete.example.com").id.to_string(), delete_id);

        let again = apps::plan(&client, ZONE, &state, &PlanOptions::new(), None).await.unwrap();
        assert!(again.is_empty(), "{again}");
        assert_eq!((again.unchanged, again.unmanaged.len()), (4, 1));
    })
    .await;
}

#[tokio::test]
async fn a_stale_plan_is_refused_and_nothing_changes() {
    bounded(async {
        let (fake, client) = fake().await;
        let seeded = seed(&client, ZONE, &[keep(), to_update(), to_delete()]).await;
        let state = desired(vec![keep(), wanted()[1].clone(), to_create()]);
        let plan = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert_eq!(plan.change_count(), 3);

        // Someone changes the app to update after the plan was made.
        let mut theirs: SpectrumAppConfig = seeded[1].clone().into();
        theirs.tls = Some(TlsMode::Strict);
        client.spectrum_apps_update(ZONE, seeded[1].id.as_str(), &theirs).await.unwrap();
        let before = fake.spectrum_apps(ZONE);
        fake.clear_requests();
        let report = apps::apply(&client, &plan, &ApplyOptions::new()).await.unwrap();
        assert!(!report.is_complete());
        let update = report.stale[0].clone();
        assert_eq!(report.stale.len(), 1, "{report}");
        assert_eq!(
            (update.action, update.identity.as_str(), update.id.as_deref()),
            (Action::Update, "update.example.com tcp/3389", Some(seeded[1].id.as_str()))
        );
        let not_started: Vec<_> = report.not_started.iter().map(|c| c.action).collect();
        assert_eq!(not_started, [Action::Delete, Action::Update, Action::Create]);
        assert!(report.done.is_empty() && report.failed.is_empty());
        assert_eq!(log(&fake), ["GET /spectrum/apps?page=1&per_page=100"], "only the list pass");
        assert_eq!(fake.spectrum_apps(ZONE), before);
        assert!(report.to_string().starts_with("stale: Update update.example.com tcp/3389"));

        // A create whose identity appeared since the plan is stale too.
        let plan = apps::plan(&client, ZONE, &desired(vec![to_create()]), &PlanOptions::new(), None).await.unwrap();
        client.spectrum_apps_create(ZONE, &to_create()).await.unwrap();
        fake.clear_requests();
        let report = apps::apply(&client, &plan, &ApplyOptions::new()).await.unwrap();
        assert_eq!(report.stale.len(), 1);
        assert_eq!(report.stale[0].action, Action::Create);
        assert_eq!(report.stale[0].id, None);
        assert_eq!(log(&fake), ["GET /spectrum/apps?page=1&per_page=100"]);
    })
    .await;
}

#[tokio::test]
async fn a_failed_third_change_stops_the_rest_and_a_replan_shows_exactly_what_is_left() {
    bounded(async {
        let (fake, client) = fake().await;
        let live_configs: Vec<_> = (0..4).map(mixed_app).collect();
        seed(&client, ZONE, &live_configs).await;
        // Delete app 0; update apps 1 to 3 (TLS on); create apps 4 to 6.
        let mut wanted: Vec<_> = live_configs[1..].to_vec();
        for app in &mut wanted {
            app.tls = Some(TlsMode::Full);
        }
        wanted.extend((4..7).map(mixed_app));
        let state = desired(wanted);
        let plan = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert_eq!((plan.deletes.len(), plan.updates.len(), plan.creates.len()), (1, 3, 3));

        // The list pass, the delete and the first update go through; the
        // second update fails.
        fake.clear_requests();
        fake.script([
            Scripted::delayed(Duration::ZERO),
            Scripted::delayed(Duration::ZERO),
            Scripted::delayed(Duration::ZERO),
            Scripted::error(400, 11001, "Scripted refusal"),
        ]);
        let report = apps::apply(&client, &plan, &one_at_a_time()).await.unwrap();
        assert_eq!(fake.scripted_remaining(), 0);
        let names = |changes: &[Change]| -> Vec<(Action, String)> {
            changes.iter().map(|c| (c.action, c.identity.to_string())).collect()
        };
        let ident = |i: usize| format!("app-{i}.example.com {}", mixed_app(i).protocol);
        assert_eq!(names(&report.done), [(Action::Delete, ident(0)), (Action::Update, ident(1))]);
        assert_eq!(report.failed.len(), 1);
        let failed = &report.failed[0];
        assert_eq!((failed.change.action, failed.change.identity.to_string()), (Action::Update, ident(2)));
        let Error::Api(api) = &failed.error else {
            panic!("expected an API error, got {:?}", failed.error);
        };
        assert_eq!(failed.error.status().map(|s| s.as_u16()), Some(400));
        assert_eq!(failed.error.codes(), [11001]);
        assert!(!failed.deleted, "an update deletes nothing");
        assert_eq!(api.errors[0].message, "Scripted refusal");
        assert_eq!(failed.error.attempts(), 1);
        assert_eq!(
            names(&report.not_started),
            [
                (Action::Update, ident(3)),
                (Action::Create, ident(4)),
                (Action::Create, ident(5)),
                (Action::Create, ident(6)),
            ]
        );
        assert!(report.stale.is_empty() && !report.is_complete());
        let methods: Vec<_> = fake.requests().iter().map(|r| (r.method.clone(), r.status)).collect();
        assert_eq!(
            methods,
            [
                ("GET".to_owned(), Some(200)),
                ("DELETE".to_owned(), Some(200)),
                ("PUT".to_owned(), Some(200)),
                ("PUT".to_owned(), Some(400)),
            ]
        );

        // The re-plan is exactly the changes not made, with the same diffs.
        let rest = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert!(rest.deletes.is_empty() && rest.replacements.is_empty());
        let updated: Vec<_> = rest.updates.iter().map(|u| u.existing.identity.to_string()).collect();
        assert_eq!(updated, [ident(2), ident(3)]);
        for (new, old) in rest.updates.iter().zip(&plan.updates[1..]) {
            assert_eq!(new.changes, old.changes);
            assert_eq!(new.existing, old.existing);
        }
        let created: Vec<_> = rest.creates.iter().map(|c| c.identity.to_string()).collect();
        assert_eq!(created, [ident(4), ident(5), ident(6)]);
        assert_eq!(rest.unchanged, 1);

        fake.clear_requests();
        let report = apps::apply(&client, &rest, &one_at_a_time()).await.unwrap();
        assert!(report.is_complete(), "{report}");
        assert_eq!(report.done.len(), 5);
        assert_eq!(fake.requests().len(), 1 + 5);
        let last = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert!(last.is_empty(), "{last}");
        assert_eq!(last.unchanged, 6);
    })
    .await;
}

#[tokio::test]
async fn a_replacement_whose_create_fails_is_reported_and_replanned_as_a_create() {
    bounded(async {
        let (fake, client) = fake().await;
        seed(&client, ZONE, &[to_replace()]).await;
        let old_id = live(&fake, "replace.example.com").id.to_string();
        // A complete entry: once the old app is gone, the re-plan's create
        // has only what the entry says (the replacement's body also had
        // the live fields it leaves unset, such as the origin).
        let mut entry = wanted()[2].clone();
        entry.origin_direct = vec!["tcp://192.0.2.3:443".into()];
        let state = desired(vec![entry]);
        let plan = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert_eq!(plan.replacements.len(), 1);
        // The list pass and the delete go through; the create fails.
        fake.script([
            Scripted::delayed(Duration::ZERO),
            Scripted::delayed(Duration::ZERO),
            Scripted::error(400, 11001, "Scripted refusal"),
        ]);
        let counted = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let told = counted.clone();
        let options = ApplyOptions::new().progress(move |what, done, total| {
            told.lock().unwrap().push((what.to_owned(), done, total));
        });
        let report = apps::apply(&client, &plan, &options).await.unwrap();
        assert!(report.done.is_empty() && report.not_started.is_empty());
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].change.action, Action::Replace);
        assert_eq!(report.failed[0].change.id.as_deref(), Some(old_id.as_str()));
        assert_eq!(report.failed[0].error.codes(), [11001]);
        assert!(report.failed[0].deleted, "the delete went through before the create failed");
        assert_eq!(*counted.lock().unwrap(), [("applied".to_owned(), 1, Some(1))]);
        assert!(fake.spectrum_apps(ZONE).is_empty(), "the delete was made");
        // What is left: the create half.
        let rest = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert_eq!((rest.creates.len(), rest.change_count()), (1, 1), "{rest}");
        assert_eq!(rest.creates[0].config, state.apps[0]);
        let report = apps::apply(&client, &rest, &ApplyOptions::new()).await.unwrap();
        assert!(report.is_complete(), "{report}");
        let again = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert!(again.is_empty(), "{again}");
    })
    .await;
}

#[tokio::test]
async fn continuing_after_a_failure_starts_every_other_change() {
    bounded(async {
        let (fake, client) = fake().await;
        let state = desired((0..4).map(mixed_app).collect());
        let plan = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        fake.script([
            Scripted::delayed(Duration::ZERO),
            Scripted::delayed(Duration::ZERO),
            Scripted::error(400, 11001, "Scripted refusal"),
        ]);
        let options = one_at_a_time().continue_on_error(true);
        let report = apps::apply(&client, &plan, &options).await.unwrap();
        assert_eq!((report.done.len(), report.failed.len(), report.not_started.len()), (3, 1, 0));
        assert_eq!(report.failed[0].change.identity.to_string(), "app-1.example.com tcp/2");
        let rest = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        let created: Vec<_> = rest.creates.iter().map(|c| c.identity.to_string()).collect();
        assert_eq!(created, ["app-1.example.com tcp/2"]);
    })
    .await;
}

#[tokio::test]
async fn an_apply_of_150_apps_makes_one_list_pass_and_one_request_per_change() {
    bounded(async {
        let (fake, client) = fake().await;
        let mut configs: Vec<_> = (0..150).map(mixed_app).collect();
        seed(&client, ZONE, &configs).await;
        configs[10].tls = Some(TlsMode::Strict); // update
        configs[11].proxy_protocol = Some(serde_json::from_value(json!("v2")).unwrap()); // update
        let replaced = configs[12].clone(); // a full CNAME app: to static edge IPs
        configs[12] = config(json!({
            "dns": { "type": "ADDRESS", "name": replaced.dns.name },
            "protocol": replaced.protocol,
            "edge_ips": { "type": "static", "ips": ["198.51.100.77"] },
        }));
        configs.remove(13); // delete
        configs.push(mixed_app(150)); // create
        let state = desired(configs);
        let plan = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert_eq!(
            (plan.updates.len(), plan.replacements.len(), plan.deletes.len(), plan.creates.len()),
            (2, 1, 1, 1),
            "{plan}"
        );
        fake.clear_requests();
        let report = apps::apply(&client, &plan, &ApplyOptions::new()).await.unwrap();
        assert!(report.is_complete(), "{report}");
        let mut requests = log(&fake);
        requests.sort();
        let deletes = requests.iter().filter(|r| r.starts_with("DELETE ")).count();
        let puts = requests.iter().filter(|r| r.starts_with("PUT ")).count();
        let posts = requests.iter().filter(|r| r.starts_with("POST ")).count();
        let lists: Vec<_> = requests.iter().filter(|r| r.starts_with("GET ")).cloned().collect();
        assert_eq!(lists, ["GET /spectrum/apps?page=1&per_page=100", "GET /spectrum/apps?page=2&per_page=100"]);
        assert_eq!((deletes, puts, posts), (2, 2, 2));
        assert_eq!(requests.len(), 2 + 6);
        let again = apps::plan(&client, ZONE, &state, &prune(), None).await.unwrap();
        assert!(again.is_empty(), "{again}");
    })
    .await;
}

#[tokio::test]
async fn unknown_fields_are_carried_through_export_plan_and_apply() {
    bounded(async {
        let (fake, client) = fake().await;
        seed(&client, ZONE, &[to_update()]).await;
        let export = apps::export::<Spectrum>(&client, ZONE, None).await.unwrap();
        assert_eq!(export.desired.apps[0].extra.get("origin_worker_id"), Some(&json!("x")));
        let plan = apps::plan(&client, ZONE, &export.desired, &prune(), None).await.unwrap();
        assert!(plan.is_empty(), "{plan}");

        // A state that leaves the unknown field unset keeps it on update.
        let mut minimal = to_update();
        minimal.extra.clear();
        minimal.tls = Some(TlsMode::Strict);
        let plan = apps::plan(&client, ZONE, &desired(vec![minimal]), &prune(), None).await.unwrap();
        assert_eq!(plan.updates[0].changes.len(), 1);
        assert_eq!(plan.updates[0].config.extra.get("origin_worker_id"), Some(&json!("x")));
        fake.clear_requests();
        assert!(apps::apply(&client, &plan, &ApplyOptions::new()).await.unwrap().is_complete());
        assert_eq!(body(&fake.requests()[1])["origin_worker_id"], json!("x"));
        assert_eq!(live(&fake, "update.example.com").extra.get("origin_worker_id"), Some(&json!("x")));

        // One that sets it changes it, and a create sends it.
        let mut changed = export.desired.clone();
        changed.apps[0].extra.insert("origin_worker_id".into(), json!("y"));
        let mut created = to_create();
        created.extra.insert("origin_worker_id".into(), json!("z"));
        changed.apps.push(created);
        let plan = apps::plan(&client, ZONE, &changed, &prune(), None).await.unwrap();
        assert_eq!(
            changes(&plan.updates[0].changes),
            [
                change("origin_worker_id", Some(json!("x")), json!("y")),
                change("tls", Some(json!("strict")), json!("off")),
            ]
        );
        assert!(apps::apply(&client, &plan, &ApplyOptions::new()).await.unwrap().is_complete());
        assert_eq!(live(&fake, "update.example.com").extra.get("origin_worker_id"), Some(&json!("y")));
        assert_eq!(live(&fake, "create.example.com").extra.get("origin_worker_id"), Some(&json!("z")));
        let again = apps::export::<Spectrum>(&client, ZONE, None).await.unwrap();
        let plan = apps::plan(&client, ZONE, &again.desired, &prune(), None).await.unwrap();
        assert!(plan.is_empty(), "{plan}");
        assert_eq!(again.desired.apps[1].extra.get("origin_worker_id"), Some(&json!("z")));
    })
    .await;
}
