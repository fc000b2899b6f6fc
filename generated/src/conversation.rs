//! Helpers for conversations and tools: reading a reply (its text, its
//! tool calls), answering it (tool results), passing it back as the next
//! request's input, and describing tools and thinking in one call each.

use crate::error::Error;

/// The helpers of one family of Messages types: the plain one and the beta
/// one share their shapes, so they share these helpers too.
macro_rules! conversation_helpers {
    (
        message: $Message:ident,
        content_block: $ContentBlock:ident,
        block_param: $ContentBlockParam:ident,
        message_param: $MessageParam:ident,
        message_content: $MessageParamContent:ident,
        role: $MessageParamRole:ident,
        text_param: $TextBlockParam:ident,
        tool_use: $ToolUseBlock:ident,
        tool_result: $ToolResultBlockParam:ident,
        tool_result_content: $ToolResultBlockParamContent:ident,
        thinking: $ThinkingConfigParam:ident {
            $ThinkingConfigEnabled:ident,
            $ThinkingConfigDisabled:ident,
            $ThinkingConfigAdaptive:ident $(,)?
        },
        tool: $Tool:ident,
        input_schema: $ToolInputSchema:ident,
        create_params: $MessageCreateParams:ident,
        count_params: $MessageCountTokensParams:ident { $($counted:ident),* $(,)? } $(,)?
    ) => {
        impl $MessageParam {
            /// A user turn: a string, one content block, or several.
            pub fn user(content: impl Into<$MessageParamContent>) -> Self {
                Self::new($MessageParamRole::User, content)
            }

            /// An assistant turn (for example, a prefill the reply continues
            /// from): a string, one content block, or several.
            pub fn assistant(content: impl Into<$MessageParamContent>) -> Self {
                Self::new($MessageParamRole::Assistant, content)
            }
        }

        impl From<$ContentBlockParam> for $MessageParamContent {
            /// One block as a turn's whole content.
            fn from(block: $ContentBlockParam) -> Self {
                Self::Array(vec![block])
            }
        }

        impl $ContentBlockParam {
            /// A text block.
            pub fn text(text: impl Into<String>) -> Self {
                Self::Text($TextBlockParam::new(text))
            }

            /// The result of the tool call `tool_use_id`: text, or content
            /// blocks.
            pub fn tool_result(
                tool_use_id: impl Into<String>,
                content: impl Into<$ToolResultBlockParamContent>,
            ) -> Self {
                Self::ToolResult($ToolResultBlockParam::new(tool_use_id).content(content))
            }

            /// A tool call `tool_use_id` that failed: `message` tells the
            /// model why (sent with `is_error: true`).
            pub fn tool_error(tool_use_id: impl Into<String>, message: impl Into<String>) -> Self {
                Self::ToolResult(
                    $ToolResultBlockParam::new(tool_use_id)
                        .content(message.into())
                        .is_error(true),
                )
            }
        }

        impl TryFrom<&$ContentBlock> for $ContentBlockParam {
            type Error = Error;

            /// The input block that sends a reply block back to the API,
            /// with the fields this crate does not know (the API asks for
            /// blocks to be passed back unchanged); a block this crate does
            /// not know is passed back as it came.
            // `#[inline]`, as are the generated `send_back`s: compiled by the
            // programs that send replies back, not by the crate.
            #[inline]
            fn try_from(block: &$ContentBlock) -> Result<Self, Error> {
                // The error names the block rather than carry its JSON: the
                // caller holds the block, and writing it here would compile
                // the encoders of every reply block into the crate.
                crate::lossless::SendBack::send_back(block).map_err(|e| {
                    Error::decode(
                        None,
                        Default::default(),
                        Default::default(),
                        format!("a `{}` block cannot be sent back: {e}", block.tag()),
                    )
                })
            }
        }

        impl $Message {
            /// This reply as the assistant turn of the next request, its
            /// blocks passed back unchanged (tool calls, thinking and its
            /// signature, server tool results and blocks this crate does
            /// not know included), as a multi-turn conversation or a
            /// tool-use loop needs.
            #[inline]
            pub fn to_param(&self) -> Result<$MessageParam, Error> {
                let blocks = self
                    .content
                    .iter()
                    .map($ContentBlockParam::try_from)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok($MessageParam::assistant(blocks))
            }

            /// The text of the reply: its text blocks, joined.
            pub fn text(&self) -> String {
                self.content
                    .iter()
                    .filter_map(|block| match block {
                        $ContentBlock::Text(text) => Some(text.text.as_str()),
                        _ => None,
                    })
                    .collect()
            }

            /// The reply's calls of client tools, in order.
            pub fn tool_uses(&self) -> impl Iterator<Item = &$ToolUseBlock> {
                self.content.iter().filter_map(|block| match block {
                    $ContentBlock::ToolUse(call) => Some(call),
                    _ => None,
                })
            }
        }

        impl $ThinkingConfigParam {
            /// Extended thinking with `budget_tokens` to think in (at least
            /// 1024, less than `max_tokens`).
            pub fn enabled(budget_tokens: i64) -> Self {
                Self::Enabled($ThinkingConfigEnabled::new(budget_tokens))
            }

            /// No extended thinking.
            pub fn disabled() -> Self {
                Self::Disabled($ThinkingConfigDisabled::new())
            }

            /// The model decides how much to think.
            pub fn adaptive() -> Self {
                Self::Adaptive($ThinkingConfigAdaptive::new())
            }
        }

        impl From<serde_json::Value> for $ToolInputSchema {
            /// A JSON Schema object as written (`json!({"type": "object",
            /// "properties": {...}, "required": [...]})`): its `properties`
            /// and `required` are read, and every other keyword is kept as
            /// given. The API takes object schemas only, so the `type` sent
            /// is always `object`; a value that is not a JSON object
            /// describes no input.
            fn from(value: serde_json::Value) -> Self {
                let (properties, required, extra) = schema_parts(value);
                let mut schema = Self::new();
                schema.properties = properties;
                schema.required = required;
                schema.extra = extra;
                schema
            }
        }

        #[cfg(feature = "schemars")]
        impl $Tool {
            /// A tool whose input is a `T`, its JSON Schema derived from the
            /// type (`#[derive(schemars::JsonSchema)]`): the handler of the
            /// tool can then decode the model's input into a `T`.
            pub fn from_type<T: schemars::JsonSchema>(name: impl Into<String>) -> Self {
                let (schema, description) = derived_schema::<T>();
                let tool = Self::new(name, schema);
                match description {
                    Some(description) => tool.description(description),
                    None => tool,
                }
            }
        }

        impl From<&$MessageCreateParams> for $MessageCountTokensParams {
            /// The token count of the same request: its model, messages and
            /// every other field the count takes.
            fn from(params: &$MessageCreateParams) -> Self {
                let mut count = Self::new(params.model.clone(), params.messages.clone());
                $(count.$counted = params.$counted.clone();)*
                count
            }
        }
    };
}

