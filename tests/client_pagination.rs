//! Auto-pagination both ways over several pages, including a retried page.
//!
//! The mock server serves a fixed list of models in pages keyed by cursor;
//! every test checks the requests the client made, in order.

use anthropic_client::Error;
use futures::{StreamExt, TryStreamExt};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::runtime::{client, error_body, page, query, query_value, received};

/// Mounts one page: the response to a list request whose cursor is
/// `cursor` (`None`: no cursor at all).
async fn mount_page(server: &MockServer, cursor: Option<(&str, &str)>, response: ResponseTemplate) {
    let mock = Mock::given(method("GET")).and(path("/v1/models"));
    let mock = match cursor {
        Some((name, value)) => mock.and(query_param(name, value)),
        None => mock
            .and(query_param_is_missing("after_id"))
            .and(query_param_is_missing("before_id")),
    };
    mock.respond_with(response).mount(server).await;
}

fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Pages m1..m7 forward, three to a page: [m1 m2 m3] [m4 m5 m6] [m7].
async fn forward_server() -> MockServer {
    let server = MockServer::start().await;
    mount_page(&server, None, ok(page(&["m1", "m2", "m3"], true))).await;
    mount_page(
        &server,
        Some(("after_id", "m3")),
        ok(page(&["m4", "m5", "m6"], true)),
    )
    .await;
    mount_page(&server, Some(("after_id", "m6")), ok(page(&["m7"], false))).await;
    server
}

const ALL: [&str; 7] = ["m1", "m2", "m3", "m4", "m5", "m6", "m7"];

#[tokio::test]
async fn items_follow_after_id_forward_until_has_more_is_false() {
    let server = forward_server().await;
    let ids: Vec<String> = client(&server.uri())
        .models()
        .list()
        .limit(3)
        .items()
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids, ALL);
    let requests = received(&server).await;
    let queries: Vec<_> = requests.iter().map(query).collect();
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        queries,
        vec![
            vec![pair("limit", "3")],
            vec![pair("after_id", "m3"), pair("limit", "3")],
            vec![pair("after_id", "m6"), pair("limit", "3")],
        ],
        "limit is kept and after_id is the previous page's last_id"
    );
}

#[tokio::test]
async fn pages_yield_each_page_with_its_metadata() {
    let server = forward_server().await;
    let pages: Vec<_> = client(&server.uri())
        .models()
        .list()
        .limit(3)
        .pages()
        .try_collect()
        .await
        .expect("every page");
    let summary: Vec<(Option<String>, Option<String>, bool, usize)> = pages
        .iter()
        .map(|p| {
            (
                p.first_id.clone(),
                p.last_id.clone(),
                p.has_more,
                p.data.len(),
            )
        })
        .collect();
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        summary,
        vec![
            (s("m1"), s("m3"), true, 3),
            (s("m4"), s("m6"), true, 3),
            (s("m7"), s("m7"), false, 1),
        ]
    );
    assert!(pages.iter().all(|p| p.status().is_success()));
}

#[tokio::test]
async fn starting_from_after_id_continues_from_there() {
    let server = forward_server().await;
    let ids: Vec<String> = client(&server.uri())
        .models()
        .list()
        .limit(3)
        .after_id("m3")
        .items()
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .expect("the rest");
    assert_eq!(ids, ["m4", "m5", "m6", "m7"]);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn before_id_pages_backward_using_first_id() {
    // Backward from before m7: [m4 m5 m6] then [m1 m2 m3], then the start.
    let server = MockServer::start().await;
    mount_page(
        &server,
        Some(("before_id", "m7")),
        ok(page(&["m4", "m5", "m6"], true)),
    )
    .await;
    mount_page(
        &server,
        Some(("before_id", "m4")),
        ok(page(&["m2", "m3"], true)),
    )
    .await;
    mount_page(&server, Some(("before_id", "m2")), ok(page(&["m1"], false))).await;
    let ids: Vec<String> = client(&server.uri())
        .models()
        .list()
        .limit(3)
        .before_id("m7")
        .items()
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .expect("every page");
    // Each page keeps its own order; pages come newest cursor first.
    assert_eq!(ids, ["m4", "m5", "m6", "m2", "m3", "m1"]);
    let requests = received(&server).await;
    let cursors: Vec<_> = requests
        .iter()
        .map(|r| {
            (
                query_value(r, "before_id"),
                query_value(r, "after_id"),
                query_value(r, "limit"),
            )
        })
        .collect();
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        cursors,
        vec![
            (s("m7"), None, s("3")),
            (s("m4"), None, s("3")),
            (s("m2"), None, s("3")),
        ],
        "before_id is the previous page's first_id; after_id is never sent"
    );
}

