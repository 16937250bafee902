//! `cloudflare-spectrum-fake`: the crate's fake Cloudflare API as a local
//! server, for trying the client or other tools without an account.
//!
//! ```text
//! cargo run --features fake --bin cloudflare-spectrum-fake -- --port 8787
//! ```
//!
//! Listens on 127.0.0.1 only, prints its base URL and the accepted token,
//! and stops on Ctrl-C or SIGTERM.

use std::process::ExitCode;

use cloudflare_spectrum::fake::{FakeCloudflare, TOKEN, ZONE_ID};

/// The help text.
const USAGE: &str = "\
Usage: cloudflare-spectrum-fake [--port PORT]

Serves a fake of the Cloudflare Spectrum and Magic apps API on 127.0.0.1,
keeping everything in memory, until Ctrl-C or SIGTERM.

Options:
  -p, --port PORT   port to listen on (default 8787; 0 picks a free one)
  -h, --help        print this help";

/// The port to listen on, from the command line.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<u16>, String> {
    let mut port = 8787;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "-p" | "--port" => args.next().ok_or_else(|| format!("{arg} needs a value"))?,
            other => match other.strip_prefix("--port=") {
                Some(value) => value.to_owned(),
                None => return Err(format!("unexpected argument {other:?}")),
            },
        };
        port = value.parse().map_err(|_| format!("invalid port {value:?}: expected 0 to 65535"))?;
    }
    Ok(Some(port))
}

/// Parses the arguments, serves until a signal, then stops.
#[tokio::main]
async fn main() -> ExitCode {
    let port = match parse_args(std::env::args().skip(1)) {
        Ok(Some(port)) => port,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let fake = match FakeCloudflare::builder().port(port).start().await {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("cloudflare-spectrum-fake listening on {}", fake.base_url());
    println!("accepted token: {TOKEN} (send it as Authorization: Bearer {TOKEN})");
    println!("example zone id: {ZONE_ID} (any 32 hexadecimal digits work)");
    println!("try: CLOUDFLARE_BASE_URL={} CLOUDFLARE_API_TOKEN={TOKEN} <your program>", fake.base_url());
    println!("press Ctrl-C to stop");
    match shutdown_signal().await {
        Ok(name) => println!("{name} received, stopping"),
        Err(e) => eprintln!("cannot wait for signals ({e}), stopping"),
    }
    fake.stop().await;
    ExitCode::SUCCESS
}

/// Waits for Ctrl-C or (on Unix) SIGTERM and says which came.
async fn shutdown_signal() -> std::io::Result<&'static str> {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.map(|()| "Ctrl-C"),
            _ = terminate.recv() => Ok("SIGTERM"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map(|()| "Ctrl-C")
    }
}

#[cfg(test)]
mod tests {
    use super::parse_args;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ports() {
        assert_eq!(parse_args(args(&[])), Ok(Some(8787)));
        assert_eq!(parse_args(args(&["--port", "0"])), Ok(Some(0)));
        assert_eq!(parse_args(args(&["-p", "9000"])), Ok(Some(9000)));
        assert_eq!(parse_args(args(&["--port=1234"])), Ok(Some(1234)));
        assert_eq!(parse_args(args(&["--help"])), Ok(None));
        assert!(parse_args(args(&["--port"])).is_err());
        assert!(parse_args(args(&["--port", "70000"])).is_err());
        assert!(parse_args(args(&["--host", "0.0.0.0"])).is_err());
    }
}
