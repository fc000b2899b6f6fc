//! Moving a large file through the Files API: upload 1 GiB from disk and
//! download it to a file and to a sink, through the client and through
//! bare reqwest doing the same in the same run, over loopback. Prints the
//! throughput of each side, the ratio ours/bare, and the client side's
//! peak heap during each pass (target: under 64 MiB both ways, whatever
//! the file's size: nothing may hold the file in memory).
//!
//! The server is a hand-rolled hyper server in a child process (this same
//! binary, started with `--serve BYTES`), so only the client's allocations
//! count: it reads an upload's body frame by frame and drops it, and
//! answers a download with `BYTES` bytes streamed from one shared 64 KiB
//! chunk, neither side buffering more than a frame.
//!
//! `cargo bench --bench transfer` runs it at 1 GiB, three interleaved
//! rounds; `TRANSFER_BYTES` sets another size (`64M`, `2G`, or bytes) and
//! `TRANSFER_ROUNDS` another number of rounds. Without `--bench` (as
//! `cargo test --all-targets` runs benches) it does one small smoke round.

use std::convert::Infallible;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anthropic_client::types::FileMetadata;
use anthropic_client::{Client, Upload};
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use tokio::io::AsyncWriteExt;
use workspace_tests::memory::{peak_during, Counting, ServerProcess};
use workspace_tests::perf::{bench_client, bench_runtime, BENCH_KEY};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;
/// The peak heap the client may reach, either way.
const TARGET_PEAK: usize = 64 * 1024 * 1024;
/// The size of the frames the server sends.
const CHUNK: usize = 64 * 1024;
const FILE_ID: &str = "file_bench";

/// `1073741824`, `64M`, `1G`, `512K`: a size in bytes.
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last()? {
        (at, 'K' | 'k') => (&text[..at], 1 << 10),
        (at, 'M' | 'm') => (&text[..at], 1 << 20),
        (at, 'G' | 'g') => (&text[..at], 1 << 30),
        _ => (text, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(unit)
}

// ---- The server (child process) ----

fn serve(size: u64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a server runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port");
        println!(
            "http://{}",
            listener.local_addr().expect("the server's address")
        );
        std::io::stdout().flush().expect("flush the address");
        // Closing stdin (the parent dropping its handle) ends the server.
        let stdin_closed = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
        });
        let accept = async {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let service = service_fn(move |request| answer(request, size));
                    let _ = http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        };
        tokio::select! {
            _ = stdin_closed => {}
            _ = accept => {}
        }
    });
}

type Body = BoxBody<Bytes, hyper::Error>;

async fn answer(
    request: hyper::Request<hyper::body::Incoming>,
    size: u64,
) -> Result<hyper::Response<Body>, Infallible> {
    let response = hyper::Response::builder().header("request-id", "req_bench");
    let path = request.uri().path().to_string();
    if request.method() == hyper::Method::POST && path == "/v1/files" {
        // Read and drop the form frame by frame: the count is all we keep.
        let mut body = request.into_body();
        let mut received = 0u64;
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(frame) => received += frame.data_ref().map_or(0, |d| d.len() as u64),
                Err(_) => break,
            }
        }
        let metadata = serde_json::json!({
            "id": FILE_ID,
            "type": "file",
            "filename": "upload.bin",
            "mime_type": "application/octet-stream",
            // The whole form; the client checks it holds at least the file.
            "size_bytes": received,
            "created_at": "2025-04-15T10:20:30Z",
            "downloadable": false
        });
        let body = Full::new(Bytes::from(metadata.to_string()))
            .map_err(|never| match never {})
            .boxed();
        return Ok(response
            .header("content-type", "application/json")
            .body(body)
            .expect("a valid response"));
    }
    if request.method() == hyper::Method::GET && path == format!("/v1/files/{FILE_ID}/content") {
        let chunk = Bytes::from(vec![0x5a; CHUNK]);
        let whole = size / CHUNK as u64;
        let rest = (size % CHUNK as u64) as usize;
        let frames = (0..whole)
            .map(move |_| chunk.clone())
            .chain((rest > 0).then(|| Bytes::from(vec![0x5a; rest])))
            .map(|data| Ok::<_, hyper::Error>(Frame::data(data)));
        let body = StreamBody::new(futures::stream::iter(frames)).boxed();
        return Ok(response
            .header("content-type", "application/octet-stream")
            .header("content-length", size)
            .body(body)
            .expect("a valid response"));
    }
    let body = Full::new(Bytes::from_static(b"{}"))
        .map_err(|never| match never {})
        .boxed();
    Ok(response.status(404).body(body).expect("a valid response"))
}

