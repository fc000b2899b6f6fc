//! Beta Messages on the wire (against wiremock): every tool definition of
//! the beta tool union and every kind of input block, built with the
//! crate's constructors as a user would, sent through
//! `client.beta().messages().create(..)`, and compared with the shape the
//! reference (`beta/messages/create.md`, Body Parameters) documents, unset
//! optional fields absent. Plus the `?beta=true` query and the
//! `anthropic-beta` header.

use anthropic_client::types::{
    self, BetaContentBlockParam as Block, BetaMessageParam, BetaToolUnion as Tool,
};
use anthropic_client::Client;
use futures::TryStreamExt;
use serde_json::{json, Map, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::messages::{body_json, received};
use workspace_tests::runtime::{builder, client, query};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A `BetaMessage` reply, the smallest the API sends.
fn reply() -> Value {
    json!({
        "id": "msg_beta", "type": "message", "role": "assistant",
        "model": "claude-opus-4-6",
        "content": [{"type": "text", "text": "ok", "citations": null}],
        "stop_reason": "end_turn", "stop_sequence": null, "container": null,
        "usage": {"input_tokens": 10, "output_tokens": 2}
    })
}

/// A server answering every beta `create` and `count_tokens`.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/messages/count_tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"input_tokens": 42})))
        .mount(&server)
        .await;
    server
}

/// Sends `params` with `client` and returns the body the server received.
async fn sent_body(
    server: &MockServer,
    client: &Client,
    params: types::BetaMessageCreateParams,
) -> Value {
    let before = received(server).await.len();
    let message = client
        .beta()
        .messages()
        .create(params)
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(message.id, "msg_beta");
    let requests = received(server).await;
    assert_eq!(requests.len(), before + 1, "one request per send");
    let request = requests.last().expect("a request");
    assert_eq!(request.url.path(), "/v1/messages");
    assert_eq!(query(request), [("beta".into(), "true".into())]);
    body_json(request)
}

fn params(messages: Vec<BetaMessageParam>) -> types::BetaMessageCreateParams {
    types::BetaMessageCreateParams::new("claude-opus-4-6", 1024, messages)
}

fn base_json(messages: Value) -> Value {
    json!({"model": "claude-opus-4-6", "max_tokens": 1024, "messages": messages})
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not a JSON object: {other}"),
    }
}

fn cache(ttl: Option<types::CacheControlTtl>) -> types::BetaCacheControlEphemeral {
    let cache = types::BetaCacheControlEphemeral::new();
    match ttl {
        Some(ttl) => cache.ttl(ttl),
        None => cache,
    }
}

fn text(text: &str) -> types::BetaTextBlockParam {
    types::BetaTextBlockParam::new(text)
}

/// Asserts `actual == expected`, both pretty-printed when they differ.
#[track_caller]
fn same(case: &str, actual: &Value, expected: &Value) {
    assert!(
        actual == expected,
        "{case}: JSON differs\n--- actual ---\n{}\n--- expected ---\n{}",
        serde_json::to_string_pretty(actual).unwrap_or_default(),
        serde_json::to_string_pretty(expected).unwrap_or_default()
    );
}

// ---------------------------------------------------------------------------
// 1. The beta surface: query and headers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_sends_beta_true_and_merges_request_betas_with_the_client_defaults() {
    let server = server().await;
    let client = builder(&server.uri())
        .beta("context-1m-2025-08-07")
        .beta(types::AnthropicBeta::FilesApi20250414)
        .build()
        .expect("client");
    client
        .beta()
        .messages()
        .create(params(vec![BetaMessageParam::user("Hello")]))
        .anthropic_beta([
            types::AnthropicBeta::McpClient20251120,
            // Also a client default: sent once, in the request's place.
            types::AnthropicBeta::FilesApi20250414,
        ])
        .send()
        .await
        .expect("reply");
    client
        .beta()
        .messages()
        .create(params(vec![BetaMessageParam::user("Hello")]))
        .send()
        .await
        .expect("reply");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method.as_str(), "POST");
        assert_eq!(request.url.path(), "/v1/messages");
        assert_eq!(request.url.query(), Some("beta=true"));
        assert_eq!(
            body_json(request),
            base_json(json!([{"role": "user", "content": "Hello"}]))
        );
        // One header line, the values joined by commas.
        assert_eq!(request.headers.get_all("anthropic-beta").iter().count(), 1);
    }
    let beta = |i: usize| {
        requests[i]
            .headers
            .get("anthropic-beta")
            .map(|v| v.to_str().expect("ASCII").to_string())
    };
    assert_eq!(
        beta(0).as_deref(),
        Some("mcp-client-2025-11-20,files-api-2025-04-14,context-1m-2025-08-07")
    );
    assert_eq!(
        beta(1).as_deref(),
        Some("context-1m-2025-08-07,files-api-2025-04-14")
    );
}

#[tokio::test]
async fn without_any_beta_no_header_is_sent_but_the_query_is() {
    let server = server().await;
    let body = sent_body(
        &server,
        &client(&server.uri()),
        params(vec![BetaMessageParam::user("Hello")]),
    )
    .await;
    assert_eq!(
        body,
        base_json(json!([{"role": "user", "content": "Hello"}]))
    );
    let requests = received(&server).await;
    assert_eq!(requests[0].headers.get("anthropic-beta"), None);
}

#[tokio::test]
async fn count_tokens_uses_the_beta_surface_and_headers_too() {
    let server = server().await;
    let client = builder(&server.uri())
        .beta("token-counting-2024-11-01")
        .build()
        .expect("client");
    let count = client
        .beta()
        .messages()
        .count_tokens(types::BetaMessageCountTokensParams::new(
            "claude-opus-4-6",
            [BetaMessageParam::user("string")],
        ))
        .anthropic_beta(["mcp-client-2025-11-20"])
        .send()
        .await
        .expect("a count");
    assert_eq!(count.input_tokens, 42);
    let requests = received(&server).await;
    let request = &requests[0];
    assert_eq!(request.url.path(), "/v1/messages/count_tokens");
    assert_eq!(request.url.query(), Some("beta=true"));
    assert_eq!(
        request
            .headers
            .get("anthropic-beta")
            .and_then(|v| v.to_str().ok()),
        Some("mcp-client-2025-11-20,token-counting-2024-11-01")
    );
    // count_tokens.md, "Example": the curl body.
    assert_eq!(
        body_json(request),
        json!({"messages": [{"content": "string", "role": "user"}], "model": "claude-opus-4-6"})
    );
}

