//! A streamed beta reply, accumulated, against the same reply unstreamed:
//! thinking (thinking and signature deltas), a server tool call (its input
//! in JSON fragments) and its result, text with citations (a citations
//! delta), an MCP call and its result, served as server-sent events by a
//! scripted server in pieces cut at awkward places, read through
//! `client.beta().messages().create_stream(..)`.

use std::time::Duration;

use anthropic_client::types::{self, BetaMessageStreamEvent as Event};
use anthropic_client::{Client, MessageAccumulator};
use futures::TryStreamExt;
use serde_json::{json, Value};
use workspace_tests::runtime::client;
use workspace_tests::sse_server::{
    block_start, block_stop, delta, json_delta, message_stop, ping, sse, text_delta, Reply,
    ScriptedServer,
};

/// A guard against a hang: generous, never reached when the code works.
const HANG_GUARD: Duration = Duration::from_secs(20);

const SIGNATURE: &str = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";

fn citation() -> Value {
    json!({"type": "web_search_result_location", "cited_text": "Sunny, 21°C in Paris today",
           "url": "https://weather.example/paris", "title": "Paris weather",
           "encrypted_index": "Eo8BCioIAhgBIiQ"})
}

fn search_result() -> Value {
    json!({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE",
           "content": [{"type": "web_search_result", "url": "https://weather.example/paris",
                        "title": "Paris weather", "encrypted_content": "EqgfCioIARgBIiQ3YTAw",
                        "page_age": "1 hour ago"}]})
}

fn mcp_result() -> Value {
    json!({"type": "mcp_tool_result", "tool_use_id": "mcptoolu_014Q35RayjACSWkSj4X2yov1",
           "is_error": false, "content": [{"type": "text", "text": "3 open issues"}]})
}

/// A block of a type this crate does not know, with no delta.
fn future_block() -> Value {
    json!({"type": "hologram", "id": "holo_1", "frames": [{"t": 0}]})
}

fn start_usage() -> Value {
    json!({"input_tokens": 472, "output_tokens": 3, "cache_creation_input_tokens": 0,
           "cache_read_input_tokens": 0,
           "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
           "server_tool_use": null, "service_tier": "standard", "inference_geo": null})
}

fn container() -> Value {
    json!({"id": "container_011CZ", "expires_at": "2025-09-01T12:00:00Z",
           "skills": [{"skill_id": "pptx", "type": "anthropic", "version": "latest"}]})
}

/// The reply as events, in the order and shape the API streams them.
fn events() -> Vec<Value> {
    vec![
        json!({"type": "message_start", "message": {
            "id": "msg_01Beta", "type": "message", "role": "assistant", "content": [],
            "model": "claude-sonnet-4-5-20250929", "stop_reason": null, "stop_sequence": null,
            "container": null, "context_management": null, "usage": start_usage()
        }}),
        // 0: thinking.
        block_start(
            0,
            json!({"type": "thinking", "thinking": "", "signature": ""}),
        ),
        ping(),
        delta(
            0,
            json!({"type": "thinking_delta", "thinking": "The user wants the weather "}),
        ),
        delta(
            0,
            json!({"type": "thinking_delta", "thinking": "in Paris; I will search."}),
        ),
        delta(
            0,
            json!({"type": "signature_delta", "signature": SIGNATURE}),
        ),
        block_stop(0),
        // 1: the server tool call, its input in fragments.
        block_start(
            1,
            json!({"type": "server_tool_use", "id": "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE",
                   "name": "web_search", "input": {}}),
        ),
        json_delta(1, ""),
        json_delta(1, "{\"query\": \"weat"),
        json_delta(1, "her Paris ☀\"}"),
        block_stop(1),
        // 2: its result, whole in its start.
        block_start(2, search_result()),
        block_stop(2),
        // 3: cited text.
        block_start(3, json!({"type": "text", "text": "", "citations": null})),
        delta(
            3,
            json!({"type": "citations_delta", "citation": citation()}),
        ),
        text_delta(3, "It is sunny "),
        text_delta(3, "in Paris (21°C)."),
        block_stop(3),
        // 4: the MCP call, its input in fragments.
        block_start(
            4,
            json!({"type": "mcp_tool_use", "id": "mcptoolu_014Q35RayjACSWkSj4X2yov1",
                   "name": "search_issues", "server_name": "github", "input": {}}),
        ),
        json_delta(4, "{\"repo\": \"anthropics/x\", "),
        json_delta(4, "\"state\": \"open\"}"),
        block_stop(4),
        // 5: its result.
        block_start(5, mcp_result()),
        block_stop(5),
        // 6: a block this crate does not know.
        block_start(6, future_block()),
        block_stop(6),
        // 7: more text.
        block_start(7, json!({"type": "text", "text": "", "citations": null})),
        text_delta(7, " There are 3 open issues. 🦀"),
        block_stop(7),
        json!({"type": "message_delta",
               "delta": {"stop_reason": "end_turn", "stop_sequence": null, "container": container()},
               "context_management": {"applied_edits": []},
               "usage": {"output_tokens": 510, "input_tokens": 472,
                         "cache_creation_input_tokens": null, "cache_read_input_tokens": null,
                         "server_tool_use": {"web_search_requests": 1, "web_fetch_requests": 0}}}),
        message_stop(),
    ]
}

