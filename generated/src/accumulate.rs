//! Building the final [`Message`] out of the events of a stream, as the
//! official SDKs' final-message helpers do.

use std::collections::BTreeMap;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::error::Error;
use crate::response::RateLimits;
use crate::streaming::EventStream;
use crate::transport::api_error;
use crate::types::{
    ContentBlock, ErrorResponse, ErrorResponseType, Message, MessageStreamEvent,
    RawContentBlockDelta,
};

/// Builds a [`Message`] from the events of a Messages stream.
///
/// - `message_start` sets the message (empty content, null stop reason);
/// - `content_block_start` adds its block, at its `index` (blocks arrive in
///   order);
/// - `content_block_delta` appends to the block at its `index`: text
///   (`text_delta`), citations (`citations_delta`), thinking
///   (`thinking_delta`), the signature (`signature_delta`, which replaces
///   it), and the JSON text of a tool call's input (`input_json_delta`),
///   which is parsed when `content_block_stop` closes the block (no JSON at
///   all means `{}`);
/// - `message_delta` sets `stop_reason` and `stop_sequence` and updates
///   `usage`: `output_tokens`, and each other count it carries;
/// - `message_stop` completes the message.
///
/// `ping` events and event, block and delta types this crate does not know
/// leave the message as it is; an input JSON delta to an unknown block type
/// is still assembled, into that block's `input` field.
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
#[derive(Debug, Clone, Default)]
pub struct MessageAccumulator {
    message: Option<Message>,
    /// The input JSON gathered so far for each open block that takes one.
    partial_json: BTreeMap<usize, String>,
    stopped: bool,
}

