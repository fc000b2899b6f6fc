//! The two credentials: an admin operation sends the admin key and only it,
//! an ordinary operation the API key and only it; a missing key is an
//! error naming its variable, with nothing sent; and neither key shows up
//! in `Debug`, in errors or in the logs.

use std::sync::Mutex;
use std::time::Duration;

use anthropic_client::{Client, ClientBuilder, Error};
use futures::StreamExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::admin::{
    admin_builder, admin_client, answer, assert_admin_request, both_keys_client, list_page,
    organization, user, ADMIN_KEY,
};
use workspace_tests::runtime::{
    builder, client, error_body, page, received, refused_url, Conn, LogCapture, RawServer, API_KEY,
};

const ME: &str = "/v1/organizations/me";
const USERS: &str = "/v1/organizations/users";

/// The message of an `InvalidArgument`, failing on anything else.
fn invalid<T: std::fmt::Debug>(result: Result<T, Error>, what: &str) -> String {
    match result {
        Err(Error::InvalidArgument(message)) => message,
        other => panic!("{what}: expected Error::InvalidArgument, got {other:?}"),
    }
}

/// A server answering the admin `me` and users list, and the models list.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    answer(&server, "GET", ME, organization()).await;
    answer(
        &server,
        "GET",
        USERS,
        list_page(vec![user("user_01", "ada@example.com", "admin")], false),
    )
    .await;
    answer(&server, "GET", "/v1/models", page(&["m1"], false)).await;
    server
}

#[tokio::test]
async fn with_the_api_key_only_an_admin_operation_names_the_admin_variable_and_sends_nothing() {
    let server = server().await;
    let client = client(&server.uri());
    let admin = client.admin();
    let messages = [
        invalid(admin.organizations().me().send().await, "me"),
        invalid(admin.users().retrieve("user_01").send().await, "get user"),
        invalid(
            admin
                .usage_report()
                .messages("2025-01-01T00:00:00Z")
                .send()
                .await,
            "usage",
        ),
    ];
    for message in &messages {
        assert_eq!(
            message,
            "this operation needs the key of ANTHROPIC_ADMIN_KEY, which the client was built \
             without: set ANTHROPIC_ADMIN_KEY or call ClientBuilder::admin_key"
        );
    }
    // Through auto-pagination: the first item is the error, and the last.
    let items: Vec<_> = admin.users().list().items().collect().await;
    assert_eq!(items.len(), 1);
    assert!(
        matches!(&items[0], Err(Error::InvalidArgument(m)) if m.contains("ANTHROPIC_ADMIN_KEY")),
        "{items:?}"
    );
    assert!(received(&server).await.is_empty(), "nothing was sent");
    // The ordinary operations still work with that client.
    client
        .models()
        .list()
        .send()
        .await
        .expect("models with the API key");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn with_the_admin_key_only_an_ordinary_operation_names_the_api_variable_and_sends_nothing() {
    let server = server().await;
    let client = admin_client(&server.uri());
    let messages = [
        invalid(client.models().list().send().await, "models list"),
        invalid(client.models().retrieve("m1").send().await, "model"),
        invalid(
            client
                .messages()
                .batches()
                .retrieve("msgbatch_01")
                .send()
                .await,
            "batch",
        ),
    ];
    for message in &messages {
        assert_eq!(
            message,
            "this operation needs the key of ANTHROPIC_API_KEY, which the client was built \
             without: set ANTHROPIC_API_KEY or call ClientBuilder::api_key"
        );
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
    client
        .admin()
        .organizations()
        .me()
        .send()
        .await
        .expect("me with the admin key");
    assert_eq!(received(&server).await.len(), 1);
}

/// Where a key is, in a raw request head: the values of its `x-api-key`
/// lines, and whether `other` appears anywhere.
fn keys_in(head: &str, other: &str) -> (Vec<String>, bool) {
    let keys = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("x-api-key"))
        .map(|(_, value)| value.trim().to_string())
        .collect();
    (keys, head.contains(other))
}

#[tokio::test]
async fn with_both_keys_each_operation_sends_its_own_key_and_never_the_other() {
    // The raw heads, byte for byte: no header of any name may carry the
    // other key.
    let server = RawServer::start(vec![
        Conn::Ok(organization()),
        Conn::Ok(page(&["m1"], false)),
        Conn::Ok(list_page(vec![], false)),
    ])
    .await;
    let client = both_keys_client(&server.url);
    client
        .admin()
        .organizations()
        .me()
        .send()
        .await
        .expect("me");
    client.models().list().send().await.expect("models");
    client.admin().users().list().send().await.expect("users");
    let heads = server.requests();
    assert_eq!(heads.len(), 3);
    assert!(
        heads[0].starts_with("GET /v1/organizations/me "),
        "{}",
        heads[0]
    );
    assert_eq!(
        keys_in(&heads[0], API_KEY),
        (vec![ADMIN_KEY.to_string()], false)
    );
    assert!(heads[1].starts_with("GET /v1/models "), "{}", heads[1]);
    assert_eq!(
        keys_in(&heads[1], ADMIN_KEY),
        (vec![API_KEY.to_string()], false)
    );
    assert_eq!(
        keys_in(&heads[2], API_KEY),
        (vec![ADMIN_KEY.to_string()], false)
    );

    // Also when a retry rebuilds the request, and through wiremock's view.
    let mock = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ME))
        .respond_with(ResponseTemplate::new(529).insert_header("retry-after-ms", "1"))
        .up_to_n_times(1)
        .mount(&mock)
        .await;
    answer(&mock, "GET", ME, organization()).await;
    both_keys_client(&mock.uri())
        .admin()
        .organizations()
        .me()
        .send()
        .await
        .expect("me after a retry");
    let requests = received(&mock).await;
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_admin_request(r, "GET", ME);
    }
}

