//! Running the crate's examples as child processes against a local server.
//!
//! Each example is built once per test binary with `cargo build -p
//! anthropic-client --example NAME --features full` and run with `ANTHROPIC_API_KEY` (the
//! test key; or the admin key in `ANTHROPIC_ADMIN_KEY`) and
//! `ANTHROPIC_BASE_URL` pointing at the server.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::prism::workspace_root;
use crate::runtime::API_KEY;

/// One of `generated/examples/`, by name.
#[derive(Clone, Copy, Debug)]
pub struct Example(pub &'static str);

/// What a finished run of an example left.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts that stderr has each of `parts`.
    pub fn assert_stderr_has(&self, parts: &[&str]) {
        for part in parts {
            assert!(
                self.stderr.contains(part),
                "stderr lacks {part:?}:\n{}",
                self.stderr
            );
        }
    }
}

impl Example {
    /// The example's binary, built on first use.
    pub fn binary(self) -> PathBuf {
        // Held while building: two tests asking at once wait for one build.
        static BUILT: Mutex<Option<HashMap<&'static str, PathBuf>>> = Mutex::new(None);
        let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
        built
            .get_or_insert_with(HashMap::new)
            .entry(self.0)
            .or_insert_with(|| build(self.0))
            .clone()
    }

    /// The command that runs the example with `args` against `base_url`,
    /// with `key` as the API key (none when `None`) and no admin key.
    pub fn command(self, key: Option<&str>, base_url: &str, args: &[&str]) -> Command {
        self.command_with_keys(key, None, base_url, args)
    }

    /// The command that runs the example with `args` against `base_url`,
    /// with `api_key` in `ANTHROPIC_API_KEY` and `admin_key` in
    /// `ANTHROPIC_ADMIN_KEY` (each unset when `None`, whatever the test's
    /// own environment holds).
    pub fn command_with_keys(
        self,
        api_key: Option<&str>,
        admin_key: Option<&str>,
        base_url: &str,
        args: &[&str],
    ) -> Command {
        let mut cmd = Command::new(self.binary());
        cmd.args(args).env("ANTHROPIC_BASE_URL", base_url);
        for (name, value) in [
            ("ANTHROPIC_API_KEY", api_key),
            ("ANTHROPIC_ADMIN_KEY", admin_key),
        ] {
            match value {
                Some(value) => cmd.env(name, value),
                None => cmd.env_remove(name),
            };
        }
        cmd
    }

    /// Runs the example with `args` against `base_url` (and the test key).
    pub async fn run(self, base_url: &str, args: &[&str]) -> Run {
        self.run_with_env(Some(API_KEY), base_url, args).await
    }

    pub async fn run_with_env(self, key: Option<&str>, base_url: &str, args: &[&str]) -> Run {
        finish(self.command(key, base_url, args)).await
    }

    /// Runs the example with `args` against `base_url`, with these keys
    /// (see [`command_with_keys`](Self::command_with_keys)).
    pub async fn run_with_keys(
        self,
        api_key: Option<&str>,
        admin_key: Option<&str>,
        base_url: &str,
        args: &[&str],
    ) -> Run {
        finish(self.command_with_keys(api_key, admin_key, base_url, args)).await
    }

    /// Starts the example with `args` against `base_url` (and the test key),
    /// its stdout and stderr read as they are written.
    pub fn spawn(self, base_url: &str, args: &[&str]) -> Live {
        let mut child = self
            .command(Some(API_KEY), base_url, args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the example");
        let stdout = child.stdout.take().expect("a piped stdout");
        let stderr = child.stderr.take().expect("a piped stderr");
        Live {
            child: Some(child),
            stdout: Output::read(stdout),
            stderr: Output::read(stderr),
        }
    }
}

/// Runs `cmd` to its end and gives what it left.
async fn finish(mut cmd: Command) -> Run {
    // The mock server answers on this runtime; wait for the child elsewhere.
    let output = tokio::task::spawn_blocking(move || cmd.output().expect("run the example"))
        .await
        .expect("the child's waiter");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn build(name: &str) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args([
            "build",
            "-p",
            "anthropic-client",
            "--example",
            name,
            // As the tests themselves build the crate: every group on.
            "--features",
            "full",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(workspace_root())
        .output()
        .expect("run cargo build");
    assert!(
        output.status.success(),
        "building the example {name} failed:\n{}",
        readable(&String::from_utf8_lossy(&output.stderr))
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the example's executable")
}

/// `stderr` of a failed build, each line cut to a screenful: a failed link
/// prints the linker's whole command line first, and a log that keeps only
/// the start of the message would lose the linker's reason after it.
fn readable(stderr: &str) -> String {
    const WIDTH: usize = 400;
    stderr
        .lines()
        .map(|line| match line.char_indices().nth(WIDTH) {
            Some((cut, _)) => format!("{} [... {} bytes cut]", &line[..cut], line.len() - cut),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sends each piece of `output` as the child writes it, until it closes.
fn forward(mut output: impl Read, sender: mpsc::UnboundedSender<Vec<u8>>) {
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = output.read(&mut buf) {
        if sender.send(buf[..n].to_vec()).is_err() {
            return;
        }
    }
}

/// One output of a running child: what it wrote so far, and the pieces
/// still on their way.
struct Output {
    chunks: mpsc::UnboundedReceiver<Vec<u8>>,
    written: Vec<u8>,
}

impl Output {
    fn read(output: impl Read + Send + 'static) -> Self {
        let (sender, chunks) = mpsc::unbounded_channel();
        std::thread::spawn(move || forward(output, sender));
        Self {
            chunks,
            written: Vec::new(),
        }
    }

    /// Waits until what was written is exactly `expected`, and fails if it
    /// is not within `within`.
    async fn expect(&mut self, name: &str, expected: &str, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        while self.written.len() < expected.len() {
            match tokio::time::timeout_at(deadline, self.chunks.recv()).await {
                Ok(Some(chunk)) => self.written.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        assert_eq!(
            String::from_utf8_lossy(&self.written),
            expected,
            "{name} within {within:?}, while the server holds the rest back"
        );
    }

    /// Everything written, once the child has closed it.
    async fn all(&mut self) -> String {
        while let Some(chunk) = self.chunks.recv().await {
            self.written.extend_from_slice(&chunk);
        }
        String::from_utf8_lossy(&self.written).into_owned()
    }
}

/// A running example whose output the test reads while it runs.
pub struct Live {
    child: Option<Child>,
    stdout: Output,
    stderr: Output,
}

impl Live {
    /// Waits until the child's stdout so far is exactly `expected`, and
    /// fails if it is not within `within` (it wrote something else, or
    /// held its output back).
    pub async fn expect_stdout(&mut self, expected: &str, within: Duration) {
        self.stdout.expect("stdout", expected, within).await;
    }

    /// As [`expect_stdout`](Self::expect_stdout), for stderr.
    pub async fn expect_stderr(&mut self, expected: &str, within: Duration) {
        self.stderr.expect("stderr", expected, within).await;
    }

    /// Waits for the child to exit and gives everything it wrote.
    pub async fn finish(mut self) -> Run {
        let mut child = self.child.take().expect("not finished yet");
        let status = tokio::task::spawn_blocking(move || child.wait())
            .await
            .expect("the child's waiter")
            .expect("wait for the example");
        Run {
            code: status.code(),
            stdout: self.stdout.all().await,
            stderr: self.stderr.all().await,
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        // A test that failed half-way leaves no child behind.
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
