//! An incremental parser for server-sent events, following the WHATWG
//! HTML standard's rules for interpreting an event stream
//! (<https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>).
//!
//! Bytes go in as they arrive, in chunks of any size: a chunk may end in the
//! middle of an event, of a line, of a UTF-8 character or between the CR and
//! the LF of a CRLF. Complete events come out.
//!
//! - Lines end in LF, CRLF or CR. A UTF-8 byte order mark at the very start
//!   of the stream is skipped.
//! - `event`, `data`, `id` and `retry` are the fields; the value is what
//!   follows the first colon, less one leading space. A line with no colon is
//!   a field with an empty value. Other field names are ignored.
//! - Lines that start with a colon are comments, ignored.
//! - A blank line dispatches the event. Several `data` lines are joined
//!   with `"\n"`. An event whose data buffer is empty is not dispatched (its
//!   `event` name is dropped), as the standard says.
//! - `id` sets the last event id, which persists across events (an `id`
//!   containing NUL is ignored); `retry` sets the reconnection time when its
//!   value is all ASCII digits.
//! - At the end of the stream an event that no blank line closed is **not
//!   dispatched**, as the standard says. [`SseParser::finish`] reports it
//!   instead, so a caller can tell a truncated stream from a complete one.
//! - Bytes that are not valid UTF-8 are replaced with U+FFFD, as a UTF-8
//!   decoder does.
//!
//! Memory is bounded: one event (its current line plus the fields gathered
//! so far) may hold at most [`SseParser::max_event_bytes`] bytes; past that,
//! [`SseParser::push`] fails with [`SseError::EventTooLarge`].

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

/// The default cap on one event's size: 16 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event` field; `"message"` when the event had none.
    pub event: String,
    /// The `data` lines, joined with `"\n"`.
    pub data: String,
    /// The last event id when this event was dispatched (it persists from
    /// earlier events), if any was set.
    pub id: Option<String>,
}

/// Why the parser stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SseError {
    /// One event grew past the parser's limit before a blank line ended it.
    EventTooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The first bytes of the event's current line or data (at most 1 KiB).
        preview: Vec<u8>,
    },
}

impl fmt::Display for SseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SseError::EventTooLarge { limit, .. } => {
                write!(f, "a server-sent event exceeds the limit of {limit} bytes")
            }
        }
    }
}

impl std::error::Error for SseError {}

/// What [`SseParser::finish`] found at the end of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incomplete {
    /// What was discarded: the unterminated line, or else the data gathered
    /// for an event no blank line closed.
    pub pending: Vec<u8>,
}

/// An incremental server-sent-events parser. Feed it with
/// [`push`](SseParser::push), take events with
/// [`next_event`](SseParser::next_event), and call
/// [`finish`](SseParser::finish) at the end of the stream.
///
/// ```
/// use anthropic_client::sse::SseParser;
///
/// let mut parser = SseParser::new();
/// parser.push(b"event: ping\r\ndata: {\"type\"").unwrap();
/// assert!(parser.next_event().is_none());
/// parser.push(b": \"ping\"}\r\n\r\n").unwrap();
/// let event = parser.next_event().unwrap();
/// assert_eq!(event.event, "ping");
/// assert_eq!(event.data, r#"{"type": "ping"}"#);
/// ```
#[derive(Debug, Clone)]
pub struct SseParser {
    max_event_bytes: usize,
    /// The current line, not yet terminated.
    line: Vec<u8>,
    /// The last byte seen was a CR: an LF right after it belongs to it.
    after_cr: bool,
    /// Still at the start of the stream, where a BOM is skipped.
    at_start: bool,
    /// How many bytes of a BOM have been matched so far.
    bom_matched: usize,
    event_type: String,
    data: String,
    last_event_id: Option<String>,
    retry: Option<Duration>,
    ready: VecDeque<SseEvent>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";
const PREVIEW: usize = 1024;

impl Default for SseParser {
    fn default() -> Self {
        Self::new()
    }
}

impl SseParser {
    /// A parser with the default cap on one event's size
    /// ([`DEFAULT_MAX_EVENT_BYTES`]).
    pub fn new() -> Self {
        Self::with_max_event_bytes(DEFAULT_MAX_EVENT_BYTES)
    }

    /// A parser that fails when one event exceeds `max_event_bytes`.
    pub fn with_max_event_bytes(max_event_bytes: usize) -> Self {
        Self {
            max_event_bytes,
            line: Vec::new(),
            after_cr: false,
            at_start: true,
            bom_matched: 0,
            event_type: String::new(),
            data: String::new(),
            last_event_id: None,
            retry: None,
            ready: VecDeque::new(),
        }
    }