impl MessageAccumulator {
    /// An accumulator that has seen no event yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The message as the events so far make it, once `message_start` has
    /// arrived. A tool call's input stays as `content_block_start` gave it
    /// until `content_block_stop` closes the block.
    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }

    /// Whether `message_stop` has arrived.
    pub fn is_complete(&self) -> bool {
        self.stopped
    }

    /// Applies one event. Fails with [`Error::Decode`] on an event that does
    /// not fit the message so far (a delta for a block that does not exist
    /// or of the wrong kind, a block out of order, input JSON that does not
    /// parse), and with [`Error::Api`] on an `error` event.
    pub fn push(&mut self, event: &MessageStreamEvent) -> Result<(), Error> {
        match event {
            MessageStreamEvent::MessageStart(start) => {
                if self.message.is_some() {
                    return Err(violation(event, "a second `message_start`"));
                }
                self.message = Some(start.message.clone());
                self.partial_json.clear();
                self.stopped = false;
            }
            MessageStreamEvent::ContentBlockStart(start) => {
                let content = &mut self.started(event)?.content;
                let index = index(event, start.index)?;
                if index != content.len() {
                    return Err(violation(
                        event,
                        &format!(
                            "block {index} starts where block {} was expected",
                            content.len()
                        ),
                    ));
                }
                content.push(start.content_block.clone());
                if matches!(
                    start.content_block,
                    ContentBlock::ToolUse(_) | ContentBlock::ServerToolUse(_)
                ) {
                    self.partial_json.insert(index, String::new());
                }
            }
            MessageStreamEvent::ContentBlockDelta(delta) => {
                let index = index(event, delta.index)?;
                let block = self
                    .started(event)?
                    .content
                    .get_mut(index)
                    .ok_or_else(|| violation(event, &format!("no block {index}")))?;
                match (&delta.delta, block) {
                    (RawContentBlockDelta::TextDelta(d), ContentBlock::Text(b)) => {
                        b.text.push_str(&d.text);
                    }
                    (RawContentBlockDelta::CitationsDelta(d), ContentBlock::Text(b)) => {
                        b.citations
                            .get_or_insert_with(Vec::new)
                            .push(d.citation.clone());
                    }
                    (RawContentBlockDelta::ThinkingDelta(d), ContentBlock::Thinking(b)) => {
                        b.thinking.push_str(&d.thinking);
                    }
                    (RawContentBlockDelta::SignatureDelta(d), ContentBlock::Thinking(b)) => {
                        b.signature.clone_from(&d.signature);
                    }
                    (
                        RawContentBlockDelta::InputJsonDelta(d),
                        ContentBlock::ToolUse(_)
                        | ContentBlock::ServerToolUse(_)
                        | ContentBlock::Other(_),
                    ) => {
                        self.partial_json
                            .entry(index)
                            .or_default()
                            .push_str(&d.partial_json);
                    }
                    // A delta type this crate does not know.
                    (RawContentBlockDelta::Other(_), _) => {}
                    (d, b) => {
                        return Err(violation(
                            event,
                            &format!("a `{}` for a `{}` block", d.tag(), b.tag()),
                        ))
                    }
                }
            }
            MessageStreamEvent::ContentBlockStop(stop) => {
                let index = index(event, stop.index)?;
                let json = self.partial_json.remove(&index);
                let block = self
                    .started(event)?
                    .content
                    .get_mut(index)
                    .ok_or_else(|| violation(event, &format!("no block {index}")))?;
                if let Some(json) = json {
                    set_input(block, &json).map_err(|reason| violation(event, &reason))?;
                }
            }
            MessageStreamEvent::MessageDelta(delta) => {
                let message = self.started(event)?;
                message.stop_reason.clone_from(&delta.delta.stop_reason);
                message.stop_sequence.clone_from(&delta.delta.stop_sequence);
                let (usage, update) = (&mut message.usage, &delta.usage);
                usage.output_tokens = update.output_tokens;
                if let Some(n) = update.input_tokens {
                    usage.input_tokens = n;
                }
                if let Some(n) = update.cache_creation_input_tokens {
                    usage.cache_creation_input_tokens = Some(n);
                }
                if let Some(n) = update.cache_read_input_tokens {
                    usage.cache_read_input_tokens = Some(n);
                }
                if let Some(tools) = &update.server_tool_use {
                    usage.server_tool_use = Some(tools.clone());
                }
            }
            MessageStreamEvent::MessageStop(_) => {
                self.started(event)?;
                self.stopped = true;
            }
            MessageStreamEvent::Error(error) => {
                return Err(api_error(
                    StatusCode::OK,
                    HeaderMap::new(),
                    ErrorResponse {
                        error: error.error.clone(),
                        request_id: None,
                        type_: ErrorResponseType::Error,
                    },
                ));
            }
            MessageStreamEvent::Ping(_) | MessageStreamEvent::Other(_) => {}
            // The enum is non-exhaustive: event types added later.
            #[allow(unreachable_patterns)]
            _ => {}
        }
        Ok(())
    }

    /// The complete message. Fails with [`Error::Decode`] when the events
    /// did not make one: no `message_start`, or no `message_stop` (a
    /// stream cut short). [`message`](MessageAccumulator::message) still
    /// gives what arrived.
    pub fn finish(mut self) -> Result<Message, Error> {
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
        for (index, json) in std::mem::take(&mut self.partial_json) {
            if let Some(block) = message.content.get_mut(index) {
                set_input(block, &json).map_err(|reason| decode(Bytes::from(json), reason))?;
            }
        }
        Ok(message)
    }

    fn started(&mut self, event: &MessageStreamEvent) -> Result<&mut Message, Error> {
        self.message
            .as_mut()
            .ok_or_else(|| violation(event, "an event before `message_start`"))
    }
}

fn index(event: &MessageStreamEvent, index: i64) -> Result<usize, Error> {
    usize::try_from(index).map_err(|_| violation(event, &format!("block index {index}")))
}

/// Parses a tool call's input JSON into its block.
fn set_input(block: &mut ContentBlock, json: &str) -> Result<(), String> {
    let input: serde_json::Map<String, serde_json::Value> = if json.trim().is_empty() {
        serde_json::Map::new()
    } else {
        serde_json::from_str(json)
            .map_err(|e| format!("the tool input is not a JSON object: {e}"))?
    };
    match block {
        ContentBlock::ToolUse(b) => b.input = input,
        ContentBlock::ServerToolUse(b) => b.input = input,
        ContentBlock::Other(serde_json::Value::Object(fields)) => {
            fields.insert("input".to_string(), serde_json::Value::Object(input));
        }
        _ => {}
    }
    Ok(())
}

