//! The four Models operations on the wire, against a wiremock server.
//!
//! Every mock answers whatever arrives; the tests then read the request the
//! server received and assert its method, path, query and headers exactly,
//! so a wrong request fails with a precise message instead of a 404.

use anthropic_client::types::{
    AnthropicBeta, BetaListModelsResponse, BetaModelInfoType, ErrorType, ListModelsResponse,
    ModelInfoType,
};
use anthropic_client::{Client, Error};
use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use wiremock::matchers::{any, method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The program `cargo xtask bench-build` times on top of the crate, compiled
/// here so that it keeps up with the crate's API.
#[path = "../xtask/bench-build/ours.rs"]
mod bench_program;

const KEY: &str = "sk-ant-test-key";
const SEED_ID: &str = "claude-sonnet-4-20250514";

/// The seed page's example response of `GET /v1/models?beta=true`.
fn seed_page() -> Value {
    let text = include_str!("fixtures/models/list-models-beta.json");
    serde_json::from_str(text).expect("the fixture is JSON")
}

/// The seed page's model object, as `GET /v1/models/{id}` returns one.
fn seed_model() -> Value {
    seed_page()["data"][0].clone()
}

/// `created_at` of the seed page's model: `2025-02-19T00:00:00Z`.
fn seed_created_at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 2, 19, 0, 0, 0)
        .single()
        .expect("a valid date")
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("a valid client configuration")
}

/// A server that answers every request with `status` and `body`.
async fn server_answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("request-id", "req_011CTestRequestId")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    server
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    requests.remove(0)
}

/// The query as sorted `(name, value)` pairs, decoded.
fn query(request: &Request) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    pairs.sort();
    pairs
}

/// Every value of header `name`, as text.
fn header_values(request: &Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("a text header").to_string())
        .collect()
}

/// What every request of every operation carries: GET, the API key, the
/// API version, and no `api-version` header (progenitor's, unknown to the API).
fn assert_common(request: &Request, path: &str) {
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), path);
    assert_eq!(header_values(request, "x-api-key"), [KEY]);
    assert_eq!(header_values(request, "anthropic-version"), ["2023-06-01"]);
    assert!(
        request.headers.get("api-version").is_none(),
        "no api-version header: {:?}",
        request.headers
    );
}

// ---- method, path, query and auth of each operation ----

#[tokio::test]
async fn models_list_is_get_v1_models_without_beta() {
    let server = server_answering(200, seed_page()).await;
    client(&server)
        .models()
        .list()
        .send()
        .await
        .expect("the page");
    let request = only_request(&server).await;
    assert_common(&request, "/v1/models");
    assert_eq!(request.url.query(), None, "no query at all");
    assert!(request.headers.get("anthropic-beta").is_none());
}

#[tokio::test]
async fn models_list_sends_limit_and_cursors_without_beta() {
    let server = server_answering(200, seed_page()).await;
    client(&server)
        .models()
        .list()
        .limit(5)
        .after_id("model_after")
        .before_id("model_before")
        .send()
        .await
        .expect("the page");
    let request = only_request(&server).await;
    assert_common(&request, "/v1/models");
    assert_eq!(
        query(&request),
        pairs(&[
            ("after_id", "model_after"),
            ("before_id", "model_before"),
            ("limit", "5")
        ])
    );
}

#[tokio::test]
async fn beta_models_list_sends_beta_true_and_nothing_else() {
    let server = server_answering(200, seed_page()).await;
    client(&server)
        .beta()
        .models()
        .list()
        .send()
        .await
        .expect("the page");
    let request = only_request(&server).await;
    assert_common(&request, "/v1/models");
    assert_eq!(request.url.query(), Some("beta=true"));
}

#[tokio::test]
async fn beta_models_list_sends_beta_true_once_beside_limit_and_cursors() {
    let server = server_answering(200, seed_page()).await;
    client(&server)
        .beta()
        .models()
        .list()
        .limit(1000)
        .after_id("model_after")
        .before_id("model_before")
        .send()
        .await
        .expect("the page");
    let request = only_request(&server).await;
    assert_common(&request, "/v1/models");
    assert_eq!(
        query(&request),
        pairs(&[
            ("after_id", "model_after"),
            ("before_id", "model_before"),
            ("beta", "true"),
            ("limit", "1000"),
        ])
    );
}

