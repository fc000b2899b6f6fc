//! The six Message Batches operations and `wait` on the wire, against
//! wiremock, and the JSON Lines of a batch's results as they are decoded.
//!
//! The mocks answer whatever arrives; the tests then read what the server
//! received and assert it exactly, so a wrong request fails naming the
//! difference rather than as an unmatched 404. The faults of a results body
//! (cut, truncated, over-long or malformed lines) are in `faults.rs`, on a
//! raw socket.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anthropic_client::types::{
    self, AnthropicBeta, MessageBatch, MessageBatchIndividualResponse,
    MessageBatchProcessingStatus, MessageBatchResult,
};
use anthropic_client::{Client, Error, JsonLines};
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use workspace_tests::batches::{batch, batch_page, canceled_line, fixture};
use workspace_tests::fixtures;
use workspace_tests::messages::{body_json, received, user};
use workspace_tests::runtime::{builder, error_body, query, API_KEY};

/// A batch id that only survives the trip as one path segment if it is
/// percent-encoded: a slash and a space.
const AWKWARD_ID: &str = "a/b c";
const AWKWARD_SEGMENT: &str = "a%2Fb%20c";

/// A guard against a hang, far above what any case needs.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// No retries: each case sees exactly the requests it caused.
fn client(server: &MockServer) -> Client {
    builder(&server.uri())
        .max_retries(0)
        .build()
        .expect("a valid test client")
}

/// A server answering every request with `status` and the JSON `body`.
async fn answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("request-id", "req_batches")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    server
}

