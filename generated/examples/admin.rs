//! Manages an organization through the Admin API (its members, invites,
//! workspaces, workspace members and API keys) and prints its usage and
//! cost reports.
//!
//! ```text
//! cargo run -p anthropic-client --example admin -- COMMAND
//! ```
//!
//! Lists are printed whole, one line per item, across all pages (`--limit N`
//! is the page size); so are the reports, one line per time bucket.
//!
//! - `me`: the organization, `<id> <name>`.
//! - `users list [--limit N] [--email E]`, `users get ID`,
//!   `users update ID ROLE`: `<id> <email> <role>` per user;
//!   `users remove ID` prints the id.
//! - `invites create EMAIL ROLE`, `invites list [--limit N]`,
//!   `invites get ID`: `<id> <email> <status>` per invite;
//!   `invites delete ID` prints the id.
//! - `workspaces create NAME`, `workspaces list [--limit N]
//!   [--include-archived]`, `workspaces get ID`, `workspaces update ID NAME`:
//!   `<id> <name>` per workspace; `workspaces archive ID`: `<id> <archived_at>`.
//! - `members add WORKSPACE USER ROLE`, `members list WORKSPACE [--limit N]`,
//!   `members get WORKSPACE USER`, `members update WORKSPACE USER ROLE`:
//!   `<user_id> <workspace_role>` per member; `members remove WORKSPACE USER`
//!   prints the user id.
//! - `keys list [--limit N] [--status S] [--workspace ID] [--created-by USER]`,
//!   `keys get ID`, `keys update ID [--name N] [--status S]` (at least one):
//!   `<id> <name> <status>` per key.
//! - `usage messages --starting-at T [--ending-at T] [--bucket-width W]
//!   [--group-by a,b] [--models a,b] [--limit N]`: per bucket,
//!   `<starting_at> <results> <output_tokens summed over its results>`.
//! - `usage claude-code --starting-at DAY [--limit N]`: per record,
//!   `<date> <user email or API key name> <sessions>`.
//! - `cost --starting-at T [--ending-at T] [--group-by a,b] [--limit N]`: per
//!   bucket, `<starting_at> <amount summed over its results>` (an exact
//!   decimal, in the currency's smallest unit: cents for USD).
//!
//! Timestamps are RFC 3339 (`2025-01-01T00:00:00Z`), checked before
//! anything is sent; `--limit` of a report is the number of buckets a page
//! holds.
//!
//! It reads the Admin API key from `ANTHROPIC_ADMIN_KEY` and, when set,
//! `ANTHROPIC_BASE_URL`. On failure it prints the HTTP status, the error
//! type, the message and the request id on stderr and exits with status 1;
//! a bad command line exits with status 2.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::process::ExitCode;

use anthropic_client::types::{
    ApiKey, ApiKeyUpdateParams, ClaudeCodeActor, InviteCreateParams, User, UserUpdateParams,
    Workspace, WorkspaceCreateParams, WorkspaceMember, WorkspaceMemberCreateParams,
    WorkspaceMemberUpdateParams, WorkspaceUpdateParams,
};
use anthropic_client::{Client, Error};
use chrono::{DateTime, SecondsFormat, Utc};
use futures::{Stream, StreamExt};

const USAGE: &str = "usage: admin COMMAND
commands:
  me                                          <id> <name>
  users list [--limit N] [--email E]          <id> <email> <role> per user
  users get ID | update ID ROLE | remove ID
  invites create EMAIL ROLE                   <id> <email> <status>
  invites list [--limit N] | get ID | delete ID
  workspaces create NAME                      <id> <name>
  workspaces list [--limit N] [--include-archived] | get ID | update ID NAME | archive ID
  members add WORKSPACE USER ROLE             <user_id> <workspace_role>
  members list WORKSPACE [--limit N] | get WORKSPACE USER
  members update WORKSPACE USER ROLE | remove WORKSPACE USER
  keys list [--limit N] [--status S] [--workspace ID] [--created-by USER]
  keys get ID | update ID [--name N] [--status S]    <id> <name> <status>
  usage messages --starting-at T [--ending-at T] [--bucket-width W] [--group-by a,b]
                 [--models a,b] [--limit N]   <starting_at> <results> <output_tokens>
  usage claude-code --starting-at DAY [--limit N]    <date> <actor> <sessions>
  cost --starting-at T [--ending-at T] [--group-by a,b] [--limit N]
                                              <starting_at> <amount>";

