//! Sends one prompt to the Messages API and prints the reply.
//!
//! ```text
//! cargo run -p anthropic-client --example message -- \
//!     [--beta] [--model M] [--max-tokens N] [--stream] [--betas a,b,...] [--blocks] PROMPT
//! cargo run -p anthropic-client --example message -- \
//!     [--beta] --body FILE [--stream] [--betas a,b,...] [--blocks]
//! ```
//!
//! - `--model M`: the model (`claude-sonnet-4-5` by default).
//! - `--max-tokens N`: the most tokens to generate (1024 by default).
//! - `--stream`: print the reply as it arrives.
//! - `--betas a,b,...`: beta names sent in the `anthropic-beta` header.
//! - `--body FILE`: the whole request, read from the JSON file `FILE` (a
//!   Messages create body, as in the API reference). The file is the
//!   request: PROMPT, `--model` and `--max-tokens` cannot be given with it,
//!   and only its `stream` field is set by `--stream` (sent as `true` with
//!   it, left out without it). A file that is not such a body, or holds a
//!   top-level field this crate does not know (it could not be sent), exits
//!   with status 2 naming the file and why, before anything is sent.
//! - `--blocks`: after the reply, prints one line `block: <type>` on stdout
//!   for each content block of the final message, the type as the API sent
//!   it (also for a type this crate does not know).
//! - `--beta`: through the beta Messages API (`/v1/messages?beta=true`,
//!   `client.beta().messages()`), which has the newest tools and blocks
//!   (server tools, MCP servers, context management, ...). With `--body`,
//!   the file is then a beta request body.
//!
//! It reads `ANTHROPIC_API_KEY` and, when set, `ANTHROPIC_BASE_URL`. The
//! reply's text goes to stdout, followed by a newline; a last line on stderr
//! gives the model, the stop reason and the token counts. On failure it
//! prints the HTTP status, the error type, the message and the request id
//! on stderr and exits with status 1; a bad command line exits with status 2.

use std::io::Write;
use std::process::ExitCode;

use anthropic_client::types::{
    BetaMessageCreateParams, BetaMessageParam, MessageCreateParams, MessageParam,
};
use anthropic_client::{Client, ClientBuilder, Error};
use futures::TryStreamExt;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

const USAGE: &str = "usage: message [--beta] [--model MODEL] [--max-tokens N] [--stream] \
[--betas a,b,...] [--blocks] PROMPT...
       message [--beta] --body FILE [--stream] [--betas a,b,...] [--blocks]";
const DEFAULT_MODEL: &str = "claude-sonnet-4-5";
const DEFAULT_MAX_TOKENS: i64 = 1024;

/// The command line.
struct Args {
    request: Request,
    beta: bool,
    betas: Vec<String>,
    stream: bool,
    blocks: bool,
}

/// What the request is made of.
enum Request {
    Prompt {
        model: String,
        max_tokens: i64,
        prompt: String,
    },
    /// A file holding the whole body; read once the command line is known
    /// good.
    Body(String),
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut model = None;
    let mut max_tokens = None;
    let mut body = None;
    let mut betas = Vec::new();
    let mut stream = false;
    let mut blocks = false;
    let mut beta = false;
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
            "--model" => model = Some(value("--model")?),
            "--max-tokens" => {
                let v = value("--max-tokens")?;
                let n = v
                    .parse()
                    .map_err(|_| format!("--max-tokens takes a number, not `{v}`"))?;
                max_tokens = Some(n);
            }
            "--body" => body = Some(value("--body")?),
            "--betas" => {
                let v = value("--betas")?;
                betas.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|b| !b.is_empty())
                        .map(str::to_string),
                );
            }
            "--stream" if inline.is_none() => stream = true,
            "--blocks" if inline.is_none() => blocks = true,
            "--beta" if inline.is_none() => beta = true,
            "--" => words.extend(argv.by_ref()),
            _ if flag.starts_with("--") => return Err(format!("unknown argument `{arg}`")),
            _ => words.push(arg),
        }
    }
    let request = match body {
        Some(_) if model.is_some() || max_tokens.is_some() || !words.is_empty() => {
            return Err(
                "--body FILE is the whole request: PROMPT, --model and --max-tokens \
                 cannot be given with it"
                    .to_string(),
            )
        }
        Some(file) => Request::Body(file),
        None if words.is_empty() => return Err("no prompt given".to_string()),
        None => Request::Prompt {
            model: model.unwrap_or_else(|| DEFAULT_MODEL.to_string()),
            max_tokens: max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            prompt: words.join(" "),
        },
    };
    Ok(Parsed::Run(Args {
        request,
        beta,
        betas,
        stream,
        blocks,
    }))
}

/// A request body as a file holds it: the fields this crate knows, and any
/// other top-level field, which could not be sent.
#[derive(serde::Deserialize)]
struct BodyFile<P> {
    #[serde(flatten)]
    params: P,
    #[serde(flatten)]
    unknown: Map<String, Value>,
}

