//! A tool-use conversation: the model may call a `get_weather` tool before
//! it answers; each call is answered and the conversation goes on until the
//! model answers in text.
//!
//! ```text
//! cargo run -p anthropic-client --example tools -- [--runner] [--model M] PROMPT
//! ```
//!
//! - `--runner`: run the loop through `client.messages().tool_runner(..)`
//!   instead of by hand; both send the same requests.
//! - `--model M`: the model (`claude-sonnet-4-5` by default).
//!
//! The request has a system prompt and one tool, `get_weather` (input
//! `{"city": string}`), whose handler answers with a made-up forecast, the
//! same every time, so a run can be reproduced. Each tool call is printed on
//! stderr as `tool: <name> <input JSON>` (by hand as it is run; with
//! `--runner` once the loop has ended, from the replies `run()` returns, so
//! not when the loop fails) and the final answer on stdout.
//!
//! The loop by hand ([`by_hand`]) is 19 lines, the one through the tool
//! runner ([`with_runner`]) 12, counted from building the params to
//! printing the answer (the tool definition and the handler are shared).
//! The runner also answers a call of a tool it has no handler for with an
//! error result, runs the calls of one reply concurrently and stops after
//! 10 requests; the loop by hand leaves that out (it answers every call
//! with `get_weather`, one after the other, for as long as the model asks).
//!
//! It reads `ANTHROPIC_API_KEY` and, when set, `ANTHROPIC_BASE_URL`. On
//! failure it prints the HTTP status, the error type, the message and the
//! request id on stderr and exits with status 1; a bad command line exits
//! with status 2.

use std::process::ExitCode;

use anthropic_client::types::{
    ContentBlockParam, Message, MessageCreateParams, MessageParam, StopReason, Tool,
};
use anthropic_client::{Client, Error};
use serde_json::{json, Value};

const USAGE: &str = "usage: tools [--runner] [--model MODEL] PROMPT...";
const DEFAULT_MODEL: &str = "claude-sonnet-4-5";
const MAX_TOKENS: i64 = 1024;
const SYSTEM: &str = "You are a weather assistant. For any question about the weather, \
call get_weather, then answer in one short sentence.";

/// The command line.
struct Args {
    runner: bool,
    model: String,
    prompt: String,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut runner = false;
    let mut model = DEFAULT_MODEL.to_string();
    let mut words = Vec::new();
    while let Some(arg) = argv.next() {
        // `--flag value` or `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--runner" if inline.is_none() => runner = true,
            "--model" => {
                model = inline
                    .or_else(|| argv.next())
                    .ok_or("--model needs a value")?;
            }
            "--" => words.extend(argv.by_ref()),
            _ if flag.starts_with("--") => return Err(format!("unknown argument `{arg}`")),
            _ => words.push(arg),
        }
    }
    if words.is_empty() {
        return Err("no prompt given".to_string());
    }
    Ok(Parsed::Run(Args {
        runner,
        model,
        prompt: words.join(" "),
    }))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match Client::from_env() {
        Ok(client) if args.runner => with_runner(&client, &args.model, &args.prompt).await,
        Ok(client) => by_hand(&client, &args.model, &args.prompt).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

/// The tool: a name, what it is for, and a JSON Schema of its input.
fn weather_tool() -> Tool {
    let input = json!({
        "type": "object",
        "properties": {"city": {"type": "string", "description": "The city, such as Paris"}},
        "required": ["city"]
    });
    Tool::new("get_weather", input).description("The weather forecast for a city.")
}

/// What `get_weather` takes, as its schema describes it.
#[derive(serde::Deserialize)]
struct WeatherInput {
    city: String,
}

/// The handler of `get_weather`. It takes the input as the JSON the model
/// sent, which is what the loop by hand has, so that both loops call this
/// one function (the runner could decode it itself: `|input: WeatherInput|`).
async fn get_weather(input: Value) -> Result<String, String> {
    let input: WeatherInput =
        serde_json::from_value(input).map_err(|e| format!("invalid input: {e}"))?;
    Ok(format!(
        "{}: 18°C, partly cloudy, light wind from the west (a made-up forecast)",
        input.city
    ))
}

/// The loop by hand: while the model stops to call tools, pass its reply
/// back unchanged and answer every call in one user turn.
async fn by_hand(client: &Client, model: &str, prompt: &str) -> Result<(), Error> {
    let mut params = MessageCreateParams::new(model, MAX_TOKENS, [MessageParam::user(prompt)])
        .system(SYSTEM)
        .tools([weather_tool()]);
    let mut reply = client.messages().create(params.clone()).send().await?;
    while reply.stop_reason == Some(StopReason::ToolUse) {
        let mut results = Vec::new();
        for call in reply.tool_uses() {
            let input = Value::Object(call.input.clone());
            eprintln!("tool: {} {input}", call.name);
            results.push(match get_weather(input).await {
                Ok(forecast) => ContentBlockParam::tool_result(&call.id, forecast),
                Err(e) => ContentBlockParam::tool_error(&call.id, e),
            });
        }
        params.messages.push(reply.to_param()?);
        params.messages.push(MessageParam::user(results));
        reply = client.messages().create(params.clone()).send().await?;
    }
    println!("{}", reply.text());
    Ok(())
}

/// The same loop through the tool runner, which adds the tool to the
/// request and calls the handler.
async fn with_runner(client: &Client, model: &str, prompt: &str) -> Result<(), Error> {
    let params =
        MessageCreateParams::new(model, MAX_TOKENS, [MessageParam::user(prompt)]).system(SYSTEM);
    let replies = client
        .messages()
        .tool_runner(params)
        .tool(weather_tool(), get_weather)
        .run()
        .await?;
    for call in replies.iter().flat_map(Message::tool_uses) {
        eprintln!("tool: {} {}", call.name, Value::Object(call.input.clone()));
    }
    println!("{}", replies.last().map(Message::text).unwrap_or_default());
    Ok(())
}

/// Reports `error` on stderr and gives the failure exit code.
fn fail(error: &Error) -> ExitCode {
    eprintln!("error: {error}");
    if let Some(status) = error.status() {
        eprintln!("  status: {}", status.as_u16());
    }
    if let Some(api) = error.api_error() {
        eprintln!("  type: {}", api.error_type());
        eprintln!("  message: {}", api.message());
    }
    eprintln!("  request id: {}", error.request_id().unwrap_or("(none)"));
    ExitCode::FAILURE
}
