//! What every call goes through, whichever operation makes it: the
//! credential and version headers, the timeout, the retry loop, one bounded
//! read of a body and one decode of an error body. JSON, event-stream,
//! JSON Lines and binary answers all come out of [`Transport::send`].

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::StatusCode;

use crate::call::{Call, CallBody};
use crate::error::{ApiError, Error};
use crate::generated::meta::{Scheme, API_VERSION};
use crate::request::RequestOptions;
use crate::response::header_str;
use crate::retry;
use crate::types::ErrorResponse;

/// A response body being received, chunk by chunk.
pub(crate) type BodyStream = BoxStream<'static, reqwest::Result<Bytes>>;

/// The HTTP client, where it sends, and the configuration every call reads.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    /// Without a trailing slash.
    pub(crate) base_url: String,
    pub(crate) config: Config,
}

pub(crate) struct Config {
    /// The key of each credential of `Scheme::ALL`, in that order.
    pub(crate) keys: Vec<Option<HeaderValue>>,
    pub(crate) betas: Vec<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) max_retries: u32,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field(
                "keys",
                &Scheme::ALL
                    .iter()
                    .zip(&c.keys)
                    .map(|(scheme, key)| (scheme.env_var(), key.as_ref().map(|_| "<redacted>")))
                    .collect::<Vec<_>>(),
            )
            .field("betas", &c.betas)
            .field("headers", &c.headers.keys().collect::<Vec<_>>())
            .field("max_retries", &c.max_retries)
            .field("timeout", &c.timeout)
            .field("max_response_bytes", &c.max_response_bytes)
            .finish()
    }
}

/// How a successful answer is read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Read {
    /// Whole, inside the retry loop, so a connection that breaks mid-body is
    /// retried like one that breaks before; at most `max_response_bytes`.
    Whole,
    /// As it arrives; the value is the `accept` header to send.
    Streamed(&'static str),
}

/// A successful answer: its head, and its body read whole or as a stream.
pub(crate) enum Answer {
    Whole {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    Streamed {
        status: StatusCode,
        headers: HeaderMap,
        body: BodyStream,
    },
}

impl Answer {
    /// The parts of an answer asked for with [`Read::Whole`].
    pub(crate) fn into_whole(self) -> (StatusCode, HeaderMap, Bytes) {
        match self {
            Answer::Whole {
                status,
                headers,
                body,
            } => (status, headers, body),
            // Not reached: `send` answers in the form it was asked for.
            Answer::Streamed {
                status, headers, ..
            } => (status, headers, Bytes::new()),
        }
    }

    /// The parts of an answer asked for with [`Read::Streamed`].
    pub(crate) fn into_streamed(self) -> (StatusCode, HeaderMap, BodyStream) {
        match self {
            Answer::Streamed {
                status,
                headers,
                body,
            } => (status, headers, body),
            Answer::Whole {
                status,
                headers,
                body,
            } => (
                status,
                headers,
                futures::stream::once(async move { Ok(body) }).boxed(),
            ),
        }
    }
}

/// Why an attempt is followed by another.
enum Retry {
    Status(StatusCode, HeaderMap),
    Transport(reqwest::Error),
}

impl Transport {
    /// Sends `call`, retrying as configured, and returns the successful
    /// answer; an error status becomes [`Error::Api`] (or [`Error::Decode`]
    /// when its body is not an API error).
    pub(crate) async fn send(
        &self,
        call: &Call,
        options: &RequestOptions,
        read: Read,
    ) -> Result<Answer, Error> {
        let max_retries = options.max_retries.unwrap_or(self.config.max_retries);
        // The longest wait between two reads of a streamed body.
        let idle = options.timeout.unwrap_or(self.config.timeout);
        let limit = self.config.max_response_bytes;
        let mut retries_done = 0u32;
        loop {
            // Built again for every attempt, from the call: nothing of the
            // previous attempt's request (a consumed body stream) is reused.
            let request = self.build(call, options, read).await?;
            let result = match read {
                // No overall timeout for a stream: bound the wait for its head.
                Read::Streamed(_) if options.timeout.is_none() => {
                    match tokio::time::timeout(idle, self.http.execute(request)).await {
                        Ok(result) => result,
                        Err(_) => Err(timeout_error(idle).await),
                    }
                }
                _ => self.http.execute(request).await,
            };
            let retry_left = retries_done < max_retries;
            let reason = match result {
                Err(e) if retry_left => Retry::Transport(e),
                Err(e) => return Err(Error::transport(e)),
                Ok(mut response) => {
                    let status = response.status();
                    let headers = std::mem::take(response.headers_mut());
                    if !status.is_success() {
                        if retry_left && retry::should_retry(status, &headers) {
                            Retry::Status(status, headers)
                        } else {
                            return Err(error_answer(status, headers, response, limit).await);
                        }
                    } else if let Read::Streamed(_) = read {
                        return Ok(Answer::Streamed {
                            status,
                            headers,
                            body: idle_timeout(response.bytes_stream(), idle),
                        });
                    } else {
                        let expected = response.content_length();
                        match read_capped(response.bytes_stream(), limit, expected).await {
                            Ok((body, false)) => {
                                return Ok(Answer::Whole {
                                    status,
                                    headers,
                                    body,
                                })
                            }
                            Ok((body, true)) => {
                                return Err(Error::decode(
                                    Some(status),
                                    headers,
                                    body,
                                    format!("the body exceeds the client's limit of {limit} bytes"),
                                ))
                            }
                            Err(e) if retry_left => Retry::Transport(e),
                            Err(e) => return Err(Error::transport_in(e, status, &headers)),
                        }
                    }
                }
            };
            retries_done += 1;
            self.wait(call.operation, &reason, retries_done, max_retries)
                .await;
        }
    }

