//! Each error status, malformed bodies, typed errors and predicates.
//!
//! Clients here do not retry (`max_retries(0)`): the retry rules have their
//! own tests, and each request here must reach the server exactly once.

use std::time::Duration;

use anthropic_client::types::ErrorType;
use anthropic_client::{Client, Error, RateLimits};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::runtime::{answer_list, builder, error_body, model, page, received, API_KEY};

fn no_retry(server: &MockServer) -> Client {
    builder(&server.uri())
        .max_retries(0)
        .build()
        .expect("client")
}

async fn list_error(server: &MockServer) -> Error {
    let err = no_retry(server)
        .models()
        .list()
        .send()
        .await
        .expect_err("the server answers with an error");
    assert_eq!(received(server).await.len(), 1, "sent exactly once");
    err
}

/// The statuses and error types of the API reference's errors page.
const DOCUMENTED: [(u16, &str); 8] = [
    (400, "invalid_request_error"),
    (401, "authentication_error"),
    (403, "permission_error"),
    (404, "not_found_error"),
    (413, "request_too_large"),
    (429, "rate_limit_error"),
    (500, "api_error"),
    (529, "overloaded_error"),
];

fn typed(name: &str) -> ErrorType {
    match name {
        "invalid_request_error" => ErrorType::InvalidRequestError,
        "authentication_error" => ErrorType::AuthenticationError,
        "permission_error" => ErrorType::PermissionError,
        "not_found_error" => ErrorType::NotFoundError,
        "request_too_large" => ErrorType::RequestTooLarge,
        "rate_limit_error" => ErrorType::RateLimitError,
        "api_error" => ErrorType::ApiError,
        "overloaded_error" => ErrorType::OverloadedError,
        other => panic!("not a documented type: {other}"),
    }
}

#[tokio::test]
async fn each_documented_status_is_a_typed_api_error() {
    for (status, kind) in DOCUMENTED {
        let server = MockServer::start().await;
        let message = format!("what went wrong ({status})");
        let request_id = format!("req_{status}_header");
        answer_list(
            &server,
            ResponseTemplate::new(status)
                .insert_header("request-id", request_id.as_str())
                .insert_header("x-custom", "kept")
                .set_body_json(error_body(kind, &message)),
        )
        .await;
        let err = list_error(&server).await;
        let Error::Api(api) = &err else {
            panic!("{status}: expected Error::Api, got {err:?}");
        };
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.error_type(), &typed(kind), "{status}");
        assert_eq!(api.error_type().as_str(), kind, "{status}");
        assert_eq!(api.message(), message);
        // The header wins over the body's `request_id`.
        assert_eq!(api.request_id.as_deref(), Some(request_id.as_str()));
        assert_eq!(api.headers["x-custom"], "kept");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.request_id(), Some(request_id.as_str()));
        assert_eq!(err.error_type(), Some(&typed(kind)));

        assert_eq!(err.is_rate_limited(), status == 429, "{status}");
        assert_eq!(err.is_overloaded(), status == 529, "{status}");
        assert_eq!(
            err.is_retryable(),
            matches!(status, 429 | 500 | 529),
            "{status}"
        );
        assert!(!err.is_timeout() && !err.is_connection(), "{status}");

        let shown = err.to_string();
        for part in [status.to_string(), kind.to_string(), message, request_id] {
            assert!(shown.contains(&part), "{shown:?} lacks {part:?}");
        }
    }
}

#[tokio::test]
async fn the_body_request_id_stands_in_for_a_missing_header() {
    let server = MockServer::start().await;
    answer_list(
        &server,
        ResponseTemplate::new(404).set_body_json(error_body("not_found_error", "no such model")),
    )
    .await;
    let err = list_error(&server).await;
    assert_eq!(err.request_id(), Some("req_from_body"));
}

#[tokio::test]
async fn a_rate_limit_error_carries_its_rate_limit_headers() {
    let server = MockServer::start().await;
    answer_list(
        &server,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "7")
            .insert_header("anthropic-ratelimit-requests-limit", "50")
            .insert_header("anthropic-ratelimit-requests-remaining", "0")
            .insert_header("anthropic-ratelimit-requests-reset", "2025-01-01T00:00:07Z")
            .set_body_json(error_body("rate_limit_error", "slow down")),
    )
    .await;
    let err = list_error(&server).await;
    let limits = RateLimits::from_headers(&err.api_error().expect("API error").headers);
    assert_eq!(limits.requests.limit, Some(50));
    assert_eq!(limits.requests.remaining, Some(0));
    assert_eq!(
        limits.requests.reset.as_deref(),
        Some("2025-01-01T00:00:07Z")
    );
    assert_eq!(limits.retry_after, Some(Duration::from_secs(7)));
    assert!(err.is_rate_limited() && err.is_retryable());
}

