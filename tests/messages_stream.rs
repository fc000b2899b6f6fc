//! Streaming Messages: SSE parsing, typed events, the accumulated message.
//!
//! Against wiremock for what the request looks like on the wire, and
//! against a scripted TCP server (`support::sse_server`) where the test
//! needs control of the pieces a body arrives in, of when they arrive, or a
//! connection dropped in the middle of a body.

use std::sync::Arc;
use std::time::Duration;

use anthropic_client::types::{self, MessageStreamEvent, RawContentBlockDelta};
use anthropic_client::{Client, Error, EventStream};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use tokio::sync::Notify;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::messages::user;
use workspace_tests::runtime::{builder, client, API_KEY};
use workspace_tests::sse_server::*;

/// A guard against a hang (a client that waits for the whole body would
/// wait forever on a server that waits for it): generous, never reached
/// when the code works.
const HANG_GUARD: Duration = Duration::from_secs(20);

fn params() -> types::MessageCreateParams {
    types::MessageCreateParams::new("claude-sonnet-4-5", 1024, vec![user("Hello, Claude")])
}

fn message(value: Value) -> types::Message {
    serde_json::from_value(value).expect("the expected message decodes")
}

async fn open(client: &Client) -> EventStream<MessageStreamEvent> {
    tokio::time::timeout(HANG_GUARD, client.messages().create_stream(params()).send())
        .await
        .expect("not hung")
        .expect("the stream opens")
}

/// Every item of the stream, errors included, up to its end.
async fn drain(stream: EventStream<MessageStreamEvent>) -> Vec<Result<MessageStreamEvent, Error>> {
    tokio::time::timeout(HANG_GUARD, stream.collect::<Vec<_>>())
        .await
        .expect("not hung")
}

fn tags(events: &[MessageStreamEvent]) -> Vec<&str> {
    events.iter().map(|e| e.tag()).collect()
}

