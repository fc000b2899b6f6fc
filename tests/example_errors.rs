//! The errors example against a local server: each kind of failure is told
//! apart and explained, and exits 1; a bad command line exits 2.

use std::time::Duration;

use serde_json::json;
use wiremock::ResponseTemplate;
use workspace_tests::examples::{Example, Run};
use workspace_tests::messages::{body_json, messages_server, received, reply};
use workspace_tests::runtime::{error_body, refused_url, API_KEY};

const ERRORS: Example = Example("errors");

fn api_error(status: u16, error_type: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("request-id", format!("req_{status}").as_str())
        // Retries, where the client makes them, come at once.
        .insert_header("retry-after-ms", "1")
        .set_body_json(error_body(error_type, message))
}

fn assert_failed(run: &Run, stderr: &str) {
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_is_printed() {
    let server = messages_server(vec![ResponseTemplate::new(200).set_body_json(reply(
        "msg_1",
        "end_turn",
        json!([{"type": "text", "text": "Hello!"}]),
    ))])
    .await;
    let run = ERRORS.run(&server.uri(), &["Hi", "there"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(0), "Hello!\n", "")
    );
    assert_eq!(
        body_json(&received(&server).await[0]),
        json!({"model": "claude-sonnet-4-5", "max_tokens": 1024,
               "messages": [{"role": "user", "content": "Hi there"}]})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_below_1024_is_refused_before_sending() {
    let server = messages_server(vec![ResponseTemplate::new(500)]).await;
    let run = ERRORS.run(&server.uri(), &["--budget", "500", "Hi"]).await;
    assert_failed(
        &run,
        "not sent: `thinking.budget_tokens` must be at least 1024, got 500\n",
    );
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_the_client_takes_is_sent() {
    let server = messages_server(vec![ResponseTemplate::new(200).set_body_json(reply(
        "msg_1",
        "end_turn",
        json!([{"type": "thinking", "thinking": "Hm.", "signature": "sig"},
               {"type": "text", "text": "Done."}]),
    ))])
    .await;
    let run = ERRORS.run(&server.uri(), &["--budget=1024", "Hi"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(0), "Done.\n"),
        "{}",
        run.stderr
    );
    let body = body_json(&received(&server).await[0]);
    assert_eq!(
        body["thinking"],
        json!({"type": "enabled", "budget_tokens": 1024})
    );
    assert_eq!(body["max_tokens"], 2048);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_key_is_not_sent() {
    let server = messages_server(vec![ResponseTemplate::new(500)]).await;
    let run = ERRORS.run_with_env(None, &server.uri(), &["Hi"]).await;
    assert_failed(
        &run,
        "not sent: no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_ADMIN_KEY for the Admin API), or call ClientBuilder::api_key\n",
    );
    assert!(received(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_are_explained_by_their_type() {
    let cases = [
        (
            api_error(404, "not_found_error", "model: claude-nope"),
            1,
            "404",
            "not_found_error",
            "model: claude-nope",
            "check the model name given with --model",
        ),
        (
            api_error(401, "authentication_error", "invalid x-api-key"),
            1,
            "401",
            "authentication_error",
            "invalid x-api-key",
            "check ANTHROPIC_API_KEY",
        ),
        (
            api_error(400, "invalid_request_error", "messages: empty"),
            1,
            "400",
            "invalid_request_error",
            "messages: empty",
            "the request is refused as it is: change it before sending it again",
        ),
        // Retried by the client (twice) before it gives up; the advice
        // reads the `retry-after` header.
        (
            api_error(
                429,
                "rate_limit_error",
                "Number of requests has exceeded your rate limit",
            )
            .insert_header("retry-after", "30"),
            3,
            "429",
            "rate_limit_error",
            "Number of requests has exceeded your rate limit",
            "rate limited: try again in 30s",
        ),
        (
            api_error(529, "overloaded_error", "Overloaded"),
            3,
            "529",
            "overloaded_error",
            "Overloaded",
            "the API is overloaded: try again in a while",
        ),
        // A type this crate does not know, on a status worth retrying.
        (
            api_error(503, "future_error", "Later"),
            3,
            "503",
            "future_error",
            "Later",
            "the API failed: try again in a while",
        ),
    ];
    for (response, attempts, status, error_type, message, advice) in cases {
        let server = messages_server(vec![response]).await;
        let run = ERRORS.run(&server.uri(), &["Hi"]).await;
        assert_failed(
            &run,
            &format!(
                "the API refused the request\n  status: {status}\n  type: {error_type}\n  \
                 message: {message}\n  request id: req_{status}\n  what now: {advice}\n"
            ),
        );
        assert_eq!(received(&server).await.len(), attempts, "{status}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_is_told_from_a_connection_failure() {
    let slow = ResponseTemplate::new(200)
        .set_body_json(reply("msg_1", "end_turn", json!([])))
        .set_delay(Duration::from_secs(5));
    let server = messages_server(vec![slow]).await;
    let run = ERRORS
        .run(&server.uri(), &["--timeout-ms", "100", "Hi"])
        .await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(1), ""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.starts_with("timed out: "), "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("\n  what now: try again later, or allow more time with --timeout-ms\n"),
        "{}",
        run.stderr
    );
    assert_eq!(received(&server).await.len(), 3, "a timeout is retried");

    let run = ERRORS.run(&refused_url(), &["Hi"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(1), ""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.starts_with("could not reach the API: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("\n  what now: check the network and ANTHROPIC_BASE_URL\n"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_does_not_decode_is_reported_with_its_request_id() {
    let server = messages_server(vec![ResponseTemplate::new(200)
        .insert_header("request-id", "req_garbled")
        .set_body_raw("<html>gateway</html>", "text/html")])
    .await;
    let run = ERRORS.run(&server.uri(), &["Hi"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(1), ""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.starts_with("the answer could not be read: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("\n  status: 200\n  request id: req_garbled\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(API_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_command_lines_exit_2_with_usage() {
    let server = messages_server(vec![ResponseTemplate::new(500)]).await;
    for args in [
        &[][..],
        &["--budget", "many", "Hi"],
        &["--timeout-ms", "-1", "Hi"],
        &["--model"],
        &["--bogus", "Hi"],
    ] {
        let run = ERRORS.run(&server.uri(), args).await;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("usage: errors"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
}
