//! The Cloudflare envelope (`success`, `errors`, `messages`, `result`,
//! `result_info`) turned into a plain `Result`.
//!
//! * `success: false` is an error whatever the HTTP status.
//! * An error status keeps its status and every Cloudflare code and message.
//! * A body that is not the documented JSON is an [`Error::Http`] (error
//!   status) or [`Error::Decode`] (success status) with a bounded excerpt;
//!   `result: null` where a value is required is a decode error.

use progenitor_client::{ClientInfo, ResponseValue};

use crate::error::{ApiError, DecodeError, HttpError, excerpt};
use crate::metadata::{self, ResponseMeta};
use crate::types::{self, ResponseInfo, ResultInfo};
use crate::{Error, Result, generated};

/// An envelope's parts once it is known to be a success.
pub(crate) struct Parts<T> {
    pub(crate) result: T,
    pub(crate) result_info: Option<ResultInfo>,
}

/// The generated envelope types.
pub(crate) trait Envelope: serde::de::DeserializeOwned {
    type Result;
    fn success(&self) -> bool;
    fn into_parts(self) -> (Vec<ResponseInfo>, Vec<ResponseInfo>, Parts<Self::Result>);
}

macro_rules! envelope {
    ($($envelope:ident => $result:ty, $info:ident;)+) => {$(
        impl Envelope for types::$envelope {
            type Result = $result;
            fn success(&self) -> bool {
                self.success
            }
            fn into_parts(self) -> (Vec<ResponseInfo>, Vec<ResponseInfo>, Parts<$result>) {
                (self.errors, self.messages, Parts { result: self.result, result_info: envelope!(@info self $info) })
            }
        }
    )+};
    (@info $self:ident with_info) => { $self.result_info };
    (@info $self:ident no_info) => { None };
}

envelope! {
    SpectrumAppResponse => types::SpectrumApp, no_info;
    SpectrumAppListResponse => Vec<types::SpectrumApp>, with_info;
    SpectrumAppDeleteResponse => types::SpectrumAppId, no_info;
    SpectrumAnalyticsCurrentResponse => Vec<types::SpectrumAnalyticsCurrent>, no_info;
    SpectrumAnalyticsReportResponse => types::SpectrumAnalyticsReport, no_info;
    SpectrumProtocolListResponse => Vec<types::SpectrumProtocol>, no_info;
    MagicAppListResponse => Vec<types::MagicApp>, no_info;
    MagicAppResponse => types::MagicAccountApp, no_info;
}

/// What a generated method returns.
pub(crate) type Sent<E> = std::result::Result<ResponseValue<E>, progenitor_client::Error<types::FailureResponse>>;

/// Turns a generated method's outcome, and what the transport recorded for
/// it, into the typed result or the error that says what went wrong.
pub(crate) async fn finish<E: Envelope>(raw: &generated::Client, sent: Sent<E>) -> Result<Parts<E::Result>> {
    use progenitor_client::Error as P;
    let (attempts, status, cf_ray, failure, retry_after) = {
        let mut state = raw.inner().state();
        (
            state.attempts,
            state.status,
            state.cf_ray.take(),
            state.failure.take(),
            state.gave_up_after,
        )
    };
    if let Some(failure) = failure {
        return Err(failure);
    }
    // Only errors carry the cf-ray: nothing to look up on success.
    let cf_ray = || cf_ray.as_ref().and_then(|v| v.to_str().ok()).map(str::to_owned);
    let api_error = |status, errors, messages| {
        Error::Api(Box::new(ApiError {
            status,
            errors,
            messages,
            cf_ray: cf_ray(),
            attempts,
            retry_after,
        }))
    };
    let http_error = |status, body: &[u8]| {
        Error::Http(Box::new(HttpError {
            status,
            excerpt: excerpt(body),
            cf_ray: cf_ray(),
            attempts,
            retry_after,
        }))
    };
    match sent {
        Ok(value) => {
            let status = value.status();
            // The headers are copied only for an enclosing `with_metadata`.
            let headers = if metadata::wanted() {
                value.headers().clone()
            } else {
                Default::default()
            };
            let envelope = value.into_inner();
            let success = envelope.success();
            let (errors, messages, parts) = envelope.into_parts();
            if !success {
                return Err(api_error(status, errors, messages));
            }
            metadata::record(ResponseMeta {
                status,
                headers,
                attempts,
                messages,
            });
            Ok(parts)
        }
        Err(P::ErrorResponse(value)) => {
            let status = value.status();
            let failure = value.into_inner();
            Err(api_error(status, failure.errors, failure.messages))
        }
        Err(P::InvalidResponsePayload(body, e)) => {
            let status = status.unwrap_or(reqwest::StatusCode::OK);
            match serde_json::from_slice::<types::FailureResponse>(&body) {
                Ok(failure) if !failure.success => Err(api_error(status, failure.errors, failure.messages)),
                _ if !status.is_success() => Err(http_error(status, &body)),
                _ => Err(Error::Decode(Box::new(DecodeError {
                    status,
                    message: decode_message::<E>(&body).unwrap_or_else(|| e.to_string()),
                    excerpt: excerpt(&body),
                    cf_ray: cf_ray(),
                    attempts,
                }))),
            }
        }
        Err(P::UnexpectedResponse(response)) => {
            let status = response.status();
            let body = response.bytes().await.unwrap_or_default();
            Err(http_error(status, &body))
        }
        Err(P::CommunicationError(e)) | Err(P::ResponseBodyError(e)) | Err(P::InvalidUpgrade(e)) => {
            Err(if e.is_timeout() {
                Error::Timeout { attempts }
            } else {
                Error::Transport { attempts, source: e }
            })
        }
        Err(P::InvalidRequest(message)) => Err(Error::InvalidInput {
            field: "request",
            message,
        }),
        Err(P::Custom(message)) => Err(Error::Config(message)),
    }
}

/// The decoder's complaint with the path of the field at fault
/// (`result.origin_dns.ttl: invalid value …`), found by decoding again.
fn decode_message<E: Envelope>(body: &[u8]) -> Option<String> {
    let mut decoder = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, E>(&mut decoder) {
        Err(e) if e.path().to_string() != "." => Some(format!("{}: {}", e.path(), e.inner())),
        _ => None,
    }
}
