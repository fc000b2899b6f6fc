//! The Files API (beta) on the wire: each of its five operations against a
//! local server, checking the method, the path, the query, the
//! `anthropic-beta` header (the operation's default merged with the
//! request's and the client's, each once), the upload's multipart body part
//! by part, and the answer decoded; the list's cursor pagination forward,
//! backward and without `has_more`.

use std::path::PathBuf;

use anthropic_client::types::{DeletedFileType, FileMetadataType};
use anthropic_client::Upload;
use futures::TryStreamExt;
use serde_json::json;
use tokio::io::AsyncWriteExt;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::files::{answer, assert_request, file, files_page, ok, FILES_BETA};
use workspace_tests::multipart::{parts, Part};
use workspace_tests::runtime::{builder, client, query, received};
use workspace_tests::runtime::{only_request, pairs};

const FILES: &str = "/v1/files";

/// Bytes a lax multipart writer or reader would mangle: CRLFs, a line that
/// looks like a delimiter, and every byte value.
fn content() -> Vec<u8> {
    let mut bytes = b"name,count\r\nalpha,1\r\n--boundary\r\n\r\n".to_vec();
    bytes.extend(0..=255u8);
    bytes.extend_from_slice(b"\r\n");
    bytes
}

/// The file part an upload of `filename` with `content_type` and `body` sends.
fn file_part(filename: &str, content_type: &str, body: Vec<u8>) -> Part {
    Part {
        name: "file".to_string(),
        filename: Some(filename.to_string()),
        content_type: Some(content_type.to_string()),
        body,
    }
}

#[tokio::test]
async fn upload_from_a_path_sends_one_file_part_with_its_name_type_and_bytes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("report 2025.csv");
    std::fs::write(&path, content()).expect("write the file");
    let server = MockServer::start().await;
    let size = content().len() as u64;
    answer(
        &server,
        "POST",
        FILES,
        file("file_011", "report 2025.csv", "text/csv", size, false),
    )
    .await;

    let client = client(&server.uri());
    let uploaded = client
        .beta()
        .files()
        .upload(Upload::from_path(&path))
        .send()
        .await
        .expect("the upload succeeds");

    assert_eq!(uploaded.request_id(), Some("req_files"));
    assert_eq!(uploaded.id, "file_011");
    assert_eq!(uploaded.filename, "report 2025.csv");
    assert_eq!(uploaded.mime_type, "text/csv");
    assert_eq!(uploaded.size_bytes, size as i64);
    assert_eq!(uploaded.downloadable, Some(false));
    assert_eq!(uploaded.type_, FileMetadataType::File);
    assert_eq!(
        uploaded.created_at.to_rfc3339(),
        "2025-04-15T10:20:30+00:00"
    );

    let request = only_request(&server).await;
    assert_request(&request, "POST", FILES, FILES_BETA);
    assert_eq!(query(&request), pairs(&[]));
    // The file's length is known, so the form is sent with a length, not
    // chunked.
    assert_eq!(
        request.headers["content-length"].to_str().ok(),
        Some(request.body.len().to_string().as_str())
    );
    assert_eq!(
        parts(&request),
        [file_part("report 2025.csv", "text/csv", content())]
    );
}

#[tokio::test]
async fn upload_sends_the_name_and_type_given_or_guessed() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let on_disk = dir.path().join("draft.txt");
    std::fs::write(&on_disk, b"# Notes\n").expect("write the file");
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let cases: Vec<(Upload, Part)> = vec![
        (
            Upload::from_bytes(pdf.clone(), "scan.pdf"),
            file_part("scan.pdf", "application/pdf", pdf.clone()),
        ),
        (
            Upload::from_bytes(b"plain".to_vec(), "notes")
                .content_type("text/plain; charset=utf-8"),
            file_part("notes", "text/plain; charset=utf-8", b"plain".to_vec()),
        ),
        (
            Upload::from_path(&on_disk).filename("renamed.md"),
            file_part("renamed.md", "text/markdown", b"# Notes\n".to_vec()),
        ),
        (
            Upload::from(PathBuf::from(&on_disk)),
            file_part("draft.txt", "text/plain", b"# Notes\n".to_vec()),
        ),
        (
            Upload::from_bytes(Vec::new(), "empty.bin"),
            file_part("empty.bin", "application/octet-stream", Vec::new()),
        ),
    ];
    for (upload, expected) in cases {
        let server = MockServer::start().await;
        answer(
            &server,
            "POST",
            FILES,
            file("file_012", "x", "text/plain", 1, true),
        )
        .await;
        client(&server.uri())
            .beta()
            .files()
            .upload(upload)
            .send()
            .await
            .expect("the upload succeeds");
        let request = only_request(&server).await;
        assert_request(&request, "POST", FILES, FILES_BETA);
        assert_eq!(parts(&request), [expected]);
    }
}

