//! Tolerant reader: every response that means "it worked" is `Ok`, with the
//! exact value; what is really unusable stays a typed error whose message
//! names the field and the shape expected in plain words.

mod common;

use cloudflare_spectrum::mock::MockServerExt;
use cloudflare_spectrum::types::{OriginPort, SpectrumApp};
use cloudflare_spectrum::{Error, ListApps};
use common::*;
use httpmock::MockServer;
use serde_json::{Value, json};

/// Answers every request to `server` with `status` and `body` (none when
/// `None`); the mock counts the requests.
async fn answer(server: &MockServer, status: u16, body: Option<Value>) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            let then = then.status(status);
            if let Some(body) = body {
                then.header("content-type", "application/json").json_body(body);
            }
        })
        .await
}

#[tokio::test]
async fn null_or_absent_envelope_lists_and_a_missing_success_are_fine() {
    let app = full_app();
    for body in [
        json!({ "success": true, "errors": null, "messages": null, "result": app }),
        json!({ "success": true, "result": app }),
        json!({ "result": app }),
        json!({ "success": true, "errors": [], "messages": [{ "code": 10000, "message": "note" }], "result": app }),
    ] {
        let server = MockServer::start_async().await;
        let mock = answer(&server, 200, Some(body.clone())).await;
        let got = client(&server).spectrum_apps_get(ZONE, APP).await;
        assert_eq!(got.unwrap(), serde_json::from_value::<SpectrumApp>(app.clone()).unwrap(), "{body}");
        assert_eq!(mock.calls_async().await, 1);
    }
}

#[tokio::test]
async fn messages_of_a_success_are_kept() {
    let body = json!({ "success": true, "errors": null, "messages": [{ "code": 10000, "message": "note" }], "result": full_app() });
    let server = MockServer::start_async().await;
    let _mock = answer(&server, 200, Some(body)).await;
    let got = client(&server).with_metadata().spectrum_apps_get(ZONE, APP).await.unwrap();
    assert_eq!(got.messages.len(), 1);
    assert_eq!((got.messages[0].code, got.messages[0].message.as_str()), (10000, "note"));
    assert_eq!(got.meta.status, 200);
}

#[tokio::test]
async fn integers_written_as_floats_are_integers() {
    let mut app = full_app();
    app["origin_dns"]["ttl"] = json!(600.0);
    app["origin_port"] = json!(2.2e1);
    let info = json!({ "page": 1.0, "per_page": 2e1, "count": 1.0, "total_count": 1e0, "total_pages": 1.0 });
    let server = MockServer::start_async().await;
    let _mock = answer(&server, 200, Some(list_envelope(json!([app]), info))).await;
    let page = client(&server).spectrum_apps_list(ZONE, &ListApps::new().page(1).per_page(20)).await.unwrap();
    let info = page.result_info.unwrap();
    assert_eq!(
        (info.page, info.per_page, info.count, info.total_count, info.total_pages),
        (Some(1), Some(20), Some(1), Some(1), Some(1))
    );
    assert_eq!(page.items[0].origin_dns.as_ref().unwrap().ttl, Some(600));
    assert_eq!(page.items[0].origin_port, Some(OriginPort::try_from(22).unwrap()));
}

#[tokio::test]
async fn a_delete_without_a_result_is_the_id_passed() {
    let bodies = [
        (204, None),
        (200, None),
        (200, Some(json!({ "success": true, "errors": [], "messages": [], "result": null }))),
        (200, Some(json!({ "success": true }))),
        (202, Some(json!({ "success": true, "result": null }))),
    ];
    for (status, body) in bodies {
        let server = MockServer::start_async().await;
        let mock = answer(&server, status, body.clone()).await;
        let deleted = client(&server).spectrum_apps_delete(ZONE, APP).await;
        assert_eq!(deleted.unwrap().id.as_str(), APP, "{status} {body:?}");
        let magic = client(&server).magic_apps_delete(ACCOUNT, ACCOUNT_APP).await.unwrap();
        assert_eq!(magic.account_app_id, ACCOUNT_APP, "{status} {body:?}");
        assert_eq!((magic.name, magic.type_, magic.hostnames.len()), (None, None, 0));
        assert_eq!(mock.calls_async().await, 2);
    }
}

