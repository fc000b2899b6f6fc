//! Legacy Text Completions on the wire, against wiremock: `create` (one
//! JSON answer) and `create_stream` (server-sent `completion` events).

use std::time::Duration;

use anthropic_client::types::{self, Completion, CompletionStopReason, CompletionStreamEvent};
use anthropic_client::{Client, Error, EventStream};
use futures::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use workspace_tests::fixtures;
use workspace_tests::messages::{body_json, received};
use workspace_tests::runtime::{builder, API_KEY};
use workspace_tests::sse_server::{ping, sse};

const HANG_GUARD: Duration = Duration::from_secs(20);

const PROMPT: &str = "\n\nHuman: Why is the sky blue?\n\nAssistant:";

fn client(server: &MockServer) -> Client {
    builder(&server.uri())
        .max_retries(0)
        .build()
        .expect("a valid test client")
}

/// Every field of the request body set, `stream` included.
fn full_params() -> types::CompletionCreateParams {
    types::CompletionCreateParams::new("claude-2.1", 300, PROMPT)
        .stop_sequences(vec!["\n\nHuman:".to_string(), "END".to_string()])
        .temperature(0.5)
        .metadata(types::Metadata::new().user_id("13803d75-b4b5-4c3e-b2a2-6f21399b021b"))
        .stream(true)
}

/// The JSON of [`full_params`] without `stream`.
fn full_params_json() -> Value {
    json!({
        "model": "claude-2.1",
        "prompt": PROMPT,
        "max_tokens_to_sample": 300,
        "stop_sequences": ["\n\nHuman:", "END"],
        "temperature": 0.5,
        "metadata": {"user_id": "13803d75-b4b5-4c3e-b2a2-6f21399b021b"}
    })
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    requests.remove(0)
}

fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().expect("a text header").to_string())
}

async fn answering_json(body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "req_complete")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    server
}

async fn answering_events(events: &[Value]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "req_stream")
                .set_body_raw(sse(events, "\n"), "text/event-stream"),
        )
        .mount(&server)
        .await;
    server
}

/// A `completion` event: the next piece of text, as a whole Completion.
fn piece(text: &str, stop_reason: Option<&str>) -> Value {
    json!({
        "type": "completion",
        "id": "compl_01XnbbXkbgaQxvK7qYrnfJGB",
        "completion": text,
        "stop_reason": stop_reason,
        "model": "claude-2.1"
    })
}

async fn open(client: &Client) -> EventStream<CompletionStreamEvent> {
    tokio::time::timeout(
        HANG_GUARD,
        client.completions().create_stream(full_params()).send(),
    )
    .await
    .expect("not hung")
    .expect("the stream opens")
}

async fn drain(
    stream: EventStream<CompletionStreamEvent>,
) -> Vec<Result<CompletionStreamEvent, Error>> {
    tokio::time::timeout(HANG_GUARD, stream.collect::<Vec<_>>())
        .await
        .expect("not hung")
}

// ---- create ----

