//! Building the final message out of the events of a stream, as the
//! official SDKs' final-message helpers do, for both families of the
//! Messages API (plain and beta) with one implementation: the message is
//! assembled as JSON, so every block, delta and field is applied or kept
//! the same way whatever its family, those this crate does not know too,
//! and decoded into the family's message type when asked for.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::response::RateLimits;
use crate::streaming::EventStream;
use crate::transport::api_error;
use crate::types::{ErrorDetail, ErrorResponse, ErrorResponseType};

/// The events of a Messages stream, as the accumulator reads them: what
/// kind each is, with the pieces that come often (text, thinking, tool
/// input) borrowed; the rest is read from the event's JSON.
pub trait MessageEvent: Serialize {
    /// The message the events make.
    type Message: DeserializeOwned;

    /// What this event is.
    fn kind(&self) -> EventKind<'_>;
}

/// The kinds of events of a Messages stream.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum EventKind<'a> {
    /// `message_start`: the message, with no content yet.
    MessageStart,
    /// `content_block_start`: a block, at its index.
    BlockStart(i64),
    /// A `text_delta` to the block at the index.
    TextDelta(i64, &'a str),
    /// A `thinking_delta` to the block at the index.
    ThinkingDelta(i64, &'a str),
    /// An `input_json_delta` to the block at the index.
    InputJsonDelta(i64, &'a str),
    /// Another delta (citations, signature, compaction, one this crate does
    /// not know) to the block at the index.
    OtherDelta(i64),
    /// `content_block_stop`.
    BlockStop(i64),
    /// `message_delta`: stop reason, usage and the like.
    MessageDelta,
    /// `message_stop`.
    MessageStop,
    /// An `error` event.
    Error(&'a ErrorDetail),
    /// `ping`, and events this crate does not know: nothing to apply.
    Skip,
}

/// The `MessageEvent` impl of a family's event union, whose variants are
/// named alike in both families.
macro_rules! message_event {
    ($event:ident, $message:ident, $delta:ident) => {
        impl MessageEvent for crate::types::$event {
            type Message = crate::types::$message;

            fn kind(&self) -> EventKind<'_> {
                use crate::types::{$delta as Delta, $event as Event};
                match self {
                    Event::MessageStart(_) => EventKind::MessageStart,
                    Event::ContentBlockStart(start) => EventKind::BlockStart(start.index),
                    Event::ContentBlockDelta(delta) => match &delta.delta {
                        Delta::TextDelta(d) => EventKind::TextDelta(delta.index, &d.text),
                        Delta::ThinkingDelta(d) => {
                            EventKind::ThinkingDelta(delta.index, &d.thinking)
                        }
                        Delta::InputJsonDelta(d) => {
                            EventKind::InputJsonDelta(delta.index, &d.partial_json)
                        }
                        _ => EventKind::OtherDelta(delta.index),
                    },
                    Event::ContentBlockStop(stop) => EventKind::BlockStop(stop.index),
                    Event::MessageDelta(_) => EventKind::MessageDelta,
                    Event::MessageStop(_) => EventKind::MessageStop,
                    Event::Error(error) => EventKind::Error(&error.error),
                    _ => EventKind::Skip,
                }
            }
        }
    };
}

message_event!(MessageStreamEvent, Message, RawContentBlockDelta);
#[cfg(feature = "beta")]
message_event!(
    BetaMessageStreamEvent,
    BetaMessage,
    BetaRawContentBlockDelta
);

/// Builds the message from the events of a Messages stream, plain
/// (`MessageAccumulator`, the default) or beta
/// (`MessageAccumulator<BetaMessageStreamEvent>`).
///
/// - `message_start` sets the message (empty content, null stop reason);
/// - `content_block_start` adds its block, at its `index` (blocks arrive in
///   order);
/// - `content_block_delta` appends to the block at its `index`: text
///   (`text_delta`), citations (`citations_delta`), thinking
///   (`thinking_delta`), the signature (`signature_delta`, which replaces
///   it), compaction (`compaction_delta`, which replaces the block's
///   content), and the JSON text of a tool call's input (`input_json_delta`),
///   which is parsed when `content_block_stop` closes the block (no JSON at
///   all means `{}`);
/// - `message_delta` sets every field its `delta` carries (`stop_reason`,
///   `stop_sequence`, `container`, ...) and those beside it
///   (`context_management`), and updates each `usage` count it carries;
/// - `message_stop` completes the message.
///
/// `ping` events and event and delta types this crate does not know leave
/// the message as it is; a block of a type this crate does not know is
/// kept whole, and an input JSON delta to it is assembled into its `input`.
///
/// ```no_run
/// # async fn run(client: anthropic_client::Client, params: anthropic_client::types::MessageCreateParams)
/// # -> Result<(), anthropic_client::Error> {
/// use anthropic_client::MessageAccumulator;
/// use futures::TryStreamExt;
///
/// let mut events = client.messages().create_stream(params).send().await?;
/// let mut accumulator = MessageAccumulator::new();
/// while let Some(event) = events.try_next().await? {
///     accumulator.push(&event)?;
/// }
/// let message = accumulator.finish()?;
/// # Ok(()) }
/// ```
pub struct MessageAccumulator<E = crate::types::MessageStreamEvent> {
    /// The message so far, as JSON.
    message: Option<Map<String, Value>>,
    /// The input JSON gathered so far for each open block that takes one, by
    /// the block's index (a list: few blocks are open at once, and a map
    /// would compile a tree's code).
    partial_json: Vec<(usize, String)>,
    stopped: bool,
    _event: PhantomData<fn(&E)>,
}

impl<E> fmt::Debug for MessageAccumulator<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageAccumulator")
            .field("message", &self.message)
            .field("partial_json", &self.partial_json)
            .field("stopped", &self.stopped)
            .finish()
    }
}