    /// Logs why a retry happens, then waits as long as the rules say.
    async fn wait(&self, operation: &str, reason: &Retry, attempt: u32, max_retries: u32) {
        let headers = match reason {
            Retry::Status(_, headers) => Some(headers),
            Retry::Transport(_) => None,
        };
        let wait = retry::delay(headers, attempt - 1, rand::random());
        let wait_ms = wait.as_millis() as u64;
        match reason {
            Retry::Status(status, headers) => tracing::warn!(
                operation,
                status = status.as_u16(),
                attempt,
                max_retries,
                wait_ms,
                request_id = header_str(headers, "request-id").unwrap_or(""),
                "retrying after an error status"
            ),
            Retry::Transport(error) => tracing::warn!(
                operation,
                attempt,
                max_retries,
                wait_ms,
                error = %error,
                "retrying after a transport error"
            ),
        }
        tokio::time::sleep(wait).await;
    }

    /// The HTTP request of one attempt of `call`.
    async fn build(
        &self,
        call: &Call,
        options: &RequestOptions,
        read: Read,
    ) -> Result<reqwest::Request, Error> {
        let config = &self.config;
        let invalid = |e: String| Error::InvalidArgument(e);
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, call.path))
            .map_err(|e| invalid(format!("cannot build the URL of `{}`: {e}", call.path)))?;
        if !call.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &call.query {
                pairs.append_pair(name, value);
            }
        }
        let mut headers = config.headers.clone();
        if let Some(scheme) = call.auth {
            let mut key = self.key(scheme)?.clone();
            key.set_sensitive(true);
            headers.insert(HeaderName::from_static(scheme.header()), key);
        }
        headers.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static(API_VERSION),
        );
        let accept = match read {
            Read::Whole => "application/json",
            Read::Streamed(accept) => accept,
        };
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
        for (name, value) in &call.headers {
            headers.insert(name.clone(), value.clone());
        }
        merge_betas(&mut headers, call.default_betas, &config.betas);
        for (name, value) in &options.headers {
            headers.insert(name.clone(), value.clone());
        }
        let mut request = self.http.request(call.method.clone(), url);
        request = match &call.body {
            CallBody::None => request,
            CallBody::Json(bytes) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                request.body(bytes.clone())
            }
            // Sets the content type with its boundary, and the length.
            #[cfg(any(feature = "files", feature = "skills"))]
            CallBody::Multipart(form) => request.multipart(form.build().await?),
        };
        request = request.headers(headers);
        request = match (read, options.timeout) {
            (Read::Whole, timeout) => request.timeout(timeout.unwrap_or(config.timeout)),
            (Read::Streamed(_), Some(timeout)) => request.timeout(timeout),
            (Read::Streamed(_), None) => request,
        };
        request
            .build()
            .map_err(|e| invalid(format!("cannot build the request: {e}")))
    }

    /// The key for `scheme`, or what to set when there is none.
    fn key(&self, scheme: Scheme) -> Result<&HeaderValue, Error> {
        let index = Scheme::ALL.iter().position(|s| *s == scheme);
        let key = index
            .and_then(|i| self.config.keys.get(i))
            .and_then(Option::as_ref);
        key.ok_or_else(|| {
            let var = scheme.env_var();
            let or_call = crate::client::key_setter(var)
                .map(|setter| format!(" or call {setter}"))
                .unwrap_or_default();
            Error::InvalidArgument(format!(
                "this operation needs the key of {var}, which the client was built without: \
                 set {var}{or_call}"
            ))
        })
    }
}