// ---------------------------------------------------------------------------
// 2. Every tool definition of the beta tool union
// ---------------------------------------------------------------------------

fn weather_schema() -> types::BetaToolInputSchema {
    types::BetaToolInputSchema::new()
        .properties(object(json!({
            "location": {"type": "string", "description": "The city and state"}
        })))
        .required(["location"])
}

/// Each tool, as built, and the JSON create.md documents for it.
fn tool_cases() -> Vec<(&'static str, Tool, Value)> {
    use types::BetaToolAllowedCaller as Caller;
    let schema_json = json!({
        "type": "object",
        "properties": {"location": {"type": "string", "description": "The city and state"}},
        "required": ["location"]
    });
    vec![
        (
            "custom, only the required fields",
            types::BetaTool::new("get_weather", weather_schema()).into(),
            json!({"name": "get_weather", "input_schema": schema_json}),
        ),
        (
            "custom, every field",
            types::BetaTool::new("get_weather", weather_schema())
                .type_(types::BetaToolType::Custom)
                .description("Get the weather")
                .allowed_callers([Caller::Direct, Caller::CodeExecution20250825])
                .cache_control(cache(Some(types::CacheControlTtl::OneHour)))
                .defer_loading(true)
                .eager_input_streaming(true)
                .input_examples([object(json!({"location": "Paris"}))])
                .strict(true)
                .into(),
            json!({"type": "custom", "name": "get_weather", "input_schema": schema_json,
                   "description": "Get the weather",
                   "allowed_callers": ["direct", "code_execution_20250825"],
                   "cache_control": {"type": "ephemeral", "ttl": "1h"},
                   "defer_loading": true, "eager_input_streaming": true,
                   "input_examples": [{"location": "Paris"}], "strict": true}),
        ),
        (
            "custom, schema from JSON with extra keywords",
            types::BetaTool::new(
                "lookup",
                types::BetaToolInputSchema::from(json!({
                    "type": "object", "properties": {"id": {"type": "integer"}},
                    "additionalProperties": false
                })),
            )
            .into(),
            json!({"name": "lookup", "input_schema": {"type": "object",
                   "properties": {"id": {"type": "integer"}}, "additionalProperties": false}}),
        ),
        (
            "bash_20241022",
            types::BetaToolBash20241022::new().into(),
            json!({"type": "bash_20241022", "name": "bash"}),
        ),
        (
            "bash_20250124, every field",
            types::BetaToolBash20250124::new()
                .allowed_callers([Caller::Direct])
                .cache_control(cache(None))
                .defer_loading(false)
                .input_examples([object(json!({"command": "ls"}))])
                .strict(false)
                .into(),
            json!({"type": "bash_20250124", "name": "bash", "allowed_callers": ["direct"],
                   "cache_control": {"type": "ephemeral"}, "defer_loading": false,
                   "input_examples": [{"command": "ls"}], "strict": false}),
        ),
        (
            "code_execution_20250522",
            types::BetaCodeExecutionTool20250522::new().into(),
            json!({"type": "code_execution_20250522", "name": "code_execution"}),
        ),
        (
            "code_execution_20250825, every field",
            types::BetaCodeExecutionTool20250825::new()
                .allowed_callers([Caller::Direct])
                .cache_control(cache(Some(types::CacheControlTtl::FiveMinutes)))
                .defer_loading(true)
                .strict(true)
                .into(),
            json!({"type": "code_execution_20250825", "name": "code_execution",
                   "allowed_callers": ["direct"], "cache_control": {"type": "ephemeral", "ttl": "5m"},
                   "defer_loading": true, "strict": true}),
        ),
        (
            "computer_20241022",
            types::BetaToolComputerUse20241022::new(1024, 768).into(),
            json!({"type": "computer_20241022", "name": "computer",
                   "display_width_px": 1024, "display_height_px": 768}),
        ),
        (
            "computer_20250124 with a display number",
            types::BetaToolComputerUse20250124::new(1280, 800)
                .display_number(1)
                .into(),
            json!({"type": "computer_20250124", "name": "computer",
                   "display_width_px": 1280, "display_height_px": 800, "display_number": 1}),
        ),
        (
            "computer_20251124, every field",
            types::BetaToolComputerUse20251124::new(1920, 1080)
                .display_number(0)
                .enable_zoom(true)
                .allowed_callers([Caller::CodeExecution20250825])
                .cache_control(cache(None))
                .defer_loading(false)
                .input_examples([object(json!({"action": "screenshot"}))])
                .strict(true)
                .into(),
            json!({"type": "computer_20251124", "name": "computer",
                   "display_width_px": 1920, "display_height_px": 1080, "display_number": 0,
                   "enable_zoom": true, "allowed_callers": ["code_execution_20250825"],
                   "cache_control": {"type": "ephemeral"}, "defer_loading": false,
                   "input_examples": [{"action": "screenshot"}], "strict": true}),
        ),
        (
            "memory_20250818",
            types::BetaMemoryTool20250818::new().into(),
            json!({"type": "memory_20250818", "name": "memory"}),
        ),
        (
            "memory_20250818 with input examples",
            types::BetaMemoryTool20250818::new()
                .input_examples([object(json!({"command": "view", "path": "/memories"}))])
                .into(),
            json!({"type": "memory_20250818", "name": "memory",
                   "input_examples": [{"command": "view", "path": "/memories"}]}),
        ),
        (
            "text_editor_20241022",
            types::BetaToolTextEditor20241022::new().into(),
            json!({"type": "text_editor_20241022", "name": "str_replace_editor"}),
        ),
        (
            "text_editor_20250124",
            types::BetaToolTextEditor20250124::new().into(),
            json!({"type": "text_editor_20250124", "name": "str_replace_editor"}),
        ),
        (
            "text_editor_20250429",
            types::BetaToolTextEditor20250429::new().into(),
            json!({"type": "text_editor_20250429", "name": "str_replace_based_edit_tool"}),
        ),
        (
            "text_editor_20250728 with max_characters",
            types::BetaToolTextEditor20250728::new()
                .max_characters(10000)
                .into(),
            json!({"type": "text_editor_20250728", "name": "str_replace_based_edit_tool",
                   "max_characters": 10000}),
        ),
        (
            "web_search_20250305",
            types::BetaWebSearchTool20250305::new().into(),
            json!({"type": "web_search_20250305", "name": "web_search"}),
        ),
        (
            "web_search_20250305, every field",
            types::BetaWebSearchTool20250305::new()
                .allowed_domains(["example.com"])
                .blocked_domains(["spam.example"])
                .max_uses(5)
                .allowed_callers([Caller::Direct])
                .cache_control(cache(None))
                .defer_loading(true)
                .strict(false)
                .user_location(
                    types::BetaWebSearchTool20250305UserLocation::new()
                        .city("San Francisco")
                        .region("California")
                        .country("US")
                        .timezone("America/Los_Angeles"),
                )
                .into(),
            json!({"type": "web_search_20250305", "name": "web_search",
                   "allowed_domains": ["example.com"], "blocked_domains": ["spam.example"],
                   "max_uses": 5, "allowed_callers": ["direct"],
                   "cache_control": {"type": "ephemeral"}, "defer_loading": true, "strict": false,
                   "user_location": {"type": "approximate", "city": "San Francisco",
                                     "region": "California", "country": "US",
                                     "timezone": "America/Los_Angeles"}}),
        ),
        (
            "web_search_20250305, a location with the type only",
            types::BetaWebSearchTool20250305::new()
                .user_location(types::BetaWebSearchTool20250305UserLocation::new())
                .into(),
            json!({"type": "web_search_20250305", "name": "web_search",
                   "user_location": {"type": "approximate"}}),
        ),
        (
            "web_fetch_20250910",
            types::BetaWebFetchTool20250910::new().into(),
            json!({"type": "web_fetch_20250910", "name": "web_fetch"}),
        ),
        (
            "web_fetch_20250910, every field",
            types::BetaWebFetchTool20250910::new()
                .allowed_domains(["docs.rs"])
                .blocked_domains(["spam.example"])
                .citations(types::BetaCitationsConfigParam::new().enabled(true))
                .max_content_tokens(100000)
                .max_uses(10)
                .allowed_callers([Caller::Direct])
                .cache_control(cache(None))
                .defer_loading(false)
                .strict(true)
                .into(),
            json!({"type": "web_fetch_20250910", "name": "web_fetch",
                   "allowed_domains": ["docs.rs"], "blocked_domains": ["spam.example"],
                   "citations": {"enabled": true}, "max_content_tokens": 100000, "max_uses": 10,
                   "allowed_callers": ["direct"], "cache_control": {"type": "ephemeral"},
                   "defer_loading": false, "strict": true}),
        ),
        (
            "tool_search_tool_bm25_20251119",
            types::BetaToolSearchToolBm2520251119::new(
                types::BetaToolSearchToolBm2520251119Type::ToolSearchToolBm2520251119,
            )
            .into(),
            json!({"type": "tool_search_tool_bm25_20251119", "name": "tool_search_tool_bm25"}),
        ),
        (
            "tool_search_tool_bm25 (the undated type)",
            types::BetaToolSearchToolBm2520251119::new(
                types::BetaToolSearchToolBm2520251119Type::ToolSearchToolBm25,
            )
            .defer_loading(false)
            .into(),
            json!({"type": "tool_search_tool_bm25", "name": "tool_search_tool_bm25",
                   "defer_loading": false}),
        ),
        (
            "tool_search_tool_regex_20251119",
            types::BetaToolSearchToolRegex20251119::new(
                types::BetaToolSearchToolRegex20251119Type::ToolSearchToolRegex20251119,
            )
            .into(),
            json!({"type": "tool_search_tool_regex_20251119", "name": "tool_search_tool_regex"}),
        ),
        (
            "tool_search_tool_regex (the undated type), every field",
            types::BetaToolSearchToolRegex20251119::new(
                types::BetaToolSearchToolRegex20251119Type::ToolSearchToolRegex,
            )
            .allowed_callers([Caller::Direct])
            .cache_control(cache(None))
            .strict(true)
            .into(),
            json!({"type": "tool_search_tool_regex", "name": "tool_search_tool_regex",
                   "allowed_callers": ["direct"], "cache_control": {"type": "ephemeral"},
                   "strict": true}),
        ),
        (
            "mcp_toolset",
            types::BetaMcpToolset::new("github").into(),
            json!({"type": "mcp_toolset", "mcp_server_name": "github"}),
        ),
        (
            "mcp_toolset, every field",
            types::BetaMcpToolset::new("github")
                .default_config(
                    types::BetaMcpToolDefaultConfig::new()
                        .enabled(false)
                        .defer_loading(true),
                )
                .configs(std::collections::HashMap::from([(
                    "search_issues".to_string(),
                    types::BetaMcpToolConfig::new().enabled(true),
                )]))
                .cache_control(cache(None))
                .into(),
            json!({"type": "mcp_toolset", "mcp_server_name": "github",
                   "default_config": {"enabled": false, "defer_loading": true},
                   "configs": {"search_issues": {"enabled": true}},
                   "cache_control": {"type": "ephemeral"}}),
        ),
    ]
}