impl<E> Clone for MessageAccumulator<E> {
    fn clone(&self) -> Self {
        Self {
            message: self.message.clone(),
            partial_json: self.partial_json.clone(),
            stopped: self.stopped,
            _event: PhantomData,
        }
    }
}

impl<E> Default for MessageAccumulator<E> {
    fn default() -> Self {
        Self {
            message: None,
            partial_json: Vec::new(),
            stopped: false,
            _event: PhantomData,
        }
    }
}

/// How a delta other than text, thinking and tool input changes its block.
type ApplyDelta = fn(&mut Map<String, Value>, Value);

/// Block types whose deltas are their own, which an input JSON delta does
/// not fit.
const NOT_TOOL_CALLS: &[&str] = &["text", "thinking", "redacted_thinking", "compaction"];

/// Block types that are tool calls: their `input` is the JSON their input
/// deltas make, `{}` when none came. Any other block (a server tool's
/// result, a type this crate does not know) gets an `input` only from input
/// deltas, so that one streamed without any stays as it started, as the
/// unstreamed reply has it.
const TOOL_CALLS: &[&str] = &["tool_use", "server_tool_use", "mcp_tool_use"];

impl<E: MessageEvent> MessageAccumulator<E> {
    /// An accumulator that has seen no event yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The message as the events so far make it, once `message_start` has
    /// arrived, decoded afresh at each call. A tool call's input stays as
    /// `content_block_start` gave it until `content_block_stop` closes it.
    pub fn message(&self) -> Option<E::Message> {
        let message = self.message.clone()?;
        crate::json::from_value(&Value::Object(message)).ok()
    }

    /// Whether `message_stop` has arrived.
    pub fn is_complete(&self) -> bool {
        self.stopped
    }