#[tokio::test]
async fn a_default_header_named_x_api_key_does_not_replace_the_admin_key() {
    let server = server().await;
    admin_builder(&server.uri())
        .api_key(API_KEY)
        .header("x-api-key", API_KEY)
        .build()
        .expect("client")
        .admin()
        .organizations()
        .me()
        .send()
        .await
        .expect("me");
    assert_admin_request(&received(&server).await[0], "GET", ME);
}

/// Environment variables are process-wide: one test touches them, under this lock.
static ENV: Mutex<()> = Mutex::new(());

#[tokio::test]
async fn from_env_reads_either_key_or_both() {
    let server = server().await;
    let names = [
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_ADMIN_KEY",
        "ANTHROPIC_BASE_URL",
    ];
    let set = |api: Option<&str>, admin: Option<&str>| {
        for (name, value) in names.iter().zip([api, admin, Some(server.uri().as_str())]) {
            match value {
                Some(v) => std::env::set_var(name, v),
                None => std::env::remove_var(name),
            }
        }
        Client::from_env()
    };
    // Read the environment under the lock, restoring it before any await.
    let (admin_only, api_only, both, neither, builder_admin) = {
        let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
        let saved: Vec<_> = names.iter().map(|k| (*k, std::env::var(k).ok())).collect();
        let admin_only = set(None, Some(ADMIN_KEY));
        let api_only = set(Some(API_KEY), None);
        let both = set(Some(API_KEY), Some(ADMIN_KEY));
        let neither = set(None, Some("   "));
        let _ = set(None, Some(ADMIN_KEY));
        let builder_admin = ClientBuilder::from_env().max_retries(0).build();
        for (name, value) in saved {
            match value {
                Some(v) => std::env::set_var(name, v),
                None => std::env::remove_var(name),
            }
        }
        (admin_only, api_only, both, neither, builder_admin)
    };
    let message = invalid(neither, "a blank admin key and no API key");
    assert!(message.contains("ANTHROPIC_ADMIN_KEY"), "{message}");

    let admin_only = admin_only.expect("the admin key alone is enough");
    admin_only
        .admin()
        .organizations()
        .me()
        .send()
        .await
        .expect("me");
    let message = invalid(admin_only.models().list().send().await, "models");
    assert!(message.contains("ANTHROPIC_API_KEY"), "{message}");
    builder_admin
        .expect("builder")
        .admin()
        .organizations()
        .me()
        .send()
        .await
        .expect("me");

    let api_only = api_only.expect("the API key alone is enough");
    let message = invalid(api_only.admin().organizations().me().send().await, "me");
    assert!(message.contains("ANTHROPIC_ADMIN_KEY"), "{message}");

    let both = both.expect("both keys");
    both.admin().organizations().me().send().await.expect("me");
    both.models().list().send().await.expect("models");

    let requests = received(&server).await;
    let sent: Vec<_> = requests
        .iter()
        .map(|r| (r.url.path(), r.headers["x-api-key"].to_str().unwrap_or("?")))
        .collect();
    assert_eq!(
        sent,
        [
            (ME, ADMIN_KEY),
            (ME, ADMIN_KEY),
            (ME, ADMIN_KEY),
            ("/v1/models", API_KEY)
        ]
    );
}

/// Asserts neither key is in `text`.
fn assert_no_key(text: &str, what: &str) {
    assert!(
        !text.contains(API_KEY),
        "{what}: the API key leaked: {text}"
    );
    assert!(
        !text.contains(ADMIN_KEY),
        "{what}: the admin key leaked: {text}"
    );
}

