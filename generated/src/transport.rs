//! What every request goes through, whichever operation sends it: the
//! authentication and version headers, the timeout, the retry loop and a
//! bounded read of the body. It plugs into progenitor's client as its
//! `ClientHooks::exec`, so the raw client gets it too.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{ResponseBuilderExt, StatusCode};

use crate::generated::meta::{API_KEY_HEADER, API_VERSION};
use crate::request::RequestOptions;
use crate::response::header_str;
use crate::retry;

/// The configuration every request reads; the progenitor client's inner type.
#[derive(Clone)]
pub struct Transport {
    pub(crate) config: Arc<Config>,
}

pub(crate) struct Config {
    pub(crate) api_key: HeaderValue,
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
            .field("api_key", &"<redacted>")
            .field("betas", &c.betas)
            .field("headers", &c.headers.keys().collect::<Vec<_>>())
            .field("max_retries", &c.max_retries)
            .field("timeout", &c.timeout)
            .field("max_response_bytes", &c.max_response_bytes)
            .finish()
    }
}

tokio::task_local! {
    /// The per-call options going in, and what the response said coming out,
    /// for one `send()` of the public API.
    static CALL: CallContext;
}

struct CallContext {
    options: RequestOptions,
    streaming: bool,
    outcome: Mutex<Outcome>,
}

/// What the transport saw of the final response of a call.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) status: Option<StatusCode>,
    pub(crate) headers: HeaderMap,
    /// Set when the body exceeded the size limit and was cut there.
    pub(crate) truncated_at: Option<usize>,
}

/// Runs `call` with `options` in effect for every request it makes, and
/// returns what the transport saw of the response beside its result.
pub(crate) async fn scoped<F: Future>(
    options: RequestOptions,
    streaming: bool,
    call: F,
) -> (F::Output, Outcome) {
    let context = CallContext {
        options,
        streaming,
        outcome: Mutex::new(Outcome::default()),
    };
    CALL.scope(context, async move {
        let output = call.await;
        let outcome = CALL
            .try_with(|c| {
                c.outcome
                    .lock()
                    .map(|mut o| std::mem::take(&mut *o))
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        (output, outcome)
    })
    .await
}

fn record(update: impl FnOnce(&mut Outcome)) {
    let _ = CALL.try_with(|c| {
        if let Ok(mut outcome) = c.outcome.lock() {
            update(&mut outcome);
        }
    });
}

impl progenitor_client::ClientHooks<Transport> for crate::generated::raw::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner
            .execute(&self.client, request, info.operation_id)
            .await
    }
}

impl Transport {
    async fn execute(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &str,
    ) -> reqwest::Result<reqwest::Response> {
        let (options, streaming) = CALL
            .try_with(|c| (c.options.clone(), c.streaming))
            .unwrap_or_default();
        self.prepare(&mut request, &options, streaming);
        let max_retries = options.max_retries.unwrap_or(self.config.max_retries);
        // The longest wait between two reads of a streamed body.
        let idle = options.timeout.unwrap_or(self.config.timeout);
        let mut retries_done = 0u32;
        loop {
            // Keep a copy to send again; a body that cannot be copied (a
            // stream) cannot be replayed, so such a request is sent once.
            let spare = if retries_done < max_retries {
                request.try_clone()
            } else {
                None
            };
            let result = if streaming && options.timeout.is_none() {
                // No overall timeout for a stream: bound the wait for its head.
                match tokio::time::timeout(idle, client.execute(request)).await {
                    Ok(result) => result,
                    Err(_) => Err(timeout_error(idle).await),
                }
            } else {
                client.execute(request).await
            };
            let Some(next) = spare else {
                // No retry left, or a body that cannot be replayed: final.
                return self.finish(result?, streaming, idle).await;
            };
            // Why to retry: an error status (with its headers), or a transport error.
            let reason = match result {
                Ok(response) if retry::should_retry(response.status(), response.headers()) => {
                    Ok((response.status(), response.headers().clone()))
                }
                Ok(response) => match self.finish(response, streaming, idle).await {
                    Ok(response) => return Ok(response),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            let wait = retry::delay(
                reason.as_ref().ok().map(|(_, h)| h),
                retries_done,
                rand::random(),
            );
            let wait_ms = wait.as_millis() as u64;
            let attempt = retries_done + 1;
            match &reason {
                Ok((status, headers)) => tracing::warn!(
                    operation,
                    status = status.as_u16(),
                    attempt,
                    max_retries,
                    wait_ms,
                    request_id = header_str(headers, "request-id").unwrap_or(""),
                    "retrying after an error status"
                ),
                Err(error) => tracing::warn!(
                    operation,
                    attempt,
                    max_retries,
                    wait_ms,
                    error = %error,
                    "retrying after a transport error"
                ),
            }
            tokio::time::sleep(wait).await;
            request = next;
            retries_done += 1;
        }
    }

    /// Hands a final response on: streamed as it comes, or read whole.
    async fn finish(
        &self,
        response: reqwest::Response,
        streaming: bool,
        idle: Duration,
    ) -> reqwest::Result<reqwest::Response> {
        if streaming {
            record_response(response.status(), response.headers());
            Ok(idle_timeout(response, idle))
        } else {
            self.buffer(response).await
        }
    }

    fn prepare(&self, request: &mut reqwest::Request, options: &RequestOptions, streaming: bool) {
        let config = &self.config;
        let headers = request.headers_mut();
        // Progenitor sends its own `api-version` header, which the API does not know.
        headers.remove("api-version");
        for (name, value) in &config.headers {
            headers.insert(name.clone(), value.clone());
        }
        let mut key = config.api_key.clone();
        key.set_sensitive(true);
        headers.insert(HeaderName::from_static(API_KEY_HEADER), key);
        headers.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static(API_VERSION),
        );
        merge_betas(headers, &config.betas);
        for (name, value) in &options.headers {
            headers.insert(name.clone(), value.clone());
        }
        if !streaming {
            *request.timeout_mut() = Some(options.timeout.unwrap_or(config.timeout));
        } else if let Some(timeout) = options.timeout {
            *request.timeout_mut() = Some(timeout);
        }
    }

    /// Reads the whole body inside the retry loop, so a connection that breaks
    /// mid-body is retried like one that breaks before, and stops at the size
    /// limit so a huge body cannot exhaust memory.
    async fn buffer(&self, mut response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
        let limit = self.config.max_response_bytes;
        let expected = response.content_length().unwrap_or(0) as usize;
        let mut body = Vec::with_capacity(expected.min(limit));
        let mut truncated = false;
        while let Some(chunk) = response.chunk().await? {
            let room = limit - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        let status = response.status();
        record_response(status, response.headers());
        if truncated {
            record(|o| o.truncated_at = Some(limit));
        }
        // Keep the response's URL: without one, reqwest parses a placeholder
        // URL for every response rebuilt this way.
        let (mut parts, ()) = http::Response::builder()
            .url(response.url().clone())
            .body(())
            .unwrap_or_default()
            .into_parts();
        parts.status = status;
        parts.version = response.version();
        parts.headers = std::mem::take(response.headers_mut());
        let rebuilt = http::Response::from_parts(parts, body);
        Ok(reqwest::Response::from(rebuilt))
    }
}

/// The streamed body of `response`, failing with a timeout when no bytes
/// arrive for `idle`: the client's timeout bounds the wait between two
/// reads of a stream, where an overall timeout would cut a long stream.
/// (The HTTP client itself has no read timeout, so that a request's own
/// timeout can be longer than the client's.)
fn idle_timeout(response: reqwest::Response, idle: Duration) -> reqwest::Response {
    use futures::StreamExt;
    type BoxError = Box<dyn std::error::Error + Send + Sync>;
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = futures::stream::unfold(Some(response.bytes_stream()), move |body| async move {
        let mut body = body?;
        match tokio::time::timeout(idle, body.next()).await {
            Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(body))),
            Ok(Some(Err(e))) => Some((Err(BoxError::from(e)), None)),
            Ok(None) => None,
            Err(_) => {
                let e = std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no data received for {idle:?}"),
                );
                Some((Err(BoxError::from(e)), None))
            }
        }
    });
    let mut rebuilt = http::Response::new(reqwest::Body::wrap_stream(body));
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    reqwest::Response::from(rebuilt)
}

