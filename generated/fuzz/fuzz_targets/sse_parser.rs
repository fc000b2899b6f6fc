//! The SSE parser on arbitrary bytes, cut into arbitrary chunks: it never
//! panics, and gives the same events (and the same leftover at the end)
//! however the stream is chunked. Each event's data then goes through the
//! stream-event decoder.
#![no_main]

use anthropic_client::sse::{SseEvent, SseParser};
use anthropic_client::types::MessageStreamEvent;
use libfuzzer_sys::fuzz_target;

/// Feeds `bytes` in the chunks `sizes` gives (cycled; 0 means one byte).
fn parse(bytes: &[u8], sizes: &[u8]) -> (Vec<SseEvent>, Option<Vec<u8>>) {
    let mut parser = SseParser::with_max_event_bytes(1 << 20);
    let mut events = Vec::new();
    let mut rest = bytes;
    let mut sizes = sizes.iter().cycle();
    while !rest.is_empty() {
        let size = sizes.next().map_or(rest.len(), |&s| usize::from(s).max(1));
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        if parser.push(chunk).is_err() {
            return (events, None);
        }
        events.extend(std::iter::from_fn(|| parser.next_event()));
        rest = tail;
    }
    let pending = parser.finish().map(|i| i.pending);
    (events, pending)
}

fuzz_target!(|data: &[u8]| {
    // The first bytes choose the chunk sizes; the rest is the stream.
    let split = data
        .first()
        .map_or(0, |&n| usize::from(n % 16) + 1)
        .min(data.len());
    let (sizes, stream) = data.split_at(split);
    let whole = parse(stream, &[]);
    let chunked = parse(stream, sizes.get(1..).unwrap_or_default());
    assert_eq!(whole, chunked, "chunking changed what the parser saw");
    for event in &whole.0 {
        let _ = serde_json::from_str::<MessageStreamEvent>(&event.data);
    }
});
