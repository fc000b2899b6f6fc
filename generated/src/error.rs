use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::types::{ErrorResponse, ErrorType};

/// How much of an undecodable body `Display` shows.
const BODY_PREVIEW: usize = 200;

/// Everything that can go wrong with a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument broke a rule of the spec; nothing was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The request or the response did not finish in time.
    #[error("request timed out: {0}")]
    Timeout(#[source] Box<TransportError>),
    /// The connection failed, or broke before the response was complete.
    #[error("connection failed: {0}")]
    Connection(#[source] Box<TransportError>),
    /// The API answered with an error status and a well-formed error body.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The response could not be decoded as the spec says it should be.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// Reading or writing a local file failed (a download being saved).
    #[error("i/o error: {0}")]
    Io(#[source] std::io::Error),
}

impl From<crate::types::error::ConversionError> for Error {
    /// A value that did not convert into a request type (a builder with a
    /// required field missing): nothing was sent.
    fn from(e: crate::types::error::ConversionError) -> Self {
        Error::InvalidArgument(e.to_string())
    }
}

/// A connection that failed or a wait that timed out, with what had
/// arrived of the response before (for a body cut short: its status and
/// request id).
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// What the HTTP client reported.
    pub error: reqwest::Error,
    /// The response's status, when its head had arrived.
    pub status: Option<StatusCode>,
    /// The response's `request-id` header, when its head had arrived.
    pub request_id: Option<String>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// An error the API reported, with everything it sent about it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `request-id` header (or the body's `request_id`).
    pub request_id: Option<String>,
    /// The response headers, including any `retry-after` and rate-limit headers.
    pub headers: HeaderMap,
    /// The decoded error body.
    pub body: ErrorResponse,
}

impl ApiError {
    /// The kind of error, as the body's `error.type` names it.
    pub fn error_type(&self) -> &ErrorType {
        &self.body.error.type_
    }

    /// The API's explanation.
    pub fn message(&self) -> &str {
        &self.body.error.message
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.error_type(),
            self.message()
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// A response whose body did not decode; the bytes are kept.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status, when a response arrived.
    pub status: Option<StatusCode>,
    /// The `request-id` header, when present.
    pub request_id: Option<String>,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as received (possibly cut at the client's size limit).
    pub body: Bytes,
    /// Why decoding failed.
    pub reason: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not decode the response")?;
        if let Some(status) = self.status {
            write!(f, " (status {})", status.as_u16())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        write!(f, ": {}", self.reason)?;
        if !self.body.is_empty() {
            let shown = &self.body[..self.body.len().min(BODY_PREVIEW)];
            write!(f, "; body: {:?}", String::from_utf8_lossy(shown))?;
            if self.body.len() > BODY_PREVIEW {
                write!(f, " ... ({} bytes in all)", self.body.len())?;
            }
        }
        Ok(())
    }
}

impl Error {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => e.status,
            Error::Timeout(e) | Error::Connection(e) => e.status.or(e.error.status()),
            Error::InvalidArgument(_) | Error::Io(_) => None,
        }
    }

    /// The request id the API assigned, when a response arrived with one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::Timeout(e) | Error::Connection(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// The API error, when the API reported one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The error body's `error.type`, when the API reported one.
    pub fn error_type(&self) -> Option<&ErrorType> {
        self.api_error().map(ApiError::error_type)
    }

    /// 429, or a `rate_limit_error`.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
            || self.error_type() == Some(&ErrorType::RateLimitError)
    }

    /// 529, or an `overloaded_error`.
    pub fn is_overloaded(&self) -> bool {
        self.status().map(|s| s.as_u16()) == Some(529)
            || self.error_type() == Some(&ErrorType::OverloadedError)
    }

    /// The request or the response did not finish in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// The connection failed or broke.
    pub fn is_connection(&self) -> bool {
        matches!(self, Error::Connection(_))
    }

    /// Whether trying again may succeed, by the same rules the client's own
    /// retries follow (the `x-should-retry` header first, then the status);
    /// for an error event inside a stream, by its error type.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::Connection(_) => true,
            Error::InvalidArgument(_) | Error::Io(_) => false,
            // An error event inside a streamed 200 carries no error status:
            // its type says whether the failure is transient.
            Error::Api(e) if e.status.is_success() => matches!(
                e.error_type(),
                ErrorType::OverloadedError | ErrorType::ApiError | ErrorType::RateLimitError
            ),
            Error::Api(e) => crate::retry::should_retry(e.status, &e.headers),
            Error::Decode(e) => e
                .status
                .is_some_and(|s| crate::retry::should_retry(s, &e.headers)),
        }
    }

    /// A [`Error::Decode`], its request id read from `headers`.
    pub(crate) fn decode(
        status: Option<StatusCode>,
        headers: HeaderMap,
        body: Bytes,
        reason: impl Into<String>,
    ) -> Self {
        Error::Decode(Box::new(DecodeError {
            status,
            request_id: crate::response::header_str(&headers, "request-id").map(str::to_string),
            headers,
            body,
            reason: reason.into(),
        }))
    }

    /// A transport failure before any response arrived.
    pub(crate) fn transport(e: reqwest::Error) -> Self {
        Self::transport_after(e, None, None)
    }

    /// A transport failure while reading the body of the response with
    /// this status and these headers.
    pub(crate) fn transport_in(e: reqwest::Error, status: StatusCode, headers: &HeaderMap) -> Self {
        let request_id = crate::response::header_str(headers, "request-id").map(str::to_string);
        Self::transport_after(e, Some(status), request_id)
    }

    fn transport_after(
        error: reqwest::Error,
        status: Option<StatusCode>,
        request_id: Option<String>,
    ) -> Self {
        let timeout = error.is_timeout();
        let e = Box::new(TransportError {
            error,
            status,
            request_id,
        });
        if timeout {
            Error::Timeout(e)
        } else {
            Error::Connection(e)
        }
    }
}