    /// Applies one event. Fails with [`Error::Decode`] on an event that does
    /// not fit the message so far (a delta for a block that does not exist
    /// or of the wrong kind, a block out of order, input JSON that does not
    /// parse), and with [`Error::Api`] on an `error` event.
    pub fn push(&mut self, event: &E) -> Result<(), Error> {
        match event.kind() {
            EventKind::MessageStart => {
                if self.message.is_some() {
                    return Err(violation(event, "a second `message_start`"));
                }
                let Value::Object(message) = field(event, "message")? else {
                    return Err(violation(event, "a `message` that is not an object"));
                };
                self.message = Some(message);
                self.partial_json.clear();
                self.stopped = false;
            }
            EventKind::BlockStart(index) => {
                let index = block_index(event, index)?;
                let block = field(event, "content_block")?;
                let content = self.content(event)?;
                if index != content.len() {
                    return Err(violation(
                        event,
                        &format!(
                            "block {index} starts where block {} was expected",
                            content.len()
                        ),
                    ));
                }
                let takes_input = TOOL_CALLS.contains(&block_type(&block));
                content.push(block);
                if takes_input {
                    self.partial_json.retain(|(i, _)| *i != index);
                    self.partial_json.push((index, String::new()));
                }
            }
            EventKind::TextDelta(index, text) => {
                append(
                    self.block(event, index, "text_delta", &["text"])?,
                    "text",
                    text,
                );
            }
            EventKind::ThinkingDelta(index, thinking) => {
                let block = self.block(event, index, "thinking_delta", &["thinking"])?;
                append(block, "thinking", thinking);
            }
            EventKind::InputJsonDelta(index, partial) => {
                let position = block_index(event, index)?;
                let block = self.block(event, index, "input_json_delta", &[])?;
                if NOT_TOOL_CALLS.contains(&block_type_of(block)) {
                    let kind = block_type_of(block).to_string();
                    return Err(violation(
                        event,
                        &format!("a `input_json_delta` for a `{kind}` block"),
                    ));
                }
                match self.partial_json.iter_mut().find(|(i, _)| *i == position) {
                    Some((_, json)) => json.push_str(partial),
                    None => self.partial_json.push((position, partial.to_string())),
                }
            }
            EventKind::OtherDelta(index) => {
                let delta = field(event, "delta")?;
                let kind = block_type(&delta).to_string();
                let (wanted, apply): (&[&str], ApplyDelta) = match kind.as_str() {
                    "citations_delta" => (&["text"], |block, mut delta| {
                        let citation = delta.get_mut("citation").map(Value::take);
                        let citations = block.entry("citations").or_insert(Value::Null);
                        if !citations.is_array() {
                            *citations = Value::Array(Vec::new());
                        }
                        if let (Value::Array(all), Some(citation)) = (citations, citation) {
                            all.push(citation);
                        }
                    }),
                    "signature_delta" => (&["thinking"], |block, mut delta| {
                        let signature = delta.get_mut("signature").map(Value::take);
                        block.insert("signature".to_string(), signature.unwrap_or_default());
                    }),
                    "compaction_delta" => (&["compaction"], |block, delta| {
                        let Value::Object(fields) = delta else { return };
                        for (key, value) in fields.into_iter().filter(|(k, _)| k != "type") {
                            block.insert(key, value);
                        }
                    }),
                    // A delta type this crate does not know.
                    _ => return Ok(()),
                };
                let block = self.block(event, index, &kind, wanted)?;
                apply(block, delta);
            }
            EventKind::BlockStop(index) => {
                let position = block_index(event, index)?;
                let json = self
                    .partial_json
                    .iter()
                    .position(|(i, _)| *i == position)
                    .map(|at| self.partial_json.swap_remove(at).1);
                let block = self.block(event, index, "content_block_stop", &[])?;
                if let Some(json) = json {
                    set_input(block, &json).map_err(|reason| violation(event, &reason))?;
                }
            }
            EventKind::MessageDelta => {
                let Value::Object(fields) = crate::json::to_value(event).unwrap_or_default() else {
                    return Err(violation(event, "not an object"));
                };
                let message = self.started(event)?;
                for (key, value) in fields {
                    match (key.as_str(), value) {
                        ("type", _) => {}
                        // What the delta sets, `null` included (no stop sequence).
                        ("delta", Value::Object(delta)) => message.extend(delta),
                        // Each count given; the others keep their value.
                        ("usage", Value::Object(usage)) => {
                            let counts = message.entry("usage").or_insert(Value::Null);
                            if !counts.is_object() {
                                *counts = Value::Object(Map::new());
                            }
                            if let Value::Object(counts) = counts {
                                counts.extend(usage.into_iter().filter(|(_, v)| !v.is_null()));
                            }
                        }
                        (_, Value::Null) => {}
                        (key, value) => {
                            message.insert(key.to_string(), value);
                        }
                    }
                }
            }
            EventKind::MessageStop => {
                self.started(event)?;
                self.stopped = true;
            }
            EventKind::Error(error) => {
                return Err(api_error(
                    StatusCode::OK,
                    HeaderMap::new(),
                    ErrorResponse {
                        error: error.clone(),
                        request_id: None,
                        type_: ErrorResponseType::Error,
                    },
                ));
            }
            EventKind::Skip => {}
        }
        Ok(())
    }

