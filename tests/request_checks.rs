//! Request values built with the generated constructors and setters, and
//! every bound the spec states on a request body checked before sending:
//! the error names the field's path and the value, and nothing reaches the
//! server.

use anthropic_client::types::{
    self, MessageBatchCreateParams, MessageBatchRequest, MessageCountTokensParams,
    MessageCreateParams, MessageParam, ThinkingConfigEnabled, WebSearchTool20250305,
    WebSearchTool20250305UserLocation,
};
use anthropic_client::Error;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::messages::{body_json, fixture};
use workspace_tests::runtime::{client, received};

const MODEL: &str = "claude-sonnet-4-20250514";

fn params() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 1024, [MessageParam::user("Hello")])
}

/// The message of an `InvalidArgument`, or a panic naming what came instead.
fn invalid<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::InvalidArgument(message)) => message,
        other => panic!("expected Error::InvalidArgument, got {other:?}"),
    }
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("responses/text.json")))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_request_built_with_constructors_is_sent_as_the_docs_write_it() {
    let server = server().await;
    let client = client(&server.uri());
    let params = params()
        .system("Be brief.")
        .temperature(0.5)
        .stop_sequences(["END"])
        .thinking(ThinkingConfigEnabled::new(2048))
        .tools([types::Tool::new(
            "get_weather",
            types::ToolInputSchema::new().properties([("city", json!({"type": "string"}))]),
        )
        .description("The weather in a city.")]);
    client
        .messages()
        .create(params)
        .send()
        .await
        .expect("a reply");
    let requests = received(&server).await;
    assert_eq!(
        body_json(&requests[0]),
        json!({
            "model": MODEL,
            "max_tokens": 1024,
            "messages": [{"role": "user", "content": "Hello"}],
            "system": "Be brief.",
            "temperature": 0.5,
            "stop_sequences": ["END"],
            "thinking": {"type": "enabled", "budget_tokens": 2048},
            "tools": [{
                "name": "get_weather",
                "description": "The weather in a city.",
                "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}
            }]
        })
    );
}

#[tokio::test]
async fn every_bound_of_a_body_is_checked_before_sending() {
    let server = server().await;
    let client = client(&server.uri());
    let messages = client.messages();
    let cases: Vec<(MessageCreateParams, &str)> = vec![
        (
            params().thinking(ThinkingConfigEnabled::new(10)),
            "`thinking.budget_tokens` must be at least 1024, got 10",
        ),
        (
            MessageCreateParams::new(MODEL, 0, [MessageParam::user("Hi")]),
            "`max_tokens` must be at least 1, got 0",
        ),
        (
            params().temperature(1.5),
            "`temperature` must be in 0..=1, got 1.5",
        ),
        (params().top_p(-0.1), "`top_p` must be in 0..=1, got -0.1"),
        (params().top_k(-1), "`top_k` must be at least 0, got -1"),
        (
            params().tools([WebSearchTool20250305::new()
                .user_location(WebSearchTool20250305UserLocation::new().country("USA"))]),
            "`tools[0].user_location.country` must be exactly 2 characters long, got 3",
        ),
        (
            MessageCreateParams::new(
                MODEL,
                16,
                std::iter::repeat_n(MessageParam::user("Hi"), 100_001),
            ),
            "`messages` must hold at most 100000 items, got 100001",
        ),
    ];
    for (params, expected) in cases {
        let message = invalid(messages.create(params.clone()).send().await);
        assert_eq!(message, expected);
        // The stream form checks the same body.
        let message = invalid(messages.create_stream(params).send().await.map(|_| ()));
        assert_eq!(message, expected);
    }
    // Bounds are inclusive.
    for params in [
        params().thinking(ThinkingConfigEnabled::new(1024)),
        params().temperature(0.0).top_p(1.0).top_k(0),
    ] {
        messages.create(params).send().await.expect("within bounds");
    }
    assert_eq!(
        received(&server).await.len(),
        2,
        "only the valid ones were sent"
    );
}

#[tokio::test]
async fn bounds_are_checked_inside_every_body_that_holds_them() {
    let server = server().await;
    let client = client(&server.uri());
    let count = MessageCountTokensParams::new(MODEL, [MessageParam::user("Hi")])
        .thinking(ThinkingConfigEnabled::new(1));
    assert_eq!(
        invalid(client.messages().count_tokens(count).send().await),
        "`thinking.budget_tokens` must be at least 1024, got 1"
    );
    let batch = MessageBatchCreateParams::new([
        MessageBatchRequest::new("fine", params()),
        MessageBatchRequest::new("broken", params().max_tokens(0)),
    ]);
    assert_eq!(
        invalid(client.messages().batches().create(batch).send().await),
        "`requests[1].params.max_tokens` must be at least 1, got 0"
    );
    let completion =
        types::CompletionCreateParams::new("claude-2.1", 0, "\n\nHuman: Hi\n\nAssistant:");
    assert_eq!(
        invalid(client.completions().create(completion).send().await),
        "`max_tokens_to_sample` must be at least 1, got 0"
    );
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_builder_with_a_missing_field_is_an_error_of_this_crate() {
    fn build() -> Result<types::CitationCharLocationParam, Error> {
        // `?` works: the builder's error is this crate's `Error`.
        let citation = types::CitationCharLocationParam::builder()
            .cited_text("the text")
            .document_index(0)
            .start_char_index(0)
            .build()?;
        Ok(citation)
    }
    let message = invalid(build());
    assert!(
        message.contains("end_char_index"),
        "names the missing field: {message}"
    );
}
