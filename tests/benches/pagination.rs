//! Auto-pagination round trip: every item of P pages from an in-process
//! HTTP server (hyper, 127.0.0.1, pre-serialized pages), through the client's
//! `items()` (`generated`) against the same requests made with bare reqwest
//! and serde_json, following `last_id` by hand (`baseline`).
//!
//! Both sides decode into the same generated `ListModelsResponse`, so the
//! ratio is the client's own per-request overhead: headers, the retry loop,
//! the bounded body read, the response wrapper and the page stream. Two
//! shapes: pages of 1000 models (the overhead against real work), and pages
//! of one model (the fixed cost of a request, nearly nothing else).

use std::hint::black_box;
use std::time::Duration;

use anthropic_client::{types, Client};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use futures::TryStreamExt;
use workspace_tests::perf::{BenchServer, Content};

/// Every item through the client's auto-pagination; how many there were.
async fn with_client(client: &Client, limit: u64) -> usize {
    client
        .models()
        .list()
        .limit(limit)
        .items()
        .try_fold(0usize, |n, model| async move {
            black_box(&model);
            Ok(n + 1)
        })
        .await
        .expect("every page arrives")
}

/// The same requests with bare reqwest: send, read, decode, follow `last_id`.
async fn with_reqwest(http: &reqwest::Client, url: &str, limit: u64) -> usize {
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
            .header("x-api-key", "bench-key")
            .header("anthropic-version", "2023-06-01")
            .send()
            .await
            .expect("the server answers")
            .error_for_status()
            .expect("a page")
            .bytes()
            .await
            .expect("a body");
        let page: types::ListModelsResponse = serde_json::from_slice(&bytes).expect("a page");
        n += page.data.len();
        for model in page.data {
            black_box(&model);
        }
        if !page.has_more {
            return n;
        }
        after = page.last_id;
    }
}

fn round_trip(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    for (pages, per_page, name) in [
        (10usize, 1000usize, "pagination_10_pages_of_1000"),
        (100, 1, "pagination_100_pages_of_1"),
    ] {
        let server = BenchServer::start(Content::pages(pages, per_page));
        let client = Client::builder()
            .api_key("bench-key")
            .base_url(&server.url)
            .build()
            .expect("a client");
        let http = reqwest::Client::new();
        let limit = per_page as u64;
        let items = pages * per_page;
        assert_eq!(runtime.block_on(with_client(&client, limit)), items);
        assert_eq!(
            runtime.block_on(with_reqwest(&http, &server.url, limit)),
            items
        );

        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(pages as u64));
        group.bench_function("generated", |b| {
            b.iter(|| runtime.block_on(with_client(&client, limit)))
        });
        group.bench_function("baseline", |b| {
            b.iter(|| runtime.block_on(with_reqwest(&http, &server.url, limit)))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = round_trip
}
criterion_main!(benches);
