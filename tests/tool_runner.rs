//! The tool runner (`client.messages().tool_runner(..)`) against wiremock:
//! the requests of each turn as they go on the wire, the replies it yields,
//! the conversation it ends with, and how it answers calls that fail.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anthropic_client::types::{self, Message, StopReason};
use anthropic_client::{Error, ToolRunnerStream};
use futures::{Future, StreamExt};
use serde_json::{json, Map, Value};
use tokio::sync::Barrier;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use workspace_tests::messages::{body_json, received, to_json, user};
use workspace_tests::runtime::{client, error_body};

const MODEL: &str = "claude-sonnet-4-5-20250929";

/// How long a test may take before it is deemed stuck (a handler waiting
/// for a call that never runs beside it).
const STUCK: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Answers the n-th request with the n-th answer, and every request after
/// the last answer with the last one.
struct Answers {
    answers: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Respond for Answers {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        self.answers[n.min(self.answers.len() - 1)].clone()
    }
}

/// A server answering `POST /v1/messages` with `answers`, in order.
async fn serve(answers: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(Answers {
            answers,
            next: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    server
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A reply body with these content blocks.
fn reply(id: &str, stop_reason: &str, content: Value) -> Value {
    json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": {"input_tokens": 100, "output_tokens": 20}
    })
}

fn tool_use(id: &str, name: &str, input: Value) -> Value {
    json!({"type": "tool_use", "id": id, "name": name, "input": input})
}

fn text(text: &str) -> Value {
    json!({"type": "text", "text": text})
}

/// The `Message` a reply body decodes to.
fn message(body: &Value) -> Message {
    serde_json::from_value(body.clone()).expect("a valid reply")
}

/// A `tool_result` block as it goes on the wire.
fn result(id: &str, content: Value) -> Value {
    json!({"type": "tool_result", "tool_use_id": id, "content": content})
}

fn error_result(id: &str, content: &str) -> Value {
    json!({"type": "tool_result", "tool_use_id": id, "content": content, "is_error": true})
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not a JSON object: {other}"),
    }
}

/// A custom tool taking an object with these properties, all required.
fn tool(name: &str, description: &str, properties: Value) -> types::Tool {
    let required: Vec<String> = object(properties.clone()).keys().cloned().collect();
    let schema = types::ToolInputSchema::new()
        .properties(object(properties))
        .required(required);
    types::Tool::new(name, schema).description(description)
}

fn weather_tool() -> types::Tool {
    tool(
        "get_weather",
        "The weather in a city",
        json!({"city": {"type": "string"}}),
    )
}

/// The JSON of [`weather_tool`].
fn weather_tool_json() -> Value {
    json!({
        "name": "get_weather",
        "description": "The weather in a city",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    })
}

/// A request asking `question`, with no tools.
fn params(question: &str) -> types::MessageCreateParams {
    types::MessageCreateParams::new(MODEL, 1024, vec![user(question)])
}

#[derive(serde::Deserialize)]
struct WeatherInput {
    city: String,
}

/// Every item of the stream, under [`STUCK`].
async fn drain(stream: &mut ToolRunnerStream<'_>) -> Vec<Result<Message, Error>> {
    within(async {
        let mut items = Vec::new();
        while let Some(item) = stream.next().await {
            items.push(item);
        }
        items
    })
    .await
}

async fn within<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(STUCK, future)
        .await
        .expect("the runner got stuck")
}

/// The messages of each request the server received.
async fn sent_messages(server: &MockServer) -> Vec<Value> {
    received(server)
        .await
        .iter()
        .map(|request| body_json(request)["messages"].clone())
        .collect()
}

// ---------------------------------------------------------------------------
// The whole loop
// ---------------------------------------------------------------------------

