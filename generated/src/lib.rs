//! A typed async client for the [Anthropic HTTP API](https://docs.claude.com/en/api/overview),
//! generated from the OpenAPI spec in this repository.
//!
//! ```no_run
//! use futures::TryStreamExt;
//!
//! # async fn run() -> Result<(), anthropic_client::Error> {
//! // Reads ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL, if set).
//! let client = anthropic_client::Client::from_env()?;
//!
//! // One request: a model by id.
//! let model = client.models().retrieve("claude-sonnet-4-20250514").send().await?;
//! println!("{} ({:?})", model.display_name, model.request_id());
//!
//! // Every model, page after page.
//! let ids: Vec<String> = client
//!     .models()
//!     .list()
//!     .limit(100)
//!     .items()
//!     .map_ok(|m| m.id)
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//!
//! Messages, whole or streamed as they are generated:
//!
//! ```no_run
//! use anthropic_client::types::{MessageCreateParams, MessageParam, MessageParamRole};
//! use futures::StreamExt;
//!
//! # async fn run(client: anthropic_client::Client) -> Result<(), anthropic_client::Error> {
//! let params = MessageCreateParams::builder()
//!     .model("claude-sonnet-4-20250514")
//!     .max_tokens(1024)
//!     .messages(vec![MessageParam::builder()
//!         .role(MessageParamRole::User)
//!         .content("Hello, Claude")
//!         .try_into()
//!         .expect("a complete message")]);
//!
//! let reply = client.messages().create(params.clone()).send().await?;
//! println!("{:?}", reply.content);
//!
//! let mut stream = client.messages().create_stream(params).send().await?.accumulate();
//! let mut text = stream.text_deltas();
//! while let Some(piece) = text.next().await {
//!     print!("{}", piece?);
//! }
//! drop(text);
//! let message = stream.final_message().await?;
//! println!("\n{:?}", message.stop_reason);
//! # Ok(()) }
//! ```
//!
//! Message Batches: many requests at once, results read as they arrive
//! (only the line being read is in memory):
//!
//! ```no_run
//! use anthropic_client::types::{MessageBatchCreateParams, MessageBatchResult};
//! use futures::TryStreamExt;
//!
//! # async fn run(client: anthropic_client::Client, params: MessageBatchCreateParams) -> Result<(), anthropic_client::Error> {
//! let batch = client.messages().batches().create(params).send().await?;
//! client.messages().batches().wait(batch.id.as_str()).await?;
//! let mut results = client.messages().batches().results(batch.id.as_str()).send().await?;
//! while let Some(line) = results.try_next().await? {
//!     if let MessageBatchResult::Succeeded(done) = &line.result {
//!         println!("{}: {:?}", line.custom_id, done.message.stop_reason);
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! What the client does for every request:
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

mod accumulate;
mod batches;
mod call;
mod checks;
mod client;
mod conversation;
mod download;
mod error;
mod impls;
mod jsonl;
mod multipart;
pub mod pagination;
mod request;
mod response;
mod retry;
pub mod sse;
mod streaming;
mod tool_runner;
mod transport;

// Formatted by the generator (prettyplease), not by rustfmt.
#[doc(hidden)]
#[rustfmt::skip]
pub mod generated;

pub use accumulate::{MessageAccumulator, MessageStream, TextDeltas};
pub use batches::BatchWait;
pub use client::{Client, ClientBuilder};
pub use download::ByteStream;
pub use error::{ApiError, DecodeError, Error, TransportError};
pub use generated::meta::{API_VERSION, DEFAULT_BASE_URL};
pub use generated::requests::*;
pub use generated::resources::*;
pub use jsonl::JsonLines;
pub use multipart::Upload;
pub use request::RequestOptions;
pub use response::{RateLimit, RateLimits, Response};
pub use streaming::EventStream;
pub use tool_runner::{IntoToolResultContent, ToolHandler, ToolRunner, ToolRunnerStream};

/// The API's types: every schema of the spec, and the open sets of values.
pub mod types {
    pub use crate::generated::open_enums::*;
    pub use crate::generated::types::*;
    pub use crate::generated::unions::*;
}
