//! The fault suite on real loopback sockets: broken, stalled, flooded and oversized responses,
//! whole JSON bodies and the JSON Lines of a batch's results alike.
//!
//! A scripted HTTP/1.1 server on a raw `TcpListener` writes the bytes of
//! each case by hand (one connection per request, `connection: close`), so
//! it can do what a well-behaved server never does: close mid-body, stall,
//! lie about the length, flood. Every case ends with the right typed error
//! or a successful retry, and is bounded by a tokio timeout well above what
//! it needs (the client's own timeouts are set to a fraction of a second).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anthropic_client::{types, Client, Error};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use workspace_tests::batches::canceled_line;
use workspace_tests::runtime::{builder, error_body, model, page};

/// The response-size limit the clients of this suite are configured with.
const LIMIT: usize = 1024 * 1024;
/// What the flooding server advertises: 100 MB.
const HUGE: usize = 100 * 1000 * 1000;

/// What the server does with one request.
#[derive(Clone, Debug)]
enum Reply {
    /// A complete response.
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// A 200 head promising `advertised` bytes, then only `body`, then close.
    Cut { advertised: usize, body: Vec<u8> },
    /// A 200 head promising `advertised` bytes, then `body`, then silence
    /// with the connection held open.
    Stall { advertised: usize, body: Vec<u8> },
    /// No answer at all, the connection held open.
    Silent,
    /// A 200 head promising [`HUGE`] bytes (or chunked, with no length),
    /// then filler for as long as the client reads.
    Flood { chunked: bool },
}

impl Reply {
    fn json(status: u16, body: &Value) -> Self {
        Reply::Full {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    fn ok(body: &Value) -> Self {
        Self::json(200, body)
    }

    /// An API error (`error_type`) with `status` and a `retry-after-ms: 1`.
    fn error(status: u16, error_type: &str) -> Self {
        Reply::Full {
            status,
            headers: vec![
                ("content-type", "application/json".into()),
                ("retry-after-ms", "1".into()),
            ],
            body: error_body(error_type, "fault injected")
                .to_string()
                .into_bytes(),
        }
    }

    fn with_header(mut self, name: &'static str, value: &str) -> Self {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name, value.to_string()));
        }
        self
    }
}

type Plan = Box<dyn Fn(usize, &str) -> Reply + Send + Sync>;

/// A scripted server: request `n` (from 0) with request line `line` gets
/// `plan(n, line)`.
struct FaultServer {
    url: String,
    lines: Arc<Mutex<Vec<String>>>,
    /// Bytes of body the flooding replies got into the socket.
    flooded: Arc<AtomicUsize>,
}

impl FaultServer {
    async fn start(plan: impl Fn(usize, &str) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let flooded = Arc::new(AtomicUsize::new(0));
        let plan: Arc<Plan> = Arc::new(Box::new(plan));
        let (seen, counter) = (lines.clone(), flooded.clone());
        // The test's runtime ends with the test, and every task with it.
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (plan, seen, counter) = (plan.clone(), seen.clone(), counter.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, plan, seen, counter).await;
                });
            }
        });
        Self {
            url,
            lines,
            flooded,
        }
    }

    /// The request lines received, in order (`GET /v1/models?... HTTP/1.1`).
    fn requests(&self) -> Vec<String> {
        self.lines.lock().expect("server lock").clone()
    }

    /// The `after_id` of each request received, in order.
    fn after_ids(&self) -> Vec<Option<String>> {
        self.requests()
            .iter()
            .map(|l| query_param(l, "after_id"))
            .collect()
    }
}