// ---- The client side ----

struct Bench {
    client: Client,
    http: reqwest::Client,
    url: String,
    runtime: tokio::runtime::Runtime,
    source: PathBuf,
    out: PathBuf,
    size: u64,
}

/// One way of moving the file, and what it moved.
type Pass = fn(&Bench) -> u64;

impl Bench {
    fn ours_upload(&self) -> u64 {
        self.runtime.block_on(async {
            let file = self
                .client
                .beta()
                .files()
                .upload(Upload::from_path(&self.source))
                .send()
                .await
                .expect("the upload");
            file.size_bytes as u64
        })
    }

    fn bare_upload(&self) -> u64 {
        self.runtime.block_on(async {
            // reqwest's own way to send a file.
            let part = reqwest::multipart::Part::file(&self.source)
                .await
                .expect("open the file");
            self.bare_post(part).await
        })
    }

    /// As a bare reqwest user would tune it: the file read 256 KiB at a
    /// time, as the client reads it.
    fn bare_upload_tuned(&self) -> u64 {
        self.runtime.block_on(async {
            let file = tokio::fs::File::open(&self.source)
                .await
                .expect("open the file");
            let length = file.metadata().await.expect("the file's length").len();
            let stream = tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024);
            let part = reqwest::multipart::Part::stream_with_length(
                reqwest::Body::wrap_stream(stream),
                length,
            )
            .file_name("upload.bin")
            .mime_str("application/octet-stream")
            .expect("a content type");
            self.bare_post(part).await
        })
    }

    async fn bare_post(&self, part: reqwest::multipart::Part) -> u64 {
        let form = reqwest::multipart::Form::new().part("file", part);
        let file: FileMetadata = self
            .http
            .post(format!("{}/v1/files", self.url))
            .header("x-api-key", BENCH_KEY)
            .header("anthropic-version", "2023-06-01")
            .header("anthropic-beta", "files-api-2025-04-14")
            .multipart(form)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("the upload")
            .json()
            .await
            .expect("the metadata");
        file.size_bytes as u64
    }

    fn ours_save(&self) -> u64 {
        let written = self.runtime.block_on(async {
            self.client
                .beta()
                .files()
                .download(FILE_ID)
                .save_to(&self.out)
                .await
                .expect("the download")
        });
        self.check_and_remove_out(written)
    }

    fn bare_save(&self) -> u64 {
        let written = self.runtime.block_on(async {
            let mut file = tokio::fs::File::create(&self.out)
                .await
                .expect("create the file");
            self.bare_download(&mut file).await
        });
        self.check_and_remove_out(written)
    }

    fn ours_sink(&self) -> u64 {
        self.runtime.block_on(async {
            self.client
                .beta()
                .files()
                .download(FILE_ID)
                .write_to(&mut tokio::io::sink())
                .await
                .expect("the download")
        })
    }

    fn bare_sink(&self) -> u64 {
        self.runtime
            .block_on(async { self.bare_download(&mut tokio::io::sink()).await })
    }

    async fn bare_download(&self, writer: &mut (impl tokio::io::AsyncWrite + Unpin)) -> u64 {
        let mut response = self
            .http
            .get(format!("{}/v1/files/{FILE_ID}/content", self.url))
            .header("x-api-key", BENCH_KEY)
            .header("anthropic-version", "2023-06-01")
            .header("anthropic-beta", "files-api-2025-04-14")
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("the download");
        let mut written = 0u64;
        while let Some(chunk) = response.chunk().await.expect("the body") {
            writer.write_all(&chunk).await.expect("write");
            written += chunk.len() as u64;
        }
        writer.flush().await.expect("flush");
        written
    }

    /// The file on disk is as long as what was written; then it goes, so
    /// the next pass starts from the same state.
    fn check_and_remove_out(&self, written: u64) -> u64 {
        let on_disk = std::fs::metadata(&self.out).expect("the saved file").len();
        assert_eq!(on_disk, written, "the file holds what was written");
        std::fs::remove_file(&self.out).expect("remove the saved file");
        written
    }

    /// One timed pass with its peak heap, checked to have moved the file.
    fn measure(&self, pass: Pass, what: &str) -> (Duration, usize) {
        let ((elapsed, moved), peak) = peak_during(|| {
            let start = Instant::now();
            let moved = pass(self);
            (start.elapsed(), moved)
        });
        // An upload's count is the whole form, the file and its framing.
        assert!(
            moved >= self.size && moved < self.size + 4096,
            "{what}: moved {moved} bytes of {}",
            self.size
        );
        (elapsed, peak)
    }
}

