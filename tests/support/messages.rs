//! Helpers for the Messages tests: the JSON fixtures under
//! `tests/fixtures/messages/`, short constructors for conversation turns,
//! and the JSON body a mock server received.

use std::path::PathBuf;

use anthropic_client::types;
use serde::Serialize;
use serde_json::Value;

/// The path of a fixture under `tests/fixtures/messages/`, such as
/// `responses/text.json` or `docs/create_example.request.json`.
pub fn fixture_path(name: &str) -> PathBuf {
    crate::fixtures::path(&format!("messages/{name}"))
}

/// A JSON fixture under `tests/fixtures/messages/`, parsed.
pub fn fixture(name: &str) -> Value {
    crate::fixtures::json(&format!("messages/{name}"))
}

/// A `user` turn whose content is the string shorthand.
pub fn user(text: &str) -> types::MessageParam {
    types::MessageParam::new(
        types::MessageParamRole::User,
        types::MessageParamContent::String(text.to_string()),
    )
}

/// An `assistant` turn whose content is the string shorthand.
pub fn assistant(text: &str) -> types::MessageParam {
    types::MessageParam::new(
        types::MessageParamRole::Assistant,
        types::MessageParamContent::String(text.to_string()),
    )
}

/// A turn of `role` made of content blocks.
pub fn turn(
    role: types::MessageParamRole,
    blocks: Vec<types::ContentBlockParam>,
) -> types::MessageParam {
    types::MessageParam::new(role, types::MessageParamContent::Array(blocks))
}

/// A plain `text` input block.
pub fn text_param(text: &str) -> types::TextBlockParam {
    types::TextBlockParam::new(text)
}

/// `serde_json::to_value`, for values the tests know serialize.
pub fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("the value serializes to JSON")
}

/// Asserts that `actual` serializes to exactly `expected` (JSON value
/// equality: key order and number spelling do not matter), showing both
/// pretty-printed when they differ.
#[track_caller]
pub fn assert_json(actual: &impl Serialize, expected: &Value) {
    let actual = to_json(actual);
    assert!(
        &actual == expected,
        "JSON differs\n--- actual ---\n{}\n--- expected ---\n{}",
        pretty(&actual),
        pretty(expected)
    );
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// The body of a received request, parsed as JSON.
pub fn body_json(request: &wiremock::Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|e| {
        panic!(
            "request body is not JSON ({e}): {}",
            String::from_utf8_lossy(&request.body)
        )
    })
}

/// The requests a mock server received so far.
pub async fn received(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// Answers the n-th request with the n-th response, and every request after
/// the last response with the last one.
struct InOrder {
    responses: Vec<wiremock::ResponseTemplate>,
    next: std::sync::atomic::AtomicUsize,
}

impl wiremock::Respond for InOrder {
    fn respond(&self, _: &wiremock::Request) -> wiremock::ResponseTemplate {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.responses[n.min(self.responses.len() - 1)].clone()
    }
}

/// A server answering `POST /v1/messages` with `responses`, in order.
pub async fn messages_server(responses: Vec<wiremock::ResponseTemplate>) -> wiremock::MockServer {
    assert!(!responses.is_empty(), "a server needs something to answer");
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/v1/messages"))
        .respond_with(InOrder {
            responses,
            next: std::sync::atomic::AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    server
}

/// A `Message` body with these content blocks and stop reason.
pub fn reply(id: &str, stop_reason: &str, content: Value) -> Value {
    serde_json::json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": {"input_tokens": 100, "output_tokens": 20}
    })
}
