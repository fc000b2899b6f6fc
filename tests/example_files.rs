//! The files example against a local server: each command line, its exact
//! output and the request it sends (the upload's form part by part);
//! a download answered 404 leaves no file; API errors exit 1 with the
//! status, type, message and request id on stderr; bad command lines exit 2
//! with the usage and send nothing.

use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::examples::{Example, Run};
use workspace_tests::files::{answer, api_error, assert_request, file, files_page, ok, FILES_BETA};
use workspace_tests::multipart::{parts, Part};
use workspace_tests::runtime::{only_request, pairs};
use workspace_tests::runtime::{query, received};

const FILES: Example = Example("files");

fn assert_succeeded(out: &Run, stdout: &str) {
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, stdout);
    assert_eq!(out.stderr, "");
}

const CONTENT: &[u8] = b"city,temp\r\nParis,21\r\n\x00\xff";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_sends_the_file_and_prints_its_metadata() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let local = dir.path().join("weather.csv");
    std::fs::write(&local, CONTENT).expect("write the file");
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/v1/files",
        file(
            "file_01",
            "weather.csv",
            "text/csv",
            CONTENT.len() as u64,
            false,
        ),
    )
    .await;
    let local = local.to_str().expect("a UTF-8 path");
    let out = FILES.run(&server.uri(), &["upload", local]).await;
    assert_succeeded(&out, "file_01 weather.csv text/csv 23\n");
    let request = only_request(&server).await;
    assert_request(&request, "POST", "/v1/files", FILES_BETA);
    assert_eq!(
        parts(&request),
        [Part {
            name: "file".to_string(),
            filename: Some("weather.csv".to_string()),
            content_type: Some("text/csv".to_string()),
            body: CONTENT.to_vec(),
        }]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_of_a_missing_path_fails_before_sending() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let missing = dir.path().join("nowhere.csv");
    let server = MockServer::start().await;
    let out = FILES
        .run(
            &server.uri(),
            &["upload", missing.to_str().expect("a UTF-8 path")],
        )
        .await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    out.assert_stderr_has(&["invalid argument", "nowhere.csv", "request id: (none)"]);
    assert_eq!(received(&server).await.len(), 0);
}

