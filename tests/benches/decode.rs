//! Decoding response bodies through the generated types, against a minimal
//! hand-written serde model of the same shape (derived `Deserialize`,
//! internally tagged enums with `#[serde(tag = "type")]`).
//!
//! Each group has a `generated` and a `baseline` function; `cargo xtask
//! bench` prints their ratio.

use std::hint::black_box;
use std::time::Duration;

use anthropic_client::types;
use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;
use serde_json::{Map, Value};
use workspace_tests::perf;

/// What a Rust user would write by hand for these bodies (decoded, not read).
#[allow(dead_code)]
mod baseline {
    use super::*;

    #[derive(Deserialize)]
    pub struct ListModelsResponse {
        pub data: Vec<ModelInfo>,
        pub first_id: Option<String>,
        pub has_more: bool,
        pub last_id: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct ModelInfo {
        pub created_at: DateTime<Utc>,
        pub display_name: String,
        pub id: String,
        #[serde(rename = "type")]
        pub type_: ModelType,
    }

    #[derive(Deserialize)]
    pub enum ModelType {
        #[serde(rename = "model")]
        Model,
    }

    #[derive(Deserialize)]
    pub struct Message {
        pub content: Vec<ContentBlock>,
        pub id: String,
        pub model: String,
        pub role: Role,
        pub stop_reason: Option<StopReason>,
        pub stop_sequence: Option<String>,
        #[serde(rename = "type")]
        pub type_: MessageType,
        pub usage: Usage,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        Assistant,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum MessageType {
        Message,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum StopReason {
        EndTurn,
        MaxTokens,
        StopSequence,
        ToolUse,
        PauseTurn,
        Refusal,
    }

    #[derive(Deserialize)]
    pub struct Usage {
        pub input_tokens: i64,
        pub output_tokens: i64,
        pub cache_creation_input_tokens: Option<i64>,
        pub cache_read_input_tokens: Option<i64>,
        pub cache_creation: Option<CacheCreation>,
        pub server_tool_use: Option<Value>,
        pub service_tier: Option<String>,
        pub inference_geo: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct CacheCreation {
        pub ephemeral_5m_input_tokens: i64,
        pub ephemeral_1h_input_tokens: i64,
    }

    #[derive(Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum ContentBlock {
        Text {
            text: String,
            citations: Option<Vec<Citation>>,
        },
        Thinking {
            thinking: String,
            signature: String,
        },
        ToolUse {
            id: String,
            name: String,
            input: Map<String, Value>,
        },
    }

    #[derive(Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum Citation {
        CharLocation {
            cited_text: String,
            document_index: i64,
            document_title: Option<String>,
            start_char_index: i64,
            end_char_index: i64,
            file_id: Option<String>,
        },
    }

    #[derive(Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum StreamEvent {
        ContentBlockDelta { index: i64, delta: Delta },
    }

    #[derive(Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum Delta {
        TextDelta { text: String },
    }
}

const MODELS: usize = 1000;
const BLOCKS: usize = 300;

fn decode(c: &mut Criterion) {
    let list = perf::models_page_bytes(0, MODELS, 1);
    let message = serde_json::to_vec(&perf::message_json(BLOCKS)).expect("serializable");
    let event = serde_json::to_vec(&perf::stream_events(1)[3]).expect("serializable");

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
