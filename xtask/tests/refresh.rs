//! `refresh` on the published-schema fixtures.

mod common;

use common::{EXPECTED_DRIFT, compare, conformance_for, curated, manifest, operation_ids, overlay, published};
use serde_json::json;
use xtask::json::to_pretty;
use xtask::ops::NewOperation;
use xtask::refresh::{compare as compare_with, compare_adding, updated};

#[test]
fn the_base_fixture_reproduces_the_curated_document() {
    let report = compare("published.json");
    assert_eq!(report.lines(), Vec::<String>::new(), "no spurious drift");
    assert!(report.drift.iter().all(|d| d.kept.is_some()), "every difference is curation the overlay names");
    let (doc, problems) = updated(&curated(), &report);
    assert!(problems.is_empty(), "{problems:?}");
    let text = std::fs::read_to_string(common::workspace("openapi/spectrum.json")).unwrap();
    assert_eq!(to_pretty(&doc), text, "--write leaves the document byte for byte");
}

#[test]
fn the_base_fixture_exercises_the_curation() {
    // The fixture carries the published quirks the overlay is about, so the
    // comparison must have matched them as kept curation (the entries for
    // the curated appID, 204s and 201s among them).
    let report = compare("published.json");
    let kept: Vec<(String, String)> = report.drift.iter().map(|d| (d.at.clone(), d.what.clone())).collect();
    for expected in [
        ("SpectrumAppResponse.errors", "required"),
        ("MagicAppResponse.success", "enum"),
        ("spectrum_apps_delete.request", "request-body"),
        ("spectrum_analytics_current.query.appID", "type"),
        ("spectrum_apps_delete.response.204", "status"),
        ("magic_apps_delete.response.204", "status"),
        ("magic_apps_create.response.201", "status"),
    ] {
        assert!(
            kept.iter().any(|(at, what)| at == expected.0 && what == expected.1),
            "{expected:?} not seen in {kept:?}"
        );
    }
    for note in &report.notes {
        assert!(!note.contains("appID") && !note.contains(".response.2"), "{note}");
    }
    let mapping = report.mapping.join("\n");
    assert!(mapping.contains("Identifier <- spectrum-config_zone_identifier"), "{mapping}");
    assert!(mapping.contains("SpectrumApp <- "), "{mapping}");
    assert!(mapping.contains("TrafficType <- spectrum-config_traffic_type"), "{mapping}");
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
    assert_eq!(app["properties"]["id"], json!({"$ref": "#/components/schemas/Identifier"}));
    assert!(schemas["SpectrumAppConfig"]["properties"].get("origin_worker_id").is_none());
    assert_eq!(schemas["Identifier"], curated["components"]["schemas"]["Identifier"]);
    assert!(doc["paths"].get("/zones/{zone_id}/spectrum/apps/{app_id}/restart").is_none());

    // Nothing else changed.
    let mut back = doc.clone();
    back["components"]["schemas"]["TrafficType"]["enum"].as_array_mut().unwrap().pop();
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
        schemas[name]["properties"].as_object_mut().unwrap().shift_remove("source_subnets");
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
    assert_eq!(schemas["MagicAccountApp"]["required"], json!(["account_app_id", "name"]));
    assert!(schemas["MagicAccountApp"]["properties"].get("source_subnets").is_none());
    assert!(schemas["MagicAppCreate"]["properties"].get("source_subnets").is_some());
}