    /// The cap on one event's size, in bytes.
    pub fn max_event_bytes(&self) -> usize {
        self.max_event_bytes
    }

    /// The last event id the stream set, if any.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The reconnection time the stream asked for with `retry`, if any.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Feeds the next bytes of the stream. Events they complete become
    /// available from [`next_event`](SseParser::next_event).
    pub fn push(&mut self, mut chunk: &[u8]) -> Result<(), SseError> {
        if self.at_start {
            chunk = self.skip_bom(chunk);
            if chunk.is_empty() {
                return Ok(());
            }
        }
        while !chunk.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if chunk[0] == b'\n' {
                    chunk = &chunk[1..];
                    continue;
                }
            }
            match chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    self.extend_line(&chunk[..end])?;
                    self.after_cr = chunk[end] == b'\r';
                    chunk = &chunk[end + 1..];
                    self.end_line();
                }
                None => {
                    self.extend_line(chunk)?;
                    chunk = &[];
                }
            }
        }
        Ok(())
    }

    /// The next complete event, if any.
    pub fn next_event(&mut self) -> Option<SseEvent> {
        self.ready.pop_front()
    }

    /// Ends the stream. An event that no blank line closed is discarded, as
    /// the standard says; it is returned as [`Incomplete`] so the caller can
    /// tell the stream was cut. Comment lines and events that carry no data
    /// do not count. The parser is reset for a new stream (the last event id
    /// and the retry time are kept).
    pub fn finish(&mut self) -> Option<Incomplete> {
        // A line cut by the end of the stream has no line terminator; the
        // standard discards it with the event it belongs to.
        let pending_line = !self.line.is_empty() && self.line[0] != b':';
        let incomplete = if pending_line {
            Some(Incomplete {
                pending: std::mem::take(&mut self.line),
            })
        } else if !self.data.is_empty() {
            Some(Incomplete {
                pending: std::mem::take(&mut self.data).into_bytes(),
            })
        } else {
            None
        };
        self.line.clear();
        self.data.clear();
        self.event_type.clear();
        self.after_cr = false;
        self.at_start = true;
        self.bom_matched = 0;
        incomplete
    }

    /// Skips the part of a UTF-8 BOM at the start of the stream; a chunk
    /// may end inside it.
    fn skip_bom<'c>(&mut self, chunk: &'c [u8]) -> &'c [u8] {
        let mut i = 0;
        while i < chunk.len() && self.bom_matched < BOM.len() {
            if chunk[i] != BOM[self.bom_matched] {
                // Not a BOM after all: the bytes matched so far are content.
                self.at_start = false;
                let matched = BOM[..self.bom_matched].to_vec();
                self.bom_matched = 0;
                self.line.extend_from_slice(&matched);
                return &chunk[i..];
            }
            self.bom_matched += 1;
            i += 1;
        }
        if self.bom_matched == BOM.len() {
            self.at_start = false;
            self.bom_matched = 0;
        }
        &chunk[i..]
    }

    fn extend_line(&mut self, bytes: &[u8]) -> Result<(), SseError> {
        let size = self.line.len() + bytes.len() + self.data.len() + self.event_type.len();
        if size > self.max_event_bytes {
            let mut preview = if self.data.is_empty() {
                self.line.clone()
            } else {
                self.data.as_bytes().to_vec()
            };
            preview.extend_from_slice(bytes);
            preview.truncate(PREVIEW);
            return Err(SseError::EventTooLarge {
                limit: self.max_event_bytes,
                preview,
            });
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        if line.is_empty() {
            self.dispatch();
        } else if line[0] != b':' {
            let (name, value) = match line.iter().position(|&b| b == b':') {
                Some(colon) => {
                    let value = &line[colon + 1..];
                    let value = value.strip_prefix(b" ").unwrap_or(value);
                    (&line[..colon], value)
                }
                None => (&line[..], &[][..]),
            };
            self.field(name, value);
        }
        // Keep the line's allocation for the next one.
        self.line = line;
        self.line.clear();
    }

    fn field(&mut self, name: &[u8], value: &[u8]) {
        match name {
            b"event" => self.event_type = String::from_utf8_lossy(value).into_owned(),
            b"data" => {
                self.data.push_str(&String::from_utf8_lossy(value));
                self.data.push('\n');
            }
            b"id" if !value.contains(&0) => {
                self.last_event_id = Some(String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // All digits, so UTF-8; too many digits to fit is ignored.
                if let Ok(ms) = String::from_utf8_lossy(value).parse::<u64>() {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self) {
        let event_type = std::mem::take(&mut self.event_type);
        let mut data = std::mem::take(&mut self.data);
        if data.is_empty() {
            return;
        }
        if data.ends_with('\n') {
            data.pop();
        }
        self.ready.push_back(SseEvent {
            event: if event_type.is_empty() {
                "message".to_string()
            } else {
                event_type
            },
            data,
            id: self.last_event_id.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn event(name: &str, data: &str) -> SseEvent {
        SseEvent {
            event: name.to_string(),
            data: data.to_string(),
            id: None,
        }
    }

    /// Parses `input` pushed in the given chunks; returns the events and
    /// what `finish` reported.
    fn parse_chunks(chunks: &[&[u8]]) -> (Vec<SseEvent>, Option<Incomplete>) {
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        for chunk in chunks {
            parser.push(chunk).expect("within the limit");
            while let Some(e) = parser.next_event() {
                events.push(e);
            }
        }
        let incomplete = parser.finish();
        assert!(parser.next_event().is_none(), "finish dispatches nothing");
        (events, incomplete)
    }

    fn parse(input: &[u8]) -> Vec<SseEvent> {
        parse_chunks(&[input]).0
    }

    #[test]
    fn named_event_with_data() {
        assert_eq!(
            parse(b"event: message_start\ndata: {\"a\":1}\n\n"),
            vec![event("message_start", "{\"a\":1}")]
        );
    }

    #[test]
    fn event_without_name_is_message() {
        assert_eq!(parse(b"data: x\n\n"), vec![event("message", "x")]);
    }

    #[test]
    fn line_endings_lf_crlf_cr_and_mixed() {
        let expected = vec![event("e", "a\nb"), event("message", "c")];
        assert_eq!(
            parse(b"event: e\ndata: a\ndata: b\n\ndata: c\n\n"),
            expected
        );
        assert_eq!(
            parse(b"event: e\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n"),
            expected
        );
        assert_eq!(
            parse(b"event: e\rdata: a\rdata: b\r\rdata: c\r\r"),
            expected
        );
        assert_eq!(
            parse(b"event: e\r\ndata: a\rdata: b\n\r\ndata: c\r\n\n"),
            expected
        );
    }

    #[test]
    fn cr_then_lf_in_separate_chunks_is_one_line_ending() {
        // If the LF were a second line ending, the event would be dispatched
        // after `data: a` alone, before `data: b`.
        let (events, _) = parse_chunks(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]);
        assert_eq!(events, vec![event("message", "a\nb")]);
    }

    #[test]
    fn multiple_data_lines_are_joined_with_newlines() {
        assert_eq!(
            parse(b"data: one\ndata:two\ndata\ndata:  four\n\n"),
            vec![event("message", "one\ntwo\n\n four")]
        );
    }

    #[test]
    fn only_one_leading_space_is_stripped() {
        assert_eq!(parse(b"data:  x \n\n"), vec![event("message", " x ")]);
        assert_eq!(parse(b"data:x\n\n"), vec![event("message", "x")]);
        assert_eq!(parse(b"data:\tx\n\n"), vec![event("message", "\tx")]);
    }

    #[test]
    fn value_keeps_later_colons() {
        assert_eq!(
            parse(b"data: {\"a\": \"b:c\"}\n\n"),
            vec![event("message", "{\"a\": \"b:c\"}")]
        );
    }

    #[test]
    fn comments_are_ignored() {
        assert_eq!(
            parse(b": keep-alive\n:\ndata: x\n: in the middle\ndata: y\n\n"),
            vec![event("message", "x\ny")]
        );
        assert_eq!(parse(b": only a comment\n\n"), vec![]);
    }

    #[test]
    fn event_without_data_is_not_dispatched_and_its_name_is_dropped() {
        assert_eq!(
            parse(b"event: ping\n\ndata: x\n\n"),
            vec![event("message", "x")]
        );
    }

    #[test]
    fn empty_data_line_makes_an_event_with_empty_data() {
        // `data` alone appends "\n", which dispatch then strips: the data
        // buffer was not empty, so the event is dispatched with "".
        assert_eq!(parse(b"data\n\n"), vec![event("message", "")]);
        assert_eq!(parse(b"data:\ndata:\n\n"), vec![event("message", "\n")]);
    }

    #[test]
    fn unknown_fields_are_ignored() {
        assert_eq!(
            parse(b"foo: bar\nDATA: no\ndata: yes\n\n"),
            vec![event("message", "yes")]
        );
    }

    #[test]
    fn blank_lines_between_events_dispatch_nothing() {
        assert_eq!(
            parse(b"\n\n\ndata: a\n\n\n\ndata: b\n\n"),
            vec![event("message", "a"), event("message", "b")]
        );
    }

    #[test]
    fn id_persists_across_events_and_nul_is_ignored() {
        let mut parser = SseParser::new();
        parser
            .push(b"id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\nid\ndata: d\n\n")
            .expect("small");
        let ids: Vec<Option<String>> = std::iter::from_fn(|| parser.next_event())
            .map(|e| e.id)
            .collect();
        let some = |s: &str| Some(s.to_string());
        assert_eq!(ids, vec![some("1"), some("1"), some("1"), some("")]);
        assert_eq!(parser.last_event_id(), Some(""));
    }

    #[test]
    fn retry_needs_ascii_digits() {
        let mut parser = SseParser::new();
        parser.push(b"retry: 1500\n\n").expect("small");
        assert_eq!(parser.retry(), Some(Duration::from_millis(1500)));
        parser
            .push(b"retry: 12a\n\nretry: -1\n\nretry:\n\n")
            .expect("small");
        assert_eq!(parser.retry(), Some(Duration::from_millis(1500)));
        parser.push(b"retry:7\n\n").expect("small");
        assert_eq!(parser.retry(), Some(Duration::from_millis(7)));
        assert!(
            parser.next_event().is_none(),
            "retry alone dispatches nothing"
        );
    }

    #[test]
    fn final_event_without_blank_line_is_not_dispatched_but_reported() {
        let (events, incomplete) = parse_chunks(&[b"data: a\n\ndata: b\n"]);
        assert_eq!(events, vec![event("message", "a")]);
        assert_eq!(
            incomplete,
            Some(Incomplete {
                pending: b"b\n".to_vec()
            })
        );

        let (events, incomplete) = parse_chunks(&[b"data: a\n\ndata: b"]);
        assert_eq!(events, vec![event("message", "a")]);
        assert_eq!(
            incomplete,
            Some(Incomplete {
                pending: b"data: b".to_vec()
            })
        );
    }

    #[test]
    fn clean_end_reports_nothing() {
        assert_eq!(parse_chunks(&[b"data: a\n\n"]).1, None);
        assert_eq!(parse_chunks(&[b"data: a\n\n: trailing comment"]).1, None);
        assert_eq!(parse_chunks(&[b"data: a\n\nevent: x\n"]).1, None);
        assert_eq!(parse_chunks(&[b""]).1, None);
    }

    #[test]
    fn bom_at_start_is_skipped_even_when_split() {
        let expected = vec![event("message", "x")];
        assert_eq!(parse(b"\xEF\xBB\xBFdata: x\n\n"), expected);
        assert_eq!(
            parse_chunks(&[b"\xEF", b"\xBB", b"\xBFdata: x\n\n"]).0,
            expected
        );
        // Only at the start: later, the BOM is part of the field name.
        assert_eq!(parse(b"data: x\n\n\xEF\xBB\xBFdata: y\n\n"), expected);
    }

    #[test]
    fn partial_bom_is_content() {
        // EF BB followed by something else: not a BOM, so the bytes stay
        // (and are decoded lossily as part of the field name, which is then
        // unknown); the next line still parses.
        assert_eq!(
            parse(b"\xEF\xBBdata: x\ndata: y\n\n"),
            vec![event("message", "y")]
        );
    }

    #[test]
    fn utf8_split_inside_a_character() {
        let text = "data: héllo ✓ 🦀\n\n".as_bytes();
        for cut in 0..=text.len() {
            let (events, _) = parse_chunks(&[&text[..cut], &text[cut..]]);
            assert_eq!(events, vec![event("message", "héllo ✓ 🦀")], "cut at {cut}");
        }
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        assert_eq!(
            parse(b"data: a\xFFb\n\n"),
            vec![event("message", "a\u{FFFD}b")]
        );
    }

    #[test]
    fn too_large_event_is_an_error() {
        let mut parser = SseParser::with_max_event_bytes(16);
        parser
            .push(b"data: 0123456789\n")
            .expect("12 bytes of data buffered");
        let err = parser.push(b"data: 0123456789\n").expect_err("over 16");
        let SseError::EventTooLarge { limit, preview } = err;
        assert_eq!(limit, 16);
        assert!(preview.starts_with(b"0123456789\n"), "{preview:?}");
        assert_eq!(
            err_display(16),
            "a server-sent event exceeds the limit of 16 bytes"
        );

        // A long line with no terminator also hits the limit.
        let mut parser = SseParser::with_max_event_bytes(16);
        let err = parser.push(&[b'x'; 17]).expect_err("over 16");
        assert!(matches!(err, SseError::EventTooLarge { limit: 16, .. }));

        // The limit is per event: many small events are fine.
        let mut parser = SseParser::with_max_event_bytes(16);
        for _ in 0..1000 {
            parser
                .push(b"data: 0123456789\n\n")
                .expect("each event is small");
            assert!(parser.next_event().is_some());
        }
    }

    fn err_display(limit: usize) -> String {
        SseError::EventTooLarge {
            limit,
            preview: Vec::new(),
        }
        .to_string()
    }

    const STREAM: &[u8] = b"\xEF\xBB\xBFevent: message_start\r\n\
        data: {\"type\":\"message_start\",\"text\":\"h\xC3\xA9\xE2\x9C\x93\"}\r\n\
        \r\n\
        : ping comment\n\
        event: content_block_delta\r\
        data: line one\r\
        data:line two\r\
        id: 7\r\
        \r\
        event: no_data\n\
        \n\
        retry: 10\n\
        data\n\
        \n\
        data: last\r\n\
        \r\n";

    fn expected_stream() -> Vec<SseEvent> {
        vec![
            event(
                "message_start",
                "{\"type\":\"message_start\",\"text\":\"hé✓\"}",
            ),
            SseEvent {
                event: "content_block_delta".into(),
                data: "line one\nline two".into(),
                id: Some("7".into()),
            },
            SseEvent {
                event: "message".into(),
                data: String::new(),
                id: Some("7".into()),
            },
            SseEvent {
                event: "message".into(),
                data: "last".into(),
                id: Some("7".into()),
            },
        ]
    }

    #[test]
    fn whole_stream_at_once() {
        assert_eq!(parse_chunks(&[STREAM]), (expected_stream(), None));
    }

    #[test]
    fn every_single_split_point_gives_the_same_events() {
        for cut in 0..=STREAM.len() {
            assert_eq!(
                parse_chunks(&[&STREAM[..cut], &STREAM[cut..]]),
                (expected_stream(), None),
                "split at {cut}"
            );
        }
    }

    #[test]
    fn every_pair_of_split_points_gives_the_same_events() {
        for a in 0..=STREAM.len() {
            for b in a..=STREAM.len() {
                assert_eq!(
                    parse_chunks(&[&STREAM[..a], &STREAM[a..b], &STREAM[b..]]).0,
                    expected_stream(),
                    "split at {a} and {b}"
                );
            }
        }
    }

    #[test]
    fn one_byte_at_a_time_gives_the_same_events() {
        let chunks: Vec<&[u8]> = STREAM.chunks(1).collect();
        assert_eq!(parse_chunks(&chunks), (expected_stream(), None));
    }

    /// Random streams built from SSE-significant pieces, cut into random
    /// chunks: the events must not depend on the chunking. Seeded, so the
    /// test is deterministic.
    #[test]
    fn random_streams_random_chunking() {
        const PIECES: &[&[u8]] = &[
            b"data",
            b"data:",
            b"data: ",
            b"event",
            b"event: ",
            b"id: ",
            b"retry: ",
            b":",
            b" ",
            b"x",
            b"{\"a\":1}",
            b"\n",
            b"\r",
            b"\r\n",
            b"\n\n",
            b"\xC3\xA9",
            b"\xF0\x9F\xA6\x80",
            b"\xEF\xBB\xBF",
            b"\0",
        ];
        let mut rng = StdRng::seed_from_u64(0x5EED);
        for round in 0..2000 {
            let len = rng.random_range(0..40);
            let mut input = Vec::new();
            for _ in 0..len {
                input.extend_from_slice(PIECES[rng.random_range(0..PIECES.len())]);
            }
            let reference = parse_chunks(&[&input]);
            let mut cuts: Vec<usize> = (0..rng.random_range(0..8))
                .map(|_| rng.random_range(0..=input.len()))
                .collect();
            cuts.sort_unstable();
            let mut chunks: Vec<&[u8]> = Vec::new();
            let mut start = 0;
            for cut in cuts {
                chunks.push(&input[start..cut]);
                start = cut;
            }
            chunks.push(&input[start..]);
            assert_eq!(
                parse_chunks(&chunks),
                reference,
                "round {round}: {:?} in chunks {chunks:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}