#[tokio::test]
async fn every_tool_definition_is_sent_as_documented() {
    let server = server().await;
    let client = client(&server.uri());
    let cases = tool_cases();
    let mut tags = std::collections::BTreeSet::new();
    for (case, tool, expected) in cases {
        tags.insert(tool.tag().to_string());
        // A custom tool may leave `type` out; it still reads as `custom`.
        let wire_type = expected["type"].as_str().unwrap_or("custom");
        assert_eq!(tool.tag(), wire_type, "{case}: its tag");
        let mut p = params(vec![BetaMessageParam::user("Hi")]);
        p.tools = vec![tool.clone()];
        let body = sent_body(&server, &client, p).await;
        let mut want = base_json(json!([{"role": "user", "content": "Hi"}]));
        want["tools"] = json!([expected]);
        same(case, &body, &want);
        // And the documented JSON reads back as the same tool.
        let parsed: Tool = serde_json::from_value(expected).expect(case);
        assert_eq!(parsed, tool, "{case}: parses back");
    }
    // Every variant of the union is covered.
    let all = [
        "custom",
        "bash_20241022",
        "bash_20250124",
        "code_execution_20250522",
        "code_execution_20250825",
        "computer_20241022",
        "memory_20250818",
        "computer_20250124",
        "text_editor_20241022",
        "computer_20251124",
        "text_editor_20250124",
        "text_editor_20250429",
        "text_editor_20250728",
        "web_search_20250305",
        "web_fetch_20250910",
        "tool_search_tool_bm25_20251119",
        "tool_search_tool_regex_20251119",
        "mcp_toolset",
    ];
    for tag in all {
        assert!(tags.contains(tag), "no case for `{tag}`: {tags:?}");
    }
}