#[test]
fn an_added_operation_is_cut_in() {
    let add: NewOperation =
        "spectrum_apps_restart=POST /zones/{zone_id}/spectrum/apps/{app_id}/restart".parse().unwrap();
    let fixture = published("published-drift.json");
    let report = compare_adding(&curated(), &fixture, &manifest(), &overlay(), &[add]);
    assert_eq!(
        report.lines()[0],
        "+ spectrum_apps_restart: POST /zones/{}/spectrum/apps/{}/restart is cut in from spectrum-applications-restart-spectrum-application by --write"
    );
    assert_eq!(report.lines().len(), 3, "the new operation is no longer reported as missing");
    let (doc, problems) = updated(&curated(), &report);
    assert!(problems.is_empty(), "{problems:?}");
    let item = &doc["paths"]["/zones/{zone_id}/spectrum/apps/{app_id}/restart"];
    assert_eq!(
        item["parameters"],
        json!([{"$ref": "#/components/parameters/zone_id"}, {"$ref": "#/components/parameters/app_id"}])
    );
    let op = &item["post"];
    assert_eq!(op["operationId"], "spectrum_apps_restart");
    assert_eq!(op["tags"], json!(["spectrum"]), "the tags of the nearest curated operation");
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["result"]["properties"]["id"],
        json!({"$ref": "#/components/schemas/Identifier"})
    );
    // The new operation is valid and aligned: it needs only its conformance
    // test, and a second run finds no drift about it.
    let text = to_pretty(&doc);
    let problems = xtask::check::problems(&text, &manifest(), &conformance_for(&operation_ids(&curated())));
    assert_eq!(
        problems,
        [
            "operation spectrum_apps_restart (POST /zones/{}/spectrum/apps/{}/restart) has no test in tests/conformance.rs: add `#[tokio::test] async fn spectrum_apps_restart()` there, calling client.spectrum_apps_restart(…) against a mock server and checking the request sent and the typed result"
        ]
    );
    let problems = xtask::check::problems(&text, &manifest(), &conformance_for(&operation_ids(&doc)));
    assert_eq!(problems, Vec::<String>::new());
    let again = compare_with(&doc, &fixture, &manifest(), &overlay());
    assert_eq!(again.lines(), Vec::<String>::new());
}

#[test]
fn additions_that_cannot_be_made_say_why() {
    let fixture = published("published-drift.json");
    let add: Vec<NewOperation> = [
        "again=GET /zones/{zone_id}/spectrum/apps",
        "spectrum_apps_list=POST /zones/{zone_id}/spectrum/apps/{app_id}/restart",
        "nowhere=GET /zones/{zone_id}/spectrum/nowhere custom",
    ]
    .iter()
    .map(|a| a.parse().unwrap())
    .collect();
    let report = compare_adding(&curated(), &fixture, &manifest(), &overlay(), &add);
    let lines = report.lines();
    for expected in [
        "! again: --add again: GET /zones/{}/spectrum/apps is already in the curated document, as spectrum_apps_list",
        "! spectrum_apps_list: --add spectrum_apps_list: the curated operation GET /zones/{}/spectrum/apps is already named spectrum_apps_list; choose another operationId",
        "! nowhere: --add nowhere: GET /zones/{}/spectrum/nowhere is not in the published schema",
    ] {
        assert!(lines.iter().any(|l| l == expected), "{expected}\nnot in {lines:#?}");
    }
    let (doc, problems) = updated(&curated(), &report);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(operation_ids(&doc), operation_ids(&curated()), "nothing was cut in");
}

#[test]
fn the_operations_are_the_documents_own() {
    // An operation removed from the document is neither compared nor
    // cut out any more; in scope, it is reported as a published operation
    // the document lacks.
    let mut doc = curated();
    doc["paths"]["/zones/{zone_id}/spectrum/protocols"].as_object_mut().unwrap().shift_remove("get");
    doc["paths"].as_object_mut().unwrap().shift_remove("/zones/{zone_id}/spectrum/protocols");
    let report = compare_with(&doc, &published("published.json"), &manifest(), &overlay());
    assert_eq!(
        report.lines(),
        [
            "+ GET /zones/{zone_identifier}/spectrum/protocols: new published operation spectrum-protocols-list-spectrum-protocols in scope; to cover it, refresh with --write --add '<operation_id>=GET /zones/{zone_id}/spectrum/protocols'"
        ]
    );
    // A curated operation the published schema lacks is reported, by name.
    let mut fixture = published("published.json");
    fixture["paths"]["/zones/{zone}/spectrum/apps/{app_id}"].as_object_mut().unwrap().shift_remove("put");
    let report = compare_with(&curated(), &fixture, &manifest(), &overlay());
    assert_eq!(
        report.lines(),
        ["- spectrum_apps_update: PUT /zones/{}/spectrum/apps/{} is not in the published schema"]
    );
    // Out of scope, a published operation the document lacks is not reported.
    let narrow = xtask::manifest::Manifest::from_value(json!({"scope": ["/accounts/{}/magic/apps"]})).unwrap();
    let report = compare_with(&doc, &published("published.json"), &narrow, &overlay());
    assert_eq!(report.lines(), Vec::<String>::new());
}

