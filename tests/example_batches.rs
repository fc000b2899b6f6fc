//! The batches example against a local server.
//!
//! The example runs as a child process against a wiremock server (see
//! `workspace_tests::examples`), or against the scripted server where a
//! body must be held back half-way.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::Notify;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use workspace_tests::examples::{Example, Run};
use workspace_tests::messages::body_json;
use workspace_tests::runtime::{error_body, query_value, received, API_KEY};
use workspace_tests::sse_server::{text_reply_message, Reply, ScriptedServer, Step};

const BATCHES: Example = Example("batches");
const BATCHES_PATH: &str = "/v1/messages/batches";

async fn run(base_url: &str, args: &[&str]) -> Run {
    BATCHES.run(base_url, args).await
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("request-id", "req_ok")
        .set_body_json(body)
}

/// A `MessageBatch` body.
fn batch(id: &str, status: &str) -> Value {
    json!({
        "id": id,
        "type": "message_batch",
        "processing_status": status,
        "request_counts": {
            "processing": 2, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0
        },
        "created_at": "2024-09-24T18:37:24.100435Z",
        "expires_at": "2024-09-25T18:37:24.100435Z",
        "ended_at": null,
        "archived_at": null,
        "cancel_initiated_at": null,
        "results_url": null
    })
}

/// A `ListMessageBatchesResponse` page holding `ids`.
fn batch_page(ids: &[&str], has_more: bool) -> Value {
    json!({
        "data": ids.iter().map(|id| batch(id, "ended")).collect::<Vec<_>>(),
        "first_id": ids.first(),
        "has_more": has_more,
        "last_id": ids.last(),
    })
}

/// One line of a batch's results.
fn result_line(custom_id: &str, result: Value) -> String {
    format!("{}\n", json!({"custom_id": custom_id, "result": result}))
}

fn succeeded() -> Value {
    json!({"type": "succeeded", "message": text_reply_message()})
}

/// Results of every known type, and one of a type this crate does not know.
fn results_body() -> String {
    [
        result_line("first", succeeded()),
        result_line(
            "second",
            json!({"type": "errored", "error": error_body("invalid_request_error", "bad")}),
        ),
        "\n".to_string(),
        result_line("third", json!({"type": "canceled"})),
        result_line("fourth", json!({"type": "expired"})),
        result_line(
            "fifth",
            json!({"type": "deferred", "until": "2024-09-26T00:00:00Z"}),
        ),
    ]
    .concat()
}

/// What `results` prints for [`results_body`].
const RESULTS_STDOUT: &str =
    "first succeeded\nsecond errored\nthird canceled\nfourth expired\nfifth deferred\n5 results\n";

/// One batch request, as a line of a requests file would hold it.
fn request(custom_id: &str, text: &str) -> Value {
    json!({
        "custom_id": custom_id,
        "params": {
            "model": "claude-sonnet-4-5",
            "max_tokens": 64,
            "messages": [{"role": "user", "content": text}]
        }
    })
}

/// A file holding `text`, alive as long as the returned directory.
fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("requests.jsonl");
    std::fs::write(&path, text).expect("write the requests file");
    (dir, path)
}

