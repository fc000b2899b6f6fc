//! Operations that answer with server-sent events: the request that opens
//! the stream ([`StreamRequest`]) and the stream of typed events it returns
//! ([`EventStream`]).

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Error;
use crate::request::{api_error, RequestOptions};
use crate::response::header_str;
use crate::sse::{SseError, SseEvent, SseParser};
use crate::transport;
use crate::types::ErrorResponse;

/// A request to an operation that streams its answer, such as
/// [`Messages::create_stream`](crate::Messages::create_stream): set
/// per-request options, then [`send`](StreamRequest::send) it to open the
/// stream.
///
/// The body is sent as JSON with `"stream": true` set. Authentication, the
/// API version, default betas and headers apply as for every request, and
/// retries apply to opening the stream (a connection error or a retryable
/// status before the first byte of the body); once events flow, nothing is
/// retried: an error mid-stream ends the stream.
pub struct StreamRequest<'a, B, E> {
    client: &'a crate::Client,
    operation_id: &'static str,
    method: reqwest::Method,
    path: String,
    /// `None` when the body given did not convert; `invalid` says why.
    body: Option<B>,
    options: RequestOptions,
    /// The first client-side check that failed; `send()` reports it.
    invalid: Option<String>,
    _event: PhantomData<fn() -> E>,
}

impl<B: fmt::Debug, E> fmt::Debug for StreamRequest<'_, B, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamRequest")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body", &self.body)
            .field("options", &self.options)
            .field("invalid", &self.invalid)
            .finish()
    }
}

impl<'a, B, E> StreamRequest<'a, B, E>
where
    B: Serialize,
    E: DeserializeOwned,
{
    /// A request to `operation_id`, sent as `method` to `path` (relative to
    /// the client's base URL; it may carry a literal query such as
    /// `?beta=true`). A `body` that does not convert to `B` makes `send()`
    /// fail with [`Error::InvalidArgument`].
    pub(crate) fn new<Bd>(
        client: &'a crate::Client,
        operation_id: &'static str,
        method: reqwest::Method,
        path: impl Into<String>,
        body: Bd,
    ) -> Self
    where
        Bd: TryInto<B>,
        Bd::Error: fmt::Display,
    {
        let (body, invalid) = match body.try_into() {
            Ok(body) => (Some(body), None),
            Err(e) => (None, Some(format!("invalid request body: {e}"))),
        };
        Self {
            client,
            operation_id,
            method,
            path: path.into(),
            body,
            options: RequestOptions::default(),
            invalid,
            _event: PhantomData,
        }
    }
}

impl<B, E> StreamRequest<'_, B, E> {
    crate::request::option_setters!(
        "Overrides the client's timeout for this request. For a stream it \
         bounds the whole exchange, from sending the request to the last \
         event; without it, only the client's timeout between two reads \
         applies, so a long stream is not cut.",
        "Overrides the client's number of retries for opening this stream."
    );

    /// The body that will be sent (without the `stream` flag, which `send`
    /// adds); `None` when the body given did not convert.
    pub fn body(&self) -> Option<&B> {
        self.body.as_ref()
    }
}

