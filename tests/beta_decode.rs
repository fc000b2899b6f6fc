//! Decoding the beta Messages replies: every content block, delta and
//! stream event the reference documents (`beta/messages/create.md`,
//! Returns, and the stream event types of `beta/index.md`), the JSON
//! examples of create.md, count_tokens.md and the batches pages, each
//! decoded with its fields checked, and members this crate does not know
//! (block, delta, event, tool-result content, stop reason) kept as they
//! came, serialized back unchanged and passed back by `to_param()`.

use anthropic_client::types::{
    self, BetaContentBlock as Block, BetaContentBlockParam as BlockParam,
    BetaMessageStreamEvent as Event, BetaRawContentBlockDelta as Delta,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

#[track_caller]
fn decode<T: DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("does not decode ({e}): {value:#}"))
}

#[track_caller]
fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("serializes")
}

/// Decodes `value`, checks it serializes back to exactly `value`, and
/// returns it.
#[track_caller]
fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> T {
    let decoded: T = decode(value);
    let again = to_json(&decoded);
    assert!(
        &again == value,
        "the round trip changed the JSON\n--- before ---\n{value:#}\n--- after ---\n{again:#}"
    );
    decoded
}

/// [`round_trip`] for a reply, whose nullable fields (`stop_sequence`) are
/// written absent when null.
#[track_caller]
fn round_trip_reply<T: DeserializeOwned + Serialize>(value: &Value) -> T {
    let decoded: T = decode(value);
    let again = to_json(&decoded);
    let expected = without_nulls(value.clone());
    assert!(
        again == expected,
        "the round trip changed the JSON\n--- before ---\n{expected:#}\n--- after ---\n{again:#}"
    );
    decoded
}

fn usage() -> Value {
    json!({
        "input_tokens": 2095, "output_tokens": 503,
        "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1024,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "server_tool_use": {"web_search_requests": 1, "web_fetch_requests": 1},
        "service_tier": "standard", "inference_geo": "us"
    })
}

/// A `BetaMessage` holding `content`, every other field given.
fn message(content: Value) -> Value {
    json!({
        "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF", "type": "message", "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": content,
        "stop_reason": "end_turn", "stop_sequence": null,
        "container": {"id": "container_011CZ", "expires_at": "2025-09-01T12:00:00Z",
                      "skills": [{"skill_id": "pptx", "type": "anthropic", "version": "latest"}]},
        "context_management": {"applied_edits": [
            {"type": "clear_tool_uses_20250919", "cleared_input_tokens": 3000, "cleared_tool_uses": 2},
            {"type": "clear_thinking_20251015", "cleared_input_tokens": 1200, "cleared_thinking_turns": 1}
        ]},
        "usage": usage()
    })
}

/// `value` without the object entries whose value is `null`: a nullable
/// field of a reply reads `null` and absent alike and is written absent.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

// ---------------------------------------------------------------------------
// 1. Every content block of a reply
// ---------------------------------------------------------------------------

/// One block of each `BetaContentBlock` variant (the server tool results
/// in each of their content kinds), every documented field given.
fn every_block() -> Vec<Value> {
    vec![
        json!({"type": "text", "text": "The sky is blue.", "citations": [
            {"type": "char_location", "cited_text": "The sky is blue.", "document_index": 0,
             "document_title": "Facts", "start_char_index": 0, "end_char_index": 16, "file_id": "file_01"},
            {"type": "page_location", "cited_text": "Revenue grew.", "document_index": 1,
             "document_title": "Report", "start_page_number": 2, "end_page_number": 3, "file_id": "file_02"},
            {"type": "content_block_location", "cited_text": "First chunk", "document_index": 2,
             "document_title": "Chunks", "start_block_index": 0, "end_block_index": 1, "file_id": "file_03"},
            {"type": "web_search_result_location", "cited_text": "Sunny", "url": "https://weather.example",
             "title": "Weather", "encrypted_index": "Eo8B"},
            {"type": "search_result_location", "cited_text": "Use a key.", "search_result_index": 0,
             "source": "https://docs.example", "title": "API", "start_block_index": 0, "end_block_index": 0}
        ]}),
        json!({"type": "thinking", "thinking": "Let me think.", "signature": "EqQBCgIYAhIM"}),
        json!({"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"}),
        json!({"type": "tool_use", "id": "toolu_01", "name": "get_weather",
               "input": {"location": "Paris"},
               "caller": {"type": "code_execution_20250825", "tool_id": "srvtoolu_00"}}),
        json!({"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search",
               "input": {"query": "weather"}, "caller": {"type": "direct"}}),
        json!({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01", "content": [
            {"type": "web_search_result", "url": "https://weather.example", "title": "Weather",
             "encrypted_content": "Eq0B", "page_age": "2 days ago"}
        ]}),
        json!({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_02",
               "content": {"type": "web_search_tool_result_error", "error_code": "query_too_long"}}),
        json!({"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_03", "content": {
            "type": "web_fetch_result", "url": "https://example.com", "retrieved_at": "2025-08-25T10:30:02Z",
            "content": {"type": "document", "title": "Example", "citations": {"enabled": true},
                        "source": {"type": "text", "media_type": "text/plain", "data": "Example Domain"}}
        }}),
        json!({"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_04",
               "content": {"type": "web_fetch_tool_result_error", "error_code": "url_not_allowed"}}),
        json!({"type": "code_execution_tool_result", "tool_use_id": "srvtoolu_05", "content": {
            "type": "code_execution_result", "stdout": "4\n", "stderr": "", "return_code": 0,
            "content": [{"type": "code_execution_output", "file_id": "file_04"}]
        }}),
        json!({"type": "code_execution_tool_result", "tool_use_id": "srvtoolu_06",
               "content": {"type": "code_execution_tool_result_error", "error_code": "unavailable"}}),
        json!({"type": "bash_code_execution_tool_result", "tool_use_id": "srvtoolu_07", "content": {
            "type": "bash_code_execution_result", "stdout": "hi\n", "stderr": "", "return_code": 0,
            "content": [{"type": "bash_code_execution_output", "file_id": "file_05"}]
        }}),
        json!({"type": "bash_code_execution_tool_result", "tool_use_id": "srvtoolu_08",
               "content": {"type": "bash_code_execution_tool_result_error",
                           "error_code": "output_file_too_large"}}),
        json!({"type": "text_editor_code_execution_tool_result", "tool_use_id": "srvtoolu_09",
               "content": {"type": "text_editor_code_execution_view_result", "content": "a\nb",
                           "file_type": "text", "num_lines": 2, "start_line": 1, "total_lines": 2}}),
        json!({"type": "text_editor_code_execution_tool_result", "tool_use_id": "srvtoolu_10",
               "content": {"type": "text_editor_code_execution_create_result", "is_file_update": true}}),
        json!({"type": "text_editor_code_execution_tool_result", "tool_use_id": "srvtoolu_11",
               "content": {"type": "text_editor_code_execution_str_replace_result",
                           "lines": ["-a", "+b"], "old_start": 1, "old_lines": 1,
                           "new_start": 1, "new_lines": 1}}),
        json!({"type": "text_editor_code_execution_tool_result", "tool_use_id": "srvtoolu_12",
               "content": {"type": "text_editor_code_execution_tool_result_error",
                           "error_code": "file_not_found", "error_message": "no such file"}}),
        json!({"type": "tool_search_tool_result", "tool_use_id": "srvtoolu_13",
        "content": {"type": "tool_search_tool_search_result", "tool_references": [
            {"type": "tool_reference", "tool_name": "get_weather"}
        ]}}),
        json!({"type": "tool_search_tool_result", "tool_use_id": "srvtoolu_14",
               "content": {"type": "tool_search_tool_result_error", "error_code": "too_many_requests",
                           "error_message": "slow down"}}),
        json!({"type": "mcp_tool_use", "id": "mcptoolu_01", "name": "search_issues",
               "server_name": "github", "input": {"query": "bug"}}),
        json!({"type": "mcp_tool_result", "tool_use_id": "mcptoolu_01", "is_error": false,
               "content": [{"type": "text", "text": "3 issues"}]}),
        json!({"type": "mcp_tool_result", "tool_use_id": "mcptoolu_02", "is_error": true,
               "content": "server unreachable"}),
        json!({"type": "container_upload", "file_id": "file_06"}),
        json!({"type": "compaction", "content": "Summary of the earlier turns."}),
    ]
}

