//! Client configuration: environment lookup, conflicts, defaults, headers,
//! redirects.

mod support;

use std::collections::HashMap;

use cloudflare_spectrum::{Client, ClientBuilder, Credentials, Error};
use httpmock::prelude::*;
use support::{APP, ZONE, app};

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |name| map.get(name).cloned()
}

fn config_error(result: cloudflare_spectrum::Result<ClientBuilder>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn nothing_set_names_the_variables() {
    let message = config_error(Client::builder().from_lookup(lookup(&[])));
    for var in ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY", "CLOUDFLARE_API_USER_SERVICE_KEY"] {
        assert!(message.contains(var), "{message}");
    }
    // A variable that is set counts: blank is refused, naming it.
    let blank = Client::builder().from_lookup(lookup(&[("CLOUDFLARE_API_TOKEN", "  ")]));
    assert!(
        matches!(&blank, Err(e @ Error::InvalidInput { field: "CLOUDFLARE_API_TOKEN", .. }) if e.is_invalid_input()),
        "{blank:?}"
    );
}

#[test]
fn conflicting_credentials_are_an_error() {
    let message = config_error(Client::builder().from_lookup(lookup(&[
        ("CLOUDFLARE_API_TOKEN", "t"),
        ("CLOUDFLARE_EMAIL", "a@example.com"),
        ("CLOUDFLARE_API_KEY", "k"),
    ])));
    assert!(message.contains("conflicting"), "{message}");
    let message = config_error(
        Client::builder()
            .from_lookup(lookup(&[("CLOUDFLARE_API_TOKEN", "t"), ("CLOUDFLARE_API_USER_SERVICE_KEY", "s")])),
    );
    assert!(message.contains("CLOUDFLARE_API_USER_SERVICE_KEY"), "{message}");
}

#[test]
fn half_a_global_key_is_an_error() {
    let message = config_error(Client::builder().from_lookup(lookup(&[("CLOUDFLARE_EMAIL", "a@example.com")])));
    assert!(message.contains("CLOUDFLARE_API_KEY"), "{message}");
    let message = config_error(Client::builder().from_lookup(lookup(&[("CLOUDFLARE_API_KEY", "k")])));
    assert!(message.contains("CLOUDFLARE_EMAIL"), "{message}");
}

#[test]
fn missing_credentials_in_the_builder_is_an_error() {
    let err = Client::builder().build().unwrap_err();
    assert!(matches!(err, Error::Config(ref m) if m.contains("CLOUDFLARE_API_TOKEN")), "{err:?}");
}

#[test]
fn bad_base_urls_and_headers_are_rejected() {
    let token = || Client::builder().credentials(Credentials::api_token("t"));
    assert!(matches!(token().base_url("ftp://x").build(), Err(Error::Config(_))));
    assert!(matches!(token().base_url("not a url").build(), Err(Error::Config(_))));
    assert!(matches!(token().base_url("http://h/?q=1").build(), Err(Error::Config(_))));
    assert!(matches!(token().header("bad name", "v").build(), Err(Error::Config(_))));
    let err = Client::builder().credentials(Credentials::api_token("line\nbreak-secret")).build().unwrap_err();
    assert!(!err.to_string().contains("break-secret"), "{err}");
}

#[test]
fn defaults() {
    let client = Client::builder().credentials(Credentials::api_token("t")).build().unwrap();
    assert_eq!(client.base_url(), "https://api.cloudflare.com/client/v4");
    let debug = format!("{client:?}");
    assert!(debug.contains("timeout: 60s") && debug.contains("max_retries: 2"), "{debug}");
}

async fn serve_app(server: &MockServer, when: impl FnOnce(httpmock::When) -> httpmock::When) -> httpmock::Mock<'_> {
    let body = serde_json::json!({"success": true, "errors": [], "messages": [], "result": app(APP)});
    server
        .mock_async(|w, then| {
            when(w.method(GET).path(format!("/zones/{ZONE}/spectrum/apps/{APP}")));
            then.status(200).json_body(body);
        })
        .await
}

#[tokio::test]
async fn env_base_url_and_each_credential_kind_reach_the_server() {
    let server = MockServer::start_async().await;
    type Pairs<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(Pairs, Pairs)> = vec![
        (vec![("CLOUDFLARE_API_TOKEN", "tok")], vec![("authorization", "Bearer tok")]),
        (
            vec![("CLOUDFLARE_EMAIL", "a@example.com"), ("CLOUDFLARE_API_KEY", "key")],
            vec![("x-auth-email", "a@example.com"), ("x-auth-key", "key")],
        ),
        (vec![("CLOUDFLARE_API_USER_SERVICE_KEY", "svc")], vec![("x-auth-user-service-key", "svc")]),
    ];
    for (mut vars, headers) in cases {
        let base = server.base_url();
        vars.push(("CLOUDFLARE_BASE_URL", &base));
        let mock = serve_app(&server, |mut w| {
            for (name, value) in &headers {
                w = w.header(*name, *value);
            }
            w
        })
        .await;
        let client = Client::builder().from_lookup(lookup(&vars)).unwrap().build().unwrap();
        client.spectrum_apps_get(ZONE, APP).await.unwrap();
        assert_eq!(mock.calls_async().await, 1, "{headers:?}");
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn user_agent_and_extra_headers_are_sent() {
    let server = MockServer::start_async().await;
    let mock = serve_app(&server, |w| {
        w.header("user-agent", "deploy-bot/1.0").header("x-team", "edge").header_missing("api-version")
    })
    .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::api_token("t"))
        .user_agent("deploy-bot/1.0")
        .header("x-team", "edge")
        .build()
        .unwrap();
    client.spectrum_apps_get(ZONE, APP).await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = MockServer::start_async().await;
    let target = serve_app(&elsewhere, |w| w).await;
    let server = MockServer::start_async().await;
    let location = format!("{}/zones/{ZONE}/spectrum/apps/{APP}", elsewhere.base_url());
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(302).header("location", location);
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::global_key("a@b.c", "k"))
        .build()
        .unwrap();
    let err = client.spectrum_apps_get(ZONE, APP).await.unwrap_err();
    assert!(matches!(err, Error::Http(ref e) if e.meta.status == 302), "{err:?}");
    assert_eq!(target.calls_async().await, 0);
}