#[tokio::test]
async fn tool_choice_thinking_and_the_other_beta_body_fields() {
    let server = server().await;
    let client = client(&server.uri());
    let mut p = params(vec![BetaMessageParam::user("Hi")]);
    p.tools = vec![types::BetaTool::new("get_weather", weather_schema()).into()];
    p.tool_choice = Some(
        types::BetaToolChoiceTool::new("get_weather")
            .disable_parallel_tool_use(true)
            .into(),
    );
    p.thinking = Some(types::BetaThinkingConfigParam::enabled(2048));
    p.mcp_servers = vec![types::BetaRequestMcpServerUrlDefinition::new(
        "github",
        "https://mcp.example.com/sse",
    )
    .authorization_token("tok")
    .tool_configuration(
        types::BetaRequestMcpServerToolConfiguration::new()
            .enabled(true)
            .allowed_tools(["search_issues"]),
    )];
    p.container = Some("container_011".into());
    p.context_management = Some(
        types::BetaContextManagementConfig::new().edits([
            types::BetaContextManagementConfigEditsItem::from(
                types::BetaClearToolUses20250919Edit::new()
                    .trigger(types::BetaInputTokensTrigger::new(30000))
                    .keep(types::BetaToolUsesKeep::new(3))
                    .clear_at_least(types::BetaInputTokensClearAtLeast::new(5000))
                    .exclude_tools(["memory"]),
            ),
            types::BetaClearThinking20251015Edit::new()
                .keep(types::BetaThinkingTurns::new(2))
                .into(),
            types::BetaCompact20260112Edit::new()
                .instructions("Summarize")
                .pause_after_compaction(true)
                .into(),
        ]),
    );
    let body = sent_body(&server, &client, p).await;
    same(
        "tool_choice",
        &body["tool_choice"],
        &json!({"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true}),
    );
    same(
        "thinking",
        &body["thinking"],
        &json!({"type": "enabled", "budget_tokens": 2048}),
    );
    same(
        "mcp_servers",
        &body["mcp_servers"],
        &json!([{"type": "url", "name": "github", "url": "https://mcp.example.com/sse",
                 "authorization_token": "tok",
                 "tool_configuration": {"enabled": true, "allowed_tools": ["search_issues"]}}]),
    );
    same("container", &body["container"], &json!("container_011"));
    same(
        "context_management",
        &body["context_management"],
        &json!({"edits": [
            {"type": "clear_tool_uses_20250919",
             "trigger": {"type": "input_tokens", "value": 30000},
             "keep": {"type": "tool_uses", "value": 3},
             "clear_at_least": {"type": "input_tokens", "value": 5000},
             "exclude_tools": ["memory"]},
            {"type": "clear_thinking_20251015", "keep": {"type": "thinking_turns", "value": 2}},
            {"type": "compact_20260112", "instructions": "Summarize", "pause_after_compaction": true}
        ]}),
    );
}

// ---------------------------------------------------------------------------
// 3. Every kind of input block
// ---------------------------------------------------------------------------

/// Each block, as built, the role of the turn it belongs in, and the JSON
/// create.md documents for it.
fn block_cases() -> Vec<(&'static str, Block, Value)> {
    use types::BetaTextCitationParam as Citation;
    let char_location = types::BetaCitationCharLocationParam::builder()
        .cited_text("The sky is blue.")
        .document_index(0)
        .document_title("Facts".to_string())
        .start_char_index(0)
        .end_char_index(16)
        .build()
        .expect("every required field is set");
    let page_location = types::BetaCitationPageLocationParam::builder()
        .cited_text("Revenue grew.")
        .document_index(1)
        .start_page_number(2)
        .end_page_number(3)
        .build()
        .expect("every required field is set");
    let block_location = types::BetaCitationContentBlockLocationParam::builder()
        .cited_text("First chunk")
        .document_index(2)
        .document_title("Chunks".to_string())
        .start_block_index(0)
        .end_block_index(1)
        .build()
        .expect("every required field is set");
    let web_location = types::BetaCitationWebSearchResultLocationParam::new(
        "Sunny, 21°C",
        "https://weather.example",
        "Eo8BCioIAhgBIiQ",
    )
    .title("Weather");
    let search_location = types::BetaCitationSearchResultLocationParam::builder()
        .cited_text("All API requests must include an API key.")
        .search_result_index(0)
        .source("https://docs.company.com/api-reference")
        .title("API Reference".to_string())
        .start_block_index(0)
        .end_block_index(0)
        .build()
        .expect("every required field is set");

    let image = |source: types::BetaImageBlockParamSource| -> Block {
        types::BetaImageBlockParam::new(source).into()
    };
    let document = |source: types::BetaRequestDocumentBlockSource| -> Block {
        types::BetaRequestDocumentBlock::new(source).into()
    };
    let pdf_document =
        types::BetaRequestDocumentBlock::new(types::BetaBase64PdfSource::new("JVBERi0xLjcK"))
            .title("Annual report")
            .context("Uploaded by finance")
            .citations(types::BetaCitationsConfigParam::new().enabled(true))
            .cache_control(cache(None));
    let web_fetch_document =
        types::BetaRequestDocumentBlock::new(types::BetaPlainTextSource::new("Example Domain"))
            .title("Example");

    let code_result = types::BetaCodeExecutionResultBlockParam::builder()
        .stdout("4\n")
        .stderr("")
        .return_code(0)
        .content(vec![types::BetaCodeExecutionOutputBlockParam::new(
            "file_011",
        )])
        .build()
        .expect("every required field is set");
    let bash_result = types::BetaBashCodeExecutionResultBlockParam::builder()
        .stdout("hello\n")
        .stderr("warning\n")
        .return_code(1)
        .content(vec![types::BetaBashCodeExecutionOutputBlockParam::new(
            "file_012",
        )])
        .build()
        .expect("every required field is set");
    let mcp_call = types::BetaMcpToolUseBlockParam::builder()
        .id("mcptoolu_01")
        .name("search_issues")
        .server_name("github")
        .input(object(json!({"query": "bug"})))
        .build()
        .expect("every required field is set");

    vec![
        (
            "text",
            Block::text("Hello"),
            json!({"type": "text", "text": "Hello"}),
        ),
        (
            "text with cache control",
            text("Long instructions")
                .cache_control(cache(Some(types::CacheControlTtl::OneHour)))
                .into(),
            json!({"type": "text", "text": "Long instructions",
                   "cache_control": {"type": "ephemeral", "ttl": "1h"}}),
        ),
        (
            "text with a citation of each kind",
            text("Cited.")
                .citations([
                    Citation::from(char_location),
                    page_location.into(),
                    block_location.into(),
                    web_location.into(),
                    search_location.into(),
                ])
                .into(),
            json!({"type": "text", "text": "Cited.", "citations": [
                {"type": "char_location", "cited_text": "The sky is blue.", "document_index": 0,
                 "document_title": "Facts", "start_char_index": 0, "end_char_index": 16},
                {"type": "page_location", "cited_text": "Revenue grew.", "document_index": 1,
                 "document_title": null, "start_page_number": 2, "end_page_number": 3},
                {"type": "content_block_location", "cited_text": "First chunk", "document_index": 2,
                 "document_title": "Chunks", "start_block_index": 0, "end_block_index": 1},
                {"type": "web_search_result_location", "cited_text": "Sunny, 21°C",
                 "url": "https://weather.example", "encrypted_index": "Eo8BCioIAhgBIiQ",
                 "title": "Weather"},
                {"type": "search_result_location", "cited_text": "All API requests must include an API key.",
                 "search_result_index": 0, "source": "https://docs.company.com/api-reference",
                 "title": "API Reference", "start_block_index": 0, "end_block_index": 0}
            ]}),
        ),
        (
            "image, base64",
            image(
                types::BetaBase64ImageSource::new(
                    types::BetaBase64ImageSourceMediaType::ImagePng,
                    "iVBORw0KGgo=",
                )
                .into(),
            ),
            json!({"type": "image", "source": {"type": "base64", "media_type": "image/png",
                   "data": "iVBORw0KGgo="}}),
        ),
        (
            "image, url, with cache control",
            types::BetaImageBlockParam::new(types::BetaUrlImageSource::new(
                "https://example.com/ant.jpg",
            ))
            .cache_control(cache(None))
            .into(),
            json!({"type": "image", "source": {"type": "url", "url": "https://example.com/ant.jpg"},
                   "cache_control": {"type": "ephemeral"}}),
        ),
        (
            "image, file",
            image(types::BetaFileImageSource::new("file_011CNha8iCJcU1wXNR6q4V8w").into()),
            json!({"type": "image", "source": {"type": "file",
                   "file_id": "file_011CNha8iCJcU1wXNR6q4V8w"}}),
        ),
        (
            "document, base64 PDF, every field",
            pdf_document.into(),
            json!({"type": "document",
                   "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjcK"},
                   "title": "Annual report", "context": "Uploaded by finance",
                   "citations": {"enabled": true}, "cache_control": {"type": "ephemeral"}}),
        ),
        (
            "document, plain text",
            document(types::BetaPlainTextSource::new("The grass is green.").into()),
            json!({"type": "document", "source": {"type": "text", "media_type": "text/plain",
                   "data": "The grass is green."}}),
        ),
        (
            "document, content as a string",
            document(types::BetaContentBlockSource::new("Custom content").into()),
            json!({"type": "document", "source": {"type": "content", "content": "Custom content"}}),
        ),
        (
            "document, content as text and image blocks",
            document(
                types::BetaContentBlockSource::new(vec![
                    types::BetaContentBlockSourceContent::from(text("First chunk")),
                    types::BetaImageBlockParam::new(types::BetaFileImageSource::new("file_img"))
                        .into(),
                ])
                .into(),
            ),
            json!({"type": "document", "source": {"type": "content", "content": [
                {"type": "text", "text": "First chunk"},
                {"type": "image", "source": {"type": "file", "file_id": "file_img"}}
            ]}}),
        ),
        (
            "document, url",
            document(types::BetaUrlPdfSource::new("https://example.com/paper.pdf").into()),
            json!({"type": "document", "source": {"type": "url",
                   "url": "https://example.com/paper.pdf"}}),
        ),
        (
            "document, file",
            document(types::BetaFileDocumentSource::new("file_011").into()),
            json!({"type": "document", "source": {"type": "file", "file_id": "file_011"}}),
        ),
        (
            "search result, every field",
            types::BetaSearchResultBlockParam::new(
                "https://docs.company.com/api-reference",
                "API Reference",
                [text("All API requests must include an API key.")],
            )
            .citations(types::BetaCitationsConfigParam::new().enabled(true))
            .cache_control(cache(None))
            .into(),
            json!({"type": "search_result", "source": "https://docs.company.com/api-reference",
                   "title": "API Reference",
                   "content": [{"type": "text", "text": "All API requests must include an API key."}],
                   "citations": {"enabled": true}, "cache_control": {"type": "ephemeral"}}),
        ),
        (
            "thinking",
            types::BetaThinkingBlockParam::new("Let me think.", "EqQBCgIYAhIM").into(),
            json!({"type": "thinking", "thinking": "Let me think.", "signature": "EqQBCgIYAhIM"}),
        ),
        (
            "redacted thinking",
            types::BetaRedactedThinkingBlockParam::new("EmwKAhgBEgy3va3pzix").into(),
            json!({"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"}),
        ),
        (
            "tool use",
            types::BetaToolUseBlockParam::new(
                "toolu_01",
                "get_weather",
                object(json!({"location": "Paris"})),
            )
            .into(),
            json!({"type": "tool_use", "id": "toolu_01", "name": "get_weather",
                   "input": {"location": "Paris"}}),
        ),
        (
            "tool use called directly, cached",
            types::BetaToolUseBlockParam::new("toolu_02", "now", Map::new())
                .caller(types::BetaDirectCaller::new())
                .cache_control(cache(None))
                .into(),
            json!({"type": "tool_use", "id": "toolu_02", "name": "now", "input": {},
                   "caller": {"type": "direct"}, "cache_control": {"type": "ephemeral"}}),
        ),
        (
            "tool use called from code execution",
            types::BetaToolUseBlockParam::new("toolu_03", "now", Map::new())
                .caller(types::BetaServerToolCaller::new("srvtoolu_01"))
                .into(),
            json!({"type": "tool_use", "id": "toolu_03", "name": "now", "input": {},
                   "caller": {"type": "code_execution_20250825", "tool_id": "srvtoolu_01"}}),
        ),
        (
            "tool result without content",
            types::BetaToolResultBlockParam::new("toolu_01").into(),
            json!({"type": "tool_result", "tool_use_id": "toolu_01"}),
        ),
        (
            "tool result, a string",
            Block::tool_result("toolu_01", "259.75 USD"),
            json!({"type": "tool_result", "tool_use_id": "toolu_01", "content": "259.75 USD"}),
        ),
        (
            "tool result, an error",
            Block::tool_error("toolu_01", "not found"),
            json!({"type": "tool_result", "tool_use_id": "toolu_01", "content": "not found",
                   "is_error": true}),
        ),
        (
            "tool result, one block of each kind",
            types::BetaToolResultBlockParam::new("toolu_01")
                .content(vec![
                    types::BetaToolResultBlockParamContentItem::from(text("Done")),
                    types::BetaImageBlockParam::new(types::BetaUrlImageSource::new(
                        "https://example.com/shot.png",
                    ))
                    .into(),
                    types::BetaSearchResultBlockParam::new("https://s.example", "S", [text("s")])
                        .into(),
                    types::BetaRequestDocumentBlock::new(types::BetaFileDocumentSource::new(
                        "file_doc",
                    ))
                    .into(),
                    types::BetaToolReferenceBlockParam::new("get_weather").into(),
                ])
                .is_error(false)
                .cache_control(cache(Some(types::CacheControlTtl::FiveMinutes)))
                .into(),
            json!({"type": "tool_result", "tool_use_id": "toolu_01", "is_error": false,
            "cache_control": {"type": "ephemeral", "ttl": "5m"},
            "content": [
                {"type": "text", "text": "Done"},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/shot.png"}},
                {"type": "search_result", "source": "https://s.example", "title": "S",
                 "content": [{"type": "text", "text": "s"}]},
                {"type": "document", "source": {"type": "file", "file_id": "file_doc"}},
                {"type": "tool_reference", "tool_name": "get_weather"}
            ]}),
        ),
        (
            "tool result, a cached tool reference",
            types::BetaToolResultBlockParam::new("srvtoolu_02")
                .content(vec![types::BetaToolReferenceBlockParam::new("get_weather")
                    .cache_control(cache(None))
                    .into()])
                .into(),
            json!({"type": "tool_result", "tool_use_id": "srvtoolu_02", "content": [
                {"type": "tool_reference", "tool_name": "get_weather",
                 "cache_control": {"type": "ephemeral"}}
            ]}),
        ),
        (
            "server tool use",
            types::BetaServerToolUseBlockParam::new(
                "srvtoolu_01",
                types::BetaServerToolUseBlockName::WebSearch,
                object(json!({"query": "weather"})),
            )
            .into(),
            json!({"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search",
                   "input": {"query": "weather"}}),
        ),
        (
            "server tool use called from code execution, cached",
            types::BetaServerToolUseBlockParam::new(
                "srvtoolu_02",
                types::BetaServerToolUseBlockName::BashCodeExecution,
                object(json!({"command": "ls"})),
            )
            .caller(types::BetaServerToolCaller::new("srvtoolu_00"))
            .cache_control(cache(None))
            .into(),
            json!({"type": "server_tool_use", "id": "srvtoolu_02", "name": "bash_code_execution",
                   "input": {"command": "ls"},
                   "caller": {"type": "code_execution_20250825", "tool_id": "srvtoolu_00"},
                   "cache_control": {"type": "ephemeral"}}),
        ),
        (
            "web search tool result, results",
            types::BetaWebSearchToolResultBlockParam::new(
                vec![
                    types::BetaWebSearchResultBlockParam::new(
                        "https://weather.example",
                        "Weather",
                        "Eq0B",
                    )
                    .page_age("2 days ago"),
                    types::BetaWebSearchResultBlockParam::new("https://b.example", "B", "Eq0C"),
                ],
                "srvtoolu_01",
            )
            .into(),
            json!({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01", "content": [
                {"type": "web_search_result", "url": "https://weather.example", "title": "Weather",
                 "encrypted_content": "Eq0B", "page_age": "2 days ago"},
                {"type": "web_search_result", "url": "https://b.example", "title": "B",
                 "encrypted_content": "Eq0C"}
            ]}),
        ),
        (
            "web search tool result, an error",
            types::BetaWebSearchToolResultBlockParam::new(
                types::BetaWebSearchToolRequestError::new(
                    types::BetaWebSearchToolResultErrorCode::MaxUsesExceeded,
                ),
                "srvtoolu_01",
            )
            .cache_control(cache(None))
            .into(),
            json!({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01",
                   "content": {"type": "web_search_tool_result_error", "error_code": "max_uses_exceeded"},
                   "cache_control": {"type": "ephemeral"}}),
        ),
        (
            "web fetch tool result, a page",
            types::BetaWebFetchToolResultBlockParam::new(
                types::BetaWebFetchBlockParam::new("https://example.com", web_fetch_document)
                    .retrieved_at("2025-08-25T10:30:02Z"),
                "srvtoolu_03",
            )
            .into(),
            json!({"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_03", "content": {
                "type": "web_fetch_result", "url": "https://example.com",
                "retrieved_at": "2025-08-25T10:30:02Z",
                "content": {"type": "document", "title": "Example",
                            "source": {"type": "text", "media_type": "text/plain", "data": "Example Domain"}}
            }}),
        ),
        (
            "web fetch tool result, an error",
            types::BetaWebFetchToolResultBlockParam::new(
                types::BetaWebFetchToolResultErrorBlockParam::new(
                    types::BetaWebFetchToolResultErrorCode::UrlNotAccessible,
                ),
                "srvtoolu_03",
            )
            .into(),
            json!({"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_03",
                   "content": {"type": "web_fetch_tool_result_error", "error_code": "url_not_accessible"}}),
        ),
        (
            "code execution tool result, a result",
            types::BetaCodeExecutionToolResultBlockParam::new(code_result, "srvtoolu_04").into(),
            json!({"type": "code_execution_tool_result", "tool_use_id": "srvtoolu_04", "content": {
                "type": "code_execution_result", "stdout": "4\n", "stderr": "", "return_code": 0,
                "content": [{"type": "code_execution_output", "file_id": "file_011"}]
            }}),
        ),
        (
            "code execution tool result, an error",
            types::BetaCodeExecutionToolResultBlockParam::new(
                types::BetaCodeExecutionToolResultErrorParam::new(
                    types::BetaCodeExecutionToolResultErrorCode::ExecutionTimeExceeded,
                ),
                "srvtoolu_04",
            )
            .into(),
            json!({"type": "code_execution_tool_result", "tool_use_id": "srvtoolu_04",
                   "content": {"type": "code_execution_tool_result_error",
                               "error_code": "execution_time_exceeded"}}),
        ),
        (
            "bash code execution tool result, a result",
            types::BetaBashCodeExecutionToolResultBlockParam::new(bash_result, "srvtoolu_05")
                .into(),
            json!({"type": "bash_code_execution_tool_result", "tool_use_id": "srvtoolu_05",
                   "content": {"type": "bash_code_execution_result", "stdout": "hello\n",
                               "stderr": "warning\n", "return_code": 1,
                               "content": [{"type": "bash_code_execution_output", "file_id": "file_012"}]}}),
        ),
        (
            "bash code execution tool result, an error",
            types::BetaBashCodeExecutionToolResultBlockParam::new(
                types::BetaBashCodeExecutionToolResultErrorParam::new(
                    types::BetaBashCodeExecutionToolResultErrorCode::OutputFileTooLarge,
                ),
                "srvtoolu_05",
            )
            .into(),
            json!({"type": "bash_code_execution_tool_result", "tool_use_id": "srvtoolu_05",
                   "content": {"type": "bash_code_execution_tool_result_error",
                               "error_code": "output_file_too_large"}}),
        ),
        (
            "text editor code execution tool result, an error with its message",
            types::BetaTextEditorCodeExecutionToolResultBlockParam::new(
                types::BetaTextEditorCodeExecutionToolResultErrorParam::new(
                    types::BetaTextEditorCodeExecutionToolResultErrorCode::FileNotFound,
                )
                .error_message("no such file: a.txt"),
                "srvtoolu_06",
            )
            .into(),
            json!({"type": "text_editor_code_execution_tool_result", "tool_use_id": "srvtoolu_06",
                   "content": {"type": "text_editor_code_execution_tool_result_error",
                               "error_code": "file_not_found", "error_message": "no such file: a.txt"}}),
        ),
        (
            "text editor code execution tool result, a view",
            types::BetaTextEditorCodeExecutionToolResultBlockParam::new(
                types::BetaTextEditorCodeExecutionViewResultBlockParam::new(
                    "line 1\nline 2",
                    types::BetaTextEditorCodeExecutionFileType::Text,
                )
                .num_lines(2)
                .start_line(1)
                .total_lines(2),
                "srvtoolu_06",
            )
            .into(),
            json!({"type": "text_editor_code_execution_tool_result", "tool_use_id": "srvtoolu_06",
                   "content": {"type": "text_editor_code_execution_view_result",
                               "content": "line 1\nline 2", "file_type": "text",
                               "num_lines": 2, "start_line": 1, "total_lines": 2}}),
        ),
        (
            "text editor code execution tool result, a create",
            types::BetaTextEditorCodeExecutionToolResultBlockParam::new(
                types::BetaTextEditorCodeExecutionCreateResultBlockParam::new(false),
                "srvtoolu_06",
            )
            .into(),
            json!({"type": "text_editor_code_execution_tool_result", "tool_use_id": "srvtoolu_06",
                   "content": {"type": "text_editor_code_execution_create_result",
                               "is_file_update": false}}),
        ),
        (
            "text editor code execution tool result, a str_replace",
            types::BetaTextEditorCodeExecutionToolResultBlockParam::new(
                types::BetaTextEditorCodeExecutionStrReplaceResultBlockParam::new()
                    .lines(["-a", "+b"])
                    .old_start(3)
                    .old_lines(1)
                    .new_start(3)
                    .new_lines(1),
                "srvtoolu_06",
            )
            .into(),
            json!({"type": "text_editor_code_execution_tool_result", "tool_use_id": "srvtoolu_06",
                   "content": {"type": "text_editor_code_execution_str_replace_result",
                               "lines": ["-a", "+b"], "old_start": 3, "old_lines": 1,
                               "new_start": 3, "new_lines": 1}}),
        ),
        (
            "text editor code execution tool result, a bare str_replace",
            types::BetaTextEditorCodeExecutionToolResultBlockParam::new(
                types::BetaTextEditorCodeExecutionStrReplaceResultBlockParam::new(),
                "srvtoolu_06",
            )
            .into(),
            json!({"type": "text_editor_code_execution_tool_result", "tool_use_id": "srvtoolu_06",
                   "content": {"type": "text_editor_code_execution_str_replace_result"}}),
        ),
        (
            "tool search tool result, references",
            types::BetaToolSearchToolResultBlockParam::new(
                types::BetaToolSearchToolSearchResultBlockParam::new([
                    types::BetaToolReferenceBlockParam::new("get_weather"),
                    types::BetaToolReferenceBlockParam::new("get_time"),
                ]),
                "srvtoolu_07",
            )
            .into(),
            json!({"type": "tool_search_tool_result", "tool_use_id": "srvtoolu_07",
            "content": {"type": "tool_search_tool_search_result", "tool_references": [
                {"type": "tool_reference", "tool_name": "get_weather"},
                {"type": "tool_reference", "tool_name": "get_time"}
            ]}}),
        ),
        (
            "tool search tool result, an error",
            types::BetaToolSearchToolResultBlockParam::new(
                types::BetaToolSearchToolResultErrorParam::new(
                    types::BetaToolSearchToolResultErrorCode::TooManyRequests,
                ),
                "srvtoolu_07",
            )
            .into(),
            json!({"type": "tool_search_tool_result", "tool_use_id": "srvtoolu_07",
                   "content": {"type": "tool_search_tool_result_error",
                               "error_code": "too_many_requests"}}),
        ),
        (
            "MCP tool use",
            mcp_call.into(),
            json!({"type": "mcp_tool_use", "id": "mcptoolu_01", "name": "search_issues",
                   "server_name": "github", "input": {"query": "bug"}}),
        ),
        (
            "MCP tool result, a string",
            types::BetaRequestMcpToolResultBlockParam::new("mcptoolu_01")
                .content("3 issues")
                .into(),
            json!({"type": "mcp_tool_result", "tool_use_id": "mcptoolu_01", "content": "3 issues"}),
        ),
        (
            "MCP tool result, text blocks, an error, cached",
            types::BetaRequestMcpToolResultBlockParam::new("mcptoolu_01")
                .content(vec![text("rate limited")])
                .is_error(true)
                .cache_control(cache(None))
                .into(),
            json!({"type": "mcp_tool_result", "tool_use_id": "mcptoolu_01",
                   "content": [{"type": "text", "text": "rate limited"}], "is_error": true,
                   "cache_control": {"type": "ephemeral"}}),
        ),
        (
            "MCP tool result without content",
            types::BetaRequestMcpToolResultBlockParam::new("mcptoolu_02").into(),
            json!({"type": "mcp_tool_result", "tool_use_id": "mcptoolu_02"}),
        ),
        (
            "container upload",
            types::BetaContainerUploadBlockParam::new("file_011").into(),
            json!({"type": "container_upload", "file_id": "file_011"}),
        ),
        (
            "container upload, cached",
            types::BetaContainerUploadBlockParam::new("file_011")
                .cache_control(cache(None))
                .into(),
            json!({"type": "container_upload", "file_id": "file_011",
                   "cache_control": {"type": "ephemeral"}}),
        ),
        (
            "compaction",
            types::BetaCompactionBlockParam::new()
                .content("Summary of the earlier turns.")
                .cache_control(cache(None))
                .into(),
            json!({"type": "compaction", "content": "Summary of the earlier turns.",
                   "cache_control": {"type": "ephemeral"}}),
        ),
        (
            // The spec makes `content` required and nullable: a failed
            // compaction is passed back with `null`, not without the field.
            "compaction that failed",
            types::BetaCompactionBlockParam::new().into(),
            json!({"type": "compaction", "content": null}),
        ),
    ]
}

