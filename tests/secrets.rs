//! No secret in Debug, Display, errors or tracing output, for every kind of
//! credential; tracing reports cf-ray and the attempts.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use cloudflare_spectrum::{Client, Credentials};
use support::{APP, Faulty, ZONE, app, fail, ok};

const TOKEN: &str = "tok-Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQ";
const KEY: &str = "key-144c9defac04969c7bfad8efaa8ea194";
const SERVICE: &str = "v1.0-svc-0123456789abcdef";

/// A `tracing` writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn credentials() -> Vec<Credentials> {
    vec![
        Credentials::api_token(TOKEN),
        Credentials::global_key("ops@example.com", KEY),
        Credentials::user_service_key(SERVICE),
    ]
}

fn assert_clean(text: &str, what: &str) {
    for secret in [TOKEN, KEY, SERVICE, "Sn3lZJTBX6kkg7", "144c9defac04"] {
        assert!(!text.contains(secret), "{what} leaks a secret: {text}");
    }
}

#[tokio::test]
async fn secrets_never_appear_in_debug_errors_or_traces() {
    for credentials in credentials() {
        let capture = Capture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        assert_clean(&format!("{credentials:?}"), "Credentials Debug");
        let builder = Client::builder().credentials(credentials.clone());
        assert_clean(&format!("{builder:?}"), "ClientBuilder Debug");

        let server = Faulty::script(vec![
            fail(503, &[("cf-ray", "8f0aa1b2c3d4e5f6-SJC")], 10001),
            ok(app(APP)),
            fail(403, &[("cf-ray", "8f0aa1b2c3d4e5f7-SJC")], 9109),
        ])
        .await;
        let client = Client::builder()
            .base_url(&server.url)
            .credentials(credentials)
            .retry_policy(support::fast_retries(1))
            .build()
            .unwrap();
        assert_clean(&format!("{client:?}"), "Client Debug");

        client.spectrum_apps_get(ZONE, APP).await.unwrap();
        let err = client.spectrum_apps_get(ZONE, APP).await.unwrap_err();
        assert_clean(&format!("{err:?}"), "Error Debug");
        assert_clean(&err.to_string(), "Error Display");
        assert_eq!(err.cf_ray(), Some("8f0aa1b2c3d4e5f7-SJC"));

        // The secret did go over the wire, in the request headers only.
        assert!(server.requests().iter().all(|r| r.contains(TOKEN) || r.contains(KEY) || r.contains(SERVICE)));

        let trace = capture.text();
        assert_clean(&trace, "tracing output");
        assert!(trace.contains("8f0aa1b2c3d4e5f6-SJC"), "cf-ray missing from traces: {trace}");
        assert!(trace.contains("spectrum_apps_get") && trace.contains("attempt=2"), "{trace}");
        assert!(trace.contains("status=503") && trace.contains("status=403"), "{trace}");
    }
}