fn violation(event: &MessageStreamEvent, what: &str) -> Error {
    let body = serde_json::to_vec(event).unwrap_or_default();
    decode(
        Bytes::from(body),
        format!("unexpected `{}` event: {what}", event.tag()),
    )
}

fn decode(body: Bytes, reason: String) -> Error {
    Error::decode(None, HeaderMap::new(), body, reason)
}

/// A Messages stream that builds the final message as its events pass: a
/// [`Stream`] of the events, as [`EventStream`] yields them, plus the
/// message so far ([`message`](MessageStream::message)), the text as it
/// arrives ([`text_deltas`](MessageStream::text_deltas)) and the final
/// message ([`final_message`](MessageStream::final_message)).
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
pub struct MessageStream {
    events: EventStream<MessageStreamEvent>,
    accumulator: MessageAccumulator,
    ended: bool,
}

impl fmt::Debug for MessageStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageStream")
            .field("events", &self.events)
            .field("accumulator", &self.accumulator)
            .finish()
    }
}

impl EventStream<MessageStreamEvent> {
    /// Builds the message as the events pass; see [`MessageStream`].
    pub fn accumulate(self) -> MessageStream {
        MessageStream {
            events: self,
            accumulator: MessageAccumulator::new(),
            ended: false,
        }
    }

    /// Reads the rest of the stream and returns the message it makes.
    pub async fn final_message(self) -> Result<Message, Error> {
        self.accumulate().final_message().await
    }
}

impl MessageStream {
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

    /// The message as the events so far make it.
    pub fn message(&self) -> Option<&Message> {
        self.accumulator.message()
    }

    /// The accumulator, with the message so far.
    pub fn accumulator(&self) -> &MessageAccumulator {
        &self.accumulator
    }

    /// The next event, already applied to the message.
    pub async fn next_event(&mut self) -> Option<Result<MessageStreamEvent, Error>> {
        self.next().await
    }

    /// The text of each `text_delta` as it arrives, skipping every other
    /// event (which still builds the message). When it ends,
    /// [`final_message`](MessageStream::final_message) gives the message.
    pub fn text_deltas(&mut self) -> TextDeltas<'_> {
        TextDeltas { stream: self }
    }

    /// Reads the rest of the stream and returns the message it makes. Fails
    /// with the stream's error, or with [`Error::Decode`] when the stream
    /// ended without a complete message (including after an error this
    /// stream already yielded).
    pub async fn final_message(mut self) -> Result<Message, Error> {
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

impl Stream for MessageStream {
    type Item = Result<MessageStreamEvent, Error>;

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

impl futures::stream::FusedStream for MessageStream {
    fn is_terminated(&self) -> bool {
        self.ended
    }
}

/// The text of a [`MessageStream`] as it arrives; see
/// [`MessageStream::text_deltas`].
#[derive(Debug)]
pub struct TextDeltas<'s> {
    stream: &'s mut MessageStream,
}

impl Stream for TextDeltas<'_> {
    type Item = Result<String, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match this.stream.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(MessageStreamEvent::ContentBlockDelta(delta)))) => {
                    if let RawContentBlockDelta::TextDelta(text) = delta.delta {
                        return Poll::Ready(Some(Ok(text.text)));
                    }
                }
                Poll::Ready(Some(Ok(_))) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let mut acc = MessageAccumulator::new();
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
            stop(),
        ])
        .expect("complete");
        assert_eq!(
            serde_json::to_value(&message.content[0]).expect("serializable"),
            json!({"type": "mcp_tool_use", "id": "m1", "input": {"q": 1}})
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
        let mut acc = MessageAccumulator::new();
        acc.push(&start()).expect("start");
        let err = acc
            .push(&event(json!({"type": "error",
                "error": {"type": "overloaded_error", "message": "Overloaded"}})))
            .expect_err("an error event");
        assert!(err.is_overloaded(), "{err:?}");
        assert_eq!(err.api_error().map(|e| e.message()), Some("Overloaded"));
        // What arrived before stays readable.
        assert_eq!(acc.message().map(|m| m.id.as_str()), Some("msg_1"));
    }
}