/// A server answering every request with the raw `body`, named as
/// `content_type` (no `content-type` header at all when `None`).
async fn answering_lines(body: impl Into<Vec<u8>>, content_type: Option<&str>) -> MockServer {
    let server = MockServer::start().await;
    let template = ResponseTemplate::new(200).insert_header("request-id", "req_results");
    let template = match content_type {
        Some(mime) => template.set_body_raw(body.into(), mime),
        None => template.set_body_bytes(body.into()),
    };
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    requests.remove(0)
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

/// The query as sorted pairs: their order carries no meaning on the wire.
fn sorted_query(request: &Request) -> Vec<(String, String)> {
    let mut pairs = query(request);
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

fn time(text: &str) -> DateTime<Utc> {
    text.parse().expect("an RFC 3339 time")
}

/// The docs' example request: one request of one user turn.
fn docs_create_params() -> types::MessageBatchCreateParams {
    let params: types::MessageCreateParams =
        types::MessageCreateParams::new("claude-opus-4-6", 1024, vec![user("Hello, world")]);
    types::MessageBatchCreateParams::new([types::MessageBatchRequest::new(
        "my-custom-id-1",
        params,
    )])
}

async fn open_results(client: &Client, id: &str) -> JsonLines<MessageBatchIndividualResponse> {
    tokio::time::timeout(HANG_GUARD, client.messages().batches().results(id).send())
        .await
        .expect("not hung")
        .expect("the results open")
}

/// Every item of a results stream, errors included, up to its end or 1000
/// items (a stream that never ends need not wait to go on, and then no
/// timeout would cut it short).
async fn drain(
    lines: JsonLines<MessageBatchIndividualResponse>,
) -> Vec<Result<MessageBatchIndividualResponse, Error>> {
    tokio::time::timeout(HANG_GUARD, lines.take(1000).collect::<Vec<_>>())
        .await
        .expect("not hung")
}

fn custom_ids(items: &[MessageBatchIndividualResponse]) -> Vec<&str> {
    items.iter().map(|r| r.custom_id.as_str()).collect()
}

// ---- what each operation sends ----

/// One of the six operations, sent with [`AWKWARD_ID`] where it takes an id.
#[derive(Debug, Clone, Copy)]
enum Op {
    Create,
    Retrieve,
    List,
    Cancel,
    Delete,
    Results,
}

impl Op {
    const ALL: [Op; 6] = [
        Op::Create,
        Op::Retrieve,
        Op::List,
        Op::Cancel,
        Op::Delete,
        Op::Results,
    ];

    /// The method, path and `accept` header the operation must send.
    fn expected(self) -> (&'static str, String, &'static str) {
        let id = format!("/v1/messages/batches/{AWKWARD_SEGMENT}");
        let json = "application/json";
        match self {
            Op::Create => ("POST", "/v1/messages/batches".into(), json),
            Op::Retrieve => ("GET", id, json),
            Op::List => ("GET", "/v1/messages/batches".into(), json),
            Op::Cancel => ("POST", format!("{id}/cancel"), json),
            Op::Delete => ("DELETE", id, json),
            // What the official SDK asks for: the API answers JSON Lines
            // named `application/binary`.
            Op::Results => ("GET", format!("{id}/results"), "application/binary"),
        }
    }

    /// Sends the operation and drops its answer: these cases look at the
    /// request only (the results are opened, not read).
    async fn send(self, client: &Client) {
        let batches = client.messages().batches();
        let result = match self {
            Op::Create => batches.create(docs_create_params()).send().await.map(drop),
            Op::Retrieve => batches.retrieve(AWKWARD_ID).send().await.map(drop),
            Op::List => batches.list().send().await.map(drop),
            Op::Cancel => batches.cancel(AWKWARD_ID).send().await.map(drop),
            Op::Delete => batches.delete(AWKWARD_ID).send().await.map(drop),
            Op::Results => batches.results(AWKWARD_ID).send().await.map(drop),
        };
        result.unwrap_or_else(|e| panic!("{self:?} must succeed: {e}"));
    }

    /// A body the operation decodes, so that `send` succeeds.
    fn answer(self) -> Value {
        match self {
            Op::List => fixture("list.json"),
            Op::Delete => fixture("deleted.json"),
            _ => fixture("batch.json"),
        }
    }
}

#[tokio::test]
async fn every_operation_sends_its_method_path_key_version_accept_and_the_client_betas() {
    for op in Op::ALL {
        let server = answering(200, op.answer()).await;
        let client = builder(&server.uri())
            .max_retries(0)
            .beta(AnthropicBeta::MessageBatches20240924)
            .beta("some-future-beta")
            .build()
            .expect("a valid client");
        op.send(&client).await;
        let request = only_request(&server).await;
        let (method, path, accept) = op.expected();
        assert_eq!(request.method.as_str(), method, "{op:?}");
        assert_eq!(request.url.path(), path, "{op:?}");
        assert_eq!(request.url.query(), None, "{op:?}: no query");
        assert_eq!(header_values(&request, "x-api-key"), [API_KEY], "{op:?}");
        assert_eq!(
            header_values(&request, "anthropic-version"),
            ["2023-06-01"],
            "{op:?}"
        );
        assert_eq!(header_values(&request, "accept"), [accept], "{op:?}");
        assert_eq!(
            header_values(&request, "anthropic-beta"),
            ["message-batches-2024-09-24,some-future-beta"],
            "{op:?}: the client's betas, in one header"
        );
        let has_body = matches!(op, Op::Create);
        assert_eq!(!request.body.is_empty(), has_body, "{op:?}: body");
        let content_type = header_values(&request, "content-type");
        if has_body {
            assert_eq!(content_type, ["application/json"], "{op:?}");
        } else {
            assert!(content_type.is_empty(), "{op:?}: {content_type:?}");
        }
    }
}

#[tokio::test]
async fn no_client_beta_means_no_beta_header() {
    for op in Op::ALL {
        let server = answering(200, op.answer()).await;
        op.send(&client(&server)).await;
        let request = only_request(&server).await;
        assert!(
            request.headers.get("anthropic-beta").is_none(),
            "{op:?}: {:?}",
            request.headers
        );
    }
}

// ---- create ----

#[tokio::test]
async fn create_sends_the_docs_example_body_exactly_and_decodes_the_new_batch() {
    let server = answering(200, fixture("batch_in_progress.json")).await;
    let created = client(&server)
        .messages()
        .batches()
        .create(docs_create_params())
        .send()
        .await
        .expect("the new batch");

    let request = only_request(&server).await;
    assert_eq!(body_json(&request), fixture("create.request.json"));

    assert_eq!(created.request_id(), Some("req_batches"));
    assert_eq!(created.id, "msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d");
    assert_eq!(
        created.processing_status,
        MessageBatchProcessingStatus::InProgress
    );
    assert_eq!(created.created_at, time("2024-09-24T18:37:24.100435Z"));
    assert_eq!(created.expires_at, time("2024-09-25T18:37:24.100435Z"));
    // Null until processing ends or a cancel is asked for.
    assert_eq!(created.ended_at, None);
    assert_eq!(created.cancel_initiated_at, None);
    assert_eq!(created.archived_at, None);
    assert_eq!(created.results_url, None);
    assert_eq!(created.request_counts.processing, 2);
}

#[tokio::test]
async fn create_sends_each_request_with_its_own_custom_id_and_params_in_order() {
    let server = answering(200, fixture("batch_in_progress.json")).await;
    let first: types::MessageCreateParams =
        types::MessageCreateParams::new("claude-sonnet-4-5", 64, vec![user("Hi")])
            .system(types::SystemPrompt::String("Be brief.".into()));
    let second: types::MessageCreateParams =
        types::MessageCreateParams::new("claude-opus-4-6", 2048, vec![user("Tell me a story")])
            .temperature(0.25)
            .stop_sequences(vec!["THE END".to_string()]);
    let params = types::MessageBatchCreateParams::new([
        types::MessageBatchRequest::new("req-1", first),
        types::MessageBatchRequest::new("req-2", second),
    ]);
    client(&server)
        .messages()
        .batches()
        .create(params)
        .send()
        .await
        .expect("the new batch");
    assert_eq!(
        body_json(&only_request(&server).await),
        json!({"requests": [
            {"custom_id": "req-1", "params": {
                "model": "claude-sonnet-4-5", "max_tokens": 64, "system": "Be brief.",
                "messages": [{"role": "user", "content": "Hi"}]}},
            {"custom_id": "req-2", "params": {
                "model": "claude-opus-4-6", "max_tokens": 2048, "temperature": 0.25,
                "stop_sequences": ["THE END"],
                "messages": [{"role": "user", "content": "Tell me a story"}]}}
        ]})
    );
}

// ---- retrieve, cancel, delete ----

#[tokio::test]
async fn retrieve_decodes_every_field_of_an_ended_batch() {
    let server = answering(200, fixture("batch.json")).await;
    let batch = client(&server)
        .messages()
        .batches()
        .retrieve(AWKWARD_ID)
        .send()
        .await
        .expect("the batch");
    assert_eq!(batch.status().as_u16(), 200);
    assert_eq!(batch.request_id(), Some("req_batches"));
    // Field by field: a response type is read, not built.
    let MessageBatch {
        id,
        archived_at,
        cancel_initiated_at,
        created_at,
        ended_at,
        expires_at,
        processing_status,
        request_counts,
        results_url,
        type_,
        ..
    } = &*batch;
    assert_eq!(id, "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF");
    assert_eq!(*archived_at, Some(time("2024-09-26T09:00:00Z")));
    assert_eq!(*cancel_initiated_at, Some(time("2024-09-24T19:00:00.5Z")));
    assert_eq!(*created_at, time("2024-09-24T18:37:24.100435Z"));
    assert_eq!(*ended_at, Some(time("2024-09-24T20:15:02Z")));
    assert_eq!(*expires_at, time("2024-09-25T18:37:24.100435Z"));
    assert_eq!(*processing_status, MessageBatchProcessingStatus::Ended);
    let counts = (
        request_counts.canceled,
        request_counts.errored,
        request_counts.expired,
        request_counts.processing,
        request_counts.succeeded,
    );
    assert_eq!(counts, (10, 30, 5, 0, 55));
    assert_eq!(
        results_url.as_deref(),
        Some("https://api.anthropic.com/v1/messages/batches/msgbatch_013Zva2CMHLNnXjNJJKqJ2EF/results")
    );
    assert_eq!(*type_, types::MessageBatchType::MessageBatch);
}

#[tokio::test]
async fn an_unknown_processing_status_is_kept() {
    let server = answering(200, batch("msgbatch_x", "paused_for_review")).await;
    let batch = client(&server)
        .messages()
        .batches()
        .retrieve("msgbatch_x")
        .send()
        .await
        .expect("a batch in a state this crate does not know");
    assert_eq!(
        batch.processing_status,
        MessageBatchProcessingStatus::Other("paused_for_review".into())
    );
}

#[tokio::test]
async fn cancel_decodes_the_canceling_batch() {
    let mut canceling = batch("msgbatch_c", "canceling");
    canceling["cancel_initiated_at"] = json!("2024-09-24T19:00:00Z");
    let server = answering(200, canceling).await;
    let batch = client(&server)
        .messages()
        .batches()
        .cancel("msgbatch_c")
        .send()
        .await
        .expect("the canceling batch");
    let request = only_request(&server).await;
    assert!(request.body.is_empty(), "{:?}", request.body);
    assert_eq!(
        batch.processing_status,
        MessageBatchProcessingStatus::Canceling
    );
    assert_eq!(
        batch.cancel_initiated_at,
        Some(time("2024-09-24T19:00:00Z"))
    );
}

#[tokio::test]
async fn delete_decodes_the_deleted_batch() {
    let server = answering(200, fixture("deleted.json")).await;
    let deleted = client(&server)
        .messages()
        .batches()
        .delete("msgbatch_013Zva2CMHLNnXjNJJKqJ2EF")
        .send()
        .await
        .expect("the deleted batch");
    assert_eq!(deleted.id, "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF");
    assert_eq!(
        deleted.type_,
        types::DeletedMessageBatchType::MessageBatchDeleted
    );
    assert_eq!(deleted.request_id(), Some("req_batches"));
}

#[tokio::test]
async fn an_id_that_cannot_be_a_path_segment_fails_before_sending() {
    let server = answering(200, fixture("batch.json")).await;
    let error = client(&server)
        .messages()
        .batches()
        .retrieve("")
        .send()
        .await
        .expect_err("an empty id names no batch");
    assert!(
        matches!(&error, Error::InvalidArgument(m) if m.contains("message_batch_id")),
        "{error:?}"
    );
    assert!(received(&server).await.is_empty(), "nothing is sent");
}

// ---- list and its pages ----

#[tokio::test]
async fn list_sends_limit_and_cursors_and_decodes_the_page() {
    let server = answering(200, fixture("list.json")).await;
    let page = client(&server)
        .messages()
        .batches()
        .list()
        .limit(2)
        .after_id("msgbatch_after")
        .before_id("msgbatch_before")
        .send()
        .await
        .expect("the page");
    assert_eq!(
        sorted_query(&only_request(&server).await),
        pairs(&[
            ("after_id", "msgbatch_after"),
            ("before_id", "msgbatch_before"),
            ("limit", "2"),
        ])
    );
    let ids: Vec<&str> = page.data.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d",
            "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF"
        ]
    );
    assert_eq!(
        page.data[1].processing_status,
        MessageBatchProcessingStatus::Ended
    );
    assert_eq!(
        page.first_id.as_deref(),
        Some("msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d")
    );
    assert_eq!(
        page.last_id.as_deref(),
        Some("msgbatch_013Zva2CMHLNnXjNJJKqJ2EF")
    );
    assert!(page.has_more);
}

