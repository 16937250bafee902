//! Credentials and the headers that carry them.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::Error;

/// How requests are authenticated.
///
/// Secrets are held in [`SecretString`]: `Debug` prints a redaction, and the
/// header values made from them are marked sensitive.
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
        Self::GlobalKey {
            email: email.into(),
            key: SecretString::from(key.into()),
        }
    }

    /// A user service key.
    pub fn user_service_key(key: impl Into<String>) -> Self {
        Self::UserServiceKey(SecretString::from(key.into()))
    }

    /// The request headers for these credentials, secret values marked
    /// sensitive. Fails, without echoing the value, if one cannot be a header.
    pub(crate) fn headers(&self) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        match self {
            Self::ApiToken(token) => {
                let value = format!("Bearer {}", token.expose_secret());
                headers.insert(AUTHORIZATION, secret_value("API token", &value)?);
            }
            Self::GlobalKey { email, key } => {
                let email = HeaderValue::from_str(email)
                    .map_err(|_| Error::Config("the email is not a valid header value".into()))?;
                headers.insert(HeaderName::from_static("x-auth-email"), email);
                headers.insert(
                    HeaderName::from_static("x-auth-key"),
                    secret_value("API key", key.expose_secret())?,
                );
            }
            Self::UserServiceKey(key) => {
                headers.insert(
                    HeaderName::from_static("x-auth-user-service-key"),
                    secret_value("user service key", key.expose_secret())?,
                );
            }
        }
        Ok(headers)
    }
}

fn secret_value(what: &str, value: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("the {what} contains characters not allowed in a header")))?;
    header.set_sensitive(true);
    Ok(header)
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiToken(_) => f.write_str("ApiToken([REDACTED])"),
            Self::GlobalKey { email, .. } => f
                .debug_struct("GlobalKey")
                .field("email", email)
                .field("key", &"[REDACTED]")
                .finish(),
            Self::UserServiceKey(_) => f.write_str("UserServiceKey([REDACTED])"),
        }
    }
}