/// The error an error status stands for: [`Error::Api`] when the body is an
/// API error, else [`Error::Decode`] with the bytes.
async fn error_answer(
    status: StatusCode,
    headers: HeaderMap,
    response: reqwest::Response,
    limit: usize,
) -> Error {
    let expected = response.content_length();
    let (body, truncated) = match read_capped(response.bytes_stream(), limit, expected).await {
        Ok(read) => read,
        Err(e) => return Error::transport_in(e, status, &headers),
    };
    if truncated {
        let reason = format!("the error body exceeds the client's limit of {limit} bytes");
        return Error::decode(Some(status), headers, body, reason);
    }
    match serde_json::from_slice::<ErrorResponse>(&body) {
        Ok(error) => api_error(status, headers, error),
        Err(e) => Error::decode(Some(status), headers, body, e.to_string()),
    }
}

/// The error for an API error body, with the request id from the headers
/// (or else from the body).
pub(crate) fn api_error(status: StatusCode, headers: HeaderMap, body: ErrorResponse) -> Error {
    let request_id = header_str(&headers, "request-id")
        .map(str::to_string)
        .or_else(|| body.request_id.clone());
    Error::Api(Box::new(ApiError {
        status,
        request_id,
        headers,
        body,
    }))
}

/// Reads a body up to `limit` bytes; says whether it was cut there, so a
/// huge body cannot exhaust memory. `expected` (the content length, when
/// known) sizes the buffer once.
pub(crate) async fn read_capped(
    mut body: impl Stream<Item = reqwest::Result<Bytes>> + Unpin,
    limit: usize,
    expected: Option<u64>,
) -> reqwest::Result<(Bytes, bool)> {
    let Some(first) = body.next().await else {
        return Ok((Bytes::new(), false));
    };
    let first = first?;
    if first.len() > limit {
        return Ok((first.slice(..limit), true));
    }
    // The common case, a body in one chunk, is kept without a copy.
    let Some(mut next) = body.next().await else {
        return Ok((first, false));
    };
    let capacity = expected.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let mut out = Vec::with_capacity(capacity.min(limit).max(first.len()));
    out.extend_from_slice(&first);
    loop {
        if !push_capped(&mut out, &next?, limit) {
            return Ok((Bytes::from(out), true));
        }
        match body.next().await {
            Some(chunk) => next = chunk,
            None => return Ok((Bytes::from(out), false)),
        }
    }
}

/// Appends what fits under `limit`; `false` when `chunk` did not fit whole.
fn push_capped(out: &mut Vec<u8>, chunk: &[u8], limit: usize) -> bool {
    let room = limit.saturating_sub(out.len());
    if chunk.len() > room {
        out.extend_from_slice(&chunk[..room]);
        return false;
    }
    out.extend_from_slice(chunk);
    true
}

/// `body`, failing with a timeout when no bytes arrive for `idle`: the
/// client's timeout bounds the wait between two reads of a stream, where an
/// overall timeout would cut a long stream. (The HTTP client itself has no
/// read timeout, so that a request's own timeout can be longer than the
/// client's.)
fn idle_timeout(
    body: impl Stream<Item = reqwest::Result<Bytes>> + Send + Unpin + 'static,
    idle: Duration,
) -> BodyStream {
    futures::stream::unfold(Some(body), move |body| async move {
        let mut body = body?;
        match tokio::time::timeout(idle, body.next()).await {
            Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(body))),
            Ok(Some(Err(e))) => Some((Err(e), None)),
            Ok(None) => None,
            Err(_) => Some((Err(timeout_error(idle).await), None)),
        }
    })
    .boxed()
}

/// A timeout error for a wait the transport bounds itself. reqwest's errors
/// cannot be built directly, so this one comes from a body that fails so.
async fn timeout_error(after: Duration) -> reqwest::Error {
    let failing = futures::stream::once(async move {
        Err::<Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no data received for {after:?}"),
        ))
    });
    let response =
        reqwest::Response::from(http::Response::new(reqwest::Body::wrap_stream(failing)));
    match response.bytes().await {
        Err(e) => e,
        Ok(_) => unreachable!("a body whose only item is an error fails"),
    }
}

