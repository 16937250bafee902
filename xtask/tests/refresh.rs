//! `refresh` on the published-schema fixtures.

mod common;

use common::{EXPECTED_DRIFT, compare, curated, manifest, overlay, published};
use serde_json::{Value, json};
use xtask::json::to_pretty;
use xtask::refresh::{compare as compare_with, updated};

#[test]
fn the_base_fixture_reproduces_the_curated_document() {
    let report = compare("published.json");
    assert_eq!(report.lines(), Vec::<String>::new(), "no spurious drift");
    assert!(
        report.drift.iter().all(|d| d.kept.is_some()),
        "every difference is curation the overlay names"
    );
    let (doc, problems) = updated(&curated(), &report);
    assert!(problems.is_empty(), "{problems:?}");
    let text = std::fs::read_to_string(common::workspace("openapi/spectrum.json")).unwrap();
    assert_eq!(to_pretty(&doc), text, "--write leaves the document byte for byte");
}

#[test]
fn the_base_fixture_exercises_the_curation() {
    // The fixture carries the published quirks the overlay is about, so the
    // comparison must have matched them as kept curation.
    let report = compare("published.json");
    let kept: Vec<(String, String)> = report.drift.iter().map(|d| (d.at.clone(), d.what.clone())).collect();
    for expected in [
        ("SpectrumAppResponse.errors", "required"),
        ("MagicAppResponse.success", "enum"),
        ("spectrum_apps_delete.request", "request-body"),
    ] {
        assert!(
            kept.iter().any(|(at, what)| at == expected.0 && what == expected.1),
            "{expected:?} not seen in {kept:?}"
        );
    }
    let mapping = report.mapping.join("\n");
    assert!(
        mapping.contains("Identifier <- spectrum-config_zone_identifier"),
        "{mapping}"
    );
    assert!(mapping.contains("SpectrumApp <- "), "{mapping}");
    assert!(
        mapping.contains("TrafficType <- spectrum-config_traffic_type"),
        "{mapping}"
    );
}

#[test]
fn the_drift_fixture_reports_exactly_its_drift() {
    let report = compare("published-drift.json");
    assert_eq!(report.lines(), EXPECTED_DRIFT);
}

#[test]
fn write_applies_the_drift_and_keeps_the_curation() {
    let curated = curated();
    let report = compare("published-drift.json");
    let (doc, problems) = updated(&curated, &report);
    assert!(problems.is_empty(), "{problems:?}");
    let text = to_pretty(&doc);
    serde_json::from_str::<openapiv3::OpenAPI>(&text).expect("still OpenAPI 3.0");

    let schemas = &doc["components"]["schemas"];
    let traffic = &schemas["TrafficType"];
    assert_eq!(traffic["enum"], json!(["direct", "http", "https", "worker"]));
    assert_eq!(traffic["x-open-enum"], json!(true));
    let app = &schemas["SpectrumApp"];
    assert_eq!(
        app["properties"]["origin_worker_id"],
        json!({"description": "The Worker that serves as the origin of the application.", "type": "string", "maxLength": 63})
    );
    assert_eq!(app["additionalProperties"], json!({}));
    assert_eq!(
        app["properties"]["id"],
        json!({"$ref": "#/components/schemas/Identifier"})
    );
    assert!(
        schemas["SpectrumAppConfig"]["properties"]
            .get("origin_worker_id")
            .is_none()
    );
    assert_eq!(schemas["Identifier"], curated["components"]["schemas"]["Identifier"]);
    assert!(
        doc["paths"]
            .get("/zones/{zone_id}/spectrum/apps/{app_id}/restart")
            .is_none()
    );

    // Nothing else changed.
    let mut back = doc.clone();
    back["components"]["schemas"]["TrafficType"]["enum"]
        .as_array_mut()
        .unwrap()
        .pop();
    back["components"]["schemas"]["SpectrumApp"]["properties"]
        .as_object_mut()
        .unwrap()
        .shift_remove("origin_worker_id");
    assert_eq!(back, curated);

    // Once written, the same fixture reports only what --write leaves to a person.
    let again = compare_with(&doc, &published("published-drift.json"), &manifest(), &overlay());
    assert_eq!(again.lines(), EXPECTED_DRIFT[..1]);
}

