//! Creates, lists, inspects and deletes skills and their versions through
//! the Skills API (beta), uploading a skill from a directory.
//!
//! ```text
//! cargo run -p anthropic-client --example skills -- COMMAND
//! ```
//!
//! A skill is a directory with a `SKILL.md` file at its top; every file
//! under it is uploaded, each named by its path from the directory's parent
//! (`csv-insights/SKILL.md`, `csv-insights/scripts/plot.py`). A directory
//! without `SKILL.md` is refused before anything is sent.
//!
//! - `create [--display-title T] DIR`: creates a skill from `DIR`; prints
//!   `<id> <latest_version>`.
//! - `list [--source custom|anthropic]`: prints `<id> <display_title>` for
//!   every skill, across all pages; only those of one source when given.
//! - `get ID`: prints `<id> <display_title> <latest_version>`.
//! - `delete ID`: deletes the skill; prints its id.
//! - `version-create ID DIR`: uploads `DIR` as a new version of the skill;
//!   prints `<version> <name>`.
//! - `version-list ID`: prints the `<version>` of every version of the
//!   skill, across all pages.
//! - `version-get ID VERSION`: prints `<version> <name> <directory>`.
//! - `version-delete ID VERSION`: deletes the version; prints its id.
//!
//! It reads `ANTHROPIC_API_KEY` and, when set, `ANTHROPIC_BASE_URL`. On failure
//! it prints the HTTP status, the error type, the message and the request id
//! on stderr and exits with status 1; a bad command line exits with status 2.

use std::io::Write;
use std::process::ExitCode;

use anthropic_client::{Client, Error, Upload};
use futures::{Stream, StreamExt};

const USAGE: &str = "usage: skills COMMAND
commands:
  create [--display-title T] DIR       create a skill from DIR: <id> <latest_version>
  list [--source custom|anthropic]     every skill: <id> <display_title>
  get ID                               <id> <display_title> <latest_version>
  delete ID                            delete a skill: its id
  version-create ID DIR                a new version from DIR: <version> <name>
  version-list ID                      every version of a skill: <version>
  version-get ID VERSION               <version> <name> <directory>
  version-delete ID VERSION            delete a version: its id";

enum Command {
    Create { title: Option<String>, dir: String },
    List { source: Option<String> },
    Get { id: String },
    Delete { id: String },
    VersionCreate { id: String, dir: String },
    VersionList { id: String },
    VersionGet { id: String, version: String },
    VersionDelete { id: String, version: String },
}

enum Parsed {
    Run(Command),
    Help,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let (mut title, mut source) = (None, None);
    let mut words = Vec::new();
    while let Some(arg) = argv.next() {
        // `--flag value` or `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let slot = match flag {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--display-title" => &mut title,
            "--source" => &mut source,
            _ if flag.starts_with("--") => return Err(format!("unknown argument `{arg}`")),
            _ => {
                words.push(arg);
                continue;
            }
        };
        let value = inline
            .or_else(|| argv.next())
            .ok_or_else(|| format!("{flag} needs a value"))?;
        if slot.replace(value).is_some() {
            return Err(format!("{flag} is given twice"));
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
        "create" => {
            let [dir] = take(arity(&["DIR"])?);
            Command::Create {
                title: title.take(),
                dir,
            }
        }
        "list" => {
            arity(&[])?;
            Command::List {
                source: source.take(),
            }
        }
        "get" => {
            let [id] = take(arity(&["ID"])?);
            Command::Get { id }
        }
        "delete" => {
            let [id] = take(arity(&["ID"])?);
            Command::Delete { id }
        }
        "version-create" => {
            let [id, dir] = take(arity(&["ID", "DIR"])?);
            Command::VersionCreate { id, dir }
        }
        "version-list" => {
            let [id] = take(arity(&["ID"])?);
            Command::VersionList { id }
        }
        "version-get" => {
            let [id, version] = take(arity(&["ID", "VERSION"])?);
            Command::VersionGet { id, version }
        }
        "version-delete" => {
            let [id, version] = take(arity(&["ID", "VERSION"])?);
            Command::VersionDelete { id, version }
        }
        _ => return Err(format!("unknown command `{name}`")),
    };
    // What the command did not take was given to the wrong one.
    if title.is_some() {
        return Err(format!("--display-title applies to create, not to {name}"));
    }
    if source.is_some() {
        return Err(format!("--source applies to list, not to {name}"));
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
    let skills = client.beta().skills();
    let versions = skills.versions();
    match command {
        Command::Create { title, dir } => {
            let mut request = skills.create(Upload::skill_directory(dir)?);
            if let Some(title) = title {
                request = request.display_title(title);
            }
            let skill = request.send().await?;
            say(format_args!("{} {}", skill.id, skill.latest_version));
        }
        Command::List { source } => {
            let mut request = skills.list();
            if let Some(source) = source {
                request = request.source(source);
            }
            print_each(request.items(), |skill| {
                format!("{} {}", skill.id, skill.display_title)
            })
            .await?;
        }
        Command::Get { id } => {
            let skill = skills.retrieve(id).send().await?;
            say(format_args!(
                "{} {} {}",
                skill.id, skill.display_title, skill.latest_version
            ));
        }
        Command::Delete { id } => {
            say(format_args!("{}", skills.delete(id).send().await?.id));
        }
        Command::VersionCreate { id, dir } => {
            let files = Upload::skill_directory(dir)?;
            let version = versions.create(id, files).send().await?;
            say(format_args!("{} {}", version.version, version.name));
        }
        Command::VersionList { id } => {
            print_each(versions.list(id).items(), |version| version.version).await?;
        }
        Command::VersionGet { id, version } => {
            let version = versions.retrieve(id, version).send().await?;
            say(format_args!(
                "{} {} {}",
                version.version, version.name, version.directory
            ));
        }
        Command::VersionDelete { id, version } => {
            let deleted = versions.delete(id, version).send().await?;
            say(format_args!("{}", deleted.id));
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