#[tokio::test]
async fn an_unknown_error_type_is_kept() {
    let server = MockServer::start().await;
    answer_list(
        &server,
        ResponseTemplate::new(418).set_body_json(error_body("teapot_error", "short and stout")),
    )
    .await;
    let err = list_error(&server).await;
    assert_eq!(
        err.error_type(),
        Some(&ErrorType::Other("teapot_error".to_string()))
    );
    assert_eq!(
        err.api_error().expect("API error").message(),
        "short and stout"
    );
    assert!(err.to_string().contains("teapot_error"));
    assert!(!err.is_retryable(), "a 4xx other than 408/409/429");
}

const HTML: &str = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
<body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center>\
<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor \
incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam.</p>\
<!-- TAIL-MARKER --></body></html>";

/// A response whose body is not what the spec says, and what it must give.
struct Malformed {
    name: &'static str,
    status: u16,
    content_type: &'static str,
    body: &'static str,
}

const MALFORMED: &[Malformed] = &[
    Malformed {
        name: "truncated JSON on success",
        status: 200,
        content_type: "application/json",
        body: r#"{"data":[{"id":"m1","created_at":"2025-02-19T00:00:00Z","disp"#,
    },
    Malformed {
        name: "truncated JSON on an error",
        status: 400,
        content_type: "application/json",
        body: r#"{"type":"error","error":{"type":"invalid_req"#,
    },
    Malformed {
        name: "HTML error page",
        status: 502,
        content_type: "text/html",
        body: HTML,
    },
    Malformed {
        name: "HTML on success",
        status: 200,
        content_type: "text/html; charset=utf-8",
        body: HTML,
    },
    Malformed {
        name: "wrong content type on success",
        status: 200,
        content_type: "text/plain",
        body: "OK",
    },
    Malformed {
        name: "wrong content type on an error",
        status: 503,
        content_type: "text/plain",
        body: "upstream connect error or disconnect/reset before headers",
    },
    Malformed {
        name: "empty body on success",
        status: 200,
        content_type: "application/json",
        body: "",
    },
    Malformed {
        name: "empty body on an error",
        status: 500,
        content_type: "application/json",
        body: "",
    },
    Malformed {
        name: "JSON of another shape on success",
        status: 200,
        content_type: "application/json",
        body: r#"{"models":["m1"]}"#,
    },
    Malformed {
        name: "JSON of another shape on an error",
        status: 404,
        content_type: "application/json",
        body: r#"{"error":"not found"}"#,
    },
    Malformed {
        name: "a status the spec does not list",
        status: 204,
        content_type: "application/json",
        body: "",
    },
];

#[tokio::test]
async fn malformed_bodies_are_decode_errors_with_the_bytes_kept() {
    for case in MALFORMED {
        let server = MockServer::start().await;
        answer_list(
            &server,
            ResponseTemplate::new(case.status)
                .insert_header("request-id", "req_malformed")
                .set_body_raw(case.body, case.content_type),
        )
        .await;
        let result = no_retry(&server).models().list().send().await;
        let err = result.expect_err(case.name);
        assert_eq!(received(&server).await.len(), 1, "{}", case.name);
        let Error::Decode(decode) = &err else {
            panic!("{}: expected Error::Decode, got {err:?}", case.name);
        };
        assert_eq!(
            decode.status.map(|s| s.as_u16()),
            Some(case.status),
            "{}",
            case.name
        );
        assert_eq!(decode.body.as_ref(), case.body.as_bytes(), "{}", case.name);
        assert_eq!(
            decode.request_id.as_deref(),
            Some("req_malformed"),
            "{}",
            case.name
        );
        assert_eq!(
            decode.headers["content-type"], case.content_type,
            "{}",
            case.name
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(case.status));
        assert_eq!(err.request_id(), Some("req_malformed"));
        assert_eq!(err.error_type(), None);
        assert_eq!(
            err.is_retryable(),
            case.status >= 500,
            "{}: retryable by status",
            case.name
        );
        let shown = err.to_string();
        assert!(
            shown.contains(&format!("status {}", case.status)),
            "{shown}"
        );
        assert!(shown.contains("req_malformed"), "{shown}");
        assert!(!shown.contains(API_KEY));
    }
}

