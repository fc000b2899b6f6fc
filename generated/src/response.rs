use std::ops::Deref;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// What a response's head tells, for types that keep its `status` and
/// `headers`: [`Response`] and [`crate::EventStream`].
macro_rules! head_accessors {
    () => {
        /// The HTTP status.
        pub fn status(&self) -> reqwest::StatusCode {
            self.status
        }

        /// All response headers.
        pub fn headers(&self) -> &reqwest::header::HeaderMap {
            &self.headers
        }

        /// The `request-id` header: quote it when contacting support.
        pub fn request_id(&self) -> Option<&str> {
            crate::response::header_str(&self.headers, "request-id")
        }

        /// The `anthropic-ratelimit-*` and `retry-after` headers.
        pub fn rate_limits(&self) -> crate::RateLimits {
            crate::RateLimits::from_headers(&self.headers)
        }
    };
}
pub(crate) use head_accessors;

/// A decoded response body with the status and headers it came with.
///
/// It dereferences to the body, so `response.field` reads the body's field.
#[derive(Debug, Clone)]
pub struct Response<T> {
    body: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> Response<T> {
    pub(crate) fn new(body: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            body,
            status,
            headers,
        }
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, without the status and headers.
    pub fn into_inner(self) -> T {
        self.body
    }

    head_accessors!();
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

/// One rate limit as the `anthropic-ratelimit-<kind>-*` headers report it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// The most allowed in any rate-limit period.
    pub limit: Option<u64>,
    /// What is left before the limit is hit.
    pub remaining: Option<u64>,
    /// When the limit is fully replenished (RFC 3339), as sent.
    pub reset: Option<String>,
}

/// The rate-limit headers of a response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// `anthropic-ratelimit-requests-*`.
    pub requests: RateLimit,
    /// `anthropic-ratelimit-tokens-*`: the most restrictive token limit in effect.
    pub tokens: RateLimit,
    /// `anthropic-ratelimit-input-tokens-*`.
    pub input_tokens: RateLimit,
    /// `anthropic-ratelimit-output-tokens-*`.
    pub output_tokens: RateLimit,
    /// `retry-after`, when given in seconds.
    pub retry_after: Option<Duration>,
}

impl RateLimits {
    /// Reads the rate-limit headers out of `headers`; absent or malformed
    /// values are `None`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let limit = |kind: &str| RateLimit {
            limit: header_u64(headers, &format!("anthropic-ratelimit-{kind}-limit")),
            remaining: header_u64(headers, &format!("anthropic-ratelimit-{kind}-remaining")),
            reset: header_str(headers, &format!("anthropic-ratelimit-{kind}-reset"))
                .map(str::to_string),
        };
        Self {
            requests: limit("requests"),
            tokens: limit("tokens"),
            input_tokens: limit("input-tokens"),
            output_tokens: limit("output-tokens"),
            retry_after: header_str(headers, "retry-after")
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64),
        }
    }
}

pub(crate) fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    header_str(headers, name).and_then(|v| v.trim().parse().ok())
}
