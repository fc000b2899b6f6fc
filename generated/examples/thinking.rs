//! Extended thinking, streamed: the model's reasoning on stderr and its
//! answer on stdout, each as it arrives.
//!
//! ```text
//! cargo run -p anthropic-client --example thinking -- [--budget N] [--model M] PROMPT
//! ```
//!
//! - `--budget N`: the tokens the model may think in (`thinking.budget_tokens`,
//!   2048 by default; the API takes 1024 or more). `max_tokens` is the
//!   budget plus 1024 for the answer.
//! - `--model M`: the model (`claude-sonnet-4-5` by default).
//!
//! Each thinking block is printed on stderr as it arrives and ended with a
//! newline; a redacted one is shown as `[redacted thinking]`. The answer
//! goes to stdout, followed by a newline, and a last line on stderr gives the
//! model, the stop reason and the token counts.
//!
//! It reads `ANTHROPIC_API_KEY` and, when set, `ANTHROPIC_BASE_URL`. On
//! failure it prints the HTTP status, the error type, the message and the
//! request id on stderr and exits with status 1 (after what had arrived); a
//! budget below 1024 is refused by the client's own check before anything
//! is sent, with status 1 too. A bad command line exits with status 2.

use std::io::Write;
use std::process::ExitCode;

use anthropic_client::types::{
    ContentBlock, Message, MessageCreateParams, MessageParam, MessageStreamEvent,
    RawContentBlockDelta, ThinkingConfigParam,
};
use anthropic_client::{Client, Error};
use futures::TryStreamExt;

const USAGE: &str = "usage: thinking [--budget N] [--model MODEL] PROMPT...";
const DEFAULT_MODEL: &str = "claude-sonnet-4-5";
const DEFAULT_BUDGET: i64 = 2048;
/// What `max_tokens` leaves for the answer beyond the thinking budget.
const ANSWER_TOKENS: i64 = 1024;

/// The command line.
struct Args {
    budget: i64,
    model: String,
    prompt: String,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut budget = DEFAULT_BUDGET;
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
        let mut value = |flag: &str| {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--budget" => {
                let v = value("--budget")?;
                budget = v
                    .parse()
                    .map_err(|_| format!("--budget takes a number, not `{v}`"))?;
            }
            "--model" => model = value("--model")?,
            "--" => words.extend(argv.by_ref()),
            _ if flag.starts_with("--") => return Err(format!("unknown argument `{arg}`")),
            _ => words.push(arg),
        }
    }
    if words.is_empty() {
        return Err("no prompt given".to_string());
    }
    Ok(Parsed::Run(Args {
        budget,
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
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

async fn run(args: Args) -> Result<(), Error> {
    let client = Client::from_env()?;
    let max_tokens = args.budget.saturating_add(ANSWER_TOKENS);
    let params =
        MessageCreateParams::new(args.model, max_tokens, [MessageParam::user(args.prompt)])
            .thinking(ThinkingConfigParam::enabled(args.budget));
    let mut stream = client
        .messages()
        .create_stream(params)
        .send()
        .await?
        .accumulate();
    // The indexes of the thinking blocks, whose end ends a line on stderr.
    let mut thinking_blocks = Vec::new();
    while let Some(event) = stream.try_next().await? {
        match event {
            MessageStreamEvent::ContentBlockDelta(delta) => match delta.delta {
                RawContentBlockDelta::ThinkingDelta(thinking) => eprint!("{}", thinking.thinking),
                // Shown as it arrives; a closed stdout (say, piped into
                // `head`) wants nothing more.
                RawContentBlockDelta::TextDelta(text) if !show(&text.text) => return Ok(()),
                // Signatures, tool input, citations: nothing to show.
                _ => {}
            },
            MessageStreamEvent::ContentBlockStart(start) => {
                if let ContentBlock::RedactedThinking(_) = start.content_block {
                    eprint!("[redacted thinking]");
                }
                if let ContentBlock::Thinking(_) | ContentBlock::RedactedThinking(_) =
                    start.content_block
                {
                    thinking_blocks.push(start.index);
                }
            }
            // A thinking block ends its line on stderr.
            MessageStreamEvent::ContentBlockStop(stop) if thinking_blocks.contains(&stop.index) => {
                eprintln!();
            }
            _ => {}
        }
    }
    let message = stream.final_message().await?;
    show("\n");
    print_stop(&message);
    Ok(())
}

/// Writes `text` to stdout at once; false when stdout is closed (say,
/// piped into `head`), when there is nothing more to do.
fn show(text: &str) -> bool {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_ok()
}

/// Why the reply stopped, on stderr so stdout holds only the answer.
fn print_stop(message: &Message) {
    let reason = message
        .stop_reason
        .as_ref()
        .map_or_else(|| "none".to_string(), ToString::to_string);
    eprintln!(
        "[{} · stop: {reason} · {} input / {} output tokens]",
        message.model, message.usage.input_tokens, message.usage.output_tokens
    );
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
