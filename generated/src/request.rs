//! What every request builder has, whatever its operation: the client it
//! goes through, the per-request options, and the first client-side check
//! that failed. The generated request types hold a [`RequestBase`] and get
//! their option setters from [`request_options!`].

use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

/// The per-request setters of every generated request type. The type must
/// have a `base: RequestBase` field.
macro_rules! request_options {
    () => {
        /// Overrides the client's timeout for this request: the whole exchange
        /// of each attempt, or, for a streamed answer, the whole stream (the
        /// client's timeout only bounds the wait between two reads of one).
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.base.options.timeout = Some(timeout);
            self
        }

        /// Overrides the client's number of retries for this request.
        pub fn max_retries(mut self, max_retries: u32) -> Self {
            self.base.options.max_retries = Some(max_retries);
            self
        }

        /// Adds a header to this request. A name or value that is not a valid
        /// header (for example, a value containing CR or LF) makes `send()` fail
        /// with [`Error::InvalidArgument`](crate::Error::InvalidArgument) before
        /// anything is sent.
        pub fn header(mut self, name: &str, value: &str) -> Self {
            let header = crate::request::parse_header(name, value);
            match header {
                Ok(header) => self.base.options.headers.push(header),
                Err(message) => self.base.invalid(message),
            }
            self
        }

        /// Replaces this request's options as a whole.
        pub fn options(mut self, options: crate::RequestOptions) -> Self {
            self.base.options = options;
            self
        }
    };
}
pub(crate) use request_options;

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

/// The part of a request builder that does not depend on its operation.
#[derive(Debug, Clone)]
pub(crate) struct RequestBase<'a> {
    pub(crate) client: &'a crate::Client,
    pub(crate) options: RequestOptions,
    /// The first client-side check that failed; `send()` reports it.
    pub(crate) invalid: Option<String>,
}

impl<'a> RequestBase<'a> {
    pub(crate) fn new(client: &'a crate::Client) -> Self {
        Self {
            client,
            options: RequestOptions::default(),
            invalid: None,
        }
    }

    /// Records a failed check; the first one is what `send()` reports.
    pub(crate) fn invalid(&mut self, message: String) {
        self.invalid.get_or_insert(message);
    }

    /// Records the outcome of a check.
    pub(crate) fn check(&mut self, result: Result<(), String>) {
        if let Err(message) = result {
            self.invalid(message);
        }
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