#[tokio::test]
async fn create_posts_the_body_as_built_without_stream() {
    let server = answering_json(fixtures::json("completions/completion.json")).await;
    client(&server)
        .completions()
        .create(full_params())
        .send()
        .await
        .expect("a completion");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/v1/complete");
    assert_eq!(request.url.query(), None);
    // `create` answers with one JSON body: a `stream: true` in the params
    // would ask for events it cannot read, so it is not sent.
    assert_eq!(body_json(&request), full_params_json());
    assert_eq!(header(&request, "x-api-key").as_deref(), Some(API_KEY));
    assert_eq!(
        header(&request, "anthropic-version").as_deref(),
        Some("2023-06-01")
    );
    assert_eq!(
        header(&request, "accept").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        header(&request, "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(header(&request, "anthropic-beta"), None);
}

#[tokio::test]
async fn create_sends_the_docs_example_and_decodes_the_example_completion() {
    let server = answering_json(fixtures::json("completions/completion.json")).await;
    let completion = client(&server)
        .completions()
        .create(types::CompletionCreateParams::new(
            "claude-opus-4-6",
            256,
            "\n\nHuman: Hello, world!\n\nAssistant:",
        ))
        .send()
        .await
        .expect("the example completion");
    assert_eq!(
        body_json(&only_request(&server).await),
        fixtures::json("completions/create.request.json")
    );
    assert_eq!(completion.request_id(), Some("req_complete"));
    // Field by field: a response type is read, not built.
    let Completion {
        completion: text,
        id,
        model,
        stop_reason,
        type_,
        ..
    } = &*completion;
    assert_eq!(text, " Hello! My name is Claude.");
    assert_eq!(id, "compl_018CKm6gsux7P8yMcwZbeCPw");
    assert_eq!(*model, types::Model::from("claude-2.1"));
    assert_eq!(*stop_reason, Some(CompletionStopReason::StopSequence));
    assert_eq!(*type_, types::CompletionType::Completion);
}

#[tokio::test]
async fn request_betas_and_client_betas_share_one_header() {
    let server = answering_json(fixtures::json("completions/completion.json")).await;
    let client = builder(&server.uri())
        .max_retries(0)
        .beta("client-beta")
        .build()
        .expect("a valid client");
    client
        .completions()
        .create(full_params())
        .anthropic_beta([types::AnthropicBeta::TokenCounting20241101])
        .send()
        .await
        .expect("a completion");
    assert_eq!(
        header(&only_request(&server).await, "anthropic-beta").as_deref(),
        Some("token-counting-2024-11-01,client-beta")
    );
}

// ---- create_stream ----

#[tokio::test]
async fn create_stream_sends_stream_true_and_decodes_each_event() {
    let unknown = json!({"type": "completion_annotation", "note": {"k": [1, 2]}});
    let events = vec![
        piece(" The sky", None),
        ping(),
        piece(" looks blue because", None),
        unknown.clone(),
        piece(" of Rayleigh scattering.", None),
        piece("", Some("stop_sequence")),
    ];
    let server = answering_events(&events).await;
    let stream = open(&client(&server)).await;
    assert_eq!(stream.request_id(), Some("req_stream"));
    let items: Vec<CompletionStreamEvent> = drain(stream)
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("no error");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/v1/complete");
    let mut expected_body = full_params_json();
    expected_body["stream"] = json!(true);
    assert_eq!(body_json(&request), expected_body);
    assert_eq!(
        header(&request, "accept").as_deref(),
        Some("text/event-stream")
    );

    let tags: Vec<&str> = items.iter().map(|e| e.tag()).collect();
    assert_eq!(
        tags,
        [
            "completion",
            "ping",
            "completion",
            "completion_annotation",
            "completion",
            "completion"
        ]
    );
    assert_eq!(items[3], CompletionStreamEvent::Other(unknown));
    let pieces: Vec<&Completion> = items
        .iter()
        .filter_map(|e| match e {
            CompletionStreamEvent::Completion(c) => Some(c),
            _ => None,
        })
        .collect();
    let text: String = pieces.iter().map(|c| c.completion.as_str()).collect();
    assert_eq!(text, " The sky looks blue because of Rayleigh scattering.");
    let stops: Vec<Option<&CompletionStopReason>> =
        pieces.iter().map(|c| c.stop_reason.as_ref()).collect();
    assert_eq!(
        stops,
        [None, None, None, Some(&CompletionStopReason::StopSequence)],
        "only the last event says why it stopped"
    );
}

#[tokio::test]
async fn an_error_event_mid_stream_is_a_typed_api_error_that_ends_the_stream() {
    let events = vec![
        piece(" The sky", None),
        json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        // Never read: the error ends the stream.
        piece(" is blue.", Some("stop_sequence")),
    ];
    let server = answering_events(&events).await;
    let items = drain(open(&client(&server)).await).await;
    assert_eq!(items.len(), 2, "one piece, then the error: {items:?}");
    assert!(
        matches!(&items[0], Ok(CompletionStreamEvent::Completion(c)) if c.completion == " The sky"),
        "{:?}",
        items[0]
    );
    let error = items[1].as_ref().expect_err("the error event");
    let api = error.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 200, "the stream's own status");
    assert_eq!(api.error_type(), &types::ErrorType::OverloadedError);
    assert_eq!(api.message(), "Overloaded");
    assert_eq!(error.request_id(), Some("req_stream"));
    assert!(error.is_retryable());
}
