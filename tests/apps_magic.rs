//! Apps as code for an account's Magic custom apps, through the same
//! engine as Spectrum's: identity by `name`, `hostnames`, `ip_subnets` and
//! `source_subnets` compared as sets (host names as DNS compares them).

mod apps_support;

use apps_support::{ACCOUNT, body, bounded, change, changes, fake, short};
use cloudflare_spectrum::Error;
use cloudflare_spectrum::apps::{self, Action, ApplyOptions, Desired, Magic, PlanOptions};
use cloudflare_spectrum::types::MagicAppCreate;
use serde_json::{Value, json};

fn magic(value: Value) -> MagicAppCreate {
    serde_json::from_value(value).expect("a valid MagicAppCreate literal")
}

fn seeded() -> Vec<MagicAppCreate> {
    vec![
        magic(json!({ "name": "Wiki", "type": "Productivity", "hostnames": ["wiki.example.com", "docs.example.com"] })),
        magic(json!({ "name": "VPN", "type": "Security", "ip_subnets": ["192.0.2.0/24", "198.51.100.0/24"] })),
        magic(json!({ "name": "Old", "type": "Other", "hostnames": ["old.example.com"] })),
    ]
}

#[tokio::test]
async fn magic_apps_are_exported_planned_and_applied_by_name() {
    bounded(async {
        let (fake, client) = fake().await;
        for app in seeded() {
            client.magic_apps_create(ACCOUNT, &app).await.unwrap();
        }
        let id = |name: &str| {
            fake.magic_apps(ACCOUNT)
                .into_iter()
                .find(|a| a.name.as_deref() == Some(name))
                .map(|a| a.account_app_id)
                .unwrap()
        };
        let (wiki, vpn, old) = (id("Wiki"), id("VPN"), id("Old"));
        fake.clear_requests();

        let export = apps::export::<Magic>(&client, ACCOUNT, None).await.unwrap();
        assert_eq!(export.desired.apps, seeded());
        assert!(export.skipped.is_empty());
        let requests: Vec<_> = fake.requests().iter().map(short).collect();
        assert_eq!(requests, ["GET /magic/apps"]);
        let plan = apps::plan(&client, ACCOUNT, &export.desired, &PlanOptions::new().prune(true), None)
            .await
            .unwrap();
        assert!(plan.is_empty(), "{plan}");
        assert_eq!(plan.unchanged, 3);

        // Lists are sets; host names compare as DNS names.
        let reordered: Desired<Magic> = Desired::new(vec![
            magic(json!({ "name": "Wiki", "type": "Productivity", "hostnames": ["DOCS.example.com.", "wiki.example.com"] })),
            magic(json!({ "name": "VPN", "type": "Security", "ip_subnets": ["198.51.100.0/24", "192.0.2.0/24"] })),
            magic(json!({ "name": "Old", "type": "Other" })),
        ]);
        let plan = apps::plan(&client, ACCOUNT, &reordered, &PlanOptions::new().prune(true), None)
            .await
            .unwrap();
        assert!(plan.is_empty(), "{plan}");
        assert_eq!(plan.unchanged, 3);

        // Two entries with one name: an error, nothing sent.
        fake.clear_requests();
        let twice = Desired::<Magic>::new(vec![seeded()[0].clone(), seeded()[0].clone()]);
        let error = apps::plan(&client, ACCOUNT, &twice, &PlanOptions::new(), None)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidInput { field: "desired state", .. }), "{error}");
        assert_eq!(
            error.to_string(),
            "invalid desired state: entries 0 and 1 are the same app (Wiki): each name may appear once"
        );
        assert!(fake.requests().is_empty());

        // Update Wiki's source subnets and VPN's type, create one, prune Old.
        let state: Desired<Magic> = Desired::new(vec![
            magic(json!({ "name": "Wiki", "type": "Productivity", "source_subnets": ["203.0.113.0/24"] })),
            magic(json!({ "name": "VPN", "type": "Networking" })),
            magic(json!({ "name": "Chat", "type": "Collaboration", "hostnames": ["chat.example.com"] })),
        ]);
        let plan = apps::plan(&client, ACCOUNT, &state, &PlanOptions::new().prune(true), None)
            .await
            .unwrap();
        assert_eq!(plan.to_string().lines().next().unwrap(), format!(
            "Plan for account {ACCOUNT}: 1 to create, 2 to update, 0 to replace, 1 to delete (0 unchanged, 0 unmanaged, 0 ambiguous)"
        ));
        assert_eq!(plan.updates[0].existing.id, wiki);
        assert_eq!(changes(&plan.updates[0].changes),
            [change("source_subnets", None, json!(["203.0.113.0/24"]))]
        );
        assert_eq!(plan.updates[1].existing.id, vpn);
        assert_eq!(changes(&plan.updates[1].changes),
            [change("type", Some(json!("Security")), json!("Networking"))]
        );
        assert_eq!(plan.deletes.len(), 1);
        assert_eq!((plan.deletes[0].identity.as_str(), plan.deletes[0].id.as_str()), ("Old", old.as_str()));
        assert_eq!(plan.creates[0].identity.as_str(), "Chat");

        fake.clear_requests();
        let report = apps::apply(&client, &plan, &ApplyOptions::new().concurrency(1)).await.unwrap();
        assert!(report.is_complete(), "{report}");
        let actions: Vec<_> = report.done.iter().map(|c| (c.action, c.identity.to_string())).collect();
        assert_eq!(
            actions,
            [
                (Action::Delete, "Old".to_owned()),
                (Action::Update, "Wiki".to_owned()),
                (Action::Update, "VPN".to_owned()),
                (Action::Create, "Chat".to_owned()),
            ]
        );
        let requests = fake.requests();
        let shown: Vec<_> = requests.iter().map(short).collect();
        assert_eq!(
            shown,
            [
                "GET /magic/apps".to_owned(),
                format!("DELETE /magic/apps/{old}"),
                format!("PUT /magic/apps/{wiki}"),
                format!("PUT /magic/apps/{vpn}"),
                "POST /magic/apps".to_owned(),
            ]
        );
        // A PUT replaces the lists: the body keeps the ones the state leaves unset.
        assert_eq!(
            body(&requests[2]),
            json!({
                "name": "Wiki",
                "type": "Productivity",
                "hostnames": ["wiki.example.com", "docs.example.com"],
                "source_subnets": ["203.0.113.0/24"],
            })
        );
        assert_eq!(
            body(&requests[3]),
            json!({ "name": "VPN", "type": "Networking", "ip_subnets": ["192.0.2.0/24", "198.51.100.0/24"] })
        );
        let vpn_now = fake
            .magic_apps(ACCOUNT)
            .into_iter()
            .find(|a| a.account_app_id == vpn)
            .unwrap();
        assert_eq!(vpn_now.ip_subnets, ["192.0.2.0/24", "198.51.100.0/24"]);

        let again = apps::plan(&client, ACCOUNT, &state, &PlanOptions::new().prune(true), None)
            .await
            .unwrap();
        assert!(again.is_empty(), "{again}");
        assert_eq!(again.unchanged, 3);
    })
    .await;
}

