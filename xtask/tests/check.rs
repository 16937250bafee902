//! `check` on the curated document and on broken variants of it.

mod common;

use std::path::{Path, PathBuf};

use common::{curated, fixture, manifest, workspace};
use serde_json::{Value, json};
use xtask::check::{Options, problems, read_tests, run};
use xtask::json::to_pretty;

/// A test file naming every operation of the curated document but `skip`.
fn tests_naming_all_but(skip: &str) -> Vec<(PathBuf, String)> {
    let ids: Vec<String> = manifest()
        .operations
        .iter()
        .map(|o| o.operation_id.clone())
        .filter(|id| id != skip)
        .map(|id| format!("    client.{id}().send().await;\n"))
        .collect();
    vec![(PathBuf::from("tests/conformance.rs"), ids.concat())]
}

fn check(doc: &Value, tests: &[(PathBuf, String)]) -> Vec<String> {
    problems(&to_pretty(doc), &manifest(), tests, Path::new("tests"))
}

#[test]
fn the_curated_document_passes_with_a_test_per_operation() {
    assert_eq!(check(&curated(), &tests_naming_all_but("")), Vec::<String>::new());
}

#[test]
fn a_fixture_directory_of_tests_is_read_and_accepted() {
    let options = Options {
        spec: workspace("openapi/spectrum.json"),
        manifest: workspace("openapi/manifest.json"),
        tests: fixture("conformance"),
    };
    let summary = run(&options).expect("the fixture names every operation");
    assert!(summary.contains("OK (14 manifest operations"), "{summary}");
    assert_eq!(read_tests(&fixture("conformance")).len(), 1);
}

#[test]
fn an_operation_without_a_test_is_reported_with_what_to_do() {
    let found = check(&curated(), &tests_naming_all_but("magic_apps_patch"));
    assert_eq!(
        found,
        [
            "operation magic_apps_patch has no conformance test: add a test under tests that exercises it (the check looks for the word magic_apps_patch there)"
        ]
    );
    // A longer identifier that merely starts with the operationId does not count.
    let mut tests = tests_naming_all_but("spectrum_apps_get");
    tests[0].1.push_str("fn spectrum_apps_get_twice() {}\n");
    assert_eq!(check(&curated(), &tests).len(), 1);
    tests[0].1.push_str("let op = \"spectrum_apps_get\";\n");
    assert!(check(&curated(), &tests).is_empty());
}

#[test]
fn a_missing_tests_directory_is_reported() {
    let options = Options {
        spec: workspace("openapi/spectrum.json"),
        manifest: workspace("openapi/manifest.json"),
        tests: fixture("no-such-directory"),
    };
    let message = run(&options).unwrap_err();
    assert!(
        message.contains("has no test files, so no operation has a conformance test"),
        "{message}"
    );
}

#[test]
fn broken_documents_are_reported() {
    let tests = tests_naming_all_but("");
    let mut doc = curated();
    doc["components"]["schemas"]["SpectrumApp"]["properties"]["dns"] = json!({"$ref": "#/components/schemas/Nowhere"});
    let op = &mut doc["paths"]["/zones/{zone_id}/spectrum/apps"]["get"];
    op["responses"].as_object_mut().unwrap().shift_remove("5XX");
    doc["components"]["schemas"]["OriginDnsType"]["x-enum-varnames"] = json!(["AAndAaaa", "A"]);
    doc["components"]["schemas"]["TlsMode"]
        .as_object_mut()
        .unwrap()
        .shift_remove("enum");
    assert_eq!(
        check(&doc, &tests),
        [
            "the $ref \"#/components/schemas/Nowhere\" at /components/schemas/SpectrumApp/properties/dns/$ref does not resolve; point it at an existing component",
            "operation GET /zones/{}/spectrum/apps has no 5XX response; add one (errors use #/components/responses/Failure)",
            "/components/schemas/OriginDnsType has 4 enum values but 2 x-enum-varnames; give every value one name, in order",
            "/components/schemas/TlsMode is marked x-open-enum but has no enum values; add them or drop the mark",
        ]
    );
}

#[test]
fn manifest_operations_must_be_present_under_their_name() {
    let tests = tests_naming_all_but("");
    let mut doc = curated();
    doc["paths"]["/zones/{zone_id}/spectrum/protocols"]
        .as_object_mut()
        .unwrap()
        .shift_remove("get");
    doc["paths"]["/accounts/{account_id}/magic/apps"]["get"]["operationId"] = json!("magic_apps_all");
    let found = check(&doc, &tests);
    assert!(
        found.iter().any(|p| p.starts_with(
            "operation spectrum_protocols_list (GET /zones/{}/spectrum/protocols) of openapi/manifest.json is missing"
        )),
        "{found:?}"
    );
    assert!(found.iter().any(|p| p == "operation GET /accounts/{}/magic/apps is named magic_apps_all but openapi/manifest.json names it magic_apps_list; rename one of them"), "{found:?}");
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("operation magic_apps_all has no conformance test")),
        "{found:?}"
    );
}

#[test]
fn operations_need_an_id_and_documents_must_be_openapi_3_0() {
    let tests = tests_naming_all_but("");
    let mut doc = curated();
    doc["paths"]["/zones/{zone_id}/spectrum/apps"]["get"]
        .as_object_mut()
        .unwrap()
        .shift_remove("operationId");
    doc["openapi"] = json!("3.1.0");
    doc.as_object_mut().unwrap().shift_remove("info");
    let found = check(&doc, &tests);
    assert!(
        found[0].starts_with("does not parse as OpenAPI 3.0: missing field `info`"),
        "{found:?}"
    );
    assert!(
        found.contains(&"declares openapi \"3.1.0\", not 3.0.x".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"operation GET /zones/{}/spectrum/apps has no operationId; give it one".to_owned()),
        "{found:?}"
    );
}
