//! Sends one prompt to the Messages API and prints the reply.
//!
//! ```text
//! cargo run -p anthropic-client --example message -- [--model M] [--max-tokens N] [--stream] PROMPT
//! ```
//!
//! Reads `ANTHROPIC_API_KEY` and, when set, `ANTHROPIC_BASE_URL`. With
//! `--stream` the reply is printed as it arrives. The reply goes to stdout;
//! a last line on stderr gives the model, the stop reason and the token
//! counts. On failure it prints the HTTP status, the error type, the
//! message and the request id on stderr and exits with status 1; a bad
//! command line exits with status 2.

use std::io::Write;
use std::process::ExitCode;

use anthropic_client::types::{self, ContentBlock};
use anthropic_client::{Client, Error};
use futures::TryStreamExt;

const USAGE: &str = "usage: message [--model MODEL] [--max-tokens N] [--stream] PROMPT...";
const DEFAULT_MODEL: &str = "claude-sonnet-4-5";
const DEFAULT_MAX_TOKENS: i64 = 1024;

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
                max_tokens = v
                    .parse()
                    .map_err(|_| format!("--max-tokens takes a number, not `{v}`"))?;
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
    let params: types::MessageCreateParams = types::MessageCreateParams::builder()
        .model(args.model.as_str())
        .max_tokens(args.max_tokens)
        .messages(vec![types::MessageParam::user(args.prompt)])
        .try_into()
        .map_err(|e| Error::InvalidArgument(format!("{e}")))?;

    if args.stream {
        let mut stream = client
            .messages()
            .create_stream(params)
            .send()
            .await?
            .accumulate();
        let mut deltas = stream.text_deltas();
        while let Some(text) = deltas.try_next().await? {
            // Each piece is shown as it arrives.
            if !show(&text) {
                return Ok(());
            }
        }
        let message = stream.final_message().await?;
        show("\n");
        print_stop(&message);
    } else {
        let message = client.messages().create(params).send().await?;
        for block in &message.content {
            if let ContentBlock::Text(text) = block {
                if !show(&text.text) {
                    return Ok(());
                }
            }
        }
        show("\n");
        print_stop(&message);
    }
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

/// Why the reply stopped, on stderr so stdout holds only the reply.
fn print_stop(message: &types::Message) {
    let reason = message
        .stop_reason
        .as_ref()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "none".to_string());
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
