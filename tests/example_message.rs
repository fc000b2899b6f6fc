//! The message example against a local server: the request it sends (from
//! the command line or from a `--body` file), the reply it prints, whole or
//! streamed, its `--betas` and `--blocks`, and its failures.

use std::path::PathBuf;

use serde_json::{json, Value};
use wiremock::{MockServer, ResponseTemplate};
use workspace_tests::examples::{Example, Run};
use workspace_tests::messages::{
    body_json, fixture, fixture_path, messages_server, received, reply,
};
use workspace_tests::runtime::API_KEY;
use workspace_tests::sse_server::{
    block_start, block_stop, json_delta, message_delta, message_start, message_stop, sse,
    text_block, text_delta, text_reply, text_reply_message, tool_reply, Reply, ScriptedServer,
};

const MESSAGE: Example = Example("message");

async fn run(base_url: &str, args: &[&str]) -> Run {
    MESSAGE.run(base_url, args).await
}

fn sse_response(events: &[Value]) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("request-id", "req_wire")
        .set_body_raw(sse(events, "\n"), "text/event-stream")
}

fn json_response(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The stop line on stderr of a reply whose usage is `start_usage(25)`.
fn stop_line(reason: &str, output_tokens: u32) -> String {
    format!("[claude-sonnet-4-5-20250929 · stop: {reason} · 25 input / {output_tokens} output tokens]\n")
}

fn assert_succeeded(out: &Run, stdout: &str, stderr: &str) {
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, stdout);
    assert_eq!(out.stderr, stderr);
}

/// The one request the server received, with the test key.
async fn the_body(server: &MockServer) -> Value {
    let requests = received(server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].headers["x-api-key"], API_KEY);
    body_json(&requests[0])
}