mod plain {
    use super::*;
    use crate::types::{
        ContentBlock, ContentBlockParam, Message, MessageCountTokensParams, MessageCreateParams,
        MessageParam, MessageParamContent, MessageParamRole, TextBlockParam,
        ThinkingConfigAdaptive, ThinkingConfigDisabled, ThinkingConfigEnabled, ThinkingConfigParam,
        Tool, ToolInputSchema, ToolResultBlockParam, ToolResultBlockParamContent, ToolUseBlock,
    };

    conversation_helpers! {
        message: Message,
        content_block: ContentBlock,
        block_param: ContentBlockParam,
        message_param: MessageParam,
        message_content: MessageParamContent,
        role: MessageParamRole,
        text_param: TextBlockParam,
        tool_use: ToolUseBlock,
        tool_result: ToolResultBlockParam,
        tool_result_content: ToolResultBlockParamContent,
        thinking: ThinkingConfigParam {
            ThinkingConfigEnabled,
            ThinkingConfigDisabled,
            ThinkingConfigAdaptive,
        },
        tool: Tool,
        input_schema: ToolInputSchema,
        create_params: MessageCreateParams,
        count_params: MessageCountTokensParams {
            system, tools, tool_choice, thinking, output_config,
        },
    }
}

#[cfg(feature = "beta")]
mod beta {
    use super::*;
    use crate::types::{
        BetaContentBlock, BetaContentBlockParam, BetaMessage, BetaMessageCountTokensParams,
        BetaMessageCreateParams, BetaMessageParam, BetaMessageParamContent, BetaMessageParamRole,
        BetaTextBlockParam, BetaThinkingConfigAdaptive, BetaThinkingConfigDisabled,
        BetaThinkingConfigEnabled, BetaThinkingConfigParam, BetaTool, BetaToolInputSchema,
        BetaToolResultBlockParam, BetaToolResultBlockParamContent, BetaToolUseBlock,
    };