/// Writes `size` bytes to `path`, 1 MiB at a time.
fn write_source(path: &Path, size: u64) {
    let block: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n]).expect("write the source file");
        left -= n as u64;
    }
    file.flush().expect("flush the source file");
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn mib(bytes: usize) -> String {
    format!("{:.2} MiB", bytes as f64 / MIB)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--serve") {
        let size = args
            .get(1)
            .and_then(|n| n.parse().ok())
            .expect("--serve BYTES");
        serve(size);
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let size = match std::env::var("TRANSFER_BYTES") {
        Ok(text) => parse_size(&text).expect("TRANSFER_BYTES is a size such as 64M"),
        Err(_) if full => 1 << 30,
        Err(_) => 8 << 20,
    };
    let rounds: usize = match std::env::var("TRANSFER_ROUNDS") {
        Ok(text) => text.parse().expect("TRANSFER_ROUNDS is a number"),
        Err(_) if full => 3,
        Err(_) => 1,
    };

    let dir = tempfile::tempdir().expect("a temporary directory");
    let source = dir.path().join("upload.bin");
    write_source(&source, size);
    let server = ServerProcess::start(&[size.to_string()]);
    let bench = Bench {
        client: bench_client(&server.url),
        http: reqwest::Client::new(),
        url: server.url.clone(),
        runtime: bench_runtime(),
        source,
        out: dir.path().join("download.bin"),
        size,
    };

    let cases: [(&str, Pass, Pass); 4] = [
        (
            "upload from a file (Upload::from_path; bare: reqwest's Part::file)",
            Bench::ours_upload,
            Bench::bare_upload,
        ),
        (
            "upload from a file (Upload::from_path; bare: a 256 KiB ReaderStream)",
            Bench::ours_upload,
            Bench::bare_upload_tuned,
        ),
        (
            "download to a file (save_to; bare: each chunk written to a tokio File)",
            Bench::ours_save,
            Bench::bare_save,
        ),
        (
            "download to a sink (write_to)",
            Bench::ours_sink,
            Bench::bare_sink,
        ),
    ];
    println!(
        "transfer: {} through loopback, median of {rounds} interleaved round(s) (times and ratios); peak heap is the client side's, the highest of the rounds",
        mib(size as usize)
    );
    for (name, ours, bare) in cases {
        let (mut ours_times, mut bare_times) = (Vec::new(), Vec::new());
        let mut ratios = Vec::new();
        let (mut ours_peak, mut bare_peak) = (0, 0);
        for round in 0..rounds {
            // Alternate which goes first, so a slow spell hits both sides.
            let order = if round % 2 == 0 {
                [(true, ours), (false, bare)]
            } else {
                [(false, bare), (true, ours)]
            };
            let (mut ours_time, mut bare_time) = (Duration::ZERO, Duration::ZERO);
            for (is_ours, pass) in order {
                let (elapsed, peak) = bench.measure(pass, name);
                if is_ours {
                    ours_time = elapsed;
                    ours_peak = ours_peak.max(peak);
                } else {
                    bare_time = elapsed;
                    bare_peak = bare_peak.max(peak);
                }
            }
            ours_times.push(ours_time);
            bare_times.push(bare_time);
            // Throughput ours/bare within the round: bare's time over ours.
            ratios.push(bare_time.as_secs_f64() / ours_time.as_secs_f64());
        }
        ratios.sort_by(f64::total_cmp);
        let ratio = ratios[ratios.len() / 2];
        let (ours, bare) = (median(ours_times), median(bare_times));
        let throughput = |t: Duration| size as f64 / MIB / t.as_secs_f64();
        let met = if ours_peak < TARGET_PEAK {
            "met"
        } else {
            "NOT MET"
        };
        println!("  {name}");
        println!(
            "    ours {:>8.1} MiB/s ({:.3} s), bare reqwest {:>8.1} MiB/s ({:.3} s), throughput ours/bare {ratio:.2}x (median of the rounds' ratios)",
            throughput(ours),
            ours.as_secs_f64(),
            throughput(bare),
            bare.as_secs_f64(),
        );
        println!(
            "    peak heap: ours {}, bare reqwest {} (target < {}: {met})",
            mib(ours_peak),
            mib(bare_peak),
            mib(TARGET_PEAK)
        );
    }
    drop(server);
}
