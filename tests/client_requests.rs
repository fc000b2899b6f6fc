//! Configuration, per-request overrides, client-side checks, percent-encoding, secret redaction.

use std::sync::Mutex;
use std::time::Duration;

use anthropic_client::types::AnthropicBeta;
use anthropic_client::{Client, ClientBuilder, Error};
use futures::StreamExt;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::runtime::{
    builder, client, error_body, model, page, received, refused_url, Conn, RawServer, API_KEY,
};

async fn serve_models(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["m1"], false)))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/v1/models/.+"))
        .respond_with(ResponseTemplate::new(200).set_body_json(model("any")))
        .mount(server)
        .await;
}

fn invalid(result: Result<impl std::fmt::Debug, Error>, what: &str) -> String {
    match result {
        Err(Error::InvalidArgument(message)) => message,
        other => panic!("{what}: expected Error::InvalidArgument, got {other:?}"),
    }
}

#[tokio::test]
async fn limit_out_of_range_is_rejected_before_sending() {
    let server = MockServer::start().await;
    serve_models(&server).await;
    let client = client(&server.uri());
    let zero = invalid(client.models().list().limit(0u64).send().await, "limit 0");
    assert!(zero.contains("limit"), "{zero}");
    let over = invalid(
        client.models().list().limit(1001).send().await,
        "limit 1001",
    );
    assert!(over.contains("1..=1000") && over.contains("1001"), "{over}");
    invalid(
        client.beta().models().list().limit(1001).send().await,
        "beta limit 1001",
    );
    invalid(
        client.beta().models().list().limit(0u64).send().await,
        "beta limit 0",
    );
    // Auto-pagination reports it as its only item.
    let items: Vec<_> = client.models().list().limit(5000).items().collect().await;
    assert_eq!(items.len(), 1);
    assert!(matches!(items[0], Err(Error::InvalidArgument(_))));
    assert!(
        received(&server).await.is_empty(),
        "nothing reached the server"
    );
    // The bounds themselves are fine.
    client
        .models()
        .list()
        .limit(1)
        .send()
        .await
        .expect("limit 1");
    client
        .models()
        .list()
        .limit(1000)
        .send()
        .await
        .expect("limit 1000");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn header_values_with_cr_or_lf_are_rejected_before_sending() {
    let server = MockServer::start().await;
    serve_models(&server).await;
    let client = client(&server.uri());
    for value in ["a\r\nx-injected: 1", "a\nb", "a\rb"] {
        let message = invalid(
            client.models().list().header("x-note", value).send().await,
            "CR/LF in a request header",
        );
        assert!(message.contains("x-note"), "{message}");
        invalid(
            client
                .models()
                .list()
                .anthropic_beta([AnthropicBeta::from(value)])
                .send()
                .await,
            "CR/LF in anthropic-beta",
        );
        let built = builder(&server.uri()).header("x-note", value).build();
        invalid(built, "CR/LF in a client header");
        let built = builder(&server.uri()).beta(value).build();
        invalid(built, "CR/LF in a client beta");
    }
    invalid(
        client.models().list().header("bad name", "v").send().await,
        "a header name with a space",
    );
    assert!(received(&server).await.is_empty());
}

/// Percent-decodes a path segment (for checking what the server got).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
            out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

#[tokio::test]
async fn model_ids_travel_as_one_percent_encoded_path_segment() {
    let server = MockServer::start().await;
    serve_models(&server).await;
    let client = client(&server.uri());
    let cases = [
        ("a/b", "a%2Fb"),
        ("a?b=c", "a%3Fb=c"),
        ("a#frag", "a%23frag"),
        ("100%", "100%25"),
        ("%2e%2e", "%252e%252e"),
        ("with space", "with%20space"),
        ("../x", "..%2Fx"),
        ("../../v1/admin", "..%2F..%2Fv1%2Fadmin"),
        ("modèle", "mod%C3%A8le"),
        ("claude-sonnet-4-20250514", "claude-sonnet-4-20250514"),
    ];
    for (id, _) in cases {
        client.models().retrieve(id).send().await.expect(id);
        client.beta().models().retrieve(id).send().await.expect(id);
    }
    let requests = received(&server).await;
    assert_eq!(requests.len(), cases.len() * 2);
    for (pair, (id, encoded)) in requests.chunks(2).zip(cases) {
        for (request, beta) in pair.iter().zip([false, true]) {
            let raw = request.url.path();
            assert_eq!(raw, format!("/v1/models/{encoded}"), "{id}");
            let segments: Vec<&str> = raw.split('/').collect();
            assert_eq!(segments.len(), 4, "{id}: one segment in {raw}");
            assert_eq!(percent_decode(segments[3]), id);
            let query = request.url.query();
            if beta {
                assert_eq!(query, Some("beta=true"), "{id}");
            } else {
                assert_eq!(query, None, "{id}: nothing leaked into the query");
            }
            assert_eq!(request.url.fragment(), None);
        }
    }
}

#[tokio::test]
async fn dot_segments_and_empty_ids_are_rejected_before_sending() {
    let server = MockServer::start().await;
    serve_models(&server).await;
    let client = client(&server.uri());
    for id in ["..", ".", ""] {
        let message = invalid(client.models().retrieve(id).send().await, id);
        assert!(message.contains("model_id"), "{message}");
        invalid(client.beta().models().retrieve(id).send().await, id);
    }
    assert!(received(&server).await.is_empty());
}

/// Environment variables are process-wide: one test touches them, under this lock.
static ENV: Mutex<()> = Mutex::new(());

#[tokio::test]
async fn from_env_reads_the_key_and_base_url() {
    let server = MockServer::start().await;
    serve_models(&server).await;
    // Read the environment under the lock, restoring it before any await.
    let (from_env, builder_env, default_url, no_key, blank_key) = {
        let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
        let saved: Vec<(&str, Option<String>)> = ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"]
            .into_iter()
            .map(|k| (k, std::env::var(k).ok()))
            .collect();

        std::env::set_var("ANTHROPIC_API_KEY", API_KEY);
        std::env::set_var("ANTHROPIC_BASE_URL", server.uri());
        let from_env = Client::from_env();
        let builder_env = ClientBuilder::from_env().max_retries(0).build();

        std::env::remove_var("ANTHROPIC_BASE_URL");
        let default_url = Client::from_env();

        std::env::remove_var("ANTHROPIC_API_KEY");
        let no_key = Client::from_env();
        std::env::set_var("ANTHROPIC_API_KEY", "  ");
        let blank_key = Client::from_env();

        for (name, value) in saved {
            match value {
                Some(v) => std::env::set_var(name, v),
                None => std::env::remove_var(name),
            }
        }
        (from_env, builder_env, default_url, no_key, blank_key)
    };

    let client = from_env.expect("configured from the environment");
    assert_eq!(client.base_url(), server.uri());
    client
        .models()
        .list()
        .send()
        .await
        .expect("reaches the mock");
    builder_env
        .expect("builder from the environment")
        .models()
        .list()
        .send()
        .await
        .expect("reaches the mock");
    for r in received(&server).await {
        assert_eq!(r.headers["x-api-key"], API_KEY);
    }
    assert_eq!(
        default_url.expect("key alone is enough").base_url(),
        "https://api.anthropic.com"
    );
    let message = invalid(no_key, "no key");
    assert!(message.contains("ANTHROPIC_API_KEY"), "{message}");
    invalid(blank_key, "a blank key");
}

#[tokio::test]
async fn configuration_errors_are_reported_by_build() {
    invalid(Client::builder().build(), "no key");
    invalid(builder("not a url").build(), "a relative base URL");
    invalid(builder("ftp://example.com").build(), "a non-http scheme");
    let message = invalid(
        Client::builder()
            .api_key("sk-ant-leaky\nkey")
            .base_url("http://127.0.0.1:1")
            .build(),
        "a key with a newline",
    );
    assert!(
        !message.contains("leaky"),
        "the key is not quoted: {message}"
    );
}

#[tokio::test]
async fn the_base_url_may_have_a_trailing_slash_or_a_path_prefix() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/proxy/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["m1"], false)))
        .mount(&server)
        .await;
    serve_models(&server).await;
    client(&format!("{}/", server.uri()))
        .models()
        .list()
        .send()
        .await
        .expect("trailing slash");
    client(&format!("{}/proxy/", server.uri()))
        .models()
        .list()
        .send()
        .await
        .expect("path prefix");
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(paths, ["/v1/models", "/proxy/v1/models"]);
}