#[test]
fn every_content_block_decodes_with_its_fields_and_round_trips() {
    let blocks = every_block();
    let reply: types::BetaMessage = round_trip_reply(&message(Value::Array(blocks.clone())));
    assert_eq!(reply.content.len(), blocks.len());
    assert_eq!(reply.id, "msg_013Zva2CMHLNnXjNJJKqJ2EF");
    assert_eq!(reply.stop_reason, Some(types::BetaStopReason::EndTurn));
    let container = reply.container.as_ref().expect("a container");
    assert_eq!(container.id, "container_011CZ");
    assert_eq!(
        container.expires_at.to_rfc3339(),
        "2025-09-01T12:00:00+00:00"
    );
    let skills = container.skills.as_ref().expect("skills");
    assert_eq!(skills[0].skill_id, "pptx");
    assert_eq!(skills[0].type_, types::BetaSkillType::Anthropic);
    assert_eq!(skills[0].version, "latest");
    let edits = &reply
        .context_management
        .as_ref()
        .expect("context management")
        .applied_edits;
    assert!(matches!(
        &edits[0],
        types::BetaContextManagementResponseAppliedEditsItem::ClearToolUses20250919(e)
            if e.cleared_input_tokens == 3000 && e.cleared_tool_uses == 2
    ));
    assert!(matches!(
        &edits[1],
        types::BetaContextManagementResponseAppliedEditsItem::ClearThinking20251015(e)
            if e.cleared_input_tokens == 1200 && e.cleared_thinking_turns == 1
    ));
    let usage = &reply.usage;
    assert_eq!((usage.input_tokens, usage.output_tokens), (2095, 503));
    assert_eq!(usage.cache_read_input_tokens, Some(1024));
    assert_eq!(
        usage
            .server_tool_use
            .as_ref()
            .map(|s| (s.web_search_requests, s.web_fetch_requests)),
        Some((1, 1))
    );
    assert_eq!(
        usage.service_tier,
        Some(types::BetaUsageServiceTier::Standard)
    );
    assert_eq!(usage.inference_geo.as_deref(), Some("us"));

    let mut tags = Vec::new();
    for (block, json) in reply.content.iter().zip(&blocks) {
        assert_eq!(block.tag(), json["type"], "the tag of {json}");
        tags.push(block.tag().to_string());
        check_block(block);
    }
    tags.dedup();
    assert_eq!(
        tags,
        [
            "text",
            "thinking",
            "redacted_thinking",
            "tool_use",
            "server_tool_use",
            "web_search_tool_result",
            "web_fetch_tool_result",
            "code_execution_tool_result",
            "bash_code_execution_tool_result",
            "text_editor_code_execution_tool_result",
            "tool_search_tool_result",
            "mcp_tool_use",
            "mcp_tool_result",
            "container_upload",
            "compaction"
        ],
        "one block of every variant"
    );
}