#[tokio::test]
async fn a_limit_out_of_range_fails_before_sending() {
    let server = answering(200, fixture("list.json")).await;
    let error = client(&server)
        .messages()
        .batches()
        .list()
        .limit(1001)
        .send()
        .await
        .expect_err("1001 is above the maximum");
    assert!(
        matches!(&error, Error::InvalidArgument(m) if m.contains("limit")),
        "{error:?}"
    );
    assert!(received(&server).await.is_empty());
}

/// Five batches `b1`..`b5` in three pages of at most two, served by cursor:
/// forward from the start (`b1 b2 | b3 b4 | b5`) or backward from `b6`
/// (`b4 b5 | b2 b3 | b1`). Every last page still names its edge ids, so the
/// walk can only stop on `has_more: false`; a cursor the walk should never
/// send gets a 404.
async fn paged_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(|request: &Request| {
            let cursor = query(request)
                .into_iter()
                .find(|(k, _)| k == "after_id" || k == "before_id");
            let page = match cursor.as_ref().map(|(k, v)| (k.as_str(), v.as_str())) {
                None => batch_page(&["b1", "b2"], true),
                Some(("after_id", "b2")) => batch_page(&["b3", "b4"], true),
                Some(("after_id", "b4")) => batch_page(&["b5"], false),
                Some(("before_id", "b6")) => batch_page(&["b4", "b5"], true),
                Some(("before_id", "b4")) => batch_page(&["b2", "b3"], true),
                Some(("before_id", "b2")) => batch_page(&["b1"], false),
                Some(_) => {
                    return ResponseTemplate::new(404)
                        .set_body_json(error_body("not_found_error", "no such cursor"))
                }
            };
            ResponseTemplate::new(200).set_body_json(page)
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn items_walk_three_pages_forward_by_last_id_and_stop_on_has_more_false() {
    let server = paged_server().await;
    let client = client(&server);
    let batches: Vec<MessageBatch> = tokio::time::timeout(
        HANG_GUARD,
        client
            .messages()
            .batches()
            .list()
            .limit(2)
            .items()
            .try_collect(),
    )
    .await
    .expect("not hung")
    .expect("every page");
    let ids: Vec<&str> = batches.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["b1", "b2", "b3", "b4", "b5"]);
    let queries: Vec<_> = received(&server).await.iter().map(sorted_query).collect();
    assert_eq!(
        queries,
        [
            pairs(&[("limit", "2")]),
            pairs(&[("after_id", "b2"), ("limit", "2")]),
            pairs(&[("after_id", "b4"), ("limit", "2")]),
        ]
    );

    let pages: Vec<_> = client
        .messages()
        .batches()
        .list()
        .limit(2)
        .pages()
        .try_collect::<Vec<_>>()
        .await
        .expect("every page");
    let more: Vec<bool> = pages.iter().map(|p| p.has_more).collect();
    assert_eq!(more, [true, true, false]);
}

#[tokio::test]
async fn pages_walk_three_pages_backward_by_first_id_from_a_before_id() {
    let server = paged_server().await;
    let client = client(&server);
    let pages: Vec<_> = tokio::time::timeout(
        HANG_GUARD,
        client
            .messages()
            .batches()
            .list()
            .limit(2)
            .before_id("b6")
            .pages()
            .try_collect::<Vec<_>>(),
    )
    .await
    .expect("not hung")
    .expect("every page");
    let ids: Vec<Vec<&str>> = pages
        .iter()
        .map(|p| p.data.iter().map(|b| b.id.as_str()).collect())
        .collect();
    assert_eq!(ids, [vec!["b4", "b5"], vec!["b2", "b3"], vec!["b1"]]);
    let queries: Vec<_> = received(&server).await.iter().map(sorted_query).collect();
    assert_eq!(
        queries,
        [
            pairs(&[("before_id", "b6"), ("limit", "2")]),
            pairs(&[("before_id", "b4"), ("limit", "2")]),
            pairs(&[("before_id", "b2"), ("limit", "2")]),
        ]
    );

    let items: Vec<MessageBatch> = client
        .messages()
        .batches()
        .list()
        .limit(2)
        .before_id("b6")
        .items()
        .try_collect()
        .await
        .expect("every page");
    let ids: Vec<&str> = items.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["b4", "b5", "b2", "b3", "b1"], "page by page");
}