    /// The complete message. Fails with [`Error::Decode`] when the events
    /// did not make one: no `message_start`, or no `message_stop` (a
    /// stream cut short), or a message the family's type does not read.
    /// [`message`](Self::message) still gives what arrived.
    pub fn finish(mut self) -> Result<E::Message, Error> {
        let Some(mut message) = self.message.take() else {
            return Err(decode(
                Bytes::new(),
                "the stream ended before `message_start`".to_string(),
            ));
        };
        if !self.stopped {
            return Err(decode(
                Bytes::new(),
                "the stream ended before `message_stop`".to_string(),
            ));
        }
        // Blocks `message_stop` closed without their `content_block_stop`.
        if let Some(Value::Array(content)) = message.get_mut("content") {
            for (index, json) in std::mem::take(&mut self.partial_json) {
                if let Some(Value::Object(block)) = content.get_mut(index) {
                    set_input(block, &json).map_err(|reason| decode(Bytes::from(json), reason))?;
                }
            }
        }
        let message = Value::Object(message);
        crate::json::from_value(&message).map_err(|e| {
            decode(
                Bytes::from(message.to_string()),
                format!("the streamed message does not decode: {e}"),
            )
        })
    }

    fn started(&mut self, event: &E) -> Result<&mut Map<String, Value>, Error> {
        self.message
            .as_mut()
            .ok_or_else(|| violation(event, "an event before `message_start`"))
    }

    fn content(&mut self, event: &E) -> Result<&mut Vec<Value>, Error> {
        let message = self.started(event)?;
        let content = message
            .entry("content")
            .or_insert_with(|| Value::Array(Vec::new()));
        match content {
            Value::Array(content) => Ok(content),
            _ => Err(violation(event, "a message whose content is not a list")),
        }
    }

    /// The block a delta applies to, which must be one of `wanted` (any
    /// when empty).
    fn block(
        &mut self,
        event: &E,
        index: i64,
        delta: &str,
        wanted: &[&str],
    ) -> Result<&mut Map<String, Value>, Error> {
        let position = block_index(event, index)?;
        let content = self.content(event)?;
        let Some(Value::Object(block)) = content.get_mut(position) else {
            return Err(violation(event, &format!("no block {position}")));
        };
        let kind = block_type_of(block);
        if !wanted.is_empty() && !wanted.contains(&kind) {
            let kind = kind.to_string();
            return Err(violation(
                event,
                &format!("a `{delta}` for a `{kind}` block"),
            ));
        }
        Ok(block)
    }
}

fn block_index<E: Serialize>(event: &E, index: i64) -> Result<usize, Error> {
    usize::try_from(index).map_err(|_| violation(event, &format!("block index {index}")))
}

