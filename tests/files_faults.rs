//! Faults of the Files and Skills APIs: an upload retried after a 529 sends
//! the whole file again; a download cut short or stalled mid-body is a
//! typed transport error and `save_to` leaves no partial file; a download
//! answered 404 is a typed API error and writes nothing; a skill directory
//! without `SKILL.md`, a path that does not exist and a directory given as
//! a file are refused before anything is sent.
//!
//! The cut and stalled downloads come from a raw loopback `TcpListener`
//! that writes the response by hand (a `content-length` larger than what it
//! sends), which no well-behaved mock server can do; the rest run against
//! wiremock, which records every request's bytes.

use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anthropic_client::types::ErrorType;
use anthropic_client::{Client, Error, Upload};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::files::{api_error, file, ok, skill_dir, FILES_BETA};
use workspace_tests::multipart::{parts, Part};
use workspace_tests::runtime::{builder, received};

/// Runs a case under a deadline far above what it needs, so a hang fails
/// the test instead of stalling the run.
async fn bounded<F: Future>(case: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), case)
        .await
        .expect("the case finished within its deadline")
}

/// A client of `url` with `retries` retries and a short timeout.
fn client(url: &str, retries: u32) -> Client {
    builder(url)
        .max_retries(retries)
        .timeout(Duration::from_millis(500))
        .build()
        .expect("a valid client")
}

/// `len` bytes that are not a repeating pattern, so a part sent out of
/// order or twice in one body would show.
fn noise(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[tokio::test]
async fn an_upload_answered_529_is_sent_again_whole_and_then_succeeds() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let local = dir.path().join("big.bin");
    let content = noise(2 * 1024 * 1024 + 7);
    std::fs::write(&local, &content).expect("write the file");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/files"))
        .respond_with(
            api_error(529, "overloaded_error", "Overloaded").insert_header("retry-after-ms", "1"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/files"))
        .respond_with(ok(file(
            "file_01",
            "big.bin",
            "application/octet-stream",
            content.len() as u64,
            false,
        )))
        .mount(&server)
        .await;

    let uploaded = bounded(
        client(&server.uri(), 2)
            .beta()
            .files()
            .upload(Upload::from_path(&local))
            .send(),
    )
    .await
    .expect("the retry succeeds");
    assert_eq!(uploaded.id, "file_01");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "the 529, then the retry");
    let expected = [Part {
        name: "file".to_string(),
        filename: Some("big.bin".to_string()),
        content_type: Some("application/octet-stream".to_string()),
        body: content.clone(),
    }];
    for request in &requests {
        assert_eq!(request.headers["anthropic-beta"], FILES_BETA);
        let sent = parts(request);
        // Compared by length and equality rather than printed: 2 MiB.
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].body.len(), content.len());
        assert!(sent == expected, "the whole file, byte for byte");
    }
    // Apart from the boundary, which each attempt draws anew, the two
    // bodies are the same bytes.
    let normalized = |r: &wiremock::Request| {
        let content_type = r.headers["content-type"].to_str().expect("a content type");
        let boundary = workspace_tests::multipart::boundary(content_type).expect("a boundary");
        let mut out = Vec::with_capacity(r.body.len());
        let mut rest = &r.body[..];
        while let Some(at) = memchr::memmem::find(rest, boundary.as_bytes()) {
            out.extend_from_slice(&rest[..at]);
            out.extend_from_slice(b"BOUNDARY");
            rest = &rest[at + boundary.len()..];
        }
        out.extend_from_slice(rest);
        out
    };
    assert!(
        normalized(&requests[0]) == normalized(&requests[1]),
        "both attempts sent the same body"
    );
}

/// What the raw server does after reading a request's head.
#[derive(Clone, Copy)]
enum Body {
    /// Promises `advertised` bytes, sends `sent`, then closes.
    Cut { advertised: usize, sent: usize },
    /// Promises `advertised` bytes, sends `sent`, then holds the
    /// connection open, silent.
    Stall { advertised: usize, sent: usize },
}

