//! Events per second from a long server-sent-event stream (a message of
//! many `content_block_delta` text events), against a raw baseline that
//! splits the bytes on "\n\n", takes the `data:` line and decodes it into
//! the same `MessageStreamEvent` type.
//!
//! - `stream_http`: end to end from an in-process HTTP server (hyper,
//!   127.0.0.1): the client's `create_stream(..).send()` and its
//!   `EventStream`, against bare reqwest's `bytes_stream()` and the split.
//! - `stream_parse`: the same body from memory in 16 KiB chunks: the
//!   crate's incremental `SseParser` plus decoding, against the split, and
//!   against the peer `claude-api` 0.6.0's pipeline (`eventsource-stream`,
//!   then `serde_json::from_str` into its `StreamEvent`, as its `sse`
//!   module does).

use std::hint::black_box;
use std::time::Duration;

use anthropic_client::sse::SseParser;
use anthropic_client::{types, Client};
use bytes::{Buf, Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use workspace_tests::perf::{self, bench_client, bench_runtime, BenchServer, Content, BENCH_KEY};

const DELTAS: usize = 10_000;

fn params() -> types::MessageCreateParams {
    serde_json::from_value(json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Write a long story."}],
    }))
    .expect("valid params")
}

/// Splits complete events off `buffer` and decodes each one's data.
fn split_events(buffer: &mut BytesMut, events: &mut usize) {
    while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
        let event = buffer.split_to(end + 2);
        for line in event[..end].split(|&b| b == b'\n') {
            if let Some(data) = line.strip_prefix(b"data: ") {
                let event: types::MessageStreamEvent =
                    serde_json::from_slice(data).expect("an event");
                black_box(&event);
                *events += 1;
            }
        }
    }
}

async fn with_client(client: &Client) -> usize {
    let stream = client
        .messages()
        .create_stream(params())
        .send()
        .await
        .expect("the stream opens");
    stream
        .try_fold(0usize, |n, event| async move {
            black_box(&event);
            Ok(n + 1)
        })
        .await
        .expect("every event decodes")
}

async fn with_reqwest(http: &reqwest::Client, url: &str, body: &[u8]) -> usize {
    let response = http
        .post(format!("{url}/v1/messages"))
        .header("x-api-key", BENCH_KEY)
        .header("anthropic-version", "2023-06-01")
        .header("content-type", "application/json")
        .header("accept", "text/event-stream")
        .body(body.to_vec())
        .send()
        .await
        .expect("the server answers")
        .error_for_status()
        .expect("a stream");
    let mut chunks = response.bytes_stream();
    let mut buffer = BytesMut::new();
    let mut events = 0;
    while let Some(chunk) = chunks.next().await {
        buffer.extend_from_slice(&chunk.expect("a chunk"));
        split_events(&mut buffer, &mut events);
    }
    events
}

fn parse_with_crate(body: &[u8]) -> usize {
    let mut parser = SseParser::new();
    let mut events = 0;
    for chunk in body.chunks(16 * 1024) {
        parser.push(chunk).expect("under the size limit");
        while let Some(event) = parser.next_event() {
            let event: types::MessageStreamEvent =
                serde_json::from_str(&event.data).expect("an event");
            black_box(&event);
            events += 1;
        }
    }
    events
}

fn parse_with_peer(body: &Bytes) -> usize {
    use eventsource_stream::Eventsource;
    let chunks = (0..body.len()).step_by(16 * 1024).map(|at| {
        Ok::<_, std::convert::Infallible>(body.slice(at..(at + 16 * 1024).min(body.len())))
    });
    let events = futures::stream::iter(chunks).eventsource().map(|event| {
        let event = event.expect("an event");
        // The peer rejects the `null` counts of the final `message_delta`'s
        // usage (it wants numbers), one event in 10,000: it is decoded and
        // counted all the same.
        let event = serde_json::from_str::<claude_api::messages::stream::StreamEvent>(&event.data);
        black_box(&event);
    });
    futures::executor::block_on(events.count())
}

fn parse_by_splitting(body: &[u8]) -> usize {
    let mut buffer = BytesMut::new();
    let mut events = 0;
    for chunk in body.chunks(16 * 1024) {
        buffer.extend_from_slice(chunk);
        split_events(&mut buffer, &mut events);
    }
    buffer.advance(buffer.len());
    events
}

fn streaming(c: &mut Criterion) {
    let events = perf::stream_events(DELTAS);
    let body = perf::sse_body(&events);
    let count = events.len();
    let request = serde_json::to_vec(&{
        let mut p = serde_json::to_value(params()).expect("serializable");
        p["stream"] = json!(true);
        p
    })
    .expect("serializable");

    let runtime = bench_runtime();
    let server = BenchServer::start(Content::EventStream(body.clone().into()));
    let client = bench_client(&server.url);
    let http = reqwest::Client::new();
    assert_eq!(runtime.block_on(with_client(&client)), count);
    assert_eq!(
        runtime.block_on(with_reqwest(&http, &server.url, &request)),
        count
    );
    assert_eq!(parse_with_crate(&body), count);
    assert_eq!(parse_by_splitting(&body), count);
    let shared = Bytes::from(body.clone());
    assert_eq!(parse_with_peer(&shared), count);

    let mut group = c.benchmark_group("stream_http_10k_events");
    group.throughput(Throughput::Elements(count as u64));
    group.bench_function("generated", |b| {
        b.iter(|| runtime.block_on(with_client(&client)))
    });
    group.bench_function("baseline", |b| {
        b.iter(|| runtime.block_on(with_reqwest(&http, &server.url, &request)))
    });
    group.finish();

    let mut group = c.benchmark_group("stream_parse_10k_events");
    group.throughput(Throughput::Elements(count as u64));
    group.bench_function("generated", |b| {
        b.iter(|| parse_with_crate(black_box(&body)))
    });
    group.bench_function("baseline", |b| {
        b.iter(|| parse_by_splitting(black_box(&body)))
    });
    group.bench_function("peer", |b| b.iter(|| parse_with_peer(black_box(&shared))));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(15)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = streaming
}
criterion_main!(benches);