/// The same reply as the API answers it unstreamed.
fn unstreamed() -> Value {
    let mut usage = start_usage();
    usage["output_tokens"] = json!(510);
    usage["server_tool_use"] = json!({"web_search_requests": 1, "web_fetch_requests": 0});
    json!({
        "id": "msg_01Beta", "type": "message", "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [
            {"type": "thinking",
             "thinking": "The user wants the weather in Paris; I will search.",
             "signature": SIGNATURE},
            {"type": "server_tool_use", "id": "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE",
             "name": "web_search", "input": {"query": "weather Paris ☀"}},
            search_result(),
            {"type": "text", "text": "It is sunny in Paris (21°C).", "citations": [citation()]},
            {"type": "mcp_tool_use", "id": "mcptoolu_014Q35RayjACSWkSj4X2yov1",
             "name": "search_issues", "server_name": "github",
             "input": {"repo": "anthropics/x", "state": "open"}},
            mcp_result(),
            future_block(),
            {"type": "text", "text": " There are 3 open issues. 🦀", "citations": null}
        ],
        "stop_reason": "end_turn", "stop_sequence": null,
        "container": container(), "context_management": {"applied_edits": []},
        "usage": usage
    })
}

fn params() -> types::BetaMessageCreateParams {
    let mut params = types::BetaMessageCreateParams::new(
        "claude-sonnet-4-5",
        2048,
        [types::BetaMessageParam::user(
            "What's the weather in Paris, and how many issues are open?",
        )],
    );
    params.thinking = Some(types::BetaThinkingConfigParam::enabled(1024));
    params.tools = vec![types::BetaWebSearchTool20250305::new().into()];
    params
}

/// The SSE body cut into pieces at every 97th byte, so that events, lines
/// and multi-byte characters are split across reads.
async fn serve() -> ScriptedServer {
    let body = sse(&events(), "\n");
    let cuts: Vec<usize> = (1..body.len()).step_by(97).collect();
    ScriptedServer::start(vec![Reply::stream_in_pieces(&body, &cuts)]).await
}

async fn open(client: &Client) -> anthropic_client::EventStream<Event> {
    tokio::time::timeout(
        HANG_GUARD,
        client
            .beta()
            .messages()
            .create_stream(params())
            .anthropic_beta(["mcp-client-2025-11-20"])
            .send(),
    )
    .await
    .expect("not hung")
    .expect("the stream opens")
}

fn expected() -> types::BetaMessage {
    serde_json::from_value(unstreamed()).expect("the unstreamed reply decodes")
}