#[test]
fn extensions_are_curation_and_never_compared() {
    // x-... keys anywhere, on either side, are no difference.
    let mut doc = curated();
    doc["info"]["x-curation"] = json!(["a new note"]);
    let op = &mut doc["paths"]["/zones/{zone_id}/spectrum/apps/{app_id}"]["get"];
    op["x-rust-query"] = json!("GetQuery");
    op["x-result-if-empty"] = json!({"id": "app_id"});
    doc["components"]["schemas"]["OriginDnsType"]["x-enum-varnames"] = json!(["Both", "A", "Aaaa", "Srv"]);
    doc["components"]["schemas"]["SpectrumApp"]["x-rust-type"] = json!("App");
    doc["components"]["parameters"]["zone_id"]["x-rust-name"] = json!("zone");
    let mut fixture = published("published.json");
    fixture["components"]["schemas"]["spectrum-config_traffic_type"]["x-stainless-naming"] = json!("TrafficType");
    let report = compare_with(&doc, &fixture, &manifest(), &overlay());
    assert_eq!(report.lines(), Vec::<String>::new());
    let (written, _) = updated(&doc, &report);
    assert_eq!(written, doc, "--write keeps every extension");
}

#[test]
fn success_statuses_are_compared() {
    let mut fixture = published("published.json");
    let list = &mut fixture["paths"]["/zones/{zone}/spectrum/apps"]["get"]["responses"];
    list["202"] = json!({"description": "Accepted"});
    let delete = &mut fixture["paths"]["/zones/{zone}/spectrum/apps/{app_id}"]["delete"]["responses"];
    delete["204"] = json!({"description": "Deleted"});
    let report = compare_with(&curated(), &fixture, &manifest(), &overlay());
    assert_eq!(
        report.lines(),
        [
            "+ spectrum_apps_list.response.202: the published schema also documents 202; add it to the curated operation if the client should accept it"
        ]
    );
    assert!(
        report.drift.iter().all(|d| d.at != "spectrum_apps_delete.response.204"),
        "published now, so no longer a difference"
    );
    let kept = report.drift.iter().find(|d| d.at == "magic_apps_delete.response.204").unwrap();
    assert_eq!(
        kept.to_string(),
        "- magic_apps_delete.response.204: the curated operation documents 204 as a success; the published schema does not"
    );
    assert!(kept.kept.is_some() && kept.edit.is_none());
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
    let coverage = xtask::cut::Coverage::new(&curated(), &manifest(), &[]);
    let cut = xtask::cut::cut(&full, &coverage);
    assert_eq!(xtask::json::dangling_refs(&cut), Vec::new());
    let paths: Vec<&String> = cut["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths.len(), 9, "{paths:?}");
    assert!(cut["paths"].get("/zones/{zone}/dns_records").is_none());
    assert!(cut["paths"].get("/zones/{zone}/spectrum/apps/{app_id}/restart").is_some());
    let schemas = cut["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("spectrum-config_traffic_type"));
    assert!(schemas.contains_key("magic_cidr"), "referenced only through allOf");
    assert!(!schemas.contains_key("dns-records_dns-response-collection"));
    let all = full["components"]["schemas"].as_object().unwrap().len();
    assert_eq!(schemas.len(), all - 1, "only the unrelated operation's schema is left out");
    let by_cut = compare_with(&curated(), &cut, &manifest(), &overlay());
    assert_eq!(by_cut.lines(), EXPECTED_DRIFT);
}