impl<B, E> StreamRequest<'_, B, E>
where
    B: Serialize,
    E: DeserializeOwned,
{
    /// Sends the request and returns the stream of events once the response
    /// headers have arrived.
    ///
    /// An error status fails here, as for any other request: with
    /// [`Error::Api`] when the body is an API error, else [`Error::Decode`].
    /// So does a success whose `content-type` is not `text/event-stream`.
    pub async fn send(self) -> Result<EventStream<E>, Error> {
        let body = match (self.invalid, self.body) {
            (None, Some(body)) => body,
            (Some(message), _) => return Err(Error::InvalidArgument(message)),
            (None, None) => return Err(Error::InvalidArgument("no request body".to_string())),
        };
        let mut body = serde_json::to_value(&body)
            .map_err(|e| Error::InvalidArgument(format!("cannot encode the request body: {e}")))?;
        match &mut body {
            serde_json::Value::Object(fields) => {
                fields.insert("stream".to_string(), serde_json::Value::Bool(true));
            }
            _ => {
                return Err(Error::InvalidArgument(
                    "the body of a streaming request must be a JSON object".to_string(),
                ))
            }
        }
        let body = serde_json::to_vec(&body)
            .map_err(|e| Error::InvalidArgument(format!("cannot encode the request body: {e}")))?;
        let raw = &self.client.raw;
        let url = format!("{}{}", raw.baseurl, self.path);
        let request = raw
            .client
            .request(self.method, url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(ACCEPT, HeaderValue::from_static("text/event-stream"))
            .body(body)
            .build()
            .map_err(|e| Error::InvalidArgument(format!("cannot build the request: {e}")))?;
        let info = OperationInfo {
            operation_id: self.operation_id,
        };
        let (result, _outcome) =
            transport::scoped(self.options, true, raw.exec(request, &info)).await;
        let response = result.map_err(Error::transport)?;
        let limit = raw.inner.config.max_response_bytes;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            let (body, truncated) = read_bounded(response, limit).await?;
            if truncated {
                return Err(Error::decode(
                    Some(status),
                    headers,
                    body,
                    format!("the error body exceeds the client's limit of {limit} bytes"),
                ));
            }
            return Err(match serde_json::from_slice::<ErrorResponse>(&body) {
                Ok(error) => api_error(status, headers, error),
                Err(e) => Error::decode(
                    Some(status),
                    headers,
                    body,
                    format!("status {}: not an API error body: {e}", status.as_u16()),
                ),
            });
        }
        let content_type = header_str(response.headers(), "content-type").unwrap_or("");
        if !content_type.is_empty() && !is_event_stream(content_type) {
            let reason = format!("expected an event stream, got content-type `{content_type}`");
            let headers = response.headers().clone();
            let (body, _) = read_bounded(response, limit).await?;
            return Err(Error::decode(Some(status), headers, body, reason));
        }
        Ok(EventStream::new(
            status,
            response.headers().clone(),
            response.bytes_stream().boxed(),
            limit,
        ))
    }
}

fn is_event_stream(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/event-stream"))
}

/// Reads a body up to `limit` bytes; says whether it was cut there.
async fn read_bounded(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(Bytes, bool), Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body.into(), true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body.into(), false))
}

/// The events of a streaming response, decoded as `E` as they arrive:
/// a [`Stream`] of `Result<E, Error>`.
///
/// The body is parsed incrementally as server-sent events (see
/// [`crate::sse`]) and each event's `data` is decoded from JSON; the whole
/// body is never held in memory. The stream ends (returns `None`) after
/// the last event, or right after the first error it yields:
///
/// - an `error` event (the API failed after the 200 status, for example
///   with an `overloaded_error`) yields [`Error::Api`] with that error, the
///   response's status and request id;
/// - data that is not the JSON of an `E` yields [`Error::Decode`] with the
///   data as its body;
/// - a connection that breaks or times out mid-stream yields
///   [`Error::Connection`] or [`Error::Timeout`];
/// - a body that ends in the middle of an event yields [`Error::Decode`]
///   (the standard drops such an event silently; a truncated answer is
///   reported instead);
/// - an event larger than the client's
///   [`max_response_bytes`](crate::ClientBuilder::max_response_bytes)
///   yields [`Error::Decode`].
///
/// Event types this crate does not know decode as the event enum's `Other`
/// variant rather than failing, and keep-alive `ping` events are yielded
/// like any other.
pub struct EventStream<E> {
    status: StatusCode,
    headers: HeaderMap,
    /// `None` once the stream has ended.
    body: Option<BoxStream<'static, reqwest::Result<Bytes>>>,
    parser: SseParser,
    /// An error met while parsing a chunk, yielded after the events the
    /// chunk completed before it.
    failed: Option<Error>,
    _event: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for EventStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("ended", &self.body.is_none())
            .finish()
    }
}

