//! The list_models example against a local server.
//!
//! The example runs as a child process against a wiremock server (see
//! `workspace_tests::examples`).

use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::examples::{Example, Run};
use workspace_tests::runtime::{error_body, page, query_value, received, API_KEY};

const LIST_MODELS: Example = Example("list_models");

/// Runs the example with `args` against `base_url` (and the test key).
async fn run(base_url: &str, args: &[&str]) -> Run {
    LIST_MODELS.run(base_url, args).await
}

async fn run_with_env(key: Option<&str>, base_url: &str, args: &[&str]) -> Run {
    LIST_MODELS.run_with_env(key, base_url, args).await
}

fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// [m1 m2] [m3 m4] [m5] forward; backward from m5: [m3 m4] [m1 m2].
async fn models_server() -> MockServer {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/v1/models"));
    list()
        .and(query_param_is_missing("after_id"))
        .and(query_param_is_missing("before_id"))
        .respond_with(ok(page(&["m1", "m2"], true)))
        .mount(&server)
        .await;
    list()
        .and(query_param("after_id", "m2"))
        .respond_with(ok(page(&["m3", "m4"], true)))
        .mount(&server)
        .await;
    list()
        .and(query_param("after_id", "m4"))
        .respond_with(ok(page(&["m5"], false)))
        .mount(&server)
        .await;
    list()
        .and(query_param("before_id", "m5"))
        .respond_with(ok(page(&["m3", "m4"], true)))
        .mount(&server)
        .await;
    list()
        .and(query_param("before_id", "m3"))
        .respond_with(ok(page(&["m1", "m2"], false)))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_every_model_across_pages_in_order() {
    let server = models_server().await;
    let out = run(&server.uri(), &["--limit", "2"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "m1\nm2\nm3\nm4\nm5\n");
    let requests = received(&server).await;
    let cursors: Vec<(Option<String>, Option<String>, Option<String>)> = requests
        .iter()
        .map(|r| {
            (
                query_value(r, "limit"),
                query_value(r, "after_id"),
                query_value(r, "beta"),
            )
        })
        .collect();
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        cursors,
        vec![
            (s("2"), None, None),
            (s("2"), s("m2"), None),
            (s("2"), s("m4"), None),
        ]
    );
    for r in &requests {
        assert_eq!(
            r.headers["x-api-key"], API_KEY,
            "the key from the environment"
        );
        assert!(r.headers.get("anthropic-beta").is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_lists_through_the_beta_operation_with_betas() {
    let server = models_server().await;
    let out = run(
        &server.uri(),
        &["--beta", "--betas", "files-api-2025-04-14,custom-beta"],
    )
    .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "m1\nm2\nm3\nm4\nm5\n");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(query_value(r, "beta").as_deref(), Some("true"));
        assert_eq!(
            r.headers["anthropic-beta"],
            "files-api-2025-04-14,custom-beta"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_id_goes_backward_and_after_id_forward() {
    let server = models_server().await;
    let back = run(&server.uri(), &["--before-id", "m5", "--limit=2"]).await;
    assert_eq!(back.code, Some(0), "{}", back.stderr);
    assert_eq!(back.stdout, "m3\nm4\nm1\nm2\n");
    let before: Vec<Option<String>> = received(&server)
        .await
        .iter()
        .map(|r| query_value(r, "before_id"))
        .collect();
    assert_eq!(before, [Some("m5".to_string()), Some("m3".to_string())]);

    let forward = run(&server.uri(), &["--after-id", "m2"]).await;
    assert_eq!(forward.code, Some(0), "{}", forward.stderr);
    assert_eq!(forward.stdout, "m3\nm4\nm5\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_is_reported_on_stderr_with_exit_code_1() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("request-id", "req_denied_42")
                .set_body_json(error_body(
                    "permission_error",
                    "this key cannot list models",
                )),
        )
        .mount(&server)
        .await;
    let out = run(&server.uri(), &[]).await;
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stdout, "");
    out.assert_stderr_has(&[
        "403",
        "permission_error",
        "this key cannot list models",
        "req_denied_42",
    ]);
    assert!(!out.stderr.contains(API_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_mid_way_keeps_what_was_printed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(query_param_is_missing("after_id"))
        .respond_with(ok(page(&["m1", "m2"], true)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(query_param("after_id", "m2"))
        .respond_with(
            ResponseTemplate::new(529)
                .insert_header("request-id", "req_busy")
                .insert_header("retry-after-ms", "1")
                .set_body_json(error_body("overloaded_error", "Overloaded")),
        )
        .mount(&server)
        .await;
    let out = run(&server.uri(), &["--max-retries", "1"]).await;
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stdout, "m1\nm2\n");
    out.assert_stderr_has(&["529", "overloaded_error", "Overloaded", "req_busy"]);
    assert_eq!(
        received(&server).await.len(),
        3,
        "one page, then 1 + 1 retry"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_command_lines_exit_non_zero_with_usage() {
    let server = models_server().await;
    for args in [
        &["--bogus"][..],
        &["--limit"],
        &["--limit", "many"],
        &["--max-retries", "-1"],
        &["--after-id", "a", "--before-id", "b"],
        &["extra"],
    ] {
        let out = run(&server.uri(), args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("usage: list_models"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "{args:?}");
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
    let help = run(&server.uri(), &["--help"]).await;
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("--after-id ID | --before-id ID"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_out_of_range_or_a_missing_key_fails_before_sending() {
    let server = models_server().await;
    let out = run(&server.uri(), &["--limit", "0"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("limit"), "{}", out.stderr);
    let out = run_with_env(None, &server.uri(), &[]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("ANTHROPIC_API_KEY"), "{}", out.stderr);
    assert!(received(&server).await.is_empty());
}
