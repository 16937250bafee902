//! `check` on the curated document and on broken variants of it.

mod common;

use common::{conformance_for, curated, fixture, manifest, operation_ids, workspace};
use serde_json::{Value, json};
use xtask::check::{Conformance, Options, problems, run};
use xtask::json::to_pretty;

/// A conformance file with a test for every operation of the curated
/// document but `skip`.
fn tests_for_all_but(skip: &str) -> Conformance {
    let ids: Vec<String> = operation_ids(&curated()).into_iter().filter(|id| id != skip).collect();
    conformance_for(&ids)
}

fn check(doc: &Value, tests: &Conformance) -> Vec<String> {
    problems(&to_pretty(doc), &manifest(), tests)
}

fn options(tests: std::path::PathBuf) -> Options {
    Options { spec: workspace("openapi/spectrum.json"), manifest: workspace("openapi/manifest.json"), tests }
}

#[test]
fn the_curated_document_passes_with_a_test_per_operation() {
    assert_eq!(check(&curated(), &tests_for_all_but("")), Vec::<String>::new());
}

#[test]
fn the_real_conformance_file_has_a_test_per_operation() {
    // What `cargo xtask check` does in CI, from the workspace's own files.
    let summary = run(&options(workspace("tests/conformance.rs"))).expect("tests/conformance.rs covers the document");
    assert!(summary.ends_with(": OK (14 operations, each with a test in tests/conformance.rs)\n"), "{summary}");
}

#[test]
fn a_directory_is_read_through_its_conformance_file() {
    let summary = run(&options(fixture("conformance"))).expect("the fixture has every test");
    assert!(summary.contains("OK (14 operations"), "{summary}");
    assert!(run(&options(fixture("conformance/conformance.rs"))).is_ok());
}

#[test]
fn an_operation_without_a_test_is_reported_with_what_to_do() {
    let found = check(&curated(), &tests_for_all_but("magic_apps_patch"));
    assert_eq!(
        found,
        [
            "operation magic_apps_patch (PATCH /accounts/{}/magic/apps/{}) has no test in tests/conformance.rs: add `#[tokio::test] async fn magic_apps_patch()` there, calling client.magic_apps_patch(…) against a mock server and checking the request sent and the typed result"
        ]
    );
}

#[test]
fn only_a_test_function_named_after_the_operation_counts() {
    let Conformance { path, source } = tests_for_all_but("spectrum_apps_get");
    let mut source = source.unwrap();
    // A call, a string, a longer name, a comment: none is the test.
    source.push_str(concat!(
        "#[tokio::test]\nasync fn spectrum_apps_get_twice() {\n    client.spectrum_apps_get(zone, app);\n    let op = \"spectrum_apps_get\";\n}\n",
        "// #[tokio::test]\n// async fn spectrum_apps_get() {}\n",
        "/* #[test] fn spectrum_apps_get() {} */\n",
        "const NOTE: &str = \"#[test] fn spectrum_apps_get() {}\";\n",
    ));
    let found = check(&curated(), &Conformance::new(&path, source.clone()));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("operation spectrum_apps_get (GET /zones/{}/spectrum/apps/{}) has no test"),
        "{found:?}"
    );

    // A helper of that name is not a test.
    let helper = format!("{source}fn spectrum_apps_get() {{}}\n");
    let line = helper.lines().count();
    let found = check(&curated(), &Conformance::new(&path, helper));
    assert_eq!(
        found,
        [format!(
            "tests/conformance.rs:{line}: fn spectrum_apps_get is not a test; mark it #[tokio::test] (or #[test]) so it runs as the conformance test of operation spectrum_apps_get"
        )]
    );

    // An ignored test does not run in CI.
    let ignored = format!("{source}#[tokio::test]\n#[ignore]\nasync fn spectrum_apps_get() {{}}\n");
    let found = check(&curated(), &Conformance::new(&path, ignored));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .ends_with("the conformance test spectrum_apps_get is #[ignore]d, so CI does not run it; remove #[ignore]"),
        "{found:?}"
    );

    // #[test], attributes with arguments and visibility all count.
    for test in [
        "#[test]\nfn spectrum_apps_get() {}\n",
        "#[tokio::test(flavor = \"multi_thread\")]\npub async fn spectrum_apps_get() {}\n",
        "mod apps {\n    #[tokio::test]\n    async fn spectrum_apps_get() {}\n}\n",
    ] {
        let found = check(&curated(), &Conformance::new(&path, format!("{source}{test}")));
        assert_eq!(found, Vec::<String>::new(), "{test}");
    }
}

