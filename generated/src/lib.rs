//! A typed async client for the [Anthropic HTTP API](https://docs.claude.com/en/api/overview),
//! generated from the OpenAPI spec in this repository.
//!
//! Requests are built the way the API reference writes them: a constructor
//! with the required fields (`MessageCreateParams::new(model, max_tokens,
//! messages)`), then chained setters for the rest, each taking anything
//! that converts (a `&str` where a string or a list of blocks is allowed).
//! Every bound the spec states is checked before anything is sent.
//!
//! Each group of the API is a cargo feature: `models` and `messages` are on
//! by default; `batches`, `completions`, `beta`, `files`, `skills` and
//! `admin` are turned on as needed, and `full` turns on every group. An
//! item's documentation names the feature it needs.
//!
//! # Everyday tasks
//!
//! Every model, page after page:
//!
//! ```no_run
//! use futures::TryStreamExt;
//!
//! # async fn run() -> Result<(), anthropic_client::Error> {
//! let client = anthropic_client::Client::from_env()?; // ANTHROPIC_API_KEY
//! let mut models = client.models().list().items();
//! while let Some(model) = models.try_next().await? {
//!     println!("{} ({})", model.id, model.display_name);
//! }
//! # Ok(()) }
//! ```
//!
//! A message, then a tool-use loop by hand, with a system prompt:
//!
//! ```no_run
//! use anthropic_client::types::{ContentBlockParam, MessageCreateParams, MessageParam, StopReason, Tool};
//! use serde_json::json;
//!
//! # fn get_weather(input: &serde_json::Map<String, serde_json::Value>) -> String { String::new() }
//! # async fn run(client: anthropic_client::Client) -> Result<(), anthropic_client::Error> {
//! let weather = Tool::new("get_weather", json!({"type": "object", "properties": {"city": {"type": "string"}}}))
//!     .description("The current weather in a city.");
//! let mut params = MessageCreateParams::new("claude-sonnet-4-5", 1024, [MessageParam::user("Weather in Paris?")])
//!     .system("Answer in one sentence.")
//!     .tools([weather]);
//! loop {
//!     let reply = client.messages().create(&params).send().await?;
//!     if reply.stop_reason != Some(StopReason::ToolUse) {
//!         println!("{}", reply.text());
//!         break;
//!     }
//!     let results: Vec<_> = reply
//!         .tool_uses()
//!         .map(|call| ContentBlockParam::tool_result(&call.id, get_weather(&call.input)))
//!         .collect();
//!     params.messages.push(reply.to_param()?);
//!     params.messages.push(MessageParam::user(results));
//! }
//! # Ok(()) }
//! ```
//!
//! The same loop run by [`tool_runner`](crate::Messages::tool_runner), the
//! handler decoding the model's input into a type of yours:
//!
//! ```no_run
//! # use anthropic_client::types::{MessageCreateParams, Tool};
//! # async fn run(client: anthropic_client::Client, params: MessageCreateParams, weather: Tool) -> Result<(), anthropic_client::Error> {
//! #[derive(serde::Deserialize)]
//! struct City { city: String }
//!
//! let replies = client
//!     .messages()
//!     .tool_runner(params)
//!     .tool(weather, |input: City| async move { Ok::<_, String>(format!("Sunny in {}", input.city)) })
//!     .run()
//!     .await?;
//! println!("{}", replies.last().map(|reply| reply.text()).unwrap_or_default());
//! # Ok(()) }
//! ```
//!
//! Streaming, the text as it arrives, then the whole message:
//!
//! ```no_run
//! use futures::StreamExt;
//!
//! # async fn run(client: anthropic_client::Client, params: anthropic_client::types::MessageCreateParams) -> Result<(), anthropic_client::Error> {
//! let mut stream = client.messages().create_stream(params).send().await?.accumulate();
//! let mut text = stream.text_deltas();
//! while let Some(piece) = text.next().await {
//!     print!("{}", piece?);
//! }
//! drop(text);
//! println!("\n{:?}", stream.final_message().await?.usage);
//! # Ok(()) }
//! ```
//!
//! Token counting of a request as it would be sent, and extended thinking:
//!
//! ```no_run
//! use anthropic_client::types::{ContentBlock, MessageCreateParams, MessageParam, ThinkingConfigParam};
//!
//! # async fn run(client: anthropic_client::Client) -> Result<(), anthropic_client::Error> {
//! let params = MessageCreateParams::new("claude-sonnet-4-5", 4096, [MessageParam::user("Is 1001 prime?")])
//!     .thinking(ThinkingConfigParam::enabled(2048));
//! let count = client.messages().count_tokens(&params).send().await?;
//! println!("{} input tokens", count.input_tokens);
//! let reply = client.messages().create(params).send().await?;
//! for block in &reply.content {
//!     if let ContentBlock::Thinking(thought) = block {
//!         println!("thinking: {}", thought.thinking);
//!     }
//! }
//! println!("{}", reply.text());
//! # Ok(()) }
//! ```
//!
//! Errors: one [`Error`] type, which tells a value the spec does not allow
//! (refused before sending) from what the API or the network said:
//!
//! ```no_run
//! use anthropic_client::Error;
//!
//! # async fn run(client: anthropic_client::Client, params: anthropic_client::types::MessageCreateParams) {
//! match client.messages().create(params).send().await {
//!     Ok(reply) => println!("{}", reply.text()),
//!     Err(Error::InvalidArgument(why)) => eprintln!("not sent: {why}"),
//!     Err(e) if e.is_rate_limited() || e.is_overloaded() => eprintln!("try later: {e}"),
//!     Err(Error::Api(e)) => eprintln!("{} {}: {} ({:?})", e.status, e.error_type(), e.message(), e.request_id),
//!     Err(e) => eprintln!("failed: {e}"),
//! }
//! # }
//! ```
//!
//! Message Batches: many requests at once, results read as they arrive
//! (only the line being read is in memory):
//!
//! ```no_run
//! use anthropic_client::types::{MessageBatchCreateParams, MessageBatchRequest, MessageBatchResult};
//! use futures::TryStreamExt;
//!
//! # async fn run(client: anthropic_client::Client, params: anthropic_client::types::MessageCreateParams) -> Result<(), anthropic_client::Error> {
//! let requests = MessageBatchCreateParams::new([MessageBatchRequest::new("first", params)]);
//! let batch = client.messages().batches().create(requests).send().await?;
//! client.messages().batches().wait(batch.id.as_str()).await?;
//! let mut results = client.messages().batches().results(batch.id.as_str()).send().await?;
//! while let Some(line) = results.try_next().await? {
//!     if let MessageBatchResult::Succeeded(done) = &line.result {
//!         println!("{}: {}", line.custom_id, done.message.text());
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Files (beta): an upload is streamed from disk and a download to a file
//! as it arrives, neither held in memory; a download that fails part-way
//! leaves the target file as it was. Skills (beta) are uploaded from a directory with
//! `SKILL.md` at its top. Lists paged by `page` tokens (skills, skill
//! versions) are walked by `items()` like the others:
//!
//! ```no_run
//! use anthropic_client::Upload;
//! use futures::TryStreamExt;
//!
//! # async fn run(client: anthropic_client::Client) -> Result<(), anthropic_client::Error> {
//! let files = client.beta().files();
//! let file = files.upload(Upload::from_path("data/report.pdf")).send().await?;
//! println!("{} {} {} bytes", file.id, file.mime_type, file.size_bytes);
//! let written = files.download(&file.id).save_to("copy.pdf").await?;
//! println!("{written} bytes downloaded");
//!
//! let skills = client.beta().skills();
//! let skill = skills
//!     .create(Upload::skill_directory("skills/csv-insights")?) // csv-insights/SKILL.md, ...
//!     .display_title("CSV insights")
//!     .send()
//!     .await?;
//! let update = Upload::skill_directory("skills/csv-insights")?;
//! skills.versions().create(&skill.id, update).send().await?;
//! let mut versions = skills.versions().list(&skill.id).items(); // follows `next_page`
//! while let Some(version) = versions.try_next().await? {
//!     println!("{} {}", version.version, version.name);
//! }
//! # Ok(()) }
//! ```
//!
//! # What the client does for every request
//!
//! - sends the API key (`x-api-key`) and the API version (`anthropic-version`),
//!   plus any default `anthropic-beta` values configured on the client;
//! - retries connection errors, timeouts, 408, 409, 429 and 5xx responses
//!   (2 retries by default), honouring `x-should-retry`, `retry-after-ms` and
//!   `retry-after`, else backing off exponentially from 0.5 s up to 8 s;
//! - times out after 10 minutes overall (5 s to connect) unless configured;
//! - returns one [`Error`] type that tells an invalid argument, a transport
//!   failure, an API error and an undecodable body apart.
//!
//! Unknown response fields are ignored, and open sets of values (such as
//! [`types::AnthropicBeta`] or [`types::ErrorType`]) keep values this crate
//! does not know in an `Other` variant, so a program built today keeps working
//! when the API grows.