/// The typed fields of one block of [`every_block`].
fn check_block(block: &Block) {
    use types::BetaTextCitation as C;
    match block {
        Block::Text(t) => {
            assert_eq!(t.text, "The sky is blue.");
            let citations = t.citations.as_ref().expect("citations");
            assert!(matches!(&citations[0], C::CharLocation(c)
                if c.start_char_index == 0 && c.end_char_index == 16
                    && c.document_title.as_deref() == Some("Facts")
                    && c.file_id.as_deref() == Some("file_01")));
            assert!(matches!(&citations[1], C::PageLocation(c)
                if c.start_page_number == 2 && c.end_page_number == 3 && c.document_index == 1
                    && c.file_id.as_deref() == Some("file_02")));
            assert!(matches!(&citations[2], C::ContentBlockLocation(c)
                if c.start_block_index == 0 && c.end_block_index == 1 && c.cited_text == "First chunk"));
            assert!(matches!(&citations[3], C::WebSearchResultLocation(c)
                if c.url == "https://weather.example" && c.encrypted_index == "Eo8B"
                    && c.title.as_deref() == Some("Weather")));
            assert!(matches!(&citations[4], C::SearchResultLocation(c)
                if c.search_result_index == 0 && c.source == "https://docs.example"
                    && c.title.as_deref() == Some("API")));
        }
        Block::Thinking(t) => {
            assert_eq!(t.thinking, "Let me think.");
            assert_eq!(t.signature, "EqQBCgIYAhIM");
        }
        Block::RedactedThinking(t) => assert_eq!(t.data, "EmwKAhgBEgy3va3pzix"),
        Block::ToolUse(t) => {
            assert_eq!((t.id.as_str(), t.name.as_str()), ("toolu_01", "get_weather"));
            assert_eq!(t.input.get("location"), Some(&json!("Paris")));
            assert!(matches!(&t.caller,
                Some(types::BetaToolCaller::CodeExecution20250825(c)) if c.tool_id == "srvtoolu_00"));
        }
        Block::ServerToolUse(t) => {
            assert_eq!(t.id, "srvtoolu_01");
            assert_eq!(t.name, types::BetaServerToolUseBlockName::WebSearch);
            assert_eq!(t.input.get("query"), Some(&json!("weather")));
            assert!(matches!(t.caller, Some(types::BetaToolCaller::Direct(_))));
        }
        Block::WebSearchToolResult(r) => match &r.content {
            types::BetaWebSearchToolResultBlockContent::Array(results) => {
                assert_eq!(r.tool_use_id, "srvtoolu_01");
                assert_eq!(results[0].url, "https://weather.example");
                assert_eq!(results[0].title, "Weather");
                assert_eq!(results[0].encrypted_content, "Eq0B");
                assert_eq!(results[0].page_age.as_deref(), Some("2 days ago"));
            }
            types::BetaWebSearchToolResultBlockContent::BetaWebSearchToolResultError(e) => {
                assert_eq!(r.tool_use_id, "srvtoolu_02");
                assert_eq!(
                    e.error_code,
                    types::BetaWebSearchToolResultErrorCode::QueryTooLong
                );
            }
            other => panic!("{other:?}"),
        },
        Block::WebFetchToolResult(r) => match &r.content {
            types::BetaWebFetchToolResultBlockContent::WebFetchResult(page) => {
                assert_eq!(page.url, "https://example.com");
                assert_eq!(page.retrieved_at.as_deref(), Some("2025-08-25T10:30:02Z"));
                assert_eq!(page.content.title.as_deref(), Some("Example"));
                assert_eq!(page.content.citations.as_ref().map(|c| c.enabled), Some(true));
                assert!(matches!(&page.content.source,
                    types::BetaDocumentBlockSource::Text(t) if t.data == "Example Domain"));
            }
            types::BetaWebFetchToolResultBlockContent::WebFetchToolResultError(e) => {
                assert_eq!(
                    e.error_code,
                    types::BetaWebFetchToolResultErrorCode::UrlNotAllowed
                );
            }
            other => panic!("{other:?}"),
        },
        Block::CodeExecutionToolResult(r) => match &r.content {
            types::BetaCodeExecutionToolResultBlockContent::CodeExecutionResult(run) => {
                assert_eq!((run.stdout.as_str(), run.return_code), ("4\n", 0));
                assert_eq!(run.content[0].file_id, "file_04");
            }
            types::BetaCodeExecutionToolResultBlockContent::CodeExecutionToolResultError(e) => {
                assert_eq!(
                    e.error_code,
                    types::BetaCodeExecutionToolResultErrorCode::Unavailable
                );
            }
            other => panic!("{other:?}"),
        },
        Block::BashCodeExecutionToolResult(r) => match &r.content {
            types::BetaBashCodeExecutionToolResultBlockContent::BashCodeExecutionResult(run) => {
                assert_eq!(run.stdout, "hi\n");
                assert_eq!(run.content[0].file_id, "file_05");
            }
            types::BetaBashCodeExecutionToolResultBlockContent::BashCodeExecutionToolResultError(
                e,
            ) => assert_eq!(
                e.error_code,
                types::BetaBashCodeExecutionToolResultErrorCode::OutputFileTooLarge
            ),
            other => panic!("{other:?}"),
        },
        Block::TextEditorCodeExecutionToolResult(r) => {
            use types::BetaTextEditorCodeExecutionToolResultBlockContent as C;
            match &r.content {
                C::TextEditorCodeExecutionViewResult(v) => {
                    assert_eq!(v.content, "a\nb");
                    assert_eq!(v.file_type, types::BetaTextEditorCodeExecutionFileType::Text);
                    assert_eq!((v.num_lines, v.start_line, v.total_lines), (Some(2), Some(1), Some(2)));
                }
                C::TextEditorCodeExecutionCreateResult(c) => assert!(c.is_file_update),
                C::TextEditorCodeExecutionStrReplaceResult(s) => {
                    assert_eq!(s.lines.as_deref(), Some(&["-a".to_string(), "+b".to_string()][..]));
                    assert_eq!((s.old_start, s.new_lines), (Some(1), Some(1)));
                }
                C::TextEditorCodeExecutionToolResultError(e) => {
                    assert_eq!(
                        e.error_code,
                        types::BetaTextEditorCodeExecutionToolResultErrorCode::FileNotFound
                    );
                    assert_eq!(e.error_message.as_deref(), Some("no such file"));
                }
                other => panic!("{other:?}"),
            }
        }
        Block::ToolSearchToolResult(r) => match &r.content {
            types::BetaToolSearchToolResultBlockContent::ToolSearchToolSearchResult(found) => {
                assert_eq!(found.tool_references[0].tool_name, "get_weather");
            }
            types::BetaToolSearchToolResultBlockContent::ToolSearchToolResultError(e) => {
                assert_eq!(
                    e.error_code,
                    types::BetaToolSearchToolResultErrorCode::TooManyRequests
                );
                assert_eq!(e.error_message.as_deref(), Some("slow down"));
            }
            other => panic!("{other:?}"),
        },
        Block::McpToolUse(m) => {
            assert_eq!((m.id.as_str(), m.name.as_str()), ("mcptoolu_01", "search_issues"));
            assert_eq!(m.server_name, "github");
            assert_eq!(m.input.get("query"), Some(&json!("bug")));
        }
        Block::McpToolResult(m) => match &m.content {
            types::BetaMcpToolResultBlockContent::Array(texts) => {
                assert!(!m.is_error);
                assert_eq!(texts[0].text, "3 issues");
            }
            types::BetaMcpToolResultBlockContent::String(s) => {
                assert!(m.is_error);
                assert_eq!(s, "server unreachable");
            }
            other => panic!("{other:?}"),
        },
        Block::ContainerUpload(c) => assert_eq!(c.file_id, "file_06"),
        Block::Compaction(c) => {
            assert_eq!(c.content.as_deref(), Some("Summary of the earlier turns."))
        }
        other => panic!("not a documented block: {other:?}"),
    }
}