/// A field of an event's JSON.
fn field<E: Serialize>(event: &E, name: &str) -> Result<Value, Error> {
    match crate::json::to_value(event) {
        Ok(Value::Object(mut fields)) => fields
            .remove(name)
            .ok_or_else(|| violation(event, &format!("no `{name}`"))),
        _ => Err(violation(event, "not an object")),
    }
}

fn block_type(block: &Value) -> &str {
    block.get("type").and_then(Value::as_str).unwrap_or("")
}

fn block_type_of(block: &Map<String, Value>) -> &str {
    block.get("type").and_then(Value::as_str).unwrap_or("")
}

/// Appends `text` to the string field `name` of `block`.
fn append(block: &mut Map<String, Value>, name: &str, text: &str) {
    match block.get_mut(name) {
        Some(Value::String(s)) => s.push_str(text),
        _ => {
            block.insert(name.to_string(), Value::String(text.to_string()));
        }
    }
}

/// Parses a tool call's input JSON into its block.
fn set_input(block: &mut Map<String, Value>, json: &str) -> Result<(), String> {
    let input: Map<String, Value> = if json.trim().is_empty() {
        Map::new()
    } else {
        crate::json::from_str(json)
            .map_err(|e| format!("the tool input is not a JSON object: {e}"))?
    };
    block.insert("input".to_string(), Value::Object(input));
    Ok(())
}

fn violation<E: Serialize>(event: &E, what: &str) -> Error {
    let value = crate::json::to_value(event).unwrap_or_default();
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    decode(
        Bytes::from(value.to_string()),
        format!("unexpected `{kind}` event: {what}"),
    )
}

fn decode(body: Bytes, reason: String) -> Error {
    Error::decode(None, HeaderMap::new(), body, reason)
}

/// A Messages stream that builds the final message as its events pass: a
/// [`Stream`] of the events, as [`EventStream`] yields them, plus the
/// message so far ([`message`](MessageStream::message)), the text and the
/// thinking as they arrive ([`text_deltas`](MessageStream::text_deltas),
/// [`thinking_deltas`](MessageStream::thinking_deltas)) and the final
/// message ([`final_message`](MessageStream::final_message)). The plain
/// family's is `MessageStream`; the beta one's
/// `MessageStream<BetaMessageStreamEvent>`.
///
/// ```no_run
/// # async fn run(client: anthropic_client::Client, params: anthropic_client::types::MessageCreateParams)
/// # -> Result<(), anthropic_client::Error> {
/// use futures::TryStreamExt;
/// use std::io::Write;
///
/// let mut stream = client.messages().create_stream(params).send().await?.accumulate();
/// let mut text = stream.text_deltas();
/// while let Some(delta) = text.try_next().await? {
///     print!("{delta}");
///     std::io::stdout().flush().ok();
/// }
/// let message = stream.final_message().await?;
/// println!("\n{:?}, {} output tokens", message.stop_reason, message.usage.output_tokens);
/// # Ok(()) }
/// ```
pub struct MessageStream<E = crate::types::MessageStreamEvent> {
    events: EventStream<E>,
    accumulator: MessageAccumulator<E>,
    ended: bool,
}

impl<E> fmt::Debug for MessageStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageStream")
            .field("events", &self.events)
            .field("accumulator", &self.accumulator)
            .finish()
    }
}

impl<E: MessageEvent + DeserializeOwned> EventStream<E> {
    /// Builds the message as the events pass; see [`MessageStream`].
    pub fn accumulate(self) -> MessageStream<E> {
        MessageStream {
            events: self,
            accumulator: MessageAccumulator::new(),
            ended: false,
        }
    }

    /// Reads the rest of the stream and returns the message it makes.
    pub async fn final_message(self) -> Result<E::Message, Error> {
        self.accumulate().final_message().await
    }
}

