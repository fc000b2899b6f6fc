//! Helpers for the wire tests of the client runtime: a client pointed at a
//! mock server, canned bodies, a capture of the client's `tracing` output and
//! a raw TCP server for failures wiremock cannot produce.

use std::io;
use std::sync::{Arc, Mutex};

use anthropic_client::{Client, ClientBuilder};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tracing_subscriber::fmt::MakeWriter;

/// The API key every test client sends. Tests assert it never shows up in
/// `Debug`, `Display` or log output, so it is distinctive.
pub const API_KEY: &str = "sk-ant-api03-SECRET-do-not-print-0123456789";

/// A builder with the test key and `base_url`, every other setting default.
pub fn builder(base_url: &str) -> ClientBuilder {
    Client::builder().api_key(API_KEY).base_url(base_url)
}

/// A client with the test key and `base_url`, every other setting default.
pub fn client(base_url: &str) -> Client {
    builder(base_url).build().expect("a valid test client")
}

/// A `ModelInfo` body.
pub fn model(id: &str) -> Value {
    json!({
        "id": id,
        "created_at": "2025-02-19T00:00:00Z",
        "display_name": format!("Model {id}"),
        "type": "model"
    })
}

/// A `ListModelsResponse` page holding `ids`, with first/last ids derived
/// from them (null on an empty page).
pub fn page(ids: &[&str], has_more: bool) -> Value {
    json!({
        "data": ids.iter().map(|id| model(id)).collect::<Vec<_>>(),
        "first_id": ids.first(),
        "has_more": has_more,
        "last_id": ids.last(),
    })
}

/// An error body as the API sends it.
pub fn error_body(error_type: &str, message: &str) -> Value {
    json!({
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": "req_from_body"
    })
}

/// The query of a received request as ordered `(name, value)` pairs.
pub fn query(request: &wiremock::Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// One query parameter of a received request.
pub fn query_value(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The requests a mock server received so far.
/// Answers every `GET /v1/models` on `server` with `response`.
pub async fn answer_list(server: &wiremock::MockServer, response: wiremock::ResponseTemplate) {
    use wiremock::matchers::{method, path};
    wiremock::Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(response)
        .mount(server)
        .await;
}

pub async fn received(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// Everything the `tracing` macros wrote on the current thread while a
/// [`LogCapture`] was installed there, formatted as text.
///
/// One global subscriber (installed on first use, at TRACE for every target)
/// writes each event to the capture of the thread it happens on. A global
/// subscriber, rather than one per thread, keeps `tracing`'s cached interest
/// of each call site consistent while tests run in parallel.
#[derive(Clone, Default)]
pub struct LogCapture {
    buffer: Arc<Mutex<Vec<u8>>>,
}

thread_local! {
    static SINK: std::cell::RefCell<Option<LogCapture>> = const { std::cell::RefCell::new(None) };
}

/// Uninstalls the thread's [`LogCapture`] when dropped.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        SINK.with(|sink| sink.borrow_mut().take());
    }
}

/// Writes to the capture of the current thread, if any.
struct ThreadSink;

impl io::Write for ThreadSink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        SINK.with(|sink| match sink.borrow_mut().as_mut() {
            Some(capture) => capture.write(bytes),
            None => Ok(bytes.len()),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for ThreadSinkMaker {
    type Writer = ThreadSink;
    fn make_writer(&'a self) -> Self::Writer {
        ThreadSink
    }
}

struct ThreadSinkMaker;

impl LogCapture {
    /// Captures every event logged on this thread until the guard drops.
    /// Use it from a current-thread runtime (`#[tokio::test]`'s default), so
    /// the client's tasks run, and log, on the test's thread.
    pub fn install() -> (Self, CaptureGuard) {
        static GLOBAL: std::sync::Once = std::sync::Once::new();
        GLOBAL.call_once(|| {
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
                .with_ansi(false)
                .with_writer(ThreadSinkMaker)
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other global subscriber in the test binary");
        });
        let capture = Self::default();
        SINK.with(|sink| *sink.borrow_mut() = Some(capture.clone()));
        (capture, CaptureGuard(()))
    }

    /// The text logged so far.
    pub fn text(&self) -> String {
        let buffer = self.buffer.lock().expect("log buffer lock");
        String::from_utf8_lossy(&buffer).into_owned()
    }

    /// The lines logged so far that contain `needle`.
    pub fn lines_with(&self, needle: &str) -> Vec<String> {
        self.text()
            .lines()
            .filter(|l| l.contains(needle))
            .map(str::to_string)
            .collect()
    }
}

impl io::Write for LogCapture {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer
            .lock()
            .map_err(|_| io::Error::other("log buffer poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What the raw server does with one connection.
#[derive(Clone, Debug)]
pub enum Conn {
    /// Reads the request, then closes the connection without answering.
    Close,
    /// Reads the request, then resets the connection (RST).
    Reset,
    /// Reads the request and answers 200 with this JSON body.
    Ok(Value),
    /// Reads the request, then sends nothing and holds the connection open.
    Stall,
    /// Reads the request, writes these raw bytes (a response head and the
    /// start of a body), then holds the connection open.
    Partial(String),
}

/// A bare HTTP/1.1 server on a raw TCP listener, for failures a mock server
/// cannot produce: the n-th connection gets the n-th behaviour of the plan
/// (the last one repeats). It counts the connections it accepted.
pub struct RawServer {
    pub url: String,
    accepted: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    pub async fn start(plan: Vec<Conn>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let seen = accepted.clone();
        let task = tokio::spawn(async move {
            let mut n = 0usize;
            while let Ok((stream, _)) = listener.accept().await {
                let behaviour = plan.get(n).or(plan.last()).cloned().unwrap_or(Conn::Close);
                n += 1;
                let seen = seen.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, behaviour, seen).await;
                });
            }
        });
        Self {
            url,
            accepted,
            task,
        }
    }

    /// The request heads received, one per connection, in order.
    pub fn requests(&self) -> Vec<String> {
        self.accepted.lock().expect("raw server lock").clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    behaviour: Conn,
    seen: Arc<Mutex<Vec<String>>>,
) -> io::Result<()> {
    // A GET has no body: read up to the end of the head.
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    if let Ok(mut seen) = seen.lock() {
        seen.push(String::from_utf8_lossy(&head).into_owned());
    }
    match behaviour {
        Conn::Close => {
            stream.shutdown().await?;
            drop(stream);
        }
        Conn::Reset => {
            // SO_LINGER 0 makes close() send RST instead of FIN.
            socket_linger_zero(&stream)?;
            drop(stream);
        }
        Conn::Ok(body) => {
            let body = body.to_string();
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nrequest-id: req_raw_ok\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).await?;
            stream.shutdown().await?;
        }
        Conn::Stall => hold(stream).await,
        Conn::Partial(bytes) => {
            stream.write_all(bytes.as_bytes()).await?;
            stream.flush().await?;
            hold(stream).await;
        }
    }
    Ok(())
}

/// Keeps a connection open, silent, until the test's runtime ends.
async fn hold(stream: TcpStream) {
    tokio::time::sleep(std::time::Duration::from_secs(600)).await;
    drop(stream);
}

#[allow(deprecated)]
fn socket_linger_zero(stream: &TcpStream) -> io::Result<()> {
    stream.set_linger(Some(std::time::Duration::ZERO))
}

/// A local address nothing listens on: bound, then released.
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    format!("http://{addr}")
}

/// `pairs` as owned query pairs, to compare with [`query`].
pub fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The one request `server` received.
pub async fn only_request(server: &wiremock::MockServer) -> wiremock::Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "one request");
    requests.remove(0)
}
