//! Credentials, their checks, and the headers that carry them.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::{Error, Result};

/// How requests are authenticated.
///
/// Secrets are held in [`SecretString`]: `Debug` prints a redaction (the
/// account email too), and the header values made from them are marked
/// sensitive. [`ClientBuilder::build`](crate::ClientBuilder::build) refuses
/// an empty or blank value, or one with characters outside visible ASCII,
/// with [`Error::InvalidInput`] naming the credential, never showing it.
///
/// ```
/// use cloudflare_spectrum::Credentials;
/// let token = Credentials::api_token("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY");
/// assert!(!format!("{token:?}").contains("Sn3l"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// An API token, sent as `Authorization: Bearer …` (preferred).
    ApiToken(SecretString),
    /// The account email and Global API key (`X-Auth-Email`, `X-Auth-Key`).
    GlobalKey {
        /// The account's email address.
        email: String,
        /// The Global API key.
        key: SecretString,
    },
    /// A user service key (`X-Auth-User-Service-Key`).
    UserServiceKey(SecretString),
}

impl Credentials {
    /// An API token.
    pub fn api_token(token: impl Into<String>) -> Self {
        Self::ApiToken(SecretString::from(token.into()))
    }

    /// An account email with its Global API key.
    pub fn global_key(email: impl Into<String>, key: impl Into<String>) -> Self {
        Self::GlobalKey { email: email.into(), key: SecretString::from(key.into()) }
    }

    /// A user service key.
    pub fn user_service_key(key: impl Into<String>) -> Self {
        Self::UserServiceKey(SecretString::from(key.into()))
    }

    /// The request headers for these credentials, secret values marked
    /// sensitive, once each value has passed [`check`].
    pub(crate) fn headers(&self) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        match self {
            Self::ApiToken(token) => {
                let token = token.expose_secret();
                check("the API token", token)?;
                headers.insert(AUTHORIZATION, secret(&format!("Bearer {token}")));
            }
            Self::GlobalKey { email, key } => {
                check("the account email", email)?;
                check("the Global API key", key.expose_secret())?;
                headers.insert(HeaderName::from_static("x-auth-email"), secret(email));
                headers.insert(HeaderName::from_static("x-auth-key"), secret(key.expose_secret()));
            }
            Self::UserServiceKey(key) => {
                check("the user service key", key.expose_secret())?;
                headers.insert(HeaderName::from_static("x-auth-user-service-key"), secret(key.expose_secret()));
            }
        }
        Ok(headers)
    }
}

/// Refuses an empty or blank credential, or one with a character outside
/// visible ASCII (`!` to `~`), naming it without showing it.
pub(crate) fn check(name: &'static str, value: &str) -> Result<()> {
    let problem = if value.is_empty() {
        "is empty"
    } else if value.trim().is_empty() {
        "is only white space"
    } else if !value.bytes().all(|b| b.is_ascii_graphic()) {
        "contains a character outside visible ASCII (white space, a control character or non-ASCII)"
    } else {
        return Ok(());
    };
    Err(Error::InvalidInput { field: name, message: format!("the value {problem}; it is not shown here") })
}

/// A sensitive header value from text [`check`] accepted.
fn secret(value: &str) -> HeaderValue {
    let mut header = HeaderValue::from_bytes(value.as_bytes()).unwrap_or_else(|_| HeaderValue::from_static(""));
    header.set_sensitive(true);
    header
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiToken(_) => f.write_str("ApiToken([REDACTED])"),
            Self::GlobalKey { .. } => {
                f.debug_struct("GlobalKey").field("email", &"[REDACTED]").field("key", &"[REDACTED]").finish()
            }
            Self::UserServiceKey(_) => f.write_str("UserServiceKey([REDACTED])"),
        }
    }
}