/// Flags that take a value; `--include-archived` is the only switch.
const VALUED: &[&str] = &[
    "--limit",
    "--email",
    "--name",
    "--status",
    "--workspace",
    "--created-by",
    "--starting-at",
    "--ending-at",
    "--bucket-width",
    "--group-by",
    "--models",
];
const INCLUDE_ARCHIVED: &str = "--include-archived";

enum Command {
    Me,
    UsersList {
        limit: Option<u64>,
        email: Option<String>,
    },
    UsersGet {
        id: String,
    },
    UsersUpdate {
        id: String,
        role: String,
    },
    UsersRemove {
        id: String,
    },
    InvitesCreate {
        email: String,
        role: String,
    },
    InvitesList {
        limit: Option<u64>,
    },
    InvitesGet {
        id: String,
    },
    InvitesDelete {
        id: String,
    },
    WorkspacesCreate {
        name: String,
    },
    WorkspacesList {
        limit: Option<u64>,
        include_archived: bool,
    },
    WorkspacesGet {
        id: String,
    },
    WorkspacesUpdate {
        id: String,
        name: String,
    },
    WorkspacesArchive {
        id: String,
    },
    MembersAdd {
        workspace: String,
        user: String,
        role: String,
    },
    MembersList {
        workspace: String,
        limit: Option<u64>,
    },
    MembersGet {
        workspace: String,
        user: String,
    },
    MembersUpdate {
        workspace: String,
        user: String,
        role: String,
    },
    MembersRemove {
        workspace: String,
        user: String,
    },
    KeysList {
        limit: Option<u64>,
        status: Option<String>,
        workspace: Option<String>,
        created_by: Option<String>,
    },
    KeysGet {
        id: String,
    },
    KeysUpdate {
        id: String,
        name: Option<String>,
        status: Option<String>,
    },
    UsageMessages {
        range: Range,
        bucket_width: Option<String>,
        group_by: Vec<String>,
        models: Vec<String>,
    },
    UsageClaudeCode {
        day: String,
        limit: Option<u64>,
    },
    Cost {
        range: Range,
        group_by: Vec<String>,
    },
}

/// The time range and page size of a report.
struct Range {
    starting_at: String,
    ending_at: Option<String>,
    limit: Option<u64>,
}

enum Parsed {
    Run(Command),
    Help,
}

/// The command line split into its words and its flags, before the command
/// says which of them it takes.
struct Line {
    words: Vec<String>,
    flags: BTreeMap<&'static str, String>,
    include_archived: bool,
}

impl Line {
    /// The flags of `command`, the only ones it takes; any other given is an
    /// error naming both.
    fn accept(&self, command: &str, allowed: &[&str]) -> Result<(), String> {
        let switch = self.include_archived.then_some(INCLUDE_ARCHIVED);
        let given = self.flags.keys().copied().chain(switch);
        for flag in given {
            if !allowed.contains(&flag) {
                return Err(format!("{flag} does not apply to `{command}`"));
            }
        }
        Ok(())
    }

    fn flag(&mut self, name: &str) -> Option<String> {
        self.flags.remove(name)
    }

    fn limit(&mut self) -> Result<Option<u64>, String> {
        self.flag("--limit")
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("--limit takes a number, not `{v}`"))
            })
            .transpose()
    }

    /// The comma-separated values of a flag; none when it is not given.
    fn list(&mut self, name: &str) -> Vec<String> {
        self.flag(name)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn range(&mut self, command: &str) -> Result<Range, String> {
        Ok(Range {
            starting_at: self
                .flag("--starting-at")
                .ok_or_else(|| format!("`{command}` needs --starting-at"))?,
            ending_at: self.flag("--ending-at"),
            limit: self.limit()?,
        })
    }
}

fn split(mut argv: impl Iterator<Item = String>) -> Result<Option<Line>, String> {
    let mut line = Line {
        words: Vec::new(),
        flags: BTreeMap::new(),
        include_archived: false,
    };
    while let Some(arg) = argv.next() {
        // `--flag value` or `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        if matches!(flag, "-h" | "--help") {
            return Ok(None);
        }
        if flag == INCLUDE_ARCHIVED && inline.is_none() {
            line.include_archived = true;
        } else if let Some(name) = VALUED.iter().find(|name| **name == flag) {
            let value = inline
                .or_else(|| argv.next())
                .ok_or_else(|| format!("{name} needs a value"))?;
            if line.flags.insert(name, value).is_some() {
                return Err(format!("{name} is given twice"));
            }
        } else if flag.starts_with("--") {
            return Err(format!("unknown argument `{arg}`"));
        } else {
            line.words.push(arg);
        }
    }
    Ok(Some(line))
}

