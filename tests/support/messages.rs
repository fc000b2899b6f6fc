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