/// Two turns of tool calls (the second with two calls, run concurrently),
/// then the answer: each request on the wire, each reply yielded, and the
/// conversation at the end.
#[tokio::test]
async fn two_tool_turns_then_an_answer() {
    let first = reply(
        "msg_1",
        "tool_use",
        json!([
            {"type": "thinking", "thinking": "Paris first.", "signature": "sig-1"},
            text("Let me look."),
            tool_use("toolu_1", "get_weather", json!({"city": "Paris"}))
        ]),
    );
    let second = reply(
        "msg_2",
        "tool_use",
        json!([
            tool_use("toolu_2", "get_time", json!({"zone": "CET"})),
            tool_use("toolu_3", "get_photo", json!({"city": "Oslo"}))
        ]),
    );
    let last = reply(
        "msg_3",
        "end_turn",
        json!([text("Paris is sunny; it is noon.")]),
    );
    let server = serve(vec![
        ok(first.clone()),
        ok(second.clone()),
        ok(last.clone()),
    ])
    .await;
    let client = client(&server.uri());

    // `get_time` and `get_photo` each wait for the other: they finish only
    // if they run at the same time. `get_time` then finishes last, so the
    // order of the results is the order of the calls, not of their ends.
    let both = Arc::new(Barrier::new(2));
    let (time_barrier, photo_barrier) = (both.clone(), both);
    let mut stream = client
        .messages()
        .tool_runner(params("Weather in Paris, time, photo of Oslo?"))
        .tool(weather_tool(), |input: WeatherInput| async move {
            Ok::<_, String>(format!("{}: sunny, 15 degrees", input.city))
        })
        .tool(
            tool("get_time", "The time", json!({"zone": {"type": "string"}})),
            move |input: Value| {
                let barrier = time_barrier.clone();
                async move {
                    barrier.wait().await;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok::<_, String>(json!({"zone": input["zone"], "time": "12:00"}))
                }
            },
        )
        .tool(
            tool("get_photo", "A photo", json!({"city": {"type": "string"}})),
            move |input: WeatherInput| {
                let barrier = photo_barrier.clone();
                async move {
                    barrier.wait().await;
                    let caption = format!("a photo of {}", input.city);
                    let block = types::TextBlockParam::new(caption);
                    Ok::<_, String>(vec![block.into()])
                }
            },
        )
        .into_stream();
    let items = drain(&mut stream).await;

    // Yielded: each reply, as the API sent it.
    let replies: Vec<Message> = items
        .into_iter()
        .map(|item| item.expect("no error"))
        .collect();
    assert_eq!(
        replies,
        vec![message(&first), message(&second), message(&last)]
    );

    // On the wire: three requests, each with the same settings and tools
    // (each defined once), the conversation growing by two turns each time.
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    let tools = json!([
        weather_tool_json(),
        {"name": "get_time", "description": "The time",
         "input_schema": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}},
        {"name": "get_photo", "description": "A photo",
         "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
    ]);
    let question = json!({"role": "user", "content": "Weather in Paris, time, photo of Oslo?"});
    // The reply's blocks go back unchanged, the thinking signature included.
    let first_turn = json!({"role": "assistant", "content": [
        {"type": "thinking", "thinking": "Paris first.", "signature": "sig-1"},
        {"type": "text", "text": "Let me look."},
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
    ]});
    let first_results = json!({"role": "user", "content": [
        result("toolu_1", json!("Paris: sunny, 15 degrees"))
    ]});
    let second_turn = json!({"role": "assistant", "content": [
        {"type": "tool_use", "id": "toolu_2", "name": "get_time", "input": {"zone": "CET"}},
        {"type": "tool_use", "id": "toolu_3", "name": "get_photo", "input": {"city": "Oslo"}}
    ]});
    let second_results = json!({"role": "user", "content": [
        // A `Value` goes as its JSON text, a `Vec` of blocks as blocks.
        result("toolu_2", json!(r#"{"time":"12:00","zone":"CET"}"#)),
        result("toolu_3", json!([{"type": "text", "text": "a photo of Oslo"}]))
    ]});
    let expected_messages = [
        json!([question]),
        json!([question, first_turn, first_results]),
        json!([
            question,
            first_turn,
            first_results,
            second_turn,
            second_results
        ]),
    ];
    for (n, (request, messages)) in requests.iter().zip(&expected_messages).enumerate() {
        assert_eq!(
            body_json(request),
            json!({"model": MODEL, "max_tokens": 1024, "messages": messages, "tools": tools}),
            "request {}",
            n + 1
        );
    }

    // The conversation: everything sent, then the answer.
    assert_eq!(stream.requests_sent(), 3);
    let answer = json!({"role": "assistant", "content": [
        {"type": "text", "text": "Paris is sunny; it is noon."}
    ]});
    assert_eq!(
        to_json(&stream.into_conversation()),
        json!([
            question,
            first_turn,
            first_results,
            second_turn,
            second_results,
            answer
        ])
    );
}

/// `run()` drives the loop and returns every reply.
#[tokio::test]
async fn run_returns_every_reply() {
    let call = reply(
        "msg_1",
        "tool_use",
        json!([tool_use("toolu_1", "get_weather", json!({"city": "Rome"}))]),
    );
    let answer = reply("msg_2", "end_turn", json!([text("Rome is sunny.")]));
    let server = serve(vec![ok(call.clone()), ok(answer.clone())]).await;
    let client = client(&server.uri());

    let replies = within(
        client
            .messages()
            .tool_runner(params("Weather in Rome?"))
            .tool(weather_tool(), |input: WeatherInput| async move {
                Ok::<_, String>(format!("{} is sunny", input.city))
            })
            .run(),
    )
    .await
    .expect("no error");

    assert_eq!(replies, vec![message(&call), message(&answer)]);
    assert_eq!(
        sent_messages(&server).await[1][2],
        json!({"role": "user", "content": [result("toolu_1", json!("Rome is sunny"))]})
    );
}

/// A reply that calls no tool ends the loop at once.
#[tokio::test]
async fn an_answer_without_tool_calls_ends_the_loop() {
    let answer = reply("msg_1", "end_turn", json!([text("Hello.")]));
    let server = serve(vec![ok(answer.clone())]).await;
    let client = client(&server.uri());

    let mut stream = client
        .messages()
        .tool_runner(params("Hi"))
        .tool(weather_tool(), |_: Value| async {
            Ok::<_, String>("unused")
        })
        .into_stream();
    let items = drain(&mut stream).await;

    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().expect("no error"), &message(&answer));
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(
        to_json(&stream.conversation()),
        json!([
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello."}]}
        ])
    );
}

// ---------------------------------------------------------------------------
// Calls that fail
// ---------------------------------------------------------------------------

/// A handler's `Err` goes back to the model as an error result with the
/// error's text; the loop goes on.
#[tokio::test]
async fn a_handler_error_is_sent_back_as_an_error_result() {
    let call = reply(
        "msg_1",
        "tool_use",
        json!([tool_use(
            "toolu_1",
            "get_weather",
            json!({"city": "Atlantis"})
        )]),
    );
    let answer = reply("msg_2", "end_turn", json!([text("No weather there.")]));
    let server = serve(vec![ok(call), ok(answer)]).await;
    let client = client(&server.uri());

    let replies = within(
        client
            .messages()
            .tool_runner(params("Weather in Atlantis?"))
            .tool(weather_tool(), |input: WeatherInput| async move {
                Err::<String, _>(std::io::Error::other(format!(
                    "no station in {}",
                    input.city
                )))
            })
            .run(),
    )
    .await
    .expect("a handler error is not an error of the loop");

    assert_eq!(replies.len(), 2);
    assert_eq!(
        sent_messages(&server).await[1][2],
        json!({"role": "user", "content": [error_result("toolu_1", "no station in Atlantis")]})
    );
}

/// A call of a tool without a handler is answered with an error result;
/// the other calls of the turn still run.
#[tokio::test]
async fn an_unknown_tool_is_answered_with_an_error_result() {
    let calls = reply(
        "msg_1",
        "tool_use",
        json!([
            tool_use("toolu_1", "launch_rocket", json!({"target": "moon"})),
            tool_use("toolu_2", "get_weather", json!({"city": "Houston"}))
        ]),
    );
    let answer = reply("msg_2", "end_turn", json!([text("Not today.")]));
    let server = serve(vec![ok(calls), ok(answer)]).await;
    let client = client(&server.uri());

    let replies = within(
        client
            .messages()
            .tool_runner(params("Launch a rocket to the moon if the weather is fine"))
            .tool(weather_tool(), |input: WeatherInput| async move {
                Ok::<_, String>(format!("{}: clear", input.city))
            })
            .run(),
    )
    .await
    .expect("no error");

    assert_eq!(replies.len(), 2);
    assert_eq!(
        sent_messages(&server).await[1][2],
        json!({"role": "user", "content": [
            error_result("toolu_1", "unknown tool `launch_rocket`"),
            result("toolu_2", json!("Houston: clear"))
        ]})
    );
}

/// An input that does not decode into the handler's type is answered with
/// an error result saying what did not decode; the handler is not called.
#[tokio::test]
async fn an_input_that_does_not_decode_is_answered_with_an_error_result() {
    let calls = reply(
        "msg_1",
        "tool_use",
        json!([
            tool_use("toolu_1", "get_weather", json!({"town": "Paris"})),
            tool_use("toolu_2", "get_weather", json!({"city": 75})),
            tool_use("toolu_3", "get_weather", json!({"city": "Lyon"}))
        ]),
    );
    let answer = reply("msg_2", "end_turn", json!([text("Lyon is sunny.")]));
    let server = serve(vec![ok(calls), ok(answer)]).await;
    let client = client(&server.uri());

    let called = AtomicUsize::new(0);
    let replies = within(
        client
            .messages()
            .tool_runner(params("Weather?"))
            .tool(weather_tool(), |input: WeatherInput| {
                called.fetch_add(1, Ordering::SeqCst);
                async move { Ok::<_, String>(format!("{} is sunny", input.city)) }
            })
            .run(),
    )
    .await
    .expect("no error");

    assert_eq!(replies.len(), 2);
    assert_eq!(called.load(Ordering::SeqCst), 1, "only the valid input");
    assert_eq!(
        sent_messages(&server).await[1][2],
        json!({"role": "user", "content": [
            error_result("toolu_1", "invalid input for tool `get_weather`: missing field `city`"),
            error_result(
                "toolu_2",
                "invalid input for tool `get_weather`: invalid type: integer `75`, expected a string"
            ),
            result("toolu_3", json!("Lyon is sunny"))
        ]})
    );
}

// ---------------------------------------------------------------------------
// Where the loop stops
// ---------------------------------------------------------------------------

/// Against a model that always calls a tool, `max_turns(2)` sends exactly
/// two requests and yields both replies; the calls of the last are not run.
#[tokio::test]
async fn max_turns_bounds_the_requests() {
    let call = reply(
        "msg_n",
        "tool_use",
        json!([tool_use("toolu_n", "get_weather", json!({"city": "Paris"}))]),
    );
    let server = serve(vec![ok(call.clone())]).await;
    let client = client(&server.uri());

    let called = AtomicUsize::new(0);
    let mut stream = client
        .messages()
        .tool_runner(params("Weather, forever"))
        .tool(weather_tool(), |_: WeatherInput| {
            called.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, String>("sunny") }
        })
        .max_turns(2)
        .into_stream();
    let items = drain(&mut stream).await;

    assert_eq!(received(&server).await.len(), 2);
    let replies: Vec<Message> = items
        .into_iter()
        .map(|item| item.expect("no error"))
        .collect();
    assert_eq!(replies, vec![message(&call), message(&call)]);
    assert_eq!(called.load(Ordering::SeqCst), 1);
    // The conversation ends with the last reply, its call unanswered.
    let conversation = to_json(&stream.into_conversation());
    let roles: Vec<&Value> = conversation
        .as_array()
        .expect("turns")
        .iter()
        .map(|turn| &turn["role"])
        .collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant"]);
    assert_eq!(conversation[3]["content"][0]["type"], "tool_use");
}

