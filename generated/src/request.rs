use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;

use crate::error::{ApiError, Error};
use crate::response::{header_str, Response};
use crate::transport::{self, Outcome};
use crate::types::ErrorResponse;

/// The per-request setters of [`Request`] and [`crate::StreamRequest`].
/// Both keep their `options` and, in `invalid`, the first check that failed
/// (reported by `send()` before anything is sent).
macro_rules! option_setters {
    ($timeout_doc:literal, $retries_doc:literal) => {
        #[doc = $timeout_doc]
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.timeout = Some(timeout);
            self
        }

        #[doc = $retries_doc]
        pub fn max_retries(mut self, max_retries: u32) -> Self {
            self.options.max_retries = Some(max_retries);
            self
        }

        /// Adds a header to this request. A name or value that is not a valid
        /// header (for example, a value containing CR or LF) makes `send()` fail
        /// with [`Error::InvalidArgument`](crate::Error::InvalidArgument) before
        /// anything is sent.
        pub fn header(mut self, name: &str, value: &str) -> Self {
            match crate::request::parse_header(name, value) {
                Ok(header) => self.options.headers.push(header),
                Err(message) => {
                    self.invalid.get_or_insert(message);
                }
            }
            self
        }

        /// Replaces this request's options as a whole.
        pub fn options(mut self, options: crate::RequestOptions) -> Self {
            self.options = options;
            self
        }
    };
}
pub(crate) use option_setters;

/// Settings for one request that override the client's.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// The overall timeout of each attempt.
    pub timeout: Option<Duration>,
    /// How many times to retry.
    pub max_retries: Option<u32>,
    /// Headers to add, replacing any the client would send under the same name.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// A request to one operation, built with the operation's setters and sent
/// with `send()`. Each operation has a type alias for its request, such as
/// [`ModelsListRequest`](crate::ModelsListRequest).
#[derive(Debug, Clone)]
pub struct Request<B> {
    pub(crate) inner: B,
    pub(crate) options: RequestOptions,
    /// The first client-side check that failed; `send()` reports it.
    pub(crate) invalid: Option<String>,
    /// Paginate backward: the caller started from `before_id`.
    pub(crate) backward: bool,
}

impl<B> Request<B> {
    pub(crate) fn new(inner: B) -> Self {
        Self {
            inner,
            options: RequestOptions::default(),
            invalid: None,
            backward: false,
        }
    }

    option_setters!(
        "Overrides the client's timeout for this request.",
        "Overrides the client's number of retries for this request."
    );

    pub(crate) fn check(&mut self, result: Result<(), String>) {
        if let Err(message) = result {
            self.invalid.get_or_insert(message);
        }
    }

    /// Sends through progenitor's builder and turns its result into ours.
    pub(crate) async fn dispatch<T, F, Fut>(self, send: F) -> Result<Response<T>, Error>
    where
        F: FnOnce(B) -> Fut,
        Fut: Future<
            Output = Result<
                progenitor_client::ResponseValue<T>,
                progenitor_client::Error<ErrorResponse>,
            >,
        >,
    {
        if let Some(message) = self.invalid {
            return Err(Error::InvalidArgument(message));
        }
        // Boxed: the send future is large (kilobytes), and moving it through
        // the layers above on every request costs more than one allocation.
        let send = Box::pin(send(self.inner));
        let (result, outcome) = transport::scoped(self.options, false, send).await;
        convert(result, outcome).await
    }
}

/// Checks a header given to a request's `header(name, value)`.
pub(crate) fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    let value = HeaderValue::from_str(value).map_err(|_| {
        format!(
            "the value of header `{}` is not a valid header value",
            name.as_str()
        )
    })?;
    Ok((name, value))
}

/// The error for an API error body, with the request id from the headers
/// (or else from the body).
pub(crate) fn api_error(status: StatusCode, headers: HeaderMap, body: ErrorResponse) -> Error {
    let request_id = header_str(&headers, "request-id")
        .map(str::to_string)
        .or_else(|| body.request_id.clone());
    Error::Api(Box::new(ApiError {
        status,
        request_id,
        headers,
        body,
    }))
}

async fn convert<T>(
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<ErrorResponse>>,
    outcome: Outcome,
) -> Result<Response<T>, Error> {
    use progenitor_client::Error as Raw;
    let decode = |body: Bytes, reason: String, outcome: Outcome| {
        Error::decode(outcome.status, outcome.headers, body, reason)
    };
    if let Some(limit) = outcome.truncated_at {
        let body = match result {
            Err(Raw::InvalidResponsePayload(bytes, _)) => bytes,
            _ => Bytes::new(),
        };
        return Err(decode(
            body,
            format!("the body exceeds the client's limit of {limit} bytes"),
            outcome,
        ));
    }
    match result {
        Ok(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            Ok(Response::new(value.into_inner(), status, headers))
        }
        Err(Raw::InvalidRequest(message)) => Err(Error::InvalidArgument(message)),
        Err(Raw::CommunicationError(e) | Raw::ResponseBodyError(e) | Raw::InvalidUpgrade(e)) => {
            Err(Error::transport(e))
        }
        Err(Raw::ErrorResponse(value)) => {
            let status = value.status();
            let headers = value.headers().clone();
            Err(api_error(status, headers, value.into_inner()))
        }
        Err(Raw::InvalidResponsePayload(bytes, e)) => Err(decode(bytes, e.to_string(), outcome)),
        Err(Raw::UnexpectedResponse(response)) => {
            let status = response.status();
            let body = response.bytes().await.unwrap_or_default();
            Err(decode(
                body,
                format!("status {} is not one the spec lists", status.as_u16()),
                outcome,
            ))
        }
        Err(Raw::Custom(message)) => Err(decode(Bytes::new(), message, outcome)),
    }
}