/// A raw HTTP/1.1 server answering every request as `body` says; gives its
/// URL and the request heads it read.
async fn raw_server(body: Body) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                seen.lock()
                    .expect("not poisoned")
                    .push(String::from_utf8_lossy(&head).into_owned());
                let (advertised, sent, stall) = match body {
                    Body::Cut { advertised, sent } => (advertised, sent, false),
                    Body::Stall { advertised, sent } => (advertised, sent, true),
                };
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n\
                     request-id: req_cut\r\ncontent-length: {advertised}\r\n\
                     connection: close\r\n\r\n"
                );
                let written = async {
                    stream.write_all(response.as_bytes()).await?;
                    stream.write_all(&noise(sent)).await?;
                    stream.flush().await
                };
                if written.await.is_err() {
                    return;
                }
                if stall {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, heads)
}

fn assert_absent(path: &Path) {
    assert!(
        !path.exists(),
        "{} exists after a failed download",
        path.display()
    );
}

#[tokio::test]
async fn a_download_cut_mid_body_is_a_connection_error_and_leaves_no_file() {
    let (url, heads) = raw_server(Body::Cut {
        advertised: 4 * 1024 * 1024,
        sent: 1024 * 1024 + 3,
    })
    .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("download.bin");
    // Retries do not apply once the body has started.
    let error = bounded(
        client(&url, 2)
            .beta()
            .files()
            .download("file_01")
            .save_to(&out),
    )
    .await
    .expect_err("a cut body cannot be saved");
    assert!(
        matches!(&error, Error::Connection(_)),
        "expected a connection error, got {error:?}"
    );
    assert!(error.is_connection() && !error.is_timeout());
    // What had arrived of the answer is kept with the error.
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.request_id(), Some("req_cut"));
    assert_absent(&out);
    let heads = heads.lock().expect("not poisoned").clone();
    assert_eq!(heads.len(), 1, "not retried once the body had started");
    assert!(
        heads[0].starts_with("GET /v1/files/file_01/content HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );

    // The same cut, read into a writer: what arrived is written, then the
    // error.
    let mut sink = Vec::new();
    let error = bounded(async {
        client(&url, 0)
            .beta()
            .files()
            .download("file_01")
            .send()
            .await?
            .write_to(&mut sink)
            .await
    })
    .await
    .expect_err("a cut body cannot be read whole");
    assert!(error.is_connection(), "{error:?}");
    assert_eq!(sink, noise(1024 * 1024 + 3));
}

/// The names in `dir`, to see that nothing was left beside the target.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("a readable directory")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_download_cut_mid_body_leaves_an_existing_file_as_it_was() {
    let (url, _heads) = raw_server(Body::Cut {
        advertised: 4 * 1024 * 1024,
        sent: 1024 * 1024 + 3,
    })
    .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("report.csv");
    std::fs::write(&out, b"the old contents").expect("write the old file");
    let error = bounded(
        client(&url, 0)
            .beta()
            .files()
            .download("file_01")
            .save_to(&out),
    )
    .await
    .expect_err("a cut body cannot be saved");
    assert!(error.is_connection(), "{error:?}");
    assert_eq!(
        std::fs::read(&out).expect("the old file"),
        b"the old contents"
    );
    assert_eq!(
        names_in(dir.path()),
        ["report.csv"],
        "no partial file is left"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_download_to_a_device_writes_to_it_directly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/files/file_01/content"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(noise(100_000)))
        .mount(&server)
        .await;
    let written = bounded(
        builder(&server.uri())
            .build()
            .expect("a client")
            .beta()
            .files()
            .download("file_01")
            .save_to("/dev/null"),
    )
    .await
    .expect("written to /dev/null, not renamed over it");
    assert_eq!(written, 100_000);
    assert!(Path::new("/dev/null")
        .metadata()
        .is_ok_and(|m| !m.is_file()));
}

#[tokio::test]
async fn a_download_that_stalls_mid_body_is_a_timeout_and_leaves_no_file() {
    let (url, _) = raw_server(Body::Stall {
        advertised: 1024 * 1024,
        sent: 64 * 1024,
    })
    .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("download.bin");
    let error = bounded(
        client(&url, 0)
            .beta()
            .files()
            .download("file_01")
            .save_to(&out),
    )
    .await
    .expect_err("a stalled body cannot be saved");
    assert!(error.is_timeout(), "expected a timeout, got {error:?}");
    assert_absent(&out);
}

#[tokio::test]
async fn a_download_answered_404_is_an_api_error_and_writes_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/files/file_missing/content"))
        .respond_with(api_error(404, "not_found_error", "File not found."))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("download.bin");
    let error = bounded(
        client(&server.uri(), 2)
            .beta()
            .files()
            .download("file_missing")
            .save_to(&out),
    )
    .await
    .expect_err("404");
    let api = error.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.error_type(), &ErrorType::NotFoundError);
    assert_eq!(api.message(), "File not found.");
    assert_eq!(error.request_id(), Some("req_failed_01"));
    assert_absent(&out);
    assert_eq!(received(&server).await.len(), 1, "a 404 is not retried");

    // A file already at the path is left as it was.
    std::fs::write(&out, b"kept").expect("write");
    let error = bounded(
        client(&server.uri(), 0)
            .beta()
            .files()
            .download("file_missing")
            .save_to(&out),
    )
    .await
    .expect_err("404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(std::fs::read(&out).expect("the file"), b"kept");
}

