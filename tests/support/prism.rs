//! Prism, the OpenAPI mock server, serving the spec for contract tests: the
//! spec's operations, the derived spec Prism can route, and a guard that
//! owns the Prism process.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_yaml::{Mapping, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lies inside the workspace")
        .to_path_buf()
}

/// The spec the client is generated from, parsed.
pub fn load_spec() -> Value {
    let path = workspace_root().join("spec/anthropic.yaml");
    let text = std::fs::read_to_string(&path).expect("read spec/anthropic.yaml");
    serde_yaml::from_str(&text).expect("spec/anthropic.yaml is YAML")
}

/// One operation of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub id: String,
    pub method: String,
    /// The path key as the spec writes it, query included (`/v1/models?beta=true`).
    pub path: String,
}

/// Every operation of the spec, in the spec's order.
pub fn operations(spec: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_mapping) else {
        return out;
    };
    for (path, item) in paths {
        let path = path.as_str().expect("path keys are strings").to_string();
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
                out.push(Operation {
                    id: id.to_string(),
                    method: method.to_string(),
                    path: path.clone(),
                });
            }
        }
    }
    out
}

/// The spec as Prism can serve it, or why it cannot be derived:
/// - Prism does not route a path key with a query (`/v1/models?beta=true`),
///   so such a path item is dropped. Its plain twin (the key without the
///   query) must exist with the same methods and the same parameters, so the
///   requests of the dropped operations are validated against an equal
///   contract (the client sends the query as well; Prism ignores unknown
///   query parameters).
/// - Prism 5.14.2 crashes (`value.split` of undefined, in its `simple` style
///   deserializer) on a request that omits an optional header parameter whose
///   schema is an array. Such a header (`anthropic-beta`: a comma-separated
///   list of open strings) is declared as a plain string instead, which it
///   is on the wire.
/// - A JSON Lines answer (`application/x-jsonl`) is also offered as
///   `application/json`: Prism has no serializer for JSON Lines (nor for
///   `application/binary`, which the API answers with), but its compact
///   JSON of one example is one valid line. The contract case asks for it.
pub fn derive_for_prism(spec: &Value) -> Result<Value, String> {
    let mut derived = spec.clone();
    let paths = derived
        .get_mut("paths")
        .and_then(Value::as_mapping_mut)
        .ok_or("the spec has no paths")?;
    let with_query: Vec<String> = paths
        .keys()
        .filter_map(Value::as_str)
        .filter(|k| k.contains('?'))
        .map(str::to_string)
        .collect();
    for key in &with_query {
        let plain = key.split('?').next().unwrap_or_default();
        let item = &paths[key.as_str()];
        let twin = paths
            .get(plain)
            .ok_or_else(|| format!("`{key}` has no plain twin `{plain}` to stand in for it"))?;
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let twin_op = twin
                .get(method)
                .ok_or_else(|| format!("`{plain}` has no {method} like `{key}`"))?;
            if op.get("parameters") != twin_op.get("parameters") {
                return Err(format!(
                    "{method} `{key}` and `{plain}` take different parameters"
                ));
            }
        }
        paths.remove(key.as_str());
    }
    // Array header parameters become strings, wherever they are declared.
    let mut fix = |param: &mut Value| {
        let is_header = param.get("in").and_then(Value::as_str) == Some("header");
        let is_array = param
            .get("schema")
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
            == Some("array");
        if is_header && is_array {
            if let Some(map) = param.as_mapping_mut() {
                let mut schema = Mapping::new();
                schema.insert("type".into(), "string".into());
                map.insert("schema".into(), Value::Mapping(schema));
                map.remove("style");
                map.remove("explode");
            }
        }
    };
    if let Some(params) = derived
        .get_mut("components")
        .and_then(|c| c.get_mut("parameters"))
        .and_then(Value::as_mapping_mut)
    {
        params.values_mut().for_each(&mut fix);
    }
    if let Some(paths) = derived.get_mut("paths").and_then(Value::as_mapping_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_mapping_mut() else {
                continue;
            };
            for (key, value) in item.iter_mut() {
                offer_json_lines_as_json(value);
                // The path item's own `parameters`, or an operation's.
                let list = if key.as_str() == Some("parameters") {
                    value.as_sequence_mut()
                } else {
                    value.get_mut("parameters").and_then(Value::as_sequence_mut)
                };
                if let Some(list) = list {
                    list.iter_mut().for_each(&mut fix);
                }
            }
        }
    }
    Ok(derived)
}

/// Adds `application/json` beside every `application/x-jsonl` content of
/// an operation's responses.
fn offer_json_lines_as_json(operation: &mut Value) {
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_mapping_mut)
    else {
        return;
    };
    for response in responses.values_mut() {
        let Some(content) = response.get_mut("content").and_then(Value::as_mapping_mut) else {
            continue;
        };
        if let Some(lines) = content.get("application/x-jsonl").cloned() {
            content.insert("application/json".into(), lines);
        }
    }
}

/// A running Prism mock server; killed when dropped, even when a test panics.
pub struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Prism {
    /// The Prism the project's `cargo xtask test` installs.
    pub fn binary() -> PathBuf {
        workspace_root().join("tests/tools/node_modules/.bin/prism")
    }

    /// Starts `prism mock --errors` on `spec` (written to a temporary file)
    /// on a free port, and waits until it accepts connections.
    pub fn start(spec: &Value) -> Self {
        let binary = Self::binary();
        assert!(
            binary.exists(),
            "Prism is not installed at {}: run `cargo xtask test`, which installs the pinned \
             tools (`npm ci` in tests/tools), or run `npm ci` there yourself",
            binary.display()
        );
        let dir = tempfile::tempdir().expect("a temporary directory");
        let spec_path = dir.path().join("prism-spec.json");
        let json = serde_json::to_string_pretty(spec).expect("the derived spec serializes");
        std::fs::write(&spec_path, json).expect("write the derived spec");
        let log = dir.path().join("prism.log");
        let out = File::create(&log).expect("create the Prism log");
        let err = out.try_clone().expect("clone the log handle");
        let port = free_port();
        let child = Command::new(&binary)
            .arg("mock")
            .arg(&spec_path)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--errors",
            ])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let mut prism = Self {
            child,
            port,
            log,
            _dir: dir,
        };
        prism.wait_ready(Duration::from_secs(60));
        prism
    }

    fn wait_ready(&mut self, limit: Duration) {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "Prism exited with {status} before listening:\n{}",
                    self.log()
                );
            }
            // Listening is not enough: Prism may accept a connection before
            // it answers HTTP, so it is ready when it answers a request.
            if answers_http(&addr) {
                return;
            }
            if start.elapsed() > limit {
                panic!("Prism did not listen within {limit:?}:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The base URL Prism serves.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// What Prism logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- Prism log ---\n{}", self.log());
        }
    }
}

/// Whether a server at `addr` answers an HTTP request with a status line.
fn answers_http(addr: &SocketAddr) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect_timeout(addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let probe = b"GET /__ready HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n";
    if stream.write_all(probe).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    matches!(stream.read(&mut head), Ok(n) if n >= 8 && head.starts_with(b"HTTP/"))
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}