/// Answers the list in three pages, `f1 f2 | f3 f4 | f5`, by `after_id`.
async fn three_pages(server: &MockServer) {
    let get = || Mock::given(method("GET")).and(path(FILES));
    let f = |id: &str| {
        file(
            id,
            &format!("{id}.txt"),
            "text/plain",
            id.len() as u64,
            true,
        )
    };
    get()
        .and(query_param_is_missing("after_id"))
        .respond_with(ok(files_page(vec![f("f1"), f("f2")], true)))
        .mount(server)
        .await;
    get()
        .and(query_param("after_id", "f2"))
        .respond_with(ok(files_page(vec![f("f3"), f("f4")], true)))
        .mount(server)
        .await;
    get()
        .and(query_param("after_id", "f4"))
        .respond_with(ok(files_page(vec![f("f5")], false)))
        .mount(server)
        .await;
}

#[tokio::test]
async fn list_follows_last_id_across_pages_and_decodes_every_file() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let client = client(&server.uri());

    let files: Vec<_> = client
        .beta()
        .files()
        .list()
        .limit(2)
        .items()
        .try_collect()
        .await
        .expect("every page");
    let seen: Vec<_> = files
        .iter()
        .map(|f| (f.id.as_str(), f.filename.as_str(), f.size_bytes))
        .collect();
    assert_eq!(
        seen,
        [
            ("f1", "f1.txt", 2),
            ("f2", "f2.txt", 2),
            ("f3", "f3.txt", 2),
            ("f4", "f4.txt", 2),
            ("f5", "f5.txt", 2)
        ]
    );
    let requests = received(&server).await;
    let expected = [
        pairs(&[("limit", "2")]),
        pairs(&[("after_id", "f2"), ("limit", "2")]),
        pairs(&[("after_id", "f4"), ("limit", "2")]),
    ];
    assert_eq!(requests.len(), expected.len());
    for (request, expected) in requests.iter().zip(expected) {
        assert_request(request, "GET", FILES, FILES_BETA);
        assert_eq!(query(request), expected);
        assert!(request.body.is_empty());
    }

    // The pages themselves, with their cursors.
    let pages: Vec<_> = client
        .beta()
        .files()
        .list()
        .pages()
        .try_collect()
        .await
        .expect("every page");
    let cursors: Vec<_> = pages
        .iter()
        .map(|p| (p.first_id.as_deref(), p.last_id.as_deref(), p.has_more))
        .collect();
    assert_eq!(
        cursors,
        [
            (Some("f1"), Some("f2"), Some(true)),
            (Some("f3"), Some("f4"), Some(true)),
            (Some("f5"), Some("f5"), Some(false))
        ]
    );
}

#[tokio::test]
async fn list_backward_follows_first_id() {
    let server = MockServer::start().await;
    let get = || Mock::given(method("GET")).and(path(FILES));
    let f = |id: &str| file(id, "a.txt", "text/plain", 1, true);
    get()
        .and(query_param("before_id", "f9"))
        .respond_with(ok(files_page(vec![f("f7"), f("f8")], true)))
        .mount(&server)
        .await;
    get()
        .and(query_param("before_id", "f7"))
        .respond_with(ok(files_page(vec![f("f6")], false)))
        .mount(&server)
        .await;
    let ids: Vec<String> = client(&server.uri())
        .beta()
        .files()
        .list()
        .before_id("f9")
        .items()
        .map_ok(|f| f.id)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids, ["f7", "f8", "f6"]);
    let queries: Vec<_> = received(&server).await.iter().map(query).collect();
    assert_eq!(
        queries,
        [pairs(&[("before_id", "f9")]), pairs(&[("before_id", "f7")])]
    );
}

