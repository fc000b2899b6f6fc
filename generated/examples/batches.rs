//! Creates, inspects, lists, cancels and deletes message batches, and reads
//! their results.
//!
//! ```text
//! cargo run -p anthropic-client --example batches -- [--beta] [--betas a,b,...] COMMAND
//! ```
//!
//! - `create FILE`: submits the requests of `FILE`, JSON Lines with one
//!   `{"custom_id": ..., "params": {...}}` per line (blank lines are
//!   skipped), and prints `<id> <processing_status>`. A line that is not a
//!   batch request stops it before anything is sent.
//! - `get ID`: prints `<id> <processing_status>` of the batch.
//! - `list [--limit N]`: prints the id of every batch, one per line, across
//!   all pages (`--limit N` is the page size, 1 to 1000).
//! - `cancel ID`: asks for the batch to stop; prints `<id> <processing_status>`.
//! - `delete ID`: deletes the batch; prints its id.
//! - `wait ID`: waits until the batch has ended (polling with a backoff,
//!   1 s then doubling up to a minute); prints `<id> <processing_status>`.
//! - `results ID`: prints `<custom_id> <result type>` for each result as it
//!   arrives (a type this crate does not know is printed as sent), then
//!   `<n> results`.
//! - `--beta`: the beta batches (`client.beta().messages().batches()`), whose
//!   requests are beta Messages requests (server tools, MCP servers, ...)
//!   and whose results hold beta messages.
//! - `--betas a,b,...`: beta names sent in the `anthropic-beta` header of
//!   every request.
//!
//! It reads `ANTHROPIC_API_KEY` and, when set, `ANTHROPIC_BASE_URL`. On failure
//! it prints the HTTP status, the error type, the message and the request id
//! on stderr and exits with status 1; a bad command line, or a `FILE` that
//! cannot be read or holds a line that is not a batch request, exits with
//! status 2.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

use anthropic_client::types::{
    BetaMessageBatchCreateParams, BetaMessageBatchRequest, MessageBatchCreateParams,
    MessageBatchRequest,
};
use anthropic_client::{Client, ClientBuilder, Error};
use futures::{Stream, StreamExt};
use serde::de::DeserializeOwned;

const USAGE: &str = "usage: batches [--beta] [--betas a,b,...] COMMAND
commands:
  create FILE         submit the requests of FILE (JSON Lines: one {\"custom_id\", \"params\"} per line)
  get ID              show a batch: <id> <processing_status>
  list [--limit N]    print the id of every batch
  cancel ID           cancel a batch: <id> <processing_status>
  delete ID           delete a batch: its id
  wait ID             wait until a batch has ended: <id> <processing_status>
  results ID          print <custom_id> <result type> per result, then <n> results";

/// The command line.
struct Args {
    beta: bool,
    betas: Vec<String>,
    command: Command,
}

enum Command {
    /// `requests` is filled from `file` once the command line is known good.
    Create {
        file: String,
        requests: Requests,
    },
    Get {
        id: String,
    },
    List {
        limit: Option<u64>,
    },
    Cancel {
        id: String,
    },
    Delete {
        id: String,
    },
    Wait {
        id: String,
    },
    Results {
        id: String,
    },
}

/// The requests of a `create`, of the family the command line chose.
enum Requests {
    Unread,
    Plain(Vec<MessageBatchRequest>),
    Beta(Vec<BetaMessageBatchRequest>),
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut beta = false;
    let mut betas = Vec::new();
    let mut limit = None;
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
            "--beta" if inline.is_none() => beta = true,
            "--betas" => {
                let v = value("--betas")?;
                betas.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|b| !b.is_empty())
                        .map(str::to_string),
                );
            }
            "--limit" => {
                let v = value("--limit")?;
                let n = v
                    .parse()
                    .map_err(|_| format!("--limit takes a number, not `{v}`"))?;
                limit = Some(n);
            }
            _ if flag.starts_with("--") => return Err(format!("unknown argument `{arg}`")),
            _ => words.push(arg),
        }
    }
    let mut words = words.into_iter();
    let Some(name) = words.next() else {
        return Err("no command given".to_string());
    };
    let command = match name.as_str() {
        "create" => Command::Create {
            file: operand(&name, "FILE", words)?,
            requests: Requests::Unread,
        },
        "get" => Command::Get {
            id: operand(&name, "ID", words)?,
        },
        "cancel" => Command::Cancel {
            id: operand(&name, "ID", words)?,
        },
        "delete" => Command::Delete {
            id: operand(&name, "ID", words)?,
        },
        "wait" => Command::Wait {
            id: operand(&name, "ID", words)?,
        },
        "results" => Command::Results {
            id: operand(&name, "ID", words)?,
        },
        "list" => match words.next() {
            None => Command::List { limit },
            Some(extra) => return Err(format!("unknown argument `{extra}`")),
        },
        _ => return Err(format!("unknown command `{name}`")),
    };
    if limit.is_some() && !matches!(command, Command::List { .. }) {
        return Err(format!("--limit applies to list, not to {name}"));
    }
    Ok(Parsed::Run(Args {
        beta,
        betas,
        command,
    }))
}

/// The one operand of `command`.
fn operand(
    command: &str,
    what: &str,
    mut words: impl Iterator<Item = String>,
) -> Result<String, String> {
    match (words.next(), words.next()) {
        (Some(value), None) => Ok(value),
        (None, _) => Err(format!("{command} needs {what}")),
        (Some(_), Some(extra)) => Err(format!("unknown argument `{extra}`")),
    }
}