/// Answers the list in three pages, `f1 f2 | f3 f4 | f5`, by `after_id`.
async fn list_server() -> MockServer {
    let server = MockServer::start().await;
    let get = || Mock::given(method("GET")).and(path("/v1/files"));
    let f = |id: &str, size: u64| file(id, &format!("{id}.pdf"), "application/pdf", size, true);
    get()
        .and(query_param_is_missing("after_id"))
        .respond_with(ok(files_page(vec![f("f1", 10), f("f2", 20)], true)))
        .mount(&server)
        .await;
    get()
        .and(query_param("after_id", "f2"))
        .respond_with(ok(files_page(vec![f("f3", 30), f("f4", 40)], true)))
        .mount(&server)
        .await;
    get()
        .and(query_param("after_id", "f4"))
        .respond_with(ok(files_page(vec![f("f5", 50)], false)))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_prints_every_file_across_all_pages() {
    let every = "f1 f1.pdf 10\nf2 f2.pdf 20\nf3 f3.pdf 30\nf4 f4.pdf 40\nf5 f5.pdf 50\n";
    let server = list_server().await;
    let out = FILES.run(&server.uri(), &["list", "--limit", "2"]).await;
    assert_succeeded(&out, every);
    let requests = received(&server).await;
    let expected = [
        pairs(&[("limit", "2")]),
        pairs(&[("after_id", "f2"), ("limit", "2")]),
        pairs(&[("after_id", "f4"), ("limit", "2")]),
    ];
    assert_eq!(requests.len(), expected.len());
    for (request, expected) in requests.iter().zip(expected) {
        assert_request(request, "GET", "/v1/files", FILES_BETA);
        assert_eq!(query(request), expected);
    }

    let server = list_server().await;
    let out = FILES.run(&server.uri(), &["list", "--limit=2"]).await;
    assert_succeeded(&out, every);

    let server = list_server().await;
    let out = FILES.run(&server.uri(), &["list"]).await;
    assert_succeeded(&out, every);
    assert_eq!(query(&received(&server).await[0]), pairs(&[]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_prints_the_metadata_with_downloadable() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/v1/files/file_02",
        file("file_02", "chart.png", "image/png", 4096, true),
    )
    .await;
    let out = FILES.run(&server.uri(), &["get", "file_02"]).await;
    assert_succeeded(&out, "file_02 chart.png image/png 4096 true\n");
    assert_request(
        &only_request(&server).await,
        "GET",
        "/v1/files/file_02",
        FILES_BETA,
    );

    // Not downloadable, or not said: false.
    for downloadable in [json!(false), json!(null)] {
        let server = MockServer::start().await;
        let mut body = file("file_03", "in.pdf", "application/pdf", 1, true);
        body["downloadable"] = downloadable;
        answer(&server, "GET", "/v1/files/file_03", body).await;
        let out = FILES.run(&server.uri(), &["get", "file_03"]).await;
        assert_succeeded(&out, "file_03 in.pdf application/pdf 1 false\n");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_writes_the_content_and_prints_the_byte_count() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out_path = dir.path().join("copy.csv");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/files/file_04/content"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/octet-stream")
                .set_body_bytes(CONTENT.to_vec()),
        )
        .mount(&server)
        .await;
    let out = FILES
        .run(
            &server.uri(),
            &[
                "download",
                "file_04",
                out_path.to_str().expect("a UTF-8 path"),
            ],
        )
        .await;
    assert_succeeded(&out, "23\n");
    assert_eq!(std::fs::read(&out_path).expect("the download"), CONTENT);
    assert_request(
        &only_request(&server).await,
        "GET",
        "/v1/files/file_04/content",
        FILES_BETA,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_answered_404_exits_1_and_leaves_no_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out_path = dir.path().join("copy.csv");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/files/file_gone/content"))
        .respond_with(api_error(404, "not_found_error", "File not found."))
        .mount(&server)
        .await;
    let out = FILES
        .run(
            &server.uri(),
            &[
                "download",
                "file_gone",
                out_path.to_str().expect("a UTF-8 path"),
            ],
        )
        .await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    out.assert_stderr_has(&[
        "status: 404",
        "type: not_found_error",
        "message: File not found.",
        "request id: req_failed_01",
    ]);
    assert!(!out_path.exists(), "a failed download left a file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_prints_the_id() {
    let server = MockServer::start().await;
    answer(
        &server,
        "DELETE",
        "/v1/files/file_05",
        json!({"id": "file_05", "type": "file_deleted"}),
    )
    .await;
    let out = FILES.run(&server.uri(), &["delete", "file_05"]).await;
    assert_succeeded(&out, "file_05\n");
    assert_request(
        &only_request(&server).await,
        "DELETE",
        "/v1/files/file_05",
        FILES_BETA,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_exits_1_with_its_details_on_stderr() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(api_error(
            403,
            "permission_error",
            "This key cannot delete files.",
        ))
        .mount(&server)
        .await;
    let out = FILES.run(&server.uri(), &["delete", "file_06"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    out.assert_stderr_has(&[
        "status: 403",
        "type: permission_error",
        "message: This key cannot delete files.",
        "request id: req_failed_01",
    ]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_command_line_exits_2_with_the_usage_and_sends_nothing() {
    let server = MockServer::start().await;
    let cases: &[(&[&str], &str)] = &[
        (&[], "no command given"),
        (&["copy", "a"], "unknown command `copy`"),
        (&["upload"], "`upload` needs PATH"),
        (&["get", "a", "b"], "unknown argument `b`"),
        (&["download", "file_01"], "`download` needs ID OUT"),
        (&["list", "--limit", "many"], "--limit takes a number"),
        (&["list", "--limit"], "--limit needs a value"),
        (
            &["get", "file_01", "--limit", "2"],
            "--limit applies to list",
        ),
        (&["list", "--all"], "unknown argument `--all`"),
    ];
    for (args, why) in cases {
        let out = FILES.run(&server.uri(), args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
        out.assert_stderr_has(&[why, "usage: files COMMAND"]);
    }
    assert_eq!(received(&server).await.len(), 0);

    let out = FILES.run(&server.uri(), &["--help"]).await;
    assert_eq!(out.code, Some(0));
    assert!(
        out.stdout.starts_with("usage: files COMMAND"),
        "{}",
        out.stdout
    );
}