#[tokio::test]
async fn a_list_without_has_more_goes_on_while_pages_are_not_empty() {
    let server = MockServer::start().await;
    let get = || Mock::given(method("GET")).and(path(FILES));
    let page = |ids: &[&str]| {
        let mut page = files_page(
            ids.iter()
                .map(|id| file(id, "a.txt", "text/plain", 1, true))
                .collect(),
            false,
        );
        page.as_object_mut().map(|p| p.remove("has_more"));
        page
    };
    get()
        .and(query_param_is_missing("after_id"))
        .respond_with(ok(page(&["f1"])))
        .mount(&server)
        .await;
    get()
        .and(query_param("after_id", "f1"))
        .respond_with(ok(page(&[])))
        .mount(&server)
        .await;
    let ids: Vec<String> = client(&server.uri())
        .beta()
        .files()
        .list()
        .items()
        .map_ok(|f| f.id)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids, ["f1"]);
    assert_eq!(received(&server).await.len(), 2, "stops at the empty page");
}

#[tokio::test]
async fn retrieve_metadata_gets_one_file_and_decodes_it() {
    let server = MockServer::start().await;
    let mut body = file("file_013", "chart.png", "image/png", 123_456, true);
    answer(&server, "GET", "/v1/files/file_013", body.clone()).await;
    let client = client(&server.uri());
    let got = client
        .beta()
        .files()
        .retrieve_metadata("file_013")
        .send()
        .await
        .expect("the metadata");
    assert_eq!(
        (
            got.id.as_str(),
            got.filename.as_str(),
            got.mime_type.as_str(),
            got.size_bytes,
            got.downloadable
        ),
        ("file_013", "chart.png", "image/png", 123_456, Some(true))
    );
    let request = only_request(&server).await;
    assert_request(&request, "GET", "/v1/files/file_013", FILES_BETA);
    assert_eq!(query(&request), pairs(&[]));

    // `downloadable` may be left out.
    let server = MockServer::start().await;
    body.as_object_mut().map(|b| b.remove("downloadable"));
    answer(&server, "GET", "/v1/files/file_013", body).await;
    let got = client_of(&server)
        .beta()
        .files()
        .retrieve_metadata("file_013")
        .send()
        .await
        .expect("the metadata");
    assert_eq!(got.downloadable, None);
}

fn client_of(server: &MockServer) -> anthropic_client::Client {
    client(&server.uri())
}

#[tokio::test]
async fn a_file_id_is_sent_as_one_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok(file("x", "a", "text/plain", 1, true)))
        .mount(&server)
        .await;
    client_of(&server)
        .beta()
        .files()
        .retrieve_metadata("../file 1?x#y")
        .send()
        .await
        .expect("the metadata");
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/v1/files/..%2Ffile%201%3Fx%23y");
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn delete_deletes_one_file_and_decodes_the_confirmation() {
    let server = MockServer::start().await;
    answer(
        &server,
        "DELETE",
        "/v1/files/file_014",
        json!({"id": "file_014", "type": "file_deleted"}),
    )
    .await;
    let deleted = client_of(&server)
        .beta()
        .files()
        .delete("file_014")
        .send()
        .await
        .expect("deleted");
    assert_eq!(deleted.id, "file_014");
    assert_eq!(deleted.type_, Some(DeletedFileType::FileDeleted));
    let request = only_request(&server).await;
    assert_request(&request, "DELETE", "/v1/files/file_014", FILES_BETA);
    assert!(request.body.is_empty());
}

