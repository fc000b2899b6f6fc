//! Contract tests: every operation validated by Prism serving the spec.
//!
//! Prism (`@stoplight/prism-cli`, pinned in tests/tools/package-lock.json and
//! installed by `cargo xtask test`) serves a spec derived from
//! `spec/anthropic.yaml` (see `workspace_tests::prism::derive_for_prism`) with
//! `--errors`: a request that breaks the spec gets a 4xx with an
//! `sl-violations` header instead of a mock answer. Every operation of the
//! spec must have a case here: the operations are read from the spec, so a
//! new one without a case fails the test.

use std::collections::BTreeSet;

use anthropic_client::types::{self, AnthropicBeta};
use anthropic_client::{Client, Error};
use futures::TryStreamExt;
use reqwest::header::HeaderMap;
use serde_json::json;
use workspace_tests::prism::{derive_for_prism, load_spec, operations, Prism};
use workspace_tests::runtime::{builder, API_KEY};

/// Fails when Prism found anything wrong with the request.
fn assert_valid(operation: &str, headers: &HeaderMap) {
    if let Some(violations) = headers.get("sl-violations") {
        panic!("{operation}: Prism reports violations: {violations:?}");
    }
}

/// Unwraps a response, showing Prism's verdict when the call failed.
fn accepted<T>(
    operation: &str,
    result: Result<anthropic_client::Response<T>, Error>,
) -> anthropic_client::Response<T> {
    match result {
        Ok(response) => {
            assert_valid(operation, response.headers());
            response
        }
        Err(err) => {
            let violations = err
                .api_error()
                .and_then(|api| api.headers.get("sl-violations").cloned());
            panic!("{operation}: {err:?}\nPrism's violations: {violations:?}");
        }
    }
}

fn betas() -> [AnthropicBeta; 2] {
    [
        AnthropicBeta::FilesApi20250414,
        AnthropicBeta::from("some-future-beta-2099-01-01"),
    ]
}

async fn models_list(client: &Client) {
    let op = "models_list";
    let page = accepted(op, client.models().list().send().await);
    assert!(!page.data.is_empty(), "Prism's example page has a model");
    accepted(
        op,
        client
            .models()
            .list()
            .limit(1000)
            .after_id("claude-3-haiku-20240307")
            .anthropic_beta(betas())
            .send()
            .await,
    );
    accepted(
        op,
        client.models().list().limit(1).before_id("m").send().await,
    );
    // Auto-pagination sends cursors Prism accepts, and stops: Prism's
    // example page repeats its cursor, which ends the walk.
    let items: Vec<types::ModelInfo> = client
        .models()
        .list()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn models_retrieve(client: &Client) {
    let op = "models_retrieve";
    for id in ["claude-sonnet-4-20250514", "a/b?c#d e%", "../x"] {
        let model = accepted(op, client.models().retrieve(id).send().await);
        assert!(!model.id.is_empty());
    }
    accepted(
        op,
        client
            .models()
            .retrieve("claude-sonnet-4-20250514")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_models_list(client: &Client) {
    let op = "beta_models_list";
    accepted(op, client.beta().models().list().send().await);
    accepted(
        op,
        client
            .beta()
            .models()
            .list()
            .limit(20)
            .after_id("x")
            .anthropic_beta(betas())
            .send()
            .await,
    );
    let items: Vec<types::BetaModelInfo> = client
        .beta()
        .models()
        .list()
        .before_id("y")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn beta_models_retrieve(client: &Client) {
    let op = "beta_models_retrieve";
    accepted(
        op,
        client
            .beta()
            .models()
            .retrieve("claude-opus-4-1")
            .send()
            .await,
    );
    accepted(
        op,
        client
            .beta()
            .models()
            .retrieve("a/b")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

fn create_params(value: serde_json::Value) -> types::MessageCreateParams {
    serde_json::from_value(value).expect("valid MessageCreateParams")
}

async fn messages_create(client: &Client) {
    let op = "messages_create";
    let minimal = create_params(json!({
        "model": "claude-sonnet-4-20250514",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hello"}]
    }));
    let message = accepted(op, client.messages().create(minimal).send().await);
    assert!(!message.id.is_empty());
    let rich = create_params(json!({
        "model": "claude-sonnet-4-20250514",
        "max_tokens": 1024,
        "system": [{"type": "text", "text": "Be brief."}],
        "temperature": 0.5,
        "stop_sequences": ["END"],
        "metadata": {"user_id": "u-1"},
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "What is the weather?"}]},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "Sunny"}
            ]}
        ],
        "tools": [{
            "name": "get_weather",
            "description": "The weather in a city.",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}
        }],
        "tool_choice": {"type": "auto"}
    }));
    accepted(op, client.messages().create(rich).send().await);
}