#[tokio::test]
async fn the_beta_list_paginates_with_beta_true() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(query_param("beta", "true"))
        .and(query_param_is_missing("after_id"))
        .respond_with(ok(page(&["b1", "b2"], true)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(query_param("beta", "true"))
        .and(query_param("after_id", "b2"))
        .respond_with(ok(page(&["b3"], false)))
        .mount(&server)
        .await;
    let ids: Vec<String> = client(&server.uri())
        .beta()
        .models()
        .list()
        .limit(2)
        .items()
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .expect("every beta page");
    assert_eq!(ids, ["b1", "b2", "b3"]);
    for r in received(&server).await {
        assert_eq!(query_value(&r, "beta").as_deref(), Some("true"));
        assert_eq!(query_value(&r, "limit").as_deref(), Some("2"));
    }
}

#[tokio::test]
async fn an_empty_page_with_null_ids_ends_the_list() {
    let server = MockServer::start().await;
    mount_page(&server, None, ok(page(&[], false))).await;
    let client = client(&server.uri());
    let pages: Vec<_> = client
        .models()
        .list()
        .pages()
        .try_collect()
        .await
        .expect("one empty page");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].first_id, None);
    assert_eq!(pages[0].last_id, None);
    let items: Vec<_> = client
        .models()
        .list()
        .items()
        .try_collect()
        .await
        .expect("no items");
    assert!(items.is_empty());
    assert_eq!(received(&server).await.len(), 2, "one request per stream");
}

#[tokio::test]
async fn has_more_without_a_cursor_ends_instead_of_looping() {
    let server = MockServer::start().await;
    mount_page(&server, None, ok(page(&[], true))).await;
    let pages: Vec<_> = client(&server.uri())
        .models()
        .list()
        .pages()
        .try_collect()
        .await
        .expect("one page");
    assert_eq!(pages.len(), 1);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn the_same_cursor_twice_ends_instead_of_looping() {
    // A server that keeps answering "more after m2" with the same page.
    let server = MockServer::start().await;
    mount_page(&server, None, ok(page(&["m1", "m2"], true))).await;
    mount_page(
        &server,
        Some(("after_id", "m2")),
        ok(page(&["m1", "m2"], true)),
    )
    .await;
    let pages: Vec<_> = client(&server.uri())
        .models()
        .list()
        .pages()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(pages.len(), 2);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn an_error_mid_way_is_yielded_then_the_stream_ends() {
    let server = MockServer::start().await;
    mount_page(&server, None, ok(page(&["m1", "m2", "m3"], true))).await;
    mount_page(
        &server,
        Some(("after_id", "m3")),
        ResponseTemplate::new(404)
            .insert_header("request-id", "req_gone")
            .set_body_json(error_body("not_found_error", "cursor expired")),
    )
    .await;
    let items: Vec<Result<String, Error>> = client(&server.uri())
        .models()
        .list()
        .limit(3)
        .items()
        .map_ok(|m| m.id)
        .collect()
        .await;
    assert_eq!(items.len(), 4, "three items, then the error, then the end");
    let ids: Vec<&str> = items[..3]
        .iter()
        .map(|r| r.as_deref().expect("an item"))
        .collect();
    assert_eq!(ids, ["m1", "m2", "m3"]);
    let err = items[3].as_ref().expect_err("the failed page");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.request_id(), Some("req_gone"));
    assert_eq!(received(&server).await.len(), 2, "nothing after the error");
}

#[tokio::test]
async fn a_page_retried_after_a_529_yields_no_item_twice_and_skips_none() {
    let server = forward_server().await;
    // The second page is overloaded once, then served.
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(query_param("after_id", "m3"))
        .respond_with(
            ResponseTemplate::new(529)
                .insert_header("retry-after-ms", "1")
                .set_body_json(error_body("overloaded_error", "Overloaded")),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let ids: Vec<String> = client(&server.uri())
        .models()
        .list()
        .limit(3)
        .items()
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .expect("the retry hides the 529");
    assert_eq!(ids, ALL);
    let after: Vec<Option<String>> = received(&server)
        .await
        .iter()
        .map(|r| query_value(r, "after_id"))
        .collect();
    let s = |v: &str| Some(v.to_string());
    assert_eq!(after, vec![None, s("m3"), s("m3"), s("m6")]);
}

#[tokio::test]
async fn nothing_is_sent_until_the_stream_is_polled() {
    let server = forward_server().await;
    let client = client(&server.uri());
    let mut items = Box::pin(client.models().list().limit(3).items());
    assert!(received(&server).await.is_empty());
    let first = items.next().await.expect("an item").expect("ok");
    assert_eq!(first.id, "m1");
    assert_eq!(
        received(&server).await.len(),
        1,
        "one page fetched for the first item"
    );
    // Taking the rest of the first page fetches nothing more.
    for _ in 0..2 {
        items.next().await.expect("an item").expect("ok");
    }
    assert_eq!(received(&server).await.len(), 1);
}
