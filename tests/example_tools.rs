//! The tools example against a local server: the tool-use loop by hand and
//! through the tool runner, the requests each sends, and that both send the
//! same ones.

use serde_json::{json, Value};
use wiremock::{MockServer, ResponseTemplate};
use workspace_tests::examples::{Example, Run};
use workspace_tests::messages::{body_json, messages_server, received, reply};
use workspace_tests::prism::workspace_root;
use workspace_tests::runtime::{error_body, API_KEY};

const TOOLS: Example = Example("tools");

const PROMPT: &str = "What's the weather in Paris?";
const SYSTEM: &str = "You are a weather assistant. For any question about the weather, \
call get_weather, then answer in one short sentence.";

/// What the example's handler answers for `city`.
fn forecast(city: &str) -> String {
    format!("{city}: 18°C, partly cloudy, light wind from the west (a made-up forecast)")
}

/// The tool as it goes on the wire.
fn weather_tool() -> Value {
    json!({
        "name": "get_weather",
        "description": "The weather forecast for a city.",
        "input_schema": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "The city, such as Paris"}},
            "required": ["city"]
        }
    })
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn tool_use(id: &str, input: Value) -> Value {
    json!({"type": "tool_use", "id": id, "name": "get_weather", "input": input})
}

/// A first reply that calls the tool once per input, after some text.
fn calls(inputs: &[(&str, Value)]) -> Value {
    let mut content = vec![json!({"type": "text", "text": "Let me check."})];
    content.extend(inputs.iter().map(|(id, input)| tool_use(id, input.clone())));
    reply("msg_1", "tool_use", Value::Array(content))
}

fn answer(text: &str) -> Value {
    reply("msg_2", "end_turn", json!([{"type": "text", "text": text}]))
}

/// The first request: the prompt, the system prompt and the tool.
fn first_request() -> Value {
    json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "system": SYSTEM,
        "tools": [weather_tool()],
        "messages": [{"role": "user", "content": PROMPT}]
    })
}

/// The request after `first_reply`: the reply passed back unchanged, then
/// one user turn of `results`.
fn second_request(first_reply: &Value, results: Value) -> Value {
    let mut body = first_request();
    body["messages"] = json!([
        {"role": "user", "content": PROMPT},
        {"role": "assistant", "content": first_reply["content"]},
        {"role": "user", "content": results}
    ]);
    body
}

/// Runs the example in both modes, each against its own server giving
/// `responses`, and gives each run with the bodies it sent.
async fn both(responses: Vec<ResponseTemplate>, args: &[&str]) -> [(Run, Vec<Value>); 2] {
    let mut runs = Vec::new();
    for runner in [false, true] {
        let server = messages_server(responses.clone()).await;
        let mut all = if runner { vec!["--runner"] } else { vec![] };
        all.extend_from_slice(args);
        let run = TOOLS.run(&server.uri(), &all).await;
        runs.push((run, bodies(&server).await));
    }
    let [by_hand, runner]: [_; 2] = runs.try_into().expect("two runs");
    [by_hand, runner]
}

