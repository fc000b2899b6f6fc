//! Prism, the OpenAPI mock server, serving the spec for contract tests: the
//! spec's operations, the derived specs Prism can route (one per family of
//! operations), and guards that own the Prism processes.

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

/// Which contract an operation's requests are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Operations at a path key without a query (`/v1/models`).
    Plain,
    /// Operations at a `?beta=true` path key (`/v1/models?beta=true`).
    Beta,
}

impl Operation {
    /// The family whose Prism validates this operation.
    pub fn family(&self) -> Family {
        if self.path.contains('?') {
            Family::Beta
        } else {
            Family::Plain
        }
    }
}

/// The query that marks a beta path key, the only one the spec uses.
const BETA_QUERY: &str = "beta=true";

/// The spec as Prism can serve it: one spec per family of operations.
#[derive(Debug, Clone, PartialEq)]
pub struct PrismSpecs {
    /// Serves every operation of [`Family::Plain`].
    pub plain: Value,
    /// Serves every operation of [`Family::Beta`]; `None` when the spec has
    /// no beta path item (the plain spec then serves everything).
    pub beta: Option<Value>,
}

impl PrismSpecs {
    /// The spec that serves `family`.
    pub fn of(&self, family: Family) -> &Value {
        match (family, &self.beta) {
            (Family::Beta, Some(beta)) => beta,
            _ => &self.plain,
        }
    }
}

/// The spec as Prism can serve it, or why it cannot be derived.
///
/// Prism routes on the path alone: it does not route a path key with a
/// query (`/v1/models?beta=true`), and it ignores query parameters the
/// operation does not declare. The beta form of an operation has its own
/// contract (`BetaMessageCreateParams`, its own header parameters), so it
/// cannot be checked against its plain twin. Hence two specs:
/// - the plain spec: every `?beta=true` path item dropped;
/// - the beta spec (only when the spec has a `?beta=true` path item): each
///   `?beta=true` path item, whole, in place of its plain twin under the
///   plain path (`/v1/models?beta=true` served as `/v1/models`), or added
///   under it when it has no twin; path items without a beta twin stay.
///   The client still sends `beta=true`, which Prism ignores.
///
/// Each operation is validated by the Prism of its [`Family`]. A path key
/// with any other query cannot be served either way, and is refused.
///
/// In both specs:
/// - Prism 5.14.2 crashes (`value.split` of undefined, in its `simple` style
///   deserializer) on a request that omits an optional header parameter whose
///   schema is an array. Such a header (`anthropic-beta`: a comma-separated
///   list of open strings) is declared as a plain string instead, which it
///   is on the wire.
/// - Prism 5.14.2, listing the operations it serves at startup, rewrites
///   the name of every `form` query parameter with `encodeURI`
///   (`group_by[]` becomes `group_by%5B%5D`) in the operation it then
///   validates against, while it reads the request's query decoded: such a
///   parameter is never found, so its values go unchecked (and a required
///   one would always be missing). Such a parameter is declared
///   `style: simple` instead (explode as before): Prism reads a `simple`
///   query parameter exactly as a `form` one, and renames only `form` ones.
/// - A JSON Lines answer (`application/x-jsonl`) is also offered as
///   `application/json`: Prism has no serializer for JSON Lines, nor one
///   that writes an object as `application/binary` (what the client asks
///   for, as the API answers), but its compact JSON of one example is one
///   valid line. The contract case asks for it.
/// - A binary answer (`{type: string, format: binary}`, the file download's
///   `application/octet-stream`) is also offered as `application/binary`,
///   which the client asks for (as the official SDKs do): Prism answers
///   406 to an `accept` the operation does not declare, and writes a string
///   example as is under any media type.
/// - An array property of a `multipart/form-data` body (`files[]`, one part
///   per file) is given the encoding `style: form, explode: true,
///   allowReserved: true` (else Prism rejects a file holding `/`, `:`,
///   `=`, ... as "reserved characters", as in a URL-encoded form). Prism
///   reads a form into one string per part name (the last part of a
///   repeated name wins) and reads a value as an array only for a property
///   with such an encoding; without it, it rejects every upload of files
///   with "`files[]` must be array". It so checks that the parts are there
///   and named right, not how many there are.
pub fn derive_for_prism(spec: &Value) -> Result<PrismSpecs, String> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_mapping)
        .ok_or("the spec has no paths")?;
    let mut betas = Vec::new();
    for key in paths.keys() {
        let key = key.as_str().ok_or("a path key is not a string")?;
        let Some((plain, query)) = key.split_once('?') else {
            continue;
        };
        if query != BETA_QUERY {
            return Err(format!(
                "`{key}`: Prism cannot route a query in a path key, and only `?{BETA_QUERY}` \
                 has a family of its own"
            ));
        }
        betas.push((key.to_string(), plain.to_string()));
    }
    let mut plain = spec.clone();
    let plain_paths = paths_mut(&mut plain)?;
    for (key, _) in &betas {
        plain_paths.shift_remove(key.as_str());
    }
    let beta = if betas.is_empty() {
        None
    } else {
        let mut beta = spec.clone();
        let beta_paths = paths_mut(&mut beta)?;
        for (key, twin) in &betas {
            let item = beta_paths
                .shift_remove(key.as_str())
                .ok_or_else(|| format!("`{key}` vanished"))?;
            // `insert` keeps the twin's place in the map.
            beta_paths.insert(twin.as_str().into(), item);
        }
        Some(workarounds(beta)?)
    };
    Ok(PrismSpecs {
        plain: workarounds(plain)?,
        beta,
    })
}