/// Reads the batch requests of `path`, one per non-blank line. The error
/// names the file and the line, so the user can fix it before anything is
/// sent.
fn read_requests<R: DeserializeOwned>(path: &str) -> Result<Vec<R>, String> {
    let cannot_read = |e: std::io::Error| format!("cannot read {path}: {e}");
    let mut reader = BufReader::new(File::open(path).map_err(cannot_read)?);
    let mut requests = Vec::new();
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        // Bytes, not `lines()`: invalid UTF-8 is then reported with its line
        // number by the JSON parser, like any other bad line.
        if reader.read_until(b'\n', &mut line).map_err(cannot_read)? == 0 {
            break;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let request = serde_json::from_slice(&line).map_err(|e| {
            // serde_json's message ends with its own position, "at line 1
            // column N" of this one line; the line number of the file is the
            // one that helps.
            let text = e.to_string();
            let position = format!(" at line {} column {}", e.line(), e.column());
            let reason = text.strip_suffix(&position).unwrap_or(&text);
            format!(
                "{path}, line {number}, column {}: not a batch request: {reason}",
                e.column()
            )
        })?;
        requests.push(request);
    }
    if requests.is_empty() {
        return Err(format!("{path} holds no batch request"));
    }
    Ok(requests)
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = match parse(std::env::args().skip(1)) {
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
    // Before the client is built: a bad file is reported as such even
    // without an API key, and nothing is sent.
    if let Command::Create { file, requests } = &mut args.command {
        let read = if args.beta {
            read_requests(file).map(Requests::Beta)
        } else {
            read_requests(file).map(Requests::Plain)
        };
        match read {
            Ok(read) => *requests = read,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    let mut builder = ClientBuilder::from_env();
    for beta in &args.betas {
        builder = builder.beta(beta.as_str());
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return fail(&e),
    };
    let outcome = if args.beta {
        run_beta(&client, args.command).await
    } else {
        run(&client, args.command).await
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

async fn run(client: &Client, command: Command) -> Result<(), Error> {
    let batches = client.messages().batches();
    match command {
        Command::Create { requests, .. } => {
            let Requests::Plain(requests) = requests else {
                unreachable!("main reads plain requests without --beta")
            };
            let batch = batches
                .create(MessageBatchCreateParams::new(requests))
                .send()
                .await?;
            say(format_args!("{} {}", batch.id, batch.processing_status));
        }
        Command::Wait { id } => {
            let batch = batches.wait(id).await?;
            say(format_args!("{} {}", batch.id, batch.processing_status));
        }
        Command::Get { id } => {
            let batch = batches.retrieve(id).send().await?;
            say(format_args!("{} {}", batch.id, batch.processing_status));
        }
        Command::List { limit } => {
            let mut request = batches.list();
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            print_each(request.items(), |batch| batch.id).await?;
        }
        Command::Cancel { id } => {
            let batch = batches.cancel(id).send().await?;
            say(format_args!("{} {}", batch.id, batch.processing_status));
        }
        Command::Delete { id } => {
            let deleted = batches.delete(id).send().await?;
            say(format_args!("{}", deleted.id));
        }
        Command::Results { id } => {
            let results = batches.results(id).send().await?;
            // `tag()` is the `type` as sent, also for a result type this
            // crate does not know (kept in `MessageBatchResult::Other`).
            let count =
                print_each(results, |r| format!("{} {}", r.custom_id, r.result.tag())).await?;
            if let Some(n) = count {
                say(format_args!("{n} results"));
            }
        }
    }
    Ok(())
}

/// [`run`] through the beta surface: the same calls under `client.beta()`,
/// with the beta types.
async fn run_beta(client: &Client, command: Command) -> Result<(), Error> {
    let batches = client.beta().messages().batches();
    match command {
        Command::Create { requests, .. } => {
            let Requests::Beta(requests) = requests else {
                unreachable!("main reads beta requests with --beta")
            };
            let batch = batches
                .create(BetaMessageBatchCreateParams::new(requests))
                .send()
                .await?;
            say(format_args!("{} {}", batch.id, batch.processing_status));
        }
        Command::Wait { id } => {
            let batch = batches.wait(id).await?;
            say(format_args!("{} {}", batch.id, batch.processing_status));
        }
        Command::Get { id } => {
            let batch = batches.retrieve(id).send().await?;
            say(format_args!("{} {}", batch.id, batch.processing_status));
        }
        Command::List { limit } => {
            let mut request = batches.list();
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            print_each(request.items(), |batch| batch.id).await?;
        }
        Command::Cancel { id } => {
            let batch = batches.cancel(id).send().await?;
            say(format_args!("{} {}", batch.id, batch.processing_status));
        }
        Command::Delete { id } => {
            let deleted = batches.delete(id).send().await?;
            say(format_args!("{}", deleted.id));
        }
        Command::Results { id } => {
            let results = batches.results(id).send().await?;
            let count =
                print_each(results, |r| format!("{} {}", r.custom_id, r.result.tag())).await?;
            if let Some(n) = count {
                say(format_args!("{n} results"));
            }
        }
    }
    Ok(())
}

/// Prints one line per item as it arrives, holding one item at a time;
/// stops at the first error. Gives how many were printed, or `None` when
/// stdout was closed (say, piped into `head`) and nothing more is wanted.
async fn print_each<T>(
    items: impl Stream<Item = Result<T, Error>>,
    line: impl Fn(T) -> String,
) -> Result<Option<usize>, Error> {
    let mut items = std::pin::pin!(items);
    let mut count = 0;
    while let Some(item) = items.next().await {
        if !say(format_args!("{}", line(item?))) {
            return Ok(None);
        }
        count += 1;
    }
    Ok(Some(count))
}

/// Writes one line to stdout; false when stdout is closed.
fn say(line: std::fmt::Arguments<'_>) -> bool {
    writeln!(std::io::stdout().lock(), "{line}").is_ok()
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