/// Answers the download of `file_015` with `content()`.
async fn download_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/files/file_015/content"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "req_download")
                .insert_header("content-type", "application/octet-stream")
                .set_body_bytes(content()),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn download_writes_the_bytes_to_a_file_or_a_writer_as_sent() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("out.csv");

    let server = download_server().await;
    let written = client_of(&server)
        .beta()
        .files()
        .download("file_015")
        .save_to(&out)
        .await
        .expect("saved");
    assert_eq!(written, content().len() as u64);
    assert_eq!(std::fs::read(&out).expect("the file"), content());
    let request = only_request(&server).await;
    assert_request(&request, "GET", "/v1/files/file_015/content", FILES_BETA);
    assert_eq!(query(&request), pairs(&[]));
    assert_eq!(request.headers["accept"], "application/binary");

    // save_to replaces what the file held.
    std::fs::write(&out, vec![b'x'; 10_000]).expect("write");
    let server = download_server().await;
    client_of(&server)
        .beta()
        .files()
        .download("file_015")
        .save_to(&out)
        .await
        .expect("saved");
    assert_eq!(std::fs::read(&out).expect("the file"), content());

    // The stream, its head, then its bytes into a writer.
    let server = download_server().await;
    let stream = client_of(&server)
        .beta()
        .files()
        .download("file_015")
        .send()
        .await
        .expect("the head");
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.request_id(), Some("req_download"));
    assert_eq!(stream.content_length(), Some(content().len() as u64));
    let mut sink = Vec::new();
    let written = stream.write_to(&mut sink).await.expect("the body");
    assert_eq!((written, sink), (content().len() as u64, content()));

    // Or chunk by chunk.
    let server = download_server().await;
    let chunks: Vec<_> = client_of(&server)
        .beta()
        .files()
        .download("file_015")
        .send()
        .await
        .expect("the head")
        .try_collect()
        .await
        .expect("the body");
    assert_eq!(chunks.concat(), content());

    // write_to on the request: send, then stream.
    let server = download_server().await;
    let mut writer = tokio::io::BufWriter::new(Vec::new());
    client_of(&server)
        .beta()
        .files()
        .download("file_015")
        .write_to(&mut writer)
        .await
        .expect("the body");
    writer.flush().await.expect("flushed");
    assert_eq!(writer.into_inner(), content());
}

#[tokio::test]
async fn every_operation_merges_its_beta_with_the_requests_and_the_clients() {
    let server = MockServer::start().await;
    let f = file("file_016", "a.txt", "text/plain", 1, true);
    answer(&server, "POST", FILES, f.clone()).await;
    answer(&server, "GET", FILES, files_page(vec![f.clone()], false)).await;
    answer(&server, "GET", "/v1/files/file_016", f).await;
    answer(
        &server,
        "DELETE",
        "/v1/files/file_016",
        json!({"id": "file_016"}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/v1/files/file_016/content"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"a".to_vec()))
        .mount(&server)
        .await;

    // The request's betas first, then the operation's, then the client's,
    // each once however many of them name it.
    let merged = "pdfs-2024-09-25,files-api-2025-04-14,token-counting-2024-11-01";
    let client = builder(&server.uri())
        .beta("files-api-2025-04-14")
        .beta("token-counting-2024-11-01")
        .build()
        .expect("a client");
    let files = client.beta().files();
    let betas = ["pdfs-2024-09-25", "files-api-2025-04-14"];
    files
        .upload(Upload::from_bytes(&b"a"[..], "a.txt"))
        .anthropic_beta(betas)
        .send()
        .await
        .expect("upload");
    files
        .list()
        .anthropic_beta(betas)
        .send()
        .await
        .expect("list");
    files
        .retrieve_metadata("file_016")
        .anthropic_beta(betas)
        .send()
        .await
        .expect("retrieve");
    files
        .delete("file_016")
        .anthropic_beta(betas)
        .send()
        .await
        .expect("delete");
    files
        .download("file_016")
        .anthropic_beta(betas)
        .write_to(&mut tokio::io::sink())
        .await
        .expect("download");
    let expected = [
        ("POST", FILES),
        ("GET", FILES),
        ("GET", "/v1/files/file_016"),
        ("DELETE", "/v1/files/file_016"),
        ("GET", "/v1/files/file_016/content"),
    ];
    let requests = received(&server).await;
    assert_eq!(requests.len(), expected.len());
    for (request, (verb, url_path)) in requests.iter().zip(expected) {
        assert_request(request, verb, url_path, merged);
    }

    // A request beta that is not the default goes before it.
    let server = MockServer::start().await;
    answer(&server, "GET", FILES, files_page(vec![], false)).await;
    client_of(&server)
        .beta()
        .files()
        .list()
        .anthropic_beta(["pdfs-2024-09-25"])
        .send()
        .await
        .expect("list");
    assert_request(
        &only_request(&server).await,
        "GET",
        FILES,
        "pdfs-2024-09-25,files-api-2025-04-14",
    );
}