async fn messages_count_tokens(client: &Client) {
    let op = "messages_count_tokens";
    let params: types::MessageCountTokensParams = serde_json::from_value(json!({
        "model": "claude-sonnet-4-20250514",
        "system": "Be brief.",
        "messages": [{"role": "user", "content": "Hello"}]
    }))
    .expect("valid MessageCountTokensParams");
    accepted(op, client.messages().count_tokens(params).send().await);
}

fn batch_params() -> types::MessageBatchCreateParams {
    serde_json::from_value(json!({
        "requests": [
            {"custom_id": "first", "params": {
                "model": "claude-sonnet-4-20250514",
                "max_tokens": 64,
                "messages": [{"role": "user", "content": "Hello"}]
            }},
            {"custom_id": "second", "params": {
                "model": "claude-sonnet-4-20250514",
                "max_tokens": 64,
                "system": "Be brief.",
                "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]
            }}
        ]
    }))
    .expect("valid MessageBatchCreateParams")
}

async fn messages_batches_create(client: &Client) {
    let op = "messages_batches_create";
    let batch = accepted(
        op,
        client
            .messages()
            .batches()
            .create(batch_params())
            .send()
            .await,
    );
    assert!(!batch.id.is_empty());
}

async fn messages_batches_retrieve(client: &Client) {
    let op = "messages_batches_retrieve";
    for id in ["msgbatch_01", "a/b?c"] {
        let batch = accepted(op, client.messages().batches().retrieve(id).send().await);
        assert!(!batch.id.is_empty());
    }
}

async fn messages_batches_list(client: &Client) {
    let op = "messages_batches_list";
    accepted(op, client.messages().batches().list().send().await);
    accepted(
        op,
        client
            .messages()
            .batches()
            .list()
            .limit(5)
            .after_id("msgbatch_01")
            .send()
            .await,
    );
    let items: Vec<types::MessageBatch> = client
        .messages()
        .batches()
        .list()
        .before_id("msgbatch_09")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn messages_batches_cancel(client: &Client) {
    let op = "messages_batches_cancel";
    let batch = accepted(
        op,
        client
            .messages()
            .batches()
            .cancel("msgbatch_01")
            .send()
            .await,
    );
    assert!(!batch.id.is_empty());
}

async fn messages_batches_delete(client: &Client) {
    let op = "messages_batches_delete";
    let deleted = accepted(
        op,
        client
            .messages()
            .batches()
            .delete("msgbatch_01")
            .send()
            .await,
    );
    assert!(!deleted.id.is_empty());
}

async fn messages_batches_results(client: &Client) {
    let op = "messages_batches_results";
    // The client asks for `application/binary`, as the API answers; Prism
    // can only write JSON (see `derive_for_prism`).
    let lines = client
        .messages()
        .batches()
        .results("msgbatch_01")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{op}: {e}"));
    assert_valid(op, lines.headers());
    let results: Vec<types::MessageBatchIndividualResponse> = lines
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} lines: {e}"));
    assert!(!results.is_empty(), "Prism's example has a result");
}

async fn completions_create(client: &Client) {
    let op = "completions_create";
    let params: types::CompletionCreateParams = serde_json::from_value(json!({
        "model": "claude-2.1",
        "max_tokens_to_sample": 256,
        "prompt": "\n\nHuman: Hello\n\nAssistant:",
        "stop_sequences": ["\n\nHuman:"],
        "temperature": 0.5
    }))
    .expect("valid CompletionCreateParams");
    let completion = accepted(op, client.completions().create(params).send().await);
    assert!(!completion.id.is_empty());
}