#![warn(missing_docs)]
// docs.rs builds with every feature and `--cfg docsrs`: each item then says
// which feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
// With only some groups compiled, parts of the shared runtime (a request
// body kind, the tagged unions' macro, a family's imports) go unused. With
// every group (`full`, as the workspace's tests and lints build it) all of
// it is used, and linted.
#![cfg_attr(
    not(all(feature = "full", feature = "schemars")),
    allow(dead_code, unused_imports, unused_macros)
)]

#[cfg(feature = "messages")]
mod accumulate;
#[cfg(feature = "batches")]
mod batches;
mod call;
mod checks;
mod client;
// The beta families' helpers and streams need the plain ones (the `beta`
// feature turns `messages` on).
#[cfg(feature = "messages")]
mod conversation;
mod decode;
mod download;
mod error;
mod impls;
mod json;
mod jsonl;
mod lossless;
// Only the groups that upload files (their requests are the only users)
// compile the multipart runtime.
#[cfg(any(feature = "files", feature = "skills"))]
mod multipart;
pub mod pagination;
mod request;
mod response;
mod retry;
pub mod sse;
mod streaming;
mod timestamp;
#[cfg(feature = "messages")]
mod tool_runner;
mod transport;

// Formatted by the generator (prettyplease), not by rustfmt.
#[doc(hidden)]
#[rustfmt::skip]
pub mod generated;