async fn bodies(server: &MockServer) -> Vec<Value> {
    let requests = received(server).await;
    for r in &requests {
        assert_eq!((r.method.as_str(), r.url.path()), ("POST", "/v1/messages"));
        assert_eq!(r.headers["x-api-key"], API_KEY);
    }
    requests.iter().map(body_json).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_answers_the_call_and_prints_the_answer() {
    let first = calls(&[("toolu_01", json!({"city": "Paris"}))]);
    let responses = vec![
        ok(first.clone()),
        ok(answer("It is 18°C and partly cloudy in Paris.")),
    ];
    for (run, sent) in both(responses, &[PROMPT]).await {
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert_eq!(run.stdout, "It is 18°C and partly cloudy in Paris.\n");
        assert_eq!(run.stderr, "tool: get_weather {\"city\":\"Paris\"}\n");
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0], first_request());
        let result = json!([{"type": "tool_result", "tool_use_id": "toolu_01",
            "content": forecast("Paris")}]);
        assert_eq!(sent[1], second_request(&first, result));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_sends_what_the_loop_by_hand_sends() {
    // Two calls in one reply, one with an input the handler cannot take,
    // then a second round of calls, then the answer.
    let responses = vec![
        ok(calls(&[
            ("toolu_01", json!({"city": "Paris"})),
            ("toolu_02", json!({"town": "Oslo"})),
        ])),
        ok(reply(
            "msg_2",
            "tool_use",
            json!([tool_use("toolu_03", json!({"city": "Oslo"}))]),
        )),
        ok(answer("Paris: 18°C. Oslo: 18°C.")),
    ];
    let [(by_hand, by_hand_sent), (runner, runner_sent)] = both(responses, &[PROMPT]).await;
    assert_eq!(by_hand.code, Some(0), "{}", by_hand.stderr);
    assert_eq!(by_hand.stdout, "Paris: 18°C. Oslo: 18°C.\n");
    assert_eq!(
        by_hand.stderr,
        "tool: get_weather {\"city\":\"Paris\"}\n\
         tool: get_weather {\"town\":\"Oslo\"}\n\
         tool: get_weather {\"city\":\"Oslo\"}\n"
    );
    assert_eq!(by_hand_sent.len(), 3);
    assert_eq!(
        by_hand_sent[1]["messages"][2]["content"],
        json!([
            {"type": "tool_result", "tool_use_id": "toolu_01", "content": forecast("Paris")},
            {"type": "tool_result", "tool_use_id": "toolu_02",
             "content": "invalid input: missing field `city`", "is_error": true}
        ]),
        "both calls answered in one turn, in their order"
    );
    assert_eq!(
        by_hand_sent[2]["messages"][4]["content"],
        json!([{"type": "tool_result", "tool_use_id": "toolu_03", "content": forecast("Oslo")}])
    );
    assert_eq!((runner.code, &runner.stdout), (Some(0), &by_hand.stdout));
    assert_eq!(runner.stderr, by_hand.stderr);
    assert_eq!(runner_sent, by_hand_sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_and_prompt_words_are_sent_as_given() {
    let responses = vec![ok(answer("No tool needed."))];
    let args = ["--model=claude-haiku-4-5", "Hello", "--", "--there"];
    for (run, sent) in both(responses, &args).await {
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert_eq!(
            (run.stdout.as_str(), run.stderr.as_str()),
            ("No tool needed.\n", "")
        );
        let mut expected = first_request();
        expected["model"] = json!("claude-haiku-4-5");
        expected["messages"][0]["content"] = json!("Hello --there");
        assert_eq!(sent, [expected]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_exit_1_with_status_type_message_and_request_id() {
    let refused = ResponseTemplate::new(400)
        .insert_header("request-id", "req_bad_tool")
        .set_body_json(error_body(
            "invalid_request_error",
            "tools.0.input_schema: bad",
        ));
    for (run, sent) in both(vec![refused], &[PROMPT]).await {
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert_eq!(run.stdout, "");
        run.assert_stderr_has(&[
            "status: 400",
            "type: invalid_request_error",
            "message: tools.0.input_schema: bad",
            "request id: req_bad_tool",
        ]);
        assert!(!run.stderr.contains(API_KEY));
        assert_eq!(sent.len(), 1, "a 400 is not retried");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_after_a_tool_call_exits_1() {
    let overloaded = ResponseTemplate::new(529)
        .insert_header("request-id", "req_busy")
        .insert_header("x-should-retry", "false")
        .set_body_json(error_body("overloaded_error", "Overloaded"));
    let responses = vec![
        ok(calls(&[("toolu_01", json!({"city": "Paris"}))])),
        overloaded,
    ];
    let [(by_hand, _), (runner, _)] = both(responses, &[PROMPT]).await;
    for run in [&by_hand, &runner] {
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert_eq!(run.stdout, "");
        run.assert_stderr_has(&[
            "status: 529",
            "type: overloaded_error",
            "request id: req_busy",
        ]);
    }
    // The loop by hand shows each call as it runs it; the runner's calls
    // are shown from the replies `run()` returns, which an error loses.
    assert!(by_hand
        .stderr
        .starts_with("tool: get_weather {\"city\":\"Paris\"}\nerror: "));
    assert!(runner.stderr.starts_with("error: "), "{}", runner.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_command_lines_exit_2_with_usage() {
    let server = messages_server(vec![ResponseTemplate::new(500)]).await;
    for args in [
        &[][..],
        &["--runner"],
        &["--model"],
        &["--runner=yes", "Hi"],
        &["--bogus", "Hi"],
    ] {
        let run = TOOLS.run(&server.uri(), args).await;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("usage: tools"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
    let help = TOOLS.run(&server.uri(), &["--help"]).await;
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("[--runner]"), "{}", help.stdout);
}

/// The lines of `function`'s loop in `source`: from the line that starts
/// with `first` (building the params) to the one that prints the answer.
fn loop_lines(source: &str, function: &str, first: &str) -> usize {
    let body = source
        .split(&format!("\nasync fn {function}("))
        .nth(1)
        .unwrap_or_else(|| panic!("no `async fn {function}`"));
    let lines: Vec<&str> = body
        .lines()
        .skip_while(|line| !line.trim_start().starts_with(first))
        .collect();
    let last = lines
        .iter()
        .position(|line| line.trim_start().starts_with("println!"))
        .unwrap_or_else(|| panic!("`{function}` prints no answer"));
    last + 1
}

/// The module doc states how long each loop is; it must stay true, and
/// within the lengths the examples are held to.
#[test]
fn the_loop_lengths_in_the_module_doc_are_the_real_ones() {
    let path = workspace_root().join("generated/examples/tools.rs");
    let source = std::fs::read_to_string(&path).expect("the example's source");
    let by_hand = loop_lines(&source, "by_hand", "let mut params");
    let runner = loop_lines(&source, "with_runner", "let params");
    let doc: Vec<&str> = source
        .lines()
        .filter_map(|line| line.strip_prefix("//!"))
        .map(str::trim)
        .collect();
    let doc = doc.join(" ");
    for claim in [
        format!("([`by_hand`]) is {by_hand} lines"),
        format!("([`with_runner`]) {runner},"),
    ] {
        assert!(doc.contains(&claim), "the doc lacks {claim:?}:\n{doc}");
    }
    assert!(by_hand <= 20, "the loop by hand is {by_hand} lines");
    assert!(runner <= 12, "the runner's loop is {runner} lines");
}
