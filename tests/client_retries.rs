//! Retry rules: statuses, x-should-retry, retry-after(-ms), backoff, replayability, logging.
//!
//! Server-side waits are set to a millisecond with `retry-after-ms: 1` so the
//! retries are fast; the few tests of transport failures wait the client's
//! first backoff step (at most 0.5 s), since no header can shorten it.

use std::time::Duration;

use anthropic_client::Error;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::runtime::{
    answer_list, builder, client, error_body, page, received, refused_url, Conn, LogCapture,
    RawServer, API_KEY,
};

/// A failure with the given status that asks for a 1 ms wait.
fn failure(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("retry-after-ms", "1")
        .insert_header("request-id", format!("req_fail_{status}").as_str())
        .set_body_json(error_body("api_error", "try again"))
}

fn success() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("request-id", "req_ok")
        .set_body_json(page(&["m1", "m2"], false))
}

/// Mounts `first` for the first `times` requests, then a success.
async fn fail_then_succeed(server: &MockServer, first: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(success())
        .mount(server)
        .await;
}

#[tokio::test]
async fn retryable_statuses_are_retried_until_success() {
    for status in [408u16, 409, 429, 500, 502, 503, 529] {
        let server = MockServer::start().await;
        fail_then_succeed(&server, failure(status), 2).await;
        let page = client(&server.uri())
            .models()
            .list()
            .limit(2)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{status}: retried to success, got {e}"));
        assert_eq!(page.data.len(), 2, "{status}");
        assert_eq!(page.request_id(), Some("req_ok"), "{status}");
        let requests = received(&server).await;
        assert_eq!(
            requests.len(),
            3,
            "{status}: two failures, then the success"
        );
        // Every attempt is the same request.
        for r in &requests {
            assert_eq!(r.url.path(), "/v1/models", "{status}");
            assert_eq!(r.url.query(), Some("limit=2"), "{status}");
            assert_eq!(r.headers["x-api-key"], API_KEY, "{status}");
            assert_eq!(r.headers["anthropic-version"], "2023-06-01", "{status}");
        }
    }
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400u16, 401, 403, 404, 413] {
        let server = MockServer::start().await;
        fail_then_succeed(&server, failure(status), 1).await;
        let err = client(&server.uri())
            .models()
            .list()
            .send()
            .await
            .expect_err("a non-retryable status is returned as it is");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(matches!(err, Error::Api(_)), "{status}: {err:?}");
        assert_eq!(received(&server).await.len(), 1, "{status}: sent once");
    }
}