#[tokio::test]
async fn a_changed_magic_app_makes_the_plan_stale() {
    bounded(async {
        let (fake, client) = fake().await;
        let created = client.magic_apps_create(ACCOUNT, &seeded()[0]).await.unwrap();
        let state = Desired::<Magic>::new(vec![magic(
            json!({ "name": "Wiki", "type": "Productivity", "hostnames": ["wiki.example.com"] }),
        )]);
        let plan = apps::plan(&client, ACCOUNT, &state, &PlanOptions::new(), None).await.unwrap();
        assert_eq!(plan.updates.len(), 1);
        // Magic apps have no modified_on: the whole app is the version.
        let patch = serde_json::from_value(json!({ "source_subnets": ["203.0.113.0/24"] })).unwrap();
        client.magic_apps_patch(ACCOUNT, &created.account_app_id, &patch).await.unwrap();
        fake.clear_requests();
        let report = apps::apply(&client, &plan, &ApplyOptions::new()).await.unwrap();
        assert_eq!(report.stale.len(), 1);
        assert_eq!(report.stale[0].id.as_deref(), Some(created.account_app_id.as_str()));
        let shown: Vec<_> = fake.requests().iter().map(short).collect();
        assert_eq!(shown, ["GET /magic/apps"]);
    })
    .await;
}
