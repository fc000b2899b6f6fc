//! Helpers for conversations and tools: reading a reply (its text, its
//! tool calls), answering it (tool results), passing it back as the next
//! request's input, and describing tools and thinking in one call each.

use crate::error::Error;
use crate::types::{
    ContentBlock, ContentBlockParam, Message, MessageCountTokensParams, MessageCreateParams,
    MessageParam, MessageParamContent, MessageParamRole, TextBlockParam, ThinkingConfigAdaptive,
    ThinkingConfigDisabled, ThinkingConfigEnabled, ThinkingConfigParam, Tool, ToolInputSchema,
    ToolResultBlockParam, ToolResultBlockParamContent, ToolUseBlock,
};

impl MessageParam {
    /// A user turn: a string, one content block, or several.
    pub fn user(content: impl Into<MessageParamContent>) -> Self {
        Self::new(MessageParamRole::User, content)
    }

    /// An assistant turn (for example, a prefill the reply continues from):
    /// a string, one content block, or several.
    pub fn assistant(content: impl Into<MessageParamContent>) -> Self {
        Self::new(MessageParamRole::Assistant, content)
    }
}

impl From<ContentBlockParam> for MessageParamContent {
    /// One block as a turn's whole content.
    fn from(block: ContentBlockParam) -> Self {
        Self::Array(vec![block])
    }
}

impl ContentBlockParam {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(TextBlockParam::new(text))
    }

    /// The result of the tool call `tool_use_id`: text, or content blocks.
    pub fn tool_result(
        tool_use_id: impl Into<String>,
        content: impl Into<ToolResultBlockParamContent>,
    ) -> Self {
        Self::ToolResult(ToolResultBlockParam::new(tool_use_id).content(content))
    }

    /// A tool call `tool_use_id` that failed: `message` tells the model why
    /// (sent with `is_error: true`).
    pub fn tool_error(tool_use_id: impl Into<String>, message: impl Into<String>) -> Self {
        Self::ToolResult(
            ToolResultBlockParam::new(tool_use_id)
                .content(message.into())
                .is_error(true),
        )
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

    /// The text of the reply: its text blocks, joined.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(|block| match block {
                ContentBlock::Text(text) => Some(text.text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The reply's calls of client tools, in order.
    pub fn tool_uses(&self) -> impl Iterator<Item = &ToolUseBlock> {
        self.content.iter().filter_map(|block| match block {
            ContentBlock::ToolUse(call) => Some(call),
            _ => None,
        })
    }
}

impl ThinkingConfigParam {
    /// Extended thinking with `budget_tokens` to think in (at least 1024,
    /// less than `max_tokens`).
    pub fn enabled(budget_tokens: i64) -> Self {
        Self::Enabled(ThinkingConfigEnabled::new(budget_tokens))
    }

    /// No extended thinking.
    pub fn disabled() -> Self {
        Self::Disabled(ThinkingConfigDisabled::new())
    }

    /// The model decides how much to think.
    pub fn adaptive() -> Self {
        Self::Adaptive(ThinkingConfigAdaptive::new())
    }
}

impl From<serde_json::Value> for ToolInputSchema {
    /// A JSON Schema object as written (`json!({"type": "object",
    /// "properties": {...}, "required": [...]})`): its `properties` and
    /// `required` are read, and every other keyword is kept as given. The
    /// API takes object schemas only, so the `type` sent is always
    /// `object`; a value that is not a JSON object describes no input.
    fn from(value: serde_json::Value) -> Self {
        let serde_json::Value::Object(mut object) = value else {
            return Self::new();
        };
        object.remove("type");
        let mut schema = Self::new();
        if let Some(serde_json::Value::Object(properties)) = object.remove("properties") {
            schema.properties = properties;
        }
        match object.remove("required") {
            Some(serde_json::Value::Array(names))
                if names.iter().all(serde_json::Value::is_string) =>
            {
                schema.required = names
                    .into_iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect();
            }
            // Kept as written: the API will say what is wrong with it.
            Some(other) => {
                object.insert("required".to_string(), other);
            }
            None => {}
        }
        schema.extra = object;
        schema
    }
}

#[cfg(feature = "schemars")]
impl Tool {
    /// A tool whose input is a `T`, its JSON Schema derived from the type
    /// (`#[derive(schemars::JsonSchema)]`): the handler of the tool can
    /// then decode the model's input into a `T`.
    pub fn from_type<T: schemars::JsonSchema>(name: impl Into<String>) -> Self {
        let mut schema = serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default();
        if let serde_json::Value::Object(object) = &mut schema {
            // Meta keywords, not a description of the input.
            object.remove("$schema");
            object.remove("title");
        }
        let description = schema
            .get("description")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string);
        let tool = Tool::new(name, schema);
        match description {
            Some(description) => tool.description(description),
            None => tool,
        }
    }
}

impl From<&MessageCreateParams> for MessageCountTokensParams {
    /// The token count of the same request: its model, messages, system
    /// prompt, tools, tool choice, thinking and output settings.
    fn from(params: &MessageCreateParams) -> Self {
        let mut count = Self::new(params.model.clone(), params.messages.clone());
        count.system = params.system.clone();
        count.tools = params.tools.clone();
        count.tool_choice = params.tool_choice.clone();
        count.thinking = params.thinking.clone();
        count.output_config = params.output_config.clone();
        count
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_json_schema_value_becomes_the_tool_input_schema() {
        let schema = ToolInputSchema::from(json!({
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": false
        }));
        assert_eq!(
            serde_json::to_value(&schema).expect("serializable"),
            json!({
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
                "additionalProperties": false
            })
        );
        let none = ToolInputSchema::from(json!("not a schema"));
        assert_eq!(
            serde_json::to_value(&none).expect("serializable"),
            json!({"type": "object"})
        );
    }

    #[test]
    fn tool_results_and_errors() {
        let ok = ContentBlockParam::tool_result("toolu_1", "Sunny");
        assert_eq!(
            serde_json::to_value(&ok).expect("serializable"),
            json!({"type": "tool_result", "tool_use_id": "toolu_1", "content": "Sunny"})
        );
        let failed = ContentBlockParam::tool_error("toolu_2", "no such city");
        assert_eq!(
            serde_json::to_value(&failed).expect("serializable"),
            json!({"type": "tool_result", "tool_use_id": "toolu_2", "content": "no such city", "is_error": true})
        );
        let turn = MessageParam::user(ContentBlockParam::text("Hi"));
        assert_eq!(
            serde_json::to_value(&turn).expect("serializable"),
            json!({"role": "user", "content": [{"type": "text", "text": "Hi"}]})
        );
    }
}