#[tokio::test]
async fn every_input_block_is_sent_as_documented() {
    let server = server().await;
    let client = client(&server.uri());
    let mut tags = std::collections::BTreeSet::new();
    for (case, block, expected) in block_cases() {
        tags.insert(block.tag().to_string());
        assert_eq!(
            Some(block.tag()),
            expected["type"].as_str(),
            "{case}: its tag"
        );
        let body = sent_body(
            &server,
            &client,
            params(vec![
                BetaMessageParam::user("Hi"),
                BetaMessageParam::assistant(vec![block.clone()]),
            ]),
        )
        .await;
        same(
            case,
            &body,
            &base_json(json!([
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": [expected.clone()]}
            ])),
        );
        let parsed: Block = serde_json::from_value(expected).expect(case);
        assert_eq!(parsed, block, "{case}: parses back");
    }
    let all = [
        "text",
        "image",
        "document",
        "search_result",
        "thinking",
        "redacted_thinking",
        "tool_use",
        "tool_result",
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
        "compaction",
    ];
    for tag in all {
        assert!(tags.contains(tag), "no case for `{tag}`: {tags:?}");
    }
}

#[tokio::test]
async fn system_as_blocks_and_a_user_turn_of_blocks() {
    let server = server().await;
    let client = client(&server.uri());
    let mut p = params(vec![BetaMessageParam::user(vec![
        types::BetaImageBlockParam::new(types::BetaFileImageSource::new("file_img")).into(),
        Block::text("What is this?"),
    ])]);
    p.system = Some(vec![text("You are terse.").cache_control(cache(None))].into());
    let body = sent_body(&server, &client, p).await;
    let mut want = base_json(json!([{"role": "user", "content": [
        {"type": "image", "source": {"type": "file", "file_id": "file_img"}},
        {"type": "text", "text": "What is this?"}
    ]}]));
    want["system"] = json!([{"type": "text", "text": "You are terse.",
                             "cache_control": {"type": "ephemeral"}}]);
    same("system", &body, &want);
}