#[tokio::test]
async fn models_retrieve_is_get_v1_models_id_without_beta() {
    let server = server_answering(200, seed_model()).await;
    let model = client(&server)
        .models()
        .retrieve(SEED_ID)
        .send()
        .await
        .expect("the model");
    let request = only_request(&server).await;
    assert_common(&request, &format!("/v1/models/{SEED_ID}"));
    assert_eq!(request.url.query(), None);
    assert_eq!(model.id, SEED_ID);
    assert_eq!(model.display_name, "Claude Sonnet 4");
    assert_eq!(model.type_, ModelInfoType::Model);
    assert_eq!(model.created_at, seed_created_at());
    assert_eq!(model.request_id(), Some("req_011CTestRequestId"));
    assert_eq!(model.status().as_u16(), 200);
}

#[tokio::test]
async fn beta_models_retrieve_sends_beta_true() {
    let server = server_answering(200, seed_model()).await;
    let model = client(&server)
        .beta()
        .models()
        .retrieve("claude-3-7-sonnet-latest")
        .send()
        .await
        .expect("the model");
    let request = only_request(&server).await;
    assert_common(&request, "/v1/models/claude-3-7-sonnet-latest");
    assert_eq!(request.url.query(), Some("beta=true"));
    assert_eq!(model.id, SEED_ID);
    assert_eq!(model.type_, BetaModelInfoType::Model);
}

// ---- the anthropic-beta header, on each of the four operations ----

#[derive(Debug, Clone, Copy)]
enum Op {
    List,
    Retrieve,
    BetaList,
    BetaRetrieve,
}

const OPS: [Op; 4] = [Op::List, Op::Retrieve, Op::BetaList, Op::BetaRetrieve];

/// Sends `op` with `betas` set on the request (none when empty).
async fn send(client: &Client, op: Op, betas: Vec<AnthropicBeta>) {
    let result = match op {
        Op::List => {
            let mut r = client.models().list();
            if !betas.is_empty() {
                r = r.anthropic_beta(betas);
            }
            r.send().await.map(drop)
        }
        Op::Retrieve => {
            let mut r = client.models().retrieve(SEED_ID);
            if !betas.is_empty() {
                r = r.anthropic_beta(betas);
            }
            r.send().await.map(drop)
        }
        Op::BetaList => {
            let mut r = client.beta().models().list();
            if !betas.is_empty() {
                r = r.anthropic_beta(betas);
            }
            r.send().await.map(drop)
        }
        Op::BetaRetrieve => {
            let mut r = client.beta().models().retrieve(SEED_ID);
            if !betas.is_empty() {
                r = r.anthropic_beta(betas);
            }
            r.send().await.map(drop)
        }
    };
    result.unwrap_or_else(|e| panic!("{op:?} must succeed: {e}"));
}

/// A server that answers list operations with a page and the rest with a model.
async fn models_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(seed_page()))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path_regex("^/v1/models/[^/]+$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(seed_model()))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn each_operation_joins_request_and_client_betas_in_one_header() {
    for op in OPS {
        let server = models_server().await;
        let client = Client::builder()
            .api_key(KEY)
            .base_url(server.uri())
            .beta("client-default-beta")
            .beta(AnthropicBeta::FilesApi20250414)
            .build()
            .expect("a valid client configuration");
        send(
            &client,
            op,
            vec![
                AnthropicBeta::TokenCounting20241101,
                AnthropicBeta::from("brand-new-beta-2030-01-01"),
                // Also a client default: sent once.
                AnthropicBeta::FilesApi20250414,
            ],
        )
        .await;
        let request = only_request(&server).await;
        assert_eq!(
            header_values(&request, "anthropic-beta"),
            ["token-counting-2024-11-01,brand-new-beta-2030-01-01,files-api-2025-04-14,client-default-beta"],
            "{op:?}: the request's betas first, then the client's, each once, in one header"
        );
        assert_eq!(header_values(&request, "x-api-key"), [KEY], "{op:?}");
        assert_eq!(
            header_values(&request, "anthropic-version"),
            ["2023-06-01"],
            "{op:?}"
        );
        assert!(request.headers.get("api-version").is_none(), "{op:?}");
        let beta_in_query = request
            .url
            .query_pairs()
            .filter(|(k, _)| k == "beta")
            .count();
        let expect_beta = matches!(op, Op::BetaList | Op::BetaRetrieve);
        assert_eq!(beta_in_query, usize::from(expect_beta), "{op:?}");
    }
}

