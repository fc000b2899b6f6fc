//! The generator: spec to formatted code, for the whole spec and for a spec
//! of one operation (the fixed cost of a generation).
//!
//! Per operation = whole spec / its operation count; `cargo xtask bench`
//! prints it.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn generate(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = root.join("spec/anthropic.yaml");
    let one = root.join("tests/benches/fixtures/one_operation.yaml");
    let operations = codegen::generate(&spec, "spec/anthropic.yaml")
        .expect("the spec generates")
        .stats
        .operations;

    let mut group = c.benchmark_group("generator");
    group.throughput(Throughput::Elements(operations as u64));
    group.bench_function("whole_spec", |b| {
        b.iter(|| black_box(codegen::generate(&spec, "spec/anthropic.yaml").expect("generates")))
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("one_operation_spec", |b| {
        b.iter(|| black_box(codegen::generate(&one, "one_operation.yaml").expect("generates")))
    });
    group.finish();
    println!("generator: the spec has {operations} operations");
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    targets = generate
}
criterion_main!(benches);