/// Without `max_turns`, the loop sends at most 10 requests.
#[tokio::test]
async fn the_default_turn_limit_is_ten() {
    let call = reply(
        "msg_n",
        "tool_use",
        json!([tool_use("toolu_n", "get_weather", json!({"city": "Paris"}))]),
    );
    let server = serve(vec![ok(call)]).await;
    let client = client(&server.uri());

    let replies = within(
        client
            .messages()
            .tool_runner(params("Weather, forever"))
            .tool(weather_tool(), |_: Value| async {
                Ok::<_, String>("sunny")
            })
            .run(),
    )
    .await
    .expect("no error");

    assert_eq!(replies.len(), 10);
    assert_eq!(received(&server).await.len(), 10);
}

/// An API error mid-loop is yielded as `Err` and ends the stream; each
/// request carries the runner's options (here: no retries, one header).
#[tokio::test]
async fn an_api_error_mid_loop_ends_the_stream() {
    let call = reply(
        "msg_1",
        "tool_use",
        json!([tool_use("toolu_1", "get_weather", json!({"city": "Paris"}))]),
    );
    let failure =
        ResponseTemplate::new(500).set_body_json(error_body("api_error", "Internal server error"));
    let server = serve(vec![ok(call.clone()), failure]).await;
    let client = client(&server.uri());

    let mut stream = client
        .messages()
        .tool_runner(params("Weather in Paris?"))
        .tool(weather_tool(), |_: WeatherInput| async {
            Ok::<_, String>("sunny")
        })
        .max_retries(0)
        .header("x-trace", "loop-1")
        .into_stream();
    let mut items = drain(&mut stream).await.into_iter();

    assert_eq!(
        items.next().map(|m| m.expect("the first reply")),
        Some(message(&call))
    );
    let error = items
        .next()
        .expect("an error")
        .expect_err("the second request failed");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        error.api_error().map(|e| e.message()),
        Some("Internal server error")
    );
    assert!(items.next().is_none(), "the error ends the stream");
    assert!(within(stream.next()).await.is_none(), "and it stays ended");

    // Not retried: exactly the two requests, each with the header.
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(
            request.headers.get("x-trace").map(|v| v.as_bytes()),
            Some(&b"loop-1"[..])
        );
    }
    // The conversation holds what was sent.
    assert_eq!(
        to_json(&stream.conversation()),
        body_json(&requests[1])["messages"]
    );
}