#[tokio::test]
async fn the_accumulated_stream_equals_the_unstreamed_reply() {
    let server = serve().await;
    let client = client(&server.url);
    let message = tokio::time::timeout(HANG_GUARD, open(&client).await.final_message())
        .await
        .expect("not hung")
        .expect("a complete message");

    let expected = expected();
    assert_eq!(message, expected);
    assert_eq!(
        serde_json::to_value(&message).expect("serializes"),
        serde_json::to_value(&expected).expect("serializes")
    );
    // A few fields by name, so that a failure says what went wrong.
    assert_eq!(message.content.len(), 8);
    assert!(matches!(&message.content[0],
        types::BetaContentBlock::Thinking(t) if t.signature == SIGNATURE));
    assert!(matches!(&message.content[1],
        types::BetaContentBlock::ServerToolUse(s) if s.input.get("query") == Some(&json!("weather Paris ☀"))));
    assert!(matches!(&message.content[3],
        types::BetaContentBlock::Text(t) if t.citations.as_ref().map(Vec::len) == Some(1)));
    assert!(matches!(&message.content[5],
        types::BetaContentBlock::McpToolResult(r) if !r.is_error));
    assert_eq!(
        message.content[6],
        types::BetaContentBlock::Other(future_block())
    );
    assert_eq!(
        message
            .usage
            .server_tool_use
            .as_ref()
            .map(|s| s.web_search_requests),
        Some(1)
    );
    assert_eq!(message.usage.output_tokens, 510);
    assert_eq!(message.usage.cache_read_input_tokens, Some(0));
    assert_eq!(
        message.container.as_ref().map(|c| c.id.as_str()),
        Some("container_011CZ")
    );
    assert_eq!(
        message.text(),
        "It is sunny in Paris (21°C). There are 3 open issues. 🦀"
    );

    // The request: the beta surface, streamed, with the beta asked for.
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].line, "POST /v1/messages?beta=true HTTP/1.1");
    assert_eq!(
        received[0].header("anthropic-beta"),
        Some("mcp-client-2025-11-20")
    );
    let body = received[0].json();
    assert_eq!(body["stream"], json!(true));
    assert_eq!(
        body["thinking"],
        json!({"type": "enabled", "budget_tokens": 1024})
    );
}

#[tokio::test]
async fn text_deltas_yield_the_text_in_order_then_the_final_message() {
    let server = serve().await;
    let client = client(&server.url);
    let mut stream = open(&client).await.accumulate();
    let texts: Vec<String> = tokio::time::timeout(HANG_GUARD, stream.text_deltas().try_collect())
        .await
        .expect("not hung")
        .expect("no error");
    assert_eq!(
        texts,
        [
            "It is sunny ",
            "in Paris (21°C).",
            " There are 3 open issues. 🦀"
        ]
    );
    // The deltas drained the stream; the message was built meanwhile.
    assert_eq!(stream.message().as_ref(), Some(&expected()));
    let message = stream.final_message().await.expect("complete");
    assert_eq!(message, expected());
}

#[tokio::test]
async fn thinking_deltas_yield_the_thinking_in_order() {
    let server = serve().await;
    let client = client(&server.url);
    let mut stream = open(&client).await.accumulate();
    let thinking: Vec<String> =
        tokio::time::timeout(HANG_GUARD, stream.thinking_deltas().try_collect())
            .await
            .expect("not hung")
            .expect("no error");
    assert_eq!(
        thinking,
        ["The user wants the weather ", "in Paris; I will search."]
    );
    assert_eq!(stream.final_message().await.expect("complete"), expected());
}

#[tokio::test]
async fn the_typed_events_and_a_hand_driven_accumulator_agree() {
    let server = serve().await;
    let client = client(&server.url);
    let events: Vec<Event> = tokio::time::timeout(HANG_GUARD, open(&client).await.try_collect())
        .await
        .expect("not hung")
        .expect("no error");
    let sent = self::events();
    assert_eq!(events.len(), sent.len());
    for (event, json) in events.iter().zip(&sent) {
        assert_eq!(event.tag(), json["type"], "{json}");
        assert!(
            !matches!(event, Event::Other(_)),
            "a documented event is unknown: {json}"
        );
    }
    let kinds: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::ContentBlockDelta(d) => Some(d.delta.tag()),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "thinking_delta",
            "thinking_delta",
            "signature_delta",
            "input_json_delta",
            "input_json_delta",
            "input_json_delta",
            "citations_delta",
            "text_delta",
            "text_delta",
            "input_json_delta",
            "input_json_delta",
            "text_delta"
        ]
    );
    let mut accumulator: MessageAccumulator<Event> = MessageAccumulator::new();
    for event in &events {
        accumulator.push(event).expect("the event fits");
    }
    assert!(accumulator.is_complete());
    assert_eq!(accumulator.finish().expect("complete"), expected());
}