impl<E: MessageEvent + DeserializeOwned> MessageStream<E> {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.events.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.events.headers()
    }

    /// The `request-id` header.
    pub fn request_id(&self) -> Option<&str> {
        self.events.request_id()
    }

    /// The `anthropic-ratelimit-*` and `retry-after` headers.
    pub fn rate_limits(&self) -> RateLimits {
        self.events.rate_limits()
    }

    /// The message as the events so far make it (decoded afresh).
    pub fn message(&self) -> Option<E::Message> {
        self.accumulator.message()
    }

    /// The accumulator, with the message so far.
    pub fn accumulator(&self) -> &MessageAccumulator<E> {
        &self.accumulator
    }

    /// The next event, already applied to the message.
    pub async fn next_event(&mut self) -> Option<Result<E, Error>> {
        self.next().await
    }

    /// The text of each `text_delta` as it arrives, skipping every other
    /// event (which still builds the message). When it ends,
    /// [`final_message`](MessageStream::final_message) gives the message.
    pub fn text_deltas(&mut self) -> Deltas<'_, E> {
        Deltas {
            stream: self,
            thinking: false,
        }
    }

    /// The thinking of each `thinking_delta` as it arrives, like
    /// [`text_deltas`](Self::text_deltas).
    pub fn thinking_deltas(&mut self) -> Deltas<'_, E> {
        Deltas {
            stream: self,
            thinking: true,
        }
    }

    /// Reads the rest of the stream and returns the message it makes. Fails
    /// with the stream's error, or with [`Error::Decode`] when the stream
    /// ended without a complete message (including after an error this
    /// stream already yielded).
    pub async fn final_message(mut self) -> Result<E::Message, Error> {
        while let Some(event) = self.next().await {
            event?;
        }
        let MessageStream {
            events,
            accumulator,
            ..
        } = self;
        accumulator.finish().map_err(|e| events.annotate(e))
    }
}

impl<E: MessageEvent + DeserializeOwned> Stream for MessageStream<E> {
    type Item = Result<E, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(None);
        }
        let item = match this.events.poll_next_unpin(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => None,
            Poll::Ready(Some(Err(e))) => Some(Err(e)),
            Poll::Ready(Some(Ok(event))) => match this.accumulator.push(&event) {
                Ok(()) => Some(Ok(event)),
                Err(e) => Some(Err(this.events.annotate(e))),
            },
        };
        if !matches!(item, Some(Ok(_))) {
            this.ended = true;
        }
        Poll::Ready(item)
    }
}

impl<E: MessageEvent + DeserializeOwned> futures::stream::FusedStream for MessageStream<E> {
    fn is_terminated(&self) -> bool {
        self.ended
    }
}

/// The text (or the thinking) of a [`MessageStream`] as it arrives; see
/// [`MessageStream::text_deltas`] and [`MessageStream::thinking_deltas`].
#[derive(Debug)]
pub struct Deltas<'s, E = crate::types::MessageStreamEvent> {
    stream: &'s mut MessageStream<E>,
    thinking: bool,
}

/// The text of a stream as it arrives (the name the plain family's helper
/// has had).
pub type TextDeltas<'s, E = crate::types::MessageStreamEvent> = Deltas<'s, E>;