#[tokio::test]
async fn display_of_a_long_undecodable_body_is_truncated() {
    let server = MockServer::start().await;
    answer_list(
        &server,
        ResponseTemplate::new(502).set_body_raw(HTML, "text/html"),
    )
    .await;
    let err = list_error(&server).await;
    let shown = err.to_string();
    assert!(
        shown.contains("502 Bad Gateway"),
        "the start is shown: {shown}"
    );
    assert!(!shown.contains("TAIL-MARKER"), "the end is cut: {shown}");
    assert!(
        shown.contains(&format!("({} bytes in all)", HTML.len())),
        "{shown}"
    );
    assert!(shown.len() < HTML.len(), "{shown}");
    let Error::Decode(decode) = err else {
        panic!("a decode error");
    };
    assert_eq!(decode.body.len(), HTML.len(), "all bytes are kept");
}

#[tokio::test]
async fn json_under_another_content_type_is_still_decoded() {
    // Like the official SDKs, the body decides, not the content type.
    let server = MockServer::start().await;
    answer_list(
        &server,
        ResponseTemplate::new(200).set_body_raw(page(&["m1"], false).to_string(), "text/plain"),
    )
    .await;
    let page = no_retry(&server)
        .models()
        .list()
        .send()
        .await
        .expect("a JSON body decodes whatever its content type says");
    assert_eq!(page.data[0].id, "m1");
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_a_decode_error() {
    let ids: Vec<String> = (0..2000).map(|i| format!("model-{i:05}")).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let big_page = page(&id_refs, false).to_string();
    assert!(big_page.len() > 100_000);
    let big_error = error_body("invalid_request_error", &"x".repeat(50_000)).to_string();
    for (status, body) in [(200u16, big_page), (400, big_error)] {
        let server = MockServer::start().await;
        answer_list(
            &server,
            ResponseTemplate::new(status).set_body_raw(body.clone(), "application/json"),
        )
        .await;
        let limit = 4096;
        let err = builder(&server.uri())
            .max_retries(0)
            .max_response_bytes(limit)
            .build()
            .expect("client")
            .models()
            .list()
            .send()
            .await
            .expect_err("the body is over the limit");
        let Error::Decode(decode) = &err else {
            panic!("{status}: expected Error::Decode, got {err:?}");
        };
        assert_eq!(decode.status.map(|s| s.as_u16()), Some(status));
        assert!(
            decode.body.len() <= limit,
            "{status}: at most the limit is kept"
        );
        assert!(decode.reason.contains("4096"), "{}", decode.reason);
        assert!(
            err.to_string().len() < 1024,
            "{status}: Display stays short"
        );
    }

    // Right at the limit, the body is read whole and decodes.
    let server = MockServer::start().await;
    let body = page(&["m1"], false).to_string();
    answer_list(
        &server,
        ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"),
    )
    .await;
    let page = builder(&server.uri())
        .max_response_bytes(body.len())
        .build()
        .expect("client")
        .models()
        .list()
        .send()
        .await
        .expect("a body of exactly the limit is fine");
    assert_eq!(page.data[0].id, "m1");
}

#[tokio::test]
async fn retrieve_errors_are_typed_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models/no-such-model"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "req_404")
                .set_body_json(error_body("not_found_error", "model: no-such-model")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models/m1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(model("m1")))
        .mount(&server)
        .await;
    let client = no_retry(&server);
    let err = client
        .models()
        .retrieve("no-such-model")
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.error_type(), Some(&ErrorType::NotFoundError));
    assert_eq!(err.request_id(), Some("req_404"));
    let beta_err = client
        .beta()
        .models()
        .retrieve("no-such-model")
        .send()
        .await
        .expect_err("404");
    assert_eq!(beta_err.error_type(), Some(&ErrorType::NotFoundError));
    let found = client.models().retrieve("m1").send().await.expect("200");
    assert_eq!(found.id, "m1");
}