/// A server answering every operation of the example: batch `msgbatch_01`
/// and the list `b1 b2 | b3 b4 | b5`.
async fn batches_server() -> MockServer {
    let server = MockServer::start().await;
    let one = format!("{BATCHES_PATH}/msgbatch_01");
    Mock::given(method("POST"))
        .and(path(BATCHES_PATH))
        .respond_with(ok(batch("msgbatch_01", "in_progress")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(one.as_str()))
        .respond_with(ok(batch("msgbatch_01", "ended")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{one}/cancel")))
        .respond_with(ok(batch("msgbatch_01", "canceling")))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(one.as_str()))
        .respond_with(ok(
            json!({"id": "msgbatch_01", "type": "message_batch_deleted"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{one}/results")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "req_results")
                .set_body_raw(results_body(), "application/x-jsonl"),
        )
        .mount(&server)
        .await;
    let list = || Mock::given(method("GET")).and(path(BATCHES_PATH));
    list()
        .and(query_param_is_missing("after_id"))
        .respond_with(ok(batch_page(&["b1", "b2"], true)))
        .mount(&server)
        .await;
    list()
        .and(query_param("after_id", "b2"))
        .respond_with(ok(batch_page(&["b3", "b4"], true)))
        .mount(&server)
        .await;
    list()
        .and(query_param("after_id", "b4"))
        .respond_with(ok(batch_page(&["b5"], false)))
        .mount(&server)
        .await;
    server
}

/// The request line and headers every request of the example carries.
fn assert_sent(r: &Request, verb: &str, url_path: &str, betas: Option<&str>) {
    assert_eq!((r.method.as_str(), r.url.path()), (verb, url_path));
    assert_eq!(r.headers["x-api-key"], API_KEY);
    assert_eq!(r.headers["anthropic-version"], "2023-06-01");
    assert_eq!(
        r.headers
            .get("anthropic-beta")
            .map(|v| v.to_str().unwrap_or("?")),
        betas,
        "{verb} {url_path}"
    );
}

fn assert_succeeded(out: &Run, stdout: &str) {
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, stdout);
    assert_eq!(out.stderr, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_sends_every_request_of_the_file_and_prints_id_and_status() {
    let server = batches_server().await;
    let first = request("first", "Hello");
    let second = json!({
        "custom_id": "second",
        "params": {
            "model": "claude-haiku-4-5",
            "max_tokens": 16,
            "system": "Answer in one word.",
            "temperature": 0.5,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "Sky colour?"}]}]
        }
    });
    // A blank line, surrounding spaces and a CRLF ending are all fine.
    let (_dir, path) = file(&format!("{first}\n\n   \n  {second}\r\n"));
    let out = run(
        &server.uri(),
        &["create", path.to_str().expect("a UTF-8 path")],
    )
    .await;
    assert_succeeded(&out, "msgbatch_01 in_progress\n");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_sent(&requests[0], "POST", BATCHES_PATH, None);
    assert_eq!(
        body_json(&requests[0]),
        json!({"requests": [first, second]})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_requests_file_names_its_line_and_sends_nothing() {
    let server = batches_server().await;
    let good = request("first", "Hello").to_string();
    let cases = [
        // (the file, what stderr must say)
        (format!("{good}\n\n{{\"custom_id\": \"x\"}}\n"), "line 3,"),
        (format!("{good}\n{good}\nnot json\n"), "line 3,"),
        (
            format!(
                "{good}\n{}\n",
                json!({"custom_id": "y", "params": {"model": "m", "max_tokens": "many", "messages": []}})
            ),
            "line 2,",
        ),
        (format!("{{\"custom_id\": \"x\"\n{good}\n"), "line 1,"),
        ("\n  \n".to_string(), "holds no batch request"),
    ];
    for (text, says) in cases {
        let (_dir, path) = file(&text);
        let path = path.to_str().expect("a UTF-8 path");
        let out = run(&server.uri(), &["create", path]).await;
        assert_eq!(out.code, Some(2), "{text:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{text:?}: {}", out.stderr);
        assert!(out.stderr.contains(path), "{text:?}: {}", out.stderr);
        assert_eq!(out.stdout, "");
    }
    // Not valid UTF-8: still a bad line, named.
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("latin1.jsonl");
    let mut bytes = format!("{good}\n").into_bytes();
    bytes.extend_from_slice(b"{\"custom_id\": \"caf\xe9\", \"params\": {}}\n");
    std::fs::write(&path, bytes).expect("write the file");
    let out = run(
        &server.uri(),
        &["create", path.to_str().expect("a UTF-8 path")],
    )
    .await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("line 2,"), "{}", out.stderr);

    let missing = dir.path().join("missing.jsonl");
    let missing = missing.to_str().expect("a UTF-8 path");
    let out = run(&server.uri(), &["create", missing]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    out.assert_stderr_has(&["cannot read", missing]);
    let out = run(
        &server.uri(),
        &["create", dir.path().to_str().expect("UTF-8")],
    )
    .await;
    assert_eq!(out.code, Some(2), "a directory: {}", out.stderr);
    assert!(out.stderr.contains("cannot read"), "{}", out.stderr);

    assert!(received(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_prints_id_and_status() {
    let server = batches_server().await;
    let out = run(&server.uri(), &["get", "msgbatch_01"]).await;
    assert_succeeded(&out, "msgbatch_01 ended\n");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_sent(
        &requests[0],
        "GET",
        "/v1/messages/batches/msgbatch_01",
        None,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_this_crate_does_not_know_is_printed_as_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/messages/batches/msgbatch_02"))
        .respond_with(ok(batch("msgbatch_02", "archiving")))
        .mount(&server)
        .await;
    let out = run(&server.uri(), &["get", "msgbatch_02"]).await;
    assert_succeeded(&out, "msgbatch_02 archiving\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_prints_every_id_across_pages() {
    let server = batches_server().await;
    let out = run(&server.uri(), &["list", "--limit", "2"]).await;
    assert_succeeded(&out, "b1\nb2\nb3\nb4\nb5\n");
    let requests = received(&server).await;
    for r in &requests {
        assert_sent(r, "GET", BATCHES_PATH, None);
    }
    let cursors: Vec<(Option<String>, Option<String>)> = requests
        .iter()
        .map(|r| (query_value(r, "limit"), query_value(r, "after_id")))
        .collect();
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        cursors,
        [(s("2"), None), (s("2"), s("b2")), (s("2"), s("b4"))]
    );

    // Without --limit the API's page size applies.
    let out = run(&server.uri(), &["list"]).await;
    assert_succeeded(&out, "b1\nb2\nb3\nb4\nb5\n");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 6);
    assert!(requests[3..]
        .iter()
        .all(|r| query_value(r, "limit").is_none()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_prints_id_and_status() {
    let server = batches_server().await;
    let out = run(&server.uri(), &["cancel", "msgbatch_01"]).await;
    assert_succeeded(&out, "msgbatch_01 canceling\n");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_sent(
        &requests[0],
        "POST",
        "/v1/messages/batches/msgbatch_01/cancel",
        None,
    );
    assert!(requests[0].body.is_empty(), "a cancel has no body");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_prints_the_deleted_id() {
    let server = batches_server().await;
    let out = run(&server.uri(), &["delete", "msgbatch_01"]).await;
    assert_succeeded(&out, "msgbatch_01\n");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_sent(
        &requests[0],
        "DELETE",
        "/v1/messages/batches/msgbatch_01",
        None,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_prints_each_type_as_sent_then_the_count() {
    let server = batches_server().await;
    let out = run(&server.uri(), &["results", "msgbatch_01"]).await;
    assert_succeeded(&out, RESULTS_STDOUT);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_sent(
        &requests[0],
        "GET",
        "/v1/messages/batches/msgbatch_01/results",
        None,
    );
}

/// A 200 JSON Lines reply whose body is sent as `steps`.
fn lines_reply(steps: Vec<Step>) -> Reply {
    Reply {
        status: 200,
        headers: vec![
            ("content-type".into(), "application/x-jsonl".into()),
            ("request-id".into(), "req_lines".into()),
        ],
        steps,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_are_printed_as_they_arrive() {
    let rest = Arc::new(Notify::new());
    let server = ScriptedServer::start(vec![lines_reply(vec![
        Step::Chunk(result_line("first", succeeded()).into_bytes()),
        Step::Wait(rest.clone()),
        Step::Chunk(result_line("second", json!({"type": "expired"})).into_bytes()),
    ])])
    .await;
    let mut live = BATCHES.spawn(&server.url, &["results", "msgbatch_01"]);
    // The first line is out while the server still holds the second.
    live.expect_stdout("first succeeded\n", Duration::from_secs(10))
        .await;
    rest.notify_one();
    let out = live.finish().await;
    assert_succeeded(&out, "first succeeded\nsecond expired\n2 results\n");
    let sent = server.received();
    assert_eq!(
        sent[0].line,
        "GET /v1/messages/batches/msgbatch_01/results HTTP/1.1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_mid_results_exits_1_after_the_lines_printed() {
    // A line that is not a result.
    let server = MockServer::start().await;
    let body = [
        result_line("first", succeeded()),
        "{\"custom_id\": \"second\"}\n".to_string(),
        result_line("third", json!({"type": "canceled"})),
    ]
    .concat();
    Mock::given(method("GET"))
        .and(path("/v1/messages/batches/msgbatch_01/results"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "req_bad_line")
                .set_body_raw(body, "application/x-jsonl"),
        )
        .mount(&server)
        .await;
    let out = run(&server.uri(), &["results", "msgbatch_01"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, "first succeeded\n");
    out.assert_stderr_has(&["line 2", "req_bad_line"]);

    // A connection cut in the middle of the body.
    let cut = ScriptedServer::start(vec![lines_reply(vec![
        Step::Chunk(result_line("first", succeeded()).into_bytes()),
        Step::Chunk(b"{\"custom_id\": \"sec".to_vec()),
        Step::Drop,
    ])])
    .await;
    let out = run(&cut.url, &["results", "msgbatch_01"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, "first succeeded\n");
    out.assert_stderr_has(&["connection failed"]);
    assert_eq!(cut.received().len(), 1, "a body cut short is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn betas_go_in_the_header_of_every_request() {
    let server = batches_server().await;
    let (_dir, path) = file(&format!("{}\n", request("first", "Hello")));
    let path = path.to_str().expect("a UTF-8 path");
    let betas = "message-batches-2024-09-24,custom-beta";
    let inline = format!("--betas={betas}");
    let runs: [(&[&str], &str); 6] = [
        (
            &["--betas", betas, "create", path],
            "msgbatch_01 in_progress\n",
        ),
        (
            &["--betas", betas, "get", "msgbatch_01"],
            "msgbatch_01 ended\n",
        ),
        (&[&inline, "list"], "b1\nb2\nb3\nb4\nb5\n"),
        (
            &["--betas", betas, "cancel", "msgbatch_01"],
            "msgbatch_01 canceling\n",
        ),
        (
            &["--betas", betas, "delete", "msgbatch_01"],
            "msgbatch_01\n",
        ),
        (
            &["--betas", betas, "results", "msgbatch_01"],
            RESULTS_STDOUT,
        ),
    ];
    for (args, stdout) in runs {
        let out = run(&server.uri(), args).await;
        assert_eq!(out.code, Some(0), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, stdout, "{args:?}");
    }
    let requests = received(&server).await;
    assert_eq!(requests.len(), 8, "one request each, three pages for list");
    for r in &requests {
        assert_eq!(
            r.headers.get("anthropic-beta").map(|v| v.as_bytes()),
            Some(betas.as_bytes()),
            "{} {}",
            r.method,
            r.url
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_exit_1_with_status_type_message_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "req_missing_7")
                .set_body_json(error_body("not_found_error", "no such batch")),
        )
        .mount(&server)
        .await;
    let (_dir, path) = file(&format!("{}\n", request("first", "Hello")));
    let path = path.to_str().expect("a UTF-8 path");
    for args in [
        &["create", path][..],
        &["get", "msgbatch_404"],
        &["list"],
        &["cancel", "msgbatch_404"],
        &["delete", "msgbatch_404"],
        &["results", "msgbatch_404"],
    ] {
        let out = run(&server.uri(), args).await;
        assert_eq!(out.code, Some(1), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
        out.assert_stderr_has(&[
            "status: 404",
            "type: not_found_error",
            "message: no such batch",
            "request id: req_missing_7",
        ]);
        assert!(!out.stderr.contains(API_KEY));
    }
    assert_eq!(received(&server).await.len(), 6, "a 404 is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_key_fails_before_sending() {
    let server = batches_server().await;
    let out = BATCHES
        .run_with_env(None, &server.uri(), &["get", "msgbatch_01"])
        .await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("ANTHROPIC_API_KEY"), "{}", out.stderr);
    assert!(received(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_command_lines_exit_2_with_usage() {
    let server = batches_server().await;
    for args in [
        &[][..],
        &["bogus"],
        &["get"],
        &["get", "a", "b"],
        &["create"],
        &["results"],
        &["cancel"],
        &["delete"],
        &["list", "extra"],
        &["list", "--limit"],
        &["list", "--limit", "many"],
        &["get", "msgbatch_01", "--limit", "2"],
        &["--betas"],
        &["--beta=yes", "list"],
        &["wait"],
        &["--bogus", "list"],
        &["list", "--after-id", "b2"],
    ] {
        let out = run(&server.uri(), args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("usage: batches"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "{args:?}");
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
    let help = run(&server.uri(), &["--help"]).await;
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("results ID"), "{}", help.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_runs_every_command_through_the_beta_batches() {
    let server = batches_server().await;
    // A beta-only request: an MCP server and a context management edit.
    let beta_request = json!({
        "custom_id": "with-mcp",
        "params": {
            "model": "claude-sonnet-4-5",
            "max_tokens": 64,
            "messages": [{"role": "user", "content": "Use the tools."}],
            "mcp_servers": [{"type": "url", "url": "https://mcp.example.com/sse", "name": "ex"}],
            "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]}
        }
    });
    let (_dir, path) = file(&format!("{beta_request}\n"));
    let path = path.to_str().expect("a UTF-8 path");
    let one = format!("{BATCHES_PATH}/msgbatch_01");
    let cases: [(&[&str], &str, &str, &str); 7] = [
        (
            &["create", path],
            "msgbatch_01 in_progress\n",
            "POST",
            BATCHES_PATH,
        ),
        (&["get", "msgbatch_01"], "msgbatch_01 ended\n", "GET", &one),
        (&["wait", "msgbatch_01"], "msgbatch_01 ended\n", "GET", &one),
        (&["list"], "b1\nb2\nb3\nb4\nb5\n", "GET", BATCHES_PATH),
        (
            &["cancel", "msgbatch_01"],
            "msgbatch_01 canceling\n",
            "POST",
            &format!("{one}/cancel"),
        ),
        (&["delete", "msgbatch_01"], "msgbatch_01\n", "DELETE", &one),
        (
            &["results", "msgbatch_01"],
            RESULTS_STDOUT,
            "GET",
            &format!("{one}/results"),
        ),
    ];
    for (command, stdout, verb, url_path) in cases {
        let args: Vec<&str> = ["--beta", "--betas", "mcp-client-2025-04-04"]
            .into_iter()
            .chain(command.iter().copied())
            .collect();
        let before = received(&server).await.len();
        let out = run(&server.uri(), &args).await;
        assert_succeeded(&out, stdout);
        let requests = received(&server).await;
        let sent = &requests[before..];
        assert!(!sent.is_empty(), "{command:?}");
        for r in sent {
            assert_sent(r, verb, url_path, Some("mcp-client-2025-04-04"));
            let query = r.url.query().unwrap_or_default();
            assert!(
                query == "beta=true" || query.starts_with("beta=true&"),
                "{command:?}: every request goes to the beta surface, not `{query}`"
            );
        }
        if command[0] == "create" {
            assert_eq!(
                body_json(&sent[0]),
                json!({"requests": [beta_request.clone()]}),
                "the beta fields are sent as written"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_polls_until_the_batch_has_ended_in_both_families() {
    for beta in [false, true] {
        let server = MockServer::start().await;
        let one = format!("{BATCHES_PATH}/msgbatch_01");
        Mock::given(method("GET"))
            .and(path(one.as_str()))
            .respond_with(ok(batch("msgbatch_01", "in_progress")))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(one.as_str()))
            .respond_with(ok(batch("msgbatch_01", "ended")))
            .mount(&server)
            .await;
        let args: &[&str] = if beta {
            &["--beta", "wait", "msgbatch_01"]
        } else {
            &["wait", "msgbatch_01"]
        };
        let out = run(&server.uri(), args).await;
        assert_succeeded(&out, "msgbatch_01 ended\n");
        let requests = received(&server).await;
        assert_eq!(
            requests.len(),
            2,
            "one look while in progress, one once ended"
        );
        for r in &requests {
            assert_sent(r, "GET", &one, None);
            assert_eq!(r.url.query(), beta.then_some("beta=true"), "beta: {beta}");
        }
    }
}
