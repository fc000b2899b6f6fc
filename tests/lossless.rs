//! Lossless round trips: a reply whose known blocks carry fields this crate
//! does not know (at the top of a block and nested, inside a citation or a
//! server tool's result), passed back with `message.to_param()` as the
//! assistant turn of the next request, reaches the server equal, as a JSON
//! value, to the blocks the server sent. Plain and beta families, over a
//! loopback server that records what it receives. The one exception, kept
//! from before: a field the reply type knows and the input shape leaves out
//! (a citation's `file_id`) is not sent back.

use anthropic_client::types;
use serde_json::{json, Value};
use wiremock::ResponseTemplate;
use workspace_tests::messages::{body_json, messages_server, received, reply};
use workspace_tests::runtime::client;

/// Known blocks, each with unknown fields of its own and, where it holds
/// objects, inside them; optional fields given as `null` stay `null`.
fn blocks(beta: bool) -> Value {
    let mut blocks = json!([
        {"type": "thinking", "thinking": "Let me look it up.", "signature": "EqQBCgIYAh==",
         "thinking_budget_hint": {"left": 512}},
        {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix", "reason": "safety"},
        {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search",
         "input": {"query": "weather in Paris"}, "started_at": "2025-01-01T00:00:00Z"},
        {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01",
         "content": [
             {"type": "web_search_result", "url": "https://weather.example/paris",
              "title": "Paris weather", "encrypted_content": "EqgfCioIARgB", "page_age": null,
              "rank": 1, "snippet_lang": {"code": "fr"}}
         ],
         "result_id": "wsr_01"},
        {"type": "text", "text": "It is sunny in Paris.",
         "citations": [
             {"type": "char_location", "cited_text": "sunny", "document_index": 0,
              "document_title": null, "start_char_index": 0, "end_char_index": 5,
              "confidence": 0.9, "span": {"start": 0, "end": 5}},
             {"type": "web_search_result_location", "cited_text": "Sunny, 24°C",
              "url": "https://weather.example/paris", "title": "Paris weather",
              "encrypted_index": "Eo8BCioIAhgB", "retrieved_at": "2025-01-01"}
         ],
         "text_style": ["bold"]},
        {"type": "tool_use", "id": "toolu_01", "name": "get_weather",
         "input": {"city": "Paris", "unit": null}, "parallel_group": 2}
    ]);
    if beta {
        // A beta-only block and a beta tool call's caller, with unknown fields too.
        if let Some(list) = blocks.as_array_mut() {
            list.push(json!({
                "type": "tool_use", "id": "toolu_02", "name": "lookup", "input": {},
                "caller": {"type": "direct", "trace": "t1"}, "depth": 0
            }));
        }
    }
    blocks
}

/// Sends a first request, answered with `content`, then a second one that
/// passes the reply back; returns the second request's body.
async fn sent_back_plain(content: &Value) -> Value {
    let server = messages_server(vec![ResponseTemplate::new(200).set_body_json(reply(
        "msg_1",
        "tool_use",
        content.clone(),
    ))])
    .await;
    let client = client(&server.uri());
    let first = types::MessageCreateParams::new(
        "claude-sonnet-4-5",
        1024,
        vec![types::MessageParam::user("Weather in Paris?")],
    );
    let message = client
        .messages()
        .create(first)
        .send()
        .await
        .expect("the reply decodes");
    let turn = message.to_param().expect("every block goes back");
    let next = types::MessageCreateParams::new(
        "claude-sonnet-4-5",
        1024,
        vec![
            types::MessageParam::user("Weather in Paris?"),
            turn,
            types::MessageParam::user("Thanks."),
        ],
    );
    client
        .messages()
        .create(next)
        .send()
        .await
        .expect("the second reply decodes");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    body_json(&requests[1])
}

async fn sent_back_beta(content: &Value) -> Value {
    let server = messages_server(vec![ResponseTemplate::new(200).set_body_json(reply(
        "msg_1",
        "tool_use",
        content.clone(),
    ))])
    .await;
    let client = client(&server.uri());
    let first = types::BetaMessageCreateParams::new(
        "claude-sonnet-4-5",
        1024,
        vec![types::BetaMessageParam::user("Weather in Paris?")],
    );
    let message = client
        .beta()
        .messages()
        .create(first)
        .send()
        .await
        .expect("the reply decodes");
    let turn = message.to_param().expect("every block goes back");
    let next = types::BetaMessageCreateParams::new(
        "claude-sonnet-4-5",
        1024,
        vec![
            types::BetaMessageParam::user("Weather in Paris?"),
            turn,
            types::BetaMessageParam::user("Thanks."),
        ],
    );
    client
        .beta()
        .messages()
        .create(next)
        .send()
        .await
        .expect("the second reply decodes");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    body_json(&requests[1])
}

/// The assistant turn of `body` holds exactly `content`, block by block
/// (each compared on its own, so a failure names the block).
fn assert_passed_back(body: &Value, content: &Value) {
    let turn = &body["messages"][1];
    assert_eq!(turn["role"], "assistant");
    let sent = turn["content"].as_array().expect("a list of blocks");
    let expected = content.as_array().expect("a list of blocks");
    assert_eq!(sent.len(), expected.len());
    for (sent, expected) in sent.iter().zip(expected) {
        assert_eq!(sent, expected, "block `{}`", expected["type"]);
    }
}

#[tokio::test]
async fn plain_blocks_with_unknown_fields_go_back_exactly_as_they_came() {
    let content = blocks(false);
    let body = sent_back_plain(&content).await;
    assert_passed_back(&body, &content);
}

#[tokio::test]
async fn beta_blocks_with_unknown_fields_go_back_exactly_as_they_came() {
    let content = blocks(true);
    let body = sent_back_beta(&content).await;
    assert_passed_back(&body, &content);
}

/// The unknown fields are there to read, each on the object that held it.
#[test]
fn unknown_fields_are_kept_on_the_object_that_held_them() {
    let message: types::Message =
        serde_json::from_value(reply("msg_1", "end_turn", blocks(false))).expect("decodes");
    let types::ContentBlock::Thinking(thinking) = &message.content[0] else {
        panic!("a thinking block first")
    };
    assert_eq!(
        thinking.unknown_fields["thinking_budget_hint"],
        json!({"left": 512})
    );
    let types::ContentBlock::Text(text) = &message.content[4] else {
        panic!("a text block fifth")
    };
    assert_eq!(text.unknown_fields["text_style"], json!(["bold"]));
    let citations = text.citations.as_deref().expect("citations");
    let types::TextCitation::CharLocation(location) = &citations[0] else {
        panic!("a char location first")
    };
    assert_eq!(
        location.unknown_fields["span"],
        json!({"start": 0, "end": 5})
    );
    // A known field given as null is kept as null, to go back as null.
    assert_eq!(location.document_title, None);
    assert_eq!(
        location.unknown_fields.get("document_title"),
        Some(&Value::Null)
    );
}

/// A field the reply type knows and its input twin leaves out (a
/// citation's `file_id`: the server's to say) is still dropped on the way
/// back, as before; fields neither knows go back.
#[test]
fn a_reply_only_field_is_not_sent_back_but_an_unknown_one_is() {
    let content = json!([{"type": "text", "text": "Green.", "citations": [
        {"type": "char_location", "cited_text": "Green.", "document_index": 0,
         "document_title": "Colours", "start_char_index": 0, "end_char_index": 6,
         "file_id": "file_01", "confidence": 0.9}
    ]}]);
    for sent in [
        serde_json::to_value(
            serde_json::from_value::<types::Message>(reply("msg_1", "end_turn", content.clone()))
                .expect("decodes")
                .to_param()
                .expect("goes back"),
        ),
        serde_json::to_value(
            serde_json::from_value::<types::BetaMessage>(reply(
                "msg_1",
                "end_turn",
                content.clone(),
            ))
            .expect("decodes")
            .to_param()
            .expect("goes back"),
        ),
    ] {
        let citation = &sent.expect("serializable")["content"][0]["citations"][0];
        assert_eq!(citation.get("file_id"), None);
        assert_eq!(citation["confidence"], 0.9);
    }
}

/// Blocks without unknown fields, built here or decoded, are written as
/// before: no `unknown_fields` key, no empty map, nothing added.
#[test]
fn without_unknown_fields_nothing_changes_on_the_wire() {
    let plain = json!([
        {"type": "thinking", "thinking": "Hm.", "signature": "sig"},
        {"type": "text", "text": "Hi.", "citations": [
            {"type": "page_location", "cited_text": "x", "document_index": 0,
             "document_title": "A", "start_page_number": 1, "end_page_number": 2}
        ]},
        {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"a": 1}}
    ]);
    let message: types::Message =
        serde_json::from_value(reply("msg_1", "tool_use", plain.clone())).expect("decodes");
    for block in &message.content {
        let param = types::ContentBlockParam::try_from(block).expect("goes back");
        let json = serde_json::to_string(&param).expect("serializable");
        assert!(!json.contains("unknown_fields"), "{json}");
    }
    let sent = serde_json::to_value(message.to_param().expect("goes back")).expect("serializable");
    assert_eq!(sent["content"], plain);
    assert_eq!(
        serde_json::to_value(types::ContentBlockParam::text("Hi")).expect("serializable"),
        json!({"type": "text", "text": "Hi"})
    );
    assert_eq!(
        serde_json::to_value(types::BetaTextBlockParam::new("Hi")).expect("serializable"),
        json!({"type": "text", "text": "Hi"})
    );
    let call = types::ToolUseBlockParam::new("toolu_1", "f", serde_json::Map::new());
    assert_eq!(
        serde_json::to_value(&call).expect("serializable"),
        json!({"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}})
    );
}

/// Every reply block of the recorded responses, and the blocks above, as
/// JSON: what `to_param()` is checked against below.
fn reply_blocks() -> Vec<Value> {
    let mut out: Vec<Value> = blocks(true).as_array().cloned().unwrap_or_default();
    for name in [
        "forward_compat",
        "text",
        "thinking",
        "tool_result_answer",
        "tool_use",
        "web_search",
    ] {
        let message = workspace_tests::fixtures::json(&format!("messages/responses/{name}.json"));
        out.extend(message["content"].as_array().cloned().unwrap_or_default());
    }
    out
}

/// `to_param()` converts field by field (the generated `send_back`); the
/// input block it makes is the one the input type's own decoder reads from
/// the reply block's JSON, in both families, for every block recorded.
#[test]
fn the_field_by_field_conversion_agrees_with_decoding_the_json() {
    let mut checked = 0;
    for block in reply_blocks() {
        if block["type"] != "tool_use" || block.get("caller").is_none() {
            let reply: types::ContentBlock =
                serde_json::from_value(block.clone()).expect("a reply block");
            let direct = types::ContentBlockParam::try_from(&reply).expect("sent back");
            let through_json: types::ContentBlockParam =
                serde_json::from_value(serde_json::to_value(&reply).expect("serializable"))
                    .expect("an input block");
            assert_eq!(direct, through_json, "plain {}", block["type"]);
            checked += 1;
        }
        let reply: types::BetaContentBlock =
            serde_json::from_value(block.clone()).expect("a beta reply block");
        let direct = types::BetaContentBlockParam::try_from(&reply).expect("sent back");
        let through_json: types::BetaContentBlockParam =
            serde_json::from_value(serde_json::to_value(&reply).expect("serializable"))
                .expect("a beta input block");
        assert_eq!(direct, through_json, "beta {}", block["type"]);
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} blocks checked");
}

/// A reply block whose value the input type does not accept (a server tool
/// the plain input names only `web_search` for) is refused with a decode
/// error that names the block and the value, not sent with something else.
#[test]
fn a_value_the_input_lacks_is_refused_by_name() {
    let block = json!({"type": "server_tool_use", "id": "srvtoolu_02",
                       "name": "web_fetch", "input": {"url": "https://example.com"}});
    let reply: types::ContentBlock = serde_json::from_value(block).expect("a reply block");
    let err = types::ContentBlockParam::try_from(&reply).expect_err("not sent back");
    let text = err.to_string();
    assert!(
        text.contains("`server_tool_use` block cannot be sent back"),
        "{text}"
    );
    assert!(text.contains("web_fetch"), "{text}");
    assert!(matches!(err, anthropic_client::Error::Decode(_)), "{err:?}");
}