async fn sse_mock(body: Vec<u8>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "req_wire")
                .insert_header("anthropic-ratelimit-requests-remaining", "49")
                .set_body_raw(body, "text/event-stream"),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn text_reply_request_on_the_wire_and_typed_events() {
    let server = sse_mock(sse(&text_reply(), "\n")).await;
    let client = builder(&server.uri())
        .beta("some-beta")
        .build()
        .expect("client");
    let stream = tokio::time::timeout(
        HANG_GUARD,
        client
            .messages()
            .create_stream(params())
            .header("x-trace", "t-1")
            .send(),
    )
    .await
    .expect("not hung")
    .expect("the stream opens");
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.request_id(), Some("req_wire"));
    assert_eq!(stream.rate_limits().requests.remaining, Some(49));

    let events: Vec<MessageStreamEvent> = drain(stream)
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("no error");
    assert_eq!(
        tags(&events),
        [
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    let MessageStreamEvent::ContentBlockDelta(d) = &events[4] else {
        panic!("{:?}", events[4])
    };
    assert_eq!(d.index, 0);
    assert!(
        matches!(&d.delta, RawContentBlockDelta::TextDelta(t) if t.text == "How can I héłp? ✓🦀"),
        "{d:?}"
    );
    assert!(matches!(events[2], MessageStreamEvent::Ping(_)));

    let requests = server.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/v1/messages");
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(header("x-api-key").as_deref(), Some(API_KEY));
    assert_eq!(header("anthropic-version").as_deref(), Some("2023-06-01"));
    assert_eq!(header("anthropic-beta").as_deref(), Some("some-beta"));
    assert_eq!(header("accept").as_deref(), Some("text/event-stream"));
    assert_eq!(header("content-type").as_deref(), Some("application/json"));
    assert_eq!(header("x-trace").as_deref(), Some("t-1"));
    assert_eq!(
        header("api-version"),
        None,
        "progenitor's header is dropped"
    );
    let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(
        body,
        json!({
            "model": "claude-sonnet-4-5",
            "max_tokens": 1024,
            "messages": [{"role": "user", "content": "Hello, Claude"}],
            "stream": true
        })
    );
}

#[tokio::test]
async fn stream_true_overrides_a_body_that_says_false() {
    let server = sse_mock(sse(&text_reply(), "\n")).await;
    let client = client(&server.uri());
    let mut body = params();
    body.stream = Some(false);
    let stream = client
        .messages()
        .create_stream(body)
        .send()
        .await
        .expect("opens");
    stream.final_message().await.expect("complete");
    let requests = server.received_requests().await.expect("recording on");
    let sent: Value = serde_json::from_slice(&requests[0].body).expect("JSON body");
    assert_eq!(sent["stream"], json!(true));
}

#[tokio::test]
async fn text_reply_accumulates_to_the_final_message() {
    let server = sse_mock(sse(&text_reply(), "\n")).await;
    let client = client(&server.uri());
    let final_message = tokio::time::timeout(HANG_GUARD, open(&client).await.final_message())
        .await
        .expect("not hung")
        .expect("a complete message");
    assert_eq!(final_message, message(text_reply_message()));
}

#[tokio::test]
async fn tool_use_reply_assembles_the_input_json() {
    let server = sse_mock(sse(&tool_reply(), "\n")).await;
    let client = client(&server.uri());
    let final_message = open(&client)
        .await
        .final_message()
        .await
        .expect("a complete message");
    assert_eq!(final_message, message(tool_reply_message()));
    let types::ContentBlock::ToolUse(call) = &final_message.content[1] else {
        panic!("{:?}", final_message.content)
    };
    assert_eq!(call.input["unit"], json!("fahrenheit"));
    assert_eq!(final_message.stop_reason, Some(types::StopReason::ToolUse));
}

#[tokio::test]
async fn thinking_reply_keeps_thinking_and_signature() {
    let server = sse_mock(sse(&thinking_reply(), "\n")).await;
    let client = client(&server.uri());
    let final_message = open(&client)
        .await
        .final_message()
        .await
        .expect("a complete message");
    assert_eq!(final_message, message(thinking_reply_message()));
}

#[tokio::test]
async fn text_deltas_arrive_in_order_then_the_final_message() {
    let server = sse_mock(sse(&tool_reply(), "\n")).await;
    let client = client(&server.uri());
    let mut stream = open(&client).await.accumulate();
    assert_eq!(stream.request_id(), Some("req_wire"));
    let texts: Vec<String> = stream.text_deltas().try_collect().await.expect("no error");
    assert_eq!(
        texts,
        ["Okay, let's check the weather for San Francisco, CA:"]
    );
    // The message is complete as soon as the deltas end.
    assert!(stream.accumulator().is_complete());
    let final_message = stream.final_message().await.expect("complete");
    assert_eq!(final_message, message(tool_reply_message()));
}

#[tokio::test]
async fn message_stream_exposes_the_message_so_far() {
    let server = sse_mock(sse(&text_reply(), "\n")).await;
    let client = client(&server.uri());
    let mut stream = open(&client).await.accumulate();
    assert!(stream.message().is_none());
    let mut texts_seen = Vec::new();
    while let Some(event) = stream.next_event().await {
        event.expect("no error");
        if let Some(types::ContentBlock::Text(t)) =
            stream.message().and_then(|m| m.content.first().cloned())
        {
            texts_seen.push(t.text.clone());
        }
    }
    texts_seen.dedup();
    assert_eq!(texts_seen, ["", "Hello! ", "Hello! How can I héłp? ✓🦀"]);
}

/// The body cut into pieces at awkward places: inside `event:`, between
/// the CR and LF of a CRLF, inside a multi-byte UTF-8 character, between
/// the two blank-line newlines; and one byte at a time. Each piece is its
/// own HTTP chunk and TCP write.
#[tokio::test]
async fn events_split_across_chunks_at_awkward_points() {
    let events = text_reply();
    for eol in ["\n", "\r\n", "\r"] {
        let body = sse(&events, eol);
        let find = |needle: &[u8]| {
            body.windows(needle.len())
                .position(|w| w == needle)
                .expect("needle in body")
        };
        let crab = find("🦀".as_bytes());
        let mut cuts = vec![
            3, // "eve|nt: message_start"
            find(b"message_start") + 7,
            find(b"data: ") + 2, // "da|ta: "
            crab + 1,            // inside the 4-byte crab
            crab + 3,
            find("ł".as_bytes()) + 1,   // inside a 2-byte char
            find(b"}") + 1,             // right after the first JSON, before the newline
            find(b"}") + 1 + eol.len(), // between the two line endings of the blank line
        ];
        if eol == "\r\n" {
            cuts.push(find(b"\r\n") + 1); // between CR and LF
        }
        cuts.sort_unstable();
        cuts.dedup();
        let one_byte_cuts: Vec<usize> = (1..body.len()).collect();
        for (label, cuts) in [("awkward", cuts), ("one byte", one_byte_cuts)] {
            let server = ScriptedServer::start(vec![Reply::stream_in_pieces(&body, &cuts)]).await;
            let client = client(&server.url);
            let items = drain(open(&client).await).await;
            let events: Vec<MessageStreamEvent> = items
                .into_iter()
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{label} cuts, eol {eol:?}: {e}"));
            let expected: Vec<MessageStreamEvent> = text_reply()
                .into_iter()
                .map(|v| serde_json::from_value(v).expect("event"))
                .collect();
            assert_eq!(events, expected, "{label} cuts, eol {eol:?}");
        }
    }
}

#[tokio::test]
async fn multi_line_data_and_comments() {
    // The message_start JSON pretty-printed, one `data:` line per line
    // (joined again with "\n", JSON whitespace), with comments around and
    // inside the event, and `data:` lines with and without the space.
    let pretty = serde_json::to_string_pretty(&message_start("msg_text")).expect("JSON");
    assert!(pretty.lines().count() > 10, "many data lines");
    let mut body = b": connected\n\nevent: message_start\n".to_vec();
    for (i, line) in pretty.lines().enumerate() {
        let field = if i % 2 == 0 { "data: " } else { "data:" };
        body.extend_from_slice(format!("{field}{line}\n").as_bytes());
        if i == 3 {
            body.extend_from_slice(b": a comment inside the event\n");
        }
    }
    body.extend_from_slice(b"\n");
    body.extend(sse(&text_reply()[1..], "\n"));
    body.extend_from_slice(b": trailing keep-alive\n\n");
    let server = ScriptedServer::start(vec![Reply::stream(vec![Step::Chunk(body)])]).await;
    let client = client(&server.url);
    let final_message = open(&client).await.final_message().await.expect("complete");
    assert_eq!(final_message, message(text_reply_message()));
}

#[tokio::test]
async fn unknown_event_type_mid_stream_is_other_and_does_not_disturb_the_message() {
    let mut events = text_reply();
    let unknown = json!({"type": "content_block_annotation", "index": 0, "note": {"k": [1, 2]}});
    events.insert(4, unknown.clone());
    let server = sse_mock(sse(&events, "\n")).await;
    let client = client(&server.uri());

    let items: Vec<MessageStreamEvent> = drain(open(&client).await)
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("an unknown event is not an error");
    assert_eq!(items.len(), events.len());
    assert_eq!(items[4], MessageStreamEvent::Other(unknown));
    assert_eq!(items[4].tag(), "content_block_annotation");

    let final_message = open(&client).await.final_message().await.expect("complete");
    assert_eq!(final_message, message(text_reply_message()));
}

#[tokio::test]
async fn error_event_after_200_is_a_typed_api_error_then_the_end() {
    let mut events = text_reply()[..4].to_vec();
    events.push(json!({"type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"}}));
    // Anything after the error is not read.
    events.extend(text_reply()[4..].to_vec());
    let server = sse_mock(sse(&events, "\n")).await;
    let client = client(&server.uri());

    let mut stream = open(&client).await;
    for expected in [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
    ] {
        let event = stream.next().await.expect("an item").expect("an event");
        assert_eq!(event.tag(), expected);
    }
    let err = stream
        .next()
        .await
        .expect("an item")
        .expect_err("the error event");
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, 200);
    assert_eq!(api.error_type(), &types::ErrorType::OverloadedError);
    assert_eq!(api.message(), "Overloaded");
    assert_eq!(err.request_id(), Some("req_wire"));
    assert!(err.is_overloaded());
    // The 200 status says nothing; the error type says try again.
    assert!(err.is_retryable());
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
    assert!(stream.next().await.is_none(), "and stays ended");

    let err = open(&client)
        .await
        .final_message()
        .await
        .expect_err("no final message");
    assert_eq!(err.error_type(), Some(&types::ErrorType::OverloadedError));
}

