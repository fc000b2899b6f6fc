//! Decoding response bodies through the generated types, against a minimal
//! hand-written serde model of the same shape (`workspace_tests::baseline`)
//! and against the types of the strongest peer crate, `claude-api` 0.6.0
//! (`peer`), on the same bytes.
//!
//! Each group has a `generated`, a `baseline` and a `peer` function; `cargo
//! xtask bench` prints generated over baseline.

use std::hint::black_box;
use std::time::Duration;

use anthropic_client::types;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use workspace_tests::{baseline, perf};

/// The peer's types for the same three bodies.
type PeerModels = claude_api::pagination::Paginated<claude_api::models::ModelInfo>;
type PeerMessage = claude_api::messages::response::Message;
type PeerEvent = claude_api::messages::stream::StreamEvent;

const MODELS: usize = 1000;
const BLOCKS: usize = 300;

fn decode(c: &mut Criterion) {
    let list = perf::models_page_bytes(0, MODELS, 1);
    // Each object's `type` first, as the API writes them.
    let message = perf::api_json(&perf::message_json(BLOCKS));
    let event = perf::api_json(&perf::stream_events(1)[3]);

    // Both sides must accept the same bodies, or the comparison means nothing.
    let generated: types::ListModelsResponse = serde_json::from_slice(&list).expect("decodes");
    let hand: baseline::ListModelsResponse = serde_json::from_slice(&list).expect("decodes");
    assert_eq!(generated.data.len(), hand.data.len());
    let generated: types::Message = serde_json::from_slice(&message).expect("decodes");
    let hand: baseline::Message = serde_json::from_slice(&message).expect("decodes");
    assert_eq!(generated.content.len(), hand.content.len());
    assert!(generated
        .content
        .iter()
        .all(|b| !matches!(b, types::ContentBlock::Other(_))));
    let generated: types::MessageStreamEvent = serde_json::from_slice(&event).expect("decodes");
    assert!(matches!(
        generated,
        types::MessageStreamEvent::ContentBlockDelta(_)
    ));
    let _: baseline::StreamEvent = serde_json::from_slice(&event).expect("decodes");
    // The peer reads the same bodies, every block and the event as known.
    let peer: PeerModels = serde_json::from_slice(&list).expect("decodes");
    assert_eq!(peer.data.len(), MODELS);
    let peer: PeerMessage = serde_json::from_slice(&message).expect("decodes");
    assert!(peer.content.iter().all(|b| b.known().is_some()));
    let peer: PeerEvent = serde_json::from_slice(&event).expect("decodes");
    assert!(peer.known().is_some());

    let mut group = c.benchmark_group("decode_list_models_1000");
    group.throughput(Throughput::Bytes(list.len() as u64));
    group.bench_function("generated", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<types::ListModelsResponse>(black_box(&list))
                    .expect("decodes"),
            )
        })
    });
    group.bench_function("baseline", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<baseline::ListModelsResponse>(black_box(&list))
                    .expect("decodes"),
            )
        })
    });
    group.bench_function("peer", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<PeerModels>(black_box(&list)).expect("decodes"))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("decode_message_300_blocks");
    group.throughput(Throughput::Bytes(message.len() as u64));
    group.bench_function("generated", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<types::Message>(black_box(&message)).expect("decodes"),
            )
        })
    });
    group.bench_function("baseline", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<baseline::Message>(black_box(&message)).expect("decodes"),
            )
        })
    });
    group.bench_function("peer", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<PeerMessage>(black_box(&message)).expect("decodes"))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("decode_stream_event");
    group.throughput(Throughput::Elements(1));
    group.bench_function("generated", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<types::MessageStreamEvent>(black_box(&event))
                    .expect("decodes"),
            )
        })
    });
    group.bench_function("baseline", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<baseline::StreamEvent>(black_box(&event))
                    .expect("decodes"),
            )
        })
    });
    group.bench_function("peer", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<PeerEvent>(black_box(&event)).expect("decodes"))
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = decode
}
criterion_main!(benches);