#[test]
fn every_reply_block_goes_back_as_its_input_twin() {
    let blocks = every_block();
    let reply: types::BetaMessage = decode(&message(Value::Array(blocks.clone())));
    let turn = reply.to_param().expect("every block can be sent back");
    assert_eq!(turn.role, types::BetaMessageParamRole::Assistant);
    let types::BetaMessageParamContent::Array(params) = &turn.content else {
        panic!("{:?}", turn.content)
    };
    assert_eq!(params.len(), blocks.len());
    for (param, block) in params.iter().zip(&blocks) {
        assert!(
            !matches!(param, BlockParam::Other(_)),
            "a known block became an unknown input: {block}"
        );
        assert_eq!(param.tag(), block["type"]);
        let mut expected = block.clone();
        // The reference's input twins have no `file_id` on citations and no
        // `error_message` on a tool search error: those are the server's
        // to say, and are dropped on the way back.
        if let Some(citations) = expected.get_mut("citations").and_then(Value::as_array_mut) {
            for citation in citations {
                citation.as_object_mut().map(|c| c.remove("file_id"));
            }
        }
        if block["type"] == "tool_search_tool_result" {
            expected["content"]
                .as_object_mut()
                .map(|c| c.remove("error_message"));
        }
        assert_eq!(to_json(param), expected, "{}", block["type"]);
    }
}

#[test]
fn a_failed_compaction_is_sent_back_with_a_null_content() {
    let reply: types::BetaMessage = decode(&message(json!([
        {"type": "compaction", "content": null}
    ])));
    let Block::Compaction(block) = &reply.content[0] else {
        panic!("{:?}", reply.content)
    };
    assert_eq!(block.content, None);
    let turn = reply.to_param().expect("sendable");
    assert_eq!(
        to_json(&turn),
        json!({"role": "assistant", "content": [{"type": "compaction", "content": null}]})
    );
}

#[test]
fn a_citation_without_a_title_is_sent_back_with_a_null_title() {
    let reply: types::BetaMessage = decode(&message(json!([
        {"type": "text", "text": "Green.", "citations": [
            {"type": "char_location", "cited_text": "The grass is green.", "document_index": 0,
             "document_title": null, "start_char_index": 0, "end_char_index": 20, "file_id": null},
            {"type": "search_result_location", "cited_text": "x", "search_result_index": 0,
             "source": "s", "title": null, "start_block_index": 0, "end_block_index": 0}
        ]}
    ])));
    let turn = reply.to_param().expect("sendable");
    assert_eq!(
        to_json(&turn),
        json!({"role": "assistant", "content": [{"type": "text", "text": "Green.", "citations": [
            {"type": "char_location", "cited_text": "The grass is green.", "document_index": 0,
             "document_title": null, "start_char_index": 0, "end_char_index": 20},
            {"type": "search_result_location", "cited_text": "x", "search_result_index": 0,
             "source": "s", "title": null, "start_block_index": 0, "end_block_index": 0}
        ]}]})
    );
}

// ---------------------------------------------------------------------------
// 2. Every delta and every stream event
// ---------------------------------------------------------------------------

/// Checks the typed fields of a decoded delta.
type CheckDelta = fn(&Delta);

fn delta_event(delta: Value) -> Value {
    json!({"type": "content_block_delta", "index": 3, "delta": delta})
}

