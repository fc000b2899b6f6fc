//! Measuring a benchmark's heap: a counting global allocator (each bench
//! binary installs it with `#[global_allocator]`), the peak of live bytes
//! while some code runs, and a server in a child process, so that only the
//! client's allocations count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::perf::{BenchServer, Content};

/// A global allocator that counts live bytes and their peak.
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

/// The bytes live now (as counted by [`Counting`], when installed).
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The peak of live bytes above the level at the start, while `run` runs.
pub fn peak_during<T>(run: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let out = run();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(start))
}

/// A [`BenchServer`] in a child process: this same binary, started with
/// `--serve` and the given arguments, which calls
/// [`serve_until_stdin_closes`].
pub struct ServerProcess {
    child: Child,
    pub url: String,
}

impl ServerProcess {
    pub fn start(args: &[String]) -> Self {
        let exe = std::env::current_exe().expect("this binary's path");
        let mut child = Command::new(exe)
            .arg("--serve")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let stdout = child.stdout.take().expect("the child's stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server's address");
        Self {
            child,
            url: line.trim().to_string(),
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Closing its stdin tells the server to exit.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The child's side of [`ServerProcess`]: serves `content`, prints its
/// address, and returns when stdin closes.
pub fn serve_until_stdin_closes(content: Content) {
    let server = BenchServer::start(content);
    println!("{}", server.url);
    std::io::stdout().flush().expect("flush the address");
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}