#[tokio::test]
async fn every_operation_passes_prism_validation() {
    let spec = load_spec();
    let ops = operations(&spec);
    assert!(ops.len() >= 4, "the spec has operations: {ops:?}");
    let derived = derive_for_prism(&spec).expect("a spec Prism can serve");
    let prism = Prism::start(&derived);
    let client = builder(&prism.url())
        .max_retries(0)
        .build()
        .expect("client");

    let mut exercised = BTreeSet::new();
    let mut missing = Vec::new();
    for op in &ops {
        match op.id.as_str() {
            "models_list" => models_list(&client).await,
            "models_retrieve" => models_retrieve(&client).await,
            "beta_models_list" => beta_models_list(&client).await,
            "beta_models_retrieve" => beta_models_retrieve(&client).await,
            "messages_create" => messages_create(&client).await,
            "messages_count_tokens" => messages_count_tokens(&client).await,
            "messages_batches_create" => messages_batches_create(&client).await,
            "messages_batches_retrieve" => messages_batches_retrieve(&client).await,
            "messages_batches_list" => messages_batches_list(&client).await,
            "messages_batches_cancel" => messages_batches_cancel(&client).await,
            "messages_batches_delete" => messages_batches_delete(&client).await,
            "messages_batches_results" => messages_batches_results(&client).await,
            "completions_create" => completions_create(&client).await,
            _ => {
                missing.push(format!("{} ({} {})", op.id, op.method, op.path));
                continue;
            }
        }
        exercised.insert(op.id.clone());
    }
    assert!(
        missing.is_empty(),
        "operations of the spec without a contract case in tests/prism_contract.rs: {missing:?}"
    );
    assert_eq!(exercised.len(), ops.len());
}

#[tokio::test]
async fn prism_rejects_requests_that_break_the_spec() {
    // Without this, a Prism that accepted anything would pass the test above.
    let prism = Prism::start(&derive_for_prism(&load_spec()).expect("derived spec"));
    let http = reqwest::Client::new();
    let get = |query: &str, key: Option<&str>| {
        let mut request = http
            .get(format!("{}/v1/models{query}", prism.url()))
            .header("anthropic-version", "2023-06-01");
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        request.send()
    };
    let fine = get("?limit=5", Some(API_KEY)).await.expect("Prism answers");
    assert_eq!(fine.status().as_u16(), 200);
    assert!(fine.headers().get("sl-violations").is_none());

    for query in ["?limit=abc", "?limit=5000", "?limit=0"] {
        let response = get(query, Some(API_KEY)).await.expect("Prism answers");
        assert_eq!(response.status().as_u16(), 422, "{query}");
        let violations = response.headers()["sl-violations"]
            .to_str()
            .expect("ascii")
            .to_string();
        assert!(violations.contains("limit"), "{query}: {violations}");
    }
    let no_key = get("", None).await.expect("Prism answers");
    assert_eq!(
        no_key.status().as_u16(),
        401,
        "the security scheme is checked"
    );

    // Through the client, the range check stops it before sending.
    let client = builder(&prism.url())
        .max_retries(0)
        .build()
        .expect("client");
    let err = client
        .models()
        .list()
        .limit(5000)
        .send()
        .await
        .expect_err("checked client-side");
    assert!(matches!(err, Error::InvalidArgument(_)));

    if operations(&load_spec())
        .iter()
        .any(|o| o.id == "messages_create")
    {
        let response = http
            .post(format!("{}/v1/messages", prism.url()))
            .header("x-api-key", API_KEY)
            .header("anthropic-version", "2023-06-01")
            .json(&json!({"model": "claude-sonnet-4-20250514", "messages": []}))
            .send()
            .await
            .expect("Prism answers");
        assert_eq!(
            response.status().as_u16(),
            422,
            "a body without max_tokens breaks the spec"
        );
    }
}

#[test]
fn the_derived_spec_drops_query_paths_and_keeps_the_rest() {
    let spec = load_spec();
    let derived = derive_for_prism(&spec).expect("derived");
    let kept: Vec<String> = operations(&derived)
        .iter()
        .map(|o| o.path.clone())
        .collect();
    assert!(kept.iter().all(|p| !p.contains('?')), "{kept:?}");
    for op in operations(&spec) {
        let plain = op.path.split('?').next().expect("a path").to_string();
        assert!(kept.contains(&plain), "{} is served as {plain}", op.id);
    }
    let beta = &derived["components"]["parameters"]["AnthropicBeta"];
    assert_eq!(beta["schema"]["type"], "string", "{beta:?}");
}

#[test]
fn a_query_path_without_a_plain_twin_cannot_be_derived() {
    let spec: serde_yaml::Value = serde_yaml::from_str(
        "openapi: 3.0.3\npaths:\n  /v1/things?beta=true:\n    get:\n      operationId: beta_things\n",
    )
    .expect("yaml");
    let err = derive_for_prism(&spec).expect_err("no twin");
    assert!(err.contains("/v1/things"), "{err}");
}
