//! Operations that answer with JSON Lines (one JSON value per line, such as
//! the results of a message batch): the stream of typed lines they return.

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
use crate::transport::BodyStream;

/// The lines of a JSON Lines response, decoded as `T` as they arrive: a
/// [`Stream`] of `Result<T, Error>`.
///
/// Only the line being received is held in memory, however long the body:
/// a file of a hundred thousand results is read in constant space. Blank
/// lines are skipped, and a last line without its newline is read like the
/// others.
///
/// - A line that is not the JSON of a `T` yields [`Error::Decode`] naming
///   the line number, with the line as its body; the lines after it are
///   still read.
/// - A line longer than the client's
///   [`max_response_bytes`](crate::ClientBuilder::max_response_bytes)
///   yields [`Error::Decode`] naming the line, and ends the stream.
/// - A connection that breaks or times out mid-body yields
///   [`Error::Connection`] or [`Error::Timeout`], and ends the stream.
///
/// A union inside a line keeps members this crate does not know (such as a
/// new result type) in its `Other` variant rather than failing.
pub struct JsonLines<T> {
    status: StatusCode,
    headers: HeaderMap,
    /// `None` once the body has ended.
    body: Option<BodyStream>,
    /// Received bytes not yet yielded: the start of the line being received,
    /// possibly after whole lines still to decode.
    buffer: Vec<u8>,
    /// Where the next line starts in `buffer`.
    start: usize,
    /// Where to look for the next newline: the bytes between `start` and
    /// here hold none.
    scanned: usize,
    /// The number of the line that starts at `start` (1-based).
    line: usize,
    max_line_bytes: usize,
    _item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for JsonLines<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("line", &self.line)
            .field("ended", &self.body.is_none())
            .finish()
    }
}

impl<T> JsonLines<T> {
    // The generator emits this for some kinds of operations; a spec without
    // one leaves it unused.
    #[allow(dead_code)]
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: BodyStream,
        max_line_bytes: usize,
    ) -> Self {
        Self {
            status,
            headers,
            body: Some(body),
            buffer: Vec::new(),
            start: 0,
            scanned: 0,
            line: 1,
            max_line_bytes,
            _item: PhantomData,
        }
    }

    crate::response::head_accessors!();

    fn error(&self, line: &[u8], reason: String) -> Error {
        Error::decode(
            Some(self.status),
            self.headers.clone(),
            Bytes::copy_from_slice(line),
            reason,
        )
    }

    /// The error for line `number`, starting at `start` in the buffer, which
    /// is longer than the limit; the stream ends there, as no line after it
    /// can be found without reading all of it.
    fn too_long(&mut self, start: usize, number: usize) -> Error {
        let preview = &self.buffer[start..self.buffer.len().min(start + 200)];
        let limit = self.max_line_bytes;
        let error = self.error(
            preview,
            format!("line {number} exceeds the client's limit of {limit} bytes"),
        );
        self.end();
        error
    }

    /// Ends the stream: later polls return `None`, and the connection and
    /// the buffer are released.
    fn end(&mut self) {
        self.body = None;
        self.buffer = Vec::new();
        self.start = 0;
        self.scanned = 0;
    }

    /// The next whole line in the buffer, without its line ending, and its
    /// number; `None` when the buffer holds no newline.
    fn next_line(&mut self) -> Option<(std::ops::Range<usize>, usize)> {
        let found = memchr::memchr(b'\n', &self.buffer[self.scanned..])?;
        let end = self.scanned + found;
        let range = self.start..end;
        self.start = end + 1;
        self.scanned = self.start;
        let number = self.line;
        self.line += 1;
        Some((range, number))
    }
}

impl<T: DeserializeOwned> JsonLines<T> {
    /// Decodes one line; `None` for a blank one.
    fn decode(&self, range: std::ops::Range<usize>, number: usize) -> Option<Result<T, Error>> {
        let mut line = &self.buffer[range];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(
            serde_json::from_slice(line)
                .map_err(|e| self.error(line, format!("line {number} is not a valid result: {e}"))),
        )
    }
}