#[tokio::test]
async fn an_error_is_told_by_its_data_whatever_the_event_is_named() {
    // No `event:` line (so the event is named `message`), and an `error`
    // event whose message text itself mentions "error" in quotes.
    let data = json!({"type": "error",
        "error": {"type": "api_error", "message": "an \"error\" inside"}});
    let body = format!(
        "event: content_block_delta\ndata: {}\n\ndata: {data}\n\n",
        json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "text_delta", "text": "say \"error\""}})
    );
    let server = sse_mock(body.into_bytes()).await;
    let client = client(&server.uri());

    let mut stream = open(&client).await;
    // Text that mentions "error" is still an ordinary event.
    let event = stream.next().await.expect("an item").expect("an event");
    assert_eq!(event.tag(), "content_block_delta");
    let err = stream
        .next()
        .await
        .expect("an item")
        .expect_err("the error");
    assert_eq!(err.error_type(), Some(&types::ErrorType::ApiError));
    assert_eq!(
        err.api_error().map(|e| e.message()),
        Some("an \"error\" inside")
    );
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn connection_dropped_mid_stream_is_a_connection_error_then_the_end() {
    let body = sse(&tool_reply(), "\n");
    let cut = body.len() / 2;
    let server = ScriptedServer::start(vec![Reply::stream(vec![
        Step::Chunk(body[..cut].to_vec()),
        Step::Drop,
    ])])
    .await;
    let client = builder(&server.url).max_retries(3).build().expect("client");
    let items = drain(open(&client).await).await;
    let (last, events) = items.split_last().expect("some items");
    assert!(
        events.len() >= 3,
        "the events before the cut arrive: {events:?}"
    );
    assert!(events.iter().all(Result::is_ok), "{events:?}");
    let err = last.as_ref().expect_err("the drop is an error");
    assert!(err.is_connection(), "{err:?}");
    assert_eq!(server.received().len(), 1, "nothing is retried mid-stream");

    let err = open(&client)
        .await
        .final_message()
        .await
        .expect_err("no final message");
    assert!(err.is_connection(), "{err:?}");
}

