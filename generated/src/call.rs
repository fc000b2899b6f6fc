//! One call of one operation, as a value: what the generated request types
//! build from their parameters and hand to the transport. The transport
//! rebuilds the HTTP request from it for every attempt, so every body
//! (a multipart upload streamed from disk included) is retried by the same
//! rules; what the response said comes back as the return value.

use std::fmt::Display;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::download::ByteStream;
use crate::generated::meta::Scheme;
use crate::jsonl::JsonLines;
#[cfg(any(feature = "files", feature = "skills"))]
use crate::multipart::Form;
use crate::request::RequestBase;
use crate::streaming::EventStream;
use crate::transport::{Answer, Read};
use crate::{Error, Response};

/// What is escaped in a path parameter: enough to keep any value inside
/// one path segment (`/`, `?`, `#` and `%` included).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// `pieces` with `separator` between them. One function for every list of
/// strings the crate joins: `[..].concat()` and `.join(..)` each compile
/// their generic code again per element type.
pub(crate) fn join<S: AsRef<str>>(pieces: &[S], separator: &str) -> String {
    join_strs(&mut pieces.iter().map(AsRef::as_ref), separator)
}

fn join_strs(pieces: &mut dyn Iterator<Item = &str>, separator: &str) -> String {
    let mut joined = String::new();
    for (i, piece) in pieces.enumerate() {
        if i > 0 {
            joined.push_str(separator);
        }
        joined.push_str(piece);
    }
    joined
}

/// A path from its literal and percent-encoded pieces.
pub(crate) fn path(pieces: &[&str]) -> String {
    join(pieces, "")
}

/// A path parameter, percent-encoded as one segment.
pub(crate) fn segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// The body of a call.
#[derive(Debug, Clone)]
pub(crate) enum CallBody {
    None,
    /// Serialized once; every attempt sends the same bytes.
    Json(Bytes),
    /// Built again for every attempt: files are reopened, not buffered.
    #[cfg(any(feature = "files", feature = "skills"))]
    Multipart(Form),
}

/// One call of one operation: everything needed to build its HTTP request,
/// as often as the retries need.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// The path below the base URL, parameters already encoded.
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: CallBody,
    /// The credential the operation authenticates with; `None` for none.
    pub(crate) auth: Option<Scheme>,
    /// The `anthropic-beta` values the operation sends by default.
    pub(crate) default_betas: &'static [&'static str],
    /// The first parameter that could not be encoded; nothing is sent then.
    pub(crate) invalid: Option<String>,
}

impl Call {
    pub(crate) fn new(
        operation: &'static str,
        method: Method,
        auth: Option<Scheme>,
        path: String,
    ) -> Self {
        Self {
            operation,
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: CallBody::None,
            auth,
            default_betas: &[],
            invalid: None,
        }
    }

    fn invalid(&mut self, message: String) {
        self.invalid.get_or_insert(message);
    }

    /// Adds `name=value` to the query.
    pub(crate) fn query(&mut self, name: &'static str, value: impl Display) {
        self.query.push((name, value.to_string()));
    }

    // The generator emits this for some kinds of operations; a spec without
    // one leaves it unused.
    #[allow(dead_code)]
    /// Adds `name=value` to the query once per value.
    pub(crate) fn query_each<T: Display>(&mut self, name: &'static str, values: &[T]) {
        for value in values {
            self.query(name, value);
        }
    }

    /// Sets a header from a value's text.
    pub(crate) fn header(&mut self, name: &'static str, value: impl Display) {
        match HeaderValue::from_str(&value.to_string()) {
            Ok(value) => self.headers.push((HeaderName::from_static(name), value)),
            Err(_) => self.invalid(format!(
                "the value of `{name}` cannot be sent in a header (it contains a control character)"
            )),
        }
    }

    /// Sets a header to a list of values joined by commas.
    pub(crate) fn header_list<T: Display>(&mut self, name: &'static str, values: &[T]) {
        let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
        self.header(name, join(&joined, ","));
    }