fn parse(argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let Some(mut line) = split(argv)? else {
        return Ok(Parsed::Help);
    };
    let words = std::mem::take(&mut line.words);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let Some((&group, rest)) = words.split_first() else {
        return Err("no command given".to_string());
    };
    // `me` and `cost` are one word; the others are a group and a verb.
    let (name, verb, operands) = match (group, rest) {
        ("me" | "cost", _) => (group.to_string(), "", rest),
        (_, [verb, operands @ ..]) => (format!("{group} {verb}"), *verb, operands),
        ("users" | "invites" | "workspaces" | "members" | "keys" | "usage", []) => {
            return Err(format!("`{group}` needs a command"))
        }
        (_, []) => return Err(format!("unknown command `{group}`")),
    };
    let arity = |names: &[&str]| -> Result<Vec<String>, String> {
        if operands.len() < names.len() {
            return Err(format!("`{name}` needs {}", names.join(" ")));
        }
        if let Some(extra) = operands.get(names.len()) {
            return Err(format!("unknown argument `{extra}`"));
        }
        Ok(operands.iter().map(|s| s.to_string()).collect())
    };
    let command = match (group, verb) {
        ("me", _) => {
            line.accept(&name, &[])?;
            arity(&[])?;
            Command::Me
        }
        ("users", "list") => {
            line.accept(&name, &["--limit", "--email"])?;
            arity(&[])?;
            Command::UsersList {
                limit: line.limit()?,
                email: line.flag("--email"),
            }
        }
        ("users", "get") => {
            line.accept(&name, &[])?;
            let [id] = take(arity(&["ID"])?);
            Command::UsersGet { id }
        }
        ("users", "update") => {
            line.accept(&name, &[])?;
            let [id, role] = take(arity(&["ID", "ROLE"])?);
            Command::UsersUpdate { id, role }
        }
        ("users", "remove") => {
            line.accept(&name, &[])?;
            let [id] = take(arity(&["ID"])?);
            Command::UsersRemove { id }
        }
        ("invites", "create") => {
            line.accept(&name, &[])?;
            let [email, role] = take(arity(&["EMAIL", "ROLE"])?);
            Command::InvitesCreate { email, role }
        }
        ("invites", "list") => {
            line.accept(&name, &["--limit"])?;
            arity(&[])?;
            Command::InvitesList {
                limit: line.limit()?,
            }
        }
        ("invites", "get") => {
            line.accept(&name, &[])?;
            let [id] = take(arity(&["ID"])?);
            Command::InvitesGet { id }
        }
        ("invites", "delete") => {
            line.accept(&name, &[])?;
            let [id] = take(arity(&["ID"])?);
            Command::InvitesDelete { id }
        }
        ("workspaces", "create") => {
            line.accept(&name, &[])?;
            let [name] = take(arity(&["NAME"])?);
            Command::WorkspacesCreate { name }
        }
        ("workspaces", "list") => {
            line.accept(&name, &["--limit", INCLUDE_ARCHIVED])?;
            arity(&[])?;
            Command::WorkspacesList {
                limit: line.limit()?,
                include_archived: line.include_archived,
            }
        }
        ("workspaces", "get") => {
            line.accept(&name, &[])?;
            let [id] = take(arity(&["ID"])?);
            Command::WorkspacesGet { id }
        }
        ("workspaces", "update") => {
            line.accept(&name, &[])?;
            let [id, name] = take(arity(&["ID", "NAME"])?);
            Command::WorkspacesUpdate { id, name }
        }
        ("workspaces", "archive") => {
            line.accept(&name, &[])?;
            let [id] = take(arity(&["ID"])?);
            Command::WorkspacesArchive { id }
        }
        ("members", "add") => {
            line.accept(&name, &[])?;
            let [workspace, user, role] = take(arity(&["WORKSPACE", "USER", "ROLE"])?);
            Command::MembersAdd {
                workspace,
                user,
                role,
            }
        }
        ("members", "list") => {
            line.accept(&name, &["--limit"])?;
            let [workspace] = take(arity(&["WORKSPACE"])?);
            Command::MembersList {
                workspace,
                limit: line.limit()?,
            }
        }
        ("members", "get") => {
            line.accept(&name, &[])?;
            let [workspace, user] = take(arity(&["WORKSPACE", "USER"])?);
            Command::MembersGet { workspace, user }
        }
        ("members", "update") => {
            line.accept(&name, &[])?;
            let [workspace, user, role] = take(arity(&["WORKSPACE", "USER", "ROLE"])?);
            Command::MembersUpdate {
                workspace,
                user,
                role,
            }
        }
        ("members", "remove") => {
            line.accept(&name, &[])?;
            let [workspace, user] = take(arity(&["WORKSPACE", "USER"])?);
            Command::MembersRemove { workspace, user }
        }
        ("keys", "list") => {
            line.accept(
                &name,
                &["--limit", "--status", "--workspace", "--created-by"],
            )?;
            arity(&[])?;
            Command::KeysList {
                limit: line.limit()?,
                status: line.flag("--status"),
                workspace: line.flag("--workspace"),
                created_by: line.flag("--created-by"),
            }
        }
        ("keys", "get") => {
            line.accept(&name, &[])?;
            let [id] = take(arity(&["ID"])?);
            Command::KeysGet { id }
        }
        ("keys", "update") => {
            line.accept(&name, &["--name", "--status"])?;
            let [id] = take(arity(&["ID"])?);
            let (name, status) = (line.flag("--name"), line.flag("--status"));
            if name.is_none() && status.is_none() {
                return Err("`keys update` needs --name or --status".to_string());
            }
            Command::KeysUpdate { id, name, status }
        }
        ("usage", "messages") => {
            line.accept(
                &name,
                &[
                    "--starting-at",
                    "--ending-at",
                    "--bucket-width",
                    "--group-by",
                    "--models",
                    "--limit",
                ],
            )?;
            arity(&[])?;
            Command::UsageMessages {
                range: line.range(&name)?,
                bucket_width: line.flag("--bucket-width"),
                group_by: line.list("--group-by"),
                models: line.list("--models"),
            }
        }
        ("usage", "claude-code") => {
            line.accept(&name, &["--starting-at", "--limit"])?;
            arity(&[])?;
            Command::UsageClaudeCode {
                day: line
                    .flag("--starting-at")
                    .ok_or_else(|| format!("`{name}` needs --starting-at"))?,
                limit: line.limit()?,
            }
        }
        ("cost", _) => {
            line.accept(
                &name,
                &["--starting-at", "--ending-at", "--group-by", "--limit"],
            )?;
            arity(&[])?;
            Command::Cost {
                range: line.range(&name)?,
                group_by: line.list("--group-by"),
            }
        }
        _ => return Err(format!("unknown command `{name}`")),
    };
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
    // ANTHROPIC_ADMIN_KEY; with only ANTHROPIC_API_KEY set, every command
    // fails before sending, naming the variable to set.
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => return fail(&Failure::Client(e)),
    };
    match run(&client, command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Why a command failed: the client's error, or an answer this program
/// cannot use.
enum Failure {
    Client(Error),
    Answer(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Client(error)
    }
}

async fn run(client: &Client, command: Command) -> Result<(), Failure> {
    let admin = client.admin();
    let (users, invites, workspaces) = (admin.users(), admin.invites(), admin.workspaces());
    let (members, keys) = (workspaces.members(), admin.api_keys());
    match command {
        Command::Me => {
            let org = admin.organizations().me().send().await?;
            say(format_args!("{} {}", org.id, org.name));
        }
        Command::UsersList { limit, email } => {
            let mut request = users.list();
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            if let Some(email) = email {
                request = request.email(email);
            }
            print_each(request.items(), |user| user_line(&user)).await?;
        }
        Command::UsersGet { id } => {
            let user = users.retrieve(id).send().await?;
            say(format_args!("{}", user_line(&user)));
        }
        Command::UsersUpdate { id, role } => {
            let user = users.update(id, UserUpdateParams::new(role)).send().await?;
            say(format_args!("{}", user_line(&user)));
        }
        Command::UsersRemove { id } => {
            say(format_args!("{}", users.delete(id).send().await?.id));
        }
        Command::InvitesCreate { email, role } => {
            let invite = invites
                .create(InviteCreateParams::new(email, role))
                .send()
                .await?;
            say(format_args!(
                "{} {} {}",
                invite.id, invite.email, invite.status
            ));
        }
        Command::InvitesList { limit } => {
            let mut request = invites.list();
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            print_each(request.items(), |invite| {
                format!("{} {} {}", invite.id, invite.email, invite.status)
            })
            .await?;
        }
        Command::InvitesGet { id } => {
            let invite = invites.retrieve(id).send().await?;
            say(format_args!(
                "{} {} {}",
                invite.id, invite.email, invite.status
            ));
        }
        Command::InvitesDelete { id } => {
            say(format_args!("{}", invites.delete(id).send().await?.id));
        }
        Command::WorkspacesCreate { name } => {
            let workspace = workspaces
                .create(WorkspaceCreateParams::new(name))
                .send()
                .await?;
            say(format_args!("{}", workspace_line(&workspace)));
        }
        Command::WorkspacesList {
            limit,
            include_archived,
        } => {
            let mut request = workspaces.list();
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            if include_archived {
                request = request.include_archived(true);
            }
            print_each(request.items(), |w| workspace_line(&w)).await?;
        }
        Command::WorkspacesGet { id } => {
            let workspace = workspaces.retrieve(id).send().await?;
            say(format_args!("{}", workspace_line(&workspace)));
        }
        Command::WorkspacesUpdate { id, name } => {
            let workspace = workspaces
                .update(id, WorkspaceUpdateParams::new(name))
                .send()
                .await?;
            say(format_args!("{}", workspace_line(&workspace)));
        }
        Command::WorkspacesArchive { id } => {
            let workspace = workspaces.archive(id).send().await?;
            // Set by the archive; `-` if an answer ever leaves it out.
            let archived_at = workspace.archived_at.map_or("-".to_string(), rfc3339);
            say(format_args!("{} {archived_at}", workspace.id));
        }
        Command::MembersAdd {
            workspace,
            user,
            role,
        } => {
            let params = WorkspaceMemberCreateParams::new(user, role);
            let member = members.create(workspace, params).send().await?;
            say(format_args!("{}", member_line(&member)));
        }
        Command::MembersList { workspace, limit } => {
            let mut request = members.list(workspace);
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            print_each(request.items(), |m| member_line(&m)).await?;
        }
        Command::MembersGet { workspace, user } => {
            let member = members.retrieve(workspace, user).send().await?;
            say(format_args!("{}", member_line(&member)));
        }
        Command::MembersUpdate {
            workspace,
            user,
            role,
        } => {
            let params = WorkspaceMemberUpdateParams::new(role);
            let member = members.update(workspace, user, params).send().await?;
            say(format_args!("{}", member_line(&member)));
        }
        Command::MembersRemove { workspace, user } => {
            let removed = members.delete(workspace, user).send().await?;
            say(format_args!("{}", removed.user_id));
        }
        Command::KeysList {
            limit,
            status,
            workspace,
            created_by,
        } => {
            let mut request = keys.list();
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            if let Some(status) = status {
                request = request.status(status);
            }
            if let Some(workspace) = workspace {
                request = request.workspace_id(workspace);
            }
            if let Some(user) = created_by {
                request = request.created_by_user_id(user);
            }
            print_each(request.items(), |key| key_line(&key)).await?;
        }
        Command::KeysGet { id } => {
            let key = keys.retrieve(id).send().await?;
            say(format_args!("{}", key_line(&key)));
        }
        Command::KeysUpdate { id, name, status } => {
            let mut params = ApiKeyUpdateParams::new();
            if let Some(name) = name {
                params = params.name(name);
            }
            if let Some(status) = status {
                params = params.status(status);
            }
            let key = keys.update(id, params).send().await?;
            say(format_args!("{}", key_line(&key)));
        }
        Command::UsageMessages {
            range,
            bucket_width,
            group_by,
            models,
        } => {
            let mut request = admin.usage_report().messages(range.starting_at.as_str());
            if let Some(ending_at) = &range.ending_at {
                request = request.ending_at(ending_at.as_str());
            }
            if let Some(width) = bucket_width {
                request = request.bucket_width(width);
            }
            if !group_by.is_empty() {
                request = request.group_by(group_by);
            }
            if !models.is_empty() {
                request = request.models(models);
            }
            if let Some(limit) = range.limit {
                request = request.limit(limit);
            }
            print_each(request.items(), |bucket| {
                // Summed wide: an i64 per result cannot overflow an i128.
                let output: i128 = bucket
                    .results
                    .iter()
                    .map(|r| i128::from(r.output_tokens))
                    .sum();
                format!(
                    "{} {} {output}",
                    rfc3339(bucket.starting_at),
                    bucket.results.len()
                )
            })
            .await?;
        }
        Command::UsageClaudeCode { day, limit } => {
            let mut request = admin.usage_report().claude_code(day);
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            print_each(request.items(), |record| {
                let actor = match &record.actor {
                    ClaudeCodeActor::UserActor(user) => user.email_address.as_str(),
                    ClaudeCodeActor::ApiActor(key) => key.api_key_name.as_str(),
                    // An actor this crate does not know: its type, as sent.
                    other => other.tag(),
                };
                format!(
                    "{} {actor} {}",
                    record.date, record.core_metrics.num_sessions
                )
            })
            .await?;
        }
        Command::Cost { range, group_by } => {
            let mut request = admin.cost_report().retrieve(range.starting_at.as_str());
            if let Some(ending_at) = &range.ending_at {
                request = request.ending_at(ending_at.as_str());
            }
            if !group_by.is_empty() {
                request = request.group_by(group_by);
            }
            if let Some(limit) = range.limit {
                request = request.limit(limit);
            }
            let mut buckets = std::pin::pin!(request.items());
            while let Some(bucket) = buckets.next().await {
                let bucket = bucket?;
                let mut total = Decimal::default();
                for result in &bucket.results {
                    total.add(&result.amount).ok_or_else(|| {
                        Failure::Answer(format!(
                            "the cost report's amount `{}` is not a decimal this program can sum",
                            result.amount
                        ))
                    })?;
                }
                if !say(format_args!("{} {total}", rfc3339(bucket.starting_at))) {
                    break;
                }
            }
        }
    }
    Ok(())
}

fn user_line(user: &User) -> String {
    format!("{} {} {}", user.id, user.email, user.role)
}

fn workspace_line(workspace: &Workspace) -> String {
    format!("{} {}", workspace.id, workspace.name)
}

fn member_line(member: &WorkspaceMember) -> String {
    format!("{} {}", member.user_id, member.workspace_role)
}

fn key_line(key: &ApiKey) -> String {
    format!("{} {} {}", key.id, key.name, key.status)
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An exact sum of decimal strings such as `"123.45"`: all the digits as one
/// integer, and how many of them come after the point. Floating point would
/// print `0.30000000000000004` for `"0.1"` and `"0.2"`.
#[derive(Default)]
struct Decimal {
    digits: i128,
    scale: u32,
}

impl Decimal {
    /// Adds `text`; `None` when it is not a decimal or the sum overflows.
    fn add(&mut self, text: &str) -> Option<()> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return None;
        }
        let scale = u32::try_from(fraction.len()).ok()?;
        let mut value: i128 = format!("{whole}{fraction}").parse().ok()?;
        if negative {
            value = -value;
        }
        // Both at the finer of the two scales.
        if scale > self.scale {
            self.digits = self
                .digits
                .checked_mul(10i128.checked_pow(scale - self.scale)?)?;
            self.scale = scale;
        }
        let value = value.checked_mul(10i128.checked_pow(self.scale - scale)?)?;
        self.digits = self.digits.checked_add(value)?;
        Some(())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.digits < 0 { "-" } else { "" };
        let magnitude = self.digits.unsigned_abs();
        let unit = 10u128.pow(self.scale);
        write!(f, "{sign}{}", magnitude / unit)?;
        if self.scale > 0 {
            let width = self.scale as usize;
            write!(f, ".{:0width$}", magnitude % unit)?;
        }
        Ok(())
    }
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
fn say(line: fmt::Arguments<'_>) -> bool {
    writeln!(std::io::stdout().lock(), "{line}").is_ok()
}

/// Reports `failure` on stderr and gives the failure exit code.
fn fail(failure: &Failure) -> ExitCode {
    let error = match failure {
        Failure::Client(error) => error,
        Failure::Answer(why) => {
            eprintln!("error: {why}");
            return ExitCode::FAILURE;
        }
    };
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