#[tokio::test]
async fn every_request_carries_the_key_the_version_and_the_betas() {
    let server = MockServer::start().await;
    serve_models(&server).await;
    let client = builder(&server.uri())
        .beta("client-beta")
        .beta(AnthropicBeta::FilesApi20250414)
        .build()
        .expect("client");
    client.models().list().send().await.expect("list");
    client
        .models()
        .retrieve("m1")
        .anthropic_beta([AnthropicBeta::from("request-beta"), "client-beta".into()])
        .send()
        .await
        .expect("retrieve");
    let requests = received(&server).await;
    for r in &requests {
        assert_eq!(r.headers["x-api-key"], API_KEY);
        assert_eq!(r.headers["anthropic-version"], "2023-06-01");
        assert_eq!(r.headers["accept"], "application/json");
        assert!(
            r.headers.get("api-version").is_none(),
            "progenitor's header is dropped"
        );
        assert_eq!(r.headers.get_all("anthropic-beta").iter().count(), 1);
    }
    assert_eq!(
        requests[0].headers["anthropic-beta"],
        "client-beta,files-api-2025-04-14"
    );
    assert_eq!(
        requests[1].headers["anthropic-beta"], "request-beta,client-beta,files-api-2025-04-14",
        "the request's betas first, each value once"
    );
}