impl<E> EventStream<E> {
    fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: BoxStream<'static, reqwest::Result<Bytes>>,
        max_event_bytes: usize,
    ) -> Self {
        Self {
            status,
            headers,
            body: Some(body),
            parser: SseParser::with_max_event_bytes(max_event_bytes),
            failed: None,
            _event: PhantomData,
        }
    }

    crate::response::head_accessors!();

    /// Ends the stream; later polls return `None` and the connection is
    /// released.
    fn end(&mut self) {
        self.body = None;
    }

    fn decode_error(&self, body: Bytes, reason: String) -> Error {
        Error::decode(Some(self.status), self.headers.clone(), body, reason)
    }

    /// Fills in the response's status, headers and request id on an error
    /// raised while handling its events (such as by an accumulator), when
    /// the error does not carry them yet.
    pub(crate) fn annotate(&self, error: Error) -> Error {
        match error {
            Error::Decode(mut e) if e.status.is_none() => {
                e.status = Some(self.status);
                e.request_id = self.request_id().map(str::to_string);
                e.headers = self.headers.clone();
                Error::Decode(e)
            }
            other => other,
        }
    }
}

impl<E: DeserializeOwned> EventStream<E> {
    fn decode(&self, event: SseEvent) -> Result<E, Error> {
        // An error must be told apart whatever the event is named, by the
        // `type` of its data. Only data that mentions `"error"` at all can be
        // one, so the usual event is parsed once, straight into `E`.
        if event.event == "error" || event.data.contains("\"error\"") {
            let tag = match serde_json::from_str::<Tag<'_>>(&event.data) {
                Ok(tag) => tag,
                Err(e) => {
                    return Err(self.decode_error(
                        Bytes::from(event.data),
                        format!("the data of a `{}` event is not JSON: {e}", event.event),
                    ))
                }
            };
            if event.event == "error" || tag.kind.as_deref() == Some("error") {
                return Err(match serde_json::from_str::<ErrorResponse>(&event.data) {
                    Ok(body) => api_error(self.status, self.headers.clone(), body),
                    Err(e) => self.decode_error(
                        Bytes::from(event.data),
                        format!("an `error` event that is not an API error: {e}"),
                    ),
                });
            }
        }
        serde_json::from_str(&event.data).map_err(|e| {
            self.decode_error(
                Bytes::from(event.data),
                format!("cannot decode a `{}` event: {e}", event.event),
            )
        })
    }
}

/// The `type` of an event's data, and nothing else.
#[derive(serde::Deserialize)]
struct Tag<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<std::borrow::Cow<'a, str>>,
}

impl<E: DeserializeOwned> Stream for EventStream<E> {
    type Item = Result<E, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            let Some(body) = this.body.as_mut() else {
                return Poll::Ready(None);
            };
            if let Some(event) = this.parser.next_event() {
                let decoded = this.decode(event);
                if decoded.is_err() {
                    this.end();
                }
                return Poll::Ready(Some(decoded));
            }
            if let Some(error) = this.failed.take() {
                this.end();
                return Poll::Ready(Some(Err(error)));
            }
            match body.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    if let Err(SseError::EventTooLarge { limit, preview }) =
                        this.parser.push(&chunk)
                    {
                        // The events this chunk completed before it come first.
                        this.failed = Some(this.decode_error(
                            Bytes::from(preview),
                            format!("an event exceeds the client's limit of {limit} bytes"),
                        ));
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.end();
                    return Poll::Ready(Some(Err(Error::transport(e))));
                }
                Poll::Ready(None) => {
                    this.end();
                    return Poll::Ready(this.parser.finish().map(|incomplete| {
                        Err(this.decode_error(
                            Bytes::from(incomplete.pending),
                            "the response ended in the middle of an event".to_string(),
                        ))
                    }));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.body {
            Some(_) => (0, None),
            None => (0, Some(0)),
        }
    }
}

impl<E: DeserializeOwned> futures::stream::FusedStream for EventStream<E> {
    fn is_terminated(&self) -> bool {
        self.body.is_none()
    }
}
