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

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use workspace_tests::perf::{
    bench_client, bench_runtime, with_client, with_reqwest, BenchServer, Content,
};

fn round_trip(c: &mut Criterion) {
    let runtime = bench_runtime();
    for (pages, per_page, name) in [
        (10usize, 1000usize, "pagination_10_pages_of_1000"),
        (100, 1, "pagination_100_pages_of_1"),
    ] {
        let server = BenchServer::start(Content::pages(pages, per_page));
        let client = bench_client(&server.url);
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