/// Found by `tests/robustness_props.rs`: a field the client does not read
/// is skipped as bytes, so text in it that is not UTF-8 does not turn a
/// successful delete into an error.
#[tokio::test]
async fn a_delete_whose_unread_field_is_not_utf8_is_still_the_id_passed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).header("content-type", "application/json").body(b"{\"code\":[\"\x80x\"]}".as_slice());
        })
        .await;
    let deleted = client(&server).spectrum_apps_delete(ZONE, APP).await;
    assert_eq!(deleted.unwrap().id.as_str(), APP);
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_delete_with_its_result_answers_it() {
    let server = MockServer::start_async().await;
    server.spectrum_apps_delete(|when, then| {
        when.zone_id(ZONE).app_id(APP);
        then.ok_result(&serde_json::from_value(json!({ "id": APP, "note": "kept" })).unwrap());
    });
    let deleted = client(&server).spectrum_apps_delete(ZONE, APP).await.unwrap();
    assert_eq!((deleted.id.as_str(), &deleted.extra["note"]), (APP, &json!("kept")));
    server.spectrum_apps_delete(|when, then| {
        when.zone_id(ZONE).app_id("0123");
        then.no_content();
    });
    assert_eq!(client(&server).spectrum_apps_delete(ZONE, "0123").await.unwrap().id.as_str(), "0123");
}

