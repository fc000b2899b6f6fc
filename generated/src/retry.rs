//! When to retry and how long to wait, as the official SDKs decide it.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::response::header_str;

const INITIAL_DELAY: f64 = 0.5;
const MAX_DELAY: f64 = 8.0;
/// A server-given wait longer than this is ignored in favour of backoff, as
/// the official SDKs do, so one header cannot stall a caller for hours.
const MAX_SERVER_DELAY: f64 = 60.0;

/// `x-should-retry` decides when present; otherwise 408, 409, 429 and every
/// 5xx are retried.
pub(crate) fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match header_str(headers, "x-should-retry").map(str::trim) {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// The wait before retry number `retry` (0 for the first retry): the
/// server's `retry-after-ms` or `retry-after` when it gives one of at most a
/// minute, else 0.5 s doubling per retry up to 8 s, less up to 25% jitter.
pub(crate) fn delay(headers: Option<&HeaderMap>, retry: u32, jitter: f64) -> Duration {
    if let Some(seconds) = headers.and_then(server_delay) {
        if seconds > 0.0 && seconds <= MAX_SERVER_DELAY {
            return Duration::from_secs_f64(seconds);
        }
    }
    let base = (INITIAL_DELAY * 2f64.powi(retry.min(30) as i32)).min(MAX_DELAY);
    Duration::from_secs_f64(base * (1.0 - 0.25 * jitter.clamp(0.0, 1.0)))
}

fn server_delay(headers: &HeaderMap) -> Option<f64> {
    if let Some(ms) =
        header_str(headers, "retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok())
    {
        if ms.is_finite() {
            return Some(ms / 1000.0);
        }
    }
    let value = header_str(headers, "retry-after")?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return seconds.is_finite().then_some(seconds);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).expect("valid header"));
        }
        map
    }

    #[test]
    fn status_rules() {
        let none = HeaderMap::new();
        for code in [408, 409, 429, 500, 502, 503, 529] {
            assert!(
                should_retry(StatusCode::from_u16(code).expect("status"), &none),
                "{code}"
            );
        }
        for code in [400, 401, 403, 404, 413] {
            assert!(
                !should_retry(StatusCode::from_u16(code).expect("status"), &none),
                "{code}"
            );
        }
    }

    #[test]
    fn should_retry_header_overrides_status() {
        let yes = headers(&[("x-should-retry", "true")]);
        let no = headers(&[("x-should-retry", "false")]);
        assert!(should_retry(StatusCode::BAD_REQUEST, &yes));
        assert!(!should_retry(StatusCode::SERVICE_UNAVAILABLE, &no));
    }

    #[test]
    fn server_delay_precedence() {
        let both = headers(&[("retry-after-ms", "1500"), ("retry-after", "7")]);
        assert_eq!(delay(Some(&both), 0, 0.0), Duration::from_millis(1500));
        let secs = headers(&[("retry-after", "3")]);
        assert_eq!(delay(Some(&secs), 0, 0.0), Duration::from_secs(3));
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        let date = headers(&[("retry-after", future.as_str())]);
        let waited = delay(Some(&date), 0, 0.0);
        assert!(
            waited > Duration::from_secs(8) && waited <= Duration::from_secs(10),
            "{waited:?}"
        );
    }

    #[test]
    fn backoff_doubles_to_a_cap_with_jitter() {
        assert_eq!(delay(None, 0, 0.0), Duration::from_millis(500));
        assert_eq!(delay(None, 1, 0.0), Duration::from_secs(1));
        assert_eq!(delay(None, 4, 0.0), Duration::from_secs(8));
        assert_eq!(delay(None, 9, 0.0), Duration::from_secs(8));
        assert_eq!(delay(None, 0, 1.0), Duration::from_millis(375));
        // Too long, zero or garbage: fall back to backoff.
        let long = headers(&[("retry-after", "3600")]);
        assert_eq!(delay(Some(&long), 1, 0.0), Duration::from_secs(1));
        let junk = headers(&[("retry-after", "soon")]);
        assert_eq!(delay(Some(&junk), 0, 0.0), Duration::from_millis(500));
    }
}
