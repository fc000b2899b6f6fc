//! Sends one prompt to the legacy Text Completions API and prints the
//! completion.
//!
//! ```text
//! cargo run -p anthropic-client --example completion -- [--model M] [--max-tokens N] [--stream] PROMPT
//! ```
//!
//! - `--model M`: the model (`claude-2.1` by default).
//! - `--max-tokens N`: the most tokens to generate (`max_tokens_to_sample`,
//!   256 by default).
//! - `--stream`: print the text as it arrives.
//!
//! The prompt is sent as one Human turn, `"\n\nHuman: PROMPT\n\nAssistant:"`;
//! the completion goes to stdout, followed by a newline. It reads
//! `ANTHROPIC_API_KEY` and, when set, `ANTHROPIC_BASE_URL`. On failure it
//! prints the HTTP status, the error type, the message and the request id
//! on stderr and exits with status 1 (with `--stream`, after the text that
//! had arrived); a bad command line exits with status 2.

use std::io::Write;
use std::process::ExitCode;

use anthropic_client::types::{CompletionCreateParams, CompletionStreamEvent};
use anthropic_client::{Client, Error};
use futures::TryStreamExt;

const USAGE: &str = "usage: completion [--model MODEL] [--max-tokens N] [--stream] PROMPT...";
const DEFAULT_MODEL: &str = "claude-2.1";
const DEFAULT_MAX_TOKENS: i64 = 256;

/// The command line.
struct Args {
    model: String,
    max_tokens: i64,
    stream: bool,
    prompt: String,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut model = DEFAULT_MODEL.to_string();
    let mut max_tokens = DEFAULT_MAX_TOKENS;
    let mut stream = false;
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
            "--model" => model = value("--model")?,
            "--max-tokens" => {
                let v = value("--max-tokens")?;
                max_tokens =
                    v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        format!("--max-tokens takes a positive number, not `{v}`")
                    })?;
            }
            "--stream" if inline.is_none() => stream = true,
            "--" => words.extend(argv.by_ref()),
            _ if flag.starts_with("--") => return Err(format!("unknown argument `{arg}`")),
            _ => words.push(arg),
        }
    }
    if words.is_empty() {
        return Err("no prompt given".to_string());
    }
    Ok(Parsed::Run(Args {
        model,
        max_tokens,
        stream,
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
    let prompt = format!("\n\nHuman: {}\n\nAssistant:", args.prompt);
    let params = CompletionCreateParams::new(args.model, args.max_tokens, prompt);
    let completions = client.completions();

    if args.stream {
        let mut events = completions.create_stream(params).send().await?;
        // An `error` event arrives as `Err`, ending the loop with it.
        while let Some(event) = events.try_next().await? {
            if let CompletionStreamEvent::Completion(piece) = event {
                if !show(&piece.completion) {
                    return Ok(());
                }
            }
            // Pings, and event types this crate does not know, carry no text.
        }
    } else {
        let completion = completions.create(params).send().await?;
        if !show(&completion.completion) {
            return Ok(());
        }
    }
    show("\n");
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