#[tokio::test]
async fn each_operation_sends_the_client_betas_alone_or_no_header_at_all() {
    for op in OPS {
        let server = models_server().await;
        let with_defaults = Client::builder()
            .api_key(KEY)
            .base_url(server.uri())
            .beta(AnthropicBeta::Context1m20250807)
            .beta("another-client-beta")
            .build()
            .expect("a valid client configuration");
        send(&with_defaults, op, Vec::new()).await;
        let request = only_request(&server).await;
        assert_eq!(
            header_values(&request, "anthropic-beta"),
            ["context-1m-2025-08-07,another-client-beta"],
            "{op:?}"
        );

        let server = models_server().await;
        send(&client(&server), op, Vec::new()).await;
        let request = only_request(&server).await;
        assert!(
            request.headers.get("anthropic-beta").is_none(),
            "{op:?}: no betas, no header"
        );
    }
}

// ---- responses ----

#[tokio::test]
async fn the_seed_page_example_response_parses_on_both_list_operations() {
    let server = server_answering(200, seed_page()).await;
    let client = client(&server);

    let beta: anthropic_client::Response<BetaListModelsResponse> = client
        .beta()
        .models()
        .list()
        .send()
        .await
        .expect("the seed page's response");
    assert_eq!(beta.data.len(), 1);
    let model = &beta.data[0];
    assert_eq!(model.id, SEED_ID);
    assert_eq!(model.display_name, "Claude Sonnet 4");
    assert_eq!(model.type_, BetaModelInfoType::Model);
    assert_eq!(model.created_at, seed_created_at());
    assert_eq!(beta.first_id.as_deref(), Some("first_id"));
    assert_eq!(beta.last_id.as_deref(), Some("last_id"));
    assert!(beta.has_more);
    assert_eq!(beta.request_id(), Some("req_011CTestRequestId"));

    let plain: anthropic_client::Response<ListModelsResponse> =
        client.models().list().send().await.expect("the same page");
    assert_eq!(plain.data[0].id, SEED_ID);
    assert_eq!(plain.data[0].type_, ModelInfoType::Model);
    assert_eq!(plain.first_id.as_deref(), Some("first_id"));
    assert_eq!(plain.last_id.as_deref(), Some("last_id"));
    assert!(plain.has_more);
}

#[tokio::test]
async fn an_empty_page_has_null_ids() {
    let server = server_answering(
        200,
        json!({"data": [], "first_id": null, "has_more": false, "last_id": null}),
    )
    .await;
    let page = client(&server)
        .models()
        .list()
        .send()
        .await
        .expect("an empty page");
    assert!(page.data.is_empty());
    assert_eq!(page.first_id, None);
    assert_eq!(page.last_id, None);
    assert!(!page.has_more);
}

#[tokio::test]
async fn unknown_response_fields_are_ignored() {
    let mut page = seed_page();
    page["a_field_added_later"] = json!({"nested": [1, 2, 3]});
    page["data"][0]["capabilities"] = json!(["vision"]);
    page["data"][0]["max_tokens"] = json!(64000);
    let server = server_answering(200, page).await;
    let api = client(&server);
    let plain = api.models().list().send().await.expect("still a page");
    assert_eq!(plain.data[0].id, SEED_ID);
    let beta = api
        .beta()
        .models()
        .list()
        .send()
        .await
        .expect("still a page");
    assert_eq!(beta.data[0].id, SEED_ID);

    let mut model = seed_model();
    model["context_window"] = json!(200000);
    let server = server_answering(200, model).await;
    let model = client(&server)
        .models()
        .retrieve(SEED_ID)
        .send()
        .await
        .expect("still a model");
    assert_eq!(model.display_name, "Claude Sonnet 4");
}

// ---- open sets ----