#[tokio::test]
async fn x_should_retry_true_retries_a_400() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        failure(400).insert_header("x-should-retry", "true"),
        1,
    )
    .await;
    client(&server.uri())
        .models()
        .list()
        .send()
        .await
        .expect("the 400 is retried because the server says so");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn x_should_retry_false_stops_a_503() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        failure(503).insert_header("x-should-retry", "false"),
        1,
    )
    .await;
    let err = client(&server.uri())
        .models()
        .list()
        .send()
        .await
        .expect_err("the server said not to retry");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(
        !err.is_retryable(),
        "x-should-retry: false wins over the status"
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn two_retries_by_default_then_the_last_error() {
    let server = MockServer::start().await;
    answer_list(&server, failure(503)).await;
    let err = client(&server.uri())
        .models()
        .list()
        .send()
        .await
        .expect_err("always 503");
    assert_eq!(received(&server).await.len(), 3, "1 attempt + 2 retries");
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 503);
    assert_eq!(api.request_id.as_deref(), Some("req_fail_503"));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn max_retries_from_the_client_and_per_request() {
    let server = MockServer::start().await;
    answer_list(&server, failure(529)).await;

    let five = builder(&server.uri())
        .max_retries(5)
        .build()
        .expect("client");
    five.models().list().send().await.expect_err("always 529");
    assert_eq!(received(&server).await.len(), 6, "client max_retries(5)");

    server.reset().await;
    answer_list(&server, failure(529)).await;
    let default = client(&server.uri());
    default
        .models()
        .list()
        .max_retries(0)
        .send()
        .await
        .expect_err("always 529");
    assert_eq!(received(&server).await.len(), 1, "request max_retries(0)");

    server.reset().await;
    answer_list(&server, failure(529)).await;
    let none = builder(&server.uri())
        .max_retries(0)
        .build()
        .expect("client");
    none.models()
        .list()
        .max_retries(3)
        .send()
        .await
        .expect_err("always 529");
    assert_eq!(
        received(&server).await.len(),
        4,
        "request max_retries(3) over client max_retries(0)"
    );
    none.models().list().send().await.expect_err("always 529");
    assert_eq!(received(&server).await.len(), 5, "client max_retries(0)");
}

/// The wait the retry log reports, in milliseconds.
fn logged_waits(logs: &LogCapture) -> Vec<u64> {
    logs.lines_with("retrying")
        .iter()
        .map(|line| {
            let rest = line
                .split("wait_ms=")
                .nth(1)
                .unwrap_or_else(|| panic!("no wait_ms in {line}"));
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().expect("wait_ms is a number")
        })
        .collect()
}

#[tokio::test]
async fn retry_after_ms_wins_over_retry_after() {
    let (logs, _guard) = LogCapture::install();
    let server = MockServer::start().await;
    // If retry-after won, this test would wait 30 s and log wait_ms=30000.
    fail_then_succeed(&server, failure(503).insert_header("retry-after", "30"), 1).await;
    client(&server.uri())
        .models()
        .list()
        .send()
        .await
        .expect("retried");
    assert_eq!(logged_waits(&logs), vec![1]);
}

#[tokio::test]
async fn retry_after_seconds_when_no_ms_header() {
    let (logs, _guard) = LogCapture::install();
    let server = MockServer::start().await;
    let response = ResponseTemplate::new(429)
        .insert_header("retry-after", "0.003")
        .set_body_json(error_body("rate_limit_error", "slow down"));
    fail_then_succeed(&server, response, 1).await;
    client(&server.uri())
        .models()
        .list()
        .send()
        .await
        .expect("retried");
    assert_eq!(logged_waits(&logs), vec![3]);
}

#[tokio::test]
async fn exponential_backoff_without_a_server_hint() {
    let (logs, _guard) = LogCapture::install();
    let server = MockServer::start().await;
    let response = ResponseTemplate::new(500).set_body_json(error_body("api_error", "internal"));
    fail_then_succeed(&server, response, 1).await;
    client(&server.uri())
        .models()
        .list()
        .send()
        .await
        .expect("retried");
    let waits = logged_waits(&logs);
    assert_eq!(waits.len(), 1);
    // 0.5 s less up to 25% jitter.
    assert!((375..=500).contains(&waits[0]), "first backoff {waits:?}");
}

#[tokio::test]
async fn retry_log_names_status_attempt_wait_and_request_id_but_not_the_key() {
    let (logs, _guard) = LogCapture::install();
    let server = MockServer::start().await;
    fail_then_succeed(&server, failure(529), 2).await;
    client(&server.uri())
        .models()
        .list()
        .send()
        .await
        .expect("retried");
    let lines = logs.lines_with("retrying");
    assert_eq!(lines.len(), 2, "one line per retry: {lines:#?}");
    for (i, line) in lines.iter().enumerate() {
        assert!(line.contains("WARN"), "{line}");
        assert!(line.contains("status=529"), "{line}");
        assert!(line.contains(&format!("attempt={}", i + 1)), "{line}");
        assert!(line.contains("wait_ms=1"), "{line}");
        assert!(line.contains("req_fail_529"), "{line}");
        assert!(line.contains("models_list"), "{line}");
    }
    let all = logs.text();
    assert!(
        !all.contains(API_KEY),
        "the key leaked into the logs:\n{all}"
    );
}

#[tokio::test]
async fn a_connection_closed_without_answer_is_retried() {
    let (logs, _guard) = LogCapture::install();
    let server = RawServer::start(vec![Conn::Close, Conn::Ok(page(&["m1"], false))]).await;
    let page = client(&server.url)
        .models()
        .list()
        .send()
        .await
        .expect("the second connection answers");
    assert_eq!(page.data[0].id, "m1");
    assert_eq!(server.requests().len(), 2);
    let lines = logs.lines_with("retrying after a transport error");
    assert_eq!(lines.len(), 1, "{}", logs.text());
    assert!(lines[0].contains("attempt=1"), "{}", lines[0]);
    assert!(lines[0].contains("wait_ms="), "{}", lines[0]);
    assert!(!logs.text().contains(API_KEY));
}

#[tokio::test]
async fn a_connection_reset_is_retried() {
    let server = RawServer::start(vec![Conn::Reset, Conn::Ok(page(&["m1"], false))]).await;
    let page = client(&server.url)
        .models()
        .list()
        .send()
        .await
        .expect("the second connection answers");
    assert_eq!(page.data[0].id, "m1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0], requests[1], "the same request twice");
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    let (logs, _guard) = LogCapture::install();
    let err = builder(&refused_url())
        .max_retries(1)
        .build()
        .expect("client")
        .models()
        .list()
        .send()
        .await
        .expect_err("nothing listens");
    assert!(err.is_connection(), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
    let lines = logs.lines_with("retrying after a transport error");
    assert_eq!(lines.len(), 1, "one retry: {}", logs.text());
    assert!(!logs.text().contains(API_KEY));
    assert!(!err.to_string().contains(API_KEY));
}

#[tokio::test]
async fn a_timeout_is_retried() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, success().set_delay(Duration::from_secs(5)), 1).await;
    let page = client(&server.uri())
        .models()
        .list()
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .expect("the slow first attempt times out, the retry answers");
    assert_eq!(page.data.len(), 2);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_timeout_on_every_attempt_is_a_timeout_error() {
    let server = MockServer::start().await;
    answer_list(&server, success().set_delay(Duration::from_secs(5))).await;
    let err = client(&server.uri())
        .models()
        .list()
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .send()
        .await
        .expect_err("too slow");
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(received(&server).await.len(), 1);
}