fn query_param(request_line: &str, name: &str) -> Option<String> {
    let target = request_line.split(' ').nth(1)?;
    let query = target.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

async fn serve(
    mut stream: TcpStream,
    plan: Arc<Plan>,
    seen: Arc<Mutex<Vec<String>>>,
    flooded: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let line = head.lines().next().unwrap_or_default().to_string();
    let n = {
        let mut seen = seen.lock().expect("server lock");
        seen.push(line.clone());
        seen.len() - 1
    };
    let hold_open = || tokio::time::sleep(Duration::from_secs(60));
    match plan(n, &line) {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut response = format!("HTTP/1.1 {status} Fault\r\nrequest-id: req_fault_{n}\r\n");
            for (name, value) in headers {
                response.push_str(&format!("{name}: {value}\r\n"));
            }
            response.push_str(&format!(
                "content-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            ));
            stream.write_all(response.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await?;
        }
        Reply::Cut { advertised, body } => {
            stream
                .write_all(head_200(Some(advertised)).as_bytes())
                .await?;
            stream.write_all(&body).await?;
            stream.flush().await?;
            stream.shutdown().await?;
        }
        Reply::Stall { advertised, body } => {
            stream
                .write_all(head_200(Some(advertised)).as_bytes())
                .await?;
            stream.write_all(&body).await?;
            stream.flush().await?;
            hold_open().await;
        }
        Reply::Silent => hold_open().await,
        Reply::Flood { chunked } => {
            let advertised = (!chunked).then_some(HUGE);
            stream.write_all(head_200(advertised).as_bytes()).await?;
            let filler = vec![b' '; 64 * 1024];
            let mut chunk = Vec::new();
            if chunked {
                chunk.extend_from_slice(format!("{:x}\r\n", filler.len()).as_bytes());
                chunk.extend_from_slice(&filler);
                chunk.extend_from_slice(b"\r\n");
            } else {
                chunk = filler.clone();
            }
            let opening: &[u8] = if chunked { b"1\r\n[\r\n" } else { b"[" };
            stream.write_all(opening).await?;
            let mut sent = 1;
            while sent + filler.len() <= HUGE {
                // Fails once the client has stopped reading and closed.
                stream.write_all(&chunk).await?;
                sent += filler.len();
                flooded.fetch_add(filler.len(), Ordering::SeqCst);
            }
        }
    }
    Ok(())
}

fn head_200(length: Option<usize>) -> String {
    let length = match length {
        Some(n) => format!("content-length: {n}\r\n"),
        None => "transfer-encoding: chunked\r\n".to_string(),
    };
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nrequest-id: req_fault\r\n{length}connection: close\r\n\r\n")
}

/// A client of `server` with small timeouts, `retries` retries and the
/// suite's response-size limit.
fn client(server: &FaultServer, retries: u32) -> Client {
    builder(&server.url)
        .max_retries(retries)
        .timeout(Duration::from_millis(300))
        .connect_timeout(Duration::from_secs(2))
        .max_response_bytes(LIMIT)
        .build()
        .expect("a valid client")
}

/// Runs a case under a deadline far above what it needs, so a hang fails
/// the test instead of stalling the run.
async fn bounded<F: Future>(case: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), case)
        .await
        .expect("the case finished within its deadline")
}

fn page_body(ids: &[&str], has_more: bool) -> Vec<u8> {
    page(ids, has_more).to_string().into_bytes()
}

async fn list(client: &Client) -> Result<types::ListModelsResponse, Error> {
    client
        .models()
        .list()
        .send()
        .await
        .map(|response| response.into_inner())
}

fn decode_error(error: Error) -> Box<anthropic_client::DecodeError> {
    match error {
        Error::Decode(e) => e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// ---- The connection closes mid-body ----

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_connection_error() {
    let body = page_body(&["a", "b", "c"], false);
    let advertised = body.len();
    let server = FaultServer::start(move |_, _| Reply::Cut {
        advertised,
        body: body[..body.len() / 2].to_vec(),
    })
    .await;
    let error = bounded(list(&client(&server, 0)))
        .await
        .expect_err("a cut body cannot succeed");
    assert!(
        matches!(error, Error::Connection(_)),
        "expected a connection error, got {error:?}"
    );
    assert!(error.is_connection() && !error.is_timeout() && error.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_retried_and_then_succeeds() {
    let body = page_body(&["a", "b", "c"], false);
    let server = FaultServer::start(move |n, _| match n {
        0 => Reply::Cut {
            advertised: body.len(),
            body: body[..10].to_vec(),
        },
        _ => Reply::ok(&page(&["a", "b", "c"], false)),
    })
    .await;
    let page = bounded(list(&client(&server, 2)))
        .await
        .expect("the retry succeeds");
    let ids: Vec<&str> = page.data.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(server.requests().len(), 2, "one failed attempt, one retry");
}

#[tokio::test]
async fn a_connection_closed_mid_body_on_every_attempt_exhausts_the_retries() {
    let body = page_body(&["a"], false);
    let server = FaultServer::start(move |_, _| Reply::Cut {
        advertised: body.len() + 100,
        body: body.clone(),
    })
    .await;
    let error = bounded(list(&client(&server, 1)))
        .await
        .expect_err("every attempt is cut");
    assert!(matches!(error, Error::Connection(_)), "{error:?}");
    assert_eq!(server.requests().len(), 2, "the attempt and one retry");
}

// ---- The server stalls ----

#[tokio::test]
async fn a_body_that_stalls_past_the_timeout_is_a_timeout_error() {
    let body = page_body(&["a", "b"], false);
    let server = FaultServer::start(move |_, _| Reply::Stall {
        advertised: body.len(),
        body: body[..5].to_vec(),
    })
    .await;
    let error = bounded(list(&client(&server, 0)))
        .await
        .expect_err("the body never finishes");
    assert!(
        matches!(error, Error::Timeout(_)),
        "expected a timeout, got {error:?}"
    );
    assert!(error.is_timeout() && error.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout_error_after_the_retries() {
    let server = FaultServer::start(|_, _| Reply::Silent).await;
    let error = bounded(list(&client(&server, 1)))
        .await
        .expect_err("no answer ever comes");
    assert!(
        matches!(error, Error::Timeout(_)),
        "expected a timeout, got {error:?}"
    );
    assert_eq!(
        server.requests().len(),
        2,
        "a timed-out attempt is retried once"
    );
}

#[tokio::test]
async fn a_request_timeout_overrides_the_clients_for_a_stall() {
    let server = FaultServer::start(|_, _| Reply::Silent).await;
    // The client would wait for minutes; the request's own timeout wins.
    let client = builder(&server.url)
        .max_retries(0)
        .timeout(Duration::from_secs(600))
        .build()
        .expect("a valid client");
    let error = bounded(
        client
            .models()
            .list()
            .timeout(Duration::from_millis(200))
            .send(),
    )
    .await
    .expect_err("no answer ever comes");
    assert!(error.is_timeout(), "{error:?}");
}

// ---- Bursts of 429 and 529 ----

#[tokio::test]
async fn a_burst_of_429_and_529_with_retry_after_ms_is_retried_to_success() {
    let server = FaultServer::start(|n, _| match n {
        0 => Reply::error(429, "rate_limit_error"),
        1 | 2 => Reply::error(529, "overloaded_error"),
        _ => Reply::ok(&page(&["a"], false)),
    })
    .await;
    let page = bounded(list(&client(&server, 3)))
        .await
        .expect("the fourth attempt succeeds");
    assert_eq!(page.data[0].id, "a");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn retry_after_zero_falls_back_to_backoff_and_succeeds() {
    let server = FaultServer::start(|n, _| match n {
        0 => Reply::json(429, &error_body("rate_limit_error", "slow down"))
            .with_header("retry-after", "0"),
        _ => Reply::ok(&page(&["a"], false)),
    })
    .await;
    let page = bounded(list(&client(&server, 1)))
        .await
        .expect("the retry succeeds");
    assert_eq!(page.data.len(), 1);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn exhausting_the_retries_on_429_is_a_typed_rate_limit_error() {
    let server = FaultServer::start(|_, _| Reply::error(429, "rate_limit_error")).await;
    let error = bounded(list(&client(&server, 2)))
        .await
        .expect_err("every attempt is rate limited");
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status.as_u16(), 429);
    assert_eq!(api.error_type(), &types::ErrorType::RateLimitError);
    assert!(error.is_rate_limited() && error.is_retryable());
    assert_eq!(
        error.request_id(),
        Some("req_fault_2"),
        "the last attempt's id"
    );
    assert_eq!(server.requests().len(), 3, "the attempt and two retries");
}

#[tokio::test]
async fn exhausting_the_retries_on_529_is_a_typed_overloaded_error() {
    let server = FaultServer::start(|_, _| Reply::error(529, "overloaded_error")).await;
    let error = bounded(list(&client(&server, 1)))
        .await
        .expect_err("every attempt is overloaded");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(529));
    assert_eq!(error.error_type(), Some(&types::ErrorType::OverloadedError));
    assert!(error.is_overloaded());
    assert_eq!(server.requests().len(), 2);
}

// ---- Bodies that are truncated, not JSON or huge ----

#[tokio::test]
async fn a_truncated_json_body_is_a_decode_error_that_keeps_the_bytes() {
    let body = page_body(&["a", "b", "c"], false);
    let cut = body[..body.len() - 7].to_vec();
    let sent = cut.clone();
    let server = FaultServer::start(move |_, _| Reply::Full {
        status: 200,
        headers: vec![("content-type", "application/json".into())],
        body: sent.clone(),
    })
    .await;
    let error = bounded(list(&client(&server, 2)))
        .await
        .expect_err("half a page does not decode");
    let decode = decode_error(error);
    assert_eq!(decode.status.map(|s| s.as_u16()), Some(200));
    assert_eq!(decode.body.as_ref(), cut.as_slice());
    assert_eq!(decode.request_id.as_deref(), Some("req_fault_0"));
    assert_eq!(
        server.requests().len(),
        1,
        "a 200 that fails to decode is final"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_decode_error() {
    let html = b"<html><body>502 Bad Gateway</body></html>".to_vec();
    let sent = html.clone();
    let server = FaultServer::start(move |_, _| Reply::Full {
        status: 200,
        headers: vec![("content-type", "text/html".into())],
        body: sent.clone(),
    })
    .await;
    let error = bounded(list(&client(&server, 0)))
        .await
        .expect_err("HTML is not a page of models");
    let decode = decode_error(error);
    assert_eq!(decode.body.as_ref(), html.as_slice());
    assert!(!decode.reason.is_empty());
}

#[tokio::test]
async fn an_error_status_whose_body_is_not_json_is_a_decode_error_with_the_status() {
    let server = FaultServer::start(|_, _| Reply::Full {
        status: 502,
        headers: vec![("content-type", "text/html".into())],
        body: b"<html>Bad Gateway</html>".to_vec(),
    })
    .await;
    let error = bounded(list(&client(&server, 0)))
        .await
        .expect_err("a 502 is an error");
    assert!(error.is_retryable(), "a 502 is worth retrying: {error:?}");
    let decode = decode_error(error);
    assert_eq!(decode.status.map(|s| s.as_u16()), Some(502));
    assert_eq!(decode.body.as_ref(), b"<html>Bad Gateway</html>");
}

async fn huge_body_case(chunked: bool) {
    let server = FaultServer::start(move |_, _| Reply::Flood { chunked }).await;
    let error = bounded(list(&client(&server, 2)))
        .await
        .expect_err("100 MB is past the limit");
    let decode = decode_error(error);
    assert!(
        decode.reason.contains(&LIMIT.to_string()),
        "the reason names the limit: {}",
        decode.reason
    );
    assert!(
        decode.body.len() <= LIMIT,
        "kept {} bytes",
        decode.body.len()
    );
    assert_eq!(decode.status.map(|s| s.as_u16()), Some(200));
    // The client stopped reading near the limit: what the server got into
    // the socket is the limit plus the kernel's buffers, not 100 MB.
    let flooded = server.flooded.load(Ordering::SeqCst);
    assert!(
        flooded < 32 * LIMIT,
        "the server wrote {flooded} bytes before the client hung up"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "an oversized body is not retried"
    );
}

#[tokio::test]
async fn a_huge_body_with_a_length_stops_at_the_limit_with_a_decode_error() {
    huge_body_case(false).await;
}

#[tokio::test]
async fn a_huge_chunked_body_stops_at_the_limit_with_a_decode_error() {
    huge_body_case(true).await;
}

// ---- Pagination across a retried page ----

/// Three pages of three models; page 2's first attempt fails as `fault` says.
async fn paginate_across(fault: fn(&[u8]) -> Reply) {
    let ids: Vec<String> = (0..9).map(|i| format!("m{i}")).collect();
    let pages: Vec<Value> = ids
        .chunks(3)
        .enumerate()
        .map(|(p, chunk)| {
            let data: Vec<Value> = chunk.iter().map(|id| model(id)).collect();
            json!({"data": data, "first_id": chunk[0], "last_id": chunk[2], "has_more": p < 2})
        })
        .collect();
    let failed_once = Arc::new(AtomicUsize::new(0));
    let server = FaultServer::start(move |_, line| {
        let index = match query_param(line, "after_id").as_deref() {
            None => 0,
            Some("m2") => 1,
            Some("m5") => 2,
            Some(_) => return Reply::json(404, &error_body("not_found_error", "no such page")),
        };
        if index == 1 && failed_once.fetch_add(1, Ordering::SeqCst) == 0 {
            return fault(pages[1].to_string().as_bytes());
        }
        Reply::ok(&pages[index])
    })
    .await;
    let client = client(&server, 2);
    let items: Vec<types::ModelInfo> =
        bounded(client.models().list().limit(3).items().try_collect())
            .await
            .expect("the retried page succeeds");
    let got: Vec<&str> = items.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(got, ids, "every item once, in order");
    assert_eq!(
        server.after_ids(),
        [
            None,
            Some("m2".into()),
            Some("m2".into()),
            Some("m5".into())
        ],
        "page 2 was fetched twice with the same cursor"
    );
}

#[tokio::test]
async fn pagination_across_a_page_cut_mid_body_neither_skips_nor_repeats() {
    paginate_across(|body| Reply::Cut {
        advertised: body.len(),
        body: body[..body.len() / 2].to_vec(),
    })
    .await;
}

#[tokio::test]
async fn pagination_across_an_overloaded_page_neither_skips_nor_repeats() {
    paginate_across(|_| Reply::error(529, "overloaded_error")).await;
}

// ---- JSON Lines: the results of a batch ----

/// A client of `server` whose longest line (and any other body) is `limit`
/// bytes, with two retries to show that a body already being read is not
/// retried.
fn results_client(server: &FaultServer, limit: usize) -> Client {
    builder(&server.url)
        .max_retries(2)
        .timeout(Duration::from_millis(300))
        .max_response_bytes(limit)
        .build()
        .expect("a valid client")
}

/// A 200 results body as the API names it.
fn results_reply(body: Vec<u8>) -> Reply {
    Reply::Full {
        status: 200,
        headers: vec![("content-type", "application/binary".into())],
        body,
    }
}

/// `lines`, each followed by a newline.
fn jsonl(lines: &[String]) -> Vec<u8> {
    lines
        .iter()
        .flat_map(|l| format!("{l}\n").into_bytes())
        .collect()
}

/// More items than any case sends: a stream that fails to end after an
/// error can yield errors without ever waiting, which no timeout can cut
/// short, so the count is capped instead.
const MAX_ITEMS: usize = 1000;

/// Every item of the results of a batch, errors included, up to the end
/// (or [`MAX_ITEMS`]).
async fn all_results(client: &Client) -> Vec<Result<types::MessageBatchIndividualResponse, Error>> {
    bounded(async {
        let lines = client
            .messages()
            .batches()
            .results("msgbatch_01")
            .send()
            .await
            .expect("the results open");
        lines.take(MAX_ITEMS).collect::<Vec<_>>().await
    })
    .await
}

/// The first items, enough to show what went wrong without printing
/// hundreds of them.
fn head<T>(items: &[T]) -> &[T] {
    &items[..items.len().min(6)]
}

fn custom_id(item: &Result<types::MessageBatchIndividualResponse, Error>) -> &str {
    match item {
        Ok(result) => &result.custom_id,
        Err(e) => panic!("expected a result, got {e:?}"),
    }
}

fn decode_error_ref(
    item: &Result<types::MessageBatchIndividualResponse, Error>,
) -> &anthropic_client::DecodeError {
    match item {
        Err(Error::Decode(e)) => e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_results_body_ending_mid_line_names_that_line_after_the_whole_ones() {
    let cut = canceled_line("c");
    let partial = cut[..cut.len() / 2].to_string();
    // The blank line counts: line numbers are those of the file.
    let mut body = jsonl(&[canceled_line("a"), canceled_line("b"), String::new()]);
    body.extend_from_slice(partial.as_bytes());
    let server = FaultServer::start(move |_, _| results_reply(body.clone())).await;
    let items = all_results(&results_client(&server, LIMIT)).await;
    assert_eq!(
        items.len(),
        3,
        "two results, then the cut line: {:?}",
        head(&items)
    );
    assert_eq!(custom_id(&items[0]), "a");
    assert_eq!(custom_id(&items[1]), "b");
    let decode = decode_error_ref(&items[2]);
    assert!(decode.reason.starts_with("line 4 "), "{}", decode.reason);
    assert_eq!(decode.body.as_ref(), partial.as_bytes());
    assert_eq!(decode.status.map(|s| s.as_u16()), Some(200));
    assert_eq!(decode.request_id.as_deref(), Some("req_fault_0"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_results_connection_cut_mid_line_is_a_connection_error_after_the_whole_lines() {
    let cut = canceled_line("c");
    let mut sent = jsonl(&[canceled_line("a"), canceled_line("b")]);
    sent.extend_from_slice(&cut.as_bytes()[..cut.len() / 2]);
    let advertised = sent.len() + cut.len();
    let server = FaultServer::start(move |_, _| Reply::Cut {
        advertised,
        body: sent.clone(),
    })
    .await;
    let items = all_results(&results_client(&server, LIMIT)).await;
    assert_eq!(
        items.len(),
        3,
        "two results, then the cut: {:?}",
        head(&items)
    );
    assert_eq!(custom_id(&items[0]), "a");
    assert_eq!(custom_id(&items[1]), "b");
    assert!(
        matches!(items[2], Err(Error::Connection(_))),
        "{:?}",
        items[2]
    );
    // Lines were already handed out: sending again would repeat them.
    assert_eq!(
        server.requests().len(),
        1,
        "a body under way is not retried"
    );
}

#[tokio::test]
async fn a_results_body_that_stalls_mid_line_is_a_timeout_after_the_whole_lines() {
    let mut sent = jsonl(&[canceled_line("a")]);
    sent.extend_from_slice(b"{\"custom_id\":");
    let advertised = sent.len() + 100;
    let server = FaultServer::start(move |_, _| Reply::Stall {
        advertised,
        body: sent.clone(),
    })
    .await;
    let items = all_results(&results_client(&server, LIMIT)).await;
    assert_eq!(items.len(), 2, "{:?}", head(&items));
    assert_eq!(custom_id(&items[0]), "a");
    assert!(matches!(items[1], Err(Error::Timeout(_))), "{:?}", items[1]);
}

#[tokio::test]
async fn an_over_long_results_line_is_a_decode_error_that_ends_the_stream() {
    let long = canceled_line(&"x".repeat(10_000));
    assert!(long.len() > 10_000);
    let body = jsonl(&[canceled_line("a"), long.clone(), canceled_line("c")]);
    let server = FaultServer::start(move |_, _| results_reply(body.clone())).await;
    let items = all_results(&results_client(&server, 4096)).await;
    // Line 3 is fine, but is not read: the stream stops at the long line
    // rather than read it whole to find where it ends.
    assert_eq!(items.len(), 2, "{:?}", head(&items));
    assert_eq!(custom_id(&items[0]), "a");
    let decode = decode_error_ref(&items[1]);
    assert!(
        decode.reason.contains("line 2 exceeds"),
        "{}",
        decode.reason
    );
    assert!(decode.reason.contains("4096"), "{}", decode.reason);
    assert!(
        !decode.body.is_empty() && long.as_bytes().starts_with(&decode.body),
        "the body is the start of the line: {:?}",
        decode.body
    );
    assert!(decode.body.len() < 4096, "kept {} bytes", decode.body.len());
}

#[tokio::test]
async fn a_results_body_past_the_limit_is_read_whole_when_every_line_fits() {
    let lines: Vec<String> = (0..500).map(|i| canceled_line(&format!("r{i}"))).collect();
    let body = jsonl(&lines);
    assert!(body.len() > 4 * 4096, "the body is well past the limit");
    let server = FaultServer::start(move |_, _| results_reply(body.clone())).await;
    let items = all_results(&results_client(&server, 4096)).await;
    assert_eq!(items.len(), 500);
    assert_eq!(custom_id(&items[499]), "r499");
}

#[tokio::test]
async fn a_malformed_results_line_is_a_decode_error_and_the_next_lines_still_decode() {
    let malformed = r#"{"custom_id": "b", "result": {"type": "canc"#.to_string();
    let wrong_shape = r#"{"result": {"type": "canceled"}}"#.to_string();
    // CRLF endings: the error's body is the line without its ending.
    let body = [
        canceled_line("a"),
        malformed.clone(),
        canceled_line("c"),
        wrong_shape.clone(),
        canceled_line("e"),
    ]
    .join("\r\n")
    .into_bytes();
    let server = FaultServer::start(move |_, _| results_reply(body.clone())).await;
    let items = all_results(&results_client(&server, LIMIT)).await;
    assert_eq!(items.len(), 5, "{:?}", head(&items));
    assert_eq!(custom_id(&items[0]), "a");
    let not_json = decode_error_ref(&items[1]);
    assert!(
        not_json.reason.starts_with("line 2 "),
        "{}",
        not_json.reason
    );
    assert_eq!(not_json.body.as_ref(), malformed.as_bytes());
    assert_eq!(custom_id(&items[2]), "c");
    let no_id = decode_error_ref(&items[3]);
    assert!(no_id.reason.starts_with("line 4 "), "{}", no_id.reason);
    assert!(no_id.reason.contains("custom_id"), "{}", no_id.reason);
    assert_eq!(no_id.body.as_ref(), wrong_shape.as_bytes());
    assert_eq!(custom_id(&items[4]), "e");
}
