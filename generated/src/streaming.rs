//! Operations that answer with server-sent events: the stream of typed
//! events ([`EventStream`]) their `<method>_stream` requests return.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::sse::{SseError, SseEvent, SseParser};
use crate::transport::{api_error, BodyStream};
use crate::types::ErrorResponse;

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
    body: Option<BodyStream>,
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
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: BodyStream,
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
            let tag = match serde_json::from_slice::<Tag<'_>>(event.data.as_bytes()) {
                Ok(tag) => tag,
                Err(e) => {
                    return Err(self.decode_error(
                        Bytes::from(event.data),
                        format!("the data of a `{}` event is not JSON: {e}", event.event),
                    ))
                }
            };
            if event.event == "error" || tag.kind.as_deref() == Some("error") {
                return Err(match crate::json::from_str::<ErrorResponse>(&event.data) {
                    Ok(body) => api_error(self.status, self.headers.clone(), body),
                    Err(e) => self.decode_error(
                        Bytes::from(event.data),
                        format!("an `error` event that is not an API error: {e}"),
                    ),
                });
            }
        }
        crate::json::from_str(&event.data).map_err(|e| {
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
                    return Poll::Ready(Some(Err(Error::transport_in(
                        e,
                        this.status,
                        &this.headers,
                    ))));
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
