//! The completion example against a local server.
//!
//! The example runs as a child process against a wiremock server (see
//! `workspace_tests::examples`), or against the scripted server where a
//! stream must be held back half-way.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::Notify;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use workspace_tests::examples::{Example, Run};
use workspace_tests::messages::body_json;
use workspace_tests::runtime::{error_body, received, API_KEY};
use workspace_tests::sse_server::{ping, sse, Reply, ScriptedServer, Step};

const COMPLETION: Example = Example("completion");

async fn run(base_url: &str, args: &[&str]) -> Run {
    COMPLETION.run(base_url, args).await
}

/// A `Completion` body, or the data of one `completion` event of a stream
/// (whose `stop_reason` is null until the last).
fn completion(text: &str, stop_reason: Option<&str>) -> Value {
    json!({
        "type": "completion",
        "id": "compl_01",
        "completion": text,
        "stop_reason": stop_reason,
        "model": "claude-2.1"
    })
}

/// The events of a streamed " Hello, world!", with a ping among them.
fn stream_events() -> Vec<Value> {
    vec![
        completion(" Hello", None),
        ping(),
        completion(",", None),
        completion(" world!", None),
        completion("", Some("stop_sequence")),
    ]
}

/// A server answering `POST /v1/complete` with `response`.
async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/complete"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn sse_response(events: &[Value]) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("request-id", "req_sse")
        .set_body_raw(sse(events, "\n"), "text/event-stream")
}

/// The one request the server received, checked for what every request of
/// the example carries.
async fn the_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1);
    let r = requests.remove(0);
    assert_eq!((r.method.as_str(), r.url.path()), ("POST", "/v1/complete"));
    assert_eq!(r.headers["x-api-key"], API_KEY);
    assert_eq!(r.headers["anthropic-version"], "2023-06-01");
    assert!(r.headers.get("anthropic-beta").is_none());
    r
}

fn assert_succeeded(out: &Run, stdout: &str) {
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, stdout);
    assert_eq!(out.stderr, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_the_prompt_as_a_human_turn_and_prints_the_completion() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_json(completion(" Rayleigh scattering.", Some("stop_sequence"))),
    )
    .await;
    let out = run(&server.uri(), &["Why", "is the sky blue?"]).await;
    assert_succeeded(&out, " Rayleigh scattering.\n");
    let sent = the_request(&server).await;
    assert_eq!(
        body_json(&sent),
        json!({
            "model": "claude-2.1",
            "max_tokens_to_sample": 256,
            "prompt": "\n\nHuman: Why is the sky blue?\n\nAssistant:"
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_and_max_tokens_are_sent_as_given() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(completion(" Four.", Some("max_tokens"))),
    )
    .await;
    let out = run(
        &server.uri(),
        &[
            "--model",
            "claude-instant-1.2",
            "--max-tokens=12",
            "--",
            "--2+2?",
        ],
    )
    .await;
    assert_succeeded(&out, " Four.\n");
    let sent = the_request(&server).await;
    assert_eq!(
        body_json(&sent),
        json!({
            "model": "claude-instant-1.2",
            "max_tokens_to_sample": 12,
            "prompt": "\n\nHuman: --2+2?\n\nAssistant:"
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_prints_the_text_of_each_completion_event() {
    let server = server_answering(sse_response(&stream_events())).await;
    let out = run(&server.uri(), &["--stream", "Say hello"]).await;
    assert_succeeded(&out, " Hello, world!\n");
    let sent = the_request(&server).await;
    assert_eq!(
        body_json(&sent),
        json!({
            "model": "claude-2.1",
            "max_tokens_to_sample": 256,
            "prompt": "\n\nHuman: Say hello\n\nAssistant:",
            "stream": true
        })
    );
    assert_eq!(sent.headers["accept"], "text/event-stream");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_prints_each_piece_as_it_arrives() {
    let rest = Arc::new(Notify::new());
    let events = stream_events();
    let server = ScriptedServer::start(vec![Reply::stream(vec![
        Step::Chunk(sse(&events[..2], "\n")),
        Step::Wait(rest.clone()),
        Step::Chunk(sse(&events[2..], "\n")),
    ])])
    .await;
    let mut live = COMPLETION.spawn(&server.url, &["--stream", "Say hello"]);
    // No newline yet: the piece must be flushed as it comes.
    live.expect_stdout(" Hello", Duration::from_secs(10)).await;
    rest.notify_one();
    let out = live.finish().await;
    assert_succeeded(&out, " Hello, world!\n");
    assert_eq!(server.received()[0].json()["stream"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_event_mid_stream_exits_1_after_the_text_so_far() {
    let events = [
        completion(" Hello", None),
        completion(",", None),
        json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        completion(" never shown", None),
    ];
    let server = server_answering(sse_response(&events)).await;
    let out = run(&server.uri(), &["--stream", "Say hello"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, " Hello,");
    out.assert_stderr_has(&[
        "type: overloaded_error",
        "message: Overloaded",
        "request id: req_sse",
    ]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_exit_1_with_status_type_message_and_request_id() {
    let server = server_answering(
        ResponseTemplate::new(400)
            .insert_header("request-id", "req_bad_prompt")
            .set_body_json(error_body(
                "invalid_request_error",
                "prompt must start with \"\\n\\nHuman:\" turn",
            )),
    )
    .await;
    for args in [&["Hi"][..], &["--stream", "Hi"]] {
        let out = run(&server.uri(), args).await;
        assert_eq!(out.code, Some(1), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
        out.assert_stderr_has(&[
            "status: 400",
            "type: invalid_request_error",
            "message: prompt must start with",
            "request id: req_bad_prompt",
        ]);
        assert!(!out.stderr.contains(API_KEY));
    }
    assert_eq!(received(&server).await.len(), 2, "a 400 is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_key_fails_before_sending() {
    let server = server_answering(ResponseTemplate::new(500)).await;
    let out = COMPLETION.run_with_env(None, &server.uri(), &["Hi"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("ANTHROPIC_API_KEY"), "{}", out.stderr);
    assert!(received(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_command_lines_exit_2_with_usage() {
    let server = server_answering(ResponseTemplate::new(500)).await;
    for args in [
        &[][..],
        &["--stream"],
        &["--model"],
        &["--max-tokens", "many", "Hi"],
        &["--max-tokens", "0", "Hi"],
        &["--max-tokens=-5", "Hi"],
        &["--stream=yes", "Hi"],
        &["--bogus", "Hi"],
    ] {
        let out = run(&server.uri(), args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("usage: completion"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "{args:?}");
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
    let help = run(&server.uri(), &["--help"]).await;
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("--max-tokens N"), "{}", help.stdout);
}
