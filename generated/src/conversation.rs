//! Helpers for multi-turn conversations: turning the model's reply into the
//! next request's input.

use crate::error::Error;
use crate::types::{
    ContentBlock, ContentBlockParam, Message, MessageParam, MessageParamContent, MessageParamRole,
};

impl MessageParam {
    /// A user turn.
    pub fn user(content: impl Into<MessageParamContent>) -> Self {
        Self {
            content: content.into(),
            role: MessageParamRole::User,
        }
    }

    /// An assistant turn (for example, a prefill the reply continues from).
    pub fn assistant(content: impl Into<MessageParamContent>) -> Self {
        Self {
            content: content.into(),
            role: MessageParamRole::Assistant,
        }
    }
}

impl TryFrom<&ContentBlock> for ContentBlockParam {
    type Error = Error;

    /// The input block that sends a reply block back to the API. Each
    /// reply block's JSON is the JSON of its input twin (the API asks for
    /// blocks to be passed back unchanged), so the conversion goes through
    /// JSON; a block this crate does not know is passed back as it came.
    fn try_from(block: &ContentBlock) -> Result<Self, Error> {
        let json = serde_json::to_value(block).map_err(|e| not_an_input(e, block))?;
        serde_json::from_value(json).map_err(|e| not_an_input(e, block))
    }
}

fn not_an_input(e: serde_json::Error, block: &ContentBlock) -> Error {
    Error::decode(
        None,
        Default::default(),
        serde_json::to_vec(block).unwrap_or_default().into(),
        format!("a `{}` block cannot be sent back: {e}", block.tag()),
    )
}

impl Message {
    /// This reply as the assistant turn of the next request, its blocks
    /// passed back unchanged (tool calls, thinking and its signature
    /// included), as a multi-turn conversation or a tool-use loop needs.
    pub fn to_param(&self) -> Result<MessageParam, Error> {
        let blocks = self
            .content
            .iter()
            .map(ContentBlockParam::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MessageParam::assistant(blocks))
    }
}
