//! Inputs for the benchmarks and the property tests: realistic response
//! bodies (a page of models, a long message, a long event stream) and an
//! in-process HTTP server (hyper, on 127.0.0.1) that serves pre-serialized
//! pages of models.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use serde_json::{json, Value};

/// The API key the benches send.
pub const BENCH_KEY: &str = "bench-key";

/// A client of the bench server at `url`.
pub fn bench_client(url: &str) -> anthropic_client::Client {
    anthropic_client::Client::builder()
        .api_key(BENCH_KEY)
        .base_url(url)
        .build()
        .expect("a client")
}

/// The single-threaded runtime the benches drive both sides on.
pub fn bench_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// The id of the `index`-th model of a paged list: sortable, fixed width.
pub fn model_id(index: usize) -> String {
    format!("model-{index:09}")
}

/// One model as the API describes it.
pub fn model_json(index: usize) -> Value {
    json!({
        "type": "model",
        "id": model_id(index),
        "display_name": format!("Claude Bench Model {index}"),
        "created_at": "2025-02-19T00:00:00Z",
    })
}

/// Page `page` (from 0) of a list of `pages` pages of `per_page` models.
pub fn models_page(page: usize, per_page: usize, pages: usize) -> Value {
    let first = page * per_page;
    let data: Vec<Value> = (first..first + per_page).map(model_json).collect();
    json!({
        "data": data,
        "first_id": model_id(first),
        "last_id": model_id(first + per_page - 1),
        "has_more": page + 1 < pages,
    })
}

/// The serialized bytes of [`models_page`].
pub fn models_page_bytes(page: usize, per_page: usize, pages: usize) -> Bytes {
    Bytes::from(serde_json::to_vec(&models_page(page, per_page, pages)).expect("serializable"))
}

/// A `Message` with `blocks` content blocks, cycling through `thinking`,
/// `text` (some with citations) and `tool_use` (with a nested input object).
pub fn message_json(blocks: usize) -> Value {
    let content: Vec<Value> = (0..blocks)
        .map(|i| match i % 3 {
            0 => json!({
                "type": "thinking",
                "thinking": format!("Step {i}: let me reason about the question carefully. ").repeat(8),
                "signature": format!("EqQBCkYIARgCIkD{i:08}signaturesignaturesignature"),
            }),
            1 => json!({
                "type": "text",
                "text": format!("Paragraph {i}: here is part of the answer, with \"quotes\" and unicode é✓. ").repeat(6),
                "citations": if i % 2 == 0 {
                    json!([{
                        "type": "char_location",
                        "cited_text": "the cited text",
                        "document_index": 0,
                        "document_title": "A document",
                        "start_char_index": 0,
                        "end_char_index": 14,
                        "file_id": null,
                    }])
                } else {
                    Value::Null
                },
            }),
            _ => json!({
                "type": "tool_use",
                "id": format!("toolu_{i:020}"),
                "name": "get_weather",
                "input": {
                    "location": "San Francisco, CA",
                    "unit": "celsius",
                    "days": i,
                    "details": {"hourly": true, "fields": ["temp", "wind", "rain"]},
                },
            }),
        })
        .collect();
    json!({
        "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-20250514",
        "content": content,
        "stop_reason": "tool_use",
        "stop_sequence": null,
        "usage": {
            "input_tokens": 2095,
            "output_tokens": 503,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "server_tool_use": null,
            "service_tier": "standard",
            "inference_geo": null,
        },
    })
}

/// An error body as the API sends it.
pub fn error_json(error_type: &str) -> Value {
    json!({
        "type": "error",
        "error": {"type": error_type, "message": "Something went wrong."},
        "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy",
    })
}

/// The `data` of each event of a streamed message with `deltas` text deltas.
pub fn stream_events(deltas: usize) -> Vec<Value> {
    let mut message = message_json(0);
    message["stop_reason"] = Value::Null;
    let mut events = vec![
        json!({"type": "message_start", "message": message}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": "", "citations": null}}),
        json!({"type": "ping"}),
    ];
    for i in 0..deltas {
        events.push(json!({
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": format!("token {i} ")},
        }));
    }
    events.push(json!({"type": "content_block_stop", "index": 0}));
    events.push(json!({
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": null},
        "usage": {"output_tokens": deltas, "input_tokens": null, "cache_creation_input_tokens": null,
                  "cache_read_input_tokens": null, "server_tool_use": null},
    }));
    events.push(json!({"type": "message_stop"}));
    events
}

/// `events` as a `text/event-stream` body, as the API frames them.
pub fn sse_body(events: &[Value]) -> Vec<u8> {
    let mut body = Vec::new();
    for event in events {
        let name = event["type"].as_str().unwrap_or("message");
        body.extend_from_slice(format!("event: {name}\ndata: ").as_bytes());
        body.extend_from_slice(&api_json(event));
        body.extend_from_slice(b"\n\n");
    }
    body
}

/// `value` as JSON text with each object's `type` first, as the API writes
/// its blocks and events (`serde_json::Value` sorts keys, which would put
/// it last and time a path real responses do not take).
pub fn api_json(value: &Value) -> Vec<u8> {
    serde_json::to_vec(&TypeFirst(value)).unwrap_or_default()
}

struct TypeFirst<'a>(&'a Value);