/// A server that answers anything, to show that nothing reached it.
async fn any_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

fn invalid_argument(error: &Error) -> &str {
    match error {
        Error::InvalidArgument(why) => why,
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}

#[tokio::test]
async fn a_skill_directory_without_skill_md_is_refused_before_sending() {
    let (root, skill) = skill_dir();
    std::fs::remove_file(skill.join("SKILL.md")).expect("remove SKILL.md");
    // One further down does not count: it must be at the top.
    std::fs::write(skill.join("data/SKILL.md"), "# nested").expect("write");
    let error = Upload::skill_directory(&skill).expect_err("no SKILL.md at the top");
    let why = invalid_argument(&error);
    assert!(why.contains("no SKILL.md"), "{why}");
    assert!(why.contains("csv-insights"), "{why}");

    // Neither is a directory that does not exist, nor a file.
    let missing = root.path().join("no-such-skill");
    let why =
        invalid_argument(&Upload::skill_directory(&missing).expect_err("missing")).to_string();
    assert!(why.contains("no-such-skill"), "{why}");
    let file = skill.join("data/sample.csv");
    invalid_argument(&Upload::skill_directory(&file).expect_err("a file"));

    // So a program that uploads a skill stops there: the server sees nothing.
    let server = any_server().await;
    let client = client(&server.uri(), 2);
    let sent = async {
        let files = Upload::skill_directory(&skill)?;
        client.beta().skills().create(files).send().await
    };
    let error = bounded(sent).await.expect_err("refused");
    invalid_argument(&error);
    assert_eq!(received(&server).await.len(), 0);
}

#[tokio::test]
async fn a_path_that_does_not_exist_is_refused_before_sending() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let missing = dir.path().join("nowhere.pdf");
    let server = any_server().await;
    let client = client(&server.uri(), 2);
    let error = bounded(
        client
            .beta()
            .files()
            .upload(Upload::from_path(&missing))
            .send(),
    )
    .await
    .expect_err("no such file");
    let why = invalid_argument(&error);
    assert!(why.contains("nowhere.pdf"), "{why}");
    assert!(!error.is_retryable());

    // One missing file among a skill's: the whole request is refused.
    let (_root, skill) = skill_dir();
    let mut files = Upload::skill_directory(&skill).expect("a skill");
    std::fs::remove_file(skill.join("scripts/plot.py")).expect("remove a file");
    files.push(Upload::from_path(&missing).filename("csv-insights/nowhere.pdf"));
    let error = bounded(client.beta().skills().create(files).send())
        .await
        .expect_err("a file is missing");
    assert!(invalid_argument(&error).contains("plot.py"), "{error}");

    assert_eq!(received(&server).await.len(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_directory_given_as_a_file_is_refused_before_sending() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = any_server().await;
    let error = bounded(
        client(&server.uri(), 2)
            .beta()
            .files()
            .upload(Upload::from_path(dir.path()))
            .send(),
    )
    .await
    .expect_err("a directory is not a file");
    let why = invalid_argument(&error);
    assert!(why.contains("not a file"), "{why}");
    assert_eq!(received(&server).await.len(), 0, "nothing was sent");
}
