//! A program's everyday use of `anthropic-client`, built by `cargo xtask
//! bench-build` on top of the crate: a message, a page of models and one
//! model. `claude_api.rs` does the same with the peer.

use std::future::Future;
use std::pin::Pin;

use anthropic_client::types::{MessageCreateParams, MessageParam};
use anthropic_client::{Client, Error};

/// Boxed, so that the program compiles the calls (an `async fn` alone
/// would be compiled only where it is awaited).
pub fn run(client: Client) -> Pin<Box<dyn Future<Output = Result<usize, Error>> + Send>> {
    Box::pin(async move {
        let params = MessageCreateParams::new(
            "claude-opus-4-1",
            256,
            [MessageParam::user("What is the capital of France?")],
        );
        let reply = client.messages().create(params).send().await?;
        let page = client.models().list().send().await?;
        let model = client.models().retrieve("claude-opus-4-1").send().await?;
        Ok(reply.text().len() + page.data.len() + model.id.len())
    })
}
