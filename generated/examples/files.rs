//! Uploads, lists, inspects, downloads and deletes files through the Files
//! API (beta).
//!
//! ```text
//! cargo run -p anthropic-client --example files -- COMMAND
//! ```
//!
//! - `upload PATH`: uploads the file at `PATH`, streamed from disk, under
//!   its file name; prints `<id> <filename> <mime_type> <size_bytes>`.
//! - `list [--limit N]`: prints `<id> <filename> <size_bytes>` for every
//!   file, across all pages (`--limit N` is the page size, 1 to 1000).
//! - `get ID`: prints `<id> <filename> <mime_type> <size_bytes>
//!   <downloadable>` (`true` or `false`).
//! - `download ID OUT`: writes the file's content to `OUT` as it arrives
//!   and prints the number of bytes written. A download that fails leaves
//!   `OUT` as it was: absent, or a file already there with its contents.
//! - `delete ID`: deletes the file; prints its id.
//!
//! It reads `ANTHROPIC_API_KEY` and, when set, `ANTHROPIC_BASE_URL`. On failure
//! it prints the HTTP status, the error type, the message and the request id
//! on stderr and exits with status 1; a bad command line exits with status 2.

use std::io::Write;
use std::process::ExitCode;

use anthropic_client::{Client, Error, Upload};
use futures::{Stream, StreamExt};

const USAGE: &str = "usage: files COMMAND
commands:
  upload PATH         upload a file: <id> <filename> <mime_type> <size_bytes>
  list [--limit N]    every file: <id> <filename> <size_bytes>
  get ID              <id> <filename> <mime_type> <size_bytes> <downloadable>
  download ID OUT     write the file's content to OUT; prints the byte count
  delete ID           delete a file: its id";

enum Command {
    Upload { path: String },
    List { limit: Option<u64> },
    Get { id: String },
    Download { id: String, out: String },
    Delete { id: String },
}

enum Parsed {
    Run(Command),
    Help,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut limit = None;
    let mut words = Vec::new();
    while let Some(arg) = argv.next() {
        // `--limit N` or `--limit=N`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        match flag {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--limit" => {
                let v = inline
                    .or_else(|| argv.next())
                    .ok_or("--limit needs a value")?;
                let n = v
                    .parse()
                    .map_err(|_| format!("--limit takes a number, not `{v}`"))?;
                limit = Some(n);
            }
            _ if flag.starts_with("--") => return Err(format!("unknown argument `{arg}`")),
            _ => words.push(arg),
        }
    }
    let Some((name, operands)) = words.split_first() else {
        return Err("no command given".to_string());
    };
    let arity = |names: &[&str]| -> Result<Vec<String>, String> {
        if operands.len() < names.len() {
            return Err(format!("`{name}` needs {}", names.join(" ")));
        }
        if let Some(extra) = operands.get(names.len()) {
            return Err(format!("unknown argument `{extra}`"));
        }
        Ok(operands.to_vec())
    };
    let command = match name.as_str() {
        "upload" => {
            let [path] = take(arity(&["PATH"])?);
            Command::Upload { path }
        }
        "list" => {
            arity(&[])?;
            Command::List { limit }
        }
        "get" => {
            let [id] = take(arity(&["ID"])?);
            Command::Get { id }
        }
        "download" => {
            let [id, out] = take(arity(&["ID", "OUT"])?);
            Command::Download { id, out }
        }
        "delete" => {
            let [id] = take(arity(&["ID"])?);
            Command::Delete { id }
        }
        _ => return Err(format!("unknown command `{name}`")),
    };
    if limit.is_some() && !matches!(command, Command::List { .. }) {
        return Err(format!("--limit applies to list, not to {name}"));
    }
    Ok(Parsed::Run(command))
}

/// The operands of a command whose count `arity` checked.
fn take<const N: usize>(operands: Vec<String>) -> [String; N] {
    let mut operands = operands.into_iter();
    std::array::from_fn(|_| operands.next().unwrap_or_default())
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(command)) => command,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => return fail(&e),
    };
    match run(&client, command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

async fn run(client: &Client, command: Command) -> Result<(), Error> {
    let files = client.beta().files();
    match command {
        Command::Upload { path } => {
            let file = files.upload(Upload::from_path(path)).send().await?;
            say(format_args!(
                "{} {} {} {}",
                file.id, file.filename, file.mime_type, file.size_bytes
            ));
        }
        Command::List { limit } => {
            let mut request = files.list();
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            print_each(request.items(), |file| {
                format!("{} {} {}", file.id, file.filename, file.size_bytes)
            })
            .await?;
        }
        Command::Get { id } => {
            let file = files.retrieve_metadata(id).send().await?;
            say(format_args!(
                "{} {} {} {} {}",
                file.id,
                file.filename,
                file.mime_type,
                file.size_bytes,
                // Left out by the API when it does not say: not known to be.
                file.downloadable.unwrap_or(false)
            ));
        }
        Command::Download { id, out } => {
            let written = files.download(id).save_to(out).await?;
            say(format_args!("{written}"));
        }
        Command::Delete { id } => {
            say(format_args!("{}", files.delete(id).send().await?.id));
        }
    }
    Ok(())
}

/// Prints one line per item as it arrives, holding one page at a time;
/// stops at the first error, or quietly when stdout is closed (say, piped
/// into `head`).
async fn print_each<T>(
    items: impl Stream<Item = Result<T, Error>>,
    line: impl Fn(T) -> String,
) -> Result<(), Error> {
    let mut items = std::pin::pin!(items);
    while let Some(item) = items.next().await {
        if !say(format_args!("{}", line(item?))) {
            break;
        }
    }
    Ok(())
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
