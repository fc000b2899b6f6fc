//! Peak memory of auto-pagination, 10 pages against 1000 pages of 1000
//! models, and the per-request overhead measured in interleaved rounds.
//!
//! Not a criterion bench: a counting global allocator tracks the live bytes
//! of this process and their peak. The server runs in a child process (this
//! same binary, started with `--serve`), so only the client's allocations
//! count. The peak is taken over one full pass of `items()` (and of the bare
//! reqwest loop, for reference); "flat" means the 1000-page peak is the
//! 10-page peak, give or take noise, since only one page is held at a time.
//!
//! The interleaved rounds answer the noise of a shared machine: each round
//! times the client and the bare reqwest loop back to back over the same
//! pages, and the figure is the median of the per-round ratios, so a slow
//! spell hits both sides of a round alike.
//!
//! `cargo bench --bench pagination_memory` runs it in full; without
//! `--bench` (as `cargo test --all-targets` runs benches) it does a small
//! smoke run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anthropic_client::Client;
use workspace_tests::memory::{
    live_bytes, peak_during, serve_until_stdin_closes, Counting, ServerProcess,
};
use workspace_tests::perf::{bench_client, bench_runtime, with_client, with_reqwest, Content};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `--serve PAGES PER_PAGE`: serve until stdin closes.
fn serve(args: &[String]) {
    let number = |i: usize| -> usize {
        args.get(i)
            .and_then(|a| a.parse().ok())
            .expect("--serve PAGES PER_PAGE")
    };
    serve_until_stdin_closes(Content::pages(number(0), number(1)));
}

struct Side {
    client: Client,
    http: reqwest::Client,
    server: ServerProcess,
    runtime: tokio::runtime::Runtime,
}

impl Side {
    fn new(pages: usize, per_page: usize) -> Self {
        let server = ServerProcess::start(&[pages.to_string(), per_page.to_string()]);
        let client = bench_client(&server.url);
        Self {
            client,
            http: reqwest::Client::new(),
            server,
            runtime: bench_runtime(),
        }
    }

    fn client_pass(&self, limit: u64) -> usize {
        self.runtime.block_on(with_client(&self.client, limit))
    }

    fn reqwest_pass(&self, limit: u64) -> usize {
        self.runtime
            .block_on(with_reqwest(&self.http, &self.server.url, limit))
    }
}

fn mib(bytes: usize) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Peak live bytes during one full pass (the median of three passes), and
/// the live bytes a pass leaves behind, for the client and for bare reqwest.
struct Footprint {
    client_peak: usize,
    client_left: isize,
    bare_peak: usize,
}

fn memory(pages: usize, per_page: usize) -> Footprint {
    let side = Side::new(pages, per_page);
    let items = pages * per_page;
    let limit = per_page as u64;
    // A first pass warms the connection pool and its buffers up.
    assert_eq!(side.client_pass(limit), items);
    assert_eq!(side.reqwest_pass(limit), items);
    let median = |pass: &dyn Fn() -> usize| {
        let mut peaks: Vec<usize> = (0..3)
            .map(|_| {
                let (n, peak) = peak_during(pass);
                assert_eq!(n, items);
                peak
            })
            .collect();
        peaks.sort_unstable();
        peaks[1]
    };
    let before = live_bytes();
    let client_peak = median(&|| side.client_pass(limit));
    let client_left = live_bytes() as isize - before as isize;
    let bare_peak = median(&|| side.reqwest_pass(limit));
    Footprint {
        client_peak,
        client_left,
        bare_peak,
    }
}

/// The median over `rounds` of (client time / reqwest time) for one pass
/// over `pages` pages, the two timed back to back, in alternating order.
fn interleaved(pages: usize, per_page: usize, rounds: usize) -> (f64, Duration, Duration) {
    let side = Side::new(pages, per_page);
    let limit = per_page as u64;
    for _ in 0..3 {
        side.client_pass(limit);
        side.reqwest_pass(limit);
    }
    let time = |f: &dyn Fn() -> usize| {
        let start = Instant::now();
        black_box(f());
        start.elapsed()
    };
    let mut ratios = Vec::with_capacity(rounds);
    let (mut ours_total, mut base_total) = (Duration::ZERO, Duration::ZERO);
    for round in 0..rounds {
        let (ours, base) = if round % 2 == 0 {
            let ours = time(&|| side.client_pass(limit));
            (ours, time(&|| side.reqwest_pass(limit)))
        } else {
            let base = time(&|| side.reqwest_pass(limit));
            (time(&|| side.client_pass(limit)), base)
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
        serve(&args[1..]);
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let (few, mid, many, per_page, rounds) = if full {
        (10, 100, 1000, 1000, 41)
    } else {
        (2, 3, 5, 10, 3)
    };

    println!("pagination_memory: peak live heap during one pass over pages of {per_page} models (client side only; median of 3 passes)");
    let mut footprints = Vec::new();
    for pages in [few, mid, many] {
        let f = memory(pages, per_page);
        println!(
            "  {pages:>5} pages: client items() {:>10}, bare reqwest {:>10}; the client holds {:+} bytes more after the passes",
            mib(f.client_peak),
            mib(f.bare_peak),
            f.client_left
        );
        footprints.push(f);
    }
    if let (Some(first), Some(last)) = (footprints.first(), footprints.last()) {
        println!(
            "  {many} pages / {few} pages: client {:.2}x, bare reqwest {:.2}x",
            last.client_peak as f64 / first.client_peak as f64,
            last.bare_peak as f64 / first.bare_peak as f64
        );
    }

    println!("pagination_overhead: client / bare reqwest, median of {rounds} interleaved rounds");
    for (pages, per_page) in [(10, per_page), (if full { 100 } else { 5 }, 1)] {
        let (ratio, ours, base) = interleaved(pages, per_page, rounds);
        println!(
            "  {pages:>4} pages of {per_page:>4}: client {:>9.3} ms/page, reqwest {:>9.3} ms/page, ratio {ratio:.2}x",
            ours.as_secs_f64() * 1e3 / pages as f64,
            base.as_secs_f64() * 1e3 / pages as f64,
        );
    }
}