    conversation_helpers! {
        message: BetaMessage,
        content_block: BetaContentBlock,
        block_param: BetaContentBlockParam,
        message_param: BetaMessageParam,
        message_content: BetaMessageParamContent,
        role: BetaMessageParamRole,
        text_param: BetaTextBlockParam,
        tool_use: BetaToolUseBlock,
        tool_result: BetaToolResultBlockParam,
        tool_result_content: BetaToolResultBlockParamContent,
        thinking: BetaThinkingConfigParam {
            BetaThinkingConfigEnabled,
            BetaThinkingConfigDisabled,
            BetaThinkingConfigAdaptive,
        },
        tool: BetaTool,
        input_schema: BetaToolInputSchema,
        create_params: BetaMessageCreateParams,
        count_params: BetaMessageCountTokensParams {
            system, tools, tool_choice, thinking, output_config, output_format,
            context_management, mcp_servers,
        },
    }
}

type SchemaParts = (
    serde_json::Map<String, serde_json::Value>,
    Vec<String>,
    serde_json::Map<String, serde_json::Value>,
);

/// A JSON Schema value split into the parts a tool's input schema keeps:
/// `properties`, `required` and every other keyword but `type`.
fn schema_parts(value: serde_json::Value) -> SchemaParts {
    let serde_json::Value::Object(mut object) = value else {
        return Default::default();
    };
    object.remove("type");
    let properties = match object.remove("properties") {
        Some(serde_json::Value::Object(properties)) => properties,
        Some(other) => {
            // Kept as written: the API will say what is wrong with it.
            object.insert("properties".to_string(), other);
            Default::default()
        }
        None => Default::default(),
    };
    let required = match object.remove("required") {
        Some(serde_json::Value::Array(names)) if names.iter().all(serde_json::Value::is_string) => {
            names
                .into_iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        }
        Some(other) => {
            object.insert("required".to_string(), other);
            Vec::new()
        }
        None => Vec::new(),
    };
    (properties, required, object)
}

/// The JSON Schema of `T` as a tool's input, and its description.
#[cfg(feature = "schemars")]
fn derived_schema<T: schemars::JsonSchema>() -> (serde_json::Value, Option<String>) {
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
    (schema, description)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::types::{ContentBlockParam, MessageParam, ToolInputSchema};

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

    /// The beta family gets the same helpers, and a reply's beta-only blocks
    /// (server tool calls and their results) go back exactly as they came.
    #[test]
    #[cfg(feature = "beta")]
    fn a_beta_reply_goes_back_as_its_turn_and_a_create_request_counts() {
        use crate::types::{
            BetaMessage, BetaMessageCountTokensParams, BetaMessageCreateParams, BetaMessageParam,
        };
        let reply: BetaMessage = serde_json::from_value(json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
            "content": [
                {"type": "thinking", "thinking": "Look it up.", "signature": "sig"},
                {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search",
                 "input": {"query": "rust"}},
                {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1",
                 "content": [{"type": "web_search_result", "url": "https://www.rust-lang.org",
                              "title": "Rust", "encrypted_content": "enc", "page_age": null}]},
                {"type": "text", "text": "Found "},
                {"type": "text", "text": "it."},
                {"type": "tool_use", "id": "toolu_1", "name": "save", "input": {"x": 1}}
            ],
            "stop_reason": "tool_use", "stop_sequence": null,
            "usage": {"input_tokens": 1, "output_tokens": 2}
        }))
        .expect("a documented beta reply");
        assert_eq!(reply.text(), "Found it.");
        assert_eq!(
            reply
                .tool_uses()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>(),
            ["save"]
        );
        let turn = reply.to_param().expect("every block has a param twin");
        let sent = serde_json::to_value(&turn).expect("serializable");
        assert_eq!(sent["role"], "assistant");
        let kinds: Vec<_> = sent["content"]
            .as_array()
            .expect("blocks")
            .iter()
            .map(|b| b["type"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            kinds,
            [
                "thinking",
                "server_tool_use",
                "web_search_tool_result",
                "text",
                "text",
                "tool_use"
            ]
        );
        assert_eq!(sent["content"][0]["signature"], "sig");
        assert_eq!(sent["content"][2]["content"][0]["encrypted_content"], "enc");

        let create: BetaMessageCreateParams = serde_json::from_value(json!({
            "model": "claude-sonnet-4-5", "max_tokens": 1024,
            "messages": [BetaMessageParam::user("Hi")],
            "system": "Be brief.",
            "mcp_servers": [{"type": "url", "url": "https://mcp.example.com/sse", "name": "ex"}],
            "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]}
        }))
        .expect("a create request");
        let count = serde_json::to_value(BetaMessageCountTokensParams::from(&create))
            .expect("serializable");
        assert_eq!(count["system"], "Be brief.");
        assert_eq!(count["mcp_servers"][0]["name"], "ex");
        assert_eq!(
            count["context_management"]["edits"][0]["type"],
            "clear_tool_uses_20250919"
        );
        assert!(
            count.get("max_tokens").is_none(),
            "count_tokens takes no max_tokens"
        );
    }
}