/// Reads the request body (plain or beta) of `path`. The error names the
/// file, so the user can fix it before anything is sent.
fn read_body<P: DeserializeOwned>(path: &str) -> Result<P, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let not_a_body = |e: serde_json::Error| format!("{path} is not a Messages request body: {e}");
    // The plain type first, for its error: through `flatten`, serde places
    // every error at the end of the object instead of at the value at fault.
    serde_json::from_slice::<P>(&bytes).map_err(not_a_body)?;
    let file: BodyFile<P> = serde_json::from_slice(&bytes).map_err(not_a_body)?;
    if let Some(field) = file.unknown.keys().next() {
        return Err(format!(
            "{path}: `{field}` is not a field of a Messages request this crate knows; \
             it could not be sent"
        ));
    }
    Ok(file.params)
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
    // The body is read before the client is built: a bad file is reported
    // as such even without an API key, and nothing is sent.
    let params = match params(&args) {
        Ok(params) => params,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let outcome = match params {
        Params::Plain(params) => run(&args, params).await,
        Params::Beta(params) => run_beta(&args, params).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

/// The request of one family or the other.
enum Params {
    Plain(MessageCreateParams),
    Beta(BetaMessageCreateParams),
}

/// The request the command line asks for.
fn params(args: &Args) -> Result<Params, String> {
    Ok(match (&args.request, args.beta) {
        (Request::Body(path), false) => Params::Plain(read_body(path)?),
        (Request::Body(path), true) => Params::Beta(read_body(path)?),
        (
            Request::Prompt {
                model,
                max_tokens,
                prompt,
            },
            false,
        ) => Params::Plain(MessageCreateParams::new(
            model.as_str(),
            *max_tokens,
            [MessageParam::user(prompt.as_str())],
        )),
        (
            Request::Prompt {
                model,
                max_tokens,
                prompt,
            },
            true,
        ) => Params::Beta(BetaMessageCreateParams::new(
            model.as_str(),
            *max_tokens,
            [BetaMessageParam::user(prompt.as_str())],
        )),
    })
}

fn client(args: &Args) -> Result<Client, Error> {
    let mut client = ClientBuilder::from_env();
    for beta in &args.betas {
        client = client.beta(beta.as_str());
    }
    client.build()
}

async fn run(args: &Args, params: MessageCreateParams) -> Result<(), Error> {
    let client = client(args)?;
    let message = if args.stream {
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
        stream.final_message().await?
    } else {
        let message = client.messages().create(params).send().await?.into_inner();
        if !show(&message.text()) {
            return Ok(());
        }
        message
    };
    let tags: Vec<&str> = message.content.iter().map(|block| block.tag()).collect();
    let stop = message.stop_reason.as_ref().map(ToString::to_string);
    finish(
        args,
        &tags,
        &message.model,
        stop,
        (message.usage.input_tokens, message.usage.output_tokens),
    );
    Ok(())
}

/// [`run`] through the beta surface: the same calls under `client.beta()`,
/// with the beta types.
async fn run_beta(args: &Args, params: BetaMessageCreateParams) -> Result<(), Error> {
    let client = client(args)?;
    let message = if args.stream {
        let mut stream = client
            .beta()
            .messages()
            .create_stream(params)
            .send()
            .await?
            .accumulate();
        let mut deltas = stream.text_deltas();
        while let Some(text) = deltas.try_next().await? {
            if !show(&text) {
                return Ok(());
            }
        }
        stream.final_message().await?
    } else {
        let message = client
            .beta()
            .messages()
            .create(params)
            .send()
            .await?
            .into_inner();
        if !show(&message.text()) {
            return Ok(());
        }
        message
    };
    let tags: Vec<&str> = message.content.iter().map(|block| block.tag()).collect();
    let stop = message.stop_reason.as_ref().map(ToString::to_string);
    finish(
        args,
        &tags,
        &message.model,
        stop,
        (message.usage.input_tokens, message.usage.output_tokens),
    );
    Ok(())
}

/// After the reply's text: the blocks' types if asked for, then why the
/// reply stopped.
fn finish(
    args: &Args,
    tags: &[&str],
    model: impl std::fmt::Display,
    stop: Option<String>,
    tokens: (i64, i64),
) {
    show("\n");
    if args.blocks {
        for tag in tags {
            // The type as sent, also for a block kept as `Other`.
            if !show(&format!("block: {tag}\n")) {
                return;
            }
        }
    }
    // On stderr, so stdout holds only what the model wrote (and the blocks
    // asked for).
    let reason = stop.unwrap_or_else(|| "none".to_string());
    eprintln!(
        "[{model} · stop: {reason} · {} input / {} output tokens]",
        tokens.0, tokens.1
    );
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