impl serde::Serialize for TypeFirst<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                if let Some(tag) = fields.get("type") {
                    map.serialize_entry("type", tag)?;
                }
                for (key, value) in fields.iter().filter(|(k, _)| *k != "type") {
                    map.serialize_entry(key, &TypeFirst(value))?;
                }
                map.end()
            }
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&TypeFirst(item))?;
                }
                seq.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// The results file of a batch of `count` requests, one JSON line each:
/// three of four succeeded (with a short message), the rest errored,
/// canceled or expired.
pub fn batch_results_body(count: usize) -> Bytes {
    let message = message_json(2);
    let mut body = Vec::new();
    for i in 0..count {
        let result = match i % 8 {
            5 => json!({"type": "errored", "error": error_json("overloaded_error")}),
            6 => json!({"type": "canceled"}),
            7 => json!({"type": "expired"}),
            _ => json!({"type": "succeeded", "message": message}),
        };
        let line = json!({"custom_id": format!("request-{i:07}"), "result": result});
        serde_json::to_writer(&mut body, &line).expect("serializable");
        body.push(b'\n');
    }
    Bytes::from(body)
}

/// What the [`BenchServer`] answers.
#[derive(Clone)]
pub enum Content {
    /// `GET /v1/models`: pages of models; `after_id` picks the page after
    /// the model with that id.
    Pages {
        per_page: usize,
        bodies: Arc<Vec<Bytes>>,
    },
    /// Any request: this `text/event-stream` body.
    EventStream(Bytes),
    /// Any request: this JSON Lines body, as `application/binary` (what the
    /// API names the results of a batch).
    JsonLines(Bytes),
}

impl Content {
    /// `pages` pre-serialized pages of `per_page` models.
    pub fn pages(pages: usize, per_page: usize) -> Self {
        let bodies = (0..pages)
            .map(|p| models_page_bytes(p, per_page, pages))
            .collect();
        Content::Pages {
            per_page,
            bodies: Arc::new(bodies),
        }
    }
}

/// An HTTP/1.1 server (hyper) on 127.0.0.1, running on its own thread and
/// its own runtime, so its work does not share the client's thread.
pub struct BenchServer {
    pub url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BenchServer {
    pub fn start(content: Content) -> Self {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel::<SocketAddr>();
        let (shutdown, mut stop) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind a local port");
                addr_tx
                    .send(listener.local_addr().expect("local address"))
                    .expect("report the address");
                loop {
                    tokio::select! {
                        _ = &mut stop => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { break };
                            let content = content.clone();
                            tokio::spawn(async move {
                                let service = service_fn(move |request| {
                                    let response = respond(&content, &request);
                                    async move { Ok::<_, Infallible>(response) }
                                });
                                let _ = http1::Builder::new()
                                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                                    .await;
                            });
                        }
                    }
                }
            });
        });
        let addr = addr_rx.recv().expect("the server's address");
        Self {
            url: format!("http://{addr}"),
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn respond<B>(content: &Content, request: &hyper::Request<B>) -> hyper::Response<Full<Bytes>> {
    let (content_type, status, body) = match content {
        Content::Pages { per_page, bodies } => {
            let after = request.uri().query().and_then(|q| {
                q.split('&')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| *k == "after_id")
                    .and_then(|(_, v)| v.strip_prefix("model-"))
                    .and_then(|n| n.parse::<usize>().ok())
            });
            let page = after.map_or(0, |last| (last + 1) / per_page);
            match bodies.get(page) {
                Some(body) if request.uri().path() == "/v1/models" => {
                    ("application/json", 200, body.clone())
                }
                _ => (
                    "application/json",
                    404,
                    Bytes::from(error_json("not_found_error").to_string()),
                ),
            }
        }
        Content::EventStream(body) => ("text/event-stream", 200, body.clone()),
        Content::JsonLines(body) => ("application/binary", 200, body.clone()),
    };
    hyper::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("request-id", "req_bench")
        .body(Full::new(body))
        .expect("a valid response")
}

/// Pagination benchmarks: every item through the client's auto-pagination; how many there were.
pub async fn with_client(client: &anthropic_client::Client, limit: u64) -> usize {
    client
        .models()
        .list()
        .limit(limit)
        .items()
        .try_fold(0usize, |n, model| async move {
            std::hint::black_box(&model);
            Ok(n + 1)
        })
        .await
        .expect("every page arrives")
}

/// The same requests with bare reqwest: send, read, decode, follow `last_id`.
pub async fn with_reqwest(http: &reqwest::Client, url: &str, limit: u64) -> usize {
    let limit = limit.to_string();
    let mut after: Option<String> = None;
    let mut n = 0;
    loop {
        let mut query = vec![("limit", limit.as_str())];
        if let Some(after) = &after {
            query.push(("after_id", after));
        }
        let bytes = http
            .get(format!("{url}/v1/models"))
            .query(&query)
            .header("x-api-key", BENCH_KEY)
            .header("anthropic-version", "2023-06-01")
            .send()
            .await
            .expect("the server answers")
            .error_for_status()
            .expect("a page")
            .bytes()
            .await
            .expect("a body");
        let page: anthropic_client::types::ListModelsResponse =
            serde_json::from_slice(&bytes).expect("a page");
        n += page.data.len();
        for model in page.data {
            std::hint::black_box(&model);
        }
        if !page.has_more {
            return n;
        }
        after = page.last_id;
    }
}
