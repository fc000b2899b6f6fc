//! Property tests: response decoding and SSE parsing never panic on arbitrary input.
//!
//! The stable-Rust twin of the cargo-fuzz targets in `generated/fuzz`:
//! arbitrary bytes, and valid bodies mutated (cut, bytes flipped, inserted
//! or removed, a subtree replaced by arbitrary JSON), go into every response
//! decoder, which must answer `Ok` or `Err` and never panic; and the SSE
//! parser gives the same events however a stream is cut into chunks.

use anthropic_client::sse::{SseEvent, SseParser};
use anthropic_client::types;
use proptest::prelude::*;
use serde_json::Value;
use workspace_tests::perf;

/// Decodes `bytes` as a `T`; whether it did. What decodes must serialize
/// and decode again (to an equal value but for floats, which serde_json's
/// default parser may move by one unit in the last place).
fn decodes<T: serde::de::DeserializeOwned + serde::Serialize>(bytes: &[u8]) -> bool {
    let Ok(value) = serde_json::from_slice::<T>(bytes) else {
        return false;
    };
    let again = serde_json::to_vec(&value).expect("a decoded value serializes");
    if let Err(e) = serde_json::from_slice::<T>(&again) {
        panic!(
            "re-decoding failed: {e}: {}",
            String::from_utf8_lossy(&again)
        );
    }
    true
}

/// Runs every decoder on `bytes`; which of them accepted it.
fn decode_all(bytes: &[u8]) -> [bool; 5] {
    [
        decodes::<types::ListModelsResponse>(bytes),
        decodes::<types::Message>(bytes),
        decodes::<types::MessageStreamEvent>(bytes),
        decodes::<types::ErrorResponse>(bytes),
        decodes::<types::ContentBlock>(bytes),
    ]
}

/// Valid bodies of every kind the decoders read, compact (no whitespace).
fn valid_bodies() -> Vec<Vec<u8>> {
    let mut bodies = vec![
        perf::models_page(0, 4, 2),
        perf::message_json(9),
        perf::error_json("overloaded_error"),
        perf::message_json(3)["content"][1].clone(),
    ];
    bodies.extend(perf::stream_events(2));
    bodies
        .iter()
        .map(|v| serde_json::to_vec(v).expect("serializable"))
        .collect()
}

fn any_body() -> impl Strategy<Value = Vec<u8>> {
    let bodies = valid_bodies();
    (0..bodies.len()).prop_map(move |i| bodies[i].clone())
}