#[tokio::test]
async fn neither_key_is_in_the_debug_of_the_client_the_builder_or_a_request() {
    let builder = admin_builder("http://127.0.0.1:9").api_key(API_KEY);
    let shown = format!("{builder:?} {builder:#?}");
    assert_no_key(&shown, "builder");
    assert!(
        shown.contains("ANTHROPIC_ADMIN_KEY"),
        "names the key it holds: {shown}"
    );
    let client = builder.build().expect("client");
    let shown = format!("{client:?} {client:#?}");
    assert_no_key(&shown, "client");
    assert!(shown.contains("ANTHROPIC_ADMIN_KEY") && shown.contains("ANTHROPIC_API_KEY"));
    let request = client.admin().users().list().email("ada@example.com");
    assert_no_key(&format!("{request:?}"), "request");
    assert_no_key(&format!("{:?}", client.admin()), "resource");
    let admin_only = admin_client("http://127.0.0.1:9");
    assert_no_key(&format!("{admin_only:?}"), "admin client");
}

#[tokio::test]
async fn neither_key_is_in_any_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ME))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("request-id", "req_401")
                .set_body_json(error_body("authentication_error", "invalid x-api-key")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(USERS))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"data\": 7}"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/api_keys/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let both = both_keys_client(&server.uri());
    let api_only = client(&server.uri());
    let admin_only = admin_client(&server.uri());
    let errors = [
        both.admin()
            .organizations()
            .me()
            .send()
            .await
            .expect_err("401"),
        both.admin()
            .users()
            .list()
            .send()
            .await
            .expect_err("undecodable"),
        both.admin()
            .api_keys()
            .retrieve("slow")
            .timeout(Duration::from_millis(50))
            .max_retries(0)
            .send()
            .await
            .expect_err("timeout"),
        admin_builder(&refused_url())
            .api_key(API_KEY)
            .max_retries(0)
            .build()
            .expect("client")
            .admin()
            .organizations()
            .me()
            .send()
            .await
            .expect_err("refused"),
        api_only
            .admin()
            .organizations()
            .me()
            .send()
            .await
            .expect_err("no admin key"),
        admin_only
            .models()
            .list()
            .send()
            .await
            .expect_err("no API key"),
        both.admin()
            .users()
            .retrieve("..")
            .send()
            .await
            .expect_err("a bad id"),
    ];
    assert!(matches!(errors[0], Error::Api(_)), "{:?}", errors[0]);
    assert!(matches!(errors[1], Error::Decode(_)), "{:?}", errors[1]);
    assert!(matches!(errors[2], Error::Timeout(_)), "{:?}", errors[2]);
    assert!(matches!(errors[3], Error::Connection(_)), "{:?}", errors[3]);
    for err in &errors[4..] {
        assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    }
    for err in &errors {
        let mut shown = vec![err.to_string(), format!("{err:?}"), format!("{err:#?}")];
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            shown.push(format!("{s} / {s:?}"));
            source = s.source();
        }
        for text in &shown {
            assert_no_key(text, "an error");
        }
    }
    // The 401 did carry the admin key.
    assert_admin_request(&received(&server).await[0], "GET", ME);
}

#[tokio::test]
async fn neither_key_is_in_the_trace_logs_of_a_request() {
    let (logs, _guard) = LogCapture::install();
    let server = MockServer::start().await;
    // One failure each, so the retry is logged with the operation's name.
    for url_path in [ME, "/v1/models"] {
        Mock::given(method("GET"))
            .and(path(url_path))
            .respond_with(
                ResponseTemplate::new(529)
                    .insert_header("retry-after-ms", "1")
                    .insert_header("request-id", "req_busy"),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    answer(&server, "GET", ME, organization()).await;
    answer(&server, "GET", "/v1/models", page(&["m1"], false)).await;
    let both = both_keys_client(&server.uri());
    both.admin().organizations().me().send().await.expect("me");
    both.models().list().send().await.expect("models");
    let _ = both.admin().users().retrieve("..").send().await;
    let _ = builder(&refused_url())
        .admin_key(ADMIN_KEY)
        .max_retries(1)
        .build()
        .expect("client")
        .admin()
        .organizations()
        .me()
        .send()
        .await;
    let text = logs.text();
    // The capture did see the requests: the retries name their operations,
    // and the HTTP stack's own TRACE events are there too.
    let retries = logs.lines_with("retrying");
    let of = |operation: &str| retries.iter().filter(|l| l.contains(operation)).count();
    assert_eq!(
        (of("admin_organizations_me"), of("models_list")),
        (2, 1),
        "{text}"
    );
    assert!(text.contains("TRACE"), "{text}");
    assert_no_key(&text, "the logs");
}