#[tokio::test]
async fn per_request_headers_override_the_clients() {
    let server = MockServer::start().await;
    serve_models(&server).await;
    let client = builder(&server.uri())
        .header("x-team", "from-client")
        .build()
        .expect("client");
    client
        .models()
        .list()
        .header("x-team", "from-request")
        .header("x-extra", "1")
        .header("anthropic-version", "2099-01-01")
        .send()
        .await
        .expect("overridden");
    client.models().list().send().await.expect("defaults");
    let requests = received(&server).await;
    let values = |r: &wiremock::Request, name: &str| -> Vec<String> {
        r.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().expect("ascii").to_string())
            .collect()
    };
    assert_eq!(values(&requests[0], "x-team"), ["from-request"]);
    assert_eq!(values(&requests[0], "x-extra"), ["1"]);
    assert_eq!(values(&requests[0], "anthropic-version"), ["2099-01-01"]);
    assert_eq!(values(&requests[1], "x-team"), ["from-client"]);
    assert!(
        values(&requests[1], "x-extra").is_empty(),
        "per request only"
    );
    assert_eq!(values(&requests[1], "anthropic-version"), ["2023-06-01"]);
}

#[tokio::test]
async fn per_request_timeout_and_retries_override_the_clients() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(&["slow"], false))
                .set_delay(Duration::from_millis(400)),
        )
        .mount(&server)
        .await;
    let patient = builder(&server.uri())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let err = patient
        .models()
        .list()
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .send()
        .await
        .expect_err("the request's own timeout applies");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(
        received(&server).await.len(),
        1,
        "max_retries(0): one attempt"
    );

    let hasty = builder(&server.uri())
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .build()
        .expect("client");
    let err = hasty
        .models()
        .list()
        .send()
        .await
        .expect_err("client timeout");
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn a_per_request_timeout_longer_than_the_clients_applies() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(&["slow"], false))
                .set_delay(Duration::from_millis(400)),
        )
        .mount(&server)
        .await;
    let hasty = builder(&server.uri())
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .build()
        .expect("client");
    let page = hasty
        .models()
        .list()
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .expect("a longer per-request timeout lifts the client's");
    assert_eq!(page.data[0].id, "slow");
}

/// A guard against a test hanging when a timeout does not fire.
const HANG_GUARD: Duration = Duration::from_secs(20);