#[tokio::test]
async fn a_required_result_that_is_missing_stays_a_decode_error() {
    for (status, body) in [(200, Some(json!({ "success": true, "result": null }))), (200, None), (204, None)] {
        let server = MockServer::start_async().await;
        let _mock = answer(&server, status, body).await;
        match client(&server).spectrum_apps_get(ZONE, APP).await {
            Err(Error::Decode(e)) => {
                assert_eq!(e.meta.status, status);
                assert!(e.message.ends_with("expected a result (SpectrumApp)"), "{}", e.message);
            }
            other => panic!("{status}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn creates_answered_with_201_are_ok() {
    let server = MockServer::start_async().await;
    let _mock = answer(&server, 201, Some(envelope(full_app()))).await;
    let config = serde_json::from_value(json!({ "dns": { "name": "ssh.example.com" }, "protocol": "tcp/22" })).unwrap();
    assert_eq!(client(&server).spectrum_apps_create(ZONE, &config).await.unwrap().id.as_str(), APP);
}

#[tokio::test]
async fn a_decode_error_names_the_field_and_the_shape_in_plain_words() {
    let mut app = full_app();
    app["origin_port"] = json!(70000);
    let server = MockServer::start_async().await;
    let _mock = answer(&server, 200, Some(envelope(app))).await;
    match client(&server).spectrum_apps_get(ZONE, APP).await {
        Err(Error::Decode(e)) => assert_eq!(
            e.message,
            "result.origin_port: expected a single origin port (an integer from 1 to 65535) or a range of origin ports, such as \"1000-2000\" (a string), not 70000"
        ),
        other => panic!("expected a decode error, got {other:?}"),
    }
    let mut app = full_app();
    app["origin_dns"]["ttl"] = json!("600");
    let server = MockServer::start_async().await;
    let _mock = answer(&server, 200, Some(envelope(app))).await;
    match client(&server).spectrum_apps_get(ZONE, APP).await {
        Err(Error::Decode(e)) => assert!(
            e.message
                .starts_with("result.origin_dns.ttl: invalid type: string \"600\", expected u32 at line 1 column "),
            "{}",
            e.message
        ),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// Answers every request to `server` with `status` and exactly this text.
async fn answer_text<'a>(server: &'a MockServer, status: u16, text: &str) -> httpmock::Mock<'a> {
    let text = text.to_owned();
    server
        .mock_async(move |when, then| {
            when.any_request();
            then.status(status).header("content-type", "application/json").body(text);
        })
        .await
}

/// The app of the fuzz findings, with `origin_port` as given.
fn app_text(origin_port: &str) -> String {
    format!(
        r#"{{"success":true,"result":{{"id":"{APP}","created_on":"2014-01-01T05:20:00Z","modified_on":"2014-01-02T05:20:00Z","dns":{{"name":"ssh.example.com"}},"protocol":"tcp/22","origin_port":{origin_port}}}}}"#
    )
}

#[tokio::test]
async fn an_integral_float_inside_a_one_of_is_the_integer() {
    // The only float is inside the OriginPort union, whose complaint is not
    // serde's "invalid type: floating point" (fuzz finding float-in-one-of).
    for port in ["22.0", "2.2e1", "220e-1"] {
        let server = MockServer::start_async().await;
        let mock = answer_text(&server, 200, &app_text(port)).await;
        let app = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap();
        assert_eq!(app.origin_port, Some(OriginPort::try_from(22).unwrap()), "{port}");
        assert_eq!(mock.calls_async().await, 1);
    }
    // A float that is not a whole number stays refused, in plain words.
    let server = MockServer::start_async().await;
    let _mock = answer_text(&server, 200, &app_text("22.5")).await;
    match client(&server).spectrum_apps_get(ZONE, APP).await {
        Err(Error::Decode(e)) => assert_eq!(
            e.message,
            "result.origin_port: expected a single origin port (an integer from 1 to 65535) or a range of origin ports, such as \"1000-2000\" (a string), not 22.5"
        ),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_one_of_mismatch_read_from_the_wire_is_in_plain_words() {
    // Decoded from the bytes, serde_json adds the position to the message
    // (fuzz finding one-of-message).
    let server = MockServer::start_async().await;
    let _mock = answer_text(&server, 200, &app_text("true")).await;
    match client(&server).spectrum_apps_get(ZONE, APP).await {
        Err(Error::Decode(e)) => assert_eq!(
            e.message,
            "result.origin_port: expected a single origin port (an integer from 1 to 65535) or a range of origin ports, such as \"1000-2000\" (a string), not true"
        ),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_repeated_key_stays_refused_whatever_the_numbers() {
    // The float fallback once read the body into a tree, which keeps the
    // last of two `result`s (fuzz finding duplicate-keys).
    for code in ["1", "1.0"] {
        let body =
            format!(r#"{{"messages":[{{"code":{code},"message":"x"}}],"result":{{"id":"a"}},"result":{{"id":"b"}}}}"#);
        let server = MockServer::start_async().await;
        let mock = answer_text(&server, 200, &body).await;
        match client(&server).spectrum_apps_delete(ZONE, APP).await {
            Err(Error::Decode(e)) => assert!(e.message.contains("duplicate field `result`"), "{code}: {}", e.message),
            other => panic!("{code}: expected a decode error, got {other:?}"),
        }
        assert_eq!(mock.calls_async().await, 1);
    }
}

#[tokio::test]
async fn float_error_codes_survive_text_the_client_does_not_read() {
    // A lone surrogate (or a number out of range) in an ignored field made
    // the fallback's tree parse fail (fuzz finding float-needs-value).
    for note in [r#""\ud800""#, "1e400"] {
        let body = format!(r#"{{"note":{note},"errors":[{{"code":1000.0,"message":"x"}}]}}"#);
        let server = MockServer::start_async().await;
        let _mock = answer_text(&server, 404, &body).await;
        let err = client(&server).spectrum_apps_get(ZONE, APP).await.unwrap_err();
        assert!(matches!(err, Error::Api(_)), "{note}: {err:?}");
        assert_eq!(err.codes(), [1000], "{note}");
        assert_eq!(err.errors()[0].message, "x");
    }
}