#[tokio::test]
async fn an_unknown_beta_value_round_trips() {
    let unknown = AnthropicBeta::from("brand-new-beta-2030-01-01");
    assert_eq!(
        unknown,
        AnthropicBeta::Other("brand-new-beta-2030-01-01".to_string())
    );
    assert_eq!(unknown.as_str(), "brand-new-beta-2030-01-01");
    assert_eq!(unknown.to_string(), "brand-new-beta-2030-01-01");
    let encoded = serde_json::to_string(&unknown).expect("serializes");
    assert_eq!(encoded, r#""brand-new-beta-2030-01-01""#);
    let decoded: AnthropicBeta = serde_json::from_str(&encoded).expect("deserializes");
    assert_eq!(decoded, unknown);
    let parsed: AnthropicBeta = "brand-new-beta-2030-01-01".parse().expect("infallible");
    assert_eq!(parsed, unknown);
    // A known value is its named variant, whichever way it comes in.
    assert_eq!(
        AnthropicBeta::from("files-api-2025-04-14"),
        AnthropicBeta::FilesApi20250414
    );
    assert_eq!(
        serde_json::from_str::<AnthropicBeta>(r#""files-api-2025-04-14""#).expect("known"),
        AnthropicBeta::FilesApi20250414
    );

    // And on the wire, verbatim.
    let server = models_server().await;
    send(&client(&server), Op::BetaList, vec![unknown]).await;
    let request = only_request(&server).await;
    assert_eq!(
        header_values(&request, "anthropic-beta"),
        ["brand-new-beta-2030-01-01"]
    );
}

fn error_body(kind: &str, message: &str) -> Value {
    json!({
        "type": "error",
        "error": {"type": kind, "message": message},
        "request_id": "req_in_the_body"
    })
}

#[tokio::test]
async fn an_unknown_error_type_survives_in_the_typed_error() {
    let server = server_answering(
        400,
        error_body("brand_new_error", "Something new went wrong."),
    )
    .await;
    let error = client(&server)
        .beta()
        .models()
        .retrieve(SEED_ID)
        .send()
        .await
        .expect_err("a 400 is an error");
    assert_eq!(
        error.error_type(),
        Some(&ErrorType::Other("brand_new_error".to_string()))
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.request_id(), Some("req_011CTestRequestId"));
    let Error::Api(api) = &error else {
        panic!("an API error, not {error:?}")
    };
    assert_eq!(api.message(), "Something new went wrong.");
    assert_eq!(api.body.request_id.as_deref(), Some("req_in_the_body"));
    assert_eq!(api.error_type().as_str(), "brand_new_error");
    assert!(!error.is_retryable());
    let shown = error.to_string();
    assert!(shown.contains("400"), "{shown}");
    assert!(shown.contains("brand_new_error"), "{shown}");
    assert!(shown.contains("req_011CTestRequestId"), "{shown}");
    assert_eq!(only_request(&server).await.url.query(), Some("beta=true"));
}

#[tokio::test]
async fn a_known_error_type_is_its_variant_on_every_operation() {
    for op in OPS {
        let server =
            server_answering(404, error_body("not_found_error", "model: no-such-model")).await;
        let client = client(&server);
        let error = match op {
            Op::List => client.models().list().send().await.map(drop),
            Op::Retrieve => client.models().retrieve("x").send().await.map(drop),
            Op::BetaList => client.beta().models().list().send().await.map(drop),
            Op::BetaRetrieve => client.beta().models().retrieve("x").send().await.map(drop),
        }
        .expect_err("a 404 is an error");
        assert_eq!(
            error.error_type(),
            Some(&ErrorType::NotFoundError),
            "{op:?}"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{op:?}");
        assert_eq!(error.request_id(), Some("req_011CTestRequestId"), "{op:?}");
    }
}

#[tokio::test]
async fn a_server_error_with_an_unknown_type_is_typed_too() {
    let server = server_answering(
        529,
        error_body("even_newer_overload_kind", "Try again later."),
    )
    .await;
    let error = client(&server)
        .models()
        .list()
        .send()
        .await
        .expect_err("a 529 is an error");
    assert_eq!(
        error.error_type(),
        Some(&ErrorType::Other("even_newer_overload_kind".to_string()))
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(529));
    assert!(error.is_overloaded());
    assert_eq!(error.request_id(), Some("req_011CTestRequestId"));
}

/// The bench program's calls reach the server as they should and their
/// answers are read: one message, one page of models, one model.
#[tokio::test]
async fn the_bench_program_sends_a_message_and_reads_the_models() {
    let server = workspace_tests::messages::messages_server(vec![ResponseTemplate::new(200)
        .set_body_json(workspace_tests::messages::reply(
            "msg_01",
            "end_turn",
            json!([{"type": "text", "text": "Paris."}]),
        ))])
    .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(seed_page()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/v1/models/[^/]+$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(seed_model()))
        .mount(&server)
        .await;

    let seen = bench_program::run(client(&server))
        .await
        .expect("every answer decodes");

    assert_eq!(seen, "Paris.".len() + 1 + SEED_ID.len());
    let lines: Vec<String> = workspace_tests::messages::received(&server)
        .await
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        lines,
        [
            "POST /v1/messages",
            "GET /v1/models",
            "GET /v1/models/claude-opus-4-1"
        ]
    );
}