/// Arbitrary JSON, a few levels deep, with the tags the decoders dispatch on
/// among its strings so that unions take their known branches.
fn any_json() -> impl Strategy<Value = Value> {
    let tags = prop::sample::select(vec![
        "text",
        "thinking",
        "tool_use",
        "message",
        "model",
        "error",
        "content_block_delta",
        "text_delta",
        "message_start",
        "char_location",
        "",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        tags.prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "type",
                        "id",
                        "data",
                        "content",
                        "text",
                        "index",
                        "delta",
                        "error",
                        "message",
                        "usage",
                        "input",
                        "citations",
                        "has_more",
                        "first_id",
                    ]),
                    inner
                ),
                0..6
            )
            .prop_map(|pairs| Value::Object(
                pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

/// Replaces the node of `value` that `path` leads to (each step picks a
/// member or element, modulo their number) with `new`.
fn replace_at(value: &mut Value, path: &[usize], new: Value) {
    let Some((&step, rest)) = path.split_first() else {
        *value = new;
        return;
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(step % map.len())
                .cloned()
                .unwrap_or_default();
            if let Some(child) = map.get_mut(&key) {
                replace_at(child, rest, new);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let len = items.len();
            replace_at(&mut items[step % len], rest, new);
        }
        _ => *value = new,
    }
}

fn events_of(parser: &mut SseParser) -> Vec<SseEvent> {
    std::iter::from_fn(|| parser.next_event()).collect()
}

/// Everything a parser makes of `bytes` fed in the chunks `cuts` marks.
fn parse_in_chunks(
    bytes: &[u8],
    cuts: &[usize],
) -> (Vec<SseEvent>, Option<Vec<u8>>, Option<String>) {
    let mut parser = SseParser::new();
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut start = 0;
    let mut events = Vec::new();
    for end in cuts.into_iter().chain([bytes.len()]) {
        parser
            .push(&bytes[start..end])
            .expect("small inputs are under the event size limit");
        events.extend(events_of(&mut parser));
        start = end;
    }
    let pending = parser.finish().map(|i| i.pending);
    (events, pending, parser.last_event_id().map(str::to_string))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn a_valid_body_cut_short_is_rejected_by_every_decoder(body in any_body(), at in any::<prop::sample::Index>()) {
        let cut = &body[..at.index(body.len())];
        prop_assert_eq!(decode_all(cut), [false; 5], "{}", String::from_utf8_lossy(cut));
    }

    #[test]
    fn a_valid_body_with_bytes_flipped_never_panics(
        body in any_body(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..8),
    ) {
        let mut body = body;
        for (at, mask) in flips {
            let i = at.index(body.len());
            body[i] ^= mask;
        }
        decode_all(&body);
    }

    #[test]
    fn a_valid_body_with_bytes_inserted_or_removed_never_panics(
        body in any_body(),
        at in any::<prop::sample::Index>(),
        removed in 0usize..16,
        inserted in prop::collection::vec(any::<u8>(), 0..16),
    ) {
        let mut body = body;
        let i = at.index(body.len());
        let end = (i + removed).min(body.len());
        body.splice(i..end, inserted);
        decode_all(&body);
    }

    #[test]
    fn a_valid_body_with_a_subtree_replaced_never_panics(
        body in any_body(),
        path in prop::collection::vec(any::<usize>(), 0..6),
        new in any_json(),
    ) {
        let mut value: Value = serde_json::from_slice(&body).expect("valid JSON");
        replace_at(&mut value, &path, new);
        let bytes = serde_json::to_vec(&value).expect("serializable");
        decode_all(&bytes);
    }

    #[test]
    fn decoded_bodies_survive_a_round_trip(body in any_body()) {
        let accepted = decode_all(&body);
        prop_assert!(accepted.iter().any(|ok| *ok), "a valid body decodes as something");
        if let Ok(event) = serde_json::from_slice::<types::MessageStreamEvent>(&body) {
            let again: types::MessageStreamEvent =
                serde_json::from_slice(&serde_json::to_vec(&event).expect("serializable"))
                    .expect("re-decodes");
            prop_assert_eq!(again, event);
        }
    }

    #[test]
    fn a_valid_stream_gives_the_same_typed_events_in_any_chunking(
        deltas in 0usize..12,
        cuts in prop::collection::vec(any::<usize>(), 0..24),
        crlf in any::<bool>(),
    ) {
        let events = perf::stream_events(deltas);
        let mut body = perf::sse_body(&events);
        if crlf {
            body = String::from_utf8(body).expect("UTF-8").replace('\n', "\r\n").into_bytes();
        }
        let (parsed, pending, _) = parse_in_chunks(&body, &cuts);
        prop_assert_eq!(pending, None, "a complete stream leaves nothing pending");
        prop_assert_eq!(parsed.len(), events.len());
        for (event, sent) in parsed.iter().zip(&events) {
            prop_assert_eq!(Some(event.event.as_str()), sent["type"].as_str());
            let typed: types::MessageStreamEvent =
                serde_json::from_str(&event.data).expect("each event decodes");
            prop_assert_eq!(typed.tag(), event.event.as_str());
            prop_assert!(!matches!(typed, types::MessageStreamEvent::Other(_)));
        }
    }

    #[test]
    fn any_bytes_parse_the_same_in_any_chunking(
        bytes in prop::collection::vec(
            prop_oneof![
                4 => any::<u8>(),
                2 => prop::sample::select(b"\r\n:".to_vec()),
                1 => prop::sample::select(b"dataeventidretry \xEF\xBB\xBF".to_vec()),
            ],
            0..256,
        ),
        cuts in prop::collection::vec(any::<usize>(), 0..16),
    ) {
        let whole = parse_in_chunks(&bytes, &[]);
        let chunked = parse_in_chunks(&bytes, &cuts);
        prop_assert_eq!(&whole, &chunked);
        for event in &whole.0 {
            let _ = serde_json::from_str::<types::MessageStreamEvent>(&event.data);
        }
    }

    #[test]
    fn a_stream_cut_anywhere_never_panics_and_reports_what_was_cut(
        deltas in 1usize..6,
        at in any::<prop::sample::Index>(),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let body = perf::sse_body(&perf::stream_events(deltas));
        let cut = &body[..at.index(body.len())];
        let (events, pending, _) = parse_in_chunks(cut, &cuts);
        // Only whole events come out, each a prefix of the stream.
        let complete = perf::stream_events(deltas);
        prop_assert!(events.len() <= complete.len());
        for (event, sent) in events.iter().zip(&complete) {
            let written = perf::api_json(sent);
            prop_assert_eq!(event.data.as_bytes(), written.as_slice());
        }
        // Cut inside an event, once a field of it has begun or its data
        // has arrived: it is reported. (Right after its `event:` line, with
        // no data yet, there is nothing to dispatch, so nothing is lost.)
        let tail = match cut.windows(2).rposition(|w| w == b"\n\n") {
            Some(end) => &cut[end + 2..],
            None => cut,
        };
        let only_a_name = tail.ends_with(b"\n") && !tail.windows(5).any(|w| w == b"data:");
        let inside = !tail.is_empty() && !only_a_name;
        prop_assert_eq!(pending.is_some(), inside, "cut at {}", cut.len());
    }
}
