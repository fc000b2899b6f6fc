//! A scripted HTTP/1.1 server for the streaming tests, for what a mock
//! server cannot do: send a body in chosen pieces (each piece its own HTTP
//! chunk and its own TCP write), wait for the test between pieces, and drop
//! the connection in the middle of a body. Plus the SSE text of realistic
//! Messages streams.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// One step of a scripted response body.
#[derive(Clone, Debug)]
pub enum Step {
    /// Writes these bytes as one HTTP chunk, in one TCP write.
    Chunk(Vec<u8>),
    /// Waits until the test calls `notify_one` on this.
    Wait(Arc<Notify>),
    /// Closes the connection at once, without the final empty chunk.
    Drop,
}

/// What the server answers on one connection.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub steps: Vec<Step>,
}

impl Reply {
    /// A 200 `text/event-stream` reply with `request-id: req_stream`, its
    /// body sent as `steps` (chunked; the final empty chunk follows unless a
    /// step drops the connection).
    pub fn stream(steps: Vec<Step>) -> Self {
        Self {
            status: 200,
            headers: vec![
                (
                    "content-type".into(),
                    "text/event-stream; charset=utf-8".into(),
                ),
                ("request-id".into(), "req_stream".into()),
            ],
            steps,
        }
    }

    /// A 200 event stream whose body is `body` cut into the given pieces.
    pub fn stream_in_pieces(body: &[u8], cuts: &[usize]) -> Self {
        Self::stream(pieces(body, cuts).into_iter().map(Step::Chunk).collect())
    }

    /// A JSON reply with `status`.
    pub fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("request-id".into(), format!("req_{status}")),
                ("retry-after-ms".into(), "1".into()),
            ],
            steps: vec![Step::Chunk(body.to_string().into_bytes())],
        }
    }
}

/// `body` cut at each offset of `cuts` (sorted, within the body).
pub fn pieces(body: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut start = 0;
    for &cut in cuts {
        out.push(body[start..cut].to_vec());
        start = cut;
    }
    out.push(body[start..].to_vec());
    out
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    /// The request line, such as `POST /v1/messages HTTP/1.1`.
    pub line: String,
    /// The headers, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// The value of header `name` (lowercase), when sent once or more.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body, parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

/// The server: the n-th connection gets the n-th reply (the last repeats).
pub struct ScriptedServer {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptedServer {
    pub async fn start(replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let task = tokio::spawn(async move {
            let mut n = 0usize;
            while let Ok((stream, _)) = listener.accept().await {
                let Some(reply) = replies.get(n).or(replies.last()).cloned() else {
                    return;
                };
                n += 1;
                let log = log.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, reply, log).await;
                });
            }
        });
        Self {
            url,
            received,
            task,
        }
    }

    /// The requests received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("server lock").clone()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    reply: Reply,
    log: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    let received = read_request(&mut stream).await?;
    if let Ok(mut log) = log.lock() {
        log.push(received);
    }
    let mut head = format!("HTTP/1.1 {} X\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.flush().await?;
    for step in reply.steps {
        match step {
            Step::Chunk(bytes) => {
                if bytes.is_empty() {
                    // An empty chunk would end the body.
                    continue;
                }
                let mut frame = format!("{:x}\r\n", bytes.len()).into_bytes();
                frame.extend_from_slice(&bytes);
                frame.extend_from_slice(b"\r\n");
                stream.write_all(&frame).await?;
                stream.flush().await?;
            }
            Step::Wait(notify) => notify.notified().await,
            Step::Drop => {
                drop(stream);
                return Ok(());
            }
        }
    }
    stream.write_all(b"0\r\n\r\n").await?;
    stream.shutdown().await
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Received> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Ok(Received {
        line,
        headers,
        body,
    })
}

/// The SSE text of events: `event: <type>` then `data: <json>`, each event
/// ended by a blank line, lines ended by `eol`.
pub fn sse(events: &[Value], eol: &str) -> Vec<u8> {
    let mut out = String::new();
    for event in events {
        let name = event["type"].as_str().unwrap_or("message");
        out.push_str(&format!("event: {name}{eol}data: {event}{eol}{eol}"));
    }
    out.into_bytes()
}

/// The `usage` of a `message_start`, every field present as the API
/// reference lists it.
pub fn start_usage(input_tokens: i64) -> Value {
    json!({
        "input_tokens": input_tokens, "output_tokens": 1,
        "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "server_tool_use": null, "service_tier": "standard", "inference_geo": null
    })
}

pub fn message_start(id: &str) -> Value {
    json!({"type": "message_start", "message": {
        "id": id, "type": "message", "role": "assistant", "content": [],
        "model": "claude-sonnet-4-5-20250929", "stop_reason": null, "stop_sequence": null,
        "usage": start_usage(25)
    }})
}