    /// The `anthropic-beta` values the operation sends by default, after the
    /// request's own and before the client's.
    // The generator emits this for operations with default betas; a spec
    // without one leaves it unused.
    #[allow(dead_code)]
    pub(crate) fn default_betas(&mut self, betas: &'static [&'static str]) {
        self.default_betas = betas;
    }

    /// Sends `body` as JSON.
    pub(crate) fn json<T: Serialize>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = CallBody::Json(Bytes::from(bytes)),
            Err(e) => self.invalid(format!("cannot encode the request body: {e}")),
        }
    }

    /// Sends `form` as `multipart/form-data`.
    #[cfg(any(feature = "files", feature = "skills"))]
    pub(crate) fn multipart(&mut self, form: Form) {
        self.body = CallBody::Multipart(form);
    }
}

/// The ways an answer is read, one per response kind of the spec.
impl RequestBase<'_> {
    async fn answer(self, call: Call, read: Read) -> Result<Answer, Error> {
        if let Some(message) = self.invalid.or(call.invalid.clone()) {
            return Err(Error::InvalidArgument(message));
        }
        self.client
            .transport()
            .send(&call, &self.options, read)
            .await
    }

    /// A JSON body, decoded as `T`.
    pub(crate) async fn json<T: DeserializeOwned>(self, call: Call) -> Result<Response<T>, Error> {
        let (status, headers, body) = self.answer(call, Read::Whole).await?.into_whole();
        match serde_json::from_slice(&body) {
            Ok(value) => Ok(Response::new(value, status, headers)),
            Err(e) => Err(Error::decode(Some(status), headers, body, e.to_string())),
        }
    }

    // The generator emits this for some kinds of operations; a spec without
    // one leaves it unused.
    #[allow(dead_code)]
    /// No body worth reading: the status and headers only.
    pub(crate) async fn empty(self, call: Call) -> Result<Response<()>, Error> {
        let (status, headers, _) = self.answer(call, Read::Whole).await?.into_whole();
        Ok(Response::new((), status, headers))
    }

    /// Server-sent events, decoded one at a time as `E`.
    pub(crate) async fn events<E: DeserializeOwned>(
        self,
        call: Call,
    ) -> Result<EventStream<E>, Error> {
        let limit = self.client.transport().config.max_response_bytes;
        let answer = self
            .answer(call, Read::Streamed("text/event-stream"))
            .await?;
        let (status, headers, body) = answer.into_streamed();
        let content_type = crate::response::header_str(&headers, "content-type").unwrap_or("");
        if !content_type.is_empty() && !is_event_stream(content_type) {
            let reason = format!("expected an event stream, got content-type `{content_type}`");
            let body = crate::transport::read_capped(body, limit, None)
                .await
                .map(|(body, _)| body)
                .unwrap_or_default();
            return Err(Error::decode(Some(status), headers, body, reason));
        }
        Ok(EventStream::new(status, headers, body, limit))
    }

    // The generator emits this for some kinds of operations; a spec without
    // one leaves it unused.
    #[allow(dead_code)]
    /// JSON Lines, decoded one line at a time as `T`, whatever content type
    /// the server names.
    pub(crate) async fn json_lines<T: DeserializeOwned>(
        self,
        call: Call,
    ) -> Result<JsonLines<T>, Error> {
        let limit = self.client.transport().config.max_response_bytes;
        let answer = self
            .answer(call, Read::Streamed("application/binary"))
            .await?;
        let (status, headers, body) = answer.into_streamed();
        Ok(JsonLines::new(status, headers, body, limit))
    }

    // The generator emits this for some kinds of operations; a spec without
    // one leaves it unused.
    #[allow(dead_code)]
    /// Raw bytes, as a stream.
    pub(crate) async fn bytes(self, call: Call) -> Result<ByteStream, Error> {
        let answer = self
            .answer(call, Read::Streamed("application/binary"))
            .await?;
        let (status, headers, body) = answer.into_streamed();
        Ok(ByteStream::new(status, headers, body))
    }
}

fn is_event_stream(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/event-stream"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_parameter_stays_one_segment() {
        assert_eq!(segment("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(segment("claude-3-5"), "claude-3-5");
        assert_eq!(segment("é"), "%C3%A9");
    }

    #[test]
    fn a_list_header_is_joined_and_checked() {
        let mut call = Call::new("op", Method::GET, None, "/".to_string());
        call.header_list("anthropic-beta", &["a", "b"]);
        assert_eq!(call.headers[0].1, "a,b");
        assert!(call.invalid.is_none());
        let mut call = Call::new("op", Method::GET, None, "/".to_string());
        call.header("anthropic-beta", "a\r\nx-injected: 1");
        assert!(call.invalid.is_some());
    }
}