impl<E: MessageEvent + DeserializeOwned> Stream for Deltas<'_, E> {
    type Item = Result<String, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match this.stream.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(event))) => match (event.kind(), this.thinking) {
                    (EventKind::TextDelta(_, text), false)
                    | (EventKind::ThinkingDelta(_, text), true) => {
                        return Poll::Ready(Some(Ok(text.to_string())))
                    }
                    _ => {}
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ContentBlock, Message, MessageStreamEvent};
    use serde_json::json;

    fn event(value: serde_json::Value) -> MessageStreamEvent {
        serde_json::from_value(value).expect("a valid event")
    }

    fn start() -> MessageStreamEvent {
        event(json!({"type": "message_start", "message": {
            "id": "msg_1", "type": "message", "role": "assistant", "content": [],
            "model": "claude-sonnet-4-5", "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 25, "output_tokens": 1, "cache_creation_input_tokens": null,
                      "cache_read_input_tokens": null, "cache_creation": null,
                      "server_tool_use": null, "service_tier": "standard", "inference_geo": null}
        }}))
    }

    fn run(events: &[MessageStreamEvent]) -> Result<Message, Error> {
        let mut acc: MessageAccumulator = MessageAccumulator::new();
        for e in events {
            acc.push(e)?;
        }
        acc.finish()
    }

    fn stop() -> MessageStreamEvent {
        event(json!({"type": "message_stop"}))
    }

    fn reason(result: Result<Message, Error>) -> String {
        match result {
            Err(Error::Decode(e)) => e.reason,
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn text_is_joined_and_usage_updated() {
        let message = run(&[
            start(),
            event(json!({"type": "content_block_start", "index": 0,
                "content_block": {"type": "text", "text": "", "citations": null}})),
            event(json!({"type": "ping"})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "text_delta", "text": "Hello"}})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "text_delta", "text": ", world"}})),
            event(json!({"type": "content_block_stop", "index": 0})),
            event(json!({"type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": null},
                "usage": {"output_tokens": 15, "input_tokens": 30,
                          "cache_creation_input_tokens": 4, "cache_read_input_tokens": null,
                          "server_tool_use": {"web_search_requests": 2}}})),
            stop(),
        ])
        .expect("complete");
        let ContentBlock::Text(text) = &message.content[0] else {
            panic!("{:?}", message.content)
        };
        assert_eq!(text.text, "Hello, world");
        assert_eq!(message.usage.output_tokens, 15);
        assert_eq!(message.usage.input_tokens, 30);
        assert_eq!(message.usage.cache_creation_input_tokens, Some(4));
        assert_eq!(message.usage.cache_read_input_tokens, None);
        assert_eq!(
            message.usage.server_tool_use.map(|s| s.web_search_requests),
            Some(2)
        );
        assert_eq!(message.stop_reason, Some(crate::types::StopReason::EndTurn));
    }

    #[test]
    fn tool_input_is_assembled_and_empty_means_empty_object() {
        let message = run(&[
            start(),
            event(json!({"type": "content_block_start", "index": 0,
                "content_block": {"type": "tool_use", "id": "t1", "name": "get_weather", "input": {}}})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": ""}})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": "{\"location\": \"San Fra"}})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": "ncisco, CA\", \"unit\": \"f\"}"}})),
            event(json!({"type": "content_block_stop", "index": 0})),
            event(json!({"type": "content_block_start", "index": 1,
                "content_block": {"type": "tool_use", "id": "t2", "name": "now", "input": {}}})),
            event(json!({"type": "content_block_stop", "index": 1})),
            stop(),
        ])
        .expect("complete");
        let inputs: Vec<_> = message
            .content
            .iter()
            .map(|b| match b {
                ContentBlock::ToolUse(t) => serde_json::Value::Object(t.input.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            inputs,
            vec![
                json!({"location": "San Francisco, CA", "unit": "f"}),
                json!({})
            ]
        );
    }

    #[test]
    fn thinking_signature_and_citations() {
        let citation = json!({"type": "char_location", "cited_text": "x", "document_index": 0,
            "document_title": "Doc", "start_char_index": 0, "end_char_index": 1, "file_id": "file_1"});
        let message = run(&[
            start(),
            event(json!({"type": "content_block_start", "index": 0,
                "content_block": {"type": "thinking", "thinking": "", "signature": ""}})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "thinking_delta", "thinking": "Let me "}})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "thinking_delta", "thinking": "think."}})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM"}})),
            event(json!({"type": "content_block_stop", "index": 0})),
            event(json!({"type": "content_block_start", "index": 1,
                "content_block": {"type": "text", "text": "", "citations": null}})),
            event(json!({"type": "content_block_delta", "index": 1,
                "delta": {"type": "citations_delta", "citation": citation}})),
            event(json!({"type": "content_block_delta", "index": 1,
                "delta": {"type": "text_delta", "text": "x"}})),
            event(json!({"type": "content_block_stop", "index": 1})),
            stop(),
        ])
        .expect("complete");
        let value = serde_json::to_value(&message.content).expect("serializable");
        assert_eq!(
            value[0],
            json!({"type": "thinking", "thinking": "Let me think.", "signature": "EqQBCgIYAhIM"})
        );
        assert_eq!(value[1]["text"], json!("x"));
        assert_eq!(value[1]["citations"], json!([citation]));
    }

    #[test]
    fn unknown_events_blocks_and_deltas_are_kept_or_skipped() {
        let message = run(&[
            start(),
            event(json!({"type": "some_future_event", "x": 1})),
            event(json!({"type": "content_block_start", "index": 0,
                "content_block": {"type": "mcp_tool_use", "id": "m1", "input": {}}})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": "{\"q\":1}"}})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "future_delta", "stuff": true}})),
            event(json!({"type": "content_block_stop", "index": 0})),
            event(json!({"type": "content_block_start", "index": 1,
                "content_block": {"type": "hologram", "frames": [0]}})),
            event(json!({"type": "content_block_stop", "index": 1})),
            stop(),
        ])
        .expect("complete");
        assert_eq!(
            serde_json::to_value(&message.content[0]).expect("serializable"),
            json!({"type": "mcp_tool_use", "id": "m1", "input": {"q": 1}})
        );
        // No input delta: no `input` either.
        assert_eq!(
            serde_json::to_value(&message.content[1]).expect("serializable"),
            json!({"type": "hologram", "frames": [0]})
        );
    }

    #[test]
    fn protocol_violations_are_decode_errors() {
        let text_start = event(json!({"type": "content_block_start", "index": 0,
            "content_block": {"type": "text", "text": "", "citations": null}}));
        assert!(reason(run(std::slice::from_ref(&text_start))).contains("before `message_start`"));
        assert!(reason(run(&[start(), text_start.clone()])).contains("before `message_stop`"));
        assert!(reason(run(&[])).contains("before `message_start`"));
        assert!(reason(run(&[start(), start()])).contains("a second `message_start`"));
        let gap = event(json!({"type": "content_block_start", "index": 2,
            "content_block": {"type": "text", "text": "", "citations": null}}));
        assert!(reason(run(&[start(), gap])).contains("block 2 starts where block 0"));
        let orphan = event(json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "text_delta", "text": "x"}}));
        assert!(reason(run(&[start(), orphan])).contains("no block 0"));
        let wrong = event(json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "thinking_delta", "thinking": "x"}}));
        assert!(reason(run(&[start(), text_start, wrong]))
            .contains("a `thinking_delta` for a `text` block"));
        let bad_json = [
            start(),
            event(json!({"type": "content_block_start", "index": 0,
                "content_block": {"type": "tool_use", "id": "t", "name": "n", "input": {}}})),
            event(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": "{\"a\": "}})),
            event(json!({"type": "content_block_stop", "index": 0})),
        ];
        assert!(reason(run(&bad_json)).contains("the tool input is not a JSON object"));
    }

    #[test]
    fn error_event_is_an_api_error() {
        let mut acc: MessageAccumulator = MessageAccumulator::new();
        acc.push(&start()).expect("start");
        let err = acc
            .push(&event(json!({"type": "error",
                "error": {"type": "overloaded_error", "message": "Overloaded"}})))
            .expect_err("an error event");
        assert!(err.is_overloaded(), "{err:?}");
        assert_eq!(err.api_error().map(|e| e.message()), Some("Overloaded"));
        // What arrived before stays readable.
        assert_eq!(acc.message().map(|m| m.id), Some("msg_1".to_string()));
    }
}