#[test]
fn every_delta_decodes_with_its_fields_and_round_trips() {
    let citation = json!({"type": "char_location", "cited_text": "x", "document_index": 0,
        "document_title": "Doc", "start_char_index": 0, "end_char_index": 1, "file_id": "file_1"});
    let cases: Vec<(Value, CheckDelta)> = vec![
        (json!({"type": "text_delta", "text": "Hello"}), |d| {
            assert!(matches!(d, Delta::TextDelta(t) if t.text == "Hello"))
        }),
        (
            json!({"type": "input_json_delta", "partial_json": "{\"location\": \"San Fra"}),
            |d| {
                assert!(
                    matches!(d, Delta::InputJsonDelta(j) if j.partial_json == "{\"location\": \"San Fra")
                )
            },
        ),
        (
            json!({"type": "citations_delta", "citation": citation}),
            |d| {
                assert!(matches!(d, Delta::CitationsDelta(c)
                if matches!(&c.citation, types::BetaTextCitation::CharLocation(l)
                    if l.cited_text == "x" && l.file_id.as_deref() == Some("file_1"))))
            },
        ),
        (
            json!({"type": "citations_delta", "citation": {"type": "web_search_result_location",
                   "cited_text": "Sunny", "url": "https://w.example", "title": "W", "encrypted_index": "E"}}),
            |d| {
                assert!(matches!(d, Delta::CitationsDelta(c)
                    if matches!(&c.citation, types::BetaTextCitation::WebSearchResultLocation(l)
                        if l.url == "https://w.example")))
            },
        ),
        (
            json!({"type": "thinking_delta", "thinking": "I need to find the GCD"}),
            |d| {
                assert!(
                    matches!(d, Delta::ThinkingDelta(t) if t.thinking == "I need to find the GCD")
                )
            },
        ),
        (
            json!({"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}),
            |d| {
                assert!(
                    matches!(d, Delta::SignatureDelta(s) if s.signature.starts_with("EqQBCgIYAhIM"))
                )
            },
        ),
        (
            json!({"type": "compaction_delta", "content": "Summary so far."}),
            |d| assert!(matches!(d, Delta::CompactionDelta(c) if c.content == "Summary so far.")),
        ),
    ];
    let mut tags = Vec::new();
    for (delta, check) in cases {
        let event: Event = round_trip(&delta_event(delta.clone()));
        let Event::ContentBlockDelta(e) = &event else {
            panic!("{event:?}")
        };
        assert_eq!(e.index, 3);
        assert_eq!(e.delta.tag(), delta["type"]);
        check(&e.delta);
        // The delta alone decodes the same.
        let alone: Delta = round_trip(&delta);
        assert_eq!(alone, e.delta);
        tags.push(e.delta.tag().to_string());
    }
    tags.dedup();
    assert_eq!(
        tags,
        [
            "text_delta",
            "input_json_delta",
            "citations_delta",
            "thinking_delta",
            "signature_delta",
            "compaction_delta"
        ]
    );
}

#[test]
fn every_stream_event_decodes_with_its_fields() {
    // message_start: the message with empty content and a null stop reason.
    let mut start_message = message(json!([]));
    start_message["stop_reason"] = Value::Null;
    start_message["context_management"] = Value::Null;
    let start = json!({"type": "message_start", "message": start_message.clone()});
    let event: Event = decode(&start);
    let Event::MessageStart(e) = &event else {
        panic!("{event:?}")
    };
    assert!(e.message.content.is_empty());
    assert_eq!(e.message.stop_reason, None);
    assert_eq!(e.message.usage.input_tokens, 2095);
    assert_eq!(event.tag(), "message_start");
    assert_eq!(to_json(&event), without_nulls(start));

    // content_block_start, for each kind of block.
    for (index, block) in every_block().into_iter().enumerate() {
        let start = json!({"type": "content_block_start", "index": index, "content_block": block});
        let event: Event = round_trip(&start);
        let Event::ContentBlockStart(e) = &event else {
            panic!("{event:?}")
        };
        assert_eq!(e.index, index as i64);
        assert_eq!(e.content_block.tag(), block["type"]);
        check_block(&e.content_block);
    }

    // content_block_stop.
    let event: Event = round_trip(&json!({"type": "content_block_stop", "index": 2}));
    assert!(matches!(&event, Event::ContentBlockStop(e) if e.index == 2));

    // message_delta: stop reason, container, context management, usage.
    let delta = json!({"type": "message_delta",
    "delta": {"stop_reason": "pause_turn", "stop_sequence": "END",
              "container": {"id": "container_1", "expires_at": "2025-09-01T12:00:00Z"}},
    "context_management": {"applied_edits": [
        {"type": "clear_thinking_20251015", "cleared_input_tokens": 10, "cleared_thinking_turns": 1}
    ]},
    "usage": {"output_tokens": 503, "input_tokens": 2095, "cache_creation_input_tokens": 0,
              "cache_read_input_tokens": 0,
              "server_tool_use": {"web_search_requests": 2, "web_fetch_requests": 0},
              "iterations": [
                  {"type": "compaction", "input_tokens": 1000, "output_tokens": 100,
                   "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                   "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0}},
                  {"type": "message", "input_tokens": 1095, "output_tokens": 403,
                   "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
              ]}});
    let event: Event = round_trip(&delta);
    let Event::MessageDelta(e) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(e.delta.stop_reason, Some(types::BetaStopReason::PauseTurn));
    assert_eq!(e.delta.stop_sequence.as_deref(), Some("END"));
    assert_eq!(
        e.delta.container.as_ref().map(|c| c.id.as_str()),
        Some("container_1")
    );
    assert_eq!(e.usage.output_tokens, 503);
    assert_eq!(e.usage.input_tokens, Some(2095));
    assert_eq!(
        e.usage
            .server_tool_use
            .as_ref()
            .map(|s| s.web_search_requests),
        Some(2)
    );
    let iterations = e.usage.iterations.as_ref().expect("iterations");
    assert!(matches!(&iterations[0],
        types::BetaIterationUsage::Compaction(i) if i.input_tokens == 1000 && i.output_tokens == 100));
    assert!(matches!(&iterations[1],
        types::BetaIterationUsage::Message(i) if i.input_tokens == 1095 && i.cache_creation.is_none()));
    assert_eq!(
        e.context_management.as_ref().map(|c| c.applied_edits.len()),
        Some(1)
    );

    // message_stop, ping, error.
    let event: Event = round_trip(&json!({"type": "message_stop"}));
    assert!(matches!(event, Event::MessageStop(_)));
    let event: Event = round_trip(&json!({"type": "ping"}));
    assert!(matches!(event, Event::Ping(_)));
    let event: Event = round_trip(&json!({"type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"}}));
    let Event::Error(e) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(e.error.message, "Overloaded");
    assert_eq!(e.error.type_, types::ErrorType::OverloadedError);

    // The raw event union (no ping or error) reads the same events.
    let raw: types::BetaRawMessageStreamEvent = round_trip(&delta);
    assert!(matches!(
        raw,
        types::BetaRawMessageStreamEvent::MessageDelta(_)
    ));
}

#[test]
fn every_documented_stop_reason_decodes() {
    use types::BetaStopReason as S;
    for (wire, reason) in [
        ("end_turn", S::EndTurn),
        ("max_tokens", S::MaxTokens),
        ("stop_sequence", S::StopSequence),
        ("tool_use", S::ToolUse),
        ("pause_turn", S::PauseTurn),
        ("compaction", S::Compaction),
        ("refusal", S::Refusal),
        (
            "model_context_window_exceeded",
            S::ModelContextWindowExceeded,
        ),
    ] {
        let mut reply = message(json!([]));
        reply["stop_reason"] = json!(wire);
        let decoded: types::BetaMessage = round_trip_reply(&reply);
        assert_eq!(decoded.stop_reason, Some(reason), "{wire}");
    }
}

// ---------------------------------------------------------------------------
// 3. What this crate does not know survives a round trip
// ---------------------------------------------------------------------------

#[test]
fn an_unknown_block_is_kept_serialized_back_and_sent_back_by_to_param() {
    let unknown = json!({"type": "hologram", "id": "holo_1",
        "frames": [{"t": 0, "data": "AAEC"}], "nested": {"deep": [1, 2.5, null, "x"]}});
    let block: Block = round_trip(&unknown);
    assert_eq!(block, Block::Other(unknown.clone()));
    assert_eq!(block.tag(), "hologram");

    let reply = message(json!([{"type": "text", "text": "Before."}, unknown.clone()]));
    let decoded: types::BetaMessage = round_trip_reply(&reply);
    assert!(matches!(&decoded.content[1], Block::Other(v) if *v == unknown));
    let turn = decoded.to_param().expect("an unknown block is sent back");
    let types::BetaMessageParamContent::Array(params) = &turn.content else {
        panic!("{:?}", turn.content)
    };
    assert_eq!(params[1], BlockParam::Other(unknown.clone()));
    assert_eq!(
        to_json(&turn),
        json!({"role": "assistant", "content": [{"type": "text", "text": "Before."}, unknown]})
    );
}

#[test]
fn an_unknown_delta_and_an_unknown_event_are_kept() {
    let delta = delta_event(json!({"type": "hologram_delta", "frame": {"t": 1}}));
    let event: Event = round_trip(&delta);
    let Event::ContentBlockDelta(e) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(e.delta, Delta::Other(delta["delta"].clone()));
    assert_eq!(e.delta.tag(), "hologram_delta");

    let unknown = json!({"type": "message_hologram", "index": 0, "payload": [true, {"a": null}]});
    let event: Event = round_trip(&unknown);
    assert_eq!(event, Event::Other(unknown.clone()));
    assert_eq!(event.tag(), "message_hologram");
    let raw: types::BetaRawMessageStreamEvent = round_trip(&unknown);
    assert_eq!(raw, types::BetaRawMessageStreamEvent::Other(unknown));
}

#[test]
fn an_unknown_tool_result_content_is_kept() {
    // In a tool result sent by the caller.
    let param = json!({"type": "tool_result", "tool_use_id": "toolu_01", "content": [
        {"type": "text", "text": "Done"},
        {"type": "video", "source": {"type": "url", "url": "https://v.example/a.mp4"}}
    ]});
    let block: BlockParam = round_trip(&param);
    let BlockParam::ToolResult(result) = &block else {
        panic!("{block:?}")
    };
    let Some(types::BetaToolResultBlockParamContent::Array(items)) = &result.content else {
        panic!("{:?}", result.content)
    };
    assert!(
        matches!(&items[0], types::BetaToolResultBlockParamContentItem::Text(t) if t.text == "Done")
    );
    assert_eq!(
        items[1],
        types::BetaToolResultBlockParamContentItem::Other(param["content"][1].clone())
    );

    // In the result of each server tool whose content is a union.
    let future = json!({"type": "future_result", "payload": {"x": [1, 2]}});
    for kind in [
        "web_fetch_tool_result",
        "code_execution_tool_result",
        "bash_code_execution_tool_result",
        "text_editor_code_execution_tool_result",
        "tool_search_tool_result",
    ] {
        let json = json!({"type": kind, "tool_use_id": "srvtoolu_01", "content": future});
        let block: Block = round_trip(&json);
        let content = match &block {
            Block::WebFetchToolResult(r) => to_json(&r.content),
            Block::CodeExecutionToolResult(r) => to_json(&r.content),
            Block::BashCodeExecutionToolResult(r) => to_json(&r.content),
            Block::TextEditorCodeExecutionToolResult(r) => to_json(&r.content),
            Block::ToolSearchToolResult(r) => to_json(&r.content),
            other => panic!("{kind} became {other:?}"),
        };
        assert_eq!(content, future, "{kind}");
        let debug = format!("{block:?}");
        assert!(debug.contains("Other("), "{kind}: {debug}");
        // And it is passed back unchanged.
        let param = BlockParam::try_from(&block).expect("sendable");
        assert_eq!(to_json(&param), json, "{kind}");
    }

    // A web search's result and an MCP tool's result are a list or an
    // object (or a string) told apart by shape: a shape they do not list
    // is kept too, rather than failing the whole reply.
    for (json, kept) in [
        (
            json!({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_02",
                   "content": {"type": "web_search_tool_result_warning", "note": "partial"}}),
            "an unknown error shape",
        ),
        (
            json!({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_02",
                   "content": [{"type": "web_search_video_result", "url": "https://v.example"}]}),
            "an unknown kind of result",
        ),
    ] {
        let block: Block = round_trip(&json);
        let Block::WebSearchToolResult(r) = &block else {
            panic!("{kept}: {block:?}")
        };
        assert_eq!(
            r.content,
            types::BetaWebSearchToolResultBlockContent::Other(json["content"].clone()),
            "{kept}"
        );
        let reply: types::BetaMessage = round_trip_reply(&message(json!([json])));
        assert_eq!(reply.content, [block], "{kept}");
    }
    let json = json!({"type": "mcp_tool_result", "tool_use_id": "mcptoolu_01", "is_error": false,
                      "content": [{"type": "image", "source": {"type": "base64",
                                   "media_type": "image/png", "data": "iVBORw0KGgo="}}]});
    let block: Block = round_trip(&json);
    assert!(matches!(&block, Block::McpToolResult(r)
        if r.content == types::BetaMcpToolResultBlockContent::Other(json["content"].clone())));
    // Its input twin takes text only (a string or text blocks), so this one
    // cannot go back as input: `to_param` says which block, instead of
    // sending something else.
    let err = BlockParam::try_from(&block).expect_err("no input twin for an image result");
    assert!(
        err.to_string().contains("mcp_tool_result"),
        "the error names the block: {err}"
    );
}

#[test]
fn an_unknown_stop_reason_is_kept() {
    let mut reply = message(json!([{"type": "text", "text": "Hi"}]));
    reply["stop_reason"] = json!("daydreaming");
    let decoded: types::BetaMessage = round_trip_reply(&reply);
    assert_eq!(
        decoded.stop_reason,
        Some(types::BetaStopReason::Other("daydreaming".into()))
    );
    let delta = json!({"type": "message_delta", "delta": {"stop_reason": "daydreaming"},
                       "usage": {"output_tokens": 1}});
    let event: Event = round_trip(&delta);
    assert!(matches!(&event, Event::MessageDelta(e)
        if e.delta.stop_reason == Some(types::BetaStopReason::Other("daydreaming".into()))));
}

#[test]
fn unknown_values_of_open_enums_inside_blocks_are_kept() {
    let json = json!({"type": "server_tool_use", "id": "srvtoolu_9", "name": "teleport",
                      "input": {}});
    let block: Block = round_trip(&json);
    assert!(matches!(&block, Block::ServerToolUse(s)
        if s.name == types::BetaServerToolUseBlockName::Other("teleport".into())));
    let json = json!({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_9",
                      "content": {"type": "web_search_tool_result_error", "error_code": "solar_flare"}});
    let _: Block = round_trip(&json);
}

// ---------------------------------------------------------------------------
// 4. The JSON examples of the reference pages
// ---------------------------------------------------------------------------

mod docs_examples {
    use super::*;
    use types::BetaMessageParam as Turn;

    /// create.md, "Example" (the same body as batches/create.md's params).
    fn create_example() -> Value {
        json!({
            "max_tokens": 1024,
            "messages": [{"content": "Hello, world", "role": "user"}],
            "model": "claude-opus-4-6"
        })
    }

    #[test]
    fn create_curl_body() {
        let params = types::BetaMessageCreateParams::new(
            "claude-opus-4-6",
            1024,
            [Turn::user("Hello, world")],
        );
        assert_eq!(to_json(&params), create_example());
        let parsed: types::BetaMessageCreateParams = round_trip(&create_example());
        assert_eq!(parsed, params);
        assert_eq!(parsed.model, types::Model::ClaudeOpus46);
    }

    #[test]
    fn count_tokens_curl_body_and_reply() {
        let body = json!({"messages": [{"content": "string", "role": "user"}],
                          "model": "claude-opus-4-6"});
        let params =
            types::BetaMessageCountTokensParams::new("claude-opus-4-6", [Turn::user("string")]);
        assert_eq!(to_json(&params), body);
        let _: types::BetaMessageCountTokensParams = round_trip(&body);
        // Returns: `input_tokens`, and `context_management` with the count
        // before context management applied.
        let count: types::BetaMessageTokensCount = round_trip(&json!({
            "input_tokens": 2095, "context_management": {"original_input_tokens": 4000}
        }));
        assert_eq!(count.input_tokens, 2095);
        assert_eq!(
            count.context_management.map(|c| c.original_input_tokens),
            Some(4000)
        );
        let count: types::BetaMessageTokensCount =
            decode(&json!({"input_tokens": 10, "context_management": null}));
        assert_eq!(count.context_management, None);
    }

    #[test]
    fn batches_create_curl_body() {
        let body =
            json!({"requests": [{"custom_id": "my-custom-id-1", "params": create_example()}]});
        let params =
            types::BetaMessageBatchCreateParams::new([types::BetaMessageBatchRequest::new(
                "my-custom-id-1",
                types::BetaMessageCreateParams::new(
                    "claude-opus-4-6",
                    1024,
                    [Turn::user("Hello, world")],
                ),
            )]);
        assert_eq!(to_json(&params), body);
        let parsed: types::BetaMessageBatchCreateParams = round_trip(&body);
        assert_eq!(parsed, params);
    }

    /// `messages`: the single-turn, multi-turn and prefill examples, and
    /// the string shorthand next to its one-block form.
    #[test]
    fn message_examples() {
        let single: Vec<Turn> = round_trip(&json!([{"role": "user", "content": "Hello, Claude"}]));
        assert_eq!(single, vec![Turn::user("Hello, Claude")]);
        let multi: Vec<Turn> = round_trip(&json!([
            {"role": "user", "content": "Hello there."},
            {"role": "assistant", "content": "Hi, I'm Claude. How can I help you?"},
            {"role": "user", "content": "Can you explain LLMs in plain English?"}
        ]));
        assert_eq!(
            multi,
            vec![
                Turn::user("Hello there."),
                Turn::assistant("Hi, I'm Claude. How can I help you?"),
                Turn::user("Can you explain LLMs in plain English?")
            ]
        );
        let prefill: Vec<Turn> = round_trip(&json!([
            {"role": "user", "content": "What's the Greek name for Sun? (A) Sol (B) Helios (C) Sun"},
            {"role": "assistant", "content": "The best answer is ("}
        ]));
        assert_eq!(prefill[1].role, types::BetaMessageParamRole::Assistant);
        let blocks: Turn = round_trip(
            &json!({"role": "user", "content": [{"type": "text", "text": "Hello, Claude"}]}),
        );
        assert_eq!(blocks, Turn::user(BlockParam::text("Hello, Claude")));
    }

    /// `tools`: the `get_stock_price` definition, the `tool_use` the model
    /// might answer with, and the `tool_result` sent back.
    #[test]
    fn tool_examples() {
        let tools: Vec<types::BetaToolUnion> = round_trip(&json!([{
            "name": "get_stock_price",
            "description": "Get the current stock price for a given ticker symbol.",
            "input_schema": {
                "type": "object",
                "properties": {"ticker": {"type": "string",
                    "description": "The stock ticker symbol, e.g. AAPL for Apple Inc."}},
                "required": ["ticker"]
            }
        }]));
        let types::BetaToolUnion::Custom(tool) = &tools[0] else {
            panic!("{tools:?}")
        };
        assert_eq!(tool.name, "get_stock_price");
        assert_eq!(tool.type_, None);
        assert_eq!(tool.input_schema.required, ["ticker"]);
        assert!(tool.input_schema.properties.contains_key("ticker"));

        let content: Vec<Block> = round_trip(&json!([{
            "type": "tool_use", "id": "toolu_01D7FLrfh4GYq7yT1ULFeyMV",
            "name": "get_stock_price", "input": {"ticker": "^GSPC"}
        }]));
        let Block::ToolUse(call) = &content[0] else {
            panic!("{content:?}")
        };
        assert_eq!(call.id, "toolu_01D7FLrfh4GYq7yT1ULFeyMV");
        assert_eq!(call.input.get("ticker"), Some(&json!("^GSPC")));
        assert_eq!(call.caller, None);

        let result: Vec<BlockParam> = round_trip(&json!([{
            "type": "tool_result", "tool_use_id": "toolu_01D7FLrfh4GYq7yT1ULFeyMV",
            "content": "259.75 USD"
        }]));
        assert_eq!(
            result,
            vec![BlockParam::tool_result(
                "toolu_01D7FLrfh4GYq7yT1ULFeyMV",
                "259.75 USD"
            )]
        );
    }

    /// Returns, `content`: "Hi, I'm Claude." and the prefill's "B)", which
    /// leave `citations` out.
    #[test]
    fn reply_content_examples() {
        for (json, text) in [
            (
                json!([{"type": "text", "text": "Hi, I'm Claude."}]),
                "Hi, I'm Claude.",
            ),
            (json!([{"type": "text", "text": "B)"}]), "B)"),
        ] {
            let content: Vec<Block> = round_trip(&json);
            assert!(
                matches!(content.as_slice(), [Block::Text(t)] if t.text == text && t.citations.is_none())
            );
        }
    }

    /// batches: a batch, each kind of result line, and a deleted batch.
    #[test]
    fn batch_objects() {
        let batch: types::BetaMessageBatch = round_trip(&json!({
            "id": "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF", "type": "message_batch",
            "processing_status": "ended",
            "request_counts": {"processing": 0, "succeeded": 2, "errored": 1, "canceled": 0, "expired": 1},
            "created_at": "2024-08-20T18:37:24.100435Z", "expires_at": "2024-08-21T18:37:24.100435Z",
            "ended_at": "2024-08-20T18:40:24.100435Z", "archived_at": "2024-08-20T18:41:24.100435Z",
            "cancel_initiated_at": "2024-08-20T18:39:24.100435Z",
            "results_url": "https://api.anthropic.com/v1/messages/batches/msgbatch_013Zva2CMHLNnXjNJJKqJ2EF/results"
        }));
        assert_eq!(
            batch.processing_status,
            types::BetaMessageBatchProcessingStatus::Ended
        );
        assert_eq!(batch.request_counts.succeeded, 2);
        assert_eq!(batch.request_counts.expired, 1);
        assert!(batch
            .results_url
            .as_deref()
            .is_some_and(|u| u.ends_with("/results")));
        assert!(batch.archived_at.is_some() && batch.ended_at.is_some());

        let in_progress: types::BetaMessageBatch = decode(&json!({
            "id": "msgbatch_1", "type": "message_batch", "processing_status": "in_progress",
            "request_counts": {"processing": 3, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0},
            "created_at": "2024-08-20T18:37:24Z", "expires_at": "2024-08-21T18:37:24Z",
            "ended_at": null, "archived_at": null, "cancel_initiated_at": null, "results_url": null
        }));
        assert_eq!(in_progress.results_url, None);
        assert_eq!(in_progress.ended_at, None);

        let succeeded: types::BetaMessageBatchIndividualResponse = round_trip_reply(&json!({
            "custom_id": "my-custom-id-1",
            "result": {"type": "succeeded", "message": message(json!([
                {"type": "text", "text": "Hi, I'm Claude."},
                {"type": "mcp_tool_use", "id": "mcptoolu_1", "name": "n", "server_name": "s", "input": {}}
            ]))}
        }));
        assert_eq!(succeeded.custom_id, "my-custom-id-1");
        let types::BetaMessageBatchResult::Succeeded(s) = &succeeded.result else {
            panic!("{succeeded:?}")
        };
        assert_eq!(s.message.text(), "Hi, I'm Claude.");
        assert!(matches!(&s.message.content[1], Block::McpToolUse(m) if m.server_name == "s"));

        let errored: types::BetaMessageBatchIndividualResponse = round_trip(&json!({
            "custom_id": "my-custom-id-2",
            "result": {"type": "errored", "error": {"type": "error",
                "error": {"type": "invalid_request_error", "message": "max_tokens: too large"},
                "request_id": "req_1"}}
        }));
        let types::BetaMessageBatchResult::Errored(e) = &errored.result else {
            panic!("{errored:?}")
        };
        assert_eq!(e.error.error.message, "max_tokens: too large");
        assert_eq!(e.error.request_id.as_deref(), Some("req_1"));

        for kind in ["canceled", "expired"] {
            let line: types::BetaMessageBatchIndividualResponse =
                round_trip(&json!({"custom_id": "c", "result": {"type": kind}}));
            assert_eq!(line.result.tag(), kind);
        }
        let future: types::BetaMessageBatchIndividualResponse = round_trip(
            &json!({"custom_id": "c", "result": {"type": "postponed", "until": "later"}}),
        );
        assert!(matches!(
            future.result,
            types::BetaMessageBatchResult::Other(_)
        ));

        let deleted: types::BetaDeletedMessageBatch =
            round_trip(&json!({"id": "msgbatch_1", "type": "message_batch_deleted"}));
        assert_eq!(deleted.id, "msgbatch_1");
    }
}
