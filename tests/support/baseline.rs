//! What a Rust user would write by hand for the API's bodies (decoded, not
//! read): derived `Deserialize`, internally tagged enums with
//! `#[serde(tag = "type")]`. The benchmarks compare the generated types
//! against these.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
pub struct ListModelsResponse {
    pub data: Vec<ModelInfo>,
    pub first_id: Option<String>,
    pub has_more: bool,
    pub last_id: Option<String>,
}

#[derive(Deserialize)]
pub struct ModelInfo {
    pub created_at: DateTime<Utc>,
    pub display_name: String,
    pub id: String,
    #[serde(rename = "type")]
    pub type_: ModelType,
}

#[derive(Deserialize)]
pub enum ModelType {
    #[serde(rename = "model")]
    Model,
}

#[derive(Deserialize)]
pub struct Message {
    pub content: Vec<ContentBlock>,
    pub id: String,
    pub model: String,
    pub role: Role,
    pub stop_reason: Option<StopReason>,
    pub stop_sequence: Option<String>,
    #[serde(rename = "type")]
    pub type_: MessageType,
    pub usage: Usage,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Assistant,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageType {
    Message,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    EndTurn,
    MaxTokens,
    StopSequence,
    ToolUse,
    PauseTurn,
    Refusal,
}

#[derive(Deserialize)]
pub struct Usage {
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_creation_input_tokens: Option<i64>,
    pub cache_read_input_tokens: Option<i64>,
    pub cache_creation: Option<CacheCreation>,
    pub server_tool_use: Option<Value>,
    pub service_tier: Option<String>,
    pub inference_geo: Option<String>,
}

#[derive(Deserialize)]
pub struct CacheCreation {
    pub ephemeral_5m_input_tokens: i64,
    pub ephemeral_1h_input_tokens: i64,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentBlock {
    Text {
        text: String,
        citations: Option<Vec<Citation>>,
    },
    Thinking {
        thinking: String,
        signature: String,
    },
    ToolUse {
        id: String,
        name: String,
        input: Map<String, Value>,
    },
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Citation {
    CharLocation {
        cited_text: String,
        document_index: i64,
        document_title: Option<String>,
        start_char_index: i64,
        end_char_index: i64,
        file_id: Option<String>,
    },
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    ContentBlockDelta { index: i64, delta: Delta },
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Delta {
    TextDelta { text: String },
}

/// One line of a batch's results file.
#[derive(Deserialize)]
pub struct BatchResultLine {
    pub custom_id: String,
    pub result: BatchResult,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BatchResult {
    Succeeded { message: Message },
    Errored { error: ErrorResponse },
    Canceled,
    Expired,
}

#[derive(Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorDetail,
    pub request_id: Option<String>,
}

#[derive(Deserialize)]
pub struct ErrorDetail {
    #[serde(rename = "type")]
    pub type_: String,
    pub message: String,
}
