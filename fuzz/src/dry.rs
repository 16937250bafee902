//! A real [`Client`] whose requests go nowhere: its base URL is a loopback
//! port held by a socket that is bound but not listening, so every request
//! is refused at once (no retries) and the `Error::Transport` it ends with
//! carries the URL the client built. Nothing is ever sent.

use std::sync::OnceLock;

use cloudflare_spectrum::{Client, Credentials, Error};

/// The client, its runtime and the port it points at.
pub struct Dry {
    pub runtime: tokio::runtime::Runtime,
    pub client: Client,
    /// The base URL, which has a path of its own.
    pub base: String,
    _port: tokio::net::TcpSocket,
}

/// The base URL's path segments, before the operation's.
pub const BASE_SEGMENTS: [&str; 2] = ["client", "v4"];

pub fn dry() -> &'static Dry {
    static DRY: OnceLock<Dry> = OnceLock::new();
    DRY.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let port = {
            let _entered = runtime.enter();
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            socket
        };
        let address = port.local_addr().unwrap();
        let base = format!("http://{address}/{}", BASE_SEGMENTS.join("/"));
        let client = Client::builder()
            .base_url(&base)
            .credentials(Credentials::api_token("fuzz"))
            .max_retries(0)
            .build()
            .unwrap();
        Dry { runtime, client, base, _port: port }
    })
}

/// The URL the client built for a call that was refused at the socket, or
/// the error it gave before sending anything (`InvalidInput`).
pub fn sent_url<T: std::fmt::Debug>(result: Result<T, Error>) -> Result<reqwest::Url, Error> {
    match result {
        Err(Error::Transport { attempts, source }) => {
            assert_eq!(attempts, 1, "retried although retries are off");
            assert!(source.is_connect(), "not refused at connect: {source}");
            Ok(source.url().expect("a transport error names its URL").clone())
        }
        Err(e @ Error::InvalidInput { .. }) => {
            assert_eq!(e.attempts(), 0);
            assert!(e.is_invalid_input());
            Err(e)
        }
        other => panic!("a request to a closed port answered {other:?}"),
    }
}

/// The field an `InvalidInput` names.
pub fn invalid_field(error: &Error) -> &'static str {
    match error {
        Error::InvalidInput { field, .. } => field,
        other => panic!("not an InvalidInput: {other:?}"),
    }
}
