//! The drill's probe (written by xtask/tests/drill.rs into target/drill,
//! never part of the workspace): `cloudflare-spectrum` built from a copy of
//! the document with one new operation, `spectrum_widgets_list`.
//!
//! That it compiles proves the method, its result type, the mock helper and
//! the enum exist. Each check then prints `PASS name` or `FAIL name:
//! detail` on one line; the exit status is 0 only if every check passed.
//! Everything runs under one 60 s timeout.

use std::time::Duration;

use cloudflare_spectrum::fake::FakeCloudflare;
use cloudflare_spectrum::mock::MockServerExt;
use cloudflare_spectrum::types::{Widget, WidgetKind};
use cloudflare_spectrum::{Client, Credentials, Error, OPERATIONS};
use httpmock::MockServer;
use serde_json::json;

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";

type Check = Result<(), String>;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let checks = async {
        vec![
            ("operations-table", operations_table()),
            ("enum-known", enum_known()),
            ("client-and-mock", client_and_mock().await),
            ("fake", fake().await),
        ]
    };
    let Ok(results) = tokio::time::timeout(Duration::from_secs(60), checks).await else {
        println!("FAIL timeout: the checks did not finish within 60 s");
        std::process::exit(1);
    };
    let mut ok = true;
    for (name, result) in results {
        match result {
            Ok(()) => println!("PASS {name}"),
            Err(detail) => {
                ok = false;
                println!("FAIL {name}: {}", detail.replace('\n', " "));
            }
        }
    }
    std::process::exit(if ok { 0 } else { 1 });
}

/// `OPERATIONS` lists the new operation.
fn operations_table() -> Check {
    let found = OPERATIONS.iter().find(|o| o.operation_id == "spectrum_widgets_list");
    match found {
        Some(op) if op.method == "GET" && op.path == "/zones/{zone_id}/spectrum/widgets" => Ok(()),
        other => Err(format!("OPERATIONS has {other:?}")),
    }
}

/// `WidgetKind::KNOWN` is the document's list; the enum is open.
fn enum_known() -> Check {
    let known: Vec<&str> = WidgetKind::KNOWN.iter().map(WidgetKind::as_str).collect();
    if known != ["gear", "sprocket", "flange"] {
        return Err(format!("WidgetKind::KNOWN is {known:?}"));
    }
    let later: WidgetKind = serde_json::from_value(json!("cog")).map_err(|e| format!("open enum: {e}"))?;
    if later.as_str() != "cog" {
        return Err(format!("an unlisted kind came back as {:?}", later.as_str()));
    }
    Ok(())
}

/// The client method returns the unwrapped, typed result, against the
/// operation's mock helper.
async fn client_and_mock() -> Check {
    let widgets: Vec<Widget> = serde_json::from_value(json!([
        {"id": "ea95132c15732412d22c1476fa83f27a", "name": "Main gear", "kind": "gear"},
        {"id": "f1b2c3d4e5f60718293a4b5c6d7e8f90", "kind": "flange", "added_later": true}
    ]))
    .map_err(|e| format!("test widgets: {e}"))?;
    let server = MockServer::start_async().await;
    let mock = server.spectrum_widgets_list(|when, then| {
        when.zone_id(ZONE);
        then.ok_result(&widgets);
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::api_token("drill-token"))
        .max_retries(0)
        .build()
        .map_err(|e| format!("client: {e}"))?;
    let result: Vec<Widget> = client
        .spectrum_widgets_list(ZONE)
        .await
        .map_err(|e| format!("spectrum_widgets_list against the mock: {e}"))?;
    if result != widgets {
        return Err(format!("got {result:?}, expected {widgets:?}"));
    }
    match mock.calls_async().await {
        1 => Ok(()),
        n => Err(format!("the mock matched {n} requests, not 1")),
    }
}

/// The fake answers an operation it has no handler for with a 404
/// Cloudflare error saying so.
async fn fake() -> Check {
    let fake = FakeCloudflare::start()
        .await
        .map_err(|e| format!("start the fake: {e}"))?;
    let client = fake.client().map_err(|e| format!("client: {e}"))?;
    let answer = client.spectrum_widgets_list(ZONE).await;
    fake.stop().await;
    match answer {
        Err(Error::Api(e))
            if e.meta.status.as_u16() == 404
                && e.errors
                    .iter()
                    .any(|i| i.message.contains("not implemented in the fake")) =>
        {
            Ok(())
        }
        Err(Error::Api(e)) => Err(format!(
            "the fake answered HTTP {} with {:?}, not a 404 saying \"not implemented in the fake\"; this needs the fake change (an operation of OPERATIONS without a handler answers 404 \"... not implemented in the fake\"): is it merged?",
            e.meta.status,
            e.errors.iter().map(|i| i.message.as_str()).collect::<Vec<_>>()
        )),
        other => Err(format!(
            "the fake answered {other:?}, not a 404 Cloudflare error saying \"not implemented in the fake\""
        )),
    }
}
