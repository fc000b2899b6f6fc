//! Lists every model id, one per line, following the pages of the list.
//!
//! ```text
//! cargo run -p anthropic-client --example list_models -- \
//!     [--beta] [--limit N] [--after-id ID | --before-id ID] [--betas a,b,...] [--max-retries N]
//! ```
//!
//! - `--beta`: list through the beta operation (`GET /v1/models?beta=true`).
//! - `--limit N`: the page size (1 to 1000).
//! - `--after-id ID` / `--before-id ID`: start after (or before, paging
//!   backward) the model with this id.
//! - `--betas a,b,...`: beta names sent in the `anthropic-beta` header.
//! - `--max-retries N`: how many times a failed request is retried (2 by default).
//!
//! It reads `ANTHROPIC_API_KEY` and, when set, `ANTHROPIC_BASE_URL`. On failure
//! it prints the HTTP status, the error type, the message and the request id
//! on stderr and exits with status 1; a bad command line exits with status 2.

use std::io::Write;
use std::process::ExitCode;

use anthropic_client::types::AnthropicBeta;
use anthropic_client::{ClientBuilder, Error};
use futures::{Stream, StreamExt};

const USAGE: &str = "usage: list_models [--beta] [--limit N] [--after-id ID | --before-id ID] \
[--betas a,b,...] [--max-retries N]";

/// The command line.
#[derive(Debug, Default)]
struct Args {
    beta: bool,
    limit: Option<u64>,
    after_id: Option<String>,
    before_id: Option<String>,
    betas: Vec<String>,
    max_retries: Option<u32>,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut args = Args::default();
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
            "--beta" if inline.is_none() => args.beta = true,
            "--limit" => {
                let v = value("--limit")?;
                let n = v
                    .parse()
                    .map_err(|_| format!("--limit takes a number, not `{v}`"))?;
                args.limit = Some(n);
            }
            "--after-id" => args.after_id = Some(value("--after-id")?),
            "--before-id" => args.before_id = Some(value("--before-id")?),
            "--betas" => {
                let v = value("--betas")?;
                args.betas.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|b| !b.is_empty())
                        .map(str::to_string),
                );
            }
            "--max-retries" => {
                let v = value("--max-retries")?;
                let n = v
                    .parse()
                    .map_err(|_| format!("--max-retries takes a number, not `{v}`"))?;
                args.max_retries = Some(n);
            }
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    if args.after_id.is_some() && args.before_id.is_some() {
        return Err("--after-id and --before-id cannot be used together".to_string());
    }
    Ok(Parsed::Run(args))
}

/// Sets the listing options of `args` on a list request of either surface.
macro_rules! configure {
    ($request:expr, $args:expr) => {{
        let args: &Args = $args;
        let mut request = $request;
        if let Some(limit) = args.limit {
            request = request.limit(limit);
        }
        if let Some(id) = &args.after_id {
            request = request.after_id(id.as_str());
        }
        if let Some(id) = &args.before_id {
            request = request.before_id(id.as_str());
        }
        if !args.betas.is_empty() {
            let betas: Vec<AnthropicBeta> = args
                .betas
                .iter()
                .map(|b| AnthropicBeta::from(b.as_str()))
                .collect();
            request = request.anthropic_beta(betas);
        }
        request
    }};
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
    let mut builder = ClientBuilder::from_env();
    if let Some(n) = args.max_retries {
        builder = builder.max_retries(n);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return fail(&e),
    };
    let result = if args.beta {
        let request = configure!(client.beta().models().list(), &args);
        print_ids(request.items(), |m| m.id).await
    } else {
        let request = configure!(client.models().list(), &args);
        print_ids(request.items(), |m| m.id).await
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Prints the id of every item as it arrives; stops at the first error.
async fn print_ids<T>(
    items: impl Stream<Item = Result<T, Error>>,
    id: impl Fn(T) -> String,
) -> Result<(), Error> {
    let mut items = std::pin::pin!(items);
    let stdout = std::io::stdout();
    while let Some(item) = items.next().await {
        let line = id(item?);
        if writeln!(stdout.lock(), "{line}").is_err() {
            // stdout is closed (say, piped into `head`): nothing more to do.
            return Ok(());
        }
    }
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