/// A timeout error for a wait the transport bounds itself. reqwest's errors
/// cannot be built directly, so this one comes from a body that fails so.
async fn timeout_error(after: Duration) -> reqwest::Error {
    let failing = futures::stream::once(async move {
        Err::<bytes::Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no response within {after:?}"),
        ))
    });
    let response =
        reqwest::Response::from(http::Response::new(reqwest::Body::wrap_stream(failing)));
    match response.bytes().await {
        Err(e) => e,
        Ok(_) => unreachable!("a body whose only item is an error fails"),
    }
}

fn record_response(status: StatusCode, headers: &HeaderMap) {
    record(|o| {
        o.status = Some(status);
        o.headers = headers.clone();
    });
}

/// Adds the client's default betas to the request's `anthropic-beta` header,
/// keeping the request's own first and writing each value once.
fn merge_betas(headers: &mut HeaderMap, defaults: &[String]) {
    if defaults.is_empty() {
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
    for beta in defaults {
        if !values.contains(beta) {
            values.push(beta.clone());
        }
    }
    if let Ok(value) = HeaderValue::from_str(&values.join(",")) {
        headers.insert(HeaderName::from_static("anthropic-beta"), value);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// A server that answers every connection with `status` (and a 1 ms
    /// `retry-after-ms`), counting the connections.
    async fn server(status: u16) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                seen.fetch_add(1, Ordering::SeqCst);
                let mut request = vec![0u8; 64 * 1024];
                let _ = socket.read(&mut request).await;
                let answer = format!(
                    "HTTP/1.1 {status} Unavailable\r\ncontent-length: 2\r\n\
                     retry-after-ms: 1\r\nconnection: close\r\n\r\n{{}}"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        (url, count)
    }

    fn transport(max_retries: u32) -> Transport {
        Transport {
            config: Arc::new(Config {
                api_key: HeaderValue::from_static("sk-test"),
                betas: Vec::new(),
                headers: HeaderMap::new(),
                max_retries,
                timeout: Duration::from_secs(10),
                max_response_bytes: 1 << 20,
            }),
        }
    }

    #[tokio::test]
    async fn a_body_that_cannot_be_replayed_is_sent_once() {
        let http = reqwest::Client::new();
        let transport = transport(2);

        // A streamed body cannot be copied for a second attempt.
        let (url, attempts) = server(503).await;
        let chunks =
            futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"{}"))]);
        let request = http
            .post(&url)
            .body(reqwest::Body::wrap_stream(chunks))
            .build()
            .expect("a request");
        let response = transport
            .execute(&http, request, "test")
            .await
            .expect("an answer");
        assert_eq!(response.status(), 503);
        assert_eq!(attempts.load(Ordering::SeqCst), 1);

        // The same request with a buffered body is retried twice.
        let (url, attempts) = server(503).await;
        let request = http.post(&url).body("{}").build().expect("a request");
        let response = transport
            .execute(&http, request, "test")
            .await
            .expect("an answer");
        assert_eq!(response.status(), 503);
        assert_eq!(attempts.load(Ordering::SeqCst), 3);
    }
}