/// A file in a fresh directory holding `contents`.
fn file(contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("request.json");
    std::fs::write(&path, contents).expect("write the file");
    (dir, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_the_reply() {
    let server = messages_server(vec![sse_response(&tool_reply())]).await;
    let out = run(
        &server.uri(),
        &[
            "--stream",
            "--model",
            "claude-haiku-4-5",
            "--max-tokens=50",
            "What's",
            "the weather?",
        ],
    )
    .await;
    assert_succeeded(
        &out,
        "Okay, let's check the weather for San Francisco, CA:\n",
        &stop_line("tool_use", 89),
    );
    assert_eq!(
        the_body(&server).await,
        json!({
            "model": "claude-haiku-4-5",
            "max_tokens": 50,
            "messages": [{"role": "user", "content": "What's the weather?"}],
            "stream": true
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prints_the_reply_without_streaming() {
    let server = messages_server(vec![json_response(text_reply_message())]).await;
    let out = run(&server.uri(), &["Hello"]).await;
    assert_succeeded(
        &out,
        "Hello! How can I héłp? ✓🦀\n",
        &stop_line("end_turn", 15),
    );
    let requests = received(&server).await;
    assert!(requests[0].headers.get("anthropic-beta").is_none());
    assert_eq!(
        the_body(&server).await,
        json!({
            "model": "claude-sonnet-4-5",
            "max_tokens": 1024,
            "messages": [{"role": "user", "content": "Hello"}]
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_an_error_event_mid_stream() {
    let mut events = text_reply()[..4].to_vec();
    events.push(json!({"type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"}}));
    let server = messages_server(vec![sse_response(&events)]).await;
    let out = run(&server.uri(), &["--stream", "Hello"]).await;
    assert_eq!(out.code, Some(1), "stderr: {}", out.stderr);
    assert_eq!(out.stdout, "Hello! ", "the text before the error was shown");
    out.assert_stderr_has(&[
        "status: 200",
        "type: overloaded_error",
        "message: Overloaded",
        "request id: req_wire",
    ]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_an_error_status() {
    let server = ScriptedServer::start(vec![Reply::json(
        401,
        &json!({"type": "error", "error": {"type": "authentication_error",
            "message": "invalid x-api-key"}}),
    )])
    .await;
    for args in [
        &["--stream", "Hello"][..],
        &["Hello"],
        &["--blocks", "Hello"],
    ] {
        let out = run(&server.url, args).await;
        assert_eq!(out.code, Some(1), "{args:?} stderr: {}", out.stderr);
        assert_eq!(out.stdout, "");
        out.assert_stderr_has(&[
            "status: 401",
            "type: authentication_error",
            "message: invalid x-api-key",
            "request id: req_401",
        ]);
        assert!(!out.stderr.contains(API_KEY));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn betas_go_in_the_anthropic_beta_header() {
    for stream in [false, true] {
        let response = if stream {
            sse_response(&text_reply())
        } else {
            json_response(text_reply_message())
        };
        let server = messages_server(vec![response]).await;
        let mut args = vec![
            "--betas",
            "files-api-2025-04-14, custom-beta",
            "--betas=third",
        ];
        if stream {
            args.push("--stream");
        }
        args.push("Hello");
        let out = run(&server.uri(), &args).await;
        assert_succeeded(
            &out,
            "Hello! How can I héłp? ✓🦀\n",
            &stop_line("end_turn", 15),
        );
        let requests = received(&server).await;
        assert_eq!(
            requests[0].headers["anthropic-beta"], "files-api-2025-04-14,custom-beta,third",
            "stream: {stream}"
        );
    }
}

/// A body using most of what a request can hold.
fn rich_body() -> Value {
    json!({
        "model": "claude-opus-4-1",
        "max_tokens": 2048,
        "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        "messages": [
            {"role": "user", "content": "What's the weather?"},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Where?"},
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "Sunny", "is_error": false},
                {"type": "text", "text": "Thanks"}
            ]}
        ],
        "temperature": 0.5,
        "stop_sequences": ["END"],
        "metadata": {"user_id": "user-42"},
        "tools": [{"name": "get_weather", "description": "Weather",
                   "input_schema": {"type": "object",
                                    "properties": {"city": {"type": "string"}},
                                    "required": ["city"]}}],
        "tool_choice": {"type": "auto"}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_file_is_sent_as_written() {
    let docs = fixture_path("docs/create_example.request.json");
    let (_dir, rich) = file(&serde_json::to_string_pretty(&rich_body()).expect("JSON"));
    for (path, written) in [
        (docs, fixture("docs/create_example.request.json")),
        (rich, rich_body()),
    ] {
        let path = path.to_str().expect("a UTF-8 path");
        let server = messages_server(vec![json_response(text_reply_message())]).await;
        let out = run(&server.uri(), &["--body", path]).await;
        assert_succeeded(
            &out,
            "Hello! How can I héłp? ✓🦀\n",
            &stop_line("end_turn", 15),
        );
        assert_eq!(the_body(&server).await, written, "{path}");

        // Streamed, the same body says so.
        let server = messages_server(vec![sse_response(&text_reply())]).await;
        let out = run(&server.uri(), &["--stream", &format!("--body={path}")]).await;
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let mut streamed = written.clone();
        streamed["stream"] = json!(true);
        assert_eq!(the_body(&server).await, streamed, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_file_that_is_not_a_request_exits_2_naming_it() {
    let server = messages_server(vec![json_response(text_reply_message())]).await;
    let cases = [
        (
            "{\"model\": \"m\",\n \"max_tokens\": 1",
            "EOF while parsing an object at line 2 column 16",
        ),
        (
            "{\"max_tokens\": 1, \"messages\": []}",
            "missing field `model` at line 1 column 33",
        ),
        (
            "{\"model\": \"m\", \"max_tokens\": \"many\", \"messages\": []}",
            "invalid type: string \"many\", expected i64 at line 1 column 35",
        ),
    ];
    for (contents, serde_error) in cases {
        let (_dir, path) = file(contents);
        let path = path.to_str().expect("a UTF-8 path");
        // No API key either: the file is what is wrong, and is said first.
        let out = MESSAGE
            .run_with_env(None, &server.uri(), &["--body", path])
            .await;
        assert_eq!(out.code, Some(2), "{contents}: {}", out.stderr);
        assert_eq!(out.stdout, "");
        assert_eq!(
            out.stderr,
            format!("error: {path} is not a Messages request body: {serde_error}\n")
        );
    }

    let (_dir, path) = file(r#"{"model": "m", "max_tokens": 1, "messages": [], "container": "c"}"#);
    let path = path.to_str().expect("a UTF-8 path");
    let out = run(&server.uri(), &["--body", path]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "error: {path}: `container` is not a field of a Messages request this crate knows; \
             it could not be sent\n"
        )
    );

    let missing = format!("{path}.missing");
    let out = run(&server.uri(), &["--body", &missing]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with(&format!("error: cannot read {missing}: ")),
        "{}",
        out.stderr
    );
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_lists_each_block_type_as_sent() {
    // Whole: a block type this crate does not know, among known ones.
    let body = reply(
        "msg_1",
        "end_turn",
        json!([
            {"type": "thinking", "thinking": "Hm.", "signature": "sig"},
            {"type": "text", "text": "Partly "},
            {"type": "future_block", "x": 1, "nested": {"n": 1.5}},
            {"type": "text", "text": "known."}
        ]),
    );
    let server = messages_server(vec![json_response(body)]).await;
    let out = run(&server.uri(), &["--blocks", "Hello"]).await;
    assert_succeeded(
        &out,
        "Partly known.\nblock: thinking\nblock: text\nblock: future_block\nblock: text\n",
        "[claude-sonnet-4-5-20250929 · stop: end_turn · 100 input / 20 output tokens]\n",
    );

    // Streamed: the blocks of the message the events make.
    let mut events = tool_reply();
    let end = events.len() - 2;
    events.splice(
        end..,
        [
            block_start(2, json!({"type": "mystery_block", "data": [1, 2]})),
            block_stop(2),
            message_delta("tool_use", 89),
            message_stop(),
        ],
    );
    let server = messages_server(vec![sse_response(&events)]).await;
    let out = run(&server.uri(), &["--stream", "--blocks", "Hello"]).await;
    assert_succeeded(
        &out,
        "Okay, let's check the weather for San Francisco, CA:\n\
         block: text\nblock: tool_use\nblock: mystery_block\n",
        &stop_line("tool_use", 89),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejects_a_bad_command_line() {
    let server = messages_server(vec![json_response(text_reply_message())]).await;
    for args in [
        &[][..],
        &["--max-tokens", "many", "Hi"],
        &["--bogus", "Hi"],
        &["--betas"],
        &["--blocks=yes", "Hi"],
        &["--body"],
        &["--body", "request.json", "Hi"],
        &["--body", "request.json", "--model", "claude-haiku-4-5"],
        &["--max-tokens=5", "--body", "request.json"],
    ] {
        let out = run(&server.uri(), args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("usage: message"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "{args:?}");
    }
    let out = run(&server.uri(), &["--body", "request.json", "Hi"]).await;
    out.assert_stderr_has(&["--body FILE is the whole request"]);
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

/// A beta reply: a web search the server ran, its results, then the text.
fn beta_reply_events() -> Vec<Value> {
    vec![
        message_start("msg_beta"),
        block_start(
            0,
            json!({"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}),
        ),
        json_delta(0, "{\"query\": \"rust\"}"),
        block_stop(0),
        block_start(
            1,
            json!({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": [
                {"type": "web_search_result", "url": "https://www.rust-lang.org", "title": "Rust",
                 "encrypted_content": "enc", "page_age": null}
            ]}),
        ),
        block_stop(1),
        block_start(2, text_block()),
        text_delta(2, "Rust is "),
        text_delta(2, "a language."),
        block_stop(2),
        message_delta("end_turn", 15),
        message_stop(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_goes_through_the_beta_messages_api_whole_or_streamed() {
    let whole = json!({
        "id": "msg_beta", "type": "message", "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "rust"}},
            {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
            {"type": "text", "text": "Rust is a language.", "citations": null}
        ],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 25, "output_tokens": 15}
    });
    for stream in [false, true] {
        let response = if stream {
            sse_response(&beta_reply_events())
        } else {
            json_response(whole.clone())
        };
        let server = messages_server(vec![response]).await;
        let mut args = vec!["--beta", "--blocks", "--betas", "web-search-2025-03-05"];
        if stream {
            args.push("--stream");
        }
        args.push("What is Rust?");
        let out = run(&server.uri(), &args).await;
        assert_succeeded(
            &out,
            "Rust is a language.\nblock: server_tool_use\nblock: web_search_tool_result\nblock: text\n",
            &stop_line("end_turn", 15),
        );
        let requests = received(&server).await;
        assert_eq!(requests.len(), 1);
        assert_eq!(
            requests[0].url.query(),
            Some("beta=true"),
            "stream: {stream}"
        );
        assert_eq!(
            requests[0].headers["anthropic-beta"],
            "web-search-2025-03-05"
        );
        let mut expected = json!({
            "model": "claude-sonnet-4-5", "max_tokens": 1024,
            "messages": [{"role": "user", "content": "What is Rust?"}]
        });
        if stream {
            expected["stream"] = json!(true);
        }
        assert_eq!(body_json(&requests[0]), expected, "stream: {stream}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_beta_body_file_takes_beta_fields_which_the_plain_api_refuses() {
    let body = json!({
        "model": "claude-sonnet-4-5", "max_tokens": 512,
        "messages": [{"role": "user", "content": "Use the tools."}],
        "mcp_servers": [{"type": "url", "url": "https://mcp.example.com/sse", "name": "example"}],
        "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]}
    });
    let (_dir, path) = file(&body.to_string());
    let path = path.to_str().expect("a UTF-8 path");

    let server = messages_server(vec![json_response(text_reply_message())]).await;
    let out = run(&server.uri(), &["--body", path]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    out.assert_stderr_has(&["`context_management` is not a field of a Messages request"]);
    assert!(received(&server).await.is_empty(), "nothing was sent");

    let out = run(&server.uri(), &["--beta", "--body", path]).await;
    assert_succeeded(
        &out,
        "Hello! How can I héłp? ✓🦀\n",
        &stop_line("end_turn", 15),
    );
    let requests = received(&server).await;
    assert_eq!(requests[0].url.query(), Some("beta=true"));
    assert_eq!(body_json(&requests[0]), body, "the file, as written");
}