// ---- wait ----

#[tokio::test]
async fn wait_polls_until_the_batch_has_ended_and_returns_it() {
    let server = MockServer::start().await;
    let looks = AtomicUsize::new(0);
    Mock::given(any())
        .respond_with(move |_: &Request| {
            let status = match looks.fetch_add(1, Ordering::SeqCst) {
                0 | 1 => "in_progress",
                _ => "ended",
            };
            let mut body = batch(AWKWARD_ID, status);
            body["request_counts"]["processing"] = json!(if status == "ended" { 0 } else { 2 });
            ResponseTemplate::new(200)
                .insert_header("request-id", "req_look")
                .set_body_json(body)
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let ended = tokio::time::timeout(
        HANG_GUARD,
        client
            .messages()
            .batches()
            .wait(AWKWARD_ID)
            .interval(Duration::from_millis(5)),
    )
    .await
    .expect("not hung")
    .expect("the ended batch");
    assert_eq!(ended.processing_status, MessageBatchProcessingStatus::Ended);
    assert_eq!(ended.request_counts.processing, 0);
    assert_eq!(ended.request_id(), Some("req_look"));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "two looks in progress, one ended");
    for request in &requests {
        assert_eq!(request.method.as_str(), "GET");
        assert_eq!(
            request.url.path(),
            format!("/v1/messages/batches/{AWKWARD_SEGMENT}")
        );
    }
}

#[tokio::test]
async fn wait_ends_with_the_typed_error_of_a_failed_look() {
    let server = MockServer::start().await;
    let looks = Arc::new(AtomicUsize::new(0));
    let counter = looks.clone();
    Mock::given(any())
        .respond_with(
            move |_: &Request| match counter.fetch_add(1, Ordering::SeqCst) {
                0 => ResponseTemplate::new(200).set_body_json(batch("msgbatch_w", "in_progress")),
                _ => ResponseTemplate::new(404)
                    .insert_header("request-id", "req_gone")
                    .set_body_json(error_body("not_found_error", "batch not found")),
            },
        )
        .mount(&server)
        .await;
    let error = tokio::time::timeout(
        HANG_GUARD,
        client(&server)
            .messages()
            .batches()
            .wait("msgbatch_w")
            .interval(Duration::from_millis(5)),
    )
    .await
    .expect("not hung")
    .expect_err("the second look fails");
    let Error::Api(api) = &error else {
        panic!("an API error, not {error:?}");
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.error_type(), &types::ErrorType::NotFoundError);
    assert_eq!(api.message(), "batch not found");
    assert_eq!(error.request_id(), Some("req_gone"));
    assert_eq!(looks.load(Ordering::SeqCst), 2, "no look after the error");
}

// ---- results ----

/// The fixture's five lines, each as it appears in the file.
fn results_lines() -> Vec<String> {
    fixtures::text("batches/results.jsonl")
        .lines()
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn results_decode_every_result_type_and_keep_an_unknown_one_raw() {
    let body = fixtures::text("batches/results.jsonl");
    let server = answering_lines(body, Some("application/binary")).await;
    let lines = open_results(&client(&server), AWKWARD_ID).await;
    assert_eq!(lines.status().as_u16(), 200);
    assert_eq!(lines.request_id(), Some("req_results"));
    let items: Vec<MessageBatchIndividualResponse> = drain(lines)
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every line decodes");
    assert_eq!(
        custom_ids(&items),
        [
            "my-first-request",
            "my-second-request",
            "my-third-request",
            "my-fourth-request",
            "my-fifth-request"
        ]
    );

    let MessageBatchResult::Succeeded(succeeded) = &items[0].result else {
        panic!("line 1 succeeded: {:?}", items[0].result);
    };
    let message = &succeeded.message;
    assert_eq!(message.id, "msg_014VwiXbi91y3JMjcpyGBHX5");
    assert_eq!(message.model, types::Model::ClaudeOpus46);
    assert_eq!(message.stop_reason, Some(types::StopReason::EndTurn));
    assert_eq!(message.usage.input_tokens, 11);
    assert_eq!(message.usage.output_tokens, 36);
    assert_eq!(
        message.usage.service_tier,
        Some(types::UsageServiceTier::Batch)
    );
    match message.content.as_slice() {
        [types::ContentBlock::Text(text)] => assert_eq!(
            text.text,
            "Hello again! It's nice to see you. How can I assist you today?"
        ),
        other => panic!("one text block, not {other:?}"),
    }

    let MessageBatchResult::Errored(errored) = &items[1].result else {
        panic!("line 2 errored: {:?}", items[1].result);
    };
    assert_eq!(
        errored.error.error.type_,
        types::ErrorType::InvalidRequestError
    );
    assert_eq!(errored.error.error.message, "max_tokens: Field required");
    assert_eq!(
        errored.error.request_id.as_deref(),
        Some("req_011CSHoEeqs5C35K2UUqR7Fy")
    );

    assert!(
        matches!(items[2].result, MessageBatchResult::Canceled(_)),
        "{:?}",
        items[2].result
    );
    assert!(
        matches!(items[3].result, MessageBatchResult::Expired(_)),
        "{:?}",
        items[3].result
    );

    // A result type added after this crate was generated is kept whole,
    // so a program can log or forward it.
    let raw: Value = serde_json::from_str(&results_lines()[4]).expect("line 5 is JSON");
    assert_eq!(
        items[4].result,
        MessageBatchResult::Other(raw["result"].clone())
    );
}

#[tokio::test]
async fn results_skip_blank_lines_and_read_crlf_line_endings() {
    let lines = results_lines();
    // CRLF throughout, blank lines (empty, CRLF-only, spaces) between and
    // after the results, and a last line without any ending.
    let body = format!(
        "\r\n{}\r\n\r\n{}\r\n   \r\n{}\n\n{}\r\n{}",
        lines[0], lines[1], lines[2], lines[3], lines[4]
    );
    let server = answering_lines(body, Some("application/binary")).await;
    let items: Vec<MessageBatchIndividualResponse> =
        drain(open_results(&client(&server), "msgbatch_01").await)
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .expect("blank lines and CRLF are not errors");
    let expected: Vec<MessageBatchIndividualResponse> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("a fixture line decodes"))
        .collect();
    assert_eq!(items, expected);
}

#[tokio::test]
async fn results_are_read_as_json_lines_whatever_the_content_type() {
    for content_type in [
        Some("application/binary"),
        Some("application/octet-stream"),
        None,
    ] {
        let server = answering_lines(fixtures::text("batches/results.jsonl"), content_type).await;
        let lines = open_results(&client(&server), "msgbatch_01").await;
        let sent = lines
            .headers()
            .get("content-type")
            .map(|v| v.to_str().expect("a text header").to_string());
        assert_eq!(sent.as_deref(), content_type, "the case is what it says");
        let items: Vec<MessageBatchIndividualResponse> = drain(lines)
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{content_type:?}: {e}"));
        assert_eq!(items.len(), 5, "{content_type:?}");
    }
}

#[tokio::test]
async fn a_hundred_thousand_results_decode_one_by_one_in_order() {
    const COUNT: usize = 100_000;
    let id = |i: usize| format!("request-{i:06}");
    let mut body = String::with_capacity(COUNT * 64);
    for i in 0..COUNT {
        body.push_str(&canceled_line(&id(i)));
        body.push('\n');
    }
    let server = answering_lines(body, Some("application/binary")).await;
    let lines = open_results(&client(&server), "msgbatch_big").await;
    // Folded, not collected: only the count, the ends and the order are kept.
    let (count, first, last, out_of_order) = tokio::time::timeout(
        HANG_GUARD * 3,
        lines.try_fold(
            (0usize, None::<String>, None::<String>, 0usize),
            |(n, first, _, wrong), item| {
                let wrong = wrong + usize::from(item.custom_id != id(n));
                let first = first.or_else(|| Some(item.custom_id.clone()));
                async move { Ok((n + 1, first, Some(item.custom_id), wrong)) }
            },
        ),
    )
    .await
    .expect("not hung")
    .expect("every line decodes");
    assert_eq!(count, COUNT);
    assert_eq!(first.as_deref(), Some("request-000000"));
    assert_eq!(last.as_deref(), Some("request-099999"));
    assert_eq!(
        out_of_order, 0,
        "lines come out in the order they were sent"
    );
}

#[tokio::test]
async fn an_error_status_on_results_is_the_typed_api_error_before_any_line() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "req_no_results")
                .set_body_json(error_body(
                    "not_found_error",
                    "No results found for batch msgbatch_01",
                )),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .messages()
        .batches()
        .results("msgbatch_01")
        .send()
        .await
        .expect_err("a 404 opens no results");
    let Error::Api(api) = &error else {
        panic!("an API error, not {error:?}");
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.error_type(), &types::ErrorType::NotFoundError);
    assert_eq!(api.message(), "No results found for batch msgbatch_01");
    assert_eq!(api.request_id.as_deref(), Some("req_no_results"));
    assert_eq!(api.body.request_id.as_deref(), Some("req_from_body"));
    assert!(!error.is_retryable());
    assert_eq!(received(&server).await.len(), 1);
}