/// An invalid request or option is reported before anything is sent.
#[tokio::test]
async fn invalid_params_or_options_fail_before_sending() {
    let server = serve(vec![ok(reply("msg_1", "end_turn", json!([])))]).await;
    let client = client(&server.uri());

    // Out of the documented range (0 to 1): refused before anything is sent.
    let too_hot = types::MessageCreateParams::new(MODEL, 1024, vec![user("Hi")]).temperature(1.5);
    let mut stream = client.messages().tool_runner(too_hot).into_stream();
    let items = drain(&mut stream).await;
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(Error::InvalidArgument(message)) => {
            assert!(message.contains("temperature"), "{message}")
        }
        other => panic!("expected an invalid argument, got {other:?}"),
    }

    let bad_header = client
        .messages()
        .tool_runner(params("Hi"))
        .header("x-trace", "line\nbreak")
        .run()
        .await;
    assert!(
        matches!(bad_header, Err(Error::InvalidArgument(_))),
        "{bad_header:?}"
    );
    assert!(received(&server).await.is_empty());
}

// ---------------------------------------------------------------------------
// Tool definitions
// ---------------------------------------------------------------------------

/// A tool's definition is added to `tools` once: not when the request
/// already defines a tool of that name, not again when the name is
/// registered twice (the later handler answers), and not again each turn.
#[tokio::test]
async fn each_tool_is_defined_once() {
    let call = reply(
        "msg_1",
        "tool_use",
        json!([tool_use("toolu_1", "get_time", json!({"zone": "CET"}))]),
    );
    let answer = reply("msg_2", "end_turn", json!([text("Noon.")]));
    let server = serve(vec![ok(call), ok(answer)]).await;
    let client = client(&server.uri());

    let own_weather = tool(
        "get_weather",
        "The request's own definition",
        json!({"place": {"type": "string"}}),
    );
    let time = || tool("get_time", "The time", json!({"zone": {"type": "string"}}));
    let with_tools = params("Time?").tools(vec![own_weather.clone()]);
    let replies = within(
        client
            .messages()
            .tool_runner(with_tools)
            .tool(weather_tool(), |_: Value| async {
                Ok::<_, String>("sunny")
            })
            .tool(time(), |_: Value| async {
                Ok::<_, String>("first handler")
            })
            .tool(time(), |_: Value| async {
                Ok::<_, String>("second handler")
            })
            .run(),
    )
    .await
    .expect("no error");
    assert_eq!(replies.len(), 2);

    let expected_tools = json!([to_json(&own_weather), to_json(&time())]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(body_json(request)["tools"], expected_tools);
    }
    assert_eq!(
        body_json(&requests[1])["messages"][2],
        json!({"role": "user", "content": [result("toolu_1", json!("second handler"))]})
    );
}

/// A `tool_use` reply without a client tool call has nothing to answer: it
/// ends the loop rather than sending an empty user turn.
#[tokio::test]
async fn a_tool_use_reply_without_client_calls_ends_the_loop() {
    let odd = reply("msg_1", "tool_use", json!([text("Thinking about tools.")]));
    let server = serve(vec![ok(odd.clone())]).await;
    let client = client(&server.uri());

    let replies = within(client.messages().tool_runner(params("Hi")).run())
        .await
        .expect("no error");

    assert_eq!(replies, vec![message(&odd)]);
    assert_eq!(replies[0].stop_reason, Some(StopReason::ToolUse));
    assert_eq!(received(&server).await.len(), 1);
}
