//! Bad credentials are refused before anything is sent, by name, never by
//! value; the account email is not shown either.

mod support;

use std::collections::HashMap;

use cloudflare_spectrum::{Client, Credentials, Error};

/// Values that must never reach a header.
const BAD: [(&str, &str); 8] = [
    ("", "is empty"),
    ("   ", "is only white space"),
    ("\t\n", "is only white space"),
    ("tok en", "contains a character outside visible ASCII"),
    ("tøken-0123", "contains a character outside visible ASCII"),
    ("token\r\nX-Evil: 1", "contains a character outside visible ASCII"),
    ("tok\u{0}en", "contains a character outside visible ASCII"),
    (" padded ", "contains a character outside visible ASCII"),
];

fn refused(result: cloudflare_spectrum::Result<Client>, field: &str, value: &str, problem: &str) {
    let err = result.expect_err("refused");
    assert!(err.is_invalid_input(), "{err:?}");
    assert_eq!(err.attempts(), 0);
    match &err {
        Error::InvalidInput { field: f, message } => {
            assert_eq!(*f, field);
            assert!(message.contains(problem), "{message}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    // The value (when it is not blank) appears nowhere.
    if !value.trim().is_empty() {
        for shown in [format!("{err}"), format!("{err:?}")] {
            assert!(!shown.contains(value.trim()), "{shown}");
        }
    }
}

#[tokio::test]
async fn the_builder_refuses_each_bad_credential_by_name_with_nothing_sent() {
    // A server that would record anything sent.
    let server = support::Faulty::always(support::ok(serde_json::json!([]))).await;
    for (value, problem) in BAD {
        let build = |credentials| Client::builder().base_url(&server.url).credentials(credentials).build();
        refused(build(Credentials::api_token(value)), "the API token", value, problem);
        refused(build(Credentials::user_service_key(value)), "the user service key", value, problem);
        refused(
            build(Credentials::global_key(value, "144c9defac04969c7bfad8efaa8ea194")),
            "the account email",
            value,
            problem,
        );
        refused(build(Credentials::global_key("user@example.com", value)), "the Global API key", value, problem);
    }
    assert!(server.requests().is_empty());
}

#[test]
fn from_env_refuses_each_bad_variable_by_name() {
    let lookup = |vars: Vec<(&'static str, &'static str)>| {
        let map: HashMap<&str, &str> = vars.into_iter().collect();
        move |name: &str| map.get(name).map(|v| v.to_string())
    };
    for (value, problem) in BAD {
        for (var, others) in [
            ("CLOUDFLARE_API_TOKEN", vec![]),
            ("CLOUDFLARE_API_USER_SERVICE_KEY", vec![]),
            ("CLOUDFLARE_EMAIL", vec![("CLOUDFLARE_API_KEY", "144c9defac04969c7bfad8efaa8ea194")]),
            ("CLOUDFLARE_API_KEY", vec![("CLOUDFLARE_EMAIL", "user@example.com")]),
        ] {
            let mut vars = others.clone();
            vars.push((var, value));
            let result = Client::builder().from_lookup(lookup(vars)).and_then(|b| b.build());
            refused(result, var, value, problem);
        }
    }
}

#[test]
fn visible_ascii_at_both_ends_of_the_range_is_accepted() {
    for token in ["!", "~", "Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY", "a-b_c.d~e!f"] {
        Client::builder().base_url("http://127.0.0.1:9").credentials(Credentials::api_token(token)).build().unwrap();
    }
}

#[test]
fn debug_shows_no_secret_and_no_email() {
    let credentials = Credentials::global_key("user@example.com", "144c9defac04969c7bfad8efaa8ea194");
    let shown = format!("{credentials:?}");
    assert_eq!(shown, r#"GlobalKey { email: "[REDACTED]", key: "[REDACTED]" }"#);
    let builder = Client::builder().credentials(credentials);
    let shown = format!("{builder:?}");
    assert!(!shown.contains("user@example.com") && !shown.contains("144c9"), "{shown}");
}

#[test]
fn a_base_url_without_credentials_is_named_in_the_error() {
    let lookup = |name: &str| (name == "CLOUDFLARE_BASE_URL").then(|| "http://127.0.0.1:8787/client/v4".to_owned());
    let err = Client::builder().from_lookup(lookup).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("no credentials") && message.contains("CLOUDFLARE_BASE_URL is set"), "{message}");
}