#[cfg(feature = "messages")]
pub use accumulate::{
    Deltas, EventKind, MessageAccumulator, MessageEvent, MessageStream, TextDeltas,
};
#[cfg(feature = "batches")]
pub use batches::{BatchResource, BatchWait};
pub use client::{Client, ClientBuilder};
pub use download::ByteStream;
pub use error::{ApiError, DecodeError, Error, TransportError};
pub use generated::meta::{API_VERSION, DEFAULT_BASE_URL};
pub use generated::requests::*;
pub use generated::resources::*;
pub use jsonl::JsonLines;
#[cfg(any(feature = "files", feature = "skills"))]
pub use multipart::Upload;
pub use request::RequestOptions;
pub use response::{RateLimit, RateLimits, Response};
pub use streaming::EventStream;
pub use timestamp::{Date, Timestamp};
#[cfg(feature = "messages")]
pub use tool_runner::{IntoToolResultContent, ToolHandler, ToolRunner, ToolRunnerStream};

/// The API's types: every schema of the spec, and the open sets of values.
pub mod types {
    /// Builders of the request types with many required fields
    /// (`X::builder()`), each field set by name.
    pub use crate::generated::constructors::builder;
    pub use crate::generated::open_enums::*;
    pub use crate::generated::types::*;
    pub use crate::generated::unions::*;
}