#[test]
fn removals_and_changes_are_reported_and_applied() {
    let mut fixture = published("published.json");
    let schemas = &mut fixture["components"]["schemas"];
    schemas["spectrum-config_tls"]["enum"] = json!(["off", "full", "strict"]);
    schemas["spectrum-config_dns_ttl"]["minimum"] = json!(300);
    for name in ["magic_account_app", "magic_managed_app"] {
        schemas[name]["properties"]
            .as_object_mut()
            .unwrap()
            .shift_remove("source_subnets");
    }
    schemas["magic_account_app"]["required"] = json!(["account_app_id", "name"]);
    let report = compare_with(&curated(), &fixture, &manifest(), &overlay());
    assert_eq!(
        report.lines(),
        [
            "~ OriginDns.ttl: minimum is 300 in the published schema, 600 here",
            "- TlsMode: enum value \"flexible\" is no longer published",
            "~ MagicAccountApp.name: now required",
            "- MagicAccountApp.source_subnets: property no longer published",
            "- MagicManagedApp.source_subnets: property no longer published",
        ]
    );
    let (doc, _) = updated(&curated(), &report);
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["TlsMode"]["enum"], json!(["off", "full", "strict"]));
    assert_eq!(schemas["OriginDns"]["properties"]["ttl"]["minimum"], json!(300));
    assert_eq!(
        schemas["MagicAccountApp"]["required"],
        json!(["account_app_id", "name"])
    );
    assert!(schemas["MagicAccountApp"]["properties"].get("source_subnets").is_none());
    assert!(schemas["MagicAppCreate"]["properties"].get("source_subnets").is_some());
}

#[test]
fn a_manifest_operation_missing_from_the_document_is_cut_in() {
    let mut manifest_value: Value = xtask::json::read(&common::workspace("openapi/manifest.json")).unwrap();
    manifest_value["operations"].as_array_mut().unwrap().push(json!({
        "operationId": "spectrum_apps_restart",
        "method": "post",
        "path": "/zones/{zone_id}/spectrum/apps/{app_id}/restart",
        "tag": "spectrum"
    }));
    let manifest: xtask::manifest::Manifest = serde_json::from_value(manifest_value).unwrap();
    let fixture = published("published-drift.json");
    let report = compare_with(&curated(), &fixture, &manifest, &overlay());
    assert_eq!(
        report.lines()[0],
        "+ spectrum_apps_restart: POST /zones/{}/spectrum/apps/{}/restart is in the manifest but not yet in the curated document; --write cuts it in from spectrum-applications-restart-spectrum-application"
    );
    let (doc, problems) = updated(&curated(), &report);
    assert!(problems.is_empty(), "{problems:?}");
    let item = &doc["paths"]["/zones/{zone_id}/spectrum/apps/{app_id}/restart"];
    assert_eq!(
        item["parameters"],
        json!([{"$ref": "#/components/parameters/zone_id"}, {"$ref": "#/components/parameters/app_id"}])
    );
    let op = &item["post"];
    assert_eq!(op["operationId"], "spectrum_apps_restart");
    assert_eq!(op["tags"], json!(["spectrum"]));
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["result"]["properties"]["id"],
        json!({"$ref": "#/components/schemas/Identifier"})
    );
    // The new operation is valid and aligned: a second run finds no drift.
    let text = to_pretty(&doc);
    let tests = vec![(std::path::PathBuf::from("t.rs"), all_operation_ids(&doc))];
    let problems = xtask::check::problems(&text, &manifest, &tests, std::path::Path::new("tests"));
    assert_eq!(problems, Vec::<String>::new());
    let again = compare_with(&doc, &fixture, &manifest, &overlay());
    assert_eq!(again.lines(), Vec::<String>::new());
}

fn all_operation_ids(doc: &Value) -> String {
    let mut ids = String::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                ids.push_str(&format!("client.{id}();\n"));
            }
        }
    }
    ids
}

#[test]
fn refresh_is_deterministic() {
    let first = compare("published-drift.json");
    let second = compare("published-drift.json");
    assert_eq!(first.render("x", true), second.render("x", true));
    let (a, _) = updated(&curated(), &first);
    let (b, _) = updated(&curated(), &second);
    assert_eq!(to_pretty(&a), to_pretty(&b));
}

#[test]
fn the_cut_keeps_the_covered_operations_and_what_they_reference() {
    let full = published("published-drift.json");
    let cut = xtask::cut::cut(&full, &manifest());
    assert_eq!(xtask::json::dangling_refs(&cut), Vec::new());
    let paths: Vec<&String> = cut["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths.len(), 9, "{paths:?}");
    assert!(cut["paths"].get("/zones/{zone}/dns_records").is_none());
    assert!(
        cut["paths"]
            .get("/zones/{zone}/spectrum/apps/{app_id}/restart")
            .is_some()
    );
    let schemas = cut["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("spectrum-config_traffic_type"));
    assert!(schemas.contains_key("magic_cidr"), "referenced only through allOf");
    assert!(!schemas.contains_key("dns-records_dns-response-collection"));
    let all = full["components"]["schemas"].as_object().unwrap().len();
    assert_eq!(
        schemas.len(),
        all - 1,
        "only the unrelated operation's schema is left out"
    );
    let by_cut = compare_with(&curated(), &cut, &manifest(), &overlay());
    assert_eq!(by_cut.lines(), EXPECTED_DRIFT);
}