pub fn block_start(index: usize, block: Value) -> Value {
    json!({"type": "content_block_start", "index": index, "content_block": block})
}

pub fn text_block() -> Value {
    json!({"type": "text", "text": "", "citations": null})
}

pub fn delta(index: usize, delta: Value) -> Value {
    json!({"type": "content_block_delta", "index": index, "delta": delta})
}

pub fn text_delta(index: usize, text: &str) -> Value {
    delta(index, json!({"type": "text_delta", "text": text}))
}

pub fn json_delta(index: usize, partial: &str) -> Value {
    delta(
        index,
        json!({"type": "input_json_delta", "partial_json": partial}),
    )
}

pub fn block_stop(index: usize) -> Value {
    json!({"type": "content_block_stop", "index": index})
}

pub fn message_delta(stop_reason: &str, output_tokens: i64) -> Value {
    json!({"type": "message_delta",
        "delta": {"stop_reason": stop_reason, "stop_sequence": null},
        "usage": {"output_tokens": output_tokens, "input_tokens": 25,
                  "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                  "server_tool_use": null}})
}

pub fn message_stop() -> Value {
    json!({"type": "message_stop"})
}

pub fn ping() -> Value {
    json!({"type": "ping"})
}

/// A text reply: "Hello! " "How can I héłp? ✓🦀" in two deltas, a ping
/// after the block starts.
pub fn text_reply() -> Vec<Value> {
    vec![
        message_start("msg_text"),
        block_start(0, text_block()),
        ping(),
        text_delta(0, "Hello! "),
        text_delta(0, "How can I héłp? ✓🦀"),
        block_stop(0),
        message_delta("end_turn", 15),
        message_stop(),
    ]
}

/// The final message of [`text_reply`].
pub fn text_reply_message() -> Value {
    let mut usage = start_usage(25);
    usage["output_tokens"] = json!(15);
    json!({
        "id": "msg_text", "type": "message", "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [{"type": "text", "text": "Hello! How can I héłp? ✓🦀", "citations": null}],
        "stop_reason": "end_turn", "stop_sequence": null, "usage": usage
    })
}

/// A tool-use reply: some text, then a `get_weather` call whose input
/// arrives as JSON fragments (the first one empty, as the API sends it).
pub fn tool_reply() -> Vec<Value> {
    vec![
        message_start("msg_tool"),
        block_start(0, text_block()),
        text_delta(0, "Okay, let's check the weather for San Francisco, CA:"),
        block_stop(0),
        block_start(
            1,
            json!({"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
                   "name": "get_weather", "input": {}}),
        ),
        json_delta(1, ""),
        json_delta(1, "{\"location\":"),
        json_delta(1, " \"San Fra"),
        json_delta(1, "ncisco, CA\", \"unit\": \"fah"),
        json_delta(1, "renheit\"}"),
        block_stop(1),
        message_delta("tool_use", 89),
        message_stop(),
    ]
}

/// The final message of [`tool_reply`].
pub fn tool_reply_message() -> Value {
    let mut usage = start_usage(25);
    usage["output_tokens"] = json!(89);
    json!({
        "id": "msg_tool", "type": "message", "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [
            {"type": "text", "text": "Okay, let's check the weather for San Francisco, CA:",
             "citations": null},
            {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather",
             "input": {"location": "San Francisco, CA", "unit": "fahrenheit"}}
        ],
        "stop_reason": "tool_use", "stop_sequence": null, "usage": usage
    })
}

/// A reply with extended thinking: a thinking block with its signature,
/// then the answer.
pub fn thinking_reply() -> Vec<Value> {
    vec![
        message_start("msg_think"),
        block_start(
            0,
            json!({"type": "thinking", "thinking": "", "signature": ""}),
        ),
        delta(
            0,
            json!({"type": "thinking_delta", "thinking": "I need to find the GCD of 1071 and 462 "}),
        ),
        delta(
            0,
            json!({"type": "thinking_delta", "thinking": "using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147"}),
        ),
        delta(
            0,
            json!({"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."}),
        ),
        block_stop(0),
        block_start(1, text_block()),
        text_delta(1, "The greatest common divisor of 1071 and 462 is **21**."),
        block_stop(1),
        message_delta("end_turn", 120),
        message_stop(),
    ]
}

/// The final message of [`thinking_reply`].
pub fn thinking_reply_message() -> Value {
    let mut usage = start_usage(25);
    usage["output_tokens"] = json!(120);
    json!({
        "id": "msg_think", "type": "message", "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [
            {"type": "thinking",
             "thinking": "I need to find the GCD of 1071 and 462 using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147",
             "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."},
            {"type": "text", "text": "The greatest common divisor of 1071 and 462 is **21**.",
             "citations": null}
        ],
        "stop_reason": "end_turn", "stop_sequence": null, "usage": usage
    })
}
