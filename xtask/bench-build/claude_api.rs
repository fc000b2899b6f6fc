//! `ours.rs` written against the peer, `claude-api`: a message, a page of
//! models and one model.

use std::future::Future;
use std::pin::Pin;

use claude_api::messages::{ContentBlock, CreateMessageRequest, KnownBlock};
use claude_api::models::ListModelsParams;
use claude_api::{Client, Error};

/// Boxed, so that the program compiles the calls (an `async fn` alone
/// would be compiled only where it is awaited).
pub fn run(client: Client) -> Pin<Box<dyn Future<Output = Result<usize, Error>> + Send>> {
    Box::pin(async move {
        let request = CreateMessageRequest::builder()
            .model("claude-opus-4-1")
            .max_tokens(256)
            .user("What is the capital of France?")
            .build()?;
        let reply = client.messages().create(request).await?;
        let text: usize = reply
            .content
            .iter()
            .map(|block| match block {
                ContentBlock::Known(KnownBlock::Text { text, .. }) => text.len(),
                _ => 0,
            })
            .sum();
        let page = client.models().list(ListModelsParams::default()).await?;
        let model = client.models().get("claude-opus-4-1").await?;
        Ok(text + page.data.len() + model.id.as_str().len())
    })
}
