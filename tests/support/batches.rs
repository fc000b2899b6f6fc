//! Helpers for the Message Batches tests: batch objects and pages built on
//! the fixtures under `tests/fixtures/batches/`, and the lines of a batch's
//! results.

use serde_json::{json, Value};

/// A `MessageBatch` fixture under `tests/fixtures/batches/`, parsed.
pub fn fixture(name: &str) -> Value {
    crate::fixtures::json(&format!("batches/{name}"))
}

/// The in-progress batch of the fixtures, with `id` and `processing_status`
/// replaced.
pub fn batch(id: &str, status: &str) -> Value {
    let mut batch = fixture("batch_in_progress.json");
    batch["id"] = json!(id);
    batch["processing_status"] = json!(status);
    batch
}

/// A `ListMessageBatchesResponse` holding a batch per id, its first and last
/// ids derived from them (null on an empty page).
pub fn batch_page(ids: &[&str], has_more: bool) -> Value {
    json!({
        "data": ids.iter().map(|id| batch(id, "in_progress")).collect::<Vec<_>>(),
        "first_id": ids.first(),
        "has_more": has_more,
        "last_id": ids.last(),
    })
}

/// One line of a results file (without its newline): the `canceled` result
/// of request `custom_id`, the shortest result there is.
pub fn canceled_line(custom_id: &str) -> String {
    json!({"custom_id": custom_id, "result": {"type": "canceled"}}).to_string()
}