fn stream_params() -> anthropic_client::types::MessageCreateParams {
    serde_json::from_value(serde_json::json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 16,
        "messages": [{"role": "user", "content": "Hello"}]
    }))
    .expect("valid params")
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_with_the_clients_timeout() {
    let server = RawServer::start(vec![Conn::Stall]).await;
    let client = builder(&server.url)
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .expect("client");
    let err = tokio::time::timeout(HANG_GUARD, client.models().list().send())
        .await
        .expect("not hung")
        .expect_err("no answer");
    assert!(err.is_timeout(), "{err:?}");
    // A stream has no overall timeout, but the wait for its head is bounded.
    let err = tokio::time::timeout(
        HANG_GUARD,
        client.messages().create_stream(stream_params()).send(),
    )
    .await
    .expect("not hung")
    .expect_err("no answer");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_stream_that_stalls_times_out_after_the_clients_timeout() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                transfer-encoding: chunked\r\n\r\n";
    let event = "event: ping\ndata: {\"type\": \"ping\"}\n\n";
    let chunk = format!("{:x}\r\n{event}\r\n", event.len());
    let server = RawServer::start(vec![Conn::Partial(format!("{head}{chunk}"))]).await;
    let client = builder(&server.url)
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .expect("client");
    let stream = tokio::time::timeout(
        HANG_GUARD,
        client.messages().create_stream(stream_params()).send(),
    )
    .await
    .expect("not hung")
    .expect("the stream opens");
    let items: Vec<_> = tokio::time::timeout(HANG_GUARD, stream.collect::<Vec<_>>())
        .await
        .expect("the stall is cut by the client's timeout");
    let last = items.last().expect("at least the error");
    let err = last.as_ref().expect_err("the stream ends with an error");
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn the_key_is_absent_from_debug_and_error_output() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(error_body("authentication_error", "invalid x-api-key")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models/html"))
        .respond_with(
            ResponseTemplate::new(502).set_body_raw("<html>bad gateway</html>", "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let configured = builder(&server.uri())
        .header("x-team", "t")
        .beta("b")
        .max_retries(0);
    let configured_debug = format!("{configured:?}");
    let client = configured.build().expect("client");
    let mut shown = vec![
        configured_debug,
        format!("{client:?}"),
        format!(
            "{:?}",
            client
                .messages()
                .create_stream(anthropic_client::types::MessageCreateParams::new(
                    "claude-sonnet-4-20250514",
                    16,
                    vec![workspace_tests::messages::user("hi")]
                ))
        ),
        format!("{:?}", client.models().list().limit(3)),
        format!("{:?}", client.beta().models().retrieve("m1")),
    ];
    let errors = vec![
        client
            .models()
            .list()
            .limit(0u64)
            .send()
            .await
            .expect_err("invalid"),
        client.models().list().send().await.expect_err("401"),
        client
            .models()
            .retrieve("html")
            .send()
            .await
            .expect_err("502 html"),
        client
            .models()
            .retrieve("slow")
            .timeout(Duration::from_millis(50))
            .send()
            .await
            .expect_err("timeout"),
        builder(&refused_url())
            .max_retries(0)
            .build()
            .expect("client")
            .models()
            .list()
            .send()
            .await
            .expect_err("refused"),
    ];
    assert!(matches!(errors[0], Error::InvalidArgument(_)));
    assert!(matches!(errors[1], Error::Api(_)));
    assert!(matches!(errors[2], Error::Decode(_)));
    assert!(matches!(errors[3], Error::Timeout(_)));
    assert!(matches!(errors[4], Error::Connection(_)));
    for err in &errors {
        shown.push(format!("{err:?}"));
        shown.push(err.to_string());
        shown.push(format!("{err:#}"));
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            shown.push(format!("{s:?} / {s}"));
            source = s.source();
        }
    }
    for text in &shown {
        assert!(!text.contains(API_KEY), "the key leaked: {text}");
    }
    // The key did travel, where it should.
    assert_eq!(received(&server).await[0].headers["x-api-key"], API_KEY);
}

/// Requests, streams and the client can move between tasks (`tokio::spawn`),
/// and the client can be shared: checked at compile time, nothing is sent.
#[test]
fn futures_streams_and_the_client_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    let client = anthropic_client::Client::builder()
        .api_key("sk-test")
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("a client");
    assert_send_sync(&client);
    assert_send(&client.models().list().limit(5).send());
    assert_send(&client.models().list().items());
    assert_send(&client.beta().models().retrieve("m").send());
    let params = anthropic_client::types::MessageCreateParams::new(
        "claude-sonnet-4-20250514",
        16,
        vec![anthropic_client::types::MessageParam::user("Hi")],
    );
    assert_send(&client.messages().create(params.clone()).send());
    assert_send(&client.messages().create_stream(params).send());
}