/// Adds the operation's and the client's default betas to the request's
/// `anthropic-beta` header, keeping the request's own first and writing
/// each value once.
fn merge_betas(headers: &mut HeaderMap, operation: &[&str], client: &[String]) {
    if operation.is_empty() && client.is_empty() {
        return;
    }
    let mut values: Vec<String> = headers
        .get_all("anthropic-beta")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    let defaults = operation
        .iter()
        .copied()
        .chain(client.iter().map(String::as_str));
    for beta in defaults {
        if !values.iter().any(|v| v == beta) {
            values.push(beta.to_string());
        }
    }
    if let Ok(value) = HeaderValue::from_str(&crate::call::join(&values, ",")) {
        headers.insert(HeaderName::from_static("anthropic-beta"), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = reqwest::Result<Bytes>> + Unpin {
        futures::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p)))
                .collect::<Vec<_>>(),
        )
    }

    /// A server that records the body of every request and answers the
    /// first with 503 (retry at once), the others with 200 `{}`.
    async fn recording_server() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = bodies.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut received = Vec::new();
                let mut buf = [0u8; 8192];
                let body = loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        break None;
                    };
                    if n == 0 {
                        break None;
                    }
                    received.extend_from_slice(&buf[..n]);
                    let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if received.len() >= end + 4 + length {
                        break Some(received[end + 4..end + 4 + length].to_vec());
                    }
                };
                let Some(body) = body else { continue };
                let first = {
                    let mut bodies = seen.lock().expect("not poisoned");
                    bodies.push(body);
                    bodies.len() == 1
                };
                let answer: &[u8] = if first {
                    b"HTTP/1.1 503 Unavailable\r\ncontent-length: 2\r\nretry-after-ms: 1\r\nconnection: close\r\n\r\n{}"
                } else {
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{}"
                };
                let _ = socket.write_all(answer).await;
            }
        });
        (url, bodies)
    }

    #[cfg(any(feature = "files", feature = "skills"))]
    #[tokio::test]
    async fn a_file_upload_is_sent_whole_again_when_retried() {
        let (url, bodies) = recording_server().await;
        let transport = Transport {
            http: reqwest::Client::new(),
            base_url: url,
            config: Config {
                keys: vec![Some(HeaderValue::from_static("sk-test"))],
                betas: Vec::new(),
                headers: HeaderMap::new(),
                max_retries: 2,
                timeout: Duration::from_secs(10),
                max_response_bytes: 1 << 20,
            },
        };
        let path = std::env::temp_dir().join(format!("upload-retry-{}.csv", std::process::id()));
        let content = "name,count\n".repeat(10_000);
        std::fs::write(&path, &content).expect("write the file");
        let mut form = crate::multipart::Form::default();
        form.file("file", crate::Upload::from_path(&path));
        form.text("purpose", "test");
        let mut call = Call::new(
            "upload",
            reqwest::Method::POST,
            Some(Scheme::ApiKeyAuth),
            "/v1/files".to_string(),
        );
        call.multipart(form);
        let answer = transport
            .send(&call, &RequestOptions::default(), Read::Whole)
            .await;
        let _ = std::fs::remove_file(&path);
        let (status, _, _) = answer.expect("the retry succeeds").into_whole();
        assert_eq!(status, StatusCode::OK);
        let bodies = bodies.lock().expect("not poisoned");
        assert_eq!(bodies.len(), 2, "sent once, then again after the 503");
        for body in bodies.iter() {
            let text = String::from_utf8_lossy(body);
            assert!(text.contains(&content), "the whole file in each attempt");
            assert!(
                text.contains("filename=\"upload-retry-"),
                "{}",
                &text[..200]
            );
            assert!(
                text.contains("content-type: text/csv") || text.contains("Content-Type: text/csv")
            );
            assert!(text.contains("name=\"purpose\""));
        }
    }

    #[tokio::test]
    async fn a_capped_read_stops_at_the_limit() {
        let (body, cut) = read_capped(chunks(&[b"abc"]), 3, None).await.expect("read");
        assert_eq!((&body[..], cut), (&b"abc"[..], false));
        let (body, cut) = read_capped(chunks(&[b"ab", b"cd", b"ef"]), 5, Some(6))
            .await
            .expect("read");
        assert_eq!((&body[..], cut), (&b"abcde"[..], true));
        let (body, cut) = read_capped(chunks(&[b"abcdef"]), 4, None)
            .await
            .expect("read");
        assert_eq!((&body[..], cut), (&b"abcd"[..], true));
        let (body, cut) = read_capped(chunks(&[]), 4, None).await.expect("read");
        assert_eq!((&body[..], cut), (&b""[..], false));
    }
}