#[test]
fn a_missing_conformance_file_is_reported() {
    let message = run(&options(fixture("no-such-directory"))).unwrap_err();
    assert!(message.contains("1 problem(s)"), "{message}");
    assert!(message.contains("no-such-directory cannot be read ("), "{message}");
    assert!(
        message.contains("it must hold one conformance test per operation, named after its operationId (#[tokio::test] async fn spectrum_apps_list() { … })"),
        "{message}"
    );
}

#[test]
fn broken_documents_are_reported() {
    let tests = tests_for_all_but("");
    let mut doc = curated();
    doc["components"]["schemas"]["SpectrumApp"]["properties"]["dns"] = json!({"$ref": "#/components/schemas/Nowhere"});
    let op = &mut doc["paths"]["/zones/{zone_id}/spectrum/apps"]["get"];
    op["responses"].as_object_mut().unwrap().shift_remove("5XX");
    doc["components"]["schemas"]["OriginDnsType"]["x-enum-varnames"] = json!(["Empty", "A"]);
    doc["components"]["schemas"]["TlsMode"].as_object_mut().unwrap().shift_remove("enum");
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
fn operation_ids_are_unique_snake_case_and_paths_in_scope() {
    let mut doc = curated();
    let paths = doc["paths"].as_object_mut().unwrap();
    paths["/zones/{zone_id}/spectrum/protocols"]["get"]["operationId"] = json!("spectrum_apps_list");
    paths["/accounts/{account_id}/magic/apps"]["get"]["operationId"] = json!("magicAppsList");
    let item = paths["/zones/{zone_id}/spectrum/apps"].clone();
    paths.insert("/zones/{zone}/spectrum/apps".into(), item);
    paths.insert(
        "/zones/{zone_id}/dns_records".into(),
        json!({"get": {"operationId": "dns_records_list", "responses": {"200": {"description": "ok"}, "4XX": {"description": "no"}, "5XX": {"description": "no"}}}}),
    );
    let found = check(&doc, &conformance_for(&operation_ids(&doc)));
    let expected = [
        "operation GET /accounts/{}/magic/apps has the operationId \"magicAppsList\", which is not snake_case; client methods, mock helpers and conformance tests are named after it, so use lower-case letters, digits and _, starting with a letter",
        "the operationId spectrum_apps_list names both GET /zones/{}/spectrum/apps and GET /zones/{}/spectrum/protocols; client methods, mock helpers and conformance tests are named after it, so give each operation its own",
        "GET /zones/{}/spectrum/apps is declared twice, as /zones/{zone_id}/spectrum/apps and /zones/{zone}/spectrum/apps; the paths differ only in parameter names, so keep one",
        "operation dns_records_list (GET /zones/{}/dns_records) lies outside the scope of openapi/manifest.json, so `cargo xtask refresh` would not report the published operations next to it; add a prefix of /zones/{}/dns_records to scope there",
    ];
    for problem in expected {
        assert!(found.iter().any(|p| p == problem), "{problem}\nnot in {found:#?}");
    }
}

#[test]
fn operations_need_an_id_and_documents_must_be_openapi_3_0() {
    let tests = tests_for_all_but("");
    let mut doc = curated();
    doc["paths"]["/zones/{zone_id}/spectrum/apps"]["get"].as_object_mut().unwrap().shift_remove("operationId");
    doc["openapi"] = json!("3.1.0");
    doc.as_object_mut().unwrap().shift_remove("info");
    let found = check(&doc, &tests);
    assert!(found[0].starts_with("does not parse as OpenAPI 3.0: missing field `info`"), "{found:?}");
    assert!(found.contains(&"declares openapi \"3.1.0\", not 3.0.x".to_owned()), "{found:?}");
    assert!(
        found.contains(&"operation GET /zones/{}/spectrum/apps has no operationId; give it one".to_owned()),
        "{found:?}"
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let tests = tests_for_all_but("");
    assert_eq!(
        problems("{", &manifest(), &tests)[0],
        "is not valid JSON: EOF while parsing an object at line 1 column 1"
    );
    let odd = json!({"openapi": "3.0.3", "paths": {"/x": {"get": "not an operation"}, "/y": []}});
    let found = check(&odd, &tests);
    assert!(found.iter().any(|p| p.starts_with("does not parse as OpenAPI 3.0")), "{found:?}");
    let binary = Conformance::new("tests/conformance.rs", "\u{0}#[test]\u{7f} fn 'x '\\ \"");
    let _ = check(&curated(), &binary);
}