fn paths_mut(spec: &mut Value) -> Result<&mut Mapping, String> {
    spec.get_mut("paths")
        .and_then(Value::as_mapping_mut)
        .ok_or_else(|| "the spec has no paths".to_string())
}

/// The workarounds of Prism's limitations every derived spec needs.
fn workarounds(mut spec: Value) -> Result<Value, String> {
    if let Some(params) = spec
        .get_mut("components")
        .and_then(|c| c.get_mut("parameters"))
        .and_then(Value::as_mapping_mut)
    {
        params.values_mut().for_each(fix_parameter);
    }
    let schemas = spec["components"]["schemas"].clone();
    for item in paths_mut(&mut spec)?.values_mut() {
        let Some(item) = item.as_mapping_mut() else {
            continue;
        };
        for (key, value) in item.iter_mut() {
            offer_answers_as_asked(value);
            encode_file_arrays(value, &schemas)?;
            // The path item's own `parameters`, or an operation's.
            let list = if key.as_str() == Some("parameters") {
                value.as_sequence_mut()
            } else {
                value.get_mut("parameters").and_then(Value::as_sequence_mut)
            };
            if let Some(list) = list {
                list.iter_mut().for_each(fix_parameter);
            }
        }
    }
    Ok(spec)
}

/// Declares an array header parameter as a string, and a query parameter
/// whose name `encodeURI` changes as `style: simple`.
fn fix_parameter(param: &mut Value) {
    let place = param
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let is_array = param
        .get("schema")
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        == Some("array");
    let changed_by_encode_uri = !param
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ";,/?:@&=+$-_.!~*'()#".contains(c));
    let Some(map) = param.as_mapping_mut() else {
        return;
    };
    if place == "header" && is_array {
        let mut schema = Mapping::new();
        schema.insert("type".into(), "string".into());
        map.insert("schema".into(), Value::Mapping(schema));
        map.remove("style");
        map.remove("explode");
    }
    let is_form = map
        .get("style")
        .is_none_or(|style| style.as_str() == Some("form"));
    if place == "query" && changed_by_encode_uri && is_form {
        map.insert("style".into(), "simple".into());
        // `form`'s default, which `simple` does not share.
        if !map.contains_key("explode") {
            map.insert("explode".into(), true.into());
        }
    }
}

/// Adds `application/json` beside every `application/x-jsonl` content of
/// an operation's responses, and `application/binary` beside every binary
/// one.
fn offer_answers_as_asked(operation: &mut Value) {
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
        let bytes = content
            .values()
            .find(|media| is_binary(&media["schema"]))
            .cloned();
        if let Some(bytes) = bytes {
            content.insert("application/binary".into(), bytes);
        }
    }
}

fn is_binary(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("binary")
}

/// Declares each array property of a `multipart/form-data` body (one part
/// per item, such as `files[]`) as `style: form, explode: true`, the one
/// way Prism reads a part as an array.
fn encode_file_arrays(operation: &mut Value, schemas: &Value) -> Result<(), String> {
    let Some(form) = operation
        .get_mut("requestBody")
        .and_then(|body| body.get_mut("content"))
        .and_then(|content| content.get_mut("multipart/form-data"))
        .and_then(Value::as_mapping_mut)
    else {
        return Ok(());
    };
    let mut schema = form.get("schema").cloned().unwrap_or_default();
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| format!("a form's schema is `{reference}`, not a named schema"))?;
        schema = schemas
            .get(name)
            .cloned()
            .ok_or_else(|| format!("`{reference}` names no schema"))?;
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_mapping) else {
        return Ok(());
    };
    let mut encoding = Mapping::new();
    for (name, property) in properties {
        if property.get("type").and_then(Value::as_str) == Some("array") {
            let mut style = Mapping::new();
            style.insert("style".into(), "form".into());
            style.insert("explode".into(), true.into());
            style.insert("allowReserved".into(), true.into());
            encoding.insert(name.clone(), Value::Mapping(style));
        }
    }
    if !encoding.is_empty() {
        form.insert("encoding".into(), Value::Mapping(encoding));
    }
    Ok(())
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
    /// on a free port, and waits until it answers.
    pub fn start(spec: &Value) -> Self {
        let mut prism = Self::spawn(spec);
        prism.wait_ready(READY_LIMIT);
        prism
    }

    /// Starts Prism without waiting for it.
    fn spawn(spec: &Value) -> Self {
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
        Self {
            child,
            port,
            log,
            _dir: dir,
        }
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

/// How long Prism may take to load a spec and answer.
const READY_LIMIT: Duration = Duration::from_secs(90);

/// A Prism per family of [`PrismSpecs`]: one when the spec has no beta path
/// item, else two, started side by side.
pub struct Prisms {
    plain: Prism,
    beta: Option<Prism>,
}

impl Prisms {
    pub fn start(specs: &PrismSpecs) -> Self {
        let mut plain = Prism::spawn(&specs.plain);
        let mut beta = specs.beta.as_ref().map(Prism::spawn);
        plain.wait_ready(READY_LIMIT);
        if let Some(beta) = &mut beta {
            beta.wait_ready(READY_LIMIT);
        }
        Self { plain, beta }
    }

    /// The Prism that validates the operations of `family`.
    pub fn of(&self, family: Family) -> &Prism {
        match (family, &self.beta) {
            (Family::Beta, Some(beta)) => beta,
            _ => &self.plain,
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
