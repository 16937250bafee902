//! The crate issues the fuzz targets found (fuzz/README.md, "Findings"),
//! each as the smallest response that shows it, answered by a loopback
//! server to the real client. Prints what the client answered and what the
//! crate's rules say it should; exits 1 while any issue is still there.
//!
//! ```sh
//! cargo run --manifest-path fuzz/Cargo.toml --example known_issues
//! ```

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use cloudflare_spectrum::{Client, Credentials, Error};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const APP: &str = "ea95132c15732412d22c1476fa83f27a";

/// An app whose only integral float is its origin port.
const FLOAT_PORT: &str = r#"{"success":true,"result":{"id":"ea95132c15732412d22c1476fa83f27a","created_on":"2014-01-01T05:20:00Z","modified_on":"2014-01-02T05:20:00Z","dns":{"name":"ssh.example.com"},"protocol":"tcp/22","origin_port":22.0}}"#;
/// An app whose origin port is neither shape of the `oneOf`.
const BOOL_PORT: &str = r#"{"success":true,"result":{"id":"ea95132c15732412d22c1476fa83f27a","created_on":"2014-01-01T05:20:00Z","modified_on":"2014-01-02T05:20:00Z","dns":{"name":"ssh.example.com"},"protocol":"tcp/22","origin_port":true}}"#;
/// A delete answer that repeats `result`, with an integral float elsewhere.
const DUPLICATE: &str = r#"{"messages":[{"code":1.0,"message":"x"}],"result":{"id":"a"},"result":{"id":"b"}}"#;
/// An error envelope with an integral float code and a lone surrogate in a
/// field the client does not read.
const SURROGATE: &str = r#"{"note":"\ud800","errors":[{"code":1000.0,"message":"x"}]}"#;

fn serve(reply: Arc<Mutex<Vec<u8>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { continue };
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let reply = reply.lock().unwrap().clone();
            let _ = socket.write_all(&reply);
        }
    });
    url
}

fn response(status: u16, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn describe<T: std::fmt::Debug>(result: &Result<T, Error>) -> String {
    match result {
        Ok(value) => format!("Ok({value:?})"),
        Err(Error::Api(e)) => format!("Api(codes {:?})", e.errors.iter().map(|e| e.code).collect::<Vec<_>>()),
        Err(Error::Http(e)) => format!("Http({})", e.meta.status),
        Err(Error::Decode(e)) => format!("Decode({:?})", e.message),
        Err(other) => format!("{other:?}"),
    }
}

fn main() {
    let reply = Arc::new(Mutex::new(Vec::new()));
    let url = serve(reply.clone());
    let client = Client::builder()
        .base_url(url)
        .credentials(Credentials::api_token("example"))
        .max_retries(0)
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut open = 0;
    let mut report = |name: &str, fixed: bool, got: String, rule: &str| {
        println!(
            "{} {name}\n    got:      {got}\n    expected: {rule}",
            if fixed { "FIXED" } else { "OPEN " }
        );
        open += usize::from(!fixed);
    };

    *reply.lock().unwrap() = response(200, FLOAT_PORT);
    let got = runtime.block_on(client.spectrum_apps_get(ZONE, APP));
    let fixed = got
        .as_ref()
        .is_ok_and(|app| app.origin_port.as_ref().is_some_and(|p| p.to_string() == "22"));
    report(
        "float-in-one-of",
        fixed,
        describe(&got),
        "Ok, origin_port 22 (integers written as floats are accepted)",
    );

    *reply.lock().unwrap() = response(200, BOOL_PORT);
    let got = runtime.block_on(client.spectrum_apps_get(ZONE, APP));
    let fixed = matches!(&got, Err(Error::Decode(e)) if !e.message.contains("untagged enum"));
    report(
        "one-of-message",
        fixed,
        describe(&got),
        "Decode naming the shapes origin_port accepts, not serde's \"untagged enum\"",
    );

    *reply.lock().unwrap() = response(200, DUPLICATE);
    let got = runtime.block_on(client.spectrum_apps_delete(ZONE, APP));
    let fixed = matches!(&got, Err(Error::Decode(_)));
    report(
        "duplicate-keys",
        fixed,
        describe(&got),
        "Decode (\"duplicate field `result`\"), as without the float",
    );

    *reply.lock().unwrap() = response(404, SURROGATE);
    let got = runtime.block_on(client.spectrum_apps_get(ZONE, APP));
    let fixed = matches!(&got, Err(Error::Api(e)) if e.errors.first().is_some_and(|e| e.code == 1000));
    report(
        "float-needs-value",
        fixed,
        describe(&got),
        "Api with code 1000 (an error status with non-empty errors)",
    );

    println!("{open} open");
    std::process::exit(i32::from(open > 0));
}
