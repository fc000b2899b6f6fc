//! The results of a message batch, read as JSON Lines: peak memory at 1k
//! and 100k results (flat: only the line being received is held), and the
//! time of a whole pass against a hand-written reader (reqwest, a memchr
//! line splitter, serde into `workspace_tests::baseline::BatchResultLine`).
//!
//! Not a criterion bench: a counting global allocator tracks the live bytes
//! of this process and their peak, with the server in a child process (this
//! same binary, started with `--serve N`). Times are the median of per-round
//! ratios over interleaved rounds, so a slow spell of the shared machine
//! hits both sides of a round alike.
//!
//! `cargo bench --bench jsonl_results` runs it in full; without `--bench`
//! (as `cargo test --all-targets` runs benches) it does a small smoke run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anthropic_client::types::{MessageBatchIndividualResponse, MessageBatchResult};
use anthropic_client::Client;
use futures::TryStreamExt;
use workspace_tests::baseline;
use workspace_tests::memory::{peak_during, serve_until_stdin_closes, Counting, ServerProcess};
use workspace_tests::perf::{batch_results_body, bench_client, bench_runtime, Content, BENCH_KEY};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const BATCH: &str = "msgbatch_bench";

struct Side {
    client: Client,
    http: reqwest::Client,
    server: ServerProcess,
    runtime: tokio::runtime::Runtime,
}

impl Side {
    fn new(results: usize) -> Self {
        let server = ServerProcess::start(&[results.to_string()]);
        let client = bench_client(&server.url);
        Self {
            client,
            http: reqwest::Client::new(),
            server,
            runtime: bench_runtime(),
        }
    }

    /// Every result through the client; how many succeeded, and how many in all.
    fn client_pass(&self) -> (usize, usize) {
        self.runtime.block_on(async {
            let lines = self
                .client
                .messages()
                .batches()
                .results(BATCH)
                .send()
                .await
                .expect("the results");
            lines
                .try_fold((0, 0), |(ok, all), line: MessageBatchIndividualResponse| {
                    let succeeded = matches!(line.result, MessageBatchResult::Succeeded(_));
                    black_box(&line);
                    async move { Ok((ok + usize::from(succeeded), all + 1)) }
                })
                .await
                .expect("every line decodes")
        })
    }

    /// The same by hand: send, split the body into lines as it arrives,
    /// decode each with the hand-written types.
    fn baseline_pass(&self) -> (usize, usize) {
        self.runtime.block_on(async {
            let url = format!("{}/v1/messages/batches/{BATCH}/results", self.server.url);
            let mut response = self
                .http
                .get(url)
                .header("x-api-key", BENCH_KEY)
                .header("anthropic-version", "2023-06-01")
                .send()
                .await
                .expect("the server answers");
            let (mut ok, mut all) = (0, 0);
            let mut pending: Vec<u8> = Vec::new();
            let mut decode = |line: &[u8]| {
                if line.is_empty() {
                    return;
                }
                let line: baseline::BatchResultLine =
                    serde_json::from_slice(line).expect("a result");
                ok += usize::from(matches!(
                    line.result,
                    baseline::BatchResult::Succeeded { .. }
                ));
                all += 1;
                black_box(&line);
            };
            while let Some(chunk) = response.chunk().await.expect("the body") {
                pending.extend_from_slice(&chunk);
                let mut start = 0;
                while let Some(end) = memchr::memchr(b'\n', &pending[start..]) {
                    decode(&pending[start..start + end]);
                    start += end + 1;
                }
                pending.drain(..start);
            }
            decode(&pending);
            (ok, all)
        })
    }
}

fn mib(bytes: usize) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The median peak of three passes of `pass`, which must see `results` lines.
fn median_peak(results: usize, pass: &dyn Fn() -> (usize, usize)) -> usize {
    let mut peaks: Vec<usize> = (0..3)
        .map(|_| {
            let ((_, all), peak) = peak_during(pass);
            assert_eq!(all, results);
            peak
        })
        .collect();
    peaks.sort_unstable();
    peaks[1]
}

/// The median over `rounds` of (client time / hand-written time) for one
/// pass, the two timed back to back, in alternating order.
fn interleaved(side: &Side, rounds: usize) -> (f64, Duration, Duration) {
    let time = |f: &dyn Fn() -> (usize, usize)| {
        let start = Instant::now();
        black_box(f());
        start.elapsed()
    };
    let mut ratios = Vec::with_capacity(rounds);
    let (mut ours_total, mut base_total) = (Duration::ZERO, Duration::ZERO);
    for round in 0..rounds {
        let (ours, base) = if round % 2 == 0 {
            let ours = time(&|| side.client_pass());
            (ours, time(&|| side.baseline_pass()))
        } else {
            let base = time(&|| side.baseline_pass());
            (time(&|| side.client_pass()), base)
        };
        ours_total += ours;
        base_total += base;
        ratios.push(ours.as_secs_f64() / base.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let n = rounds as u32;
    (ratios[rounds / 2], ours_total / n, base_total / n)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--serve") {
        let count = args
            .get(1)
            .and_then(|n| n.parse().ok())
            .expect("--serve RESULTS");
        serve_until_stdin_closes(Content::JsonLines(batch_results_body(count)));
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let (few, many, rounds) = if full {
        (1_000, 100_000, 11)
    } else {
        (10, 100, 3)
    };

    println!(
        "jsonl_results_memory: peak live heap during one pass over a batch's results (client side only; median of 3 passes)"
    );
    let mut peaks = Vec::new();
    for results in [few, many] {
        let side = Side::new(results);
        let body = batch_results_body(results).len();
        // Both readers see the same lines, and a first pass warms the pool up.
        assert_eq!(side.client_pass(), side.baseline_pass());
        let client = median_peak(results, &|| side.client_pass());
        let bare = median_peak(results, &|| side.baseline_pass());
        println!(
            "  {results:>7} results ({}): client {:>10}, hand-written {:>10}",
            mib(body),
            mib(client),
            mib(bare)
        );
        peaks.push((client, bare));
    }
    if let (Some(first), Some(last)) = (peaks.first(), peaks.last()) {
        println!(
            "  {many} / {few} results: client {:.2}x, hand-written {:.2}x",
            last.0 as f64 / first.0 as f64,
            last.1 as f64 / first.1 as f64
        );
    }

    println!("jsonl_results_time: client / hand-written, median of {rounds} interleaved rounds");
    for results in [few, many] {
        let side = Side::new(results);
        side.client_pass();
        side.baseline_pass();
        let (ratio, ours, base) = interleaved(&side, rounds);
        println!(
            "  {results:>7} results: client {:>9.3} ms, hand-written {:>9.3} ms, ratio {ratio:.2}x ({:.0} results/s)",
            ours.as_secs_f64() * 1e3,
            base.as_secs_f64() * 1e3,
            results as f64 / ours.as_secs_f64()
        );
    }
}