// ---------------------------------------------------------------------------
// 4. Beta message batches
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_beta_batch_is_created_and_its_results_read_through_the_beta_surface() {
    let server = MockServer::start().await;
    let batch = json!({
        "id": "msgbatch_01", "type": "message_batch", "processing_status": "in_progress",
        "request_counts": {"processing": 1, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0},
        "created_at": "2024-08-20T18:37:24Z", "expires_at": "2024-08-21T18:37:24Z",
        "ended_at": null, "archived_at": null, "cancel_initiated_at": null, "results_url": null
    });
    Mock::given(method("POST"))
        .and(path("/v1/messages/batches"))
        .respond_with(ResponseTemplate::new(200).set_body_json(batch))
        .mount(&server)
        .await;
    let mut succeeded = reply();
    succeeded["content"] = json!([
        {"type": "mcp_tool_use", "id": "mcptoolu_01", "name": "search_issues",
         "server_name": "github", "input": {"query": "bug"}},
        {"type": "mcp_tool_result", "tool_use_id": "mcptoolu_01", "is_error": false,
         "content": "3 issues"}
    ]);
    let lines = [
        json!({"custom_id": "my-custom-id-1", "result": {"type": "succeeded", "message": succeeded}}),
        json!({"custom_id": "my-custom-id-2", "result": {"type": "expired"}}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    Mock::given(method("GET"))
        .and(path("/v1/messages/batches/msgbatch_01/results"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(lines, "application/x-jsonl"))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    // batches/create.md, "Example": the curl body and its beta header.
    let created = client
        .beta()
        .messages()
        .batches()
        .create(types::BetaMessageBatchCreateParams::new([
            types::BetaMessageBatchRequest::new(
                "my-custom-id-1",
                params(vec![BetaMessageParam::user("Hello, world")]),
            ),
        ]))
        .anthropic_beta([types::AnthropicBeta::MessageBatches20240924])
        .send()
        .await
        .expect("a batch");
    assert_eq!(created.id, "msgbatch_01");
    assert_eq!(created.request_counts.processing, 1);
    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/v1/messages/batches");
    assert_eq!(requests[0].url.query(), Some("beta=true"));
    assert_eq!(
        requests[0]
            .headers
            .get("anthropic-beta")
            .and_then(|v| v.to_str().ok()),
        Some("message-batches-2024-09-24")
    );
    assert_eq!(
        body_json(&requests[0]),
        json!({"requests": [{"custom_id": "my-custom-id-1", "params": {
            "max_tokens": 1024,
            "messages": [{"content": "Hello, world", "role": "user"}],
            "model": "claude-opus-4-6"
        }}]})
    );

    let results: Vec<types::BetaMessageBatchIndividualResponse> = client
        .beta()
        .messages()
        .batches()
        .results("msgbatch_01")
        .send()
        .await
        .expect("the results open")
        .try_collect()
        .await
        .expect("every line decodes");
    let requests = received(&server).await;
    assert_eq!(requests[1].url.query(), Some("beta=true"));
    assert_eq!(results.len(), 2);
    let types::BetaMessageBatchResult::Succeeded(first) = &results[0].result else {
        panic!("{:?}", results[0])
    };
    assert!(matches!(&first.message.content[0],
        types::BetaContentBlock::McpToolUse(m) if m.server_name == "github"));
    assert!(matches!(&first.message.content[1],
        types::BetaContentBlock::McpToolResult(r)
            if r.content == types::BetaMcpToolResultBlockContent::String("3 issues".into())));
    assert!(matches!(
        results[1].result,
        types::BetaMessageBatchResult::Expired(_)
    ));
}