impl<T: DeserializeOwned> Stream for JsonLines<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            while let Some((range, number)) = this.next_line() {
                if range.len() > this.max_line_bytes {
                    return Poll::Ready(Some(Err(this.too_long(range.start, number))));
                }
                if let Some(item) = this.decode(range, number) {
                    return Poll::Ready(Some(item));
                }
            }
            let Some(body) = this.body.as_mut() else {
                return Poll::Ready(None);
            };
            // Only the line being received stays: drop what was yielded.
            if this.start > 0 {
                this.buffer.drain(..this.start);
                this.scanned -= this.start;
                this.start = 0;
            }
            if this.buffer.len() > this.max_line_bytes {
                return Poll::Ready(Some(Err(this.too_long(0, this.line))));
            }
            this.scanned = this.buffer.len();
            match body.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.buffer.extend_from_slice(&chunk),
                Poll::Ready(Some(Err(e))) => {
                    this.end();
                    return Poll::Ready(Some(Err(Error::transport_in(
                        e,
                        this.status,
                        &this.headers,
                    ))));
                }
                Poll::Ready(None) => {
                    // The last line may lack its newline.
                    let last = this.decode(0..this.buffer.len(), this.line);
                    this.end();
                    return Poll::Ready(last);
                }
            }
        }
    }
}

impl<T: DeserializeOwned> futures::stream::FusedStream for JsonLines<T> {
    fn is_terminated(&self) -> bool {
        self.body.is_none() && self.buffer.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt;

    use super::*;

    fn lines(chunks: Vec<Result<&'static [u8], ()>>, limit: usize) -> JsonLines<serde_json::Value> {
        let chunks: Vec<_> = chunks
            .into_iter()
            .map(|c| match c {
                Ok(bytes) => Ok(Bytes::from_static(bytes)),
                // A transport error, as reqwest reports a body cut short.
                Err(()) => Err(block(cut_body())),
            })
            .collect();
        let body = futures::stream::iter(chunks);
        let mut headers = HeaderMap::new();
        headers.insert(
            "request-id",
            reqwest::header::HeaderValue::from_static("req_lines"),
        );
        JsonLines::new(StatusCode::OK, headers, body.boxed(), limit)
    }

    async fn cut_body() -> reqwest::Error {
        let failing = futures::stream::once(async {
            Err::<Bytes, _>(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "cut",
            ))
        });
        let response =
            reqwest::Response::from(http::Response::new(reqwest::Body::wrap_stream(failing)));
        match response.bytes().await {
            Err(e) => e,
            Ok(_) => unreachable!("a body whose only item is an error fails"),
        }
    }

    fn block<T>(f: impl std::future::Future<Output = T>) -> T {
        futures::executor::block_on(f)
    }

    #[test]
    fn lines_split_anywhere_decode_in_order() {
        let stream = lines(
            vec![Ok(b"{\"a\":1}\n{\"a\""), Ok(b":2}\r\n\n{\"a\":"), Ok(b"3}")],
            1024,
        );
        let values: Vec<_> = block(stream.try_collect()).expect("three lines");
        assert_eq!(
            values,
            [
                serde_json::json!({"a":1}),
                serde_json::json!({"a":2}),
                serde_json::json!({"a":3})
            ]
        );
    }

    #[test]
    fn a_malformed_line_is_named_and_the_rest_is_read() {
        let stream = lines(vec![Ok(b"{\"a\":1}\n{\"a\":\n{\"a\":3}\n")], 1024);
        let items: Vec<_> = block(stream.collect());
        assert_eq!(items.len(), 3);
        let Err(Error::Decode(e)) = &items[1] else {
            panic!("line 2 is malformed: {:?}", items[1]);
        };
        assert!(e.reason.starts_with("line 2 "), "{}", e.reason);
        assert_eq!(&e.body[..], b"{\"a\":");
        assert!(items[2].is_ok());
    }

    #[test]
    fn a_truncated_last_line_is_a_decode_error() {
        let stream = lines(vec![Ok(b"{\"a\":1}\n{\"a\":2")], 1024);
        let items: Vec<_> = block(stream.collect());
        assert!(matches!(&items[1], Err(Error::Decode(e)) if e.reason.starts_with("line 2 ")));
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn a_cut_connection_is_a_connection_error() {
        let stream = lines(vec![Ok(b"{\"a\":1}\n{\"a\""), Err(())], 1024);
        let items: Vec<_> = block(stream.collect());
        assert_eq!(items.len(), 2);
        assert!(
            matches!(items[1], Err(Error::Connection(_))),
            "{:?}",
            items[1]
        );
    }

    #[test]
    fn an_over_long_line_ends_the_stream() {
        let stream = lines(
            vec![
                Ok(b"{\"a\":1}\n"),
                Ok(b"{\"a\":\"0123456789"),
                Ok(b"0123456789\"}\n{}\n"),
            ],
            16,
        );
        let items: Vec<_> = block(stream.collect());
        assert_eq!(items.len(), 2, "{items:?}");
        let Err(Error::Decode(e)) = &items[1] else {
            panic!("line 2 is too long: {:?}", items[1]);
        };
        assert!(e.reason.contains("line 2 exceeds"), "{}", e.reason);
    }
}