/// A compaction (its summary in a `compaction_delta`), a code execution
/// call and its result, and a delta and an event of types this crate does
/// not know, which change nothing.
fn compaction_events() -> Vec<Value> {
    vec![
        json!({"type": "message_start", "message": {
            "id": "msg_01Compact", "type": "message", "role": "assistant", "content": [],
            "model": "claude-opus-4-6", "stop_reason": null, "stop_sequence": null,
            "usage": start_usage()
        }}),
        block_start(0, json!({"type": "compaction", "content": ""})),
        delta(
            0,
            json!({"type": "compaction_delta", "content": "The user asked about Paris."}),
        ),
        block_stop(0),
        block_start(
            1,
            json!({"type": "server_tool_use", "id": "srvtoolu_02", "name": "bash_code_execution",
                   "input": {}}),
        ),
        json_delta(1, "{\"command\": \"ls /tmp\"}"),
        json!({"type": "hologram_event", "payload": 1}),
        block_stop(1),
        block_start(
            2,
            json!({"type": "bash_code_execution_tool_result", "tool_use_id": "srvtoolu_02",
                   "content": {"type": "bash_code_execution_result", "stdout": "a.txt\n",
                               "stderr": "", "return_code": 0, "content": []}}),
        ),
        delta(2, json!({"type": "hologram_delta", "frame": 2})),
        block_stop(2),
        json!({"type": "message_delta",
        "delta": {"stop_reason": "pause_turn", "stop_sequence": null},
        "usage": {"output_tokens": 90, "iterations": [
            {"type": "compaction", "input_tokens": 400, "output_tokens": 30,
             "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
            {"type": "message", "input_tokens": 72, "output_tokens": 60,
             "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        ]}}),
        message_stop(),
    ]
}

fn compaction_unstreamed() -> Value {
    let mut usage = start_usage();
    usage["output_tokens"] = json!(90);
    usage["iterations"] = json!([
        {"type": "compaction", "input_tokens": 400, "output_tokens": 30,
         "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
        {"type": "message", "input_tokens": 72, "output_tokens": 60,
         "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    ]);
    json!({
        "id": "msg_01Compact", "type": "message", "role": "assistant", "model": "claude-opus-4-6",
        "content": [
            {"type": "compaction", "content": "The user asked about Paris."},
            {"type": "server_tool_use", "id": "srvtoolu_02", "name": "bash_code_execution",
             "input": {"command": "ls /tmp"}},
            {"type": "bash_code_execution_tool_result", "tool_use_id": "srvtoolu_02",
             "content": {"type": "bash_code_execution_result", "stdout": "a.txt\n",
                         "stderr": "", "return_code": 0, "content": []}}
        ],
        "stop_reason": "pause_turn", "stop_sequence": null, "usage": usage
    })
}

#[tokio::test]
async fn a_compaction_and_a_code_execution_accumulate_to_the_unstreamed_reply() {
    let body = sse(&compaction_events(), "\r\n");
    let cuts: Vec<usize> = (1..body.len()).step_by(61).collect();
    let server = ScriptedServer::start(vec![Reply::stream_in_pieces(&body, &cuts)]).await;
    let client = client(&server.url);
    let message = tokio::time::timeout(HANG_GUARD, open(&client).await.final_message())
        .await
        .expect("not hung")
        .expect("a complete message");
    let expected: types::BetaMessage =
        serde_json::from_value(compaction_unstreamed()).expect("decodes");
    assert_eq!(message, expected);
    assert!(matches!(&message.content[0],
        types::BetaContentBlock::Compaction(c) if c.content.as_deref() == Some("The user asked about Paris.")));
    assert_eq!(message.stop_reason, Some(types::BetaStopReason::PauseTurn));
    assert_eq!(
        message.usage.iterations.as_ref().map(Vec::len),
        Some(2),
        "{:?}",
        message.usage
    );
    // The reply goes back as the next turn, the compaction with it.
    let turn = message.to_param().expect("sendable");
    let turn = serde_json::to_value(&turn).expect("serializes");
    assert_eq!(turn["content"], compaction_unstreamed()["content"]);
}
