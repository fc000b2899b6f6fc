//! Error handling as a program using this crate writes it: one prompt is
//! sent, and whatever goes wrong is told apart by matching on [`Error`] and
//! explained with what to do about it.
//!
//! ```text
//! cargo run -p anthropic-client --example errors -- [--model M] [--budget N] [--timeout-ms N] PROMPT
//! ```
//!
//! - `--model M`: the model (`claude-sonnet-4-5` by default); a model that
//!   does not exist is a `not_found_error` from the API.
//! - `--budget N`: turns on extended thinking with this budget (and
//!   `max_tokens` of N + 1024). The API takes 1024 or more, and so does the
//!   client's own check: `--budget 500` is refused before anything is sent,
//!   with a message naming `thinking.budget_tokens` and the value.
//! - `--timeout-ms N`: this request's timeout (the client's is 10 minutes).
//!
//! The answer's text goes to stdout. On failure, stderr says what happened:
//!
//! - `not sent: <why>`: [`Error::InvalidArgument`], a check made before
//!   sending (or no API key);
//! - `the API refused the request`, then its `status`, `type`, `message` and
//!   `request id`, and a line `what now: ...` read from the error type
//!   ([`Error::Api`]; rate limits and overload are told by
//!   `is_rate_limited()` and `is_overloaded()`);
//! - `timed out: ...` or `could not reach the API: ...`
//!   ([`Error::Timeout`], [`Error::Connection`]);
//! - `the answer could not be read: ...` ([`Error::Decode`]), with the
//!   status and request id.
//!
//! The client has already retried what may succeed when tried again (2
//! retries by default). It reads `ANTHROPIC_API_KEY` and, when set,
//! `ANTHROPIC_BASE_URL`. Every failure exits with status 1; a bad command
//! line exits with status 2.

use std::process::ExitCode;
use std::time::Duration;

use anthropic_client::types::{ErrorType, MessageCreateParams, MessageParam, ThinkingConfigParam};
use anthropic_client::{ApiError, Client, Error, RateLimits};

const USAGE: &str = "usage: errors [--model MODEL] [--budget N] [--timeout-ms N] PROMPT...";
const DEFAULT_MODEL: &str = "claude-sonnet-4-5";
const MAX_TOKENS: i64 = 1024;

/// The command line.
struct Args {
    model: String,
    budget: Option<i64>,
    timeout: Option<Duration>,
    prompt: String,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut model = DEFAULT_MODEL.to_string();
    let mut budget = None;
    let mut timeout = None;
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
            "--budget" => {
                let v = value("--budget")?;
                let n = v
                    .parse()
                    .map_err(|_| format!("--budget takes a number, not `{v}`"))?;
                budget = Some(n);
            }
            "--timeout-ms" => {
                let v = value("--timeout-ms")?;
                let ms = v
                    .parse()
                    .map_err(|_| format!("--timeout-ms takes a number, not `{v}`"))?;
                timeout = Some(Duration::from_millis(ms));
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
        model,
        budget,
        timeout,
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
        Ok(answer) => {
            println!("{answer}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            explain(&error);
            ExitCode::FAILURE
        }
    }
}

/// Sends the prompt and gives the answer's text.
async fn run(args: Args) -> Result<String, Error> {
    let client = Client::from_env()?;
    let mut params =
        MessageCreateParams::new(args.model, MAX_TOKENS, [MessageParam::user(args.prompt)]);
    if let Some(budget) = args.budget {
        params = params
            .max_tokens(budget.saturating_add(MAX_TOKENS))
            .thinking(ThinkingConfigParam::enabled(budget));
    }
    let mut request = client.messages().create(params);
    if let Some(timeout) = args.timeout {
        request = request.timeout(timeout);
    }
    let reply = request.send().await?;
    Ok(reply.text())
}

/// Says on stderr what went wrong and what to do about it.
fn explain(error: &Error) {
    match error {
        Error::InvalidArgument(why) => eprintln!("not sent: {why}"),
        Error::Api(api) => {
            eprintln!("the API refused the request");
            eprintln!("  status: {}", api.status.as_u16());
            eprintln!("  type: {}", api.error_type());
            eprintln!("  message: {}", api.message());
            eprintln!("  request id: {}", error.request_id().unwrap_or("(none)"));
            eprintln!("  what now: {}", what_now(error, api));
        }
        Error::Timeout(transport) => {
            eprintln!("timed out: {transport}");
            eprintln!("  what now: try again later, or allow more time with --timeout-ms");
        }
        Error::Connection(transport) => {
            eprintln!("could not reach the API: {transport}");
            eprintln!("  what now: check the network and ANTHROPIC_BASE_URL");
        }
        Error::Decode(decode) => {
            eprintln!("the answer could not be read: {}", decode.reason);
            if let Some(status) = decode.status {
                eprintln!("  status: {}", status.as_u16());
            }
            eprintln!("  request id: {}", error.request_id().unwrap_or("(none)"));
        }
        // `Error::Io`, and kinds of error added later (`Error` is
        // non-exhaustive).
        other => eprintln!("error: {other}"),
    }
}

/// The advice for an API error, from its type.
fn what_now(error: &Error, api: &ApiError) -> String {
    if error.is_rate_limited() {
        return match RateLimits::from_headers(&api.headers).retry_after {
            Some(wait) => format!("rate limited: try again in {}s", wait.as_secs()),
            None => "rate limited: try again in a while".to_string(),
        };
    }
    if error.is_overloaded() {
        return "the API is overloaded: try again in a while".to_string();
    }
    let advice = match api.error_type() {
        ErrorType::AuthenticationError => "check ANTHROPIC_API_KEY",
        ErrorType::PermissionError => "this key may not use this model or feature",
        ErrorType::NotFoundError => "check the model name given with --model",
        ErrorType::BillingError => "check the billing of the account",
        ErrorType::InvalidRequestError | ErrorType::RequestTooLarge => {
            "the request is refused as it is: change it before sending it again"
        }
        _ if error.is_retryable() => "the API failed: try again in a while",
        _ => "see the message",
    };
    advice.to_string()
}