#[tokio::test]
async fn malformed_event_data_is_a_decode_error_with_the_bytes() {
    let mut body = sse(&text_reply()[..2], "\n");
    body.extend_from_slice(
        b"event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0,\n\n",
    );
    body.extend(sse(&text_reply()[2..], "\n"));
    let server = sse_mock(body).await;
    let client = client(&server.uri());
    let items = drain(open(&client).await).await;
    assert_eq!(items.len(), 3, "two events, the error, the end: {items:?}");
    let Err(Error::Decode(e)) = &items[2] else {
        panic!("{:?}", items[2])
    };
    assert_eq!(
        &e.body[..],
        b"{\"type\": \"content_block_delta\", \"index\": 0,"
    );
    assert_eq!(e.status.map(|s| s.as_u16()), Some(200));
    assert_eq!(e.request_id.as_deref(), Some("req_wire"));
}

#[tokio::test]
async fn a_known_event_of_the_wrong_shape_is_a_decode_error() {
    let events = vec![
        message_start("msg_text"),
        json!({"type": "content_block_stop", "index": "zero"}),
    ];
    let server = sse_mock(sse(&events, "\n")).await;
    let client = client(&server.uri());
    let items = drain(open(&client).await).await;
    assert_eq!(items.len(), 2);
    let err = items[1].as_ref().expect_err("bad index");
    assert!(
        matches!(err, Error::Decode(e) if e.reason.contains("content_block_stop")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_body_cut_inside_an_event_is_reported() {
    // The server ends the body cleanly, but in the middle of an event: the
    // SSE rules drop the event; the stream reports the truncation.
    let mut body = sse(&text_reply()[..3], "\n");
    body.extend_from_slice(b"event: content_block_delta\ndata: {\"type\"");
    let server = ScriptedServer::start(vec![Reply::stream(vec![Step::Chunk(body)])]).await;
    let client = client(&server.url);
    let items = drain(open(&client).await).await;
    assert_eq!(items.len(), 4, "{items:?}");
    let Err(Error::Decode(e)) = &items[3] else {
        panic!("{:?}", items[3])
    };
    assert!(e.reason.contains("in the middle of an event"), "{e}");
}

#[tokio::test]
async fn a_stream_that_ends_before_message_stop_has_no_final_message() {
    let body = sse(&text_reply()[..4], "\n");
    let server = ScriptedServer::start(vec![Reply::stream(vec![Step::Chunk(body)])]).await;
    let client = client(&server.url);
    let mut stream = open(&client).await.accumulate();
    while let Some(event) = stream.next().await {
        event.expect("the events that came are fine");
    }
    // What arrived is there...
    let partial = stream.message().expect("message_start arrived").clone();
    assert!(matches!(&partial.content[0], types::ContentBlock::Text(t) if t.text == "Hello! "));
    // ...but it is not a final message.
    let err = stream.final_message().await.expect_err("incomplete");
    let Error::Decode(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.reason.contains("before `message_stop`"), "{e}");
    assert_eq!(e.request_id.as_deref(), Some("req_stream"));
}

/// The stream yields each event as it arrives: the server sends the rest
/// of the body only after the test has received the first text delta.
#[tokio::test]
async fn events_are_yielded_before_the_body_ends() {
    let events = text_reply();
    let gate = Arc::new(Notify::new());
    let server = ScriptedServer::start(vec![Reply::stream(vec![
        Step::Chunk(sse(&events[..4], "\n")),
        Step::Wait(gate.clone()),
        Step::Chunk(sse(&events[4..], "\n")),
    ])])
    .await;
    let client = client(&server.url);
    let mut stream = open(&client).await.accumulate();
    let mut text = stream.text_deltas();
    let first = tokio::time::timeout(HANG_GUARD, text.next())
        .await
        .expect("the first delta arrives while the server waits")
        .expect("an item")
        .expect("no error");
    assert_eq!(first, "Hello! ");
    gate.notify_one();
    let rest: Vec<String> = tokio::time::timeout(HANG_GUARD, text.try_collect())
        .await
        .expect("not hung")
        .expect("no error");
    assert_eq!(rest, ["How can I héłp? ✓🦀"]);
    let final_message = stream.final_message().await.expect("complete");
    assert_eq!(final_message, message(text_reply_message()));
}

#[tokio::test]
async fn error_status_fails_send_with_the_typed_api_error() {
    let server = ScriptedServer::start(vec![Reply::json(
        400,
        &json!({"type": "error", "error": {"type": "invalid_request_error",
            "message": "max_tokens: Field required"}, "request_id": "req_body"}),
    )])
    .await;
    let client = client(&server.url);
    let err = client
        .messages()
        .create_stream(params())
        .send()
        .await
        .expect_err("400");
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, 400);
    assert_eq!(api.error_type(), &types::ErrorType::InvalidRequestError);
    assert_eq!(api.message(), "max_tokens: Field required");
    assert_eq!(err.request_id(), Some("req_400"));
}

#[tokio::test]
async fn error_status_with_an_unreadable_body_is_a_decode_error() {
    let server = ScriptedServer::start(vec![Reply {
        status: 502,
        headers: vec![("content-type".into(), "text/html".into())],
        steps: vec![Step::Chunk(b"<html>Bad gateway</html>".to_vec())],
    }])
    .await;
    let client = builder(&server.url).max_retries(0).build().expect("client");
    let err = client
        .messages()
        .create_stream(params())
        .send()
        .await
        .expect_err("502");
    let Error::Decode(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.status.map(|s| s.as_u16()), Some(502));
    assert_eq!(&e.body[..], b"<html>Bad gateway</html>");
}

#[tokio::test]
async fn opening_the_stream_is_retried() {
    let overloaded = json!({"type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"}});
    let server = ScriptedServer::start(vec![
        Reply::json(529, &overloaded),
        Reply::json(529, &overloaded),
        Reply::stream(vec![Step::Chunk(sse(&text_reply(), "\n"))]),
    ])
    .await;
    let client = client(&server.url);
    let final_message = open(&client)
        .await
        .final_message()
        .await
        .expect("the third attempt streams");
    assert_eq!(final_message, message(text_reply_message()));
    let received = server.received();
    assert_eq!(received.len(), 3);
    for request in &received {
        assert_eq!(request.line, "POST /v1/messages HTTP/1.1");
        assert_eq!(request.json()["stream"], json!(true));
        assert_eq!(request.header("x-api-key"), Some(API_KEY));
    }

    // With the retries turned off for this request, the first 529 is final.
    let server = ScriptedServer::start(vec![
        Reply::json(529, &overloaded),
        Reply::stream(vec![Step::Chunk(sse(&text_reply(), "\n"))]),
    ])
    .await;
    let client = builder(&server.url).build().expect("client");
    let err = client
        .messages()
        .create_stream(params())
        .max_retries(0)
        .send()
        .await
        .expect_err("no retry");
    assert!(err.is_overloaded());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(529));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_success_that_is_not_an_event_stream_is_a_decode_error() {
    let server = ScriptedServer::start(vec![Reply::json(200, &text_reply_message())]).await;
    let client = client(&server.url);
    let err = client
        .messages()
        .create_stream(params())
        .send()
        .await
        .expect_err("JSON, not SSE");
    let Error::Decode(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.reason.contains("application/json"), "{e}");
    assert!(e.body.starts_with(b"{"), "the body is kept");
}

#[tokio::test]
async fn an_invalid_header_fails_before_anything_is_sent() {
    let server = ScriptedServer::start(vec![Reply::stream(vec![])]).await;
    let client = client(&server.url);
    let err = client
        .messages()
        .create_stream(params())
        .header("x-bad", "line\r\nbreak")
        .send()
        .await
        .expect_err("invalid header");
    assert!(
        matches!(&err, Error::InvalidArgument(m) if m.contains("x-bad")),
        "{err:?}"
    );
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn an_event_over_the_size_limit_is_an_error() {
    let mut events = text_reply();
    events[3] = text_delta(0, &"x".repeat(8 * 1024));
    let server = sse_mock(sse(&events, "\n")).await;
    let client = builder(&server.uri())
        .max_response_bytes(4 * 1024)
        .build()
        .expect("client");
    let items = drain(open(&client).await).await;
    assert_eq!(items.len(), 4, "three events, the error: {items:?}");
    let Err(Error::Decode(e)) = &items[3] else {
        panic!("{:?}", items[3])
    };
    assert!(e.reason.contains("4096 bytes"), "{e}");
}

#[tokio::test]
async fn a_stalled_stream_times_out() {
    // The client's timeout bounds each wait for the next bytes of a stream
    // (not the whole stream, which may last long).
    let gate = Arc::new(Notify::new());
    let server = ScriptedServer::start(vec![Reply::stream(vec![
        Step::Chunk(sse(&text_reply()[..2], "\n")),
        Step::Wait(gate.clone()),
    ])])
    .await;
    let client = builder(&server.url)
        .timeout(Duration::from_millis(500))
        .build()
        .expect("client");
    let items = drain(open(&client).await).await;
    gate.notify_one();
    assert_eq!(items.len(), 3, "{items:?}");
    let err = items[2].as_ref().expect_err("timed out");
    assert!(err.is_timeout(), "{err:?}");
}

/// The example stream of the API's streaming guide, byte for byte in shape:
/// the API leaves out fields it has no value for (`citations` of a new text
/// block, most of `usage`), where the reference lists them as nullable.
#[tokio::test]
async fn the_streaming_guide_example_decodes_and_accumulates() {
    let body = r#"event: message_start
data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-opus-4-6", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "output_tokens": 1}}}

event: content_block_start
data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "!"}}

event: content_block_stop
data: {"type": "content_block_stop", "index": 0}

event: message_delta
data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}

event: message_stop
data: {"type": "message_stop"}

"#;
    let server = sse_mock(body.as_bytes().to_vec()).await;
    let client = client(&server.uri());
    let final_message = open(&client)
        .await
        .final_message()
        .await
        .expect("the guide's stream decodes");
    let types::ContentBlock::Text(text) = &final_message.content[0] else {
        panic!("{:?}", final_message.content)
    };
    assert_eq!(text.text, "Hello!");
    assert_eq!(final_message.stop_reason, Some(types::StopReason::EndTurn));
    assert_eq!(final_message.usage.input_tokens, 25);
    assert_eq!(final_message.usage.output_tokens, 15);
}
