//! The thinking example against a local server: extended thinking in the
//! request, the reasoning streamed to stderr and the answer to stdout.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::Notify;
use wiremock::ResponseTemplate;
use workspace_tests::examples::{Example, Run};
use workspace_tests::messages::{body_json, messages_server, received};
use workspace_tests::runtime::{error_body, API_KEY};
use workspace_tests::sse_server::{
    block_start, block_stop, delta, message_delta, message_start, message_stop, sse, text_block,
    text_delta, thinking_reply, Reply, ScriptedServer, Step,
};

const THINKING: Example = Example("thinking");

const REASONING: &str =
    "I need to find the GCD of 1071 and 462 using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147";
const ANSWER: &str = "The greatest common divisor of 1071 and 462 is **21**.";
const STOP_LINE: &str =
    "[claude-sonnet-4-5-20250929 · stop: end_turn · 25 input / 120 output tokens]\n";

fn sse_response(events: &[Value]) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("request-id", "req_think")
        .set_body_raw(sse(events, "\n"), "text/event-stream")
}

fn assert_succeeded(run: &Run, stdout: &str, stderr: &str) {
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, stdout);
    assert_eq!(run.stderr, stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thinking_goes_to_stderr_and_the_answer_to_stdout() {
    let server = messages_server(vec![sse_response(&thinking_reply())]).await;
    let run = THINKING
        .run(&server.uri(), &["What is the GCD", "of 1071 and 462?"])
        .await;
    assert_succeeded(
        &run,
        &format!("{ANSWER}\n"),
        &format!("{REASONING}\n{STOP_LINE}"),
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].headers["x-api-key"], API_KEY);
    assert_eq!(requests[0].headers["accept"], "text/event-stream");
    assert_eq!(
        body_json(&requests[0]),
        json!({
            "model": "claude-sonnet-4-5",
            "max_tokens": 3072,
            "messages": [{"role": "user", "content": "What is the GCD of 1071 and 462?"}],
            "thinking": {"type": "enabled", "budget_tokens": 2048},
            "stream": true
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn budget_and_model_are_sent_with_max_tokens_above_the_budget() {
    let server = messages_server(vec![sse_response(&thinking_reply())]).await;
    let run = THINKING
        .run(
            &server.uri(),
            &["--budget", "10000", "--model=claude-opus-4-1", "Hi"],
        )
        .await;
    assert_succeeded(
        &run,
        &format!("{ANSWER}\n"),
        &format!("{REASONING}\n{STOP_LINE}"),
    );
    let body = body_json(&received(&server).await[0]);
    assert_eq!(body["model"], "claude-opus-4-1");
    assert_eq!(
        body["thinking"],
        json!({"type": "enabled", "budget_tokens": 10000})
    );
    assert_eq!(body["max_tokens"], 11024);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_thinking_block_ends_its_line_and_a_redacted_one_is_named() {
    let events = vec![
        message_start("msg_think"),
        block_start(
            0,
            json!({"type": "thinking", "thinking": "", "signature": ""}),
        ),
        delta(0, json!({"type": "thinking_delta", "thinking": "First, "})),
        delta(
            0,
            json!({"type": "thinking_delta", "thinking": "the obvious."}),
        ),
        delta(0, json!({"type": "signature_delta", "signature": "sig"})),
        block_stop(0),
        block_start(1, json!({"type": "redacted_thinking", "data": "EmwKAhgB"})),
        block_stop(1),
        block_start(2, text_block()),
        text_delta(2, "Done"),
        text_delta(2, "."),
        block_stop(2),
        message_delta("end_turn", 120),
        message_stop(),
    ];
    let server = messages_server(vec![sse_response(&events)]).await;
    let run = THINKING.run(&server.uri(), &["Think"]).await;
    assert_succeeded(
        &run,
        "Done.\n",
        &format!("First, the obvious.\n[redacted thinking]\n{STOP_LINE}"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thinking_and_text_are_shown_as_they_arrive() {
    let events = thinking_reply();
    let (thinking, text) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    // The first thinking delta, then the wait; the text, then the wait.
    let server = ScriptedServer::start(vec![Reply::stream(vec![
        Step::Chunk(sse(&events[..3], "\n")),
        Step::Wait(thinking.clone()),
        Step::Chunk(sse(&events[3..8], "\n")),
        Step::Wait(text.clone()),
        Step::Chunk(sse(&events[8..], "\n")),
    ])])
    .await;
    let mut live = THINKING.spawn(&server.url, &["GCD?"]);
    let within = Duration::from_secs(10);
    live.expect_stderr("I need to find the GCD of 1071 and 462 ", within)
        .await;
    thinking.notify_one();
    live.expect_stdout(ANSWER, within).await;
    live.expect_stderr(&format!("{REASONING}\n"), within).await;
    text.notify_one();
    let run = live.finish().await;
    assert_succeeded(
        &run,
        &format!("{ANSWER}\n"),
        &format!("{REASONING}\n{STOP_LINE}"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_below_1024_is_refused_before_sending() {
    let server = messages_server(vec![sse_response(&thinking_reply())]).await;
    let run = THINKING
        .run(&server.uri(), &["--budget", "500", "Hi"])
        .await;
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    run.assert_stderr_has(&["`thinking.budget_tokens` must be at least 1024, got 500"]);
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_exit_1_with_status_type_message_and_request_id() {
    let server = messages_server(vec![ResponseTemplate::new(400)
        .insert_header("request-id", "req_budget")
        .set_body_json(error_body(
            "invalid_request_error",
            "max_tokens must be greater than thinking.budget_tokens",
        ))])
    .await;
    let run = THINKING.run(&server.uri(), &["Hi"]).await;
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    run.assert_stderr_has(&[
        "status: 400",
        "type: invalid_request_error",
        "message: max_tokens must be greater than thinking.budget_tokens",
        "request id: req_budget",
    ]);
    assert!(!run.stderr.contains(API_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_event_mid_stream_exits_1_after_what_had_arrived() {
    let mut events = thinking_reply()[..3].to_vec();
    events.push(json!({"type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"}}));
    let server = messages_server(vec![sse_response(&events)]).await;
    let run = THINKING.run(&server.uri(), &["Hi"]).await;
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("I need to find the GCD of 1071 and 462 error: "),
        "{}",
        run.stderr
    );
    run.assert_stderr_has(&[
        "status: 200",
        "type: overloaded_error",
        "message: Overloaded",
        "request id: req_think",
    ]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_command_lines_exit_2_with_usage() {
    let server = messages_server(vec![ResponseTemplate::new(500)]).await;
    for args in [
        &[][..],
        &["--budget"],
        &["--budget", "lots", "Hi"],
        &["--model"],
        &["--bogus", "Hi"],
    ] {
        let run = THINKING.run(&server.uri(), args).await;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("usage: thinking"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
}
