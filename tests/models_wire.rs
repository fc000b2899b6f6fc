//! The four Models operations on the wire, against a wiremock server.

use anthropic_client::types::AnthropicBeta;
use anthropic_client::Client;
use futures::TryStreamExt;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("sk-test-key")
        .base_url(server.uri())
        .build()
        .expect("client")
}

#[tokio::test]
async fn smoke() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(query_param("beta", "true"))
        .and(query_param("limit", "5"))
        .and(header("x-api-key", "sk-test-key"))
        .and(header("anthropic-version", "2023-06-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": "m1", "created_at": "2025-02-19T00:00:00Z", "display_name": "M1", "type": "model"}],
            "first_id": "m1", "has_more": false, "last_id": "m1"
        })))
        .mount(&server)
        .await;
    let page = client(&server)
        .beta()
        .models()
        .list()
        .limit(5)
        .anthropic_beta([AnthropicBeta::from("x-new-beta"), AnthropicBeta::FilesApi20250414])
        .send()
        .await
        .expect("page");
    assert_eq!(page.data[0].id, "m1");
    let items: Vec<_> = client(&server).beta().models().list().limit(5u64).items().try_collect().await.expect("items");
    assert_eq!(items.len(), 1);
    let requests = server.received_requests().await.expect("requests");
    for r in &requests {
        println!("{} {:?}", r.url, r.headers);
    }
}
